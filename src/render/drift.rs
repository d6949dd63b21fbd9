//! Drift reports: what differs from the files, what nobody declared, and
//! what vanished on a re-read.

use crate::ops::drift::{DriftDocument, DriftReport};
use crate::plan::document::to_json;

/// For people and CI logs.
pub fn human(d: &DriftReport, target: &str) -> String {
    let mut out = format!("Drift in {target}\n\n");
    if !d.drifted() {
        out.push_str("No drift: the managed objects match the configuration.\n");
    } else if !d.changes.is_empty() {
        out.push_str(&format!(
            "{} managed object(s) differ from the configuration (apply would change them):\n",
            d.changes.len()
        ));
        for c in &d.changes {
            out.push_str(&format!("  {c}\n"));
        }
    }
    if !d.observed.is_empty() {
        if !d.changes.is_empty() {
            out.push('\n');
        }
        out.push_str(&format!(
            "{} difference(s) of observed objects (lifecycle: observe; apply leaves them):\n",
            d.observed.len()
        ));
        for h in &d.observed {
            out.push_str(&format!("  {}  [{} {}]\n", h.change, h.lifecycle, h.object));
        }
    }
    if !d.unmanaged.is_empty() {
        out.push_str(&format!(
            "\n{} unmanaged object(s) in the cluster, declared nowhere:\n",
            d.unmanaged.len()
        ));
        for u in &d.unmanaged {
            out.push_str(&format!("  ? {}\n", u));
        }
    }
    if !d.transient.is_empty() {
        out.push_str(
            "\nSeen on the first read only, gone on a re-read (reads lagging writes; not drift):\n",
        );
        for c in &d.transient {
            out.push_str(&format!("  {c}\n"));
        }
    }
    out
}

/// One JSON document.
pub fn json(d: &DriftReport, target: &str) -> String {
    to_json(&DriftDocument::new(d, target))
}

/// For an issue or a chat message.
pub fn markdown(d: &DriftReport, target: &str) -> String {
    let mut out = format!("### camunda-access drift in {target}\n\n");
    if !d.drifted() {
        out.push_str("No drift: the managed objects match the configuration.\n");
    } else if !d.changes.is_empty() {
        out.push_str(&format!(
            "**{} managed object(s) differ from the configuration.** `apply` would change:\n\n```diff\n",
            d.changes.len()
        ));
        for c in &d.changes {
            out.push_str(&format!("{c}\n"));
        }
        out.push_str("```\n");
    }
    if !d.observed.is_empty() {
        out.push_str(&format!(
            "\n**{} difference(s) of observed objects** (`lifecycle: observe`; `apply` leaves them):\n\n",
            d.observed.len()
        ));
        for h in &d.observed {
            out.push_str(&format!(
                "- `{}` ({} {})\n",
                h.change, h.lifecycle, h.object
            ));
        }
    }
    if !d.unmanaged.is_empty() {
        out.push_str(&format!(
            "\n<details><summary>{} unmanaged object(s)</summary>\n\n",
            d.unmanaged.len()
        ));
        for u in &d.unmanaged {
            out.push_str(&format!("- `{}`\n", u));
        }
        out.push_str("\n</details>\n");
    }
    if !d.transient.is_empty() {
        out.push_str(&format!(
            "\n<details><summary>{} difference(s) gone on a re-read (not drift)</summary>\n\n",
            d.transient.len()
        ));
        for c in &d.transient {
            out.push_str(&format!("- `{c}`\n"));
        }
        out.push_str("\n</details>\n");
    }
    out
}
