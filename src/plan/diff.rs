//! `Planner`: desired state against live state under the ownership rules of
//! the format — declared objects are managed, undeclared ones are reported
//! (deleted only for pruned kinds), built-ins and protected objects are
//! never changed.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::catalogue::{BUILT_IN_ROLES, DEFAULT_TENANT, PermissionType};
use crate::model::desired::{Desired, Kind, MembersMode, Referenced};
use crate::model::desired::{Lifecycle, Move};
use crate::model::entity::{Entity, EntityKind, EntityRef};
use crate::model::state::{
    AccessState, AuthorizationTuple, Container, Grant, Membership, Principal, ResourceSelector,
};
use crate::model::state::{Group, Role, Tenant};
use crate::plan::change::{AttributeChange, Cascaded, Change, HeldBack, Plan, Unmanaged};

/// Computes plans. Pure: no I/O.
#[derive(Debug)]
pub struct Planner<'a> {
    desired: &'a Desired,
    live: &'a AccessState,
}

fn attribute(name: &'static str, before: &str, after: &str, out: &mut Vec<AttributeChange>) {
    if before != after {
        out.push(AttributeChange {
            name: name.to_owned(),
            before: before.to_owned(),
            after: after.to_owned(),
        });
    }
}

/// An update when any attribute differs.
fn updated(plan: &mut Plan, entity: Entity, attributes: Vec<AttributeChange>) {
    if !attributes.is_empty() {
        plan.changes.push(Change::Update { entity, attributes });
    }
}

/// The changes that make `tuple` grant exactly `target`, given what it
/// grants live. Several live keys whose union is `target` grant exactly
/// that: nothing to do (an export of such a cluster plans empty). When the
/// set must change, the first key gets it with one PUT and the others go.
fn converge_grant(
    plan: &mut Plan,
    tuple: &AuthorizationTuple,
    live: Option<&Grant>,
    target: &BTreeSet<PermissionType>,
) {
    match live {
        None => plan.changes.push(Change::CreateAuthorization {
            tuple: tuple.clone(),
            permissions: target.clone(),
        }),
        Some(live) if live.permissions != *target => {
            let mut keys = live.keys.iter();
            if let Some(first) = keys.next() {
                plan.changes.push(Change::UpdateAuthorization {
                    tuple: tuple.clone(),
                    key: first.clone(),
                    before: live.permissions.clone(),
                    after: target.clone(),
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

/// A live entity no file declares: deleted when its kind is pruned (and it
/// is not protected), otherwise reported as unmanaged.
fn undeclared(plan: &mut Plan, entity: EntityRef, pruned: bool) {
    if pruned {
        plan.changes.push(Change::Delete {
            entity,
            cascade: Vec::new(),
        });
    } else {
        plan.unmanaged.push(Unmanaged::Entity {
            kind: entity.kind(),
            id: entity.id().to_owned(),
        });
    }
}

/// Tenants, groups and roles: one shape, a name and a description.
struct Named<'s, Id, T> {
    kind: EntityKind,
    desired: &'s BTreeMap<Id, T>,
    live: &'s BTreeMap<Id, T>,
    fields: fn(&T) -> (&str, &str),
    entity: fn(Id, T) -> Entity,
    reference: fn(Id) -> EntityRef,
    container: fn(Id) -> Container,
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
        self.moves(&mut plan);
        // Held back first, so what a deletion takes along is counted as
        // Camunda will take it; then deletions that would take along what
        // a lifecycle holds are held back too.
        self.lifecycles(&mut plan);
        self.cascades(&mut plan);
        self.held_cascades(&mut plan);
        Self::into_deleted(&mut plan);
        plan.changes.sort();
        plan.changes.dedup();
        plan.unmanaged.sort();
        plan.held_back.sort();
        plan.held_back.dedup();
        plan
    }

    /// Renames (`moved:`): the old object's memberships that the files
    /// would not take away are given to the new one, and the old one is
    /// deleted (whatever `prune` says). Make before break in
    /// [`crate::plan::Order`] runs every grant before the deletion.
    fn moves(&self, plan: &mut Plan) {
        for Move { from, to } in &self.desired.moves {
            if !self.exists(from) {
                continue;
            }
            let entity = match from {
                Referenced::Container(c) => EntityRef::of_container(c),
                Referenced::Principal(Principal::MappingRule(m)) => {
                    EntityRef::MappingRule(m.clone())
                }
                Referenced::Principal(_) => continue,
            };
            plan.moved.push(Move {
                from: from.clone(),
                to: to.clone(),
            });
            // What the old object has, the new one gets: a carried member
            // already there (a re-run after a partial apply) stays, even
            // where the files do not list it.
            let carried = self.carried_memberships(from, to);
            plan.changes
                .retain(|c| !matches!(c, Change::RemoveMember(m) if carried.contains(m)));
            plan.changes
                .extend(self.copies(from, to).into_iter().map(Change::AddMember));
            for (tuple, mut target) in self.carried_grants(from, to) {
                // Another rename onto the same object (a chain whose both
                // old IDs exist) may have planned this tuple already.
                for c in &plan.changes {
                    match c {
                        Change::CreateAuthorization {
                            tuple: t,
                            permissions,
                        } if *t == tuple => target.extend(permissions.iter().cloned()),
                        Change::UpdateAuthorization {
                            tuple: t, after, ..
                        } if *t == tuple => target.extend(after.iter().cloned()),
                        _ => {}
                    }
                }
                plan.changes.retain(|c| match c {
                    Change::CreateAuthorization { tuple: t, .. }
                    | Change::UpdateAuthorization { tuple: t, .. }
                    | Change::DeleteAuthorization { tuple: t, .. } => *t != tuple,
                    _ => true,
                });
                converge_grant(plan, &tuple, self.live.authorizations.get(&tuple), &target);
            }
            let planned = plan
                .changes
                .iter()
                .any(|c| matches!(c, Change::Delete { entity: e, .. } if *e == entity));
            if !planned {
                match from {
                    Referenced::Container(c) => self.delete_container(plan, entity.clone(), c),
                    Referenced::Principal(_) => plan.changes.push(Change::Delete {
                        entity: entity.clone(),
                        cascade: Vec::new(),
                    }),
                }
            }
            let old = from.as_principal();
            plan.unmanaged.retain(|u| match u {
                Unmanaged::Entity { kind, id } => entity != kind.with_id(id.as_str()),
                Unmanaged::Membership { membership: m } => {
                    Referenced::Container(m.container.clone()) != *from
                        && Some(&m.member) != old.as_ref()
                }
                Unmanaged::Authorization { tuple, .. } => Some(&tuple.owner) != old.as_ref(),
            });
        }
    }

    /// What `object` is called after this plan: its new ID when it is
    /// renamed too (chained renames), else itself.
    fn renamed(&self, object: &Referenced) -> Referenced {
        self.desired
            .moves
            .iter()
            .find(|m| m.from == *object)
            .map_or_else(|| object.clone(), |m| m.to.clone())
    }

    /// The members of `from` as members of `to` (renamed containers), a
    /// member renamed too under its new ID.
    fn carried_members(&self, from: &Referenced, to: &Referenced) -> Vec<Membership> {
        let (Referenced::Container(old), Referenced::Container(new)) = (from, to) else {
            return Vec::new();
        };
        self.live
            .memberships
            .iter()
            .filter(|m| m.container == *old)
            .filter_map(|m| {
                Some(Membership {
                    container: new.clone(),
                    member: self.renamed(&Referenced::of(&m.member)).as_principal()?,
                })
            })
            .collect()
    }

    /// Every membership of `from`, as `to`'s: its members, and the
    /// containers it is in (a container renamed too under its new ID).
    fn carried_memberships(&self, from: &Referenced, to: &Referenced) -> Vec<Membership> {
        let mut carried = self.carried_members(from, to);
        if let (Some(old), Some(new)) = (from.as_principal(), to.as_principal()) {
            for m in self.live.memberships.iter().filter(|m| m.member == old) {
                if let Referenced::Container(container) =
                    self.renamed(&Referenced::Container(m.container.clone()))
                {
                    carried.push(Membership {
                        container,
                        member: new.clone(),
                    });
                }
            }
        }
        carried.sort();
        carried.dedup();
        carried
    }

    /// The memberships of `from` that `to` lacks. What the files list is
    /// planned anyway.
    fn copies(&self, from: &Referenced, to: &Referenced) -> Vec<Membership> {
        let mut copies = self.carried_memberships(from, to);
        copies.retain(|m| !self.live.memberships.contains(m));
        copies
    }

    /// The authorizations `to` must have to carry those of `from`: for each
    /// of `from`'s grants that the files do not declare in full for `to`,
    /// the tuple as `to`'s and the union of both permission sets.
    fn carried_grants(
        &self,
        from: &Referenced,
        to: &Referenced,
    ) -> Vec<(AuthorizationTuple, BTreeSet<PermissionType>)> {
        let (Some(old), Some(new)) = (from.as_principal(), to.as_principal()) else {
            return Vec::new();
        };
        if self.protected_principal(&new) {
            return Vec::new();
        }
        let declared = &self.desired.state.authorizations;
        self.live
            .authorizations
            .iter()
            .filter(|(t, _)| t.owner == old)
            .filter_map(|(t, grant)| {
                let tuple = AuthorizationTuple {
                    owner: new.clone(),
                    ..t.clone()
                };
                let mut target = declared
                    .get(&tuple)
                    .map(|g| g.permissions.clone())
                    .unwrap_or_default();
                if grant.permissions.is_subset(&target) {
                    return None;
                }
                target.extend(grant.permissions.iter().cloned());
                // Never less than the new object already has: a carried
                // grant only grants (make before break); the next plan
                // trims what the files do not declare.
                if let Some(now) = self.live.authorizations.get(&tuple) {
                    target.extend(now.permissions.iter().cloned());
                }
                Some((tuple, target))
            })
            .collect()
    }

    /// Moves the changes that write an `observe` object, or a `create-only`
    /// one that exists, to `held_back`.
    fn lifecycles(&self, plan: &mut Plan) {
        let d = self.desired;
        if d.lifecycles.is_empty() && d.authorization_lifecycles.is_empty() {
            return;
        }
        for change in std::mem::take(&mut plan.changes) {
            match self.holder(&change) {
                Some((object, lifecycle)) => plan.held_back.push(HeldBack {
                    change,
                    object,
                    lifecycle,
                }),
                None => plan.changes.push(change),
            }
        }
        // A rename whose carried membership is held back keeps its old
        // object, and the old object's memberships: removing them would
        // take that access away.
        for m in plan.moved.clone() {
            let carried = self.copies(&m.from, &m.to);
            let grants: Vec<AuthorizationTuple> = self
                .carried_grants(&m.from, &m.to)
                .into_iter()
                .map(|(tuple, _)| tuple)
                .collect();
            let blocked = plan.held_back.iter().find(|h| match &h.change {
                Change::AddMember(edge) => carried.contains(edge),
                Change::CreateAuthorization { tuple, .. }
                | Change::UpdateAuthorization { tuple, .. } => grants.contains(tuple),
                _ => false,
            });
            let Some(blocked) = blocked.cloned() else {
                continue;
            };
            let old = m.from.as_principal();
            // A mapping rule kept with its claim pair leaves no room for its
            // successor (Camunda allows one rule per pair): hold that back
            // too, rather than have the server refuse it.
            let new = self.same_claim(&m).then(|| m.to.as_principal()).flatten();
            let (held, kept): (Vec<Change>, Vec<Change>) = std::mem::take(&mut plan.changes)
                .into_iter()
                .partition(|c| match c {
                    Change::Delete { entity, .. } => {
                        entity.container().map(Referenced::Container).as_ref() == Some(&m.from)
                            || (matches!(m.from, Referenced::Principal(_))
                                && entity.principal() == old)
                    }
                    Change::RemoveMember(edge) => {
                        Some(&edge.member) == old.as_ref()
                            || Referenced::Container(edge.container.clone()) == m.from
                    }
                    Change::DeleteAuthorization { tuple, .. } => Some(&tuple.owner) == old.as_ref(),
                    Change::Create { entity } => {
                        new.is_some() && entity.reference().principal() == new
                    }
                    Change::AddMember(edge) => new.is_some() && Some(&edge.member) == new.as_ref(),
                    Change::CreateAuthorization { tuple, .. } => {
                        new.is_some() && Some(&tuple.owner) == new.as_ref()
                    }
                    _ => false,
                });
            plan.changes = kept;
            plan.held_back
                .extend(held.into_iter().map(|change| HeldBack {
                    change,
                    object: blocked.object.clone(),
                    lifecycle: blocked.lifecycle,
                }));
        }
    }

    /// Whether a renamed mapping rule keeps its claim pair.
    fn same_claim(&self, m: &Move) -> bool {
        let (
            Referenced::Principal(Principal::MappingRule(old)),
            Referenced::Principal(Principal::MappingRule(new)),
        ) = (&m.from, &m.to)
        else {
            return false;
        };
        let (Some(old), Some(new)) = (
            self.live.mapping_rules.get(old),
            self.desired.state.mapping_rules.get(new),
        ) else {
            return false;
        };
        (&old.claim_name, &old.claim_value) == (&new.claim_name, &new.claim_value)
    }

    /// Drops additions of members to a container the plan deletes (a
    /// rename's copy into a pruned role): pointless, and counted as access
    /// the plan grants. Run last, so a deletion held back keeps them.
    fn into_deleted(plan: &mut Plan) {
        let deleted: BTreeSet<EntityRef> = plan
            .changes
            .iter()
            .filter_map(|c| match c {
                Change::Delete { entity, .. } => Some(entity.clone()),
                _ => None,
            })
            .collect();
        plan.changes.retain(|c| {
            !matches!(c, Change::AddMember(m) if deleted.contains(&EntityRef::of_container(&m.container)))
        });
    }

    /// Holds back a deletion whose cascade would remove a membership that
    /// a lifecycle holds (a pruned user in an observed group).
    fn held_cascades(&self, plan: &mut Plan) {
        let d = self.desired;
        if d.lifecycles.is_empty() {
            return;
        }
        for change in std::mem::take(&mut plan.changes) {
            let holder = match &change {
                Change::Delete { cascade, .. } => cascade.iter().find_map(|c| match c {
                    Cascaded::Membership { membership } => {
                        self.holder(&Change::RemoveMember(membership.clone()))
                    }
                    _ => None,
                }),
                _ => None,
            };
            match holder {
                Some((object, lifecycle)) => plan.held_back.push(HeldBack {
                    change,
                    object,
                    lifecycle,
                }),
                None => plan.changes.push(change),
            }
        }
    }

    /// The object whose lifecycle holds `change` back, if any: the entity
    /// it writes, a membership's container or member, an authorization's
    /// owner or `authorizations:` entry.
    fn holder(&self, change: &Change) -> Option<(String, Lifecycle)> {
        let mut objects: Vec<Referenced> = Vec::new();
        let mut tuple = None;
        if let Some(entity) = change.entity() {
            objects.push(match (entity.container(), entity.principal()) {
                (Some(c), _) => Referenced::Container(c),
                (None, Some(p)) => Referenced::Principal(p),
                (None, None) => return None,
            });
        }
        match change {
            Change::AddMember(m) | Change::RemoveMember(m) => {
                objects.push(Referenced::Container(m.container.clone()));
                objects.push(Referenced::of(&m.member));
            }
            Change::CreateAuthorization { tuple: t, .. }
            | Change::UpdateAuthorization { tuple: t, .. }
            | Change::DeleteAuthorization { tuple: t, .. } => {
                objects.push(Referenced::of(&t.owner));
                tuple = Some(t);
            }
            _ => {}
        }
        for object in objects {
            let Some(&lifecycle) = self.desired.lifecycles.get(&object) else {
                continue;
            };
            if lifecycle == Lifecycle::Observe || self.exists(&object) {
                return Some((object.to_string(), lifecycle));
            }
        }
        let t = tuple?;
        let &lifecycle = self.desired.authorization_lifecycles.get(t)?;
        let held = lifecycle == Lifecycle::Observe || self.live.authorizations.contains_key(t);
        held.then(|| (format!("authorization {t}"), lifecycle))
    }

    /// Whether the live state holds `object`.
    fn exists(&self, object: &Referenced) -> bool {
        let live = self.live;
        match object {
            Referenced::Container(Container::Group(g)) => live.groups.contains_key(g),
            Referenced::Container(Container::Role(r)) => {
                live.roles.contains_key(r) || BUILT_IN_ROLES.contains(&r.as_str())
            }
            Referenced::Container(Container::Tenant(t)) => {
                live.tenants.contains_key(t) || t.as_str() == DEFAULT_TENANT
            }
            Referenced::Principal(Principal::User(u)) => live.users.contains_key(u),
            Referenced::Principal(Principal::MappingRule(m)) => live.mapping_rules.contains_key(m),
            // Clients exist in the identity provider, not in Camunda.
            Referenced::Principal(_) => true,
        }
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
            if let Change::Delete { entity, cascade } = change {
                deleted.push(entity.clone());
                *cascade = cascade_of(self.live, entity)
                    .into_iter()
                    .filter(|c| match c {
                        Cascaded::Membership { membership } => {
                            taken_members.insert(membership.clone())
                        }
                        Cascaded::Authorization { key, .. } => taken_keys.insert(key.clone()),
                    })
                    .collect();
                gone.extend(entity.principal());
            }
        }
        plan.unmanaged.retain(|u| match u {
            Unmanaged::Authorization { tuple, .. } => !gone.contains(&tuple.owner),
            // A membership another change removes is not left alone.
            Unmanaged::Membership { membership } if removed_members.contains(membership) => false,
            Unmanaged::Membership { membership } => !deleted
                .iter()
                .any(|entity| cascades_membership(entity, membership)),
            Unmanaged::Entity { .. } => true,
        });
    }

    fn entities(&self, plan: &mut Plan) {
        let d = &self.desired.state;
        let l = self.live;
        self.named(
            plan,
            &Named {
                kind: EntityKind::Tenant,
                desired: &d.tenants,
                live: &l.tenants,
                fields: |t: &Tenant| (&t.name, &t.description),
                entity: Entity::Tenant,
                reference: EntityRef::Tenant,
                container: Container::Tenant,
            },
        );
        self.named(
            plan,
            &Named {
                kind: EntityKind::Group,
                desired: &d.groups,
                live: &l.groups,
                fields: |g: &Group| (&g.name, &g.description),
                entity: Entity::Group,
                reference: EntityRef::Group,
                container: Container::Group,
            },
        );
        self.named(
            plan,
            &Named {
                kind: EntityKind::Role,
                desired: &d.roles,
                live: &l.roles,
                fields: |r: &Role| (&r.name, &r.description),
                entity: Entity::Role,
                reference: EntityRef::Role,
                container: Container::Role,
            },
        );
        for (id, rule) in &d.mapping_rules {
            let principal = Principal::MappingRule(id.clone());
            if self.protected_principal(&principal) {
                continue;
            }
            match l.mapping_rules.get(id) {
                None => plan.changes.push(Change::Create {
                    entity: Entity::MappingRule(id.clone(), rule.clone()),
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
                    updated(
                        plan,
                        Entity::MappingRule(id.clone(), rule.clone()),
                        attributes,
                    );
                }
            }
        }
        for id in l.mapping_rules.keys() {
            if !d.mapping_rules.contains_key(id) {
                let pruned = self.prunes(Kind::MappingRules)
                    && !self.protected_principal(&Principal::MappingRule(id.clone()));
                undeclared(plan, EntityRef::MappingRule(id.clone()), pruned);
            }
        }
        for (id, user) in &d.users {
            if self.protected_principal(&Principal::User(id.clone())) {
                continue;
            }
            match l.users.get(id) {
                None => plan.changes.push(Change::Create {
                    entity: Entity::User(id.clone(), user.clone()),
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
                    updated(plan, Entity::User(id.clone(), user.clone()), attributes);
                }
            }
        }
        for id in l.users.keys() {
            if !d.users.contains_key(id) {
                let pruned = self.prunes(Kind::Users)
                    && !self.protected_principal(&Principal::User(id.clone()));
                undeclared(plan, EntityRef::User(id.clone()), pruned);
            }
        }
    }

    /// Deleting a group or role leaves its own memberships in roles and
    /// tenants behind in Camunda (answers §1): remove them explicitly.
    fn delete_container(&self, plan: &mut Plan, entity: EntityRef, container: &Container) {
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
            entity,
            cascade: Vec::new(),
        });
    }

    /// Tenants, groups or roles: created, updated, deleted or left alone.
    fn named<Id: Ord + Clone, T: Clone>(&self, plan: &mut Plan, n: &Named<'_, Id, T>) {
        for (id, desired) in n.desired {
            if self.protected_container(&(n.container)(id.clone())) {
                continue;
            }
            let entity = || (n.entity)(id.clone(), desired.clone());
            match n.live.get(id) {
                None => plan.changes.push(Change::Create { entity: entity() }),
                Some(live) => {
                    let (name, description) = (n.fields)(desired);
                    let (live_name, live_description) = (n.fields)(live);
                    let mut attributes = Vec::new();
                    attribute("name", live_name, name, &mut attributes);
                    attribute(
                        "description",
                        live_description,
                        description,
                        &mut attributes,
                    );
                    updated(plan, entity(), attributes);
                }
            }
        }
        for id in n.live.keys() {
            let container = (n.container)(id.clone());
            let declared =
                n.desired.contains_key(id) || self.desired.containers.contains_key(&container);
            let built_in = match &container {
                Container::Role(r) => BUILT_IN_ROLES.contains(&r.as_str()),
                Container::Tenant(t) => t.as_str() == DEFAULT_TENANT,
                Container::Group(_) => false,
            };
            if declared || built_in {
                continue;
            }
            let entity = (n.reference)(id.clone());
            if self.prunes(n.kind.prune_kind()) && !self.protected_container(&container) {
                self.delete_container(plan, entity, &container);
            } else {
                undeclared(plan, entity, false);
            }
        }
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
        crate::model::builtins::built_in_grants(self.desired.version)
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
            converge_grant(plan, tuple, live.get(tuple), &grant.permissions);
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
                        permissions: grant.permissions_of(key),
                    });
                }
            } else if !built_in(&tuple.owner) || !self.camunda_grant(tuple, grant) {
                // Built-in roles' own grants are Camunda's; anything added
                // to them by hand is watched like any other.
                plan.unmanaged.push(Unmanaged::Authorization {
                    tuple: tuple.clone(),
                    permissions: grant.permissions.clone(),
                });
            }
        }
    }
}

/// The live state as it will be after the plan, as a cluster applies it
/// (cascades included). Used for effective access after the plan, and by
/// tests: projecting plan(A→B) onto A gives B on everything the plan manages.
pub fn projected(state: &AccessState, plan: &Plan) -> AccessState {
    let mut next = state.clone();
    for change in &plan.changes {
        match change {
            Change::AddMember(m) => {
                next.memberships.insert(m.clone());
            }
            Change::RemoveMember(m) => {
                next.memberships.remove(m);
            }
            Change::Create { entity } | Change::Update { entity, .. } => entity.put(&mut next),
            Change::Delete { entity, .. } => delete_entity(&mut next, entity),
            Change::CreateAuthorization { tuple, permissions } => {
                let grant = next.authorizations.entry(tuple.clone()).or_default();
                grant.permissions = permissions.clone();
                grant.keys = vec!["new".to_owned()];
                grant.by_key.clear();
            }
            Change::UpdateAuthorization {
                tuple, key, after, ..
            } => {
                let grant = next.authorizations.entry(tuple.clone()).or_default();
                grant.permissions = after.clone();
                grant.keys = vec![key.clone()];
                grant.by_key.clear();
            }
            Change::DeleteAuthorization { tuple, key, .. } => {
                let remove = match next.authorizations.get_mut(tuple) {
                    Some(grant) => {
                        grant.keys.retain(|k| k != key);
                        grant.by_key.remove(key);
                        // The keys left grant what they grant, where known.
                        if !grant.keys.is_empty()
                            && grant.keys.iter().all(|k| grant.by_key.contains_key(k))
                        {
                            grant.permissions = grant.by_key.values().flatten().cloned().collect();
                        }
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

/// Whether Camunda removes `membership` when the entity is deleted: a
/// group, role or tenant takes its members with it (a group's or role's
/// own memberships stay behind as orphans); a user or mapping rule leaves
/// every group, role and tenant.
fn cascades_membership(entity: &EntityRef, membership: &Membership) -> bool {
    match entity.container() {
        Some(container) => membership.container == container,
        None => entity.principal().as_ref() == Some(&membership.member),
    }
}

/// What Camunda deletes together with an entity (reference §6, answers
/// §1): members or memberships as `cascades_membership` says, and every
/// authorization the entity owns.
pub fn cascade_of(state: &AccessState, entity: &EntityRef) -> Vec<Cascaded> {
    let owner = entity.principal();
    let memberships = state
        .memberships
        .iter()
        .filter(|m| cascades_membership(entity, m))
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
                permissions: grant.permissions_of(key),
            })
        });
    memberships.chain(authorizations).collect()
}

/// Deletes an entity from `state` as Camunda does, cascade included.
fn delete_entity(state: &mut AccessState, entity: &EntityRef) {
    match entity {
        EntityRef::Tenant(id) => {
            state.tenants.remove(id);
        }
        EntityRef::Group(id) => {
            state.groups.remove(id);
        }
        EntityRef::Role(id) => {
            state.roles.remove(id);
        }
        EntityRef::MappingRule(id) => {
            state.mapping_rules.remove(id);
        }
        EntityRef::User(id) => {
            state.users.remove(id);
        }
    }
    state
        .memberships
        .retain(|m| !cascades_membership(entity, m));
    if let Some(owner) = entity.principal() {
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
                let list = |set: &BTreeSet<PermissionType>| {
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
