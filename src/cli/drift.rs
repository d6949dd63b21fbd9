//! `camunda-access drift`: does the cluster still match the files? For
//! scheduled runs.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::cli::connect::ConnectArgs;
use crate::cli::prepare::{Settle, prepare};
use crate::cli::{Settings, exit};
use crate::plan::{Change, Review};
use crate::render::Shell;
use crate::render::drift::Drift;

/// Output formats of `drift`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Text.
    Human,
    /// One JSON document.
    Json,
    /// An issue body.
    Markdown,
}

/// Arguments of `drift`.
#[derive(Debug, Args)]
pub struct DriftArgs {
    /// Files or directories forming the desired state.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Also exit 2 when the cluster holds objects no file declares.
    #[arg(long)]
    pub fail_on_unmanaged: bool,
    /// How to reach the cluster.
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// Compares the cluster with the files and reports.
pub fn run(args: &DriftArgs, settings: &Settings, shell: &Shell) -> u8 {
    let prepared = match prepare(&args.paths, &args.connect, Settle::Changes, settings, shell) {
        Ok(prepared) => prepared,
        Err(failure) => return failure.report(shell, args.format == Format::Json),
    };
    let transient: Vec<Change> = prepared
        .first
        .changes
        .iter()
        .filter(|c| !prepared.plan.changes.contains(c))
        .cloned()
        .collect();
    let review = Review::new(&prepared.plan, &prepared.live.state, &prepared.desired);
    let drift = Drift {
        target: &prepared.connected.target,
        plan: &prepared.plan,
        review: &review,
        transient: &transient,
    };
    shell.out(&match args.format {
        Format::Human => crate::render::drift::human(&drift),
        Format::Json => crate::render::drift::json(&drift),
        Format::Markdown => crate::render::drift::markdown(&drift),
    });
    let drifted = !prepared.plan.is_empty()
        || (args.fail_on_unmanaged && !prepared.plan.unmanaged.is_empty());
    if drifted { exit::CHANGES } else { exit::OK }
}
