//! Shared set-ups: simulators, requests to them as a client or an operator
//! would send them, and configurations several test files use.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use camunda_access::model::CamundaVersion;
use camunda_access::model::state::Secret;
use camunda_access::sim::{AuthMode, Background, SimConfig};
use serde_json::{Value, json};

/// Prunes groups and declares one, `keep`: every other group is deleted.
pub(crate) const PRUNE_GROUPS_KEEP: &str =
    "version: 1\npolicy:\n  prune: [groups]\ngroups:\n  - id: keep\n";

/// The client `worker` may create messages (`allow` as given).
pub(crate) fn worker_on_messages(allow: &str) -> String {
    format!(
        "version: 1\nclients:\n  - id: worker\n    permissions:\n      - resource: MESSAGE\n        id: \"*\"\n        allow: [{allow}]\n"
    )
}

/// A simulated cluster of `version` whose reads lag writes by `lag_ms`.
pub(crate) fn sim(version: CamundaVersion, lag_ms: u64) -> Background {
    let mut config = SimConfig::new(version);
    config.lag = Duration::from_millis(lag_ms);
    Background::start(config).unwrap()
}

/// A simulated 8.8 cluster with basic authentication and authorizations
/// enforced; `admins` are its administrators, each with the password
/// `<name>-pw`.
pub(crate) fn basic_sim(admins: &[&str]) -> Background {
    let mut config = SimConfig::new(CamundaVersion::V8_8);
    config.lag = Duration::ZERO;
    config.auth = AuthMode::Basic;
    config.admin_users = admins
        .iter()
        .map(|u| ((*u).to_owned(), Secret::new(format!("{u}-pw"))))
        .collect();
    Background::start(config).unwrap()
}

/// One request to a simulator: (status, JSON body or `null`).
pub(crate) fn call(base: &str, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let http = reqwest::Client::new();
    let mut request = http
        .request(method.parse().unwrap(), format!("{base}{path}"))
        .timeout(Duration::from_secs(20));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let (status, text) = rt.block_on(async {
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.text().await.unwrap())
    });
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Sends one request to a simulator and insists on success.
pub(crate) fn send(base: &str, method: &str, path: &str, body: Option<Value>) -> Value {
    let (status, body) = call(base, method, path, body);
    assert!(
        (200..300).contains(&status),
        "{method} {path}: {status} {body}"
    );
    body
}

/// Injects faults (`POST /_sim/faults`, see docs/simulator.md).
pub(crate) fn faults(base: &str, faults: Value) {
    send(base, "POST", "/_sim/faults", Some(faults));
}

/// Creates the group `id` named `name`.
pub(crate) fn group(base: &str, id: &str, name: &str) {
    send(
        base,
        "POST",
        "/v2/groups",
        Some(json!({"groupId": id, "name": name})),
    );
}

/// Creates the groups `old-0` … named "Old", for a configuration that
/// prunes them.
pub(crate) fn old_groups(base: &str, count: usize) {
    for i in 0..count {
        group(base, &format!("old-{i}"), "Old");
    }
}

/// Creates an authorization of `owner` (of `owner_type`) on
/// `resource_type:resource_id` with `permissions`.
pub(crate) fn grant(
    base: &str,
    (owner_type, owner): (&str, &str),
    (resource_type, resource_id): (&str, &str),
    permissions: &[&str],
) {
    send(
        base,
        "POST",
        "/v2/authorizations",
        Some(json!({"ownerId": owner, "ownerType": owner_type,
                    "resourceType": resource_type, "resourceId": resource_id,
                    "permissionTypes": permissions})),
    );
}

/// Writes the simulator counted (creates, updates, deletes, assignments).
pub(crate) fn writes(base: &str) -> u64 {
    let counted = send(base, "GET", "/_sim/requests", None);
    counted
        .as_object()
        .unwrap()
        .iter()
        .filter(|(route, _)| {
            let write = route.starts_with("POST ")
                || route.starts_with("PUT ")
                || route.starts_with("DELETE ");
            write && !route.ends_with("/search") && route.contains("/v2/")
        })
        .map(|(_, n)| n.as_u64().unwrap())
        .sum()
}

/// Creates the user `username` (with a name and an e-mail address, which
/// may be empty).
pub(crate) fn user(base: &str, username: &str, password: &str, name: &str, email: &str) {
    send(
        base,
        "POST",
        "/v2/users",
        Some(json!({"username": username, "password": password, "name": name, "email": email})),
    );
}

/// Starts `camunda-access sim --listen 127.0.0.1:0 ARGS` as a user starts
/// it; the process and the one line it printed when ready.
pub(crate) fn sim_process(args: &[&str], stderr: Stdio) -> (Child, String) {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("camunda-access"))
        .args(["sim", "--listen", "127.0.0.1:0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (child, line)
}

/// How many changes of an `apply --format json` report had an unknown
/// outcome (a dropped or timed-out answer) and were settled by sending
/// them again.
pub(crate) fn settled_again(report: &Value) -> usize {
    report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            c["note"]
                .as_str()
                .is_some_and(|n| n.contains("unknown outcome"))
        })
        .count()
}

/// A tokio runtime of `workers` threads and a listener on a free loopback
/// port, for a stand-in server; its `http://` address.
pub(crate) fn loopback(
    workers: usize,
) -> (tokio::runtime::Runtime, tokio::net::TcpListener, String) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    (runtime, listener, url)
}
