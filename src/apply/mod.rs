//! Applying a plan: each change as a request ([`request`]), the executor
//! that walks the plan's graph ([`executor`]), the safety guards
//! ([`guards`]), and what "converged" means.

pub mod executor;
pub mod guards;
pub mod report;
pub mod request;

use std::collections::BTreeMap;

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
/// the cluster's reads show every write. A write shows once the fresh plan
/// no longer wants the same thing of the same state: a fresh plan that
/// wants to undo a write (a rename's carried grant the files do not
/// declare) has seen it.
pub fn unconverged(done: &[&Change], replan: &Plan) -> Vec<Change> {
    let mut pending: BTreeMap<Subject, Vec<&Change>> = BTreeMap::new();
    for change in &replan.changes {
        pending.entry(subject(change)).or_default().push(change);
    }
    done.iter()
        .filter(|c| {
            pending
                .get(&subject(c))
                .is_some_and(|again| again.iter().any(|a| unseen(c, a)))
        })
        .map(|c| (*c).clone())
        .collect()
}

/// Whether `again`, planned after `done` was written, shows the state
/// `done` was planned against (the same subject assumed).
fn unseen(done: &Change, again: &Change) -> bool {
    use Change::*;
    match (done, again) {
        (Create { .. }, Create { .. })
        | (Delete { .. }, Delete { .. })
        | (AddMember(_), AddMember(_))
        | (RemoveMember(_), RemoveMember(_))
        | (CreateAuthorization { .. }, CreateAuthorization { .. })
        // The authorization is gone: whatever the update was, it is not
        // there to show.
        | (UpdateAuthorization { .. }, CreateAuthorization { .. }) => true,
        (Update { attributes: a, .. }, Update { attributes: b, .. }) => a
            .iter()
            .any(|x| b.iter().any(|y| x.name == y.name && x.before == y.before)),
        // The same key still to be given the same set: not shown yet.
        (
            UpdateAuthorization {
                key: a, after: x, ..
            },
            UpdateAuthorization {
                key: b, after: y, ..
            },
        ) => a == b && x == y,
        (DeleteAuthorization { key: a, .. }, DeleteAuthorization { key: b, .. }) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::model::catalogue::{PermissionType, ResourceType};
    use crate::model::state::{Principal, ResourceSelector};

    fn tuple() -> AuthorizationTuple {
        AuthorizationTuple {
            owner: Principal::Group("finance".into()),
            resource_type: ResourceType::Message,
            resource: ResourceSelector::Id("*".into()),
        }
    }

    fn perms(names: &[PermissionType]) -> BTreeSet<PermissionType> {
        names.iter().cloned().collect()
    }

    fn plan(changes: Vec<Change>) -> Plan {
        Plan {
            changes,
            ..Plan::default()
        }
    }

    #[test]
    fn a_write_is_pending_while_a_fresh_plan_wants_it_again() {
        let create = Change::CreateAuthorization {
            tuple: tuple(),
            permissions: perms(&[PermissionType::Create]),
        };
        // The read lags: the same create is planned again.
        assert_eq!(
            unconverged(&[&create], &plan(vec![create.clone()])),
            vec![create.clone()]
        );
        // The grant shows, and the files do not declare it: the fresh plan
        // deletes it, so the write was seen.
        let undo = Change::DeleteAuthorization {
            tuple: tuple(),
            key: "1".into(),
            permissions: perms(&[PermissionType::Create]),
        };
        assert!(unconverged(&[&create], &plan(vec![undo])).is_empty());
        assert!(unconverged(&[&create], &plan(vec![])).is_empty());
    }

    #[test]
    fn an_update_is_pending_while_the_state_it_changed_is_read() {
        let update = Change::UpdateAuthorization {
            tuple: tuple(),
            key: "1".into(),
            before: perms(&[PermissionType::Create]),
            after: perms(&[PermissionType::Create, PermissionType::Read]),
        };
        let lagging = Change::UpdateAuthorization {
            tuple: tuple(),
            key: "1".into(),
            before: perms(&[PermissionType::Create]),
            after: perms(&[PermissionType::Create, PermissionType::Read]),
        };
        assert_eq!(unconverged(&[&update], &plan(vec![lagging])).len(), 1);
        let undo = Change::UpdateAuthorization {
            tuple: tuple(),
            key: "1".into(),
            before: perms(&[PermissionType::Create, PermissionType::Read]),
            after: perms(&[PermissionType::Create]),
        };
        assert!(unconverged(&[&update], &plan(vec![undo])).is_empty());
    }
}
