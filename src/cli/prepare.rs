//! What every command that plans does first, on the command line: start a
//! runtime, connect, run [`ops::load`] and [`ops::settle`], and show their
//! warnings.

use std::path::PathBuf;
use std::time::Duration;

use tokio::runtime::Runtime;

use crate::cli::Settings;
use crate::cli::connect::{ConnectArgs, Connected, connect};
use crate::error::{Error, Result};
use crate::ops::{self, Cluster, Session, Settle, SettleOptions};
use crate::render::Shell;
use crate::render::diagnostics::{self as diagnostics_render, Style};

/// A settled session with what it runs on.
#[derive(Debug)]
pub(super) struct Prepared {
    /// The runtime the client runs on.
    pub runtime: Runtime,
    /// The connection, held so an embedded simulator runs until the
    /// command ends (commands that write after planning keep it bound).
    pub connected: Connected,
    /// The cluster as the pipeline sees it.
    pub cluster: Cluster,
    /// The settled plan and what it was made from.
    pub session: Session,
}

/// A runtime for the client.
pub(super) fn runtime() -> Result<Runtime> {
    Runtime::new().map_err(|e| Error::Environment(format!("cannot start a runtime: {e}")))
}

/// Connects as `args` say.
pub(super) fn connected(
    args: &ConnectArgs,
    settings: &Settings,
    shell: &Shell,
) -> Result<Connected> {
    connect(args, settings, shell)
}

/// The cluster behind a connection, as the pipeline sees it.
pub(super) fn cluster_of(connected: &Connected) -> Cluster {
    Cluster {
        client: connected.client.clone(),
        target: connected.target.clone(),
        me: connected.me.clone(),
        id_pattern: connected.id_pattern.clone(),
    }
}

/// Reads the cluster behind `connect_args` and plans the configuration at
/// `paths`, settled for `what`.
pub(super) fn prepare(
    paths: &[PathBuf],
    connect_args: &ConnectArgs,
    what: Settle,
    settings: &Settings,
    shell: &Shell,
) -> Result<Prepared> {
    let runtime = runtime()?;
    let connected = connected(connect_args, settings, shell)?;
    let cluster = cluster_of(&connected);
    let read_parallelism = usize::from(connect_args.read_parallelism);
    let mut warn = |warning: String| shell.warn(warning);
    let loaded = runtime.block_on(ops::load(
        &cluster,
        paths,
        &settings.variables,
        read_parallelism,
        &mut warn,
    ))?;
    let style = Style {
        color: settings.color,
        width: 100,
    };
    shell.err(&diagnostics_render::human(
        &loaded.diagnostics,
        &loaded.sources,
        style,
    ));
    let pause = Duration::from_millis(connect_args.settle_ms.unwrap_or(if connect_args.sim {
        0
    } else {
        2000
    }));
    let options = SettleOptions {
        what,
        pause,
        read_parallelism,
        visibility_check: !connect_args.no_visibility_check,
    };
    let session = runtime.block_on(ops::settle(&cluster, loaded, paths, options, &mut warn))?;
    Ok(Prepared {
        runtime,
        connected,
        cluster,
        session,
    })
}
