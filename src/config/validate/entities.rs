//! Declared entities: tenants, groups, roles, mapping rules, clients and
//! users, with their attributes and duplicate IDs.

use crate::config::interpolate::{InterpolationError, interpolate};
use crate::config::raw::{RawClient, RawGroup, RawMappingRule, RawRole, RawTenant, RawUser, Text};
use crate::config::source::FileId;
use crate::config::validate::values::{IdKind, Interpolated};
use crate::config::validate::{EntityKind, Validator, diags};
use crate::model::catalogue::{BUILT_IN_ROLES, DEFAULT_TENANT};
use crate::model::desired::{Lifecycle, MembersMode, Referenced, UnsetPassword};
use crate::model::ids::is_email;
use crate::model::state::{Container, Group, MappingRule, Principal, Role, Secret, Tenant, User};

impl Validator<'_> {
    /// Records a declaration; reports a duplicate. Returns whether it is new.
    fn declare_id(&mut self, kind: EntityKind, value: &Interpolated) -> bool {
        let key = (kind, value.text.clone());
        if let Some(first) = self.declared.get(&key).copied() {
            self.push(diags::duplicate_id(
                value.loc,
                kind.noun(),
                &value.text,
                first,
            ));
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
                self.push(diags::invalid_members_mode(value.loc, other));
                MembersMode::Authoritative
            }
        }
    }

    /// Reads `lifecycle:` and records it for `object` unless it is `manage`.
    pub(super) fn lifecycle(&mut self, file: FileId, text: Option<&Text>) -> Lifecycle {
        let Some(value) = self.optional(file, text) else {
            return Lifecycle::Manage;
        };
        Lifecycle::parse(&value.text).unwrap_or_else(|| {
            self.push(diags::invalid_lifecycle(value.loc, &value.text));
            Lifecycle::Manage
        })
    }

    fn record_lifecycle(&mut self, file: FileId, object: Referenced, text: Option<&Text>) {
        let lifecycle = self.lifecycle(file, text);
        let built_in = match &object {
            Referenced::Container(Container::Role(r)) => BUILT_IN_ROLES.contains(&r.as_str()),
            Referenced::Container(Container::Tenant(t)) => t.as_str() == DEFAULT_TENANT,
            _ => false,
        };
        if built_in
            && lifecycle == Lifecycle::CreateOnly
            && let Some(text) = text
        {
            let loc = self.loc(file, text);
            self.push(diags::idle_lifecycle(loc, &object.to_string()));
        }
        if lifecycle != Lifecycle::Manage {
            self.lifecycles.insert(object, lifecycle);
        }
    }

    fn built_in_attribute(&mut self, file: FileId, text: Option<&Text>, what: &str, entity: &str) {
        if let Some(text) = text {
            let loc = self.loc(file, text);
            self.push(diags::built_in_attribute(loc, what, entity));
        }
    }

    pub(super) fn declare_tenant(&mut self, file: FileId, tenant: &RawTenant) {
        let Some(id) = self.id(file, &tenant.id, IdKind::Tenant) else {
            return;
        };
        if !self.declare_id(EntityKind::Tenant, &id) {
            return;
        }
        self.record_lifecycle(
            file,
            Referenced::Container(Container::Tenant(id.text.as_str().into())),
            tenant.lifecycle.as_ref(),
        );
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
            return;
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

    pub(super) fn declare_group(&mut self, file: FileId, group: &RawGroup) {
        let Some(id) = self.id(file, &group.id, IdKind::Group) else {
            return;
        };
        if !self.declare_id(EntityKind::Group, &id) {
            return;
        }
        self.record_lifecycle(
            file,
            Referenced::Container(Container::Group(id.text.as_str().into())),
            group.lifecycle.as_ref(),
        );
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

    pub(super) fn declare_role(&mut self, file: FileId, role: &RawRole) {
        let Some(id) = self.id(file, &role.id, IdKind::Role) else {
            return;
        };
        if !self.declare_id(EntityKind::Role, &id) {
            return;
        }
        self.record_lifecycle(
            file,
            Referenced::Container(Container::Role(id.text.as_str().into())),
            role.lifecycle.as_ref(),
        );
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
                self.push(diags::built_in_permissions(loc, &id.text));
            }
            return;
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

    pub(super) fn declare_mapping_rule(&mut self, file: FileId, rule: &RawMappingRule) {
        let Some(id) = self.id(file, &rule.id, IdKind::MappingRule) else {
            return;
        };
        if !self.declare_id(EntityKind::MappingRule, &id) {
            return;
        }
        self.owners
            .insert(Principal::MappingRule(id.text.as_str().into()));
        self.record_lifecycle(
            file,
            Referenced::Principal(Principal::MappingRule(id.text.as_str().into())),
            rule.lifecycle.as_ref(),
        );
        let name = self.non_blank(file, rule.name.as_ref(), "name");
        let claim = self.required(file, rule.claim.as_ref(), "claim", &id, "mapping rule");
        let value = self.required(file, rule.value.as_ref(), "value", &id, "mapping rule");
        let (Some(claim), Some(value)) = (claim, value) else {
            return;
        };
        let pair = (claim.text.clone(), value.text.clone());
        if let Some(first) = self.claim_places.get(&pair).copied() {
            self.push(diags::duplicate_claim(
                claim.loc,
                &claim.text,
                &value.text,
                first,
            ));
        } else {
            self.claim_places.insert(pair, claim.loc);
        }
        if let Some(kind) = typed_claim_value(&value.text) {
            self.push(diags::typed_claim_value(
                value.loc,
                &id.text,
                &value.text,
                kind,
            ));
        }
        let name = name.unwrap_or_else(|| id.text.clone());
        self.state.mapping_rules.insert(
            id.text.into(),
            MappingRule {
                name,
                claim_name: claim.text,
                claim_value: value.text,
            },
        );
    }

    pub(super) fn declare_client(&mut self, file: FileId, client: &RawClient) {
        let Some(id) = self.id(file, &client.id, IdKind::Client) else {
            return;
        };
        if self.declare_id(EntityKind::Client, &id) {
            self.owners.insert(Principal::Client(id.text.into()));
        }
    }

    pub(super) fn declare_user(&mut self, file: FileId, user: &RawUser) {
        let Some(id) = self.id(file, &user.username, IdKind::User) else {
            return;
        };
        if !self.declare_id(EntityKind::User, &id) {
            return;
        }
        self.owners.insert(Principal::User(id.text.as_str().into()));
        self.record_lifecycle(
            file,
            Referenced::Principal(Principal::User(id.text.as_str().into())),
            user.lifecycle.as_ref(),
        );
        let name = self.non_blank(file, user.name.as_ref(), "name");
        let email = self.optional(file, user.email.as_ref());
        if let Some(email) = &email
            && !is_email(&email.text)
        {
            self.push(diags::invalid_email(email.loc, &email.text));
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
            self.push(diags::literal_password(loc));
        }
        if let Some(password) = &password
            && password.text.trim().is_empty()
        {
            self.push(diags::blank_value(
                password.loc,
                "password",
                "use ${env:NAME} with a variable that holds the password",
            ));
        }
        self.state.users.insert(
            id.text.into(),
            User {
                name,
                email: email.map(|e| e.text),
                password: password.map(|p| Secret::new(p.text)),
            },
        );
    }
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
