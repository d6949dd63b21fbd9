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
