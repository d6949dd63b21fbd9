//! Running the binary: [`Case`], a builder that runs `camunda-access` once
//! and checks what it printed, plus the few free functions older tests and
//! the library-level tiers still use.
//!
//! ```ignore
//! Case::new()
//!     .file("access.yaml", "version: 1\ngroups:\n  - id: team\n")
//!     .sim()
//!     .args(["plan", "."])
//!     .code(0)
//!     .stdout_has("+ group team")
//!     .run();
//! ```
//!
//! A failed expectation prints the command line, the exit code and both
//! streams, whichever stream the expectation was about.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;
use camunda_access::model::CamundaVersion;
use camunda_access::sim::{Background, SimConfig};
use serde_json::Value;
use tempfile::TempDir;

/// The repository root.
pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The binary, with a clean environment for colour and a hang guard.
pub(crate) fn cmd(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("camunda-access").expect("binary is built");
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        // A guard against hangs only; no test asserts how fast anything is.
        .timeout(Duration::from_secs(120));
    cmd
}

/// Runs `camunda-access ARGS` in `dir`.
pub(crate) fn run(dir: &Path, args: &[&str]) -> Output {
    cmd(dir).args(args).output().expect("binary runs")
}

/// stdout as text.
pub(crate) fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// stderr as text.
pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs `validate --format json` and parses the document.
pub(crate) fn validate_json(dir: &Path, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["validate", "--format", "json"];
    all.extend_from_slice(args);
    let output = run(dir, &all);
    let json = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(&output)));
    (output.status.code().expect("exit code"), json)
}

/// Runs `camunda-access ARGS` in `dir` against the cluster at `base`,
/// without credentials and without colour.
pub(crate) fn against(dir: &Path, base: &str, args: &[&str]) -> Output {
    Case::in_dir(dir).against(base).args(args).run().output
}

/// The insta settings of the snapshots of human-facing output: volatile
/// parts (loopback ports, durations, authorization and audit log keys,
/// audit log times, the tool's version) are replaced by placeholders, so a snapshot changes only when
/// what a user reads changes.
pub(crate) fn snapshot_settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.add_filter(r"(127\.0\.0\.1|localhost):\d+", "$1:[PORT]");
    settings.add_filter(r"\b\d+(\.\d+)?(ms|s)\b", "[DURATION]");
    // Audit log times (RFC 3339, UTC).
    settings.add_filter(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "[TIME]");
    // Authorization keys: the simulator's are 16 digits or more.
    settings.add_filter(r"\b\d{13,}\b", "[KEY]");
    settings.add_filter(&regex_escape(env!("CARGO_PKG_VERSION")), "[VERSION]");
    settings
}

fn regex_escape(text: &str) -> String {
    text.chars().fold(String::new(), |mut out, c| {
        if !c.is_ascii_alphanumeric() {
            out.push('\\');
        }
        out.push(c);
        out
    })
}

/// Where a case runs.
enum Dir {
    /// The repository root, where `examples/` is.
    Root,
    /// A directory of the test's.
    Given(PathBuf),
    /// A temporary directory the case made for its files.
    Temp(TempDir),
}

/// A stream of the binary's.
#[derive(Clone, Copy)]
enum Stream {
    Stdout,
    Stderr,
}

/// One expectation on the output.
enum Check {
    Has(Stream, String),
    Lacks(Stream, String),
    Snapshot(Stream, String),
}

/// One run of the binary, and what it must print. Built, then `run()`.
#[must_use = "a case does nothing until it is run"]
pub(crate) struct Case {
    dir: Dir,
    /// `--color never`, before the other arguments, when run against a
    /// cluster.
    no_colour: bool,
    args: Vec<OsString>,
    env: Vec<(OsString, Option<OsString>)>,
    sim: Option<Background>,
    code: Option<i32>,
    checks: Vec<Check>,
    /// The test file that asked for the snapshots (`plan` for
    /// `tests/cli/plan.rs`), so their names follow insta's own
    /// `cli__<module>__<name>.snap`.
    module: Option<String>,
}

impl Case {
    /// A case run from the repository root (where `examples/` is), or from
    /// a temporary directory once it is given a file.
    pub(crate) fn new() -> Case {
        Case {
            dir: Dir::Root,
            no_colour: false,
            args: Vec::new(),
            env: Vec::new(),
            sim: None,
            code: None,
            checks: Vec::new(),
            module: None,
        }
    }

    /// A case run in `dir`.
    pub(crate) fn in_dir(dir: &Path) -> Case {
        Case {
            dir: Dir::Given(dir.to_owned()),
            ..Case::new()
        }
    }

    /// The directory the case runs in.
    pub(crate) fn dir(&self) -> &Path {
        match &self.dir {
            Dir::Root => Path::new(env!("CARGO_MANIFEST_DIR")),
            Dir::Given(dir) => dir,
            Dir::Temp(tmp) => tmp.path(),
        }
    }

    /// Writes `text` to `name` in the case's directory; a case run from the
    /// root gets a temporary directory first.
    pub(crate) fn file(mut self, name: &str, text: &str) -> Case {
        if matches!(self.dir, Dir::Root) {
            self.dir = Dir::Temp(tempfile::tempdir().expect("a temporary directory"));
        }
        let path = self.dir().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("the file's directory");
        }
        std::fs::write(&path, text).expect("the file is written");
        self
    }

    /// Sets an environment variable for the run.
    pub(crate) fn env(mut self, key: &str, value: impl Into<OsString>) -> Case {
        self.env.push((key.into(), Some(value.into())));
        self
    }

    /// Removes an environment variable for the run.
    pub(crate) fn env_remove(mut self, key: &str) -> Case {
        self.env.push((key.into(), None));
        self
    }

    /// Runs against a fresh simulated 8.8 cluster of its own, with no lag
    /// and no authentication (see [`Case::against`]).
    pub(crate) fn sim(self) -> Case {
        self.sim_with(SimConfig::new(CamundaVersion::V8_8))
    }

    /// Runs against a simulated cluster of its own, started with `config`.
    pub(crate) fn sim_with(mut self, config: SimConfig) -> Case {
        let sim = Background::start(config).expect("the simulator starts");
        let base = sim.url();
        self.sim = Some(sim);
        self.against(&base)
    }

    /// The address of the case's own simulator (after [`Case::sim`]).
    pub(crate) fn url(&self) -> String {
        self.sim.as_ref().expect("the case has a simulator").url()
    }

    /// Runs against the cluster at `base`, without credentials and without
    /// colour.
    pub(crate) fn against(mut self, base: &str) -> Case {
        self.no_colour = true;
        self.env("CAMUNDA_REST_ADDRESS", base)
            .env("CAMUNDA_AUTH_STRATEGY", "NONE")
    }

    /// Runs against the cluster at `base` as the basic-auth user `user`,
    /// without colour.
    pub(crate) fn basic_auth(mut self, base: &str, user: &str, password: &str) -> Case {
        self.no_colour = true;
        self.env("CAMUNDA_REST_ADDRESS", base)
            .env("CAMUNDA_AUTH_STRATEGY", "BASIC")
            .env("CAMUNDA_BASIC_AUTH_USERNAME", user)
            .env("CAMUNDA_BASIC_AUTH_PASSWORD", password)
    }

    /// One more argument.
    pub(crate) fn arg(mut self, arg: impl Into<OsString>) -> Case {
        self.args.push(arg.into());
        self
    }

    /// More arguments.
    pub(crate) fn args<I, S>(mut self, args: I) -> Case
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// The exit code the run must end with.
    pub(crate) fn code(mut self, code: i32) -> Case {
        self.code = Some(code);
        self
    }

    /// stdout must contain `text`.
    pub(crate) fn stdout_has(mut self, text: &str) -> Case {
        self.checks.push(Check::Has(Stream::Stdout, text.into()));
        self
    }

    /// stdout must not contain `text`.
    pub(crate) fn stdout_lacks(mut self, text: &str) -> Case {
        self.checks.push(Check::Lacks(Stream::Stdout, text.into()));
        self
    }

    /// stderr must contain `text`.
    pub(crate) fn stderr_has(mut self, text: &str) -> Case {
        self.checks.push(Check::Has(Stream::Stderr, text.into()));
        self
    }

    /// stderr must not contain `text`.
    pub(crate) fn stderr_lacks(mut self, text: &str) -> Case {
        self.checks.push(Check::Lacks(Stream::Stderr, text.into()));
        self
    }

    /// stdout must equal the snapshot `cli__<test file>__<name>.snap`, with
    /// the filters of [`snapshot_settings`].
    #[track_caller]
    pub(crate) fn snapshot(self, name: &str) -> Case {
        self.snapshot_of(Stream::Stdout, name)
    }

    /// stderr must equal the snapshot `cli__<test file>__<name>.snap`.
    #[track_caller]
    pub(crate) fn stderr_snapshot(self, name: &str) -> Case {
        self.snapshot_of(Stream::Stderr, name)
    }

    #[track_caller]
    fn snapshot_of(mut self, stream: Stream, name: &str) -> Case {
        let caller = Path::new(std::panic::Location::caller().file());
        let module = caller
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("a test file")
            .to_owned();
        self.module = Some(module);
        self.checks.push(Check::Snapshot(stream, name.into()));
        self
    }

    /// Runs the binary and checks every expectation.
    pub(crate) fn run(self) -> Ran {
        let mut command = cmd(self.dir());
        command.args(self.all_args());
        for (key, value) in &self.env {
            match value {
                Some(value) => command.env(key, value),
                None => command.env_remove(key),
            };
        }
        let output = command.output().expect("binary runs");
        let ran = Ran {
            stdout: stdout(&output),
            stderr: stderr(&output),
            line: self.line(),
            output,
        };
        if let Some(code) = self.code
            && ran.output.status.code() != Some(code)
        {
            ran.fail(&format!("expected exit code {code}"));
        }
        for check in &self.checks {
            match check {
                Check::Has(stream, text) if !ran.stream(*stream).contains(text.as_str()) => {
                    ran.fail(&format!("{} lacks {text:?}", name(*stream)));
                }
                Check::Lacks(stream, text) if ran.stream(*stream).contains(text.as_str()) => {
                    ran.fail(&format!("{} has {text:?}", name(*stream)));
                }
                Check::Snapshot(stream, snapshot) => {
                    let module = self.module.as_deref().expect("set with the snapshot");
                    let text = ran.stream(*stream).to_owned();
                    let mut settings = snapshot_settings();
                    settings.set_description(self.args_line());
                    settings.bind(|| {
                        insta::assert_snapshot!(format!("cli__{module}__{snapshot}"), text);
                    });
                }
                _ => {}
            }
        }
        ran
    }

    /// Runs the binary, checks every expectation, and parses stdout as one
    /// JSON document.
    pub(crate) fn json(self) -> Value {
        let ran = self.run();
        ran.json()
    }

    /// The arguments the binary gets.
    fn all_args(&self) -> Vec<OsString> {
        let colour = ["--color", "never"].map(OsString::from);
        let colour = if self.no_colour { &colour[..] } else { &[] };
        colour.iter().chain(&self.args).cloned().collect()
    }

    /// The arguments, for a snapshot's description (without the
    /// environment and the directory, which change from run to run).
    fn args_line(&self) -> String {
        let mut line = String::from("camunda-access");
        for arg in self.all_args() {
            let _ = write!(line, " {}", arg.to_string_lossy());
        }
        line
    }

    /// The command line, for messages.
    fn line(&self) -> String {
        let mut line = String::new();
        for (key, value) in &self.env {
            if let Some(value) = value
                && !key.to_string_lossy().contains("PASSWORD")
            {
                let _ = write!(
                    line,
                    "{}={} ",
                    key.to_string_lossy(),
                    value.to_string_lossy()
                );
            }
        }
        line.push_str("camunda-access");
        for arg in self.all_args() {
            let _ = write!(line, " {}", arg.to_string_lossy());
        }
        let _ = write!(line, "  (in {})", self.dir().display());
        line
    }
}

fn name(stream: Stream) -> &'static str {
    match stream {
        Stream::Stdout => "stdout",
        Stream::Stderr => "stderr",
    }
}

/// What a case's run printed, for checks beyond the builder's.
pub(crate) struct Ran {
    /// The process's output.
    pub output: Output,
    /// stdout as text.
    pub stdout: String,
    /// stderr as text.
    pub stderr: String,
    line: String,
}

impl Ran {
    fn stream(&self, stream: Stream) -> &str {
        match stream {
            Stream::Stdout => &self.stdout,
            Stream::Stderr => &self.stderr,
        }
    }

    /// The exit code.
    pub(crate) fn code(&self) -> Option<i32> {
        self.output.status.code()
    }

    /// stdout parsed as one JSON document.
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| self.fail(&format!("stdout is not one JSON document ({e})")))
    }

    /// Fails the test with `what`, the command line and both streams.
    pub(crate) fn fail(&self, what: &str) -> ! {
        panic!(
            "{what}\ncommand: {}\nexit: {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.line,
            self.output.status.code(),
            self.stdout,
            self.stderr
        )
    }
}
