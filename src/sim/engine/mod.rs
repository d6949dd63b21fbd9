//! The simulated engine: processes identity commands against the primary
//! store the way Camunda's processors do — check permission and existence in
//! their order, reject with the engine's wording, or emit mutations.

mod authorizations;
mod entities;
mod mapping_rules;
mod members;
mod users;

use crate::model::catalogue::{
    BUILT_IN_ROLES, CamundaVersion, DEFAULT_TENANT, PermissionType, ResourceType,
};
use crate::sim::access::Caller;
use crate::sim::store::{EntityType, Mutation, Relation, Store};

/// What a created user gets on itself. camunda/camunda#24060 asked for
/// `READ` and `UPDATE`; the 8.8-era `UserCreateProcessor` (resource
/// matchers, owner IDs) grants `READ` only, in line with #29868.
pub(crate) const USER_SELF_PERMISSIONS: [PermissionType; 1] = [PermissionType::Read];

/// Engine behaviour switches.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Camunda version simulated.
    pub version: CamundaVersion,
    /// Users are managed in the cluster (basic authentication): user owners
    /// and members are checked for existence.
    pub internal_users: bool,
    /// Groups are managed in the cluster (no groups claim): group owners
    /// and members are checked for existence.
    pub internal_groups: bool,
    /// Default roles and the default tenant are read-only.
    pub protected_defaults: bool,
}

/// An HTTP error as Camunda answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// HTTP status.
    pub status: u16,
    /// Problem title.
    pub title: String,
    /// Problem detail.
    pub detail: String,
}

impl Rejection {
    /// A problem with any status, title and detail.
    pub fn new(status: u16, title: &str, detail: impl Into<String>) -> Self {
        Rejection {
            status,
            title: title.to_owned(),
            detail: detail.into(),
        }
    }
}

/// Engine rejection types and their HTTP mapping (GatewayErrorMapper).
#[derive(Debug, Clone, Copy)]
enum RejectionType {
    InvalidArgument,
    NotFound,
    AlreadyExists,
    InvalidState,
    Forbidden,
}

fn reject(intent: &str, kind: RejectionType, reason: impl std::fmt::Display) -> Rejection {
    let (status, title) = match kind {
        RejectionType::InvalidArgument => (400, "INVALID_ARGUMENT"),
        RejectionType::NotFound => (404, "NOT_FOUND"),
        RejectionType::AlreadyExists => (409, "ALREADY_EXISTS"),
        RejectionType::InvalidState => (409, "INVALID_STATE"),
        RejectionType::Forbidden => (403, "FORBIDDEN"),
    };
    Rejection::new(
        status,
        title,
        format!("Command '{intent}' rejected with code '{title}': {reason}"),
    )
}

/// The result of a command: what to change, and what to answer.
pub(crate) type Outcome<T> = Result<(Vec<Mutation>, T), Rejection>;

/// Java's `List.toString()` of permission types.
fn java_list(perms: impl IntoIterator<Item = PermissionType>) -> String {
    let names: Vec<&str> = perms.into_iter().map(|p| p.as_str()).collect();
    format!("[{}]", names.join(", "))
}

fn resource_type_of(relation: Relation) -> ResourceType {
    match relation {
        Relation::Group => ResourceType::Group,
        Relation::Role => ResourceType::Role,
        Relation::Tenant => ResourceType::Tenant,
    }
}

/// Processes commands.
#[derive(Debug, Clone)]
pub struct Engine {
    /// Behaviour switches.
    pub config: EngineConfig,
}

impl Engine {
    fn check(
        &self,
        store: &Store,
        caller: &Caller,
        intent: &str,
        resource_type: ResourceType,
        permission: PermissionType,
        id: Option<&str>,
    ) -> Result<(), Rejection> {
        if caller.allows(store, resource_type, permission, id) {
            return Ok(());
        }
        let scope = match id {
            Some(id) => format!(", required resource identifiers are one of '[*, {id}]'"),
            None => String::new(),
        };
        Err(reject(
            intent,
            RejectionType::Forbidden,
            format!(
                "Insufficient permissions to perform operation '{permission}' on resource '{resource_type}'{scope}"
            ),
        ))
    }

    fn is_protected_role(&self, role_id: &str) -> bool {
        self.config.protected_defaults && BUILT_IN_ROLES.contains(&role_id)
    }

    fn protected_tenant(&self, tenant_id: &str) -> Result<(), Rejection> {
        if self.config.protected_defaults && tenant_id == DEFAULT_TENANT {
            return Err(Rejection::new(
                403,
                "FORBIDDEN",
                format!("The default tenant '{DEFAULT_TENANT}' cannot be modified or deleted."),
            ));
        }
        Ok(())
    }

    /// What deleting a user or mapping rule takes with it: the
    /// authorizations it owns and its memberships, then `last`.
    fn leave_everything(
        &self,
        store: &Store,
        entity_type: EntityType,
        id: &str,
        last: Mutation,
    ) -> Vec<Mutation> {
        let mut mutations: Vec<Mutation> = store
            .authorization_keys_of(entity_type.owner_type(), id)
            .into_iter()
            .map(Mutation::DeleteAuthorization)
            .collect();
        mutations.extend(
            store
                .memberships_of(entity_type, id)
                .into_iter()
                .map(Mutation::RemoveMember),
        );
        mutations.push(last);
        mutations
    }
}
