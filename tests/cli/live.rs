//! Reading a live cluster (the simulator) with the tool's own client.

use std::sync::Arc;

use camunda_access::live::{ApiError, Auth, Client, Reader};
use camunda_access::model::CamundaVersion;
use camunda_access::model::ResourceType;
use camunda_access::model::desired::Kind;
use camunda_access::model::state::{
    AuthorizationTuple, Container, Membership, Principal, ResourceSelector,
};
use camunda_access::sim::{Background, SimConfig};
use reqwest::Method;
use serde_json::{Value, json};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

async fn post(client: &Client, path: &str, body: Value) {
    client
        .request(Method::POST, path, Some(&body))
        .await
        .unwrap();
}

async fn put(client: &Client, path: &str) {
    client.request(Method::PUT, path, None).await.unwrap();
}

async fn counters(client: &reqwest::Client, base: &str) -> Value {
    client
        .get(format!("{base}/_sim/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[test]
fn reads_the_whole_state_with_the_minimum_of_requests() {
    for version in CamundaVersion::ALL {
        let sim = Background::start(SimConfig::new(version)).unwrap();
        let rt = runtime();
        rt.block_on(async {
            let client = Arc::new(Client::new(&sim.url(), Auth::None).unwrap());
            post(&client, "/groups", json!({"groupId": "eng", "name": "Engineering"})).await;
            post(&client, "/roles", json!({"roleId": "deployer", "name": "Deployer"})).await;
            post(&client, "/tenants", json!({"tenantId": "acme", "name": "Acme"})).await;
            post(&client, "/mapping-rules", json!({"mappingRuleId": "r", "claimName": "groups", "claimValue": "eng", "name": "R"})).await;
            put(&client, "/groups/eng/clients/ci").await;
            put(&client, "/roles/deployer/groups/eng").await;
            put(&client, "/tenants/acme/mapping-rules/r").await;
            put(&client, "/roles/admin/clients/ci").await;
            for perms in [json!(["CREATE"]), json!(["READ"])] {
                post(
                    &client,
                    "/authorizations",
                    json!({"ownerId": "ci", "ownerType": "CLIENT", "resourceId": "*", "resourceType": "RESOURCE", "permissionTypes": perms}),
                )
                .await;
            }
            let http = reqwest::Client::new();
            http.delete(format!("{}/_sim/requests", sim.url())).send().await.unwrap();

            let live = Reader::new(client.clone(), 8).read().await.unwrap();
            assert_eq!(live.version, version);
            let s = &live.state;
            assert_eq!(s.groups[&"eng".into()].name, "Engineering");
            assert!(s.tenants.contains_key(&"<default>".into()));
            assert!(s.roles.contains_key(&"admin".into()));
            for (container, member) in [
                (Container::Group("eng".into()), Principal::Client("ci".into())),
                (Container::Role("deployer".into()), Principal::Group("eng".into())),
                (Container::Tenant("acme".into()), Principal::MappingRule("r".into())),
                (Container::Role("admin".into()), Principal::Client("ci".into())),
                (Container::Tenant("<default>".into()), Principal::Role("admin".into())),
            ] {
                assert!(
                    s.memberships.contains(&Membership { container: container.clone(), member: member.clone() }),
                    "{container} <- {member}"
                );
            }
            // Two live keys for one tuple are one entry with both keys.
            let tuple = AuthorizationTuple {
                owner: Principal::Client("ci".into()),
                resource_type: ResourceType::Resource,
                resource: ResourceSelector::wildcard(),
            };
            assert_eq!(s.authorizations[&tuple].keys.len(), 2);
            assert_eq!(s.authorizations[&tuple].permissions.len(), 2);
            if version == CamundaVersion::V8_9 {
                let property = s.authorizations.keys().find(|t| matches!(t.resource, ResourceSelector::Property(_)));
                assert!(property.is_some(), "task-worker's property-based authorizations");
            }

            // The minimum: topology, one page per entity search, one per member list.
            let containers = s.groups.len() * 3 + s.roles.len() * 4 + s.tenants.len() * 5;
            let counted = counters(&http, &sim.url()).await;
            let total: u64 = counted.as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum();
            assert_eq!(total as usize, 1 + 6 + containers, "{counted}");
        });
    }
}

#[test]
fn retries_backpressure_and_names_failed_requests() {
    let sim = Background::start(SimConfig::new(CamundaVersion::V8_8)).unwrap();
    let rt = runtime();
    rt.block_on(async {
        let http = reqwest::Client::new();
        http.post(format!("{}/_sim/faults", sim.url()))
            .json(&json!({"unavailable": {"next": 2}, "rateLimited": {"next": 1}, "retryAfterSeconds": 1}))
            .send()
            .await
            .unwrap();
        let client = Client::new(&sim.url(), Auth::None).unwrap();
        let topology = client.request(Method::GET, "/topology", None).await.unwrap().unwrap();
        assert_eq!(topology["gatewayVersion"], "8.8.0");
        let counted = counters(&http, &sim.url()).await;
        assert_eq!(counted["GET /v2 (injected fault)"], 3);

        post(&client, "/groups", json!({"groupId": "g", "name": "G"})).await;
        let error = client
            .request(Method::POST, "/groups", Some(&json!({"groupId": "g", "name": "G"})))
            .await
            .unwrap_err();
        assert!(matches!(error, ApiError::Http { status: 409, .. }));
        assert_eq!(
            error.to_string(),
            "POST /v2/groups failed: 409 ALREADY_EXISTS: Command 'CREATE' rejected with code 'ALREADY_EXISTS': Expected to create group with ID 'g', but a group with this ID already exists."
        );
        // Other errors are not retried.
        http.post(format!("{}/_sim/faults", sim.url()))
            .json(&json!({"internalError": {"next": 1}}))
            .send()
            .await
            .unwrap();
        let error = client.request(Method::GET, "/topology", None).await.unwrap_err();
        assert_eq!(error.status(), Some(500));
    });
}

#[test]
fn switched_off_apis_are_reported_not_fatal() {
    let mut config = SimConfig::new(CamundaVersion::V8_8);
    config.tenants_api = false;
    let sim = Background::start(config).unwrap();
    let rt = runtime();
    rt.block_on(async {
        let client = Arc::new(Client::new(&sim.url(), Auth::None).unwrap());
        let live = Reader::new(client, 4).read().await.unwrap();
        assert!(live.disabled.contains(&Kind::Tenants));
        assert!(live.state.tenants.is_empty());
        assert!(!live.state.roles.is_empty());
    });
}

#[test]
fn hostile_ids_stay_in_one_path_segment() {
    let sim = Background::start(SimConfig::new(CamundaVersion::V8_8)).unwrap();
    let rt = runtime();
    rt.block_on(async {
        let client = Client::new(&sim.url(), Auth::None).unwrap();
        let http = reqwest::Client::new();
        for id in ["../roles/admin", "a/b", "x?y", "%2F", "<default>"] {
            let path = format!("/groups/{}", camunda_access::live::client::segment(id));
            let error = client.request(Method::GET, &path, None).await.unwrap_err();
            assert_eq!(error.status(), Some(404), "{id}: {error}");
        }
        let counted = counters(&http, &sim.url()).await;
        assert_eq!(counted["GET /v2/groups/{groupId}"], 5, "{counted}");
    });
}

/// When the run's retry budget is used up, the error says so: the cluster
/// kept pushing back, and no more retries were spent.
#[test]
fn an_exhausted_retry_budget_is_named() {
    let sim = Background::start(SimConfig::new(CamundaVersion::V8_8)).unwrap();
    let rt = runtime();
    rt.block_on(async {
        let http = reqwest::Client::new();
        http.post(format!("{}/_sim/faults", sim.url()))
            .json(&json!({"unavailable": {"next": 3}}))
            .send()
            .await
            .unwrap();
        let client = Client::new(&sim.url(), Auth::None).unwrap().with_retry(
            camunda_access::live::RetryPolicy {
                max_attempts: 6,
                base_delay: std::time::Duration::from_millis(1),
                max_delay: std::time::Duration::from_millis(2),
            },
            1,
        );
        let error = client
            .request(Method::GET, "/topology", None)
            .await
            .unwrap_err();
        assert_eq!(error.status(), Some(503));
        assert!(
            error
                .to_string()
                .contains("not retried: the run's retry budget is used up"),
            "{error}"
        );
    });
}
