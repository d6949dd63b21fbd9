//! Effective access: what each user, client and mapping rule may do, through
//! its own authorizations, its groups, its roles and its groups' roles — and
//! how a plan changes that. Risk tags on changes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::catalogue::{PermissionType, ResourceType};
use crate::model::entity::Entity;
use crate::model::state::{AccessState, Container, Principal, ResourceSelector};
use crate::plan::change::Change;

/// One permission on some resources.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Risk {
    /// Hands out a powerful permission (see [`powerful`]), directly or
    /// through a membership, membership in `admin`, or a mapping rule's
    /// claim or value (which decides who receives everything it carries).
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

/// Whether a permission changes what a principal can do to access control
/// or to everything at once: any permission but `READ` on `AUTHORIZATION`,
/// `ROLE`, `GROUP`, `USER`, `TENANT` or `MAPPING_RULE`; any permission on
/// `SYSTEM` that is not a read; `RESOURCE:CREATE` (deploying runs code);
/// any write (a permission whose name does not start with `READ`) on `*`;
/// Camunda 8.10's `SECRET:REVEAL` and `BACKUP:RESTORE`.
pub fn powerful(rt: ResourceType, resource: &ResourceSelector, permission: PermissionType) -> bool {
    use ResourceType as R;
    let write = !permission.as_str().starts_with("READ");
    let access_control = matches!(
        rt,
        R::Authorization | R::Role | R::Group | R::User | R::Tenant | R::MappingRule
    );
    (access_control && permission != PermissionType::Read)
        || (rt == R::System && write)
        || (rt == R::Resource && permission == PermissionType::Create)
        || (resource.is_wildcard() && write)
        || matches!(
            (rt.as_str(), permission.as_str()),
            ("SECRET", "REVEAL") | ("BACKUP", "RESTORE")
        )
}

fn escalates<'a>(
    rt: ResourceType,
    resource: &ResourceSelector,
    added: impl IntoIterator<Item = &'a PermissionType>,
) -> bool {
    added.into_iter().any(|p| powerful(rt, resource, *p))
}

/// The containers whose membership hands out a powerful permission in
/// `state`: `admin`, every role and group owning a powerful grant, and
/// every group in such a role (computed once per plan).
pub fn escalating_containers(state: &AccessState) -> BTreeSet<Container> {
    let mut roles: BTreeSet<Container> = BTreeSet::from([Container::Role("admin".into())]);
    let mut found = BTreeSet::new();
    for (tuple, grant) in &state.authorizations {
        if escalates(tuple.resource_type, &tuple.resource, &grant.permissions) {
            match &tuple.owner {
                Principal::Role(r) => {
                    roles.insert(Container::Role(r.clone()));
                }
                Principal::Group(g) => {
                    found.insert(Container::Group(g.clone()));
                }
                _ => {}
            }
        }
    }
    for m in &state.memberships {
        if let Principal::Group(g) = &m.member
            && roles.contains(&m.container)
        {
            found.insert(Container::Group(g.clone()));
        }
    }
    found.extend(roles);
    found
}

/// Whether joining `container` (in the state after the plan) hands out a
/// powerful permission: through the container's own authorizations and,
/// for a group, through the roles the group is in.
fn membership_escalates(container: &Container, after: &AccessState) -> bool {
    if *container == Container::Role("admin".into()) {
        return true;
    }
    let mut owners = match container {
        Container::Group(g) => vec![Principal::Group(g.clone())],
        Container::Role(r) => vec![Principal::Role(r.clone())],
        Container::Tenant(_) => return false,
    };
    if let Container::Group(_) = container {
        let group = owners[0].clone();
        for m in after.memberships.iter().filter(|m| m.member == group) {
            if let Container::Role(r) = &m.container {
                if r.as_str() == "admin" {
                    return true;
                }
                owners.push(Principal::Role(r.clone()));
            }
        }
    }
    after.authorizations.iter().any(|(tuple, grant)| {
        owners.contains(&tuple.owner)
            && escalates(tuple.resource_type, &tuple.resource, &grant.permissions)
    })
}

/// The risks of one change, judged against the state after the plan.
pub fn risks(change: &Change, after: &AccessState) -> BTreeSet<Risk> {
    risks_with(change, &|c| membership_escalates(c, after))
}

/// The risks of one change, with `escalating` telling whether joining a
/// container hands out a powerful permission.
pub fn risks_with(change: &Change, escalating: &dyn Fn(&Container) -> bool) -> BTreeSet<Risk> {
    let mut risks = BTreeSet::new();
    match change {
        Change::Update {
            entity: Entity::MappingRule(..),
            attributes,
        } if attributes.iter().any(|a| a.name != "name") => {
            // A new claim or value decides who receives everything the
            // rule carries, and takes it from those it matched before.
            risks.insert(Risk::Escalation);
            risks.insert(Risk::Revocation);
        }
        Change::Update { .. } => {
            risks.insert(Risk::Cosmetic);
        }
        Change::AddMember(m) => {
            risks.insert(Risk::Membership);
            if escalating(&m.container) {
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
            after: now,
            ..
        } => {
            if escalates(tuple.resource_type, &tuple.resource, now.difference(before)) {
                risks.insert(Risk::Escalation);
            }
            if before.difference(now).next().is_some() {
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

    fn grant(owner: Principal, rt: ResourceType, id: &str, p: PermissionType) -> AccessState {
        let mut s = AccessState::default();
        s.grant(
            AuthorizationTuple {
                owner,
                resource_type: rt,
                resource: if id == "*" {
                    ResourceSelector::wildcard()
                } else {
                    ResourceSelector::Id(id.into())
                },
            },
            [p],
        );
        s
    }

    #[test]
    fn risk_tags() {
        let none = AccessState::default();
        let admin = Change::AddMember(Membership {
            container: Container::Role("admin".into()),
            member: Principal::Client("ci".into()),
        });
        assert!(risks(&admin, &none).contains(&Risk::Escalation));
        let narrow = Change::CreateAuthorization {
            tuple: AuthorizationTuple {
                owner: Principal::Client("w".into()),
                resource_type: ResourceType::ProcessDefinition,
                resource: ResourceSelector::Id("invoice".into()),
            },
            permissions: [PermissionType::ReadProcessDefinition].into(),
        };
        assert!(risks(&narrow, &none).is_empty());
        // Reading everything is not an escalation; writing everything is.
        let read_all = Change::CreateAuthorization {
            tuple: AuthorizationTuple {
                owner: Principal::Client("w".into()),
                resource_type: ResourceType::ProcessDefinition,
                resource: ResourceSelector::wildcard(),
            },
            permissions: [PermissionType::ReadProcessDefinition].into(),
        };
        assert!(risks(&read_all, &none).is_empty());
        let write_all = Change::CreateAuthorization {
            tuple: AuthorizationTuple {
                owner: Principal::Client("w".into()),
                resource_type: ResourceType::ProcessDefinition,
                resource: ResourceSelector::wildcard(),
            },
            permissions: [PermissionType::UpdateProcessInstance].into(),
        };
        assert_eq!(risks(&write_all, &none), BTreeSet::from([Risk::Escalation]));
        // Reading groups is not power over access control; changing one is.
        let read_group = Change::CreateAuthorization {
            tuple: AuthorizationTuple {
                owner: Principal::Client("w".into()),
                resource_type: ResourceType::Group,
                resource: ResourceSelector::Id("eng".into()),
            },
            permissions: [PermissionType::Read].into(),
        };
        assert!(risks(&read_group, &none).is_empty());
        let update_group = Change::CreateAuthorization {
            tuple: AuthorizationTuple {
                owner: Principal::Client("w".into()),
                resource_type: ResourceType::Group,
                resource: ResourceSelector::Id("eng".into()),
            },
            permissions: [PermissionType::Update].into(),
        };
        assert!(risks(&update_group, &none).contains(&Risk::Escalation));
        // Deploying runs code; system writes change the cluster.
        for (rt, p) in [
            (ResourceType::Resource, PermissionType::Create),
            (ResourceType::System, PermissionType::Update),
        ] {
            let change = Change::CreateAuthorization {
                tuple: AuthorizationTuple {
                    owner: Principal::Client("w".into()),
                    resource_type: rt,
                    resource: ResourceSelector::Id("x".into()),
                },
                permissions: [p].into(),
            };
            assert!(
                risks(&change, &none).contains(&Risk::Escalation),
                "{rt} {p}"
            );
        }
        let read_system = Change::CreateAuthorization {
            tuple: AuthorizationTuple {
                owner: Principal::Client("w".into()),
                resource_type: ResourceType::System,
                resource: ResourceSelector::Id("x".into()),
            },
            permissions: [PermissionType::ReadUsageMetric].into(),
        };
        assert!(risks(&read_system, &none).is_empty());
    }

    #[test]
    fn a_membership_is_as_risky_as_what_it_hands_out() {
        let join = |container: Container, member: Principal| {
            Change::AddMember(Membership { container, member })
        };
        // A group joining a role that may update authorizations.
        let after = grant(
            Principal::Role("security".into()),
            ResourceType::Authorization,
            "*",
            PermissionType::Update,
        );
        let change = join(
            Container::Role("security".into()),
            Principal::Group("ops".into()),
        );
        assert_eq!(
            risks(&change, &after),
            BTreeSet::from([Risk::Escalation, Risk::Membership])
        );
        // A client joining that group, once the group is in the role.
        let mut after = after;
        after.memberships.insert(Membership {
            container: Container::Role("security".into()),
            member: Principal::Group("ops".into()),
        });
        let change = join(
            Container::Group("ops".into()),
            Principal::Client("ci".into()),
        );
        assert!(risks(&change, &after).contains(&Risk::Escalation));
        // A role that only reads is just a membership.
        let reader = grant(
            Principal::Role("viewer".into()),
            ResourceType::Authorization,
            "*",
            PermissionType::Read,
        );
        let change = join(
            Container::Role("viewer".into()),
            Principal::Client("ci".into()),
        );
        assert_eq!(risks(&change, &reader), BTreeSet::from([Risk::Membership]));
        // A group in admin hands out admin.
        let mut in_admin = AccessState::default();
        in_admin.memberships.insert(Membership {
            container: Container::Role("admin".into()),
            member: Principal::Group("ops".into()),
        });
        let change = join(
            Container::Group("ops".into()),
            Principal::User("ann".into()),
        );
        assert!(risks(&change, &in_admin).contains(&Risk::Escalation));
        // The per-plan set says the same as the per-change scan.
        let set = escalating_containers(&after);
        for container in [
            Container::Role("security".into()),
            Container::Group("ops".into()),
            Container::Role("admin".into()),
        ] {
            assert!(set.contains(&container), "{container}");
        }
        assert!(!escalating_containers(&reader).contains(&Container::Role("viewer".into())));
        assert!(escalating_containers(&in_admin).contains(&Container::Group("ops".into())));
    }

    #[test]
    fn a_mapping_rule_claim_change_is_never_cosmetic() {
        let update = |name: &'static str| Change::Update {
            entity: Entity::MappingRule(
                "loans".into(),
                crate::model::state::MappingRule {
                    name: "Loans".into(),
                    claim_name: "c".into(),
                    claim_value: "b".into(),
                },
            ),
            attributes: vec![crate::plan::change::AttributeChange {
                name: name.to_owned(),
                before: "a".into(),
                after: "b".into(),
            }],
        };
        let none = AccessState::default();
        for attribute in ["claim", "value"] {
            assert_eq!(
                risks(&update(attribute), &none),
                BTreeSet::from([Risk::Escalation, Risk::Revocation]),
                "{attribute}"
            );
        }
        assert_eq!(
            risks(&update("name"), &none),
            BTreeSet::from([Risk::Cosmetic])
        );
    }
}
