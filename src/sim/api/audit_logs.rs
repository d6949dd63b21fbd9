//! The audit log (8.9): search and read one entry. Searches are filtered
//! by permission, as Camunda's `x-permission-enforcement: filter` says:
//! an entry is seen by a caller with `READ` on `AUDIT_LOG` for `*` or for
//! the entry's category (`AuditLogServices`); a caller without it gets an
//! empty page, not a 403.

use crate::model::catalogue::ResourceType;
use crate::sim::access::Caller;
use crate::sim::api::{Api, Reply, Result, forbidden_read, not_found};
use crate::sim::audit::{AuditCategory, entry_json};
use crate::sim::request::optional_json;
use crate::sim::search::{FilterKind, Item, Query, Spec};

/// `AuditLogFilter` and `AuditLogSearchQuerySortRequest` of the 8.9 spec,
/// the fields an identity entry has (the others match nothing but
/// `$exists: false`, as they are `null`).
const AUDIT_LOG_SEARCH: Spec = Spec {
    filters: &[
        ("auditLogKey", "auditLogKey", FilterKind::String),
        (
            "processDefinitionKey",
            "processDefinitionKey",
            FilterKind::String,
        ),
        (
            "processInstanceKey",
            "processInstanceKey",
            FilterKind::String,
        ),
        (
            "elementInstanceKey",
            "elementInstanceKey",
            FilterKind::String,
        ),
        ("operationType", "operationType", FilterKind::String),
        ("result", "result", FilterKind::String),
        ("timestamp", "timestamp", FilterKind::DateTime),
        ("actorId", "actorId", FilterKind::String),
        ("actorType", "actorType", FilterKind::String),
        ("agentElementId", "agentElementId", FilterKind::String),
        ("entityKey", "entityKey", FilterKind::String),
        ("entityType", "entityType", FilterKind::String),
        ("tenantId", "tenantId", FilterKind::String),
        ("category", "category", FilterKind::String),
        ("deploymentKey", "deploymentKey", FilterKind::String),
        ("formKey", "formKey", FilterKind::String),
        ("resourceKey", "resourceKey", FilterKind::String),
        (
            "batchOperationType",
            "batchOperationType",
            FilterKind::String,
        ),
        (
            "processDefinitionId",
            "processDefinitionId",
            FilterKind::String,
        ),
        ("jobKey", "jobKey", FilterKind::String),
        ("userTaskKey", "userTaskKey", FilterKind::String),
        (
            "decisionRequirementsId",
            "decisionRequirementsId",
            FilterKind::String,
        ),
        (
            "decisionRequirementsKey",
            "decisionRequirementsKey",
            FilterKind::String,
        ),
        (
            "decisionDefinitionId",
            "decisionDefinitionId",
            FilterKind::String,
        ),
        (
            "decisionDefinitionKey",
            "decisionDefinitionKey",
            FilterKind::String,
        ),
        (
            "decisionEvaluationKey",
            "decisionEvaluationKey",
            FilterKind::String,
        ),
        ("relatedEntityKey", "relatedEntityKey", FilterKind::String),
        ("relatedEntityType", "relatedEntityType", FilterKind::String),
        ("entityDescription", "entityDescription", FilterKind::String),
    ],
    sort_fields: &[
        "actorId",
        "actorType",
        "auditLogKey",
        "batchOperationKey",
        "batchOperationType",
        "category",
        "decisionDefinitionId",
        "decisionDefinitionKey",
        "decisionEvaluationKey",
        "decisionRequirementsId",
        "decisionRequirementsKey",
        "elementInstanceKey",
        "entityKey",
        "entityType",
        "jobKey",
        "operationType",
        "processDefinitionId",
        "processDefinitionKey",
        "processInstanceKey",
        "result",
        "tenantId",
        "timestamp",
        "userTaskKey",
    ],
    default_sort: None,
};

impl Api {
    pub(super) fn search_audit_logs(&self, body: &[u8], caller: &Caller) -> Result<Reply> {
        let query = Query::parse(optional_json(body)?.as_ref(), &AUDIT_LOG_SEARCH)?;
        let readable = self.readable(caller, ResourceType::AuditLog);
        let items = self
            .cluster
            .read_audit(|entries, _, _| {
                entries
                    .iter()
                    // Identity entries are all of category ADMIN.
                    .filter(|_| readable.contains(AuditCategory::Admin.as_str()))
                    .map(|e| Item {
                        json: entry_json(e),
                        key: e.key,
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        Ok(Reply::read(query.run(items, self.version())))
    }

    pub(super) fn get_audit_log(&self, key: &str, caller: &Caller) -> Result<Reply> {
        let found = self
            .cluster
            .read_audit(|entries, primary, secondary| {
                let entry = entries.iter().find(|e| e.key.to_string() == key)?;
                let allowed = caller.may_read(
                    primary,
                    secondary,
                    ResourceType::AuditLog,
                    Some(AuditCategory::Admin.as_str()),
                );
                Some(if allowed {
                    Ok(entry_json(entry))
                } else {
                    Err(forbidden_read(ResourceType::AuditLog))
                })
            })
            .flatten();
        match found {
            Some(answer) => answer.map(Reply::read),
            None => Err(not_found(format!("Audit log with key '{key}' not found"))),
        }
    }
}
