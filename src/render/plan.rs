//! Plans as text (Terraform-like) and as versioned JSON.

use crate::analysis::rules::Violation;
use crate::model::rules::Level;
use crate::plan::document::{PlanDocument, PlanFile, PlanRecord, to_json};
use crate::plan::{Change, Plan, Review, Risk};

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
/// change, `-` destroy) with its attributes, what a deletion takes with it,
/// risk tags, effective access, warnings, unmanaged objects in their own
/// section, and Terraform's summary line. `color` only when stdout is a
/// terminal.
pub fn human(plan: &Plan, review: &Review, target: &str, color: bool) -> String {
    let paint = Paint(color);
    let mut out = format!("Plan for {target}\n\n");
    violations_human(&mut out, review, paint);
    if plan.is_empty() && plan.held_back.is_empty() {
        out.push_str("No changes. The cluster matches the configuration.\n");
    } else if plan.is_empty() {
        out.push_str(
            "No changes to apply. Objects whose lifecycle keeps them as they are differ (below).\n",
        );
    } else {
        for change in &plan.changes {
            let tags: Vec<String> = review
                .risks(change)
                .iter()
                .map(|r| format!("[{r}]"))
                .collect();
            let line = paint.symbol(&change.to_string());
            if tags.is_empty() {
                out.push_str(&format!("  {line}\n"));
            } else {
                out.push_str(&format!("  {line}  {}\n", tags.join(" ")));
            }
            match change {
                Change::Create { entity } => {
                    let attributes = entity.attributes();
                    let width = attributes.keys().map(|k| k.len()).max().unwrap_or(0);
                    for (name, value) in attributes {
                        out.push_str(&format!("      {name:width$} = {value:?}\n"));
                    }
                }
                Change::Update { attributes, .. } => {
                    for a in attributes {
                        attribute_diff(&mut out, &a.name, &a.before, &a.after, paint);
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
                Change::Delete { cascade, .. } => {
                    for c in cascade {
                        out.push_str(&format!(
                            "      {}  (deleted with it)\n",
                            paint.paint(RED, &c.to_string())
                        ));
                    }
                }
                _ => {}
            }
        }
    }
    if !plan.renames().is_empty() {
        out.push_str("\nRenames (moved:), make before break: the new object and its memberships first, the old one deleted last:\n");
        for m in plan.renames() {
            out.push_str(&format!("  {} -> {}\n", m.from, m.to));
        }
    }
    if !plan.held_back.is_empty() {
        out.push_str("\nNot applied (lifecycle):\n");
        for h in &plan.held_back {
            let line = paint.symbol(&h.change.to_string());
            out.push_str(&format!("  {line}  [{} {}]\n", h.lifecycle, h.object));
            if let Change::Update { attributes, .. } = &h.change {
                for a in attributes {
                    attribute_diff(&mut out, &a.name, &a.before, &a.after, paint);
                }
            }
        }
    }
    if !review.access.is_empty() {
        out.push_str("\nEffective access after the plan:\n");
        for a in &review.access {
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
            out.push_str(&format!("  ? {u}\n"));
        }
    }
    if !review.warnings.is_empty() {
        out.push_str("\nWarnings:\n");
        for w in &review.warnings {
            out.push_str(&format!("  ! {w}\n"));
        }
    }
    let (add, change, destroy) = plan.counts();
    out.push_str(&format!(
        "\nPlan: {add} to add, {change} to change, {destroy} to destroy.\n"
    ));
    out
}

/// The guardrail rules the plan breaks, at the top: what it introduces in
/// full, what the cluster already held as a count.
fn violations_human(out: &mut String, review: &Review, paint: Paint) {
    let (introduced, existing): (Vec<&Violation>, Vec<&Violation>) =
        review.violations.iter().partition(|v| v.introduced);
    if introduced.is_empty() && existing.is_empty() {
        return;
    }
    if introduced.is_empty() {
        out.push_str(&format!(
            "Policy rules: {} violation(s) the cluster already holds, none new (see plan --format json)\n\n",
            existing.len()
        ));
        return;
    }
    out.push_str("Policy rules:\n");
    for v in &introduced {
        let (mark, colour) = match v.level {
            Level::Deny => ("x deny", RED),
            _ => ("! warn", YELLOW),
        };
        out.push_str(&format!(
            "  {}  {}: {}\n",
            paint.paint(colour, mark),
            v.rule,
            v.message
        ));
        for d in &v.details {
            out.push_str(&format!("        {d}\n"));
        }
    }
    if !existing.is_empty() {
        out.push_str(&format!(
            "  {} violation(s) the cluster already holds are not listed (see plan --format json)\n",
            existing.len()
        ));
    }
    if review.denied().next().is_some() {
        out.push_str("  apply refuses this plan: it breaks a rule at deny\n");
    }
    out.push('\n');
}

/// A plan file: the document plus the record, and the live state the
/// plan was computed from (so a stale plan can say what changed since).
pub fn file(
    plan: &Plan,
    review: &Review,
    record: &PlanRecord,
    live: &crate::model::state::AccessState,
) -> String {
    to_json(&PlanFile {
        document: PlanDocument::new(plan, review, &record.target),
        record: record.clone(),
        live_state: Some(live.clone()),
    })
}

/// The plan as one JSON document.
pub fn json(plan: &Plan, review: &Review, target: &str) -> String {
    to_json(&PlanDocument::new(plan, review, target))
}

/// Text inside a Markdown code span: backticks would end it early.
fn code(text: &str) -> String {
    format!("`{}`", text.replace('`', "'"))
}

/// One change as a Markdown list item: the change, its risk tags, and
/// every attribute before → after, every permission added or removed,
/// everything a deletion takes with it.
fn markdown_change(out: &mut String, change: &Change, review: &Review) {
    let tags: Vec<String> = review
        .risks(change)
        .iter()
        .map(|r| format!("**{r}**"))
        .collect();
    out.push_str(&format!("- {}", code(&change.to_string())));
    if !tags.is_empty() {
        out.push_str(&format!(" — {}", tags.join(", ")));
    }
    out.push('\n');
    match change {
        Change::Create { entity } => {
            for (name, value) in entity.attributes() {
                out.push_str(&format!("  - {name}: {}\n", code(&format!("{value:?}"))));
            }
        }
        Change::Update { attributes, .. } => {
            for a in attributes {
                out.push_str(&format!(
                    "  - {}: {} → {}\n",
                    a.name,
                    code(&format!("{:?}", a.before)),
                    code(&format!("{:?}", a.after))
                ));
            }
        }
        Change::UpdateAuthorization { before, after, .. } => {
            let list =
                |set: &std::collections::BTreeSet<crate::model::catalogue::PermissionType>| {
                    set.iter()
                        .map(|p| p.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
            out.push_str(&format!(
                "  - permissions: {} → {}\n",
                code(&format!("[{}]", list(before))),
                code(&format!("[{}]", list(after)))
            ));
        }
        Change::Delete { cascade, .. } => {
            for c in cascade {
                out.push_str(&format!("  - deleted with it: {}\n", code(&c.to_string())));
            }
        }
        _ => {}
    }
}

/// The plan as a pull-request comment: a summary table, warnings,
/// escalations first with their details, then every other change, each
/// with its risk tags and before → after.
pub fn markdown(plan: &Plan, review: &Review, target: &str) -> String {
    let (add, change, destroy) = plan.counts();
    let mut out = format!("### camunda-access plan for {}\n\n", code(target));
    if plan.is_empty() {
        out.push_str("No changes. The cluster matches the configuration.\n");
    } else {
        out.push_str("| add | change | destroy |\n|---:|---:|---:|\n");
        out.push_str(&format!("| {add} | {change} | {destroy} |\n\n"));
    }
    let introduced: Vec<&Violation> = review.violations.iter().filter(|v| v.introduced).collect();
    if introduced.is_empty() && !review.violations.is_empty() {
        out.push_str(&format!(
            "**Policy rules:** {} violation(s) the cluster already holds, none new.\n\n",
            review.violations.len()
        ));
    }
    if !introduced.is_empty() {
        out.push_str("**Policy rules:**\n\n");
        for v in &introduced {
            out.push_str(&format!(
                "- **{}** {}: {}\n",
                v.level,
                code(v.rule.as_str()),
                v.message.replace('`', "'")
            ));
            for d in &v.details {
                out.push_str(&format!("  - {}\n", code(d)));
            }
        }
        let existing = review.violations.len() - introduced.len();
        if existing > 0 {
            out.push_str(&format!(
                "\n{existing} violation(s) the cluster already holds are not listed.\n"
            ));
        }
        if review.denied().next().is_some() {
            out.push_str("\n`apply` refuses this plan: it breaks a rule at `deny`.\n");
        }
        out.push('\n');
    }
    if !plan.renames().is_empty() {
        out.push_str("**Renames** (the new object first, the old one deleted last):\n\n");
        for m in plan.renames() {
            out.push_str(&format!(
                "- {} → {}\n",
                code(&m.from.to_string()),
                code(&m.to.to_string())
            ));
        }
        out.push('\n');
    }
    if !plan.held_back.is_empty() {
        out.push_str("**Not applied (lifecycle):**\n\n");
        for h in &plan.held_back {
            out.push_str(&format!(
                "- {} ({} {})\n",
                code(&h.change.to_string()),
                h.lifecycle,
                code(&h.object)
            ));
        }
        out.push('\n');
    }
    if !review.warnings.is_empty() {
        out.push_str("**Warnings:**\n\n");
        for w in &review.warnings {
            out.push_str(&format!("- {}\n", w.to_string().replace('`', "'")));
        }
        out.push('\n');
    }
    let (escalations, others): (Vec<&Change>, Vec<&Change>) = plan
        .changes
        .iter()
        .partition(|c| review.risks(c).contains(&Risk::Escalation));
    if !escalations.is_empty() {
        out.push_str(&format!(
            "**{} change(s) escalate access — review these first:**\n\n",
            escalations.len()
        ));
        for c in &escalations {
            markdown_change(&mut out, c, review);
        }
        out.push('\n');
    }
    if !others.is_empty() {
        let title = if escalations.is_empty() {
            "All changes"
        } else {
            "Other changes"
        };
        out.push_str(&format!(
            "<details><summary>{title} ({})</summary>\n\n",
            others.len()
        ));
        for c in &others {
            markdown_change(&mut out, c, review);
        }
        out.push_str("\n</details>\n\n");
    }
    if !review.access.is_empty() {
        out.push_str("<details><summary>Effective access after the plan</summary>\n\n");
        for a in &review.access {
            out.push_str(&format!(
                "**{}**\n\n```diff\n",
                code(&a.principal.to_string())
            ));
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
            out.push_str(&format!("- {}\n", code(&u.to_string())));
        }
        out.push_str("\n</details>\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::state::Group;
    use crate::plan::Entity;
    use crate::plan::change::AttributeChange;

    /// A review with nothing to say.
    fn reviewed() -> Review {
        Review {
            after: Default::default(),
            access: Vec::new(),
            warnings: Vec::new(),
            escalating: Default::default(),
            violations: Vec::new(),
            carried: Default::default(),
        }
    }

    fn update(before: &str, after: &str) -> Plan {
        Plan {
            changes: vec![Change::Update {
                entity: Entity::Group(
                    "eng".into(),
                    Group {
                        name: "Eng".into(),
                        description: after.into(),
                    },
                ),
                attributes: vec![AttributeChange {
                    name: "description".into(),
                    before: before.into(),
                    after: after.into(),
                }],
            }],
            unmanaged: Vec::new(),
            held_back: Vec::new(),
            moved: Vec::new(),
        }
    }

    #[test]
    fn attribute_changes_show_before_and_after() {
        let text = human(&update("Old team", "New team"), &reviewed(), "x", false);
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
            &reviewed(),
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
        let text = human(&update("Old team", "New team"), &reviewed(), "x", true);
        assert!(
            text.contains("\x1b[33m~ group eng (description)\x1b[0m"),
            "{text:?}"
        );
        // Only the changed word is emphasised.
        assert!(text.contains("\x1b[31m\x1b[1mOld\x1b[0m team"), "{text:?}");
        assert!(text.contains("\x1b[32m\x1b[1mNew\x1b[0m team"), "{text:?}");
    }
}
