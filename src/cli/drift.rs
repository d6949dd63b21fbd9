//! `camunda-access drift`: does the cluster still match the files? For
//! scheduled runs.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::cli::Settings;
use crate::cli::connect::ConnectArgs;
use crate::cli::exit::Status;
use crate::cli::prepare::{Prepared, prepare};
use crate::error::{Error, Result};
use crate::ops::drift::{Attribution, DEFAULT_SINCE, DriftReport};
use crate::ops::update_files::UpdateOptions;
use crate::ops::{Session, Settle};
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
    /// Rewrite the configuration files in place so that they declare what
    /// the cluster holds (accept the drift; comments and layout are kept).
    #[arg(long)]
    pub update_files: bool,
    /// Print that change of the files as a unified diff; without
    /// `--update-files`, nothing is written.
    #[arg(long)]
    pub diff: bool,
    /// With `--update-files` or `--diff`: also add unmanaged entities and
    /// authorizations to the files.
    #[arg(long)]
    pub adopt_unmanaged: bool,
    /// How to reach the cluster.
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// Compares the cluster with the files and reports.
pub(super) fn run(args: &DriftArgs, settings: &Settings, shell: &Shell) -> Result<Status> {
    if args.adopt_unmanaged && !(args.update_files || args.diff) {
        return Err(Error::Usage(
            "--adopt-unmanaged goes with --update-files or --diff".to_owned(),
        ));
    }
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
    let drifted = report.drifted() || (args.fail_on_unmanaged && !report.unmanaged.is_empty());
    if args.update_files || args.diff {
        return update_files(args, settings, shell, &session, &report, target, drifted);
    }
    shell.out(&match args.format {
        Format::Human => crate::render::drift::human(&report, target),
        Format::Json => crate::render::drift::json(&report, target),
        Format::Markdown => crate::render::drift::markdown(&report, target),
    });
    Ok(if drifted { Status::Changes } else { Status::Ok })
}

/// `--update-files` and `--diff`: the files changed to declare what the
/// cluster holds, written or shown.
fn update_files(
    args: &DriftArgs,
    settings: &Settings,
    shell: &Shell,
    session: &Session,
    report: &DriftReport,
    target: &str,
    drifted: bool,
) -> Result<Status> {
    use crate::render::update_files as render;
    if args.format == Format::Markdown {
        return Err(Error::Usage(
            "--update-files and --diff print human or JSON output, not Markdown".to_owned(),
        ));
    }
    let options = UpdateOptions {
        adopt_unmanaged: args.adopt_unmanaged,
    };
    let update = crate::ops::update_files::update_files(
        session,
        report,
        &args.paths,
        &settings.variables,
        options,
    )?;
    if args.update_files {
        crate::ops::update_files::write(&update)?;
    }
    match args.format {
        Format::Json => shell.out(&render::json(report, target, &update, args.update_files)),
        _ if args.diff => {
            shell.out(&render::diff(&update));
            shell.err(&render::notes(&update));
        }
        _ => {
            shell.out(&crate::render::drift::human(report, target));
            shell.out(&render::human(&update, args.update_files));
        }
    }
    Ok(if !update.refused.is_empty() {
        Status::Failed
    } else if drifted {
        Status::Changes
    } else {
        Status::Ok
    })
}
