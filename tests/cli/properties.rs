//! Properties against the simulator: applying plan(A→B) to a cluster
//! holding A yields B, for random A and B.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use camunda_access::apply::Ending;
use camunda_access::live::{Auth, Client};
use camunda_access::model::CamundaVersion;
use camunda_access::model::catalogue::{
    BUILT_IN_ROLES, DEFAULT_TENANT, PermissionType, ResourceType,
};
use camunda_access::model::desired::{Desired, Kind};
use camunda_access::model::state::{
    AccessState, AuthorizationTuple, Container, Group, MappingRule, Membership, Principal,
    ResourceSelector, Role, Tenant,
};
use camunda_access::ops::{self, Session, apply::ApplyOptions};
use camunda_access::plan::Order;
use camunda_access::sim::{Background, SimConfig};
use proptest::prelude::*;

const IDS: [&str; 3] = ["a", "b", "c"];

fn arb_state() -> impl Strategy<Value = AccessState> {
    let id = prop::sample::select(IDS.to_vec());
    (
        prop::collection::btree_set(id.clone(), 0..3),
        prop::collection::btree_set(id.clone(), 0..3),
        prop::collection::btree_set(id.clone(), 0..2),
        prop::collection::btree_map(
            id.clone(),
            prop::sample::select(vec!["v1", "v2", "v3"]),
            0..3,
        ),
        prop::collection::btree_set((0..5u8, id.clone(), id.clone()), 0..8),
        prop::collection::btree_map(
            (0..4u8, id.clone(), prop::sample::select(vec!["*", "p1"])),
            prop::collection::btree_set(
                prop::sample::select(vec![PermissionType::Create, PermissionType::Read]),
                1..3,
            ),
            0..5,
        ),
        prop::sample::select(vec!["Name", "Other"]),
    )
        .prop_map(|(groups, roles, tenants, rules, members, auths, name)| {
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
            for t in &tenants {
                s.tenants.insert(
                    (*t).into(),
                    Tenant {
                        name: name.into(),
                        description: String::new(),
                    },
                );
            }
            let mut claims = BTreeSet::new();
            for (m, value) in rules {
                if claims.insert(value) {
                    s.mapping_rules.insert(
                        m.into(),
                        MappingRule {
                            name: name.into(),
                            claim_name: "groups".into(),
                            claim_value: value.into(),
                        },
                    );
                }
            }
            for (kind, container, member) in members {
                let m = match kind {
                    0 if groups.contains(container) => Membership {
                        container: Container::Group(container.into()),
                        member: Principal::Client(member.into()),
                    },
                    1 if roles.contains(container) && groups.contains(member) => Membership {
                        container: Container::Role(container.into()),
                        member: Principal::Group(member.into()),
                    },
                    2 if tenants.contains(container) && roles.contains(member) => Membership {
                        container: Container::Tenant(container.into()),
                        member: Principal::Role(member.into()),
                    },
                    3 if groups.contains(container)
                        && s.mapping_rules.contains_key(&member.into()) =>
                    {
                        Membership {
                            container: Container::Group(container.into()),
                            member: Principal::MappingRule(member.into()),
                        }
                    }
                    4 if roles.contains(container) => Membership {
                        container: Container::Role(container.into()),
                        member: Principal::Client(member.into()),
                    },
                    _ => continue,
                };
                s.memberships.insert(m);
            }
            for ((kind, owner, resource), permissions) in auths {
                let owner = match kind {
                    0 if groups.contains(owner) => Principal::Group(owner.into()),
                    1 if roles.contains(owner) => Principal::Role(owner.into()),
                    2 if s.mapping_rules.contains_key(&owner.into()) => {
                        Principal::MappingRule(owner.into())
                    }
                    _ => Principal::Client(owner.into()),
                };
                s.grant(
                    AuthorizationTuple {
                        owner,
                        resource_type: ResourceType::Message,
                        resource: ResourceSelector::Id(resource.into()),
                    },
                    permissions,
                );
            }
            s
        })
}

/// Everything in `state` declared, every kind but users pruned, and
/// every principal the generator can make an owner.
fn declaring(state: &AccessState) -> Desired {
    let mut desired = camunda_access::test_support::declaring(state);
    desired.policy.prune.remove(&Kind::Users);
    desired.owners.extend(IDS.iter().flat_map(|i| {
        [
            Principal::Client((*i).into()),
            Principal::Group((*i).into()),
            Principal::Role((*i).into()),
            Principal::MappingRule((*i).into()),
        ]
    }));
    desired
}

/// What a state holds besides Camunda's own defaults, without keys.
fn comparable(state: &AccessState) -> AccessState {
    let mut s = state.clone();
    s.roles
        .retain(|id, _| !BUILT_IN_ROLES.contains(&id.as_str()));
    s.tenants.retain(|id, _| id.as_str() != DEFAULT_TENANT);
    s.memberships.retain(|m| match &m.container {
        Container::Role(r) => !BUILT_IN_ROLES.contains(&r.as_str()),
        Container::Tenant(t) => t.as_str() != DEFAULT_TENANT,
        Container::Group(_) => true,
    });
    s.authorizations.retain(
        |t, _| !matches!(&t.owner, Principal::Role(r) if BUILT_IN_ROLES.contains(&r.as_str())),
    );
    for grant in s.authorizations.values_mut() {
        grant.keys.clear();
    }
    s
}

/// Plans `target` against the cluster and applies it, as `apply` does;
/// returns the cluster after, or `None` for a plan with a conflict.
fn converge(
    rt: &tokio::runtime::Runtime,
    client: &Arc<Client>,
    target: &AccessState,
) -> Option<AccessState> {
    let live = rt.block_on(ops::read(client, 8)).unwrap();
    let session = Session::planned(live, declaring(target));
    let order = Order::new(&session.plan, &session.live.state);
    // Rules swapping claim pairs: no order applies them in one run, and
    // `plan` reports it (tested in src/plan). Such cases are skipped.
    if !order.conflicts.is_empty() {
        return None;
    }
    let options = ApplyOptions {
        parallelism: 4,
        read_parallelism: 8,
        wait: Some(Duration::from_secs(10)),
    };
    let report = rt.block_on(ops::apply::apply(
        client.clone(),
        &session,
        &order,
        options,
        Arc::new(AtomicBool::new(false)),
        |_, _| {},
    ));
    for (change, outcome) in session.plan.changes.iter().zip(&report.outcomes) {
        assert!(outcome.is_done(), "{change}: {outcome:?}");
    }
    assert_eq!(report.ending, Ending::Converged);
    Some(rt.block_on(ops::read(client, 8)).unwrap().state)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn applying_plan_a_to_b_on_a_cluster_holding_a_yields_b(a in arb_state(), b in arb_state()) {
        let sim = Background::start(SimConfig::new(CamundaVersion::V8_8)).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let client = Arc::new(Client::new(&sim.url(), Auth::None).unwrap());
        let holding_a = converge(&rt, &client, &a).expect("from a fresh cluster nothing conflicts");
        prop_assert_eq!(comparable(&holding_a), comparable(&a));
        // Swapped claim pairs are reported as a conflict by plan (tested in
        // src/plan); such pairs of states are skipped here.
        let holding_b = converge(&rt, &client, &b);
        prop_assume!(holding_b.is_some());
        prop_assert_eq!(comparable(&holding_b.unwrap()), comparable(&b));
    }
}
