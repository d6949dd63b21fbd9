//! Guardrail rules judged on one state: which principals break which rule,
//! and with what. A plan is judged on the state after it; a violation is
//! *introduced* when the state before did not hold it (or held less of it),
//! so `deny` stops what a plan adds, never what the cluster already had.

use std::collections::{BTreeMap, BTreeSet};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::analysis::{Analyzer, Subject};
use crate::model::catalogue::{PermissionType, ResourceType};
use crate::model::desired::Policy;
use crate::model::rules::{Level, RuleId};
use crate::model::state::{AccessState, Container, Principal, ResourceSelector};

/// The resource types whose writes change access control.
pub const ACCESS_CONTROL: [ResourceType; 6] = [
    ResourceType::Authorization,
    ResourceType::Group,
    ResourceType::MappingRule,
    ResourceType::Role,
    ResourceType::Tenant,
    ResourceType::User,
];

/// The built-in role whose members may do anything.
const ADMIN: &str = "admin";

/// Claims whose value is the same in every token of an identity provider
/// (issuer, audience, Entra ID's tenant).
pub const UNIVERSAL_CLAIMS: [&str; 3] = ["iss", "aud", "tid"];

/// One principal breaking one rule.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct Violation {
    /// The rule's stable ID.
    pub rule: RuleId,
    /// Its level (as the files set it, or its default).
    pub level: Level,
    /// Who breaks it, as `kind:id` (`client:ci`, `mapping-rule:all-staff`).
    pub principal: String,
    /// As a sentence.
    pub message: String,
    /// What exactly, one line each (a permission on a resource and the path
    /// it comes through, a membership, a claim).
    pub details: Vec<String>,
    /// Whether the plan brings it (the state before did not hold all of
    /// `details`).
    pub introduced: bool,
}

/// One finding's identity within a rule and principal: what (a resource
/// and a permission, a claim, a grant) — the paths it comes through are
/// kept apart, so a new path to what was already held is not new.
type Key = (String, String);

/// What breaks each rule in `state`, by rule and principal: each finding
/// with how it comes about (paths, memberships, who else). Rules at
/// `allow` are not checked. Permissions that come through the built-in
/// role `admin` are left to `admin-membership` when it is at least as
/// strict as the rule they would break (one violation, not three, for a
/// new administrator).
pub fn findings(
    state: &AccessState,
    policy: &Policy,
) -> BTreeMap<(RuleId, Principal), BTreeMap<Key, BTreeSet<String>>> {
    let skip = |rule| policy.level(rule) == Level::Allow;
    // `allow` on admin-membership accepts administrators: what the role
    // grants them is accepted with it.
    let admin_covers = |rule| {
        skip(RuleId::AdminMembership) || policy.level(RuleId::AdminMembership) <= policy.level(rule)
    };
    let admin = Principal::Role(ADMIN.into());
    let analyzer = Analyzer::new(state);
    let mut found: BTreeMap<(RuleId, Principal), BTreeMap<Key, BTreeSet<String>>> = BTreeMap::new();
    let mut add = |rule: RuleId, principal: &Principal, key: Key, how: Option<String>| {
        let hows = found
            .entry((rule, principal.clone()))
            .or_default()
            .entry(key)
            .or_default();
        hows.extend(how);
    };
    let wants = |rule| !skip(rule);
    if wants(RuleId::AccessControlWrite) || wants(RuleId::ClientWildcardWrite) {
        for principal in analyzer.principals() {
            let client = matches!(principal, Principal::Client(_));
            if !client && !matches!(principal, Principal::MappingRule(_)) {
                continue;
            }
            let explanation = analyzer.explain(&Subject::Principal {
                principal: principal.clone(),
            });
            for (rt, resource, permission, path) in explanation.grants() {
                let rule = if ACCESS_CONTROL.contains(&rt) {
                    if is_read(permission) || !wants(RuleId::AccessControlWrite) {
                        continue;
                    }
                    RuleId::AccessControlWrite
                } else if client
                    && resource.is_wildcard()
                    && changes_existing(rt, permission)
                    && wants(RuleId::ClientWildcardWrite)
                {
                    RuleId::ClientWildcardWrite
                } else {
                    continue;
                };
                if path.owner == admin && admin_covers(rule) {
                    continue;
                }
                add(
                    rule,
                    &principal,
                    (selector(rt, resource), permission.as_str().to_owned()),
                    Some(path.to_string()),
                );
            }
        }
    }
    if wants(RuleId::AdminMembership) {
        // Camunda resolves a principal's groups and their roles: a member
        // of a group in `admin` is an administrator too.
        let admin = Container::Role(ADMIN.into());
        let key = || ("role admin".to_owned(), String::new());
        for m in state.memberships.iter().filter(|m| m.container == admin) {
            add(
                RuleId::AdminMembership,
                &m.member,
                key(),
                Some("direct".to_owned()),
            );
            if let Principal::Group(g) = &m.member {
                let group = Container::Group(g.clone());
                for inner in state.memberships.iter().filter(|i| i.container == group) {
                    add(
                        RuleId::AdminMembership,
                        &inner.member,
                        key(),
                        Some(format!("through group {g}")),
                    );
                }
            }
        }
    }
    if wants(RuleId::UniversalClaim) {
        for (id, rule) in &state.mapping_rules {
            // `iss`, `$.iss`, `$['iss']`: one segment naming the claim.
            let segments = crate::analysis::claims::json_path(&rule.claim_name)
                .unwrap_or_else(|| vec![rule.claim_name.clone()]);
            if let [claim] = segments.as_slice()
                && UNIVERSAL_CLAIMS.contains(&claim.as_str())
            {
                add(
                    RuleId::UniversalClaim,
                    &Principal::MappingRule(id.clone()),
                    (
                        format!("claim {}: {:?}", rule.claim_name, rule.claim_value),
                        String::new(),
                    ),
                    None,
                );
            }
        }
    }
    if wants(RuleId::UserOwnedAuthorization) {
        let mut owners: BTreeMap<String, BTreeSet<&Principal>> = BTreeMap::new();
        for (tuple, grant) in &state.authorizations {
            let Principal::User(user) = &tuple.owner else {
                continue;
            };
            // Camunda gives every user READ and UPDATE on itself.
            let own = tuple.resource_type == ResourceType::User
                && tuple.resource == ResourceSelector::Id(user.as_str().to_owned());
            if own {
                continue;
            }
            let names: Vec<&str> = grant.permissions.iter().map(|p| p.as_str()).collect();
            let what = format!(
                "{} {}",
                selector(tuple.resource_type, &tuple.resource),
                names.join(", ")
            );
            owners.entry(what).or_default().insert(&tuple.owner);
        }
        for (what, users) in owners.into_iter().filter(|(_, u)| u.len() > 1) {
            // Who else, named up to a few: the list is shown, not compared.
            let mut names: Vec<String> = users.iter().take(4).map(ToString::to_string).collect();
            if users.len() > 4 {
                names.push(format!("{} more", users.len() - 4));
            }
            let alike = format!("owned alike by {} users: {}", users.len(), names.join(", "));
            for user in users {
                add(
                    RuleId::UserOwnedAuthorization,
                    user,
                    (what.clone(), String::new()),
                    Some(alike.clone()),
                );
            }
        }
    }
    found
}

/// The findings of one rule and principal as lines: what, grouped where it
/// comes the same ways, with how.
fn details(rule: RuleId, found: &BTreeMap<Key, BTreeSet<String>>) -> Vec<String> {
    let mut grouped: BTreeMap<(&str, &BTreeSet<String>), Vec<&str>> = BTreeMap::new();
    for ((what, item), hows) in found {
        grouped
            .entry((what.as_str(), hows))
            .or_default()
            .push(item.as_str());
    }
    grouped
        .into_iter()
        .map(|((what, hows), items)| {
            let hows: Vec<&str> = hows.iter().map(String::as_str).collect();
            let items: Vec<&str> = items.into_iter().filter(|i| !i.is_empty()).collect();
            let mut line = what.to_owned();
            if !items.is_empty() {
                line = format!("{line} {}", items.join(", "));
            }
            if rule == RuleId::AdminMembership {
                line = format!("member of {line}");
            }
            if !hows.is_empty() {
                line = format!("{line} ({})", hows.join("; "));
            }
            line
        })
        .collect()
}

/// The violations of `after` under `policy`, each marked introduced when
/// `before` did not hold one of its findings (a new path to something
/// already held is not new). Sorted: deny first, then by rule and
/// principal.
pub fn violations(before: &AccessState, after: &AccessState, policy: &Policy) -> Vec<Violation> {
    violations_renamed(before, after, policy, &BTreeMap::new())
}

/// [`violations`] of a plan that renames principals (`moved:`): a finding
/// of a new principal is not introduced when the old one (`renamed`, new
/// to old) had it.
pub fn violations_renamed(
    before: &AccessState,
    after: &AccessState,
    policy: &Policy,
    renamed: &BTreeMap<Principal, Principal>,
) -> Vec<Violation> {
    let now = findings(after, policy);
    if now.is_empty() {
        return Vec::new();
    }
    let earlier = findings(before, policy);
    let mut all: Vec<Violation> = now
        .into_iter()
        .map(|((rule, principal), found)| {
            // A rename onto an existing object: what either had is not new.
            let had = |p: &Principal, k: &Key| {
                earlier
                    .get(&(rule, p.clone()))
                    .is_some_and(|old| old.contains_key(k))
            };
            let was = renamed.get(&principal);
            let introduced = found
                .keys()
                .any(|k| !had(&principal, k) && was.is_none_or(|w| !had(w, k)));
            Violation {
                rule,
                level: policy.level(rule),
                message: message(rule, &principal),
                principal: principal.to_string(),
                details: details(rule, &found),
                introduced,
            }
        })
        .collect();
    all.sort_by(|a, b| (a.level, a.rule, &a.principal).cmp(&(b.level, b.rule, &b.principal)));
    all
}

fn message(rule: RuleId, principal: &Principal) -> String {
    match rule {
        RuleId::AccessControlWrite => format!("{principal} can change access control"),
        RuleId::AdminMembership => format!("{principal} is a member of the built-in role admin"),
        RuleId::ClientWildcardWrite => {
            format!("{principal} can change or delete every resource of a type")
        }
        RuleId::UniversalClaim => {
            format!("{principal} matches a claim every token of the identity provider carries")
        }
        RuleId::UserOwnedAuthorization => {
            format!("{principal} owns an authorization other users own alike; a group would do")
        }
    }
}

fn selector(rt: ResourceType, resource: &ResourceSelector) -> String {
    match resource {
        ResourceSelector::Id(id) => format!("{rt}:{id}"),
        ResourceSelector::Property(p) => format!("{rt}:property {p}"),
    }
}

/// A read (`READ`, `READ_*`) or `ACCESS`.
fn is_read(permission: PermissionType) -> bool {
    let name = permission.as_str();
    name == "ACCESS" || name == "READ" || name.starts_with("READ_")
}

/// A permission that changes or removes what exists: neither a read nor a
/// plain creation of something new (deploying, publishing a message,
/// starting or evaluating an instance). Batch operations count, `BATCH`
/// `CREATE` too: they cancel, delete, migrate or modify many.
fn changes_existing(rt: ResourceType, permission: PermissionType) -> bool {
    let creation = matches!(
        permission,
        PermissionType::Create
            | PermissionType::CreateProcessInstance
            | PermissionType::CreateDecisionInstance
            | PermissionType::Evaluate
    );
    !is_read(permission) && (!creation || rt == ResourceType::Batch)
}

#[cfg(test)]
mod tests;
