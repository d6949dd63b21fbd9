//! The `policy` section: what may be pruned, what is protected, and the
//! levels of the guardrail rules.

use std::collections::BTreeMap;

use crate::config::raw::{RawMoved, RawPolicy, Sp};
use crate::config::source::FileId;
use crate::config::validate::suggest::closest;
use crate::config::validate::{EntityKind, Validator, diags};
use crate::model::catalogue::{BUILT_IN_ROLES, DEFAULT_TENANT};
use crate::model::desired::{Kind, Move, Policy, Referenced};
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

/// The help for a `moved:` end that is not `kind:id` of a movable kind.
const MOVED_REF_HELP: &str =
    "write `kind:id` with kind group, role, tenant or mapping-rule, e.g. `group:finance`";

impl Validator<'_> {
    /// A `moved:` entry: both ends `kind:id` of one movable kind, the old
    /// one declared nowhere, the new one declared, each old one once.
    pub(super) fn moved(&mut self, file: FileId, entry: &RawMoved) {
        let (Some(from), Some(to)) = (&entry.from, &entry.to) else {
            let place = entry.from.as_ref().or(entry.to.as_ref());
            let loc = place
                .map(|t| self.loc(file, t))
                .unwrap_or_else(|| self.sources.get(file).start(file));
            self.push(diags::invalid_moved(
                loc,
                "a `moved:` entry needs both `from` and `to`",
                "write `- from: group:old-id` and `  to: group:new-id` (kinds: group, role, tenant, mapping-rule)",
            ));
            return;
        };
        let (Some(from_value), Some(to_value)) = (self.value(file, from), self.value(file, to))
        else {
            return;
        };
        let parsed = |text: &str| match parse_protect(text) {
            Ok(Referenced::Principal(Principal::User(_) | Principal::Client(_))) => Err(
                "names a user or client; only groups, roles, tenants and mapping rules move"
                    .to_owned(),
            ),
            Err("names an unknown kind") => {
                let kind = text.split(':').next().unwrap_or_default();
                let guess = closest(
                    kind,
                    ["GROUP", "ROLE", "TENANT", "MAPPING_RULE"].into_iter(),
                )
                .map(|g| {
                    format!(
                        " (did you mean `{}`?)",
                        g.to_ascii_lowercase().replace('_', "-")
                    )
                })
                .unwrap_or_default();
                Err(format!("names an unknown kind{guess}"))
            }
            Err(reason) => Err(reason.to_owned()),
            Ok(object) => Ok(object),
        };
        let (old, new) = match (parsed(&from_value.text), parsed(&to_value.text)) {
            (Err(reason), _) => {
                self.push(diags::invalid_moved(
                    from_value.loc,
                    &format!("`from: {}` {reason}", from_value.text),
                    MOVED_REF_HELP,
                ));
                return;
            }
            (_, Err(reason)) => {
                self.push(diags::invalid_moved(
                    to_value.loc,
                    &format!("`to: {}` {reason}", to_value.text),
                    MOVED_REF_HELP,
                ));
                return;
            }
            (Ok(old), Ok(new)) => (old, new),
        };
        let kind = |r: &Referenced| {
            r.to_string()
                .split(':')
                .next()
                .unwrap_or_default()
                .to_owned()
        };
        if kind(&old) != kind(&new) {
            self.push(diags::invalid_moved(
                to_value.loc,
                &format!("a rename of {old} to {new} changes the kind"),
                "a rename keeps the kind (`group:` to `group:`); to turn one kind into another, declare the new object and remove the old one",
            ));
            return;
        }
        if old == new {
            self.push(diags::invalid_moved(
                to_value.loc,
                &format!("{old} is renamed onto itself"),
                "name the old ID in `from` and the new one in `to`, or remove the entry",
            ));
            return;
        }
        let built_in = |r: &Referenced| match r {
            Referenced::Container(Container::Role(id)) => BUILT_IN_ROLES.contains(&id.as_str()),
            Referenced::Container(Container::Tenant(id)) => id.as_str() == DEFAULT_TENANT,
            _ => false,
        };
        if built_in(&old) || built_in(&new) {
            self.push(diags::invalid_moved(
                from_value.loc,
                "a built-in role or <default> is named; they are Camunda's and are never renamed",
                "declare a new role or tenant of your own, list the members there, and leave the built-in one alone",
            ));
            return;
        }
        let protected = |r: &Referenced| {
            self.policy
                .as_ref()
                .is_some_and(|(p, _)| p.protect.contains(r))
        };
        if protected(&old) {
            self.push(diags::invalid_moved(
                from_value.loc,
                &format!("renames {old}, which policy.protect keeps from being changed or deleted"),
                "remove it from `policy.protect` to rename it",
            ));
            return;
        }
        if protected(&new) {
            self.push(diags::invalid_moved(
                to_value.loc,
                &format!(
                    "renames onto {new}, which policy.protect keeps from being changed: the rename gives it the old object's members and authorizations"
                ),
                "remove it from `policy.protect`, or rename onto an object that is not protected",
            ));
            return;
        }
        if let Some((_, place)) = self.references.iter().find(|(r, _)| *r == old) {
            let place = *place;
            self.push(
                diags::invalid_moved(
                    from_value.loc,
                    &format!("renames {old}, which the files still refer to"),
                    "refer to the object by its new ID everywhere",
                )
                .related(place, "referred to here; use the new ID"),
            );
            return;
        }
        if self.is_declared(&old) {
            self.push(diags::invalid_moved(
                from_value.loc,
                &format!(
                    "{old} is still declared; a moved object is declared under its new ID only"
                ),
                "remove the old entry from the files (the rename deletes it from the cluster)",
            ));
            return;
        }
        // A chain (`a -> b` kept after it was applied, then `b -> c`) ends
        // at a declared object.
        if !self.is_declared(&new) && !self.moved_from.contains(&new) {
            self.push(diags::invalid_moved(
                to_value.loc,
                &format!("{new}, the new object of this rename, is not declared"),
                "declare the object under its new ID (the `to` of a rename is the object the files keep)",
            ));
            return;
        }
        if let Some((_, first)) = self
            .moves
            .iter()
            .find(|(m, _)| m.from == old || m.to == new)
        {
            let first = *first;
            self.push(
                diags::invalid_moved(
                    from_value.loc,
                    "an object is renamed, or renamed onto, a second time",
                    "rename each object once; to rename a renamed object again, keep `a -> b` and add `b -> c`",
                )
                .related(first, "first moved here"),
            );
            return;
        }
        self.moves
            .push((Move { from: old, to: new }, from_value.loc));
    }

    /// Chains of renames (`a -> b`, `b -> c`) go to their end: `a -> c`.
    pub(super) fn chain_moves(&mut self) {
        let next: BTreeMap<Referenced, Referenced> = self
            .moves
            .iter()
            .map(|(m, _)| (m.from.clone(), m.to.clone()))
            .collect();
        for (m, _) in &mut self.moves {
            for _ in 0..next.len() {
                match next.get(&m.to) {
                    Some(to) => m.to = to.clone(),
                    None => break,
                }
            }
        }
        // A chain that never reaches a declared object is a cycle
        // (`a -> b`, `b -> a`).
        let moves = std::mem::take(&mut self.moves);
        for (m, loc) in moves {
            if self.is_declared(&m.to) {
                self.moves.push((m, loc));
            } else {
                self.push(diags::invalid_moved(
                    loc,
                    &format!("the renames of {} go round in a cycle and end at no declared object", m.from),
                    "a chain of renames must end at an object the files declare: remove one entry of the cycle",
                ));
            }
        }
    }

    /// Whether the files declare `object`.
    fn is_declared(&self, object: &Referenced) -> bool {
        let (kind, id) = match object {
            Referenced::Container(Container::Group(g)) => (EntityKind::Group, g.as_str()),
            Referenced::Container(Container::Role(r)) => (EntityKind::Role, r.as_str()),
            Referenced::Container(Container::Tenant(t)) => (EntityKind::Tenant, t.as_str()),
            Referenced::Principal(Principal::MappingRule(m)) => {
                (EntityKind::MappingRule, m.as_str())
            }
            Referenced::Principal(_) => return false,
        };
        self.declared.contains_key(&(kind, id.to_owned()))
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
