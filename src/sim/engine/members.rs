//! Membership of users, clients, groups, roles and mapping rules in groups,
//! roles and tenants.

use crate::model::catalogue::PermissionType;
use crate::sim::access::Caller;
use crate::sim::engine::{Engine, Outcome, Rejection, RejectionType, reject, resource_type_of};
use crate::sim::store::{EntityType, MemberRow, Mutation, Relation, Store};

impl Engine {
    fn member_exists(&self, store: &Store, entity_type: EntityType, id: &str) -> bool {
        match entity_type {
            EntityType::Client => true,
            EntityType::MappingRule => store.mapping_rules.contains_key(id),
            EntityType::Role => store.roles.contains_key(id),
            EntityType::User => !self.config.internal_users || store.users.contains_key(id),
            EntityType::Group => !self.config.internal_groups || store.groups.contains_key(id),
        }
    }

    /// Whether the engine checks that a member of this type exists before
    /// adding it to this kind of container.
    fn checks_member(relation: Relation, entity_type: EntityType) -> bool {
        match entity_type {
            EntityType::Client => false,
            EntityType::MappingRule | EntityType::Role => true,
            // PR #40240 covers roles and tenants; group membership of users
            // is not covered (UNCONFIRMED; treated as unchecked).
            EntityType::User | EntityType::Group => relation != Relation::Group,
        }
    }

    /// Membership changes need `UPDATE` on the container (checked first),
    /// then the container must exist.
    fn require_container(
        &self,
        store: &Store,
        caller: &Caller,
        intent: &str,
        relation: Relation,
        id: &str,
    ) -> Result<(), Rejection> {
        let rt = resource_type_of(relation);
        self.check(store, caller, intent, rt, PermissionType::Update, Some(id))?;
        if store.entities(relation).contains_key(id) {
            return Ok(());
        }
        let reason = match relation {
            Relation::Group => format!(
                "Expected to update group with ID '{id}', but a group with this ID does not exist."
            ),
            Relation::Role => format!(
                "Expected to update role with ID '{id}', but a role with this ID does not exist."
            ),
            Relation::Tenant if intent == "ADD_ENTITY" => format!(
                "Expected to add entity to tenant with ID '{id}', but no tenant with this ID exists."
            ),
            Relation::Tenant => format!(
                "Expected to remove entity from tenant '{id}', but no tenant with this ID exists."
            ),
        };
        Err(reject(intent, RejectionType::NotFound, reason))
    }

    /// Adds a member to a group, role or tenant.
    pub fn add_member(&self, store: &mut Store, caller: &Caller, row: MemberRow) -> Outcome<()> {
        let MemberRow {
            relation,
            relation_id: ref cid,
            entity_type,
            entity_id: ref mid,
        } = row;
        self.require_container(store, caller, "ADD_ENTITY", relation, cid)?;
        if Self::checks_member(relation, entity_type)
            && !self.member_exists(store, entity_type, mid)
        {
            let kind = entity_type.as_str();
            let reason = match relation {
                Relation::Group => format!(
                    "Expected to add an entity with ID '{mid}' and type '{kind}' to group with ID '{cid}', but the entity does not exist."
                ),
                Relation::Role => format!(
                    "Expected to add an entity with ID '{mid}' and type '{kind}' to role with ID '{cid}', but the entity doesn't exist."
                ),
                Relation::Tenant => {
                    let noun = kind.to_ascii_lowercase();
                    format!(
                        "Expected to add {noun} with ID '{mid}' to tenant with ID '{cid}', but the {noun} doesn't exist."
                    )
                }
            };
            return Err(reject("ADD_ENTITY", RejectionType::NotFound, reason));
        }
        if store.members.contains(&row) {
            let reason = match relation {
                Relation::Tenant => {
                    let noun = entity_type.as_str().to_ascii_lowercase();
                    format!(
                        "Expected to add {noun} with ID '{mid}' to tenant with ID '{cid}', but the {noun} is already assigned to the tenant."
                    )
                }
                other => format!(
                    "Expected to add entity with ID '{mid}' to {0} with ID '{cid}', but the entity is already assigned to this {0}.",
                    other.noun()
                ),
            };
            return Err(reject("ADD_ENTITY", RejectionType::AlreadyExists, reason));
        }
        Ok((vec![Mutation::AddMember(row)], ()))
    }

    /// Removes a member from a group, role or tenant.
    pub fn remove_member(&self, store: &mut Store, caller: &Caller, row: MemberRow) -> Outcome<()> {
        let MemberRow {
            relation,
            relation_id: ref cid,
            entity_type,
            entity_id: ref mid,
        } = row;
        self.require_container(store, caller, "REMOVE_ENTITY", relation, cid)?;
        // Only a mapping-rule member is checked for existence on removal;
        // users, clients, groups and roles count as present.
        if entity_type == EntityType::MappingRule && !store.mapping_rules.contains_key(mid) {
            let reason = match relation {
                Relation::Group => format!(
                    "Expected to remove an entity with ID '{mid}' and type 'MAPPING_RULE' from group with ID '{cid}', but the entity does not exist."
                ),
                Relation::Role => format!(
                    "Expected to remove an entity with ID '{mid}' and type 'MAPPING_RULE' from role with ID '{cid}', but the entity doesn't exist."
                ),
                Relation::Tenant => format!(
                    "Expected to remove mapping_rule with ID '{mid}' from tenant with ID '{cid}', but the mapping_rule doesn't exists."
                ),
            };
            return Err(reject("REMOVE_ENTITY", RejectionType::NotFound, reason));
        }
        if !store.members.contains(&row) {
            let reason = match relation {
                Relation::Tenant => {
                    let noun = entity_type.as_str().to_ascii_lowercase();
                    format!(
                        "Expected to remove {noun} with ID '{mid}' from tenant with ID '{cid}', but the {noun} is not assigned to this tenant."
                    )
                }
                other => format!(
                    "Expected to remove entity with ID '{mid}' from {0} with ID '{cid}', but the entity is not assigned to this {0}.",
                    other.noun()
                ),
            };
            return Err(reject("REMOVE_ENTITY", RejectionType::NotFound, reason));
        }
        Ok((vec![Mutation::RemoveMember(row)], ()))
    }
}
