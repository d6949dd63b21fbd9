//! `camunda-access drift`: does the cluster still match the files? For
//! scheduled runs.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::cli::Settings;
use crate::cli::connect::ConnectArgs;
use crate::cli::exit::Status;
use crate::cli::prepare::{Prepared, prepare};
use crate::error::{Error, Result};
use crate::ops::Settle;
use crate::ops::drift::{Attribution, DEFAULT_SINCE, DriftReport};
use crate::render::Shell;
use crate::timestamp::Timestamp;

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
    /// How far back to read the audit log for who made the drift (8.9):
    /// a duration (`30m`, `24h`, `7d`) or an RFC 3339 time.
    #[arg(long, value_name = "DURATION|TIME", default_value = DEFAULT_SINCE)]
    pub since: String,
    /// How to reach the cluster.
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// Compares the cluster with the files and reports.
pub(super) fn run(args: &DriftArgs, settings: &Settings, shell: &Shell) -> Result<Status> {
    let since = crate::timestamp::since(&args.since, Timestamp::now())
        .map_err(|e| Error::Usage(format!("--since: {e}")))?;
    let Prepared {
        session,
        cluster,
        runtime,
        ..
    } = prepare(&args.paths, &args.connect, Settle::Changes, settings, shell)?;
    let mut report = DriftReport::new(&session);
    report.attribution = runtime.block_on(Attribution::read(
        &report,
        cluster.client.as_ref(),
        &session.live,
        &session.identities,
        since,
    ));
    let target = &cluster.target;
    shell.out(&match args.format {
        Format::Human => crate::render::drift::human(&report, target),
        Format::Json => crate::render::drift::json(&report, target),
        Format::Markdown => crate::render::drift::markdown(&report, target),
    });
    let drifted = report.drifted() || (args.fail_on_unmanaged && !report.unmanaged.is_empty());
    Ok(if drifted { Status::Changes } else { Status::Ok })
}
