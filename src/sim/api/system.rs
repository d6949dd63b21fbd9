//! The cluster's own endpoints: topology, license, and who the caller is.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::model::catalogue::{CamundaVersion, OwnerType, PermissionType, ResourceType};
use crate::sim::access::Identity;
use crate::sim::api::json::relation_json;
use crate::sim::api::{Api, Reply, Result};
use crate::sim::store::Relation;

impl Api {
    pub(super) fn topology(&self) -> Value {
        let version = match self.version() {
            CamundaVersion::V8_8 => "8.8.0",
            CamundaVersion::V8_9 => "8.9.0",
            CamundaVersion::V8_10 => "8.10.0",
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
        // 8.10 spec (`BrokerInfo.brokerId`, `Partition.state`, both added
        // in 8.10 and required).
        if self.version() >= CamundaVersion::V8_10 {
            topology["brokers"][0]["brokerId"] = json!("0");
            topology["brokers"][0]["partitions"][0]["state"] = json!("active");
        }
        topology
    }

    pub(super) fn license(&self) -> Value {
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

    pub(super) fn me(&self, identity: Option<&Identity>) -> Result<Reply> {
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
}
