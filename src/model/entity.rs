//! The entities of the access model, one vocabulary for all of the code:
//! [`EntityKind`] (what the API calls each kind), [`EntityRef`] (a typed
//! ID) and [`Entity`] (a typed ID with its attributes).

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::catalogue::ResourceType;
use crate::model::desired::Kind;
use crate::model::ids::{GroupId, MappingRuleId, RoleId, TenantId, Username};
use crate::model::state::{
    AccessState, Container, Group, MappingRule, Principal, Role, Tenant, User,
};

/// Which kind of entity.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum EntityKind {
    /// A tenant.
    Tenant,
    /// A group.
    Group,
    /// A role.
    Role,
    /// A mapping rule.
    MappingRule,
    /// An internal user.
    User,
}

impl EntityKind {
    /// Every kind.
    pub const ALL: [EntityKind; 5] = [
        EntityKind::Tenant,
        EntityKind::Group,
        EntityKind::Role,
        EntityKind::MappingRule,
        EntityKind::User,
    ];

    /// The `/v2` collection: `/v2/{collection}/{id}`.
    pub fn collection(self) -> &'static str {
        match self {
            EntityKind::Tenant => "tenants",
            EntityKind::Group => "groups",
            EntityKind::Role => "roles",
            EntityKind::MappingRule => "mapping-rules",
            EntityKind::User => "users",
        }
    }

    /// The field of the ID in `/v2` bodies.
    pub fn id_key(self) -> &'static str {
        match self {
            EntityKind::Tenant => "tenantId",
            EntityKind::Group => "groupId",
            EntityKind::Role => "roleId",
            EntityKind::MappingRule => "mappingRuleId",
            EntityKind::User => "username",
        }
    }

    /// The resource type authorizations on this kind use.
    pub fn resource_type(self) -> ResourceType {
        match self {
            EntityKind::Tenant => ResourceType::Tenant,
            EntityKind::Group => ResourceType::Group,
            EntityKind::Role => ResourceType::Role,
            EntityKind::MappingRule => ResourceType::MappingRule,
            EntityKind::User => ResourceType::User,
        }
    }

    /// The kind of a resource type, when it is an entity kind.
    pub fn of_resource_type(resource_type: ResourceType) -> Option<EntityKind> {
        EntityKind::ALL
            .into_iter()
            .find(|k| k.resource_type() == resource_type)
    }

    /// The name `policy.prune` gives it.
    pub fn prune_kind(self) -> Kind {
        match self {
            EntityKind::Tenant => Kind::Tenants,
            EntityKind::Group => Kind::Groups,
            EntityKind::Role => Kind::Roles,
            EntityKind::MappingRule => Kind::MappingRules,
            EntityKind::User => Kind::Users,
        }
    }

    /// A typed reference to the entity of this kind with `id`.
    pub fn with_id(self, id: impl Into<String>) -> EntityRef {
        let id = id.into();
        match self {
            EntityKind::Tenant => EntityRef::Tenant(id.into()),
            EntityKind::Group => EntityRef::Group(id.into()),
            EntityKind::Role => EntityRef::Role(id.into()),
            EntityKind::MappingRule => EntityRef::MappingRule(id.into()),
            EntityKind::User => EntityRef::User(id.into()),
        }
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EntityKind::Tenant => "tenant",
            EntityKind::Group => "group",
            EntityKind::Role => "role",
            EntityKind::MappingRule => "mapping-rule",
            EntityKind::User => "user",
        })
    }
}

/// One entity, by its typed ID. Ordered by kind, then ID.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntityRef {
    /// A tenant.
    Tenant(TenantId),
    /// A group.
    Group(GroupId),
    /// A role.
    Role(RoleId),
    /// A mapping rule.
    MappingRule(MappingRuleId),
    /// A user.
    User(Username),
}

impl EntityRef {
    /// The group, role or tenant as an entity.
    pub fn of_container(c: &Container) -> EntityRef {
        match c {
            Container::Group(g) => EntityRef::Group(g.clone()),
            Container::Role(r) => EntityRef::Role(r.clone()),
            Container::Tenant(t) => EntityRef::Tenant(t.clone()),
        }
    }

    /// Its kind.
    pub fn kind(&self) -> EntityKind {
        match self {
            EntityRef::Tenant(_) => EntityKind::Tenant,
            EntityRef::Group(_) => EntityKind::Group,
            EntityRef::Role(_) => EntityKind::Role,
            EntityRef::MappingRule(_) => EntityKind::MappingRule,
            EntityRef::User(_) => EntityKind::User,
        }
    }

    /// Its ID as text.
    pub fn id(&self) -> &str {
        match self {
            EntityRef::Tenant(id) => id.as_str(),
            EntityRef::Group(id) => id.as_str(),
            EntityRef::Role(id) => id.as_str(),
            EntityRef::MappingRule(id) => id.as_str(),
            EntityRef::User(id) => id.as_str(),
        }
    }

    /// The entity as a member (tenants are never members).
    pub fn principal(&self) -> Option<Principal> {
        match self {
            EntityRef::Tenant(_) => None,
            EntityRef::Group(g) => Some(Principal::Group(g.clone())),
            EntityRef::Role(r) => Some(Principal::Role(r.clone())),
            EntityRef::MappingRule(m) => Some(Principal::MappingRule(m.clone())),
            EntityRef::User(u) => Some(Principal::User(u.clone())),
        }
    }

    /// The entity as a container (only groups, roles and tenants are).
    pub fn container(&self) -> Option<Container> {
        match self {
            EntityRef::Tenant(t) => Some(Container::Tenant(t.clone())),
            EntityRef::Group(g) => Some(Container::Group(g.clone())),
            EntityRef::Role(r) => Some(Container::Role(r.clone())),
            EntityRef::MappingRule(_) | EntityRef::User(_) => None,
        }
    }

    /// The entity in `state` (with its attributes), if it is there.
    pub fn in_state(&self, state: &AccessState) -> Option<Entity> {
        Some(match self {
            EntityRef::Tenant(id) => Entity::Tenant(id.clone(), state.tenants.get(id)?.clone()),
            EntityRef::Group(id) => Entity::Group(id.clone(), state.groups.get(id)?.clone()),
            EntityRef::Role(id) => Entity::Role(id.clone(), state.roles.get(id)?.clone()),
            EntityRef::MappingRule(id) => {
                Entity::MappingRule(id.clone(), state.mapping_rules.get(id)?.clone())
            }
            EntityRef::User(id) => Entity::User(id.clone(), state.users.get(id)?.clone()),
        })
    }
}

impl fmt::Display for EntityRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind(), self.id())
    }
}

/// One entity with its attributes, as a plan creates or updates it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entity {
    /// A tenant.
    Tenant(TenantId, Tenant),
    /// A group.
    Group(GroupId, Group),
    /// A role.
    Role(RoleId, Role),
    /// A mapping rule.
    MappingRule(MappingRuleId, MappingRule),
    /// A user; its password (when it has one) is never shown or serialized.
    User(Username, User),
}

impl Entity {
    /// Its typed ID.
    pub fn reference(&self) -> EntityRef {
        match self {
            Entity::Tenant(id, _) => EntityRef::Tenant(id.clone()),
            Entity::Group(id, _) => EntityRef::Group(id.clone()),
            Entity::Role(id, _) => EntityRef::Role(id.clone()),
            Entity::MappingRule(id, _) => EntityRef::MappingRule(id.clone()),
            Entity::User(id, _) => EntityRef::User(id.clone()),
        }
    }

    /// Its kind.
    pub fn kind(&self) -> EntityKind {
        match self {
            Entity::Tenant(..) => EntityKind::Tenant,
            Entity::Group(..) => EntityKind::Group,
            Entity::Role(..) => EntityKind::Role,
            Entity::MappingRule(..) => EntityKind::MappingRule,
            Entity::User(..) => EntityKind::User,
        }
    }

    /// Its ID as text.
    pub fn id(&self) -> &str {
        match self {
            Entity::Tenant(id, _) => id.as_str(),
            Entity::Group(id, _) => id.as_str(),
            Entity::Role(id, _) => id.as_str(),
            Entity::MappingRule(id, _) => id.as_str(),
            Entity::User(id, _) => id.as_str(),
        }
    }

    /// Its attributes as the format names them (secrets never listed).
    pub fn attributes(&self) -> BTreeMap<&'static str, String> {
        let mut out = BTreeMap::new();
        match self {
            Entity::Tenant(_, Tenant { name, description })
            | Entity::Group(_, Group { name, description })
            | Entity::Role(_, Role { name, description }) => {
                out.insert("name", name.clone());
                out.insert("description", description.clone());
            }
            Entity::MappingRule(_, m) => {
                out.insert("name", m.name.clone());
                out.insert("claim", m.claim_name.clone());
                out.insert("value", m.claim_value.clone());
            }
            Entity::User(_, u) => {
                if let Some(name) = &u.name {
                    out.insert("name", name.clone());
                }
                if let Some(email) = &u.email {
                    out.insert("email", email.clone());
                }
            }
        }
        out
    }

    /// Puts the entity into `state` (replacing one with its ID).
    pub fn put(&self, state: &mut AccessState) {
        match self.clone() {
            Entity::Tenant(id, t) => {
                state.tenants.insert(id, t);
            }
            Entity::Group(id, g) => {
                state.groups.insert(id, g);
            }
            Entity::Role(id, r) => {
                state.roles.insert(id, r);
            }
            Entity::MappingRule(id, m) => {
                state.mapping_rules.insert(id, m);
            }
            Entity::User(id, u) => {
                state.users.insert(id, u);
            }
        }
    }
}

impl PartialOrd for Entity {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Entity {
    /// By kind and ID, then attributes (then a user's password), so the
    /// order agrees with equality.
    fn cmp(&self, other: &Self) -> Ordering {
        let password = |e: &Entity| match e {
            Entity::User(_, u) => u.password.as_ref().map(|p| p.expose().to_owned()),
            _ => None,
        };
        // Kind and ID first, without allocating: plans sort many changes.
        (self.kind(), self.id())
            .cmp(&(other.kind(), other.id()))
            .then_with(|| self.attributes().cmp(&other.attributes()))
            .then_with(|| password(self).cmp(&password(other)))
    }
}
