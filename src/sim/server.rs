//! The HTTP server: authentication, feature switches, injected faults,
//! RFC 9457 problem bodies, operator endpoints under `/_sim/`, and answers
//! dropped after a write.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};

use crate::sim::access::{Caller, Identity};
use crate::sim::api::{Api, Reply};
use crate::sim::engine::Rejection;
use crate::sim::faults::{AfterWrite, FaultConfig, Faults, Injected};
use crate::sim::oidc::Verifier;
use crate::sim::request::decode_segment;
use crate::sim::store::Store;

/// How callers authenticate.
pub(crate) enum Authentication {
    /// No authentication (`unprotected-api`).
    None,
    /// HTTP Basic against the cluster's users.
    Basic,
    /// OIDC bearer tokens.
    Oidc(Box<Verifier>),
}

/// Everything a request handler needs.
pub(crate) struct Server {
    /// The identity API.
    pub api: Api,
    /// Counters and faults.
    pub faults: Faults,
    /// Authentication mode.
    pub authentication: Authentication,
    /// Whether authorization checks are enforced.
    pub checks: bool,
}

type Body = Full<Bytes>;

fn problem(rejection: &Rejection, instance: &str) -> Response<Body> {
    let body = json!({
        "type": "about:blank",
        "title": rejection.title,
        "status": rejection.status,
        "detail": rejection.detail,
        "instance": instance,
    });
    Response::builder()
        .status(rejection.status)
        .header("content-type", "application/problem+json")
        .body(Full::new(Bytes::from(body.to_string())))
        .expect("valid response")
}

fn json_response(status: u16, body: &Value) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .expect("valid response")
}

fn empty(status: u16) -> Response<Body> {
    Response::builder()
        .status(status)
        .body(Full::new(Bytes::new()))
        .expect("valid response")
}

/// What to do with a request's connection.
enum Outcome {
    Respond(Response<Body>),
    /// Close the connection without answering.
    Drop,
}

impl Server {
    async fn authenticate(
        &self,
        headers: &hyper::HeaderMap,
    ) -> Result<Option<Identity>, Rejection> {
        let header = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::trim);
        let unauthorized = |detail: &str| Rejection::new(401, "Unauthorized", detail);
        match &self.authentication {
            Authentication::None => Ok(None),
            Authentication::Basic => {
                let Some(encoded) = header.and_then(|h| h.strip_prefix("Basic ")) else {
                    return Err(unauthorized(
                        "Full authentication is required to access this resource",
                    ));
                };
                let decoded = STANDARD
                    .decode(encoded.trim())
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
                    .ok_or_else(|| unauthorized("Invalid basic authentication token"))?;
                let (username, password) = decoded
                    .split_once(':')
                    .ok_or_else(|| unauthorized("Invalid basic authentication token"))?;
                let valid = self.api.cluster.read_primary(|store| {
                    store
                        .users
                        .get(username)
                        .is_some_and(|u| u.password == password)
                });
                if !valid {
                    return Err(unauthorized("Bad credentials"));
                }
                Ok(Some(Identity {
                    username: Some(username.to_owned()),
                    ..Identity::default()
                }))
            }
            Authentication::Oidc(verifier) => {
                let Some(token) = header.and_then(|h| h.strip_prefix("Bearer ")) else {
                    return Err(unauthorized(
                        "Full authentication is required to access this resource",
                    ));
                };
                verifier
                    .identify(token.trim())
                    .await
                    .map(Some)
                    .map_err(|e| unauthorized(&format!("Invalid bearer token: {e}")))
            }
        }
    }

    /// Switched-off APIs answer before any controller (servlet filters).
    fn disabled(&self, segments: &[String], path: &str) -> Option<Rejection> {
        let switches = &self.api.switches;
        let message = match segments.first().map(String::as_str) {
            Some("users") if !switches.users_api => {
                "Users API is disabled because the application is configured in OIDC mode."
            }
            Some("groups") if !switches.groups_api => {
                "Groups API is disabled because the application is configured in group claim mode. To use the Groups API, reconfigure the application to manage group mode removing the 'camunda.security.authentication.oidc.groupsClaim' property."
            }
            Some("tenants") if !switches.tenants_api => {
                "Tenants API is disabled. Enable the API by setting 'camunda.security.multiTenancy.apiEnabled' to true."
            }
            _ => return None,
        };
        Some(Rejection::new(
            403,
            "Access issue",
            format!("{path} endpoint is not accessible: {message}"),
        ))
    }

    async fn v2(
        &self,
        method: &str,
        path: &str,
        segments: Vec<String>,
        headers: &hyper::HeaderMap,
        body: &[u8],
    ) -> Outcome {
        let latency = self.faults.latency();
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        // Commands go to a partition; reads and searches to secondary storage.
        let write = method != "GET" && !path.ends_with("/search");
        if let Some(injected) = self.faults.before_request(write) {
            self.faults.count(&format!("{method} /v2 (injected fault)"));
            let response = match injected {
                Injected::Unavailable => problem(
                    &Rejection::new(
                        503,
                        "RESOURCE_EXHAUSTED",
                        "Expected to handle REST API request, but the broker is overloaded (backpressure)",
                    ),
                    path,
                ),
                Injected::RateLimited(seconds) => {
                    let mut r = problem(
                        &Rejection::new(429, "TOO_MANY_REQUESTS", "Rate limit exceeded"),
                        path,
                    );
                    r.headers_mut()
                        .insert("retry-after", seconds.to_string().parse().expect("digits"));
                    r
                }
                Injected::PartitionUnavailable => problem(
                    &Rejection::new(
                        503,
                        "UNAVAILABLE",
                        "Expected to handle request, but the target partition is currently inactive",
                    ),
                    path,
                ),
                Injected::InternalError => problem(
                    &Rejection::new(
                        500,
                        "INTERNAL",
                        "Unexpected error occurred during the request processing",
                    ),
                    path,
                ),
            };
            return Outcome::Respond(response);
        }
        let identity = match self.authenticate(headers).await {
            Ok(identity) => identity,
            Err(rejection) => {
                self.faults
                    .count(&format!("{method} /v2 (unauthenticated)"));
                return Outcome::Respond(problem(&rejection, path));
            }
        };
        if let Some(rejection) = self.disabled(&segments, path) {
            self.faults.count(&format!("{method} /v2 (disabled API)"));
            return Outcome::Respond(problem(&rejection, path));
        }
        let caller = match (self.checks, &identity) {
            (false, Some(identity)) => Caller::Trusted(identity.clone()),
            (false, None) => Caller::Unchecked,
            (true, Some(identity)) => Caller::Principal(identity.clone()),
            (true, None) => Caller::Principal(Identity::default()),
        };
        let (route, result) = self
            .api
            .handle(method, &segments, body, &caller, identity.as_ref());
        self.faults.count(&route);
        let after_write = match &result {
            Ok(Reply { wrote: true, .. }) if method != "GET" => self.faults.after_write(),
            _ => None,
        };
        match after_write {
            Some(AfterWrite::Drop) => return Outcome::Drop,
            // Camunda's gateway answers these after the broker may have
            // applied the command (`ErrorMapper`, `GatewayErrorMapper`).
            Some(AfterWrite::Timeout) => {
                return Outcome::Respond(problem(
                    &Rejection::new(
                        504,
                        "DEADLINE_EXCEEDED",
                        "Expected to handle request, but request timed out between gateway and broker",
                    ),
                    path,
                ));
            }
            Some(AfterWrite::Aborted) => {
                return Outcome::Respond(problem(
                    &Rejection::new(
                        502,
                        "ABORTED",
                        "Expected to handle request, but the connection was cut prematurely with the broker; the request may or may not have been accepted, and may not be safe to retry.",
                    ),
                    path,
                ));
            }
            None => {}
        }
        match result {
            Ok(Reply {
                status,
                body: Some(body),
                ..
            }) => Outcome::Respond(json_response(status, &body)),
            Ok(Reply {
                status, body: None, ..
            }) => Outcome::Respond(empty(status)),
            Err(rejection) => Outcome::Respond(problem(&rejection, path)),
        }
    }

    fn operator(&self, method: &str, segments: &[&str], body: &[u8]) -> Response<Body> {
        let bad = |detail: String| problem(&Rejection::new(400, "Bad Request", detail), "/_sim");
        match (method, segments) {
            ("GET", ["requests"]) => json_response(200, &json!(self.faults.counters())),
            ("DELETE", ["requests"]) => {
                self.faults.reset_counters();
                empty(204)
            }
            ("GET", ["faults"]) => json_response(200, &json!(self.faults.get())),
            ("POST" | "PUT", ["faults"]) => match serde_json::from_slice::<FaultConfig>(body) {
                Ok(config) => {
                    self.faults.set(config);
                    json_response(200, &json!(self.faults.get()))
                }
                Err(e) => bad(format!("invalid fault configuration: {e}")),
            },
            ("DELETE", ["faults"]) => {
                self.faults.set(FaultConfig::default());
                empty(204)
            }
            ("GET", ["state"]) => json_response(200, &json!(self.api.cluster.dump())),
            ("PUT" | "POST", ["state"]) => match serde_json::from_slice::<Store>(body) {
                Ok(store) => {
                    self.api.cluster.load(store);
                    empty(204)
                }
                Err(e) => bad(format!("invalid state: {e}")),
            },
            ("POST", ["reset"]) => {
                self.api.cluster.reset();
                self.faults.set(FaultConfig::default());
                self.faults.reset_counters();
                empty(204)
            }
            _ => problem(
                &Rejection::new(
                    404,
                    "Not Found",
                    format!("No operator endpoint {method} /_sim/{}", segments.join("/")),
                ),
                "/_sim",
            ),
        }
    }

    async fn serve(&self, request: Request<Incoming>) -> Outcome {
        let method = request.method().as_str().to_owned();
        let path = request.uri().path().to_owned();
        let headers = request.headers().clone();
        let body = match request.into_body().collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(_) => return Outcome::Drop,
        };
        if let Some(rest) = path.strip_prefix("/_sim/") {
            let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
            return Outcome::Respond(self.operator(&method, &segments, &body));
        }
        let Some(rest) = path.strip_prefix("/v2/") else {
            return Outcome::Respond(problem(
                &Rejection::new(404, "Not Found", format!("No endpoint {method} {path}.")),
                &path,
            ));
        };
        let mut segments = Vec::new();
        for raw in rest.split('/') {
            match decode_segment(raw) {
                Some(segment) => segments.push(segment),
                None => {
                    return Outcome::Respond(problem(
                        &Rejection::new(
                            400,
                            "Bad Request",
                            "The request path is not valid UTF-8 percent-encoding.",
                        ),
                        &path,
                    ));
                }
            }
        }
        if segments.last().is_some_and(String::is_empty) {
            segments.pop();
        }
        self.v2(&method, &path, segments, &headers, &body).await
    }
}

/// A running simulator.
pub struct Running {
    /// The address it listens on.
    pub addr: SocketAddr,
    /// Whether it serves HTTPS.
    pub tls: bool,
    shutdown: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// The base URL of the REST API (`http(s)://HOST:PORT/v2`).
    pub fn api_url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}/v2", self.addr)
    }

    /// Stops accepting connections and waits for the server task.
    pub async fn stop(self) {
        let _ = self.shutdown.send(true);
        let _ = self.task.await;
    }
}

/// A connection's byte stream, plain or TLS.
trait Io: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}

impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> Io for T {}

/// Builds a TLS acceptor from a PEM certificate chain and private key.
pub(crate) fn tls_acceptor(
    cert_pem: &[u8],
    key_pem: &[u8],
) -> Result<tokio_rustls::TlsAcceptor, String> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("the TLS certificate is not PEM: {e}"))?;
    if certs.is_empty() {
        return Err("the TLS certificate file holds no certificate".to_owned());
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem)
        .map_err(|e| format!("the TLS key is not a PEM private key: {e}"))?;
    let provider = Arc::new(tokio_rustls::rustls::crypto::aws_lc_rs::default_provider());
    let mut config = tokio_rustls::rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| format!("TLS: {e}"))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// Serves `server` on `listener` until stopped, over TLS when `tls` is given.
pub(crate) fn spawn(
    server: Server,
    listener: TcpListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
) -> Running {
    let addr = listener
        .local_addr()
        .expect("bound listener has an address");
    let server = Arc::new(server);
    let serves_tls = tls.is_some();
    let (shutdown, mut stopped) = watch::channel(false);
    let task = tokio::spawn(async move {
        loop {
            let accepted = tokio::select! {
                accepted = listener.accept() => accepted,
                _ = stopped.changed() => break,
            };
            let Ok((stream, _)) = accepted else {
                continue;
            };
            let server = server.clone();
            let mut stopped = stopped.clone();
            let tls = tls.clone();
            tokio::spawn(async move {
                // A dropped answer closes the whole connection: the client
                // sees the connection end with no response.
                let kill = Arc::new(Notify::new());
                let kill_in_service = kill.clone();
                let service = hyper::service::service_fn(move |request| {
                    let server = server.clone();
                    let kill = kill_in_service.clone();
                    async move {
                        match server.serve(request).await {
                            Outcome::Respond(response) => Ok::<_, Infallible>(response),
                            Outcome::Drop => {
                                kill.notify_one();
                                std::future::pending().await
                            }
                        }
                    }
                });
                let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
                // Plain or TLS, one way of serving: a failed handshake (an
                // untrusted certificate) just ends the connection.
                let stream: Box<dyn Io> = match tls {
                    None => Box::new(stream),
                    Some(acceptor) => match acceptor.accept(stream).await {
                        Ok(stream) => Box::new(stream),
                        Err(_) => return,
                    },
                };
                let connection = builder.serve_connection(TokioIo::new(stream), service);
                tokio::select! {
                    _ = connection => {}
                    _ = kill.notified() => {}
                    _ = stopped.changed() => {}
                }
            });
        }
    });
    Running {
        addr,
        tls: serves_tls,
        shutdown,
        task,
    }
}
