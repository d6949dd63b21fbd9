//! `camunda-access apply`: plan, check, confirm, write in dependency order,
//! wait until the cluster shows the writes.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use clap::{Args, ValueEnum};

use crate::apply::{ApplyReport, Ending};
use crate::cli::connect::ConnectArgs;
use crate::cli::exit::Status;
use crate::cli::prepare::{Prepared, prepare};
use crate::cli::{Settings, exit};
use crate::error::{Error, Result};
use crate::ops::Settle;
use crate::ops::apply::{
    ApplyOptions, GuardOptions, SavedPlan, apply, check_saved, guard, planned_entries,
};
use crate::plan::{Order, Review};
use crate::render::Shell;

/// Report formats of `apply`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The plan, progress and a summary, for people.
    Human,
    /// One JSON document with every change's outcome.
    Json,
}

/// Arguments of `apply`.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// Files or directories forming the desired state [default: the paths
    /// recorded in the --plan FILE, else the current directory].
    pub paths: Vec<PathBuf>,
    /// Apply this saved plan (from `plan --out`), after checking it is not stale.
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    /// Do not ask for confirmation.
    #[arg(long)]
    pub auto_approve: bool,
    /// Writes in flight at most.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub parallelism: u16,
    /// Refuse plans that delete more than N objects.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub max_deletes: usize,
    /// Apply even if the tool's own principal would lose access-control
    /// permissions, or the admin role would be left without members.
    #[arg(long)]
    pub allow_lockout: bool,
    /// Seconds to wait for the cluster to show the writes.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 30,
        conflicts_with = "no_wait"
    )]
    pub wait: u64,
    /// Do not wait for the cluster to show the writes.
    #[arg(long)]
    pub no_wait: bool,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// How to reach the cluster.
    #[command(flatten)]
    pub connect: ConnectArgs,
}

fn confirm(shell: &Shell, target: &str) -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        return Err(Error::Cancelled(
            "there is no terminal to confirm on: pass --auto-approve, or apply a saved plan with --plan FILE".to_owned(),
        ));
    }
    shell.err(&format!(
        "\nDo you want to perform these actions on {target}?\nOnly 'yes' will be accepted: "
    ));
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Error::Environment(format!("cannot read the answer: {e}")))?;
    Ok(answer.trim() == "yes")
}

/// Applies the configuration (or a saved plan) and reports.
pub(super) fn run(args: &ApplyArgs, settings: &Settings, shell: &Shell) -> Result<Status> {
    let saved = args.plan.as_deref().map(SavedPlan::read).transpose()?;
    let paths = match (&saved, args.paths.is_empty()) {
        (Some(saved), true) => saved.recorded_paths()?,
        (None, true) => vec![PathBuf::from(".")],
        (_, false) => args.paths.clone(),
    };
    // `_connected` holds an embedded simulator until the writes are done.
    let Prepared {
        runtime,
        cluster,
        session,
        connected: _connected,
    } = prepare(&paths, &args.connect, Settle::ProblemsOnly, settings, shell)?;
    let target = &cluster.target;
    let (plan, live) = (&session.plan, &session.live.state);
    let review = Review::new(plan, live, &session.desired);
    if let Some(saved) = &saved {
        let record = session.record(target, &paths, None);
        check_saved(saved, &record, live, &planned_entries(&session, &review))?;
    }
    if args.format == Format::Human {
        shell.out(&crate::render::plan::human(
            plan,
            &review,
            target,
            settings.color_out,
        ));
    }
    if plan.is_empty() {
        if args.format == Format::Json {
            let report = ApplyReport {
                outcomes: Vec::new(),
                ending: Ending::Converged,
            };
            shell.out(&crate::render::apply::json(plan, &report, target));
        }
        return Ok(Status::Ok);
    }
    let order = Order::new(plan, live);
    for conflict in &order.conflicts {
        shell.warn(conflict);
    }
    guard(
        &session,
        &review,
        GuardOptions {
            max_deletes: args.max_deletes,
            allow_lockout: args.allow_lockout,
        },
    )?;
    if !args.auto_approve && args.plan.is_none() && !confirm(shell, target)? {
        return Err(Error::Cancelled(
            "apply cancelled; nothing was written".to_owned(),
        ));
    }

    // Ctrl-C once: start nothing new, let in-flight writes finish. Twice: exit now.
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        let shell = *shell;
        runtime.spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                stop.store(true, Ordering::SeqCst);
                shell.err("\nInterrupted: starting nothing new, waiting for writes in flight (Ctrl-C again to exit now).\n");
                if tokio::signal::ctrl_c().await.is_ok() {
                    std::process::exit(i32::from(exit::ERROR));
                }
            }
        });
    }

    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(plan.changes.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Some(bar)
    } else {
        None
    };
    let options = ApplyOptions {
        parallelism: usize::from(args.parallelism),
        read_parallelism: usize::from(args.connect.read_parallelism),
        wait: (!args.no_wait).then(|| Duration::from_secs(args.wait)),
    };
    let report = runtime.block_on(apply(
        cluster.client.clone(),
        &session,
        &order,
        options,
        stop,
        |i, outcome| {
            let text = crate::render::apply::line(plan, i, outcome);
            match &bar {
                Some(bar) => {
                    bar.inc(1);
                    if !outcome.is_done() {
                        bar.println(crate::render::safe(&crate::secrets::redact(
                            text.trim_end(),
                        )));
                    }
                }
                None => shell.err(&text),
            }
        },
    ));
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    shell.out(&match args.format {
        Format::Human => crate::render::apply::human(plan, &report),
        Format::Json => crate::render::apply::json(plan, &report, target),
    });
    Ok(match report.ending {
        Ending::Converged | Ending::NotWaited => Status::Ok,
        Ending::NotConverged(_) => Status::NotConverged,
        Ending::Incomplete
        | Ending::Interrupted
        | Ending::Unreachable(_)
        | Ending::LostAccess(_) => Status::Failed,
    })
}
