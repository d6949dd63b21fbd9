//! The `policy` section: what may be pruned, and what is protected.

use crate::config::raw::{RawPolicy, Sp};
use crate::config::source::FileId;
use crate::config::validate::{Validator, diags};
use crate::model::desired::{Kind, Policy, Referenced};
use crate::model::ids::{
    check_id_addressable as check_id, check_tenant_id_addressable as check_tenant_id,
};
use crate::model::state::{Container, Principal};

impl Validator<'_> {
    pub(super) fn declare_policy(&mut self, file: FileId, policy: &Sp<RawPolicy>) {
        let loc = self.loc(file, policy);
        if let Some((_, first)) = &self.policy {
            let first = *first;
            self.push(diags::duplicate_policy(loc, first));
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
                    self.push(diags::unknown_prune_kind(value.loc, &value.text, &kinds));
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
                Err(reason) => self.push(diags::invalid_protect(value.loc, &value.text, reason)),
            }
        }
        self.policy = Some((result, loc));
    }
}

/// A `protect` entry, `kind:id`; the error says what is wrong with it.
pub(super) fn parse_protect(text: &str) -> Result<Referenced, &'static str> {
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
