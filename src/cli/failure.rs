//! Why a command stopped, rendered once: as `error:`/`refused:` lines on
//! stderr, and — for `--format json` — as one JSON document on stdout, so a
//! pipeline that parses the output always gets a document.

use serde_json::json;

use crate::cli::exit;
use crate::render::Shell;

/// Version of the error document.
pub const ERROR_FORMAT_VERSION: u32 = 1;

/// A command that could not finish, or a guard that refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The exit code.
    pub code: u8,
    /// What went wrong, in one sentence.
    pub message: String,
    /// A guard's reasons (exit 3), each its own line.
    pub reasons: Vec<String>,
}

impl Failure {
    /// An error (exit 1).
    pub fn error(message: impl Into<String>) -> Failure {
        Failure {
            code: exit::ERROR,
            message: message.into(),
            reasons: Vec::new(),
        }
    }

    /// A refusal by safety guards (exit 3): nothing was written.
    pub fn refused(message: impl Into<String>, reasons: Vec<String>) -> Failure {
        Failure {
            code: exit::REFUSED,
            message: message.into(),
            reasons,
        }
    }

    /// Prints the failure (and, with `json`, its document on stdout) and
    /// gives the exit code.
    pub fn report(&self, shell: &Shell, json: bool) -> u8 {
        if self.code == exit::REFUSED {
            shell.err(&format!("refused: {}\n", self.message));
            for reason in &self.reasons {
                shell.err(&format!("refused: {reason}\n"));
            }
            shell.err("Nothing was written.\n");
        } else {
            shell.err(&format!("error: {}\n", self.message));
        }
        if json {
            let document = json!({
                "format_version": ERROR_FORMAT_VERSION,
                "ok": false,
                "exit_code": self.code,
                "error": {
                    "kind": if self.code == exit::REFUSED { "refused" } else { "error" },
                    "message": self.message,
                    "reasons": self.reasons,
                },
            });
            let mut text = serde_json::to_string_pretty(&document).expect("errors serialize");
            text.push('\n');
            shell.out(&text);
        }
        self.code
    }
}

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure::error(message)
    }
}
