//! Typed identifiers and Camunda's rules for their syntax.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The longest ID Camunda accepts (usernames, group, role, mapping-rule,
/// client, owner and resource IDs).
pub const MAX_ID_LENGTH: usize = 256;

/// The longest tenant ID Camunda accepts (the server's `TENANT_ID_MASK`).
pub const MAX_TENANT_ID_LENGTH: usize = 31;

/// Camunda's default `camunda.security.id-validation-pattern`, as written in
/// its error messages.
pub const DEFAULT_ID_PATTERN: &str = "^[a-zA-Z0-9_~@.+-]+$";

/// The pattern tenant IDs must match, as written in error messages.
pub const TENANT_ID_PATTERN: &str = "^[\\w.-]{1,31}$";

/// Why an ID is not acceptable to Camunda.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdError {
    /// Empty or only white space.
    Blank,
    /// Longer than allowed.
    TooLong {
        /// Characters in the ID.
        length: usize,
        /// The limit.
        max: usize,
    },
    /// A character outside the allowed set.
    IllegalCharacter {
        /// The first offending character.
        found: char,
        /// The pattern the ID must match.
        pattern: &'static str,
    },
    /// `*` is reserved for "every resource" and is no entity ID.
    Wildcard,
    /// `.` or `..`: allowed by Camunda's pattern, but HTTP clients and
    /// servers resolve such path segments (even percent-encoded), so the
    /// entity cannot be addressed.
    DotSegment,
}

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdError::Blank => f.write_str("is blank"),
            IdError::TooLong { length, max } => {
                write!(f, "is {length} characters long; the limit is {max}")
            }
            IdError::IllegalCharacter { found, pattern } => write!(
                f,
                "contains the illegal character {found:?}; it must match the pattern '{pattern}'"
            ),
            IdError::Wildcard => f.write_str("is the reserved wildcard `*`"),
            IdError::DotSegment => f.write_str(
                "is a dot segment, which no URL path can carry: a request for it would reach another resource",
            ),
        }
    }
}

fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '~' | '@' | '.' | '+' | '-')
}

/// Checks an ID against Camunda's default ID pattern and length limit.
pub fn check_id(id: &str) -> Result<(), IdError> {
    if id.trim().is_empty() {
        return Err(IdError::Blank);
    }
    if id == "*" {
        return Err(IdError::Wildcard);
    }
    let length = id.chars().count();
    if length > MAX_ID_LENGTH {
        return Err(IdError::TooLong {
            length,
            max: MAX_ID_LENGTH,
        });
    }
    match id.chars().find(|c| !is_id_char(*c)) {
        Some(found) => Err(IdError::IllegalCharacter {
            found,
            pattern: DEFAULT_ID_PATTERN,
        }),
        None => Ok(()),
    }
}

/// Camunda's rules plus this tool's: no `.` or `..` (see [`addressable`]).
pub fn check_id_addressable(id: &str) -> Result<(), IdError> {
    check_id(id)?;
    if addressable(id) {
        Ok(())
    } else {
        Err(IdError::DotSegment)
    }
}

/// Camunda's tenant-ID rules plus this tool's: no `.` or `..`.
pub fn check_tenant_id_addressable(id: &str) -> Result<(), IdError> {
    check_tenant_id(id)?;
    if addressable(id) {
        Ok(())
    } else {
        Err(IdError::DotSegment)
    }
}

/// Whether an ID can be a URL path segment: not `.` or `..`, which URL
/// parsers resolve (the WHATWG rules also resolve `%2e` forms).
pub fn addressable(id: &str) -> bool {
    !matches!(id, "." | "..")
}

/// Checks a tenant ID: `<default>`, or 1 to 31 word characters, `.` and `-`.
pub fn check_tenant_id(id: &str) -> Result<(), IdError> {
    if id == crate::model::catalogue::DEFAULT_TENANT {
        return Ok(());
    }
    if id.trim().is_empty() {
        return Err(IdError::Blank);
    }
    if id == "*" {
        return Err(IdError::Wildcard);
    }
    let length = id.chars().count();
    if length > MAX_TENANT_ID_LENGTH {
        return Err(IdError::TooLong {
            length,
            max: MAX_TENANT_ID_LENGTH,
        });
    }
    // Java's `\w` without UNICODE_CHARACTER_CLASS is ASCII only.
    match id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
    {
        Some(found) => Err(IdError::IllegalCharacter {
            found,
            pattern: TENANT_ID_PATTERN,
        }),
        None => Ok(()),
    }
}

/// A pragmatic e-mail check: one `@`, a non-empty local part, a dotted
/// domain, no white space.
pub fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !text.chars().any(char::is_whitespace)
}

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps an ID; syntax is checked by the validator, not here.
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            /// The ID as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(id.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(id)
            }
        }
    };
}

id_type!(
    /// The ID of a tenant (`tenantId`).
    TenantId
);
id_type!(
    /// The ID of a group (`groupId`).
    GroupId
);
id_type!(
    /// The ID of a role (`roleId`).
    RoleId
);
id_type!(
    /// The ID of a mapping rule (`mappingRuleId`).
    MappingRuleId
);
id_type!(
    /// The username of a user.
    Username
);
id_type!(
    /// The ID of an OAuth client (the token's client-id claim).
    ClientId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert_eq!(check_id("ci-deployer"), Ok(()));
        assert_eq!(check_id("a.b_c@d+e~f"), Ok(()));
        assert_eq!(check_id(""), Err(IdError::Blank));
        assert_eq!(check_id("  "), Err(IdError::Blank));
        assert_eq!(check_id("*"), Err(IdError::Wildcard));
        assert!(matches!(
            check_id("a/b"),
            Err(IdError::IllegalCharacter { found: '/', .. })
        ));
        assert!(matches!(
            check_id("grüne"),
            Err(IdError::IllegalCharacter { found: 'ü', .. })
        ));
        assert_eq!(check_id(&"a".repeat(256)), Ok(()));
        assert_eq!(
            check_id(&"a".repeat(257)),
            Err(IdError::TooLong {
                length: 257,
                max: 256
            })
        );
    }

    #[test]
    fn tenant_ids() {
        assert_eq!(check_tenant_id("<default>"), Ok(()));
        assert_eq!(check_tenant_id("finance-eu.1_x"), Ok(()));
        assert_eq!(check_tenant_id(&"t".repeat(31)), Ok(()));
        assert!(matches!(
            check_tenant_id(&"t".repeat(32)),
            Err(IdError::TooLong { max: 31, .. })
        ));
        assert!(matches!(
            check_tenant_id("a@b"),
            Err(IdError::IllegalCharacter { found: '@', .. })
        ));
        assert!(matches!(
            check_tenant_id("<other>"),
            Err(IdError::IllegalCharacter { found: '<', .. })
        ));
    }
}
