//! What a reviewer needs beside the changes: the state after the plan, the
//! risk of each change judged against it, who gains and loses what,
//! warnings about what the plan does not do, and the guardrail rules the
//! state after it breaks.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::analysis::rules::{self, Violation};
use crate::model::desired::{Desired, Kind, MembersMode, Move, Referenced};
use crate::model::entity::EntityKind;
use crate::model::rules::Level;
use crate::model::state::{AccessState, AuthorizationTuple, Container, Membership, Principal};
use crate::plan::access::{AccessChange, Risk, access_changes, escalating_containers, risks_with};
use crate::plan::change::{Change, Plan, Unmanaged};
use crate::plan::diff::{Planner, projected};

/// A plan, reviewed.
#[derive(Debug, Clone)]
pub struct Review {
    /// The live state as it will be after the plan, cascades included.
    pub after: AccessState,
    /// Who gains and loses what.
    pub access: Vec<AccessChange>,
    /// What the plan leaves undone that a reviewer should know.
    pub warnings: Vec<Warning>,
    /// Containers whose membership hands out a powerful permission after
    /// the plan.
    pub escalating: BTreeSet<Container>,
    /// Guardrail rules the state after the plan breaks (not those at
    /// `allow`).
    pub violations: Vec<Violation>,
    /// Changes that only move what a renamed object had to its new ID:
    /// they neither escalate nor revoke.
    pub carried: BTreeSet<Change>,
}

/// Something the plan does not do, or cannot be trusted to show plainly.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Warning {
    /// A protected object the files declare differs from the cluster.
    ProtectedDiffers {
        /// The `protect` entry.
        object: String,
        /// The changes protection holds back.
        held_back: Vec<String>,
    },
    /// A `protect` entry names nothing in the cluster or the files.
    ProtectMatchesNothing {
        /// The `protect` entry.
        object: String,
    },
    /// Objects the files no longer declare stay in force, as the kind is not pruned.
    NotPruned {
        /// What stays.
        what: String,
        /// How many.
        count: usize,
        /// The `policy.prune` entry that would delete them.
        prune: Kind,
    },
    /// A renamed mapping rule keeps its claim pair: Camunda allows one rule
    /// per pair, so the old rule goes before the new one comes.
    RenameGap {
        /// The old rule.
        from: String,
        /// The new rule.
        to: String,
    },
    /// A renamed object has members or authorizations the files do not
    /// declare for the new one: carried over, so nobody loses access, and
    /// from then on drift of the new object like any other.
    CarriedUndeclared {
        /// The old object.
        from: String,
        /// The new object.
        to: String,
        /// Members carried into a new container whose members the files
        /// list (`members-mode: authoritative`), as `kind:id`.
        members: Vec<String>,
        /// Containers the new object is put in whose members the files
        /// list without it, as `kind:id`.
        #[serde(default)]
        memberships: Vec<String>,
        /// Authorizations carried, as `TYPE:resource [PERMISSIONS]` (the
        /// permissions the files do not declare).
        authorizations: Vec<String>,
    },
    /// A renamed tenant: Camunda has no rename, so what was deployed and
    /// run under the old ID keeps it.
    TenantDataStays {
        /// The old tenant.
        from: String,
        /// The new tenant.
        to: String,
    },
    /// A rename a lifecycle holds back: the old object stays as it is.
    RenameHeld {
        /// The old object.
        from: String,
        /// The new object.
        to: String,
        /// The object whose lifecycle holds it, with the lifecycle.
        by: String,
    },
    /// A declared authorization names as its resource an object `moved:`
    /// renames: it keeps naming the old ID.
    GrantOnRenamed {
        /// The authorization, as `owner on TYPE:id`.
        authorization: String,
        /// The old object.
        from: String,
        /// The new object.
        to: String,
    },
    /// A rename onto an object that exists already: the two are merged.
    RenameMerges {
        /// The old object.
        from: String,
        /// The existing object.
        to: String,
    },
    /// An ID holds characters a reader cannot see or tell apart.
    SuspiciousId {
        /// The object.
        object: String,
        /// The characters, as `U+XXXX`.
        characters: Vec<String>,
    },
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Warning::ProtectedDiffers { object, held_back } => write!(
                f,
                "{object} is protected but differs from the files; not applied: {}",
                held_back.join("; ")
            ),
            Warning::ProtectMatchesNothing { object } => write!(
                f,
                "policy.protect names {object}, which is neither in the cluster nor in the files"
            ),
            Warning::NotPruned { what, count, prune } => write!(
                f,
                "{count} {what} in the cluster but not in the files stay in force (add `{prune}` to policy.prune to delete them)"
            ),
            Warning::RenameGap { from, to } => write!(
                f,
                "{from} and {to} match the same claim, and Camunda allows one mapping rule per claim: {from} is deleted before {to} is created, and tokens that match it lack what it brings until {to} and its memberships are in place"
            ),
            Warning::TenantDataStays { from, to } => write!(
                f,
                "{from} is renamed by creating {to} and deleting {from}: Camunda has no tenant rename, so what was deployed and run under {from} (process and decision definitions, instances, forms, documents) keeps that ID, and members of {to} do not see it"
            ),
            Warning::RenameHeld { from, to, by } => write!(
                f,
                "the rename {from} -> {to} is held back by the lifecycle of {by}: {from} stays as it is, with its members and authorizations, until that lifecycle lets the rename carry them"
            ),
            Warning::GrantOnRenamed {
                authorization,
                from,
                to,
            } => write!(
                f,
                "{authorization} names {from}, which moved: renames to {to}; Camunda matches resource IDs as text, so it keeps naming the old ID (grant it on {to} instead)"
            ),
            Warning::RenameMerges { from, to } => write!(
                f,
                "{to} exists already: the rename merges {from} into it ({from}'s members and authorizations are added to {to}'s, and {to}'s own are kept as the files declare them)"
            ),
            Warning::CarriedUndeclared {
                from,
                to,
                members,
                memberships,
                authorizations,
            } => {
                let mut what = Vec::new();
                if !members.is_empty() {
                    what.push(format!("members {}", members.join(", ")));
                }
                if !memberships.is_empty() {
                    what.push(format!("memberships in {}", memberships.join(", ")));
                }
                if !authorizations.is_empty() {
                    what.push(format!("authorizations {}", authorizations.join(", ")));
                }
                write!(
                    f,
                    "{from} has {} that the files do not declare for {to}: carried over so nobody loses access, after which they are drift of {to} like any other; declare them under {to} to keep them (once the rename is applied, `drift --update-files` writes them into the files)",
                    what.join(" and ")
                )
            }
            Warning::SuspiciousId { object, characters } => write!(
                f,
                "{object} has an ID with invisible or look-alike characters ({})",
                characters.join(", ")
            ),
        }
    }
}

impl Review {
    /// Reviews `plan`, planned from `desired` against `live`.
    pub fn new(plan: &Plan, live: &AccessState, desired: &Desired) -> Review {
        let after = projected(live, plan);
        let access = access_changes(live, &after);
        let mut warnings = protection_warnings(plan, live, desired);
        warnings.extend(not_pruned(plan));
        warnings.extend(suspicious_ids(plan));
        warnings.extend(rename_gaps(plan, live, desired));
        warnings.extend(carried_undeclared(plan, live, desired));
        warnings.extend(rename_notes(plan, live));
        warnings.extend(grants_on_renamed(desired));
        let escalating = escalating_containers(&after);
        let renamed: BTreeMap<Principal, Principal> = plan
            .moved
            .iter()
            .filter_map(|m| Some((m.to.as_principal()?, m.from.as_principal()?)))
            .collect();
        let violations = rules::violations_renamed(live, &after, &desired.policy, &renamed);
        let carried = carried_changes(plan, live);
        Review {
            after,
            access,
            warnings,
            escalating,
            violations,
            carried,
        }
    }

    /// The violations at `deny` the plan brings: `apply` refuses them.
    pub fn denied(&self) -> impl Iterator<Item = &Violation> {
        self.violations
            .iter()
            .filter(|v| v.introduced && v.level == Level::Deny)
    }

    /// The risks of one change of the plan.
    pub fn risks(&self, change: &Change) -> BTreeSet<Risk> {
        let mut risks = risks_with(change, &|c| self.escalating.contains(c));
        if self.carried.contains(change) {
            risks.remove(&Risk::Escalation);
            risks.remove(&Risk::Revocation);
        }
        risks
    }
}

/// Whether `change` is about the object `target` names.
fn touches(change: &Change, target: &Referenced) -> bool {
    let entity = |entity: &crate::model::entity::EntityRef| match target {
        Referenced::Container(c) => entity.container().as_ref() == Some(c),
        Referenced::Principal(p) => entity.principal().as_ref() == Some(p),
    };
    let principal = |p: &Principal| match target {
        Referenced::Principal(t) => t == p,
        Referenced::Container(c) => c.id() == p.id() && touches_as_container(c, p),
    };
    match change {
        Change::Create { .. } | Change::Update { .. } | Change::Delete { .. } => {
            change.entity().is_some_and(|e| entity(&e))
        }
        Change::AddMember(m) | Change::RemoveMember(m) => {
            principal(&m.member)
                || match target {
                    Referenced::Container(c) => *c == m.container,
                    Referenced::Principal(_) => false,
                }
        }
        Change::CreateAuthorization { tuple, .. }
        | Change::UpdateAuthorization { tuple, .. }
        | Change::DeleteAuthorization { tuple, .. } => principal(&tuple.owner),
    }
}

fn touches_as_container(c: &Container, p: &Principal) -> bool {
    matches!(
        (c, p),
        (Container::Group(_), Principal::Group(_)) | (Container::Role(_), Principal::Role(_))
    )
}

/// Whether the files declare the object `target` names.
fn declared(target: &Referenced, desired: &Desired) -> bool {
    let d = &desired.state;
    match target {
        Referenced::Container(c) => desired.containers.contains_key(c),
        Referenced::Principal(Principal::Group(g)) => d.groups.contains_key(g),
        Referenced::Principal(Principal::Role(r)) => d.roles.contains_key(r),
        Referenced::Principal(Principal::MappingRule(m)) => d.mapping_rules.contains_key(m),
        Referenced::Principal(Principal::User(u)) => d.users.contains_key(u),
        Referenced::Principal(p @ Principal::Client(_)) => {
            desired.owners.contains(p) || d.memberships.iter().any(|m| m.member == *p)
        }
    }
}

/// Whether the cluster holds the object `target` names.
fn exists(target: &Referenced, live: &AccessState) -> bool {
    match target {
        Referenced::Container(Container::Group(g)) | Referenced::Principal(Principal::Group(g)) => {
            live.groups.contains_key(g)
        }
        Referenced::Container(Container::Role(r)) | Referenced::Principal(Principal::Role(r)) => {
            live.roles.contains_key(r)
        }
        Referenced::Container(Container::Tenant(t)) => live.tenants.contains_key(t),
        Referenced::Principal(Principal::MappingRule(m)) => live.mapping_rules.contains_key(m),
        Referenced::Principal(Principal::User(u)) => live.users.contains_key(u),
        Referenced::Principal(p @ Principal::Client(_)) => {
            live.memberships.iter().any(|m| m.member == *p)
                || live.authorizations.keys().any(|t| t.owner == *p)
        }
    }
}

/// The changes of `plan` that move what a renamed object has to its new
/// ID: a membership or grant the old IDs hold live, given under the new
/// ones, and the old object's deletion, memberships and grants, which the
/// new one takes over.
fn carried_changes(plan: &Plan, live: &AccessState) -> BTreeSet<Change> {
    // A rename onto an object that exists merges: what the old object
    // brings is new to the existing object's members, so it is not
    // counted as carried.
    let moved: Vec<&Move> = plan.moved.iter().filter(|m| !exists(&m.to, live)).collect();
    if moved.is_empty() {
        return BTreeSet::new();
    }
    let old_of = |r: Referenced| {
        moved
            .iter()
            .find(|m| m.to == r)
            .map_or(r, |m| m.from.clone())
    };
    let is_old = |r: Referenced| moved.iter().any(|m| m.from == r);
    let old_principal = |p: &Principal| old_of(Referenced::of(p)).as_principal();
    let old_container = |c: &Container| match old_of(Referenced::Container(c.clone())) {
        Referenced::Container(c) => Some(c),
        Referenced::Principal(_) => None,
    };
    plan.changes
        .iter()
        .filter(|change| match change {
            Change::AddMember(m) => {
                let (Some(container), Some(member)) =
                    (old_container(&m.container), old_principal(&m.member))
                else {
                    return false;
                };
                let was = Membership { container, member };
                was != *m && live.memberships.contains(&was)
            }
            Change::CreateAuthorization { tuple, permissions } => {
                carried_grant(live, tuple, permissions.iter(), &old_principal)
            }
            Change::UpdateAuthorization {
                tuple,
                before,
                after,
                ..
            } => {
                before.is_subset(after)
                    && carried_grant(live, tuple, after.difference(before), &old_principal)
            }
            Change::Delete { entity, .. } => {
                entity
                    .container()
                    .is_some_and(|c| is_old(Referenced::Container(c)))
                    || entity
                        .principal()
                        .is_some_and(|p| is_old(Referenced::of(&p)))
            }
            Change::RemoveMember(m) => {
                is_old(Referenced::Container(m.container.clone()))
                    || is_old(Referenced::of(&m.member))
            }
            Change::DeleteAuthorization { tuple, .. } => is_old(Referenced::of(&tuple.owner)),
            Change::Create { .. } | Change::Update { .. } => false,
        })
        .cloned()
        .collect()
}

/// Whether the old owner of `tuple`'s owner (renamed) holds `added` live.
fn carried_grant<'p>(
    live: &AccessState,
    tuple: &AuthorizationTuple,
    mut added: impl Iterator<Item = &'p crate::model::catalogue::PermissionType>,
    old_principal: &dyn Fn(&Principal) -> Option<Principal>,
) -> bool {
    let Some(owner) = old_principal(&tuple.owner) else {
        return false;
    };
    if owner == tuple.owner {
        return false;
    }
    let was = AuthorizationTuple {
        owner,
        ..tuple.clone()
    };
    live.authorizations
        .get(&was)
        .is_some_and(|grant| added.all(|p| grant.permissions.contains(p)))
}

/// Declared authorizations on objects that `moved:` renames.
fn grants_on_renamed(desired: &Desired) -> Vec<Warning> {
    use crate::model::catalogue::ResourceType as R;
    use crate::model::state::ResourceSelector;
    if desired.moves.is_empty() {
        return Vec::new();
    }
    desired
        .state
        .authorizations
        .keys()
        .filter_map(|t| {
            let ResourceSelector::Id(id) = &t.resource else {
                return None;
            };
            let named = match t.resource_type {
                R::Group => Referenced::Container(Container::Group(id.as_str().into())),
                R::Role => Referenced::Container(Container::Role(id.as_str().into())),
                R::Tenant => Referenced::Container(Container::Tenant(id.as_str().into())),
                R::MappingRule => Referenced::Principal(Principal::MappingRule(id.as_str().into())),
                _ => return None,
            };
            let m = desired.moves.iter().find(|m| m.from == named)?;
            Some(Warning::GrantOnRenamed {
                authorization: format!("{} on {}:{}", t.owner, t.resource_type, t.resource),
                from: m.from.to_string(),
                to: m.to.to_string(),
            })
        })
        .collect()
}

/// Renames held back by a lifecycle, onto objects that exist, or of
/// tenants.
fn rename_notes(plan: &Plan, live: &AccessState) -> Vec<Warning> {
    let mut warnings = Vec::new();
    for m in &plan.moved {
        let (from, to) = (m.from.to_string(), m.to.to_string());
        if let Some(h) = plan.held_rename(m) {
            warnings.push(Warning::RenameHeld {
                from,
                to,
                by: format!("{} ({})", h.object, h.lifecycle.as_str()),
            });
            continue;
        }
        if exists(&m.to, live) {
            warnings.push(Warning::RenameMerges {
                from: from.clone(),
                to: to.clone(),
            });
        }
        if matches!(m.from, Referenced::Container(Container::Tenant(_))) {
            warnings.push(Warning::TenantDataStays { from, to });
        }
    }
    warnings
}

/// What renamed objects carry over that the files do not declare for the
/// new objects.
fn carried_undeclared(plan: &Plan, live: &AccessState, desired: &Desired) -> Vec<Warning> {
    // A rename a lifecycle holds back carries nothing: the old object stays.
    plan.renames()
        .into_iter()
        .filter_map(|m| {
            let mut members = Vec::new();
            if let (Referenced::Container(old), Referenced::Container(new)) = (&m.from, &m.to)
                && desired.containers.get(new) == Some(&MembersMode::Authoritative)
            {
                for edge in live.memberships.iter().filter(|e| e.container == *old) {
                    // A member renamed too is carried under its new ID.
                    let member = Referenced::of(&edge.member);
                    let member = desired
                        .moves
                        .iter()
                        .find(|m| m.from == member)
                        .map_or(member, |m| m.to.clone());
                    let Some(principal) = member.as_principal() else {
                        continue;
                    };
                    let as_new = Membership {
                        container: new.clone(),
                        member: principal,
                    };
                    if !desired.state.memberships.contains(&as_new) {
                        members.push(member.to_string());
                    }
                }
            }
            let mut memberships = Vec::new();
            if let (Some(old), Some(new)) = (m.from.as_principal(), m.to.as_principal()) {
                for edge in live.memberships.iter().filter(|e| e.member == old) {
                    // A container renamed too is carried under its new ID.
                    let container = Referenced::Container(edge.container.clone());
                    let container = desired
                        .moves
                        .iter()
                        .find(|m| m.from == container)
                        .map_or(container, |m| m.to.clone());
                    let Referenced::Container(c) = &container else {
                        continue;
                    };
                    let as_new = Membership {
                        container: c.clone(),
                        member: new.clone(),
                    };
                    let deleted = plan.changes.iter().any(|ch| {
                        matches!(ch, Change::Delete { entity, .. } if entity.container().as_ref() == Some(c))
                    });
                    if desired.containers.get(c) == Some(&MembersMode::Authoritative)
                        && !desired.state.memberships.contains(&as_new)
                        && !deleted
                    {
                        memberships.push(container.to_string());
                    }
                }
            }
            let mut authorizations = Vec::new();
            if let (Some(old), Some(new)) = (m.from.as_principal(), m.to.as_principal()) {
                for (t, grant) in live.authorizations.iter().filter(|(t, _)| t.owner == old) {
                    let as_new = AuthorizationTuple {
                        owner: new.clone(),
                        ..t.clone()
                    };
                    let declared = desired.state.authorizations.get(&as_new);
                    let extra: Vec<&str> = grant
                        .permissions
                        .iter()
                        .filter(|p| declared.is_none_or(|d| !d.permissions.contains(*p)))
                        .map(|p| p.as_str())
                        .collect();
                    if !extra.is_empty() {
                        authorizations.push(format!(
                            "{}:{} [{}]",
                            t.resource_type,
                            t.resource,
                            extra.join(", ")
                        ));
                    }
                }
            }
            (!members.is_empty() || !memberships.is_empty() || !authorizations.is_empty()).then(
                || Warning::CarriedUndeclared {
                    from: m.from.to_string(),
                    to: m.to.to_string(),
                    members,
                    memberships,
                    authorizations,
                },
            )
        })
        .collect()
}

/// Renamed mapping rules that keep their claim pair.
fn rename_gaps(plan: &Plan, live: &AccessState, desired: &Desired) -> Vec<Warning> {
    plan.moved
        .iter()
        .filter_map(|m| match (&m.from, &m.to) {
            (
                Referenced::Principal(Principal::MappingRule(old)),
                Referenced::Principal(Principal::MappingRule(new)),
            ) => {
                // A rename a lifecycle holds back deletes nothing.
                let old_ref = crate::model::entity::EntityRef::MappingRule(old.clone());
                let deleted = plan
                    .changes
                    .iter()
                    .any(|c| matches!(c, Change::Delete { entity, .. } if *entity == old_ref));
                if !deleted {
                    return None;
                }
                let (old_rule, new_rule) = (
                    live.mapping_rules.get(old)?,
                    desired.state.mapping_rules.get(new)?,
                );
                let same = (&old_rule.claim_name, &old_rule.claim_value)
                    == (&new_rule.claim_name, &new_rule.claim_value);
                same.then(|| Warning::RenameGap {
                    from: m.from.to_string(),
                    to: m.to.to_string(),
                })
            }
            _ => None,
        })
        .collect()
}

/// `protect` entries that name nothing.
fn protection_warnings(plan: &Plan, live: &AccessState, desired: &Desired) -> Vec<Warning> {
    if desired.policy.protect.is_empty() {
        return Vec::new();
    }
    let mut unprotected = desired.clone();
    unprotected.policy.protect.clear();
    let unprotected = Planner::new(&unprotected, live).plan();
    let mut warnings = Vec::new();
    for target in &desired.policy.protect {
        if !declared(target, desired) {
            if !exists(target, live) {
                warnings.push(Warning::ProtectMatchesNothing {
                    object: target.to_string(),
                });
            }
            continue;
        }
        let held_back: Vec<String> = unprotected
            .changes
            .iter()
            .filter(|c| !plan.changes.contains(c) && touches(c, target))
            .map(ToString::to_string)
            .collect();
        if !held_back.is_empty() {
            warnings.push(Warning::ProtectedDiffers {
                object: target.to_string(),
                held_back,
            });
        }
    }
    warnings
}

/// Mapping rules and clients' authorizations that stay in force because
/// their kind is not pruned: removing them from the files revoked nothing.
fn not_pruned(plan: &Plan) -> Vec<Warning> {
    let rules = plan
        .unmanaged
        .iter()
        .filter(|u| {
            matches!(
                u,
                Unmanaged::Entity {
                    kind: EntityKind::MappingRule,
                    ..
                }
            )
        })
        .count();
    let grants = plan
        .unmanaged
        .iter()
        .filter(|u| {
            matches!(u, Unmanaged::Authorization { tuple, .. } if matches!(tuple.owner, Principal::Client(_)))
        })
        .count();
    let mut warnings = Vec::new();
    if rules > 0 {
        warnings.push(Warning::NotPruned {
            what: "mapping rule(s)".to_owned(),
            count: rules,
            prune: Kind::MappingRules,
        });
    }
    if grants > 0 {
        warnings.push(Warning::NotPruned {
            what: "authorization(s) of clients".to_owned(),
            count: grants,
            prune: Kind::Authorizations,
        });
    }
    warnings
}

/// Characters a reader cannot see or cannot tell from ASCII ones.
fn suspicious(id: &str) -> Vec<String> {
    let mut found: Vec<String> = id
        .chars()
        .filter(|c| !c.is_ascii() || c.is_ascii_control())
        .map(|c| format!("U+{:04X}", u32::from(c)))
        .collect();
    found.dedup();
    found
}

fn suspicious_ids(plan: &Plan) -> Vec<Warning> {
    let mut objects: BTreeSet<String> = BTreeSet::new();
    let mut warnings = Vec::new();
    let mut check = |object: String, ids: &[&str]| {
        let characters: Vec<String> = ids.iter().flat_map(|id| suspicious(id)).collect();
        if !characters.is_empty() && objects.insert(object.clone()) {
            warnings.push(Warning::SuspiciousId { object, characters });
        }
    };
    for change in &plan.changes {
        match change {
            Change::Create { .. } | Change::Update { .. } | Change::Delete { .. } => {
                if let Some(e) = change.entity() {
                    check(format!("{} {:?}", e.kind(), e.id()), &[e.id()]);
                }
            }
            Change::AddMember(m) | Change::RemoveMember(m) => {
                check(format!("{:?}", m.member.to_string()), &[m.member.id()]);
                check(
                    format!("{:?}", m.container.to_string()),
                    &[m.container.id()],
                );
            }
            Change::CreateAuthorization { tuple, .. }
            | Change::UpdateAuthorization { tuple, .. }
            | Change::DeleteAuthorization { tuple, .. } => {
                check(
                    format!("{:?}", tuple.owner.to_string()),
                    &[tuple.owner.id()],
                );
                let resource = tuple.resource.to_string();
                check(format!("{:?}", resource), &[&resource]);
            }
        }
    }
    for u in &plan.unmanaged {
        match u {
            Unmanaged::Entity { kind, id } => check(format!("{kind} {id:?}"), &[id]),
            Unmanaged::Authorization { tuple, .. } => {
                check(
                    format!("{:?}", tuple.owner.to_string()),
                    &[tuple.owner.id()],
                );
            }
            Unmanaged::Membership { membership: m } => {
                check(format!("{:?}", m.member.to_string()), &[m.member.id()]);
            }
        }
    }
    warnings
}
