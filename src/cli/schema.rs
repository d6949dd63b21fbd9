//! `camunda-access schema`.

use crate::render::Shell;

/// Prints the JSON Schema.
pub(super) fn run(shell: &Shell) -> crate::error::Result<crate::cli::exit::Status> {
    shell.out(&crate::schema::json_schema());
    Ok(crate::cli::exit::Status::Ok)
}
