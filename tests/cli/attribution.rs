//! Who made the drift: `drift` reads Camunda 8.9's audit log and names the
//! user or client behind each drifted object — and says why when the
//! cluster cannot tell (8.8, client operations not audited, no `READ` on
//! `AUDIT_LOG`).

use camunda_access::model::CamundaVersion;
use camunda_access::model::state::Secret;
use camunda_access::sim::audit::AuditCategory;
use camunda_access::sim::oidc::OidcSettings;
use camunda_access::sim::{AuthMode, Background, SimConfig};
use std::path::Path;

use serde_json::{Value, json};
use tempfile::TempDir;

use crate::common::Case;
use crate::fixtures::send;
use crate::oidc::{AUDIENCE, Issuer, call};

/// The group `ops` with the client `deployer` (the tool) as its only
/// member; both clients stay administrators.
const FILES: &str = "version: 1
roles:
  - id: admin
    members:
      clients: [deployer, intruder]
groups:
  - id: ops
    name: Ops
    members:
      clients: [deployer]
";

/// A cluster of `version` that trusts `issuer`'s tokens, reads clients
/// from their `client_id` claim, and audits operations by clients in
/// `client_categories`; `deployer` and `intruder` are administrators.
fn cluster(
    issuer: &Issuer,
    version: CamundaVersion,
    client_categories: &[AuditCategory],
) -> Background {
    let mut config = SimConfig::new(version);
    config.auth = AuthMode::Oidc(OidcSettings {
        issuer: issuer.url.clone(),
        audience: AUDIENCE.into(),
        client_id_claim: Some("client_id".into()),
        username_claim: "sub".into(),
        groups_claim: None,
        prefer_username_claim: false,
    });
    config.admin_clients = vec!["deployer".into(), "intruder".into()];
    config.audit.client_categories = client_categories.iter().copied().collect();
    Background::start(config).unwrap()
}

/// The binary in `dir` against `base`, as the OAuth client `client` of
/// the issuer at `issuer_url` (its secret is `secret-of-<client>`).
fn as_client(dir: &Path, base: &str, issuer_url: &str, client: &str) -> Case {
    Case::in_dir(dir)
        .env("CAMUNDA_REST_ADDRESS", base)
        .env("CAMUNDA_CLIENT_ID", client)
        .env("CAMUNDA_CLIENT_SECRET", format!("secret-of-{client}"))
        .env("CAMUNDA_OAUTH_URL", format!("{issuer_url}/token"))
        .env("CAMUNDA_TOKEN_AUDIENCE", AUDIENCE)
        .env_remove("CAMUNDA_AUTH_STRATEGY")
}

/// The files, applied by `deployer`; then `by_hand` (requests as the
/// client `intruder`), then the client `sneaky` added to `ops` by hand by
/// `intruder`. Returns the files' directory and a run as `deployer` there.
fn applied_then_changed_by_hand(
    issuer: &Issuer,
    sim: &Background,
    by_hand: impl FnOnce(&dyn Fn(&str, &str, Option<Value>) -> (u16, Value)),
) -> (TempDir, impl Fn() -> Case) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("access.yaml"), FILES).unwrap();
    let base = sim.url();
    let deployer = {
        let (path, base, url) = (dir.path().to_owned(), base.clone(), issuer.url.clone());
        move || as_client(&path, &base, &url, "deployer")
    };
    deployer()
        .args(["apply", ".", "--auto-approve"])
        .code(0)
        .run();
    let token = issuer.token(json!({"sub": "intruder", "client_id": "intruder"}));
    let intruder = |method: &str, path: &str, body: Option<Value>| {
        call(&issuer.runtime, &base, method, path, &token, body)
    };
    by_hand(&intruder);
    let (status, answer) = intruder("PUT", "/v2/groups/ops/clients/sneaky", None);
    assert_eq!(status, 204, "{answer}");
    (dir, deployer)
}

/// The issue's "done when": on 8.9 with client auditing on, `drift` names
/// the client that added a member by hand, in every format; the exit code
/// is drift's own.
#[test]
fn drift_names_the_client_that_added_a_member_by_hand() {
    let issuer = Issuer::start();
    let sim = cluster(&issuer, CamundaVersion::V8_9, &[AuditCategory::Admin]);
    let (_dir, deployer) = applied_then_changed_by_hand(&issuer, &sim, |_| {});
    deployer()
        .args(["drift", "."])
        .code(2)
        .stdout_has("- client:sneaky in group:ops: CLIENT intruder, ASSIGN at ")
        .stdout_lacks("no audit entry found")
        .snapshot("drift_names_who")
        .run();
    deployer()
        .args(["drift", ".", "--format", "markdown"])
        .code(2)
        .snapshot("drift_markdown_names_who")
        .run();
    let report = deployer()
        .args(["drift", ".", "--format", "json"])
        .code(2)
        .json();
    let attribution = &report["attribution"];
    assert_eq!(attribution["available"], true, "{report}");
    assert_eq!(
        attribution["objects"],
        json!([{
            "object": "- client:sneaky in group:ops",
            "found": true,
            "actor_type": "CLIENT",
            "actor_id": "intruder",
            "operation": "ASSIGN",
            "timestamp": attribution["objects"][0]["timestamp"],
            "audit_log_key": attribution["objects"][0]["audit_log_key"],
        }])
    );
    assert_eq!(attribution["notes"], json!([]));
    // The window is the one asked for: a change before it is not found.
    let later = deployer()
        .args([
            "drift",
            ".",
            "--format",
            "json",
            "--since",
            "2999-01-01T00:00:00Z",
        ])
        .code(2)
        .json();
    assert_eq!(later["attribution"]["objects"][0]["found"], false);
    assert_eq!(later["attribution"]["since"], "2999-01-01T00:00:00.000Z");
    deployer()
        .args(["drift", ".", "--since", "a week"])
        .code(1)
        .stderr_has("--since: \"a week\" is neither a duration")
        .run();
}

/// On 8.8 there is no audit log: drift says so, and still reports drift.
#[test]
fn on_8_8_attribution_is_unavailable() {
    let sim = crate::fixtures::sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    std::fs::write(
        dir.join("access.yaml"),
        "version: 1\ngroups:\n  - id: ops\n    members:\n      clients: [deployer]\n",
    )
    .unwrap();
    Case::in_dir(dir)
        .against(&base)
        .args(["apply", ".", "--auto-approve"])
        .code(0)
        .run();
    send(&base, "PUT", "/v2/groups/ops/clients/sneaky", None);
    Case::in_dir(dir)
        .against(&base)
        .args(["drift", "."])
        .code(2)
        .stdout_has("- client:sneaky in group:ops")
        .stdout_has(
            "Who made the drift: attribution unavailable: Camunda 8.8.0 has no audit log (it is new in 8.9).",
        )
        .run();
    let report = Case::in_dir(dir)
        .against(&base)
        .args(["drift", ".", "--format", "json"])
        .code(2)
        .json();
    assert_eq!(report["attribution"]["available"], false);
    assert_eq!(
        report["attribution"]["reason"],
        "Camunda 8.8.0 has no audit log (it is new in 8.9)"
    );
    assert_eq!(report["attribution"]["objects"], json!([]));
}

/// Camunda's default audits no operation by a client: drift finds no entry
/// and says why.
#[test]
fn with_client_auditing_off_drift_says_why_nothing_was_found() {
    let issuer = Issuer::start();
    let sim = cluster(&issuer, CamundaVersion::V8_9, &[]);
    let (_dir, deployer) = applied_then_changed_by_hand(&issuer, &sim, |_| {});
    deployer()
        .args(["drift", "."])
        .code(2)
        .stdout_has("- client:sneaky in group:ops: no audit entry found")
        .stdout_has(
            "Camunda does not audit client operations unless camunda.data.audit-log.client.categories includes ADMIN",
        )
        .stdout_lacks("no READ on AUDIT_LOG")
        .run();
}

/// A tool without `READ` on `AUDIT_LOG` sees an empty audit log (Camunda
/// filters the search): drift says that this may be why.
#[test]
fn without_read_on_the_audit_log_drift_says_so() {
    let issuer = Issuer::start();
    let sim = cluster(&issuer, CamundaVersion::V8_9, &[AuditCategory::Admin]);
    // The admin role's grant on AUDIT_LOG removed by hand: the tool is
    // still an administrator of everything else.
    let (_dir, deployer) = applied_then_changed_by_hand(&issuer, &sim, |intruder| {
        let (_, found) = intruder(
            "POST",
            "/v2/authorizations/search",
            Some(json!({"filter": {"ownerId": "admin", "resourceType": "AUDIT_LOG"}})),
        );
        let key = found["items"][0]["authorizationKey"]
            .as_str()
            .unwrap()
            .to_owned();
        let (status, _) = intruder("DELETE", &format!("/v2/authorizations/{key}"), None);
        assert_eq!(status, 204);
    });
    deployer()
        .args(["drift", "."])
        .code(2)
        .stdout_has("- client:sneaky in group:ops: no audit entry found")
        .stdout_has(
            "the tool (client:deployer or user:deployer) has no READ on AUDIT_LOG (resource * or ADMIN): Camunda shows a caller only the audit entries it may read",
        )
        .run();
}

/// Every kind of drifted object, changed by hand by the user `ann` of an
/// 8.9 cluster with basic authentication (users are audited by default):
/// entities created, renamed and deleted, members added, grants widened
/// and deleted, an unmanaged role. What was never in the cluster has no
/// entry; a deleted grant is known by its owner only.
#[test]
fn every_kind_of_drift_is_attributed_to_the_user_who_made_it() {
    let mut config = SimConfig::new(CamundaVersion::V8_9);
    config.auth = AuthMode::Basic;
    config.admin_users = ["ann", "tool"]
        .map(|u| (u.to_owned(), Secret::new(format!("{u}-pw"))))
        .to_vec();
    let sim = Background::start(config).unwrap();
    let base = sim.url();
    let ann = |method: &str, path: &str, body: Option<Value>| {
        let http = reqwest::blocking::Client::new();
        let mut request = http
            .request(method.parse().unwrap(), format!("{base}{path}"))
            .basic_auth("ann", Some("ann-pw"));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().unwrap();
        let status = response.status().as_u16();
        let answer: Value = response.json().unwrap_or(Value::Null);
        assert!(
            (200..300).contains(&status),
            "{method} {path}: {status} {answer}"
        );
        answer
    };
    for (id, name) in [("old", "Old"), ("team", "Team"), ("gone", "Gone")] {
        ann(
            "POST",
            "/v2/groups",
            Some(json!({"groupId": id, "name": name})),
        );
    }
    ann("DELETE", "/v2/groups/gone", None);
    ann(
        "POST",
        "/v2/roles",
        Some(json!({"roleId": "ops", "name": "Ops"})),
    );
    ann(
        "POST",
        "/v2/roles",
        Some(json!({"roleId": "by-hand", "name": "By hand"})),
    );
    ann("PUT", "/v2/roles/ops/clients/ci", None);
    let grant = |owner_type: &str, owner: &str, resource: &str, permissions: &[&str]| {
        ann(
            "POST",
            "/v2/authorizations",
            Some(
                json!({"ownerId": owner, "ownerType": owner_type, "resourceType": resource,
                        "resourceId": "*", "permissionTypes": permissions}),
            ),
        )["authorizationKey"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    grant("ROLE", "ops", "MESSAGE", &["CREATE"]);
    let key = grant("GROUP", "team", "DOCUMENT", &["READ"]);
    ann("DELETE", &format!("/v2/authorizations/{key}"), None);
    let files = r#"version: 1
policy:
  prune: [groups]
roles:
  - id: admin
    members:
      users: [ann, tool]
  - id: ops
    name: Ops
    members:
      clients: [deployer]
    permissions:
      - resource: MESSAGE
        id: "*"
        allow: [CREATE, READ]
groups:
  - id: team
    name: The team
    permissions:
      - resource: DOCUMENT
        id: "*"
        allow: [READ]
  - id: gone
    name: Gone
  - id: new-team
"#;
    let case = || {
        Case::new()
            .file("access.yaml", files)
            .basic_auth(&base, "tool", "tool-pw")
    };
    case()
        .args(["drift", "."])
        .code(2)
        .stdout_has("~ group team (name): USER ann, CREATE at ")
        .stdout_has("+ group gone: USER ann, DELETE at ")
        .stdout_has("+ group new-team: no audit entry found")
        .snapshot("drift_every_kind_attributed")
        .run();
    // An observed object that differs is drift too, and attributed.
    let observed = files.replace(
        "  - id: new-team\n",
        "  - id: new-team\n  - id: old\n    name: Watched\n    lifecycle: observe\n",
    );
    Case::new()
        .file("access.yaml", &observed)
        .basic_auth(&base, "tool", "tool-pw")
        .args(["drift", "."])
        .code(2)
        .stdout_has("~ group old (name): USER ann, CREATE at ")
        .run();
    let report = case()
        .args(["drift", ".", "--format", "json"])
        .code(2)
        .json();
    let objects = report["attribution"]["objects"].as_array().unwrap().clone();
    let of = |object: &str| {
        objects
            .iter()
            .find(|o| o["object"] == object)
            .unwrap_or_else(|| panic!("{object} in {objects:#?}"))
            .clone()
    };
    let deleted_grant = of("+ group:team on DOCUMENT:* [READ]");
    assert_eq!(deleted_grant["operation"], "DELETE");
    assert_eq!(deleted_grant["actor_id"], "ann");
    assert_eq!(deleted_grant["by_owner"], true);
    assert_eq!(of("- client:ci in role:ops")["operation"], "ASSIGN");
    assert_eq!(of("? role by-hand")["operation"], "CREATE");
    let widened = of("~ role:ops on MESSAGE:* [CREATE] -> [CREATE, READ]");
    assert_eq!(
        (&widened["actor_type"], &widened["operation"]),
        (&json!("USER"), &json!("CREATE"))
    );
    assert!(widened.get("by_owner").is_none(), "found by its key");
}

/// The tool applies as a user (the cluster prefers the username claim), so
/// its own writes are audited; a client renames the group afterwards and
/// is not (Camunda's default). The latest entry is then the tool's own,
/// and drift says that the change after it is not in the audit log.
#[test]
fn when_the_latest_entry_is_the_tools_own_drift_says_the_change_is_not_audited() {
    let issuer = Issuer::start();
    let mut config = SimConfig::new(CamundaVersion::V8_9);
    config.auth = AuthMode::Oidc(OidcSettings {
        issuer: issuer.url.clone(),
        audience: AUDIENCE.into(),
        client_id_claim: Some("client_id".into()),
        username_claim: "sub".into(),
        groups_claim: None,
        prefer_username_claim: true,
    });
    config.admin_clients = vec!["intruder".into()];
    let sim = Background::start(config).unwrap();
    let base = sim.url();
    // A token with a client ID and no username: the client `intruder`.
    let token = issuer.token(json!({"client_id": "intruder"}));
    let intruder = |method: &str, path: &str, body: Option<Value>| {
        let (status, answer) = call(&issuer.runtime, &base, method, path, &token, body);
        assert!(
            (200..300).contains(&status),
            "{method} {path}: {status} {answer}"
        );
    };
    intruder("PUT", "/v2/roles/admin/users/deployer", None);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("access.yaml"),
        "version: 1\nroles:\n  - id: admin\n    members:\n      users: [deployer]\n      clients: [intruder]\ngroups:\n  - id: ops\n    name: Ops\n",
    )
    .unwrap();
    let deployer = || as_client(dir.path(), &base, &issuer.url, "deployer");
    deployer()
        .args(["apply", ".", "--auto-approve"])
        .code(0)
        .run();
    intruder(
        "PUT",
        "/v2/groups/ops",
        Some(json!({"name": "Renamed", "description": ""})),
    );
    deployer()
        .args(["drift", "."])
        .code(2)
        .stdout_has("~ group ops (name): USER deployer, CREATE at ")
        .stdout_has("(this tool's own change: the one after it is not in the audit log)")
        .stdout_has("for 1 object(s) (this tool's own entries aside); Camunda does not audit client operations")
        .run();
    let report = deployer()
        .args(["drift", ".", "--format", "json"])
        .code(2)
        .json();
    assert_eq!(
        report["attribution"]["objects"][0]["by_tool"], true,
        "{report}"
    );
}
