//! Who made the drift: `drift` reads Camunda 8.9's audit log and names the
//! user or client behind each drifted object — and says why when the
//! cluster cannot tell (8.8, client operations not audited, no `READ` on
//! `AUDIT_LOG`).

use camunda_access::model::CamundaVersion;
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

/// The "done when": on 8.9 with client auditing on, `drift` names
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
