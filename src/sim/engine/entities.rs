//! Groups, roles and tenants: create, update, and delete with the engine's
//! cascades.

use crate::model::catalogue::{OwnerType, PermissionType};
use crate::sim::access::Caller;
use crate::sim::engine::{Engine, Outcome, RejectionType, reject, resource_type_of};
use crate::sim::store::{Entity, Mutation, Relation, Store};

impl Engine {
    /// Creates a group, role or tenant.
    pub fn create_entity(
        &self,
        store: &mut Store,
        caller: &Caller,
        relation: Relation,
        id: &str,
        name: &str,
        description: &str,
    ) -> Outcome<Entity> {
        self.check(
            store,
            caller,
            "CREATE",
            resource_type_of(relation),
            PermissionType::Create,
            None,
        )?;
        if store.entities(relation).contains_key(id) {
            let reason = match relation {
                Relation::Group => format!(
                    "Expected to create group with ID '{id}', but a group with this ID already exists."
                ),
                Relation::Role => format!(
                    "Expected to create role with ID '{id}', but a role with this ID already exists"
                ),
                Relation::Tenant => format!(
                    "Expected to create tenant with ID '{id}', but a tenant with this ID already exists"
                ),
            };
            return Err(reject("CREATE", RejectionType::AlreadyExists, reason));
        }
        let entity = Entity {
            key: store.new_key(),
            name: name.to_owned(),
            description: description.to_owned(),
        };
        Ok((
            vec![Mutation::PutEntity(relation, id.to_owned(), entity.clone())],
            entity,
        ))
    }

    /// Updates a group, role or tenant (full replace of name and description).
    pub fn update_entity(
        &self,
        store: &mut Store,
        caller: &Caller,
        relation: Relation,
        id: &str,
        name: &str,
        description: &str,
    ) -> Outcome<Entity> {
        let rt = resource_type_of(relation);
        if relation == Relation::Tenant {
            self.protected_tenant(id)?;
            // Tenants: existence first, then permission (`TenantUpdateProcessor`).
            if !store.tenants.contains_key(id) {
                return Err(reject(
                    "UPDATE",
                    RejectionType::NotFound,
                    format!(
                        "Expected to update tenant with id '{id}', but no tenant with this id exists."
                    ),
                ));
            }
        }
        self.check(
            store,
            caller,
            "UPDATE",
            rt,
            PermissionType::Update,
            Some(id),
        )?;
        if relation == Relation::Role && self.is_protected_role(id) {
            return Err(reject(
                "UPDATE",
                RejectionType::InvalidState,
                format!(
                    "Expected to update role with ID '{id}', which is a default role and cannot be modified."
                ),
            ));
        }
        let Some(existing) = store.entities(relation).get(id) else {
            let reason = match relation {
                Relation::Group => format!(
                    "Expected to update group with ID '{id}', but a group with this ID does not exist."
                ),
                Relation::Role => format!(
                    "Expected to update role with ID '{id}', but a role with this ID does not exist."
                ),
                Relation::Tenant => format!(
                    "Expected to update tenant with id '{id}', but no tenant with this id exists."
                ),
            };
            return Err(reject("UPDATE", RejectionType::NotFound, reason));
        };
        let entity = Entity {
            key: existing.key,
            name: name.to_owned(),
            description: description.to_owned(),
        };
        Ok((
            vec![Mutation::PutEntity(relation, id.to_owned(), entity.clone())],
            entity,
        ))
    }

    /// Deletes a group, role or tenant with the engine's cascades: its own
    /// members and the authorizations it owns go; its memberships in other
    /// containers stay (orphans, as in Camunda).
    pub fn delete_entity(
        &self,
        store: &mut Store,
        caller: &Caller,
        relation: Relation,
        id: &str,
    ) -> Outcome<()> {
        let rt = resource_type_of(relation);
        let missing = || match relation {
            Relation::Group => format!(
                "Expected to delete group with ID '{id}', but a group with this ID does not exist."
            ),
            Relation::Role => format!(
                "Expected to delete role with ID '{id}', but a role with this ID doesn't exist."
            ),
            Relation::Tenant => format!(
                "Expected to delete tenant with id '{id}', but no tenant with this id exists."
            ),
        };
        if relation == Relation::Tenant {
            self.protected_tenant(id)?;
            // Tenants: existence first, then permission.
            if !store.tenants.contains_key(id) {
                return Err(reject("DELETE", RejectionType::NotFound, missing()));
            }
            self.check(
                store,
                caller,
                "DELETE",
                rt,
                PermissionType::Delete,
                Some(id),
            )?;
        } else {
            // Groups and roles: permission first, then existence.
            self.check(
                store,
                caller,
                "DELETE",
                rt,
                PermissionType::Delete,
                Some(id),
            )?;
            if relation == Relation::Role && self.is_protected_role(id) {
                return Err(reject(
                    "DELETE",
                    RejectionType::InvalidState,
                    format!(
                        "Expected to delete role with ID '{id}', which is a default role and cannot be deleted."
                    ),
                ));
            }
            if !store.entities(relation).contains_key(id) {
                return Err(reject("DELETE", RejectionType::NotFound, missing()));
            }
        }
        let mut mutations: Vec<Mutation> = store
            .rows_of(relation, id)
            .into_iter()
            .map(Mutation::RemoveMember)
            .collect();
        let owner_type = match relation {
            Relation::Group => Some(OwnerType::Group),
            Relation::Role => Some(OwnerType::Role),
            // Tenants own authorizations only with the internal owner type TENANT.
            Relation::Tenant => None,
        };
        if let Some(owner_type) = owner_type {
            mutations.extend(
                store
                    .authorization_keys_of(owner_type, id)
                    .into_iter()
                    .map(Mutation::DeleteAuthorization),
            );
        }
        mutations.push(Mutation::DeleteEntity(relation, id.to_owned()));
        Ok((mutations, ()))
    }
}
