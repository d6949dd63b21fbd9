//! How an apply ended, and the report `apply --format json` prints.

use serde::{Deserialize, Serialize};

use crate::apply::Outcome;
use crate::plan::Plan;
use crate::plan::document::ChangeRecord;

/// Version of the JSON document `apply --format json` prints.
pub const REPORT_FORMAT_VERSION: u32 = 1;

/// How the run ended, beyond the outcomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// Every write done and seen by a re-read.
    Converged,
    /// Every write done; not waited for (`--no-wait`).
    NotWaited,
    /// Every write done; the re-reads did not show them all before the wait ended.
    NotConverged(Vec<String>),
    /// Something failed or was skipped.
    Incomplete,
    /// Stopped by an interrupt.
    Interrupted,
    /// Writes stopped because the cluster stopped answering (the cause).
    Unreachable(String),
    /// The writes are done, but the tool can no longer read the cluster
    /// (its own access went away): the error.
    LostAccess(String),
}

/// How a run ended, as the report names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EndingName {
    /// See [`Ending::Converged`].
    Converged,
    /// See [`Ending::NotWaited`].
    NotWaited,
    /// See [`Ending::NotConverged`].
    NotConverged,
    /// See [`Ending::Incomplete`].
    Incomplete,
    /// See [`Ending::Interrupted`].
    Interrupted,
    /// See [`Ending::Unreachable`].
    Unreachable,
    /// See [`Ending::LostAccess`].
    LostAccess,
}

impl Ending {
    /// Its name in the report.
    pub fn name(&self) -> EndingName {
        match self {
            Ending::Converged => EndingName::Converged,
            Ending::NotWaited => EndingName::NotWaited,
            Ending::NotConverged(_) => EndingName::NotConverged,
            Ending::Incomplete => EndingName::Incomplete,
            Ending::Interrupted => EndingName::Interrupted,
            Ending::Unreachable(_) => EndingName::Unreachable,
            Ending::LostAccess(_) => EndingName::LostAccess,
        }
    }

    /// Whether every change is in the cluster (seen there or not yet).
    pub fn succeeded(&self) -> bool {
        matches!(
            self,
            Ending::Converged | Ending::NotWaited | Ending::NotConverged(_)
        )
    }
}

/// What an apply did: one outcome per change of the plan, and how it ended.
#[derive(Debug, Clone)]
pub struct ApplyReport {
    /// One outcome per change, by plan position.
    pub outcomes: Vec<Outcome>,
    /// How the run ended.
    pub ending: Ending,
}

/// Counts of outcomes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeCounts {
    /// Written.
    pub done: usize,
    /// Refused or unanswered.
    pub failed: usize,
    /// Not attempted: something they wait for did not happen.
    pub skipped: usize,
    /// Not attempted: the run stopped.
    pub not_started: usize,
}

impl OutcomeCounts {
    /// The counts of `outcomes`.
    pub fn of(outcomes: &[Outcome]) -> OutcomeCounts {
        let mut c = OutcomeCounts::default();
        for o in outcomes {
            match o {
                Outcome::Done { .. } => c.done += 1,
                Outcome::Failed { .. } => c.failed += 1,
                Outcome::Skipped { .. } => c.skipped += 1,
                Outcome::NotStarted => c.not_started += 1,
            }
        }
        c
    }
}

/// One change of the report with its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyEntry {
    /// The change.
    #[serde(flatten)]
    pub change: ChangeRecord,
    /// What happened to it.
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// What `apply --format json` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyDocument {
    /// [`REPORT_FORMAT_VERSION`].
    pub format_version: u32,
    /// The cluster.
    pub target: String,
    /// Counts of outcomes.
    pub summary: OutcomeCounts,
    /// How the run ended.
    pub ending: EndingName,
    /// Why it stopped, for `unreachable` and `lost-access`.
    pub cause: Option<String>,
    /// Changes written that the cluster did not show yet (`not-converged`).
    pub not_yet_visible: Vec<String>,
    /// Every change with its outcome.
    pub changes: Vec<ApplyEntry>,
}

impl ApplyDocument {
    /// The document of an apply of `plan` on `target`.
    pub fn new(plan: &Plan, report: &ApplyReport, target: &str) -> ApplyDocument {
        ApplyDocument {
            format_version: REPORT_FORMAT_VERSION,
            target: target.to_owned(),
            summary: OutcomeCounts::of(&report.outcomes),
            ending: report.ending.name(),
            cause: match &report.ending {
                Ending::Unreachable(cause) | Ending::LostAccess(cause) => Some(cause.clone()),
                _ => None,
            },
            not_yet_visible: match &report.ending {
                Ending::NotConverged(pending) => pending.clone(),
                _ => Vec::new(),
            },
            changes: plan
                .changes
                .iter()
                .zip(&report.outcomes)
                .map(|(change, outcome)| ApplyEntry {
                    change: ChangeRecord::from(change),
                    outcome: outcome.clone(),
                })
                .collect(),
        }
    }
}
