//! `Validator`: turns parsed files into the desired state, collecting every
//! problem in every file with its place, code and help.
//!
//! Two passes: [`Validator::declare`] records entities and the policy, so
//! that [`Validator::relate`] can check memberships and permissions against
//! every file. The rules live in one file per seam (`values`, `entities`,
//! `members`, `permissions`, `policy`, `references`); what each problem
//! says is in `diags`.

mod diags;
pub(crate) use diags::LATER_VERSION_HINT;
mod entities;
mod members;
mod permissions;
mod policy;
mod references;
pub(crate) mod suggest;
#[cfg(test)]
mod tests;
mod values;

use std::collections::{BTreeMap, BTreeSet};

use crate::config::diagnostic::{Diagnostic, Diagnostics};
use crate::config::interpolate::Variables;
use crate::config::raw::{RawFile, Sp};
use crate::config::source::{FileId, Loc, Sources};
use crate::model::catalogue::{BUILT_IN_ROLES, CamundaVersion};
use crate::model::desired::{
    Desired, Lifecycle, MembersMode, Move, Policy, Referenced, UnsetPassword,
};
use crate::model::state::{AccessState, AuthorizationTuple, Container, Membership, Principal};

use members::Side;
use values::IdKind;

/// Validates parsed files against the format and a Camunda version.
pub(crate) struct Validator<'a> {
    sources: &'a Sources,
    vars: &'a Variables,
    version: CamundaVersion,
    diagnostics: Diagnostics,
    state: AccessState,
    policy: Option<(Policy, Loc)>,
    containers: BTreeMap<Container, MembersMode>,
    owners: BTreeSet<Principal>,
    declared: BTreeMap<(EntityKind, String), Loc>,
    membership_places: BTreeMap<Membership, Loc>,
    authorization_places: BTreeMap<AuthorizationTuple, Loc>,
    claim_places: BTreeMap<(String, String), Loc>,
    references: Vec<(Referenced, Loc)>,
    owners_in_authorizations: Vec<(Principal, Loc)>,
    unset_passwords: Vec<UnsetPassword>,
    lifecycles: BTreeMap<Referenced, Lifecycle>,
    authorization_lifecycles: BTreeMap<AuthorizationTuple, Lifecycle>,
    moves: Vec<(Move, Loc)>,
    /// Every `moved:` entry's old object, for chains (`a -> b`, `b -> c`).
    moved_from: BTreeSet<Referenced>,
}

/// The kinds of declared entity, for duplicate detection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum EntityKind {
    Tenant,
    Group,
    Role,
    MappingRule,
    Client,
    User,
}

impl EntityKind {
    fn noun(self) -> &'static str {
        match self {
            EntityKind::Tenant => "tenant",
            EntityKind::Group => "group",
            EntityKind::Role => "role",
            EntityKind::MappingRule => "mapping rule",
            EntityKind::Client => "client",
            EntityKind::User => "user",
        }
    }
}

impl<'a> Validator<'a> {
    /// A validator for files in `sources`, interpolating from `vars`.
    pub(crate) fn new(sources: &'a Sources, vars: &'a Variables, version: CamundaVersion) -> Self {
        Validator {
            sources,
            vars,
            version,
            diagnostics: Diagnostics::default(),
            state: AccessState::default(),
            policy: None,
            containers: BTreeMap::new(),
            owners: BTreeSet::new(),
            declared: BTreeMap::new(),
            membership_places: BTreeMap::new(),
            authorization_places: BTreeMap::new(),
            claim_places: BTreeMap::new(),
            references: Vec::new(),
            owners_in_authorizations: Vec::new(),
            unset_passwords: Vec::new(),
            lifecycles: BTreeMap::new(),
            authorization_lifecycles: BTreeMap::new(),
            moves: Vec::new(),
            moved_from: BTreeSet::new(),
        }
    }

    /// Validates all files as one desired state. The state is returned even
    /// when there are errors (for tooling); callers check the diagnostics.
    pub(crate) fn validate(mut self, files: &[(FileId, RawFile)]) -> (Desired, Diagnostics) {
        // Declarations first, so references can be checked against all files.
        for (file, raw) in files {
            self.check_version(*file, raw);
            self.declare(*file, raw);
        }
        for (file, raw) in files {
            self.relate(*file, raw);
        }
        self.moved_from = files
            .iter()
            .flat_map(|(_, raw)| &raw.moved)
            .filter_map(|entry| policy::parse_protect(&entry.from.as_ref()?.value).ok())
            .collect();
        for (file, raw) in files {
            for entry in &raw.moved {
                self.moved(*file, entry);
            }
        }
        self.chain_moves();
        self.check_references();
        let references = self.resolve_references();
        let desired = Desired {
            version: self.version,
            state: self.state,
            policy: self.policy.map(|(p, _)| p).unwrap_or_default(),
            containers: self.containers,
            owners: self.owners,
            references,
            unset_passwords: self.unset_passwords,
            lifecycles: self.lifecycles,
            authorization_lifecycles: self.authorization_lifecycles,
            moves: self.moves.into_iter().map(|(m, _)| m).collect(),
        };
        (desired, self.diagnostics)
    }

    fn loc(&self, file: FileId, text: &Sp<impl Sized>) -> Loc {
        self.sources.get(file).loc(file, &text.location)
    }

    fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    fn check_version(&mut self, file: FileId, raw: &RawFile) {
        let source = self.sources.get(file);
        match &raw.version {
            None => self.push(diags::missing_version(source.start(file), &source.name)),
            Some(version) => {
                if let Some(value) = self.value(file, version)
                    && value.text.trim() != "1"
                {
                    self.push(diags::unknown_version(value.loc, &value.text));
                }
            }
        }
    }

    /// First pass: entities and policy.
    fn declare(&mut self, file: FileId, raw: &RawFile) {
        if let Some(policy) = &raw.policy {
            self.declare_policy(file, policy);
        }
        for tenant in &raw.tenants {
            self.declare_tenant(file, tenant);
        }
        for group in &raw.groups {
            self.declare_group(file, group);
        }
        for role in &raw.roles {
            self.declare_role(file, role);
        }
        for rule in &raw.mapping_rules {
            self.declare_mapping_rule(file, rule);
        }
        for client in &raw.clients {
            self.declare_client(file, client);
        }
        for user in &raw.users {
            self.declare_user(file, user);
        }
    }

    /// Second pass: memberships and permissions, which refer to entities.
    fn relate(&mut self, file: FileId, raw: &RawFile) {
        for tenant in &raw.tenants {
            let Some(id) = self.quiet_value(&tenant.id, IdKind::Tenant) else {
                continue;
            };
            let container = Container::Tenant(id.into());
            let m = &tenant.members;
            self.members(file, &container, &m.users, IdKind::User);
            self.members(file, &container, &m.clients, IdKind::Client);
            self.members(file, &container, &m.groups, IdKind::Group);
            self.members(file, &container, &m.roles, IdKind::Role);
            self.members(file, &container, &m.mapping_rules, IdKind::MappingRule);
        }
        for group in &raw.groups {
            let Some(id) = self.quiet_value(&group.id, IdKind::Group) else {
                continue;
            };
            let container = Container::Group(id.as_str().into());
            let m = &group.members;
            self.members(file, &container, &m.users, IdKind::User);
            self.members(file, &container, &m.clients, IdKind::Client);
            self.members(file, &container, &m.mapping_rules, IdKind::MappingRule);
            let me = Principal::Group(id.into());
            self.memberships_of(file, &me, &group.roles, Side::Roles);
            self.memberships_of(file, &me, &group.tenants, Side::Tenants);
            self.permissions(file, &me, &group.permissions);
        }
        for role in &raw.roles {
            let Some(id) = self.quiet_value(&role.id, IdKind::Role) else {
                continue;
            };
            let container = Container::Role(id.as_str().into());
            let m = &role.members;
            self.members(file, &container, &m.users, IdKind::User);
            self.members(file, &container, &m.clients, IdKind::Client);
            self.members(file, &container, &m.groups, IdKind::Group);
            self.members(file, &container, &m.mapping_rules, IdKind::MappingRule);
            let built_in = BUILT_IN_ROLES.contains(&id.as_str());
            let me = Principal::Role(id.into());
            self.memberships_of(file, &me, &role.tenants, Side::Tenants);
            if !built_in {
                self.permissions(file, &me, &role.permissions);
            }
        }
        for rule in &raw.mapping_rules {
            let Some(id) = self.quiet_value(&rule.id, IdKind::MappingRule) else {
                continue;
            };
            let me = Principal::MappingRule(id.into());
            self.memberships_of(file, &me, &rule.groups, Side::Groups);
            self.memberships_of(file, &me, &rule.roles, Side::Roles);
            self.memberships_of(file, &me, &rule.tenants, Side::Tenants);
            self.permissions(file, &me, &rule.permissions);
        }
        for client in &raw.clients {
            let Some(id) = self.quiet_value(&client.id, IdKind::Client) else {
                continue;
            };
            let me = Principal::Client(id.into());
            self.memberships_of(file, &me, &client.groups, Side::Groups);
            self.memberships_of(file, &me, &client.roles, Side::Roles);
            self.memberships_of(file, &me, &client.tenants, Side::Tenants);
            self.permissions(file, &me, &client.permissions);
        }
        for user in &raw.users {
            let Some(id) = self.quiet_value(&user.username, IdKind::User) else {
                continue;
            };
            let me = Principal::User(id.into());
            self.memberships_of(file, &me, &user.groups, Side::Groups);
            self.memberships_of(file, &me, &user.roles, Side::Roles);
            self.memberships_of(file, &me, &user.tenants, Side::Tenants);
            self.permissions(file, &me, &user.permissions);
        }
        for authorization in &raw.authorizations {
            self.authorization(file, authorization);
        }
    }
}
