//! `Holder`: a principal that holds a permission, with the paths — the
//! answer of `who-can`.

use serde::{Deserialize, Serialize};

use crate::analysis::analyzer::{Analyzer, Subject};
use crate::analysis::check::Grants;
use crate::analysis::check::{Check, Verdict};
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
            let explanation = analyzer.explain(&subject);
            let verdict = Verdict::new(analyzer, &explanation, check);
            verdict.granted.then_some(Holder {
                principal,
                paths: verdict.paths,
            })
        })
        .collect()
}
