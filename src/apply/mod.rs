//! Applying a plan: each change as a request ([`request`]), the executor
//! that walks the plan's graph ([`executor`]), the safety guards
//! ([`guards`]), and what "converged" means.

pub mod executor;
pub mod guards;
pub mod report;
pub mod request;

use std::collections::BTreeSet;

use crate::model::entity::EntityRef;
use crate::model::state::{AuthorizationTuple, Membership};
use crate::plan::{Change, Plan};

pub use executor::{Execution, Outcome, execute};
pub use report::{ApplyDocument, ApplyReport, Ending};

/// What a change is about: a plan that still has a change about the same
/// thing has not seen the write yet.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Subject {
    /// An entity.
    Entity(EntityRef),
    /// A membership.
    Membership(Membership),
    /// An authorization tuple.
    Authorization(AuthorizationTuple),
}

/// The subject of `change`.
pub fn subject(change: &Change) -> Subject {
    match change {
        Change::Create { entity } | Change::Update { entity, .. } => {
            Subject::Entity(entity.reference())
        }
        Change::Delete { entity, .. } => Subject::Entity(entity.clone()),
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
