//! `camunda-access graph`: the order `apply` would follow, as a picture.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::cli::Settings;
use crate::cli::connect::ConnectArgs;
use crate::cli::exit::Status;
use crate::cli::prepare::{Prepared, prepare};
use crate::error::Result;
use crate::ops::Settle;
use crate::plan::Order;
use crate::render::Shell;

/// Output formats of `graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Graphviz DOT (`dot -Tsvg`).
    Dot,
    /// A Mermaid flowchart (renders in GitHub Markdown).
    Mermaid,
}

/// Arguments of `graph`.
#[derive(Debug, Args)]
pub struct GraphArgs {
    /// Files or directories forming the desired state.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Dot)]
    pub format: Format,
    /// How to reach the cluster.
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// Plans and prints the plan's dependency graph.
pub(super) fn run(args: &GraphArgs, settings: &Settings, shell: &Shell) -> Result<Status> {
    let Prepared { session, .. } =
        prepare(&args.paths, &args.connect, Settle::Changes, settings, shell)?;
    let order = Order::new(&session.plan, &session.live.state);
    for conflict in &order.conflicts {
        shell.warn(conflict);
    }
    shell.out(&match args.format {
        Format::Dot => crate::render::graph::dot(&order, &session.plan),
        Format::Mermaid => crate::render::graph::mermaid(&order, &session.plan),
    });
    Ok(Status::Ok)
}
