//! What Camunda creates on a fresh cluster: the built-in roles and their
//! authorizations, per version. The planner tells these from grants added
//! to built-in roles by hand; the simulator seeds a fresh cluster with them.

use crate::model::catalogue::{
    CamundaVersion, PermissionType, ResourceType, supported_permissions,
};
use crate::model::state::{AccessState, AuthorizationTuple, Principal, ResourceSelector};

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

/// A role Camunda creates on a fresh cluster.
#[derive(Debug, Clone)]
pub struct BuiltInRole {
    /// Its ID.
    pub id: &'static str,
    /// Its name.
    pub name: &'static str,
    /// Whether Camunda makes it a member of `<default>`.
    pub in_default_tenant: bool,
    /// Its authorizations: resource type, property for property-based
    /// grants (`None`: on `*`), permissions.
    pub grants: Vec<(ResourceType, Option<&'static str>, Vec<PermissionType>)>,
}

/// The roles a fresh cluster of `version` holds, with their authorizations.
/// `admin` gets every permission of every resource type, `readonly-admin`
/// the read-like ones (8.10: `SECRET:READ` and `BACKUP:READ`, nothing on
/// `EXPORTER`); see docs/simulator.md for the sources.
pub fn built_in_roles(version: CamundaVersion) -> Vec<BuiltInRole> {
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
        BuiltInRole {
            id: "admin",
            name: "Admin",
            in_default_tenant: true,
            grants: all,
        },
        BuiltInRole {
            id: "readonly-admin",
            name: "Readonly Admin",
            in_default_tenant: false,
            grants: read_only,
        },
        BuiltInRole {
            id: "rpa",
            name: "RPA",
            in_default_tenant: true,
            grants: vec![
                (R::Resource, None, vec![P::Read]),
                (R::ProcessDefinition, None, vec![P::UpdateProcessInstance]),
            ],
        },
        BuiltInRole {
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
        BuiltInRole {
            id: "app-integrations",
            name: "App Integrations",
            in_default_tenant: true,
            grants: vec![
                (R::ProcessDefinition, None, app_integrations),
                (R::Document, None, vec![P::Create]),
            ],
        },
    ];
    if version >= CamundaVersion::V8_10 {
        // 8.10: cluster variables and expressions (in Camunda's engine test
        // of the defaults after 8.8; whether 8.9 GA has them is
        // UNCONFIRMED), and REVEAL, not READ, on every secret
        // (camunda/camunda#62692), so connectors resolve secrets.
        let connectors = roles
            .iter_mut()
            .find(|r| r.id == "connectors")
            .expect("connectors is a built-in role");
        connectors.grants.extend([
            (R::ClusterVariable, None, vec![P::Read]),
            (R::Expression, None, vec![P::Evaluate]),
            (R::Secret, None, vec![P::Reveal]),
        ]);
    }
    if version >= CamundaVersion::V8_9 {
        let task = vec![P::Read, P::Claim, P::Complete];
        roles.push(BuiltInRole {
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
pub fn built_in_grants(
    version: CamundaVersion,
) -> Vec<(
    &'static str,
    ResourceType,
    Option<&'static str>,
    Vec<PermissionType>,
)> {
    built_in_roles(version)
        .into_iter()
        .flat_map(|role| {
            role.grants
                .into_iter()
                .map(move |(rt, property, permissions)| (role.id, rt, property, permissions))
        })
        .collect()
}

/// Adds to `state` the authorizations Camunda gives its built-in roles on
/// a fresh cluster of `version` (no keys: they are not read from a
/// cluster). `explain` and `who-can` from the files count them, since the
/// files never hold them; a cluster can differ where someone changed them
/// by hand.
pub fn add_built_in_grants(state: &mut AccessState, version: CamundaVersion) {
    for (role, resource_type, property, permissions) in built_in_grants(version) {
        let resource = match property {
            None => ResourceSelector::wildcard(),
            Some(p) => ResourceSelector::Property(p.to_owned()),
        };
        state.grant(
            AuthorizationTuple {
                owner: Principal::Role(role.into()),
                resource_type,
                resource,
            },
            permissions,
        );
    }
}
