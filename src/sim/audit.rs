//! The audit log of Camunda 8.9: one entry per identity event (created,
//! updated, deleted, member assigned or unassigned), with the actor who
//! caused it, kept in secondary storage and served by
//! `POST /v2/audit-logs/search` and `GET /v2/audit-logs/{auditLogKey}`.
//!
//! Camunda's exporter writes these entries (`zeebe/exporter-common`,
//! `auditlog/`): the entity key is the ID of a group, role, user or mapping
//! rule, the tenant ID, or an authorization's key; member changes carry the
//! member as the related entity, authorizations their owner. Which actors
//! are audited is `camunda.data.audit-log`: users in every category by
//! default, clients in none (`AuditLogConfiguration`), anonymous callers
//! never. Sources and open points: `docs/simulator.md`.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::model::catalogue::OwnerType;
use crate::sim::access::Caller;
use crate::sim::store::{AuthorizationRecord, EntityType, Mutation, Relation, Store};
use crate::timestamp::Timestamp;

/// The first audit log key handed out (the spec's example is of this size).
const FIRST_AUDIT_KEY: i64 = 22_517_998_136_843_000;

/// An audit log category (`AuditLogCategoryEnum`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AuditCategory {
    /// Identity and access: users, groups, roles, tenants, mapping rules,
    /// authorizations.
    Admin,
    /// Processes, decisions, forms and their instances.
    DeployedResources,
    /// User tasks.
    UserTasks,
}

impl AuditCategory {
    /// Every category.
    pub const ALL: [AuditCategory; 3] = [
        AuditCategory::Admin,
        AuditCategory::DeployedResources,
        AuditCategory::UserTasks,
    ];

    /// Camunda's name, e.g. `ADMIN`.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditCategory::Admin => "ADMIN",
            AuditCategory::DeployedResources => "DEPLOYED_RESOURCES",
            AuditCategory::UserTasks => "USER_TASKS",
        }
    }

    /// The category named `name` (case-insensitive).
    pub fn parse(name: &str) -> Option<AuditCategory> {
        AuditCategory::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(name.trim()))
    }
}

/// `camunda.data.audit-log`: which operations are audited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditSettings {
    /// `camunda.data.audit-log.enabled`.
    pub enabled: bool,
    /// `camunda.data.audit-log.user.categories`: every category by default.
    pub user_categories: BTreeSet<AuditCategory>,
    /// `camunda.data.audit-log.client.categories`: none by default, so
    /// operations by clients are not audited.
    pub client_categories: BTreeSet<AuditCategory>,
}

impl Default for AuditSettings {
    fn default() -> Self {
        AuditSettings {
            enabled: true,
            user_categories: AuditCategory::ALL.into_iter().collect(),
            client_categories: BTreeSet::new(),
        }
    }
}

impl AuditSettings {
    /// Whether an identity operation (category `ADMIN`) by `actor` is audited.
    fn audits(&self, actor: &Actor) -> bool {
        let categories = match actor.kind {
            ActorType::User => &self.user_categories,
            ActorType::Client => &self.client_categories,
        };
        self.enabled && categories.contains(&AuditCategory::Admin)
    }
}

/// Who caused an event (`AuditLogActorTypeEnum`; anonymous callers are
/// never audited, so they have no actor here).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ActorType {
    /// An authenticated user.
    User,
    /// An OAuth client (a token with the client-id claim).
    Client,
}

/// The actor of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Actor {
    /// User or client.
    pub kind: ActorType,
    /// The username or client ID.
    pub id: String,
}

impl Actor {
    /// The caller as Camunda's `AuditLogActor.of` reads a record: the client
    /// ID first, then the username; `None` for an anonymous caller.
    pub(crate) fn of(caller: &Caller) -> Option<Actor> {
        let identity = caller.identity()?;
        if let Some(id) = &identity.client_id {
            return Some(Actor {
                kind: ActorType::Client,
                id: id.clone(),
            });
        }
        identity.username.as_ref().map(|id| Actor {
            kind: ActorType::User,
            id: id.clone(),
        })
    }
}

/// One audit log entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AuditEntry {
    /// `auditLogKey`.
    pub key: i64,
    /// `entityKey`.
    pub entity_key: String,
    /// `entityType`.
    pub entity_type: &'static str,
    /// `operationType`.
    pub operation_type: &'static str,
    /// The actor.
    pub actor: Actor,
    /// When the event was written.
    pub timestamp: Timestamp,
    /// `relatedEntityKey`: a member, or an authorization's owner.
    pub related_entity_key: Option<String>,
    /// `relatedEntityType`.
    pub related_entity_type: Option<&'static str>,
    /// `entityDescription`: the name of a group, role or mapping rule.
    pub entity_description: Option<String>,
}

fn relation_type(relation: Relation) -> &'static str {
    match relation {
        Relation::Group => "GROUP",
        Relation::Role => "ROLE",
        Relation::Tenant => "TENANT",
    }
}

/// A member's type as the exporter maps it
/// (`AuditLogTransformerConfigs.mapEntityTypeToAuditLogEntityType`): a
/// client member is recorded as `USER`.
fn member_type(entity_type: EntityType) -> &'static str {
    match entity_type {
        EntityType::User | EntityType::Client => "USER",
        EntityType::Group => "GROUP",
        EntityType::Role => "ROLE",
        EntityType::MappingRule => "MAPPING_RULE",
    }
}

/// An authorization owner's type (`AuthorizationAuditLogTransformer`).
fn owner_type(owner: OwnerType) -> &'static str {
    match owner {
        OwnerType::User => "USER",
        OwnerType::Client => "CLIENT",
        OwnerType::Group => "GROUP",
        OwnerType::Role => "ROLE",
        OwnerType::MappingRule => "MAPPING_RULE",
    }
}

/// What the event of a mutation records about its entity.
struct Recorded {
    entity_type: &'static str,
    entity_key: String,
    operation_type: &'static str,
    /// The related entity's key and type.
    related: Option<(String, &'static str)>,
    description: Option<String>,
}

impl Recorded {
    fn new(entity_type: &'static str, entity_key: &str, operation_type: &'static str) -> Self {
        Recorded {
            entity_type,
            entity_key: entity_key.to_owned(),
            operation_type,
            related: None,
            description: None,
        }
    }

    fn related(mut self, related: Option<(String, &'static str)>) -> Self {
        self.related = related;
        self
    }

    fn described(mut self, description: Option<String>) -> Self {
        self.description = description;
        self
    }

    /// The event of `mutation`, read against the store as it was before.
    fn of(before: &Store, mutation: &Mutation) -> Recorded {
        let create_or_update = |exists: bool| if exists { "UPDATE" } else { "CREATE" };
        // The tenant transformer sets no description.
        let named = |relation: Relation, name: &str| {
            (relation != Relation::Tenant).then(|| name.to_owned())
        };
        let owner = |a: &AuthorizationRecord| (a.owner_id.clone(), owner_type(a.owner_type));
        match mutation {
            Mutation::PutEntity(relation, id, entity) => {
                let exists = before.entities(*relation).contains_key(id);
                Recorded::new(relation_type(*relation), id, create_or_update(exists))
                    .described(named(*relation, &entity.name))
            }
            Mutation::DeleteEntity(relation, id) => {
                Recorded::new(relation_type(*relation), id, "DELETE").described(
                    before
                        .entities(*relation)
                        .get(id)
                        .and_then(|e| named(*relation, &e.name)),
                )
            }
            Mutation::PutMappingRule(id, rule) => {
                let exists = before.mapping_rules.contains_key(id);
                Recorded::new("MAPPING_RULE", id, create_or_update(exists))
                    .described(Some(rule.name.clone()))
            }
            Mutation::DeleteMappingRule(id) => Recorded::new("MAPPING_RULE", id, "DELETE")
                .described(before.mapping_rules.get(id).map(|r| r.name.clone())),
            Mutation::PutUser(username, _) => {
                let exists = before.users.contains_key(username);
                Recorded::new("USER", username, create_or_update(exists))
            }
            Mutation::DeleteUser(username) => Recorded::new("USER", username, "DELETE"),
            Mutation::AddMember(row) | Mutation::RemoveMember(row) => {
                let operation = match mutation {
                    Mutation::AddMember(_) => "ASSIGN",
                    _ => "UNASSIGN",
                };
                Recorded::new(relation_type(row.relation), &row.relation_id, operation)
                    .related(Some((row.entity_id.clone(), member_type(row.entity_type))))
            }
            Mutation::PutAuthorization(key, record) => {
                let exists = before.authorizations.contains_key(key);
                Recorded::new("AUTHORIZATION", &key.to_string(), create_or_update(exists))
                    .related(Some(owner(record)))
            }
            Mutation::DeleteAuthorization(key) => {
                Recorded::new("AUTHORIZATION", &key.to_string(), "DELETE")
                    .related(before.authorizations.get(key).map(owner))
            }
        }
    }
}

/// The recorder of a cluster's audit log: what it audits, and the next key.
#[derive(Debug, Clone)]
pub(crate) struct AuditLog {
    settings: AuditSettings,
    next_key: i64,
}

impl AuditLog {
    /// A log kept by `settings`.
    pub(crate) fn new(settings: AuditSettings) -> AuditLog {
        AuditLog {
            settings,
            next_key: FIRST_AUDIT_KEY,
        }
    }

    /// The entry of the event of `mutation` by `actor`, if it is audited;
    /// `before` is the primary store before the mutation is applied.
    pub(crate) fn record(
        &mut self,
        before: &Store,
        mutation: &Mutation,
        actor: Option<&Actor>,
        at: Timestamp,
    ) -> Option<AuditEntry> {
        let actor = actor.filter(|a| self.settings.audits(a))?;
        let event = Recorded::of(before, mutation);
        let (related_entity_key, related_entity_type) = match event.related {
            Some((key, kind)) => (Some(key), Some(kind)),
            None => (None, None),
        };
        let entry = AuditEntry {
            key: self.next_key,
            entity_key: event.entity_key,
            entity_type: event.entity_type,
            operation_type: event.operation_type,
            actor: actor.clone(),
            timestamp: at,
            related_entity_key,
            related_entity_type,
            entity_description: event.description,
        };
        self.next_key += 1;
        Some(entry)
    }

    /// Starts the keys again (a reset to the start-up state).
    pub(crate) fn clear(&mut self) {
        self.next_key = FIRST_AUDIT_KEY;
    }
}

/// An entry as `AuditLogResult` of the 8.9 spec: every required key, `null`
/// where an identity event has nothing.
pub(crate) fn entry_json(e: &AuditEntry) -> Value {
    json!({
        "auditLogKey": e.key.to_string(),
        "entityKey": e.entity_key,
        "entityType": e.entity_type,
        "operationType": e.operation_type,
        "batchOperationKey": null,
        "batchOperationType": null,
        "timestamp": e.timestamp.to_string(),
        "actorId": e.actor.id,
        "actorType": match e.actor.kind {
            ActorType::User => "USER",
            ActorType::Client => "CLIENT",
        },
        "agentElementId": null,
        "tenantId": null,
        "result": "SUCCESS",
        "category": AuditCategory::Admin.as_str(),
        "processDefinitionId": null,
        "processDefinitionKey": null,
        "processInstanceKey": null,
        "rootProcessInstanceKey": null,
        "elementInstanceKey": null,
        "jobKey": null,
        "userTaskKey": null,
        "decisionRequirementsId": null,
        "decisionRequirementsKey": null,
        "decisionDefinitionId": null,
        "decisionDefinitionKey": null,
        "decisionEvaluationKey": null,
        "deploymentKey": null,
        "formKey": null,
        "resourceKey": null,
        "relatedEntityKey": e.related_entity_key,
        "relatedEntityType": e.related_entity_type,
        "entityDescription": e.entity_description,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::catalogue::CamundaVersion;
    use crate::sim::SimConfig;
    use crate::sim::access::Identity;
    use crate::sim::api::Api;

    fn client(id: &str) -> Caller {
        Caller::Trusted(Identity {
            client_id: Some(id.to_owned()),
            ..Identity::default()
        })
    }

    fn user(name: &str) -> Caller {
        Caller::Trusted(Identity {
            username: Some(name.to_owned()),
            ..Identity::default()
        })
    }

    fn api(version: CamundaVersion, settings: AuditSettings) -> Api {
        let mut config = SimConfig::new(version);
        config.audit = settings;
        config.server().expect("a server").api
    }

    fn call(api: &Api, caller: &Caller, method: &str, path: &str, body: Value) -> (u16, Value) {
        let segments: Vec<String> = path.split('/').map(str::to_owned).collect();
        let body = if body.is_null() {
            Vec::new()
        } else {
            body.to_string().into_bytes()
        };
        match api
            .handle(method, &segments, &body, caller, caller.identity())
            .1
        {
            Ok(reply) => (reply.status, reply.body.unwrap_or(Value::Null)),
            Err(rejection) => (rejection.status, json!(rejection.detail)),
        }
    }

    fn search(api: &Api, caller: &Caller, query: Value) -> Vec<Value> {
        let (status, body) = call(api, caller, "POST", "audit-logs/search", query);
        assert_eq!(status, 200, "{body}");
        body["items"].as_array().cloned().unwrap_or_default()
    }

    fn with_clients() -> AuditSettings {
        AuditSettings {
            client_categories: [AuditCategory::Admin].into(),
            ..AuditSettings::default()
        }
    }

    #[test]
    fn identity_writes_are_recorded_as_the_exporter_records_them() {
        let api = api(CamundaVersion::V8_9, with_clients());
        let bot = client("ops-bot");
        let writes = [
            ("POST", "groups", json!({"groupId": "team", "name": "Team"})),
            (
                "PUT",
                "groups/team",
                json!({"name": "The team", "description": ""}),
            ),
            ("PUT", "groups/team/clients/ci", Value::Null),
            ("DELETE", "groups/team/clients/ci", Value::Null),
            (
                "POST",
                "tenants",
                json!({"tenantId": "acme", "name": "Acme"}),
            ),
            (
                "POST",
                "mapping-rules",
                json!({"mappingRuleId": "eng", "name": "Engineers", "claimName": "dept", "claimValue": "eng"}),
            ),
            (
                "POST",
                "authorizations",
                json!({"ownerId": "ci", "ownerType": "CLIENT", "resourceType": "GROUP", "resourceId": "team", "permissionTypes": ["READ"]}),
            ),
        ];
        for (method, path, body) in writes {
            let (status, answer) = call(&api, &bot, method, path, body);
            assert!(status < 300, "{method} {path}: {status} {answer}");
        }
        let owned = json!({"filter": {"ownerId": "ci"}});
        let (_, created) = call(&api, &bot, "POST", "authorizations/search", owned);
        let key = created["items"][0]["authorizationKey"]
            .as_str()
            .unwrap()
            .to_owned();
        let items = search(&api, &bot, json!({}));
        let summary: Vec<(String, String, String)> = items
            .iter()
            .map(|i| {
                let s = |f: &str| i[f].as_str().unwrap_or("null").to_owned();
                (s("entityType"), s("entityKey"), s("operationType"))
            })
            .collect();
        let expected = [
            ("GROUP", "team", "CREATE"),
            ("GROUP", "team", "UPDATE"),
            ("GROUP", "team", "ASSIGN"),
            ("GROUP", "team", "UNASSIGN"),
            ("TENANT", "acme", "CREATE"),
            ("MAPPING_RULE", "eng", "CREATE"),
            ("AUTHORIZATION", key.as_str(), "CREATE"),
        ]
        .map(|(a, b, c)| (a.to_owned(), b.to_owned(), c.to_owned()));
        assert_eq!(summary, expected);
        for item in &items {
            assert_eq!(item["actorType"], "CLIENT");
            assert_eq!(item["actorId"], "ops-bot");
            assert_eq!(item["category"], "ADMIN");
            assert_eq!(item["result"], "SUCCESS");
            assert!(Timestamp::parse(item["timestamp"].as_str().unwrap()).is_some());
            // Every key of AuditLogResult, null where an identity event has nothing.
            assert_eq!(item.as_object().unwrap().len(), 31, "{item}");
            assert!(item["processInstanceKey"].is_null());
        }
        assert_eq!(items[1]["entityDescription"], "The team");
        assert_eq!(items[2]["relatedEntityKey"], "ci");
        // A client member is recorded as a USER (the exporter's mapping).
        assert_eq!(items[2]["relatedEntityType"], "USER");
        assert!(items[4]["entityDescription"].is_null(), "tenants have none");
        assert_eq!(items[5]["entityDescription"], "Engineers");
        assert_eq!(items[6]["relatedEntityKey"], "ci");
        assert_eq!(items[6]["relatedEntityType"], "CLIENT");

        // A delete takes its cascade with it: one entry per event.
        let (status, _) = call(&api, &bot, "DELETE", "mapping-rules/eng", Value::Null);
        assert_eq!(status, 204);
        let last = search(&api, &bot, json!({"filter": {"entityKey": "eng"}}));
        assert_eq!(last.len(), 2);
        assert_eq!(last[1]["operationType"], "DELETE");
        assert_eq!(last[1]["entityDescription"], "Engineers");
    }

    #[test]
    fn clients_are_audited_only_when_their_categories_include_admin() {
        let api = api(CamundaVersion::V8_9, AuditSettings::default());
        let group = |id: &str| json!({"groupId": id, "name": id});
        assert_eq!(
            call(&api, &client("bot"), "POST", "groups", group("a")).0,
            201
        );
        assert_eq!(
            call(&api, &user("ann"), "POST", "groups", group("b")).0,
            201
        );
        assert_eq!(
            call(&api, &Caller::Unchecked, "POST", "groups", group("c")).0,
            201
        );
        let items = search(&api, &Caller::Unchecked, json!({}));
        assert_eq!(items.len(), 1, "only the user's write: {items:?}");
        assert_eq!(items[0]["entityKey"], "b");
        assert_eq!(items[0]["actorType"], "USER");
        assert_eq!(items[0]["actorId"], "ann");

        let off = api_off();
        assert_eq!(
            call(&off, &user("ann"), "POST", "groups", group("b")).0,
            201
        );
        assert!(search(&off, &Caller::Unchecked, json!({})).is_empty());
    }

    fn api_off() -> Api {
        api(
            CamundaVersion::V8_9,
            AuditSettings {
                enabled: false,
                ..with_clients()
            },
        )
    }

    #[test]
    fn searches_filter_sort_page_and_are_filtered_by_read_on_audit_log() {
        let api = api(CamundaVersion::V8_9, with_clients());
        let bot = client("bot");
        for id in ["a", "b", "c"] {
            let body = json!({"groupId": id, "name": id});
            assert_eq!(call(&api, &bot, "POST", "groups", body).0, 201);
        }
        let keys = |items: Vec<Value>| -> Vec<String> {
            items
                .iter()
                .map(|i| i["entityKey"].as_str().unwrap().to_owned())
                .collect()
        };
        let filtered = search(
            &api,
            &bot,
            json!({
                "filter": {
                    "category": "ADMIN",
                    "entityType": {"$in": ["GROUP"]},
                    "entityKey": {"$in": ["a", "c"]},
                    "timestamp": {"$gte": "2020-01-01T00:00:00Z"},
                },
                "sort": [{"field": "entityKey", "order": "DESC"}],
            }),
        );
        assert_eq!(keys(filtered), ["c", "a"]);
        let future = json!({"filter": {"timestamp": {"$gte": "2999-01-01T00:00:00.000Z"}}});
        assert!(search(&api, &bot, future).is_empty());
        let first = call(
            &api,
            &bot,
            "POST",
            "audit-logs/search",
            json!({"page": {"limit": 2}}),
        )
        .1;
        assert_eq!(first["items"].as_array().unwrap().len(), 2);
        let after = first["page"]["endCursor"].clone();
        let rest = search(&api, &bot, json!({"page": {"limit": 2, "after": after}}));
        assert_eq!(keys(rest), ["c"]);
        let (status, _) = call(
            &api,
            &bot,
            "POST",
            "audit-logs/search",
            json!({"filter": {"timestamp": {"$gte": "yesterday"}}}),
        );
        assert_eq!(status, 400);

        // Checked callers see only what READ on AUDIT_LOG (* or ADMIN) lets them.
        let checked = Caller::Principal(Identity {
            client_id: Some("reader".into()),
            ..Identity::default()
        });
        assert!(
            search(&api, &checked, json!({})).is_empty(),
            "filtered, not 403"
        );
        let key = first["items"][0]["auditLogKey"]
            .as_str()
            .unwrap()
            .to_owned();
        let path = format!("audit-logs/{key}");
        assert_eq!(call(&api, &checked, "GET", &path, Value::Null).0, 403);
        let grant = json!({"ownerId": "reader", "ownerType": "CLIENT", "resourceType": "AUDIT_LOG", "resourceId": "ADMIN", "permissionTypes": ["READ"]});
        assert_eq!(call(&api, &bot, "POST", "authorizations", grant).0, 201);
        assert_eq!(search(&api, &checked, json!({})).len(), 4);
        let (status, one) = call(&api, &checked, "GET", &path, Value::Null);
        assert_eq!((status, one["entityKey"].as_str()), (200, Some("a")));
        assert_eq!(
            call(&api, &checked, "GET", "audit-logs/1", Value::Null).0,
            404
        );
    }

    #[test]
    fn entries_reach_searches_after_the_lag_and_a_reset_forgets_them() {
        let mut config = SimConfig::new(CamundaVersion::V8_9);
        config.lag = std::time::Duration::from_millis(300);
        let api = config.server().expect("a server").api;
        let body = json!({"groupId": "a", "name": "a"});
        assert_eq!(call(&api, &user("ann"), "POST", "groups", body).0, 201);
        assert!(search(&api, &user("ann"), json!({})).is_empty(), "not yet");
        std::thread::sleep(std::time::Duration::from_millis(400));
        assert_eq!(search(&api, &user("ann"), json!({})).len(), 1);
        api.cluster.reset();
        assert!(search(&api, &user("ann"), json!({})).is_empty());
    }

    #[test]
    fn camunda_8_8_has_no_audit_log() {
        let api = api(CamundaVersion::V8_8, with_clients());
        let (status, detail) = call(&api, &user("ann"), "POST", "audit-logs/search", json!({}));
        assert_eq!(status, 404);
        assert_eq!(detail, "No endpoint POST /v2/audit-logs/search.");
        assert_eq!(
            call(&api, &user("ann"), "GET", "audit-logs/1", Value::Null).0,
            404
        );
    }
}
