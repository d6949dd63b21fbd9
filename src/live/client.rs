//! `Client`: HTTP to a cluster's `/v2` API with authentication (none, basic,
//! OAuth client credentials with a cached token), retries for backpressure
//! and errors that name the request.

use std::fmt;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::Value;
use tokio::sync::Mutex;

use crate::live::error::ApiError;
use crate::model::state::Secret;

/// How to authenticate to the cluster.
#[derive(Clone)]
pub enum Auth {
    /// No credentials.
    None,
    /// HTTP Basic.
    Basic {
        /// Username.
        username: String,
        /// Password.
        password: Secret,
    },
    /// OAuth 2 client credentials.
    OAuth {
        /// Token endpoint.
        token_url: String,
        /// Client ID.
        client_id: String,
        /// Client secret.
        client_secret: Secret,
        /// Token audience.
        audience: Option<String>,
        /// Scope.
        scope: Option<String>,
    },
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::None => f.write_str("None"),
            Auth::Basic { username, .. } => write!(f, "Basic({username}, ***)"),
            Auth::OAuth {
                token_url,
                client_id,
                ..
            } => write!(f, "OAuth({client_id} at {token_url}, ***)"),
        }
    }
}

/// When and how often to retry.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts in all, including the first.
    pub max_attempts: u32,
    /// First backoff.
    pub base_delay: Duration,
    /// Longest backoff.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 6,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(5),
        }
    }
}

struct Token {
    value: Secret,
    renew_at: Instant,
}

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

/// Retries left for the whole run: each retry spends one, each success
/// earns a fifth back (up to the initial amount), so a cluster that pushes
/// back on more than one request in five drains it. When a cluster is
/// overloaded for long, the run fails instead of hammering it.
#[derive(Debug)]
struct RetryBudget {
    tenths: std::sync::atomic::AtomicU32,
    max_tenths: u32,
}

impl RetryBudget {
    fn new(retries: u32) -> Self {
        RetryBudget {
            tenths: std::sync::atomic::AtomicU32::new(retries * 10),
            max_tenths: retries * 10,
        }
    }

    fn spend(&self) -> bool {
        use std::sync::atomic::Ordering;
        self.tenths
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |t| t.checked_sub(10))
            .is_ok()
    }

    fn earn(&self) {
        use std::sync::atomic::Ordering;
        let max = self.max_tenths;
        let _ = self
            .tenths
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |t| {
                Some((t + 2).min(max))
            });
    }
}

/// A connection to one cluster.
pub struct Client {
    http: reqwest::Client,
    base: String,
    auth: Auth,
    token: Mutex<Option<Token>>,
    retry: RetryPolicy,
    budget: RetryBudget,
    backpressure: std::sync::atomic::AtomicU64,
    jitter: std::sync::Mutex<u64>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .field("auth", &self.auth)
            .finish_non_exhaustive()
    }
}

/// Encodes one path segment: everything but unreserved characters is
/// percent-encoded, so an ID never reaches another route.
pub fn segment(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for byte in id.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
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
            token: Mutex::new(None),
            retry: RetryPolicy::default(),
            budget: RetryBudget::new(100),
            backpressure: std::sync::atomic::AtomicU64::new(0),
            jitter: std::sync::Mutex::new(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0x9E37_79B9, |d| d.as_nanos() as u64)
                    | 1,
            ),
        })
    }

    /// Replaces the retry policy; `budget` is the number of retries the
    /// whole run may spend (a success earns a tenth of one back).
    pub fn with_retry(mut self, retry: RetryPolicy, budget: u32) -> Client {
        self.retry = retry;
        self.budget = RetryBudget::new(budget);
        self
    }

    /// Backpressure answers seen so far.
    pub fn backpressure_seen(&self) -> u64 {
        self.backpressure.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The base address (`…/v2`).
    pub fn base(&self) -> &str {
        &self.base
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let cap = self
            .retry
            .base_delay
            .saturating_mul(2u32.saturating_pow(attempt))
            .min(self.retry.max_delay);
        let mut state = self.jitter.lock().unwrap_or_else(|e| e.into_inner());
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        // Full jitter: anywhere between zero and the cap.
        cap.mul_f64((*state % 10_000) as f64 / 10_000.0)
    }

    async fn bearer(&self, force: bool) -> Result<Option<String>, ApiError> {
        let Auth::OAuth {
            token_url,
            client_id,
            client_secret,
            audience,
            scope,
        } = &self.auth
        else {
            return Ok(None);
        };
        // One renewal at a time: others wait for it and reuse its token.
        let mut token = self.token.lock().await;
        if !force
            && let Some(t) = token.as_ref()
            && Instant::now() < t.renew_at
        {
            return Ok(Some(t.value.expose().to_owned()));
        }
        let mut form = vec![
            ("grant_type", "client_credentials".to_owned()),
            ("client_id", client_id.clone()),
            ("client_secret", client_secret.expose().to_owned()),
        ];
        if let Some(audience) = audience {
            form.push(("audience", audience.clone()));
        }
        if let Some(scope) = scope {
            form.push(("scope", scope.clone()));
        }
        crate::render::log::debug(|| {
            format!("requesting an access token for client {client_id} from {token_url}")
        });
        let oauth_error = |message: String| ApiError::OAuth {
            url: token_url.clone(),
            message,
        };
        let response = self
            .http
            .post(token_url)
            .form(&form)
            .send()
            .await
            .map_err(|e| oauth_error(format!("no answer: {}", without_url(&e))))?;
        let status = response.status();
        let body: Value = response.json().await.map_err(|e| {
            oauth_error(format!("{status}: unreadable answer: {}", without_url(&e)))
        })?;
        if !status.is_success() {
            let code = body
                .get("error")
                .and_then(Value::as_str)
                .unwrap_or("unknown_error");
            let description = body
                .get("error_description")
                .and_then(Value::as_str)
                .map(|d| format!(" ({d})"))
                .unwrap_or_default();
            return Err(oauth_error(format!("{status}: {code}{description}")));
        }
        let access_token = body
            .get("access_token")
            .and_then(Value::as_str)
            .ok_or_else(|| oauth_error("the answer has no access_token".to_owned()))?
            .to_owned();
        let ttl = Duration::from_secs(
            body.get("expires_in")
                .and_then(Value::as_u64)
                .unwrap_or(300),
        );
        crate::render::log::debug(|| format!("got an access token valid for {}s", ttl.as_secs()));
        // Renew ahead of expiry: 10% of the lifetime, between 1 and 30 seconds.
        let margin = (ttl / 10).clamp(Duration::from_secs(1), Duration::from_secs(30));
        *token = Some(Token {
            value: Secret::new(access_token.clone()),
            renew_at: Instant::now() + ttl.saturating_sub(margin),
        });
        Ok(Some(access_token))
    }

    /// Sends one request to `path` (relative to `/v2`, segments already
    /// encoded) and returns the JSON body, if any. Retries network errors
    /// before sending, 503 `RESOURCE_EXHAUSTED` and 429 (honouring
    /// `Retry-After`), and 503 `UNAVAILABLE` (not applied); a 401 with
    /// OAuth renews the token once.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Option<Value>, ApiError> {
        let full_path = format!("/v2{path}");
        let url = format!("{}{path}", self.base);
        // What logs show: the path as sent, with any prefix of the address.
        let sent_path = url
            .split_once("://")
            .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_owned()))
            .unwrap_or_else(|| full_path.clone());
        let authority = url
            .split_once("://")
            .map(|(_, rest)| rest.split('/').next().unwrap_or(rest).to_owned())
            .unwrap_or_default();
        let mut renewed = false;
        let mut attempt = 0;
        let started = Instant::now();
        loop {
            attempt += 1;
            let mut request = self.http.request(method.clone(), &url);
            match &self.auth {
                Auth::None => {}
                Auth::Basic { username, password } => {
                    request = request.basic_auth(username, Some(password.expose()));
                }
                Auth::OAuth { .. } => {
                    if let Some(token) = self.bearer(false).await? {
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
                    // An untrusted certificate does not get better by retrying.
                    let certificate = without_url(&e).contains("certificate");
                    // A server too slow for the timeout stays slow: no retry.
                    let retryable = !certificate
                        && !e.is_timeout()
                        && (!sent || method == Method::GET || path.ends_with("/search"));
                    let may_retry = retryable && attempt < self.retry.max_attempts;
                    let budget_left = may_retry && self.budget.spend();
                    crate::render::log::debug(|| {
                        format!(
                            "{method} {sent_path} -> no answer ({} ms): {}",
                            started.elapsed().as_millis(),
                            without_url(&e)
                        )
                    });
                    if budget_left {
                        let delay = self.backoff(attempt);
                        crate::render::log::debug(|| {
                            format!("{method} {sent_path}: retrying in {} ms", delay.as_millis())
                        });
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    let mut message = without_url(&e);
                    if e.is_connect() {
                        message.push_str(&format!(" (connecting to {authority})"));
                    }
                    if message.contains("certificate") {
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
            crate::render::log::info(|| {
                format!(
                    "{method} {sent_path} -> {status} ({} ms)",
                    started.elapsed().as_millis()
                )
            });
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
                self.backpressure
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            // 503 `UNAVAILABLE`: the command reached no partition (inactive,
            // no topology yet, leader change) and was not applied: safe to
            // send again, also for writes.
            let unavailable = status == 503 && title == "UNAVAILABLE";
            let may_retry = (backpressure || unavailable) && attempt < self.retry.max_attempts;
            let budget_left = may_retry && self.budget.spend();
            if budget_left {
                let delay = wait.unwrap_or_else(|| self.backoff(attempt));
                let why = if unavailable {
                    "unavailable"
                } else {
                    "backpressure"
                };
                crate::render::log::debug(|| {
                    format!(
                        "{method} {sent_path}: {why} ({status} {title}); retrying in {} ms",
                        delay.as_millis()
                    )
                });
                tokio::time::sleep(delay).await;
                continue;
            }
            if status == 401 && matches!(self.auth, Auth::OAuth { .. }) && !renewed {
                crate::render::log::debug(|| {
                    format!("{method} {sent_path}: 401; renewing the access token once")
                });
                renewed = true;
                self.bearer(true).await?;
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

/// reqwest's error text without the URL (which may carry credentials in a
/// user-supplied address).
fn without_url(e: &reqwest::Error) -> String {
    let mut message = e.to_string();
    if let Some(url) = e.url() {
        message = message.replace(url.as_str(), "");
    }
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    message.replace(" ()", "").trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_never_leave_their_place() {
        assert_eq!(segment("<default>"), "%3Cdefault%3E");
        assert_eq!(segment("a/../b"), "a%2F..%2Fb");
        assert_eq!(segment("x?y#z w"), "x%3Fy%23z%20w");
        assert_eq!(segment("a%2Fb"), "a%252Fb");
        assert_eq!(segment("ci-deployer_1.x~y"), "ci-deployer_1.x~y");
        assert_eq!(segment("ü"), "%C3%BC");
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
    fn the_retry_budget_runs_out_and_is_earned_back() {
        let budget = RetryBudget::new(2);
        assert!(budget.spend());
        assert!(budget.spend());
        assert!(!budget.spend(), "two retries, then none");
        for _ in 0..4 {
            budget.earn();
        }
        assert!(!budget.spend(), "four successes earn less than one retry");
        budget.earn();
        assert!(budget.spend(), "five successes earn one");
        for _ in 0..100 {
            budget.earn();
        }
        assert!(
            budget.spend() && budget.spend() && !budget.spend(),
            "never more than the initial amount"
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
        assert!(!format!("{auth:?}").contains("hunter2"));
        let client = Client::new("http://localhost:8080", auth).unwrap();
        assert!(!format!("{client:?}").contains("hunter2"));
    }
}
