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

use crate::cli::connect::{ConnectArgs, Connected, connect};
use crate::cli::{Settings, exit};
use crate::config::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::config::{self, Sources};
use crate::live::{Client, Live, Reader};
use crate::model::desired::{Desired, Kind, Referenced};
use crate::model::state::{Container, Principal};
use crate::plan::{Plan, Planner};
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
}

/// What a plan file records about the inputs of `prepared`.
pub fn record_of(prepared: &Prepared) -> crate::render::plan::PlanRecord {
    crate::render::plan::PlanRecord {
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        target: prepared.connected.target.clone(),
        camunda_version: prepared.live.version.to_string(),
        desired_sha256: crate::plan::fingerprint::fingerprint(&prepared.desired),
        live_sha256: crate::plan::fingerprint::fingerprint(&prepared.live.state),
    }
}

/// Prints `message` as an error and gives the error exit code.
pub fn fail(shell: &Shell, message: &str) -> u8 {
    shell.err(&format!("error: {message}\n"));
    exit::ERROR
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
    runtime: &Runtime,
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
    let me = match runtime.block_on(connected.client.request(
        reqwest::Method::GET,
        "/authentication/me",
        None,
    )) {
        Ok(Some(me)) => me,
        Ok(None) => return None,
        Err(e) => {
            crate::render::log::debug(|| {
                format!("cannot tell how the cluster sees this tool: {e}")
            });
            return None;
        }
    };
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

/// Reads the whole live state, or prints why not.
pub fn read(runtime: &Runtime, client: &std::sync::Arc<Client>, shell: &Shell) -> Result<Live, u8> {
    runtime
        .block_on(Reader::new(client.clone(), 16).read())
        .map_err(|e| fail(shell, &format!("reading the cluster: {e}")))
}

/// Reads the cluster behind `connect_args` and plans the configuration at `paths`.
pub fn prepare(
    paths: &[PathBuf],
    connect_args: &ConnectArgs,
    settings: &Settings,
    shell: &Shell,
) -> Result<Prepared, u8> {
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| fail(shell, &format!("cannot start a runtime: {e}")))?;
    let connected = connect(connect_args, settings, shell).map_err(|e| fail(shell, &e))?;
    let mut live = read(&runtime, &connected.client, shell)?;
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
        return Err(fail(
            shell,
            &format!(
                "the configuration is invalid ({})",
                diagnostics_render::summary(&outcome.diagnostics)
            ),
        ));
    };
    if let Some(warning) = client_identity_warning(&runtime, &connected, &desired, &live) {
        shell.err(&warning);
    }
    let disabled = disabled_kinds(&desired, &live);
    if !disabled.is_empty() {
        let names: Vec<&str> = disabled.iter().map(|k| k.as_str()).collect();
        return Err(fail(
            shell,
            &format!(
                "the configuration manages {} but the cluster's API for them is switched off",
                names.join(", ")
            ),
        ));
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
    while (!plan.is_empty() || problems.has_errors()) && !settle.is_zero() {
        if rounds == 10 {
            shell.err("warning: the cluster kept changing while it was read; this plan may already be out of date\n");
            break;
        }
        rounds += 1;
        std::thread::sleep(settle);
        let again = read(&runtime, &connected.client, shell)?;
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
        return Err(fail(shell, "references cannot be resolved"));
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
            return Err(fail(
                shell,
                &format!(
                    "this cluster manages its own users, and Camunda refuses to add a user that does not exist to a role or tenant: {}; declare the users (with a password) or create them first",
                    missing.join(", ")
                ),
            ));
        }
    }
    // Camunda creates a user only with a password.
    let passwordless: Vec<&str> = plan
        .changes
        .iter()
        .filter_map(|c| match c {
            crate::plan::Change::Create {
                kind: crate::plan::EntityKind::User,
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
    if !passwordless.is_empty() {
        return Err(fail(
            shell,
            &format!(
                "user(s) {} do not exist in the cluster and have no password to be created with; add `password: ${{env:NAME}}` or create them in the cluster first",
                passwordless.join(", ")
            ),
        ));
    }
    Ok(Prepared {
        runtime,
        connected,
        live,
        desired,
        plan,
        first,
    })
}
