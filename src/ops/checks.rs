//! What Camunda would refuse, told before anything is written: references
//! to nothing, switched-off APIs, users that do not exist, IDs against the
//! cluster's pattern, claim pairs another rule holds, users without a
//! password to be created with, and reads that cannot see everything.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::config::Sources;
use crate::config::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::error::{Error, Result};
use crate::live::{Client, Live, visibility};
use crate::model::catalogue::{OwnerType, ResourceType};
use crate::model::desired::{Desired, Kind, Referenced};
use crate::model::state::{AccessState, Container, Principal};
use crate::plan::{Change, EntityKind, Plan};

/// Refuses a configuration that manages kinds whose API the cluster
/// switched off.
pub fn enabled_apis(desired: &Desired, live: &Live) -> Result<()> {
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
    let disabled: Vec<&str> = live
        .disabled
        .iter()
        .copied()
        .filter(|k| touches(*k))
        .map(Kind::as_str)
        .collect();
    if disabled.is_empty() {
        return Ok(());
    }
    Err(Error::Unworkable {
        message: format!(
            "the configuration manages {} but the cluster's API for them is switched off",
            disabled.join(", ")
        ),
        help: None,
    })
}

/// References that are neither declared nor in the cluster, as diagnostics.
pub fn unresolved(desired: &Desired, live: &Live, sources: &Sources) -> Diagnostics {
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

/// Refuses a plan Camunda would refuse part of, naming what and why.
pub fn workable(
    plan: &Plan,
    desired: &Desired,
    live: &Live,
    id_pattern: Option<&str>,
    sources: &Sources,
) -> Result<()> {
    // With internal users, Camunda refuses to add a user that does not
    // exist to a role or tenant (groups are not checked), and an
    // authorization whose owner is a user that does not exist.
    let users = !live.disabled.contains(&Kind::Users);
    if users {
        missing_members(desired, &live.state)?;
    }
    // A cluster with its own ID pattern refuses IDs that do not match it.
    if let Some(pattern) = id_pattern {
        id_pattern_matches(plan, pattern)?;
    }
    if users {
        missing_owners(plan, desired, &live.state)?;
    }
    // Camunda allows one mapping rule per claim pair: a pair held by a live
    // rule the files do not own (and the plan does not delete) cannot be
    // taken.
    let taken = claim_conflicts(plan, desired, &live.state);
    if !taken.is_empty() {
        return Err(Error::Unworkable {
            message: format!(
                "Camunda allows one mapping rule per claim and value: {}; declare that rule (to change or remove it), add `mapping-rules` to policy.prune, or pick another value",
                taken.join("; ")
            ),
            help: None,
        });
    }
    passwords(plan, desired, sources)
}

fn missing_members(desired: &Desired, live: &AccessState) -> Result<()> {
    let exists = |u| desired.state.users.contains_key(u) || live.users.contains_key(u);
    let missing: Vec<String> = desired
        .state
        .memberships
        .iter()
        .filter(|m| !matches!(m.container, Container::Group(_)))
        .filter(|m| matches!(&m.member, Principal::User(u) if !exists(u)))
        .map(|m| format!("{} in {}", m.member, m.container))
        .collect();
    if !missing.is_empty() {
        return Err(Error::Unworkable {
            message: format!(
                "this cluster manages its own users, and Camunda refuses to add a user that does not exist to a role or tenant: {}; declare the users (with a password) or create them first",
                missing.join(", ")
            ),
            help: None,
        });
    }
    Ok(())
}

fn missing_owners(plan: &Plan, desired: &Desired, live: &AccessState) -> Result<()> {
    let exists = |u| desired.state.users.contains_key(u) || live.users.contains_key(u);
    let ownerless: Vec<String> = plan
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::CreateAuthorization { tuple, .. } => match &tuple.owner {
                Principal::User(u) if !exists(u) => Some(tuple.to_string()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    if !ownerless.is_empty() {
        return Err(Error::Unworkable {
            message: format!(
                "this cluster manages its own users, and Camunda refuses an authorization for a user that does not exist: {}; declare the users (with a password) or create them first",
                ownerless.join(", ")
            ),
            help: None,
        });
    }
    Ok(())
}

fn id_pattern_matches(plan: &Plan, pattern: &str) -> Result<()> {
    let regex = regex::Regex::new(pattern).map_err(|e| {
        Error::Usage(format!(
            "--id-pattern {pattern:?} is not a regular expression: {e}"
        ))
    })?;
    let refused: Vec<String> = plan
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::Create { entity } => {
                let r = entity.reference();
                (r.kind() != EntityKind::Tenant && !regex.is_match(r.id())).then(|| r.to_string())
            }
            _ => None,
        })
        .collect();
    if refused.is_empty() {
        return Ok(());
    }
    Err(Error::Unworkable {
        message: format!(
            "the cluster's ID pattern {pattern} (camunda.security.id-validation-pattern) refuses {}; rename them, or correct --id-pattern / the target's id-pattern",
            refused.join(", ")
        ),
        help: None,
    })
}

/// Claim pairs the plan gives a mapping rule that a live rule holds which
/// the files do not own and the plan does not delete.
fn claim_conflicts(plan: &Plan, desired: &Desired, live: &AccessState) -> Vec<String> {
    use crate::plan::change::{Entity, EntityRef};
    let deleted: Vec<&EntityRef> = plan
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::Delete { entity, .. } => Some(entity),
            _ => None,
        })
        .collect();
    let mut conflicts = Vec::new();
    for change in &plan.changes {
        let (id, rule) = match change {
            Change::Create {
                entity: Entity::MappingRule(id, rule),
            }
            | Change::Update {
                entity: Entity::MappingRule(id, rule),
                ..
            } => (id, rule),
            _ => continue,
        };
        for (other, held) in &live.mapping_rules {
            if other != id
                && held.claim_name == rule.claim_name
                && held.claim_value == rule.claim_value
                && !desired.state.mapping_rules.contains_key(other)
                && !deleted.contains(&&EntityRef::MappingRule(other.clone()))
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

/// Camunda creates a user only with a password; its variable matters only
/// for a user this plan creates.
fn passwords(plan: &Plan, desired: &Desired, sources: &Sources) -> Result<()> {
    use crate::plan::change::Entity;
    let created: Vec<&str> = plan
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::Create {
                entity: Entity::User(username, user),
            } if user.password.is_none() => Some(username.as_str()),
            _ => None,
        })
        .collect();
    if created.is_empty() {
        return Ok(());
    }
    let mut unset = Diagnostics::default();
    for missing in desired
        .unset_passwords
        .iter()
        .filter(|u| created.contains(&u.username.as_str()))
    {
        let origin = &missing.origin;
        if let Some((file, _)) = sources.iter().find(|(_, f)| f.name == origin.file) {
            let loc = sources
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
    Err(Error::Config {
        message: format!(
            "user(s) {} do not exist in the cluster and have no password to be created with; set the password variable, add `password: ${{secret:NAME}}`, or create them in the cluster first",
            created.join(", ")
        ),
        diagnostics: unset,
        sources: sources.clone(),
    })
}

/// Refuses a read that cannot see everything it holds (see
/// [`crate::live::visibility`]); `plan` is the plan computed from it, whose creations
/// are asked for one by one.
pub async fn visibility(client: &Arc<Client>, live: &Live, plan: Option<&Plan>) -> Result<()> {
    let mut blind = visibility::blind_spots(live);
    let probes: Vec<(ResourceType, String)> = plan
        .map(|p| p.changes.as_slice())
        .unwrap_or_default()
        .iter()
        .filter_map(|c| match c {
            Change::Create { entity } => {
                let r = entity.reference();
                let kind = r.kind();
                visibility::object_path(kind.collection(), r.id())
                    .map(|path| (kind.resource_type(), path))
            }
            _ => None,
        })
        .filter(|(rt, _)| !blind.iter().any(|b| b.resource_type == *rt))
        .collect();
    if !probes.is_empty() {
        blind.extend(visibility::probe(client.clone(), &probes).await);
    }
    if blind.is_empty() {
        Ok(())
    } else {
        Err(Error::Unworkable {
            message: visibility::refusal(&blind),
            help: None,
        })
    }
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
/// access to clients, what the cluster's answer to `GET
/// /authentication/me` (`me`) says about how it identifies the tool's own
/// token. A cluster without a client-id claim (Camunda's default) sees
/// every machine token as a user named by its `sub`: then no authorization
/// or membership of a client applies to any token, and the configuration's
/// client entries grant nothing.
pub fn client_identity_warning(
    me: Option<&serde_json::Value>,
    principal: Option<&Principal>,
    desired: &Desired,
    live: &Live,
) -> Option<String> {
    let Some(Principal::Client(client_id)) = principal else {
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
        "the cluster identifies this tool's token as user:{username}, not as client:{client_id}: it seems to have no client-id claim configured (camunda.security.authentication.oidc.client-id-claim; Camunda sets none by default), so machine tokens are users named by their `sub` and what this configuration gives clients ({}{more}) applies to no token",
        listed.join(", ")
    ))
}

/// Containers (groups and roles) `principal` belongs to in `state`:
/// directly, and the roles of its groups.
fn containers_of(state: &AccessState, principal: &Principal) -> BTreeSet<Principal> {
    let mut found = BTreeSet::new();
    let mut groups = Vec::new();
    for m in state.memberships.iter().filter(|m| &m.member == principal) {
        match &m.container {
            Container::Group(g) => {
                found.insert(Principal::Group(g.clone()));
                groups.push(Principal::Group(g.clone()));
            }
            Container::Role(r) => {
                found.insert(Principal::Role(r.clone()));
            }
            Container::Tenant(_) => {}
        }
    }
    for group in groups {
        for m in state.memberships.iter().filter(|m| m.member == group) {
            if let Container::Role(r) = &m.container {
                found.insert(Principal::Role(r.clone()));
            }
        }
    }
    found
}

/// The mapping rules through which the tool gets access, judged from the
/// owners of its own authorizations as the cluster resolves them (8.10's
/// `POST /authentication/me/authorizations/search`, `own`): a mapping rule
/// owning one of them matches the tool's token; a group or role owning one
/// that none of `identities` (nor those mapping rules) belongs to in
/// `state` is reached through a mapping rule the tool cannot name, so every
/// mapping rule of `state` that belongs to it counts — the lockout guard
/// then refuses a plan that takes that access from any of them.
pub fn own_mapping_rules(
    own: &[(OwnerType, String)],
    state: &AccessState,
    identities: &[Principal],
) -> Vec<Principal> {
    let mut rules: BTreeSet<Principal> = own
        .iter()
        .filter(|(t, _)| *t == OwnerType::MappingRule)
        .map(|(_, id)| Principal::MappingRule(id.as_str().into()))
        .collect();
    let explained: BTreeSet<Principal> = identities
        .iter()
        .chain(rules.iter())
        .flat_map(|p| containers_of(state, p))
        .collect();
    let unexplained: BTreeSet<Principal> = own
        .iter()
        .filter(|(t, _)| matches!(t, OwnerType::Group | OwnerType::Role))
        .map(|(t, id)| Principal::new(*t, id))
        .filter(|c| !explained.contains(c))
        .collect();
    if !unexplained.is_empty() {
        for id in state.mapping_rules.keys() {
            let rule = Principal::MappingRule(id.clone());
            if !containers_of(state, &rule).is_disjoint(&unexplained) {
                rules.insert(rule);
            }
        }
    }
    rules
        .into_iter()
        .filter(|p| !identities.contains(p))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::state::Membership;

    fn member(container: Container, member: Principal) -> Membership {
        Membership { container, member }
    }

    #[test]
    fn the_tools_mapping_rules_come_from_its_own_authorizations() {
        let mut state = AccessState::default();
        let rule = |id: &str| Principal::MappingRule(id.into());
        for id in ["ci-rule", "people", "unrelated"] {
            let attributes = crate::model::state::MappingRule {
                name: id.to_owned(),
                claim_name: "client_id".to_owned(),
                claim_value: id.to_owned(),
            };
            state.mapping_rules.insert(id.into(), attributes);
        }
        state.memberships.extend([
            member(Container::Role("admin".into()), rule("ci-rule")),
            member(Container::Group("ops".into()), rule("people")),
            member(
                Container::Role("admin".into()),
                Principal::Group("ops".into()),
            ),
            member(Container::Role("auditor".into()), rule("unrelated")),
            member(
                Container::Role("deployer".into()),
                Principal::Client("ci".into()),
            ),
        ]);
        let me = [Principal::Client("ci".into())];
        // Admin's grants reach the tool, and not through client:ci: every
        // mapping rule in admin (directly or through a group) may be it.
        let own = vec![
            (OwnerType::Role, "admin".to_owned()),
            (OwnerType::Role, "deployer".to_owned()),
        ];
        assert_eq!(
            own_mapping_rules(&own, &state, &me),
            [rule("ci-rule"), rule("people")]
        );
        // Explained by the client's own membership: no mapping rule needed.
        let own = vec![(OwnerType::Role, "deployer".to_owned())];
        assert!(own_mapping_rules(&own, &state, &me).is_empty());
        // A mapping rule owning a grant is the tool's, and explains admin.
        let own = vec![
            (OwnerType::MappingRule, "ci-rule".to_owned()),
            (OwnerType::Role, "admin".to_owned()),
        ];
        assert_eq!(own_mapping_rules(&own, &state, &me), [rule("ci-rule")]);
        // Nothing from the cluster: nothing added.
        assert!(own_mapping_rules(&[], &state, &me).is_empty());
    }
}
