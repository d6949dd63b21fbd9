//! The `/v2` JSON shapes this tool reads: search requests and pages, the
//! entity, member and authorization items, and the topology. Camunda's field
//! names are spelled here once (`rename_all = "camelCase"`); a rename
//! upstream is a change in this file.
//!
//! A search page is taken apart leniently (a field of the wrong type counts
//! as absent, as Camunda 8.8's schema leaves most of them optional), and its
//! items stay [`Value`]s: each is decoded on its own, so one item this tool
//! cannot read is reported and skipped, never the whole answer, and no JSON
//! makes the reader panic (fuzzed, `src/fuzzing.rs`).

use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// The body of a search: one page, by cursor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchRequest {
    /// Which page.
    pub page: PageRequest,
}

/// Which page of a search: at most `limit` items after the cursor `after`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PageRequest {
    /// Items per page.
    pub limit: usize,
    /// The previous page's `endCursor`; none for the first page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

/// A search answer. Not a search answer at all (an array, a string) reads as
/// an empty page.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchPage {
    /// The items, each to be decoded on its own.
    #[serde(default, deserialize_with = "lenient")]
    pub items: Vec<Value>,
    /// Where the page ends.
    #[serde(default, deserialize_with = "lenient")]
    pub page: PageInfo,
}

impl SearchPage {
    /// The page in an answer, leniently.
    pub fn of(answer: Value) -> SearchPage {
        serde_json::from_value(answer).unwrap_or_default()
    }
}

/// Where a search page ends.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageInfo {
    /// Items in all (a lower bound when `has_more_total_items`).
    #[serde(default, deserialize_with = "lenient")]
    pub total_items: Option<u64>,
    /// Whether `total_items` is only a lower bound.
    #[serde(default, deserialize_with = "lenient")]
    pub has_more_total_items: Option<bool>,
    /// The cursor of the next page.
    #[serde(default, deserialize_with = "lenient")]
    pub end_cursor: Option<String>,
}

/// A field of the wrong type counts as absent.
fn lenient<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned + Default,
{
    let value = Value::deserialize(deserializer)?;
    Ok(T::deserialize(value).unwrap_or_default())
}

/// `GET /topology`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Topology {
    /// The gateway's Camunda version, e.g. `8.8.3`.
    pub gateway_version: String,
}

/// An item of `POST /tenants/search`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantItem {
    /// Tenant ID.
    pub tenant_id: String,
    /// Display name.
    pub name: Option<String>,
    /// Description.
    pub description: Option<String>,
}

/// An item of `POST /groups/search`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupItem {
    /// Group ID.
    pub group_id: String,
    /// Display name.
    pub name: Option<String>,
    /// Description.
    pub description: Option<String>,
}

/// An item of `POST /roles/search`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleItem {
    /// Role ID.
    pub role_id: String,
    /// Display name.
    pub name: Option<String>,
    /// Description.
    pub description: Option<String>,
}

/// An item of `POST /mapping-rules/search`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MappingRuleItem {
    /// Mapping rule ID.
    pub mapping_rule_id: String,
    /// Display name.
    pub name: Option<String>,
    /// The token claim it matches.
    pub claim_name: Option<String>,
    /// The claim's value it matches.
    pub claim_value: Option<String>,
}

/// An item of `POST /users/search` (also a member item of kind `users`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserItem {
    /// Username.
    pub username: String,
    /// Display name.
    pub name: Option<String>,
    /// Email address.
    pub email: Option<String>,
}

/// An item of `POST /authorizations/search`. Owner type, resource type
/// and permission types stay strings here: values newer than this tool's
/// catalogue are the reader's to recognise, not a decoding error.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizationItem {
    /// The authorization's key (an int64 as a string).
    pub authorization_key: String,
    /// Owner ID.
    pub owner_id: String,
    /// Owner type (`USER`, `CLIENT`, `GROUP`, `ROLE`, `MAPPING_RULE`, …).
    pub owner_type: String,
    /// Resource type.
    pub resource_type: String,
    /// Resource ID (`*` for all).
    pub resource_id: Option<String>,
    /// Resource property (8.9); empty or absent for ID-based grants.
    pub resource_property_name: Option<String>,
    /// Permission types.
    pub permission_types: Vec<String>,
}

/// The kinds of member a container's member search lists, by the last
/// path segment of `/{container}/{id}/{kind}/search`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MemberKind {
    /// `users`: items carry `username`.
    Users,
    /// `clients`: items carry `clientId`.
    Clients,
    /// `groups`: items carry `groupId`.
    Groups,
    /// `roles`: items carry `roleId`.
    Roles,
    /// `mapping-rules`: items carry `mappingRuleId`.
    MappingRules,
}

impl MemberKind {
    /// Every kind.
    pub const ALL: [MemberKind; 5] = [
        MemberKind::Users,
        MemberKind::Clients,
        MemberKind::Groups,
        MemberKind::Roles,
        MemberKind::MappingRules,
    ];

    /// The path segment, e.g. `mapping-rules`.
    pub fn path(self) -> &'static str {
        match self {
            MemberKind::Users => "users",
            MemberKind::Clients => "clients",
            MemberKind::Groups => "groups",
            MemberKind::Roles => "roles",
            MemberKind::MappingRules => "mapping-rules",
        }
    }

    /// The kind of a path segment; `None` for any other.
    pub fn parse(path: &str) -> Option<MemberKind> {
        MemberKind::ALL.into_iter().find(|k| k.path() == path)
    }
}

impl fmt::Display for MemberKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.path())
    }
}

/// A member item of kind `clients`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientMember {
    /// Client ID.
    pub client_id: String,
}

/// A member item of kind `groups`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupMember {
    /// Group ID.
    pub group_id: String,
}

/// A member item of kind `roles`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleMember {
    /// Role ID.
    pub role_id: String,
}

/// A member item of kind `mapping-rules`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MappingRuleMember {
    /// Mapping rule ID.
    pub mapping_rule_id: String,
}

/// A member item of kind `users`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserMember {
    /// Username.
    pub username: String,
}

/// The body of `POST /audit-logs/search` (8.9): one category and entity
/// type, some entity keys or related entity keys, since a time; newest
/// first, one page by cursor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditLogSearchRequest {
    /// What to find.
    pub filter: AuditLogFilter,
    /// In which order.
    pub sort: Vec<SortRequest>,
    /// Which page.
    pub page: PageRequest,
}

/// `AuditLogFilter`, the fields this tool filters on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditLogFilter {
    /// `ADMIN` for identity changes.
    pub category: String,
    /// `GROUP`, `ROLE`, `TENANT`, `MAPPING_RULE`, `USER`, `AUTHORIZATION`.
    pub entity_type: String,
    /// The entities (IDs; an authorization's key).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity_key: Option<AnyOf>,
    /// The related entities (a member; an authorization's owner).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub related_entity_key: Option<AnyOf>,
    /// Since when.
    pub timestamp: Since,
}

/// An advanced filter matching any of some values (`$in`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnyOf {
    /// The values.
    #[serde(rename = "$in")]
    pub values: Vec<String>,
}

/// An advanced date-time filter: at or after an RFC 3339 time (`$gte`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Since {
    /// The time.
    #[serde(rename = "$gte")]
    pub at_or_after: String,
}

/// One sort criterion: a field, `ASC` or `DESC`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SortRequest {
    /// The field.
    pub field: String,
    /// `ASC` or `DESC`.
    pub order: String,
}

/// An item of `POST /audit-logs/search` (`AuditLogResult`), the fields
/// this tool reads. Enum values stay strings: one newer than this tool is
/// shown as it is.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditLogItem {
    /// The entry's key.
    pub audit_log_key: String,
    /// The entity changed: an ID, or an authorization's key.
    pub entity_key: String,
    /// Its type.
    pub entity_type: String,
    /// `CREATE`, `UPDATE`, `DELETE`, `ASSIGN`, `UNASSIGN`, …
    pub operation_type: String,
    /// When (RFC 3339).
    pub timestamp: String,
    /// The username or client ID.
    pub actor_id: Option<String>,
    /// `USER`, `CLIENT`, `ANONYMOUS`, `UNKNOWN`.
    pub actor_type: Option<String>,
    /// A member, or an authorization's owner.
    pub related_entity_key: Option<String>,
    /// Its type.
    pub related_entity_type: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn search_requests_carry_the_cursor_only_after_the_first_page() {
        let first = SearchRequest {
            page: PageRequest {
                limit: 10_000,
                after: None,
            },
        };
        assert_eq!(
            serde_json::to_value(first).unwrap(),
            json!({"page": {"limit": 10_000}})
        );
        let next = SearchRequest {
            page: PageRequest {
                limit: 10_000,
                after: Some("c1".into()),
            },
        };
        assert_eq!(
            serde_json::to_value(next).unwrap(),
            json!({"page": {"limit": 10_000, "after": "c1"}})
        );
    }

    #[test]
    fn pages_are_read_leniently() {
        let page = SearchPage::of(json!({
            "items": [{"groupId": "g"}, 7],
            "page": {"totalItems": 2, "hasMoreTotalItems": false, "endCursor": "c"}
        }));
        assert_eq!(page.items.len(), 2);
        assert_eq!(page.page.total_items, Some(2));
        assert_eq!(page.page.has_more_total_items, Some(false));
        assert_eq!(page.page.end_cursor.as_deref(), Some("c"));
        // Wrong types count as absent, as before the wire types.
        let odd = SearchPage::of(json!({
            "items": "no",
            "page": {"totalItems": -1, "hasMoreTotalItems": "yes", "endCursor": 5}
        }));
        assert!(odd.items.is_empty());
        assert_eq!(odd.page.total_items, None);
        assert_eq!(odd.page.has_more_total_items, None);
        assert_eq!(odd.page.end_cursor, None);
        assert!(SearchPage::of(json!("not a page")).items.is_empty());
        assert!(
            SearchPage::of(json!({"page": null}))
                .page
                .end_cursor
                .is_none()
        );
    }

    #[test]
    fn member_kinds_name_their_path_and_nothing_else() {
        for kind in MemberKind::ALL {
            assert_eq!(MemberKind::parse(kind.path()), Some(kind));
        }
        assert_eq!(MemberKind::parse("mapping-rule"), None);
        assert_eq!(MemberKind::parse("tenants"), None);
    }
}
