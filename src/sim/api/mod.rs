//! The `/v2` identity API: routing, request checks, and responses in the
//! shapes Camunda's SDKs validate for each version.

//!
//! This file routes; each resource has its own file, and `json` shapes the
//! responses.

mod audit_logs;
mod authorizations;
mod entities;
mod json;
mod mapping_rules;
mod members;
mod system;
mod users;

use serde_json::Value;

use crate::model::catalogue::{CamundaVersion, ResourceType};
use crate::sim::access::{Caller, Identity, Readable};
use crate::sim::audit::Actor;
use crate::sim::cluster::Cluster;
use crate::sim::engine::{Engine, Outcome, Rejection};
use crate::sim::request::{IdRules, Violations};
use crate::sim::store::{EntityType, Relation, Store};

/// What the API answers: a status and an optional JSON body.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
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
pub(crate) struct Switches {
    /// `camunda.security.multiTenancy.apiEnabled`.
    pub tenants_api: bool,
    /// Groups are managed in Camunda (no groups claim).
    pub groups_api: bool,
    /// Users are managed in Camunda (basic authentication).
    pub users_api: bool,
}

/// The API over one cluster.
pub(crate) struct Api {
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

impl Api {
    fn violations(&self) -> Violations<'_> {
        Violations::new(&self.id_rules)
    }

    fn version(&self) -> CamundaVersion {
        self.engine.config.version
    }

    /// Answers one `/v2` request. `segments` are the decoded path segments
    /// after `/v2`. Returns the route template (for counters) and the reply.
    pub(crate) fn handle(
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
            // 8.10 only (`searchOwnAuthorizations`); earlier versions answer
            // as for any unknown route.
            ("POST", ["authentication", "me", "authorizations", "search"])
                if self.version() >= CamundaVersion::V8_10 =>
            {
                (
                    "/authentication/me/authorizations/search",
                    self.search_own_authorizations(body, caller, identity),
                )
            }
            ("POST", ["setup", "user"]) => ("/setup/user", self.setup_user(body)),

            // The audit log is new in 8.9; on 8.8 these are unknown routes.
            ("POST", ["audit-logs", "search"]) if self.version() >= CamundaVersion::V8_9 => {
                ("/audit-logs/search", self.search_audit_logs(body, caller))
            }
            ("GET", ["audit-logs", key]) if self.version() >= CamundaVersion::V8_9 => {
                ("/audit-logs/{auditLogKey}", self.get_audit_log(key, caller))
            }

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
                self.search_mapping_rules(body, caller),
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
                self.write(caller, |store| {
                    self.engine.delete_mapping_rule(store, caller, id)
                })
                .map(|()| Reply::no_content()),
            ),

            ("POST", ["users"]) => ("/users", self.create_user(body, caller)),
            ("POST", ["users", "search"]) => ("/users/search", self.search_users(body, caller)),
            ("GET", ["users", id]) => ("/users/{username}", self.get_user(id, caller)),
            ("PUT", ["users", id]) => ("/users/{username}", self.update_user(id, body, caller)),
            ("DELETE", ["users", id]) => (
                "/users/{username}",
                self.write(caller, |store| self.engine.delete_user(store, caller, id))
                    .map(|()| Reply::no_content()),
            ),

            ("POST", [kind]) if let Some(relation) = relation_of(kind) => (
                template_for(relation, ""),
                self.create_entity(relation, body, caller),
            ),
            ("POST", [kind, "search"]) if let Some(relation) = relation_of(kind) => (
                template_for(relation, "/search"),
                self.search_entities(relation, body, caller),
            ),
            ("GET", [kind, id]) if let Some(relation) = relation_of(kind) => (
                template_for(relation, "/{id}"),
                self.get_entity(relation, id, caller),
            ),
            ("PUT", [kind, id]) if let Some(relation) = relation_of(kind) => (
                template_for(relation, "/{id}"),
                self.update_entity(relation, id, body, caller),
            ),
            ("DELETE", [kind, id]) if let Some(relation) = relation_of(kind) => (
                template_for(relation, "/{id}"),
                self.write(caller, |store| {
                    self.engine.delete_entity(store, caller, relation, id)
                })
                .map(|()| Reply::no_content()),
            ),
            ("POST", [kind, id, members, "search"])
                if let (Some(relation), Some(entity_type)) =
                    (relation_of(kind), member_type(members))
                    && member_template(relation, entity_type, true) != "unmatched" =>
            {
                (
                    member_template(relation, entity_type, true),
                    self.search_members(relation, id, entity_type, body, caller),
                )
            }
            ("PUT" | "DELETE", [kind, id, members, member])
                if let (Some(relation), Some(entity_type)) =
                    (relation_of(kind), member_type(members))
                    && member_template(relation, entity_type, false) != "unmatched" =>
            {
                (
                    member_template(relation, entity_type, false),
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

    /// Runs an engine command of `caller` against the primary store (the
    /// caller is the actor of the audit log's entries).
    fn write<T>(
        &self,
        caller: &Caller,
        command: impl FnOnce(&mut Store) -> Outcome<T>,
    ) -> Result<T> {
        self.cluster.write(Actor::of(caller).as_ref(), command)
    }

    /// Which resources of a type the caller may read, on both stores.
    fn readable(&self, caller: &Caller, rt: ResourceType) -> Readable {
        self.cluster
            .read_both(|primary, secondary| caller.readable(primary, secondary, rt))
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
