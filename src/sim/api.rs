//! The `/v2` identity API: routing, request checks, and responses in the
//! shapes Camunda's SDKs validate for each version.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use crate::model::catalogue::{CamundaVersion, OwnerType, PermissionType, ResourceType};
use crate::sim::access::{Caller, Identity, Readable};
use crate::sim::cluster::Cluster;
use crate::sim::engine::{Engine, Rejection};
use crate::sim::request::{self, IdRules, Violations, bad_request, object, optional_json, string};
use crate::sim::search::{FilterKind, Item, Query, Spec};
use crate::sim::store::{
    AuthorizationRecord, Entity, EntityType, MappingRuleRecord, MemberRow, Relation, Store,
    UserRecord,
};

/// What the API answers: a status and an optional JSON body.
#[derive(Debug, Clone)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// JSON body.
    pub body: Option<Value>,
    /// Whether this was a write that changed state (for dropped answers).
    pub wrote: bool,
}

impl Reply {
    fn json(status: u16, body: Value) -> Self {
        Reply {
            status,
            body: Some(body),
            wrote: status == 201 || status == 200,
        }
    }

    fn no_content() -> Self {
        Reply {
            status: 204,
            body: None,
            wrote: true,
        }
    }

    fn read(body: Value) -> Self {
        Reply {
            status: 200,
            body: Some(body),
            wrote: false,
        }
    }
}

/// Feature switches of the cluster (reference §12).
#[derive(Debug, Clone)]
pub struct Switches {
    /// `camunda.security.multiTenancy.apiEnabled`.
    pub tenants_api: bool,
    /// Groups are managed in Camunda (no groups claim).
    pub groups_api: bool,
    /// Users are managed in Camunda (basic authentication).
    pub users_api: bool,
}

/// The API over one cluster.
pub struct Api {
    /// Storage.
    pub cluster: Cluster,
    /// Command processing.
    pub engine: Engine,
    /// Feature switches.
    pub switches: Switches,
    /// The ID rule requests are checked against.
    pub id_rules: IdRules,
}

type Result<T> = std::result::Result<T, Rejection>;

fn version_of(engine: &Engine) -> CamundaVersion {
    engine.config.version
}

fn relation_json(relation: Relation, id: &str, e: &Entity) -> Value {
    let id_key = match relation {
        Relation::Group => "groupId",
        Relation::Role => "roleId",
        Relation::Tenant => "tenantId",
    };
    json!({ id_key: id, "name": e.name, "description": e.description })
}

fn mapping_rule_json(id: &str, r: &MappingRuleRecord) -> Value {
    json!({
        "mappingRuleId": id,
        "claimName": r.claim_name,
        "claimValue": r.claim_value,
        "name": r.name,
    })
}

fn user_json(username: &str, u: &UserRecord, version: CamundaVersion) -> Value {
    match version {
        // 8.8's SDK accepts strings only; 8.9's accepts null.
        CamundaVersion::V8_8 => json!({
            "username": username,
            "name": u.name.clone().unwrap_or_default(),
            "email": u.email.clone().unwrap_or_default(),
        }),
        CamundaVersion::V8_9 => json!({"username": username, "name": u.name, "email": u.email}),
    }
}

fn authorization_json(key: i64, a: &AuthorizationRecord, version: CamundaVersion) -> Value {
    let mut map = Map::new();
    map.insert("authorizationKey".into(), json!(key.to_string()));
    map.insert("ownerId".into(), json!(a.owner_id));
    map.insert("ownerType".into(), json!(a.owner_type.as_str()));
    map.insert("resourceType".into(), json!(a.resource_type.as_str()));
    match version {
        CamundaVersion::V8_8 => {
            map.insert(
                "resourceId".into(),
                json!(a.resource_id.clone().unwrap_or_default()),
            );
        }
        CamundaVersion::V8_9 => {
            map.insert("resourceId".into(), json!(a.resource_id));
            map.insert(
                "resourcePropertyName".into(),
                json!(a.resource_property_name),
            );
        }
    }
    map.insert(
        "permissionTypes".into(),
        json!(a.permissions.iter().map(|p| p.as_str()).collect::<Vec<_>>()),
    );
    Value::Object(map)
}

fn not_found(detail: String) -> Rejection {
    Rejection::new(404, "NOT_FOUND", detail)
}

fn forbidden_read(resource_type: ResourceType) -> Rejection {
    Rejection::new(
        403,
        "FORBIDDEN",
        format!("Unauthorized to perform operation 'READ' on resource '{resource_type}'"),
    )
}

fn resource_type_of(relation: Relation) -> ResourceType {
    match relation {
        Relation::Group => ResourceType::Group,
        Relation::Role => ResourceType::Role,
        Relation::Tenant => ResourceType::Tenant,
    }
}

fn entity_noun(relation: Relation) -> &'static str {
    match relation {
        Relation::Group => "Group",
        Relation::Role => "Role",
        Relation::Tenant => "Tenant",
    }
}

const GROUP_SEARCH: Spec = Spec {
    filters: &[
        ("groupId", "groupId", FilterKind::String),
        ("name", "name", FilterKind::String),
    ],
    sort_fields: &["name", "groupId"],
    default_sort: Some("groupId"),
};
const ROLE_SEARCH: Spec = Spec {
    filters: &[
        ("roleId", "roleId", FilterKind::String),
        ("name", "name", FilterKind::String),
    ],
    sort_fields: &["name", "roleId"],
    default_sort: Some("roleId"),
};
const TENANT_SEARCH: Spec = Spec {
    filters: &[
        ("tenantId", "tenantId", FilterKind::String),
        ("name", "name", FilterKind::String),
    ],
    sort_fields: &["key", "name", "tenantId"],
    default_sort: Some("tenantId"),
};
const USER_SEARCH: Spec = Spec {
    filters: &[
        ("username", "username", FilterKind::String),
        ("name", "name", FilterKind::String),
        ("email", "email", FilterKind::String),
    ],
    sort_fields: &["username", "name", "email"],
    default_sort: Some("username"),
};
const MAPPING_RULE_SEARCH: Spec = Spec {
    filters: &[
        ("claimName", "claimName", FilterKind::String),
        ("claimValue", "claimValue", FilterKind::String),
        ("name", "name", FilterKind::String),
        ("mappingRuleId", "mappingRuleId", FilterKind::String),
    ],
    sort_fields: &["mappingRuleId", "claimName", "claimValue", "name"],
    default_sort: Some("mappingRuleId"),
};
const AUTHORIZATION_SEARCH_8_8: Spec = Spec {
    filters: &[
        ("ownerId", "ownerId", FilterKind::String),
        ("ownerType", "ownerType", FilterKind::Exact),
        ("resourceIds", "resourceId", FilterKind::AnyOf),
        ("resourceType", "resourceType", FilterKind::Exact),
    ],
    sort_fields: &["ownerId", "ownerType", "resourceId", "resourceType"],
    default_sort: None,
};
const AUTHORIZATION_SEARCH_8_9: Spec = Spec {
    filters: &[
        ("ownerId", "ownerId", FilterKind::String),
        ("ownerType", "ownerType", FilterKind::Exact),
        ("resourceIds", "resourceId", FilterKind::AnyOf),
        (
            "resourcePropertyNames",
            "resourcePropertyName",
            FilterKind::AnyOf,
        ),
        ("resourceType", "resourceType", FilterKind::Exact),
    ],
    sort_fields: &[
        "ownerId",
        "ownerType",
        "resourceId",
        "resourcePropertyName",
        "resourceType",
    ],
    default_sort: None,
};

fn member_spec(entity_type: EntityType) -> Spec {
    let field: &'static str = match entity_type {
        EntityType::User => "username",
        EntityType::Client => "clientId",
        _ => "groupId",
    };
    let fields: &'static [&'static str] = match entity_type {
        EntityType::User => &["username"],
        EntityType::Client => &["clientId"],
        _ => &["groupId"],
    };
    Spec {
        filters: &[],
        sort_fields: fields,
        default_sort: Some(field),
    }
}

impl Api {
    fn violations(&self) -> Violations<'_> {
        Violations::new(&self.id_rules)
    }

    fn version(&self) -> CamundaVersion {
        version_of(&self.engine)
    }

    /// Answers one `/v2` request. `segments` are the decoded path segments
    /// after `/v2`. Returns the route template (for counters) and the reply.
    pub fn handle(
        &self,
        method: &str,
        segments: &[String],
        body: &[u8],
        caller: &Caller,
        identity: Option<&Identity>,
    ) -> (String, Result<Reply>) {
        let s: Vec<&str> = segments.iter().map(String::as_str).collect();
        use Relation::{Group, Role, Tenant};
        let relation_of = |name: &str| match name {
            "groups" => Some(Group),
            "roles" => Some(Role),
            "tenants" => Some(Tenant),
            _ => None,
        };
        let member_type = |name: &str| match name {
            "users" => Some(EntityType::User),
            "clients" => Some(EntityType::Client),
            "groups" => Some(EntityType::Group),
            "roles" => Some(EntityType::Role),
            "mapping-rules" => Some(EntityType::MappingRule),
            _ => None,
        };
        let (template, result): (&str, Result<Reply>) = match (method, s.as_slice()) {
            ("GET", ["topology"]) => ("/topology", Ok(Reply::read(self.topology()))),
            ("GET", ["status"]) => (
                "/status",
                Ok(Reply {
                    status: 204,
                    body: None,
                    wrote: false,
                }),
            ),
            ("GET", ["license"]) => ("/license", Ok(Reply::read(self.license()))),
            ("GET", ["authentication", "me"]) => ("/authentication/me", self.me(identity)),
            ("POST", ["setup", "user"]) => ("/setup/user", self.setup_user(body)),

            ("POST", ["authorizations"]) => {
                ("/authorizations", self.create_authorization(body, caller))
            }
            ("POST", ["authorizations", "search"]) => (
                "/authorizations/search",
                self.search_authorizations(body, caller),
            ),
            ("GET", ["authorizations", key]) => (
                "/authorizations/{authorizationKey}",
                self.get_authorization(key, caller),
            ),
            ("PUT", ["authorizations", key]) => (
                "/authorizations/{authorizationKey}",
                self.update_authorization(key, body, caller),
            ),
            ("DELETE", ["authorizations", key]) => (
                "/authorizations/{authorizationKey}",
                self.delete_authorization(key, caller),
            ),

            ("POST", ["mapping-rules"]) => {
                ("/mapping-rules", self.create_mapping_rule(body, caller))
            }
            ("POST", ["mapping-rules", "search"]) => (
                "/mapping-rules/search",
                self.search_mapping_rules(body, caller, None),
            ),
            ("GET", ["mapping-rules", id]) => (
                "/mapping-rules/{mappingRuleId}",
                self.get_mapping_rule(id, caller),
            ),
            ("PUT", ["mapping-rules", id]) => (
                "/mapping-rules/{mappingRuleId}",
                self.update_mapping_rule(id, body, caller),
            ),
            ("DELETE", ["mapping-rules", id]) => (
                "/mapping-rules/{mappingRuleId}",
                self.write(|store| self.engine.delete_mapping_rule(store, caller, id))
                    .map(|()| Reply::no_content()),
            ),

            ("POST", ["users"]) => ("/users", self.create_user(body, caller)),
            ("POST", ["users", "search"]) => ("/users/search", self.search_users(body, caller)),
            ("GET", ["users", id]) => ("/users/{username}", self.get_user(id, caller)),
            ("PUT", ["users", id]) => ("/users/{username}", self.update_user(id, body, caller)),
            ("DELETE", ["users", id]) => (
                "/users/{username}",
                self.write(|store| self.engine.delete_user(store, caller, id))
                    .map(|()| Reply::no_content()),
            ),

            ("POST", [kind]) if relation_of(kind).is_some() => {
                let relation = relation_of(kind).expect("checked");
                (
                    template_for(relation, ""),
                    self.create_entity(relation, body, caller),
                )
            }
            ("POST", [kind, "search"]) if relation_of(kind).is_some() => {
                let relation = relation_of(kind).expect("checked");
                (
                    template_for(relation, "/search"),
                    self.search_entities(relation, body, caller),
                )
            }
            ("GET", [kind, id]) if relation_of(kind).is_some() => {
                let relation = relation_of(kind).expect("checked");
                (
                    template_for(relation, "/{id}"),
                    self.get_entity(relation, id, caller),
                )
            }
            ("PUT", [kind, id]) if relation_of(kind).is_some() => {
                let relation = relation_of(kind).expect("checked");
                (
                    template_for(relation, "/{id}"),
                    self.update_entity(relation, id, body, caller),
                )
            }
            ("DELETE", [kind, id]) if relation_of(kind).is_some() => {
                let relation = relation_of(kind).expect("checked");
                (
                    template_for(relation, "/{id}"),
                    self.write(|store| self.engine.delete_entity(store, caller, relation, id))
                        .map(|()| Reply::no_content()),
                )
            }
            (_, [kind, id, members, "search"])
                if method == "POST"
                    && let (Some(relation), Some(entity_type)) =
                        (relation_of(kind), member_type(members))
                    && member_template(relation, entity_type, true) != "unmatched" =>
            {
                let _ = kind;
                (
                    member_template(relation, entity_type, true),
                    self.search_members(relation, id, entity_type, body, caller),
                )
            }
            (_, [kind, id, members, member])
                if (method == "PUT" || method == "DELETE")
                    && let (Some(relation), Some(entity_type)) =
                        (relation_of(kind), member_type(members))
                    && member_template(relation, entity_type, false) != "unmatched" =>
            {
                let _ = (kind, members);
                let template = member_template(relation, entity_type, false);
                (
                    template,
                    self.change_member(method == "PUT", relation, id, entity_type, member, caller),
                )
            }
            _ => (
                "unmatched",
                Err(Rejection::new(
                    404,
                    "Not Found",
                    format!("No endpoint {method} /v2/{}.", s.join("/")),
                )),
            ),
        };
        (format!("{method} /v2{template}"), result)
    }

    fn write<T>(
        &self,
        command: impl FnOnce(&mut Store) -> crate::sim::engine::Outcome<T>,
    ) -> Result<T> {
        self.cluster.write(command)
    }

    fn topology(&self) -> Value {
        let version = match self.version() {
            CamundaVersion::V8_8 => "8.8.0",
            CamundaVersion::V8_9 => "8.9.0",
        };
        let mut topology = json!({
            "brokers": [{
                "nodeId": 0,
                "host": "127.0.0.1",
                "port": 26501,
                "partitions": [{"partitionId": 1, "role": "leader", "health": "healthy"}],
                "version": version,
            }],
            "clusterSize": 1,
            "partitionsCount": 1,
            "replicationFactor": 1,
            "gatewayVersion": version,
            "lastCompletedChangeId": "-1",
        });
        if self.version() >= CamundaVersion::V8_9 {
            topology["clusterId"] = Value::Null;
        }
        topology
    }

    fn license(&self) -> Value {
        let mut license = json!({
            "validLicense": false,
            "licenseType": "unknown",
            "isCommercial": false,
        });
        if self.version() >= CamundaVersion::V8_9 {
            license["expiresAt"] = Value::Null;
        }
        license
    }

    fn me(&self, identity: Option<&Identity>) -> Result<Reply> {
        // Without authentication there is nobody to describe.
        // Without authentication there is nobody to describe: 401 with an
        // empty body (`AuthenticationController`).
        let Some(identity) = identity.cloned() else {
            return Ok(Reply {
                status: 401,
                body: None,
                wrote: false,
            });
        };
        // Who the caller is comes from secondary storage (searches), as the
        // permission checks of reads do.
        let (groups, roles, tenants, components) = self.cluster.read(|store| {
            let owners = identity.owners(store);
            let pick = |t: OwnerType| -> Vec<String> {
                owners
                    .iter()
                    .filter(|(ot, _)| *ot == t)
                    .map(|(_, id)| id.clone())
                    .collect()
            };
            let tenants: Vec<Value> = identity
                .tenants(store)
                .into_iter()
                .filter_map(|t| {
                    store
                        .tenants
                        .get(&t)
                        .map(|e| relation_json(Relation::Tenant, &t, e))
                })
                .collect();
            let components: BTreeSet<String> = store
                .authorizations
                .values()
                .filter(|a| {
                    a.resource_type == ResourceType::Component
                        && a.permissions.contains(&PermissionType::Access)
                        && owners.contains(&(a.owner_type, a.owner_id.clone()))
                })
                .filter_map(|a| a.resource_id.clone())
                .collect();
            (
                pick(OwnerType::Group),
                pick(OwnerType::Role),
                tenants,
                components,
            )
        });
        let name = identity
            .username
            .clone()
            .or(identity.client_id.clone())
            .unwrap_or_default();
        let mut me = json!({
            "username": name,
            "displayName": name,
            "email": "",
            "authorizedComponents": components,
            "tenants": tenants,
            "groups": groups,
            "roles": roles,
            "salesPlanType": "",
            "c8Links": {},
            "canLogout": identity.username.is_some(),
        });
        if self.version() >= CamundaVersion::V8_9 {
            me["salesPlanType"] = Value::Null;
            me["email"] = Value::Null;
        }
        Ok(Reply::read(me))
    }

    // ---- groups, roles, tenants -------------------------------------------------

    fn id_key(relation: Relation) -> &'static str {
        match relation {
            Relation::Group => "groupId",
            Relation::Role => "roleId",
            Relation::Tenant => "tenantId",
        }
    }

    fn create_entity(&self, relation: Relation, body: &[u8], caller: &Caller) -> Result<Reply> {
        let key = Self::id_key(relation);
        let map = object(body, &[key, "name", "description"])?;
        let id = string(&map, key)?;
        let name = string(&map, "name")?;
        let description = string(&map, "description")?.unwrap_or_default();
        let mut v = self.violations();
        match relation {
            Relation::Tenant => v.tenant_id(id.as_deref()),
            _ => v.id(key, id.as_deref()),
        }
        v.required("name", name.as_deref());
        v.finish()?;
        let (id, name) = (id.expect("validated"), name.expect("validated"));
        let entity = self.write(|store| {
            self.engine
                .create_entity(store, caller, relation, &id, &name, &description)
        })?;
        Ok(Reply::json(201, relation_json(relation, &id, &entity)))
    }

    fn update_entity(
        &self,
        relation: Relation,
        id: &str,
        body: &[u8],
        caller: &Caller,
    ) -> Result<Reply> {
        let map = object(body, &["name", "description"])?;
        let name = string(&map, "name")?;
        let description = string(&map, "description")?;
        let mut v = self.violations();
        // `GroupRequestValidator.validateUpdateRequest` checks the path ID.
        if relation == Relation::Group {
            v.id("groupId", Some(id));
        }
        v.required("name", name.as_deref());
        if self.version() == CamundaVersion::V8_8 && description.is_none() {
            v.push("No description provided");
        }
        v.finish()?;
        let name = name.expect("validated");
        // 8.9: a missing description clears it (full replace).
        let description = description.unwrap_or_default();
        let entity = self.write(|store| {
            self.engine
                .update_entity(store, caller, relation, id, &name, &description)
        })?;
        Ok(Reply::json(200, relation_json(relation, id, &entity)))
    }

    fn get_entity(&self, relation: Relation, id: &str, caller: &Caller) -> Result<Reply> {
        let rt = resource_type_of(relation);
        let allowed = self
            .cluster
            .read_both(|primary, secondary| caller.may_read(primary, secondary, rt, Some(id)));
        if !allowed {
            return Err(forbidden_read(rt));
        }
        self.cluster.read(|store| {
            store
                .entities(relation)
                .get(id)
                .map(|e| Reply::read(relation_json(relation, id, e)))
                .ok_or_else(|| {
                    not_found(format!(
                        "{} with id '{id}' not found",
                        entity_noun(relation)
                    ))
                })
        })
    }

    fn readable(&self, caller: &Caller, rt: ResourceType) -> Readable {
        self.cluster
            .read_both(|primary, secondary| caller.readable(primary, secondary, rt))
    }

    fn search_entities(&self, relation: Relation, body: &[u8], caller: &Caller) -> Result<Reply> {
        let spec = match relation {
            Relation::Group => GROUP_SEARCH,
            Relation::Role => ROLE_SEARCH,
            Relation::Tenant => TENANT_SEARCH,
        };
        let query = Query::parse(optional_json(body)?.as_ref(), &spec)?;
        let readable = self.readable(caller, resource_type_of(relation));
        let items = self.cluster.read(|store| {
            store
                .entities(relation)
                .iter()
                .filter(|(id, _)| readable.contains(id))
                .map(|(id, e)| Item {
                    json: relation_json(relation, id, e),
                    key: e.key,
                })
                .collect::<Vec<_>>()
        });
        Ok(Reply::read(query.run(items, self.version())))
    }

    fn change_member(
        &self,
        add: bool,
        relation: Relation,
        id: &str,
        entity_type: EntityType,
        member: &str,
        caller: &Caller,
    ) -> Result<Reply> {
        let mut v = self.violations();
        match relation {
            Relation::Tenant => v.tenant_id(Some(id)),
            _ => v.id(Self::id_key(relation), Some(id)),
        }
        let member_key = match entity_type {
            EntityType::User => "username",
            // 8.8's `GroupRequestValidator.validateMemberId` has no CLIENT
            // case: its default names the property `entityId`.
            EntityType::Client
                if relation == Relation::Group && self.version() == CamundaVersion::V8_8 =>
            {
                "entityId"
            }
            EntityType::Client => "clientId",
            EntityType::Group => "groupId",
            EntityType::Role => "roleId",
            EntityType::MappingRule => "mappingRuleId",
        };
        // Group IDs from a groups claim follow no pattern.
        if entity_type != EntityType::Group || self.switches.groups_api {
            v.id(member_key, Some(member));
        }
        v.finish()?;
        let row = MemberRow {
            relation,
            relation_id: id.to_owned(),
            entity_type,
            entity_id: member.to_owned(),
        };
        self.write(|store| {
            if add {
                self.engine.add_member(store, caller, row)
            } else {
                self.engine.remove_member(store, caller, row)
            }
        })?;
        Ok(Reply::no_content())
    }

    fn search_members(
        &self,
        relation: Relation,
        id: &str,
        entity_type: EntityType,
        body: &[u8],
        caller: &Caller,
    ) -> Result<Reply> {
        let rt = resource_type_of(relation);
        let allowed = self
            .cluster
            .read_both(|primary, secondary| caller.may_read(primary, secondary, rt, Some(id)));
        if !allowed {
            return Err(forbidden_read(rt));
        }
        // A missing group, role or tenant has no members: 200 with no
        // items (Camunda runs a filtered search without an existence check).
        let body = optional_json(body)?;
        match entity_type {
            EntityType::MappingRule => self.search_mapping_rules_in(relation, id, body, caller),
            EntityType::Role => {
                let query = Query::parse(body.as_ref(), &ROLE_SEARCH)?;
                let items = self.cluster.read(|store| {
                    let ids: Vec<String> = if relation == Relation::Group {
                        // Roles the group is a member of.
                        store
                            .memberships_of(EntityType::Group, id)
                            .into_iter()
                            .filter(|r| r.relation == Relation::Role)
                            .map(|r| r.relation_id)
                            .collect()
                    } else {
                        store
                            .members_of(relation, id, EntityType::Role)
                            .map(str::to_owned)
                            .collect()
                    };
                    ids.iter()
                        .filter_map(|rid| {
                            store.roles.get(rid).map(|e| Item {
                                json: relation_json(Relation::Role, rid, e),
                                key: e.key,
                            })
                        })
                        .collect::<Vec<_>>()
                });
                Ok(Reply::read(query.run(items, self.version())))
            }
            _ => {
                let spec = member_spec(entity_type);
                let query = Query::parse(body.as_ref(), &spec)?;
                let field = spec.default_sort.expect("member specs sort by id");
                let items = self.cluster.read(|store| {
                    store
                        .members_of(relation, id, entity_type)
                        .map(|m| Item {
                            json: json!({ field: m }),
                            key: 0,
                        })
                        .collect::<Vec<_>>()
                });
                Ok(Reply::read(query.run(items, self.version())))
            }
        }
    }

    // ---- mapping rules ---------------------------------------------------------

    fn create_mapping_rule(&self, body: &[u8], caller: &Caller) -> Result<Reply> {
        let map = object(body, &["mappingRuleId", "claimName", "claimValue", "name"])?;
        let id = string(&map, "mappingRuleId")?;
        let claim_name = string(&map, "claimName")?;
        let claim_value = string(&map, "claimValue")?;
        let name = string(&map, "name")?;
        let mut v = self.violations();
        v.id("mappingRuleId", id.as_deref());
        v.required("claimName", claim_name.as_deref());
        v.required("claimValue", claim_value.as_deref());
        v.required("name", name.as_deref());
        v.finish()?;
        let (id, claim_name, claim_value, name) = (
            id.expect("validated"),
            claim_name.expect("validated"),
            claim_value.expect("validated"),
            name.expect("validated"),
        );
        let rule = self.write(|store| {
            self.engine
                .create_mapping_rule(store, caller, &id, &name, &claim_name, &claim_value)
        })?;
        Ok(Reply::json(201, mapping_rule_json(&id, &rule)))
    }

    fn update_mapping_rule(&self, id: &str, body: &[u8], caller: &Caller) -> Result<Reply> {
        let map = object(body, &["claimName", "claimValue", "name"])?;
        let claim_name = string(&map, "claimName")?;
        let claim_value = string(&map, "claimValue")?;
        let name = string(&map, "name")?;
        let mut v = self.violations();
        v.required("claimName", claim_name.as_deref());
        v.required("claimValue", claim_value.as_deref());
        v.required("name", name.as_deref());
        v.finish()?;
        let (claim_name, claim_value, name) = (
            claim_name.expect("validated"),
            claim_value.expect("validated"),
            name.expect("validated"),
        );
        let rule = self.write(|store| {
            self.engine
                .update_mapping_rule(store, caller, id, &name, &claim_name, &claim_value)
        })?;
        Ok(Reply::json(200, mapping_rule_json(id, &rule)))
    }

    fn get_mapping_rule(&self, id: &str, caller: &Caller) -> Result<Reply> {
        let allowed = self.cluster.read_both(|primary, secondary| {
            caller.may_read(primary, secondary, ResourceType::MappingRule, Some(id))
        });
        if !allowed {
            return Err(forbidden_read(ResourceType::MappingRule));
        }
        self.cluster.read(|store| {
            store
                .mapping_rules
                .get(id)
                .map(|r| Reply::read(mapping_rule_json(id, r)))
                .ok_or_else(|| not_found(format!("Mapping Rule with id '{id}' not found")))
        })
    }

    fn search_mapping_rules(&self, body: &[u8], caller: &Caller, _: Option<()>) -> Result<Reply> {
        let query = Query::parse(optional_json(body)?.as_ref(), &MAPPING_RULE_SEARCH)?;
        let readable = self.readable(caller, ResourceType::MappingRule);
        let items = self.cluster.read(|store| {
            store
                .mapping_rules
                .iter()
                .filter(|(id, _)| readable.contains(id))
                .map(|(id, r)| Item {
                    json: mapping_rule_json(id, r),
                    key: r.key,
                })
                .collect::<Vec<_>>()
        });
        Ok(Reply::read(query.run(items, self.version())))
    }

    fn search_mapping_rules_in(
        &self,
        relation: Relation,
        id: &str,
        body: Option<Value>,
        _caller: &Caller,
    ) -> Result<Reply> {
        let query = Query::parse(body.as_ref(), &MAPPING_RULE_SEARCH)?;
        let items = self.cluster.read(|store| {
            store
                .members_of(relation, id, EntityType::MappingRule)
                .filter_map(|mid| {
                    store.mapping_rules.get(mid).map(|r| Item {
                        json: mapping_rule_json(mid, r),
                        key: r.key,
                    })
                })
                .collect::<Vec<_>>()
        });
        Ok(Reply::read(query.run(items, self.version())))
    }

    // ---- users -----------------------------------------------------------------

    fn create_user(&self, body: &[u8], caller: &Caller) -> Result<Reply> {
        let map = object(body, &["username", "password", "name", "email"])?;
        let username = string(&map, "username")?;
        let password = string(&map, "password")?;
        let name = string(&map, "name")?;
        let email = string(&map, "email")?;
        let mut v = self.violations();
        v.id("username", username.as_deref());
        v.required("password", password.as_deref());
        v.email(email.as_deref());
        v.finish()?;
        let (username, password) = (username.expect("validated"), password.expect("validated"));
        let user = self.write(|store| {
            let (mut mutations, user) = self.engine.create_user(
                store,
                caller,
                &username,
                name.as_deref(),
                email.as_deref(),
                &password,
            )?;
            mutations.push(self.engine.user_self_authorization(store, &username));
            Ok((mutations, user))
        })?;
        Ok(Reply::json(
            201,
            user_json(&username, &user, self.version()),
        ))
    }

    fn setup_user(&self, body: &[u8]) -> Result<Reply> {
        if !self.switches.users_api {
            return Err(Rejection::new(
                403,
                "FORBIDDEN",
                "Creating an admin user is only possible when users are managed by Camunda.",
            ));
        }
        let has_admin_user = self.cluster.read_primary(|store| {
            store
                .members_of(Relation::Role, "admin", EntityType::User)
                .next()
                .is_some()
        });
        // `UserCreateInitialAdminProcessor` rejects every failure as FORBIDDEN.
        let forbidden = |reason: &str| {
            Rejection::new(
                403,
                "FORBIDDEN",
                format!("Command 'CREATE_INITIAL_ADMIN' rejected with code 'FORBIDDEN': {reason}"),
            )
        };
        if has_admin_user {
            return Err(forbidden(
                "Expected to create admin user, but role with id 'admin' already has one or more user assigned to it",
            ));
        }
        let reply =
            self.create_user(body, &Caller::Unchecked)
                .map_err(|rejection| match rejection.status {
                    409 => forbidden(
                        rejection
                            .detail
                            .split_once(": ")
                            .map_or(rejection.detail.as_str(), |(_, reason)| reason),
                    ),
                    _ => rejection,
                })?;
        let username = reply
            .body
            .as_ref()
            .and_then(|b| b["username"].as_str())
            .unwrap_or_default()
            .to_owned();
        self.write(|store| {
            self.engine.add_member(
                store,
                &Caller::Unchecked,
                MemberRow {
                    relation: Relation::Role,
                    relation_id: "admin".to_owned(),
                    entity_type: EntityType::User,
                    entity_id: username,
                },
            )
        })?;
        Ok(reply)
    }

    fn update_user(&self, username: &str, body: &[u8], caller: &Caller) -> Result<Reply> {
        let map = object(body, &["password", "name", "email"])?;
        let password = string(&map, "password")?;
        let name = string(&map, "name")?;
        let email = string(&map, "email")?;
        let mut v = self.violations();
        v.email(email.as_deref());
        v.finish()?;
        let user = self.write(|store| {
            self.engine.update_user(
                store,
                caller,
                username,
                name.as_deref(),
                email.as_deref(),
                password.as_deref(),
            )
        })?;
        Ok(Reply::json(200, user_json(username, &user, self.version())))
    }

    fn get_user(&self, username: &str, caller: &Caller) -> Result<Reply> {
        let allowed = self.cluster.read_both(|primary, secondary| {
            caller.may_read(primary, secondary, ResourceType::User, Some(username))
        });
        if !allowed {
            return Err(forbidden_read(ResourceType::User));
        }
        let version = self.version();
        self.cluster.read(|store| {
            store
                .users
                .get(username)
                .map(|u| Reply::read(user_json(username, u, version)))
                .ok_or_else(|| not_found(format!("User with username '{username}' not found")))
        })
    }

    fn search_users(&self, body: &[u8], caller: &Caller) -> Result<Reply> {
        let query = Query::parse(optional_json(body)?.as_ref(), &USER_SEARCH)?;
        let readable = self.readable(caller, ResourceType::User);
        let version = self.version();
        let items = self.cluster.read(|store| {
            store
                .users
                .iter()
                .filter(|(id, _)| readable.contains(id))
                .map(|(id, u)| Item {
                    // Search on the stored values; null fields do not match filters.
                    json: json!({"username": id, "name": u.name, "email": u.email}),
                    key: u.key,
                })
                .collect::<Vec<_>>()
        });
        let mut result = query.run(items, version);
        if version == CamundaVersion::V8_8
            && let Some(items) = result["items"].as_array_mut()
        {
            for item in items {
                for field in ["name", "email"] {
                    if item[field].is_null() {
                        item[field] = json!("");
                    }
                }
            }
        }
        Ok(Reply::read(result))
    }

    // ---- authorizations --------------------------------------------------------

    fn authorization_request(&self, body: &[u8]) -> Result<AuthorizationRecord> {
        let version = self.version();
        let mut allowed = vec![
            "ownerId",
            "ownerType",
            "resourceId",
            "resourceType",
            "permissionTypes",
        ];
        if version >= CamundaVersion::V8_9 {
            allowed.push("resourcePropertyName");
        }
        let map = object(body, &allowed)?;
        let owner_id = string(&map, "ownerId")?;
        let owner_type = string(&map, "ownerType")?
            .map(|v| request::owner_type(&v))
            .transpose()?
            .flatten();
        let resource_type = string(&map, "resourceType")?
            .map(|v| request::resource_type(&v, version))
            .transpose()?;
        let resource_id = string(&map, "resourceId")?;
        let property = string(&map, "resourcePropertyName")?;
        let permissions: Option<BTreeSet<PermissionType>> = match map.get("permissionTypes") {
            None | Some(Value::Null) => None,
            Some(Value::Array(items)) => Some(
                items
                    .iter()
                    .map(|item| match item {
                        Value::String(s) => request::permission_type(s, version),
                        _ => Err(bad_request(
                            "Request property [permissionTypes] cannot be parsed",
                        )),
                    })
                    .collect::<Result<_>>()?,
            ),
            Some(_) => {
                return Err(bad_request(
                    "Request property [permissionTypes] cannot be parsed",
                ));
            }
        };
        let mut v = self.violations();
        if owner_type == Some(OwnerType::Group) && !self.switches.groups_api {
            v.required("ownerId", owner_id.as_deref());
        } else {
            v.id("ownerId", owner_id.as_deref());
        }
        if owner_type.is_none() {
            v.push("No ownerType provided");
        }
        if resource_type.is_none() {
            v.push("No resourceType provided");
        }
        match version {
            CamundaVersion::V8_8 => match resource_id.as_deref() {
                Some("*") => {}
                other => v.id("resourceId", other),
            },
            CamundaVersion::V8_9 => match (resource_id.as_deref(), property.as_deref()) {
                (Some(_), Some(_)) => v.push(
                    "resourceId and resourcePropertyName are mutually exclusive. Provide only one of them",
                ),
                (None, None) => v.push("Either resourceId or resourcePropertyName must be provided"),
                (Some("*"), None) => {}
                (Some(id), None) => v.id("resourceId", Some(id)),
                (None, Some(p)) => v.id("resourcePropertyName", Some(p)),
            },
        }
        if permissions.as_ref().is_none_or(BTreeSet::is_empty) {
            v.push("No permissionTypes provided");
        }
        v.finish()?;
        Ok(AuthorizationRecord {
            owner_type: owner_type.expect("validated"),
            owner_id: owner_id.expect("validated"),
            resource_type: resource_type.expect("validated"),
            resource_id,
            resource_property_name: property,
            permissions: permissions.expect("validated"),
        })
    }

    fn parse_key(key: &str) -> Result<i64> {
        key.parse::<i64>().map_err(|_| {
            bad_request(format!(
                "Failed to convert 'authorizationKey' with value: '{key}'"
            ))
        })
    }

    fn create_authorization(&self, body: &[u8], caller: &Caller) -> Result<Reply> {
        let record = self.authorization_request(body)?;
        let key = self.write(|store| self.engine.create_authorization(store, caller, record))?;
        Ok(Reply::json(
            201,
            json!({"authorizationKey": key.to_string()}),
        ))
    }

    fn update_authorization(&self, key: &str, body: &[u8], caller: &Caller) -> Result<Reply> {
        let key = Self::parse_key(key)?;
        let record = self.authorization_request(body)?;
        self.write(|store| self.engine.update_authorization(store, caller, key, record))?;
        Ok(Reply::no_content())
    }

    fn delete_authorization(&self, key: &str, caller: &Caller) -> Result<Reply> {
        let key = Self::parse_key(key)?;
        self.write(|store| self.engine.delete_authorization(store, caller, key))?;
        Ok(Reply::no_content())
    }

    fn get_authorization(&self, key: &str, caller: &Caller) -> Result<Reply> {
        let key = Self::parse_key(key)?;
        let allowed = self.cluster.read_both(|primary, secondary| {
            caller.may_read(primary, secondary, ResourceType::Authorization, None)
        });
        if !allowed {
            return Err(forbidden_read(ResourceType::Authorization));
        }
        let version = self.version();
        self.cluster.read(|store| {
            store
                .authorizations
                .get(&key)
                .map(|a| Reply::read(authorization_json(key, a, version)))
                .ok_or_else(|| not_found(format!("Authorization with key '{key}' not found")))
        })
    }

    fn search_authorizations(&self, body: &[u8], caller: &Caller) -> Result<Reply> {
        let version = self.version();
        let spec = match version {
            CamundaVersion::V8_8 => AUTHORIZATION_SEARCH_8_8,
            CamundaVersion::V8_9 => AUTHORIZATION_SEARCH_8_9,
        };
        let query = Query::parse(optional_json(body)?.as_ref(), &spec)?;
        let readable = self.readable(caller, ResourceType::Authorization);
        let items = if readable == Readable::All {
            self.cluster.read(|store| {
                store
                    .authorizations
                    .iter()
                    .map(|(key, a)| Item {
                        json: authorization_json(*key, a, version),
                        key: *key,
                    })
                    .collect::<Vec<_>>()
            })
        } else {
            Vec::new()
        };
        Ok(Reply::read(query.run(items, version)))
    }
}

fn template_for(relation: Relation, suffix: &str) -> &'static str {
    match (relation, suffix) {
        (Relation::Group, "") => "/groups",
        (Relation::Group, "/search") => "/groups/search",
        (Relation::Group, _) => "/groups/{groupId}",
        (Relation::Role, "") => "/roles",
        (Relation::Role, "/search") => "/roles/search",
        (Relation::Role, _) => "/roles/{roleId}",
        (Relation::Tenant, "") => "/tenants",
        (Relation::Tenant, "/search") => "/tenants/search",
        (Relation::Tenant, _) => "/tenants/{tenantId}",
    }
}

fn member_template(relation: Relation, entity_type: EntityType, search: bool) -> &'static str {
    use EntityType as E;
    use Relation as R;
    match (relation, entity_type, search) {
        (R::Group, E::User, false) => "/groups/{groupId}/users/{username}",
        (R::Group, E::User, true) => "/groups/{groupId}/users/search",
        (R::Group, E::Client, false) => "/groups/{groupId}/clients/{clientId}",
        (R::Group, E::Client, true) => "/groups/{groupId}/clients/search",
        (R::Group, E::MappingRule, false) => "/groups/{groupId}/mapping-rules/{mappingRuleId}",
        (R::Group, E::MappingRule, true) => "/groups/{groupId}/mapping-rules/search",
        (R::Group, E::Role, true) => "/groups/{groupId}/roles/search",
        (R::Role, E::User, false) => "/roles/{roleId}/users/{username}",
        (R::Role, E::User, true) => "/roles/{roleId}/users/search",
        (R::Role, E::Client, false) => "/roles/{roleId}/clients/{clientId}",
        (R::Role, E::Client, true) => "/roles/{roleId}/clients/search",
        (R::Role, E::Group, false) => "/roles/{roleId}/groups/{groupId}",
        (R::Role, E::Group, true) => "/roles/{roleId}/groups/search",
        (R::Role, E::MappingRule, false) => "/roles/{roleId}/mapping-rules/{mappingRuleId}",
        (R::Role, E::MappingRule, true) => "/roles/{roleId}/mapping-rules/search",
        (R::Tenant, E::User, false) => "/tenants/{tenantId}/users/{username}",
        (R::Tenant, E::User, true) => "/tenants/{tenantId}/users/search",
        (R::Tenant, E::Client, false) => "/tenants/{tenantId}/clients/{clientId}",
        (R::Tenant, E::Client, true) => "/tenants/{tenantId}/clients/search",
        (R::Tenant, E::Group, false) => "/tenants/{tenantId}/groups/{groupId}",
        (R::Tenant, E::Group, true) => "/tenants/{tenantId}/groups/search",
        (R::Tenant, E::Role, false) => "/tenants/{tenantId}/roles/{roleId}",
        (R::Tenant, E::Role, true) => "/tenants/{tenantId}/roles/search",
        (R::Tenant, E::MappingRule, false) => "/tenants/{tenantId}/mapping-rules/{mappingRuleId}",
        (R::Tenant, E::MappingRule, true) => "/tenants/{tenantId}/mapping-rules/search",
        _ => "unmatched",
    }
}
