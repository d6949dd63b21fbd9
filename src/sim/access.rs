//! Who is calling, and what they may do: effective permissions through
//! direct authorizations, groups, roles, roles of groups and matching
//! mapping rules, as Camunda computes them.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::model::catalogue::{OwnerType, PermissionType, ResourceType};
use crate::sim::store::{EntityType, Relation, Store};

/// The caller of a request.
#[derive(Debug, Clone)]
pub enum Caller {
    /// Authorization checks are off: everything is allowed.
    Unchecked,
    /// An authenticated principal whose permissions are checked.
    Principal(Identity),
    /// An authenticated principal whose permissions are not checked
    /// (authorizations off): allowed everything, but still the actor of
    /// what it writes.
    Trusted(Identity),
}

/// An authenticated principal.
#[derive(Debug, Clone, Default)]
pub struct Identity {
    /// The username, for users.
    pub username: Option<String>,
    /// The client ID, for clients.
    pub client_id: Option<String>,
    /// Token claims (OIDC), matched against mapping rules.
    pub claims: Option<Value>,
    /// Group IDs from a groups claim (when groups come from the token).
    pub claim_groups: Option<Vec<String>>,
}

/// The segments of a JSONPath claim name: `$.a.b`, `$['a.b']`, `$["a"].b`.
/// `None` when it is not one.
fn json_path(name: &str) -> Option<Vec<String>> {
    let mut rest = name.strip_prefix('$')?;
    let mut segments = Vec::new();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            if end == 0 {
                return None;
            }
            segments.push(after[..end].to_owned());
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let quote = after.chars().next().filter(|c| *c == '\'' || *c == '"')?;
            let inner = &after[1..];
            let end = inner.find(quote)?;
            segments.push(inner[..end].to_owned());
            rest = inner[end + 1..].strip_prefix(']')?;
        } else {
            return None;
        }
    }
    Some(segments)
}

/// The value of a claim named as Camunda names claims: a JSONPath
/// (`$.realm_access.roles`, `$['a.b']`), or a plain name — a top-level key,
/// else a dotted path (8.8's `JsonPath.compile` reads `a.b` as nested).
pub(crate) fn claim_at<'v>(claims: &'v Value, name: &str) -> Option<&'v Value> {
    if let Some(segments) = json_path(name) {
        return segments
            .iter()
            .try_fold(claims, |node, part| node.get(part.as_str()));
    }
    claims.get(name).or_else(|| {
        name.split('.')
            .try_fold(claims, |node, part| node.get(part))
    })
}

/// Whether a mapping rule's claim matches the token, as Camunda's
/// `MappingRuleMatcher` does: the rule's value is a string and is compared
/// with `equals` to the claim, or to each item of an array claim. There is
/// no coercion: a boolean or number claim never matches "true" or "7".
pub(crate) fn claim_matches(claims: &Value, claim_name: &str, claim_value: &str) -> bool {
    let equals = |v: &Value| matches!(v, Value::String(s) if s == claim_value);
    match claim_at(claims, claim_name) {
        Some(Value::Array(items)) => items.iter().any(equals),
        Some(v) => equals(v),
        None => false,
    }
}

impl Identity {
    /// Every (owner type, owner ID) whose authorizations apply to this principal.
    pub fn owners(&self, store: &Store) -> BTreeSet<(OwnerType, String)> {
        let mut owners = BTreeSet::new();
        let mut direct: Vec<(EntityType, String)> = Vec::new();
        if let Some(u) = &self.username {
            owners.insert((OwnerType::User, u.clone()));
            direct.push((EntityType::User, u.clone()));
        }
        if let Some(c) = &self.client_id {
            owners.insert((OwnerType::Client, c.clone()));
            direct.push((EntityType::Client, c.clone()));
        }
        if let Some(claims) = &self.claims {
            for (id, rule) in &store.mapping_rules {
                if claim_matches(claims, &rule.claim_name, &rule.claim_value) {
                    owners.insert((OwnerType::MappingRule, id.clone()));
                    direct.push((EntityType::MappingRule, id.clone()));
                }
            }
        }
        let mut groups: BTreeSet<String> = self.claim_groups.iter().flatten().cloned().collect();
        let mut roles = BTreeSet::new();
        for (entity_type, id) in &direct {
            for row in store.memberships_of(*entity_type, id) {
                match row.relation {
                    Relation::Group => {
                        groups.insert(row.relation_id);
                    }
                    Relation::Role => {
                        roles.insert(row.relation_id);
                    }
                    Relation::Tenant => {}
                }
            }
        }
        for group in &groups {
            owners.insert((OwnerType::Group, group.clone()));
            for row in store.memberships_of(EntityType::Group, group) {
                if row.relation == Relation::Role {
                    roles.insert(row.relation_id);
                }
            }
        }
        for role in roles {
            owners.insert((OwnerType::Role, role));
        }
        owners
    }

    /// The tenants this principal belongs to (directly, through groups,
    /// roles or mapping rules).
    pub fn tenants(&self, store: &Store) -> BTreeSet<String> {
        let owners = self.owners(store);
        let mut tenants = BTreeSet::new();
        for (owner_type, id) in owners {
            let entity_type = match owner_type {
                OwnerType::User => EntityType::User,
                OwnerType::Client => EntityType::Client,
                OwnerType::Group => EntityType::Group,
                OwnerType::Role => EntityType::Role,
                OwnerType::MappingRule => EntityType::MappingRule,
            };
            for row in store.memberships_of(entity_type, &id) {
                if row.relation == Relation::Tenant {
                    tenants.insert(row.relation_id);
                }
            }
        }
        tenants
    }
}

impl Caller {
    /// Whether the caller holds `permission` on `resource_type` for `id`
    /// (`None`: an operation without a resource ID, e.g. create, which needs
    /// the wildcard). Everything from one store: the engine's checks of
    /// writes, on its own state.
    pub fn allows(
        &self,
        store: &Store,
        resource_type: ResourceType,
        permission: PermissionType,
        id: Option<&str>,
    ) -> bool {
        self.allows_with(store, store, resource_type, permission, id)
    }

    /// The check of a read (GET): the caller's groups, roles, tenants and
    /// matching mapping rules come from `secondary`, as Camunda's gateway
    /// resolves them with searches (so a membership the caller just got
    /// counts only after the export lag); the authorizations from `primary`.
    pub fn may_read(
        &self,
        primary: &Store,
        secondary: &Store,
        resource_type: ResourceType,
        id: Option<&str>,
    ) -> bool {
        self.allows_with(primary, secondary, resource_type, PermissionType::Read, id)
    }

    fn allows_with(
        &self,
        store: &Store,
        memberships: &Store,
        resource_type: ResourceType,
        permission: PermissionType,
        id: Option<&str>,
    ) -> bool {
        let identity = match self {
            Caller::Unchecked | Caller::Trusted(_) => return true,
            Caller::Principal(identity) => identity,
        };
        let owners = identity.owners(memberships);
        store.authorizations.values().any(|a| {
            a.resource_type == resource_type
                && a.permissions.contains(&permission)
                && owners.contains(&(a.owner_type, a.owner_id.clone()))
                && match a.resource_id.as_deref() {
                    Some("*") => true,
                    Some(rid) => id == Some(rid),
                    None => false,
                }
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn claims_match_like_camunda() {
        let claims = json!({
            "groups": ["acct", "finance"],
            "client_id": "worker",
            "admin": true,
            "realm_access": {"roles": ["auditor"]},
        });
        assert!(claim_matches(&claims, "groups", "acct"));
        assert!(!claim_matches(&claims, "groups", "ac"));
        assert!(claim_matches(&claims, "client_id", "worker"));
        assert!(claim_matches(&claims, "$.realm_access.roles", "auditor"));
        assert!(claim_matches(&claims, "$['realm_access'].roles", "auditor"));
        assert!(claim_matches(&claims, "realm_access.roles", "auditor"));
        assert!(!claim_matches(&claims, "missing", "x"));
        // No coercion: booleans and numbers never equal a string.
        assert!(!claim_matches(&claims, "admin", "true"));
        let claims = json!({"level": 7, "flags": [true, 7, "7"], "a.b": "literal"});
        assert!(!claim_matches(&claims, "level", "7"));
        assert!(claim_matches(&claims, "flags", "7"), "the string item");
        assert!(!claim_matches(&claims, "flags", "true"));
        assert!(claim_matches(&claims, "$['a.b']", "literal"));
        assert!(claim_matches(&claims, "a.b", "literal"));
    }
}

/// Which resources of one type a caller may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readable {
    /// All of them.
    All,
    /// Only these IDs.
    Ids(BTreeSet<String>),
}

impl Readable {
    /// Whether `id` is readable.
    pub fn contains(&self, id: &str) -> bool {
        match self {
            Readable::All => true,
            Readable::Ids(ids) => ids.contains(id),
        }
    }
}

impl Caller {
    /// Whether the caller's authorizations are checked.
    pub fn checked(&self) -> bool {
        matches!(self, Caller::Principal(_))
    }

    /// The authenticated principal behind the caller, checked or not.
    pub fn identity(&self) -> Option<&Identity> {
        match self {
            Caller::Unchecked => None,
            Caller::Principal(identity) | Caller::Trusted(identity) => Some(identity),
        }
    }

    /// What the caller may read of `resource_type` (searches filter their
    /// results by it instead of answering 403). As for [`Caller::may_read`],
    /// the caller's memberships and mapping rules come from `secondary`, the
    /// authorizations from `primary`.
    pub fn readable(
        &self,
        primary: &Store,
        secondary: &Store,
        resource_type: ResourceType,
    ) -> Readable {
        let permission = PermissionType::Read;
        let store = primary;
        let identity = match self {
            Caller::Unchecked | Caller::Trusted(_) => return Readable::All,
            Caller::Principal(identity) => identity,
        };
        let owners = identity.owners(secondary);
        let mut ids = BTreeSet::new();
        for a in store.authorizations.values() {
            if a.resource_type == resource_type
                && a.permissions.contains(&permission)
                && owners.contains(&(a.owner_type, a.owner_id.clone()))
            {
                match a.resource_id.as_deref() {
                    Some("*") => return Readable::All,
                    Some(id) => {
                        ids.insert(id.to_owned());
                    }
                    None => {}
                }
            }
        }
        Readable::Ids(ids)
    }
}
