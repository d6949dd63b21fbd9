//! `camunda-access validate`: diagnostics users see, exit codes, JSON.

use std::collections::BTreeSet;
use std::fs;

use crate::common::{Case, root, run, stderr, stdout, validate_json};

#[test]
fn examples_are_valid() {
    let mut case = Case::new().args(["validate", "examples/"]).code(0);
    for example in [
        "quickstart",
        "multi-tenant",
        "oidc-groups-claim",
        "platform-team",
    ] {
        case = case.stdout_has(&format!("examples/{example}: valid"));
    }
    case.run();
}

#[test]
fn examples_are_valid_for_8_9_too() {
    Case::new()
        .args(["validate", "examples/", "--camunda-version", "8.9"])
        .code(0)
        .run();
}

#[test]
fn examples_are_valid_for_8_10_too() {
    Case::new()
        .args(["validate", "examples/", "--camunda-version", "8.10"])
        .code(0)
        .run();
}

/// Camunda 8.10's new resource types: a `SECRET` `READ` grant is valid for
/// 8.10, and 8.9 refuses it with the diagnostic naming the version.
#[test]
fn secret_read_is_valid_for_8_10_and_refused_by_8_9() {
    let secret = "version: 1\nclients:\n  - id: connectors-runtime\n    permissions:\n      - resource: SECRET\n        id: \"*\"\n        allow: [READ]\n";
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("access.yaml"), secret).unwrap();
    Case::in_dir(dir)
        .args(["validate", ".", "--camunda-version", "8.10"])
        .code(0)
        .stdout_has("valid")
        .run();
    Case::in_dir(dir)
        .args(["validate", ".", "--camunda-version", "8.9"])
        .code(1)
        .stderr_has("resource type SECRET does not exist in Camunda 8.9")
        .stderr_has("SECRET exists from Camunda 8.10 on; validate with --camunda-version 8.10")
        .run();
    let (code, json) = validate_json(dir, &[".", "--camunda-version", "8.9"]);
    assert_eq!(code, 1);
    let codes: Vec<_> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(codes, ["unknown-resource-type"], "{json}");
    // 8.10's new permission on an old resource type needs 8.10 too.
    let suspend = "version: 1\nclients:\n  - id: ops\n    permissions:\n      - resource: PROCESS_DEFINITION\n        id: \"*\"\n        allow: [SUSPEND_PROCESS_INSTANCE]\n";
    fs::write(dir.join("access.yaml"), suspend).unwrap();
    Case::in_dir(dir)
        .args(["validate", ".", "--camunda-version", "8.10"])
        .code(0)
        .run();
    Case::in_dir(dir)
        .args(["validate", ".", "--camunda-version", "8.9"])
        .code(1)
        .stderr_has("permission SUSPEND_PROCESS_INSTANCE does not exist in Camunda 8.9")
        .run();
}

/// The whole corpus of mistakes, rendered as a user sees it (no colour,
/// fixed width), one snapshot per file.
#[test]
fn corpus_of_mistakes() {
    let dir = root().join("tests/corpus");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 20, "the corpus has {} files", files.len());
    let mut codes = BTreeSet::new();
    for file in &files {
        let text = fs::read_to_string(dir.join(file)).unwrap();
        let version = if text.starts_with("# camunda-version: 8.9") {
            "8.9"
        } else {
            "8.8"
        };
        let output = run(
            &dir,
            &[
                "--color",
                "never",
                "validate",
                file,
                "--camunda-version",
                version,
            ],
        );
        let code = output.status.code().unwrap();
        let rendered = format!(
            "exit: {code}\n--- stdout\n{}--- stderr\n{}",
            stdout(&output),
            stderr(&output)
        );
        insta::assert_snapshot!(file.trim_end_matches(".yaml"), rendered);
        let (_, json) = validate_json(&dir, &[file, "--camunda-version", version]);
        for d in json["diagnostics"].as_array().unwrap() {
            codes.insert(d["code"].as_str().unwrap().to_owned());
        }
    }
    // Every file is a distinct mistake: the corpus covers many codes.
    assert!(
        codes.len() >= 20,
        "only {} distinct codes: {codes:?}",
        codes.len()
    );
}

#[test]
fn group_permission_error_points_at_the_value_and_lists_supported() {
    let dir = root().join("tests/corpus");
    let (code, json) = validate_json(&dir, &["unsupported-permission.yaml"]);
    assert_eq!(code, 1);
    let d = &json["diagnostics"][0];
    assert_eq!(d["code"], "unsupported-permission");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], "unsupported-permission.yaml");
    assert_eq!(d["line"], 8);
    assert_eq!(d["column"], 23);
    assert_eq!(d["end_column"], 23 + "CREATE_PROCESS_INSTANCE".len() as u64);
    assert_eq!(
        d["help"],
        "GROUP supports in Camunda 8.8: CREATE, DELETE, READ, UPDATE"
    );

    Case::in_dir(&dir)
        .args([
            "--color",
            "never",
            "validate",
            "unsupported-permission.yaml",
        ])
        .code(1)
        .stderr_has("unsupported-permission.yaml:8:23")
        .stderr_has("CREATE, DELETE, READ, UPDATE")
        .run();
}

#[test]
fn ten_mistakes_in_two_files_are_reported_in_one_run() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("a.yaml"),
        r#"version: 1
groups:
  - id: team/a
  - id: ops
    members-mode: sometimes
    permissions:
      - resource: GROUP
        id: "*"
        allow: [CREATE_PROCESS_INSTANCE]
      - resource: MESAGE
        id: "*"
        allow: [CREATE]
      - resource: DOCUMENT
        id: "doc*"
        allow: [READ]
      - resource: DOCUMENT
        ids: [a]
        allow: []
"#,
    )
    .unwrap();
    fs::write(
        tmp.path().join("b.yaml"),
        r#"version: 1
groups:
  - id: ops
tenants:
  - id: a-tenant-id-that-is-far-too-long-for-camunda
mapping-rules:
  - id: r1
    claim: groups
    value: x
  - id: r2
    claim: groups
    value: x
users:
  - username: carol
    email: not-an-address
    name: ${env:SURELY_UNSET_VARIABLE_FOR_TESTS}
policy:
  prune: [everything]
"#,
    )
    .unwrap();
    let (code, json) = validate_json(tmp.path(), &["."]);
    assert_eq!(code, 1);
    let diagnostics = json["diagnostics"].as_array().unwrap();
    let files: BTreeSet<&str> = diagnostics
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, BTreeSet::from(["./a.yaml", "./b.yaml"]));
    let codes: BTreeSet<&str> = diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    let expected = [
        "invalid-id",
        "invalid-members-mode",
        "unsupported-permission",
        "unknown-resource-type",
        "partial-wildcard",
        "empty-allow",
        "duplicate-id",
        "invalid-tenant-id",
        "duplicate-claim",
        "invalid-email",
        "unset-variable",
        "unknown-prune-kind",
    ];
    for code in expected {
        assert!(codes.contains(code), "{code} missing: {codes:?}");
    }
    // The duplicate points at both places.
    let dup = diagnostics
        .iter()
        .find(|d| d["code"] == "duplicate-id")
        .unwrap();
    assert_eq!(dup["file"], "./b.yaml");
    assert_eq!(dup["related"][0]["file"], "./a.yaml");
    assert_eq!(dup["related"][0]["line"], 4);
}

#[test]
fn warnings_do_not_fail() {
    let dir = root().join("tests/corpus");
    let (code, json) = validate_json(&dir, &["undeclared-reference.yaml"]);
    assert_eq!(code, 0);
    assert_eq!(json["valid"], true);
    assert_eq!(json["diagnostics"][0]["severity"], "warning");
    assert_eq!(json["diagnostics"][0]["code"], "undeclared-reference");
}

#[test]
fn json_document_shape() {
    let (code, json) = validate_json(&root(), &["examples/quickstart"]);
    assert_eq!(code, 0);
    assert_eq!(json["format_version"], 1);
    assert_eq!(json["camunda_version"], "8.8");
    assert_eq!(json["valid"], true);
    assert_eq!(
        json["states"][0]["files"][0],
        "examples/quickstart/access.yaml"
    );
    assert_eq!(json["diagnostics"], serde_json::json!([]));
}

#[test]
fn path_defaults_to_the_current_directory() {
    let ran = Case::in_dir(&root().join("examples/quickstart"))
        .arg("validate")
        .code(0)
        .run();
    assert!(ran.stdout.starts_with(".: valid, 1 file"), "{}", ran.stdout);
}

#[test]
fn variables_come_from_the_environment() {
    let dir = root().join("tests/corpus");
    Case::in_dir(&dir)
        .args(["validate", "unset-variable.yaml"])
        .env("CAMUNDA_ACCESS_TEST_SURELY_UNSET_PASSWORD", "s3cret-canary")
        .code(0)
        .stdout_lacks("s3cret-canary")
        .stderr_lacks("s3cret-canary")
        .run();
}

#[test]
fn a_directory_without_yaml_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, json) = validate_json(tmp.path(), &["."]);
    assert_eq!(code, 1);
    assert_eq!(json["diagnostics"][0]["code"], "no-config");
    let (code, json) = validate_json(tmp.path(), &["missing.yaml"]);
    assert_eq!(code, 1);
    assert_eq!(json["diagnostics"][0]["code"], "file-unreadable");
}

#[test]
fn unknown_camunda_version_is_a_usage_error() {
    Case::new()
        .args(["validate", "examples/", "--camunda-version", "8.7"])
        // Not 2: that means "changes pending" for plan and "drift" for drift.
        .code(1)
        .stderr_has("unsupported Camunda version '8.7' (supported: 8.8, 8.9, 8.10)")
        .run();
}

#[test]
fn help_has_examples_and_completions_work() {
    Case::new()
        .args(["validate", "--help"])
        .code(0)
        .stdout_has("camunda-access validate access/prod")
        .run();
    Case::new()
        .args(["completions", "bash"])
        .code(0)
        .stdout_has("validate")
        .run();
}

#[test]
fn every_code_is_documented() {
    let docs = fs::read_to_string(root().join("docs/diagnostics.md")).unwrap();
    for code in camunda_access::config::Code::ALL {
        assert!(
            docs.contains(&format!("`{}`", code.as_str())),
            "{} is not in docs/diagnostics.md",
            code.as_str()
        );
    }
}

/// `--format sarif` is SARIF 2.1.0 with one located result per diagnostic
/// (the same places `--format json` reports) and a rule per code;
/// `--format github` prints one workflow command per diagnostic.
#[test]
fn sarif_and_github_annotations_locate_every_diagnostic() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("a.yaml"),
        "version: 1\ngroups:\n  - id: team/a\n  - id: ops\n    permissions:\n      - resource: GROUP\n        id: \"*\"\n        allow: [CREATE_PROCESS_INSTANCE]\nusers:\n  - username: ann\n    password: written-here\n",
    )
    .unwrap();
    let (_, json) = crate::common::validate_json(tmp.path(), &["."]);
    let diagnostics = json["diagnostics"].as_array().unwrap().clone();
    assert!(diagnostics.len() >= 3, "{json:#}");

    let sarif = Case::in_dir(tmp.path())
        .args(["validate", ".", "--format", "sarif"])
        .code(1)
        .json();
    assert_eq!(sarif["version"], "2.1.0");
    let run0 = &sarif["runs"][0];
    assert_eq!(run0["tool"]["driver"]["name"], "camunda-access");
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run0["results"].as_array().unwrap();
    assert_eq!(results.len(), diagnostics.len());
    for (result, d) in results.iter().zip(&diagnostics) {
        assert_eq!(result["ruleId"], d["code"]);
        let rule = &rules[result["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], d["code"]);
        assert!(rule["shortDescription"]["text"].as_str().unwrap().len() > 10);
        assert_eq!(
            result["level"],
            if d["severity"] == "warning" {
                "warning"
            } else {
                "error"
            }
        );
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startLine"], d["line"]);
        assert_eq!(region["startColumn"], d["column"]);
        assert_eq!(
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "a.yaml"
        );
    }
    assert!(
        results
            .iter()
            .any(|r| r["ruleId"] == "literal-password" && r["level"] == "warning"),
        "{sarif:#}"
    );

    let text = Case::in_dir(tmp.path())
        .args(["validate", ".", "--format", "github"])
        .code(1)
        .stdout_has("::warning file=a.yaml")
        .stdout_has("title=literal-password::")
        .run()
        .stdout;
    let commands: Vec<&str> = text.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(commands.len(), diagnostics.len(), "{text}");
    let first = &diagnostics[0];
    assert!(
        commands[0].starts_with(&format!(
            "::error file=a.yaml,line={},col={},",
            first["line"], first["column"]
        )),
        "{text}"
    );
}

/// Top-level `x-` keys are ignored, so anchors can be defined there; a
/// structure error says in plain words what shape belongs there.
#[test]
fn extension_keys_hold_anchors_and_shape_errors_say_what_belongs() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("a.yaml"),
        "version: 1\nx-grants: &grants\n  - resource: MESSAGE\n    id: \"*\"\n    allow: [CREATE]\nclients:\n  - id: one\n    permissions: *grants\n  - id: two\n    permissions: *grants\n",
    )
    .unwrap();
    let (code, json) = validate_json(tmp.path(), &["."]);
    assert_eq!(code, 0, "{json:#}");
    fs::write(
        tmp.path().join("a.yaml"),
        "version: 1\nclients:\n  - id: one\n    groups: team\n",
    )
    .unwrap();
    let (code, json) = validate_json(tmp.path(), &["."]);
    assert_eq!(code, 1);
    assert_eq!(json["diagnostics"][0]["code"], "invalid-type");
    assert!(
        json["diagnostics"][0]["help"]
            .as_str()
            .unwrap()
            .contains("a list belongs here, e.g. `groups: [team, ops]`"),
        "{json:#}"
    );
    // Other unknown top-level keys are still errors.
    fs::write(tmp.path().join("a.yaml"), "version: 1\nextras: 1\n").unwrap();
    let (code, json) = validate_json(tmp.path(), &["."]);
    assert_eq!(code, 1);
    assert_eq!(json["diagnostics"][0]["code"], "unknown-key");
}
