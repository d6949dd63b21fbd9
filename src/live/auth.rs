//! Authentication to a cluster: none, HTTP Basic, or OAuth 2 client
//! credentials with a token cached until shortly before it expires.

use std::fmt;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::Mutex;

use crate::live::error::{ApiError, without_url};
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

struct Token {
    value: Secret,
    renew_at: Instant,
}

/// The OAuth access token in use, renewed ahead of expiry; one renewal at
/// a time, the other requests wait for it and reuse its token.
#[derive(Default)]
pub(crate) struct TokenCache {
    token: Mutex<Option<Token>>,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenCache(***)")
    }
}

impl TokenCache {
    /// The bearer token for `auth` (`None` unless OAuth): the cached one,
    /// or a new one when it is due for renewal or `force` is set.
    pub(crate) async fn bearer(
        &self,
        http: &reqwest::Client,
        auth: &Auth,
        force: bool,
    ) -> Result<Option<String>, ApiError> {
        let Auth::OAuth {
            token_url,
            client_id,
            client_secret,
            audience,
            scope,
        } = auth
        else {
            return Ok(None);
        };
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
        tracing::debug!(
            client_id = %client_id,
            token_url = %token_url,
            "requesting an access token for client {client_id} from {token_url}"
        );
        let oauth_error = |message: String| ApiError::OAuth {
            url: token_url.clone(),
            message,
        };
        let response = http
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
        tracing::debug!(
            ttl_s = ttl.as_secs(),
            "got an access token valid for {}s",
            ttl.as_secs()
        );
        // Renew ahead of expiry: 10% of the lifetime, between 1 and 30 seconds.
        let margin = (ttl / 10).clamp(Duration::from_secs(1), Duration::from_secs(30));
        *token = Some(Token {
            value: Secret::new(access_token.clone()),
            renew_at: Instant::now() + ttl.saturating_sub(margin),
        });
        Ok(Some(access_token))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let auth = Auth::Basic {
            username: "demo".into(),
            password: Secret::new("hunter2"),
        };
        assert!(!format!("{auth:?}").contains("hunter2"));
    }
}
