//! The committed JSON Schema matches the code, and the examples match it.

use std::fs;
use std::path::Path;

use crate::common::{root, run, stdout};

pub(crate) fn compiled_schema() -> jsonschema::Validator {
    let text = fs::read_to_string(root().join("schema/camunda-access.schema.json")).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).expect("the schema compiles")
}

pub(crate) fn yaml_to_json(path: &Path) -> serde_json::Value {
    let text = fs::read_to_string(path).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn committed_schema_equals_generated() {
    let output = run(&root(), &["schema"]);
    assert_eq!(output.status.code(), Some(0));
    let committed = fs::read_to_string(root().join("schema/camunda-access.schema.json")).unwrap();
    assert!(
        stdout(&output) == committed,
        "schema/camunda-access.schema.json is stale: run `cargo run -- schema > schema/camunda-access.schema.json`"
    );
}

fn example_files() -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![root().join("examples")];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                // CI recipes are workflows, not desired states.
                if !path.ends_with("ci") {
                    dirs.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_example_validates_against_the_schema_and_names_it() {
    let validator = compiled_schema();
    let files = example_files();
    assert!(files.len() >= 8, "{files:?}");
    for path in files {
        let text = fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with(
                "# yaml-language-server: $schema=../../schema/camunda-access.schema.json"
            ),
            "{} lacks the schema comment",
            path.display()
        );
        let instance = yaml_to_json(&path);
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
    }
}

#[test]
fn the_schema_rejects_what_the_tool_rejects() {
    let validator = compiled_schema();
    for (yaml, why) in [
        ("groups: []\n", "no version"),
        ("version: 2\n", "wrong version"),
        (
            "version: 1\ngroups:\n  - id: g\n    member: {}\n",
            "unknown key",
        ),
        (
            "version: 1\nclients:\n  - id: c\n    permissions:\n      - resource: NOPE\n        id: \"*\"\n        allow: [READ]\n",
            "unknown resource type",
        ),
        (
            "version: 1\nclients:\n  - id: c\n    permissions:\n      - resource: GROUP\n        id: \"*\"\n        allow: []\n",
            "empty allow",
        ),
    ] {
        let instance: serde_json::Value = serde_saphyr::from_str(yaml).unwrap();
        assert!(!validator.is_valid(&instance), "schema accepted: {why}");
    }
}

#[test]
fn committed_plan_schema_equals_generated() {
    let output = run(&root(), &["schema", "--plan"]);
    assert_eq!(output.status.code(), Some(0));
    let committed =
        fs::read_to_string(root().join("schema/camunda-access-plan.schema.json")).unwrap();
    assert!(
        stdout(&output) == committed,
        "schema/camunda-access-plan.schema.json is stale: run `cargo run -- schema --plan > schema/camunda-access-plan.schema.json`"
    );
}

/// A cluster and files whose plan holds every kind of change, cascades,
/// unmanaged objects, a warning and a violation.
const EVERY_KIND: &str = r#"version: 1
policy:
  prune: [groups]
  protect: [group:nothing]
groups:
  - id: g
    name: After
    members:
      clients: [ci]
clients:
  - id: ci
    permissions:
      - resource: PROCESS_DEFINITION
        id: x
        allow: [READ_PROCESS_DEFINITION, UPDATE_PROCESS_INSTANCE]
      - resource: AUTHORIZATION
        id: "*"
        allow: [UPDATE]
"#;

#[test]
fn real_plans_validate_against_the_plan_schema() {
    use crate::common::Case;
    use crate::fixtures::{grant, group, send};

    let text = fs::read_to_string(root().join("schema/camunda-access-plan.schema.json")).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the plan schema compiles");
    let case = Case::new().file("access.yaml", EVERY_KIND).sim();
    let base = case.url();
    group(&base, "g", "Before");
    group(&base, "old", "Old");
    send(&base, "PUT", "/v2/groups/old/clients/c1", None);
    send(&base, "PUT", "/v2/groups/g/clients/w", None);
    send(
        &base,
        "POST",
        "/v2/roles",
        Some(serde_json::json!({"roleId": "hand", "name": "Hand"})),
    );
    grant(
        &base,
        ("CLIENT", "ci"),
        ("PROCESS_DEFINITION", "x"),
        &["READ_PROCESS_DEFINITION"],
    );
    grant(&base, ("CLIENT", "ci"), ("MESSAGE", "*"), &["CREATE"]);

    let plan = case.args(["plan", "--format", "json"]).code(0).json();
    let actions: std::collections::BTreeSet<&str> = plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions.into_iter().collect::<Vec<_>>(),
        [
            "add-member",
            "create-authorization",
            "delete",
            "delete-authorization",
            "remove-member",
            "update",
            "update-authorization"
        ],
        "{plan:#}"
    );
    for field in ["unmanaged", "warnings", "violations", "effective_access"] {
        assert!(
            !plan[field].as_array().unwrap().is_empty(),
            "{field} is empty: {plan:#}"
        );
    }
    let errors: Vec<String> = validator
        .iter_errors(&plan)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // A fresh cluster's plan creates entities too.
    let created = Case::new()
        .sim()
        .args(["plan", "--format", "json", "examples/quickstart"])
        .code(0)
        .json();
    assert!(validator.is_valid(&created));

    // The schema holds the document to its types.
    let mut broken = plan.clone();
    broken["changes"][0]["risks"] = serde_json::json!(["catastrophe"]);
    assert!(!validator.is_valid(&broken), "an unknown risk passed");
    let mut broken = plan;
    broken["violations"][0]["rule"] = serde_json::json!("no-such-rule");
    assert!(!validator.is_valid(&broken), "an unknown rule passed");
}
