//! `camunda-access plan`: what `apply` would change, read-only.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::cli::connect::ConnectArgs;
use crate::cli::failure::Failure;
use crate::cli::prepare::{Prepared, Settle, prepare, record_of};
use crate::cli::{Settings, exit};
use crate::plan::{Order, Review};
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
    match planned(args, settings, shell) {
        Ok(code) => code,
        Err(failure) => failure.report(shell, args.format == Format::Json),
    }
}

fn planned(args: &PlanArgs, settings: &Settings, shell: &Shell) -> Result<u8, Failure> {
    let prepared = prepare(&args.paths, &args.connect, Settle::Changes, settings, shell)?;
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
    let review = Review::new(plan, &live.state, desired);
    if let Some(path) = &args.out {
        let record = record_of(&prepared, &args.paths, Some(path));
        let text = crate::render::plan::file(plan, &review, &record, &live.state);
        std::fs::write(path, crate::secrets::redact(&text).as_bytes())
            .map_err(|e| Failure::error(format!("cannot write {}: {e}", path.display())))?;
    }
    match args.format {
        Format::Human => shell.out(&crate::render::plan::human(
            plan,
            &review,
            &target,
            settings.color_out,
        )),
        Format::Json => shell.out(&crate::render::plan::json(plan, &review, &target)),
        Format::Markdown => shell.out(&crate::render::plan::markdown(plan, &review, &target)),
    }
    Ok(if args.detailed_exitcode && !plan.is_empty() {
        exit::CHANGES
    } else {
        exit::OK
    })
}
