//! A small builder around the binary.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The binary, with a clean environment for colour and a hang guard.
pub fn cmd(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("camunda-access").expect("binary is built");
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        // A guard against hangs only; no test asserts how fast anything is.
        .timeout(Duration::from_secs(120));
    cmd
}

/// Runs `camunda-access ARGS` in `dir`.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    cmd(dir).args(args).output().expect("binary runs")
}

/// stdout as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// stderr as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs `validate --format json` and parses the document.
pub fn validate_json(dir: &Path, args: &[&str]) -> (i32, serde_json::Value) {
    let mut all = vec!["validate", "--format", "json"];
    all.extend_from_slice(args);
    let output = run(dir, &all);
    let json = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(&output)));
    (output.status.code().expect("exit code"), json)
}

/// Runs `camunda-access ARGS` in `dir` against the cluster at `base`,
/// without credentials and without colour.
pub fn against(dir: &Path, base: &str, args: &[&str]) -> Output {
    cmd(dir)
        .args(["--color", "never"])
        .args(args)
        .env("CAMUNDA_REST_ADDRESS", base)
        .env("CAMUNDA_AUTH_STRATEGY", "NONE")
        .output()
        .expect("binary runs")
}
