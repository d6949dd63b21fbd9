//! Hostile input: every case ends with a located error, never a panic or a hang.

use std::fs;
use std::path::Path;

use crate::common::{root, run, stderr, validate_json};

/// Validates one file written to a temporary directory; returns the first
/// diagnostic of the JSON report.
fn first_diagnostic(name: &str, bytes: &[u8]) -> serde_json::Value {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join(name), bytes).unwrap();
    let (code, json) = validate_json(tmp.path(), &[name]);
    assert_eq!(code, 1, "{json}");
    let d = json["diagnostics"][0].clone();
    assert_eq!(d["file"], name, "{json}");
    assert!(d["line"].as_u64().unwrap() >= 1, "{json}");
    d
}

fn assert_no_panic(dir: &Path, args: &[&str]) {
    let output = run(dir, args);
    let err = stderr(&output);
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn alias_bomb() {
    let mut yaml = String::from("version: 1\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let prev = i - 1;
        yaml.push_str(&format!(
            "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
        ));
    }
    let d = first_diagnostic("bomb.yaml", yaml.as_bytes());
    assert!(
        ["yaml-limit", "unknown-key"].contains(&d["code"].as_str().unwrap()),
        "{d}"
    );
    // Where aliases are valid, too many of them hit the limit.
    let refs = vec!["*a"; 20_000].join(", ");
    let yaml = format!("version: 1\ngroups:\n  - id: &a g\n    members:\n      users: [{refs}]\n");
    let d = first_diagnostic("many-aliases.yaml", yaml.as_bytes());
    assert_eq!(d["code"], "yaml-limit", "{d}");
}

#[test]
fn deep_nesting() {
    let depth = 10_000;
    let flow = format!(
        "version: 1\ngroups: {}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let d = first_diagnostic("flow.yaml", flow.as_bytes());
    assert_eq!(d["code"], "yaml-limit", "{d}");

    let mut block = String::from("version: 1\ngroups:\n");
    for i in 0..2_000 {
        block.push_str(&" ".repeat(2 * i + 2));
        block.push_str("- \n");
    }
    let d = first_diagnostic("block.yaml", block.as_bytes());
    assert!(
        ["yaml-limit", "invalid-type", "yaml-syntax"].contains(&d["code"].as_str().unwrap()),
        "{d}"
    );
}

#[test]
fn fifty_megabytes() {
    let mut yaml = String::from("version: 1\ngroups:\n");
    let mut i = 0;
    while yaml.len() < 50 * 1024 * 1024 {
        yaml.push_str(&format!(
            "  - id: group-{i:08}\n    name: A group with a long enough name\n"
        ));
        i += 1;
    }
    let d = first_diagnostic("huge.yaml", yaml.as_bytes());
    assert_eq!(d["code"], "file-too-large");
    assert_eq!(d["line"], 1);
}

#[test]
fn invalid_utf8() {
    let d = first_diagnostic("latin1.yaml", b"version: 1\ngroups:\n  - id: caf\xe9\n");
    assert_eq!(d["code"], "invalid-utf8");
    assert_eq!(d["line"], 3);
    assert_eq!(d["column"], 12);
}

#[test]
fn duplicate_keys_tabs_and_documents() {
    let d = first_diagnostic("dup.yaml", b"version: 1\nversion: 1\n");
    assert_eq!(d["code"], "duplicate-key");
    assert_eq!(d["line"], 2);
    let d = first_diagnostic("tabs.yaml", b"version: 1\ngroups:\n\t- id: x\n");
    assert_eq!(d["code"], "yaml-syntax");
    assert_eq!(d["line"], 3);
    let d = first_diagnostic(
        "docs.yaml",
        b"version: 1\n---\nversion: 1\n---\nversion: 1\n",
    );
    assert_eq!(d["code"], "multiple-documents");
    assert_eq!(d["line"], 2);
}

#[test]
fn binary_garbage_and_empty_files() {
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("garbage.yaml"), garbage).unwrap();
    assert_no_panic(tmp.path(), &["validate", "garbage.yaml"]);
    let d = first_diagnostic("empty.yaml", b"");
    assert_eq!(d["code"], "missing-version");
}

#[test]
fn the_corpus_never_panics_in_json_mode() {
    assert_no_panic(
        &root().join("tests/corpus"),
        &["validate", "--format", "json", "."],
    );
}
