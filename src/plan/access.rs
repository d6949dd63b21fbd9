//! Effective access: what each user, client and mapping rule may do, through
//! its own authorizations, its groups, its roles and its groups' roles — and
//! how a plan changes that. Risk tags on changes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;

use crate::model::catalogue::{PermissionType, ResourceType};
use crate::model::state::{AccessState, Container, Principal, ResourceSelector};
use crate::plan::change::Change;

/// One permission on some resources.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Permission {
    /// Resource type.
    pub resource_type: ResourceType,
    /// Which resources.
    pub resource: ResourceSelector,
    /// The permission.
    pub permission: PermissionType,
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{} {}",
            self.resource_type, self.resource, self.permission
        )
    }
}

/// How a principal's effective access changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessChange {
    /// The user, client or mapping rule.
    pub principal: Principal,
    /// Permissions it gains.
    pub gained: BTreeSet<Permission>,
    /// Permissions it loses.
    pub lost: BTreeSet<Permission>,
}

/// Effective permissions of every user, client and mapping rule in a state:
/// their own authorizations, their groups', their roles' and their groups'
/// roles'.
pub fn effective_all(state: &AccessState) -> BTreeMap<Principal, BTreeSet<Permission>> {
    let mut granted: BTreeMap<&Principal, Vec<Permission>> = BTreeMap::new();
    for (tuple, grant) in &state.authorizations {
        let list = granted.entry(&tuple.owner).or_default();
        for p in &grant.permissions {
            list.push(Permission {
                resource_type: tuple.resource_type,
                resource: tuple.resource.clone(),
                permission: *p,
            });
        }
    }
    let mut containers: BTreeMap<&Principal, Vec<&Container>> = BTreeMap::new();
    for m in &state.memberships {
        containers.entry(&m.member).or_default().push(&m.container);
    }
    let mut principals: BTreeSet<Principal> = state
        .users
        .keys()
        .map(|u| Principal::User(u.clone()))
        .chain(
            state
                .mapping_rules
                .keys()
                .map(|m| Principal::MappingRule(m.clone())),
        )
        .collect();
    for m in &state.memberships {
        if matches!(
            m.member,
            Principal::User(_) | Principal::Client(_) | Principal::MappingRule(_)
        ) {
            principals.insert(m.member.clone());
        }
    }
    for tuple in state.authorizations.keys() {
        if matches!(
            tuple.owner,
            Principal::User(_) | Principal::Client(_) | Principal::MappingRule(_)
        ) {
            principals.insert(tuple.owner.clone());
        }
    }
    let mut result = BTreeMap::new();
    for principal in principals {
        let mut owners: BTreeSet<Principal> = BTreeSet::from([principal.clone()]);
        let mut groups = Vec::new();
        for c in containers.get(&principal).into_iter().flatten() {
            match c {
                Container::Group(g) => groups.push(Principal::Group(g.clone())),
                Container::Role(r) => {
                    owners.insert(Principal::Role(r.clone()));
                }
                Container::Tenant(_) => {}
            }
        }
        for group in groups {
            for c in containers.get(&group).into_iter().flatten() {
                if let Container::Role(r) = c {
                    owners.insert(Principal::Role(r.clone()));
                }
            }
            owners.insert(group);
        }
        let permissions: BTreeSet<Permission> = owners
            .iter()
            .filter_map(|o| granted.get(o))
            .flatten()
            .cloned()
            .collect();
        result.insert(principal, permissions);
    }
    result
}

/// Who gains and who loses what between two states.
pub fn access_changes(before: &AccessState, after: &AccessState) -> Vec<AccessChange> {
    let before = effective_all(before);
    let after = effective_all(after);
    let empty = BTreeSet::new();
    let principals: BTreeSet<&Principal> = before.keys().chain(after.keys()).collect();
    principals
        .into_iter()
        .filter_map(|p| {
            let b = before.get(p).unwrap_or(&empty);
            let a = after.get(p).unwrap_or(&empty);
            let gained: BTreeSet<Permission> = a.difference(b).cloned().collect();
            let lost: BTreeSet<Permission> = b.difference(a).cloned().collect();
            (!gained.is_empty() || !lost.is_empty()).then(|| AccessChange {
                principal: p.clone(),
                gained,
                lost,
            })
        })
        .collect()
}

/// What kind of risk a change carries, for reviewers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Risk {
    /// Grants power over access control itself, `RESOURCE:CREATE`, a new
    /// `*` grant, or membership in `admin`.
    Escalation,
    /// Takes permissions or memberships away.
    Revocation,
    /// Changes who belongs where.
    Membership,
    /// Changes names or descriptions only.
    Cosmetic,
}

impl fmt::Display for Risk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Risk::Escalation => "escalation",
            Risk::Revocation => "revocation",
            Risk::Membership => "membership",
            Risk::Cosmetic => "cosmetic",
        })
    }
}

fn escalates(
    rt: ResourceType,
    resource: &ResourceSelector,
    added: &BTreeSet<PermissionType>,
) -> bool {
    use ResourceType as R;
    !added.is_empty()
        && (matches!(
            rt,
            R::Authorization
                | R::Role
                | R::Group
                | R::User
                | R::Tenant
                | R::MappingRule
                | R::System
        ) || (rt == R::Resource && added.contains(&PermissionType::Create))
            || resource.is_wildcard())
}

/// The risks of one change.
pub fn risks(change: &Change) -> BTreeSet<Risk> {
    let mut risks = BTreeSet::new();
    match change {
        Change::Update { .. } => {
            risks.insert(Risk::Cosmetic);
        }
        Change::AddMember(m) => {
            risks.insert(Risk::Membership);
            if m.container == Container::Role("admin".into()) {
                risks.insert(Risk::Escalation);
            }
        }
        Change::RemoveMember(_) => {
            risks.insert(Risk::Membership);
            risks.insert(Risk::Revocation);
        }
        Change::CreateAuthorization { tuple, permissions } => {
            if escalates(tuple.resource_type, &tuple.resource, permissions) {
                risks.insert(Risk::Escalation);
            }
        }
        Change::UpdateAuthorization {
            tuple,
            before,
            after,
            ..
        } => {
            let added: BTreeSet<PermissionType> = after.difference(before).copied().collect();
            if escalates(tuple.resource_type, &tuple.resource, &added) {
                risks.insert(Risk::Escalation);
            }
            if before.difference(after).next().is_some() {
                risks.insert(Risk::Revocation);
            }
        }
        Change::DeleteAuthorization { .. } | Change::Delete { .. } => {
            risks.insert(Risk::Revocation);
        }
        Change::Create { .. } => {}
    }
    risks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::state::{AuthorizationTuple, Membership};

    #[test]
    fn access_flows_through_groups_and_roles() {
        let mut before = AccessState::default();
        before.grant(
            AuthorizationTuple {
                owner: Principal::Role("deployer".into()),
                resource_type: ResourceType::Resource,
                resource: ResourceSelector::wildcard(),
            },
            [PermissionType::Create],
        );
        let mut after = before.clone();
        after.memberships.insert(Membership {
            container: Container::Group("ci".into()),
            member: Principal::Client("pipeline".into()),
        });
        after.memberships.insert(Membership {
            container: Container::Role("deployer".into()),
            member: Principal::Group("ci".into()),
        });
        let changes = access_changes(&before, &after);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].principal, Principal::Client("pipeline".into()));
        let gained: Vec<String> = changes[0].gained.iter().map(ToString::to_string).collect();
        assert_eq!(gained, ["RESOURCE:* CREATE"]);
        assert!(access_changes(&after, &after).is_empty());
        let back = access_changes(&after, &before);
        assert_eq!(back[0].lost.len(), 1);
    }

    #[test]
    fn risk_tags() {
        let admin = Change::AddMember(Membership {
            container: Container::Role("admin".into()),
            member: Principal::Client("ci".into()),
        });
        assert!(risks(&admin).contains(&Risk::Escalation));
        let narrow = Change::CreateAuthorization {
            tuple: AuthorizationTuple {
                owner: Principal::Client("w".into()),
                resource_type: ResourceType::ProcessDefinition,
                resource: ResourceSelector::Id("invoice".into()),
            },
            permissions: [PermissionType::ReadProcessDefinition].into(),
        };
        assert!(risks(&narrow).is_empty());
        let wide = Change::CreateAuthorization {
            tuple: AuthorizationTuple {
                owner: Principal::Client("w".into()),
                resource_type: ResourceType::ProcessDefinition,
                resource: ResourceSelector::wildcard(),
            },
            permissions: [PermissionType::ReadProcessDefinition].into(),
        };
        assert_eq!(risks(&wide), BTreeSet::from([Risk::Escalation]));
    }
}
