//! What `drift --update-files` and `drift --diff` print: the files changed
//! or created, the differences not written (with their places), what was
//! left out, and the change as a unified diff.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::ops::drift::{DriftDocument, DriftReport};
use crate::ops::update_files::{FileUpdate, UpdatedFile};
use crate::plan::document::to_json;

/// A unified diff of every file of `update` (`--- a/…`, `+++ b/…`; a new
/// file from `/dev/null`), as `git apply` takes it.
pub fn diff(update: &FileUpdate) -> String {
    update.files.iter().map(file_diff).collect()
}

fn file_diff(file: &UpdatedFile) -> String {
    let path = file.path.to_string_lossy();
    let path = path.strip_prefix("./").unwrap_or(&path);
    let old = match file.before {
        Some(_) => format!("a/{path}"),
        None => "/dev/null".to_owned(),
    };
    let before = file.before.as_deref().unwrap_or("");
    similar::TextDiff::from_lines(before, &file.after)
        .unified_diff()
        .context_radius(3)
        .header(&old, &format!("b/{path}"))
        .to_string()
}

/// The summary under the drift report: which files were (or would be)
/// changed, what could not be written, and what was left out.
pub fn human(update: &FileUpdate, written: bool) -> String {
    let mut out = String::new();
    if update.files.is_empty() {
        out.push_str("\nThe files already declare what the cluster holds; none was changed.\n");
    } else {
        let verb = if written { "updated" } else { "to update" };
        let _ = writeln!(out, "\nFiles {verb} to match the cluster:");
        for file in &update.files {
            let (sign, note) = match file.before {
                Some(_) => ("~", ""),
                None => ("+", " (new file)"),
            };
            let _ = writeln!(out, "  {sign} {}{note}", file.path.display());
        }
    }
    out.push_str(&notes(update));
    out
}

/// The refused edits and what was left out, for stderr next to a diff or
/// under the summary.
pub fn notes(update: &FileUpdate) -> String {
    let mut out = String::new();
    if !update.refused.is_empty() {
        out.push_str("\nNot written to the files (change them by hand):\n");
        for why in &update.refused {
            let _ = writeln!(out, "  ! {why}");
        }
    }
    if !update.left_alone.is_empty() {
        out.push_str("\nLeft out of the files:\n");
        for why in &update.left_alone {
            let _ = writeln!(out, "  ? {why}");
        }
    }
    out
}

/// The drift document with the update: `files` (each `path`, `status`
/// `changed` or `created`, and its `diff`), `written`, `refused` and
/// `left_alone`.
pub fn json(report: &DriftReport, target: &str, update: &FileUpdate, written: bool) -> String {
    let mut document =
        serde_json::to_value(DriftDocument::new(report, target)).expect("documents serialize");
    let files: Vec<Value> = update
        .files
        .iter()
        .map(|f| {
            json!({
                "path": f.path.to_string_lossy(),
                "status": if f.before.is_some() { "changed" } else { "created" },
                "diff": file_diff(f),
            })
        })
        .collect();
    if let Value::Object(map) = &mut document {
        map.insert("files".into(), Value::Array(files));
        map.insert("written".into(), Value::Bool(written));
        map.insert("refused".into(), json!(update.refused));
        map.insert("left_alone".into(), json!(update.left_alone));
    }
    to_json(&document)
}
