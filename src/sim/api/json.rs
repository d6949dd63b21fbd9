//! Response bodies in the shapes Camunda's SDKs validate for each version.

use serde_json::{Map, Value, json};

use crate::model::catalogue::CamundaVersion;
use crate::sim::store::{AuthorizationRecord, Entity, MappingRuleRecord, Relation, UserRecord};

/// The ID property of a group, role or tenant.
pub(super) fn id_key(relation: Relation) -> &'static str {
    match relation {
        Relation::Group => "groupId",
        Relation::Role => "roleId",
        Relation::Tenant => "tenantId",
    }
}

pub(super) fn relation_json(relation: Relation, id: &str, e: &Entity) -> Value {
    json!({ id_key(relation): id, "name": e.name, "description": e.description })
}

pub(super) fn mapping_rule_json(id: &str, r: &MappingRuleRecord) -> Value {
    json!({
        "mappingRuleId": id,
        "claimName": r.claim_name,
        "claimValue": r.claim_value,
        "name": r.name,
    })
}

pub(super) fn user_json(username: &str, u: &UserRecord, version: CamundaVersion) -> Value {
    match version {
        // 8.8's SDK accepts strings only; 8.9's accepts null.
        CamundaVersion::V8_8 => json!({
            "username": username,
            "name": u.name.clone().unwrap_or_default(),
            "email": u.email.clone().unwrap_or_default(),
        }),
        CamundaVersion::V8_9 | CamundaVersion::V8_10 => {
            json!({"username": username, "name": u.name, "email": u.email})
        }
    }
}

pub(super) fn authorization_json(
    key: i64,
    a: &AuthorizationRecord,
    version: CamundaVersion,
) -> Value {
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
        CamundaVersion::V8_9 | CamundaVersion::V8_10 => {
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
