//! `camunda-access plan` against the embedded simulator.

use std::fs;

use camunda_access::model::CamundaVersion;
use camunda_access::sim::{Background, SimConfig};
use serde_json::{Value, json};

use crate::common::{root, run, stderr, stdout};

#[test]
fn quickstart_on_a_fresh_cluster_creates_everything() {
    let output = run(
        &root(),
        &[
            "plan",
            "--sim",
            "examples/quickstart",
            "--detailed-exitcode",
        ],
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    insta::assert_snapshot!("quickstart_human", stdout(&output));

    let output = run(
        &root(),
        &["plan", "--sim", "examples/quickstart", "--format", "json"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let plan: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(plan["format_version"], 1);
    assert_eq!(
        plan["summary"],
        json!({"add": 13, "change": 0, "destroy": 0})
    );
    // Effective access per client, through the group and its role.
    let worker = plan["effective_access"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["principal"]["id"] == "order-worker")
        .unwrap();
    assert!(worker["gained"].as_array().unwrap().contains(
        &json!({"resource_type": "MESSAGE", "resource": {"id": "*"}, "permission": "CREATE"})
    ));
    insta::assert_json_snapshot!("quickstart_json", plan);

    let output = run(
        &root(),
        &[
            "plan",
            "--sim",
            "examples/quickstart",
            "--format",
            "markdown",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    insta::assert_snapshot!("quickstart_markdown", stdout(&output));
}

/// Builds the quickstart's state in a simulator by hand, dumps it, and plans
/// against that dump: nothing to do.
#[test]
fn a_converged_cluster_plans_nothing() {
    let sim = Background::start(SimConfig::new(CamundaVersion::V8_8)).unwrap();
    let base = sim.url();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let http = reqwest::Client::new();
    let send = |method: &str, path: &str, body: Option<Value>| {
        let mut request = http.request(method.parse().unwrap(), format!("{base}/v2{path}"));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let status = rt.block_on(request.send()).unwrap().status();
        assert!(status.is_success(), "{method} {path}: {status}");
    };
    let auth = |owner_type: &str, owner: &str, rt: &str, id: &str, perms: Value| json!({"ownerId": owner, "ownerType": owner_type, "resourceType": rt, "resourceId": id, "permissionTypes": perms});
    send(
        "POST",
        "/groups",
        Some(json!({"groupId": "order-workers", "name": "Order workers"})),
    );
    send(
        "POST",
        "/roles",
        Some(
            json!({"roleId": "deployer", "name": "Deployer", "description": "Deploys and reads process, decision and form resources"}),
        ),
    );
    send(
        "POST",
        "/roles",
        Some(
            json!({"roleId": "order-job-worker", "name": "Order job worker", "description": "Activates and completes jobs of the order processes"}),
        ),
    );
    send("PUT", "/groups/order-workers/clients/order-worker", None);
    send("PUT", "/roles/deployer/clients/ci-deployer", None);
    send("PUT", "/roles/order-job-worker/groups/order-workers", None);
    for body in [
        auth(
            "CLIENT",
            "order-worker",
            "DOCUMENT",
            "*",
            json!(["CREATE", "READ"]),
        ),
        auth(
            "ROLE",
            "deployer",
            "DECISION_DEFINITION",
            "*",
            json!(["READ_DECISION_DEFINITION"]),
        ),
        auth(
            "ROLE",
            "deployer",
            "PROCESS_DEFINITION",
            "*",
            json!(["READ_PROCESS_DEFINITION"]),
        ),
        auth(
            "ROLE",
            "deployer",
            "RESOURCE",
            "*",
            json!(["CREATE", "READ"]),
        ),
        auth(
            "ROLE",
            "order-job-worker",
            "MESSAGE",
            "*",
            json!(["CREATE"]),
        ),
        auth(
            "ROLE",
            "order-job-worker",
            "PROCESS_DEFINITION",
            "order-cancellation",
            json!([
                "READ_PROCESS_DEFINITION",
                "READ_PROCESS_INSTANCE",
                "UPDATE_PROCESS_INSTANCE"
            ]),
        ),
        auth(
            "ROLE",
            "order-job-worker",
            "PROCESS_DEFINITION",
            "order-fulfilment",
            json!([
                "READ_PROCESS_DEFINITION",
                "READ_PROCESS_INSTANCE",
                "UPDATE_PROCESS_INSTANCE"
            ]),
        ),
    ] {
        send("POST", "/authorizations", Some(body));
    }
    let state: Value = rt
        .block_on(async {
            http.get(format!("{base}/_sim/state"))
                .send()
                .await?
                .json()
                .await
        })
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let seed = tmp.path().join("state.json");
    fs::write(&seed, state.to_string()).unwrap();
    let output = run(
        &root(),
        &[
            "plan",
            "--sim",
            "--sim-seed",
            seed.to_str().unwrap(),
            "examples/quickstart",
            "--detailed-exitcode",
        ],
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(stdout(&output).contains("No changes."));
}

#[test]
fn references_missing_from_config_and_cluster_are_errors_at_their_place() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("access.yaml"),
        "version: 1\nclients:\n  - id: worker\n    roles: [admin, process-operator]\n",
    )
    .unwrap();
    let output = run(tmp.path(), &["--color", "never", "plan", "--sim", "."]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("unresolved-reference"), "{err}");
    assert!(err.contains("access.yaml:4:20"), "{err}");
    // Against a cluster, the offline warning gives way to the real check.
    assert!(!err.contains("undeclared-reference"), "{err}");
    assert!(
        err.contains("role:process-operator is neither declared nor in the cluster"),
        "{err}"
    );
    // The built-in admin role exists in every cluster.
    assert!(!err.contains("role:admin is neither"), "{err}");
}

#[test]
fn connection_settings_come_from_the_sdk_variables() {
    let output = crate::common::cmd(&root())
        .args(["plan", "examples/quickstart"])
        .env("CAMUNDA_AUTH_STRATEGY", "OAUTH")
        .env_remove("CAMUNDA_CLIENT_ID")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("OAUTH authentication needs CAMUNDA_CLIENT_ID"));
    // Nothing listens here: a network error naming the request.
    let output = crate::common::cmd(&root())
        .args(["plan", "examples/quickstart"])
        .env("CAMUNDA_REST_ADDRESS", "http://127.0.0.1:9")
        .env("CAMUNDA_AUTH_STRATEGY", "NONE")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("GET /v2/topology failed"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn plan_files_record_what_the_plan_was_computed_from_and_no_secret() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("access.yaml"),
        "version: 1\nusers:\n  - username: alice\n    password: ${env:ALICE_PASSWORD}\n    groups: [team]\ngroups:\n  - id: team\n",
    )
    .unwrap();
    let out = tmp.path().join("plan.json");
    let output = crate::common::cmd(tmp.path())
        .args(["plan", "--sim", ".", "--out", out.to_str().unwrap()])
        .env("ALICE_PASSWORD", "canary-s3cret-5150")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = fs::read_to_string(&out).unwrap();
    assert!(!text.contains("canary-s3cret-5150"));
    assert!(!stdout(&output).contains("canary-s3cret-5150"));
    let file: Value = serde_json::from_str(&text).unwrap();
    let record = &file["record"];
    assert_eq!(record["tool_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(record["camunda_version"], "8.8");
    assert_eq!(record["desired_sha256"].as_str().unwrap().len(), 64);
    assert_eq!(record["live_sha256"].as_str().unwrap().len(), 64);
    assert_eq!(file["summary"]["add"], 3);
    // The same inputs give the same fingerprints.
    let again = tmp.path().join("again.json");
    crate::common::cmd(tmp.path())
        .args(["plan", "--sim", ".", "--out", again.to_str().unwrap()])
        .env("ALICE_PASSWORD", "another-password")
        .output()
        .unwrap();
    let again: Value = serde_json::from_str(&fs::read_to_string(&again).unwrap()).unwrap();
    assert_eq!(again["record"], file["record"]);
}
