//! The simulator in OIDC mode: tokens signed by a test issuer, verified
//! against its keys, mapped to clients, and matched against mapping rules.

use std::convert::Infallible;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use camunda_access::model::CamundaVersion;
use camunda_access::sim::oidc::OidcSettings;
use camunda_access::sim::{AuthMode, Background, SimConfig};
use http_body_util::Full;
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};

use crate::common::{Case, root};

pub(crate) const AUDIENCE: &str = "urn:camunda:api";

/// A minimal issuer: discovery and keys, on a loopback port.
pub(crate) struct Issuer {
    pub(crate) url: String,
    pub(crate) runtime: tokio::runtime::Runtime,
}

impl Issuer {
    pub(crate) fn start() -> Issuer {
        let (runtime, listener, url) = crate::fixtures::loopback(1);
        let jwks = std::fs::read_to_string(root().join("tests/fixtures/oidc/jwks.json")).unwrap();
        let issuer = url.clone();
        runtime.spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let jwks = jwks.clone();
                let issuer = issuer.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(
                        move |request: hyper::Request<hyper::body::Incoming>| {
                            let jwks = jwks.clone();
                            let issuer = issuer.clone();
                            async move {
                                let path = request.uri().path().to_owned();
                                let (status, body) = match path.as_str() {
                                    "/.well-known/openid-configuration" => (
                                        200,
                                        json!({"issuer": issuer, "jwks_uri": format!("{issuer}/jwks")})
                                            .to_string(),
                                    ),
                                    "/token" => {
                                        use http_body_util::BodyExt;
                                        let form = request
                                            .into_body()
                                            .collect()
                                            .await
                                            .map(|b| b.to_bytes())
                                            .unwrap_or_default();
                                        client_credentials(&issuer, &String::from_utf8_lossy(&form))
                                    }
                                    _ => (200, jwks),
                                };
                                let mut response =
                                    hyper::Response::new(Full::new(Bytes::from(body)));
                                *response.status_mut() =
                                    hyper::StatusCode::from_u16(status).unwrap();
                                Ok::<_, Infallible>(response)
                            }
                        },
                    );
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Issuer { url, runtime }
    }

    pub(crate) fn token(&self, claims: Value) -> String {
        sign(&self.url, claims)
    }
}

/// Signs `claims` as the test issuer at `issuer`.
fn sign(issuer: &str, claims: Value) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let mut claims = claims;
    claims["iss"] = json!(issuer);
    claims["iat"] = json!(now);
    if claims.get("exp").is_none() {
        claims["exp"] = json!(now + 300);
    }
    if claims.get("aud").is_none() {
        claims["aud"] = json!(AUDIENCE);
    }
    let key = std::fs::read(root().join("tests/fixtures/oidc/test-key.pem")).unwrap();
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some("test-key-1".into());
    encode(&header, &claims, &EncodingKey::from_rsa_pem(&key).unwrap()).unwrap()
}

/// The token endpoint: client credentials; a client's secret is
/// `secret-of-<client id>`.
fn client_credentials(issuer: &str, form: &str) -> (u16, String) {
    let field = |name: &str| {
        form.split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.replace("%2D", "-").replace("%3A", ":"))
    };
    let (Some(id), Some(secret)) = (field("client_id"), field("client_secret")) else {
        return (400, json!({"error": "invalid_request"}).to_string());
    };
    if secret != format!("secret-of-{id}")
        || field("grant_type").as_deref() != Some("client_credentials")
    {
        return (
            401,
            json!({"error": "invalid_client", "error_description": "Invalid client credentials"})
                .to_string(),
        );
    }
    let audience = field("audience").unwrap_or_else(|| AUDIENCE.to_owned());
    let token = sign(issuer, json!({"sub": id, "client_id": id, "aud": audience}));
    (
        200,
        json!({"access_token": token, "token_type": "Bearer", "expires_in": 300}).to_string(),
    )
}

pub(crate) fn call(
    runtime: &tokio::runtime::Runtime,
    base: &str,
    method: &str,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    runtime.block_on(async {
        let mut request = reqwest::Client::new()
            .request(method.parse().unwrap(), format!("{base}{path}"))
            .bearer_auth(token)
            .timeout(Duration::from_secs(20));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    })
}

#[test]
fn tokens_are_verified_and_mapped_to_principals() {
    let issuer = Issuer::start();
    let mut config = with_client_id_claim(&issuer);
    config.admin_clients = vec!["ci".into()];
    let sim = Background::start(config).unwrap();
    let base = sim.url();
    let rt = &issuer.runtime;
    let ci = issuer.token(json!({"sub": "ci", "client_id": "ci"}));
    let worker = issuer.token(json!({"sub": "worker", "client_id": "worker", "groups": ["loans"]}));

    // The admin client manages; the worker may not.
    assert_eq!(
        call(
            rt,
            &base,
            "POST",
            "/v2/groups",
            &ci,
            Some(json!({"groupId": "g", "name": "G"}))
        )
        .0,
        201
    );
    let (status, problem) = call(
        rt,
        &base,
        "POST",
        "/v2/roles",
        &worker,
        Some(json!({"roleId": "r", "name": "R"})),
    );
    assert_eq!(status, 403, "{problem}");
    let (_, groups) = call(rt, &base, "POST", "/v2/groups/search", &worker, None);
    assert_eq!(groups["items"], json!([]));

    // A mapping rule on the worker's groups claim, member of a role that reads groups.
    call(
        rt,
        &base,
        "POST",
        "/v2/roles",
        &ci,
        Some(json!({"roleId": "reader", "name": "Reader"})),
    );
    call(
        rt,
        &base,
        "POST",
        "/v2/mapping-rules",
        &ci,
        Some(
            json!({"mappingRuleId": "loans", "claimName": "groups", "claimValue": "loans", "name": "Loans"}),
        ),
    );
    assert_eq!(
        call(
            rt,
            &base,
            "PUT",
            "/v2/roles/reader/mapping-rules/loans",
            &ci,
            None
        )
        .0,
        204
    );
    let (status, created) = call(
        rt,
        &base,
        "POST",
        "/v2/authorizations",
        &ci,
        Some(
            json!({"ownerId": "reader", "ownerType": "ROLE", "resourceId": "*", "resourceType": "GROUP", "permissionTypes": ["READ"]}),
        ),
    );
    assert_eq!(status, 201, "{created}");
    let (_, groups) = call(rt, &base, "POST", "/v2/groups/search", &worker, None);
    assert_eq!(groups["items"][0]["groupId"], "g");
    let (_, me) = call(rt, &base, "GET", "/v2/authentication/me", &worker, None);
    assert_eq!(me["roles"], json!(["reader"]));

    // Users are not managed in OIDC mode.
    let (status, problem) = call(rt, &base, "POST", "/v2/users/search", &ci, None);
    assert_eq!(
        (status, problem["title"].as_str()),
        (403, Some("Access issue"))
    );

    // Bad tokens: wrong audience, expired, garbage.
    let wrong_audience = issuer.token(json!({"client_id": "ci", "aud": "someone-else"}));
    assert_eq!(
        call(rt, &base, "GET", "/v2/topology", &wrong_audience, None).0,
        401
    );
    let expired = issuer.token(json!({"client_id": "ci", "exp": 1_000_000}));
    assert_eq!(
        call(rt, &base, "GET", "/v2/topology", &expired, None).0,
        401
    );
    assert_eq!(
        call(rt, &base, "GET", "/v2/topology", "not-a-token", None).0,
        401
    );
}

/// The tool as an OAuth client of the test issuer: it gets a token with
/// client credentials, plans and applies; a configuration that takes it
/// out of `admin` is refused before any write; a wrong secret fails at
/// once with the provider's error code.
#[test]
fn apply_as_an_oauth_client_and_refuse_its_own_lockout() {
    let issuer = Issuer::start();
    let mut config = with_client_id_claim(&issuer);
    config.admin_clients = vec!["ci".into(), "break-glass".into()];
    let sim = Background::start(config).unwrap();
    let base = sim.url();
    let tmp = tempfile::tempdir().unwrap();
    let apply = |secret: &str| {
        as_client(tmp.path(), &base, &issuer, "ci", secret)
            .args(["apply", ".", "--auto-approve"])
            .run()
            .output
    };
    let counters = || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            reqwest::get(format!("{base}/_sim/requests"))
                .await?
                .text()
                .await
        })
        .unwrap()
    };
    let writes = || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let counted: Value = rt
            .block_on(async {
                reqwest::get(format!("{base}/_sim/requests"))
                    .await?
                    .json()
                    .await
            })
            .unwrap();
        counted
            .as_object()
            .unwrap()
            .iter()
            .filter(|(r, _)| {
                !r.contains("search") && !r.starts_with("GET") && !r.contains("(disabled API)")
            })
            .map(|(_, n)| n.as_u64().unwrap())
            .sum::<u64>()
    };
    // Only break-glass stays in admin: ci would lose its access.
    std::fs::write(
        tmp.path().join("access.yaml"),
        "version: 1\nroles:\n  - id: admin\n    members:\n      clients: [break-glass]\ngroups:\n  - id: team\n",
    )
    .unwrap();
    let output = apply("secret-of-ci");
    let err = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(3), "{err}");
    assert!(
        err.contains("refused: client:ci, which this tool runs as, would lose"),
        "{err}"
    );
    assert_eq!(writes(), 0, "{}", counters());
    assert!(!err.contains("secret-of-ci"));

    // Keeping ci in admin, the same run applies.
    std::fs::write(
        tmp.path().join("access.yaml"),
        "version: 1\nroles:\n  - id: admin\n    members:\n      clients: [break-glass, ci]\ngroups:\n  - id: team\n",
    )
    .unwrap();
    let output = apply("secret-of-ci");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(writes(), 1, "one group created");

    // A wrong secret: the provider's error code, at once.
    let output = apply("wrong");
    let err = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(1));
    assert!(err.contains("invalid_client"), "{err}");
}

/// `apply . --auto-approve` in `dir` as the OAuth client `client` of
/// `issuer` (its secret is `secret-of-<client>`).
fn apply_as_client(
    dir: &std::path::Path,
    base: &str,
    issuer: &Issuer,
    client: &str,
) -> std::process::Output {
    as_client(dir, base, issuer, client, &format!("secret-of-{client}"))
        .args(["apply", ".", "--auto-approve"])
        .run()
        .output
}

/// The binary in `dir` against `base`, as the OAuth client `client` of
/// `issuer` with `secret`.
fn as_client(
    dir: &std::path::Path,
    base: &str,
    issuer: &Issuer,
    client: &str,
    secret: &str,
) -> Case {
    Case::in_dir(dir)
        .env("CAMUNDA_REST_ADDRESS", base)
        .env("CAMUNDA_CLIENT_ID", client)
        .env("CAMUNDA_CLIENT_SECRET", secret)
        .env("CAMUNDA_OAUTH_URL", format!("{}/token", issuer.url))
        .env("CAMUNDA_TOKEN_AUDIENCE", AUDIENCE)
        .env_remove("CAMUNDA_AUTH_STRATEGY")
}

/// An 8.8 cluster that trusts `issuer`'s tokens and reads the client ID
/// from their `client_id` claim, users from `sub`.
fn with_client_id_claim(issuer: &Issuer) -> SimConfig {
    let mut config = SimConfig::new(CamundaVersion::V8_8);
    config.auth = AuthMode::Oidc(OidcSettings {
        issuer: issuer.url.clone(),
        audience: AUDIENCE.into(),
        client_id_claim: Some("client_id".into()),
        username_claim: "sub".into(),
        groups_claim: None,
        prefer_username_claim: false,
    });
    config
}

/// The tool as an OAuth client whose admin access comes through a group:
/// pruning that group takes the client's membership with it (Camunda's
/// cascade), so the guard refuses, nothing is written, and the client
/// keeps its access.
#[test]
fn pruning_the_group_that_makes_the_tool_admin_is_refused() {
    let issuer = Issuer::start();
    let mut config = with_client_id_claim(&issuer);
    config.admin_clients = vec!["root".into()];
    config.lag = Duration::ZERO;
    let sim = Background::start(config).unwrap();
    let base = sim.url();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let root = issuer.token(json!({"sub": "root", "client_id": "root"}));
    for (method, path, body) in [
        (
            "POST",
            "/v2/groups",
            Some(json!({"groupId": "platform", "name": "Platform"})),
        ),
        ("PUT", "/v2/groups/platform/clients/ci", None),
        ("PUT", "/v2/roles/admin/groups/platform", None),
    ] {
        let (status, _) = call(&rt, &base, method, path, &root, body);
        assert!(status < 300, "{method} {path}: {status}");
    }
    let state_before: Value = rt
        .block_on(async {
            reqwest::get(format!("{base}/_sim/state"))
                .await?
                .json()
                .await
        })
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("access.yaml"),
        "version: 1\npolicy:\n  prune: [groups]\ngroups:\n  - id: team\n",
    )
    .unwrap();
    let output = apply_as_client(tmp.path(), &base, &issuer, "ci");
    let err = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(3), "{err}");
    assert!(
        err.contains("refused: client:ci, which this tool runs as, would lose"),
        "{err}"
    );
    let state_after: Value = rt
        .block_on(async {
            reqwest::get(format!("{base}/_sim/state"))
                .await?
                .json()
                .await
        })
        .unwrap();
    assert_eq!(
        state_before["members"], state_after["members"],
        "nothing written"
    );
    assert_eq!(state_before["groups"], state_after["groups"]);
}

/// A simulator with Camunda's OIDC defaults (no client-id claim, username
/// claim `sub`) whose `admin` role holds the user `ops`.
fn sim_with_camunda_defaults(
    issuer: &Issuer,
    settings: impl FnOnce(&mut OidcSettings),
) -> Background {
    let mut oidc = OidcSettings {
        issuer: issuer.url.clone(),
        audience: AUDIENCE.into(),
        client_id_claim: None,
        username_claim: "sub".into(),
        groups_claim: None,
        prefer_username_claim: false,
    };
    settings(&mut oidc);
    let mut config = SimConfig::new(CamundaVersion::V8_8);
    config.auth = AuthMode::Oidc(oidc);
    config.init = Some(
        camunda_access::sim::init::parse(
            "camunda:\n  security:\n    initialization:\n      default-roles:\n        admin:\n          users: [ops]\n",
        )
        .unwrap(),
    );
    Background::start(config).unwrap()
}

/// Camunda sets no client-id claim by default: a machine token is a user
/// named by `sub`, and an authorization for its client ID does not apply.
#[test]
fn without_a_client_id_claim_client_authorizations_do_not_apply() {
    let issuer = Issuer::start();
    let sim = sim_with_camunda_defaults(&issuer, |_| {});
    let base = sim.url();
    let rt = &issuer.runtime;
    let ops = issuer.token(json!({"sub": "ops"}));
    let worker = issuer.token(json!({"sub": "service-account-worker", "client_id": "worker"}));
    let grant = |owner_type: &str, owner: &str| {
        let (status, body) = call(
            rt,
            &base,
            "POST",
            "/v2/authorizations",
            &ops,
            Some(
                json!({"ownerId": owner, "ownerType": owner_type, "resourceId": "*", "resourceType": "GROUP", "permissionTypes": ["READ"]}),
            ),
        );
        assert_eq!(status, 201, "{body}");
    };
    assert_eq!(
        call(
            rt,
            &base,
            "POST",
            "/v2/groups",
            &ops,
            Some(json!({"groupId": "g", "name": "G"}))
        )
        .0,
        201
    );
    grant("CLIENT", "worker");
    let (_, groups) = call(rt, &base, "POST", "/v2/groups/search", &worker, None);
    assert_eq!(
        groups["items"],
        json!([]),
        "the CLIENT grant does not apply"
    );
    let (_, me) = call(rt, &base, "GET", "/v2/authentication/me", &worker, None);
    assert_eq!(me["username"], "service-account-worker");
    // Granted to the user its `sub` names, it applies.
    grant("USER", "service-account-worker");
    let (_, groups) = call(rt, &base, "POST", "/v2/groups/search", &worker, None);
    assert_eq!(groups["items"][0]["groupId"], "g");
}

/// Claim names are JSONPath, and a groups claim may be one string; any
/// other type of groups claim is refused.
#[test]
fn claims_are_json_paths_and_a_groups_claim_may_be_one_string() {
    let issuer = Issuer::start();
    let sim = sim_with_camunda_defaults(&issuer, |oidc| {
        oidc.client_id_claim = Some("$.azp".into());
        oidc.username_claim = "$.profile.login".into();
        oidc.groups_claim = Some("$['realm.groups']".into());
    });
    let base = sim.url();
    let rt = &issuer.runtime;
    let client = issuer.token(json!({"sub": "x", "azp": "worker", "realm.groups": "loans"}));
    let (status, me) = call(rt, &base, "GET", "/v2/authentication/me", &client, None);
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["username"], "worker");
    assert_eq!(me["groups"], json!(["loans"]));
    let user =
        issuer.token(json!({"sub": "x", "profile": {"login": "dana"}, "realm.groups": ["a", "b"]}));
    let (_, me) = call(rt, &base, "GET", "/v2/authentication/me", &user, None);
    assert_eq!(me["username"], "dana");
    assert_eq!(me["groups"], json!(["a", "b"]));
    let odd = issuer.token(json!({"sub": "x", "azp": "worker", "realm.groups": 7}));
    let (status, problem) = call(rt, &base, "GET", "/v2/topology", &odd, None);
    assert_eq!(status, 401);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("is not a string or string array"),
        "{problem}"
    );
}

/// The tool runs as OAuth client `ci`; the configuration gives access to a
/// client. A cluster with Camunda's default (no client-id claim) sees the
/// tool's token as a user: `plan` says so. With a client-id claim it does not.
#[test]
fn plan_warns_when_the_cluster_sees_client_tokens_as_users() {
    let issuer = Issuer::start();
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("access.yaml"),
        "version: 1\nclients:\n  - id: worker\n    permissions:\n      - resource: MESSAGE\n        id: \"*\"\n        allow: [CREATE]\n",
    )
    .unwrap();
    let plan =
        |base: &str| as_client(tmp.path(), base, &issuer, "ci", "secret-of-ci").args(["plan", "."]);
    // Camunda's defaults; the token's `sub` (= its client ID) is an admin user.
    let sim = {
        let mut config = SimConfig::new(CamundaVersion::V8_8);
        config.auth = AuthMode::Oidc(OidcSettings {
            issuer: issuer.url.clone(),
            audience: AUDIENCE.into(),
            client_id_claim: None,
            username_claim: "sub".into(),
            groups_claim: None,
            prefer_username_claim: false,
        });
        config.init = Some(
            camunda_access::sim::init::parse(
                "camunda:\n  security:\n    initialization:\n      default-roles:\n        admin:\n          users: [ci]\n",
            )
            .unwrap(),
        );
        Background::start(config).unwrap()
    };
    plan(&sim.url())
        .code(0)
        .stderr_has("the cluster identifies this tool's token as user:ci, not as client:ci")
        .stderr_has("camunda.security.authentication.oidc.client-id-claim")
        .stderr_has("client:worker")
        .run();

    // With a client-id claim the token is the client: no warning.
    let sim = {
        let mut config = with_client_id_claim(&issuer);
        config.admin_clients = vec!["ci".into()];
        Background::start(config).unwrap()
    };
    plan(&sim.url())
        .code(0)
        .stderr_lacks("identifies this tool's token")
        .run();
}

/// Mapping rules compare claims as strings, without conversion: a token
/// with `email_verified: true` is not matched by `email_verified = "true"`;
/// one with `groups: [loans]` is matched by `groups = loans`.
#[test]
fn mapping_rules_match_strings_only() {
    let issuer = Issuer::start();
    let sim = sim_with_camunda_defaults(&issuer, |_| {});
    let base = sim.url();
    let rt = &issuer.runtime;
    let ops = issuer.token(json!({"sub": "ops"}));
    for (id, claim, value, resource) in [
        ("verified", "email_verified", "true", "GROUP"),
        ("loans", "groups", "loans", "ROLE"),
    ] {
        let (status, body) = call(
            rt,
            &base,
            "POST",
            "/v2/mapping-rules",
            &ops,
            Some(json!({"mappingRuleId": id, "claimName": claim, "claimValue": value, "name": id})),
        );
        assert_eq!(status, 201, "{body}");
        let (status, body) = call(
            rt,
            &base,
            "POST",
            "/v2/authorizations",
            &ops,
            Some(
                json!({"ownerId": id, "ownerType": "MAPPING_RULE", "resourceId": "*", "resourceType": resource, "permissionTypes": ["READ"]}),
            ),
        );
        assert_eq!(status, 201, "{body}");
    }
    call(
        rt,
        &base,
        "POST",
        "/v2/groups",
        &ops,
        Some(json!({"groupId": "g", "name": "G"})),
    );
    let worker =
        issuer.token(json!({"sub": "worker", "email_verified": true, "groups": ["loans"]}));
    let (_, groups) = call(rt, &base, "POST", "/v2/groups/search", &worker, None);
    assert_eq!(groups["items"], json!([]), "a boolean claim never matches");
    let (_, roles) = call(rt, &base, "POST", "/v2/roles/search", &worker, None);
    assert!(
        !roles["items"].as_array().unwrap().is_empty(),
        "an array of strings matches: {roles}"
    );
    // The same claim as a string matches.
    let stringly = issuer.token(json!({"sub": "worker", "email_verified": "true"}));
    let (_, groups) = call(rt, &base, "POST", "/v2/groups/search", &stringly, None);
    assert_eq!(groups["items"][0]["groupId"], "g");
}

/// Without a client-id claim (Camunda's default) the tool's token is the
/// user named by its `sub`. The lockout guard watches that user too: a
/// configuration that takes `ops` out of `admin` is refused when the tool
/// runs as the OAuth client `ops`.
#[test]
fn the_lockout_guard_watches_the_user_a_client_token_is_taken_for() {
    let issuer = Issuer::start();
    let sim = sim_with_camunda_defaults(&issuer, |_| {});
    let base = sim.url();
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("access.yaml"),
        "version: 1\nroles:\n  - id: admin\n    members:\n      clients: [break-glass]\ngroups:\n  - id: team\n",
    )
    .unwrap();
    let output = apply_as_client(tmp.path(), &base, &issuer, "ops");
    let err = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(3), "{err}");
    assert!(
        err.contains("refused: user:ops, which this tool runs as, would lose"),
        "{err}"
    );
}

/// Issue 13, item 9. The tool (OAuth client `ci`) is admin only through a
/// mapping rule its own token matches (`client_id = ci`, a member of
/// `admin`); a plan that prunes that mapping rule takes its admin
/// membership with it. On 8.10 the cluster's own-authorizations search
/// shows admin's grants reaching the tool, so the lockout guard refuses
/// (exit 3) and nothing is written. On 8.9 there is no such search and the
/// guard cannot see it: the apply goes ahead and the tool locks itself out.
#[test]
fn on_8_10_the_guard_sees_access_the_tool_has_through_a_mapping_rule() {
    let issuer = Issuer::start();
    let files = "version: 1\npolicy:\n  prune: [mapping-rules]\nmapping-rules:\n  - id: other\n    name: Other\n    claim: client_id\n    value: other\n";
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("access.yaml"), files).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let root = issuer.token(json!({"sub": "root", "client_id": "root"}));
    for version in [CamundaVersion::V8_10, CamundaVersion::V8_9] {
        let mut config = with_client_id_claim(&issuer);
        config.version = version;
        config.admin_clients = vec!["root".into()];
        config.lag = Duration::ZERO;
        let sim = Background::start(config).unwrap();
        let base = sim.url();
        for (method, path, body) in [
            (
                "POST",
                "/v2/mapping-rules",
                Some(
                    json!({"mappingRuleId": "ci-rule", "name": "CI", "claimName": "client_id", "claimValue": "ci"}),
                ),
            ),
            ("PUT", "/v2/roles/admin/mapping-rules/ci-rule", None),
        ] {
            let (status, answer) = call(&rt, &base, method, path, &root, body);
            assert!(status < 300, "{method} {path}: {status} {answer}");
        }
        let rules = |rt: &tokio::runtime::Runtime| {
            let (_, found) = call(
                rt,
                &base,
                "POST",
                "/v2/mapping-rules/search",
                &root,
                Some(json!({})),
            );
            found["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["mappingRuleId"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        };
        // No convergence wait: on 8.9 the tool could not read any more.
        let output = as_client(tmp.path(), &base, &issuer, "ci", "secret-of-ci")
            .args(["apply", ".", "--auto-approve", "--wait", "0"])
            .run()
            .output;
        let err = String::from_utf8_lossy(&output.stderr).into_owned();
        if version == CamundaVersion::V8_10 {
            assert_eq!(output.status.code(), Some(3), "{err}");
            assert!(
                err.contains("refused: mapping-rule:ci-rule, which this tool runs as, would lose AUTHORIZATION:"),
                "{err}"
            );
            assert_eq!(rules(&rt), ["ci-rule"], "nothing written");
        } else {
            assert_ne!(output.status.code(), Some(3), "{err}");
            assert!(!err.contains("refused"), "{err}");
            assert!(rules(&rt).iter().all(|r| r != "ci-rule"), "deleted on 8.9");
        }
    }
}
