//! End to end with a real OpenID Connect provider (panva's `oidc-provider`,
//! from `tests/oidc-provider/`): the binary authenticates exactly as in CI,
//! with client credentials, against the simulator in OIDC mode.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use camunda_access::model::CamundaVersion;
use camunda_access::sim::oidc::OidcSettings;
use camunda_access::sim::{AuthMode, Background, SimConfig};
use serde_json::{Value, json};

use crate::common::{Case, root};

const AUDIENCE: &str = "urn:camunda:api";

/// The reconciler's client secret: a canary that must never be printed.
const CANARY: &str = "canary-client-secret-7f3a91";

static NPM: Mutex<bool> = Mutex::new(false);

fn provider_dir() -> PathBuf {
    root().join("tests/oidc-provider")
}

/// Installs the provider's npm packages from the lock file, once.
fn install() {
    let mut done = NPM.lock().unwrap_or_else(|e| e.into_inner());
    if *done {
        return;
    }
    if !provider_dir().join("node_modules/oidc-provider").exists() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--prefer-offline"])
            .current_dir(provider_dir())
            .status()
            .expect("npm is installed (Node.js 20+)");
        assert!(status.success(), "npm ci in tests/oidc-provider failed");
    }
    *done = true;
}

/// A running provider; stopped (and its process reaped) on drop.
struct Provider {
    child: Child,
    url: String,
}

impl Provider {
    fn start(ttl_seconds: u64, clients: Value) -> Provider {
        install();
        let mut child = Command::new("node")
            .arg("provider.mjs")
            .current_dir(provider_dir())
            .env("OIDC_CLIENTS", clients.to_string())
            .env("OIDC_AUDIENCE", AUDIENCE)
            .env("OIDC_TTL", ttl_seconds.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node runs");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let url = line
            .trim()
            .strip_prefix("oidc-provider listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
            .to_owned();
        Provider { child, url }
    }

    fn stats(&self) -> Value {
        get_json(&format!("{}/_stats", self.url))
    }

    fn token(&self, client: &str, secret: &str) -> String {
        let rt = runtime();
        let body: Value = rt
            .block_on(async {
                reqwest::Client::new()
                    .post(format!("{}/token", self.url))
                    .form(&[
                        ("grant_type", "client_credentials"),
                        ("client_id", client),
                        ("client_secret", secret),
                    ])
                    .send()
                    .await?
                    .json()
                    .await
            })
            .unwrap();
        body["access_token"].as_str().unwrap().to_owned()
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn get_json(url: &str) -> Value {
    runtime()
        .block_on(async { reqwest::get(url).await?.json().await })
        .unwrap()
}

/// POSTs a search as `token`; the item IDs under `key`.
fn search(base: &str, path: &str, token: &str, key: &str) -> (u16, Vec<String>) {
    let rt = runtime();
    rt.block_on(async {
        let response = reqwest::Client::new()
            .post(format!("{base}/v2{path}"))
            .bearer_auth(token)
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        let ids = body["items"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|i| i[key].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        (status, ids)
    })
}

fn sim_trusting(provider: &Provider) -> Background {
    let mut config = SimConfig::new(CamundaVersion::V8_8);
    config.auth = AuthMode::Oidc(OidcSettings {
        issuer: provider.url.clone(),
        audience: AUDIENCE.into(),
        client_id_claim: Some("client_id".into()),
        username_claim: "sub".into(),
        groups_claim: None,
        prefer_username_claim: false,
    });
    config.admin_clients = vec!["reconciler".into()];
    Background::start(config).unwrap()
}

fn clients() -> Value {
    json!([
        {"id": "reconciler", "secret": CANARY},
        {"id": "worker", "secret": "worker-secret", "claims": {"groups": ["loans"]}},
    ])
}

/// Runs the binary as CI would: OAuth client credentials from the SDK variables.
fn as_reconciler(dir: &Path, provider: &Provider, base: &str, secret: &str) -> Case {
    Case::in_dir(dir)
        .env("CAMUNDA_REST_ADDRESS", base)
        .env("CAMUNDA_AUTH_STRATEGY", "OAUTH")
        .env("CAMUNDA_OAUTH_URL", format!("{}/token", provider.url))
        .env("CAMUNDA_CLIENT_ID", "reconciler")
        .env("CAMUNDA_CLIENT_SECRET", secret)
        .env("CAMUNDA_TOKEN_AUDIENCE", AUDIENCE)
}

fn write(dir: &Path, yaml: &str) {
    std::fs::write(dir.join("access.yaml"), yaml).unwrap();
}

const BY_CLIENT_ID: &str = "version: 1
groups:
  - id: loans-team
  - id: audit-team
clients:
  - id: worker
    permissions:
      - resource: GROUP
        id: \"*\"
        allow: [READ]
";

#[test]
fn a_client_gets_access_by_its_id_and_by_a_claim_in_its_token() {
    let provider = Provider::start(300, clients());
    let sim = sim_trusting(&provider);
    let base = sim.url();
    let tmp = tempfile::tempdir().unwrap();
    let worker = provider.token("worker", "worker-secret");

    // Before: the worker sees no group.
    assert_eq!(
        search(&base, "/groups/search", &worker, "groupId").1.len(),
        0
    );

    // Authorization based on the client ID.
    write(tmp.path(), BY_CLIENT_ID);
    as_reconciler(tmp.path(), &provider, &base, CANARY)
        .args(["apply", ".", "--auto-approve"])
        .code(0)
        .run();
    let (status, groups) = search(&base, "/groups/search", &worker, "groupId");
    assert_eq!(status, 200);
    assert_eq!(groups, ["audit-team", "loans-team"]);
    // No permission on tenants: the simulator's enforcement returns none.
    let (status, tenants) = search(&base, "/tenants/search", &worker, "tenantId");
    assert_eq!((status, tenants.len()), (200, 0));
    assert_eq!(search(&base, "/roles/search", &worker, "roleId").1.len(), 0);

    // Mapping rules: the `groups: [loans]` claim in the worker's token
    // matches a rule that is a member of a role allowed to read roles.
    let with_rule = format!(
        "{BY_CLIENT_ID}roles:
  - id: role-reader
    members:
      mapping-rules: [loans-claim]
    permissions:
      - resource: ROLE
        id: \"*\"
        allow: [READ]
mapping-rules:
  - id: loans-claim
    claim: groups
    value: loans
policy:
  prune: [mapping-rules]
"
    );
    write(tmp.path(), &with_rule);
    as_reconciler(tmp.path(), &provider, &base, CANARY)
        .args(["apply", ".", "--auto-approve"])
        .code(0)
        .run();
    let (_, roles) = search(&base, "/roles/search", &worker, "roleId");
    assert!(roles.contains(&"role-reader".to_owned()), "{roles:?}");

    // The rule removed from the configuration: the access goes with it.
    let without_rule = with_rule
        .replace("    members:\n      mapping-rules: [loans-claim]\n", "")
        .replace(
            "mapping-rules:\n  - id: loans-claim\n    claim: groups\n    value: loans\n",
            "",
        );
    write(tmp.path(), &without_rule);
    as_reconciler(tmp.path(), &provider, &base, CANARY)
        .args(["apply", ".", "--auto-approve"])
        .code(0)
        .stdout_has("- mapping-rule loans-claim")
        .run();
    assert_eq!(search(&base, "/roles/search", &worker, "roleId").1.len(), 0);
}

#[test]
fn tokens_that_expire_mid_run_are_renewed_once_each_and_a_wrong_secret_fails_at_once() {
    let ttl = 3;
    let provider = Provider::start(ttl, clients());
    let sim = sim_trusting(&provider);
    let base = sim.url();
    let rt = runtime();
    rt.block_on(async {
        reqwest::Client::new()
            .post(format!("{base}/_sim/faults"))
            .json(&json!({"latencyMs": 100}))
            .send()
            .await
            .unwrap();
    });
    let tmp = tempfile::tempdir().unwrap();
    let mut yaml = String::from("version: 1\ngroups:\n");
    for g in 0..60 {
        yaml.push_str(&format!(
            "  - id: team-{g}\n    members:\n      clients: [worker]\n"
        ));
    }
    write(tmp.path(), &yaml);
    let before = provider.stats()["tokenRequests"].as_u64().unwrap();
    let started = Instant::now();
    let ran = as_reconciler(tmp.path(), &provider, &base, CANARY)
        .args(["apply", ".", "--auto-approve", "--parallelism", "2"])
        .args(["--format", "json"])
        .code(0)
        .run();
    let elapsed = started.elapsed();
    let report = ran.json();
    assert_eq!(report["summary"]["failed"], 0);
    assert_eq!(report["summary"]["done"], 120);
    let tokens = provider.stats()["tokenRequests"].as_u64().unwrap() - before;
    // The run outlived several tokens; each was renewed once, ahead of
    // expiry (one second early), by one task while the others waited.
    assert!(
        elapsed > Duration::from_secs(2 * ttl),
        "the run was too short to test expiry: {elapsed:?}"
    );
    let lifetimes = elapsed.as_secs_f64() / (ttl as f64 - 1.0);
    assert!(tokens >= 2, "{tokens} tokens in {elapsed:?}");
    assert!(
        (tokens as f64) <= lifetimes.ceil() + 1.0,
        "{tokens} tokens in {elapsed:?}: more than one per expiry"
    );

    // A wrong secret: one token request, exit 1, the provider's error code.
    let before = provider.stats()["tokenRequests"].as_u64().unwrap();
    as_reconciler(tmp.path(), &provider, &base, "wrong-secret")
        .args(["plan", "."])
        .code(1)
        .stderr_has("invalid_client")
        .run();
    let after = provider.stats()["tokenRequests"].as_u64().unwrap();
    assert_eq!(after - before, 1, "no retry storm");
}

/// Every command, at the most verbose level, with the canary secret: the
/// secret and the tokens it earns (JWTs start with `eyJ`) appear nowhere —
/// not in stdout, stderr, plan files, JSON reports or exported files.
#[test]
fn secrets_and_tokens_never_leak() {
    let provider = Provider::start(300, clients());
    let sim = sim_trusting(&provider);
    let base = sim.url();
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), BY_CLIENT_ID);
    let runs: Vec<Vec<&str>> = vec![
        vec!["-vv", "validate", "."],
        vec!["-vv", "plan", ".", "--out", "plan.json", "--format", "json"],
        vec!["-vv", "plan", ".", "--format", "markdown"],
        vec!["-vv", "graph", "."],
        vec![
            "-vv",
            "apply",
            ".",
            "--plan",
            "plan.json",
            "--format",
            "json",
        ],
        vec!["-vv", "drift", ".", "--format", "json"],
        vec!["-vv", "export", "--out", "exported"],
        vec!["-vv", "plan", ".", "--detailed-exitcode"],
    ];
    let mut seen = String::new();
    for args in &runs {
        let ran = as_reconciler(tmp.path(), &provider, &base, CANARY)
            .args(args)
            .run();
        if ran.code().is_none_or(|c| c > 2) {
            ran.fail(&format!("{args:?}: expected exit code 0, 1 or 2"));
        }
        seen.push_str(&ran.stdout);
        seen.push_str(&ran.stderr);
    }
    // The verbose runs did log.
    assert!(
        seen.contains("[info] POST /v2/groups/search -> 200"),
        "{seen}"
    );
    assert!(
        seen.contains("[debug] requesting an access token for client reconciler"),
        "{seen}"
    );
    for entry in walk(tmp.path()) {
        if entry
            .extension()
            .is_some_and(|e| e == "json" || e == "yaml")
        {
            seen.push_str(&std::fs::read_to_string(&entry).unwrap());
        }
    }
    for secret in [CANARY, "eyJ"] {
        assert!(!seen.contains(secret), "{secret} leaked");
    }
    // And the runs did their work: the worker can read groups now.
    let worker = provider.token("worker", "worker-secret");
    assert_eq!(
        search(&base, "/groups/search", &worker, "groupId").1.len(),
        2
    );
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
