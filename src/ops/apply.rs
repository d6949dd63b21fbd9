//! Applying a session's plan: refuse a stale saved plan ([`check_saved`]),
//! run the safety guards ([`guard`]), carry the writes out in dependency
//! order and wait until the cluster shows them ([`apply`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::apply::guards::{self, Inputs};
use crate::apply::request::write_for;
use crate::apply::{ApplyReport, Ending, Outcome, execute, unconverged};
use crate::error::{Error, Result};
use crate::live::{AccessApi, Reader};
use crate::model::state::AccessState;
use crate::ops::Session;
use crate::plan::document::{ChangeEntry, PlanFile, PlanRecord, entries, redacted};
use crate::plan::{Change, Order, Planner, Review};

/// A plan file `plan --out` wrote, read back.
#[derive(Debug, Clone)]
pub struct SavedPlan {
    /// Where it was read from.
    pub path: PathBuf,
    /// Its inputs: read first, so a file of another version is refused as
    /// stale for that, not as unreadable.
    pub record: PlanRecord,
    /// The whole file, or why it does not read as one of this version.
    pub file: std::result::Result<PlanFile, String>,
}

/// The part of a plan file read first.
#[derive(Debug, serde::Deserialize)]
struct Head {
    record: PlanRecord,
}

impl SavedPlan {
    /// Reads the plan file at `path`.
    pub fn read(path: &Path) -> Result<SavedPlan> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            doing: "read",
            path: path.to_owned(),
            source,
        })?;
        let head: Head = serde_json::from_str(&text).map_err(|e| Error::Format {
            path: path.to_owned(),
            message: format!("not a plan file: {e}"),
        })?;
        Ok(SavedPlan {
            path: path.to_owned(),
            record: head.record,
            file: serde_json::from_str(&text).map_err(|e| e.to_string()),
        })
    }

    /// The configuration paths the plan was made from: relative to where
    /// `plan` ran (found from the plan file), else to the current directory.
    pub fn recorded_paths(&self) -> Result<Vec<PathBuf>> {
        let path = &self.path;
        let record = &self.record;
        if record.paths.is_empty() {
            return Err(Error::Usage(format!(
                "{} records no configuration paths (made by an older camunda-access): name them, e.g. `apply access/ --plan {}`",
                path.display(),
                path.display()
            )));
        }
        let from_plan = path.parent().unwrap_or(Path::new(".")).join(&record.base);
        for base in [from_plan, PathBuf::from(".")] {
            // `./access` and `access` name the same files; keep the plain form.
            let paths: Vec<PathBuf> = record
                .paths
                .iter()
                .map(|p| {
                    if base == Path::new(".") {
                        PathBuf::from(p)
                    } else {
                        base.join(p)
                    }
                })
                .collect();
            if paths.iter().all(|p| p.exists()) {
                return Ok(paths);
            }
        }
        Err(Error::Usage(format!(
            "the configuration {} recorded in {} is neither next to the plan file nor here: name the paths",
            record.paths.join(", "),
            path.display()
        )))
    }
}

/// Refuses a saved plan that is not what the same inputs plan now: made
/// for another cluster or by another version, from other files, against a
/// cluster that changed since, or with other changes.
pub fn check_saved(
    saved: &SavedPlan,
    record: &PlanRecord,
    live: &AccessState,
    changes: &[ChangeEntry],
) -> Result<()> {
    let reasons = stale(saved, record, live, changes);
    if reasons.is_empty() {
        return Ok(());
    }
    Err(Error::refused(
        format!("the plan in {} is stale", saved.path.display()),
        reasons,
    ))
}

/// The reasons a saved plan is stale; `changes` are what is planned now.
fn stale(
    saved: &SavedPlan,
    record: &PlanRecord,
    live: &AccessState,
    changes: &[ChangeEntry],
) -> Vec<String> {
    let then = &saved.record;
    let mut reasons = Vec::new();
    if then.target != record.target {
        reasons.push(format!(
            "the plan is for {}, this is {}",
            then.target, record.target
        ));
    }
    if then.tool_version != record.tool_version {
        reasons.push(format!(
            "the plan was made by camunda-access {}, this is {}",
            then.tool_version, record.tool_version
        ));
    }
    if then.desired_sha256 != record.desired_sha256 {
        let mut named: Vec<String> = Vec::new();
        if !then.files.is_empty() {
            for (file, hash) in &record.files {
                match then.files.get(file) {
                    None => named.push(format!("{file} was added")),
                    Some(h) if h != hash => named.push(format!("{file} was edited")),
                    _ => {}
                }
            }
            for file in then.files.keys().filter(|f| !record.files.contains_key(*f)) {
                named.push(format!("{file} was removed"));
            }
        }
        if named.is_empty() {
            reasons.push("the configuration changed since the plan was made".to_owned());
        } else {
            reasons.push(format!(
                "the configuration changed since the plan was made: {}",
                named.join(", ")
            ));
        }
    }
    if then.live_sha256 != record.live_sha256 {
        let differences = saved
            .file
            .as_ref()
            .ok()
            .and_then(|file| file.live_state.as_ref())
            .map(|then| crate::plan::diff::differences(then, live))
            .unwrap_or_default();
        if differences.is_empty() {
            reasons.push("the cluster changed since the plan was made".to_owned());
        }
        for difference in differences {
            reasons.push(format!("since the plan was made, {difference}"));
        }
    }
    if !reasons.is_empty() {
        return reasons;
    }
    match &saved.file {
        // As the plan file holds them: secret values masked.
        Ok(file) if file.document.changes != redacted(changes) => {
            reasons.push("the saved changes differ from what the same inputs plan now".to_owned());
        }
        Ok(_) => {}
        Err(e) => reasons.push(format!(
            "its changes do not read as a plan of this version ({e})"
        )),
    }
    reasons
}

/// The limits the safety guards hold a plan to.
#[derive(Debug, Clone, Copy)]
pub struct GuardOptions {
    /// `--max-deletes`.
    pub max_deletes: usize,
    /// `--allow-lockout`.
    pub allow_lockout: bool,
}

/// Refuses a plan the safety guards stop, or one that introduces a
/// violation of a guardrail rule at `deny`.
pub fn guard(session: &Session, review: &Review, options: GuardOptions) -> Result<()> {
    let refusals = guards::check(&Inputs {
        plan: &session.plan,
        live: &session.live.state,
        after: &review.after,
        desired: &session.desired,
        me: &session.identities,
        max_deletes: options.max_deletes,
        allow_lockout: options.allow_lockout,
    });
    let mut reasons: Vec<String> = refusals.iter().map(ToString::to_string).collect();
    reasons.extend(review.denied().map(|v| {
        format!(
            "rule {} is at deny: {}: {}",
            v.rule,
            v.message,
            v.details.join("; ")
        )
    }));
    if reasons.is_empty() {
        return Ok(());
    }
    let message = match (refusals.is_empty(), review.denied().next().is_some()) {
        (false, true) => "safety guards and policy rules stop this plan",
        (false, false) => "safety guards stop this plan",
        _ => "policy rules stop this plan",
    };
    Err(Error::refused(message, reasons))
}

/// How [`apply`] writes and waits.
#[derive(Debug, Clone, Copy)]
pub struct ApplyOptions {
    /// Writes in flight at most.
    pub parallelism: usize,
    /// Member searches in flight at most, when reading back.
    pub read_parallelism: usize,
    /// How long to wait for the cluster to show the writes; `None` does
    /// not wait.
    pub wait: Option<Duration>,
}

/// Carries out the session's plan in `order` and waits for the cluster to
/// show it. `stop` set starts nothing new; `on_finish` hears of each change
/// as it finishes (by plan position).
pub async fn apply<A: AccessApi>(
    api: Arc<A>,
    session: &Session,
    order: &Order,
    options: ApplyOptions,
    stop: Arc<AtomicBool>,
    on_finish: impl FnMut(usize, &Outcome),
) -> ApplyReport {
    let plan = &session.plan;
    let writes = plan.changes.iter().map(write_for).collect();
    let execution = execute(
        api.clone(),
        order,
        writes,
        options.parallelism,
        stop.clone(),
        on_finish,
    )
    .await;
    let outcomes = execution.outcomes;
    let complete = outcomes.iter().all(Outcome::is_done);
    let ending = if let Some(cause) = execution.halted {
        Ending::Unreachable(cause)
    } else if stop.load(Ordering::SeqCst) {
        Ending::Interrupted
    } else if !complete {
        Ending::Incomplete
    } else {
        match options.wait {
            None => Ending::NotWaited,
            Some(wait) => {
                let done: Vec<&Change> = plan
                    .changes
                    .iter()
                    .zip(&outcomes)
                    .filter(|(_, o)| o.is_done())
                    .map(|(c, _)| c)
                    .collect();
                converged(api, session, &done, wait, options.read_parallelism).await
            }
        }
    };
    ApplyReport { outcomes, ending }
}

/// Re-reads until a fresh plan no longer shows any change of `done`, or
/// `wait` ends.
async fn converged<A: AccessApi>(
    api: Arc<A>,
    session: &Session,
    done: &[&Change],
    wait: Duration,
    read_parallelism: usize,
) -> Ending {
    let deadline = Instant::now() + wait;
    let mut pause = Duration::from_millis(200);
    loop {
        let pending = match Reader::new(api.clone(), read_parallelism).read().await {
            Ok(live) => {
                let replan = Planner::new(&session.desired, &live.state).plan();
                unconverged(done, &replan)
            }
            // Refused on its own reads after writing: not read lag, the
            // tool lost its access. Waiting would not help.
            Err(e) if matches!(e.status(), Some(401 | 403)) => {
                return Ending::LostAccess(e.to_string());
            }
            // A failed read is not a failed apply: the writes are done.
            Err(_) => done.iter().map(|c| (*c).clone()).collect(),
        };
        if pending.is_empty() {
            return Ending::Converged;
        }
        if Instant::now() + pause > deadline {
            return Ending::NotConverged(pending.iter().map(ToString::to_string).collect());
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(2));
    }
}

/// The plan's changes with their risk tags, as the plan document and a
/// saved plan hold them.
pub fn planned_entries(session: &Session, review: &Review) -> Vec<ChangeEntry> {
    entries(&session.plan.changes, review)
}
