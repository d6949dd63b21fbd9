//! `Raw*` types: one YAML file exactly as written, every value with its place.
//!
//! Leaf values are strings here, even enums such as resource types: they may
//! hold `${env:…}` references, and the validator reports a bad value at its
//! place with help instead of stopping at the first one. The JSON Schema
//! (`camunda-access schema`) is generated from these types.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer};
use serde_saphyr::Location;

use crate::model::catalogue::{OwnerType, PermissionType, ResourceType};
use crate::model::desired::Kind;

/// A value with the place it was written.
#[derive(Debug, Clone)]
pub struct Sp<T> {
    /// The value.
    pub value: T,
    /// Where it is used in the file.
    pub location: Location,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Sp<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = serde_saphyr::Spanned::<T>::deserialize(deserializer)?;
        Ok(Sp {
            value: spanned.value,
            location: spanned.referenced,
        })
    }
}

impl<T: JsonSchema> JsonSchema for Sp<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }

    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

/// A string value with its place.
pub type Text = Sp<String>;

/// One configuration file. Top-level keys starting with `x-` are ignored,
/// so YAML anchors can be defined there (`x-worker: &worker …`).
#[derive(Debug, Default, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(
    title = "camunda-access desired state",
    description = "Access control of a Camunda 8 Orchestration Cluster, format version 1. Several files form one desired state. Top-level keys starting with `x-` are ignored (a place for YAML anchors).",
    extend("patternProperties" = {"^x-": true})
)]
pub struct RawFile {
    /// Format version; must be 1 in every file.
    #[schemars(required, schema_with = "version_schema")]
    pub version: Option<Text>,
    /// Pruning and protection; at most once across all files.
    pub policy: Option<Sp<RawPolicy>>,
    /// Tenants.
    #[serde(default)]
    pub tenants: Vec<RawTenant>,
    /// Groups.
    #[serde(default)]
    pub groups: Vec<RawGroup>,
    /// Roles, including built-in ones whose members are managed.
    #[serde(default)]
    pub roles: Vec<RawRole>,
    /// Mapping rules that match claims in tokens.
    #[serde(default)]
    pub mapping_rules: Vec<RawMappingRule>,
    /// OAuth clients registered in the identity provider.
    #[serde(default)]
    pub clients: Vec<RawClient>,
    /// Internal users (basic authentication clusters).
    #[serde(default)]
    pub users: Vec<RawUser>,
    /// Authorizations of owners declared nowhere else.
    #[serde(default)]
    pub authorizations: Vec<RawAuthorization>,
    /// Renames: the object `from` becomes the declared object `to`, keeping
    /// its members and memberships, then `from` is deleted.
    #[serde(default)]
    pub moved: Vec<RawMoved>,
}

/// The top-level keys, in the order of the format.
const FILE_KEYS: &[&str] = &[
    "version",
    "policy",
    "tenants",
    "groups",
    "roles",
    "mapping-rules",
    "clients",
    "users",
    "authorizations",
    "moved",
];

impl<'de> Deserialize<'de> for RawFile {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawFile;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a mapping with `version:` and the sections of the format")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RawFile, A::Error> {
                use serde::de::Error;
                let mut file = RawFile::default();
                let mut seen: Vec<String> = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    if key.starts_with("x-") {
                        map.next_value::<serde::de::IgnoredAny>()?;
                        continue;
                    }
                    if seen.contains(&key) {
                        return Err(A::Error::custom(format!("duplicate field `{key}`")));
                    }
                    match key.as_str() {
                        "version" => file.version = map.next_value()?,
                        "policy" => file.policy = map.next_value()?,
                        "tenants" => file.tenants = map.next_value()?,
                        "groups" => file.groups = map.next_value()?,
                        "roles" => file.roles = map.next_value()?,
                        "mapping-rules" => file.mapping_rules = map.next_value()?,
                        "clients" => file.clients = map.next_value()?,
                        "users" => file.users = map.next_value()?,
                        "authorizations" => file.authorizations = map.next_value()?,
                        "moved" => file.moved = map.next_value()?,
                        _ => return Err(A::Error::unknown_field(&key, FILE_KEYS)),
                    }
                    seen.push(key);
                }
                Ok(file)
            }
        }

        deserializer.deserialize_map(Visitor)
    }
}

/// `policy:`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "Policy")]
pub struct RawPolicy {
    /// Kinds whose undeclared live objects are deleted. Default: none.
    #[serde(default)]
    #[schemars(with = "Vec<PruneKindName>")]
    pub prune: Vec<Text>,
    /// Objects never changed or deleted, as `kind:id` (kinds: group, role,
    /// tenant, mapping-rule, user, client).
    #[serde(default)]
    #[schemars(with = "Vec<ProtectRef>")]
    pub protect: Vec<Text>,
    /// Levels of the guardrail rules checked on every plan: rule ID →
    /// `deny`, `warn` or `allow`. Rules not named keep their default.
    #[serde(default)]
    pub rules: RawRules,
}

/// `policy.rules`: rule IDs and levels, each with its place, in file order.
#[derive(Debug, Default)]
pub struct RawRules(pub Vec<(Text, Text)>);

impl<'de> Deserialize<'de> for RawRules {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawRules;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a mapping of rule IDs to deny, warn or allow")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RawRules, A::Error> {
                let mut rules = Vec::new();
                while let Some(key) = map.next_key::<Text>()? {
                    rules.push((key, map.next_value::<Text>()?));
                }
                Ok(RawRules(rules))
            }
        }

        deserializer.deserialize_map(Visitor)
    }
}

impl JsonSchema for RawRules {
    fn schema_name() -> Cow<'static, str> {
        "Rules".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        use crate::model::rules::{Level, RuleId};
        let levels: Vec<&str> = Level::ALL.iter().map(|l| l.as_str()).collect();
        let properties: serde_json::Map<String, serde_json::Value> = RuleId::ALL
            .iter()
            .map(|rule| {
                let description = format!(
                    "Violated when {}. Default: {}.",
                    rule.summary(),
                    rule.default_level()
                );
                (
                    rule.as_str().to_owned(),
                    serde_json::json!({"description": description, "enum": levels}),
                )
            })
            .collect();
        json_schema!({
            "type": "object",
            "description": "Guardrail rules by ID, each `deny` (apply refuses a plan that introduces a violation), `warn` (the plan shows it) or `allow` (off).",
            "properties": properties,
            "additionalProperties": false,
        })
    }
}

/// A tenant.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "Tenant")]
pub struct RawTenant {
    /// Tenant ID: letters, digits, `_`, `.`, `-`; at most 31 characters (or `<default>`).
    pub id: Text,
    /// Display name; defaults to the ID.
    pub name: Option<Text>,
    /// Description.
    pub description: Option<Text>,
    /// Members of the tenant.
    #[serde(default)]
    pub members: RawTenantMembers,
    /// `authoritative` (default): undeclared members are removed; `additive`: they are kept.
    #[schemars(with = "Option<MembersModeName>")]
    pub members_mode: Option<Text>,
    /// `manage` (default), `create-only` (created when missing, never
    /// changed after) or `observe` (never written; differences reported).
    #[schemars(with = "Option<LifecycleName>")]
    pub lifecycle: Option<Text>,
}

/// Members of a tenant.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "TenantMembers")]
pub struct RawTenantMembers {
    /// Usernames.
    #[serde(default)]
    pub users: Vec<Text>,
    /// Client IDs.
    #[serde(default)]
    pub clients: Vec<Text>,
    /// Group IDs.
    #[serde(default)]
    pub groups: Vec<Text>,
    /// Role IDs.
    #[serde(default)]
    pub roles: Vec<Text>,
    /// Mapping-rule IDs.
    #[serde(default)]
    pub mapping_rules: Vec<Text>,
}

/// A group.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "Group")]
pub struct RawGroup {
    /// Group ID.
    pub id: Text,
    /// Display name; defaults to the ID.
    pub name: Option<Text>,
    /// Description.
    pub description: Option<Text>,
    /// Members of the group.
    #[serde(default)]
    pub members: RawGroupMembers,
    /// `authoritative` (default) or `additive`.
    #[schemars(with = "Option<MembersModeName>")]
    pub members_mode: Option<Text>,
    /// Roles this group is a member of.
    #[serde(default)]
    pub roles: Vec<Text>,
    /// Tenants this group is a member of.
    #[serde(default)]
    pub tenants: Vec<Text>,
    /// Authorizations owned by the group.
    #[serde(default)]
    pub permissions: Vec<RawPermission>,
    /// `manage` (default), `create-only` (created when missing, never
    /// changed after) or `observe` (never written; differences reported).
    #[schemars(with = "Option<LifecycleName>")]
    pub lifecycle: Option<Text>,
}

/// Members of a group.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "GroupMembers")]
pub struct RawGroupMembers {
    /// Usernames.
    #[serde(default)]
    pub users: Vec<Text>,
    /// Client IDs.
    #[serde(default)]
    pub clients: Vec<Text>,
    /// Mapping-rule IDs.
    #[serde(default)]
    pub mapping_rules: Vec<Text>,
}

/// A role.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "Role")]
pub struct RawRole {
    /// Role ID. Built-in roles (admin, readonly-admin, rpa, connectors,
    /// app-integrations, task-worker) may be listed to manage their members.
    pub id: Text,
    /// Display name; defaults to the ID.
    pub name: Option<Text>,
    /// Description.
    pub description: Option<Text>,
    /// Members of the role.
    #[serde(default)]
    pub members: RawRoleMembers,
    /// `authoritative` (default) or `additive`.
    #[schemars(with = "Option<MembersModeName>")]
    pub members_mode: Option<Text>,
    /// Tenants this role is a member of.
    #[serde(default)]
    pub tenants: Vec<Text>,
    /// Authorizations owned by the role.
    #[serde(default)]
    pub permissions: Vec<RawPermission>,
    /// `manage` (default), `create-only` (created when missing, never
    /// changed after) or `observe` (never written; differences reported).
    #[schemars(with = "Option<LifecycleName>")]
    pub lifecycle: Option<Text>,
}

/// Members of a role.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "RoleMembers")]
pub struct RawRoleMembers {
    /// Usernames.
    #[serde(default)]
    pub users: Vec<Text>,
    /// Client IDs.
    #[serde(default)]
    pub clients: Vec<Text>,
    /// Group IDs.
    #[serde(default)]
    pub groups: Vec<Text>,
    /// Mapping-rule IDs.
    #[serde(default)]
    pub mapping_rules: Vec<Text>,
}

/// A mapping rule.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "MappingRule")]
pub struct RawMappingRule {
    /// Mapping-rule ID.
    pub id: Text,
    /// Display name; defaults to the ID.
    pub name: Option<Text>,
    /// Claim name (nested claims and JSONPath allowed).
    #[schemars(required)]
    pub claim: Option<Text>,
    /// Value to match: equals for scalar claims, contains for arrays.
    #[schemars(required)]
    pub value: Option<Text>,
    /// Groups this rule is a member of.
    #[serde(default)]
    pub groups: Vec<Text>,
    /// Roles this rule is a member of.
    #[serde(default)]
    pub roles: Vec<Text>,
    /// Tenants this rule is a member of.
    #[serde(default)]
    pub tenants: Vec<Text>,
    /// Authorizations owned by the rule.
    #[serde(default)]
    pub permissions: Vec<RawPermission>,
    /// `manage` (default), `create-only` (created when missing, never
    /// changed after) or `observe` (never written; differences reported).
    #[schemars(with = "Option<LifecycleName>")]
    pub lifecycle: Option<Text>,
}

/// An OAuth client (not an entity in Camunda: its ID is the token's client-id claim).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "Client")]
pub struct RawClient {
    /// Client ID.
    pub id: Text,
    /// Groups the client is a member of.
    #[serde(default)]
    pub groups: Vec<Text>,
    /// Roles the client is a member of.
    #[serde(default)]
    pub roles: Vec<Text>,
    /// Tenants the client is a member of.
    #[serde(default)]
    pub tenants: Vec<Text>,
    /// Authorizations owned by the client.
    #[serde(default)]
    pub permissions: Vec<RawPermission>,
}

/// An internal user.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "User")]
pub struct RawUser {
    /// Username.
    pub username: Text,
    /// Display name.
    pub name: Option<Text>,
    /// E-mail address.
    pub email: Option<Text>,
    /// Initial password, used on create only; use `${env:NAME}`.
    pub password: Option<Text>,
    /// Groups the user is a member of.
    #[serde(default)]
    pub groups: Vec<Text>,
    /// Roles the user is a member of.
    #[serde(default)]
    pub roles: Vec<Text>,
    /// Tenants the user is a member of.
    #[serde(default)]
    pub tenants: Vec<Text>,
    /// Authorizations owned by the user.
    #[serde(default)]
    pub permissions: Vec<RawPermission>,
    /// `manage` (default), `create-only` (created when missing, never
    /// changed after) or `observe` (never written; differences reported).
    #[schemars(with = "Option<LifecycleName>")]
    pub lifecycle: Option<Text>,
}

/// Permissions on one resource type, owned by the entity they are listed under.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "Permission")]
pub struct RawPermission {
    /// Resource type.
    #[schemars(required, with = "ResourceTypeName")]
    pub resource: Option<Text>,
    /// One resource ID, or `*` for all.
    pub id: Option<Text>,
    /// Several resource IDs: one authorization per ID.
    pub ids: Option<Sp<Vec<Text>>>,
    /// Property-based (8.9): e.g. `assignee` on USER_TASK.
    pub property: Option<Text>,
    /// Permission types granted.
    #[schemars(required, with = "Vec<PermissionTypeName>", length(min = 1))]
    pub allow: Option<Sp<Vec<Text>>>,
}

/// An authorization for an owner declared nowhere else.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "Authorization")]
pub struct RawAuthorization {
    /// Who holds the permissions.
    #[schemars(required)]
    pub owner: Option<Sp<RawOwner>>,
    /// Resource type.
    #[schemars(required, with = "ResourceTypeName")]
    pub resource: Option<Text>,
    /// One resource ID, or `*` for all.
    pub id: Option<Text>,
    /// Several resource IDs.
    pub ids: Option<Sp<Vec<Text>>>,
    /// Property-based (8.9).
    pub property: Option<Text>,
    /// Permission types granted.
    #[schemars(required, with = "Vec<PermissionTypeName>", length(min = 1))]
    pub allow: Option<Sp<Vec<Text>>>,
    /// `manage` (default), `create-only` (created when missing, never
    /// changed after) or `observe` (never written; differences reported).
    #[schemars(with = "Option<LifecycleName>")]
    pub lifecycle: Option<Text>,
}

/// The owner of an authorization.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "Owner")]
pub struct RawOwner {
    /// USER, CLIENT, GROUP, ROLE or MAPPING_RULE.
    #[serde(rename = "type")]
    #[schemars(required, with = "OwnerTypeName")]
    pub owner_type: Option<Text>,
    /// The owner's ID.
    #[schemars(required)]
    pub id: Option<Text>,
}

fn version_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "description": "Format version; must be 1 in every file.",
        "const": 1
    })
}

fn names_schema(description: &str, names: Vec<&str>) -> Schema {
    json_schema!({
        "type": "string",
        "description": description,
        "enum": names
    })
}

macro_rules! name_schema {
    ($name:ident, $doc:literal, $names:expr) => {
        #[doc = $doc]
        struct $name;

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                names_schema($doc, $names)
            }
        }
    };
}

name_schema!(
    ResourceTypeName,
    "A Camunda resource type (8.9 adds AUDIT_LOG, CLUSTER_VARIABLE, EXPRESSION, GLOBAL_LISTENER, USER_TASK).",
    ResourceType::ALL.iter().map(|r| r.as_str()).collect()
);
name_schema!(
    PermissionTypeName,
    "A Camunda permission type; which ones a resource type supports depends on the Camunda version.",
    PermissionType::ALL.iter().map(|p| p.as_str()).collect()
);
name_schema!(
    OwnerTypeName,
    "The type of an authorization's owner.",
    OwnerType::ALL.iter().map(|o| o.as_str()).collect()
);
name_schema!(
    PruneKindName,
    "A kind whose undeclared live objects are deleted.",
    Kind::ALL.iter().map(|k| k.as_str()).collect()
);
name_schema!(
    MembersModeName,
    "How a declared member list is applied.",
    vec!["authoritative", "additive"]
);
name_schema!(
    LifecycleName,
    "What the tool may do to a declared object: manage (default) keeps it as declared; create-only creates it when missing and never changes it after; observe never writes it and reports how it differs.",
    crate::model::desired::Lifecycle::ALL
        .iter()
        .map(|l| l.as_str())
        .collect()
);

/// A `moved:` entry.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "Moved")]
pub struct RawMoved {
    /// The old object, as `kind:id` (kinds: group, role, tenant,
    /// mapping-rule); declared nowhere.
    #[schemars(required, with = "MovedRef")]
    pub from: Option<Text>,
    /// The new object, as `kind:id` of the same kind; declared in the files.
    #[schemars(required, with = "MovedRef")]
    pub to: Option<Text>,
}

/// `kind:id` in `moved:`.
struct MovedRef;

impl JsonSchema for MovedRef {
    fn schema_name() -> Cow<'static, str> {
        "MovedRef".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "A group, role, tenant or mapping rule, as kind:id.",
            "pattern": "^(group|role|tenant|mapping-rule):.+$"
        })
    }
}

/// `kind:id` in `policy.protect`.
struct ProtectRef;

impl JsonSchema for ProtectRef {
    fn schema_name() -> Cow<'static, str> {
        "ProtectRef".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "An object never changed or deleted, as kind:id.",
            "pattern": "^(group|role|tenant|mapping-rule|user|client):.+$"
        })
    }
}
