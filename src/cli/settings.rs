//! `Settings`: the environment, read once.

use std::io::IsTerminal;

use crate::cli::ColorChoice;
use crate::config::Variables;
use crate::live::Auth;
use crate::model::state::Secret;

/// What the environment says, read in one place.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Whether diagnostics on stderr are coloured.
    pub color: bool,
    /// Environment variables for `${env:…}` in configuration files.
    pub variables: Variables,
    /// How to reach the cluster (Camunda's SDK variables).
    pub connection: Connection,
}

/// The cluster address and credentials, from the variables Camunda's
/// official SDKs read, so existing CI secrets work unchanged.
#[derive(Debug, Clone)]
pub struct Connection {
    /// `CAMUNDA_REST_ADDRESS`, else `ZEEBE_REST_ADDRESS`, else localhost.
    pub address: String,
    /// From `CAMUNDA_AUTH_STRATEGY` and the credential variables.
    pub auth: Result<Auth, String>,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl Connection {
    fn from_env() -> Self {
        let address = var("CAMUNDA_REST_ADDRESS")
            .or_else(|| var("ZEEBE_REST_ADDRESS"))
            .unwrap_or_else(|| "http://localhost:8080/v2".to_owned());
        let client_id = var("CAMUNDA_CLIENT_ID");
        let client_secret = var("CAMUNDA_CLIENT_SECRET");
        let oauth_url = var("CAMUNDA_OAUTH_URL");
        // Like the SDKs: OAUTH when URL, ID and secret are all set.
        let strategy = var("CAMUNDA_AUTH_STRATEGY").unwrap_or_else(|| {
            if oauth_url.is_some() && client_id.is_some() && client_secret.is_some() {
                "OAUTH".to_owned()
            } else {
                "NONE".to_owned()
            }
        });
        let auth = match strategy.to_ascii_uppercase().as_str() {
            "NONE" => Ok(Auth::None),
            "BASIC" => match (var("CAMUNDA_BASIC_AUTH_USERNAME"), var("CAMUNDA_BASIC_AUTH_PASSWORD")) {
                (Some(username), Some(password)) => Ok(Auth::Basic {
                    username,
                    password: Secret::new(password),
                }),
                _ => Err("CAMUNDA_AUTH_STRATEGY=BASIC needs CAMUNDA_BASIC_AUTH_USERNAME and CAMUNDA_BASIC_AUTH_PASSWORD".to_owned()),
            },
            "OAUTH" => match (client_id, client_secret) {
                (Some(client_id), Some(secret)) => Ok(Auth::OAuth {
                    token_url: oauth_url
                        .unwrap_or_else(|| "https://login.cloud.camunda.io/oauth/token".to_owned()),
                    client_id,
                    client_secret: Secret::new(secret),
                    audience: Some(
                        var("CAMUNDA_TOKEN_AUDIENCE").unwrap_or_else(|| "zeebe.camunda.io".to_owned()),
                    ),
                    scope: var("CAMUNDA_OAUTH_SCOPE"),
                }),
                _ => Err("CAMUNDA_AUTH_STRATEGY=OAUTH needs CAMUNDA_CLIENT_ID and CAMUNDA_CLIENT_SECRET".to_owned()),
            },
            other => Err(format!(
                "CAMUNDA_AUTH_STRATEGY is '{other}'; use NONE, BASIC or OAUTH"
            )),
        };
        Connection { address, auth }
    }
}

impl Settings {
    /// Reads the process environment.
    pub fn from_env(color: ColorChoice) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !no_color && std::io::stderr().is_terminal(),
        };
        // Variables that are not valid UTF-8 cannot appear in YAML values.
        let variables = Variables::new(
            std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?))),
        );
        Settings {
            color,
            variables,
            connection: Connection::from_env(),
        }
    }
}
