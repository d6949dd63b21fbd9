//! The clusters the benchmark measures: a realistic shape of N objects,
//! seeded into the simulator's state, and the same in the model.

use std::collections::{BTreeMap, BTreeSet};

use camunda_access::model::CamundaVersion;
use camunda_access::model::catalogue::{PermissionType, ResourceType};
use camunda_access::model::desired::{Desired, Kind, MembersMode, Policy};
use camunda_access::model::state::{
    AccessState, AuthorizationTuple, Container, Grant, Group, MappingRule, Membership, Principal,
    ResourceSelector, Role, Tenant, User,
};
use serde_json::{Value, json};

use crate::PAGE;

/// Counts of a realistic cluster of `n` objects: 30% entities, 30%
/// memberships, 40% authorizations (several per owner).
pub(crate) struct Shape {
    pub groups: usize,
    pub roles: usize,
    pub tenants: usize,
    pub rules: usize,
    pub users: usize,
    pub clients: usize,
    pub memberships: usize,
    pub authorizations: usize,
}

pub(crate) fn shape(n: usize) -> Shape {
    Shape {
        groups: n / 10,
        roles: n / 20,
        tenants: (n / 100).max(1),
        rules: n / 25,
        users: n / 20,
        clients: (n / 50).max(1),
        memberships: n * 3 / 10,
        authorizations: n * 4 / 10,
    }
}

const PERMISSIONS: [(&str, &[&str]); 4] = [
    (
        "PROCESS_DEFINITION",
        &[
            "READ_PROCESS_DEFINITION",
            "CREATE_PROCESS_INSTANCE",
            "READ_PROCESS_INSTANCE",
        ],
    ),
    ("MESSAGE", &["CREATE", "READ"]),
    (
        "DECISION_DEFINITION",
        &["READ_DECISION_DEFINITION", "READ_DECISION_INSTANCE"],
    ),
    ("DOCUMENT", &["CREATE", "READ", "DELETE"]),
];

/// Seeds a fresh simulator's state with a cluster of shape `s`.
pub(crate) fn seed(defaults: &Value, s: &Shape) -> Value {
    let mut state = defaults.clone();
    let mut key = state["next_key"].as_i64().expect("next_key");
    let mut next_key = || {
        key += 1;
        key
    };
    for g in 0..s.groups {
        state["groups"][format!("group-{g}")] =
            json!({"name": format!("Group {g}"), "description": "", "key": next_key()});
    }
    for r in 0..s.roles {
        state["roles"][format!("role-{r}")] =
            json!({"name": format!("Role {r}"), "description": "A role", "key": next_key()});
    }
    for t in 0..s.tenants {
        state["tenants"][format!("tenant-{t}")] =
            json!({"name": format!("Tenant {t}"), "description": "", "key": next_key()});
    }
    for m in 0..s.rules {
        state["mapping_rules"][format!("rule-{m}")] = json!({"name": format!("Rule {m}"), "claim_name": "groups", "claim_value": format!("team-{m}"), "key": next_key()});
    }
    for u in 0..s.users {
        state["users"][format!("user-{u}")] = json!({"name": format!("User {u}"), "email": format!("user-{u}@example.com"), "password": "pw", "key": next_key()});
    }
    let members = state["members"].as_array_mut().expect("members");
    for i in 0..s.memberships {
        let (relation, relation_id, entity_type, entity_id) = match i % 6 {
            0 => (
                "GROUP",
                format!("group-{}", i % s.groups),
                "CLIENT",
                format!("client-{}", i % s.clients),
            ),
            1 => (
                "GROUP",
                format!("group-{}", i % s.groups),
                "USER",
                format!("user-{}", i % s.users),
            ),
            2 => (
                "ROLE",
                format!("role-{}", i % s.roles),
                "GROUP",
                format!("group-{}", i % s.groups),
            ),
            3 => (
                "ROLE",
                format!("role-{}", i % s.roles),
                "MAPPING_RULE",
                format!("rule-{}", i % s.rules),
            ),
            4 => (
                "TENANT",
                format!("tenant-{}", i % s.tenants),
                "GROUP",
                format!("group-{}", i % s.groups),
            ),
            _ => (
                "ROLE",
                format!("role-{}", i % s.roles),
                "CLIENT",
                format!("client-{}", i % s.clients),
            ),
        };
        members.push(json!({"relation": relation, "relation_id": relation_id, "entity_type": entity_type, "entity_id": entity_id}));
    }
    members.sort_by_key(|m| m.to_string());
    members.dedup();
    // Several authorizations per owner: one per resource type and ID.
    let mut seen = BTreeSet::new();
    for i in 0..s.authorizations {
        let (owner_type, owner) = match i % 4 {
            0 => ("ROLE", format!("role-{}", (i / 4) % s.roles)),
            1 => ("GROUP", format!("group-{}", (i / 4) % s.groups)),
            2 => ("CLIENT", format!("client-{}", (i / 4) % s.clients)),
            _ => ("MAPPING_RULE", format!("rule-{}", (i / 4) % s.rules)),
        };
        let (resource_type, permissions) = PERMISSIONS[(i / 7) % PERMISSIONS.len()];
        let resource_id = format!("process-{}", i % 97);
        if !seen.insert((
            owner_type,
            owner.clone(),
            resource_type,
            resource_id.clone(),
        )) {
            continue;
        }
        state["authorizations"][next_key().to_string()] = json!({
            "owner_type": owner_type, "owner_id": owner, "resource_type": resource_type,
            "resource_id": resource_id, "resource_property_name": null,
            "permissions": permissions,
        });
    }
    state["next_key"] = json!(next_key());
    state
}

pub(crate) fn count(state: &Value, key: &str) -> u64 {
    match &state[key] {
        Value::Object(m) => m.len() as u64,
        Value::Array(a) => a.len() as u64,
        _ => 0,
    }
}

/// The fewest requests a full read can take: topology, one page per 10,000
/// items of each entity search, one member search per container and kind.
pub(crate) fn minimum_requests(state: &Value) -> (u64, u64, u64) {
    let pages = |n: u64| n.div_ceil(PAGE).max(1);
    let searches: Vec<u64> = [
        "tenants",
        "groups",
        "roles",
        "mapping_rules",
        "users",
        "authorizations",
    ]
    .iter()
    .map(|k| pages(count(state, k)))
    .collect();
    let member_lists =
        count(state, "groups") * 3 + count(state, "roles") * 4 + count(state, "tenants") * 5;
    let longest_search = *searches.iter().max().unwrap_or(&1);
    (
        1 + searches.iter().sum::<u64>() + member_lists,
        longest_search,
        member_lists,
    )
}

/// A state of `n` objects in the model, and a desired state differing in 10%.
pub(crate) fn model_pair(n: usize) -> (AccessState, Desired) {
    let s = shape(n);
    let mut live = AccessState::default();
    for g in 0..s.groups {
        live.groups.insert(
            format!("group-{g}").into(),
            Group {
                name: format!("Group {g}"),
                description: String::new(),
            },
        );
    }
    for r in 0..s.roles {
        live.roles.insert(
            format!("role-{r}").into(),
            Role {
                name: format!("Role {r}"),
                description: String::new(),
            },
        );
    }
    for t in 0..s.tenants {
        live.tenants.insert(
            format!("tenant-{t}").into(),
            Tenant {
                name: format!("Tenant {t}"),
                description: String::new(),
            },
        );
    }
    for m in 0..s.rules {
        live.mapping_rules.insert(
            format!("rule-{m}").into(),
            MappingRule {
                name: format!("Rule {m}"),
                claim_name: "groups".into(),
                claim_value: format!("team-{m}"),
            },
        );
    }
    for u in 0..s.users {
        live.users.insert(
            format!("user-{u}").into(),
            User {
                name: Some(format!("User {u}")),
                email: None,
                password: None,
            },
        );
    }
    for i in 0..s.memberships {
        live.memberships.insert(Membership {
            container: Container::Group(format!("group-{}", i % s.groups).into()),
            member: Principal::Client(format!("client-{}", i % (s.clients * 10)).into()),
        });
    }
    for i in 0..s.authorizations {
        live.authorizations.insert(
            AuthorizationTuple {
                owner: Principal::Role(format!("role-{}", i % s.roles).into()),
                resource_type: ResourceType::ProcessDefinition,
                resource: ResourceSelector::Id(format!("process-{i}")),
            },
            Grant {
                permissions: [PermissionType::ReadProcessDefinition].into(),
                keys: vec![i.to_string()],
                ..Default::default()
            },
        );
    }
    // 10% different: renamed groups, removed memberships, changed grants.
    let mut desired_state = live.clone();
    for (i, group) in desired_state.groups.values_mut().enumerate() {
        if i % 10 == 0 {
            group.name.push_str(" (renamed)");
        }
    }
    let removed: Vec<Membership> = desired_state
        .memberships
        .iter()
        .step_by(10)
        .cloned()
        .collect();
    for m in removed {
        desired_state.memberships.remove(&m);
    }
    for (i, grant) in desired_state.authorizations.values_mut().enumerate() {
        grant.keys.clear();
        if i % 10 == 0 {
            grant
                .permissions
                .insert(PermissionType::CreateProcessInstance);
        }
    }
    let containers: BTreeMap<Container, MembersMode> = desired_state
        .groups
        .keys()
        .map(|g| (Container::Group(g.clone()), MembersMode::Authoritative))
        .collect();
    let owners = desired_state
        .authorizations
        .keys()
        .map(|t| t.owner.clone())
        .collect();
    let desired = Desired {
        version: CamundaVersion::V8_8,
        state: desired_state,
        policy: Policy {
            prune: [Kind::Groups].into_iter().collect(),
            protect: BTreeSet::new(),
            rules: Default::default(),
        },
        containers,
        owners,
        references: Vec::new(),
        unset_passwords: Vec::new(),
        lifecycles: Default::default(),
        authorization_lifecycles: Default::default(),
        moves: Vec::new(),
    };
    (live, desired)
}
