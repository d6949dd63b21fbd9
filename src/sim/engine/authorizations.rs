//! Authorizations: permission-type checks, owner and resource existence,
//! and Camunda's duplicate rule.

use std::collections::BTreeSet;

use crate::model::catalogue::{OwnerType, PermissionType, ResourceType, supported_permissions};
use crate::sim::access::Caller;
use crate::sim::engine::{Engine, Outcome, Rejection, RejectionType, java_list, reject};
use crate::sim::store::{AuthorizationRecord, Mutation, Store};

impl Engine {
    fn validate_permissions(
        &self,
        intent: &str,
        verb: &str,
        resource_type: ResourceType,
        permissions: &BTreeSet<PermissionType>,
    ) -> Result<(), Rejection> {
        let supported = supported_permissions(self.config.version, resource_type);
        // `hasValidPermissionTypes` removes the supported ones first and
        // names only what is left.
        let unsupported: Vec<PermissionType> = permissions
            .iter()
            .copied()
            .filter(|p| !supported.contains(p))
            .collect();
        if unsupported.is_empty() {
            return Ok(());
        }
        Err(reject(
            intent,
            RejectionType::InvalidArgument,
            format!(
                "Expected to {verb} authorization with permission types '{}' and resource type '{resource_type}', but these permissions are not supported. Supported permission types are: '{}'",
                java_list(unsupported),
                java_list(supported.iter().copied())
            ),
        ))
    }

    fn owner_and_resource_exist(
        &self,
        store: &Store,
        intent: &str,
        record: &AuthorizationRecord,
    ) -> Result<(), Rejection> {
        let missing = |id: &str, noun: &str| {
            reject(
                intent,
                RejectionType::NotFound,
                format!(
                    "Expected to create or update authorization with ownerId or resourceId '{id}', but a {noun} with this ID does not exist."
                ),
            )
        };
        let owner = &record.owner_id;
        match record.owner_type {
            OwnerType::Role if !store.roles.contains_key(owner) => {
                return Err(missing(owner, "role"));
            }
            OwnerType::MappingRule if !store.mapping_rules.contains_key(owner) => {
                return Err(missing(owner, "mapping rule"));
            }
            OwnerType::User if self.config.internal_users && !store.users.contains_key(owner) => {
                return Err(missing(owner, "user"));
            }
            OwnerType::Group
                if self.config.internal_groups && !store.groups.contains_key(owner) =>
            {
                return Err(missing(owner, "group"));
            }
            _ => {}
        }
        if let Some(id) = record.resource_id.as_deref().filter(|id| *id != "*") {
            let exists = match record.resource_type {
                ResourceType::Role => Some(store.roles.contains_key(id)),
                ResourceType::MappingRule => Some(store.mapping_rules.contains_key(id)),
                ResourceType::User if self.config.internal_users => {
                    Some(store.users.contains_key(id))
                }
                ResourceType::Group if self.config.internal_groups => {
                    Some(store.groups.contains_key(id))
                }
                _ => None,
            };
            if exists == Some(false) {
                let noun = match record.resource_type {
                    ResourceType::Role => "role",
                    ResourceType::MappingRule => "mapping rule",
                    ResourceType::User => "user",
                    _ => "group",
                };
                return Err(missing(id, noun));
            }
        }
        Ok(())
    }

    /// Creates an authorization, applying Camunda's duplicate rule: any
    /// permission the owner already holds directly on the same resource type
    /// and scope rejects the whole request.
    pub fn create_authorization(
        &self,
        store: &mut Store,
        caller: &Caller,
        record: AuthorizationRecord,
    ) -> Outcome<i64> {
        self.check(
            store,
            caller,
            "CREATE",
            ResourceType::Authorization,
            PermissionType::Create,
            None,
        )?;
        self.validate_permissions(
            "CREATE",
            "create",
            record.resource_type,
            &record.permissions,
        )?;
        // The duplicate rule (409) comes before owner and resource
        // existence (404), as in `AuthorizationCreateProcessor`.
        let duplicate = store.authorizations.values().any(|existing| {
            existing.owner_type == record.owner_type
                && existing.owner_id == record.owner_id
                && existing.resource_type == record.resource_type
                && existing.resource_id == record.resource_id
                && existing.resource_property_name == record.resource_property_name
                && !existing.permissions.is_disjoint(&record.permissions)
        });
        if duplicate {
            let owner = &record.owner_id;
            let reason = match (&record.resource_id, &record.resource_property_name) {
                (None, Some(property)) => format!(
                    "Expected to create authorization for owner '{owner}' for resource property name '{property}', but an authorization for this resource property name already exists."
                ),
                (id, _) => format!(
                    "Expected to create authorization for owner '{owner}' for resource identifier '{}', but an authorization for this resource identifier already exists.",
                    id.as_deref().unwrap_or_default()
                ),
            };
            return Err(reject("CREATE", RejectionType::AlreadyExists, reason));
        }
        self.owner_and_resource_exist(store, "CREATE", &record)?;
        let key = store.new_key();
        Ok((vec![Mutation::PutAuthorization(key, record)], key))
    }

    /// Replaces an authorization. Like Camunda: no duplicate check, and the
    /// new permissions are validated against the persisted resource type.
    pub fn update_authorization(
        &self,
        store: &mut Store,
        caller: &Caller,
        key: i64,
        record: AuthorizationRecord,
    ) -> Outcome<()> {
        self.check(
            store,
            caller,
            "UPDATE",
            ResourceType::Authorization,
            PermissionType::Update,
            None,
        )?;
        let Some(persisted) = store.authorizations.get(&key) else {
            return Err(reject(
                "UPDATE",
                RejectionType::NotFound,
                format!(
                    "Expected to update authorization with key {key}, but an authorization with this key does not exist"
                ),
            ));
        };
        self.validate_permissions(
            "UPDATE",
            "update",
            persisted.resource_type,
            &record.permissions,
        )?;
        self.owner_and_resource_exist(store, "UPDATE", &record)?;
        Ok((vec![Mutation::PutAuthorization(key, record)], ()))
    }

    /// Deletes an authorization.
    pub fn delete_authorization(
        &self,
        store: &mut Store,
        caller: &Caller,
        key: i64,
    ) -> Outcome<()> {
        self.check(
            store,
            caller,
            "DELETE",
            ResourceType::Authorization,
            PermissionType::Delete,
            None,
        )?;
        let Some(persisted) = store.authorizations.get(&key) else {
            return Err(reject(
                "DELETE",
                RejectionType::NotFound,
                format!(
                    "Expected to delete authorization with key {key}, but an authorization with this key does not exist"
                ),
            ));
        };
        if persisted.owner_type == OwnerType::Role && self.is_protected_role(&persisted.owner_id) {
            return Err(reject(
                "DELETE",
                RejectionType::InvalidState,
                format!(
                    "Expected to delete authorization with key {key}, but it belongs to default role '{}' whose authorizations cannot be deleted.",
                    persisted.owner_id
                ),
            ));
        }
        Ok((vec![Mutation::DeleteAuthorization(key)], ()))
    }
}
