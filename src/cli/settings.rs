//! `Settings`: the environment, read once; and where log events go.

use std::fmt;
use std::io::IsTerminal;

use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::{Event, Subscriber};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;

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

#[allow(
    clippy::disallowed_methods,
    reason = "the one place the environment is read"
)]
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
    #[allow(
        clippy::disallowed_methods,
        reason = "the one place the environment is read"
    )]
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

/// The log level: `-v` info, `-vv` debug; `RUST_LOG` (`info`, `debug`,
/// `trace`) raises it. Only this tool's own events are shown, never those
/// of the HTTP or TLS libraries underneath.
fn log_level(flags: u8) -> LevelFilter {
    let from_env = match var("RUST_LOG").as_deref() {
        Some(v) if v.contains("trace") || v.contains("debug") => 2,
        Some(v) if v.contains("info") => 1,
        _ => 0,
    };
    match flags.max(from_env) {
        0 => LevelFilter::OFF,
        1 => LevelFilter::INFO,
        _ => LevelFilter::DEBUG,
    }
}

/// Sends this tool's `tracing` events to stderr as `[level] message`
/// lines, at the level of `-v`/`-vv` and `RUST_LOG`.
pub(super) fn log_to_stderr(flags: u8) {
    let level = log_level(flags);
    if level == LevelFilter::OFF {
        return;
    }
    let subscriber = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(level)
        .event_format(Bracketed)
        .finish()
        .with(Targets::new().with_target(env!("CARGO_CRATE_NAME"), level));
    // Set once per process; a second call keeps the first.
    let _ = tracing::subscriber::set_global_default(subscriber);
}

/// `[info] GET /v2/topology -> 200 (3 ms)`: the level and the message; the
/// structured fields (`method`, `path`, `status`, `elapsed_ms`, …) are for
/// other subscribers, the message already says them.
struct Bracketed;

impl<S, N> FormatEvent<S, N> for Bracketed
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let mut message = Message::default();
        event.record(&mut message);
        let level = event.metadata().level().as_str().to_ascii_lowercase();
        writeln!(writer, "[{level}] {}", message.0)
    }
}

/// The `message` field of an event.
#[derive(Default)]
struct Message(String);

impl Visit for Message {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            value.clone_into(&mut self.0);
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }
}
