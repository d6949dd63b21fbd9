//! Authorizations: the request as the gateway checks it, create, update,
//! delete, read and search.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::model::catalogue::{CamundaVersion, OwnerType, PermissionType, ResourceType};
use crate::sim::access::{Caller, Identity, Readable};
use crate::sim::api::json::authorization_json;
use crate::sim::api::{Api, Reply, Result, forbidden_read, not_found};
use crate::sim::request::{self, bad_request, object, optional_json, string};
use crate::sim::search::{FilterKind, Item, Query, Spec};
use crate::sim::store::AuthorizationRecord;

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

impl Api {
    pub(super) fn authorization_request(&self, body: &[u8]) -> Result<AuthorizationRecord> {
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
        // Group IDs from a groups claim follow no pattern.
        let owner_id = if owner_type == Some(OwnerType::Group) && !self.switches.groups_api {
            v.required("ownerId", owner_id)
        } else {
            v.id("ownerId", owner_id)
        };
        if owner_type.is_none() {
            v.push("No ownerType provided");
        }
        if resource_type.is_none() {
            v.push("No resourceType provided");
        }
        match version {
            CamundaVersion::V8_8 => match resource_id.as_deref() {
                Some("*") => {}
                other => {
                    v.id("resourceId", other);
                }
            },
            CamundaVersion::V8_9 | CamundaVersion::V8_10 => match (resource_id.as_deref(), property.as_deref()) {
                (Some(_), Some(_)) => v.push(
                    "resourceId and resourcePropertyName are mutually exclusive. Provide only one of them",
                ),
                (None, None) => v.push("Either resourceId or resourcePropertyName must be provided"),
                (Some("*"), None) => {}
                (Some(id), None) => {
                    v.id("resourceId", Some(id));
                }
                (None, Some(p)) => {
                    v.id("resourcePropertyName", Some(p));
                }
            },
        }
        let permissions = permissions.unwrap_or_default();
        if permissions.is_empty() {
            v.push("No permissionTypes provided");
        }
        v.finish()?;
        let (Some(owner_type), Some(resource_type)) = (owner_type, resource_type) else {
            unreachable!("a missing owner or resource type is a violation");
        };
        Ok(AuthorizationRecord {
            owner_type,
            owner_id,
            resource_type,
            resource_id,
            resource_property_name: property,
            permissions,
        })
    }

    pub(super) fn parse_key(key: &str) -> Result<i64> {
        key.parse::<i64>().map_err(|_| {
            bad_request(format!(
                "Failed to convert 'authorizationKey' with value: '{key}'"
            ))
        })
    }

    pub(super) fn create_authorization(&self, body: &[u8], caller: &Caller) -> Result<Reply> {
        let record = self.authorization_request(body)?;
        let key = self.write(caller, |store| {
            self.engine.create_authorization(store, caller, record)
        })?;
        Ok(Reply::json(
            201,
            json!({"authorizationKey": key.to_string()}),
        ))
    }

    pub(super) fn update_authorization(
        &self,
        key: &str,
        body: &[u8],
        caller: &Caller,
    ) -> Result<Reply> {
        let key = Self::parse_key(key)?;
        let record = self.authorization_request(body)?;
        self.write(caller, |store| {
            self.engine.update_authorization(store, caller, key, record)
        })?;
        Ok(Reply::no_content())
    }

    pub(super) fn delete_authorization(&self, key: &str, caller: &Caller) -> Result<Reply> {
        let key = Self::parse_key(key)?;
        self.write(caller, |store| {
            self.engine.delete_authorization(store, caller, key)
        })?;
        Ok(Reply::no_content())
    }

    pub(super) fn get_authorization(&self, key: &str, caller: &Caller) -> Result<Reply> {
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

    pub(super) fn search_authorizations(&self, body: &[u8], caller: &Caller) -> Result<Reply> {
        let version = self.version();
        let spec = match version {
            CamundaVersion::V8_8 => AUTHORIZATION_SEARCH_8_8,
            CamundaVersion::V8_9 | CamundaVersion::V8_10 => AUTHORIZATION_SEARCH_8_9,
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

    /// `POST /authentication/me/authorizations/search` (8.10,
    /// `searchOwnAuthorizations`): the caller's own authorizations — owned
    /// by it directly, by its groups (also from a groups claim), its roles,
    /// the roles of its groups and the mapping rules its token matches —
    /// searched like `/authorizations/search`. No permission is needed. It
    /// is a search, so memberships and authorizations both come from
    /// secondary storage (`x-eventually-consistent: true`). The result adds
    /// `authorizationsEnabled` (`OwnAuthorizationSearchResult`).
    pub(super) fn search_own_authorizations(
        &self,
        body: &[u8],
        caller: &Caller,
        identity: Option<&Identity>,
    ) -> Result<Reply> {
        // Without a principal there is nobody whose authorizations to list:
        // 401 with an empty body, as `/authentication/me` answers.
        let Some(identity) = identity else {
            return Ok(Reply {
                status: 401,
                body: None,
                wrote: false,
            });
        };
        let version = self.version();
        let query = Query::parse(optional_json(body)?.as_ref(), &AUTHORIZATION_SEARCH_8_9)?;
        let items = self.cluster.read(|store| {
            let owners = identity.owners(store);
            store
                .authorizations
                .iter()
                .filter(|(_, a)| owners.contains(&(a.owner_type, a.owner_id.clone())))
                .map(|(key, a)| Item {
                    json: authorization_json(*key, a, version),
                    key: *key,
                })
                .collect::<Vec<_>>()
        });
        let mut result = query.run(items, version);
        result["authorizationsEnabled"] = json!(caller.checked());
        Ok(Reply::read(result))
    }
}
