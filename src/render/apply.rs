//! Apply reports: every change as done, failed or skipped.

use serde_json::json;

use crate::apply::Outcome;
use crate::plan::Plan;

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

/// One line per finished change, for logs and CI.
pub fn line(plan: &Plan, index: usize, outcome: &Outcome) -> String {
    let change = &plan.changes[index];
    match outcome {
        Outcome::Done { note: None } => format!("done     {change}\n"),
        Outcome::Done { note: Some(note) } => format!("done     {change} ({note})\n"),
        Outcome::Failed { error } => format!("failed   {change}: {error}\n"),
        Outcome::Skipped { waits_for } => {
            let list: Vec<String> = waits_for
                .iter()
                .map(|i| plan.changes[*i].to_string())
                .collect();
            format!("skipped  {change} (waits for: {})\n", list.join("; "))
        }
        Outcome::NotStarted => format!("not run  {change}\n"),
    }
}

fn counts(outcomes: &[Outcome]) -> (usize, usize, usize, usize) {
    let mut c = (0, 0, 0, 0);
    for o in outcomes {
        match o {
            Outcome::Done { .. } => c.0 += 1,
            Outcome::Failed { .. } => c.1 += 1,
            Outcome::Skipped { .. } => c.2 += 1,
            Outcome::NotStarted => c.3 += 1,
        }
    }
    c
}

/// The report as a person reads it.
pub fn human(plan: &Plan, outcomes: &[Outcome], ending: &Ending) -> String {
    let (done, failed, skipped, not_started) = counts(outcomes);
    let mut out = String::new();
    if failed + skipped + not_started > 0 {
        out.push_str("\nWhat did not happen:\n");
        for (i, o) in outcomes.iter().enumerate() {
            if !o.is_done() {
                out.push_str("  ");
                out.push_str(&line(plan, i, o));
            }
        }
    }
    out.push_str(&format!(
        "\nApply: {done} done, {failed} failed, {skipped} skipped, {not_started} not started.\n"
    ));
    match ending {
        Ending::Converged => out.push_str("The cluster shows every change.\n"),
        Ending::NotWaited => out.push_str("Not waiting for the cluster to show the changes (--no-wait).\n"),
        Ending::NotConverged(pending) => {
            out.push_str(&format!(
                "The cluster did not show {} change(s) before the wait ended; they were written and will show once its reads catch up:\n",
                pending.len()
            ));
            for p in pending {
                out.push_str(&format!("  {p}\n"));
            }
        }
        Ending::Incomplete => out.push_str(
            "Fix what failed and run apply again: it plans afresh and does only what is left.\n",
        ),
        Ending::Interrupted => out.push_str(
            "Interrupted: nothing new was started and in-flight writes finished. Run apply again to finish.\n",
        ),
        Ending::Unreachable(cause) => out.push_str(&format!(
            "The cluster stopped answering ({cause}); nothing new was started. Run apply again once it answers: it plans afresh and does only what is left.\n"
        )),
        Ending::LostAccess(error) => out.push_str(&format!(
            "The writes are done, but this tool can no longer read the cluster ({error}): it lost its own access. Check the plan's effective access for the principal it runs as.\n"
        )),
    }
    out
}

/// The report as one JSON document.
pub fn json(plan: &Plan, outcomes: &[Outcome], ending: &Ending, target: &str) -> String {
    let (done, failed, skipped, not_started) = counts(outcomes);
    let changes: Vec<serde_json::Value> = plan
        .changes
        .iter()
        .zip(outcomes)
        .map(|(change, outcome)| {
            let mut value = serde_json::to_value(change).expect("changes serialize");
            let outcome = serde_json::to_value(outcome).expect("outcomes serialize");
            if let (Some(v), Some(o)) = (value.as_object_mut(), outcome.as_object()) {
                for (k, x) in o {
                    v.insert(k.clone(), x.clone());
                }
            }
            value
        })
        .collect();
    let (ending_name, pending) = match ending {
        Ending::Converged => ("converged", Vec::new()),
        Ending::NotWaited => ("not-waited", Vec::new()),
        Ending::NotConverged(p) => ("not-converged", p.clone()),
        Ending::Incomplete => ("incomplete", Vec::new()),
        Ending::Interrupted => ("interrupted", Vec::new()),
        Ending::Unreachable(_) => ("unreachable", Vec::new()),
        Ending::LostAccess(_) => ("lost-access", Vec::new()),
    };
    let cause = match ending {
        Ending::Unreachable(cause) | Ending::LostAccess(cause) => Some(cause.as_str()),
        _ => None,
    };
    let document = json!({
        "format_version": REPORT_FORMAT_VERSION,
        "target": target,
        "summary": {"done": done, "failed": failed, "skipped": skipped, "not_started": not_started},
        "ending": ending_name,
        "cause": cause,
        "not_yet_visible": pending,
        "changes": changes,
    });
    let mut text = serde_json::to_string_pretty(&document).expect("reports serialize");
    text.push('\n');
    text
}
