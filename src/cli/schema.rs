//! `camunda-access schema`.

use crate::cli::exit;
use crate::render::Shell;

/// Prints the JSON Schema.
pub fn run(shell: &Shell) -> u8 {
    shell.out(&crate::schema::json_schema());
    exit::OK
}
