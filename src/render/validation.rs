//! The result of `validate`: diagnostics plus one summary per desired state.

use std::path::PathBuf;

use serde_json::json;

use crate::config::Outcome;
use crate::model::CamundaVersion;
use crate::render::diagnostics::{self, DIAGNOSTICS_FORMAT_VERSION, Style};

/// One validated desired state.
#[derive(Debug)]
pub struct StateReport {
    /// The paths that form it.
    pub paths: Vec<PathBuf>,
    /// What validation found.
    pub outcome: Outcome,
}

fn name(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

fn count(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else if let Some(stem) = word.strip_suffix('y') {
        format!("{n} {stem}ies")
    } else {
        format!("{n} {word}s")
    }
}

/// Human output: (stdout summary lines, stderr diagnostics).
pub fn human(reports: &[StateReport], color: bool) -> (String, String) {
    let style = Style { color, width: 100 };
    let mut stdout = String::new();
    let mut stderr = String::new();
    for report in reports {
        let d = &report.outcome.diagnostics;
        stderr.push_str(&diagnostics::human(d, &report.outcome.sources, style));
        let files = count(report.outcome.sources.len(), "file");
        match &report.outcome.desired {
            Some(desired) => {
                let s = &desired.state;
                let warnings = match d.warning_count() {
                    0 => String::new(),
                    n => format!(" ({})", count(n, "warning")),
                };
                stdout.push_str(&format!(
                    "{}: valid, {files}: {}, {}, {}, {}, {}, {}, {}{warnings}\n",
                    name(&report.paths),
                    count(s.tenants.len(), "tenant"),
                    count(s.groups.len(), "group"),
                    count(s.roles.len(), "role"),
                    count(s.mapping_rules.len(), "mapping rule"),
                    count(s.users.len(), "user"),
                    count(s.memberships.len(), "membership"),
                    count(s.authorizations.len(), "authorization"),
                ));
            }
            None => stderr.push_str(&format!(
                "{}: invalid, {files}: {}\n",
                name(&report.paths),
                diagnostics::summary(d)
            )),
        }
    }
    (stdout, stderr)
}

/// JSON output: one document with every diagnostic and a summary per state.
pub fn json(reports: &[StateReport], version: CamundaVersion) -> String {
    let mut all = Vec::new();
    let mut states = Vec::new();
    for report in reports {
        let d = &report.outcome.diagnostics;
        all.extend(diagnostics::json_items(d, &report.outcome.sources));
        let files: Vec<String> = report
            .outcome
            .sources
            .iter()
            .map(|(_, f)| f.name.clone())
            .collect();
        states.push(json!({
            "paths": report.paths.iter().map(|p| p.to_string_lossy()).collect::<Vec<_>>(),
            "files": files,
            "valid": !d.has_errors(),
            "errors": d.error_count(),
            "warnings": d.warning_count(),
        }));
    }
    let valid = reports.iter().all(|r| !r.outcome.diagnostics.has_errors());
    let document = json!({
        "format_version": DIAGNOSTICS_FORMAT_VERSION,
        "camunda_version": version.as_str(),
        "valid": valid,
        "states": states,
        "diagnostics": all,
    });
    let mut text = serde_json::to_string_pretty(&document).expect("JSON always serializes");
    text.push('\n');
    text
}
