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

use crate::common::root;

const AUDIENCE: &str = "urn:camunda:api";

/// A minimal issuer: discovery and keys, on a loopback port.
struct Issuer {
    url: String,
    runtime: tokio::runtime::Runtime,
}

impl Issuer {
    fn start() -> Issuer {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
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
                            let body = match request.uri().path() {
                                "/.well-known/openid-configuration" => {
                                    json!({"issuer": issuer, "jwks_uri": format!("{issuer}/jwks")})
                                        .to_string()
                                }
                                _ => jwks.clone(),
                            };
                            async move {
                                Ok::<_, Infallible>(hyper::Response::new(Full::new(Bytes::from(
                                    body,
                                ))))
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

    fn token(&self, claims: Value) -> String {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let mut claims = claims;
        claims["iss"] = json!(self.url);
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
}

fn call(
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
    let mut config = SimConfig::new(CamundaVersion::V8_8);
    config.auth = AuthMode::Oidc(OidcSettings {
        issuer: issuer.url.clone(),
        audience: AUDIENCE.into(),
        client_id_claim: "client_id".into(),
        username_claim: "sub".into(),
        groups_claim: None,
        prefer_username_claim: false,
    });
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
