//! The pipeline every command that plans shares: connect, read the live
//! state, load the configuration for the cluster's version, resolve
//! references against the cluster, plan, and settle.
//!
//! **Settling.** Camunda's reads lag its writes (searches and GETs come
//! from secondary storage, about a second behind). A plan read right after
//! someone else's write would show as missing what is merely not yet
//! visible. So a non-empty plan is confirmed: after `--settle-ms` the state
//! is read again and planned again; the plan is reported only when two
//! reads in a row give the same plan (bounded: after ten rounds the last
//! plan is reported with a warning that the cluster kept changing).

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use tokio::runtime::Runtime;

use crate::cli::Settings;
use crate::cli::connect::{ConnectArgs, Connected, connect};
use crate::cli::failure::Failure;
use crate::config::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::config::{self, Sources};
use crate::live::{Client, Live, Reader, visibility};
use crate::model::catalogue::ResourceType;
use crate::model::desired::{Desired, Kind, Referenced};
use crate::model::state::{AccessState, Container, Principal};
use crate::plan::{Change, EntityKind, Plan, Planner};
use crate::render::Shell;
use crate::render::diagnostics::{self as diagnostics_render, Style};

/// Everything a planning command works from.
#[derive(Debug)]
pub struct Prepared {
    /// The runtime the client runs on.
    pub runtime: Runtime,
    /// The cluster.
    pub connected: Connected,
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
    pub files: std::collections::BTreeMap<String, String>,
    /// Every principal the tool may act as: the OAuth client or basic-auth
    /// user, and the user the cluster takes a client's token for when it
    /// has no client-id claim (from `/authentication/me`).
    pub identities: Vec<Principal>,
}

/// What a plan file records about the inputs of `prepared`, read from
/// `paths`; `out` is where the plan file goes.
pub fn record_of(
    prepared: &Prepared,
    paths: &[PathBuf],
    out: Option<&std::path::Path>,
) -> crate::render::plan::PlanRecord {
    // From the plan file's directory back to here: `..` per directory of a
    // plain relative path; for any other, this directory itself.
    let dir = out.and_then(std::path::Path::parent);
    let plain = dir.is_none_or(|d| {
        d.components().all(|c| {
            matches!(
                c,
                std::path::Component::Normal(_) | std::path::Component::CurDir
            )
        })
    });
    let base = match dir {
        _ if !plain => std::env::current_dir()
            .map(|d| d.to_string_lossy().into_owned())
            .unwrap_or_else(|_| ".".to_owned()),
        Some(d) => d
            .components()
            .filter(|c| matches!(c, std::path::Component::Normal(_)))
            .map(|_| "..")
            .collect::<Vec<_>>()
            .join("/"),
        None => String::new(),
    };
    let base = if base.is_empty() {
        ".".to_owned()
    } else {
        base
    };
    crate::render::plan::PlanRecord {
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        target: prepared.connected.target.clone(),
        camunda_version: prepared.live.version.to_string(),
        desired_sha256: crate::plan::fingerprint::fingerprint(&prepared.desired),
        live_sha256: crate::plan::fingerprint::fingerprint(&prepared.live.state),
        paths: paths
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect(),
        base,
        files: prepared.files.clone(),
    }
}

/// The sha256 of every file of a loaded configuration, by its name
/// relative to the configuration path it was found under (so a plan made
/// with `access/` and applied from elsewhere names files alike).
fn file_hashes(sources: &Sources, paths: &[PathBuf]) -> std::collections::BTreeMap<String, String> {
    use sha2::{Digest, Sha256};
    sources
        .iter()
        .map(|(_, f)| {
            let digest: String = Sha256::digest(f.text.as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            let file = std::path::Path::new(&f.name);
            let relative = paths
                .iter()
                .find_map(|p| {
                    if file == p.as_path() {
                        file.file_name().map(std::path::Path::new)
                    } else {
                        file.strip_prefix(p).ok()
                    }
                })
                .unwrap_or(file);
            (relative.to_string_lossy().into_owned(), digest)
        })
        .collect()
}

/// Prints `message` as an error and gives the error exit code.
pub fn fail(shell: &Shell, message: &str) -> u8 {
    Failure::error(message).report(shell, false)
}

/// Kinds the configuration touches whose API the cluster switched off.
fn disabled_kinds(desired: &Desired, live: &Live) -> Vec<Kind> {
    let touches = |kind: Kind| match kind {
        Kind::Tenants => {
            !desired.state.tenants.is_empty()
                || desired
                    .containers
                    .keys()
                    .any(|c| matches!(c, Container::Tenant(_)))
        }
        Kind::Groups => !desired.state.groups.is_empty(),
        Kind::Users => !desired.state.users.is_empty(),
        _ => false,
    };
    live.disabled
        .iter()
        .copied()
        .filter(|k| touches(*k))
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

/// Claim pairs the plan gives a mapping rule that a live rule holds which
/// the files do not own and the plan does not delete.
fn claim_conflicts(plan: &Plan, desired: &Desired, live: &AccessState) -> Vec<String> {
    let deleted: Vec<&str> = plan
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::Delete {
                kind: EntityKind::MappingRule,
                id,
                ..
            } => Some(id.as_str()),
            _ => None,
        })
        .collect();
    let mut conflicts = Vec::new();
    for change in &plan.changes {
        let id = match change {
            Change::Create {
                kind: EntityKind::MappingRule,
                id,
                ..
            }
            | Change::Update {
                kind: EntityKind::MappingRule,
                id,
                ..
            } => id,
            _ => continue,
        };
        let Some(rule) = desired.state.mapping_rules.get(&id.as_str().into()) else {
            continue;
        };
        for (other, held) in &live.mapping_rules {
            if other.as_str() != id
                && held.claim_name == rule.claim_name
                && held.claim_value == rule.claim_value
                && !desired.state.mapping_rules.contains_key(other)
                && !deleted.contains(&other.as_str())
            {
                conflicts.push(format!(
                    "mapping rule {id} needs {} = {:?}, which mapping rule {other} in the cluster holds and the files do not own",
                    rule.claim_name, rule.claim_value
                ));
            }
        }
    }
    conflicts
}

/// References that are neither declared nor in the cluster, as diagnostics.
fn unresolved(desired: &Desired, live: &Live, sources: &Sources) -> Diagnostics {
    let s = &live.state;
    let mut found = Diagnostics::default();
    for reference in &desired.references {
        let exists = match &reference.target {
            Referenced::Container(Container::Group(g))
            | Referenced::Principal(Principal::Group(g)) => {
                // Groups from a token claim exist without an entity.
                live.disabled.contains(&Kind::Groups) || s.groups.contains_key(g)
            }
            Referenced::Container(Container::Role(r))
            | Referenced::Principal(Principal::Role(r)) => s.roles.contains_key(r),
            Referenced::Container(Container::Tenant(t)) => s.tenants.contains_key(t),
            Referenced::Principal(Principal::MappingRule(m)) => s.mapping_rules.contains_key(m),
            Referenced::Principal(_) => true,
        };
        if exists {
            continue;
        }
        let origin = &reference.origin;
        let Some((file, _)) = sources.iter().find(|(_, f)| f.name == origin.file) else {
            continue;
        };
        let loc = sources
            .get(file)
            .loc_of_range(file, origin.offset, origin.len);
        found.push(
            Diagnostic::new(
                Code::UnresolvedReference,
                loc,
                format!(
                    "{} is neither declared nor in the cluster",
                    reference.target
                ),
            )
            .help("declare it in the configuration, or create it in the cluster first"),
        );
    }
    found
}

/// The roles a principal holds in `live`: directly and through its groups
/// (mapping rules aside: they depend on the token).
fn roles_of(live: &Live, principal: &Principal) -> BTreeSet<String> {
    let memberships = &live.state.memberships;
    let mut roles = BTreeSet::new();
    for m in memberships.iter().filter(|m| &m.member == principal) {
        match &m.container {
            Container::Role(r) => {
                roles.insert(r.to_string());
            }
            Container::Group(g) => {
                let group = Principal::Group(g.clone());
                for n in memberships.iter().filter(|n| n.member == group) {
                    if let Container::Role(r) = &n.container {
                        roles.insert(r.to_string());
                    }
                }
            }
            Container::Tenant(_) => {}
        }
    }
    roles
}

/// When the tool runs as an OAuth client and the configuration gives
/// access to clients, asks the cluster (`GET /authentication/me`) how it
/// identifies the tool's own token. A cluster without a client-id claim
/// (Camunda's default) sees every machine token as a user named by its
/// `sub`: then no authorization or membership of a client applies to any
/// token, and the configuration's client entries grant nothing.
fn client_identity_warning(
    me: Option<&serde_json::Value>,
    connected: &Connected,
    desired: &Desired,
    live: &Live,
) -> Option<String> {
    let Some(Principal::Client(client_id)) = &connected.me else {
        return None;
    };
    let s = &desired.state;
    let clients: BTreeSet<String> = s
        .authorizations
        .keys()
        .map(|t| &t.owner)
        .chain(s.memberships.iter().map(|m| &m.member))
        .filter_map(|p| match p {
            Principal::Client(c) => Some(format!("client:{c}")),
            _ => None,
        })
        .collect();
    if clients.is_empty() {
        return None;
    }
    let me = me?;
    let username = me
        .get("username")
        .and_then(serde_json::Value::as_str)
        .filter(|u| !u.is_empty())?;
    let seen_roles: BTreeSet<String> = me
        .get("roles")
        .and_then(serde_json::Value::as_array)
        .map(|roles| {
            roles
                .iter()
                .filter_map(|r| r.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let as_client = roles_of(live, &Principal::Client(client_id.clone()));
    let as_user = roles_of(live, &Principal::User(username.into()));
    // Another name; or, for a `sub` equal to the client ID, the roles of
    // the user of that name that the client does not have.
    let seen_as_user = username != client_id.as_str()
        || (!as_user.is_empty()
            && as_user.is_subset(&seen_roles)
            && !as_user.is_subset(&as_client));
    if !seen_as_user {
        return None;
    }
    let listed: Vec<&str> = clients.iter().map(String::as_str).take(5).collect();
    let more = if clients.len() > 5 { ", …" } else { "" };
    Some(format!(
        "warning: the cluster identifies this tool's token as user:{username}, not as client:{client_id}: it seems to have no client-id claim configured (camunda.security.authentication.oidc.client-id-claim; Camunda sets none by default), so machine tokens are users named by their `sub` and what this configuration gives clients ({}{more}) applies to no token\n",
        listed.join(", ")
    ))
}

/// Reads the whole live state with at most `parallelism` member searches
/// in flight.
pub fn read(
    runtime: &Runtime,
    client: &std::sync::Arc<Client>,
    parallelism: u16,
) -> Result<Live, Failure> {
    runtime
        .block_on(Reader::new(client.clone(), usize::from(parallelism)).read())
        .map_err(|e| Failure::error(format!("reading the cluster: {e}")))
}

/// What a command does with a plan, which decides how it is settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settle {
    /// Show it (`plan`, `drift`, `graph`): a change is reported only when a
    /// second read after `--settle-ms` agrees, so reads lagging someone's
    /// writes do not show as changes.
    Changes,
    /// Act on it (`apply`): only a reference that cannot be resolved is
    /// confirmed by a second read. A change planned from a lagging read is
    /// settled by the server's own answers as it is written (a repeated
    /// create answers 409, a repeated delete 404), so waiting buys nothing.
    ProblemsOnly,
}

/// Refuses a read that cannot see everything it holds (see
/// [`visibility`]); `plan` is the plan computed from it, whose creations
/// are asked for one by one.
pub fn check_visibility(
    runtime: &Runtime,
    client: &std::sync::Arc<Client>,
    live: &Live,
    plan: Option<&Plan>,
) -> Result<(), Failure> {
    let mut blind = visibility::blind_spots(live);
    let probes: Vec<(ResourceType, String)> = plan
        .map(|p| p.changes.as_slice())
        .unwrap_or_default()
        .iter()
        .filter_map(|c| match c {
            Change::Create { kind, id, .. } => {
                let (rt, collection) = match kind {
                    EntityKind::Tenant => (ResourceType::Tenant, "tenants"),
                    EntityKind::Group => (ResourceType::Group, "groups"),
                    EntityKind::Role => (ResourceType::Role, "roles"),
                    EntityKind::MappingRule => (ResourceType::MappingRule, "mapping-rules"),
                    EntityKind::User => (ResourceType::User, "users"),
                };
                visibility::object_path(collection, id).map(|path| (rt, path))
            }
            _ => None,
        })
        .filter(|(rt, _)| !blind.iter().any(|b| b.resource_type == *rt))
        .collect();
    if !probes.is_empty() {
        blind.extend(runtime.block_on(visibility::probe(client.clone(), &probes)));
    }
    if blind.is_empty() {
        Ok(())
    } else {
        Err(Failure::error(visibility::refusal(&blind)))
    }
}

/// Reads the cluster behind `connect_args` and plans the configuration at `paths`.
pub fn prepare(
    paths: &[PathBuf],
    connect_args: &ConnectArgs,
    settle_what: Settle,
    settings: &Settings,
    shell: &Shell,
) -> Result<Prepared, Failure> {
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| Failure::error(format!("cannot start a runtime: {e}")))?;
    let connected = connect(connect_args, settings, shell)?;
    let parallelism = connect_args.read_parallelism;
    let mut live = read(&runtime, &connected.client, parallelism)?;
    if crate::live::reader::newer_than_known(&live.gateway_version) {
        shell.err(&format!(
            "warning: the cluster runs Camunda {}, newer than this tool knows (8.8, 8.9); it is read and planned as {}: resource types and permissions added since are not understood, and authorizations that use them are left alone\n",
            live.gateway_version, live.version
        ));
    }
    for item in &live.unknown {
        shell.err(&format!("warning: left alone, not read: {item}\n"));
    }
    let mut outcome = config::load(paths, live.version, &settings.variables);
    // Offline, undeclared references are warnings; here they are checked
    // against the cluster instead.
    outcome
        .diagnostics
        .retain(|d| d.code != Code::UndeclaredReference);
    let style = Style {
        color: settings.color,
        width: 100,
    };
    shell.err(&diagnostics_render::human(
        &outcome.diagnostics,
        &outcome.sources,
        style,
    ));
    let Some(desired) = outcome.desired else {
        return Err(Failure::error(format!(
            "the configuration is invalid ({})",
            diagnostics_render::summary(&outcome.diagnostics)
        )));
    };
    // How the cluster sees an OAuth client's token (one request): without a
    // client-id claim it is a user named by its `sub`.
    let me_answer = match &connected.me {
        Some(Principal::Client(_)) => match runtime.block_on(connected.client.request(
            reqwest::Method::GET,
            "/authentication/me",
            None,
        )) {
            Ok(answer) => answer,
            Err(e) => {
                tracing::debug!("cannot tell how the cluster sees this tool: {e}");
                None
            }
        },
        _ => None,
    };
    if let Some(warning) = client_identity_warning(me_answer.as_ref(), &connected, &desired, &live)
    {
        shell.err(&warning);
    }
    // The guards watch every principal the tool may be: the client, and
    // the user the cluster may take its token for.
    let mut identities: Vec<Principal> = connected.me.iter().cloned().collect();
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
    // IDs are shown, even when a secret value equals one.
    spare_ids(&desired.state);
    spare_ids(&live.state);
    let disabled = disabled_kinds(&desired, &live);
    if !disabled.is_empty() {
        let names: Vec<&str> = disabled.iter().map(|k| k.as_str()).collect();
        return Err(Failure::error(format!(
            "the configuration manages {} but the cluster's API for them is switched off",
            names.join(", ")
        )));
    }
    // Settle: a non-empty plan (or a missing reference) must survive a
    // second read that comes after any write still on its way.
    let settle = Duration::from_millis(connect_args.settle_ms.unwrap_or(if connect_args.sim {
        0
    } else {
        2000
    }));
    let mut problems = unresolved(&desired, &live, &outcome.sources);
    let mut plan = Planner::new(&desired, &live.state).plan();
    let first = plan.clone();
    let mut rounds = 0;
    let unsettled = |plan: &Plan, problems: &Diagnostics| {
        problems.has_errors() || (settle_what == Settle::Changes && !plan.is_empty())
    };
    while unsettled(&plan, &problems) && !settle.is_zero() {
        if rounds == 10 {
            shell.err("warning: the cluster kept changing while it was read; this plan may already be out of date\n");
            break;
        }
        rounds += 1;
        std::thread::sleep(settle);
        let again = read(&runtime, &connected.client, parallelism)?;
        let next_problems = unresolved(&desired, &again, &outcome.sources);
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
        shell.err(&diagnostics_render::human(
            &problems,
            &outcome.sources,
            style,
        ));
        return Err(Failure::error("references cannot be resolved"));
    }
    // With internal users, Camunda refuses to add a user that does not
    // exist to a role or tenant (groups are not checked).
    if !live.disabled.contains(&Kind::Users) {
        let missing: Vec<String> = desired
            .state
            .memberships
            .iter()
            .filter(|m| !matches!(m.container, Container::Group(_)))
            .filter_map(|m| match &m.member {
                Principal::User(u)
                    if !desired.state.users.contains_key(u)
                        && !live.state.users.contains_key(u) =>
                {
                    Some(format!("{} in {}", m.member, m.container))
                }
                _ => None,
            })
            .collect();
        if !missing.is_empty() {
            return Err(Failure::error(format!(
                "this cluster manages its own users, and Camunda refuses to add a user that does not exist to a role or tenant: {}; declare the users (with a password) or create them first",
                missing.join(", ")
            )));
        }
    }
    // A cluster with its own ID pattern refuses IDs that do not match it.
    if let Some(pattern) = &connected.id_pattern {
        let regex = regex::Regex::new(pattern).map_err(|e| {
            Failure::error(format!(
                "--id-pattern {pattern:?} is not a regular expression: {e}"
            ))
        })?;
        let refused: Vec<String> = plan
            .changes
            .iter()
            .filter_map(|c| match c {
                Change::Create { kind, id, .. }
                    if *kind != EntityKind::Tenant && !regex.is_match(id) =>
                {
                    Some(format!("{kind} {id}"))
                }
                _ => None,
            })
            .collect();
        if !refused.is_empty() {
            return Err(Failure::error(format!(
                "the cluster's ID pattern {pattern} (camunda.security.id-validation-pattern) refuses {}; rename them, or correct --id-pattern / the target's id-pattern",
                refused.join(", ")
            )));
        }
    }
    // Camunda refuses an authorization whose owner is a user that does not
    // exist, where it manages users itself.
    if !live.disabled.contains(&Kind::Users) {
        let ownerless: Vec<String> = plan
            .changes
            .iter()
            .filter_map(|c| match c {
                Change::CreateAuthorization { tuple, .. } => match &tuple.owner {
                    Principal::User(u)
                        if !desired.state.users.contains_key(u)
                            && !live.state.users.contains_key(u) =>
                    {
                        Some(tuple.to_string())
                    }
                    _ => None,
                },
                _ => None,
            })
            .collect();
        if !ownerless.is_empty() {
            return Err(Failure::error(format!(
                "this cluster manages its own users, and Camunda refuses an authorization for a user that does not exist: {}; declare the users (with a password) or create them first",
                ownerless.join(", ")
            )));
        }
    }
    // Camunda allows one mapping rule per claim pair: a pair held by a live
    // rule the files do not own (and the plan does not delete) cannot be
    // taken.
    let taken = claim_conflicts(&plan, &desired, &live.state);
    if !taken.is_empty() {
        return Err(Failure::error(format!(
            "Camunda allows one mapping rule per claim and value: {}; declare that rule (to change or remove it), add `mapping-rules` to policy.prune, or pick another value",
            taken.join("; ")
        )));
    }
    // Camunda creates a user only with a password; its variable matters
    // only for a user this plan creates.
    let created: Vec<&str> = plan
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::Create {
                kind: EntityKind::User,
                id,
                ..
            } if desired
                .state
                .users
                .get(&id.as_str().into())
                .is_some_and(|u| u.password.is_none()) =>
            {
                Some(id.as_str())
            }
            _ => None,
        })
        .collect();
    if !created.is_empty() {
        let mut unset = Diagnostics::default();
        for missing in desired
            .unset_passwords
            .iter()
            .filter(|u| created.contains(&u.username.as_str()))
        {
            let origin = &missing.origin;
            if let Some((file, _)) = outcome.sources.iter().find(|(_, f)| f.name == origin.file) {
                let loc = outcome
                    .sources
                    .get(file)
                    .loc_of_range(file, origin.offset, origin.len);
                unset.push(
                    Diagnostic::new(
                        Code::UnsetVariable,
                        loc,
                        format!(
                            "environment variable {} is not set, and user {} is created by this plan",
                            missing.variable, missing.username
                        ),
                    )
                    .label("the new user's password")
                    .help(format!(
                        "set {} for this run (it is needed only to create the user)",
                        missing.variable
                    )),
                );
            }
        }
        shell.err(&diagnostics_render::human(&unset, &outcome.sources, style));
        return Err(Failure::error(format!(
            "user(s) {} do not exist in the cluster and have no password to be created with; set the password variable, add `password: ${{secret:NAME}}`, or create them in the cluster first",
            created.join(", ")
        )));
    }
    if !connect_args.no_visibility_check {
        check_visibility(&runtime, &connected.client, &live, Some(&plan))?;
    }
    let files = file_hashes(&outcome.sources, paths);
    Ok(Prepared {
        runtime,
        connected,
        live,
        desired,
        plan,
        first,
        files,
        identities,
    })
}
