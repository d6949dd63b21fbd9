//! Apply reports: every change as done, failed or skipped.

use crate::apply::report::{ApplyDocument, ApplyReport, OutcomeCounts};
use crate::apply::{Ending, Outcome};
use crate::plan::document::to_json;
use crate::plan::{Change, Plan};

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

/// The report as a person reads it.
pub fn human(plan: &Plan, report: &ApplyReport) -> String {
    let (outcomes, ending) = (&report.outcomes, &report.ending);
    let OutcomeCounts {
        done,
        failed,
        skipped,
        not_started,
    } = OutcomeCounts::of(outcomes);
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
    let total = outcomes.len();
    let cascades = plan
        .changes
        .iter()
        .any(|c| matches!(c, Change::Delete { cascade, .. } if !cascade.is_empty()));
    out.push_str(&format!(
        "\nApply: {total} change(s): {done} done, {failed} failed, {skipped} skipped, {not_started} not started.\n"
    ));
    if cascades {
        out.push_str("(The plan's destroy count includes what deletions take with them; those need no change of their own.)\n");
    }
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
pub fn json(plan: &Plan, report: &ApplyReport, target: &str) -> String {
    to_json(&ApplyDocument::new(plan, report, target))
}
