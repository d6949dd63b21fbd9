//! Reaching a cluster: the connection flags shared by every command that
//! talks to one, and how flags, the SDK environment variables and the
//! targets file combine.
//!
//! Precedence, highest first: command-line flags (`--sim`, `--timeout`),
//! then the environment variables of Camunda's SDKs, then the target chosen
//! with `--target` in `camunda-access.toml`. A variable that overrides a
//! value of the chosen target is reported on stderr, so a forgotten
//! `CAMUNDA_REST_ADDRESS` cannot silently send a `--target prod` run
//! elsewhere unnoticed.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;

use crate::cli::Settings;
use crate::config::targets::{self, Target};
use crate::error::Error;
use crate::live::client::Options;
use crate::live::{Auth, Client};
use crate::model::CamundaVersion;
use crate::model::state::Secret;
use crate::render::Shell;
#[cfg(feature = "sim")]
use crate::sim::{Background, SimConfig};

/// Connection flags.
#[derive(Debug, Args)]
pub struct ConnectArgs {
    /// The cluster named NAME in camunda-access.toml (see --targets-file).
    #[arg(long, value_name = "NAME", conflicts_with = "sim")]
    pub target: Option<String>,
    /// The targets file [default: ./camunda-access.toml].
    #[arg(long, value_name = "FILE", requires = "target")]
    pub targets_file: Option<PathBuf>,
    /// Run against an embedded simulated cluster instead of a real one.
    #[arg(long)]
    pub sim: bool,
    /// Camunda version of the embedded cluster (with --sim): 8.8, 8.9 or 8.10.
    #[arg(long, default_value = "8.8", value_parser = |s: &str| s.parse::<CamundaVersion>(), requires = "sim")]
    pub camunda_version: CamundaVersion,
    /// Start the embedded cluster from a state dumped with GET /_sim/state (with --sim).
    #[arg(long, value_name = "FILE", requires = "sim")]
    pub sim_seed: Option<PathBuf>,
    /// Before reporting changes, wait this long and read again, until two
    /// reads agree (reads lag writes) [default: 2000, 0 with --sim].
    #[arg(long, value_name = "MS")]
    pub settle_ms: Option<u64>,
    /// Seconds one request may take before it is abandoned [default: the
    /// target's timeout-seconds, else 60].
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: Option<u64>,
    /// Member searches in flight at most while reading; the reader starts
    /// at 16 and widens while the cluster answers without pushing back.
    #[arg(long, value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub read_parallelism: u16,
    /// The cluster's ID pattern (`camunda.security.id-validation-pattern`)
    /// when it is not Camunda's default: IDs the plan would create must
    /// match it [default: the target's id-pattern, else Camunda's].
    #[arg(long, value_name = "REGEX")]
    pub id_pattern: Option<String>,
    /// Trust the read even where it looks filtered by missing READ
    /// permissions (a cluster without the built-in admin role, <default>
    /// tenant or their grants): skips the blind-spot check.
    #[arg(long)]
    pub no_visibility_check: bool,
}

/// The embedded simulator, when the build has one.
#[cfg(feature = "sim")]
type Embedded = crate::sim::Background;
#[cfg(not(feature = "sim"))]
type Embedded = std::convert::Infallible;

/// A reachable cluster.
#[derive(Debug)]
pub(super) struct Connected {
    /// The embedded simulator, kept alive as long as this.
    #[expect(
        dead_code,
        reason = "held so the embedded simulator runs until the command ends"
    )]
    pub embedded: Option<Embedded>,
    /// The client.
    pub client: Arc<Client>,
    /// The cluster as it may be shown (no credentials).
    pub target: String,
    /// The principal this tool acts as: the OAuth client, the basic-auth
    /// user; none without authentication.
    pub me: Option<crate::model::state::Principal>,
    /// The cluster's ID pattern, when not Camunda's default (flag, else
    /// the target's `id-pattern`).
    pub id_pattern: Option<String>,
}

/// Address, credentials and transport, resolved.
#[derive(Debug)]
pub(super) struct Resolved {
    /// REST address.
    pub address: String,
    /// Credentials.
    pub auth: Auth,
    /// CA file to trust.
    pub ca_path: Option<PathBuf>,
    /// Request timeout from the target file, if any.
    pub timeout_seconds: Option<u64>,
    /// The cluster's ID pattern from the target file, if any.
    pub id_pattern: Option<String>,
    /// Variables that overrode a value of the target, for a warning.
    pub overridden: Vec<&'static str>,
}

/// Environment first, then the target; notes which variables overrode the target.
fn pick<T: Clone>(
    env: &Option<T>,
    target: &Option<T>,
    variable: &'static str,
    overridden: &mut Vec<&'static str>,
) -> Option<T> {
    if env.is_some() && target.is_some() {
        overridden.push(variable);
    }
    env.clone().or_else(|| target.clone())
}

/// Combines the SDK variables with the chosen target (variables win).
pub(super) fn resolve(
    env: &crate::cli::settings::Connection,
    target: Option<&Target>,
) -> Result<Resolved, Error> {
    let empty = Target::default();
    let t = target.unwrap_or(&empty);
    let mut o = Vec::new();
    let address = pick(&env.address, &t.address, "CAMUNDA_REST_ADDRESS", &mut o)
        .unwrap_or_else(|| "http://localhost:8080/v2".to_owned());
    let strategy = pick(&env.strategy, &t.auth, "CAMUNDA_AUTH_STRATEGY", &mut o);
    let client_id = pick(&env.client_id, &t.client_id, "CAMUNDA_CLIENT_ID", &mut o);
    let client_secret = pick(
        &env.client_secret,
        &t.client_secret,
        "CAMUNDA_CLIENT_SECRET",
        &mut o,
    );
    let oauth_url = pick(&env.oauth_url, &t.oauth_url, "CAMUNDA_OAUTH_URL", &mut o);
    let audience = pick(&env.audience, &t.audience, "CAMUNDA_TOKEN_AUDIENCE", &mut o);
    let scope = pick(&env.scope, &t.scope, "CAMUNDA_OAUTH_SCOPE", &mut o);
    let username = pick(
        &env.username,
        &t.username,
        "CAMUNDA_BASIC_AUTH_USERNAME",
        &mut o,
    );
    let password: Option<Secret> = pick(
        &env.password,
        &t.password,
        "CAMUNDA_BASIC_AUTH_PASSWORD",
        &mut o,
    );
    let ca_path = pick(
        &env.ca_path.as_ref().map(PathBuf::from),
        &t.ca_path,
        "CAMUNDA_MTLS_CA_PATH",
        &mut o,
    );
    // Like the SDKs: OAUTH when URL, ID and secret are all set.
    let strategy = strategy.unwrap_or_else(|| {
        if oauth_url.is_some() && client_id.is_some() && client_secret.is_some() {
            "OAUTH".to_owned()
        } else {
            "NONE".to_owned()
        }
    });
    let auth = match strategy.to_ascii_uppercase().as_str() {
        "NONE" => Auth::None,
        "BASIC" => match (username, password) {
            (Some(username), Some(password)) => Auth::Basic { username, password },
            _ => {
                return Err(Error::Connect("BASIC authentication needs CAMUNDA_BASIC_AUTH_USERNAME and CAMUNDA_BASIC_AUTH_PASSWORD (or username and password in the target)".to_owned()));
            }
        },
        "OAUTH" => match (client_id, client_secret) {
            (Some(client_id), Some(client_secret)) => Auth::OAuth {
                token_url: oauth_url
                    .unwrap_or_else(|| "https://login.cloud.camunda.io/oauth/token".to_owned()),
                client_id,
                client_secret,
                audience: Some(audience.unwrap_or_else(|| "zeebe.camunda.io".to_owned())),
                scope,
            },
            _ => {
                return Err(Error::Connect("OAUTH authentication needs CAMUNDA_CLIENT_ID and CAMUNDA_CLIENT_SECRET (or client-id and client-secret in the target)".to_owned()));
            }
        },
        other => {
            return Err(Error::Connect(format!(
                "the authentication strategy is '{other}'; use NONE, BASIC or OAUTH"
            )));
        }
    };
    Ok(Resolved {
        address,
        auth,
        ca_path,
        timeout_seconds: t.timeout_seconds,
        id_pattern: t.id_pattern.clone(),
        overridden: o,
    })
}

/// The address as it may be shown: any `user:password@` removed.
pub(super) fn without_credentials(address: &str) -> String {
    match address.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            let host = authority
                .rsplit_once('@')
                .map_or(authority, |(_, host)| host);
            format!("{scheme}://{host}{path}")
        }
        None => address.to_owned(),
    }
}

/// The host of a plain `http://` address that is not loopback, parsed as
/// reqwest parses it to connect (so `http://0x7f.1` is loopback too).
fn plain_http_host(address: &str) -> Option<String> {
    let url = reqwest::Url::parse(address).ok()?;
    if url.scheme() != "http" {
        return None;
    }
    // IPv6 hosts come in brackets; IPv4 ones in dotted decimal, whatever
    // form the address wrote them in.
    let host = url
        .host_str()?
        .trim_start_matches('[')
        .trim_end_matches(']');
    let loopback = host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    (!loopback).then(|| host.to_owned())
}

/// Starts the embedded simulated cluster.
#[cfg(feature = "sim")]
fn embedded(args: &ConnectArgs) -> Result<Connected, Error> {
    let mut config = SimConfig::new(args.camunda_version);
    if let Some(path) = &args.sim_seed {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            doing: "read",
            path: path.clone(),
            source,
        })?;
        config.seed = Some(serde_json::from_str(&text).map_err(|e| Error::Format {
            path: path.clone(),
            message: format!("not a simulator state: {e}"),
        })?);
    }
    let sim = Background::start(config).map_err(Error::Environment)?;
    let client = Client::new(&sim.url(), Auth::None).map_err(|e| Error::Connect(e.to_string()))?;
    Ok(Connected {
        target: format!(
            "an embedded simulated Camunda {} cluster",
            args.camunda_version
        ),
        embedded: Some(sim),
        client: Arc::new(client),
        me: None,
        id_pattern: args.id_pattern.clone(),
    })
}

/// Without the simulator in this build, `--sim` cannot run.
#[cfg(not(feature = "sim"))]
fn embedded(_: &ConnectArgs) -> Result<Connected, Error> {
    Err(Error::Usage(
        "--sim runs the embedded simulator, and this build has none (it was built without the `sim` feature)".to_owned(),
    ))
}

/// Starts the embedded cluster or resolves the real one, and builds a client.
pub(super) fn connect(
    args: &ConnectArgs,
    settings: &Settings,
    shell: &Shell,
) -> Result<Connected, Error> {
    if args.sim {
        return embedded(args);
    }
    let target = match &args.target {
        Some(name) => {
            let path = args
                .targets_file
                .clone()
                .unwrap_or_else(|| PathBuf::from(targets::FILE_NAME));
            Some(targets::load(&path, name, &settings.variables)?)
        }
        None => None,
    };
    let resolved = resolve(&settings.connection, target.as_ref())?;
    if let Some(t) = &target {
        for variable in &resolved.overridden {
            shell.warn(format!(
                "{variable} overrides the value of target '{}'",
                t.name
            ));
        }
    }
    let ca_pem = match &resolved.ca_path {
        Some(path) => Some(std::fs::read(path).map_err(|e| {
            Error::Connect(format!("cannot read the CA file {}: {e}", path.display()))
        })?),
        None => None,
    };
    let timeout = args.timeout.or(resolved.timeout_seconds).unwrap_or(60);
    let options = Options {
        timeout: Duration::from_secs(timeout),
        ca_pem,
    };
    let me = match &resolved.auth {
        Auth::None => None,
        Auth::Basic { username, .. } => Some(crate::model::state::Principal::User(
            username.clone().into(),
        )),
        Auth::OAuth { client_id, .. } => Some(crate::model::state::Principal::Client(
            client_id.clone().into(),
        )),
    };
    let client = Client::with_options(&resolved.address, resolved.auth, &options)
        .map_err(|e| Error::Connect(e.to_string()))?;
    let shown = without_credentials(&resolved.address);
    if let Some(host) = plain_http_host(&resolved.address) {
        shell.warn(format!(
            "{shown} is plain http to {host}, not a loopback address: credentials and tokens travel unencrypted; use https"
        ));
    }
    tracing::info!(cluster = %shown, "cluster: {shown}");
    Ok(Connected {
        embedded: None,
        client: Arc::new(client),
        me,
        id_pattern: args.id_pattern.clone().or(resolved.id_pattern.clone()),
        // Where the address really came from, when a variable overrode
        // the target's.
        target: match &target {
            Some(t) => match resolved
                .overridden
                .iter()
                .find(|v| v.ends_with("REST_ADDRESS"))
            {
                Some(variable) => format!(
                    "{shown} (from {variable}, overriding target {}'s address)",
                    t.name
                ),
                None => format!("{shown} (target {})", t.name),
            },
            None => shown,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::settings::Connection;

    #[test]
    fn plain_http_is_flagged_unless_loopback() {
        assert_eq!(
            plain_http_host("http://camunda.example/v2"),
            Some("camunda.example".into())
        );
        assert_eq!(
            plain_http_host("http://10.0.0.5:8080"),
            Some("10.0.0.5".into())
        );
        assert_eq!(plain_http_host("http://localhost:8080/v2"), None);
        assert_eq!(plain_http_host("http://127.0.0.1:8080"), None);
        assert_eq!(plain_http_host("http://[::1]:8080"), None);
        assert_eq!(plain_http_host("https://camunda.example"), None);
        assert_eq!(plain_http_host("http://user:pw@[::1]:8080/v2"), None);
        assert_eq!(plain_http_host("http://0x7f.1:8080"), None);
        assert_eq!(
            plain_http_host("http://ci:s3cret@[fd00::1]:8080"),
            Some("fd00::1".into())
        );
        assert_eq!(plain_http_host("not an address"), None);
    }

    #[test]
    fn addresses_are_shown_without_credentials() {
        assert_eq!(
            without_credentials("https://ci:s3cret@cluster.example/v2"),
            "https://cluster.example/v2"
        );
        assert_eq!(
            without_credentials("http://localhost:8080/v2"),
            "http://localhost:8080/v2"
        );
    }

    fn prod() -> Target {
        Target {
            name: "prod".into(),
            address: Some("https://prod.example/v2".into()),
            client_id: Some("deployer".into()),
            client_secret: Some(Secret::new("from-file")),
            oauth_url: Some("https://idp.example/token".into()),
            ..Target::default()
        }
    }

    #[test]
    fn variables_win_over_the_target_and_say_so() {
        let env = Connection {
            client_secret: Some(Secret::new("from-env")),
            ..Connection::default()
        };
        let r = resolve(&env, Some(&prod())).unwrap();
        assert_eq!(r.address, "https://prod.example/v2");
        assert_eq!(r.overridden, vec!["CAMUNDA_CLIENT_SECRET"]);
        match r.auth {
            Auth::OAuth {
                client_secret,
                client_id,
                audience,
                ..
            } => {
                assert_eq!(client_secret.expose(), "from-env");
                assert_eq!(client_id, "deployer");
                assert_eq!(audience.as_deref(), Some("zeebe.camunda.io"));
            }
            other => panic!("expected OAuth, got {other:?}"),
        }
    }

    #[test]
    fn without_anything_it_is_localhost_without_credentials() {
        let r = resolve(&Connection::default(), None).unwrap();
        assert_eq!(r.address, "http://localhost:8080/v2");
        assert!(matches!(r.auth, Auth::None));
        assert!(r.overridden.is_empty());
    }

    #[test]
    fn incomplete_credentials_are_errors() {
        let env = Connection {
            strategy: Some("basic".into()),
            username: Some("demo".into()),
            ..Connection::default()
        };
        let e = resolve(&env, None).unwrap_err();
        assert!(e.to_string().contains("CAMUNDA_BASIC_AUTH_PASSWORD"), "{e}");
        let env = Connection {
            strategy: Some("KERBEROS".into()),
            ..Connection::default()
        };
        assert!(
            resolve(&env, None)
                .unwrap_err()
                .to_string()
                .contains("'KERBEROS'")
        );
    }
}
