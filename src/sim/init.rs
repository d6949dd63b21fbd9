//! Camunda's own start-up initialization (`camunda.security.initialization`
//! in an `application.yaml`): users, mapping rules, groups, roles, tenants,
//! default-role members and authorizations, created only where missing.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::config::spring::{get, list, text, texts};

use crate::model::catalogue::{OwnerType, PermissionType, ResourceType};
use crate::sim::access::Caller;
use crate::sim::engine::Engine;
use crate::sim::store::{AuthorizationRecord, EntityType, MemberRow, Relation, Store};

/// Reads the initialization section of an `application.yaml` (or its
/// environment-variable form).
pub fn parse(text: &str) -> Result<Value, String> {
    crate::config::spring::parse(text).map_err(|e| e.0)
}

/// Applies the initialization to `store`, creating only what is missing.
/// Invalid entries abort, as they abort Camunda's start-up.
pub fn apply(store: &mut Store, engine: &Engine, init: &Value) -> Result<(), String> {
    let caller = Caller::Unchecked;
    let mut run =
        |store: &mut Store, result: crate::sim::engine::Outcome<()>| -> Result<(), String> {
            match result {
                Ok((mutations, ())) => {
                    for m in &mutations {
                        store.apply(m);
                    }
                    Ok(())
                }
                // Create-only: what exists already stays as it is.
                Err(r) if r.status == 409 => Ok(()),
                Err(r) => Err(format!("identity initialization failed: {}", r.detail)),
            }
        };
    for user in &list(init, "users") {
        let username = text(user, "username").ok_or("a user has no username")?;
        let password = text(user, "password").ok_or("a user has no password")?;
        let result = engine
            .create_user(
                store,
                &caller,
                &username,
                text(user, "name").as_deref(),
                text(user, "email").as_deref(),
                &password,
            )
            .map(|(m, _)| (m, ()));
        run(store, result)?;
    }
    for rule in &list(init, "mapping-rules") {
        let id = text(rule, "mapping-rule-id").ok_or("a mapping rule has no mapping-rule-id")?;
        let claim_name = text(rule, "claim-name").ok_or("a mapping rule has no claim-name")?;
        let claim_value = text(rule, "claim-value").ok_or("a mapping rule has no claim-value")?;
        let name = text(rule, "name").unwrap_or_else(|| id.clone());
        let result = engine
            .create_mapping_rule(store, &caller, &id, &name, &claim_name, &claim_value)
            .map(|(m, _)| (m, ()));
        run(store, result)?;
    }
    let sections = [
        ("groups", "group-id", Relation::Group),
        ("roles", "role-id", Relation::Role),
        ("tenants", "tenant-id", Relation::Tenant),
    ];
    for (section, id_key, relation) in sections {
        for entry in &list(init, section) {
            let id = text(entry, id_key).ok_or(format!("an entry of {section} has no {id_key}"))?;
            let name = text(entry, "name").unwrap_or_else(|| id.clone());
            let description = text(entry, "description").unwrap_or_default();
            let result = engine
                .create_entity(store, &caller, relation, &id, &name, &description)
                .map(|(m, _)| (m, ()));
            run(store, result)?;
            add_members(store, engine, &mut run, relation, &id, entry)?;
        }
    }
    if let Some(Value::Object(roles)) = get(init, "default-roles") {
        for (role, members) in roles {
            add_members(store, engine, &mut run, Relation::Role, role, members)?;
        }
    }
    for (i, a) in list(init, "authorizations").iter().enumerate() {
        let invalid = || {
            format!("Found invalid authorizations (entry {i}). Aborting identity initialization!")
        };
        let owner_type = text(a, "owner-type")
            .and_then(|t| OwnerType::parse(&t))
            .ok_or_else(invalid)?;
        let owner_id = text(a, "owner-id").ok_or_else(invalid)?;
        let resource_type = text(a, "resource-type")
            .and_then(|t| ResourceType::parse(&t))
            .ok_or_else(invalid)?;
        let resource_id = text(a, "resource-id");
        let property = text(a, "resource-property-name");
        let permissions: BTreeSet<PermissionType> = texts(a, "permissions")
            .iter()
            .map(|p| PermissionType::parse(p).ok_or_else(invalid))
            .collect::<Result<_, _>>()?;
        let record = AuthorizationRecord {
            owner_type,
            owner_id,
            resource_type,
            resource_id: if property.is_some() {
                None
            } else {
                Some(resource_id.unwrap_or_else(|| "*".to_owned()))
            },
            resource_property_name: property,
            permissions,
        };
        let result = engine
            .create_authorization(store, &caller, record)
            .map(|(m, _)| (m, ()));
        run(store, result)?;
    }
    Ok(())
}

fn add_members(
    store: &mut Store,
    engine: &Engine,
    run: &mut impl FnMut(&mut Store, crate::sim::engine::Outcome<()>) -> Result<(), String>,
    relation: Relation,
    id: &str,
    entry: &Value,
) -> Result<(), String> {
    let kinds = [
        ("users", EntityType::User),
        ("clients", EntityType::Client),
        ("groups", EntityType::Group),
        ("roles", EntityType::Role),
        ("mapping-rules", EntityType::MappingRule),
    ];
    for (key, entity_type) in kinds {
        for member in texts(entry, key) {
            let row = MemberRow {
                relation,
                relation_id: id.to_owned(),
                entity_type,
                entity_id: member,
            };
            let result = engine.add_member(store, &Caller::Unchecked, row);
            run(store, result)?;
        }
    }
    Ok(())
}
