//! `Holder`: a principal that holds a permission, with the paths — the
//! answer of `who-can`.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::analysis::analyzer::{Analyzer, Subject};
use crate::analysis::check::{Check, Grants};
use crate::model::state::Principal;

/// A principal holding the permission asked about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    /// The user, client, group, role or mapping rule.
    pub principal: Principal,
    /// Every path that grants it.
    pub paths: Vec<Grants>,
}

/// Every principal of the state that holds `check`, in principal order
/// (users, clients, groups, roles, mapping rules).
pub fn holders(analyzer: &Analyzer<'_>, check: &Check) -> Vec<Holder> {
    analyzer
        .principals()
        .into_iter()
        .filter_map(|principal| {
            let subject = Subject::Principal {
                principal: principal.clone(),
            };
            // Only the granting paths: no nearest misses for the others.
            let paths: BTreeSet<Grants> = analyzer
                .explain(&subject)
                .grants()
                .filter(|(rt, resource, p, _)| check.covers(*rt, resource, *p))
                .map(|(_, resource, _, path)| Grants {
                    resource: resource.clone(),
                    path: path.clone(),
                })
                .collect();
            (!paths.is_empty()).then(|| Holder {
                principal,
                paths: paths.into_iter().collect(),
            })
        })
        .collect()
}
