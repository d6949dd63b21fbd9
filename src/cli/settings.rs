//! `Settings`: the environment, read once.

use std::io::IsTerminal;

use crate::cli::ColorChoice;
use crate::config::Variables;
use crate::model::state::Secret;

/// What the environment says, read in one place.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Whether diagnostics on stderr are coloured.
    pub color: bool,
    /// Whether results on stdout are coloured (a terminal, or `--color always`).
    pub color_out: bool,
    /// Environment variables for `${env:…}` in configuration files.
    pub variables: Variables,
    /// How to reach the cluster (Camunda's SDK variables).
    pub connection: Connection,
}

/// The connection variables of Camunda's official SDKs, as set (unset or
/// blank variables are `None`), so existing CI secrets work unchanged.
#[derive(Debug, Clone, Default)]
pub struct Connection {
    /// `CAMUNDA_REST_ADDRESS`, else `ZEEBE_REST_ADDRESS`.
    pub address: Option<String>,
    /// `CAMUNDA_AUTH_STRATEGY`.
    pub strategy: Option<String>,
    /// `CAMUNDA_CLIENT_ID`.
    pub client_id: Option<String>,
    /// `CAMUNDA_CLIENT_SECRET`.
    pub client_secret: Option<Secret>,
    /// `CAMUNDA_OAUTH_URL`.
    pub oauth_url: Option<String>,
    /// `CAMUNDA_TOKEN_AUDIENCE`.
    pub audience: Option<String>,
    /// `CAMUNDA_OAUTH_SCOPE`.
    pub scope: Option<String>,
    /// `CAMUNDA_BASIC_AUTH_USERNAME`.
    pub username: Option<String>,
    /// `CAMUNDA_BASIC_AUTH_PASSWORD`.
    pub password: Option<Secret>,
    /// `CAMUNDA_MTLS_CA_PATH`.
    pub ca_path: Option<String>,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl Connection {
    fn from_env() -> Self {
        Connection {
            address: var("CAMUNDA_REST_ADDRESS").or_else(|| var("ZEEBE_REST_ADDRESS")),
            strategy: var("CAMUNDA_AUTH_STRATEGY"),
            client_id: var("CAMUNDA_CLIENT_ID"),
            client_secret: var("CAMUNDA_CLIENT_SECRET").map(Secret::new),
            oauth_url: var("CAMUNDA_OAUTH_URL"),
            audience: var("CAMUNDA_TOKEN_AUDIENCE"),
            scope: var("CAMUNDA_OAUTH_SCOPE"),
            username: var("CAMUNDA_BASIC_AUTH_USERNAME"),
            password: var("CAMUNDA_BASIC_AUTH_PASSWORD").map(Secret::new),
            ca_path: var("CAMUNDA_MTLS_CA_PATH"),
        }
    }
}

impl Settings {
    /// Reads the process environment.
    pub fn from_env(color: ColorChoice) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let choice = color;
        let color = match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !no_color && std::io::stderr().is_terminal(),
        };
        let color_out = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !no_color && std::io::stdout().is_terminal(),
        };
        // Variables that are not valid UTF-8 cannot appear in YAML values.
        let variables = Variables::new(
            std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?))),
        );
        variables.mask_sensitive();
        Settings {
            color,
            color_out,
            variables,
            connection: Connection::from_env(),
        }
    }
}
