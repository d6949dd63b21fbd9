//! `camunda-access completions SHELL`.

use clap::{Args, CommandFactory};
use clap_complete::Shell as CompletionShell;

use crate::cli::Cli;
use crate::render::Shell;

/// Arguments of `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: CompletionShell,
}

/// Prints the completion script.
pub(super) fn run(
    args: &CompletionsArgs,
    shell: &Shell,
) -> crate::error::Result<crate::cli::exit::Status> {
    let mut script = Vec::new();
    clap_complete::generate(
        args.shell,
        &mut Cli::command(),
        "camunda-access",
        &mut script,
    );
    shell.out(&String::from_utf8_lossy(&script));
    Ok(crate::cli::exit::Status::Ok)
}
