//! Drift: the plan of a scheduled run, split into what differs from the
//! files and what vanished on a re-read (reads lagging writes, not drift).

use serde::{Deserialize, Serialize};

use crate::model::desired::Lifecycle;
use crate::ops::Session;
use crate::plan::change::HeldBack;
use crate::plan::document::{ChangeEntry, ChangeRecord, HeldBackEntry, WarningEntry, entries};
use crate::plan::{Change, Review, Unmanaged};

/// Version of the JSON document `drift --format json` prints.
pub const DRIFT_FORMAT_VERSION: u32 = 1;

/// What a drift run found.
#[derive(Debug, Clone)]
pub struct DriftReport {
    /// The settled plan's changes: managed objects that differ.
    pub changes: Vec<Change>,
    /// Objects in the cluster the files do not own.
    pub unmanaged: Vec<Unmanaged>,
    /// The settled plan's review (risks, warnings).
    pub review: Review,
    /// Differences the first read showed that a re-read did not.
    pub transient: Vec<Change>,
    /// Differences of objects the files declare with `lifecycle: observe`.
    pub observed: Vec<HeldBack>,
}

impl DriftReport {
    /// The drift of a settled session.
    pub fn new(session: &Session) -> DriftReport {
        let transient: Vec<Change> = session
            .first
            .changes
            .iter()
            .filter(|c| !session.plan.changes.contains(c))
            .cloned()
            .collect();
        DriftReport {
            changes: session.plan.changes.clone(),
            unmanaged: session.plan.unmanaged.clone(),
            review: Review::new(&session.plan, &session.live.state, &session.desired),
            transient,
            observed: session
                .plan
                .held_back
                .iter()
                .filter(|h| h.lifecycle == Lifecycle::Observe)
                .cloned()
                .collect(),
        }
    }

    /// Whether managed or observed objects differ from the files.
    pub fn drifted(&self) -> bool {
        !self.changes.is_empty() || !self.observed.is_empty()
    }
}

/// What `drift --format json` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriftDocument {
    /// [`DRIFT_FORMAT_VERSION`].
    pub format_version: u32,
    /// The cluster.
    pub target: String,
    /// Whether managed objects differ.
    pub drift: bool,
    /// What differs, as changes `apply` would make.
    pub changes: Vec<ChangeEntry>,
    /// Objects the files do not own.
    pub unmanaged: Vec<Unmanaged>,
    /// What a reviewer should know.
    pub warnings: Vec<WarningEntry>,
    /// Differences gone on a re-read.
    pub transient: Vec<ChangeRecord>,
    /// Differences of `lifecycle: observe` objects (`apply` leaves them).
    #[serde(default)]
    pub observed: Vec<HeldBackEntry>,
}

impl DriftDocument {
    /// The document of `report` on `target`.
    pub fn new(report: &DriftReport, target: &str) -> DriftDocument {
        DriftDocument {
            format_version: DRIFT_FORMAT_VERSION,
            target: target.to_owned(),
            drift: report.drifted(),
            changes: entries(&report.changes, &report.review),
            unmanaged: report.unmanaged.clone(),
            warnings: WarningEntry::all(&report.review),
            transient: report.transient.iter().map(ChangeRecord::from).collect(),
            observed: report.observed.iter().map(HeldBackEntry::from).collect(),
        }
    }
}
