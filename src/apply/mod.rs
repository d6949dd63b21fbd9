//! Applying a plan: each change as a request ([`request`]), the executor
//! that walks the plan's graph ([`executor`]), the safety guards
//! ([`guards`]), and what "converged" means.

pub mod executor;
pub mod guards;
pub mod request;

use std::collections::BTreeSet;

use crate::model::state::{AuthorizationTuple, Membership};
use crate::plan::{Change, EntityKind, Plan};

pub use executor::{Execution, Outcome, execute};

/// What a change is about: a plan that still has a change about the same
/// thing has not seen the write yet.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Subject {
    /// An entity.
    Entity(EntityKind, String),
    /// A membership.
    Membership(Membership),
    /// An authorization tuple.
    Authorization(AuthorizationTuple),
}

/// The subject of `change`.
pub fn subject(change: &Change) -> Subject {
    match change {
        Change::Create { kind, id, .. }
        | Change::Update { kind, id, .. }
        | Change::Delete { kind, id, .. } => Subject::Entity(*kind, id.clone()),
        Change::AddMember(m) | Change::RemoveMember(m) => Subject::Membership(m.clone()),
        Change::CreateAuthorization { tuple, .. }
        | Change::UpdateAuthorization { tuple, .. }
        | Change::DeleteAuthorization { tuple, .. } => Subject::Authorization(tuple.clone()),
    }
}

/// The changes done that a fresh plan still shows as to do: empty once
/// the cluster's reads show every write.
pub fn unconverged(done: &[&Change], replan: &Plan) -> Vec<Change> {
    let pending: BTreeSet<Subject> = replan.changes.iter().map(subject).collect();
    done.iter()
        .filter(|c| pending.contains(&subject(c)))
        .map(|c| (*c).clone())
        .collect()
}
