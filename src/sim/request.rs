//! Request bodies checked the way Camunda's gateway checks them: Jackson's
//! 400 "Bad Request" for bodies that do not parse, and the request
//! validators' 400 `INVALID_ARGUMENT` with every violation joined.

use serde_json::{Map, Value};

use crate::model::catalogue::{CamundaVersion, OwnerType, PermissionType, ResourceType};
use crate::model::ids::{DEFAULT_ID_PATTERN, MAX_ID_LENGTH, TENANT_ID_PATTERN};
use crate::sim::engine::Rejection;

/// 400 with Spring's default title, for bodies that cannot be read.
pub(crate) fn bad_request(detail: impl Into<String>) -> Rejection {
    Rejection::new(400, "Bad Request", detail)
}

/// 400 `INVALID_ARGUMENT` with the violations joined as the gateway joins them.
pub(crate) fn invalid_argument(violations: Vec<String>) -> Rejection {
    Rejection::new(
        400,
        "INVALID_ARGUMENT",
        format!("{}.", violations.join(". ")),
    )
}

/// Parses a JSON object body with a fixed set of properties.
pub(crate) fn object(body: &[u8], allowed: &[&str]) -> Result<Map<String, Value>, Rejection> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(bad_request("Required request body is missing"));
    }
    let value: Value =
        serde_json::from_slice(body).map_err(|_| bad_request("Failed to read request"))?;
    let Value::Object(map) = value else {
        return Err(bad_request("Failed to read request"));
    };
    if let Some(unknown) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(bad_request(format!(
            "Request property [{unknown}] cannot be parsed"
        )));
    }
    Ok(map)
}

/// Parses an optional search body.
pub(crate) fn optional_json(body: &[u8]) -> Result<Option<Value>, Rejection> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice(body)
        .map(Some)
        .map_err(|_| bad_request("Failed to read request"))
}

/// A string property: `None` when absent or null; 400 when not a string.
pub(crate) fn string(map: &Map<String, Value>, key: &str) -> Result<Option<String>, Rejection> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(bad_request(format!(
            "Request property [{key}] cannot be parsed"
        ))),
    }
}

/// The cluster's ID rule (`camunda.security.id-validation-pattern`).
#[derive(Debug, Clone, Default)]
pub(crate) struct IdRules {
    pattern: Option<regex::Regex>,
}

impl IdRules {
    /// A custom pattern. Like Camunda, refuses one that matches `*`, the
    /// reserved wildcard.
    pub(crate) fn custom(pattern: &str) -> Result<IdRules, String> {
        let regex = regex::Regex::new(pattern)
            .map_err(|e| format!("invalid ID pattern '{pattern}': {e}"))?;
        if regex.is_match("*") {
            return Err(format!(
                "the ID pattern '{pattern}' matches '*', which is reserved for wildcards"
            ));
        }
        Ok(IdRules {
            pattern: Some(regex),
        })
    }

    /// The pattern as error messages show it.
    pub(crate) fn pattern(&self) -> &str {
        self.pattern
            .as_ref()
            .map_or(DEFAULT_ID_PATTERN, regex::Regex::as_str)
    }

    fn matches(&self, id: &str) -> bool {
        match &self.pattern {
            Some(regex) => regex.is_match(id),
            None => crate::model::ids::check_id(id).is_ok(),
        }
    }
}

/// Collects validation messages.
///
/// The checks of required values hand the value back, so a handler reads
/// on with plain values: a missing one comes back as the default (empty),
/// and then [`Violations::finish`] fails, so that placeholder is never used.
#[derive(Debug)]
pub(crate) struct Violations<'a> {
    rules: &'a IdRules,
    messages: Vec<String>,
}

impl<'a> Violations<'a> {
    /// Collects violations of `rules`.
    pub(crate) fn new(rules: &'a IdRules) -> Self {
        Violations {
            rules,
            messages: Vec::new(),
        }
    }

    /// A required, non-blank value.
    pub(crate) fn required<S: AsRef<str> + Default>(&mut self, key: &str, value: Option<S>) -> S {
        match value {
            Some(v) if !v.as_ref().trim().is_empty() => v,
            _ => {
                self.messages.push(format!("No {key} provided"));
                S::default()
            }
        }
    }

    /// An ID with the cluster's pattern and the length limit.
    pub(crate) fn id<S: AsRef<str> + Default>(&mut self, key: &str, value: Option<S>) -> S {
        let value = self.required(key, value);
        let id = value.as_ref();
        if id.is_empty() {
            return value; // reported as missing
        }
        if id.chars().count() > MAX_ID_LENGTH {
            self.messages.push(format!(
                "The provided {key} exceeds the limit of {MAX_ID_LENGTH} characters"
            ));
        } else if !self.rules.matches(id) {
            self.messages.push(format!(
                "The provided {key} contains illegal characters. It must match the pattern '{}'",
                self.rules.pattern()
            ));
        }
        value
    }

    /// A tenant ID.
    pub(crate) fn tenant_id<S: AsRef<str> + Default>(&mut self, value: Option<S>) -> S {
        let value = self.required("tenantId", value);
        let id = value.as_ref();
        if id.is_empty() {
            return value; // reported as missing
        }
        if id.chars().count() > crate::model::ids::MAX_TENANT_ID_LENGTH {
            self.messages.push(format!(
                "The provided tenantId exceeds the limit of {} characters",
                crate::model::ids::MAX_TENANT_ID_LENGTH
            ));
        } else if crate::model::ids::check_tenant_id(id).is_err() {
            self.messages.push(format!(
                "The provided tenantId contains illegal characters. It must match the pattern '{TENANT_ID_PATTERN}'"
            ));
        }
        value
    }

    /// An e-mail address, when given and not blank.
    pub(crate) fn email(&mut self, value: Option<&str>) {
        if let Some(email) = value.filter(|v| !v.trim().is_empty())
            && !crate::model::ids::is_email(email)
        {
            self.messages
                .push(format!("The provided email '{email}' is not valid"));
        }
    }

    /// Adds a message.
    pub(crate) fn push(&mut self, message: impl Into<String>) {
        self.messages.push(message.into());
    }

    /// `Ok` when nothing was found, else the joined 400.
    pub(crate) fn finish(self) -> Result<(), Rejection> {
        if self.messages.is_empty() {
            Ok(())
        } else {
            Err(invalid_argument(self.messages))
        }
    }
}

/// The owner types in the order the API's enum lists them.
const OWNER_TYPES: &[&str] = &[
    "USER",
    "CLIENT",
    "ROLE",
    "GROUP",
    "MAPPING_RULE",
    "UNSPECIFIED",
];

/// The 8.8 resource types in the 8.8 SDK's enum order.
const RESOURCE_TYPES_8_8: &[&str] = &[
    "AUTHORIZATION",
    "MAPPING_RULE",
    "MESSAGE",
    "BATCH",
    "COMPONENT",
    "SYSTEM",
    "TENANT",
    "RESOURCE",
    "PROCESS_DEFINITION",
    "DECISION_REQUIREMENTS_DEFINITION",
    "DECISION_DEFINITION",
    "GROUP",
    "USER",
    "ROLE",
    "DOCUMENT",
];

fn enum_error(value: &str, field: &str, values: &[&str]) -> Rejection {
    bad_request(format!(
        "Unexpected value '{value}' for enum field '{field}'. Use any of the following values: [{}]",
        values.join(", ")
    ))
}

/// An owner type; `UNSPECIFIED` parses but is rejected by the validator.
pub(crate) fn owner_type(value: &str) -> Result<Option<OwnerType>, Rejection> {
    if value == "UNSPECIFIED" {
        return Ok(None);
    }
    OwnerType::parse(value)
        .map(Some)
        .ok_or_else(|| enum_error(value, "ownerType", OWNER_TYPES))
}

/// A resource type known to `version`.
pub(crate) fn resource_type(
    value: &str,
    version: CamundaVersion,
) -> Result<ResourceType, Rejection> {
    match ResourceType::parse(value) {
        Some(rt) if rt.since() <= version => Ok(rt),
        _ => {
            let names: Vec<&str> = match version {
                CamundaVersion::V8_8 => RESOURCE_TYPES_8_8.to_vec(),
                CamundaVersion::V8_9 | CamundaVersion::V8_10 => {
                    version.resource_types().map(|r| r.as_str()).collect()
                }
            };
            Err(enum_error(value, "resourceType", &names))
        }
    }
}

/// A permission type known to `version`.
pub(crate) fn permission_type(
    value: &str,
    version: CamundaVersion,
) -> Result<PermissionType, Rejection> {
    match PermissionType::parse(value) {
        Some(p) if p.since() <= version => Ok(p),
        _ => {
            let names: Vec<&str> = version.permission_types().map(|p| p.as_str()).collect();
            Err(enum_error(value, "permissionTypes", &names))
        }
    }
}

/// Decodes one percent-encoded path segment.
pub(crate) fn decode_segment(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn violations_join_like_the_gateway() {
        let rules = IdRules::default();
        let mut v = Violations::new(&rules);
        v.id("groupId", None::<&str>);
        v.required("name", Some(" "));
        assert_eq!(
            v.finish().unwrap_err().detail,
            "No groupId provided. No name provided."
        );
        let mut v = Violations::new(&rules);
        v.id("roleId", Some("a/b"));
        assert_eq!(
            v.finish().unwrap_err().detail,
            "The provided roleId contains illegal characters. It must match the pattern '^[a-zA-Z0-9_~@.+-]+$'."
        );
        let custom = IdRules::custom("^[a-z/]+$").unwrap();
        let mut v = Violations::new(&custom);
        v.id("roleId", Some("a/b"));
        v.id("groupId", Some("A"));
        assert_eq!(
            v.finish().unwrap_err().detail,
            "The provided groupId contains illegal characters. It must match the pattern '^[a-z/]+$'."
        );
        assert!(IdRules::custom(".*").is_err());
    }

    #[test]
    fn segments_decode() {
        assert_eq!(
            decode_segment("%3Cdefault%3E").as_deref(),
            Some("<default>")
        );
        assert_eq!(decode_segment("a%2Fb").as_deref(), Some("a/b"));
        assert_eq!(decode_segment("bad%zz"), None);
        assert_eq!(decode_segment("%ff"), None);
    }

    #[test]
    fn bodies() {
        assert_eq!(
            object(b"", &[]).unwrap_err().detail,
            "Required request body is missing"
        );
        assert_eq!(
            object(b"{", &[]).unwrap_err().detail,
            "Failed to read request"
        );
        assert_eq!(
            object(br#"{"x":1}"#, &["y"]).unwrap_err().detail,
            "Request property [x] cannot be parsed"
        );
        assert_eq!(
            owner_type("WRONG").unwrap_err().detail,
            "Unexpected value 'WRONG' for enum field 'ownerType'. Use any of the following values: [USER, CLIENT, ROLE, GROUP, MAPPING_RULE, UNSPECIFIED]"
        );
    }
}
