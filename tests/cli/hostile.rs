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

/// IDs with `/`, `..`, `%2F`, `?`, `#`, spaces and Unicode look-alikes are
/// rejected where Camunda rejects them — and `.`/`..`, which Camunda allows
/// but no URL path can carry, too — each at its line.
#[test]
fn hostile_identifiers_are_rejected_at_their_place() {
    let ids = ["a/b", "..", ".", "%2F", "x?y", "x#y", "a b", "аdmin"];
    let mut yaml = String::from("version: 1\ngroups:\n");
    for id in ids {
        yaml.push_str(&format!("  - id: {}\n", serde_json::to_string(id).unwrap()));
    }
    yaml.push_str("clients:\n  - id: \"evil/../roles/admin\"\n");
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("ids.yaml"), yaml).unwrap();
    let (code, json) = validate_json(tmp.path(), &["ids.yaml"]);
    assert_eq!(code, 1);
    let lines: Vec<u64> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| d["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [3, 4, 5, 6, 7, 8, 9, 10, 12], "{json}");
    let messages = json.to_string();
    assert!(messages.contains("is a dot segment"), "{messages}");
}

/// Against a cluster: a live group named `..` (Camunda allows it) is never
/// addressed — its member lists are not read and deleting it is refused
/// without a request — and `<default>` reaches the tenant route as one
/// encoded segment. The simulator's route counters prove no request
/// reached another route.
#[test]
fn hostile_live_identifiers_never_reach_another_route() {
    use camunda_access::model::CamundaVersion;
    use camunda_access::sim::{Background, SimConfig};
    let sim = Background::start(SimConfig::new(CamundaVersion::V8_8)).unwrap();
    let base = sim.url();
    crate::fixtures::send(
        &base,
        "POST",
        "/v2/groups",
        Some(serde_json::json!({"groupId": "..", "name": "Dots"})),
    );
    crate::fixtures::send(&base, "DELETE", "/_sim/requests", None);
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("access.yaml"),
        "version: 1\npolicy:\n  prune: [groups]\ntenants:\n  - id: <default>\n    members-mode: additive\n    members:\n      clients: [ci]\ngroups:\n  - id: team\n",
    )
    .unwrap();
    let output = crate::common::cmd(tmp.path())
        .args(["apply", ".", "--auto-approve"])
        .env("CAMUNDA_REST_ADDRESS", &base)
        .env("CAMUNDA_AUTH_STRATEGY", "NONE")
        .output()
        .unwrap();
    let (out, err) = (crate::common::stdout(&output), stderr(&output));
    assert_eq!(output.status.code(), Some(1), "{out}{err}");
    assert!(
        err.contains(
            "warning: left alone, not read: the users of group:..: its ID cannot be addressed"
        ),
        "{err}"
    );
    assert!(
        out.contains("failed   - group ..: DELETE /v2/groups/.. not sent: a `.` or `..` ID cannot be addressed"),
        "{out}"
    );
    let counted = crate::fixtures::send(&base, "GET", "/_sim/requests", None);
    let routes: Vec<&String> = counted.as_object().unwrap().keys().collect();
    for route in &routes {
        assert!(
            !route.starts_with("DELETE") && !route.contains("(unmatched)"),
            "{route} in {counted}"
        );
    }
    assert_eq!(
        counted["PUT /v2/tenants/{tenantId}/clients/{clientId}"], 1,
        "{counted}"
    );
    let state = crate::fixtures::send(&base, "GET", "/_sim/state", None);
    assert!(
        state["groups"][".."].is_object(),
        "the group is still there"
    );
    assert!(
        state["members"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["relation_id"] == "<default>" && m["entity_id"] == "ci")
    );
}
