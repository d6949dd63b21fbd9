//! Reading Camunda 8.9's audit log (`POST /v2/audit-logs/search`): the
//! identity changes (category `ADMIN`) to some entities since a time,
//! newest first, item by item — an entry this tool cannot read is counted
//! and skipped, never the whole answer.

use reqwest::Method;
use serde::Deserialize;

use crate::live::api::AccessApi;
use crate::live::error::ApiError;
use crate::live::wire::{
    AnyOf, AuditLogFilter, AuditLogItem, AuditLogSearchRequest, PageRequest, SearchPage, Since,
    SortRequest,
};
use crate::timestamp::Timestamp;

/// Entries per page.
pub const AUDIT_PAGE_SIZE: usize = 1_000;
/// Pages read at most per search; what is older is left unread.
pub const AUDIT_MAX_PAGES: usize = 10;

/// Which entries to read: one entity type, by entity keys or by related
/// entity keys (members, owners), since a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditQuery {
    /// `GROUP`, `ROLE`, `TENANT`, `MAPPING_RULE`, `USER` or `AUTHORIZATION`.
    pub entity_type: String,
    /// Entries about these entities (IDs; authorization keys).
    pub entity_keys: Vec<String>,
    /// Entries related to these (authorization owners), when not by entity.
    pub related_keys: Vec<String>,
    /// The start of the window.
    pub since: Timestamp,
}

/// One audit log entry, as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    /// The entry's key.
    pub key: String,
    /// The entity's type (`GROUP`, `AUTHORIZATION`, …).
    pub entity_type: String,
    /// The entity's ID (an authorization's key).
    pub entity_key: String,
    /// `CREATE`, `UPDATE`, `DELETE`, `ASSIGN`, `UNASSIGN`, …
    pub operation: String,
    /// `USER`, `CLIENT`, … (`UNKNOWN` when Camunda gives none).
    pub actor_type: String,
    /// The username or client ID, when Camunda gives one.
    pub actor_id: Option<String>,
    /// When.
    pub timestamp: Timestamp,
    /// A member, or an authorization's owner.
    pub related_key: Option<String>,
    /// Its type.
    pub related_type: Option<String>,
}

impl AuditEvent {
    fn of(item: AuditLogItem) -> Option<AuditEvent> {
        Some(AuditEvent {
            timestamp: Timestamp::parse(&item.timestamp)?,
            key: item.audit_log_key,
            entity_type: item.entity_type,
            entity_key: item.entity_key,
            operation: item.operation_type,
            actor_type: item.actor_type.unwrap_or_else(|| "UNKNOWN".to_owned()),
            actor_id: item.actor_id,
            related_key: item.related_entity_key,
            related_type: item.related_entity_type,
        })
    }
}

/// What a search read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditRead {
    /// The entries, newest first.
    pub events: Vec<AuditEvent>,
    /// Entries that could not be read (no key, no timestamp, …).
    pub skipped: usize,
    /// Whether more entries were left unread ([`AUDIT_MAX_PAGES`]).
    pub truncated: bool,
}

fn any_of(values: &[String]) -> Option<AnyOf> {
    (!values.is_empty()).then(|| AnyOf {
        values: values.to_vec(),
    })
}

/// Reads the entries `query` asks for, at most [`AUDIT_MAX_PAGES`] pages.
pub async fn search<A: AccessApi>(api: &A, query: &AuditQuery) -> Result<AuditRead, ApiError> {
    let path = "/audit-logs/search";
    let mut read = AuditRead::default();
    let mut after: Option<String> = None;
    for _ in 0..AUDIT_MAX_PAGES {
        let request = AuditLogSearchRequest {
            filter: AuditLogFilter {
                category: "ADMIN".to_owned(),
                entity_type: query.entity_type.clone(),
                entity_key: any_of(&query.entity_keys),
                related_entity_key: any_of(&query.related_keys),
                timestamp: Since {
                    at_or_after: query.since.to_string(),
                },
            },
            sort: vec![SortRequest {
                field: "timestamp".to_owned(),
                order: "DESC".to_owned(),
            }],
            page: PageRequest {
                limit: AUDIT_PAGE_SIZE,
                after: after.clone(),
            },
        };
        let body = serde_json::to_value(&request).expect("a search request serialises");
        let answer = api
            .send(Method::POST, path, Some(&body))
            .await?
            .unwrap_or_default();
        let SearchPage { items, page } = SearchPage::of(answer);
        let count = items.len();
        for item in &items {
            match AuditLogItem::deserialize(item)
                .ok()
                .and_then(AuditEvent::of)
            {
                Some(event) => read.events.push(event),
                None => read.skipped += 1,
            }
        }
        match page.end_cursor {
            Some(cursor) if count == AUDIT_PAGE_SIZE && after.as_ref() != Some(&cursor) => {
                after = Some(cursor);
            }
            _ => return Ok(read),
        }
    }
    read.truncated = true;
    Ok(read)
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use serde_json::{Value, json};

    use super::*;

    /// Answers each search with the next page, and keeps the requests.
    struct Pages {
        pages: Mutex<Vec<Value>>,
        requests: Mutex<Vec<Value>>,
    }

    impl AccessApi for Pages {
        async fn send(
            &self,
            _method: Method,
            _path: &str,
            body: Option<&Value>,
        ) -> Result<Option<Value>, ApiError> {
            self.requests.lock().unwrap().push(body.cloned().unwrap());
            let mut pages = self.pages.lock().unwrap();
            Ok(Some(if pages.is_empty() {
                json!({"items": []})
            } else {
                pages.remove(0)
            }))
        }
    }

    #[test]
    fn entries_are_read_one_by_one_and_the_filter_says_what_is_asked() {
        let api = Pages {
            pages: Mutex::new(vec![json!({"items": [
                {"auditLogKey": "1", "entityKey": "team", "entityType": "GROUP",
                 "operationType": "ASSIGN", "timestamp": "2026-11-30T16:20:00.000Z",
                 "actorId": "ci-bot", "actorType": "CLIENT",
                 "relatedEntityKey": "ann", "relatedEntityType": "USER"},
                {"auditLogKey": "2", "entityKey": "team", "entityType": "GROUP",
                 "operationType": "UPDATE", "timestamp": "not a time"},
                7,
                {"auditLogKey": "3", "entityKey": "team", "entityType": "GROUP",
                 "operationType": "CREATE", "timestamp": "2026-11-29T10:00:00Z",
                 "actorId": null, "actorType": null},
            ], "page": {"endCursor": "c"}})]),
            requests: Mutex::new(Vec::new()),
        };
        let query = AuditQuery {
            entity_type: "GROUP".into(),
            entity_keys: vec!["team".into()],
            related_keys: Vec::new(),
            since: Timestamp::parse("2026-11-23T00:00:00Z").unwrap(),
        };
        let read = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(search(&api, &query))
            .unwrap();
        assert_eq!(read.events.len(), 2);
        assert_eq!(read.skipped, 2);
        assert!(!read.truncated, "a short page is the last");
        assert_eq!(read.events[0].actor_id.as_deref(), Some("ci-bot"));
        assert_eq!(read.events[0].related_key.as_deref(), Some("ann"));
        assert_eq!(read.events[1].actor_type, "UNKNOWN");
        let requests = api.requests.lock().unwrap();
        assert_eq!(
            requests[0],
            json!({
                "filter": {
                    "category": "ADMIN",
                    "entityType": "GROUP",
                    "entityKey": {"$in": ["team"]},
                    "timestamp": {"$gte": "2026-11-23T00:00:00.000Z"},
                },
                "sort": [{"field": "timestamp", "order": "DESC"}],
                "page": {"limit": AUDIT_PAGE_SIZE},
            })
        );
    }
}
