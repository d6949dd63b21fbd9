//! Planning: the diff of desired against live state under the ownership
//! rules. Pure: no tokio, no reqwest, no filesystem.

pub mod access;
pub mod change;
pub mod diff;
pub mod fingerprint;

pub use access::{AccessChange, Risk, access_changes, risks};
pub use change::{Change, EntityKind, Plan, Unmanaged};
pub use diff::{Planner, projected};

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use proptest::prelude::*;

    use super::*;
    use crate::model::catalogue::{CamundaVersion, PermissionType, ResourceType};
    use crate::model::desired::{Desired, Kind, MembersMode, Policy};
    use crate::model::state::{
        AccessState, AuthorizationTuple, Container, Grant, Group, Membership, Principal,
        ResourceSelector, Role, Tenant,
    };

    /// A desired state that declares everything in `state` and prunes all kinds.
    fn declaring(state: &AccessState) -> Desired {
        let mut containers = BTreeMap::new();
        for id in state.groups.keys() {
            containers.insert(Container::Group(id.clone()), MembersMode::Authoritative);
        }
        for id in state.roles.keys() {
            containers.insert(Container::Role(id.clone()), MembersMode::Authoritative);
        }
        for id in state.tenants.keys() {
            containers.insert(Container::Tenant(id.clone()), MembersMode::Authoritative);
        }
        Desired {
            version: CamundaVersion::V8_8,
            state: state.clone(),
            policy: Policy {
                prune: Kind::ALL.into_iter().collect(),
                protect: BTreeSet::new(),
            },
            containers,
            owners: state
                .authorizations
                .keys()
                .map(|t| t.owner.clone())
                .collect(),
            references: Vec::new(),
        }
    }

    fn without_keys(state: &AccessState) -> AccessState {
        let mut s = state.clone();
        for grant in s.authorizations.values_mut() {
            grant.keys.clear();
        }
        s
    }

    fn tuple(owner: Principal, rt: ResourceType, id: &str) -> AuthorizationTuple {
        AuthorizationTuple {
            owner,
            resource_type: rt,
            resource: ResourceSelector::Id(id.into()),
        }
    }

    fn live_with_group() -> AccessState {
        let mut live = AccessState::default();
        live.groups.insert(
            "eng".into(),
            Group {
                name: "Engineering".into(),
                description: String::new(),
            },
        );
        live.memberships.insert(Membership {
            container: Container::Group("eng".into()),
            member: Principal::Client("stray".into()),
        });
        live.authorizations.insert(
            tuple(Principal::Group("eng".into()), ResourceType::Message, "*"),
            Grant {
                permissions: [PermissionType::Read].into(),
                keys: vec!["1".into(), "2".into()],
            },
        );
        live
    }

    #[test]
    fn declared_objects_converge_and_undeclared_ones_are_reported() {
        let live = live_with_group();
        let mut desired_state = AccessState::default();
        desired_state.groups.insert(
            "eng".into(),
            Group {
                name: "Engineers".into(),
                description: String::new(),
            },
        );
        desired_state.grant(
            tuple(Principal::Group("eng".into()), ResourceType::Message, "*"),
            [PermissionType::Read, PermissionType::Create],
        );
        let mut desired = declaring(&desired_state);
        desired.policy.prune.clear();
        desired.state.roles.insert(
            "ops".into(),
            Role {
                name: "Ops".into(),
                description: String::new(),
            },
        );
        let mut live = live;
        live.tenants.insert(
            "other".into(),
            Tenant {
                name: "Other".into(),
                description: String::new(),
            },
        );
        let plan = Planner::new(&desired, &live).plan();
        let lines: Vec<String> = plan.changes.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "+ role ops",
                "~ group eng (name)",
                "- client:stray in group:eng",
                "~ group:eng on MESSAGE:* [READ] -> [CREATE, READ]",
                "- group:eng on MESSAGE:* []",
            ]
        );
        assert_eq!(
            plan.unmanaged,
            [Unmanaged::Entity {
                kind: EntityKind::Tenant,
                id: "other".into()
            }]
        );
        assert_eq!(plan.counts(), (1, 2, 2));
    }

    #[test]
    fn additive_members_built_ins_and_protection_are_left_alone() {
        let mut live = live_with_group();
        live.roles.insert(
            "admin".into(),
            Role {
                name: "Admin".into(),
                description: String::new(),
            },
        );
        live.memberships.insert(Membership {
            container: Container::Role("admin".into()),
            member: Principal::User("bootstrap".into()),
        });
        let mut desired = declaring(&AccessState::default());
        desired
            .containers
            .insert(Container::Role("admin".into()), MembersMode::Additive);
        desired.state.memberships.insert(Membership {
            container: Container::Role("admin".into()),
            member: Principal::Client("ci".into()),
        });
        desired
            .policy
            .protect
            .insert(crate::model::desired::Referenced::Container(
                Container::Group("eng".into()),
            ));
        let plan = Planner::new(&desired, &live).plan();
        let lines: Vec<String> = plan.changes.iter().map(ToString::to_string).collect();
        // The protected group survives pruning; admin is never deleted and
        // its other members stay.
        assert_eq!(lines, ["+ client:ci in role:admin"]);
    }

    fn arb_state() -> impl Strategy<Value = AccessState> {
        let ids = prop::sample::select(vec!["a", "b", "c"]);
        (
            prop::collection::btree_set(ids.clone(), 0..3),
            prop::collection::btree_set(ids.clone(), 0..3),
            prop::collection::btree_set((ids.clone(), ids.clone()), 0..4),
            prop::collection::btree_map(
                (ids.clone(), prop::sample::select(vec!["*", "x"])),
                prop::collection::btree_set(
                    prop::sample::select(vec![PermissionType::Create, PermissionType::Read]),
                    1..3,
                ),
                0..4,
            ),
            prop::sample::select(vec!["A", "B"]),
        )
            .prop_map(|(groups, roles, members, auths, name)| {
                let mut s = AccessState::default();
                for g in &groups {
                    s.groups.insert(
                        (*g).into(),
                        Group {
                            name: name.into(),
                            description: String::new(),
                        },
                    );
                }
                for r in &roles {
                    s.roles.insert(
                        (*r).into(),
                        Role {
                            name: name.into(),
                            description: String::new(),
                        },
                    );
                }
                for (g, c) in members {
                    if groups.contains(g) {
                        s.memberships.insert(Membership {
                            container: Container::Group(g.into()),
                            member: Principal::Client(c.into()),
                        });
                    }
                }
                for ((owner, id), permissions) in auths {
                    s.authorizations.insert(
                        tuple(Principal::Client(owner.into()), ResourceType::Message, id),
                        Grant {
                            permissions,
                            keys: vec![format!("{owner}{id}")],
                        },
                    );
                }
                s
            })
    }

    proptest! {
        #[test]
        fn a_state_against_itself_plans_nothing(state in arb_state()) {
            let desired = declaring(&state);
            let plan = Planner::new(&desired, &state).plan();
            prop_assert!(plan.is_empty(), "{:?}", plan.changes);
        }

        #[test]
        fn applying_a_plan_reaches_the_desired_state(a in arb_state(), b in arb_state()) {
            let desired = declaring(&b);
            let plan = Planner::new(&desired, &a).plan();
            let reached = diff::projected(&a, &plan, &desired);
            prop_assert_eq!(without_keys(&reached), without_keys(&b));
            // And planning again from there is empty.
            let again = Planner::new(&desired, &reached).plan();
            prop_assert!(again.is_empty(), "{:?}", again.changes);
        }

        #[test]
        fn plans_are_deterministic(a in arb_state(), b in arb_state()) {
            let desired = declaring(&b);
            prop_assert_eq!(Planner::new(&desired, &a).plan(), Planner::new(&desired, &a).plan());
        }
    }
}
