//! Values: `${env:…}` interpolation, IDs, and required or non-blank text.

use crate::config::diagnostic::Code;
use crate::config::interpolate::{InterpolationError, interpolate};
use crate::config::raw::Text;
use crate::config::source::{FileId, Loc};
use crate::config::validate::{Validator, diags};
use crate::model::ids::{
    check_id_addressable as check_id, check_tenant_id_addressable as check_tenant_id,
};
use crate::model::state::Principal;

/// A text value after interpolation, with its place.
pub(super) struct Interpolated {
    pub(super) text: String,
    pub(super) loc: Loc,
}

/// What an ID names, for syntax rules and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum IdKind {
    Tenant,
    Group,
    Role,
    MappingRule,
    Client,
    User,
    Owner,
}

impl IdKind {
    pub(super) fn noun(self) -> &'static str {
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
    pub(super) fn principal(self, id: &str) -> Option<Principal> {
        match self {
            IdKind::User => Some(Principal::User(id.into())),
            IdKind::Client => Some(Principal::Client(id.into())),
            IdKind::Group => Some(Principal::Group(id.into())),
            IdKind::Role => Some(Principal::Role(id.into())),
            IdKind::MappingRule => Some(Principal::MappingRule(id.into())),
            IdKind::Tenant | IdKind::Owner => None,
        }
    }

    /// Whether `id` is syntactically valid for this kind.
    fn check(self, id: &str) -> Result<(), crate::model::ids::IdError> {
        match self {
            IdKind::Tenant => check_tenant_id(id),
            _ => check_id(id),
        }
    }
}

impl Validator<'_> {
    /// Interpolates a value; reports and returns `None` when that fails.
    pub(super) fn value(&mut self, file: FileId, text: &Text) -> Option<Interpolated> {
        let loc = self.loc(file, text);
        match interpolate(&text.value, self.vars) {
            Ok(value) => Some(Interpolated {
                text: value.into_owned(),
                loc,
            }),
            Err(InterpolationError::Unset { name }) => {
                self.push(diags::unset_variable(loc, &name));
                None
            }
            Err(InterpolationError::Malformed { reason }) => {
                self.push(diags::invalid_variable(loc, &reason));
                None
            }
        }
    }

    pub(super) fn optional(&mut self, file: FileId, text: Option<&Text>) -> Option<Interpolated> {
        text.and_then(|t| self.value(file, t))
    }

    /// A name or other required text: reported when blank.
    pub(super) fn non_blank(
        &mut self,
        file: FileId,
        text: Option<&Text>,
        what: &str,
    ) -> Option<String> {
        let value = self.optional(file, text)?;
        if value.text.trim().is_empty() {
            self.push(diags::blank_value(
                value.loc,
                what,
                format!("give a {what}, or leave the key out"),
            ));
            return None;
        }
        Some(value.text)
    }

    /// An interpolated, syntax-checked ID of `kind`.
    pub(super) fn id(&mut self, file: FileId, text: &Text, kind: IdKind) -> Option<Interpolated> {
        let value = self.value(file, text)?;
        match kind.check(&value.text) {
            Ok(()) => Some(value),
            Err(error) => {
                let code = if kind == IdKind::Tenant {
                    Code::InvalidTenantId
                } else {
                    Code::InvalidId
                };
                self.push(diags::invalid_id(
                    code,
                    value.loc,
                    kind.noun(),
                    &value.text,
                    error,
                ));
                None
            }
        }
    }

    /// A key `entity` (whose ID is `owner`) needs: reported when missing or
    /// blank.
    pub(super) fn required(
        &mut self,
        file: FileId,
        text: Option<&Text>,
        key: &str,
        owner: &Interpolated,
        entity: &str,
    ) -> Option<Interpolated> {
        let Some(text) = text else {
            self.push(diags::missing_field(
                owner.loc,
                &format!("{entity} '{}'", owner.text),
                key,
                format!("add `{key}:`"),
            ));
            return None;
        };
        let value = self.value(file, text)?;
        if value.text.trim().is_empty() {
            self.push(diags::blank_value(
                value.loc,
                key,
                format!("give the {entity} a {key}"),
            ));
            return None;
        }
        Some(value)
    }

    /// The interpolated text of an ID already checked (and reported) in the
    /// first pass; `None` when it was invalid.
    pub(super) fn quiet_value(&self, text: &Text, kind: IdKind) -> Option<String> {
        let value = interpolate(&text.value, self.vars).ok()?.into_owned();
        kind.check(&value).is_ok().then_some(value)
    }
}
