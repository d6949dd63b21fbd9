//! Plans as text (Terraform-like) and as versioned JSON.

use serde_json::json;

use crate::plan::{Change, Plan, Unmanaged};

/// Version of the JSON document `plan --format json` prints.
pub const PLAN_FORMAT_VERSION: u32 = 1;

/// The plan as a person reads it.
pub fn human(plan: &Plan, target: &str) -> String {
    let mut out = format!("Plan for {target}\n\n");
    if plan.is_empty() {
        out.push_str("No changes. The cluster matches the configuration.\n");
    } else {
        for change in &plan.changes {
            out.push_str(&format!("  {change}\n"));
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

/// The plan as one JSON document.
pub fn json(plan: &Plan, target: &str) -> String {
    let (add, change, destroy) = plan.counts();
    let document = json!({
        "format_version": PLAN_FORMAT_VERSION,
        "target": target,
        "summary": {"add": add, "change": change, "destroy": destroy},
        "changes": plan.changes,
        "unmanaged": plan.unmanaged,
    });
    let mut text = serde_json::to_string_pretty(&document).expect("plans serialize");
    text.push('\n');
    text
}
