//! Permissions: entries under an owner's `permissions`, and the
//! `authorizations` section with its explicit owners. Each entry names a
//! resource type, resources (`id`, `ids` or `property`) and `allow`.

use std::collections::BTreeSet;

use crate::config::diagnostic::Code;
use crate::config::raw::{RawAuthorization, RawPermission, Text};
use crate::config::source::{FileId, Loc};
use crate::config::validate::suggest::closest;
use crate::config::validate::values::{IdKind, Interpolated};
use crate::config::validate::{Validator, diags};
use crate::model::catalogue::{
    BUILT_IN_ROLES, CamundaVersion, OwnerType, PermissionType, ResourceType, USER_TASK_PROPERTIES,
    supported_permissions,
};
use crate::model::desired::{Lifecycle, Referenced};
use crate::model::ids::check_id_addressable as check_id;
use crate::model::state::{AuthorizationTuple, Principal, ResourceSelector};

/// What one valid permission entry grants.
type Entry = (
    ResourceType,
    Vec<(ResourceSelector, Loc)>,
    BTreeSet<PermissionType>,
);

impl Validator<'_> {
    /// One entry of the `authorizations` section.
    pub(super) fn authorization(&mut self, file: FileId, raw: &RawAuthorization) {
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
            self.push(diags::missing_field(
                loc,
                "authorization",
                "owner",
                "add `owner: {type: CLIENT, id: my-client}`",
            ));
            return;
        };
        let owner_loc = self.loc(file, owner);
        let owner_type = match &owner.value.owner_type {
            None => {
                self.push(diags::missing_field(
                    owner_loc,
                    "owner",
                    "type",
                    diags::OWNER_TYPES,
                ));
                None
            }
            Some(text) => self.value(file, text).and_then(|value| {
                let parsed = OwnerType::parse(&value.text);
                if parsed.is_none() {
                    self.push(diags::unknown_owner_type(value.loc, &value.text));
                }
                parsed
            }),
        };
        let owner_id = match &owner.value.id {
            None => {
                self.push(diags::missing_field(
                    owner_loc,
                    "owner",
                    "id",
                    "add the owner's ID",
                ));
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
            self.push(diags::built_in_permissions(owner_id.loc, role.as_str()));
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
        let lifecycle = self.lifecycle(file, raw.lifecycle.as_ref());
        let before: BTreeSet<AuthorizationTuple> =
            self.state.authorizations.keys().cloned().collect();
        self.add_permission(file, &principal, &permission);
        if lifecycle != Lifecycle::Manage {
            let added: Vec<AuthorizationTuple> = self
                .state
                .authorizations
                .keys()
                .filter(|t| !before.contains(*t))
                .cloned()
                .collect();
            for tuple in added {
                self.authorization_lifecycles.insert(tuple, lifecycle);
            }
        }
    }

    /// The `permissions` of a declared owner.
    pub(super) fn permissions(&mut self, file: FileId, owner: &Principal, list: &[RawPermission]) {
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
                self.push(diags::duplicate_authorization(loc, &tuple, first));
                continue;
            }
            self.authorization_places.insert(tuple.clone(), loc);
            self.state.grant(tuple, allow.iter().copied());
        }
    }

    /// Checks one permission entry; returns its resource type, selectors
    /// (with places) and permissions when all are valid.
    fn permission_tuples(&mut self, file: FileId, permission: &RawPermission) -> Option<Entry> {
        let resource_type = match &permission.resource {
            None => {
                let loc = self.entry_loc(file, permission);
                self.push(diags::missing_field(
                    loc,
                    "permission",
                    "resource",
                    format!("add `resource:` with one of: {}", self.resource_type_list()),
                ));
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
                    self.push(diags::create_needs_wildcard(*loc, selector));
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
                self.push(diags::resource_type_too_new(value.loc, rt, self.version));
                None
            }
            None => {
                let names = self.version.resource_types().map(|r| r.as_str());
                let suggestion = closest(&value.text, names);
                self.push(diags::unknown_resource_type(
                    value.loc,
                    &value.text,
                    suggestion,
                    self.version,
                    &self.resource_type_list(),
                ));
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
            let keys: Vec<&str> = given.iter().map(|(k, _)| *k).collect();
            self.push(diags::resource_selector(loc, &keys));
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
                self.push(diags::empty_ids(loc));
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
            self.push(diags::property_needs_89(value.loc, self.version));
            return None;
        }
        if let Some(rt) = resource_type
            && rt != ResourceType::UserTask
        {
            self.push(diags::property_on_other_type(value.loc, rt));
            return None;
        }
        if !USER_TASK_PROPERTIES.contains(&value.text.as_str()) {
            self.push(diags::unknown_property(
                value.loc,
                &value.text,
                USER_TASK_PROPERTIES,
            ));
            return None;
        }
        Some(vec![(ResourceSelector::Property(value.text), value.loc)])
    }

    fn resource_id(&mut self, value: Interpolated) -> Option<(ResourceSelector, Loc)> {
        if value.text == "*" {
            return Some((ResourceSelector::wildcard(), value.loc));
        }
        if value.text.contains('*') {
            self.push(diags::partial_wildcard(value.loc, &value.text));
            return None;
        }
        if let Err(error) = check_id(&value.text) {
            self.push(diags::invalid_id(
                Code::InvalidResourceId,
                value.loc,
                "resource ID",
                &value.text,
                error,
            ));
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
            self.push(diags::missing_field(
                loc,
                "permission",
                "allow",
                "add `allow:` with the permission types to grant",
            ));
            return None;
        };
        let version = self.version;
        let supported = |rt: ResourceType| (rt, supported_list(version, rt));
        if allow.value.is_empty() {
            let loc = self.loc(file, allow);
            self.push(diags::empty_allow(loc, resource_type.map(supported)));
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
                Some(p) if p.since() > version => {
                    ok = false;
                    self.push(diags::permission_too_new(
                        value.loc,
                        p,
                        version,
                        resource_type.map(supported),
                    ));
                }
                Some(p) => {
                    if let Some(rt) = resource_type
                        && !supported_permissions(version, rt).contains(&p)
                    {
                        ok = false;
                        self.push(diags::unsupported_permission(
                            value.loc,
                            rt,
                            p,
                            version,
                            &supported_list(version, rt),
                        ));
                        continue;
                    }
                    result.insert(p);
                }
                None => {
                    ok = false;
                    self.push(diags::unknown_permission(
                        value.loc,
                        &value.text,
                        version,
                        resource_type.map(supported),
                    ));
                }
            }
        }
        ok.then_some(result)
    }
}

/// The permission types `rt` supports in `version`, for help texts.
fn supported_list(version: CamundaVersion, rt: ResourceType) -> String {
    supported_permissions(version, rt)
        .iter()
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
