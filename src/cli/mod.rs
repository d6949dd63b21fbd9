//! The command line: argument types, settings read once from the
//! environment, one file per subcommand, and the mapping to exit codes.

mod apply;
mod completions;
mod connect;
mod drift;
mod explain;
mod export;
mod failure;
mod graph;
mod import_init;
mod plan;
mod prepare;
mod schema;
mod settings;
#[cfg(feature = "sim")]
mod sim;
mod validate;
mod who_can;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

pub use settings::Settings;

use crate::render::Shell;

/// Exit codes shared by every command.
pub mod exit {
    /// Success; no changes or no drift.
    pub const OK: u8 = 0;
    /// Error: bad input, network, server error, failed change.
    pub const ERROR: u8 = 1;
    /// Changes pending (`plan --detailed-exitcode`) or drift found.
    pub const CHANGES: u8 = 2;
    /// Refused by a safety guard (stale plan, lockout, deletion budget,
    /// empty configuration with prune) or a guardrail rule at `deny`.
    pub const REFUSED: u8 = 3;
    /// Applied, but the cluster had not shown convergence when the wait ended.
    pub const NOT_CONVERGED: u8 = 4;

    /// How a command that ran to its end finished (an [`crate::Error`]
    /// ends it otherwise).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Status {
        /// [`OK`].
        Ok,
        /// [`CHANGES`].
        Changes,
        /// [`ERROR`], its report already shown (invalid files, a failed change).
        Failed,
        /// [`NOT_CONVERGED`].
        NotConverged,
        /// [`REFUSED`]: a plan shown in full that `apply` would refuse (it
        /// introduces a violation of a rule at `deny`).
        Denied,
    }

    impl Status {
        /// The exit code.
        pub fn code(self) -> u8 {
            match self {
                Status::Ok => OK,
                Status::Changes => CHANGES,
                Status::Failed => ERROR,
                Status::NotConverged => NOT_CONVERGED,
                Status::Denied => REFUSED,
            }
        }
    }
}

/// Access control of Camunda 8 Orchestration Clusters as code.
#[derive(Debug, Parser)]
#[command(
    name = "camunda-access",
    version,
    about = "Keep the access control of Camunda 8 Orchestration Clusters in version-controlled YAML",
    after_help = "Examples:\n  camunda-access validate access/\n  camunda-access validate access/ --camunda-version 8.9 --format json\n  camunda-access schema > camunda-access.schema.json"
)]
pub struct Cli {
    /// More log lines on stderr (-v, -vv).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// When to use colour.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check configuration files offline: syntax, IDs, permissions, references.
    #[command(
        after_help = "Examples:\n  camunda-access validate\n  camunda-access validate access/prod --camunda-version 8.10\n  camunda-access validate access/ --format json > diagnostics.json\n\nA directory holding no YAML file itself but subdirectories that do is a\nrepository of several desired states: each such subdirectory is validated\nas a state of its own.\n\nExit codes: 0 valid (warnings allowed), 1 invalid."
    )]
    Validate(validate::ValidateArgs),
    /// Show what apply would change in the cluster (read-only).
    #[command(
        after_help = "Examples:\n  camunda-access plan --sim examples/quickstart\n  CAMUNDA_REST_ADDRESS=https://cluster/v2 CAMUNDA_CLIENT_ID=… CAMUNDA_CLIENT_SECRET=… CAMUNDA_OAUTH_URL=… camunda-access plan access/ --detailed-exitcode\n\nExit codes: 0 no changes (or changes without --detailed-exitcode), 1 error, 2 changes (with --detailed-exitcode), 3 the plan introduces a violation of a guardrail rule at deny (apply would refuse it)."
    )]
    Plan(plan::PlanArgs),
    /// Write the configuration to the cluster: plan, check, confirm, apply in dependency order, wait.
    #[command(
        after_help = "Examples:\n  camunda-access apply --sim examples/quickstart --auto-approve\n  camunda-access plan access/ --target prod --out plan.json && camunda-access apply access/ --target prod --plan plan.json\n  camunda-access apply access/ --target prod --auto-approve --format json > report.json\n\nExit codes: 0 applied (and shown by the cluster), 1 error or a change failed, 3 refused by a safety guard\n(stale plan, lockout, deletion budget, empty configuration with prune) or a guardrail rule at deny, 4 applied but not yet shown\nby the cluster when --wait ended."
    )]
    Apply(Box<apply::ApplyArgs>),
    /// Report where the cluster differs from the files (for scheduled runs).
    #[command(
        after_help = "Examples:\n  camunda-access drift access/ --target prod\n  camunda-access drift access/ --target prod --format markdown > drift.md\n\nDifferences that vanish on a re-read (reads lag writes) are reported apart and are not drift.\n\nExit codes: 0 no drift, 1 error, 2 drift (with --fail-on-unmanaged, unmanaged objects too)."
    )]
    Drift(drift::DriftArgs),
    /// Explain a principal's (or a token's) access: every permission with the path it comes through.
    #[command(
        mut_arg("camunda_version", |a| a.requires(clap::builder::Resettable::Reset).help("Camunda version whose catalogue and built-in roles' default grants apply to the files (with --live --sim: of the embedded cluster)")),
        after_help = "Examples:\n  camunda-access explain client:order-worker examples/quickstart\n  camunda-access explain client:order-worker examples/quickstart --check PROCESS_DEFINITION:order-fulfilment:UPDATE_PROCESS_INSTANCE\n  camunda-access explain token examples/oidc-groups-claim --claims '{\"sub\":\"ann\",\"groups\":[\"loan-officers\"]}'\n  camunda-access explain client:order-worker --live --target prod --format json\n\nPaths: direct (own authorization), group, role, role of a group, and for a token the mapping\nrules its claims match (equals for scalars, contains for arrays, JSONPath names for nested\nclaims) and its groups claim. Tenant membership is listed; it grants no permission.\nWithout --live: what the files grant, with the built-in roles' default grants\nof --camunda-version; with --live: what the cluster has in force.\n\nExit codes: 0 explained (and --check granted), 1 error, 2 --check not granted."
    )]
    Explain(Box<explain::ExplainArgs>),
    /// List every principal that holds a permission, with the path it comes through.
    #[command(
        name = "who-can",
        mut_arg("camunda_version", |a| a.requires(clap::builder::Resettable::Reset).help("Camunda version whose catalogue and built-in roles' default grants apply to the files (with --live --sim: of the embedded cluster)")),
        after_help = "Examples:\n  camunda-access who-can RESOURCE:* CREATE examples/quickstart\n  camunda-access who-can PROCESS_DEFINITION:order-fulfilment UPDATE_PROCESS_INSTANCE --live --target prod\n\nAn authorization on * counts for every ID; asked about *, only authorizations on * count.\nLists users, clients, groups, roles and mapping rules (every token matching a listed rule holds it too).\n\nExit codes: 0 listed (also when nobody holds it), 1 error."
    )]
    WhoCan(Box<who_can::WhoCanArgs>),
    /// Write a running cluster's access control as format-v1 YAML.
    #[command(
        after_help = "Examples:\n  camunda-access export --target prod > access.yaml\n  camunda-access export --target prod --out access/ --layout per-kind\n  camunda-access export --target prod --out access/ --include-defaults\n\nMemberships are written on the group's, role's or tenant's side; clients are discovered\nfrom memberships and CLIENT authorizations; users are written without passwords.\nPlanning the exported files against the same cluster shows no changes."
    )]
    Export(export::ExportArgs),
    /// Convert Camunda's bootstrap configuration (camunda.security.initialization) into format-v1 files.
    #[command(
        name = "import-init",
        after_help = "Examples:\n  camunda-access import-init application.yaml > access.yaml\n  camunda-access import-init camunda.env --out access/\n\nReads an application.yaml, or CAMUNDA_SECURITY_INITIALIZATION_…=value lines (the\nenvironment-variable form). Users' passwords become ${env:CAMUNDA_USER_<NAME>_PASSWORD};\nmembers of built-in roles are written members-mode: additive."
    )]
    ImportInit(import_init::ImportInitArgs),
    /// Print the order apply would follow as a graph (DOT or Mermaid).
    #[command(
        after_help = "Examples:\n  camunda-access graph --sim examples/quickstart | dot -Tsvg > plan.svg\n  camunda-access graph access/ --target prod --format mermaid\n\nOne node per change; an edge says \"must happen before\" and is labelled\nwith why (container first, member first, owner first, resource first,\nclaim released, dependants first, make before break)."
    )]
    Graph(graph::GraphArgs),
    /// Run a simulated Orchestration Cluster (the identity API) on a local port.
    #[command(
        after_help = "Examples:\n  camunda-access sim\n  camunda-access sim --listen 127.0.0.1:0 --camunda-version 8.9 --lag-ms 1000\n  camunda-access sim --auth basic --admin-user demo:demo\n  camunda-access sim --auth oidc --oidc-issuer http://127.0.0.1:9000 --oidc-audience urn:camunda:api --client-id-claim client_id --admin-client ci\n\nWhen ready it prints one line: camunda-access sim listening on http://HOST:PORT\nOperator endpoints: /_sim/requests, /_sim/faults, /_sim/state, /_sim/reset."
    )]
    #[cfg(feature = "sim")]
    Sim(Box<sim::SimArgs>),
    /// Print the JSON Schema of the configuration format (or of the plan document).
    #[command(
        after_help = "Examples:\n  camunda-access schema > schema/camunda-access.schema.json\n  camunda-access schema --plan > schema/camunda-access-plan.schema.json"
    )]
    Schema(schema::SchemaArgs),
    /// Print shell completions.
    #[command(
        after_help = "Example:\n  camunda-access completions bash > /etc/bash_completion.d/camunda-access"
    )]
    Completions(completions::CompletionsArgs),
}

impl Command {
    /// Whether the command prints a JSON document on stdout, so an error
    /// must be one too.
    fn json_errors(&self) -> bool {
        match self {
            Command::Plan(args) => args.format == plan::Format::Json,
            Command::Apply(args) => args.format == apply::Format::Json,
            Command::Drift(args) => args.format == drift::Format::Json,
            Command::Explain(args) => args.format == explain::Format::Json,
            Command::WhoCan(args) => args.format == explain::Format::Json,
            _ => false,
        }
    }
}

/// Parses the command line and runs the command.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // clap exits 2 on usage errors, but 2 means "changes pending" to
            // `plan --detailed-exitcode` and "drift found" to `drift`: a
            // typo in a CI script must not read as either.
            let _ = error.print();
            let code = if error.use_stderr() {
                exit::ERROR
            } else {
                exit::OK
            };
            return ExitCode::from(code);
        }
    };
    settings::log_to_stderr(cli.verbose);
    let settings = Settings::from_env(cli.color);
    let shell = Shell {
        color: settings.color,
    };
    let json_errors = cli.command.json_errors();
    let result = match cli.command {
        Command::Validate(args) => validate::run(&args, &settings, &shell),
        Command::Plan(args) => plan::run(&args, &settings, &shell),
        Command::Apply(args) => apply::run(&args, &settings, &shell),
        Command::Drift(args) => drift::run(&args, &settings, &shell),
        Command::Explain(args) => explain::run(&args, &settings, &shell),
        Command::WhoCan(args) => who_can::run(&args, &settings, &shell),
        Command::Export(args) => export::run(&args, &settings, &shell),
        Command::ImportInit(args) => import_init::run(&args, &settings, &shell),
        Command::Graph(args) => graph::run(&args, &settings, &shell),
        Command::Schema(args) => schema::run(&args, &shell),
        #[cfg(feature = "sim")]
        Command::Sim(args) => sim::run(&args, &shell),
        Command::Completions(args) => completions::run(&args, &shell),
    };
    let code = match result {
        Ok(status) => status.code(),
        Err(error) => failure::report(&error, &shell, json_errors, settings.color),
    };
    ExitCode::from(code)
}
