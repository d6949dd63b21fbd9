//! `camunda-access plan`: what `apply` would change, read-only.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::cli::connect::{ConnectArgs, connect};
use crate::cli::{Settings, exit};
use crate::config::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::config::{self, Sources};
use crate::live::{Live, Reader};
use crate::model::desired::{Desired, Kind, Referenced};
use crate::model::state::{Container, Principal};
use crate::plan::Planner;
use crate::render::Shell;
use crate::render::diagnostics::{self as diagnostics_render, Style};

/// Output formats of `plan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Terraform-like text.
    Human,
    /// One JSON document.
    Json,
    /// A pull-request comment.
    Markdown,
}

/// Arguments of `plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Files or directories forming the desired state.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit 2 when there are changes, 0 when there are none.
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Also write the plan to FILE (JSON with fingerprints of the desired and live states).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// How to reach the cluster.
    #[command(flatten)]
    pub connect: ConnectArgs,
}

fn fail(shell: &Shell, message: &str) -> u8 {
    shell.err(&format!("error: {message}\n"));
    exit::ERROR
}

/// Kinds the configuration touches whose API the cluster switched off.
fn disabled_kinds(desired: &Desired, live: &Live) -> Vec<Kind> {
    let touches = |kind: Kind| match kind {
        Kind::Tenants => {
            !desired.state.tenants.is_empty()
                || desired
                    .containers
                    .keys()
                    .any(|c| matches!(c, Container::Tenant(_)))
        }
        Kind::Groups => !desired.state.groups.is_empty(),
        Kind::Users => !desired.state.users.is_empty(),
        _ => false,
    };
    live.disabled
        .iter()
        .copied()
        .filter(|k| touches(*k))
        .collect()
}

/// References that are neither declared nor in the cluster, as diagnostics.
fn unresolved(desired: &Desired, live: &Live, sources: &Sources) -> Diagnostics {
    let s = &live.state;
    let mut found = Diagnostics::default();
    for reference in &desired.references {
        let exists = match &reference.target {
            Referenced::Container(Container::Group(g))
            | Referenced::Principal(Principal::Group(g)) => {
                // Groups from a token claim exist without an entity.
                live.disabled.contains(&Kind::Groups) || s.groups.contains_key(g)
            }
            Referenced::Container(Container::Role(r))
            | Referenced::Principal(Principal::Role(r)) => s.roles.contains_key(r),
            Referenced::Container(Container::Tenant(t)) => s.tenants.contains_key(t),
            Referenced::Principal(Principal::MappingRule(m)) => s.mapping_rules.contains_key(m),
            Referenced::Principal(_) => true,
        };
        if exists {
            continue;
        }
        let origin = &reference.origin;
        let Some((file, _)) = sources.iter().find(|(_, f)| f.name == origin.file) else {
            continue;
        };
        let loc = sources
            .get(file)
            .loc_of_range(file, origin.offset, origin.len);
        found.push(
            Diagnostic::new(
                Code::UnresolvedReference,
                loc,
                format!(
                    "{} is neither declared nor in the cluster",
                    reference.target
                ),
            )
            .help("declare it in the configuration, or create it in the cluster first"),
        );
    }
    found
}

/// Plans and prints the plan.
pub fn run(args: &PlanArgs, settings: &Settings, shell: &Shell) -> u8 {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => return fail(shell, &format!("cannot start a runtime: {e}")),
    };
    let connected = match connect(&args.connect, settings, shell) {
        Ok(connected) => connected,
        Err(e) => return fail(shell, &e),
    };
    let client = connected.client.clone();
    let target = connected.target.clone();
    let live = match runtime.block_on(Reader::new(client, 16).read()) {
        Ok(live) => live,
        Err(e) => return fail(shell, &format!("reading the cluster: {e}")),
    };
    let mut outcome = config::load(&args.paths, live.version, &settings.variables);
    // Offline, undeclared references are warnings; here they are checked
    // against the cluster instead.
    outcome
        .diagnostics
        .retain(|d| d.code != Code::UndeclaredReference);
    let style = Style {
        color: settings.color,
        width: 100,
    };
    shell.err(&diagnostics_render::human(
        &outcome.diagnostics,
        &outcome.sources,
        style,
    ));
    let Some(desired) = outcome.desired else {
        return fail(
            shell,
            &format!(
                "the configuration is invalid ({})",
                diagnostics_render::summary(&outcome.diagnostics)
            ),
        );
    };
    let disabled = disabled_kinds(&desired, &live);
    if !disabled.is_empty() {
        let names: Vec<&str> = disabled.iter().map(|k| k.as_str()).collect();
        return fail(
            shell,
            &format!(
                "the configuration manages {} but the cluster's API for them is switched off",
                names.join(", ")
            ),
        );
    }
    let problems = unresolved(&desired, &live, &outcome.sources);
    if problems.has_errors() {
        shell.err(&diagnostics_render::human(
            &problems,
            &outcome.sources,
            style,
        ));
        return fail(shell, "references cannot be resolved");
    }
    let plan = Planner::new(&desired, &live.state).plan();
    let after = crate::plan::projected(&live.state, &plan, &desired);
    let access = crate::plan::access_changes(&live.state, &after);
    if let Some(path) = &args.out {
        let record = crate::render::plan::PlanRecord {
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
            target: target.clone(),
            camunda_version: live.version.to_string(),
            desired_sha256: crate::plan::fingerprint::fingerprint(&desired),
            live_sha256: crate::plan::fingerprint::fingerprint(&live.state),
        };
        let text = crate::render::plan::file(&plan, &access, &record);
        if let Err(e) = std::fs::write(path, text) {
            return fail(shell, &format!("cannot write {}: {e}", path.display()));
        }
    }
    match args.format {
        Format::Human => shell.out(&crate::render::plan::human(&plan, &access, &target)),
        Format::Json => shell.out(&crate::render::plan::json(&plan, &access, &target)),
        Format::Markdown => shell.out(&crate::render::plan::markdown(&plan, &access, &target)),
    }
    if args.detailed_exitcode && !plan.is_empty() {
        exit::CHANGES
    } else {
        exit::OK
    }
}
