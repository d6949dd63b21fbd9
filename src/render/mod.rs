//! Everything the tool shows: the only module that writes to stdout/stderr.

pub mod apply;
pub mod diagnostics;
pub mod drift;
pub mod log;
pub mod plan;
pub mod validation;

use std::io::Write;

/// Where output goes: results on stdout, diagnostics and progress on stderr.
#[derive(Debug, Clone, Copy)]
pub struct Shell {
    /// Colour on stderr.
    pub color: bool,
}

impl Shell {
    /// Writes a result to stdout.
    pub fn out(&self, text: &str) {
        let mut stdout = std::io::stdout().lock();
        // A closed pipe (`| head`) is not an error worth a panic.
        let _ = stdout.write_all(text.as_bytes());
        let _ = stdout.flush();
    }

    /// Writes diagnostics, progress or logs to stderr.
    pub fn err(&self, text: &str) {
        let mut stderr = std::io::stderr().lock();
        let _ = stderr.write_all(text.as_bytes());
        let _ = stderr.flush();
    }
}
