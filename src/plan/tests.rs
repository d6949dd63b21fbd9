//! Tests of the planner, its order and its review, against the server's
//! rules they are about.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;

use super::*;
use crate::model::catalogue::{PermissionType, ResourceType};
use crate::model::desired::MembersMode;
use crate::model::state::{
    AccessState, AuthorizationTuple, Container, Grant, Group, MappingRule, Membership, Principal,
    ResourceSelector, Role, Tenant,
};

use crate::test_support::declaring;

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
            ..Default::default()
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
            "- group:eng on MESSAGE:* (duplicate key 2, merged)",
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

/// What two deletions take with them is counted once: a pruned user
/// in a pruned group leaves it under one of the two.
#[test]
fn a_membership_two_deletions_take_counts_once() {
    let mut live = AccessState::default();
    live.groups.insert(
        "g".into(),
        Group {
            name: "G".into(),
            description: String::new(),
        },
    );
    live.users.insert(
        "u".into(),
        crate::model::state::User {
            name: None,
            email: None,
            password: None,
        },
    );
    live.memberships.insert(Membership {
        container: Container::Group("g".into()),
        member: Principal::User("u".into()),
    });
    let mut desired = declaring(&AccessState::default());
    desired.state.roles.insert(
        "keep".into(),
        Role {
            name: "Keep".into(),
            description: String::new(),
        },
    );
    let plan = Planner::new(&desired, &live).plan();
    let cascaded: usize = plan
        .changes
        .iter()
        .map(|c| match c {
            Change::Delete { cascade, .. } => cascade.len(),
            _ => 0,
        })
        .sum();
    assert_eq!(cascaded, 1, "{:?}", plan.changes);
    // The role to create, the group and the user (and their one membership).
    assert_eq!(plan.counts(), (1, 0, 3));
}

fn arb_state() -> impl Strategy<Value = AccessState> {
    let ids = prop::sample::select(vec!["a", "b", "c"]);
    (
        prop::collection::btree_set(ids.clone(), 0..3),
        prop::collection::btree_set(ids.clone(), 0..3),
        prop::collection::btree_set((ids.clone(), ids.clone()), 0..4),
        prop::collection::btree_map(
            (
                ids.clone(),
                prop::bool::ANY,
                prop::sample::select(vec!["*", "x"]),
            ),
            prop::collection::btree_set(
                prop::sample::select(vec![PermissionType::Create, PermissionType::Read]),
                1..3,
            ),
            0..4,
        ),
        prop::sample::select(vec!["A", "B"]),
        prop::collection::btree_map(ids.clone(), prop::sample::select(vec!["v1", "v2"]), 0..3),
        prop::collection::btree_set((ids.clone(), ids.clone(), 0..3u8), 0..5),
    )
        .prop_map(|(groups, roles, members, auths, name, rules, nested)| {
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
            // Claim pairs are unique among rules, as in Camunda.
            let mut taken = BTreeSet::new();
            for (id, value) in rules {
                if taken.insert(value) {
                    s.mapping_rules.insert(
                        id.into(),
                        MappingRule {
                            name: name.into(),
                            claim_name: "team".into(),
                            claim_value: value.into(),
                        },
                    );
                }
            }
            for (g, c) in members {
                if groups.contains(g) {
                    s.memberships.insert(Membership {
                        container: Container::Group(g.into()),
                        member: Principal::Client(c.into()),
                    });
                }
            }
            for (container, member, how) in nested {
                let m = match how {
                    // A group in a role.
                    0 if roles.contains(container) && groups.contains(member) => Membership {
                        container: Container::Role(container.into()),
                        member: Principal::Group(member.into()),
                    },
                    // A mapping rule in a group.
                    1 if groups.contains(container)
                        && s.mapping_rules.contains_key(&member.into()) =>
                    {
                        Membership {
                            container: Container::Group(container.into()),
                            member: Principal::MappingRule(member.into()),
                        }
                    }
                    // A mapping rule in a role.
                    2 if roles.contains(container)
                        && s.mapping_rules.contains_key(&member.into()) =>
                    {
                        Membership {
                            container: Container::Role(container.into()),
                            member: Principal::MappingRule(member.into()),
                        }
                    }
                    _ => continue,
                };
                s.memberships.insert(m);
            }
            for ((owner, is_group, id), permissions) in auths {
                let owner = if is_group && groups.contains(owner) {
                    Principal::Group(owner.into())
                } else {
                    Principal::Client(owner.into())
                };
                let key = format!("{owner}{id}");
                s.authorizations.insert(
                    tuple(owner, ResourceType::Message, id),
                    Grant {
                        permissions,
                        keys: vec![key],
                        ..Default::default()
                    },
                );
            }
            s
        })
}

/// One change as the server applies it, cascades included.
fn server_applies(state: &AccessState, change: &Change) -> AccessState {
    let one = Plan {
        changes: vec![change.clone()],
        unmanaged: Vec::new(),
        held_back: Vec::new(),
        moved: Vec::new(),
    };
    diff::projected(state, &one)
}

/// Plays `plan` in `order` against the server's rules that ordering is
/// about, and says what the server would refuse.
fn refused(live: &AccessState, plan: &Plan, sequence: &[Step]) -> Vec<String> {
    let mut state = live.clone();
    let mut problems = Vec::new();
    let exists = |s: &AccessState, c: &Container| match c {
        Container::Group(g) => s.groups.contains_key(g),
        Container::Role(r) => s.roles.contains_key(r),
        Container::Tenant(t) => s.tenants.contains_key(t),
    };
    for step in sequence {
        let Step::Change(i) = step else { continue };
        let change = &plan.changes[*i];
        match change {
            Change::AddMember(m) => {
                if !exists(&state, &m.container) {
                    problems.push(format!("{change}: no container"));
                }
                if let Principal::MappingRule(r) = &m.member
                    && !state.mapping_rules.contains_key(r)
                {
                    problems.push(format!("{change}: no mapping rule"));
                }
                if let Principal::Group(g) = &m.member
                    && !state.groups.contains_key(g)
                {
                    problems.push(format!("{change}: member group not created yet"));
                }
            }
            Change::RemoveMember(m) if !state.memberships.contains(m) => {
                problems.push(format!("{change}: already gone"));
            }
            Change::DeleteAuthorization { tuple, key, .. }
                if !state
                    .authorizations
                    .get(tuple)
                    .is_some_and(|g| g.keys.contains(key)) =>
            {
                problems.push(format!("{change}: already gone"));
            }
            _ => {}
        }
        state = server_applies(&state, change);
        let mut pairs = BTreeSet::new();
        for rule in state.mapping_rules.values() {
            if !pairs.insert((&rule.claim_name, &rule.claim_value)) {
                problems.push(format!("{change}: two rules hold one claim pair"));
            }
        }
    }
    problems
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
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
        let reached = diff::projected(&a, &plan);
        prop_assert_eq!(without_keys(&reached), without_keys(&b));
        // And planning again from there is empty.
        let again = Planner::new(&desired, &reached).plan();
        prop_assert!(again.is_empty(), "{:?}", again.changes);
    }

    #[test]
    fn the_order_respects_every_edge_and_the_server(a in arb_state(), b in arb_state()) {
        let desired = declaring(&b);
        let plan = Planner::new(&desired, &a).plan();
        let order = Order::new(&plan, &a);
        let sequence = order.sequence();
        let changes = sequence.iter().filter(|s| matches!(s, Step::Change(_))).count();
        prop_assert_eq!(changes, plan.changes.len());
        let position: BTreeMap<Step, usize> =
            sequence.iter().enumerate().map(|(i, s)| (*s, i)).collect();
        for (from, to, reason) in order.edges() {
            prop_assert!(position[&from] < position[&to], "{:?} {:?} {:?}", from, to, reason);
        }
        // Swapped claim pairs are reported as conflicts (tested below).
        prop_assume!(order.conflicts.is_empty());
        let problems = refused(&a, &plan, &sequence);
        prop_assert!(problems.is_empty(), "{:?}\n{:?}", problems, plan.changes);
        // Deterministic.
        prop_assert_eq!(Order::new(&plan, &a).sequence(), sequence);
    }

    #[test]
    fn plans_are_deterministic(a in arb_state(), b in arb_state()) {
        let desired = declaring(&b);
        let plan = Planner::new(&desired, &a).plan();
        prop_assert_eq!(&plan, &Planner::new(&desired, &a.clone()).plan());
        // Rendered output is byte-identical too.
        let review = Review::new(&plan, &a, &desired);
        let again = Planner::new(&desired, &a).plan();
        let review_again = Review::new(&again, &a, &desired);
        prop_assert_eq!(
            crate::render::plan::json(&plan, &review, "t"),
            crate::render::plan::json(&again, &review_again, "t")
        );
        prop_assert_eq!(
            crate::render::plan::human(&plan, &review, "t", false),
            crate::render::plan::human(&again, &review_again, "t", false)
        );
    }
}

fn rule(value: &str) -> MappingRule {
    MappingRule {
        name: "R".into(),
        claim_name: "team".into(),
        claim_value: value.into(),
    }
}

fn lines(plan: &Plan, sequence: &[Step]) -> Vec<String> {
    sequence
        .iter()
        .map(|s| match s {
            Step::Change(i) => plan.changes[*i].to_string(),
            Step::Barrier => "|".to_owned(),
        })
        .collect()
}

#[test]
fn a_claim_pair_moves_to_a_new_rule_only_after_the_old_one_lets_go() {
    let mut live = AccessState::default();
    live.mapping_rules.insert("old".into(), rule("eng"));
    live.groups.insert(
        "g".into(),
        Group {
            name: "G".into(),
            description: String::new(),
        },
    );
    live.memberships.insert(Membership {
        container: Container::Group("g".into()),
        member: Principal::MappingRule("old".into()),
    });
    let mut b = live.clone();
    b.mapping_rules.clear();
    b.memberships.clear();
    b.mapping_rules.insert("new".into(), rule("eng"));
    b.memberships.insert(Membership {
        container: Container::Group("g".into()),
        member: Principal::MappingRule("new".into()),
    });
    let desired = declaring(&b);
    let plan = Planner::new(&desired, &live).plan();
    let order = Order::new(&plan, &live);
    let sequence = order.sequence();
    // Break before make here: the server allows one rule per claim pair.
    assert_eq!(
        lines(&plan, &sequence),
        [
            "- mapping-rule:old in group:g",
            "- mapping-rule old",
            "+ mapping-rule new",
            "+ mapping-rule:new in group:g",
            "|",
        ]
    );
    assert!(refused(&live, &plan, &sequence).is_empty());
}

#[test]
fn grants_come_before_revokes_and_containers_before_members() {
    let mut live = AccessState::default();
    live.groups.insert(
        "old".into(),
        Group {
            name: "Old".into(),
            description: String::new(),
        },
    );
    live.memberships.insert(Membership {
        container: Container::Group("old".into()),
        member: Principal::Client("ci".into()),
    });
    let mut b = AccessState {
        groups: live.groups.clone(),
        ..AccessState::default()
    };
    b.groups.insert(
        "new".into(),
        Group {
            name: "New".into(),
            description: String::new(),
        },
    );
    b.memberships.insert(Membership {
        container: Container::Group("new".into()),
        member: Principal::Client("ci".into()),
    });
    let desired = declaring(&b);
    let plan = Planner::new(&desired, &live).plan();
    let order = Order::new(&plan, &live);
    assert_eq!(
        lines(&plan, &order.sequence()),
        [
            "+ group new",
            "+ client:ci in group:new",
            "|",
            "- client:ci in group:old",
        ]
    );
    let dot = crate::render::graph::dot(&order, &plan);
    assert!(
        dot.contains("c0 -> c1 [label=\"container first\"];"),
        "{dot}"
    );
    assert!(
        dot.contains("barrier -> c2 [label=\"make before break\"];"),
        "{dot}"
    );
    let mermaid = crate::render::graph::mermaid(&order, &plan);
    assert!(mermaid.starts_with("flowchart LR\n"), "{mermaid}");
    assert!(mermaid.contains("c0 -->|container first| c1"), "{mermaid}");
}

#[test]
fn rules_swapping_claim_pairs_are_a_conflict_not_a_cycle() {
    let mut live = AccessState::default();
    live.mapping_rules.insert("a".into(), rule("x"));
    live.mapping_rules.insert("b".into(), rule("y"));
    let mut b = AccessState::default();
    b.mapping_rules.insert("a".into(), rule("y"));
    b.mapping_rules.insert("b".into(), rule("x"));
    let desired = declaring(&b);
    let plan = Planner::new(&desired, &live).plan();
    let order = Order::new(&plan, &live);
    assert_eq!(order.sequence().len(), 2);
    assert_eq!(order.conflicts.len(), 1);
    assert!(
        order.conflicts[0].contains("swap claim pairs"),
        "{:?}",
        order.conflicts
    );
}
