//! Why a command stopped, rendered once: the configuration's diagnostics,
//! then `error:`/`refused:` lines with their help on stderr, and — for
//! `--format json` — one JSON document on stdout, so a pipeline that
//! parses the output always gets a document.

use miette::Diagnostic;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::plan::document::to_json;
use crate::render::Shell;
use crate::render::diagnostics::{self, Style};

/// Version of the error document.
pub(super) const ERROR_FORMAT_VERSION: u32 = 1;

/// What `--format json` prints when a command stops.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct ErrorDocument {
    /// [`ERROR_FORMAT_VERSION`].
    pub format_version: u32,
    /// Always `false`.
    pub ok: bool,
    /// The exit code.
    pub exit_code: u8,
    /// What went wrong.
    pub error: ErrorEntry,
}

/// The error of an [`ErrorDocument`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct ErrorEntry {
    /// `refused` (a guard; nothing was written) or `error`.
    pub kind: String,
    /// One sentence.
    pub message: String,
    /// A refusal's reasons.
    pub reasons: Vec<String>,
    /// What to do about it, when the tool can tell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

/// Shows `error` (and, with `json`, its document on stdout) and gives the
/// exit code.
pub(super) fn report(error: &Error, shell: &Shell, json: bool, color: bool) -> u8 {
    let refused = matches!(error, Error::Refused { .. });
    if let Error::Config {
        diagnostics,
        sources,
        ..
    } = error
    {
        let style = Style { color, width: 100 };
        shell.err(&diagnostics::human(diagnostics, sources, style));
    }
    if refused {
        shell.refused(error);
        for reason in error.reasons() {
            shell.refused(reason);
        }
        shell.status("Nothing was written.");
    } else {
        shell.error(error);
        if let Some(help) = error.help() {
            shell.help(help);
        }
    }
    if json {
        shell.out(&to_json(&ErrorDocument {
            format_version: ERROR_FORMAT_VERSION,
            ok: false,
            exit_code: error.exit_code(),
            error: ErrorEntry {
                kind: if refused { "refused" } else { "error" }.to_owned(),
                message: error.to_string(),
                reasons: error.reasons().to_vec(),
                help: error.help().map(|h| h.to_string()),
            },
        }));
    }
    error.exit_code()
}
