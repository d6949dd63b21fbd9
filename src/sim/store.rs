//! The simulator's identity store: the records Camunda's engine keeps, and
//! the mutations (events) that change them. The primary store applies a
//! mutation at once; the secondary copy applies it after the export lag.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::model::catalogue::{OwnerType, PermissionType, ResourceType};

/// The first key the simulated partition hands out (Zeebe's partition 1 base).
pub(crate) const FIRST_KEY: i64 = 2_251_799_813_685_249;

/// A group, role or tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    /// Engine key (creation order).
    pub key: i64,
    /// Display name.
    pub name: String,
    /// Description; `""` when none.
    pub description: String,
}

/// A mapping rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingRuleRecord {
    /// Engine key.
    pub key: i64,
    /// Display name.
    pub name: String,
    /// Claim name.
    pub claim_name: String,
    /// Claim value.
    pub claim_value: String,
}

/// An internal user.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRecord {
    /// Engine key.
    pub key: i64,
    /// Display name.
    pub name: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Password (the simulator keeps it to check basic authentication).
    pub password: String,
}

impl std::fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRecord")
            .field("key", &self.key)
            .field("name", &self.name)
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

/// What an entity is a member of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Relation {
    /// A group.
    Group,
    /// A role.
    Role,
    /// A tenant.
    Tenant,
}

impl Relation {
    /// Lower-case noun.
    pub fn noun(self) -> &'static str {
        match self {
            Relation::Group => "group",
            Relation::Role => "role",
            Relation::Tenant => "tenant",
        }
    }
}

/// The type of a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EntityType {
    /// A user.
    User,
    /// A client.
    Client,
    /// A group.
    Group,
    /// A role.
    Role,
    /// A mapping rule.
    MappingRule,
}

impl EntityType {
    /// The engine's name of the type (`USER`, `MAPPING_RULE`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::User => "USER",
            EntityType::Client => "CLIENT",
            EntityType::Group => "GROUP",
            EntityType::Role => "ROLE",
            EntityType::MappingRule => "MAPPING_RULE",
        }
    }

    /// The owner type with the same name.
    pub fn owner_type(self) -> OwnerType {
        match self {
            EntityType::User => OwnerType::User,
            EntityType::Client => OwnerType::Client,
            EntityType::Group => OwnerType::Group,
            EntityType::Role => OwnerType::Role,
            EntityType::MappingRule => OwnerType::MappingRule,
        }
    }
}

/// One membership row: `entity` is a member of `relation`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct MemberRow {
    /// Container type.
    pub relation: Relation,
    /// Container ID.
    pub relation_id: String,
    /// Member type.
    pub entity_type: EntityType,
    /// Member ID.
    pub entity_id: String,
}

/// An authorization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizationRecord {
    /// Owner type.
    pub owner_type: OwnerType,
    /// Owner ID.
    pub owner_id: String,
    /// Resource type.
    pub resource_type: ResourceType,
    /// Resource ID (`*` for all); `None` for property-based.
    pub resource_id: Option<String>,
    /// Property name (8.9); `None` for ID-based.
    pub resource_property_name: Option<String>,
    /// Permissions.
    pub permissions: BTreeSet<PermissionType>,
}

/// The whole identity state of a cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Store {
    /// Tenants by ID.
    pub tenants: BTreeMap<String, Entity>,
    /// Groups by ID.
    pub groups: BTreeMap<String, Entity>,
    /// Roles by ID.
    pub roles: BTreeMap<String, Entity>,
    /// Mapping rules by ID.
    pub mapping_rules: BTreeMap<String, MappingRuleRecord>,
    /// Users by username.
    pub users: BTreeMap<String, UserRecord>,
    /// Membership rows.
    pub members: BTreeSet<MemberRow>,
    /// Authorizations by key.
    pub authorizations: BTreeMap<i64, AuthorizationRecord>,
    /// The next key to hand out.
    pub next_key: i64,
}

impl Default for Store {
    fn default() -> Self {
        Store {
            tenants: BTreeMap::new(),
            groups: BTreeMap::new(),
            roles: BTreeMap::new(),
            mapping_rules: BTreeMap::new(),
            users: BTreeMap::new(),
            members: BTreeSet::new(),
            authorizations: BTreeMap::new(),
            next_key: FIRST_KEY,
        }
    }
}

/// One change to the store, as the engine's events describe it.
#[derive(Debug, Clone)]
pub enum Mutation {
    /// Create or replace a tenant, group or role.
    PutEntity(Relation, String, Entity),
    /// Delete a tenant, group or role (its row only).
    DeleteEntity(Relation, String),
    /// Create or replace a mapping rule.
    PutMappingRule(String, MappingRuleRecord),
    /// Delete a mapping rule.
    DeleteMappingRule(String),
    /// Create or replace a user.
    PutUser(String, UserRecord),
    /// Delete a user.
    DeleteUser(String),
    /// Add a membership.
    AddMember(MemberRow),
    /// Remove a membership.
    RemoveMember(MemberRow),
    /// Create or replace an authorization.
    PutAuthorization(i64, AuthorizationRecord),
    /// Delete an authorization.
    DeleteAuthorization(i64),
}

impl Store {
    /// The entity map of a container type.
    pub fn entities(&self, relation: Relation) -> &BTreeMap<String, Entity> {
        match relation {
            Relation::Group => &self.groups,
            Relation::Role => &self.roles,
            Relation::Tenant => &self.tenants,
        }
    }

    fn entities_mut(&mut self, relation: Relation) -> &mut BTreeMap<String, Entity> {
        match relation {
            Relation::Group => &mut self.groups,
            Relation::Role => &mut self.roles,
            Relation::Tenant => &mut self.tenants,
        }
    }

    /// Hands out a new key.
    pub fn new_key(&mut self) -> i64 {
        let key = self.next_key;
        self.next_key += 1;
        key
    }

    /// Applies one mutation.
    pub fn apply(&mut self, mutation: &Mutation) {
        match mutation {
            Mutation::PutEntity(relation, id, entity) => {
                self.entities_mut(*relation)
                    .insert(id.clone(), entity.clone());
            }
            Mutation::DeleteEntity(relation, id) => {
                self.entities_mut(*relation).remove(id);
            }
            Mutation::PutMappingRule(id, rule) => {
                self.mapping_rules.insert(id.clone(), rule.clone());
            }
            Mutation::DeleteMappingRule(id) => {
                self.mapping_rules.remove(id);
            }
            Mutation::PutUser(id, user) => {
                self.users.insert(id.clone(), user.clone());
            }
            Mutation::DeleteUser(id) => {
                self.users.remove(id);
            }
            Mutation::AddMember(row) => {
                self.members.insert(row.clone());
            }
            Mutation::RemoveMember(row) => {
                self.members.remove(row);
            }
            Mutation::PutAuthorization(key, record) => {
                self.authorizations.insert(*key, record.clone());
                self.next_key = self.next_key.max(key + 1);
            }
            Mutation::DeleteAuthorization(key) => {
                self.authorizations.remove(key);
            }
        }
        if let Mutation::PutEntity(_, _, Entity { key, .. })
        | Mutation::PutMappingRule(_, MappingRuleRecord { key, .. })
        | Mutation::PutUser(_, UserRecord { key, .. }) = mutation
        {
            self.next_key = self.next_key.max(key + 1);
        }
    }

    /// The members of a container, of one type, in ID order.
    pub fn members_of(
        &self,
        relation: Relation,
        relation_id: &str,
        entity_type: EntityType,
    ) -> impl Iterator<Item = &str> {
        let start = MemberRow {
            relation,
            relation_id: relation_id.to_owned(),
            entity_type,
            entity_id: String::new(),
        };
        self.members
            .range(start..)
            .take_while(move |row| {
                row.relation == relation
                    && row.relation_id == relation_id
                    && row.entity_type == entity_type
            })
            .map(|row| row.entity_id.as_str())
    }

    /// Every row in which `entity` is a member.
    pub fn memberships_of(&self, entity_type: EntityType, entity_id: &str) -> Vec<MemberRow> {
        self.members
            .iter()
            .filter(|row| row.entity_type == entity_type && row.entity_id == entity_id)
            .cloned()
            .collect()
    }

    /// Every row of a container.
    pub fn rows_of(&self, relation: Relation, relation_id: &str) -> Vec<MemberRow> {
        self.members
            .iter()
            .filter(|row| row.relation == relation && row.relation_id == relation_id)
            .cloned()
            .collect()
    }

    /// Keys of the authorizations an owner holds.
    pub fn authorization_keys_of(&self, owner_type: OwnerType, owner_id: &str) -> Vec<i64> {
        self.authorizations
            .iter()
            .filter(|(_, a)| a.owner_type == owner_type && a.owner_id == owner_id)
            .map(|(k, _)| *k)
            .collect()
    }
}
