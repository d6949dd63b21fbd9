//! `import-init`: Camunda's own bootstrap configuration
//! (`camunda.security.initialization`, in an `application.yaml` or as
//! environment variables) as format-v1 files, to move from create-only
//! bootstrap to reconciliation.
//!
//! Passwords are never copied: each user gets
//! `password: ${env:CAMUNDA_USER_<NAME>_PASSWORD}`. Members of built-in
//! roles (`default-roles`) are written `members-mode: additive`, because the
//! bootstrap only ever added them.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::export::{Layout, Options};
use crate::model::catalogue::{BUILT_IN_ROLES, OwnerType, PermissionType, ResourceType};
use crate::model::state::{
    AccessState, AuthorizationTuple, Container, Group, MappingRule, Membership, Principal,
    ResourceSelector, Role, Tenant, User,
};

/// Spring's relaxed binding: `mapping-rules`, `mappingRules` and
/// `MAPPINGRULES` are one key.
fn norm(key: &str) -> String {
    key.chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

fn get<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    value
        .as_object()?
        .iter()
        .find(|(k, _)| norm(k) == norm(key))
        .map(|(_, v)| v)
}

fn text(value: &Value, key: &str) -> Option<String> {
    match get(value, key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A list, also in the form Spring gives environment variables (an object
/// with keys 0, 1, …).
fn list(value: &Value, key: &str) -> Vec<Value> {
    match get(value, key) {
        Some(Value::Array(items)) => items.clone(),
        Some(Value::Object(map)) => {
            let mut items: Vec<(usize, Value)> = map
                .iter()
                .filter_map(|(k, v)| Some((k.parse().ok()?, v.clone())))
                .collect();
            items.sort_by_key(|(i, _)| *i);
            items.into_iter().map(|(_, v)| v).collect()
        }
        _ => Vec::new(),
    }
}

fn texts(value: &Value, key: &str) -> Vec<String> {
    list(value, key)
        .iter()
        .filter_map(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
        .collect()
}

/// Puts `value` at `path` in a tree of objects.
fn insert(node: &mut Value, path: &[String], value: &str, key: &str) -> Result<(), String> {
    let map = node
        .as_object_mut()
        .ok_or_else(|| format!("{key}: conflicts with another variable"))?;
    match path {
        [] => Ok(()),
        [last] => {
            map.insert(last.clone(), Value::String(value.to_owned()));
            Ok(())
        }
        [first, rest @ ..] => insert(
            map.entry(first.clone())
                .or_insert_with(|| Value::Object(Map::new())),
            rest,
            value,
            key,
        ),
    }
}

/// The initialization section from an `application.yaml`, or from
/// `CAMUNDA_SECURITY_INITIALIZATION_…=value` lines.
pub fn parse(text: &str) -> Result<Value, String> {
    const PREFIX: &str = "CAMUNDA_SECURITY_INITIALIZATION_";
    let env_lines: Vec<(&str, &str)> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.strip_prefix("export ").unwrap_or(l))
        .filter_map(|l| l.split_once('='))
        .filter(|(k, _)| k.trim().starts_with(PREFIX))
        .collect();
    if !env_lines.is_empty() {
        let mut root = Value::Object(Map::new());
        for (key, value) in env_lines {
            let value = value.trim().trim_matches('"').trim_matches('\'');
            let path: Vec<String> = key
                .trim()
                .strip_prefix(PREFIX)
                .unwrap_or_default()
                .split('_')
                .filter(|s| !s.is_empty())
                .map(str::to_ascii_lowercase)
                .collect();
            insert(&mut root, &path, value, key)?;
        }
        return Ok(root);
    }
    let document: Value = serde_saphyr::from_str(text)
        .map_err(|e| format!("not YAML and no CAMUNDA_SECURITY_INITIALIZATION_ variables: {e}"))?;
    ["camunda", "security", "initialization"]
        .iter()
        .try_fold(&document, |node, key| get(node, key))
        .cloned()
        .ok_or_else(|| "no camunda.security.initialization section".to_owned())
}

/// The environment variable that holds `username`'s password.
pub fn password_variable(username: &str) -> String {
    let name: String = username
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("CAMUNDA_USER_{name}_PASSWORD")
}

/// What the initialization declares, and how to write it.
#[derive(Debug)]
pub struct Converted {
    /// The state it creates.
    pub state: AccessState,
    /// Options for [`crate::export::export`]: password variables, additive
    /// built-in roles.
    pub options: Options,
}

fn members(state: &mut AccessState, container: &Container, entry: &Value) -> Result<(), String> {
    for key in ["users", "clients", "groups", "roles", "mapping-rules"] {
        for id in texts(entry, key) {
            let member = match key {
                "users" => Principal::User(id.as_str().into()),
                "clients" => Principal::Client(id.as_str().into()),
                "groups" => Principal::Group(id.as_str().into()),
                "roles" => Principal::Role(id.as_str().into()),
                _ => Principal::MappingRule(id.as_str().into()),
            };
            if !container.accepts(&member) {
                return Err(format!("{member} cannot be a member of {container}"));
            }
            state.memberships.insert(Membership {
                container: container.clone(),
                member,
            });
        }
    }
    Ok(())
}

/// Converts the initialization section.
pub fn convert(init: &Value, layout: Layout) -> Result<Converted, String> {
    let mut state = AccessState::default();
    let mut options = Options {
        layout,
        include_defaults: true,
        ..Options::default()
    };
    for user in list(init, "users") {
        let username = text(&user, "username").ok_or("a user has no username")?;
        state.users.insert(
            username.as_str().into(),
            User {
                name: text(&user, "name").filter(|n| !n.is_empty()),
                email: text(&user, "email").filter(|e| !e.is_empty()),
                password: None,
            },
        );
        options
            .passwords
            .insert(username.clone(), password_variable(&username));
    }
    for rule in list(init, "mapping-rules") {
        let id = text(&rule, "mapping-rule-id").ok_or("a mapping rule has no mapping-rule-id")?;
        state.mapping_rules.insert(
            id.as_str().into(),
            MappingRule {
                name: text(&rule, "name").unwrap_or_else(|| id.clone()),
                claim_name: text(&rule, "claim-name").ok_or("a mapping rule has no claim-name")?,
                claim_value: text(&rule, "claim-value")
                    .ok_or("a mapping rule has no claim-value")?,
            },
        );
    }
    for (section, id_key) in [
        ("groups", "group-id"),
        ("roles", "role-id"),
        ("tenants", "tenant-id"),
    ] {
        for entry in list(init, section) {
            let id =
                text(&entry, id_key).ok_or(format!("an entry of {section} has no {id_key}"))?;
            let name = text(&entry, "name").unwrap_or_else(|| id.clone());
            let description = text(&entry, "description").unwrap_or_default();
            let container = match section {
                "groups" => {
                    state
                        .groups
                        .insert(id.as_str().into(), Group { name, description });
                    Container::Group(id.as_str().into())
                }
                "roles" => {
                    state
                        .roles
                        .insert(id.as_str().into(), Role { name, description });
                    Container::Role(id.as_str().into())
                }
                _ => {
                    state
                        .tenants
                        .insert(id.as_str().into(), Tenant { name, description });
                    Container::Tenant(id.as_str().into())
                }
            };
            members(&mut state, &container, &entry)?;
        }
    }
    if let Some(Value::Object(roles)) = get(init, "default-roles") {
        for (key, entry) in roles {
            // Environment variables lose the dash: APPINTEGRATIONS.
            let role = BUILT_IN_ROLES
                .iter()
                .find(|r| norm(r) == norm(key))
                .ok_or_else(|| {
                    format!("default-roles names '{key}', which is not a built-in role")
                })?;
            let container = Container::Role((*role).into());
            state.roles.insert(
                (*role).into(),
                Role {
                    name: (*role).to_owned(),
                    description: String::new(),
                },
            );
            members(&mut state, &container, entry)?;
            options.additive.insert(container);
        }
    }
    for (i, a) in list(init, "authorizations").iter().enumerate() {
        let invalid = |what: &str| format!("authorization {i}: {what}");
        let owner_type = text(a, "owner-type")
            .and_then(|t| OwnerType::parse(&t))
            .ok_or_else(|| invalid("no valid owner-type"))?;
        let owner_id = text(a, "owner-id").ok_or_else(|| invalid("no owner-id"))?;
        let resource_type = text(a, "resource-type")
            .and_then(|t| ResourceType::parse(&t))
            .ok_or_else(|| invalid("no valid resource-type"))?;
        let resource = match text(a, "resource-property-name") {
            Some(p) => ResourceSelector::Property(p),
            None => ResourceSelector::Id(text(a, "resource-id").unwrap_or_else(|| "*".to_owned())),
        };
        let permissions: BTreeSet<PermissionType> = texts(a, "permissions")
            .iter()
            .map(|p| {
                PermissionType::parse(p)
                    .ok_or_else(|| invalid(&format!("unknown permission '{p}'")))
            })
            .collect::<Result<_, _>>()?;
        if permissions.is_empty() {
            return Err(invalid("no permissions"));
        }
        state.grant(
            AuthorizationTuple {
                owner: Principal::new(owner_type, &owner_id),
                resource_type,
                resource,
            },
            permissions,
        );
    }
    Ok(Converted { state, options })
}
