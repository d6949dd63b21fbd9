//! `camunda-access graph`: the order `apply` would follow, as a picture.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::cli::connect::ConnectArgs;
use crate::cli::prepare::{Settle, prepare};
use crate::cli::{Settings, exit};
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
pub fn run(args: &GraphArgs, settings: &Settings, shell: &Shell) -> u8 {
    let prepared = match prepare(&args.paths, &args.connect, Settle::Changes, settings, shell) {
        Ok(prepared) => prepared,
        Err(failure) => return failure.report(shell, false),
    };
    let order = Order::new(&prepared.plan, &prepared.live.state);
    for conflict in &order.conflicts {
        shell.err(&format!("warning: {conflict}\n"));
    }
    shell.out(&match args.format {
        Format::Dot => order.dot(&prepared.plan),
        Format::Mermaid => order.mermaid(&prepared.plan),
    });
    exit::OK
}
