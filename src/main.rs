//! The `camunda-access` command.

fn main() -> std::process::ExitCode {
    camunda_access::cli::run()
}
