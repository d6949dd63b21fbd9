//! `camunda-access schema`.

use clap::Args;

use crate::render::Shell;

/// Arguments of `schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// The schema of the document `plan --format json` prints (and `plan
    /// --out` writes), instead of the configuration format's.
    #[arg(long)]
    pub plan: bool,
}

/// Prints the JSON Schema.
pub(super) fn run(
    args: &SchemaArgs,
    shell: &Shell,
) -> crate::error::Result<crate::cli::exit::Status> {
    shell.out(&if args.plan {
        crate::schema::plan_schema()
    } else {
        crate::schema::json_schema()
    });
    Ok(crate::cli::exit::Status::Ok)
}
