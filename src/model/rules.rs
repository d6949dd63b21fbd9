//! Guardrail rules: their stable IDs, what each one forbids, and the levels
//! `policy.rules` can give them. The checks themselves are in
//! [`crate::analysis::rules`]; the levels chosen are in
//! [`crate::model::desired::Policy`].

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A built-in guardrail rule, by its stable ID.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum RuleId {
    /// A client or mapping rule can change access control: a permission
    /// other than READ on AUTHORIZATION, ROLE, GROUP, USER, TENANT or
    /// MAPPING_RULE.
    AccessControlWrite,
    /// A principal is a member of the built-in role `admin`.
    AdminMembership,
    /// A client can change or delete every resource of a type: a permission
    /// on `*` that is neither a read nor a plain creation.
    ClientWildcardWrite,
    /// A mapping rule matches a claim every token of the identity provider
    /// carries with the same value (`iss`, `aud`, `tid`).
    UniversalClaim,
    /// Two or more users own the same authorization themselves, where a
    /// group holding it once would do.
    UserOwnedAuthorization,
}

impl RuleId {
    /// Every rule, in the order the documentation lists them.
    pub const ALL: [RuleId; 5] = [
        RuleId::AccessControlWrite,
        RuleId::AdminMembership,
        RuleId::ClientWildcardWrite,
        RuleId::UniversalClaim,
        RuleId::UserOwnedAuthorization,
    ];

    /// The stable ID, as `policy.rules` and the documents write it.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleId::AccessControlWrite => "access-control-write",
            RuleId::AdminMembership => "admin-membership",
            RuleId::ClientWildcardWrite => "client-wildcard-write",
            RuleId::UniversalClaim => "universal-claim",
            RuleId::UserOwnedAuthorization => "user-owned-authorization",
        }
    }

    /// Reads a stable ID.
    pub fn parse(text: &str) -> Option<RuleId> {
        RuleId::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// The level a rule has when `policy.rules` does not name it.
    pub fn default_level(self) -> Level {
        Level::Warn
    }

    /// What the rule forbids, in one sentence.
    pub fn summary(self) -> &'static str {
        match self {
            RuleId::AccessControlWrite => {
                "a client or mapping rule may change access control (a permission other than READ on AUTHORIZATION, ROLE, GROUP, USER, TENANT or MAPPING_RULE)"
            }
            RuleId::AdminMembership => "a principal is a member of the built-in role admin",
            RuleId::ClientWildcardWrite => {
                "a client may change or delete every resource of a type (a permission on * that is neither a read nor a plain creation)"
            }
            RuleId::UniversalClaim => {
                "a mapping rule matches a claim every token of the identity provider carries (iss, aud, tid)"
            }
            RuleId::UserOwnedAuthorization => {
                "two or more users own the same authorization themselves, where one group would do"
            }
        }
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a rule's violation does; ordered from the strictest.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// `apply` refuses a plan that introduces a violation (exit 3).
    Deny,
    /// The plan shows the violation at the top; `apply` goes ahead.
    Warn,
    /// The rule is off.
    Allow,
}

impl Level {
    /// Every level.
    pub const ALL: [Level; 3] = [Level::Deny, Level::Warn, Level::Allow];

    /// The name `policy.rules` uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Deny => "deny",
            Level::Warn => "warn",
            Level::Allow => "allow",
        }
    }

    /// Reads a level.
    pub fn parse(text: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == text)
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for rule in RuleId::ALL {
            assert_eq!(RuleId::parse(rule.as_str()), Some(rule));
            let json = serde_json::to_string(&rule).unwrap();
            assert_eq!(json, format!("\"{rule}\""));
        }
        for level in Level::ALL {
            assert_eq!(Level::parse(level.as_str()), Some(level));
        }
        assert_eq!(RuleId::parse("admin"), None);
    }
}
