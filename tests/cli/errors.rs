//! Errors as users see them: rendered once, with the request that failed
//! and the help that goes with it, on stderr and in the JSON document.

use crate::common::{against, stderr, stdout};

const ONE_GROUP: &str = "version: 1\ngroups:\n  - id: g\n    name: G\n";

/// An address where nothing listens: a port bound and released.
fn nowhere() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

#[test]
fn an_unreachable_cluster_is_named_with_the_request_and_the_help() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("access.yaml"), ONE_GROUP).unwrap();
    let output = against(dir.path(), &nowhere(), &["plan", "."]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error: reading the cluster: GET /v2/topology failed:"),
        "{err}"
    );
    assert!(
        err.contains("\n  help: check CAMUNDA_REST_ADDRESS and that the cluster is reachable\n"),
        "{err}"
    );
    let lines = err.lines().filter(|l| l.starts_with("error:")).count();
    assert_eq!(lines, 1, "rendered once: {err}");
}

#[test]
fn a_json_error_document_carries_the_help() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("access.yaml"), ONE_GROUP).unwrap();
    let output = against(dir.path(), &nowhere(), &["drift", ".", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let document: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(document["ok"], false);
    assert_eq!(document["exit_code"], 1);
    assert_eq!(document["error"]["kind"], "error");
    assert_eq!(
        document["error"]["help"],
        "check CAMUNDA_REST_ADDRESS and that the cluster is reachable"
    );
}

#[test]
fn a_plan_file_that_is_not_one_is_named_and_nothing_is_read() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.json"), "{\"changes\": []}").unwrap();
    // The cluster is never asked: the plan file is read first.
    let output = against(dir.path(), &nowhere(), &["apply", "--plan", "plan.json"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("error: plan.json: not a plan file:"), "{err}");
    assert!(!err.contains("/v2/topology"), "{err}");
}
