//! `camunda-access plan`: what `apply` would change, read-only.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::cli::Settings;
use crate::cli::connect::ConnectArgs;
use crate::cli::exit::Status;
use crate::cli::prepare::{Prepared, prepare};
use crate::error::{Error, Result};
use crate::ops::Settle;
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
pub(super) fn run(args: &PlanArgs, settings: &Settings, shell: &Shell) -> Result<Status> {
    let Prepared {
        session, cluster, ..
    } = prepare(&args.paths, &args.connect, Settle::Changes, settings, shell)?;
    let target = &cluster.target;
    let (plan, live) = (&session.plan, &session.live.state);
    let order = Order::new(plan, live);
    for conflict in &order.conflicts {
        shell.warn(conflict);
    }
    let review = Review::new(plan, live, &session.desired);
    if let Some(path) = &args.out {
        let record = session.record(target, &args.paths, Some(path));
        let text = crate::render::plan::file(plan, &review, &record, live);
        std::fs::write(path, crate::secrets::redact(&text).as_bytes()).map_err(|source| {
            Error::Io {
                doing: "write",
                path: path.clone(),
                source,
            }
        })?;
    }
    shell.out(&match args.format {
        Format::Human => crate::render::plan::human(plan, &review, target, settings.color_out),
        Format::Json => crate::render::plan::json(plan, &review, target),
        Format::Markdown => crate::render::plan::markdown(plan, &review, target),
    });
    // A plan `apply` would refuse fails here already, so a pull request
    // that breaks a rule at deny fails its check before anyone merges it.
    let denied: Vec<String> = review
        .denied()
        .map(|v| format!("rule {} is at deny: {}", v.rule, v.message))
        .collect();
    if !denied.is_empty() {
        shell.refused(format!(
            "apply would refuse this plan: {}",
            denied.join("; ")
        ));
        return Ok(Status::Denied);
    }
    Ok(if args.detailed_exitcode && !plan.is_empty() {
        Status::Changes
    } else {
        Status::Ok
    })
}
