//! The `policy` section: what may be pruned, what is protected, and the
//! levels of the guardrail rules.

use crate::config::raw::{RawPolicy, Sp};
use crate::config::source::FileId;
use crate::config::validate::suggest::closest;
use crate::config::validate::{Validator, diags};
use crate::model::desired::{Kind, Policy, Referenced};
use crate::model::ids::{
    check_id_addressable as check_id, check_tenant_id_addressable as check_tenant_id,
};
use crate::model::rules::{Level, RuleId};
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
        for (rule, level) in &policy.value.rules.0 {
            let rule_loc = self.loc(file, rule);
            let Some(id) = RuleId::parse(&rule.value) else {
                // `closest` compares in upper case with `_` for `-`.
                let candidates: Vec<(String, RuleId)> = RuleId::ALL
                    .into_iter()
                    .map(|r| (r.as_str().to_ascii_uppercase().replace('-', "_"), r))
                    .collect();
                let suggestion = closest(&rule.value, candidates.iter().map(|(n, _)| n.as_str()))
                    .and_then(|c| candidates.iter().find(|(n, _)| n == c))
                    .map(|(_, r)| r.as_str());
                self.push(diags::unknown_rule(rule_loc, &rule.value, suggestion));
                continue;
            };
            let Some(value) = self.value(file, level) else {
                continue;
            };
            match Level::parse(&value.text) {
                Some(level) => {
                    result.rules.insert(id, level);
                }
                None => self.push(diags::invalid_rule_level(
                    value.loc,
                    id.as_str(),
                    &value.text,
                )),
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
