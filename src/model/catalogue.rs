//! The permission catalogue: which resource types exist in each Camunda minor
//! version and which permission types each of them supports.
//!
//! Facts from the reference, section 5 (8.8 from the 8.8 documentation, 8.9
//! equal to Camunda's own `resource-permissions.json`).
//!
//! 8.10: the gateway's `resource-permissions.json` of the 8.10 release could
//! not be read (only a version without the 8.10 additions was available).
//! Each addition is instead confirmed by two sources:
//! - camunda/camunda-security-library
//!   `api/src/main/java/io/camunda/security/api/model/authz/AuthorizationResourceType.java`
//!   @09ea7368 (which `resource-permissions.json` mirrors) and its test
//!   `AuthorizationResourceTypeTest.java`;
//! - the 8.10 OpenAPI bundle, camunda/orchestration-cluster-api-python
//!   `external-spec/bundled/rest-api.bundle.json` @f919c524
//!   (`ResourceTypeEnum`, `PermissionTypeEnum`).
//!
//! The security library also has `WORKSPACE` and `PROCESS_APPLICATION`:
//! they belong to Hub / Web Modeler, not to the Orchestration Cluster, and
//! the 8.10 spec's `ResourceTypeEnum` does not list them, so they are left out.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A Camunda minor version whose identity API this tool knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum CamundaVersion {
    /// Camunda 8.8.
    #[serde(rename = "8.8")]
    V8_8,
    /// Camunda 8.9.
    #[serde(rename = "8.9")]
    V8_9,
    /// Camunda 8.10.
    #[serde(rename = "8.10")]
    V8_10,
}

impl CamundaVersion {
    /// Every supported version, oldest first.
    pub const ALL: [CamundaVersion; 3] = [
        CamundaVersion::V8_8,
        CamundaVersion::V8_9,
        CamundaVersion::V8_10,
    ];

    /// The newest version this tool knows.
    pub const NEWEST: CamundaVersion = CamundaVersion::V8_10;

    /// The supported versions as users write them, joined: `8.8, 8.9, 8.10`.
    pub fn supported_list() -> String {
        Self::ALL.map(Self::as_str).join(", ")
    }

    /// The version as users write it (`8.8`).
    pub fn as_str(self) -> &'static str {
        match self {
            CamundaVersion::V8_8 => "8.8",
            CamundaVersion::V8_9 => "8.9",
            CamundaVersion::V8_10 => "8.10",
        }
    }

    /// Whether authorizations may select resources by property (`resourcePropertyName`).
    pub fn supports_property_authorizations(self) -> bool {
        self >= CamundaVersion::V8_9
    }

    /// The resource types this version knows, in a stable (alphabetical) order.
    pub fn resource_types(self) -> impl Iterator<Item = ResourceType> {
        ResourceType::ALL
            .iter()
            .copied()
            .filter(move |rt| rt.since() <= self)
    }

    /// The permission types this version knows, in a stable (alphabetical) order.
    pub fn permission_types(self) -> impl Iterator<Item = PermissionType> {
        PermissionType::ALL
            .iter()
            .copied()
            .filter(move |p| p.since() <= self)
    }
}

impl fmt::Display for CamundaVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CamundaVersion {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "8.8" => Ok(CamundaVersion::V8_8),
            "8.9" => Ok(CamundaVersion::V8_9),
            "8.10" => Ok(CamundaVersion::V8_10),
            other => Err(format!(
                "unsupported Camunda version '{other}' (supported: {})",
                CamundaVersion::supported_list()
            )),
        }
    }
}

macro_rules! api_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $variant:ident = $text:literal since $since:ident ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
        pub enum $name {
            $(
                #[doc = concat!("`", $text, "`")]
                #[serde(rename = $text)]
                $variant,
            )+
        }

        impl $name {
            /// Every value, in alphabetical order of the wire name.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name used on the wire and in configuration files.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// The first Camunda version that knows this value.
            pub fn since(self) -> CamundaVersion {
                match self {
                    $($name::$variant => CamundaVersion::$since,)+
                }
            }

            /// Looks a value up by its wire name (exact, case-sensitive).
            pub fn parse(s: &str) -> Option<Self> {
                match s {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

api_enum! {
    /// A resource type of Camunda's authorization model (`resourceType`).
    ResourceType {
        AuditLog = "AUDIT_LOG" since V8_9,
        Authorization = "AUTHORIZATION" since V8_8,
        // 8.10: security library enum and test; spec `ResourceTypeEnum`.
        Backup = "BACKUP" since V8_10,
        Batch = "BATCH" since V8_8,
        ClusterVariable = "CLUSTER_VARIABLE" since V8_9,
        Component = "COMPONENT" since V8_8,
        DecisionDefinition = "DECISION_DEFINITION" since V8_8,
        DecisionRequirementsDefinition = "DECISION_REQUIREMENTS_DEFINITION" since V8_8,
        Document = "DOCUMENT" since V8_8,
        // 8.10: security library enum and test; spec `ResourceTypeEnum`.
        Exporter = "EXPORTER" since V8_10,
        Expression = "EXPRESSION" since V8_9,
        GlobalListener = "GLOBAL_LISTENER" since V8_9,
        Group = "GROUP" since V8_8,
        MappingRule = "MAPPING_RULE" since V8_8,
        Message = "MESSAGE" since V8_8,
        ProcessDefinition = "PROCESS_DEFINITION" since V8_8,
        Resource = "RESOURCE" since V8_8,
        Role = "ROLE" since V8_8,
        // 8.10: security library enum and test; spec `ResourceTypeEnum`;
        // `secrets.yaml` @2043d0bf (`resolveSecrets` needs SECRET:REVEAL).
        Secret = "SECRET" since V8_10,
        System = "SYSTEM" since V8_8,
        Tenant = "TENANT" since V8_8,
        User = "USER" since V8_8,
        UserTask = "USER_TASK" since V8_9,
    }
}

api_enum! {
    /// A permission type of Camunda's authorization model (`permissionTypes`).
    PermissionType {
        Access = "ACCESS" since V8_8,
        CancelProcessInstance = "CANCEL_PROCESS_INSTANCE" since V8_8,
        Claim = "CLAIM" since V8_9,
        ClaimUserTask = "CLAIM_USER_TASK" since V8_9,
        Complete = "COMPLETE" since V8_9,
        CompleteUserTask = "COMPLETE_USER_TASK" since V8_9,
        Create = "CREATE" since V8_8,
        CreateBatchOperationCancelProcessInstance = "CREATE_BATCH_OPERATION_CANCEL_PROCESS_INSTANCE" since V8_8,
        CreateBatchOperationDeleteDecisionDefinition = "CREATE_BATCH_OPERATION_DELETE_DECISION_DEFINITION" since V8_8,
        CreateBatchOperationDeleteDecisionInstance = "CREATE_BATCH_OPERATION_DELETE_DECISION_INSTANCE" since V8_8,
        CreateBatchOperationDeleteProcessDefinition = "CREATE_BATCH_OPERATION_DELETE_PROCESS_DEFINITION" since V8_8,
        CreateBatchOperationDeleteProcessInstance = "CREATE_BATCH_OPERATION_DELETE_PROCESS_INSTANCE" since V8_8,
        CreateBatchOperationMigrateProcessInstance = "CREATE_BATCH_OPERATION_MIGRATE_PROCESS_INSTANCE" since V8_8,
        CreateBatchOperationModifyProcessInstance = "CREATE_BATCH_OPERATION_MODIFY_PROCESS_INSTANCE" since V8_8,
        CreateBatchOperationResolveIncident = "CREATE_BATCH_OPERATION_RESOLVE_INCIDENT" since V8_8,
        // 8.10: security library enum and test; spec `PermissionTypeEnum`;
        // the spec's suspend/resume batch operations require it.
        CreateBatchOperationSuspendProcessInstance = "CREATE_BATCH_OPERATION_SUSPEND_PROCESS_INSTANCE" since V8_10,
        // 8.10: security library enum; spec `PermissionTypeEnum` (no
        // operation seen that requires it).
        CreateBatchOperationUpdateJob = "CREATE_BATCH_OPERATION_UPDATE_JOB" since V8_10,
        CreateDecisionInstance = "CREATE_DECISION_INSTANCE" since V8_8,
        CreateProcessInstance = "CREATE_PROCESS_INSTANCE" since V8_8,
        CreateTaskListener = "CREATE_TASK_LISTENER" since V8_9,
        Delete = "DELETE" since V8_8,
        DeleteDecisionInstance = "DELETE_DECISION_INSTANCE" since V8_8,
        DeleteDrd = "DELETE_DRD" since V8_8,
        DeleteForm = "DELETE_FORM" since V8_8,
        DeleteProcess = "DELETE_PROCESS" since V8_8,
        DeleteProcessInstance = "DELETE_PROCESS_INSTANCE" since V8_8,
        DeleteResource = "DELETE_RESOURCE" since V8_8,
        DeleteTaskListener = "DELETE_TASK_LISTENER" since V8_9,
        Evaluate = "EVALUATE" since V8_9,
        ModifyProcessInstance = "MODIFY_PROCESS_INSTANCE" since V8_8,
        // 8.10 (EXPORTER): security library enum and test; spec `PermissionTypeEnum`.
        Pause = "PAUSE" since V8_10,
        Read = "READ" since V8_8,
        ReadDecisionDefinition = "READ_DECISION_DEFINITION" since V8_8,
        ReadDecisionInstance = "READ_DECISION_INSTANCE" since V8_8,
        ReadJobMetric = "READ_JOB_METRIC" since V8_9,
        ReadProcessDefinition = "READ_PROCESS_DEFINITION" since V8_8,
        ReadProcessInstance = "READ_PROCESS_INSTANCE" since V8_8,
        ReadTaskListener = "READ_TASK_LISTENER" since V8_9,
        ReadUsageMetric = "READ_USAGE_METRIC" since V8_8,
        ReadUserTask = "READ_USER_TASK" since V8_8,
        // 8.10 (BACKUP): security library enum and test; spec `PermissionTypeEnum`.
        Restore = "RESTORE" since V8_10,
        // 8.10 (SECRET): security library enum and test; spec `PermissionTypeEnum`.
        Reveal = "REVEAL" since V8_10,
        // 8.10 (PROCESS_DEFINITION): security library enum and test; spec
        // `PermissionTypeEnum`.
        SuspendProcessInstance = "SUSPEND_PROCESS_INSTANCE" since V8_10,
        Update = "UPDATE" since V8_8,
        UpdateProcessInstance = "UPDATE_PROCESS_INSTANCE" since V8_8,
        UpdateTaskListener = "UPDATE_TASK_LISTENER" since V8_9,
        UpdateUserTask = "UPDATE_USER_TASK" since V8_8,
    }
}

api_enum! {
    /// The kind of principal or container that owns an authorization (`ownerType`).
    OwnerType {
        Client = "CLIENT" since V8_8,
        Group = "GROUP" since V8_8,
        MappingRule = "MAPPING_RULE" since V8_8,
        Role = "ROLE" since V8_8,
        User = "USER" since V8_8,
    }
}

use PermissionType as P;

const CRUD: &[PermissionType] = &[P::Create, P::Delete, P::Read, P::Update];

/// The permission types `resource_type` supports in `version`, alphabetically;
/// empty when the version does not know the resource type.
pub fn supported_permissions(
    version: CamundaVersion,
    resource_type: ResourceType,
) -> &'static [PermissionType] {
    use CamundaVersion::*;
    use ResourceType as R;
    if resource_type.since() > version {
        return &[];
    }
    match (resource_type, version) {
        (R::AuditLog, _) => &[P::Read],
        (R::Authorization, _) => CRUD,
        (R::Backup, _) => &[P::Create, P::Delete, P::Read, P::Restore],
        (R::Batch, V8_10) => &[
            P::Create,
            P::CreateBatchOperationCancelProcessInstance,
            P::CreateBatchOperationDeleteDecisionDefinition,
            P::CreateBatchOperationDeleteDecisionInstance,
            P::CreateBatchOperationDeleteProcessDefinition,
            P::CreateBatchOperationDeleteProcessInstance,
            P::CreateBatchOperationMigrateProcessInstance,
            P::CreateBatchOperationModifyProcessInstance,
            P::CreateBatchOperationResolveIncident,
            P::CreateBatchOperationSuspendProcessInstance,
            P::CreateBatchOperationUpdateJob,
            P::Read,
            P::Update,
        ],
        (R::Batch, V8_8 | V8_9) => &[
            P::Create,
            P::CreateBatchOperationCancelProcessInstance,
            P::CreateBatchOperationDeleteDecisionDefinition,
            P::CreateBatchOperationDeleteDecisionInstance,
            P::CreateBatchOperationDeleteProcessDefinition,
            P::CreateBatchOperationDeleteProcessInstance,
            P::CreateBatchOperationMigrateProcessInstance,
            P::CreateBatchOperationModifyProcessInstance,
            P::CreateBatchOperationResolveIncident,
            P::Read,
            P::Update,
        ],
        (R::ClusterVariable, _) => CRUD,
        (R::Component, _) => &[P::Access],
        (R::DecisionDefinition, _) => &[
            P::CreateDecisionInstance,
            P::DeleteDecisionInstance,
            P::ReadDecisionDefinition,
            P::ReadDecisionInstance,
        ],
        (R::DecisionRequirementsDefinition, _) => &[P::Read],
        (R::Document, _) => &[P::Create, P::Delete, P::Read],
        (R::Exporter, _) => &[P::Pause],
        (R::Expression, _) => &[P::Evaluate],
        (R::GlobalListener, _) => &[
            P::CreateTaskListener,
            P::DeleteTaskListener,
            P::ReadTaskListener,
            P::UpdateTaskListener,
        ],
        (R::Group, _) | (R::MappingRule, _) | (R::Role, _) | (R::Tenant, _) | (R::User, _) => CRUD,
        (R::Message, _) => &[P::Create, P::Read],
        (R::ProcessDefinition, V8_8) => &[
            P::CancelProcessInstance,
            P::CreateProcessInstance,
            P::DeleteProcessInstance,
            P::ModifyProcessInstance,
            P::ReadProcessDefinition,
            P::ReadProcessInstance,
            P::ReadUserTask,
            P::UpdateProcessInstance,
            P::UpdateUserTask,
        ],
        (R::ProcessDefinition, V8_9) => &[
            P::CancelProcessInstance,
            P::ClaimUserTask,
            P::CompleteUserTask,
            P::CreateProcessInstance,
            P::DeleteProcessInstance,
            P::ModifyProcessInstance,
            P::ReadProcessDefinition,
            P::ReadProcessInstance,
            P::ReadUserTask,
            P::UpdateProcessInstance,
            P::UpdateUserTask,
        ],
        (R::ProcessDefinition, V8_10) => &[
            P::CancelProcessInstance,
            P::ClaimUserTask,
            P::CompleteUserTask,
            P::CreateProcessInstance,
            P::DeleteProcessInstance,
            P::ModifyProcessInstance,
            P::ReadProcessDefinition,
            P::ReadProcessInstance,
            P::ReadUserTask,
            P::SuspendProcessInstance,
            P::UpdateProcessInstance,
            P::UpdateUserTask,
        ],
        (R::Resource, _) => &[
            P::Create,
            P::DeleteDrd,
            P::DeleteForm,
            P::DeleteProcess,
            P::DeleteResource,
            P::Read,
        ],
        (R::System, V8_8) => &[P::Read, P::ReadUsageMetric, P::Update],
        (R::Secret, _) => &[P::Read, P::Reveal],
        (R::System, V8_9 | V8_10) => &[P::Read, P::ReadJobMetric, P::ReadUsageMetric, P::Update],
        (R::UserTask, _) => &[P::Claim, P::Complete, P::Read, P::Update],
    }
}

/// Whether `resource_type` supports `permission` in `version`.
pub fn is_supported(
    version: CamundaVersion,
    resource_type: ResourceType,
    permission: PermissionType,
) -> bool {
    supported_permissions(version, resource_type).contains(&permission)
}

/// The properties a property-based authorization may name (8.9, `USER_TASK`).
pub const USER_TASK_PROPERTIES: &[&str] = &["assignee", "candidateGroups", "candidateUsers"];

/// The IDs of Camunda's built-in roles: never deleted, their name and
/// authorizations never changed; their members may be managed.
pub const BUILT_IN_ROLES: &[&str] = &[
    "admin",
    "app-integrations",
    "connectors",
    "readonly-admin",
    "rpa",
    "task-worker",
];

/// The ID of the tenant every cluster has.
pub const DEFAULT_TENANT: &str = "<default>";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_match_the_reference() {
        assert_eq!(CamundaVersion::V8_8.resource_types().count(), 15);
        assert_eq!(CamundaVersion::V8_9.resource_types().count(), 20);
        assert_eq!(CamundaVersion::V8_8.permission_types().count(), 31);
        assert_eq!(CamundaVersion::V8_9.permission_types().count(), 41);
        assert_eq!(CamundaVersion::V8_10.resource_types().count(), 23);
        assert_eq!(CamundaVersion::V8_10.permission_types().count(), 47);
    }

    /// The 8.10 additions, as the security library's test and the 8.10
    /// spec have them; 8.9 knows none of them.
    #[test]
    fn the_8_10_additions() {
        use CamundaVersion::*;
        use PermissionType as P;
        use ResourceType as R;
        assert_eq!(
            supported_permissions(V8_10, R::Secret),
            &[P::Read, P::Reveal]
        );
        assert_eq!(
            supported_permissions(V8_10, R::Backup),
            &[P::Create, P::Delete, P::Read, P::Restore]
        );
        assert_eq!(supported_permissions(V8_10, R::Exporter), &[P::Pause]);
        assert!(is_supported(
            V8_10,
            R::ProcessDefinition,
            P::SuspendProcessInstance
        ));
        assert!(is_supported(
            V8_10,
            R::Batch,
            P::CreateBatchOperationSuspendProcessInstance
        ));
        assert!(is_supported(
            V8_10,
            R::Batch,
            P::CreateBatchOperationUpdateJob
        ));
        for rt in [R::Secret, R::Backup, R::Exporter] {
            assert!(supported_permissions(V8_9, rt).is_empty(), "{rt}");
        }
        assert!(!is_supported(
            V8_9,
            R::ProcessDefinition,
            P::SuspendProcessInstance
        ));
        assert!(!is_supported(
            V8_9,
            R::Batch,
            P::CreateBatchOperationUpdateJob
        ));
        assert_eq!(
            supported_permissions(V8_10, R::System),
            supported_permissions(V8_9, R::System)
        );
    }

    #[test]
    fn versions_parse_and_print() {
        for v in CamundaVersion::ALL {
            assert_eq!(v.as_str().parse::<CamundaVersion>(), Ok(v));
        }
        assert_eq!("8.10".parse::<CamundaVersion>(), Ok(CamundaVersion::V8_10));
        assert!("8.1".parse::<CamundaVersion>().is_err());
        assert!("8.11".parse::<CamundaVersion>().is_err());
        assert_eq!(CamundaVersion::supported_list(), "8.8, 8.9, 8.10");
        assert!(CamundaVersion::V8_9 < CamundaVersion::V8_10);
    }

    #[test]
    fn every_known_resource_type_supports_something_and_only_known_permissions() {
        for v in CamundaVersion::ALL {
            for rt in v.resource_types() {
                let supported = supported_permissions(v, rt);
                assert!(!supported.is_empty(), "{rt} in {v}");
                for p in supported {
                    assert!(p.since() <= v, "{rt} supports {p}, unknown in {v}");
                }
                let mut sorted = supported.to_vec();
                sorted.sort_by_key(|p| p.as_str());
                assert_eq!(sorted, supported, "{rt} list is not alphabetical");
            }
        }
    }

    #[test]
    fn version_differences() {
        use CamundaVersion::*;
        assert!(supported_permissions(V8_8, ResourceType::UserTask).is_empty());
        assert!(!is_supported(
            V8_8,
            ResourceType::ProcessDefinition,
            PermissionType::ClaimUserTask
        ));
        assert!(is_supported(
            V8_9,
            ResourceType::ProcessDefinition,
            PermissionType::ClaimUserTask
        ));
        assert!(is_supported(
            V8_9,
            ResourceType::System,
            PermissionType::ReadJobMetric
        ));
        assert!(!is_supported(
            V8_8,
            ResourceType::System,
            PermissionType::ReadJobMetric
        ));
        assert!(!is_supported(
            V8_9,
            ResourceType::Group,
            PermissionType::CreateProcessInstance
        ));
    }

    #[test]
    fn every_permission_is_used_by_some_resource_type() {
        for v in CamundaVersion::ALL {
            for p in v.permission_types() {
                assert!(
                    v.resource_types()
                        .any(|rt| supported_permissions(v, rt).contains(&p)),
                    "{p} unused in {v}"
                );
            }
        }
    }

    #[test]
    fn names_round_trip() {
        for rt in ResourceType::ALL {
            assert_eq!(ResourceType::parse(rt.as_str()), Some(*rt));
        }
        for p in PermissionType::ALL {
            assert_eq!(PermissionType::parse(p.as_str()), Some(*p));
        }
        let names: Vec<_> = PermissionType::ALL.iter().map(|p| p.as_str()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
    }
}
