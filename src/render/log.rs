//! Log lines on stderr, by verbosity: `-v` says what is sent and how it
//! was answered, `-vv` adds retries, token renewals and decisions. Never
//! a secret, a token or a request body.

use std::io::Write;
use std::sync::atomic::{AtomicU8, Ordering};

static VERBOSITY: AtomicU8 = AtomicU8::new(0);

/// Sets the verbosity: 0 quiet, 1 info (`-v`), 2 debug (`-vv`). `RUST_LOG`
/// (`info`, `debug`, `trace`) raises it.
pub fn set_verbosity(flags: u8) {
    let from_env = match std::env::var("RUST_LOG").ok().as_deref() {
        Some(v) if v.contains("trace") || v.contains("debug") => 2,
        Some(v) if v.contains("info") => 1,
        _ => 0,
    };
    VERBOSITY.store(flags.max(from_env), Ordering::Relaxed);
}

fn write(level: &str, message: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "[{level}] {message}");
}

/// An info line (`-v`); the message is built only when shown.
pub fn info(message: impl FnOnce() -> String) {
    if VERBOSITY.load(Ordering::Relaxed) >= 1 {
        write("info", &message());
    }
}

/// A debug line (`-vv`).
pub fn debug(message: impl FnOnce() -> String) {
    if VERBOSITY.load(Ordering::Relaxed) >= 2 {
        write("debug", &message());
    }
}
