//! The validated desired state: what the files declare, what they own, and
//! where every reference came from.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::catalogue::CamundaVersion;
use crate::model::rules::{Level, RuleId};
use crate::model::state::{AccessState, Container, Principal};

/// The desired state of one cluster, as declared by one or more files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Desired {
    /// The Camunda version the files were validated against.
    pub version: CamundaVersion,
    /// Entities, memberships and authorizations the files declare.
    /// Built-in roles and the `<default>` tenant are not in its entity maps:
    /// their attributes are never managed, only their members.
    pub state: AccessState,
    /// Pruning and protection.
    pub policy: Policy,
    /// Every declared container and how its member list is managed.
    #[serde(serialize_with = "crate::model::state::as_pairs")]
    pub containers: BTreeMap<Container, MembersMode>,
    /// Every owner whose authorizations the files declare (authoritative).
    pub owners: BTreeSet<Principal>,
    /// References to entities the files do not declare, to resolve against
    /// the live cluster.
    pub references: Vec<Reference>,
    /// Users whose password variable is not set: an error only for a user
    /// the plan creates (the password is never sent otherwise).
    #[serde(skip)]
    pub unset_passwords: Vec<UnsetPassword>,
    /// Declared objects whose `lifecycle` is not `manage`.
    #[serde(
        skip_serializing_if = "BTreeMap::is_empty",
        serialize_with = "crate::model::state::as_pairs"
    )]
    pub lifecycles: BTreeMap<Referenced, Lifecycle>,
    /// Authorizations of `authorizations:` entries whose `lifecycle` is not
    /// `manage`.
    #[serde(
        skip_serializing_if = "BTreeMap::is_empty",
        serialize_with = "crate::model::state::as_pairs"
    )]
    pub authorization_lifecycles: BTreeMap<crate::model::state::AuthorizationTuple, Lifecycle>,
    /// Renames (`moved:`): each old object becomes the declared new one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub moves: Vec<Move>,
}

/// A `moved:` entry: `from` (declared nowhere) becomes `to` (declared).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Move {
    /// The old object.
    pub from: Referenced,
    /// The new object, of the same kind.
    pub to: Referenced,
}

/// A user's `password: ${env:NAME}` (or `${secret:NAME}`) whose variable is
/// not set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsetPassword {
    /// The user.
    pub username: crate::model::ids::Username,
    /// The variable.
    pub variable: String,
    /// Where the password is written.
    pub origin: Origin,
}

/// How the member list of a declared container is managed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MembersMode {
    /// Undeclared live members are removed.
    Authoritative,
    /// Listed members are added; others are left alone.
    Additive,
}

/// What the tool may do to a declared object (`lifecycle:`).
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
pub enum Lifecycle {
    /// Created, updated and kept as declared (the default).
    Manage,
    /// Created when missing, never updated or deleted after (Camunda's
    /// `initialization` semantics).
    CreateOnly,
    /// Never written; how it differs is reported by `plan` and `drift`.
    Observe,
}

impl Lifecycle {
    /// Every lifecycle.
    pub const ALL: [Lifecycle; 3] = [Lifecycle::Manage, Lifecycle::CreateOnly, Lifecycle::Observe];

    /// The name the files use.
    pub fn as_str(self) -> &'static str {
        match self {
            Lifecycle::Manage => "manage",
            Lifecycle::CreateOnly => "create-only",
            Lifecycle::Observe => "observe",
        }
    }

    /// Reads a name.
    pub fn parse(text: &str) -> Option<Lifecycle> {
        Lifecycle::ALL.into_iter().find(|l| l.as_str() == text)
    }
}

impl fmt::Display for Lifecycle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `policy:` of the desired state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Policy {
    /// Kinds whose undeclared live objects are deleted.
    pub prune: BTreeSet<Kind>,
    /// Objects never changed or deleted.
    pub protect: BTreeSet<Referenced>,
    /// Levels of guardrail rules the files set (others have their default).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub rules: BTreeMap<RuleId, Level>,
}

impl Policy {
    /// The level of `rule`: as the files set it, or its default.
    pub fn level(&self, rule: RuleId) -> Level {
        self.rules
            .get(&rule)
            .copied()
            .unwrap_or_else(|| rule.default_level())
    }
}

/// A kind of object that `policy.prune` can name.
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
pub enum Kind {
    /// Tenants.
    Tenants,
    /// Groups.
    Groups,
    /// Roles.
    Roles,
    /// Mapping rules.
    MappingRules,
    /// Internal users.
    Users,
    /// Authorizations of owners declared nowhere.
    Authorizations,
}

impl Kind {
    /// Every kind, in the order the documentation lists them.
    pub const ALL: [Kind; 6] = [
        Kind::Tenants,
        Kind::Groups,
        Kind::Roles,
        Kind::MappingRules,
        Kind::Users,
        Kind::Authorizations,
    ];

    /// The name used in `policy.prune`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Tenants => "tenants",
            Kind::Groups => "groups",
            Kind::Roles => "roles",
            Kind::MappingRules => "mapping-rules",
            Kind::Users => "users",
            Kind::Authorizations => "authorizations",
        }
    }

    /// Parses a `policy.prune` entry.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where in the configuration something was written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Origin {
    /// The file, as the user named it.
    pub file: String,
    /// 1-based line.
    pub line: u64,
    /// 1-based column.
    pub column: u64,
    /// Byte offset of the value in the file.
    pub offset: usize,
    /// Byte length of the value.
    pub len: usize,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// A reference to a group, role, tenant or mapping rule that the files do not
/// declare; it must exist in the cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reference {
    /// What is referenced.
    pub target: Referenced,
    /// Where (not part of the desired state's fingerprint: the same files
    /// named another way are the same configuration).
    #[serde(skip)]
    pub origin: Origin,
}

/// The target of a [`Reference`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "type", content = "id", rename_all = "kebab-case")]
pub enum Referenced {
    /// A container.
    Container(Container),
    /// A principal (mapping rules; groups and roles as members or owners).
    Principal(Principal),
}

impl Referenced {
    /// A principal as the files name it: groups and roles are containers.
    pub fn of(principal: &Principal) -> Referenced {
        match principal {
            Principal::Group(g) => Referenced::Container(Container::Group(g.clone())),
            Principal::Role(r) => Referenced::Container(Container::Role(r.clone())),
            other => Referenced::Principal(other.clone()),
        }
    }

    /// The object as a member or owner: groups, roles, mapping rules,
    /// users, clients (tenants are members of nothing).
    pub fn as_principal(&self) -> Option<Principal> {
        match self {
            Referenced::Container(Container::Group(g)) => Some(Principal::Group(g.clone())),
            Referenced::Container(Container::Role(r)) => Some(Principal::Role(r.clone())),
            Referenced::Container(Container::Tenant(_)) => None,
            Referenced::Principal(p) => Some(p.clone()),
        }
    }
}

impl fmt::Display for Referenced {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Referenced::Container(c) => c.fmt(f),
            Referenced::Principal(p) => p.fmt(f),
        }
    }
}
