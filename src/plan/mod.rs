//! Planning: the diff of desired against live state under the ownership
//! rules. Pure: no tokio, no reqwest, no filesystem.

pub mod access;
pub mod change;
pub mod diff;
pub mod document;
pub mod fingerprint;
pub mod order;
pub mod review;

pub use access::{AccessChange, Risk, access_changes, risks};
pub use change::{Change, Entity, EntityKind, EntityRef, Plan, Unmanaged};
pub use diff::{Planner, projected};
pub use document::{PlanDocument, PlanFile, PlanRecord};
pub use order::{Order, Reason, Step};
pub use review::{Review, Warning};

#[cfg(test)]
mod tests;
