//! Mapping rules: create, update and delete.

use crate::model::catalogue::{PermissionType, ResourceType};
use crate::sim::access::Caller;
use crate::sim::engine::{Engine, Outcome, RejectionType, reject};
use crate::sim::store::{EntityType, MappingRuleRecord, Mutation, Store};

impl Engine {
    /// Creates a mapping rule.
    pub fn create_mapping_rule(
        &self,
        store: &mut Store,
        caller: &Caller,
        id: &str,
        name: &str,
        claim_name: &str,
        claim_value: &str,
    ) -> Outcome<MappingRuleRecord> {
        self.check(
            store,
            caller,
            "CREATE",
            ResourceType::MappingRule,
            PermissionType::Create,
            None,
        )?;
        if store
            .mapping_rules
            .values()
            .any(|r| r.claim_name == claim_name && r.claim_value == claim_value)
        {
            return Err(reject(
                "CREATE",
                RejectionType::AlreadyExists,
                format!(
                    "Expected to create mapping rule with claimName '{claim_name}' and claimValue '{claim_value}', but a mapping rule with this claim already exists."
                ),
            ));
        }
        if store.mapping_rules.contains_key(id) {
            return Err(reject(
                "CREATE",
                RejectionType::AlreadyExists,
                format!(
                    "Expected to create mapping rule with id '{id}', but a mapping rule with this id already exists."
                ),
            ));
        }
        let rule = MappingRuleRecord {
            key: store.new_key(),
            name: name.to_owned(),
            claim_name: claim_name.to_owned(),
            claim_value: claim_value.to_owned(),
        };
        Ok((
            vec![Mutation::PutMappingRule(id.to_owned(), rule.clone())],
            rule,
        ))
    }

    /// Updates a mapping rule (full replace).
    pub fn update_mapping_rule(
        &self,
        store: &mut Store,
        caller: &Caller,
        id: &str,
        name: &str,
        claim_name: &str,
        claim_value: &str,
    ) -> Outcome<MappingRuleRecord> {
        let Some(existing) = store.mapping_rules.get(id) else {
            return Err(reject(
                "UPDATE",
                RejectionType::NotFound,
                format!(
                    "Expected to update mapping rule with id '{id}', but a mapping rule with this id does not exist."
                ),
            ));
        };
        let key = existing.key;
        self.check(
            store,
            caller,
            "UPDATE",
            ResourceType::MappingRule,
            PermissionType::Update,
            Some(id),
        )?;
        if store.mapping_rules.iter().any(|(other, r)| {
            other != id && r.claim_name == claim_name && r.claim_value == claim_value
        }) {
            return Err(reject(
                "UPDATE",
                RejectionType::AlreadyExists,
                format!(
                    "Expected to update mapping rule with claimName '{claim_name}' and claimValue '{claim_value}', but a mapping rule with this claim already exists."
                ),
            ));
        }
        let rule = MappingRuleRecord {
            key,
            name: name.to_owned(),
            claim_name: claim_name.to_owned(),
            claim_value: claim_value.to_owned(),
        };
        Ok((
            vec![Mutation::PutMappingRule(id.to_owned(), rule.clone())],
            rule,
        ))
    }

    /// Deletes a mapping rule with its memberships and authorizations.
    pub fn delete_mapping_rule(&self, store: &mut Store, caller: &Caller, id: &str) -> Outcome<()> {
        if !store.mapping_rules.contains_key(id) {
            return Err(reject(
                "DELETE",
                RejectionType::NotFound,
                format!(
                    "Expected to delete mapping rule with id '{id}', but a mapping rule with this id does not exist."
                ),
            ));
        }
        self.check(
            store,
            caller,
            "DELETE",
            ResourceType::MappingRule,
            PermissionType::Delete,
            Some(id),
        )?;
        Ok((
            self.leave_everything(
                store,
                EntityType::MappingRule,
                id,
                Mutation::DeleteMappingRule(id.to_owned()),
            ),
            (),
        ))
    }
}
