//! Plans as text (Terraform-like) and as versioned JSON.

use serde_json::json;

use crate::plan::{AccessChange, Change, Plan, Unmanaged, risks};

/// Version of the JSON document `plan --format json` prints.
pub const PLAN_FORMAT_VERSION: u32 = 1;

/// The plan as a person reads it.
pub fn human(plan: &Plan, access: &[AccessChange], target: &str) -> String {
    let mut out = format!("Plan for {target}\n\n");
    if plan.is_empty() {
        out.push_str("No changes. The cluster matches the configuration.\n");
    } else {
        for change in &plan.changes {
            let tags: Vec<String> = risks(change).iter().map(|r| format!("[{r}]")).collect();
            if tags.is_empty() {
                out.push_str(&format!("  {change}\n"));
            } else {
                out.push_str(&format!("  {change}  {}\n", tags.join(" ")));
            }
            if let Change::Update { attributes, .. } = change {
                for a in attributes {
                    out.push_str(&format!(
                        "      {}: {:?} -> {:?}\n",
                        a.name, a.before, a.after
                    ));
                }
            }
        }
    }
    if !access.is_empty() {
        out.push_str("\nEffective access after the plan:\n");
        for a in access {
            out.push_str(&format!("  {}\n", a.principal));
            for p in &a.gained {
                out.push_str(&format!("      + {p}\n"));
            }
            for p in &a.lost {
                out.push_str(&format!("      - {p}\n"));
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
#[derive(Debug, Clone, serde::Serialize)]
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

/// A plan file: the JSON document plus the record.
pub fn file(plan: &Plan, access: &[AccessChange], record: &PlanRecord) -> String {
    let mut document: serde_json::Value =
        serde_json::from_str(&json(plan, access, &record.target)).expect("own JSON parses");
    document["record"] = json!(record);
    let mut text = serde_json::to_string_pretty(&document).expect("plans serialize");
    text.push('\n');
    text
}

/// The plan as one JSON document.
pub fn json(plan: &Plan, access: &[AccessChange], target: &str) -> String {
    let (add, change, destroy) = plan.counts();
    let changes: Vec<serde_json::Value> = plan
        .changes
        .iter()
        .map(|c| {
            let mut value = serde_json::to_value(c).expect("changes serialize");
            value["risks"] = json!(risks(c));
            value
        })
        .collect();
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
