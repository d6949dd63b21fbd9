//! `AccessState`: the canonical model of a cluster's access control, used for
//! both the desired state (from YAML) and the live state (from the API).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::catalogue::{OwnerType, PermissionType, ResourceType};
use crate::model::ids::{ClientId, GroupId, MappingRuleId, RoleId, TenantId, Username};

/// The access control of one cluster, in normal form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessState {
    /// Tenants by ID.
    pub tenants: BTreeMap<TenantId, Tenant>,
    /// Groups by ID.
    pub groups: BTreeMap<GroupId, Group>,
    /// Roles by ID.
    pub roles: BTreeMap<RoleId, Role>,
    /// Mapping rules by ID.
    pub mapping_rules: BTreeMap<MappingRuleId, MappingRule>,
    /// Internal users by username.
    pub users: BTreeMap<Username, User>,
    /// Container → member edges.
    pub memberships: BTreeSet<Membership>,
    /// Authorizations keyed by their normal-form tuple.
    #[serde(serialize_with = "as_pairs", deserialize_with = "from_pairs")]
    pub authorizations: BTreeMap<AuthorizationTuple, Grant>,
}

/// Serializes a map with structured keys as a list of `[key, value]` pairs
/// (JSON objects only have string keys), in key order.
pub fn as_pairs<K: Serialize, V: Serialize, S: serde::Serializer>(
    map: &BTreeMap<K, V>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(map.iter())
}

/// Reads what [`as_pairs`] wrote.
pub fn from_pairs<'de, K, V, D>(deserializer: D) -> Result<BTreeMap<K, V>, D::Error>
where
    K: Deserialize<'de> + Ord,
    V: Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    let pairs: Vec<(K, V)> = Vec::deserialize(deserializer)?;
    Ok(pairs.into_iter().collect())
}

/// A tenant's attributes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tenant {
    /// Display name.
    pub name: String,
    /// Description; Camunda stores "no description" as `""`.
    pub description: String,
}

/// A group's attributes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    /// Display name.
    pub name: String,
    /// Description; `""` when none.
    pub description: String,
}

/// A role's attributes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    /// Display name.
    pub name: String,
    /// Description; `""` when none.
    pub description: String,
}

/// A mapping rule: principals whose token has `claim_name` equal to (or, for
/// arrays, containing) `claim_value` match it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingRule {
    /// Display name.
    pub name: String,
    /// Claim name or JSONPath expression.
    pub claim_name: String,
    /// Value to match.
    pub claim_value: String,
}

/// An internal user's attributes. The password is write-only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Display name, if managed.
    pub name: Option<String>,
    /// E-mail address, if managed.
    pub email: Option<String>,
    /// Initial password, used on create only; never read back.
    #[serde(skip)]
    pub password: Option<Secret>,
}

/// A secret value whose text never appears in `Debug`, `Display` or serialized output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret text, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// A principal or container that can be a member or own authorizations.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(tag = "type", content = "id", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Principal {
    /// An internal or external user.
    User(Username),
    /// An OAuth client.
    Client(ClientId),
    /// A group.
    Group(GroupId),
    /// A role.
    Role(RoleId),
    /// A mapping rule.
    MappingRule(MappingRuleId),
}

impl Principal {
    /// Builds a principal from an owner type and ID.
    pub fn new(owner_type: OwnerType, id: &str) -> Self {
        match owner_type {
            OwnerType::User => Principal::User(id.into()),
            OwnerType::Client => Principal::Client(id.into()),
            OwnerType::Group => Principal::Group(id.into()),
            OwnerType::Role => Principal::Role(id.into()),
            OwnerType::MappingRule => Principal::MappingRule(id.into()),
        }
    }

    /// Camunda's owner type for this principal.
    pub fn owner_type(&self) -> OwnerType {
        match self {
            Principal::User(_) => OwnerType::User,
            Principal::Client(_) => OwnerType::Client,
            Principal::Group(_) => OwnerType::Group,
            Principal::Role(_) => OwnerType::Role,
            Principal::MappingRule(_) => OwnerType::MappingRule,
        }
    }

    /// The principal's ID.
    pub fn id(&self) -> &str {
        match self {
            Principal::User(id) => id.as_str(),
            Principal::Client(id) => id.as_str(),
            Principal::Group(id) => id.as_str(),
            Principal::Role(id) => id.as_str(),
            Principal::MappingRule(id) => id.as_str(),
        }
    }
}

impl fmt::Display for Principal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self {
            Principal::User(_) => "user",
            Principal::Client(_) => "client",
            Principal::Group(_) => "group",
            Principal::Role(_) => "role",
            Principal::MappingRule(_) => "mapping-rule",
        };
        write!(f, "{kind}:{}", self.id())
    }
}

/// Something that has members.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(tag = "type", content = "id", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Container {
    /// A group: members are users, clients and mapping rules.
    Group(GroupId),
    /// A role: members are users, clients, groups and mapping rules.
    Role(RoleId),
    /// A tenant: members are users, clients, groups, roles and mapping rules.
    Tenant(TenantId),
}

impl Container {
    /// Whether Camunda lets `member` belong to this kind of container.
    pub fn accepts(&self, member: &Principal) -> bool {
        !matches!(
            (self, member),
            (
                Container::Group(_),
                Principal::Group(_) | Principal::Role(_)
            ) | (Container::Role(_), Principal::Role(_))
        )
    }

    /// The container's ID.
    pub fn id(&self) -> &str {
        match self {
            Container::Group(id) => id.as_str(),
            Container::Role(id) => id.as_str(),
            Container::Tenant(id) => id.as_str(),
        }
    }
}

impl fmt::Display for Container {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self {
            Container::Group(_) => "group",
            Container::Role(_) => "role",
            Container::Tenant(_) => "tenant",
        };
        write!(f, "{kind}:{}", self.id())
    }
}

/// One container → member edge.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct Membership {
    /// The group, role or tenant.
    pub container: Container,
    /// The member.
    pub member: Principal,
}

/// Which resources an authorization covers.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ResourceSelector {
    /// One resource by ID, or every resource with `*`.
    Id(String),
    /// Resources whose property names the principal (8.9, e.g. `assignee`).
    Property(String),
}

impl ResourceSelector {
    /// The wildcard selector `*`.
    pub fn wildcard() -> Self {
        ResourceSelector::Id("*".to_owned())
    }

    /// Whether this is the wildcard `*`.
    pub fn is_wildcard(&self) -> bool {
        matches!(self, ResourceSelector::Id(id) if id == "*")
    }
}

impl fmt::Display for ResourceSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResourceSelector::Id(id) => f.write_str(id),
            ResourceSelector::Property(p) => write!(f, "property:{p}"),
        }
    }
}

/// The identity of an authorization in normal form.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct AuthorizationTuple {
    /// Who holds the permissions.
    pub owner: Principal,
    /// On what type of resource.
    pub resource_type: ResourceType,
    /// On which resources of that type.
    pub resource: ResourceSelector,
}

impl AuthorizationTuple {
    /// Whether this is the authorization Camunda gives every user it
    /// creates: owner the user, resource that same user, `READ` (older
    /// versions also `UPDATE`). It is built-in: never pruned, reported or
    /// exported unless the files declare it.
    pub fn is_self_authorization(&self, permissions: &BTreeSet<PermissionType>) -> bool {
        matches!(
            (&self.owner, &self.resource),
            (Principal::User(u), ResourceSelector::Id(id)) if u.as_str() == id
        ) && self.resource_type == ResourceType::User
            && !permissions.is_empty()
            && permissions
                .iter()
                .all(|p| matches!(p, PermissionType::Read | PermissionType::Update))
    }
}

impl fmt::Display for AuthorizationTuple {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} on {}:{}",
            self.owner, self.resource_type, self.resource
        )
    }
}

/// The permissions granted for one tuple, and the live authorization keys
/// behind them (empty in a desired state).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// The union of permissions.
    pub permissions: BTreeSet<PermissionType>,
    /// Server-generated authorization keys carrying this tuple, sorted.
    pub keys: Vec<String>,
    /// What each key grants, where the tuple has several keys that grant
    /// different sets (read from the cluster).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub by_key: BTreeMap<String, BTreeSet<PermissionType>>,
}

impl Grant {
    /// What the authorization `key` grants: its own permissions when
    /// known, else the tuple's.
    pub fn permissions_of(&self, key: &str) -> BTreeSet<PermissionType> {
        self.by_key
            .get(key)
            .cloned()
            .unwrap_or_else(|| self.permissions.clone())
    }
}

impl AccessState {
    /// Adds permissions to a tuple, merging with any already there.
    pub fn grant(
        &mut self,
        tuple: AuthorizationTuple,
        permissions: impl IntoIterator<Item = PermissionType>,
    ) {
        self.authorizations
            .entry(tuple)
            .or_default()
            .permissions
            .extend(permissions);
    }

    /// The members of `container`.
    pub fn members_of<'a>(
        &'a self,
        container: &'a Container,
    ) -> impl Iterator<Item = &'a Principal> {
        self.memberships
            .iter()
            .filter(move |m| &m.container == container)
            .map(|m| &m.member)
    }

    /// Number of entities, memberships and authorization tuples.
    pub fn object_count(&self) -> usize {
        self.tenants.len()
            + self.groups.len()
            + self.roles.len()
            + self.mapping_rules.len()
            + self.users.len()
            + self.memberships.len()
            + self.authorizations.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containers_accept_what_camunda_accepts() {
        let g = Container::Group("g".into());
        let r = Container::Role("r".into());
        let t = Container::Tenant("t".into());
        let group = Principal::Group("x".into());
        let role = Principal::Role("x".into());
        let client = Principal::Client("x".into());
        assert!(!g.accepts(&group));
        assert!(!g.accepts(&role));
        assert!(g.accepts(&client));
        assert!(r.accepts(&group));
        assert!(!r.accepts(&role));
        assert!(t.accepts(&group) && t.accepts(&role) && t.accepts(&client));
    }

    #[test]
    fn grants_merge_into_one_tuple() {
        let mut s = AccessState::default();
        let tuple = AuthorizationTuple {
            owner: Principal::Client("worker".into()),
            resource_type: ResourceType::Message,
            resource: ResourceSelector::wildcard(),
        };
        s.grant(tuple.clone(), [PermissionType::Create]);
        s.grant(
            tuple.clone(),
            [PermissionType::Read, PermissionType::Create],
        );
        assert_eq!(s.authorizations.len(), 1);
        assert_eq!(
            s.authorizations[&tuple]
                .permissions
                .iter()
                .collect::<Vec<_>>(),
            vec![&PermissionType::Create, &PermissionType::Read]
        );
        assert_eq!(tuple.to_string(), "client:worker on MESSAGE:*");
    }

    #[test]
    fn secrets_do_not_print() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        let u = User {
            name: None,
            email: None,
            password: Some(s),
        };
        assert!(!format!("{u:?}").contains("hunter2"));
        assert!(!serde_json::to_string(&u).unwrap().contains("hunter2"));
    }
}
