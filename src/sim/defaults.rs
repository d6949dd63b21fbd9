//! What a fresh cluster holds (reference §7, answers §8): the `<default>`
//! tenant and the default roles with their authorizations, per version.

use std::collections::BTreeSet;

use crate::model::catalogue::{
    CamundaVersion, DEFAULT_TENANT, OwnerType, PermissionType, ResourceType, supported_permissions,
};
use crate::sim::store::{
    AuthorizationRecord, Entity, EntityType, MemberRow, Mutation, Relation, Store,
};

use PermissionType as P;
use ResourceType as R;

/// Permissions `readonly-admin` gets where the resource type supports them.
const READ_LIKE: &[PermissionType] = &[
    P::Access,
    P::Read,
    P::ReadDecisionDefinition,
    P::ReadDecisionInstance,
    P::ReadJobMetric,
    P::ReadProcessDefinition,
    P::ReadProcessInstance,
    P::ReadTaskListener,
    P::ReadUsageMetric,
    P::ReadUserTask,
];

struct DefaultRole {
    id: &'static str,
    name: &'static str,
    in_default_tenant: bool,
    grants: Vec<(ResourceType, Option<&'static str>, Vec<PermissionType>)>,
}

fn roles(version: CamundaVersion) -> Vec<DefaultRole> {
    let all: Vec<_> = version
        .resource_types()
        .map(|rt| (rt, None, supported_permissions(version, rt).to_vec()))
        .collect();
    let read_only: Vec<_> = version
        .resource_types()
        .map(|rt| {
            let perms: Vec<_> = supported_permissions(version, rt)
                .iter()
                .copied()
                .filter(|p| READ_LIKE.contains(p))
                .collect();
            (rt, None, perms)
        })
        .filter(|(_, _, perms)| !perms.is_empty())
        .collect();
    let mut app_integrations = vec![
        P::ReadProcessDefinition,
        P::CreateProcessInstance,
        P::ReadProcessInstance,
        P::UpdateProcessInstance,
        P::ReadUserTask,
        P::UpdateUserTask,
    ];
    if version >= CamundaVersion::V8_9 {
        app_integrations.extend([P::ClaimUserTask, P::CompleteUserTask]);
    }
    let mut roles = vec![
        DefaultRole {
            id: "admin",
            name: "Admin",
            in_default_tenant: true,
            grants: all,
        },
        DefaultRole {
            id: "readonly-admin",
            name: "Readonly Admin",
            in_default_tenant: false,
            grants: read_only,
        },
        DefaultRole {
            id: "rpa",
            name: "RPA",
            in_default_tenant: true,
            grants: vec![
                (R::Resource, None, vec![P::Read]),
                (R::ProcessDefinition, None, vec![P::UpdateProcessInstance]),
            ],
        },
        DefaultRole {
            id: "connectors",
            name: "Connectors",
            in_default_tenant: true,
            grants: vec![
                (
                    R::ProcessDefinition,
                    None,
                    vec![
                        P::ReadProcessInstance,
                        P::ReadProcessDefinition,
                        P::CreateProcessInstance,
                        P::UpdateProcessInstance,
                    ],
                ),
                (R::Message, None, vec![P::Create]),
                (R::Document, None, vec![P::Create, P::Read, P::Delete]),
            ],
        },
        DefaultRole {
            id: "app-integrations",
            name: "App Integrations",
            in_default_tenant: true,
            grants: vec![
                (R::ProcessDefinition, None, app_integrations),
                (R::Document, None, vec![P::Create]),
            ],
        },
    ];
    if version >= CamundaVersion::V8_9 {
        let task = vec![P::Read, P::Claim, P::Complete];
        roles.push(DefaultRole {
            id: "task-worker",
            name: "Task Worker",
            in_default_tenant: true,
            grants: ["assignee", "candidateUsers", "candidateGroups"]
                .into_iter()
                .map(|p| (R::UserTask, Some(p), task.clone()))
                .collect(),
        });
    }
    roles
}

/// The authorizations Camunda gives its built-in roles on a fresh cluster
/// of `version`: (role, resource type, property for property-based grants
/// or `None` for `*`, permissions). The planner uses them to tell these
/// from grants added to built-in roles by hand.
pub(crate) fn built_in_grants(
    version: CamundaVersion,
) -> Vec<(
    &'static str,
    ResourceType,
    Option<&'static str>,
    Vec<PermissionType>,
)> {
    roles(version)
        .into_iter()
        .flat_map(|role| {
            role.grants
                .into_iter()
                .map(move |(rt, property, permissions)| (role.id, rt, property, permissions))
        })
        .collect()
}

/// The mutations that make an empty store a fresh cluster of `version`.
pub(crate) fn fresh_cluster(store: &mut Store, version: CamundaVersion) -> Vec<Mutation> {
    let mut mutations = Vec::new();
    let tenant = Entity {
        key: store.new_key(),
        name: "Default".to_owned(),
        description: String::new(),
    };
    mutations.push(Mutation::PutEntity(
        Relation::Tenant,
        DEFAULT_TENANT.to_owned(),
        tenant,
    ));
    for role in roles(version) {
        let entity = Entity {
            key: store.new_key(),
            name: role.name.to_owned(),
            description: String::new(),
        };
        mutations.push(Mutation::PutEntity(
            Relation::Role,
            role.id.to_owned(),
            entity,
        ));
        for (resource_type, property, permissions) in role.grants {
            let key = store.new_key();
            mutations.push(Mutation::PutAuthorization(
                key,
                AuthorizationRecord {
                    owner_type: OwnerType::Role,
                    owner_id: role.id.to_owned(),
                    resource_type,
                    resource_id: match property {
                        None => Some("*".to_owned()),
                        Some(_) => None,
                    },
                    resource_property_name: property.map(str::to_owned),
                    permissions: permissions.into_iter().collect::<BTreeSet<_>>(),
                },
            ));
        }
        if role.in_default_tenant {
            mutations.push(Mutation::AddMember(MemberRow {
                relation: Relation::Tenant,
                relation_id: DEFAULT_TENANT.to_owned(),
                entity_type: EntityType::Role,
                entity_id: role.id.to_owned(),
            }));
        }
    }
    for m in &mutations {
        store.apply(m);
    }
    mutations
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(version: CamundaVersion, role: &str) -> usize {
        let mut store = Store::default();
        fresh_cluster(&mut store, version);
        store.authorization_keys_of(OwnerType::Role, role).len()
    }

    #[test]
    fn default_authorization_counts() {
        use CamundaVersion::*;
        assert_eq!(count(V8_8, "admin"), 15);
        assert_eq!(count(V8_8, "readonly-admin"), 15);
        assert_eq!(count(V8_9, "admin"), 20);
        assert_eq!(count(V8_9, "readonly-admin"), 19);
        assert_eq!(count(V8_9, "task-worker"), 3);
        let mut store = Store::default();
        fresh_cluster(&mut store, V8_8);
        assert_eq!(store.authorizations.len(), 37);
        assert_eq!(store.roles.len(), 5);
        assert_eq!(
            store
                .members_of(Relation::Tenant, DEFAULT_TENANT, EntityType::Role)
                .count(),
            4
        );
    }
}
