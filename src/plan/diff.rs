//! `Planner`: desired state against live state under the ownership rules of
//! the format — declared objects are managed, undeclared ones are reported
//! (deleted only for pruned kinds), built-ins and protected objects are
//! never changed.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::catalogue::{BUILT_IN_ROLES, DEFAULT_TENANT};
use crate::model::desired::{Desired, Kind, MembersMode, Referenced};
use crate::model::state::{
    AccessState, AuthorizationTuple, Container, Grant, Membership, Principal, ResourceSelector,
};
use crate::plan::change::{AttributeChange, Cascaded, Change, EntityKind, Plan, Unmanaged};

/// Computes plans. Pure: no I/O.
#[derive(Debug)]
pub struct Planner<'a> {
    desired: &'a Desired,
    live: &'a AccessState,
}

fn attribute(name: &'static str, before: &str, after: &str, out: &mut Vec<AttributeChange>) {
    if before != after {
        out.push(AttributeChange {
            name,
            before: before.to_owned(),
            after: after.to_owned(),
        });
    }
}

/// An update when any attribute differs.
fn updated(plan: &mut Plan, kind: EntityKind, id: String, attributes: Vec<AttributeChange>) {
    if !attributes.is_empty() {
        plan.changes.push(Change::Update {
            kind,
            id,
            attributes,
        });
    }
}

/// A live entity no file declares: deleted when its kind is pruned (and it
/// is not protected), otherwise reported as unmanaged.
fn undeclared(plan: &mut Plan, kind: EntityKind, id: &str, pruned: bool) {
    let id = id.to_owned();
    if pruned {
        plan.changes.push(Change::Delete {
            kind,
            id,
            cascade: Vec::new(),
        });
    } else {
        plan.unmanaged.push(Unmanaged::Entity { kind, id });
    }
}

impl<'a> Planner<'a> {
    /// A planner for `desired` against `live`.
    pub fn new(desired: &'a Desired, live: &'a AccessState) -> Self {
        Planner { desired, live }
    }

    fn protected_container(&self, container: &Container) -> bool {
        let policy = &self.desired.policy;
        policy
            .protect
            .contains(&Referenced::Container(container.clone()))
    }

    fn protected_principal(&self, principal: &Principal) -> bool {
        let as_container = match principal {
            Principal::Group(g) => Some(Container::Group(g.clone())),
            Principal::Role(r) => Some(Container::Role(r.clone())),
            _ => None,
        };
        self.desired
            .policy
            .protect
            .contains(&Referenced::Principal(principal.clone()))
            || as_container.is_some_and(|c| self.protected_container(&c))
    }

    fn prunes(&self, kind: Kind) -> bool {
        self.desired.policy.prune.contains(&kind)
    }

    /// The plan.
    pub fn plan(&self) -> Plan {
        let mut plan = Plan::default();
        self.entities(&mut plan);
        self.memberships(&mut plan);
        self.authorizations(&mut plan);
        self.cascades(&mut plan);
        plan.changes.sort();
        plan.changes.dedup();
        plan.unmanaged.sort();
        plan
    }

    /// What each deletion takes with it in Camunda, beyond what another
    /// change already removes; none of it is left alone.
    fn cascades(&self, plan: &mut Plan) {
        let mut removed_members = BTreeSet::new();
        let mut removed_keys = BTreeSet::new();
        for change in &plan.changes {
            match change {
                Change::RemoveMember(m) => {
                    removed_members.insert(m.clone());
                }
                Change::DeleteAuthorization { key, .. } => {
                    removed_keys.insert(key.clone());
                }
                _ => {}
            }
        }
        let mut gone = BTreeSet::new();
        let mut deleted = Vec::new();
        // A membership or key two deletions take (a pruned user in a pruned
        // group) is listed, and counted, under the first only.
        let mut taken_members = removed_members.clone();
        let mut taken_keys = removed_keys;
        for change in &mut plan.changes {
            if let Change::Delete { kind, id, cascade } = change {
                deleted.push((*kind, id.clone()));
                *cascade = cascade_of(self.live, *kind, id)
                    .into_iter()
                    .filter(|c| match c {
                        Cascaded::Membership { membership } => {
                            taken_members.insert(membership.clone())
                        }
                        Cascaded::Authorization { key, .. } => taken_keys.insert(key.clone()),
                    })
                    .collect();
                gone.extend(entity_principal(*kind, id));
            }
        }
        plan.unmanaged.retain(|u| match u {
            Unmanaged::Authorization { tuple } => !gone.contains(&tuple.owner),
            // A membership another change removes is not left alone.
            Unmanaged::Membership { membership } if removed_members.contains(membership) => false,
            Unmanaged::Membership { membership } => !deleted
                .iter()
                .any(|(kind, id)| cascades_membership(*kind, id, membership)),
            Unmanaged::Entity { .. } => true,
        });
    }

    fn entities(&self, plan: &mut Plan) {
        let d = &self.desired.state;
        let l = self.live;
        // Tenants, groups and roles share one shape.
        let named = [
            (
                EntityKind::Tenant,
                Kind::Tenants,
                d.tenants
                    .iter()
                    .map(|(id, t)| (id.to_string(), (t.name.clone(), t.description.clone())))
                    .collect::<BTreeMap<_, _>>(),
                l.tenants
                    .iter()
                    .map(|(id, t)| (id.to_string(), (t.name.clone(), t.description.clone())))
                    .collect::<BTreeMap<_, _>>(),
            ),
            (
                EntityKind::Group,
                Kind::Groups,
                d.groups
                    .iter()
                    .map(|(id, g)| (id.to_string(), (g.name.clone(), g.description.clone())))
                    .collect(),
                l.groups
                    .iter()
                    .map(|(id, g)| (id.to_string(), (g.name.clone(), g.description.clone())))
                    .collect(),
            ),
            (
                EntityKind::Role,
                Kind::Roles,
                d.roles
                    .iter()
                    .map(|(id, r)| (id.to_string(), (r.name.clone(), r.description.clone())))
                    .collect(),
                l.roles
                    .iter()
                    .map(|(id, r)| (id.to_string(), (r.name.clone(), r.description.clone())))
                    .collect(),
            ),
        ];
        for (kind, prune_kind, desired, live) in named {
            let container = |id: &str| match kind {
                EntityKind::Tenant => Container::Tenant(id.into()),
                EntityKind::Group => Container::Group(id.into()),
                _ => Container::Role(id.into()),
            };
            for (id, (name, description)) in &desired {
                if self.protected_container(&container(id)) {
                    continue;
                }
                match live.get(id) {
                    None => plan.changes.push(Change::Create {
                        kind,
                        id: id.clone(),
                        attributes: BTreeMap::from([
                            ("name", name.clone()),
                            ("description", description.clone()),
                        ]),
                    }),
                    Some((live_name, live_description)) => {
                        let mut attributes = Vec::new();
                        attribute("name", live_name, name, &mut attributes);
                        attribute(
                            "description",
                            live_description,
                            description,
                            &mut attributes,
                        );
                        updated(plan, kind, id.clone(), attributes);
                    }
                }
            }
            for id in live.keys() {
                let declared = desired.contains_key(id)
                    || self.desired.containers.contains_key(&container(id));
                let built_in = match kind {
                    EntityKind::Role => BUILT_IN_ROLES.contains(&id.as_str()),
                    EntityKind::Tenant => id == DEFAULT_TENANT,
                    _ => false,
                };
                if declared || built_in {
                    continue;
                }
                if self.prunes(prune_kind) && !self.protected_container(&container(id)) {
                    self.delete_container(plan, kind, &container(id));
                } else {
                    undeclared(plan, kind, id, false);
                }
            }
        }
        for (id, rule) in &d.mapping_rules {
            let principal = Principal::MappingRule(id.clone());
            if self.protected_principal(&principal) {
                continue;
            }
            match l.mapping_rules.get(id) {
                None => plan.changes.push(Change::Create {
                    kind: EntityKind::MappingRule,
                    id: id.to_string(),
                    attributes: BTreeMap::from([
                        ("name", rule.name.clone()),
                        ("claim", rule.claim_name.clone()),
                        ("value", rule.claim_value.clone()),
                    ]),
                }),
                Some(live) => {
                    let mut attributes = Vec::new();
                    attribute("name", &live.name, &rule.name, &mut attributes);
                    attribute("claim", &live.claim_name, &rule.claim_name, &mut attributes);
                    attribute(
                        "value",
                        &live.claim_value,
                        &rule.claim_value,
                        &mut attributes,
                    );
                    updated(plan, EntityKind::MappingRule, id.to_string(), attributes);
                }
            }
        }
        for id in l.mapping_rules.keys() {
            if !d.mapping_rules.contains_key(id) {
                let pruned = self.prunes(Kind::MappingRules)
                    && !self.protected_principal(&Principal::MappingRule(id.clone()));
                undeclared(plan, EntityKind::MappingRule, id.as_str(), pruned);
            }
        }
        for (id, user) in &d.users {
            if self.protected_principal(&Principal::User(id.clone())) {
                continue;
            }
            match l.users.get(id) {
                None => plan.changes.push(Change::Create {
                    kind: EntityKind::User,
                    id: id.to_string(),
                    attributes: [("name", &user.name), ("email", &user.email)]
                        .into_iter()
                        .filter_map(|(k, v)| v.clone().map(|v| (k, v)))
                        .collect(),
                }),
                Some(live) => {
                    // Only attributes the files manage; the password is never compared.
                    let mut attributes = Vec::new();
                    if let Some(name) = &user.name {
                        attribute(
                            "name",
                            live.name.as_deref().unwrap_or(""),
                            name,
                            &mut attributes,
                        );
                    }
                    if let Some(email) = &user.email {
                        attribute(
                            "email",
                            live.email.as_deref().unwrap_or(""),
                            email,
                            &mut attributes,
                        );
                    }
                    updated(plan, EntityKind::User, id.to_string(), attributes);
                }
            }
        }
        for id in l.users.keys() {
            if !d.users.contains_key(id) {
                let pruned = self.prunes(Kind::Users)
                    && !self.protected_principal(&Principal::User(id.clone()));
                undeclared(plan, EntityKind::User, id.as_str(), pruned);
            }
        }
    }

    /// Deleting a group or role leaves its own memberships in roles and
    /// tenants behind in Camunda (answers §1): remove them explicitly.
    fn delete_container(&self, plan: &mut Plan, kind: EntityKind, container: &Container) {
        let as_member = match container {
            Container::Group(g) => Some(Principal::Group(g.clone())),
            Container::Role(r) => Some(Principal::Role(r.clone())),
            Container::Tenant(_) => None,
        };
        if let Some(member) = as_member {
            for m in self.live.memberships.iter().filter(|m| m.member == member) {
                plan.changes.push(Change::RemoveMember(m.clone()));
            }
        }
        plan.changes.push(Change::Delete {
            kind,
            id: container.id().to_owned(),
            cascade: Vec::new(),
        });
    }

    fn memberships(&self, plan: &mut Plan) {
        let desired = &self.desired.state.memberships;
        let live = &self.live.memberships;
        for m in desired.difference(live) {
            if !self.protected_container(&m.container) && !self.protected_principal(&m.member) {
                plan.changes.push(Change::AddMember(m.clone()));
            }
        }
        for m in live.difference(desired) {
            let mode = self.desired.containers.get(&m.container);
            let protected =
                self.protected_container(&m.container) || self.protected_principal(&m.member);
            if mode == Some(&MembersMode::Authoritative) && !protected {
                plan.changes.push(Change::RemoveMember(m.clone()));
            } else if (mode.is_some() || built_in_container(&m.container)) && !camunda_own(m) {
                // Members nobody listed of a container whose other members
                // are managed, or of a built-in one: watched, left alone.
                plan.unmanaged.push(Unmanaged::Membership {
                    membership: m.clone(),
                });
            }
        }
    }

    /// Whether a built-in role's authorization is one Camunda gives it on
    /// a fresh cluster (or narrower).
    fn camunda_grant(&self, tuple: &AuthorizationTuple, grant: &Grant) -> bool {
        crate::sim::defaults::built_in_grants(self.desired.version)
            .iter()
            .any(|(role, rt, property, permissions)| {
                tuple.owner == Principal::Role((*role).into())
                    && tuple.resource_type == *rt
                    && match (&tuple.resource, property) {
                        (ResourceSelector::Id(id), None) => id == "*",
                        (ResourceSelector::Property(p), Some(q)) => p == q,
                        _ => false,
                    }
                    && grant.permissions.iter().all(|p| permissions.contains(p))
            })
    }

    fn authorizations(&self, plan: &mut Plan) {
        let desired = &self.desired.state.authorizations;
        let live = &self.live.authorizations;
        let built_in =
            |p: &Principal| matches!(p, Principal::Role(r) if BUILT_IN_ROLES.contains(&r.as_str()));
        let managed = |p: &Principal| {
            !built_in(p)
                && !self.protected_principal(p)
                && (self.desired.owners.contains(p) || self.prunes(Kind::Authorizations))
        };
        for (tuple, grant) in desired {
            if !managed(&tuple.owner) {
                continue;
            }
            match live.get(tuple) {
                None => plan.changes.push(Change::CreateAuthorization {
                    tuple: tuple.clone(),
                    permissions: grant.permissions.clone(),
                }),
                // Several live keys whose union is the desired set grant
                // exactly what is declared: nothing to do (an export of
                // such a cluster plans empty). When the set must change,
                // the first key gets it with one PUT and the others go.
                Some(live_grant) if live_grant.permissions != grant.permissions => {
                    let mut keys = live_grant.keys.iter();
                    if let Some(first) = keys.next() {
                        plan.changes.push(Change::UpdateAuthorization {
                            tuple: tuple.clone(),
                            key: first.clone(),
                            before: live_grant.permissions.clone(),
                            after: grant.permissions.clone(),
                        });
                    }
                    for key in keys {
                        plan.changes.push(Change::DeleteAuthorization {
                            tuple: tuple.clone(),
                            key: key.clone(),
                            permissions: BTreeSet::new(),
                        });
                    }
                }
                Some(_) => {}
            }
        }
        for (tuple, grant) in live {
            // A user's own authorization from Camunda is built-in unless declared.
            if desired.contains_key(tuple) || tuple.is_self_authorization(&grant.permissions) {
                continue;
            }
            if managed(&tuple.owner) {
                for key in &grant.keys {
                    plan.changes.push(Change::DeleteAuthorization {
                        tuple: tuple.clone(),
                        key: key.clone(),
                        permissions: grant.permissions.clone(),
                    });
                }
            } else if !built_in(&tuple.owner) || !self.camunda_grant(tuple, grant) {
                // Built-in roles' own grants are Camunda's; anything added
                // to them by hand is watched like any other.
                plan.unmanaged.push(Unmanaged::Authorization {
                    tuple: tuple.clone(),
                });
            }
        }
    }
}

/// The live state as it will be after the plan, as a cluster applies it
/// (cascades included). Used for effective access after the plan, and by
/// tests: projecting plan(A→B) onto A gives B on everything the plan manages.
pub fn projected(state: &AccessState, plan: &Plan, desired: &Desired) -> AccessState {
    let mut next = state.clone();
    for change in &plan.changes {
        match change {
            Change::AddMember(m) => {
                next.memberships.insert(m.clone());
            }
            Change::RemoveMember(m) => {
                next.memberships.remove(m);
            }
            Change::Create { kind, id, .. } | Change::Update { kind, id, .. } => {
                let d = &desired.state;
                match kind {
                    EntityKind::Tenant => {
                        next.tenants
                            .insert(id.as_str().into(), d.tenants[&id.as_str().into()].clone());
                    }
                    EntityKind::Group => {
                        next.groups
                            .insert(id.as_str().into(), d.groups[&id.as_str().into()].clone());
                    }
                    EntityKind::Role => {
                        next.roles
                            .insert(id.as_str().into(), d.roles[&id.as_str().into()].clone());
                    }
                    EntityKind::MappingRule => {
                        next.mapping_rules.insert(
                            id.as_str().into(),
                            d.mapping_rules[&id.as_str().into()].clone(),
                        );
                    }
                    EntityKind::User => {
                        next.users
                            .insert(id.as_str().into(), d.users[&id.as_str().into()].clone());
                    }
                }
            }
            Change::Delete { kind, id, .. } => delete_entity(&mut next, *kind, id),
            Change::CreateAuthorization { tuple, permissions } => {
                let grant = next.authorizations.entry(tuple.clone()).or_default();
                grant.permissions = permissions.clone();
                grant.keys = vec!["new".to_owned()];
            }
            Change::UpdateAuthorization {
                tuple, key, after, ..
            } => {
                let grant = next.authorizations.entry(tuple.clone()).or_default();
                grant.permissions = after.clone();
                grant.keys = vec![key.clone()];
            }
            Change::DeleteAuthorization { tuple, key, .. } => {
                let remove = match next.authorizations.get_mut(tuple) {
                    Some(grant) => {
                        grant.keys.retain(|k| k != key);
                        grant.keys.is_empty()
                    }
                    None => false,
                };
                if remove {
                    next.authorizations.remove(tuple);
                }
            }
        }
    }
    next
}

/// Whether a container is one Camunda creates: a built-in role or `<default>`.
fn built_in_container(container: &Container) -> bool {
    match container {
        Container::Role(r) => BUILT_IN_ROLES.contains(&r.as_str()),
        Container::Tenant(t) => t.as_str() == DEFAULT_TENANT,
        Container::Group(_) => false,
    }
}

/// Whether a membership is one Camunda makes itself on a fresh cluster: a
/// built-in role in `<default>`.
fn camunda_own(m: &Membership) -> bool {
    matches!(&m.member, Principal::Role(r) if BUILT_IN_ROLES.contains(&r.as_str()))
        && matches!(&m.container, Container::Tenant(t) if t.as_str() == DEFAULT_TENANT)
}

/// The principal an entity is when it is a member or an owner.
fn entity_principal(kind: EntityKind, id: &str) -> Option<Principal> {
    match kind {
        EntityKind::Tenant => None,
        EntityKind::Group => Some(Principal::Group(id.into())),
        EntityKind::Role => Some(Principal::Role(id.into())),
        EntityKind::MappingRule => Some(Principal::MappingRule(id.into())),
        EntityKind::User => Some(Principal::User(id.into())),
    }
}

/// Whether Camunda removes `membership` when the entity is deleted: a
/// group, role or tenant takes its members with it (a group's or role's
/// own memberships stay behind as orphans); a user or mapping rule leaves
/// every group, role and tenant.
fn cascades_membership(kind: EntityKind, id: &str, membership: &Membership) -> bool {
    match kind {
        EntityKind::Tenant | EntityKind::Group | EntityKind::Role => {
            membership.container.id() == id
                && match &membership.container {
                    Container::Tenant(_) => kind == EntityKind::Tenant,
                    Container::Group(_) => kind == EntityKind::Group,
                    Container::Role(_) => kind == EntityKind::Role,
                }
        }
        EntityKind::MappingRule | EntityKind::User => {
            entity_principal(kind, id).as_ref() == Some(&membership.member)
        }
    }
}

/// What Camunda deletes together with an entity (reference §6, answers
/// §1): members or memberships as [`cascades_membership`] says, and every
/// authorization the entity owns.
pub fn cascade_of(state: &AccessState, kind: EntityKind, id: &str) -> Vec<Cascaded> {
    let owner = entity_principal(kind, id);
    let memberships = state
        .memberships
        .iter()
        .filter(|m| cascades_membership(kind, id, m))
        .map(|m| Cascaded::Membership {
            membership: m.clone(),
        });
    let authorizations = state
        .authorizations
        .iter()
        .filter(|(tuple, _)| Some(&tuple.owner) == owner.as_ref())
        .flat_map(|(tuple, grant)| {
            grant.keys.iter().map(|key| Cascaded::Authorization {
                tuple: tuple.clone(),
                key: key.clone(),
                permissions: grant.permissions.clone(),
            })
        });
    memberships.chain(authorizations).collect()
}

/// Deletes an entity from `state` as Camunda does, cascade included.
fn delete_entity(state: &mut AccessState, kind: EntityKind, id: &str) {
    match kind {
        EntityKind::Tenant => {
            state.tenants.remove(&id.into());
        }
        EntityKind::Group => {
            state.groups.remove(&id.into());
        }
        EntityKind::Role => {
            state.roles.remove(&id.into());
        }
        EntityKind::MappingRule => {
            state.mapping_rules.remove(&id.into());
        }
        EntityKind::User => {
            state.users.remove(&id.into());
        }
    }
    state
        .memberships
        .retain(|m| !cascades_membership(kind, id, m));
    if let Some(owner) = entity_principal(kind, id) {
        state.authorizations.retain(|t, _| t.owner != owner);
    }
}

/// What differs between two live states, one line per object, for
/// messages such as "the cluster changed since the plan was made".
pub fn differences(before: &AccessState, after: &AccessState) -> Vec<String> {
    use std::fmt::Debug;
    fn maps<K: Ord + std::fmt::Display, V: PartialEq + Debug>(
        kind: &str,
        before: &BTreeMap<K, V>,
        after: &BTreeMap<K, V>,
        out: &mut Vec<String>,
    ) {
        for (id, value) in before {
            match after.get(id) {
                None => out.push(format!("{kind} {id} was deleted")),
                Some(now) if now != value => out.push(format!("{kind} {id} was changed")),
                _ => {}
            }
        }
        for id in after.keys().filter(|id| !before.contains_key(id)) {
            out.push(format!("{kind} {id} was created"));
        }
    }
    let mut out = Vec::new();
    maps("tenant", &before.tenants, &after.tenants, &mut out);
    maps("group", &before.groups, &after.groups, &mut out);
    maps("role", &before.roles, &after.roles, &mut out);
    maps(
        "mapping-rule",
        &before.mapping_rules,
        &after.mapping_rules,
        &mut out,
    );
    maps("user", &before.users, &after.users, &mut out);
    for m in before.memberships.difference(&after.memberships) {
        out.push(format!("{} was removed from {}", m.member, m.container));
    }
    for m in after.memberships.difference(&before.memberships) {
        out.push(format!("{} was added to {}", m.member, m.container));
    }
    for (tuple, grant) in &before.authorizations {
        match after.authorizations.get(tuple) {
            None => out.push(format!("the authorization {tuple} was deleted")),
            Some(now) if now.permissions != grant.permissions => {
                let list = |set: &BTreeSet<crate::model::catalogue::PermissionType>| {
                    set.iter()
                        .map(|p| p.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                out.push(format!(
                    "the authorization {tuple} changed from [{}] to [{}]",
                    list(&grant.permissions),
                    list(&now.permissions)
                ));
            }
            Some(now) if now.keys != grant.keys => {
                out.push(format!("the authorization {tuple} was re-created"));
            }
            _ => {}
        }
    }
    for tuple in after
        .authorizations
        .keys()
        .filter(|t| !before.authorizations.contains_key(t))
    {
        out.push(format!("the authorization {tuple} was created"));
    }
    out
}
