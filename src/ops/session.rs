//! A planning run's first two steps: read and load ([`load`]), then plan,
//! settle and check ([`settle`]). Every command that plans (`plan`,
//! `apply`, `drift`, `graph`) starts with them.
//!
//! **Settling.** Camunda's reads lag its writes (searches and GETs come
//! from secondary storage, about a second behind). A plan read right after
//! someone else's write would show as missing what is merely not yet
//! visible. So a non-empty plan is confirmed: after a pause the state is
//! read again and planned again; the plan is reported only when two reads
//! in a row give the same plan (bounded: after ten rounds the last plan is
//! reported with a warning that the cluster kept changing).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::config::diagnostic::{Code, Diagnostics};
use crate::config::interpolate::Variables;
use crate::config::{self, Sources};
use crate::error::{Error, Result};
use crate::live::{Client, Live, Reader};
use crate::model::desired::Desired;
use crate::model::state::{AccessState, Principal};
use crate::ops::checks;
use crate::plan::document::PlanRecord;
use crate::plan::{Plan, Planner};

/// The cluster a run talks to.
#[derive(Debug, Clone)]
pub struct Cluster {
    /// The client.
    pub client: Arc<Client>,
    /// How the cluster is shown (address without credentials, or the
    /// embedded simulator).
    pub target: String,
    /// The principal the tool authenticates as, when it knows it.
    pub me: Option<Principal>,
    /// The cluster's ID pattern, when it has its own.
    pub id_pattern: Option<String>,
}

/// The live state and the configuration loaded for its version.
#[derive(Debug)]
pub struct Loaded {
    /// What was read.
    pub live: Live,
    /// The configuration's desired state.
    pub desired: Desired,
    /// The files, to show places.
    pub sources: Sources,
    /// Warnings about the configuration (it has no errors).
    pub diagnostics: Diagnostics,
    /// Every principal the tool may act as: the OAuth client or basic-auth
    /// user, and the user the cluster takes a client's token for when it
    /// has no client-id claim (from `/authentication/me`); on 8.10 also
    /// the mapping rules its access comes through (from its own
    /// authorizations, see [`checks::own_mapping_rules`]).
    pub identities: Vec<Principal>,
}

/// What a command does with a plan, which decides how it is settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settle {
    /// Show it (`plan`, `drift`, `graph`): a change is reported only when a
    /// second read after the pause agrees, so reads lagging someone's
    /// writes do not show as changes.
    Changes,
    /// Act on it (`apply`): only a reference that cannot be resolved is
    /// confirmed by a second read. A change planned from a lagging read is
    /// settled by the server's own answers as it is written (a repeated
    /// create answers 409, a repeated delete 404), so waiting buys nothing.
    ProblemsOnly,
}

/// How [`settle`] works.
#[derive(Debug, Clone, Copy)]
pub struct SettleOptions {
    /// What the plan is for.
    pub what: Settle,
    /// The pause before a confirming read; zero confirms nothing.
    pub pause: Duration,
    /// Member searches in flight at most.
    pub read_parallelism: usize,
    /// Whether to refuse a read that cannot see everything (see
    /// [`crate::live::visibility`]).
    pub visibility_check: bool,
}

/// Everything a planning command works from.
#[derive(Debug)]
pub struct Session {
    /// What was read (the settled read).
    pub live: Live,
    /// The configuration's desired state.
    pub desired: Desired,
    /// Desired against live.
    pub plan: Plan,
    /// The plan of the first read, before settling: what it shows beyond
    /// `plan` vanished on a re-read (reads lagging writes).
    pub first: Plan,
    /// sha256 of each configuration file's text, by its name.
    pub files: BTreeMap<String, String>,
    /// See [`Loaded::identities`].
    pub identities: Vec<Principal>,
}

/// Reads the whole live state with at most `parallelism` member searches
/// in flight.
pub async fn read(client: &Arc<Client>, parallelism: usize) -> Result<Live> {
    Reader::new(client.clone(), parallelism)
        .read()
        .await
        .map_err(|e| Error::api("reading the cluster", e))
}

/// Reads the cluster and loads the configuration at `paths` for its
/// version. Fails when the configuration has errors. Warnings about the
/// cluster go to `warn` as they are found (so a later failure keeps them).
pub async fn load(
    cluster: &Cluster,
    paths: &[PathBuf],
    variables: &Variables,
    parallelism: usize,
    warn: &mut dyn FnMut(String),
) -> Result<Loaded> {
    let live = read(&cluster.client, parallelism).await?;
    if crate::live::reader::newer_than_known(&live.gateway_version) {
        warn(format!(
            "the cluster runs Camunda {}, newer than this tool knows ({}); it is read and planned as {}: resource types and permissions added since are not understood, and authorizations that use them are left alone",
            live.gateway_version,
            crate::model::CamundaVersion::supported_list(),
            live.version
        ));
    }
    for item in &live.unknown {
        warn(format!("left alone, not read: {item}"));
    }
    let mut outcome = config::load(paths, live.version, variables);
    // Offline, undeclared references are warnings; here they are checked
    // against the cluster instead.
    outcome
        .diagnostics
        .retain(|d| d.code != Code::UndeclaredReference);
    let Some(desired) = outcome.desired else {
        return Err(Error::Config {
            message: format!(
                "the configuration is invalid ({})",
                summary(&outcome.diagnostics)
            ),
            diagnostics: outcome.diagnostics,
            sources: outcome.sources,
        });
    };
    // How the cluster sees an OAuth client's token (one request): without a
    // client-id claim it is a user named by its `sub`.
    let me_answer = match &cluster.me {
        Some(Principal::Client(_)) => cluster
            .client
            .request(reqwest::Method::GET, "/authentication/me", None)
            .await
            // Without an answer the tool cannot tell; nothing depends on it.
            .unwrap_or_else(|e| {
                tracing::debug!("cannot tell how the cluster sees this tool: {e}");
                None
            }),
        _ => None,
    };
    if let Some(warning) =
        checks::client_identity_warning(me_answer.as_ref(), cluster.me.as_ref(), &desired, &live)
    {
        warn(warning);
    }
    // The guards watch every principal the tool may be: the client, and
    // the user the cluster may take its token for.
    let mut identities: Vec<Principal> = cluster.me.iter().cloned().collect();
    if let Some(username) = me_answer
        .as_ref()
        .and_then(|me| me.get("username"))
        .and_then(serde_json::Value::as_str)
        .filter(|u| !u.is_empty())
    {
        let user = Principal::User(username.into());
        if !identities.contains(&user) {
            identities.push(user);
        }
    }
    // 8.10 tells the tool which authorizations apply to it, including those
    // of mapping rules its own token matches (invisible to it otherwise):
    // the guards watch those mapping rules too. Elsewhere, or when the
    // cluster does not answer, the guards watch what they did before.
    if live.version >= crate::model::CamundaVersion::V8_10 {
        match crate::live::own::own_authorization_owners(&cluster.client).await {
            Ok(own) => {
                identities.extend(checks::own_mapping_rules(&own, &live.state, &identities));
            }
            Err(e) => tracing::debug!("cannot read this tool's own authorizations: {e}"),
        }
    }
    // IDs are shown, even when a secret value equals one.
    spare_ids(&desired.state);
    spare_ids(&live.state);
    Ok(Loaded {
        live,
        desired,
        sources: outcome.sources,
        diagnostics: outcome.diagnostics,
        identities,
    })
}

/// "1 error, 2 warnings".
fn summary(diagnostics: &Diagnostics) -> String {
    let plural = |n: usize, word: &str| match n {
        1 => format!("1 {word}"),
        n => format!("{n} {word}s"),
    };
    format!(
        "{}, {}",
        plural(diagnostics.error_count(), "error"),
        plural(diagnostics.warning_count(), "warning")
    )
}

/// Plans what was loaded, settles the plan against reads lagging writes,
/// and checks it for what Camunda would refuse. Warnings go to `warn` as
/// they are found.
pub async fn settle(
    cluster: &Cluster,
    loaded: Loaded,
    paths: &[PathBuf],
    options: SettleOptions,
    warn: &mut dyn FnMut(String),
) -> Result<Session> {
    let Loaded {
        mut live,
        desired,
        sources,
        identities,
        ..
    } = loaded;
    checks::enabled_apis(&desired, &live)?;
    // Settle: a non-empty plan (or a missing reference) must survive a
    // second read that comes after any write still on its way.
    let mut problems = checks::unresolved(&desired, &live, &sources);
    let mut plan = Planner::new(&desired, &live.state).plan();
    let first = plan.clone();
    let mut rounds = 0;
    let unsettled = |plan: &Plan, problems: &Diagnostics| {
        problems.has_errors() || (options.what == Settle::Changes && !plan.is_empty())
    };
    while unsettled(&plan, &problems) && !options.pause.is_zero() {
        if rounds == 10 {
            warn(
                "the cluster kept changing while it was read; this plan may already be out of date"
                    .to_owned(),
            );
            break;
        }
        rounds += 1;
        tokio::time::sleep(options.pause).await;
        let again = read(&cluster.client, options.read_parallelism).await?;
        let next_problems = checks::unresolved(&desired, &again, &sources);
        let next = Planner::new(&desired, &again.state).plan();
        let stable = next == plan && next_problems.len() == problems.len();
        live = again;
        plan = next;
        problems = next_problems;
        if stable {
            break;
        }
    }
    if problems.has_errors() {
        return Err(Error::Config {
            message: "references cannot be resolved".to_owned(),
            diagnostics: problems,
            sources,
        });
    }
    checks::workable(
        &plan,
        &desired,
        &live,
        cluster.id_pattern.as_deref(),
        &sources,
    )?;
    if options.visibility_check {
        checks::visibility(&cluster.client, &live, Some(&plan)).await?;
    }
    let files = file_hashes(&sources, paths);
    Ok(Session {
        live,
        desired,
        plan,
        first,
        files,
        identities,
    })
}

impl Session {
    /// A session that plans `desired` against `live` as read, without
    /// settling or checks (for tests and benchmarks that build the desired
    /// state themselves).
    pub fn planned(live: Live, desired: Desired) -> Session {
        let plan = Planner::new(&desired, &live.state).plan();
        Session {
            first: plan.clone(),
            plan,
            live,
            desired,
            files: BTreeMap::new(),
            identities: Vec::new(),
        }
    }

    /// What a plan file records about the inputs of this session, read from
    /// `paths` on `target`; `out` is where the plan file goes.
    pub fn record(&self, target: &str, paths: &[PathBuf], out: Option<&Path>) -> PlanRecord {
        PlanRecord {
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
            target: target.to_owned(),
            camunda_version: self.live.version.to_string(),
            desired_sha256: crate::plan::fingerprint::fingerprint(&self.desired),
            live_sha256: crate::plan::fingerprint::fingerprint(&self.live.state),
            paths: paths
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect(),
            base: base_of(out),
            files: self.files.clone(),
        }
    }
}

/// From the plan file's directory back to where the run is: `..` per
/// directory of a plain relative path; for any other, this directory itself.
fn base_of(out: Option<&Path>) -> String {
    use std::path::Component;
    let dir = out.and_then(Path::parent);
    let plain = dir.is_none_or(|d| {
        d.components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
    });
    let base = match dir {
        _ if !plain => std::env::current_dir()
            .map(|d| d.to_string_lossy().into_owned())
            .unwrap_or_else(|_| ".".to_owned()),
        Some(d) => d
            .components()
            .filter(|c| matches!(c, Component::Normal(_)))
            .map(|_| "..")
            .collect::<Vec<_>>()
            .join("/"),
        None => String::new(),
    };
    if base.is_empty() {
        ".".to_owned()
    } else {
        base
    }
}

/// The sha256 of every file of a loaded configuration, by its name
/// relative to the configuration path it was found under (so a plan made
/// with `access/` and applied from elsewhere names files alike).
fn file_hashes(sources: &Sources, paths: &[PathBuf]) -> BTreeMap<String, String> {
    use sha2::{Digest, Sha256};
    sources
        .iter()
        .map(|(_, f)| {
            let digest: String = Sha256::digest(f.text.as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            let file = Path::new(&f.name);
            let relative = paths
                .iter()
                .find_map(|p| {
                    if file == p.as_path() {
                        file.file_name().map(Path::new)
                    } else {
                        file.strip_prefix(p).ok()
                    }
                })
                .unwrap_or(file);
            (relative.to_string_lossy().into_owned(), digest)
        })
        .collect()
}

/// Stops masking secret values that equal an ID of `state`.
pub fn spare_ids(state: &AccessState) {
    crate::secrets::spare(
        state
            .users
            .keys()
            .map(|k| k.as_str())
            .chain(state.groups.keys().map(|k| k.as_str()))
            .chain(state.roles.keys().map(|k| k.as_str()))
            .chain(state.tenants.keys().map(|k| k.as_str()))
            .chain(state.mapping_rules.keys().map(|k| k.as_str()))
            .chain(state.memberships.iter().map(|m| m.member.id())),
    );
}
