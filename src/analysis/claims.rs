//! Token claims as Camunda reads them: claim names as JSONPath-like paths,
//! mapping rules matched with `equals` (scalars) or `contains` (arrays), and
//! the principal and groups a token names.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::ids::GroupId;
use crate::model::state::Principal;

/// How the cluster reads tokens (`camunda.security.authentication.oidc.*`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenSettings {
    /// The claim naming a user (Camunda's default: `sub`).
    pub username_claim: String,
    /// The claim naming a client (Camunda's default: none, so every token
    /// names a user).
    pub client_id_claim: Option<String>,
    /// The claim listing the token's groups (Camunda's default: none).
    pub groups_claim: Option<String>,
}

impl Default for TokenSettings {
    fn default() -> Self {
        TokenSettings {
            username_claim: "sub".to_owned(),
            client_id_claim: None,
            groups_claim: None,
        }
    }
}

/// How a mapping rule's value was compared with the claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Comparison {
    /// The claim is a scalar: it must equal the value.
    Equals,
    /// The claim is an array: one of its items must equal the value.
    Contains,
    /// The token has no such claim.
    Missing,
}

/// The segments of a JSONPath claim name: `$.a.b`, `$['a.b']`, `$["a"].b`;
/// `None` when it is not one.
pub(crate) fn json_path(name: &str) -> Option<Vec<String>> {
    let mut rest = name.strip_prefix('$')?;
    let mut segments = Vec::new();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            if end == 0 {
                return None;
            }
            segments.push(after[..end].to_owned());
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let quote = after.chars().next().filter(|c| *c == '\'' || *c == '"')?;
            let inner = &after[1..];
            let end = inner.find(quote)?;
            segments.push(inner[..end].to_owned());
            rest = inner[end + 1..].strip_prefix(']')?;
        } else {
            return None;
        }
    }
    Some(segments)
}

/// The value of the claim `name` in `claims`: a JSONPath (`$.realm_access.roles`,
/// `$['a.b']`), or a plain name — a top-level key, else a dotted path (8.8
/// compiles plain names as JSONPath, so `a.b` is nested).
pub fn claim_at<'v>(claims: &'v Value, name: &str) -> Option<&'v Value> {
    if let Some(segments) = json_path(name) {
        return segments
            .iter()
            .try_fold(claims, |node, part| node.get(part.as_str()));
    }
    claims.get(name).or_else(|| {
        name.split('.')
            .try_fold(claims, |node, part| node.get(part))
    })
}

/// Whether a mapping rule on `claim_name` = `claim_value` matches the token,
/// and how it was compared. No coercion, as in Camunda's `MappingRuleMatcher`:
/// a boolean or number never equals a string.
pub fn compare(claims: &Value, claim_name: &str, claim_value: &str) -> (bool, Comparison) {
    let equals = |v: &Value| matches!(v, Value::String(s) if s == claim_value);
    match claim_at(claims, claim_name) {
        Some(Value::Array(items)) => (items.iter().any(equals), Comparison::Contains),
        Some(v) => (equals(v), Comparison::Equals),
        None => (false, Comparison::Missing),
    }
}

/// The principal a token names, and the claim that names it: the client-id
/// claim when it is configured and present, else the username claim (as
/// Camunda's OIDC principal loader chooses).
pub fn principal(claims: &Value, settings: &TokenSettings) -> Option<(String, Principal)> {
    let text = |name: &str| match claim_at(claims, name) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    };
    if let Some(claim) = &settings.client_id_claim
        && let Some(id) = text(claim)
    {
        return Some((claim.clone(), Principal::Client(id.into())));
    }
    let claim = &settings.username_claim;
    text(claim).map(|name| (claim.clone(), Principal::User(name.into())))
}

/// The groups a token's groups claim names: a string or an array of
/// strings; `Err` with what it is otherwise (Camunda refuses such a token).
pub fn groups(claims: &Value, settings: &TokenSettings) -> Result<Vec<GroupId>, String> {
    let Some(claim) = &settings.groups_claim else {
        return Ok(Vec::new());
    };
    match claim_at(claims, claim) {
        None => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![s.clone().into()]),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match item {
                Value::String(s) => Ok(s.clone().into()),
                other => Err(format!(
                    "the groups claim {claim} holds {other}, not a string: Camunda refuses the token"
                )),
            })
            .collect(),
        Some(other) => Err(format!(
            "the groups claim {claim} is {other}, not a string or string array: Camunda refuses the token"
        )),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn scalars_equal_arrays_contain_nested_claims_resolve() {
        let claims = json!({
            "groups": ["acct", "finance"],
            "azp": "worker",
            "admin": true,
            "realm_access": {"roles": ["auditor"]},
            "a.b": "literal",
        });
        assert_eq!(
            compare(&claims, "groups", "acct"),
            (true, Comparison::Contains)
        );
        assert_eq!(
            compare(&claims, "groups", "ac"),
            (false, Comparison::Contains)
        );
        assert_eq!(
            compare(&claims, "azp", "worker"),
            (true, Comparison::Equals)
        );
        assert!(compare(&claims, "$.realm_access.roles", "auditor").0);
        assert!(compare(&claims, "$['realm_access'].roles", "auditor").0);
        assert!(compare(&claims, "realm_access.roles", "auditor").0);
        assert!(compare(&claims, "$['a.b']", "literal").0);
        assert!(compare(&claims, "a.b", "literal").0);
        assert_eq!(
            compare(&claims, "missing", "x"),
            (false, Comparison::Missing)
        );
        // No coercion.
        assert!(!compare(&claims, "admin", "true").0);
    }

    #[test]
    fn the_token_names_a_client_only_with_a_client_id_claim() {
        let claims = json!({"sub": "service-account-ci", "client_id": "ci"});
        let defaults = TokenSettings::default();
        assert_eq!(
            principal(&claims, &defaults),
            Some((
                "sub".to_owned(),
                Principal::User("service-account-ci".into())
            ))
        );
        let settings = TokenSettings {
            client_id_claim: Some("client_id".to_owned()),
            ..TokenSettings::default()
        };
        assert_eq!(
            principal(&claims, &settings),
            Some(("client_id".to_owned(), Principal::Client("ci".into())))
        );
        assert_eq!(principal(&json!({}), &defaults), None);
    }

    #[test]
    fn a_groups_claim_may_be_one_string() {
        let settings = TokenSettings {
            groups_claim: Some("$.groups".to_owned()),
            ..TokenSettings::default()
        };
        assert_eq!(
            groups(&json!({"groups": "eng"}), &settings),
            Ok(vec![GroupId::from("eng")])
        );
        assert_eq!(
            groups(&json!({"groups": ["eng", "ops"]}), &settings)
                .unwrap()
                .len(),
            2
        );
        assert!(groups(&json!({"groups": 7}), &settings).is_err());
        assert_eq!(
            groups(&json!({"groups": "eng"}), &TokenSettings::default()),
            Ok(vec![])
        );
    }
}
