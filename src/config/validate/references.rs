//! References across the state: owners in `authorizations` that have a
//! section of their own, and groups, roles, tenants and mapping rules that
//! are named but not declared.

use std::collections::BTreeSet;

use crate::config::validate::{EntityKind, Validator, diags};
use crate::model::catalogue::{BUILT_IN_ROLES, DEFAULT_TENANT};
use crate::model::desired::{Reference, Referenced};
use crate::model::state::{Container, Principal};

impl Validator<'_> {
    /// Owners named in `authorizations` that have a section of their own.
    pub(super) fn check_references(&mut self) {
        let owners = std::mem::take(&mut self.owners_in_authorizations);
        for (owner, loc) in owners {
            let kind = match &owner {
                Principal::User(_) => EntityKind::User,
                Principal::Client(_) => EntityKind::Client,
                Principal::Group(_) => EntityKind::Group,
                Principal::Role(_) => EntityKind::Role,
                Principal::MappingRule(_) => EntityKind::MappingRule,
            };
            if let Some(declared) = self.declared.get(&(kind, owner.id().to_owned())).copied() {
                self.push(diags::owner_declared_elsewhere(loc, &owner, declared));
            }
        }
    }

    /// References to groups, roles, tenants and mapping rules that are not
    /// declared: warned about (they may exist in the cluster) and kept for
    /// the planner, which checks them against the live state.
    pub(super) fn resolve_references(&mut self) -> Vec<Reference> {
        let references = std::mem::take(&mut self.references);
        let mut warned = BTreeSet::new();
        let mut unresolved = Vec::new();
        for (target, loc) in references {
            let (kind, id) = match &target {
                Referenced::Container(Container::Group(g))
                | Referenced::Principal(Principal::Group(g)) => (EntityKind::Group, g.as_str()),
                Referenced::Container(Container::Role(r))
                | Referenced::Principal(Principal::Role(r)) => (EntityKind::Role, r.as_str()),
                Referenced::Container(Container::Tenant(t)) => (EntityKind::Tenant, t.as_str()),
                Referenced::Principal(Principal::MappingRule(m)) => {
                    (EntityKind::MappingRule, m.as_str())
                }
                Referenced::Principal(Principal::User(_) | Principal::Client(_)) => continue,
            };
            let built_in = match kind {
                EntityKind::Role => BUILT_IN_ROLES.contains(&id),
                EntityKind::Tenant => id == DEFAULT_TENANT,
                _ => false,
            };
            if built_in || self.declared.contains_key(&(kind, id.to_owned())) {
                continue;
            }
            if warned.insert((kind, id.to_owned(), loc)) {
                let section = match kind {
                    EntityKind::Group => "groups",
                    EntityKind::Role => "roles",
                    EntityKind::Tenant => "tenants",
                    _ => "mapping-rules",
                };
                self.push(diags::undeclared_reference(loc, kind.noun(), id, section));
            }
            unresolved.push(Reference {
                target,
                origin: self.sources.origin(loc),
            });
        }
        unresolved
    }
}
