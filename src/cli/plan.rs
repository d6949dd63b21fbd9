//! `camunda-access plan`: what `apply` would change, read-only.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::cli::connect::ConnectArgs;
use crate::cli::prepare::{Prepared, fail, prepare, record_of};
use crate::cli::{Settings, exit};
use crate::plan::Order;
use crate::render::Shell;

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

/// Plans and prints the plan.
pub fn run(args: &PlanArgs, settings: &Settings, shell: &Shell) -> u8 {
    let prepared = match prepare(&args.paths, &args.connect, settings, shell) {
        Ok(prepared) => prepared,
        Err(code) => return code,
    };
    let Prepared {
        live,
        desired,
        plan,
        connected,
        ..
    } = &prepared;
    let target = connected.target.clone();
    let order = Order::new(plan, &live.state);
    for conflict in &order.conflicts {
        shell.err(&format!("warning: {conflict}\n"));
    }
    let after = crate::plan::projected(&live.state, plan, desired);
    let access = crate::plan::access_changes(&live.state, &after);
    if let Some(path) = &args.out {
        let record = record_of(&prepared);
        let text = crate::render::plan::file(plan, &access, &record, &live.state);
        if let Err(e) = std::fs::write(path, text) {
            return fail(shell, &format!("cannot write {}: {e}", path.display()));
        }
    }
    match args.format {
        Format::Human => shell.out(&crate::render::plan::human(
            plan,
            &access,
            &target,
            settings.color_out,
        )),
        Format::Json => shell.out(&crate::render::plan::json(plan, &access, &target)),
        Format::Markdown => shell.out(&crate::render::plan::markdown(plan, &access, &target)),
    }
    if args.detailed_exitcode && !plan.is_empty() {
        exit::CHANGES
    } else {
        exit::OK
    }
}
