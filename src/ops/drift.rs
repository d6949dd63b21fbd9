//! Drift: the plan of a scheduled run, split into what differs from the
//! files and what vanished on a re-read (reads lagging writes, not drift),
//! and — from Camunda 8.9's audit log — who made it ([`Attribution`]).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::analysis::{Analyzer, Check, Subject};
use crate::live::audit::{self, AuditEvent, AuditQuery};
use crate::live::{AccessApi, Live};
use crate::model::catalogue::{CamundaVersion, PermissionType, ResourceType};
use crate::model::desired::{Lifecycle, Move};
use crate::model::entity::EntityKind;
use crate::model::state::{AccessState, Container, Membership, Principal};
use crate::ops::Session;
use crate::plan::change::HeldBack;
use crate::plan::document::{
    ChangeEntry, ChangeRecord, HeldBackEntry, MovedEntry, WarningEntry, entries,
};
use crate::plan::{Change, Review, Unmanaged};
use crate::timestamp::Timestamp;

/// Version of the JSON document `drift --format json` prints.
pub const DRIFT_FORMAT_VERSION: u32 = 1;

/// What a drift run found.
#[derive(Debug, Clone)]
pub struct DriftReport {
    /// The settled plan's changes: managed objects that differ.
    pub changes: Vec<Change>,
    /// Objects in the cluster the files do not own.
    pub unmanaged: Vec<Unmanaged>,
    /// The settled plan's review (risks, warnings).
    pub review: Review,
    /// Differences the first read showed that a re-read did not.
    pub transient: Vec<Change>,
    /// Differences of objects the files declare with `lifecycle: observe`.
    pub observed: Vec<HeldBack>,
    /// Who made the drift, when the audit log was read.
    pub attribution: Option<Attribution>,
    /// Renames (`moved:`) the files ask for that the cluster does not show
    /// yet: `apply` carries them out.
    pub moved: Vec<Move>,
}

impl DriftReport {
    /// The drift of a settled session.
    pub fn new(session: &Session) -> DriftReport {
        let transient: Vec<Change> = session
            .first
            .changes
            .iter()
            .filter(|c| !session.plan.changes.contains(c))
            .cloned()
            .collect();
        DriftReport {
            changes: session.plan.changes.clone(),
            unmanaged: session.plan.unmanaged.clone(),
            review: Review::new(&session.plan, &session.live.state, &session.desired),
            transient,
            observed: session
                .plan
                .held_back
                .iter()
                .filter(|h| h.lifecycle == Lifecycle::Observe)
                .cloned()
                .collect(),
            attribution: None,
            moved: session.plan.renames().into_iter().cloned().collect(),
        }
    }

    /// Whether managed or observed objects differ from the files.
    pub fn drifted(&self) -> bool {
        !self.changes.is_empty() || !self.observed.is_empty()
    }
}

/// What `drift --format json` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriftDocument {
    /// [`DRIFT_FORMAT_VERSION`].
    pub format_version: u32,
    /// The cluster.
    pub target: String,
    /// Whether managed objects differ.
    pub drift: bool,
    /// What differs, as changes `apply` would make.
    pub changes: Vec<ChangeEntry>,
    /// Objects the files do not own.
    pub unmanaged: Vec<Unmanaged>,
    /// What a reviewer should know.
    pub warnings: Vec<WarningEntry>,
    /// Differences gone on a re-read.
    pub transient: Vec<ChangeRecord>,
    /// Differences of `lifecycle: observe` objects (`apply` leaves them).
    #[serde(default)]
    pub observed: Vec<HeldBackEntry>,
    /// Renames (`moved:`) not yet carried out, as `kind:id`; absent in
    /// documents of older versions.
    #[serde(default)]
    pub moved: Vec<MovedEntry>,
    /// Who made the drift (Camunda 8.9's audit log); absent when nothing
    /// differs and nothing is unmanaged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<AttributionEntry>,
}

/// [`Attribution`] in the drift document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributionEntry {
    /// Whether the cluster's audit log could be read.
    pub available: bool,
    /// The start of the window read (RFC 3339).
    pub since: String,
    /// Why not, when it could not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Each object of the report, with the latest change to it.
    pub objects: Vec<AttributedEntry>,
    /// What a reader should know.
    pub notes: Vec<String>,
}

/// [`Attributed`] in the drift document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributedEntry {
    /// The object as the report shows it.
    pub object: String,
    /// Whether an audit entry was found.
    pub found: bool,
    /// `USER`, `CLIENT`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_type: Option<String>,
    /// The username or client ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_id: Option<String>,
    /// `CREATE`, `UPDATE`, `DELETE`, `ASSIGN`, `UNASSIGN`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// When (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    /// The audit entry's key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_log_key: Option<String>,
    /// Whether the entry is about some authorization of the same owner.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub by_owner: bool,
    /// Whether the entry is this tool's own: the change after it is not in
    /// the audit log.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub by_tool: bool,
}

impl AttributionEntry {
    /// The entry of `a`.
    pub fn new(a: &Attribution) -> AttributionEntry {
        AttributionEntry {
            available: a.unavailable.is_none(),
            since: a.since.to_string(),
            reason: a.unavailable.clone(),
            objects: a
                .objects
                .iter()
                .map(|o| AttributedEntry {
                    object: o.subject.clone(),
                    found: o.event.is_some(),
                    actor_type: o.event.as_ref().map(|e| e.actor_type.clone()),
                    actor_id: o.event.as_ref().and_then(|e| e.actor_id.clone()),
                    operation: o.event.as_ref().map(|e| e.operation.clone()),
                    timestamp: o.event.as_ref().map(|e| e.timestamp.to_string()),
                    audit_log_key: o.event.as_ref().map(|e| e.key.clone()),
                    by_owner: o.by_owner,
                    by_tool: o.by_tool,
                })
                .collect(),
            notes: a.notes.clone(),
        }
    }
}

impl DriftDocument {
    /// The document of `report` on `target`.
    pub fn new(report: &DriftReport, target: &str) -> DriftDocument {
        DriftDocument {
            format_version: DRIFT_FORMAT_VERSION,
            target: target.to_owned(),
            drift: report.drifted(),
            changes: entries(&report.changes, &report.review),
            unmanaged: report.unmanaged.clone(),
            warnings: WarningEntry::all(&report.review),
            transient: report.transient.iter().map(ChangeRecord::from).collect(),
            observed: report.observed.iter().map(HeldBackEntry::from).collect(),
            moved: report
                .moved
                .iter()
                .map(|m| MovedEntry {
                    from: m.from.to_string(),
                    to: m.to.to_string(),
                })
                .collect(),
            attribution: report.attribution.as_ref().map(AttributionEntry::new),
        }
    }
}

/// How far back `drift` reads the audit log when `--since` is not given.
pub const DEFAULT_SINCE: &str = "7d";

/// Who changed the drifted objects, from the cluster's audit log (8.9).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribution {
    /// The start of the window read.
    pub since: Timestamp,
    /// Why the cluster cannot tell, when it cannot; the rest is then empty.
    pub unavailable: Option<String>,
    /// Each drifted object (managed, then observed), then each unmanaged
    /// one, with the latest audit entry about it in the window.
    pub objects: Vec<Attributed>,
    /// What a reader should know, e.g. why entries were not found.
    pub notes: Vec<String>,
}

/// One object of the report and the latest change to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attributed {
    /// The object as the report shows it (`- client ci in group ops`).
    pub subject: String,
    /// The latest audit entry about it since the window's start.
    pub event: Option<AuditEvent>,
    /// Whether the entry is about some authorization of the same owner:
    /// Camunda's entry of a deleted authorization names its owner, not its
    /// resource.
    pub by_owner: bool,
    /// Whether the entry is this tool's own (an `apply`): the change after
    /// it, which made the drift, is not in the audit log.
    pub by_tool: bool,
}

/// What the audit log calls an object of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// A group, role, tenant, mapping rule or user: created, updated or
    /// deleted.
    Entity {
        entity_type: &'static str,
        id: String,
    },
    /// A member assigned to or unassigned from a container.
    Member {
        container_type: &'static str,
        container: String,
        member: Principal,
    },
    /// An authorization by its key, or (without one) the latest operation
    /// `operation` on an authorization of its owner.
    Authorization {
        owner: Principal,
        key: Option<String>,
        operation: &'static str,
    },
}

fn container_type(container: &Container) -> &'static str {
    match container {
        Container::Group(_) => "GROUP",
        Container::Role(_) => "ROLE",
        Container::Tenant(_) => "TENANT",
    }
}

fn member_target(m: &Membership) -> Target {
    Target::Member {
        container_type: container_type(&m.container),
        container: m.container.id().to_owned(),
        member: m.member.clone(),
    }
}

fn entity_target(kind: EntityKind, id: &str) -> Target {
    Target::Entity {
        entity_type: kind.resource_type().as_str(),
        id: id.to_owned(),
    }
}

fn change_target(change: &Change) -> Target {
    match change {
        Change::Create { .. } | Change::Update { .. } | Change::Delete { .. } => {
            let entity = change.entity().expect("an entity change");
            entity_target(entity.kind(), entity.id())
        }
        Change::AddMember(m) | Change::RemoveMember(m) => member_target(m),
        // Missing from the cluster: deleted, if anyone removed it.
        Change::CreateAuthorization { tuple, .. } => Target::Authorization {
            owner: tuple.owner.clone(),
            key: None,
            operation: "DELETE",
        },
        Change::UpdateAuthorization { tuple, key, .. }
        | Change::DeleteAuthorization { tuple, key, .. } => Target::Authorization {
            owner: tuple.owner.clone(),
            key: Some(key.clone()),
            operation: "CREATE",
        },
    }
}

fn unmanaged_target(unmanaged: &Unmanaged, live: &AccessState) -> Target {
    match unmanaged {
        Unmanaged::Entity { kind, id } => entity_target(*kind, id),
        Unmanaged::Membership { membership } => member_target(membership),
        Unmanaged::Authorization { tuple, .. } => Target::Authorization {
            owner: tuple.owner.clone(),
            key: live
                .authorizations
                .get(tuple)
                .and_then(|g| g.keys.first().cloned()),
            operation: "CREATE",
        },
    }
}

/// Whether an entry's related entity can be `principal`. The exporter
/// records a client member as a `USER` (and an authorization's client
/// owner as a `CLIENT`).
fn related_is(event: &AuditEvent, principal: &Principal) -> bool {
    let wanted = principal.owner_type().as_str();
    event.related_key.as_deref() == Some(principal.id())
        && match event.related_type.as_deref() {
            None => true,
            Some(t) => t == wanted || (matches!(principal, Principal::Client(_)) && t == "USER"),
        }
}

impl Target {
    /// The audit entity type and the key its search filters on (the owner,
    /// for authorizations: one search finds them by key and by owner).
    fn search_key(&self) -> (&'static str, String) {
        match self {
            Target::Entity { entity_type, id } => (entity_type, id.clone()),
            Target::Member {
                container_type,
                container,
                ..
            } => (container_type, container.clone()),
            Target::Authorization { owner, .. } => ("AUTHORIZATION", owner.id().to_owned()),
        }
    }

    /// Whether `event` is about this object; and whether only by owner.
    fn matches(&self, event: &AuditEvent) -> Option<bool> {
        let op = event.operation.as_str();
        let hit = match self {
            Target::Entity { entity_type, id } => {
                event.entity_type == *entity_type
                    && event.entity_key == *id
                    && matches!(op, "CREATE" | "UPDATE" | "DELETE")
            }
            Target::Member {
                container_type,
                container,
                member,
            } => {
                event.entity_type == *container_type
                    && event.entity_key == *container
                    && matches!(op, "ASSIGN" | "UNASSIGN")
                    && related_is(event, member)
            }
            Target::Authorization { key: Some(key), .. } => {
                event.entity_type == "AUTHORIZATION" && event.entity_key == *key
            }
            Target::Authorization {
                owner,
                key: None,
                operation,
            } => {
                return (event.entity_type == "AUTHORIZATION"
                    && op == *operation
                    && related_is(event, owner))
                .then_some(true);
            }
        };
        hit.then_some(false)
    }
}

/// Whether `event` was made by one of the tool's own principals.
fn is_tool(event: &AuditEvent, identities: &[Principal]) -> bool {
    identities.iter().any(|p| {
        event.actor_id.as_deref() == Some(p.id())
            && matches!(
                (p, event.actor_type.as_str()),
                (Principal::User(_), "USER") | (Principal::Client(_), "CLIENT")
            )
    })
}

/// Whether none of `identities` may read the identity entries of the
/// audit log (`READ` on `AUDIT_LOG` for `*` or `ADMIN`) by the live
/// state's authorizations; the principals, when so.
fn without_audit_read(live: &AccessState, identities: &[Principal]) -> Option<String> {
    if identities.is_empty() {
        return None;
    }
    let check = Check {
        resource_type: ResourceType::AuditLog,
        resource_id: "ADMIN".to_owned(),
        permission: PermissionType::Read,
    };
    let analyzer = Analyzer::new(live);
    let may = identities.iter().any(|principal| {
        analyzer
            .explain(&Subject::Principal {
                principal: principal.clone(),
            })
            .grants()
            .any(|(rt, resource, p, _)| check.covers(rt, resource, p))
    });
    (!may).then(|| {
        identities
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" or ")
    })
}

impl Attribution {
    /// Reads who changed `report`'s objects since `since` from the audit
    /// log of the cluster behind `api`. Never fails: what cannot be told
    /// becomes [`Attribution::unavailable`] or a note. `None` when the
    /// report has nothing to attribute (or, before 8.9, when only
    /// unmanaged objects are there).
    pub async fn read<A: AccessApi>(
        report: &DriftReport,
        api: &A,
        live: &Live,
        identities: &[Principal],
        since: Timestamp,
    ) -> Option<Attribution> {
        let subjects: Vec<(String, Target)> = report
            .changes
            .iter()
            .chain(report.observed.iter().map(|h| &h.change))
            .map(|c| (c.to_string(), change_target(c)))
            .chain(
                report
                    .unmanaged
                    .iter()
                    .map(|u| (format!("? {u}"), unmanaged_target(u, &live.state))),
            )
            .collect();
        if subjects.is_empty() {
            return None;
        }
        let mut attribution = Attribution {
            since,
            unavailable: None,
            objects: Vec::new(),
            notes: Vec::new(),
        };
        if live.version < CamundaVersion::V8_9 {
            // Said when something drifted; unmanaged objects alone are no news.
            if !report.drifted() {
                return None;
            }
            attribution.unavailable = Some(format!(
                "Camunda {} has no audit log (it is new in 8.9)",
                live.gateway_version
            ));
            return Some(attribution);
        }
        let mut queries: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
        for (_, target) in &subjects {
            let (entity_type, key) = target.search_key();
            queries.entry(entity_type).or_default().insert(key);
        }
        let mut events: Vec<AuditEvent> = Vec::new();
        let (mut skipped, mut truncated) = (0, false);
        for (entity_type, keys) in queries {
            let keys: Vec<String> = keys.into_iter().collect();
            let by_owner = entity_type == "AUTHORIZATION";
            let query = AuditQuery {
                entity_type: entity_type.to_owned(),
                entity_keys: if by_owner { Vec::new() } else { keys.clone() },
                related_keys: if by_owner { keys } else { Vec::new() },
                since,
            };
            match audit::search(api, &query).await {
                Ok(read) => {
                    events.extend(read.events);
                    skipped += read.skipped;
                    truncated |= read.truncated;
                }
                Err(e) => {
                    attribution.unavailable = Some(match e.status() {
                        Some(401 | 403) => format!(
                            "the cluster refused to show its audit log ({e}); the tool's principal needs READ on AUDIT_LOG (resource * or ADMIN)"
                        ),
                        Some(404) => format!("the cluster has no audit log ({e})"),
                        _ => format!("reading the audit log failed: {e}"),
                    });
                    return Some(attribution);
                }
            }
        }
        let total = events.len();
        for (subject, target) in subjects {
            let latest = events
                .iter()
                .filter_map(|e| target.matches(e).map(|by_owner| (e, by_owner)))
                .max_by(|(a, _), (b, _)| {
                    (a.timestamp, a.key.len(), &a.key).cmp(&(b.timestamp, b.key.len(), &b.key))
                });
            let by_tool = latest.is_some_and(|(e, _)| is_tool(e, identities));
            attribution.objects.push(Attributed {
                subject,
                event: latest.map(|(e, _)| e.clone()),
                by_owner: latest.is_some_and(|(_, by_owner)| by_owner),
                by_tool,
            });
        }
        // The tool's own entry is no answer either: the drift came after it.
        let missing = attribution
            .objects
            .iter()
            .filter(|o| o.event.is_none() || o.by_tool)
            .count();
        if missing > 0 {
            let own = if attribution.objects.iter().any(|o| o.by_tool) {
                " (this tool's own entries aside)"
            } else {
                ""
            };
            attribution.notes.push(format!(
                "no audit entry found since {since} for {missing} object(s){own}; Camunda does not audit client operations unless camunda.data.audit-log.client.categories includes ADMIN, never audits anonymous callers, and a change before --since is outside the window"
            ));
            if total == 0
                && let Some(who) = without_audit_read(&live.state, identities)
            {
                attribution.notes.push(format!(
                    "the tool ({who}) has no READ on AUDIT_LOG (resource * or ADMIN): Camunda shows a caller only the audit entries it may read, so an empty answer may mean no permission"
                ));
            }
        }
        if skipped > 0 {
            attribution.notes.push(format!(
                "{skipped} audit entr{} could not be read and {} skipped",
                if skipped == 1 { "y" } else { "ies" },
                if skipped == 1 { "was" } else { "were" }
            ));
        }
        if truncated {
            attribution.notes.push(format!(
                "the audit log holds more entries since {since} than were read ({} per entity type, newest first): older changes may be missing",
                audit::AUDIT_PAGE_SIZE * audit::AUDIT_MAX_PAGES
            ));
        }
        Some(attribution)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use reqwest::Method;
    use serde_json::{Value, json};

    use super::*;
    use crate::live::ApiError;
    use crate::model::ids::{ClientId, GroupId};
    use crate::plan::{Plan, Review};

    /// Answers every request with one status (and a problem), or with `page`.
    struct Answer(Result<Value, u16>);

    impl AccessApi for Answer {
        async fn send(
            &self,
            method: Method,
            path: &str,
            _body: Option<&Value>,
        ) -> Result<Option<Value>, ApiError> {
            match &self.0 {
                Ok(page) => Ok(Some(page.clone())),
                Err(status) => Err(ApiError::Http {
                    method: method.to_string(),
                    path: format!("/v2{path}"),
                    status: *status,
                    title: "FORBIDDEN".into(),
                    detail: "no".into(),
                }),
            }
        }
    }

    fn report() -> DriftReport {
        let member = Membership {
            container: Container::Group(GroupId::new("ops")),
            member: Principal::Client(ClientId::new("sneaky")),
        };
        DriftReport {
            changes: vec![Change::RemoveMember(member)],
            unmanaged: Vec::new(),
            review: Review::new(
                &Plan::default(),
                &AccessState::default(),
                &crate::test_support::declaring(&AccessState::default()),
            ),
            transient: Vec::new(),
            observed: Vec::new(),
            attribution: None,
            moved: Vec::new(),
        }
    }

    fn live(version: CamundaVersion) -> Live {
        Live {
            version,
            gateway_version: format!("{version}.2"),
            state: AccessState::default(),
            disabled: BTreeSet::new(),
            unknown: Vec::new(),
        }
    }

    fn attribute(api: &Answer, version: CamundaVersion) -> Option<Attribution> {
        attribute_as(api, version, &[])
    }

    fn attribute_as(
        api: &Answer,
        version: CamundaVersion,
        identities: &[Principal],
    ) -> Option<Attribution> {
        let since = Timestamp::parse("2026-11-23T00:00:00Z").unwrap();
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(Attribution::read(
                &report(),
                api,
                &live(version),
                identities,
                since,
            ))
    }

    #[test]
    fn a_failed_read_of_the_audit_log_is_a_reason_not_an_error() {
        let refused = attribute(&Answer(Err(403)), CamundaVersion::V8_9).unwrap();
        let reason = refused.unavailable.unwrap();
        assert!(
            reason.starts_with(
                "the cluster refused to show its audit log (POST /v2/audit-logs/search failed: 403"
            ),
            "{reason}"
        );
        assert!(
            reason.ends_with("needs READ on AUDIT_LOG (resource * or ADMIN)"),
            "{reason}"
        );
        let failed = attribute(&Answer(Err(500)), CamundaVersion::V8_9).unwrap();
        assert!(
            failed.unavailable.unwrap().starts_with(
                "reading the audit log failed: POST /v2/audit-logs/search failed: 500"
            )
        );
        // 8.8 is not asked at all.
        let old = attribute(&Answer(Err(500)), CamundaVersion::V8_8).unwrap();
        assert_eq!(
            old.unavailable.as_deref(),
            Some("Camunda 8.8.2 has no audit log (it is new in 8.9)")
        );
        assert!(old.objects.is_empty());
    }

    #[test]
    fn the_latest_matching_entry_names_who_and_others_are_ignored() {
        let entry =
            |key: &str, member: &str, related_type: &str, op: &str, at: &str, actor: &str| {
                json!({"auditLogKey": key, "entityKey": "ops", "entityType": "GROUP",
                   "operationType": op, "timestamp": at, "actorId": actor, "actorType": "CLIENT",
                   "relatedEntityKey": member, "relatedEntityType": related_type})
            };
        let page = json!({"items": [
            entry("1", "sneaky", "USER", "ASSIGN", "2026-11-25T00:00:00Z", "first"),
            entry("2", "sneaky", "USER", "ASSIGN", "2026-11-28T00:00:00Z", "latest"),
            entry("3", "other", "USER", "ASSIGN", "2026-11-29T00:00:00Z", "someone"),
            entry("4", "sneaky", "GROUP", "ASSIGN", "2026-11-29T00:00:00Z", "not-a-client"),
        ]});
        let a = attribute(&Answer(Ok(page)), CamundaVersion::V8_9).unwrap();
        assert_eq!(a.unavailable, None);
        let event = a.objects[0].event.as_ref().unwrap();
        assert_eq!(event.actor_id.as_deref(), Some("latest"));
        assert!(!a.objects[0].by_owner);
        assert!(a.notes.is_empty());
        // The latest entry being the tool's own means the drift is not in the log.
        let own = Answer(Ok(json!({"items": [
            entry("5", "sneaky", "USER", "ASSIGN", "2026-11-29T00:00:00Z", "tool"),
        ]})));
        let tool = [Principal::Client(ClientId::new("tool"))];
        let a = attribute_as(&own, CamundaVersion::V8_9, &tool).unwrap();
        assert!(a.objects[0].by_tool);
        assert!(
            a.notes[0].contains("for 1 object(s) (this tool's own entries aside)"),
            "{:?}",
            a.notes
        );
        let other = [Principal::User(crate::model::ids::Username::new("tool"))];
        let a = attribute_as(&own, CamundaVersion::V8_9, &other).unwrap();
        assert!(!a.objects[0].by_tool, "a user of that name is someone else");
        let none = attribute(&Answer(Ok(json!({"items": []}))), CamundaVersion::V8_9).unwrap();
        assert_eq!(none.objects[0].event, None);
        assert!(none.notes[0].contains("camunda.data.audit-log.client.categories includes ADMIN"));
    }
}
