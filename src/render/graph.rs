//! A plan's order as a graph: Graphviz DOT or a Mermaid flowchart, one node
//! per change, each edge labelled with why it must come first.

use std::fmt::Write;

use crate::plan::{Order, Plan, Step};

fn label(step: Step, plan: &Plan) -> String {
    match step {
        Step::Change(i) => plan.changes[i].to_string(),
        Step::Barrier => "grants done".to_owned(),
    }
}

/// Graphviz DOT.
pub fn dot(order: &Order, plan: &Plan) -> String {
    let mut out = String::from("digraph plan {\n  rankdir=LR;\n  node [shape=box];\n");
    for step in order.steps() {
        let _ = writeln!(
            out,
            "  {} [label={}];",
            node_id(step),
            dot_string(&label(step, plan))
        );
    }
    for (from, to, reason) in order.edges() {
        let _ = writeln!(
            out,
            "  {} -> {} [label={}];",
            node_id(from),
            node_id(to),
            dot_string(reason.label())
        );
    }
    out.push_str("}\n");
    out
}

/// A Mermaid flowchart.
pub fn mermaid(order: &Order, plan: &Plan) -> String {
    let mut out = String::from("flowchart LR\n");
    for step in order.steps() {
        let _ = writeln!(
            out,
            "  {}[\"{}\"]",
            node_id(step),
            mermaid_text(&label(step, plan))
        );
    }
    for (from, to, reason) in order.edges() {
        let _ = writeln!(
            out,
            "  {} -->|{}| {}",
            node_id(from),
            reason.label(),
            node_id(to)
        );
    }
    out
}

fn node_id(step: Step) -> String {
    match step {
        Step::Change(i) => format!("c{i}"),
        Step::Barrier => "barrier".to_owned(),
    }
}

fn dot_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Mermaid labels: quotes and brackets as HTML entities.
fn mermaid_text(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '#' => out.push_str("#35;"),
            c => out.push(c),
        }
    }
    out
}
