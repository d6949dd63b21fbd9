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

/// Sends one request to a simulator and insists on success.
pub fn send(base: &str, method: &str, path: &str, body: Option<Value>) -> Value {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let http = reqwest::Client::new();
    let mut request = http.request(method.parse().unwrap(), format!("{base}{path}"));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = rt.block_on(request.send()).unwrap();
    let status = response.status();
    let text = rt.block_on(response.text()).unwrap();
    assert!(status.is_success(), "{method} {path}: {status} {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// Creates the quickstart's state by hand, request by request.
fn quickstart_by_hand(base: &str) {
    let send = |method: &str, path: &str, body: Option<Value>| {
        send(base, method, &format!("/v2{path}"), body);
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
}

/// Builds the quickstart's state in a simulator by hand, dumps it, and plans
/// against that dump: nothing to do.
#[test]
fn a_converged_cluster_plans_nothing() {
    let sim = Background::start(SimConfig::new(CamundaVersion::V8_8)).unwrap();
    let base = sim.url();
    quickstart_by_hand(&base);
    let state = send(&base, "GET", "/_sim/state", None);
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

fn converged_quickstart() -> (Background, String) {
    let sim = Background::start(SimConfig::new(CamundaVersion::V8_8)).unwrap();
    let base = sim.url();
    quickstart_by_hand(&base);
    (sim, base)
}

fn plan_against(base: &str, extra: &[&str]) -> std::process::Output {
    crate::common::cmd(&root())
        .args(["--color", "never", "plan", "examples/quickstart"])
        .args(extra)
        .env("CAMUNDA_REST_ADDRESS", base)
        .env("CAMUNDA_AUTH_STRATEGY", "NONE")
        .output()
        .unwrap()
}

#[test]
fn hand_made_changes_show_up_as_updates_and_unmanaged_objects() {
    let (_sim, base) = converged_quickstart();
    // Someone clicks in the Identity UI: a member removed, a permission
    // added, a group created.
    send(
        &base,
        "DELETE",
        "/v2/roles/deployer/clients/ci-deployer",
        None,
    );
    let found = send(
        &base,
        "POST",
        "/v2/authorizations/search",
        Some(json!({"filter": {"ownerId": "deployer", "resourceType": "RESOURCE"}})),
    );
    let key = found["items"][0]["authorizationKey"]
        .as_str()
        .unwrap()
        .to_owned();
    send(
        &base,
        "PUT",
        &format!("/v2/authorizations/{key}"),
        Some(
            json!({"ownerId": "deployer", "ownerType": "ROLE", "resourceType": "RESOURCE", "resourceId": "*", "permissionTypes": ["CREATE", "READ", "DELETE_RESOURCE"]}),
        ),
    );
    send(
        &base,
        "POST",
        "/v2/groups",
        Some(json!({"groupId": "clicked-together", "name": "Clicked together"})),
    );
    let output = plan_against(&base, &["--detailed-exitcode", "--settle-ms", "0"]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(2), "{out}{}", stderr(&output));
    assert!(
        // The role may deploy anything (RESOURCE:* CREATE): joining it is an escalation.
        out.contains("  + client:ci-deployer in role:deployer  [escalation] [membership]"),
        "{out}"
    );
    assert!(
        out.contains(
            "  ~ role:deployer on RESOURCE:* [CREATE, DELETE_RESOURCE, READ] -> [CREATE, READ]  [revocation]\n      - DELETE_RESOURCE\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("Unmanaged (in the cluster, not in the configuration; left alone):\n  ? group clicked-together\n"),
        "{out}"
    );
    assert!(
        out.contains("Plan: 1 to add, 1 to change, 0 to destroy."),
        "{out}"
    );
    // Effective access: ci-deployer regains what the role gives.
    let access = &out[out.find("Effective access after the plan:").unwrap()..];
    assert!(access.contains("  client:ci-deployer\n"), "{out}");
    assert!(access.contains("      + RESOURCE:* CREATE\n"), "{out}");
}

/// Reads lag writes. A plan taken right after writes must not show them
/// as missing: it settles (reads again until two reads agree).
#[test]
fn a_plan_does_not_show_as_missing_what_is_not_yet_visible() {
    let mut config = SimConfig::new(CamundaVersion::V8_8);
    config.lag = std::time::Duration::from_millis(1500);
    let sim = Background::start(config).unwrap();
    let base = sim.url();
    quickstart_by_hand(&base);
    // Without settling, the lag shows: everything looks missing.
    let output = plan_against(&base, &["--detailed-exitcode", "--settle-ms", "0"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stdout(&output).contains("+ group order-workers"));
    // Settling longer than the lag: the writes are seen, nothing to do.
    quickstart_reset_and_rebuild(&base);
    let output = plan_against(&base, &["--detailed-exitcode", "--settle-ms", "2000"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(stdout(&output).contains("No changes."));
}

fn quickstart_reset_and_rebuild(base: &str) {
    send(base, "POST", "/_sim/reset", None);
    quickstart_by_hand(base);
}

#[test]
fn graph_prints_the_order_apply_follows() {
    let output = run(&root(), &["graph", "--sim", "examples/quickstart"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let dot = stdout(&output);
    assert!(dot.starts_with("digraph plan {\n"), "{dot}");
    assert!(
        dot.contains("  c0 [label=\"+ group order-workers\"];"),
        "{dot}"
    );
    assert!(
        dot.contains("  c0 -> c3 [label=\"container first\"];"),
        "{dot}"
    );
    let output = run(
        &root(),
        &[
            "graph",
            "--sim",
            "examples/quickstart",
            "--format",
            "mermaid",
        ],
    );
    assert!(
        stdout(&output).contains("c1 -->|owner first| c7"),
        "{}",
        stdout(&output)
    );
}

/// The issue's scale figure: 2,000 groups, 2,000 roles and 20,000
/// authorizations, all converged. A no-change plan may issue at most 5%
/// more requests than the minimum (one topology call, one page per 10,000
/// items of each entity search, one member search per container and
/// member kind), counted by the simulator.
#[test]
fn a_large_no_change_plan_issues_the_minimum_of_requests() {
    let fresh = Background::start(SimConfig::new(CamundaVersion::V8_8)).unwrap();
    let mut state = send(&fresh.url(), "GET", "/_sim/state", None);
    drop(fresh);
    let mut next_key = state["next_key"].as_u64().unwrap();
    let mut yaml = String::from("version: 1\ngroups:\n");
    for g in 0..2000 {
        state["groups"][format!("g{g}")] =
            json!({"name": format!("g{g}"), "description": "", "key": next_key});
        next_key += 1;
        yaml.push_str(&format!("  - id: g{g}\n"));
    }
    yaml.push_str("roles:\n");
    for r in 0..2000 {
        state["roles"][format!("r{r}")] =
            json!({"name": format!("r{r}"), "description": "", "key": next_key});
        next_key += 1;
        yaml.push_str(&format!(
            "  - id: r{r}\n    permissions:\n      - resource: PROCESS_DEFINITION\n        ids: ["
        ));
        for p in 0..10 {
            state["authorizations"][next_key.to_string()] = json!({
                "owner_id": format!("r{r}"), "owner_type": "ROLE",
                "resource_type": "PROCESS_DEFINITION", "resource_id": format!("p{p}"),
                "resource_property_name": null, "permissions": ["READ_PROCESS_DEFINITION"],
            });
            next_key += 1;
            yaml.push_str(&format!("{}p{p}", if p == 0 { "" } else { ", " }));
        }
        yaml.push_str("]\n        allow: [READ_PROCESS_DEFINITION]\n");
    }
    state["next_key"] = json!(next_key);
    let authorizations = state["authorizations"].as_object().unwrap().len();
    let roles = state["roles"].as_object().unwrap().len(); // with the built-in roles
    let tenants = state["tenants"].as_object().unwrap().len(); // with <default>
    assert!(authorizations >= 20_000);
    let mut config = SimConfig::new(CamundaVersion::V8_8);
    config.seed = Some(serde_json::from_value(state).unwrap());
    let sim = Background::start(config).unwrap();
    let base = sim.url();
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("access.yaml"), yaml).unwrap();
    send(&base, "DELETE", "/_sim/requests", None);

    let output = crate::common::cmd(tmp.path())
        .args(["plan", ".", "--detailed-exitcode"])
        .env("CAMUNDA_REST_ADDRESS", &base)
        .env("CAMUNDA_AUTH_STRATEGY", "NONE")
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );

    let counted = send(&base, "GET", "/_sim/requests", None);
    let total: u64 = counted
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    let pages = |n: usize| n.div_ceil(10_000).max(1) as u64;
    let minimum = 1 + 5 + pages(authorizations) + (2000 * 3 + roles * 4 + tenants * 5) as u64;
    assert!(total >= minimum, "the counters missed requests: {counted}");
    assert!(
        total * 100 <= minimum * 105,
        "{total} requests, minimum {minimum}: {counted}"
    );
}

#[test]
fn a_user_to_create_needs_a_password() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("access.yaml"),
        "version: 1\nusers:\n  - username: bob\n    groups: [team]\ngroups:\n  - id: team\n",
    )
    .unwrap();
    let output = run(tmp.path(), &["plan", "--sim", "."]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(
        stderr(&output).contains("user(s) bob do not exist in the cluster and have no password"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_role_member_user_must_exist_where_the_cluster_manages_users() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("access.yaml"),
        "version: 1\nroles:\n  - id: ops\n    members:\n      users: [ghost]\ngroups:\n  - id: team\n    members:\n      users: [ghost]\n",
    )
    .unwrap();
    let output = run(tmp.path(), &["plan", "--sim", "."]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let err = stderr(&output);
    assert!(
        err.contains("Camunda refuses to add a user that does not exist to a role or tenant: user:ghost in role:ops;"),
        "{err}"
    );
    // Groups are not checked by Camunda, so not named.
    assert!(!err.contains("in group:team"), "{err}");
}

/// A storm of 503 and 429 answers while the member lists are read narrows
/// the reader's window (unit-tested in `live::reader`) and costs time, not
/// correctness: the plan is the same as without it.
#[test]
fn a_backpressure_storm_during_the_read_gives_the_same_plan() {
    let mut config = SimConfig::new(CamundaVersion::V8_8);
    config.lag = std::time::Duration::ZERO;
    let sim = Background::start(config).unwrap();
    let base = sim.url();
    let mut yaml = String::from("version: 1\ngroups:\n");
    for g in 0..150 {
        send(
            &base,
            "POST",
            "/v2/groups",
            Some(json!({"groupId": format!("g{g}"), "name": format!("g{g}")})),
        );
        send(&base, "PUT", &format!("/v2/groups/g{g}/clients/c{g}"), None);
        // Every third group's member differs from the files.
        let member = if g % 3 == 0 {
            format!("x{g}")
        } else {
            format!("c{g}")
        };
        yaml.push_str(&format!(
            "  - id: g{g}\n    members:\n      clients: [{member}]\n"
        ));
    }
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("access.yaml"), yaml).unwrap();
    let plan = || {
        let output = crate::common::against(
            tmp.path(),
            &base,
            &["plan", ".", "--format", "json", "--settle-ms", "0"],
        );
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        output.stdout
    };
    let calm = plan();
    send(
        &base,
        "POST",
        "/_sim/faults",
        Some(
            json!({"unavailable": {"share": 0.15}, "rateLimited": {"share": 0.03},
                     "retryAfterSeconds": 1, "seed": 7}),
        ),
    );
    let stormy = plan();
    let counted = send(&base, "GET", "/_sim/requests", None).to_string();
    send(&base, "DELETE", "/_sim/faults", None);
    assert_eq!(
        String::from_utf8_lossy(&calm),
        String::from_utf8_lossy(&stormy),
        "the same plan"
    );
    assert!(counted.contains("(injected fault)"), "{counted}");
}

/// A password variable is needed only to create a user: validate, drift
/// and plans of users that exist pass without it; a plan that creates the
/// user names the unset variable at its place.
#[test]
fn password_variables_are_needed_only_for_users_the_plan_creates() {
    let mut config = SimConfig::new(CamundaVersion::V8_8);
    config.lag = std::time::Duration::ZERO;
    let sim = Background::start(config).unwrap();
    let base = sim.url();
    send(
        &base,
        "POST",
        "/v2/users",
        Some(
            json!({"username": "ann", "password": "pw-of-ann", "name": "Ann", "email": "ann@example.com"}),
        ),
    );
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("access.yaml"),
        "version: 1\nusers:\n  - username: ann\n    name: Ann\n    email: ann@example.com\n    password: ${secret:ANN_PASSWORD}\n",
    )
    .unwrap();
    let output = run(tmp.path(), &["validate", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    for command in [&["drift", "."][..], &["plan", ".", "--detailed-exitcode"]] {
        let output = crate::common::against(tmp.path(), &base, command);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{command:?}: {}",
            stderr(&output)
        );
    }
    // A second user the plan creates needs its variable, named at its place.
    fs::write(
        tmp.path().join("more.yaml"),
        "version: 1\nusers:\n  - username: bob\n    password: ${env:BOB_PASSWORD}\n",
    )
    .unwrap();
    let output = crate::common::against(tmp.path(), &base, &["plan", "."]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("unset-variable"), "{err}");
    assert!(
        err.contains(
            "environment variable BOB_PASSWORD is not set, and user bob is created by this plan"
        ),
        "{err}"
    );
    assert!(err.contains("more.yaml:4:15"), "{err}");
    assert!(!err.contains("ANN_PASSWORD"), "{err}");
}

/// What Camunda would refuse halfway through an apply is refused by the
/// plan, before anything is written: an authorization for a user that does
/// not exist, and a claim pair held by a rule the files do not own.
#[test]
fn plans_refuse_what_camunda_would_refuse() {
    let mut config = SimConfig::new(CamundaVersion::V8_8);
    config.lag = std::time::Duration::ZERO;
    let sim = Background::start(config).unwrap();
    let base = sim.url();
    send(
        &base,
        "POST",
        "/v2/mapping-rules",
        Some(
            json!({"mappingRuleId": "by-hand", "name": "By hand", "claimName": "groups", "claimValue": "loans"}),
        ),
    );
    let tmp = tempfile::tempdir().unwrap();
    let plan = |yaml: &str| {
        fs::write(tmp.path().join("access.yaml"), yaml).unwrap();
        crate::common::against(tmp.path(), &base, &["apply", ".", "--auto-approve"])
    };
    let output = plan(
        "version: 1\ngroups:\n  - id: team\nauthorizations:\n  - owner: {type: USER, id: ghost}\n    resource: MESSAGE\n    id: \"*\"\n    allow: [CREATE]\n",
    );
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "refuses an authorization for a user that does not exist: user:ghost on MESSAGE:*"
        ),
        "{err}"
    );
    let output = plan(
        "version: 1\ngroups:\n  - id: team\nmapping-rules:\n  - id: loans\n    claim: groups\n    value: loans\n",
    );
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("mapping rule loans needs groups = \"loans\", which mapping rule by-hand in the cluster holds and the files do not own"),
        "{err}"
    );
    // Nothing was written: the group of both files does not exist.
    let groups = send(&base, "POST", "/v2/groups/search", Some(json!({})));
    assert_eq!(groups["items"].as_array().unwrap().len(), 0, "{groups}");
}

/// A cluster configured with its own ID pattern refuses IDs outside it:
/// the plan says so before anything is written (`--id-pattern`, or the
/// target's `id-pattern`).
#[test]
fn ids_outside_the_clusters_pattern_are_refused_by_the_plan() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("access.yaml"),
        "version: 1\ngroups:\n  - id: team-a\n  - id: Team_B\nroles:\n  - id: ops\n",
    )
    .unwrap();
    let output = run(
        tmp.path(),
        &["plan", "--sim", ".", "--id-pattern", "^[a-z-]+$"],
    );
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("the cluster's ID pattern ^[a-z-]+$ (camunda.security.id-validation-pattern) refuses group Team_B;"),
        "{err}"
    );
    let output = run(
        tmp.path(),
        &["plan", "--sim", ".", "--id-pattern", "^[a-zA-Z_-]+$"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}
