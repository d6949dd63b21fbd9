//! OIDC bearer tokens: verified against the issuer's JWKS (fetched on first
//! use and again for an unknown key ID), then mapped to a client or user.

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use serde_json::Value;
use tokio::sync::RwLock;

use crate::sim::access::{Identity, claim_at};

/// Settings of OIDC mode (`camunda.security.authentication.oidc.*`).
#[derive(Debug, Clone)]
pub struct OidcSettings {
    /// Issuer URL; its discovery document names the JWKS.
    pub issuer: String,
    /// Accepted audience.
    pub audience: String,
    /// Claim holding a client's ID (`client-id-claim`). Camunda sets none
    /// by default: every token is then a user named by the username claim,
    /// and authorizations of `CLIENT` owners apply to nobody.
    pub client_id_claim: Option<String>,
    /// Claim holding a user's name (`username-claim`, default `sub`).
    pub username_claim: String,
    /// Claim holding group IDs (a string or an array of strings), when
    /// groups come from the token.
    pub groups_claim: Option<String>,
    /// Treat tokens with both claims as users (`prefer-username-claim`).
    pub prefer_username_claim: bool,
}

/// Verifies tokens.
pub struct Verifier {
    settings: OidcSettings,
    http: reqwest::Client,
    keys: RwLock<Option<JwkSet>>,
}

impl Verifier {
    /// A verifier for `settings`.
    pub fn new(settings: OidcSettings) -> Self {
        Verifier {
            settings,
            http: reqwest::Client::new(),
            keys: RwLock::new(None),
        }
    }

    async fn fetch_keys(&self) -> Result<JwkSet, String> {
        let issuer = self.settings.issuer.trim_end_matches('/');
        let discovery: Value = self
            .http
            .get(format!("{issuer}/.well-known/openid-configuration"))
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| format!("cannot read the issuer's discovery document: {e}"))?
            .json()
            .await
            .map_err(|e| format!("invalid discovery document: {e}"))?;
        let jwks_uri = discovery["jwks_uri"]
            .as_str()
            .ok_or("the discovery document has no jwks_uri")?;
        self.http
            .get(jwks_uri)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| format!("cannot read the issuer's keys: {e}"))?
            .json()
            .await
            .map_err(|e| format!("invalid key set: {e}"))
    }

    async fn key(&self, kid: Option<&str>) -> Result<DecodingKey, String> {
        for refresh in [false, true] {
            if refresh || self.keys.read().await.is_none() {
                let keys = self.fetch_keys().await?;
                *self.keys.write().await = Some(keys);
            }
            let guard = self.keys.read().await;
            let set = guard.as_ref().expect("fetched");
            let jwk = match kid {
                Some(kid) => set.find(kid),
                None => set.keys.first(),
            };
            if let Some(jwk) = jwk {
                return DecodingKey::from_jwk(jwk).map_err(|e| format!("unusable key: {e}"));
            }
        }
        Err("no key of the issuer matches the token".to_owned())
    }

    /// Verifies a token and names its principal.
    pub async fn identify(&self, token: &str) -> Result<Identity, String> {
        let header = decode_header(token).map_err(|e| format!("malformed token: {e}"))?;
        let key = self.key(header.kid.as_deref()).await?;
        let mut validation = Validation::new(match header.alg {
            Algorithm::RS384 => Algorithm::RS384,
            Algorithm::RS512 => Algorithm::RS512,
            Algorithm::ES256 => Algorithm::ES256,
            Algorithm::ES384 => Algorithm::ES384,
            Algorithm::PS256 => Algorithm::PS256,
            _ => Algorithm::RS256,
        });
        validation.set_issuer(&[
            self.settings.issuer.trim_end_matches('/'),
            &self.settings.issuer,
        ]);
        validation.set_audience(&[&self.settings.audience]);
        let claims: Value = decode(token, &key, &validation)
            .map_err(|e| format!("token rejected: {e}"))?
            .claims;
        // Claim names are JSONPath, as in Camunda's `OidcPrincipalLoader`.
        let text = |name: &str| {
            claim_at(&claims, name)
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let client_id = self.settings.client_id_claim.as_deref().and_then(text);
        let username = text(&self.settings.username_claim);
        let (client_id, username) = match (client_id, username) {
            (Some(_), Some(u)) if self.settings.prefer_username_claim => (None, Some(u)),
            (Some(c), _) => (Some(c), None),
            (None, u) => (None, u),
        };
        if client_id.is_none() && username.is_none() {
            return Err("the token names neither a client nor a user".to_owned());
        }
        // `OidcGroupsLoader`: a string or an array of strings; anything
        // else is an error.
        let claim_groups = match &self.settings.groups_claim {
            None => None,
            Some(claim) => Some(match claim_at(&claims, claim) {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::String(group)) => vec![group.clone()],
                Some(Value::Array(items)) if items.iter().all(Value::is_string) => items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
                Some(_) => {
                    return Err(format!(
                        "Configured claim for groups ({claim}) is not a string or string array."
                    ));
                }
            }),
        };
        Ok(Identity {
            username,
            client_id,
            claims: Some(claims),
            claim_groups,
        })
    }
}
