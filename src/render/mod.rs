//! Everything the tool shows: the only module that writes to stdout/stderr.

pub mod apply;
pub mod diagnostics;
pub mod drift;
pub mod explain;
pub mod graph;
pub mod plan;
pub mod update_files;
pub mod validation;

use std::borrow::Cow;
use std::io::Write;

/// Whether an SGR sequence's parameters (`31`, `1;38;5;8`) only set
/// colours and weights: anything that conceals (`8`) is not passed.
fn harmless_sgr(parameters: &str) -> bool {
    let mut params = parameters.split(';');
    while let Some(p) = params.next() {
        match p {
            // Extended colours: their operands are not attributes.
            "38" | "48" | "58" => match params.next() {
                Some("5") => {
                    params.next();
                }
                Some("2") => {
                    params.next();
                    params.next();
                    params.next();
                }
                _ => {}
            },
            "8" => return false,
            _ => {}
        }
    }
    true
}

/// `text` safe for a terminal: control characters from files, names and
/// descriptions are shown escaped as `\u001b`, `\u009b` (valid escapes in
/// JSON and YAML strings, so machine output stays parseable), so nothing
/// printed can move the cursor, set the window title or hide what follows.
/// Only colour sequences (`ESC [ digits ; m`, never concealing), newlines
/// and tabs pass.
pub fn safe(text: &str) -> Cow<'_, str> {
    let dangerous = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.chars().any(dangerous) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '\x1b' {
            let colour = rest[1..].strip_prefix('[').and_then(|after| {
                let end = after.find(|ch: char| !(ch.is_ascii_digit() || ch == ';'))?;
                (after[end..].starts_with('m') && harmless_sgr(&after[..end])).then_some(end + 3)
            });
            if let Some(len) = colour {
                out.push_str(&rest[..len]);
                rest = &rest[len..];
                continue;
            }
        }
        if dangerous(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(out)
}

/// Where output goes: results on stdout, diagnostics and progress on
/// stderr. Secret values are masked in both ([`crate::secrets`]), and
/// control characters escaped ([`safe`]).
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
        let _ = stdout.write_all(safe(&crate::secrets::redact(text)).as_bytes());
        let _ = stdout.flush();
    }

    /// Writes diagnostics, progress or logs to stderr.
    pub fn err(&self, text: &str) {
        let mut stderr = std::io::stderr().lock();
        let _ = stderr.write_all(safe(&crate::secrets::redact(text)).as_bytes());
        let _ = stderr.flush();
    }

    /// `warning: MESSAGE` on stderr.
    pub fn warn(&self, message: impl std::fmt::Display) {
        self.err(&format!("warning: {message}\n"));
    }

    /// `error: MESSAGE` on stderr.
    pub fn error(&self, message: impl std::fmt::Display) {
        self.err(&format!("error: {message}\n"));
    }

    /// `refused: MESSAGE` on stderr: a guard stopped the run.
    pub fn refused(&self, message: impl std::fmt::Display) {
        self.err(&format!("refused: {message}\n"));
    }

    /// `note: MESSAGE` on stderr.
    pub fn note(&self, message: impl std::fmt::Display) {
        self.err(&format!("note: {message}\n"));
    }

    /// `  help: MESSAGE` on stderr, under an error.
    pub fn help(&self, message: impl std::fmt::Display) {
        self.err(&format!("  help: {message}\n"));
    }

    /// A line of progress or a summary on stderr.
    pub fn status(&self, message: impl std::fmt::Display) {
        self.err(&format!("{message}\n"));
    }
}

#[cfg(test)]
mod tests {
    use super::safe;

    #[test]
    fn control_characters_are_escaped_and_colours_kept() {
        assert_eq!(safe("plain\ttext\n"), "plain\ttext\n");
        assert_eq!(safe("\x1b[31mred\x1b[0m"), "\x1b[31mred\x1b[0m");
        assert_eq!(
            safe("\x1b[1;38;5;8mgrey\x1b[0m"),
            "\x1b[1;38;5;8mgrey\x1b[0m"
        );
        // A title-setting sequence from a file, a carriage return, C1 CSI.
        assert_eq!(
            safe("name \x1b]0;owned\x07 x\ry \u{9b}2J"),
            "name \\u001b]0;owned\\u0007 x\\u000dy \\u009b2J"
        );
        // An unfinished colour sequence, and one that conceals, are escaped.
        assert_eq!(safe("\x1b[31"), "\\u001b[31");
        assert_eq!(safe("\x1b[8mhidden"), "\\u001b[8mhidden");
        // What serde_json leaves raw (DEL, C1) becomes a valid JSON escape.
        let json = serde_json::to_string(&"a\u{7f}b\u{85}").unwrap();
        let shown = safe(&json);
        let back: String = serde_json::from_str(&shown).unwrap();
        assert_eq!(back, "a\u{7f}b\u{85}");
    }
}
