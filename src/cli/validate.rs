//! `camunda-access validate`: offline checks of configuration files.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::cli::Settings;
use crate::cli::exit::Status;
use crate::config::{self, Loader};
use crate::error::{Error, Result};
use crate::model::CamundaVersion;
use crate::render::Shell;
use crate::render::validation::{self, StateReport};

/// Output formats of `validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Diagnostics with source excerpts on stderr; a summary per state (stdout when valid, stderr when not).
    Human,
    /// One JSON document on stdout.
    Json,
    /// SARIF 2.1.0 on stdout, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands on stdout (inline annotations).
    Github,
}

/// Arguments of `validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Files or directories (their *.yaml/*.yml files) forming the desired state.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Camunda version whose permission catalogue applies: 8.8, 8.9 or 8.10.
    #[arg(long, default_value = "8.8", value_parser = parse_version)]
    pub camunda_version: CamundaVersion,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

fn parse_version(s: &str) -> Result<CamundaVersion, Error> {
    s.parse().map_err(Error::Usage)
}

/// Validates every desired state found at the paths.
pub(super) fn run(args: &ValidateArgs, settings: &Settings, shell: &Shell) -> Result<Status> {
    let (states, skipped) = Loader.discover(&args.paths);
    for dir in &skipped {
        shell.note(format!(
            "skipped {}: no YAML file there declares `version:`, so it is not a desired state",
            dir.display()
        ));
    }
    let reports: Vec<StateReport> = states
        .into_iter()
        .map(|paths| {
            let outcome = config::load(&paths, args.camunda_version, &settings.variables);
            StateReport { paths, outcome }
        })
        .collect();
    let valid = reports.iter().all(|r| !r.outcome.diagnostics.has_errors());
    match args.format {
        Format::Human => {
            let (stdout, stderr) = validation::human(&reports, settings.color);
            shell.err(&stderr);
            shell.out(&stdout);
        }
        Format::Json => shell.out(&validation::json(&reports, args.camunda_version)),
        Format::Sarif => shell.out(&validation::sarif(&reports)),
        Format::Github => shell.out(&validation::github(&reports)),
    }
    Ok(if valid { Status::Ok } else { Status::Failed })
}
