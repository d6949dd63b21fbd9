//! Camunda 8.10: the simulator at 8.10 (its catalogue and the
//! own-authorizations search), the tool planning and applying against it,
//! and the lockout guard seeing the tool's access through the cluster's
//! own answer.

use std::fs;
use std::time::Duration;

use camunda_access::model::CamundaVersion;
use camunda_access::model::state::Secret;
use camunda_access::sim::{AuthMode, Background, SimConfig};
use serde_json::{Value, json};

use crate::common::{Case, root};
use crate::fixtures::{call, send};

/// A simulated cluster of `version` with basic authentication, checks on,
/// no lag; `admins` are members of `admin`, each with the password
/// `<name>-pw`.
pub(crate) fn basic_sim(version: CamundaVersion, admins: &[&str]) -> Background {
    let mut config = SimConfig::new(version);
    config.lag = Duration::ZERO;
    config.auth = AuthMode::Basic;
    config.admin_users = admins
        .iter()
        .map(|u| ((*u).to_owned(), Secret::new(format!("{u}-pw"))))
        .collect();
    Background::start(config).unwrap()
}

/// A request as a basic-auth user (password `<user>-pw`): status and body.
pub(crate) fn as_user(
    base: &str,
    user: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let http = reqwest::blocking::Client::new();
    let mut request = http
        .request(method.parse().unwrap(), format!("{base}/v2{path}"))
        .basic_auth(user, Some(format!("{user}-pw")))
        .timeout(Duration::from_secs(20));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().unwrap();
    let status = response.status().as_u16();
    let text = response.text().unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Sends a write as `root` and insists on success.
fn as_root(base: &str, method: &str, path: &str, body: Value) {
    let (status, answer) = as_user(base, "root", method, path, Some(body));
    assert!(
        (200..300).contains(&status),
        "{method} {path}: {status} {answer}"
    );
}

/// (owner type, owner ID, resource type, resource ID) of each item.
fn grants(answer: &Value) -> Vec<(String, String, String, String)> {
    let mut grants: Vec<_> = answer["items"]
        .as_array()
        .unwrap_or_else(|| panic!("{answer}"))
        .iter()
        .map(|a| {
            let s = |k: &str| a[k].as_str().unwrap_or_default().to_owned();
            (
                s("ownerType"),
                s("ownerId"),
                s("resourceType"),
                s("resourceId"),
            )
        })
        .collect();
    grants.sort();
    grants
}

/// `POST /authentication/me/authorizations/search` at 8.10 lists what the
/// caller holds directly, through a group, a role, and a role of a group,
/// and nothing of anyone else; it needs no permission and says whether
/// authorizations are enforced. Filters and paging are those of the
/// authorization search. 8.8 and 8.9 have no such endpoint.
#[test]
fn the_own_authorizations_search_lists_the_callers_effective_grants() {
    let sim = basic_sim(CamundaVersion::V8_10, &["root"]);
    let base = sim.url();
    as_root(
        &base,
        "POST",
        "/users",
        json!({"username": "alice", "password": "alice-pw", "name": "Alice", "email": "a@example.com"}),
    );
    as_root(
        &base,
        "POST",
        "/groups",
        json!({"groupId": "team", "name": "Team"}),
    );
    as_root(
        &base,
        "POST",
        "/roles",
        json!({"roleId": "vault", "name": "Vault"}),
    );
    as_root(
        &base,
        "POST",
        "/roles",
        json!({"roleId": "ops", "name": "Ops"}),
    );
    as_root(&base, "PUT", "/groups/team/users/alice", json!({}));
    as_root(&base, "PUT", "/roles/vault/groups/team", json!({}));
    as_root(&base, "PUT", "/roles/ops/users/alice", json!({}));
    let grant = |owner_type: &str, owner: &str, rt: &str, id: &str, p: &[&str]| {
        as_root(
            &base,
            "POST",
            "/authorizations",
            json!({"ownerId": owner, "ownerType": owner_type, "resourceType": rt,
                   "resourceId": id, "permissionTypes": p}),
        );
    };
    grant("USER", "alice", "MESSAGE", "*", &["CREATE"]);
    grant("GROUP", "team", "DOCUMENT", "*", &["READ"]);
    grant(
        "ROLE",
        "vault",
        "SECRET",
        "payments-key",
        &["READ", "REVEAL"],
    );
    grant("ROLE", "ops", "BACKUP", "*", &["READ"]);
    as_root(
        &base,
        "POST",
        "/users",
        json!({"username": "bob", "password": "bob-pw", "name": "Bob", "email": "b@example.com"}),
    );
    grant("USER", "bob", "SECRET", "*", &["READ"]);

    // alice holds no AUTHORIZATION:READ, yet sees her own.
    let (status, answer) = as_user(
        &base,
        "alice",
        "POST",
        "/authorizations/search",
        Some(json!({})),
    );
    assert_eq!(
        (status, answer["items"].as_array().map(Vec::len)),
        (200, Some(0)),
        "{answer}"
    );
    let (status, answer) = as_user(
        &base,
        "alice",
        "POST",
        "/authentication/me/authorizations/search",
        Some(json!({})),
    );
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["authorizationsEnabled"], json!(true));
    let own = grants(&answer);
    let expected: Vec<(String, String, String, String)> = [
        ("GROUP", "team", "DOCUMENT", "*"),
        ("ROLE", "ops", "BACKUP", "*"),
        ("ROLE", "vault", "SECRET", "payments-key"),
        // Created through POST /users: her own authorization on herself.
        ("USER", "alice", "USER", "alice"),
        ("USER", "alice", "MESSAGE", "*"),
    ]
    .iter()
    .map(|(a, b, c, d)| ((*a).into(), (*b).into(), (*c).into(), (*d).into()))
    .collect();
    let mut expected = expected;
    expected.sort();
    assert_eq!(own, expected, "{answer:#}");
    assert_eq!(answer["page"]["totalItems"], json!(5));

    // Filters and paging as in /authorizations/search; no body at all too.
    let (_, filtered) = as_user(
        &base,
        "alice",
        "POST",
        "/authentication/me/authorizations/search",
        Some(json!({"filter": {"resourceType": "SECRET"}})),
    );
    assert_eq!(grants(&filtered).len(), 1, "{filtered}");
    assert_eq!(
        filtered["items"][0]["permissionTypes"],
        json!(["READ", "REVEAL"])
    );
    let (_, paged) = as_user(
        &base,
        "alice",
        "POST",
        "/authentication/me/authorizations/search",
        Some(json!({"page": {"from": 0, "limit": 2}})),
    );
    assert_eq!(paged["items"].as_array().unwrap().len(), 2, "{paged}");
    assert_eq!(paged["page"]["totalItems"], json!(5));
    let (status, _) = as_user(
        &base,
        "alice",
        "POST",
        "/authentication/me/authorizations/search",
        None,
    );
    assert_eq!(status, 200);

    // A bad password is refused before anything is listed.
    let http = reqwest::blocking::Client::new();
    let refused = http
        .post(format!("{base}/v2/authentication/me/authorizations/search"))
        .basic_auth("alice", Some("wrong"))
        .json(&json!({}))
        .send()
        .unwrap();
    assert_eq!(refused.status().as_u16(), 401);

    // 8.9 has no such endpoint.
    let old = basic_sim(CamundaVersion::V8_9, &["root"]);
    let (status, answer) = as_user(
        &old.url(),
        "root",
        "POST",
        "/authentication/me/authorizations/search",
        Some(json!({})),
    );
    assert_eq!(status, 404, "{answer}");
    assert_eq!(
        answer["detail"],
        json!("No endpoint POST /v2/authentication/me/authorizations/search.")
    );
}

/// Without authorization checks the answer says so; without a principal
/// (no authentication) there is nobody to list: 401, empty body.
#[test]
fn the_own_authorizations_search_without_checks_or_principal() {
    let mut config = SimConfig::new(CamundaVersion::V8_10);
    config.lag = Duration::ZERO;
    config.auth = AuthMode::Basic;
    config.checks = Some(false);
    config.admin_users = vec![("root".to_owned(), Secret::new("root-pw".to_owned()))];
    let sim = Background::start(config).unwrap();
    let (status, answer) = as_user(
        &sim.url(),
        "root",
        "POST",
        "/authentication/me/authorizations/search",
        Some(json!({})),
    );
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["authorizationsEnabled"], json!(false));
    assert!(!grants(&answer).is_empty(), "root is in admin: {answer}");

    let open = Background::start(SimConfig::new(CamundaVersion::V8_10)).unwrap();
    let (status, answer) = call(
        &open.url(),
        "POST",
        "/v2/authentication/me/authorizations/search",
        Some(json!({})),
    );
    assert_eq!((status, answer), (401, Value::Null));
}

/// Kills the `sim` process it holds when dropped (also when a test fails).
struct Process(std::process::Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The "done when": plan and apply of the quickstart plus a
/// `SECRET` `READ` grant against `sim --camunda-version 8.10` converge (the
/// second plan is empty), and the grant is there as Camunda would list it.
#[test]
fn plan_and_apply_converge_on_8_10_with_a_secret_grant() {
    let (child, line) = crate::fixtures::sim_process(
        &["--camunda-version", "8.10", "--lag-ms", "300"],
        std::process::Stdio::null(),
    );
    let _sim = Process(child);
    let base = line
        .trim()
        .strip_prefix("camunda-access sim listening on ")
        .unwrap_or_else(|| panic!("unexpected line: {line:?}"))
        .to_owned();
    assert_eq!(
        send(&base, "GET", "/v2/topology", None)["gatewayVersion"],
        "8.10.0"
    );
    let tmp = tempfile::tempdir().unwrap();
    fs::copy(
        root().join("examples/quickstart/access.yaml"),
        tmp.path().join("access.yaml"),
    )
    .unwrap();
    fs::write(
        tmp.path().join("secrets.yaml"),
        "version: 1\nclients:\n  - id: connectors-runtime\n    permissions:\n      - resource: SECRET\n        id: \"*\"\n        allow: [READ]\n",
    )
    .unwrap();
    Case::in_dir(tmp.path())
        .against(&base)
        .args(["plan", ".", "--detailed-exitcode"])
        .code(2)
        .stdout_has("SECRET")
        .run();
    Case::in_dir(tmp.path())
        .against(&base)
        .args(["apply", ".", "--auto-approve"])
        .code(0)
        .stdout_has("The cluster shows every change.")
        .run();
    Case::in_dir(tmp.path())
        .against(&base)
        .args(["plan", ".", "--detailed-exitcode"])
        .code(0)
        .run();
    let found = send(
        &base,
        "POST",
        "/v2/authorizations/search",
        Some(json!({"filter": {"ownerId": "connectors-runtime"}})),
    );
    assert_eq!(
        grants(&found),
        [(
            "CLIENT".into(),
            "connectors-runtime".into(),
            "SECRET".into(),
            "*".into()
        )],
        "{found}"
    );
    assert_eq!(found["items"][0]["permissionTypes"], json!(["READ"]));
    // Drift sees nothing either.
    Case::in_dir(tmp.path())
        .against(&base)
        .args(["drift", "."])
        .code(0)
        .run();
}

/// `plan --sim --camunda-version 8.10`: a grant that may reveal a secret's
/// value is tagged an escalation, as `BACKUP:RESTORE` would be; reading a
/// backup's state on one ID is not.
#[test]
fn a_grant_to_reveal_secrets_is_an_escalation_on_8_10() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("access.yaml"),
        "version: 1\nclients:\n  - id: vault-reader\n    permissions:\n      - resource: SECRET\n        id: payments-key\n        allow: [REVEAL]\n      - resource: BACKUP\n        id: nightly\n        allow: [READ]\n",
    )
    .unwrap();
    let plan = Case::in_dir(tmp.path())
        .args([
            "plan",
            ".",
            "--sim",
            "--camunda-version",
            "8.10",
            "--format",
            "json",
        ])
        .json();
    let risks = |rt: &str| {
        plan["changes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["tuple"]["resource_type"] == rt)
            .map(|c| c["risks"].clone())
            .unwrap_or_else(|| panic!("{plan:#}"))
    };
    assert_eq!(risks("SECRET"), json!(["escalation"]), "{plan:#}");
    assert_eq!(risks("BACKUP"), json!([]), "{plan:#}");
}

/// A grant added by hand to a built-in role is unmanaged and shows what it
/// grants — in `plan` and `drift`, as text, Markdown and JSON — so a
/// reviewer tells `RESTORE` from `READ`.
#[test]
fn an_unmanaged_grant_shows_its_permissions() {
    let sim = crate::fixtures::sim(CamundaVersion::V8_10, 0);
    let base = sim.url();
    crate::fixtures::grant(&base, ("ROLE", "connectors"), ("BACKUP", "*"), &["RESTORE"]);
    crate::fixtures::grant(&base, ("CLIENT", "stranger"), ("MESSAGE", "*"), &["CREATE"]);
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("access.yaml"), "version: 1\n").unwrap();
    let case = |args: &[&str]| Case::in_dir(tmp.path()).against(&base).args(args);
    case(&["plan", "."])
        .stdout_has("  ? role:connectors on BACKUP:* [RESTORE]\n")
        .stdout_has("  ? client:stranger on MESSAGE:* [CREATE]\n")
        .run();
    case(&["drift", "."])
        .stdout_has("  ? role:connectors on BACKUP:* [RESTORE]\n")
        .run();
    case(&["drift", ".", "--format", "markdown"])
        .stdout_has("- `role:connectors on BACKUP:* [RESTORE]`\n")
        .run();
    case(&["plan", ".", "--format", "markdown"])
        .stdout_has("role:connectors on BACKUP:* [RESTORE]")
        .run();
    for command in ["plan", "drift"] {
        let document = case(&[command, ".", "--format", "json"]).json();
        let entry = document["unmanaged"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["tuple"]["owner"]["id"] == "connectors")
            .unwrap_or_else(|| panic!("{document:#}"))
            .clone();
        assert_eq!(entry["type"], "authorization", "{document:#}");
        assert_eq!(entry["permissions"], json!(["RESTORE"]), "{document:#}");
    }
}
