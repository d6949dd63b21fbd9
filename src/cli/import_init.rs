//! `camunda-access import-init`: Camunda's bootstrap configuration as
//! format-v1 files.

use std::path::PathBuf;

use clap::Args;

use crate::cli::Settings;
use crate::cli::exit::Status;
use crate::cli::export::{LayoutArg, write_files};
use crate::error::{Error, Result};
use crate::export::{Layout, export};
use crate::import::{convert, parse};
use crate::render::Shell;

/// Arguments of `import-init`.
#[derive(Debug, Args)]
pub struct ImportInitArgs {
    /// An application.yaml with camunda.security.initialization, or a file of
    /// CAMUNDA_SECURITY_INITIALIZATION_…=value lines.
    pub file: PathBuf,
    /// Write the files (and the JSON Schema they name) into DIR, which must
    /// hold no YAML yet [default: print one file on stdout].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// One file, or one per kind (needs --out).
    #[arg(long, value_enum, default_value_t = LayoutArg::Single)]
    pub layout: LayoutArg,
}

/// Converts and writes.
pub(super) fn run(args: &ImportInitArgs, _settings: &Settings, shell: &Shell) -> Result<Status> {
    if args.layout == LayoutArg::PerKind && args.out.is_none() {
        return Err(Error::Usage(
            "--layout per-kind writes several files: add --out DIR".to_owned(),
        ));
    }
    let path = &args.file;
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        doing: "read",
        path: path.clone(),
        source,
    })?;
    let unreadable = |message: String| Error::Format {
        path: path.clone(),
        message,
    };
    let init = parse(&text).map_err(|e| unreadable(e.to_string()))?;
    let layout = match args.layout {
        LayoutArg::Single => Layout::Single,
        LayoutArg::PerKind => Layout::PerKind,
    };
    let mut converted = convert(&init, layout).map_err(|e| unreadable(e.to_string()))?;
    let name = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    converted.options.header = vec![
        format!(
            "Converted from {name} (camunda.security.initialization) by camunda-access {}.",
            env!("CARGO_PKG_VERSION")
        ),
        "Passwords are not copied: set the variables in the password lines before apply."
            .to_owned(),
    ];
    let files = export(&converted.state, &converted.options);
    match &args.out {
        None => {
            for text in files.values() {
                shell.out(text);
            }
        }
        Some(dir) => {
            write_files(dir, &files)?;
            shell.err(&format!("Wrote the files to {}.\n", dir.display()));
        }
    }
    if !converted.options.passwords.is_empty() {
        let names: Vec<&str> = converted
            .options
            .passwords
            .values()
            .map(String::as_str)
            .collect();
        shell.err(&format!(
            "The users' passwords come from these variables: {}\n",
            names.join(", ")
        ));
    }
    Ok(Status::Ok)
}
