//! `Change`: one write a plan makes, and `Plan`: all of them, with what is
//! left alone.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::catalogue::PermissionType;
use crate::model::desired::{Lifecycle, Move};
pub use crate::model::entity::{Entity, EntityKind, EntityRef};
use crate::model::state::{AuthorizationTuple, Membership};

/// One attribute that differs.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct AttributeChange {
    /// Attribute name as the format writes it.
    pub name: String,
    /// Live value.
    pub before: String,
    /// Desired value.
    pub after: String,
}

/// Something Camunda deletes together with an entity: the members of a
/// deleted group, role or tenant; the memberships of a deleted user or
/// mapping rule; the authorizations a deleted entity owns.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Cascaded {
    /// A membership.
    Membership {
        /// The membership.
        #[serde(flatten)]
        membership: Membership,
    },
    /// An authorization.
    Authorization {
        /// Its tuple.
        tuple: AuthorizationTuple,
        /// The live key.
        key: String,
        /// What it granted.
        permissions: BTreeSet<PermissionType>,
    },
}

impl fmt::Display for Cascaded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cascaded::Membership { membership: m } => {
                write!(f, "- {} in {}", m.member, m.container)
            }
            Cascaded::Authorization {
                tuple,
                permissions: p,
                ..
            } => write!(f, "- {tuple} [{}]", permissions(p)),
        }
    }
}

/// One write. An entity change carries the typed entity, with the
/// attributes it is created or updated with, so it can be carried out
/// without the desired state beside it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// Create an entity.
    Create {
        /// The entity as the files declare it (a user's password too).
        entity: Entity,
    },
    /// Change attributes of an entity.
    Update {
        /// The entity as the files declare it.
        entity: Entity,
        /// What differs.
        attributes: Vec<AttributeChange>,
    },
    /// Delete an entity. Camunda removes `cascade` with it.
    Delete {
        /// The entity.
        entity: EntityRef,
        /// The memberships and authorizations Camunda removes together with
        /// the entity, beyond those another change of the plan removes.
        cascade: Vec<Cascaded>,
    },
    /// Add a membership.
    AddMember(Membership),
    /// Remove a membership.
    RemoveMember(Membership),
    /// Create an authorization.
    CreateAuthorization {
        /// Its tuple.
        tuple: AuthorizationTuple,
        /// Permissions granted.
        permissions: BTreeSet<PermissionType>,
    },
    /// Replace the permissions of an existing authorization (`PUT`).
    UpdateAuthorization {
        /// Its tuple.
        tuple: AuthorizationTuple,
        /// The live key.
        key: String,
        /// Live permissions.
        before: BTreeSet<PermissionType>,
        /// Desired permissions.
        after: BTreeSet<PermissionType>,
    },
    /// Delete an authorization.
    DeleteAuthorization {
        /// Its tuple.
        tuple: AuthorizationTuple,
        /// The live key.
        key: String,
        /// What it granted.
        permissions: BTreeSet<PermissionType>,
    },
}

impl Change {
    /// The entity a create, update or delete is about.
    pub fn entity(&self) -> Option<EntityRef> {
        match self {
            Change::Create { entity } | Change::Update { entity, .. } => Some(entity.reference()),
            Change::Delete { entity, .. } => Some(entity.clone()),
            _ => None,
        }
    }
}

fn permissions(set: &BTreeSet<PermissionType>) -> String {
    set.iter()
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::Create { entity } => write!(f, "+ {}", entity.reference()),
            Change::Update { entity, attributes } => {
                let names: Vec<&str> = attributes.iter().map(|a| a.name.as_str()).collect();
                write!(f, "~ {} ({})", entity.reference(), names.join(", "))
            }
            Change::Delete { entity, .. } => write!(f, "- {entity}"),
            Change::AddMember(m) => write!(f, "+ {} in {}", m.member, m.container),
            Change::RemoveMember(m) => write!(f, "- {} in {}", m.member, m.container),
            Change::CreateAuthorization {
                tuple,
                permissions: p,
            } => {
                write!(f, "+ {tuple} [{}]", permissions(p))
            }
            Change::UpdateAuthorization {
                tuple,
                before,
                after,
                ..
            } => write!(
                f,
                "~ {tuple} [{}] -> [{}]",
                permissions(before),
                permissions(after)
            ),
            Change::DeleteAuthorization {
                tuple,
                permissions: p,
                key,
            } => {
                if p.is_empty() {
                    // A second key of a tuple whose permissions moved to the first.
                    write!(f, "- {tuple} (duplicate key {key}, merged)")
                } else {
                    write!(f, "- {tuple} [{}]", permissions(p))
                }
            }
        }
    }
}

/// Something in the cluster the configuration does not own.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Unmanaged {
    /// An entity nobody declared (and its kind is not pruned).
    Entity {
        /// Kind.
        kind: EntityKind,
        /// ID.
        id: String,
    },
    /// An authorization the files do not own: of an owner nobody
    /// declared, or added by hand to a built-in role.
    Authorization {
        /// Its tuple.
        tuple: AuthorizationTuple,
        /// What it grants (all keys of the tuple together); absent in
        /// documents of older versions.
        #[serde(default)]
        permissions: BTreeSet<PermissionType>,
    },
    /// A member of a built-in role, of `<default>` or of a container whose
    /// members are additive, that no file lists.
    Membership {
        /// The membership.
        #[serde(flatten)]
        membership: Membership,
    },
}

impl fmt::Display for Unmanaged {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unmanaged::Entity { kind, id } => write!(f, "{kind} {id}"),
            Unmanaged::Authorization {
                tuple,
                permissions: p,
            } => {
                if p.is_empty() {
                    // A document of an older version, which did not say.
                    tuple.fmt(f)
                } else {
                    write!(f, "{tuple} [{}]", permissions(p))
                }
            }
            Unmanaged::Membership { membership: m } => {
                write!(f, "{} in {}", m.member, m.container)
            }
        }
    }
}

/// A difference the plan does not act on, because of the `lifecycle` of
/// an object it would write.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct HeldBack {
    /// The change `manage` would make.
    pub change: Change,
    /// The object whose lifecycle holds it back, as `kind:id` (or the
    /// authorization).
    pub object: String,
    /// Its lifecycle: `observe`, or `create-only` once it exists.
    pub lifecycle: Lifecycle,
}

/// What `plan` computed: the changes, and what it leaves alone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// Changes, in a deterministic order (not yet the execution order).
    pub changes: Vec<Change>,
    /// Objects present in the cluster that the configuration does not own.
    pub unmanaged: Vec<Unmanaged>,
    /// Differences of `observe` and existing `create-only` objects, not
    /// acted on.
    pub held_back: Vec<HeldBack>,
    /// The renames (`moved:`) this plan carries out.
    pub moved: Vec<Move>,
}

impl Plan {
    /// Whether there is nothing to do.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// (to add, to change, to destroy), as Terraform counts them. What a
    /// deletion takes with it counts as destroyed.
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut counts = (0, 0, 0);
        for change in &self.changes {
            match change {
                Change::Create { .. }
                | Change::AddMember(_)
                | Change::CreateAuthorization { .. } => counts.0 += 1,
                Change::Update { .. } | Change::UpdateAuthorization { .. } => counts.1 += 1,
                Change::Delete { cascade, .. } => counts.2 += 1 + cascade.len(),
                Change::RemoveMember(_) | Change::DeleteAuthorization { .. } => counts.2 += 1,
            }
        }
        counts
    }

    /// The renames this plan carries out: those a lifecycle does not hold
    /// back (the old object's deletion is not in `held_back`).
    pub fn renames(&self) -> Vec<&crate::model::desired::Move> {
        self.moved
            .iter()
            .filter(|m| self.held_rename(m).is_none())
            .collect()
    }

    /// What holds the rename `m` back: the held-back deletion of its old
    /// object, if a lifecycle keeps it.
    pub fn held_rename(&self, m: &crate::model::desired::Move) -> Option<&HeldBack> {
        use crate::model::desired::Referenced;
        self.held_back.iter().find(|h| match &h.change {
            Change::Delete { entity, .. } => match (entity.container(), entity.principal()) {
                (Some(c), _) => Referenced::Container(c) == m.from,
                (None, Some(p)) => Referenced::of(&p) == m.from,
                (None, None) => false,
            },
            _ => false,
        })
    }

    /// How many of the destroyed [`Plan::counts`] are renamed objects
    /// (`moved:`), their memberships and their authorizations: what the
    /// plan carries over to the new objects rather than loses.
    pub fn renamed_deletes(&self) -> usize {
        let old: Vec<crate::model::desired::Referenced> =
            self.moved.iter().map(|m| m.from.clone()).collect();
        let is_old = |r: crate::model::desired::Referenced| old.contains(&r);
        let principal =
            |p: &crate::model::state::Principal| is_old(crate::model::desired::Referenced::of(p));
        let container = |c: &crate::model::state::Container| {
            is_old(crate::model::desired::Referenced::Container(c.clone()))
        };
        self.changes
            .iter()
            .map(|change| match change {
                Change::Delete { entity, cascade } => {
                    let renamed = entity.container().is_some_and(|c| container(&c))
                        || entity.principal().is_some_and(|p| principal(&p));
                    if renamed { 1 + cascade.len() } else { 0 }
                }
                Change::RemoveMember(m) => {
                    usize::from(container(&m.container) || principal(&m.member))
                }
                Change::DeleteAuthorization { tuple, .. } => usize::from(principal(&tuple.owner)),
                _ => 0,
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A saved plan of an older version has no `permissions` on an
    /// unmanaged authorization: it still reads, and shows as before.
    #[test]
    fn an_older_unmanaged_authorization_reads_without_permissions() {
        let old = r#"{"type": "authorization", "tuple": {"owner": {"type": "ROLE", "id": "connectors"}, "resource_type": "BACKUP", "resource": {"id": "*"}}}"#;
        let u: Unmanaged = serde_json::from_str(old).unwrap();
        assert_eq!(u.to_string(), "role:connectors on BACKUP:*");
        let Unmanaged::Authorization { tuple, .. } = u else {
            panic!("{u:?}")
        };
        let now = Unmanaged::Authorization {
            tuple,
            permissions: [PermissionType::Restore].into(),
        };
        assert_eq!(now.to_string(), "role:connectors on BACKUP:* [RESTORE]");
    }
}
