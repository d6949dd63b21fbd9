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

use serde_json::Value;

pub use crate::config::spring::parse;
use crate::config::spring::{get, list, norm, text, texts};

use crate::export::{Layout, Options};
use crate::model::catalogue::{BUILT_IN_ROLES, OwnerType, PermissionType, ResourceType};
use crate::model::state::{
    AccessState, AuthorizationTuple, Container, Group, MappingRule, Membership, Principal,
    ResourceSelector, Role, Tenant, User,
};

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

fn members(
    state: &mut AccessState,
    container: &Container,
    entry: &Value,
) -> Result<(), Unconvertible> {
    for key in ["users", "clients", "groups", "roles", "mapping-rules"] {
        for id in texts(entry, key) {
            let member = match key {
                "users" => Principal::User(id.clone().into()),
                "clients" => Principal::Client(id.clone().into()),
                "groups" => Principal::Group(id.clone().into()),
                "roles" => Principal::Role(id.clone().into()),
                _ => Principal::MappingRule(id.clone().into()),
            };
            if !container.accepts(&member) {
                return Err(Unconvertible(format!(
                    "{member} cannot be a member of {container}"
                )));
            }
            state.memberships.insert(Membership {
                container: container.clone(),
                member,
            });
        }
    }
    Ok(())
}

/// An initialization section this tool cannot express.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Unconvertible(pub String);

impl From<&str> for Unconvertible {
    fn from(message: &str) -> Unconvertible {
        Unconvertible(message.to_owned())
    }
}

impl From<String> for Unconvertible {
    fn from(message: String) -> Unconvertible {
        Unconvertible(message)
    }
}

/// Converts the initialization section.
pub fn convert(init: &Value, layout: Layout) -> Result<Converted, Unconvertible> {
    let mut state = AccessState::default();
    let mut options = Options {
        layout,
        include_defaults: true,
        ..Options::default()
    };
    for user in list(init, "users") {
        let username = text(&user, "username").ok_or("a user has no username")?;
        state.users.insert(
            username.clone().into(),
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
            id.clone().into(),
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
                        .insert(id.clone().into(), Group { name, description });
                    Container::Group(id.clone().into())
                }
                "roles" => {
                    state
                        .roles
                        .insert(id.clone().into(), Role { name, description });
                    Container::Role(id.clone().into())
                }
                _ => {
                    state
                        .tenants
                        .insert(id.clone().into(), Tenant { name, description });
                    Container::Tenant(id.clone().into())
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
        let invalid = |what: &str| Unconvertible(format!("authorization {i}: {what}"));
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
