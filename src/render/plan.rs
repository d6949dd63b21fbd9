//! Plans as text (Terraform-like) and as versioned JSON.

use serde_json::json;

use crate::plan::{AccessChange, Change, Plan, Unmanaged, risks};

/// Version of the JSON document `plan --format json` prints.
pub const PLAN_FORMAT_VERSION: u32 = 1;

const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const RED: &str = "\x1b[31m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// Colours text when asked to.
#[derive(Debug, Clone, Copy)]
struct Paint(bool);

impl Paint {
    fn paint(self, colour: &str, text: &str) -> String {
        if self.0 && !text.is_empty() {
            format!("{colour}{text}{RESET}")
        } else {
            text.to_owned()
        }
    }

    /// Colour by the change's leading symbol.
    fn symbol(self, line: &str) -> String {
        match line.chars().next() {
            Some('+') => self.paint(GREEN, line),
            Some('~') => self.paint(YELLOW, line),
            Some('-') => self.paint(RED, line),
            _ => line.to_owned(),
        }
    }
}

/// One attribute's change: a line diff for multi-line values, otherwise
/// `"before" -> "after"` (with colour, the changed words highlighted).
fn attribute_diff(out: &mut String, name: &str, before: &str, after: &str, paint: Paint) {
    use similar::{ChangeTag, TextDiff};
    if before.contains('\n') || after.contains('\n') {
        out.push_str(&format!("      ~ {name}:\n"));
        let diff = TextDiff::from_lines(before, after);
        for change in diff.iter_all_changes() {
            let line = change.value().trim_end_matches('\n');
            let text = match change.tag() {
                ChangeTag::Delete => paint.paint(RED, &format!("- {line}")),
                ChangeTag::Insert => paint.paint(GREEN, &format!("+ {line}")),
                ChangeTag::Equal => format!("  {line}"),
            };
            out.push_str(&format!("          {text}\n"));
        }
        return;
    }
    if !paint.0 {
        out.push_str(&format!("      ~ {name}: {before:?} -> {after:?}\n"));
        return;
    }
    let diff = TextDiff::from_words(before, after);
    let (mut old, mut new) = (String::new(), String::new());
    for change in diff.iter_all_changes() {
        let word = change.value();
        match change.tag() {
            ChangeTag::Delete => old.push_str(&paint.paint(&format!("{RED}{BOLD}"), word)),
            ChangeTag::Insert => new.push_str(&paint.paint(&format!("{GREEN}{BOLD}"), word)),
            ChangeTag::Equal => {
                old.push_str(word);
                new.push_str(word);
            }
        }
    }
    out.push_str(&format!(
        "      {} {name}: \"{old}\" -> \"{new}\"\n",
        paint.paint(YELLOW, "~")
    ));
}

/// The plan as a person reads it: one block per change (`+` add, `~`
/// change, `-` destroy) with its attributes, risk tags, effective access,
/// unmanaged objects in their own section, and Terraform's summary line.
/// `color` only when stdout is a terminal.
pub fn human(plan: &Plan, access: &[AccessChange], target: &str, color: bool) -> String {
    let paint = Paint(color);
    let mut out = format!("Plan for {target}\n\n");
    if plan.is_empty() {
        out.push_str("No changes. The cluster matches the configuration.\n");
    } else {
        for change in &plan.changes {
            let tags: Vec<String> = risks(change).iter().map(|r| format!("[{r}]")).collect();
            let line = paint.symbol(&change.to_string());
            if tags.is_empty() {
                out.push_str(&format!("  {line}\n"));
            } else {
                out.push_str(&format!("  {line}  {}\n", tags.join(" ")));
            }
            match change {
                Change::Create { attributes, .. } => {
                    let width = attributes.keys().map(|k| k.len()).max().unwrap_or(0);
                    for (name, value) in attributes {
                        out.push_str(&format!("      {name:width$} = {value:?}\n"));
                    }
                }
                Change::Update { attributes, .. } => {
                    for a in attributes {
                        attribute_diff(&mut out, a.name, &a.before, &a.after, paint);
                    }
                }
                Change::UpdateAuthorization { before, after, .. } => {
                    for p in after.difference(before) {
                        out.push_str(&format!(
                            "      {}\n",
                            paint.paint(GREEN, &format!("+ {p}"))
                        ));
                    }
                    for p in before.difference(after) {
                        out.push_str(&format!("      {}\n", paint.paint(RED, &format!("- {p}"))));
                    }
                }
                _ => {}
            }
        }
    }
    if !access.is_empty() {
        out.push_str("\nEffective access after the plan:\n");
        for a in access {
            out.push_str(&format!("  {}\n", a.principal));
            for p in &a.gained {
                out.push_str(&format!(
                    "      {}\n",
                    paint.paint(GREEN, &format!("+ {p}"))
                ));
            }
            for p in &a.lost {
                out.push_str(&format!("      {}\n", paint.paint(RED, &format!("- {p}"))));
            }
        }
    }
    if !plan.unmanaged.is_empty() {
        out.push_str("\nUnmanaged (in the cluster, not in the configuration; left alone):\n");
        for u in &plan.unmanaged {
            match u {
                Unmanaged::Entity { kind, id } => out.push_str(&format!("  ? {kind} {id}\n")),
                Unmanaged::Authorization { tuple } => out.push_str(&format!("  ? {tuple}\n")),
            }
        }
    }
    let (add, change, destroy) = plan.counts();
    out.push_str(&format!(
        "\nPlan: {add} to add, {change} to change, {destroy} to destroy.\n"
    ));
    out
}

/// What a saved plan records besides its changes, so `apply --plan` can
/// refuse a stale one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PlanRecord {
    /// This tool's version.
    pub tool_version: String,
    /// The cluster (address without credentials, or the embedded simulator).
    pub target: String,
    /// The cluster's Camunda version.
    pub camunda_version: String,
    /// sha256 of the desired state.
    pub desired_sha256: String,
    /// sha256 of the live state the plan was computed from.
    pub live_sha256: String,
}

/// A plan file: the JSON document plus the record, and the live state the
/// plan was computed from (so a stale plan can say what changed since).
pub fn file(
    plan: &Plan,
    access: &[AccessChange],
    record: &PlanRecord,
    live: &crate::model::state::AccessState,
) -> String {
    let mut document: serde_json::Value =
        serde_json::from_str(&json(plan, access, &record.target)).expect("own JSON parses");
    document["record"] = json!(record);
    document["live_state"] = json!(live);
    let mut text = serde_json::to_string_pretty(&document).expect("plans serialize");
    text.push('\n');
    text
}

/// Changes as the JSON documents write them: each with its risk tags.
pub fn changes_json(changes: &[Change]) -> Vec<serde_json::Value> {
    changes
        .iter()
        .map(|c| {
            let mut value = serde_json::to_value(c).expect("changes serialize");
            value["risks"] = json!(risks(c));
            value
        })
        .collect()
}

/// The plan as one JSON document.
pub fn json(plan: &Plan, access: &[AccessChange], target: &str) -> String {
    let (add, change, destroy) = plan.counts();
    let changes = changes_json(&plan.changes);
    let document = json!({
        "format_version": PLAN_FORMAT_VERSION,
        "target": target,
        "summary": {"add": add, "change": change, "destroy": destroy},
        "changes": changes,
        "effective_access": access,
        "unmanaged": plan.unmanaged,
    });
    let mut text = serde_json::to_string_pretty(&document).expect("plans serialize");
    text.push('\n');
    text
}

/// The plan as a pull-request comment: a summary table, escalations first,
/// the full list in a collapsible section.
pub fn markdown(plan: &Plan, access: &[AccessChange], target: &str) -> String {
    let (add, change, destroy) = plan.counts();
    let mut out = format!("### camunda-access plan for {target}\n\n");
    if plan.is_empty() {
        out.push_str("No changes. The cluster matches the configuration.\n");
    } else {
        out.push_str("| add | change | destroy |\n|---:|---:|---:|\n");
        out.push_str(&format!("| {add} | {change} | {destroy} |\n\n"));
    }
    let escalations: Vec<&Change> = plan
        .changes
        .iter()
        .filter(|c| risks(c).contains(&crate::plan::Risk::Escalation))
        .collect();
    if !escalations.is_empty() {
        out.push_str(&format!(
            "**{} change(s) escalate access — review these first:**\n\n",
            escalations.len()
        ));
        for c in escalations {
            out.push_str(&format!("- `{c}`\n"));
        }
        out.push('\n');
    }
    if !plan.is_empty() {
        out.push_str("<details><summary>All changes</summary>\n\n```diff\n");
        for c in &plan.changes {
            out.push_str(&format!("{c}\n"));
        }
        out.push_str("```\n\n</details>\n\n");
    }
    if !access.is_empty() {
        out.push_str("<details><summary>Effective access after the plan</summary>\n\n");
        for a in access {
            out.push_str(&format!("**{}**\n\n```diff\n", a.principal));
            for p in &a.gained {
                out.push_str(&format!("+ {p}\n"));
            }
            for p in &a.lost {
                out.push_str(&format!("- {p}\n"));
            }
            out.push_str("```\n\n");
        }
        out.push_str("</details>\n\n");
    }
    if !plan.unmanaged.is_empty() {
        out.push_str(&format!(
            "<details><summary>{} unmanaged object(s), left alone</summary>\n\n",
            plan.unmanaged.len()
        ));
        for u in &plan.unmanaged {
            match u {
                Unmanaged::Entity { kind, id } => out.push_str(&format!("- {kind} `{id}`\n")),
                Unmanaged::Authorization { tuple } => out.push_str(&format!("- `{tuple}`\n")),
            }
        }
        out.push_str("\n</details>\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::EntityKind;
    use crate::plan::change::AttributeChange;

    fn update(before: &str, after: &str) -> Plan {
        Plan {
            changes: vec![Change::Update {
                kind: EntityKind::Group,
                id: "eng".into(),
                attributes: vec![AttributeChange {
                    name: "description",
                    before: before.into(),
                    after: after.into(),
                }],
            }],
            unmanaged: Vec::new(),
        }
    }

    #[test]
    fn attribute_changes_show_before_and_after() {
        let text = human(&update("Old team", "New team"), &[], "x", false);
        assert!(
            text.contains("  ~ group eng (description)  [cosmetic]\n      ~ description: \"Old team\" -> \"New team\"\n"),
            "{text}"
        );
        assert!(!text.contains('\x1b'), "no colour unless asked: {text:?}");
        assert!(text.ends_with("Plan: 0 to add, 1 to change, 0 to destroy.\n"));
    }

    #[test]
    fn multi_line_values_get_a_line_diff() {
        let text = human(
            &update("line one\nline two\n", "line one\nline 2\n"),
            &[],
            "x",
            false,
        );
        assert!(
            text.contains("      ~ description:\n            line one\n          - line two\n          + line 2\n"),
            "{text}"
        );
    }

    #[test]
    fn colour_marks_symbols_and_changed_words() {
        let text = human(&update("Old team", "New team"), &[], "x", true);
        assert!(
            text.contains("\x1b[33m~ group eng (description)\x1b[0m"),
            "{text:?}"
        );
        // Only the changed word is emphasised.
        assert!(text.contains("\x1b[31m\x1b[1mOld\x1b[0m team"), "{text:?}");
        assert!(text.contains("\x1b[32m\x1b[1mNew\x1b[0m team"), "{text:?}");
    }
}
