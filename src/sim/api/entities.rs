//! Groups, roles and tenants: create, update, read and search.

use crate::model::catalogue::CamundaVersion;
use crate::sim::access::Caller;
use crate::sim::api::json::{id_key, relation_json};
use crate::sim::api::{Api, Reply, Result, forbidden_read, not_found, resource_type_of};
use crate::sim::request::{object, optional_json, string};
use crate::sim::search::{FilterKind, Item, Query, Spec};
use crate::sim::store::Relation;

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
pub(super) const ROLE_SEARCH: Spec = Spec {
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

impl Api {
    pub(super) fn create_entity(
        &self,
        relation: Relation,
        body: &[u8],
        caller: &Caller,
    ) -> Result<Reply> {
        let key = id_key(relation);
        let map = object(body, &[key, "name", "description"])?;
        let id = string(&map, key)?;
        let name = string(&map, "name")?;
        let description = string(&map, "description")?.unwrap_or_default();
        let mut v = self.violations();
        let id = match relation {
            Relation::Tenant => v.tenant_id(id),
            _ => v.id(key, id),
        };
        let name = v.required("name", name);
        v.finish()?;
        let entity = self.write(caller, |store| {
            self.engine
                .create_entity(store, caller, relation, &id, &name, &description)
        })?;
        Ok(Reply::json(201, relation_json(relation, &id, &entity)))
    }

    pub(super) fn update_entity(
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
        let name = v.required("name", name);
        if self.version() == CamundaVersion::V8_8 && description.is_none() {
            v.push("No description provided");
        }
        v.finish()?;
        // 8.9: a missing description clears it (full replace).
        let description = description.unwrap_or_default();
        let entity = self.write(caller, |store| {
            self.engine
                .update_entity(store, caller, relation, id, &name, &description)
        })?;
        Ok(Reply::json(200, relation_json(relation, id, &entity)))
    }

    pub(super) fn get_entity(
        &self,
        relation: Relation,
        id: &str,
        caller: &Caller,
    ) -> Result<Reply> {
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

    pub(super) fn search_entities(
        &self,
        relation: Relation,
        body: &[u8],
        caller: &Caller,
    ) -> Result<Reply> {
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
}
