//! `explain` and `who-can` as text and JSON.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::analysis::analyzer::{Explanation, Reached, Subject};
use crate::analysis::check::{NearMiss, Verdict};
use crate::analysis::claims::Comparison;
use crate::analysis::operations::{Callable, Enforcement};
use crate::analysis::path::{Hop, Path};
use crate::analysis::{ExplainDocument, Source, WhoCanDocument};
use crate::model::catalogue::{BUILT_IN_ROLES, PermissionType};
use crate::model::state::{Container, Principal, ResourceSelector};

/// A document as pretty JSON, with a final newline.
pub fn json<T: Serialize>(document: &T) -> String {
    let mut text = serde_json::to_string_pretty(document).expect("JSON always serializes");
    text.push('\n');
    text
}

fn source(s: &Source) -> String {
    match s {
        Source::Files {
            paths,
            camunda_version,
        } => format!(
            "from the files ({}; Camunda {camunda_version})",
            paths.join(", ")
        ),
        Source::Cluster {
            target,
            camunda_version,
        } => format!("in the cluster {target} (Camunda {camunda_version})"),
    }
}

fn hops(hops: &[Hop]) -> String {
    let shown: Vec<String> = hops.iter().map(ToString::to_string).collect();
    shown.join(" → ")
}

fn via(path: &Path) -> String {
    if path.hops.is_empty() {
        "its own authorization".to_owned()
    } else {
        path.to_string()
    }
}

/// From the files (`defaults`), the mark of a path to a built-in role's
/// authorization: Camunda's default, not the files'.
fn default_mark(path: &Path, defaults: bool) -> &'static str {
    match &path.owner {
        Principal::Role(r) if defaults && BUILT_IN_ROLES.contains(&r.as_str()) => {
            "  [Camunda's default]"
        }
        _ => "",
    }
}

/// `group ID`, as the paths name containers.
fn container(c: &Container) -> String {
    let kind = match c {
        Container::Group(_) => "group",
        Container::Role(_) => "role",
        Container::Tenant(_) => "tenant",
    };
    format!("{kind} {}", c.id())
}

fn membership(r: &Reached) -> String {
    let mut line = container(&r.container);
    let ways: Vec<String> = r
        .through
        .iter()
        .filter(|t| !t.is_empty())
        .map(|t| hops(t))
        .collect();
    if !ways.is_empty() {
        let _ = write!(line, "  through {}", ways.join("; "));
    }
    if matches!(r.container, Container::Tenant(_)) {
        line.push_str("  (tenant membership scopes data; it grants no permission)");
    }
    line
}

fn list<T: ToString>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn token(out: &mut String, e: &Explanation) {
    let Some(report) = &e.token else { return };
    match (&report.principal, &report.principal_claim) {
        (Some(p), Some(claim)) => {
            let _ = writeln!(out, "The token names {p} (claim {claim}).");
        }
        _ => out.push_str("The token names no user or client.\n"),
    }
    for problem in &report.problems {
        let _ = writeln!(out, "  problem: {problem}");
    }
    if !report.groups.is_empty() {
        let _ = writeln!(out, "Its groups claim names: {}.", list(&report.groups));
    }
    if report.rules.is_empty() {
        out.push_str("No mapping rules are defined.\n");
    } else {
        out.push_str("\nMapping rules:\n");
        for r in &report.rules {
            let test = match (r.comparison, r.matched) {
                (Comparison::Contains, true) => format!("{} contains {:?}", r.claim, r.value),
                (Comparison::Contains, false) => {
                    format!("{} does not contain {:?}", r.claim, r.value)
                }
                (Comparison::Equals, true) => format!("{} equals {:?}", r.claim, r.value),
                (Comparison::Equals, false) => format!("{} is not {:?}", r.claim, r.value),
                (Comparison::Missing, _) => format!("no claim {}", r.claim),
            };
            let mark = if r.matched { "matches " } else { "no match" };
            let brings = if r.matched && !r.brings.is_empty() {
                let brings: Vec<String> = r.brings.iter().map(container).collect();
                format!("  → {}", brings.join(", "))
            } else {
                String::new()
            };
            let _ = writeln!(out, "  {mark}  {}: {test}{brings}", r.id);
        }
    }
    out.push('\n');
}

fn access(out: &mut String, e: &Explanation, defaults: bool) {
    if e.access.is_empty() {
        out.push_str("No permissions.\n");
        return;
    }
    out.push_str("Permissions:\n");
    for a in &e.access {
        let _ = writeln!(out, "  {}:{}", a.resource_type, a.resource);
        // Permissions that come the same ways, together.
        let mut by_paths: BTreeMap<&Vec<Path>, Vec<PermissionType>> = BTreeMap::new();
        for g in &a.permissions {
            by_paths.entry(&g.paths).or_default().push(g.permission);
        }
        for (paths, permissions) in by_paths {
            let _ = writeln!(out, "    {}", list(&permissions));
            for path in paths {
                let _ = writeln!(
                    out,
                    "      via {}{}",
                    via(path),
                    default_mark(path, defaults)
                );
            }
        }
    }
}

fn on(resource: &ResourceSelector) -> String {
    format!("on {resource}")
}

fn verdict(out: &mut String, subject: &Subject, v: &Verdict, defaults: bool) {
    let c = &v.check;
    if v.granted {
        let _ = writeln!(out, "\nCheck {c}: granted");
        for g in &v.paths {
            let _ = writeln!(
                out,
                "  {} via {}{}",
                on(&g.resource),
                via(&g.path),
                default_mark(&g.path, defaults)
            );
        }
        return;
    }
    let _ = writeln!(out, "\nCheck {c}: NOT granted");
    if v.near_misses.is_empty() {
        let _ = writeln!(
            out,
            "  Nothing in this state holds {} on {}:{} (nor on {}:*).",
            c.permission, c.resource_type, c.resource_id, c.resource_type
        );
        return;
    }
    out.push_str("  Nearest misses:\n");
    for miss in &v.near_misses {
        let line = match miss {
            NearMiss::NotAMember {
                holder: Principal::MappingRule(id),
                resource,
                ..
            } => match subject {
                Subject::Token { .. } => format!(
                    "mapping rule {id} has it ({}), but the token does not match it",
                    on(resource)
                ),
                Subject::Principal { .. } => format!(
                    "mapping rule {id} has it ({}): a token that matches it gets it",
                    on(resource)
                ),
            },
            NearMiss::NotAMember {
                holder,
                resource,
                groups,
            } => {
                let kind = match holder {
                    Principal::Group(_) => "group",
                    _ => "role",
                };
                let mut line = format!(
                    "{kind} {} has it ({}), but {subject} is not a member",
                    holder.id(),
                    on(resource)
                );
                if !groups.is_empty() {
                    let _ = write!(
                        line,
                        "; the groups in that role have it too: {}",
                        list(groups)
                    );
                }
                line
            }
            NearMiss::OtherResources { resources } => format!(
                "the permission exists on ID {}, not on {}",
                list(resources),
                c.resource_id
            ),
            NearMiss::OtherPermissions { permissions } => format!(
                "{subject} has {} on {}:{}, not {}",
                list(permissions),
                c.resource_type,
                c.resource_id,
                c.permission
            ),
        };
        let _ = writeln!(out, "  - {line}");
    }
}

/// What the permission asked about means in API terms.
fn check_operations(out: &mut String, doc: &ExplainDocument) {
    let (Some(v), false) = (&doc.check, doc.check_operations.is_empty()) else {
        return;
    };
    if v.granted {
        let ids: Vec<&str> = doc.check_operations.iter().map(|o| o.id.as_str()).collect();
        let _ = writeln!(out, "  It allows: {}", ids.join(", "));
        return;
    }
    let id = &v.check.resource_id;
    let _ = writeln!(out, "  Without it, on {}:{id}:", v.check.resource_type);
    let (left_out, refused) = if id == "*" {
        (
            "leaves out everything it may not read, with no error (Camunda filters by this permission)".to_owned(),
            "is refused (403 Forbidden) where it lacks the permission".to_owned(),
        )
    } else {
        (
            format!("leaves out {id}, with no error (Camunda filters by this permission)"),
            format!("is refused (403 Forbidden) for {id}"),
        )
    };
    for o in &doc.check_operations {
        let answer = match o.enforcement {
            Enforcement::Filter => left_out.as_str(),
            Enforcement::Reject => refused.as_str(),
        };
        let others: Vec<String> = o
            .any_of
            .iter()
            .filter(|n| {
                (n.resource_type, n.permission) != (v.check.resource_type, v.check.permission)
            })
            .map(|n| format!("{}:{}", n.resource_type, n.permission))
            .collect();
        if o.dynamic {
            let _ = writeln!(
                out,
                "    {} {refused} when Camunda asks for this permission (it decides at run time; otherwise {})",
                o.label(),
                others.join(" or ")
            );
            continue;
        }
        let also = if !others.is_empty() {
            format!(" unless it has {}", others.join(" or "))
        } else {
            String::new()
        };
        let _ = writeln!(out, "    {} {answer}{also}", o.label());
    }
}

/// The operations the subject may call.
fn operations(out: &mut String, callable: &[Callable]) {
    if callable.is_empty() {
        out.push_str("\nOperations it may call: none of the REST operations in the table.\n");
        return;
    }
    out.push_str("\nOperations it may call:\n");
    let width = callable
        .iter()
        .map(|c| c.operation.id.len())
        .max()
        .unwrap_or(0);
    for c in callable {
        let o = &c.operation;
        let on: Vec<String> = c.resources.iter().map(ToString::to_string).collect();
        let filtered = if o.enforcement == Enforcement::Filter {
            "  (returns only those)".to_owned()
        } else if o.dynamic {
            let through: Vec<String> = c.through.iter().map(|n| n.permission.to_string()).collect();
            format!("  (when Camunda asks for {})", through.join(" or "))
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "  {:width$}  {} {}  on {}{filtered}",
            o.id,
            o.method,
            o.path,
            on.join(", ")
        );
    }
}

fn notes(out: &mut String, notes: &[String]) {
    if !notes.is_empty() {
        out.push('\n');
    }
    for n in notes {
        let _ = writeln!(out, "Note: {n}");
    }
}

/// `explain` as text.
pub fn human(doc: &ExplainDocument) -> String {
    let e = &doc.explanation;
    let mut out = format!("Access of {}, {}\n\n", e.subject, source(&doc.source));
    token(&mut out, e);
    if !e.memberships.is_empty() {
        out.push_str("Member of:\n");
        for r in &e.memberships {
            let _ = writeln!(out, "  {}", membership(r));
        }
        out.push('\n');
    }
    let defaults = doc.source.is_files();
    access(&mut out, e, defaults);
    if let Some(v) = &doc.check {
        verdict(&mut out, &e.subject, v, defaults);
        check_operations(&mut out, doc);
    }
    if let Some(callable) = &doc.operations {
        operations(&mut out, callable);
    }
    notes(&mut out, &doc.notes);
    out
}

/// `who-can` as text.
pub fn who_can(doc: &WhoCanDocument) -> String {
    let c = &doc.check;
    let mut out = format!(
        "Who holds {} on {}:{}, {}\n\n",
        c.permission,
        c.resource_type,
        c.resource_id,
        source(&doc.source)
    );
    if doc.holders.is_empty() {
        out.push_str("Nobody.\n");
    }
    let width = doc
        .holders
        .iter()
        .map(|h| h.principal.to_string().len())
        .max()
        .unwrap_or(0);
    for h in &doc.holders {
        for (i, g) in h.paths.iter().enumerate() {
            let name = if i == 0 {
                h.principal.to_string()
            } else {
                String::new()
            };
            let scope = match &g.resource {
                ResourceSelector::Id(id) if *id == c.resource_id => String::new(),
                other => format!(" ({})", on(other)),
            };
            let _ = writeln!(
                out,
                "  {name:width$}  via {}{scope}{}",
                via(&g.path),
                default_mark(&g.path, doc.source.is_files())
            );
        }
    }
    if !doc.holders.is_empty() {
        let n = doc.holders.len();
        let _ = writeln!(out, "\n{n} principal{}.", if n == 1 { "" } else { "s" });
    }
    notes(&mut out, &doc.notes);
    out
}
