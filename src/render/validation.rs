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

/// SARIF 2.1.0, for GitHub code scanning and other SARIF consumers: one
/// rule per diagnostic code that occurs (its summary, and its help when a
/// diagnostic gives one), one result per diagnostic with its file, line,
/// column and level.
pub fn sarif(reports: &[StateReport]) -> String {
    let items: Vec<serde_json::Value> = reports
        .iter()
        .flat_map(|r| diagnostics::json_items(&r.outcome.diagnostics, &r.outcome.sources))
        .collect();
    let mut codes: Vec<&str> = items.iter().filter_map(|i| i["code"].as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    let rules: Vec<serde_json::Value> = codes
        .iter()
        .map(|code| {
            let found = crate::config::diagnostic::Code::ALL
                .iter()
                .find(|c| c.as_str() == *code);
            let summary = found.map_or("", |c| c.summary());
            let level = match found.map(|c| c.severity()) {
                Some(crate::config::diagnostic::Severity::Warning) => "warning",
                _ => "error",
            };
            let help = items
                .iter()
                .find(|i| i["code"] == *code && i["help"].is_string())
                .and_then(|i| i["help"].as_str())
                .unwrap_or(summary);
            json!({
                "id": code,
                "name": code,
                "shortDescription": {"text": summary},
                "fullDescription": {"text": summary},
                "help": {"text": help},
                "defaultConfiguration": {"level": level},
            })
        })
        .collect();
    let results: Vec<serde_json::Value> = items
        .iter()
        .map(|i| {
            let code = i["code"].as_str().unwrap_or_default();
            let level = if i["severity"] == "warning" {
                "warning"
            } else {
                "error"
            };
            let mut message = i["message"].as_str().unwrap_or_default().to_owned();
            if let Some(help) = i["help"].as_str() {
                message.push_str(&format!(" (help: {help})"));
            }
            let mut result = json!({
                "ruleId": code,
                "ruleIndex": codes.iter().position(|c| *c == code).unwrap_or(0),
                "level": level,
                "message": {"text": message},
            });
            if let Some(file) = i["file"].as_str() {
                result["locations"] = json!([{
                    "physicalLocation": {
                        "artifactLocation": {"uri": file.trim_start_matches("./")},
                        "region": {
                            "startLine": i["line"],
                            "startColumn": i["column"],
                            "endLine": i["end_line"],
                            "endColumn": i["end_column"],
                        }
                    }
                }]);
            }
            result
        })
        .collect();
    let document = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "camunda-access",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&document).expect("JSON always serializes");
    text.push('\n');
    text
}

/// GitHub Actions workflow commands, so diagnostics show inline on pull
/// requests: `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=CODE::message`.
pub fn github(reports: &[StateReport]) -> String {
    // Workflow-command escaping: properties and messages.
    fn data(text: &str) -> String {
        text.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    }
    fn property(text: &str) -> String {
        data(text).replace(':', "%3A").replace(',', "%2C")
    }
    let mut out = String::new();
    for report in reports {
        for i in diagnostics::json_items(&report.outcome.diagnostics, &report.outcome.sources) {
            let command = if i["severity"] == "warning" {
                "warning"
            } else {
                "error"
            };
            let code = i["code"].as_str().unwrap_or_default();
            let mut props = Vec::new();
            if let Some(file) = i["file"].as_str() {
                props.push(format!("file={}", property(file.trim_start_matches("./"))));
                for (key, name) in [
                    ("line", "line"),
                    ("column", "col"),
                    ("end_line", "endLine"),
                    ("end_column", "endColumn"),
                ] {
                    if let Some(n) = i[key].as_u64() {
                        props.push(format!("{name}={n}"));
                    }
                }
            }
            props.push(format!("title={}", property(code)));
            let mut message = i["message"].as_str().unwrap_or_default().to_owned();
            if let Some(help) = i["help"].as_str() {
                message.push_str(&format!("\nhelp: {help}"));
            }
            out.push_str(&format!(
                "::{command} {}::{}\n",
                props.join(","),
                data(&message)
            ));
        }
        let d = &report.outcome.diagnostics;
        out.push_str(&format!(
            "{}: {}\n",
            name(&report.paths),
            if d.has_errors() {
                format!("invalid, {}", diagnostics::summary(d))
            } else {
                "valid".to_owned()
            }
        ));
    }
    out
}
