//! `camunda-access drift`: does the cluster still match the files? For
//! scheduled runs.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::cli::Settings;
use crate::cli::connect::ConnectArgs;
use crate::cli::exit::Status;
use crate::cli::prepare::{Prepared, prepare};
use crate::error::Result;
use crate::ops::Settle;
use crate::ops::drift::DriftReport;
use crate::render::Shell;

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
pub(super) fn run(args: &DriftArgs, settings: &Settings, shell: &Shell) -> Result<Status> {
    let Prepared {
        session, cluster, ..
    } = prepare(&args.paths, &args.connect, Settle::Changes, settings, shell)?;
    let report = DriftReport::new(&session);
    let target = &cluster.target;
    shell.out(&match args.format {
        Format::Human => crate::render::drift::human(&report, target),
        Format::Json => crate::render::drift::json(&report, target),
        Format::Markdown => crate::render::drift::markdown(&report, target),
    });
    let drifted = report.drifted() || (args.fail_on_unmanaged && !report.unmanaged.is_empty());
    Ok(if drifted { Status::Changes } else { Status::Ok })
}
