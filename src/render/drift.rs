//! Drift reports: what differs from the files, what nobody declared, and
//! what vanished on a re-read.

use serde_json::json;

use crate::plan::{Change, Plan, Review};

/// Version of the JSON document `drift --format json` prints.
pub const DRIFT_FORMAT_VERSION: u32 = 1;

/// A drift report's contents.
#[derive(Debug)]
pub struct Drift<'a> {
    /// The cluster.
    pub target: &'a str,
    /// The settled plan: managed objects that differ, and unmanaged ones.
    pub plan: &'a Plan,
    /// The plan's review (risks, warnings).
    pub review: &'a Review,
    /// Differences the first read showed that a re-read did not.
    pub transient: &'a [Change],
}

/// For people and CI logs.
pub fn human(d: &Drift<'_>) -> String {
    let mut out = format!("Drift in {}\n\n", d.target);
    if d.plan.is_empty() {
        out.push_str("No drift: the managed objects match the configuration.\n");
    } else {
        out.push_str(&format!(
            "{} managed object(s) differ from the configuration (apply would change them):\n",
            d.plan.changes.len()
        ));
        for c in &d.plan.changes {
            out.push_str(&format!("  {c}\n"));
        }
    }
    if !d.plan.unmanaged.is_empty() {
        out.push_str(&format!(
            "\n{} unmanaged object(s) in the cluster, declared nowhere:\n",
            d.plan.unmanaged.len()
        ));
        for u in &d.plan.unmanaged {
            out.push_str(&format!("  ? {}\n", u));
        }
    }
    if !d.transient.is_empty() {
        out.push_str(
            "\nSeen on the first read only, gone on a re-read (reads lagging writes; not drift):\n",
        );
        for c in d.transient {
            out.push_str(&format!("  {c}\n"));
        }
    }
    out
}

/// One JSON document.
pub fn json(d: &Drift<'_>) -> String {
    let changes = crate::render::plan::changes_json(&d.plan.changes, d.review);
    let document = json!({
        "format_version": DRIFT_FORMAT_VERSION,
        "target": d.target,
        "drift": !d.plan.is_empty(),
        "changes": changes,
        "unmanaged": d.plan.unmanaged,
        "warnings": crate::render::plan::warnings_json(d.review),
        "transient": d.transient,
    });
    let mut text = serde_json::to_string_pretty(&document).expect("reports serialize");
    text.push('\n');
    text
}

/// For an issue or a chat message.
pub fn markdown(d: &Drift<'_>) -> String {
    let mut out = format!("### camunda-access drift in {}\n\n", d.target);
    if d.plan.is_empty() {
        out.push_str("No drift: the managed objects match the configuration.\n");
    } else {
        out.push_str(&format!(
            "**{} managed object(s) differ from the configuration.** `apply` would change:\n\n```diff\n",
            d.plan.changes.len()
        ));
        for c in &d.plan.changes {
            out.push_str(&format!("{c}\n"));
        }
        out.push_str("```\n");
    }
    if !d.plan.unmanaged.is_empty() {
        out.push_str(&format!(
            "\n<details><summary>{} unmanaged object(s)</summary>\n\n",
            d.plan.unmanaged.len()
        ));
        for u in &d.plan.unmanaged {
            out.push_str(&format!("- `{}`\n", u));
        }
        out.push_str("\n</details>\n");
    }
    if !d.transient.is_empty() {
        out.push_str(&format!(
            "\n<details><summary>{} difference(s) gone on a re-read (not drift)</summary>\n\n",
            d.transient.len()
        ));
        for c in d.transient {
            out.push_str(&format!("- `{c}`\n"));
        }
        out.push_str("\n</details>\n");
    }
    out
}
