//! Drift reports: what differs from the files, what nobody declared, and
//! what vanished on a re-read.

use crate::ops::drift::{Attributed, Attribution, DriftDocument, DriftReport};
use crate::plan::document::to_json;

/// Who made a change, in words: `CLIENT ci-bot, ASSIGN at 2026-…Z`.
fn who(o: &Attributed) -> String {
    match &o.event {
        Some(e) => format!(
            "{} {}, {} at {}{}{}",
            e.actor_type,
            e.actor_id.as_deref().unwrap_or("(unnamed)"),
            e.operation,
            e.timestamp,
            if o.by_owner {
                " (an authorization of the same owner)"
            } else {
                ""
            },
            if o.by_tool {
                " (this tool's own change: the one after it is not in the audit log)"
            } else {
                ""
            }
        ),
        None => "no audit entry found".to_owned(),
    }
}

fn human_attribution(a: &Attribution, out: &mut String) {
    if let Some(reason) = &a.unavailable {
        out.push_str(&format!(
            "\nWho made the drift: attribution unavailable: {reason}.\n"
        ));
        return;
    }
    out.push_str(&format!(
        "\nWho made the drift (audit log since {}):\n",
        a.since
    ));
    for o in &a.objects {
        out.push_str(&format!("  {}: {}\n", o.subject, who(o)));
    }
    for note in &a.notes {
        out.push_str(&format!("  note: {note}\n"));
    }
}

fn markdown_attribution(a: &Attribution, out: &mut String) {
    out.push_str("\n#### Who made the drift\n\n");
    if let Some(reason) = &a.unavailable {
        out.push_str(&format!("Attribution unavailable: {reason}.\n"));
        return;
    }
    out.push_str(&format!("From the audit log since {}:\n\n", a.since));
    out.push_str("| object | who | operation | when |\n|---|---|---|---|\n");
    for o in &a.objects {
        let cell = |text: &str| text.replace('|', "\\|");
        match &o.event {
            Some(e) => out.push_str(&format!(
                "| `{}` | {} `{}` | {}{} | {} |\n",
                cell(&o.subject),
                e.actor_type,
                cell(e.actor_id.as_deref().unwrap_or("(unnamed)")),
                e.operation,
                match (o.by_owner, o.by_tool) {
                    (_, true) => " (this tool's own; the change after it is not audited)",
                    (true, false) => " (same owner)",
                    (false, false) => "",
                },
                e.timestamp
            )),
            None => out.push_str(&format!(
                "| `{}` | no audit entry found | | |\n",
                cell(&o.subject)
            )),
        }
    }
    for note in &a.notes {
        out.push_str(&format!("\n> {note}\n"));
    }
}

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
    if !d.moved.is_empty() {
        out.push_str("\nRenames (moved:) the cluster does not show yet; apply carries them out:\n");
        for m in &d.moved {
            out.push_str(&format!("  {} -> {}\n", m.from, m.to));
        }
    }
    if !d.review.warnings.is_empty() {
        out.push_str("\nWarnings:\n");
        for w in &d.review.warnings {
            out.push_str(&format!("  ! {w}\n"));
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
    if let Some(a) = &d.attribution {
        human_attribution(a, &mut out);
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
    if !d.moved.is_empty() {
        out.push_str("\n**Renames (`moved:`) the cluster does not show yet** (`apply` carries them out):\n\n");
        for m in &d.moved {
            out.push_str(&format!("- `{}` → `{}`\n", m.from, m.to));
        }
    }
    if !d.review.warnings.is_empty() {
        out.push_str("\n**Warnings**\n\n");
        for w in &d.review.warnings {
            out.push_str(&format!("- {w}\n"));
        }
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
    if let Some(a) = &d.attribution {
        markdown_attribution(a, &mut out);
    }
    out
}
