//! `Check`: one question (`TYPE:ID:PERMISSION`) and its `Verdict` — the
//! paths that grant it, or the nearest misses when nothing does.

use crate::analysis::Unreadable;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::analysis::analyzer::{Analyzer, Explanation, Subject};
use crate::analysis::path::Path;
use crate::model::catalogue::{BUILT_IN_ROLES, PermissionType, ResourceType};
use crate::model::ids::GroupId;
use crate::model::state::{Container, Principal, ResourceSelector};

/// One question: `TYPE:ID:PERMISSION`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Check {
    /// The resource type.
    pub resource_type: ResourceType,
    /// The resource ID, or `*` for every resource.
    pub resource_id: String,
    /// The permission.
    pub permission: PermissionType,
}

impl Check {
    /// The question for `TYPE:ID` and `PERMISSION` (as `who-can` takes them).
    pub fn of(resource: &str, permission: &str) -> Result<Check, Unreadable> {
        let (rt, id) = resource.split_once(':').ok_or_else(|| {
            format!("{resource:?} is not TYPE:ID (e.g. PROCESS_DEFINITION:invoice or RESOURCE:*)")
        })?;
        let resource_type =
            ResourceType::parse(rt).ok_or_else(|| format!("unknown resource type {rt:?}"))?;
        let permission = PermissionType::parse(permission)
            .ok_or_else(|| format!("unknown permission type {permission:?}"))?;
        if id.is_empty() {
            return Err(format!("{resource:?} has no ID (use * for every resource)").into());
        }
        Ok(Check {
            resource_type,
            resource_id: id.to_owned(),
            permission,
        })
    }

    /// Whether a grant of `permission` on `resource_type`:`resource` answers
    /// it: the same type and permission, on `*` or on this ID (a question
    /// about `*` is answered by `*` only).
    pub fn covers(
        &self,
        resource_type: ResourceType,
        resource: &ResourceSelector,
        permission: PermissionType,
    ) -> bool {
        resource_type == self.resource_type && permission == self.permission && self.on(resource)
    }

    /// Whether `resource` selects the resource asked about.
    pub fn on(&self, resource: &ResourceSelector) -> bool {
        match resource {
            ResourceSelector::Id(id) => id == "*" || *id == self.resource_id,
            ResourceSelector::Property(_) => false,
        }
    }
}

impl FromStr for Check {
    type Err = Unreadable;

    /// `TYPE:ID:PERMISSION`.
    fn from_str(s: &str) -> Result<Check, Unreadable> {
        let (rest, permission) = s.rsplit_once(':').ok_or_else(|| {
            format!("{s:?} is not TYPE:ID:PERMISSION (e.g. PROCESS_DEFINITION:invoice:CREATE_PROCESS_INSTANCE)")
        })?;
        Check::of(rest, permission)
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}",
            self.resource_type, self.resource_id, self.permission
        )
    }
}

/// A path that grants the permission asked about, and on which selector.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Grants {
    /// `*` or the ID asked about.
    pub resource: ResourceSelector,
    /// How it reaches the subject.
    pub path: Path,
}

/// Why a check is not granted, and what comes closest.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum NearMiss {
    /// A group, role or mapping rule holds the permission, and the subject
    /// does not belong to it (does not match it).
    NotAMember {
        /// The group, role or mapping rule.
        holder: Principal,
        /// On `*` or on the ID asked about.
        resource: ResourceSelector,
        /// For a role: the groups in it (joining one would do too).
        groups: Vec<GroupId>,
    },
    /// The subject holds the permission, on other resources.
    OtherResources {
        /// Where it holds it.
        resources: Vec<ResourceSelector>,
    },
    /// The subject holds other permissions on this resource.
    OtherPermissions {
        /// Those permissions.
        permissions: Vec<PermissionType>,
    },
}

/// The answer to a [`Check`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// The question.
    pub check: Check,
    /// Whether the subject holds it.
    pub granted: bool,
    /// Every path that grants it.
    pub paths: Vec<Grants>,
    /// When not granted: what comes closest.
    pub near_misses: Vec<NearMiss>,
}

impl Verdict {
    /// The verdict on `check` for the subject of `explanation` (explained by
    /// `analyzer`).
    pub fn new(analyzer: &Analyzer<'_>, explanation: &Explanation, check: &Check) -> Verdict {
        let paths: Vec<Grants> = explanation
            .grants()
            .filter(|(rt, resource, p, _)| check.covers(*rt, resource, *p))
            .map(|(_, resource, _, path)| Grants {
                resource: resource.clone(),
                path: path.clone(),
            })
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let granted = !paths.is_empty();
        let near_misses = if granted {
            Vec::new()
        } else {
            near_misses(analyzer, explanation, check)
        };
        Verdict {
            check: check.clone(),
            granted,
            paths,
            near_misses,
        }
    }
}

fn near_misses(analyzer: &Analyzer<'_>, explanation: &Explanation, check: &Check) -> Vec<NearMiss> {
    let mut misses = Vec::new();
    // Who the subject is, and what it belongs to: holders among them are
    // no miss.
    let mut reached: BTreeSet<Principal> = explanation
        .grants()
        .map(|(_, _, _, path)| path.owner.clone())
        .collect();
    if let Subject::Principal { principal } = &explanation.subject {
        reached.insert(principal.clone());
    }
    for r in &explanation.memberships {
        match &r.container {
            Container::Group(g) => reached.insert(Principal::Group(g.clone())),
            Container::Role(id) => reached.insert(Principal::Role(id.clone())),
            Container::Tenant(_) => false,
        };
    }
    let state = analyzer.state();
    // Joining a built-in role (`admin` has everything) is the farthest
    // fix: those come last.
    let mut built_in = Vec::new();
    for (tuple, grant) in &state.authorizations {
        let holds = grant
            .permissions
            .iter()
            .any(|p| check.covers(tuple.resource_type, &tuple.resource, *p));
        let joinable = matches!(
            tuple.owner,
            Principal::Group(_) | Principal::Role(_) | Principal::MappingRule(_)
        );
        if holds && joinable && !reached.contains(&tuple.owner) {
            let groups = match &tuple.owner {
                Principal::Role(r) => state
                    .members_of(&Container::Role(r.clone()))
                    .filter_map(|m| match m {
                        Principal::Group(g) => Some(g.clone()),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            let miss = NearMiss::NotAMember {
                holder: tuple.owner.clone(),
                resource: tuple.resource.clone(),
                groups,
            };
            match &tuple.owner {
                Principal::Role(r) if BUILT_IN_ROLES.contains(&r.as_str()) => built_in.push(miss),
                _ => misses.push(miss),
            }
        }
    }
    let mut elsewhere = BTreeSet::new();
    let mut others: BTreeMap<PermissionType, ()> = BTreeMap::new();
    for (rt, resource, p, _) in explanation.grants() {
        if rt != check.resource_type {
            continue;
        }
        if p == check.permission && !check.on(resource) {
            elsewhere.insert(resource.clone());
        }
        if p != check.permission && check.on(resource) {
            others.insert(p, ());
        }
    }
    if !elsewhere.is_empty() {
        misses.push(NearMiss::OtherResources {
            resources: elsewhere.into_iter().collect(),
        });
    }
    if !others.is_empty() {
        misses.push(NearMiss::OtherPermissions {
            permissions: others.into_keys().collect(),
        });
    }
    misses.extend(built_in);
    misses
}
