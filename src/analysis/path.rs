//! `Path`: how a permission or a membership reaches a principal — through
//! its own authorization, a group, a role, a group's role, or a token's
//! claims (the principal it names, a mapping rule it matches, its groups).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::ids::{GroupId, MappingRuleId, RoleId};
use crate::model::state::Principal;

/// One step from a principal towards the owner of an authorization.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "via", rename_all = "kebab-case")]
pub enum Hop {
    /// The token's username or client-id claim names this principal.
    Identity {
        /// The claim.
        claim: String,
        /// The user or client it names.
        principal: Principal,
    },
    /// The token matches this mapping rule.
    MappingRule {
        /// The rule.
        id: MappingRuleId,
        /// Its claim name.
        claim: String,
        /// The value the claim equals or contains.
        value: String,
    },
    /// The token's groups claim names this group.
    GroupsClaim {
        /// The claim.
        claim: String,
        /// The group.
        group: GroupId,
    },
    /// Membership of a group.
    Group {
        /// The group.
        id: GroupId,
    },
    /// Membership of a role.
    Role {
        /// The role.
        id: RoleId,
    },
}

impl fmt::Display for Hop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Hop::Identity { claim, principal } => write!(f, "token claim {claim} → {principal}"),
            Hop::MappingRule { id, claim, value } => {
                write!(f, "mapping rule {id} ({claim}: {value:?})")
            }
            Hop::GroupsClaim { claim, group } => write!(f, "group {group} (token claim {claim})"),
            Hop::Group { id } => write!(f, "group {id}"),
            Hop::Role { id } => write!(f, "role {id}"),
        }
    }
}

/// The kind of a path, for readers and policy engines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PathKind {
    /// The principal's own authorization.
    Direct,
    /// A group the principal is a member of.
    Group,
    /// A role the principal is a member of.
    Role,
    /// A role one of the principal's groups is a member of.
    RoleOfGroup,
    /// A mapping rule the token matches (then possibly its groups and roles).
    MappingRule,
    /// A group named by the token's groups claim (then possibly its roles).
    GroupsClaim,
}

impl fmt::Display for PathKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PathKind::Direct => "direct",
            PathKind::Group => "group",
            PathKind::Role => "role",
            PathKind::RoleOfGroup => "role-of-group",
            PathKind::MappingRule => "mapping-rule",
            PathKind::GroupsClaim => "groups-claim",
        })
    }
}

/// How a permission reaches a principal: the hops from it to the owner of
/// the authorization (none: the principal's own).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Path {
    /// What kind of path.
    pub kind: PathKind,
    /// The hops, from the principal (or token) outwards.
    pub hops: Vec<Hop>,
    /// Whose authorization it is.
    pub owner: Principal,
}

impl Path {
    /// The path through `hops` to the authorizations of `owner`.
    pub fn new(hops: Vec<Hop>, owner: Principal) -> Path {
        Path {
            kind: kind_of(&hops),
            hops,
            owner,
        }
    }
}

/// The kind of a path with these hops.
pub fn kind_of(hops: &[Hop]) -> PathKind {
    match hops.first() {
        Some(Hop::MappingRule { .. }) => return PathKind::MappingRule,
        Some(Hop::GroupsClaim { .. }) => return PathKind::GroupsClaim,
        _ => {}
    }
    let memberships: Vec<&Hop> = hops
        .iter()
        .filter(|h| !matches!(h, Hop::Identity { .. }))
        .collect();
    match memberships.as_slice() {
        [] => PathKind::Direct,
        [Hop::Group { .. }] => PathKind::Group,
        [Hop::Role { .. }] => PathKind::Role,
        _ => PathKind::RoleOfGroup,
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.hops.is_empty() {
            return f.write_str("direct");
        }
        if self.hops.len() == 1 && matches!(self.hops[0], Hop::Identity { .. }) {
            return write!(f, "{} (direct)", self.hops[0]);
        }
        let hops: Vec<String> = self.hops.iter().map(ToString::to_string).collect();
        f.write_str(&hops.join(" → "))
    }
}
