//! Mapping rules: create, update, read and search.

use crate::model::catalogue::ResourceType;
use crate::sim::access::Caller;
use crate::sim::api::json::mapping_rule_json;
use crate::sim::api::{Api, Reply, Result, forbidden_read, not_found};
use crate::sim::request::{object, optional_json, string};
use crate::sim::search::{FilterKind, Item, Query, Spec};

pub(super) const MAPPING_RULE_SEARCH: Spec = Spec {
    filters: &[
        ("claimName", "claimName", FilterKind::String),
        ("claimValue", "claimValue", FilterKind::String),
        ("name", "name", FilterKind::String),
        ("mappingRuleId", "mappingRuleId", FilterKind::String),
    ],
    sort_fields: &["mappingRuleId", "claimName", "claimValue", "name"],
    default_sort: Some("mappingRuleId"),
};

impl Api {
    pub(super) fn create_mapping_rule(&self, body: &[u8], caller: &Caller) -> Result<Reply> {
        let map = object(body, &["mappingRuleId", "claimName", "claimValue", "name"])?;
        let id = string(&map, "mappingRuleId")?;
        let claim_name = string(&map, "claimName")?;
        let claim_value = string(&map, "claimValue")?;
        let name = string(&map, "name")?;
        let mut v = self.violations();
        let id = v.id("mappingRuleId", id);
        let claim_name = v.required("claimName", claim_name);
        let claim_value = v.required("claimValue", claim_value);
        let name = v.required("name", name);
        v.finish()?;
        let rule = self.write(caller, |store| {
            self.engine
                .create_mapping_rule(store, caller, &id, &name, &claim_name, &claim_value)
        })?;
        Ok(Reply::json(201, mapping_rule_json(&id, &rule)))
    }

    pub(super) fn update_mapping_rule(
        &self,
        id: &str,
        body: &[u8],
        caller: &Caller,
    ) -> Result<Reply> {
        let map = object(body, &["claimName", "claimValue", "name"])?;
        let claim_name = string(&map, "claimName")?;
        let claim_value = string(&map, "claimValue")?;
        let name = string(&map, "name")?;
        let mut v = self.violations();
        let claim_name = v.required("claimName", claim_name);
        let claim_value = v.required("claimValue", claim_value);
        let name = v.required("name", name);
        v.finish()?;
        let rule = self.write(caller, |store| {
            self.engine
                .update_mapping_rule(store, caller, id, &name, &claim_name, &claim_value)
        })?;
        Ok(Reply::json(200, mapping_rule_json(id, &rule)))
    }

    pub(super) fn get_mapping_rule(&self, id: &str, caller: &Caller) -> Result<Reply> {
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

    pub(super) fn search_mapping_rules(&self, body: &[u8], caller: &Caller) -> Result<Reply> {
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
}
