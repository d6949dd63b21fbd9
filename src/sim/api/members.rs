//! Members of groups, roles and tenants: add, remove and search.

use serde_json::{Value, json};

use crate::model::catalogue::CamundaVersion;
use crate::sim::access::Caller;
use crate::sim::api::entities::ROLE_SEARCH;
use crate::sim::api::json::{id_key, mapping_rule_json, relation_json};
use crate::sim::api::mapping_rules::MAPPING_RULE_SEARCH;
use crate::sim::api::{Api, Reply, Result, forbidden_read, resource_type_of};
use crate::sim::request::optional_json;
use crate::sim::search::{Item, Query, Spec};
use crate::sim::store::{EntityType, MemberRow, Relation};

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
    pub(super) fn change_member(
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
            Relation::Tenant => {
                v.tenant_id(Some(id));
            }
            _ => {
                v.id(id_key(relation), Some(id));
            }
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
        self.write(caller, |store| {
            if add {
                self.engine.add_member(store, caller, row)
            } else {
                self.engine.remove_member(store, caller, row)
            }
        })?;
        Ok(Reply::no_content())
    }

    pub(super) fn search_members(
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

    pub(super) fn search_mapping_rules_in(
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
}
