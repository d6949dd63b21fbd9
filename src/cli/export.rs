//! `camunda-access export`: a running cluster as format-v1 YAML.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::cli::Settings;
use crate::cli::connect::ConnectArgs;
use crate::cli::exit::Status;
use crate::cli::prepare::{connected, runtime};
use crate::error::{Error, Result};
use crate::export::{Layout, Options, export};
use crate::model::desired::Lifecycle;
use crate::ops;
use crate::render::Shell;

/// File layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LayoutArg {
    /// One file, access.yaml.
    Single,
    /// One file per kind (tenants.yaml, groups.yaml, …).
    PerKind,
}

/// Arguments of `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Write the files (and the JSON Schema they name) into DIR, which must
    /// hold no YAML yet [default: print one file on stdout].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// One file, or one per kind (needs --out).
    #[arg(long, value_enum, default_value_t = LayoutArg::Single)]
    pub layout: LayoutArg,
    /// Also export the built-in roles and the <default> tenant (their members only).
    #[arg(long)]
    pub include_defaults: bool,
    /// Write this lifecycle on every tenant, group, role, mapping rule and
    /// user: observe for a first adoption (report, never write), create-only
    /// for objects a bootstrap owns.
    #[arg(long, value_name = "manage|create-only|observe", value_parser = parse_lifecycle)]
    pub lifecycle: Option<Lifecycle>,
    /// How to reach the cluster.
    #[command(flatten)]
    pub connect: ConnectArgs,
}

fn parse_lifecycle(text: &str) -> Result<Lifecycle> {
    Lifecycle::parse(text).ok_or_else(|| {
        Error::Usage(format!(
            "{text:?} is not a lifecycle: use manage, create-only or observe"
        ))
    })
}

/// Writes `files` into `dir`, with the schema they name; never over YAML.
pub(super) fn write_files(
    dir: &std::path::Path,
    files: &std::collections::BTreeMap<String, String>,
) -> Result<()> {
    let io = |doing, path: &std::path::Path| {
        let path = path.to_owned();
        move |source| Error::Io {
            doing,
            path,
            source,
        }
    };
    std::fs::create_dir_all(dir).map_err(io("create", dir))?;
    let existing: Vec<String> = std::fs::read_dir(dir)
        .map_err(io("read", dir))?
        .filter_map(std::result::Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") || n.ends_with(".yml"))
        .collect();
    if !existing.is_empty() {
        return Err(Error::Usage(format!(
            "{} already holds YAML files ({}); export into an empty directory so nothing is overwritten",
            dir.display(),
            existing.join(", ")
        )));
    }
    let schema = crate::schema::json_schema();
    let mut all = files.clone();
    all.insert("camunda-access.schema.json".to_owned(), schema);
    for (name, text) in &all {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(io("write", &path))?;
    }
    Ok(())
}

/// Live objects whose IDs the format's rules refuse.
fn inexpressible(state: &crate::model::state::AccessState) -> Vec<(&'static str, String)> {
    use crate::model::ids::{check_id_addressable, check_tenant_id_addressable};
    let mut found = Vec::new();
    for id in state.tenants.keys() {
        if check_tenant_id_addressable(id.as_str()).is_err() {
            found.push(("tenant", id.to_string()));
        }
    }
    let others = [
        (
            "group",
            state.groups.keys().map(|k| k.as_str()).collect::<Vec<_>>(),
        ),
        ("role", state.roles.keys().map(|k| k.as_str()).collect()),
        (
            "mapping-rule",
            state.mapping_rules.keys().map(|k| k.as_str()).collect(),
        ),
        ("user", state.users.keys().map(|k| k.as_str()).collect()),
    ];
    for (kind, ids) in others {
        for id in ids {
            if check_id_addressable(id).is_err() {
                found.push((kind, id.to_owned()));
            }
        }
    }
    found
}

/// Reads the cluster and writes it as YAML.
pub(super) fn run(args: &ExportArgs, settings: &Settings, shell: &Shell) -> Result<Status> {
    if args.layout == LayoutArg::PerKind && args.out.is_none() {
        return Err(Error::Usage(
            "--layout per-kind writes several files: add --out DIR".to_owned(),
        ));
    }
    let runtime = runtime()?;
    let connected = connected(&args.connect, settings, shell)?;
    let client = &connected.client;
    let live = runtime.block_on(ops::read(
        client,
        usize::from(args.connect.read_parallelism),
    ))?;
    ops::session::spare_ids(&live.state);
    if !args.connect.no_visibility_check {
        runtime.block_on(ops::checks::visibility(client, &live, None))?;
    }
    for item in &live.unknown {
        shell.warn(format!("left out of the export: {item}"));
    }
    // A cluster with its own ID pattern may hold IDs the format cannot
    // express: `validate` of the exported files would refuse them.
    for (kind, id) in inexpressible(&live.state) {
        shell.warn(format!(
            "{kind} {id:?} has an ID the format cannot express (Camunda's default pattern ^[a-zA-Z0-9_~@.+-]+$, at most 256 characters; tenants: letters, digits, _ . -, at most 31): it is exported, but `validate` of the files will reject it"
        ));
    }
    let options = Options {
        layout: match args.layout {
            LayoutArg::Single => Layout::Single,
            LayoutArg::PerKind => Layout::PerKind,
        },
        include_defaults: args.include_defaults,
        header: vec![
            format!(
                "Exported from {} (Camunda {}) by camunda-access {}.",
                connected.target,
                live.version,
                env!("CARGO_PKG_VERSION")
            ),
            "Review before committing: `camunda-access plan` of these files against the same cluster shows no changes.".to_owned(),
        ],
        lifecycle: args.lifecycle,
        ..Options::default()
    };
    let files = export(&live.state, &options);
    match &args.out {
        None => {
            for text in files.values() {
                shell.out(text);
            }
        }
        Some(dir) => {
            write_files(dir, &files)?;
            let names: Vec<&str> = files.keys().map(String::as_str).collect();
            shell.err(&format!(
                "Wrote {} and camunda-access.schema.json to {}.\n",
                names.join(", "),
                dir.display()
            ));
        }
    }
    Ok(Status::Ok)
}
