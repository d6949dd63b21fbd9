//! `camunda-access explain`: a principal's (or a token's) effective access,
//! every permission with the path it comes through; `--check` answers one
//! question.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::analysis::{Analyzer, Check, ExplainDocument, Source, Subject, TokenSettings, Verdict};
use crate::cli::Settings;
use crate::cli::connect::ConnectArgs;
use crate::cli::exit::Status;
use crate::cli::prepare::{connected, runtime};
use crate::config;
use crate::config::validate::LATER_VERSION_HINT;
use crate::config::validate::suggest::edit_distance;
use crate::error::{Error, Result};
use crate::model::builtins::add_built_in_grants;
use crate::model::catalogue::is_supported;
use crate::model::state::{AccessState, Principal};
use crate::ops;
use crate::render::Shell;

/// Output formats of `explain` and `who-can`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Text.
    Human,
    /// One JSON document.
    Json,
}

/// Where the state comes from: files (offline) or `--live`.
#[derive(Debug, Args)]
pub struct StateArgs {
    /// Files or directories forming the desired state [default: .] (not with --live).
    pub paths: Vec<PathBuf>,
    /// Read the cluster (what is in force, grants made by hand included)
    /// instead of the files (what the policy grants).
    #[arg(long)]
    pub live: bool,
    /// How to reach the cluster (with --live).
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// Arguments of `explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// client:ID, user:NAME, group:ID, role:ID, mapping-rule:ID, or token (with --claims).
    #[arg(value_name = "PRINCIPAL")]
    pub principal: String,
    /// The files, or the cluster.
    #[command(flatten)]
    pub state: StateArgs,
    /// A token's claims, as JSON or @FILE (with PRINCIPAL token).
    #[arg(long, value_name = "JSON|@FILE")]
    pub claims: Option<String>,
    /// The claim naming a user, as the cluster is configured.
    #[arg(long, value_name = "CLAIM", default_value = "sub")]
    pub username_claim: String,
    /// The claim naming a client, as the cluster is configured [default: none].
    #[arg(long, value_name = "CLAIM")]
    pub client_id_claim: Option<String>,
    /// The claim listing the token's groups, as the cluster is configured [default: none].
    #[arg(long, value_name = "CLAIM")]
    pub groups_claim: Option<String>,
    /// One question: exit 0 with the paths when granted, 2 with the nearest misses when not.
    #[arg(long, value_name = "TYPE:ID:PERMISSION", value_parser = parse_check)]
    pub check: Option<Check>,
    /// Also list the REST operations the principal may call, and on what.
    #[arg(long)]
    pub operations: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

fn parse_check(s: &str) -> Result<Check> {
    s.parse()
        .map_err(|e: crate::analysis::Unreadable| Error::Usage(e.0))
}

/// The state the analysis runs on, and where it came from. From the
/// files, the built-in roles get Camunda's default authorizations of the
/// version (the files never hold them). `command` names the command in
/// the help of a diagnostic that a later `--camunda-version` would fix.
pub(super) fn load_state(
    command: &str,
    args: &StateArgs,
    settings: &Settings,
    shell: &Shell,
) -> Result<(AccessState, Source)> {
    let connect = &args.connect;
    if !args.live {
        if connect.sim || connect.target.is_some() {
            return Err(Error::Usage(
                "--sim and --target name a cluster: add --live to read it".to_owned(),
            ));
        }
        let paths = if args.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            args.paths.clone()
        };
        let version = connect.camunda_version;
        let outcome = config::load(&paths, version, &settings.variables);
        let Some(desired) = outcome.desired else {
            let mut diagnostics = outcome.diagnostics;
            // The version is this command's flag: say so, not `validate`'s.
            diagnostics.edit_help(|help| {
                *help = help.replace(
                    LATER_VERSION_HINT,
                    &format!("run {command} with --camunda-version"),
                );
            });
            return Err(Error::Config {
                message: format!(
                    "the configuration is invalid ({} errors)",
                    diagnostics.error_count()
                ),
                diagnostics,
                sources: outcome.sources,
            });
        };
        let mut state = desired.state;
        add_built_in_grants(&mut state, version);
        let source = Source::Files {
            paths: paths.iter().map(|p| p.display().to_string()).collect(),
            camunda_version: version,
        };
        return Ok((state, source));
    }
    if !args.paths.is_empty() {
        return Err(Error::Usage(
            "--live reads the cluster, not files: drop the paths".to_owned(),
        ));
    }
    let runtime = runtime()?;
    let connected = connected(connect, settings, shell)?;
    let client = &connected.client;
    let live = runtime.block_on(ops::read(client, usize::from(connect.read_parallelism)))?;
    if !connect.no_visibility_check {
        runtime.block_on(ops::checks::visibility(client, &live, None))?;
    }
    for item in &live.unknown {
        shell.warn(format!("left out, not read: {item}"));
    }
    let source = Source::Cluster {
        target: connected.target.clone(),
        camunda_version: live.version,
    };
    Ok((live.state, source))
}

/// The note for a principal the state does not know, with the closest
/// known one of its kind.
fn unknown(
    principal: &Principal,
    known: &std::collections::BTreeSet<Principal>,
    source: &Source,
) -> String {
    let place = if source.is_files() {
        "the files"
    } else {
        "the cluster"
    };
    let closest = known
        .iter()
        .filter(|k| std::mem::discriminant(*k) == std::mem::discriminant(principal))
        .map(|k| (edit_distance(k.id(), principal.id()), k))
        .filter(|(d, k)| *d <= (k.id().len() / 4).max(1))
        .min();
    match closest {
        Some((_, k)) => format!("{principal} is not in {place}: did you mean {k}?"),
        None => format!("{principal} is not in {place}: it holds nothing there"),
    }
}

/// Refuses a question the catalogue cannot answer yes to.
pub(super) fn supported(check: &Check, source: &Source) -> Result<()> {
    let version = source.camunda_version();
    if is_supported(version, check.resource_type, check.permission) {
        return Ok(());
    }
    let known = crate::model::catalogue::supported_permissions(version, check.resource_type);
    let known: Vec<&str> = known.iter().map(|p| p.as_str()).collect();
    Err(Error::Usage(format!(
        "{} has no permission {} in Camunda {version} (it has: {})",
        check.resource_type,
        check.permission,
        if known.is_empty() {
            "none: the type is unknown in this version".to_owned()
        } else {
            known.join(", ")
        }
    )))
}

/// The claims of `--claims`: JSON, or @FILE holding JSON.
fn claims(text: &str) -> Result<serde_json::Value> {
    let (json, origin) = match text.strip_prefix('@') {
        Some(file) => {
            let path = PathBuf::from(file);
            let json = std::fs::read_to_string(&path).map_err(|source| Error::Io {
                doing: "read",
                path: path.clone(),
                source,
            })?;
            (json, Some(path))
        }
        None => (text.to_owned(), None),
    };
    let value: serde_json::Value = serde_json::from_str(&json).map_err(|e| match &origin {
        Some(path) => Error::Format {
            path: path.clone(),
            message: format!("not JSON claims: {e}"),
        },
        None => Error::Usage(format!("--claims is not JSON: {e}")),
    })?;
    if !value.is_object() {
        return Err(Error::Usage(
            "--claims must be a JSON object (the token's payload)".to_owned(),
        ));
    }
    Ok(value)
}

/// Explains the principal's access.
pub(super) fn run(args: &ExplainArgs, settings: &Settings, shell: &Shell) -> Result<Status> {
    let subject = if args.principal == "token" {
        let Some(text) = &args.claims else {
            return Err(Error::Usage(
                "explain token needs the token's claims: add --claims JSON or --claims @FILE"
                    .to_owned(),
            ));
        };
        Subject::Token {
            claims: claims(text)?,
            settings: TokenSettings {
                username_claim: args.username_claim.clone(),
                client_id_claim: args.client_id_claim.clone(),
                groups_claim: args.groups_claim.clone(),
            },
        }
    } else {
        if args.claims.is_some() {
            return Err(Error::Usage(
                "--claims describes a token: explain token --claims …".to_owned(),
            ));
        }
        Subject::Principal {
            principal: Subject::principal(&args.principal).map_err(|e| Error::Usage(e.0))?,
        }
    };
    let (state, source) = load_state("explain", &args.state, settings, shell)?;
    if let Some(check) = &args.check {
        supported(check, &source)?;
    }
    let analyzer = Analyzer::new(&state);
    let explanation = analyzer.explain(&subject);
    let verdict = args
        .check
        .as_ref()
        .map(|c| Verdict::new(&analyzer, &explanation, c));
    let denied = verdict.as_ref().is_some_and(|v| !v.granted);
    let mut document = ExplainDocument::new(source, explanation, verdict, args.operations);
    if let Subject::Principal { principal } = &subject {
        let known = analyzer.principals();
        if !known.contains(principal) {
            document
                .notes
                .insert(0, unknown(principal, &known, &document.source));
        }
    }
    shell.out(&match args.format {
        Format::Human => crate::render::explain::human(&document),
        Format::Json => crate::render::explain::json(&document),
    });
    Ok(if denied { Status::Changes } else { Status::Ok })
}
