//! `Error`: why a command could not do what it was asked, with the exit
//! code it ends with. Every fallible step of the pipeline returns it; the
//! command line renders it once, at the top (`cli::failure`), with its help.

use std::path::PathBuf;

use crate::config::Sources;
use crate::config::diagnostic::Diagnostics;
use crate::live::ApiError;

/// Exit code of an error (the documented codes are in `cli::exit`).
pub const EXIT_ERROR: u8 = 1;
/// Exit code of a refusal: a safety guard or a stale plan; nothing was written.
pub const EXIT_REFUSED: u8 = 3;

/// Why a command stopped.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The configuration has errors; `diagnostics` point at them (and also
    /// hold the warnings found before them).
    #[error("{message}")]
    Config {
        /// One sentence for the whole.
        message: String,
        /// Every problem, with its place.
        diagnostics: Diagnostics,
        /// The files, to show the places.
        sources: Sources,
    },
    /// A request to the cluster (or its identity provider) failed.
    #[error("{doing}: {source}")]
    Api {
        /// What the tool was doing, e.g. "reading the cluster".
        doing: String,
        /// The failed request and Camunda's answer.
        source: Box<ApiError>,
    },
    /// The cluster cannot be reached as configured (flags, variables,
    /// targets file).
    #[error("{0}")]
    Connect(String),
    /// A file could not be read or written.
    #[error("cannot {doing} {}: {source}", path.display())]
    Io {
        /// "read" or "write".
        doing: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file is not what it should be (a plan file, a simulator state).
    #[error("{}: {message}", path.display())]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// Flags that do not go together.
    #[error("{0}")]
    Usage(String),
    /// The plan cannot be carried out in this cluster (it refuses what the
    /// plan would write); `help` says what to do instead.
    #[error("{message}")]
    Unworkable {
        /// What Camunda would refuse.
        message: String,
        /// What to do instead.
        help: Option<String>,
    },
    /// Safety guards refuse the plan; nothing was written.
    #[error("{message}")]
    Refused {
        /// One sentence.
        message: String,
        /// Each guard's reason.
        reasons: Vec<String>,
    },
    /// The user said no, or there was nobody to ask.
    #[error("{0}")]
    Cancelled(String),
    /// Something the runtime needs is missing (threads, a terminal).
    #[error("{0}")]
    Environment(String),
}

impl Error {
    /// The exit code the command ends with.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Refused { .. } => EXIT_REFUSED,
            _ => EXIT_ERROR,
        }
    }

    /// A failed request, saying what the tool was doing.
    pub fn api(doing: impl Into<String>, source: ApiError) -> Error {
        Error::Api {
            doing: doing.into(),
            source: Box::new(source),
        }
    }

    /// A plan Camunda would refuse, with what to do instead.
    pub fn unworkable(message: impl Into<String>, help: impl Into<String>) -> Error {
        Error::Unworkable {
            message: message.into(),
            help: Some(help.into()),
        }
    }

    /// A refusal with its reasons.
    pub fn refused(message: impl Into<String>, reasons: Vec<String>) -> Error {
        Error::Refused {
            message: message.into(),
            reasons,
        }
    }

    /// The reasons of a refusal (empty for other errors).
    pub fn reasons(&self) -> &[String] {
        match self {
            Error::Refused { reasons, .. } => reasons,
            _ => &[],
        }
    }
}

impl miette::Diagnostic for Error {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        let code = match self {
            Error::Config { .. } => "config",
            Error::Api { source, .. } => return source.code(),
            Error::Connect(_) => "connect",
            Error::Io { .. } => "io",
            Error::Format { .. } => "format",
            Error::Usage(_) => "usage",
            Error::Unworkable { .. } => "unworkable",
            Error::Refused { .. } => "refused",
            Error::Cancelled(_) => "cancelled",
            Error::Environment(_) => "environment",
        };
        Some(Box::new(format!("camunda_access::{code}")))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        match self {
            Error::Api { source, .. } => source.help(),
            Error::Unworkable { help, .. } => help
                .as_ref()
                .map(|h| Box::new(h) as Box<dyn std::fmt::Display>),
            _ => None,
        }
    }
}

impl From<crate::config::targets::TargetsError> for Error {
    /// A targets-file problem with a place is shown at its line, like any
    /// configuration problem; one without (no file, no such target) is a
    /// connection error.
    fn from(e: crate::config::targets::TargetsError) -> Error {
        if e.diagnostic.primary.is_none() {
            return Error::Connect(e.to_string());
        }
        let message = e.to_string();
        let mut diagnostics = Diagnostics::default();
        diagnostics.push(*e.diagnostic);
        Error::Config {
            message,
            diagnostics,
            sources: e.sources,
        }
    }
}

/// Results of the pipeline.
pub type Result<T, E = Error> = std::result::Result<T, E>;
