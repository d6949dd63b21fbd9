//! `Validator`: turns parsed files into the desired state, collecting every
//! problem in every file with its place, code and help.

use std::collections::{BTreeMap, BTreeSet};

use crate::config::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::config::interpolate::{InterpolationError, Variables, interpolate};
use crate::config::raw::{RawFile, RawPermission, Sp, Text};
use crate::config::source::{FileId, Loc, Sources};
use crate::model::catalogue::{
    BUILT_IN_ROLES, CamundaVersion, DEFAULT_TENANT, OwnerType, PermissionType, ResourceType,
    USER_TASK_PROPERTIES, supported_permissions,
};
use crate::model::desired::{
    Desired, Kind, MembersMode, Policy, Reference, Referenced, UnsetPassword,
};
use crate::model::ids::{
    IdError, check_id_addressable as check_id, check_tenant_id_addressable as check_tenant_id,
    is_email,
};
use crate::model::state::{
    AccessState, AuthorizationTuple, Container, Group, MappingRule, Membership, Principal,
    ResourceSelector, Role, Secret, Tenant, User,
};

/// Validates parsed files against the format and a Camunda version.
pub struct Validator<'a> {
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

/// A text value after interpolation, with its place.
struct Value {
    text: String,
    loc: Loc,
}

/// Where memberships declared on an entity's own side point.
#[derive(Clone, Copy)]
enum Side {
    Groups,
    Roles,
    Tenants,
}

impl<'a> Validator<'a> {
    /// A validator for files in `sources`, interpolating from `vars`.
    pub fn new(sources: &'a Sources, vars: &'a Variables, version: CamundaVersion) -> Self {
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
        }
    }

    /// Validates all files as one desired state. The state is returned even
    /// when there are errors (for tooling); callers check the diagnostics.
    pub fn validate(mut self, files: &[(FileId, RawFile)]) -> (Desired, Diagnostics) {
        // Declarations first, so references can be checked against all files.
        for (file, raw) in files {
            self.check_version(*file, raw);
            self.declare(*file, raw);
        }
        for (file, raw) in files {
            self.relate(*file, raw);
        }
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
        };
        (desired, self.diagnostics)
    }

    fn loc(&self, file: FileId, text: &Sp<impl Sized>) -> Loc {
        self.sources.get(file).loc(file, &text.location)
    }

    fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Interpolates a value; reports and returns `None` when that fails.
    fn value(&mut self, file: FileId, text: &Text) -> Option<Value> {
        let loc = self.loc(file, text);
        match interpolate(&text.value, self.vars) {
            Ok(value) => Some(Value {
                text: value.into_owned(),
                loc,
            }),
            Err(InterpolationError::Unset { name }) => {
                self.push(
                    Diagnostic::new(
                        Code::UnsetVariable,
                        loc,
                        format!("environment variable {name} is not set"),
                    )
                    .label("used here")
                    .help(format!(
                        "set {name}, or give a default: ${{env:{name}:-value}}"
                    )),
                );
                None
            }
            Err(InterpolationError::Malformed { reason }) => {
                self.push(
                    Diagnostic::new(
                        Code::InvalidVariable,
                        loc,
                        format!("bad variable reference: {reason}"),
                    )
                    .help("write ${env:NAME} or ${env:NAME:-default}; write $${ for a literal ${"),
                );
                None
            }
        }
    }

    fn optional(&mut self, file: FileId, text: Option<&Text>) -> Option<Value> {
        text.and_then(|t| self.value(file, t))
    }

    /// A name or other required text: reported when blank.
    fn non_blank(&mut self, file: FileId, text: Option<&Text>, what: &str) -> Option<String> {
        let value = self.optional(file, text)?;
        if value.text.trim().is_empty() {
            self.push(
                Diagnostic::new(Code::BlankValue, value.loc, format!("{what} is empty"))
                    .help(format!("give a {what}, or leave the key out")),
            );
            return None;
        }
        Some(value.text)
    }

    fn id_problem(&mut self, code: Code, what: &str, value: &Value, error: IdError) {
        let help = match (&error, code) {
            (IdError::Wildcard, _) => "`*` is only meaningful as a resource ID in permissions".to_owned(),
            (IdError::DotSegment, _) => "choose an ID with at least one character besides `.`".to_owned(),
            (_, Code::InvalidTenantId) => {
                "tenant IDs use letters, digits, `_`, `.` and `-`, at most 31 characters (or `<default>`)".to_owned()
            }
            _ => "IDs use letters, digits and `_ ~ @ . + -`, at most 256 characters".to_owned(),
        };
        self.push(
            Diagnostic::new(code, value.loc, format!("{what} '{}' {error}", value.text)).help(help),
        );
    }

    /// An interpolated, syntax-checked ID of `kind`.
    fn id(&mut self, file: FileId, text: &Text, kind: IdKind) -> Option<Value> {
        let value = self.value(file, text)?;
        let checked = match kind {
            IdKind::Tenant => check_tenant_id(&value.text),
            _ => check_id(&value.text),
        };
        match checked {
            Ok(()) => Some(value),
            Err(error) => {
                let code = if kind == IdKind::Tenant {
                    Code::InvalidTenantId
                } else {
                    Code::InvalidId
                };
                self.id_problem(code, kind.noun(), &value, error);
                None
            }
        }
    }

    fn check_version(&mut self, file: FileId, raw: &RawFile) {
        let source = self.sources.get(file);
        match &raw.version {
            None => self.push(
                Diagnostic::new(
                    Code::MissingVersion,
                    source.start(file),
                    format!("{} has no `version`", source.name),
                )
                .help("start every file with `version: 1`"),
            ),
            Some(version) => {
                if let Some(value) = self.value(file, version)
                    && value.text.trim() != "1"
                {
                    self.push(
                        Diagnostic::new(
                            Code::UnknownVersion,
                            value.loc,
                            format!("format version '{}' is not supported", value.text),
                        )
                        .label("expected 1")
                        .help("this tool reads format version 1"),
                    );
                }
            }
        }
    }

    /// Records a declaration; reports a duplicate. Returns whether it is new.
    fn declare_id(&mut self, kind: EntityKind, value: &Value) -> bool {
        let key = (kind, value.text.clone());
        if let Some(first) = self.declared.get(&key).copied() {
            self.push(
                Diagnostic::new(
                    Code::DuplicateId,
                    value.loc,
                    format!("{} '{}' is declared twice", kind.noun(), value.text),
                )
                .label("declared again here")
                .related(first, "first declared here")
                .help("declare each ID once; several files form one state"),
            );
            return false;
        }
        self.declared.insert(key, value.loc);
        true
    }

    fn members_mode(&mut self, file: FileId, text: Option<&Text>) -> MembersMode {
        let Some(value) = self.optional(file, text) else {
            return MembersMode::Authoritative;
        };
        match value.text.as_str() {
            "authoritative" => MembersMode::Authoritative,
            "additive" => MembersMode::Additive,
            other => {
                self.push(
                    Diagnostic::new(
                        Code::InvalidMembersMode,
                        value.loc,
                        format!("members-mode '{other}' is not known"),
                    )
                    .help("use `authoritative` (the default) or `additive`"),
                );
                MembersMode::Authoritative
            }
        }
    }

    fn built_in_attribute(&mut self, file: FileId, text: Option<&Text>, what: &str, entity: &str) {
        if let Some(text) = text {
            let loc = self.loc(file, text);
            self.push(
                Diagnostic::new(
                    Code::BuiltInAttribute,
                    loc,
                    format!("the {what} of built-in {entity} is never changed"),
                )
                .help("remove it; only the members of built-in roles and the <default> tenant are managed"),
            );
        }
    }

    /// First pass: entities and policy.
    fn declare(&mut self, file: FileId, raw: &RawFile) {
        if let Some(policy) = &raw.policy {
            self.declare_policy(file, policy);
        }
        for tenant in &raw.tenants {
            let Some(id) = self.id(file, &tenant.id, IdKind::Tenant) else {
                continue;
            };
            if !self.declare_id(EntityKind::Tenant, &id) {
                continue;
            }
            let mut mode = self.members_mode(file, tenant.members_mode.as_ref());
            let m = &tenant.members;
            let lists_none = m.users.is_empty()
                && m.clients.is_empty()
                && m.groups.is_empty()
                && m.roles.is_empty()
                && m.mapping_rules.is_empty();
            if id.text == DEFAULT_TENANT && lists_none && tenant.members_mode.is_none() {
                // Listing `<default>` without members never empties it.
                mode = MembersMode::Additive;
            }
            self.containers
                .insert(Container::Tenant(id.text.as_str().into()), mode);
            if id.text == DEFAULT_TENANT {
                self.built_in_attribute(file, tenant.name.as_ref(), "name", "tenant <default>");
                self.built_in_attribute(
                    file,
                    tenant.description.as_ref(),
                    "description",
                    "tenant <default>",
                );
                continue;
            }
            let name = self.non_blank(file, tenant.name.as_ref(), "name");
            let description = self.optional(file, tenant.description.as_ref());
            self.state.tenants.insert(
                id.text.as_str().into(),
                Tenant {
                    name: name.unwrap_or_else(|| id.text.clone()),
                    description: description.map(|d| d.text).unwrap_or_default(),
                },
            );
        }
        for group in &raw.groups {
            let Some(id) = self.id(file, &group.id, IdKind::Group) else {
                continue;
            };
            if !self.declare_id(EntityKind::Group, &id) {
                continue;
            }
            let mode = self.members_mode(file, group.members_mode.as_ref());
            self.containers
                .insert(Container::Group(id.text.as_str().into()), mode);
            self.owners
                .insert(Principal::Group(id.text.as_str().into()));
            let name = self.non_blank(file, group.name.as_ref(), "name");
            let description = self.optional(file, group.description.as_ref());
            self.state.groups.insert(
                id.text.as_str().into(),
                Group {
                    name: name.unwrap_or_else(|| id.text.clone()),
                    description: description.map(|d| d.text).unwrap_or_default(),
                },
            );
        }
        for role in &raw.roles {
            let Some(id) = self.id(file, &role.id, IdKind::Role) else {
                continue;
            };
            if !self.declare_id(EntityKind::Role, &id) {
                continue;
            }
            let mut mode = self.members_mode(file, role.members_mode.as_ref());
            let m = &role.members;
            let lists_none = m.users.is_empty()
                && m.clients.is_empty()
                && m.groups.is_empty()
                && m.mapping_rules.is_empty();
            let built_in = BUILT_IN_ROLES.contains(&id.text.as_str());
            if built_in && lists_none && role.members_mode.is_none() {
                // Listing a built-in role without members never empties it.
                mode = MembersMode::Additive;
            }
            self.containers
                .insert(Container::Role(id.text.as_str().into()), mode);
            if built_in {
                let entity = format!("role {}", id.text);
                self.built_in_attribute(file, role.name.as_ref(), "name", &entity);
                self.built_in_attribute(file, role.description.as_ref(), "description", &entity);
                if let Some(first) = role.permissions.first() {
                    let loc = first
                        .resource
                        .as_ref()
                        .map(|r| self.loc(file, r))
                        .unwrap_or(id.loc);
                    self.push(
                        Diagnostic::new(
                            Code::BuiltInAttribute,
                            loc,
                            format!(
                                "the permissions of built-in role {} are never changed",
                                id.text
                            ),
                        )
                        .help("grant permissions to a role of your own and add members to it"),
                    );
                }
                continue;
            }
            self.owners.insert(Principal::Role(id.text.as_str().into()));
            let name = self.non_blank(file, role.name.as_ref(), "name");
            let description = self.optional(file, role.description.as_ref());
            self.state.roles.insert(
                id.text.as_str().into(),
                Role {
                    name: name.unwrap_or_else(|| id.text.clone()),
                    description: description.map(|d| d.text).unwrap_or_default(),
                },
            );
        }
        for rule in &raw.mapping_rules {
            let Some(id) = self.id(file, &rule.id, IdKind::MappingRule) else {
                continue;
            };
            if !self.declare_id(EntityKind::MappingRule, &id) {
                continue;
            }
            self.owners
                .insert(Principal::MappingRule(id.text.as_str().into()));
            let name = self.non_blank(file, rule.name.as_ref(), "name");
            let claim = self.required(file, rule.claim.as_ref(), "claim", &id, "mapping rule");
            let value = self.required(file, rule.value.as_ref(), "value", &id, "mapping rule");
            let (Some(claim), Some(value)) = (claim, value) else {
                continue;
            };
            let pair = (claim.text.clone(), value.text.clone());
            if let Some(first) = self.claim_places.get(&pair).copied() {
                self.push(
                    Diagnostic::new(
                        Code::DuplicateClaim,
                        claim.loc,
                        format!(
                            "another mapping rule already matches claim '{}' with value '{}'",
                            claim.text, value.text
                        ),
                    )
                    .label("same claim and value")
                    .related(first, "first used here")
                    .help("Camunda allows each claim/value pair in one mapping rule only; merge the two rules"),
                );
            } else {
                self.claim_places.insert(pair, claim.loc);
            }
            if let Some(kind) = typed_claim_value(&value.text) {
                self.push(
                    Diagnostic::new(
                        Code::TypedClaimValue,
                        value.loc,
                        format!(
                            "mapping rule {} matches only a claim holding the string '{}', never the {kind} {}",
                            id.text, value.text, value.text
                        ),
                    )
                    .label(format!("looks like a {kind}"))
                    .help("Camunda compares a token's claim with the rule's value as strings, without conversion: a claim such as `email_verified: true` or `level: 7` is never matched. Match a claim the identity provider sends as a string (or an array of strings)"),
                );
            }
            self.state.mapping_rules.insert(
                id.text.as_str().into(),
                MappingRule {
                    name: name.unwrap_or_else(|| id.text.clone()),
                    claim_name: claim.text,
                    claim_value: value.text,
                },
            );
        }
        for client in &raw.clients {
            let Some(id) = self.id(file, &client.id, IdKind::Client) else {
                continue;
            };
            if self.declare_id(EntityKind::Client, &id) {
                self.owners
                    .insert(Principal::Client(id.text.as_str().into()));
            }
        }
        for user in &raw.users {
            let Some(id) = self.id(file, &user.username, IdKind::User) else {
                continue;
            };
            if !self.declare_id(EntityKind::User, &id) {
                continue;
            }
            self.owners.insert(Principal::User(id.text.as_str().into()));
            let name = self.non_blank(file, user.name.as_ref(), "name");
            let email = self.optional(file, user.email.as_ref());
            if let Some(email) = &email
                && !is_email(&email.text)
            {
                self.push(
                    Diagnostic::new(
                        Code::InvalidEmail,
                        email.loc,
                        format!("'{}' is not a valid e-mail address", email.text),
                    )
                    .help("write an address like name@example.com, or leave `email` out"),
                );
            }
            // The password is a secret: checked for emptiness only, never
            // shown. An unset variable matters only for a user the plan
            // creates (plan checks), so drift and plans of existing users
            // need no password variables.
            let password = match &user.password {
                Some(raw) => match interpolate(&raw.value, self.vars) {
                    Err(InterpolationError::Unset { name }) => {
                        let loc = self.loc(file, raw);
                        self.unset_passwords.push(UnsetPassword {
                            username: id.text.as_str().into(),
                            variable: name,
                            origin: self.sources.origin(loc),
                        });
                        None
                    }
                    _ => self.value(file, raw),
                },
                None => None,
            };
            if let Some(password) = &password {
                crate::secrets::mask(&password.text);
            }
            if let Some(raw) = &user.password
                && !raw.value.contains("${")
                && !raw.value.trim().is_empty()
            {
                let loc = self.loc(file, raw);
                self.push(
                    Diagnostic::new(
                        Code::LiteralPassword,
                        loc,
                        "the password is written in the file",
                    )
                    .label("anyone who reads the repository reads this")
                    .help("use ${secret:NAME} (or ${env:NAME}) with a variable that holds the password"),
                );
            }
            if let Some(password) = &password
                && password.text.trim().is_empty()
            {
                self.push(
                    Diagnostic::new(Code::BlankValue, password.loc, "password is empty")
                        .help("use ${env:NAME} with a variable that holds the password"),
                );
            }
            self.state.users.insert(
                id.text.as_str().into(),
                User {
                    name,
                    email: email.map(|e| e.text),
                    password: password.map(|p| Secret::new(p.text)),
                },
            );
        }
    }

    fn required(
        &mut self,
        file: FileId,
        text: Option<&Text>,
        key: &str,
        owner: &Value,
        entity: &str,
    ) -> Option<Value> {
        let Some(text) = text else {
            self.push(
                Diagnostic::new(
                    Code::MissingField,
                    owner.loc,
                    format!("{entity} '{}' has no `{key}`", owner.text),
                )
                .help(format!("add `{key}:`")),
            );
            return None;
        };
        let value = self.value(file, text)?;
        if value.text.trim().is_empty() {
            self.push(
                Diagnostic::new(Code::BlankValue, value.loc, format!("{key} is empty"))
                    .help(format!("give the {entity} a {key}")),
            );
            return None;
        }
        Some(value)
    }

    fn declare_policy(&mut self, file: FileId, policy: &Sp<crate::config::raw::RawPolicy>) {
        let loc = self.loc(file, policy);
        if let Some((_, first)) = &self.policy {
            let first = *first;
            self.push(
                Diagnostic::new(Code::DuplicatePolicy, loc, "`policy` is declared twice")
                    .label("declared again here")
                    .related(first, "first declared here")
                    .help("keep one `policy:` section for the whole state"),
            );
            return;
        }
        let mut result = Policy::default();
        for entry in &policy.value.prune {
            let Some(value) = self.value(file, entry) else {
                continue;
            };
            match Kind::parse(&value.text) {
                Some(kind) => {
                    result.prune.insert(kind);
                }
                None => {
                    let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
                    self.push(
                        Diagnostic::new(
                            Code::UnknownPruneKind,
                            value.loc,
                            format!("'{}' is not a kind that can be pruned", value.text),
                        )
                        .help(format!("use one of: {}", kinds.join(", "))),
                    );
                }
            }
        }
        for entry in &policy.value.protect {
            let Some(value) = self.value(file, entry) else {
                continue;
            };
            match parse_protect(&value.text) {
                Ok(target) => {
                    result.protect.insert(target);
                }
                Err(reason) => self.push(
                    Diagnostic::new(
                        Code::InvalidProtect,
                        value.loc,
                        format!("'{}' {reason}", value.text),
                    )
                    .help("write kind:id, e.g. group:break-glass or client:ops-admin (kinds: group, role, tenant, mapping-rule, user, client)"),
                ),
            }
        }
        self.policy = Some((result, loc));
    }

    /// Second pass: memberships and permissions, which refer to entities.
    fn relate(&mut self, file: FileId, raw: &RawFile) {
        for tenant in &raw.tenants {
            let Some(id) = self.quiet_value(&tenant.id, IdKind::Tenant) else {
                continue;
            };
            let container = Container::Tenant(id.as_str().into());
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
            let me = Principal::Group(id.as_str().into());
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
            let me = Principal::Role(id.as_str().into());
            self.memberships_of(file, &me, &role.tenants, Side::Tenants);
            if !BUILT_IN_ROLES.contains(&id.as_str()) {
                self.permissions(file, &me, &role.permissions);
            }
        }
        for rule in &raw.mapping_rules {
            let Some(id) = self.quiet_value(&rule.id, IdKind::MappingRule) else {
                continue;
            };
            let me = Principal::MappingRule(id.as_str().into());
            self.memberships_of(file, &me, &rule.groups, Side::Groups);
            self.memberships_of(file, &me, &rule.roles, Side::Roles);
            self.memberships_of(file, &me, &rule.tenants, Side::Tenants);
            self.permissions(file, &me, &rule.permissions);
        }
        for client in &raw.clients {
            let Some(id) = self.quiet_value(&client.id, IdKind::Client) else {
                continue;
            };
            let me = Principal::Client(id.as_str().into());
            self.memberships_of(file, &me, &client.groups, Side::Groups);
            self.memberships_of(file, &me, &client.roles, Side::Roles);
            self.memberships_of(file, &me, &client.tenants, Side::Tenants);
            self.permissions(file, &me, &client.permissions);
        }
        for user in &raw.users {
            let Some(id) = self.quiet_value(&user.username, IdKind::User) else {
                continue;
            };
            let me = Principal::User(id.as_str().into());
            self.memberships_of(file, &me, &user.groups, Side::Groups);
            self.memberships_of(file, &me, &user.roles, Side::Roles);
            self.memberships_of(file, &me, &user.tenants, Side::Tenants);
            self.permissions(file, &me, &user.permissions);
        }
        for authorization in &raw.authorizations {
            self.authorization(file, authorization);
        }
    }

    /// The interpolated text of an ID already checked (and reported) in the
    /// first pass; `None` when it was invalid.
    fn quiet_value(&self, text: &Text, kind: IdKind) -> Option<String> {
        let value = interpolate(&text.value, self.vars).ok()?.into_owned();
        let valid = match kind {
            IdKind::Tenant => check_tenant_id(&value).is_ok(),
            _ => check_id(&value).is_ok(),
        };
        valid.then_some(value)
    }

    fn members(&mut self, file: FileId, container: &Container, list: &[Text], kind: IdKind) {
        for text in list {
            let Some(id) = self.id(file, text, kind) else {
                continue;
            };
            if let Some(member) = kind.principal(&id.text) {
                self.membership(container.clone(), member, id.loc);
            }
        }
    }

    fn memberships_of(&mut self, file: FileId, member: &Principal, list: &[Text], side: Side) {
        for text in list {
            let kind = match side {
                Side::Groups => IdKind::Group,
                Side::Roles => IdKind::Role,
                Side::Tenants => IdKind::Tenant,
            };
            let Some(id) = self.id(file, text, kind) else {
                continue;
            };
            let container = match side {
                Side::Groups => Container::Group(id.text.as_str().into()),
                Side::Roles => Container::Role(id.text.as_str().into()),
                Side::Tenants => Container::Tenant(id.text.as_str().into()),
            };
            self.membership(container, member.clone(), id.loc);
        }
    }

    fn membership(&mut self, container: Container, member: Principal, loc: Loc) {
        debug_assert!(
            container.accepts(&member),
            "the format only lists valid pairs"
        );
        self.references
            .push((Referenced::Container(container.clone()), loc));
        if matches!(
            member,
            Principal::Group(_) | Principal::Role(_) | Principal::MappingRule(_)
        ) {
            self.references
                .push((Referenced::Principal(member.clone()), loc));
        }
        let edge = Membership { container, member };
        if let Some(first) = self.membership_places.get(&edge).copied() {
            self.push(
                Diagnostic::new(
                    Code::DuplicateMember,
                    loc,
                    format!(
                        "{} is already declared a member of {}",
                        edge.member, edge.container
                    ),
                )
                .label("declared again here")
                .related(first, "first declared here")
                .help("memberships may be declared from either side, but once is enough"),
            );
            return;
        }
        self.membership_places.insert(edge.clone(), loc);
        self.state.memberships.insert(edge);
    }

    fn authorization(&mut self, file: FileId, raw: &crate::config::raw::RawAuthorization) {
        let permission = RawPermission {
            resource: raw.resource.clone(),
            id: raw.id.clone(),
            ids: raw.ids.clone(),
            property: raw.property.clone(),
            allow: raw.allow.clone(),
        };
        let Some(owner) = &raw.owner else {
            let loc = raw
                .resource
                .as_ref()
                .or(raw.id.as_ref())
                .map(|t| self.loc(file, t))
                .unwrap_or_else(|| self.sources.get(file).start(file));
            self.push(
                Diagnostic::new(Code::MissingField, loc, "authorization has no `owner`")
                    .help("add `owner: {type: CLIENT, id: my-client}`"),
            );
            return;
        };
        let owner_loc = self.loc(file, owner);
        let owner_type = match &owner.value.owner_type {
            None => {
                self.push(
                    Diagnostic::new(Code::MissingField, owner_loc, "owner has no `type`")
                        .help("owner types: USER, CLIENT, GROUP, ROLE, MAPPING_RULE"),
                );
                None
            }
            Some(text) => self.value(file, text).and_then(|value| {
                let parsed = OwnerType::parse(&value.text);
                if parsed.is_none() {
                    let hint = if value.text == "TENANT" {
                        "; tenants do not own authorizations"
                    } else {
                        ""
                    };
                    self.push(
                        Diagnostic::new(
                            Code::UnknownOwnerType,
                            value.loc,
                            format!("owner type '{}' is not known{hint}", value.text),
                        )
                        .help("owner types: USER, CLIENT, GROUP, ROLE, MAPPING_RULE"),
                    );
                }
                parsed
            }),
        };
        let owner_id = match &owner.value.id {
            None => {
                self.push(
                    Diagnostic::new(Code::MissingField, owner_loc, "owner has no `id`")
                        .help("add the owner's ID"),
                );
                None
            }
            Some(text) => self.id(file, text, IdKind::Owner),
        };
        let (Some(owner_type), Some(owner_id)) = (owner_type, owner_id) else {
            // Still check the rest of the entry.
            self.permission_tuples(file, &permission);
            return;
        };
        let principal = Principal::new(owner_type, &owner_id.text);
        if let Principal::Role(role) = &principal
            && BUILT_IN_ROLES.contains(&role.as_str())
        {
            self.push(
                Diagnostic::new(
                    Code::BuiltInAttribute,
                    owner_id.loc,
                    format!("the permissions of built-in role {role} are never changed"),
                )
                .help("grant permissions to a role of your own and add members to it"),
            );
            return;
        }
        if matches!(
            principal,
            Principal::Group(_) | Principal::Role(_) | Principal::MappingRule(_)
        ) {
            self.references
                .push((Referenced::Principal(principal.clone()), owner_id.loc));
        }
        self.owners_in_authorizations
            .push((principal.clone(), owner_id.loc));
        self.owners.insert(principal.clone());
        self.add_permission(file, &principal, &permission);
    }

    fn permissions(&mut self, file: FileId, owner: &Principal, list: &[RawPermission]) {
        for permission in list {
            self.add_permission(file, owner, permission);
        }
    }

    fn add_permission(&mut self, file: FileId, owner: &Principal, permission: &RawPermission) {
        let Some((resource_type, selectors, allow)) = self.permission_tuples(file, permission)
        else {
            return;
        };
        for (resource, loc) in selectors {
            let tuple = AuthorizationTuple {
                owner: owner.clone(),
                resource_type,
                resource,
            };
            if let Some(first) = self.authorization_places.get(&tuple).copied() {
                self.push(
                    Diagnostic::new(
                        Code::DuplicateAuthorization,
                        loc,
                        format!("permissions for {tuple} are declared twice"),
                    )
                    .label("declared again here")
                    .related(first, "first declared here")
                    .help("list all permissions for one owner and resource in one entry"),
                );
                continue;
            }
            self.authorization_places.insert(tuple.clone(), loc);
            self.state.grant(tuple, allow.iter().copied());
        }
    }

    /// Checks one permission entry; returns its resource type, selectors
    /// (with places) and permissions when all are valid.
    #[allow(clippy::type_complexity)]
    fn permission_tuples(
        &mut self,
        file: FileId,
        permission: &RawPermission,
    ) -> Option<(
        ResourceType,
        Vec<(ResourceSelector, Loc)>,
        BTreeSet<PermissionType>,
    )> {
        let resource_type = match &permission.resource {
            None => {
                let loc = self.entry_loc(file, permission);
                self.push(
                    Diagnostic::new(Code::MissingField, loc, "permission has no `resource`").help(
                        format!("add `resource:` with one of: {}", self.resource_type_list()),
                    ),
                );
                None
            }
            Some(text) => self.resource_type(file, text),
        };
        let selectors = self.selectors(file, permission, resource_type);
        let allow = self.allow(file, permission, resource_type);
        if let (Some(rt), Some(selectors)) = (resource_type, &selectors)
            && rt == ResourceType::Resource
            && allow
                .as_ref()
                .is_some_and(|a| a.contains(&PermissionType::Create))
        {
            for (selector, loc) in selectors {
                if !selector.is_wildcard() {
                    self.push(
                        Diagnostic::new(
                            Code::CreateNeedsWildcard,
                            *loc,
                            format!("RESOURCE:CREATE on '{selector}' has no effect beyond `*`"),
                        )
                        .help("Camunda documents RESOURCE:CREATE with resource ID `*` only; grant it on `id: \"*\"`"),
                    );
                }
            }
        }
        Some((resource_type?, selectors?, allow?))
    }

    fn entry_loc(&self, file: FileId, permission: &RawPermission) -> Loc {
        permission
            .allow
            .as_ref()
            .map(|a| self.loc(file, a))
            .or_else(|| permission.id.as_ref().map(|t| self.loc(file, t)))
            .or_else(|| permission.property.as_ref().map(|t| self.loc(file, t)))
            .unwrap_or_else(|| self.sources.get(file).start(file))
    }

    fn resource_type_list(&self) -> String {
        self.version
            .resource_types()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn resource_type(&mut self, file: FileId, text: &Text) -> Option<ResourceType> {
        let value = self.value(file, text)?;
        match ResourceType::parse(&value.text) {
            Some(rt) if rt.since() <= self.version => Some(rt),
            Some(rt) => {
                self.push(
                    Diagnostic::new(
                        Code::UnknownResourceType,
                        value.loc,
                        format!(
                            "resource type {rt} does not exist in Camunda {}",
                            self.version
                        ),
                    )
                    .help(format!(
                        "{rt} exists from Camunda {} on; validate with --camunda-version {} if the cluster runs it",
                        rt.since(),
                        rt.since()
                    )),
                );
                None
            }
            None => {
                let names = self.version.resource_types().map(|r| r.as_str());
                let hint = match closest(&value.text, names) {
                    Some(name) => format!("did you mean {name}? "),
                    None => String::new(),
                };
                self.push(
                    Diagnostic::new(
                        Code::UnknownResourceType,
                        value.loc,
                        format!("'{}' is not a resource type", value.text),
                    )
                    .help(format!(
                        "{hint}resource types in Camunda {}: {}",
                        self.version,
                        self.resource_type_list()
                    )),
                );
                None
            }
        }
    }

    fn selectors(
        &mut self,
        file: FileId,
        permission: &RawPermission,
        resource_type: Option<ResourceType>,
    ) -> Option<Vec<(ResourceSelector, Loc)>> {
        let given = [
            permission.id.as_ref().map(|t| ("id", self.loc(file, t))),
            permission.ids.as_ref().map(|t| ("ids", self.loc(file, t))),
            permission
                .property
                .as_ref()
                .map(|t| ("property", self.loc(file, t))),
        ];
        let given: Vec<(&str, Loc)> = given.into_iter().flatten().collect();
        if given.len() != 1 {
            let loc = given
                .get(1)
                .map(|(_, loc)| *loc)
                .unwrap_or_else(|| self.entry_loc(file, permission));
            let message = if given.is_empty() {
                "permission names no resource: add `id`, `ids` or `property`".to_owned()
            } else {
                let keys: Vec<&str> = given.iter().map(|(k, _)| *k).collect();
                format!("permission has both `{}`", keys.join("` and `"))
            };
            self.push(
                Diagnostic::new(Code::ResourceSelector, loc, message).help(
                    "use `id: \"*\"` for every resource, `id`/`ids` for specific ones, or (8.9) `property`",
                ),
            );
            return None;
        }
        if let Some(text) = &permission.id {
            let value = self.value(file, text)?;
            let selector = self.resource_id(value)?;
            return Some(vec![selector]);
        }
        if let Some(ids) = &permission.ids {
            if ids.value.is_empty() {
                let loc = self.loc(file, ids);
                self.push(
                    Diagnostic::new(Code::ResourceSelector, loc, "`ids` is empty")
                        .help("list at least one resource ID, or use `id: \"*\"`"),
                );
                return None;
            }
            let mut selectors = Vec::new();
            let mut ok = true;
            for text in &ids.value {
                match self.value(file, text).and_then(|v| self.resource_id(v)) {
                    Some(selector) => selectors.push(selector),
                    None => ok = false,
                }
            }
            return ok.then_some(selectors);
        }
        let text = permission.property.as_ref()?;
        let value = self.value(file, text)?;
        if !self.version.supports_property_authorizations() {
            self.push(
                Diagnostic::new(
                    Code::PropertyNeeds89,
                    value.loc,
                    format!(
                        "property-based authorizations do not exist in Camunda {}",
                        self.version
                    ),
                )
                .help("they exist from Camunda 8.9 on; validate with --camunda-version 8.9 if the cluster runs it"),
            );
            return None;
        }
        if let Some(rt) = resource_type
            && rt != ResourceType::UserTask
        {
            self.push(
                Diagnostic::new(
                    Code::UnsupportedProperty,
                    value.loc,
                    format!("{rt} has no property-based authorizations"),
                )
                .help("property-based authorizations are for USER_TASK; use `id` or `ids` here"),
            );
            return None;
        }
        if !USER_TASK_PROPERTIES.contains(&value.text.as_str()) {
            self.push(
                Diagnostic::new(
                    Code::UnsupportedProperty,
                    value.loc,
                    format!("'{}' is not a user-task property", value.text),
                )
                .help(format!("properties: {}", USER_TASK_PROPERTIES.join(", "))),
            );
            return None;
        }
        Some(vec![(ResourceSelector::Property(value.text), value.loc)])
    }

    fn resource_id(&mut self, value: Value) -> Option<(ResourceSelector, Loc)> {
        if value.text == "*" {
            return Some((ResourceSelector::wildcard(), value.loc));
        }
        if value.text.contains('*') {
            self.push(
                Diagnostic::new(
                    Code::PartialWildcard,
                    value.loc,
                    format!("'{}' is a partial wildcard", value.text),
                )
                .help("Camunda matches `*` alone (every resource) or an exact ID; list the IDs with `ids`"),
            );
            return None;
        }
        if let Err(error) = check_id(&value.text) {
            self.id_problem(Code::InvalidResourceId, "resource ID", &value, error);
            return None;
        }
        Some((ResourceSelector::Id(value.text), value.loc))
    }

    fn allow(
        &mut self,
        file: FileId,
        permission: &RawPermission,
        resource_type: Option<ResourceType>,
    ) -> Option<BTreeSet<PermissionType>> {
        let Some(allow) = &permission.allow else {
            let loc = self.entry_loc(file, permission);
            self.push(
                Diagnostic::new(Code::MissingField, loc, "permission has no `allow`")
                    .help("add `allow:` with the permission types to grant"),
            );
            return None;
        };
        if allow.value.is_empty() {
            let loc = self.loc(file, allow);
            self.push(
                Diagnostic::new(Code::EmptyAllow, loc, "`allow` is empty").help(
                    match resource_type {
                        Some(rt) => format!(
                            "list permissions to grant; {rt} supports: {}",
                            supported_list(self.version, rt)
                        ),
                        None => {
                            "list the permission types to grant, or remove the entry".to_owned()
                        }
                    },
                ),
            );
            return None;
        }
        let mut result = BTreeSet::new();
        let mut ok = true;
        for text in &allow.value {
            let Some(value) = self.value(file, text) else {
                ok = false;
                continue;
            };
            match PermissionType::parse(&value.text) {
                Some(p) if p.since() > self.version => {
                    ok = false;
                    self.push(
                        Diagnostic::new(
                            Code::UnknownPermission,
                            value.loc,
                            format!("permission {p} does not exist in Camunda {}", self.version),
                        )
                        .help(format!(
                            "{p} exists from Camunda {} on{}",
                            p.since(),
                            resource_type
                                .map(|rt| format!(
                                    "; {rt} supports here: {}",
                                    supported_list(self.version, rt)
                                ))
                                .unwrap_or_default()
                        )),
                    );
                }
                Some(p) => {
                    if let Some(rt) = resource_type
                        && !supported_permissions(self.version, rt).contains(&p)
                    {
                        ok = false;
                        self.push(
                            Diagnostic::new(
                                Code::UnsupportedPermission,
                                value.loc,
                                format!("{rt} does not support permission {p}"),
                            )
                            .label("not supported")
                            .help(format!(
                                "{rt} supports in Camunda {}: {}",
                                self.version,
                                supported_list(self.version, rt)
                            )),
                        );
                        continue;
                    }
                    result.insert(p);
                }
                None => {
                    ok = false;
                    let help = match resource_type {
                        Some(rt) => format!(
                            "{rt} supports in Camunda {}: {}",
                            self.version,
                            supported_list(self.version, rt)
                        ),
                        None => {
                            "permission types are upper case, e.g. READ or CREATE_PROCESS_INSTANCE"
                                .to_owned()
                        }
                    };
                    self.push(
                        Diagnostic::new(
                            Code::UnknownPermission,
                            value.loc,
                            format!("'{}' is not a permission type", value.text),
                        )
                        .help(help),
                    );
                }
            }
        }
        ok.then_some(result)
    }

    /// Owners named in `authorizations` that have a section of their own.
    fn check_references(&mut self) {
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
                self.push(
                    Diagnostic::new(
                        Code::OwnerDeclaredElsewhere,
                        loc,
                        format!("{owner} is declared in its own section"),
                    )
                    .related(declared, "declared here")
                    .help("list its permissions under `permissions:` there"),
                );
            }
        }
    }

    /// References to groups, roles, tenants and mapping rules that are not
    /// declared: warned about (they may exist in the cluster) and kept for
    /// the planner, which checks them against the live state.
    fn resolve_references(&mut self) -> Vec<Reference> {
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
                self.push(
                    Diagnostic::new(
                        Code::UndeclaredReference,
                        loc,
                        format!("{} '{id}' is not declared", kind.noun()),
                    )
                    .help(format!(
                        "declare it under `{}`, or make sure it exists in the cluster (plan checks)",
                        match kind {
                            EntityKind::Group => "groups",
                            EntityKind::Role => "roles",
                            EntityKind::Tenant => "tenants",
                            _ => "mapping-rules",
                        }
                    )),
                );
            }
            unresolved.push(Reference {
                target,
                origin: self.sources.origin(loc),
            });
        }
        unresolved
    }
}

/// What an ID names, for syntax rules and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IdKind {
    Tenant,
    Group,
    Role,
    MappingRule,
    Client,
    User,
    Owner,
}

impl IdKind {
    fn noun(self) -> &'static str {
        match self {
            IdKind::Tenant => "tenant ID",
            IdKind::Group => "group ID",
            IdKind::Role => "role ID",
            IdKind::MappingRule => "mapping-rule ID",
            IdKind::Client => "client ID",
            IdKind::User => "username",
            IdKind::Owner => "owner ID",
        }
    }

    /// The member this ID names; `None` for IDs that name no member.
    fn principal(self, id: &str) -> Option<Principal> {
        match self {
            IdKind::User => Some(Principal::User(id.into())),
            IdKind::Client => Some(Principal::Client(id.into())),
            IdKind::Group => Some(Principal::Group(id.into())),
            IdKind::Role => Some(Principal::Role(id.into())),
            IdKind::MappingRule => Some(Principal::MappingRule(id.into())),
            IdKind::Tenant | IdKind::Owner => None,
        }
    }
}

fn supported_list(version: CamundaVersion, rt: ResourceType) -> String {
    supported_permissions(version, rt)
        .iter()
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn parse_protect(text: &str) -> Result<Referenced, &'static str> {
    let Some((kind, id)) = text.split_once(':') else {
        return Err("is not kind:id");
    };
    let target = match kind {
        "group" => Referenced::Container(Container::Group(id.into())),
        "role" => Referenced::Container(Container::Role(id.into())),
        "tenant" => Referenced::Container(Container::Tenant(id.into())),
        "mapping-rule" => Referenced::Principal(Principal::MappingRule(id.into())),
        "user" => Referenced::Principal(Principal::User(id.into())),
        "client" => Referenced::Principal(Principal::Client(id.into())),
        _ => return Err("names an unknown kind"),
    };
    let valid = if kind == "tenant" {
        check_tenant_id(id).is_ok()
    } else {
        check_id(id).is_ok()
    };
    if valid {
        Ok(target)
    } else {
        Err("has an invalid ID")
    }
}

/// The candidate closest to `input` (case-insensitive, `-` as `_`), if it
/// is close enough to be a likely typo.
fn closest<'c>(input: &str, candidates: impl Iterator<Item = &'c str>) -> Option<&'c str> {
    let normalized = input.to_ascii_uppercase().replace('-', "_");
    candidates
        .map(|c| (edit_distance(&normalized, c), c))
        .filter(|(d, c)| *d <= (c.len() / 4).max(1))
        .min()
        .map(|(_, c)| c)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

/// `"boolean"` or `"number"` when a mapping rule's value reads as a JSON
/// boolean or number: a claim of that type never equals the string.
fn typed_claim_value(value: &str) -> Option<&'static str> {
    match serde_json::from_str::<serde_json::Value>(value.trim()) {
        Ok(serde_json::Value::Bool(_)) => Some("boolean"),
        Ok(serde_json::Value::Number(_)) => Some("number"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let names = ["PROCESS_DEFINITION", "DECISION_DEFINITION", "MESSAGE"];
        assert_eq!(
            closest("PROCESS_DEFINITON", names.into_iter()),
            Some("PROCESS_DEFINITION")
        );
        assert_eq!(
            closest("process-definition", names.into_iter()),
            Some("PROCESS_DEFINITION")
        );
        assert_eq!(closest("MESAGE", names.into_iter()), Some("MESSAGE"));
        assert_eq!(closest("PUBLISH", names.into_iter()), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn emails() {
        assert!(is_email("alice@example.com"));
        assert!(!is_email("alice"));
        assert!(!is_email("alice@localhost"));
        assert!(!is_email("a b@example.com"));
        assert!(!is_email("a@b@example.com"));
        assert!(!is_email("@example.com"));
    }

    #[test]
    fn protect_refs() {
        assert_eq!(
            parse_protect("group:break-glass"),
            Ok(Referenced::Container(Container::Group(
                "break-glass".into()
            )))
        );
        assert!(parse_protect("client:ops-admin").is_ok());
        assert!(parse_protect("tenant:<default>").is_ok());
        assert!(parse_protect("thing:x").is_err());
        assert!(parse_protect("group").is_err());
        assert!(parse_protect("group:a/b").is_err());
    }
}
