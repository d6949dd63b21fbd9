//! `Client`: HTTP to a cluster's `/v2` API — one request with its
//! authentication ([`crate::live::auth`]), retries ([`crate::live::retry`])
//! and errors that name the request. Each answer is logged as a `tracing`
//! event with the fields `method`, `path`, `status` and `elapsed_ms`; never
//! a secret, a token or a body.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::Method;
use serde_json::Value;

use crate::live::api::AccessApi;
use crate::live::auth::{Auth, TokenCache};
use crate::live::error::{ApiError, without_url};
use crate::live::retry::{Backoff, RetryBudget, RetryPolicy};

/// Transport options beyond address and credentials.
#[derive(Debug, Clone)]
pub struct Options {
    /// How long one request may take, answer included.
    pub timeout: Duration,
    /// PEM-encoded CA certificates to trust in addition to the system's.
    pub ca_pem: Option<Vec<u8>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            timeout: Duration::from_secs(60),
            ca_pem: None,
        }
    }
}

/// A connection to one cluster.
pub struct Client {
    http: reqwest::Client,
    base: String,
    auth: Auth,
    token: TokenCache,
    retry: RetryPolicy,
    budget: RetryBudget,
    backpressure: AtomicU64,
    backoff: Backoff,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .field("auth", &self.auth)
            .finish_non_exhaustive()
    }
}

/// Everything but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`).
///
/// Not `Url::path_segments_mut().push`: it leaves `;`, `*`, `'`, `@`, `:`
/// and more as they are (`;` starts a matrix parameter for Camunda's
/// servlet container) and silently drops a `.` or `..` segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Encodes one path segment: everything but unreserved characters is
/// percent-encoded, so an ID never reaches another route.
pub fn segment(id: &str) -> String {
    utf8_percent_encode(id, SEGMENT).to_string()
}

/// The REST base address ending in `/v2`, as Camunda's SDKs derive it.
pub fn api_base(address: &str) -> String {
    let trimmed = address.trim_end_matches('/');
    if trimmed.ends_with("/v2") {
        trimmed.to_owned()
    } else {
        format!("{trimmed}/v2")
    }
}

fn problem_of(body: &str) -> Option<(String, String)> {
    let value: Value = serde_json::from_str(body).ok()?;
    let title = value.get("title")?.as_str()?.to_owned();
    let detail = value
        .get("detail")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    Some((title, detail))
}

fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    let seconds: u64 = response
        .headers()
        .get("retry-after")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs(seconds.min(60)))
}

/// Where a request goes, as logs and errors may show it: the path as sent
/// (with any prefix of the address) and `host:port`, never the address's
/// `user:password@`.
fn shown(url: &str, full_path: &str) -> (String, String) {
    match reqwest::Url::parse(url) {
        Ok(u) => {
            let host = u.host_str().unwrap_or_default();
            let authority = match u.port_or_known_default() {
                Some(port) => format!("{host}:{port}"),
                None => host.to_owned(),
            };
            (u.path().to_owned(), authority)
        }
        Err(_) => (full_path.to_owned(), String::new()),
    }
}

impl Client {
    /// A client for the API at `address` (with or without `/v2`).
    pub fn new(address: &str, auth: Auth) -> Result<Client, ApiError> {
        Client::with_options(address, auth, &Options::default())
    }

    /// A client with transport options. Proxies come from the environment
    /// (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`).
    pub fn with_options(address: &str, auth: Auth, options: &Options) -> Result<Client, ApiError> {
        let setup = |message: String| ApiError::Network {
            method: "-".into(),
            path: address.into(),
            message,
            sent: false,
        };
        let mut builder = reqwest::Client::builder()
            .timeout(options.timeout)
            .connect_timeout(options.timeout.min(Duration::from_secs(10)));
        if let Some(pem) = &options.ca_pem {
            let certificates = reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|e| setup(format!("the CA file is not PEM: {e}")))?;
            if certificates.is_empty() {
                return Err(setup("the CA file holds no certificate".to_owned()));
            }
            for certificate in certificates {
                builder = builder.add_root_certificate(certificate);
            }
        }
        let http = builder
            .build()
            .map_err(|e| setup(format!("cannot build an HTTP client: {e}")))?;
        Ok(Client {
            http,
            base: api_base(address),
            auth,
            token: TokenCache::default(),
            retry: RetryPolicy::default(),
            budget: RetryBudget::new(100),
            backpressure: AtomicU64::new(0),
            backoff: Backoff::from_clock(),
        })
    }

    /// Replaces the retry policy; `budget` is the number of retries the
    /// whole run may spend (a success earns a fifth of one back).
    pub fn with_retry(mut self, retry: RetryPolicy, budget: u32) -> Client {
        self.retry = retry;
        self.budget = RetryBudget::new(budget);
        self
    }

    /// Backpressure answers seen so far.
    pub fn backpressure_seen(&self) -> u64 {
        self.backpressure.load(Ordering::Relaxed)
    }

    /// The base address (`…/v2`).
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Sends one request to `path` (relative to `/v2`, segments already
    /// encoded with [`segment`]) and returns the JSON body, if any. Retries
    /// network errors before sending, 503 `RESOURCE_EXHAUSTED` and 429
    /// (honouring `Retry-After`), and 503 `UNAVAILABLE` (not applied); a 401
    /// with OAuth renews the token once.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Option<Value>, ApiError> {
        let full_path = format!("/v2{path}");
        let url = format!("{}{path}", self.base);
        let (sent_path, authority) = shown(&url, &full_path);
        let mut renewed = false;
        let mut attempt = 0;
        let started = Instant::now();
        let elapsed_ms = || started.elapsed().as_millis() as u64;
        loop {
            attempt += 1;
            let mut request = self.http.request(method.clone(), &url);
            match &self.auth {
                Auth::None => {}
                Auth::Basic { username, password } => {
                    request = request.basic_auth(username, Some(password.expose()));
                }
                Auth::OAuth { .. } => {
                    if let Some(token) = self.token.bearer(&self.http, &self.auth, false).await? {
                        request = request.bearer_auth(token);
                    }
                }
            }
            if let Some(body) = body {
                request = request.json(body);
            }
            let response = match request.send().await {
                Ok(response) => response,
                Err(e) => {
                    // Connection errors happen before anything is sent;
                    // anything else may have reached the server.
                    let sent = !e.is_connect();
                    let mut message = without_url(&e);
                    // An untrusted certificate does not get better by retrying.
                    let certificate = message.contains("certificate");
                    // A server too slow for the timeout stays slow: no retry.
                    let retryable = !certificate
                        && !e.is_timeout()
                        && (!sent || method == Method::GET || path.ends_with("/search"));
                    let may_retry = retryable && attempt < self.retry.max_attempts;
                    let budget_left = may_retry && self.budget.spend();
                    let elapsed_ms = elapsed_ms();
                    tracing::debug!(
                        method = %method,
                        path = %sent_path,
                        elapsed_ms,
                        "{method} {sent_path} -> no answer ({elapsed_ms} ms): {message}"
                    );
                    if budget_left {
                        let delay = self.backoff.delay(&self.retry, attempt);
                        let delay_ms = delay.as_millis() as u64;
                        tracing::debug!(
                            method = %method,
                            path = %sent_path,
                            delay_ms,
                            "{method} {sent_path}: retrying in {delay_ms} ms"
                        );
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    if e.is_connect() {
                        message.push_str(&format!(" (connecting to {authority})"));
                    }
                    if certificate {
                        message.push_str(
                            " (the cluster's TLS certificate is not trusted: set CAMUNDA_MTLS_CA_PATH to the PEM file of its CA)",
                        );
                    }
                    if may_retry && !budget_left {
                        message.push_str(
                            "; not retried: the run's retry budget is used up (the cluster kept failing)",
                        );
                    }
                    return Err(ApiError::Network {
                        method: method.to_string(),
                        path: full_path,
                        message,
                        sent,
                    });
                }
            };
            let status = response.status().as_u16();
            let elapsed = elapsed_ms();
            tracing::info!(
                method = %method,
                path = %sent_path,
                status,
                elapsed_ms = elapsed,
                "{method} {sent_path} -> {status} ({elapsed} ms)"
            );
            let wait = retry_after(&response);
            let content_type = response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let text = read_body(response, &method, &full_path).await?;
            if (200..300).contains(&status) {
                self.budget.earn();
                if text.trim().is_empty() {
                    return Ok(None);
                }
                return serde_json::from_str(&text)
                    .map(Some)
                    .map_err(|e| ApiError::Decode {
                        method: method.to_string(),
                        path: full_path,
                        message: if content_type.contains("json") || content_type.is_empty() {
                            format!("not JSON: {e}")
                        } else {
                            format!("not JSON but {content_type}: {e}")
                        },
                    });
            }
            let (title, detail) = problem_of(&text).unwrap_or_else(|| {
                let reason = reqwest::StatusCode::from_u16(status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .unwrap_or("error");
                (reason.to_owned(), text.chars().take(500).collect())
            });
            let backpressure = status == 429 || (status == 503 && title == "RESOURCE_EXHAUSTED");
            if backpressure {
                self.backpressure.fetch_add(1, Ordering::Relaxed);
            }
            // 503 `UNAVAILABLE`: the command reached no partition (inactive,
            // no topology yet, leader change) and was not applied: safe to
            // send again, also for writes.
            let unavailable = status == 503 && title == "UNAVAILABLE";
            let may_retry = (backpressure || unavailable) && attempt < self.retry.max_attempts;
            let budget_left = may_retry && self.budget.spend();
            if budget_left {
                let delay = wait.unwrap_or_else(|| self.backoff.delay(&self.retry, attempt));
                let delay_ms = delay.as_millis() as u64;
                let why = if unavailable {
                    "unavailable"
                } else {
                    "backpressure"
                };
                tracing::debug!(
                    method = %method,
                    path = %sent_path,
                    status,
                    delay_ms,
                    "{method} {sent_path}: {why} ({status} {title}); retrying in {delay_ms} ms"
                );
                tokio::time::sleep(delay).await;
                continue;
            }
            if status == 401 && matches!(self.auth, Auth::OAuth { .. }) && !renewed {
                tracing::debug!(
                    method = %method,
                    path = %sent_path,
                    status,
                    "{method} {sent_path}: 401; renewing the access token once"
                );
                renewed = true;
                self.token.bearer(&self.http, &self.auth, true).await?;
                continue;
            }
            let detail = if may_retry && !budget_left {
                format!(
                    "{detail} (not retried: the run's retry budget is used up — the cluster kept pushing back)"
                )
            } else {
                detail
            };
            return Err(ApiError::Http {
                method: method.to_string(),
                path: full_path,
                status,
                title,
                detail,
            });
        }
    }
}

impl AccessApi for Client {
    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Option<Value>, ApiError> {
        self.request(method, path, body).await
    }

    fn backpressure(&self) -> u64 {
        self.backpressure_seen()
    }
}

/// The largest answer read; a page of 10,000 items is a few megabytes.
pub const MAX_BODY: usize = 32 * 1024 * 1024;

/// Reads an answer's body, refusing more than [`MAX_BODY`] bytes (memory
/// stays bounded whatever a server sends).
async fn read_body(
    mut response: reqwest::Response,
    method: &Method,
    path: &str,
) -> Result<String, ApiError> {
    let too_large = || ApiError::Decode {
        method: method.to_string(),
        path: path.to_owned(),
        message: format!("the answer is larger than {} MiB", MAX_BODY / 1024 / 1024),
    };
    if response
        .content_length()
        .is_some_and(|n| n > MAX_BODY as u64)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > MAX_BODY {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(e) => {
                return Err(ApiError::Network {
                    method: method.to_string(),
                    path: path.to_owned(),
                    message: format!("the answer broke off: {}", without_url(&e)),
                    sent: true,
                });
            }
        }
    }
    Ok(String::from_utf8_lossy(&body).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::state::Secret;

    #[test]
    fn segments_never_leave_their_place() {
        assert_eq!(segment("<default>"), "%3Cdefault%3E");
        assert_eq!(segment("a/../b"), "a%2F..%2Fb");
        assert_eq!(segment("x?y#z w"), "x%3Fy%23z%20w");
        assert_eq!(segment("a%2Fb"), "a%252Fb");
        assert_eq!(segment("ci-deployer_1.x~y"), "ci-deployer_1.x~y");
        assert_eq!(segment("ü"), "%C3%BC");
        assert_eq!(segment("日本 語"), "%E6%97%A5%E6%9C%AC%20%E8%AA%9E");
        // Reserved characters a URL parser would leave alone are encoded too.
        assert_eq!(segment("a;b*c'd@e:f+g"), "a%3Bb%2Ac%27d%40e%3Af%2Bg");
        assert_eq!(segment("[x]|y\\z"), "%5Bx%5D%7Cy%5Cz");
        assert_eq!(segment(".."), "..");
    }

    /// The encoding, byte for byte, as the hand-written loop it replaced
    /// did it: every byte but unreserved ones as `%XX` in upper case.
    #[test]
    fn segments_match_the_byte_rule_for_every_byte() {
        let all: String = (0u32..0x800).filter_map(char::from_u32).collect();
        let mut expected = String::new();
        for byte in all.bytes() {
            if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
                expected.push(byte as char);
            } else {
                expected.push_str(&format!("%{byte:02X}"));
            }
        }
        assert_eq!(segment(&all), expected);
    }

    #[test]
    fn base_addresses() {
        assert_eq!(
            api_base("http://localhost:8080"),
            "http://localhost:8080/v2"
        );
        assert_eq!(
            api_base("http://localhost:8080/v2/"),
            "http://localhost:8080/v2"
        );
    }

    #[test]
    fn requests_are_shown_without_credentials() {
        assert_eq!(
            shown(
                "http://ci:s3cret@127.0.0.1:9/prefix/v2/topology",
                "/v2/topology"
            ),
            ("/prefix/v2/topology".to_owned(), "127.0.0.1:9".to_owned())
        );
        assert_eq!(
            shown("https://[::1]/v2/groups/a%2Fb", "/v2/groups/a%2Fb"),
            ("/v2/groups/a%2Fb".to_owned(), "[::1]:443".to_owned())
        );
    }

    #[test]
    fn secrets_stay_out_of_debug() {
        let auth = Auth::OAuth {
            token_url: "http://idp/token".into(),
            client_id: "ci".into(),
            client_secret: Secret::new("hunter2"),
            audience: None,
            scope: None,
        };
        let client = Client::new("http://localhost:8080", auth).unwrap();
        assert!(!format!("{client:?}").contains("hunter2"));
    }
}
