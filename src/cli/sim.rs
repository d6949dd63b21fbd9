//! `camunda-access sim`: a simulated Orchestration Cluster on a local port.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};

use crate::cli::exit::Status;
use crate::error::{Error, Result};
use crate::model::CamundaVersion;
use crate::model::state::Secret;
use crate::render::Shell;
use crate::sim::audit::{AuditCategory, AuditSettings};
use crate::sim::oidc::OidcSettings;
use crate::sim::{AuthMode, SimConfig};

/// Authentication modes of the simulator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Auth {
    /// No authentication (unprotected API).
    None,
    /// HTTP Basic against the simulator's users.
    Basic,
    /// OIDC bearer tokens verified against an issuer's keys.
    Oidc,
}

/// On or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Switch {
    /// On.
    On,
    /// Off.
    Off,
}

/// Arguments of `sim`.
#[derive(Debug, Args)]
pub struct SimArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Camunda version to simulate: 8.8, 8.9 or 8.10.
    #[arg(long, default_value = "8.8", value_parser = |s: &str| s.parse::<CamundaVersion>())]
    pub camunda_version: CamundaVersion,
    /// Milliseconds before a write is visible to GET and search.
    #[arg(long, default_value_t = 500)]
    pub lag_ms: u64,
    /// Serve HTTPS with this PEM certificate (chain).
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// How callers authenticate.
    #[arg(long, value_enum, default_value_t = Auth::None)]
    pub auth: Auth,
    /// OIDC issuer URL (with --auth oidc).
    #[arg(long, required_if_eq("auth", "oidc"))]
    pub oidc_issuer: Option<String>,
    /// Accepted token audience (with --auth oidc).
    #[arg(long, required_if_eq("auth", "oidc"))]
    pub oidc_audience: Option<String>,
    /// Token claim holding a client's ID (a JSONPath such as `$.azp`, or a
    /// name). None by default, as in Camunda: every token is then a user
    /// named by the username claim, and CLIENT authorizations apply to no
    /// token.
    #[arg(long)]
    pub client_id_claim: Option<String>,
    /// Token claim holding a username (a JSONPath, or a name).
    #[arg(long, default_value = "sub")]
    pub username_claim: String,
    /// Token claim holding group IDs, a string or an array of strings;
    /// switches the groups API off.
    #[arg(long)]
    pub groups_claim: Option<String>,
    /// Treat tokens with both a client and a username claim as users.
    #[arg(long)]
    pub prefer_username_claim: bool,
    /// Make a client a member of the admin role (repeatable).
    #[arg(long = "admin-client", value_name = "ID")]
    pub admin_clients: Vec<String>,
    /// Create a user and make it a member of admin (repeatable).
    #[arg(long = "admin-user", value_name = "NAME:PASSWORD", value_parser = parse_user)]
    pub admin_users: Vec<AdminUser>,
    /// Camunda's application.yaml with a camunda.security.initialization section.
    #[arg(long, value_name = "FILE")]
    pub init: Option<PathBuf>,
    /// Start from a state dumped with GET /_sim/state.
    #[arg(long, value_name = "FILE")]
    pub seed: Option<PathBuf>,
    /// The tenants API (camunda.security.multiTenancy.apiEnabled).
    #[arg(long, value_enum, default_value_t = Switch::On)]
    pub tenants_api: Switch,
    /// Enforce authorizations (default: on unless --auth none).
    #[arg(long, value_enum)]
    pub authorizations: Option<Switch>,
    /// Make default roles and the default tenant read-only, as later patches do.
    #[arg(long)]
    pub protected_defaults: bool,
    /// The ID validation pattern (camunda.security.id-validation-pattern).
    #[arg(long, value_name = "REGEX")]
    pub id_pattern: Option<String>,
    /// The audit log, 8.9 and later (camunda.data.audit-log.enabled;
    /// default: on, or as the --init file sets it).
    #[arg(long, value_enum)]
    pub audit_log: Option<Switch>,
    /// Audit categories for operations by users
    /// (camunda.data.audit-log.user.categories; default: all; `none` for none).
    #[arg(long, value_name = "CATEGORY,...", value_parser = parse_categories)]
    pub audit_user_categories: Option<AuditCategories>,
    /// Audit categories for operations by clients
    /// (camunda.data.audit-log.client.categories; default: none, as in
    /// Camunda; `ADMIN` audits identity changes made by clients).
    #[arg(long, value_name = "CATEGORY,...", value_parser = parse_categories)]
    pub audit_client_categories: Option<AuditCategories>,
}

/// A list of audit log categories.
#[derive(Debug, Clone)]
pub struct AuditCategories(BTreeSet<AuditCategory>);

fn parse_categories(s: &str) -> Result<AuditCategories> {
    if s.trim().eq_ignore_ascii_case("none") || s.trim().is_empty() {
        return Ok(AuditCategories(BTreeSet::new()));
    }
    s.split(',')
        .map(|name| {
            AuditCategory::parse(name).ok_or_else(|| {
                Error::Usage(format!(
                    "unknown audit log category {:?}: expected ADMIN, DEPLOYED_RESOURCES, USER_TASKS or none",
                    name.trim()
                ))
            })
        })
        .collect::<Result<_>>()
        .map(AuditCategories)
}

/// `NAME:PASSWORD`.
#[derive(Debug, Clone)]
pub struct AdminUser(String, Secret);

fn parse_user(s: &str) -> Result<AdminUser> {
    match s.split_once(':') {
        Some((name, password)) if !name.is_empty() && !password.is_empty() => {
            Ok(AdminUser(name.to_owned(), Secret::new(password)))
        }
        _ => Err(Error::Usage("expected NAME:PASSWORD".to_owned())),
    }
}

/// `camunda.data.audit-log` as Spring binds it: `enabled`, and
/// `user.categories` / `client.categories` as a list or a comma-separated
/// text (empty: none).
fn audit_settings(audit: &serde_json::Value, settings: &mut AuditSettings) -> Result<(), String> {
    use crate::config::spring::{get, list, text};
    if let Some(enabled) = text(audit, "enabled") {
        settings.enabled = match enabled.trim().to_ascii_lowercase().as_str() {
            "true" => true,
            "false" => false,
            other => {
                return Err(format!(
                    "camunda.data.audit-log.enabled: '{other}' is not true or false"
                ));
            }
        };
    }
    for (who, categories) in [
        ("user", &mut settings.user_categories),
        ("client", &mut settings.client_categories),
    ] {
        let Some(node) = get(audit, who) else {
            continue;
        };
        let names: Vec<String> = match get(node, "categories") {
            None => continue,
            Some(serde_json::Value::String(s)) => s.split(',').map(str::to_owned).collect(),
            Some(_) => list(node, "categories")
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
        };
        let mut parsed = BTreeSet::new();
        for name in names.iter().filter(|n| !n.trim().is_empty()) {
            parsed.insert(AuditCategory::parse(name).ok_or_else(|| {
                format!(
                    "camunda.data.audit-log.{who}.categories: unknown category {:?} (ADMIN, DEPLOYED_RESOURCES, USER_TASKS)",
                    name.trim()
                )
            })?);
        }
        *categories = parsed;
    }
    Ok(())
}

fn read(path: &PathBuf) -> Result<String> {
    std::fs::read_to_string(path).map_err(|source| Error::Io {
        doing: "read",
        path: path.clone(),
        source,
    })
}

fn config(args: &SimArgs) -> Result<SimConfig> {
    let mut config = SimConfig::new(args.camunda_version);
    config.lag = Duration::from_millis(args.lag_ms);
    config.auth = match args.auth {
        Auth::None => AuthMode::None,
        Auth::Basic => AuthMode::Basic,
        Auth::Oidc => AuthMode::Oidc(OidcSettings {
            issuer: args.oidc_issuer.clone().unwrap_or_default(),
            audience: args.oidc_audience.clone().unwrap_or_default(),
            client_id_claim: args.client_id_claim.clone(),
            username_claim: args.username_claim.clone(),
            groups_claim: args.groups_claim.clone(),
            prefer_username_claim: args.prefer_username_claim,
        }),
    };
    config.checks = args.authorizations.map(|s| s == Switch::On);
    config.admin_clients = args.admin_clients.clone();
    config.admin_users = args
        .admin_users
        .iter()
        .map(|AdminUser(name, password)| (name.clone(), password.clone()))
        .collect();
    if let Some(path) = &args.init {
        let text = read(path)?;
        let format = |message: String| Error::Format {
            path: path.clone(),
            message,
        };
        config.init = Some(crate::sim::init::parse(&text).map_err(format)?);
        // The same file's camunda.data.audit-log; the flags below win.
        if let Some(audit) = crate::config::spring::audit_log(&text).map_err(|e| format(e.0))? {
            audit_settings(&audit, &mut config.audit).map_err(format)?;
        }
    }
    if let Some(path) = &args.seed {
        config.seed = Some(
            serde_json::from_str(&read(path)?).map_err(|e| Error::Format {
                path: path.clone(),
                message: format!("not a simulator state: {e}"),
            })?,
        );
    }
    config.tenants_api = args.tenants_api == Switch::On;
    config.protected_defaults = args.protected_defaults;
    config.id_pattern = args.id_pattern.clone();
    if let Some(switch) = args.audit_log {
        config.audit.enabled = switch == Switch::On;
    }
    if let Some(AuditCategories(categories)) = &args.audit_user_categories {
        config.audit.user_categories = categories.clone();
    }
    if let Some(AuditCategories(categories)) = &args.audit_client_categories {
        config.audit.client_categories = categories.clone();
    }
    if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        let bytes = |p: &PathBuf| {
            std::fs::read(p).map_err(|source| Error::Io {
                doing: "read",
                path: p.clone(),
                source,
            })
        };
        config.tls = Some((bytes(cert)?, bytes(key)?));
    }
    Ok(config)
}

/// Runs the simulator until interrupted.
pub(super) fn run(args: &SimArgs, shell: &Shell) -> Result<Status> {
    let config = config(args)?;
    if let AuthMode::Oidc(oidc) = &config.auth
        && oidc.client_id_claim.is_none()
        && !config.admin_clients.is_empty()
    {
        shell.warn(
            "--admin-client has no effect on tokens without --client-id-claim: like Camunda by default, every token is then a user named by its username claim",
        );
    }
    let runtime = crate::cli::prepare::runtime()?;
    runtime.block_on(async {
        let running = config
            .start(args.listen)
            .await
            .map_err(Error::Environment)?;
        let scheme = if running.tls { "https" } else { "http" };
        shell.out(&format!(
            "camunda-access sim listening on {scheme}://{}\n",
            running.addr
        ));
        let _ = tokio::signal::ctrl_c().await;
        running.stop().await;
        Ok(Status::Ok)
    })
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};

    fn sim_config(args: &[&str]) -> SimConfig {
        let cli = Cli::try_parse_from(["camunda-access", "sim"].iter().chain(args)).unwrap();
        let Command::Sim(args) = cli.command else {
            panic!("not sim")
        };
        config(&args).unwrap()
    }

    #[test]
    fn audit_log_settings_follow_camunda_defaults_and_the_flags() {
        let default = sim_config(&[]);
        assert!(default.audit.enabled);
        assert!(default.audit.client_categories.is_empty(), "clients: none");
        assert_eq!(default.audit.user_categories.len(), 3, "users: all");
        let set = sim_config(&[
            "--audit-client-categories",
            "ADMIN,user_tasks",
            "--audit-user-categories",
            "none",
            "--audit-log",
            "off",
        ]);
        assert!(!set.audit.enabled);
        assert_eq!(
            set.audit.client_categories,
            [AuditCategory::Admin, AuditCategory::UserTasks].into()
        );
        assert!(set.audit.user_categories.is_empty());
        let wrong = Cli::try_parse_from([
            "camunda-access",
            "sim",
            "--audit-client-categories",
            "OPERATOR",
        ]);
        assert!(
            wrong
                .unwrap_err()
                .to_string()
                .contains("unknown audit log category \"OPERATOR\"")
        );
    }

    fn with_init(text: &str, flags: &[&str]) -> std::result::Result<SimConfig, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("application.yaml");
        std::fs::write(&path, text).unwrap();
        let mut args = vec!["--init", path.to_str().unwrap()];
        args.extend(flags);
        let cli = Cli::try_parse_from(["camunda-access", "sim"].iter().chain(&args)).unwrap();
        let Command::Sim(args) = cli.command else {
            panic!("not sim")
        };
        config(&args).map_err(|e| e.to_string())
    }

    #[test]
    fn the_init_files_audit_log_settings_apply_and_the_flags_win() {
        let yaml = "camunda:\n  security:\n    initialization:\n      users:\n        - username: demo\n          password: demo\n  data:\n    audit-log:\n      client:\n        categories: [ADMIN]\n      user:\n        categories: USER_TASKS,ADMIN\n";
        let config = with_init(yaml, &[]).unwrap();
        assert!(config.audit.enabled);
        assert_eq!(
            config.audit.client_categories,
            [AuditCategory::Admin].into()
        );
        assert_eq!(
            config.audit.user_categories,
            [AuditCategory::Admin, AuditCategory::UserTasks].into()
        );
        let flagged = with_init(yaml, &["--audit-client-categories", "none"]).unwrap();
        assert!(flagged.audit.client_categories.is_empty(), "the flag wins");

        // Spring's environment-variable form, and `enabled: false`.
        let env = "CAMUNDA_SECURITY_INITIALIZATION_USERS_0_USERNAME=demo\nCAMUNDA_SECURITY_INITIALIZATION_USERS_0_PASSWORD=demo\nCAMUNDA_DATA_AUDITLOG_ENABLED=false\nCAMUNDA_DATA_AUDITLOG_CLIENT_CATEGORIES=ADMIN\n";
        let config = with_init(env, &[]).unwrap();
        assert!(!config.audit.enabled);
        assert_eq!(
            config.audit.client_categories,
            [AuditCategory::Admin].into()
        );

        // A file without the section keeps Camunda's defaults.
        let plain = "camunda.security.initialization:\n  users:\n    - username: demo\n      password: demo\n";
        let config = with_init(plain, &[]).unwrap();
        assert!(config.audit.client_categories.is_empty());

        let wrong = yaml.replace("[ADMIN]", "[OPERATOR]");
        let error = with_init(&wrong, &[]).unwrap_err();
        assert!(
            error.contains(
                "camunda.data.audit-log.client.categories: unknown category \"OPERATOR\""
            ),
            "{error}"
        );
    }
}
