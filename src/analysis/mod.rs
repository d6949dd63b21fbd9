//! Access analysis, pure: a principal's (or a token's) effective access in
//! one [`crate::model::AccessState`], every permission with every path it
//! comes through; one question answered with its paths or nearest misses;
//! every principal holding a permission. Behind `explain` and `who-can`.
//!
//! It is a module of its own, not part of [`crate::plan`]: it reads one
//! state (desired or live), not a diff of two, and `plan` may use it to
//! judge the state after a plan. It follows Camunda's resolution (as the
//! simulator does, without depending on it): own authorizations, groups,
//! roles, roles of groups, and for a token its principal, the mapping rules
//! its claims match and its groups claim. Tenant membership grants no
//! permission; it is shown as a membership.

pub mod analyzer;
pub mod check;
pub mod claims;
pub mod document;
pub mod operations;
pub mod path;
pub mod rules;
pub mod who_can;

pub use analyzer::{Analyzer, Explanation, Subject};

/// A principal or a question written in a way the analysis cannot read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Unreadable(pub String);

impl From<String> for Unreadable {
    fn from(message: String) -> Unreadable {
        Unreadable(message)
    }
}
pub use check::{Check, NearMiss, Verdict};
pub use claims::TokenSettings;
pub use document::{ExplainDocument, Source, WhoCanDocument};
pub use path::{Hop, Path, PathKind};
pub use who_can::{Holder, holders};

#[cfg(test)]
mod tests;
