//! `camunda-access who-can`: every principal holding a permission, with the
//! path it comes through.

use clap::Args;

use crate::analysis::{Analyzer, Check, WhoCanDocument, holders};
use crate::cli::Settings;
use crate::cli::exit::Status;
use crate::cli::explain::{Format, StateArgs, load_state, supported};
use crate::error::{Error, Result};
use crate::render::Shell;

/// Arguments of `who-can`.
#[derive(Debug, Args)]
pub struct WhoCanArgs {
    /// The resource: TYPE:ID, or TYPE:* for every resource of the type.
    #[arg(value_name = "TYPE:ID")]
    pub resource: String,
    /// The permission, e.g. CREATE_PROCESS_INSTANCE.
    #[arg(value_name = "PERMISSION")]
    pub permission: String,
    /// The files, or the cluster.
    #[command(flatten)]
    pub state: StateArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Lists the holders.
pub(super) fn run(args: &WhoCanArgs, settings: &Settings, shell: &Shell) -> Result<Status> {
    // IDs hold no `:`, so TYPE:ID:PERMISSION (as `explain --check` takes
    // it) is recognised and answered with the right form.
    if let [rt, id, permission] = args.resource.split(':').collect::<Vec<_>>().as_slice() {
        return Err(Error::Usage(format!(
            "who-can takes the resource and the permission as two arguments: who-can {rt}:{id} {permission} [PATH...]"
        )));
    }
    let check = Check::of(&args.resource, &args.permission).map_err(|e| Error::Usage(e.0))?;
    let (state, source) = load_state("who-can", &args.state, settings, shell)?;
    supported(&check, &source)?;
    let analyzer = Analyzer::new(&state);
    let found = holders(&analyzer, &check);
    let document = WhoCanDocument::new(source, check, found);
    shell.out(&match args.format {
        Format::Human => crate::render::explain::who_can(&document),
        Format::Json => crate::render::explain::json(&document),
    });
    Ok(Status::Ok)
}
