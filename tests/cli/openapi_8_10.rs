//! The simulator's 8.10 answers held to the 8.10 OpenAPI document: answers
//! recorded from a simulated 8.10 cluster are validated against JSON
//! Schemas derived from Camunda's 8.10 spec bundle
//! (`tests/fixtures/openapi-8.10/`, whose README names the source). The
//! official 8.10 SDK cannot be installed here; 8.8 and 8.9 are held to
//! their SDKs by `conformance/`.

use std::time::Duration;

use camunda_access::model::CamundaVersion;
use camunda_access::sim::{Background, SimConfig};
use serde_json::{Value, json};

use crate::camunda_8_10::{as_user, basic_sim};
use crate::common::root;
use crate::fixtures::send;

fn schema(name: &str) -> jsonschema::Validator {
    let path = root().join("tests/fixtures/openapi-8.10").join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn assert_valid(validator: &jsonschema::Validator, what: &str, answer: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(answer)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}\n{answer:#}");
}

/// Every answer of these kinds a simulated 8.10 cluster gives — empty and
/// full pages, cursors, id- and property-based grants, the 8.10 resource
/// types, the own-authorizations search with checks on and off, the
/// topology, `/authentication/me` and the role search — is valid against the 8.10 spec's schema.
#[test]
fn the_simulators_8_10_answers_match_the_8_10_spec() {
    let topology = schema("topology-response.json");
    let authorizations = schema("authorization-search-result.json");
    let own = schema("own-authorization-search-result.json");

    let sim = basic_sim(CamundaVersion::V8_10, &["root"]);
    let base = sim.url();
    let (status, answer) = as_user(&base, "root", "GET", "/topology", None);
    assert_eq!(status, 200);
    assert_valid(&topology, "GET /topology", &answer);
    let (status, answer) = as_user(&base, "root", "GET", "/authentication/me", None);
    assert_eq!(status, 200);
    assert_valid(
        &schema("camunda-user-result.json"),
        "GET /authentication/me",
        &answer,
    );
    // The fresh cluster's roles (descriptions are "").
    let (status, answer) = as_user(&base, "root", "POST", "/roles/search", Some(json!({})));
    assert_eq!(status, 200);
    assert!(answer["items"].as_array().unwrap().len() >= 6, "{answer}");
    assert_valid(
        &schema("role-search-result.json"),
        "POST /roles/search",
        &answer,
    );

    let (status, answer) = as_user(
        &base,
        "root",
        "POST",
        "/mapping-rules",
        Some(
            json!({"mappingRuleId": "vault", "name": "Vault", "claimName": "team", "claimValue": "vault"}),
        ),
    );
    assert_eq!(status, 201, "{answer}");
    let grant = |body: Value| {
        let (status, answer) = as_user(&base, "root", "POST", "/authorizations", Some(body));
        assert_eq!(status, 201, "{answer}");
    };
    grant(
        json!({"ownerId": "vault", "ownerType": "MAPPING_RULE", "resourceType": "SECRET",
                 "resourceId": "payments-key", "permissionTypes": ["READ", "REVEAL"]}),
    );
    grant(
        json!({"ownerId": "root", "ownerType": "USER", "resourceType": "USER_TASK",
                 "resourcePropertyName": "assignee", "permissionTypes": ["READ", "CLAIM"]}),
    );
    grant(
        json!({"ownerId": "root", "ownerType": "USER", "resourceType": "PROCESS_DEFINITION",
                 "resourceId": "*", "permissionTypes": ["SUSPEND_PROCESS_INSTANCE"]}),
    );

    let searches = [
        json!({}),
        json!({"page": {"limit": 3}}),
        json!({"page": {"from": 2, "limit": 2}}),
        json!({"filter": {"resourceType": "SECRET"}}),
        json!({"filter": {"ownerId": "nobody"}}),
        json!({"sort": [{"field": "resourceType", "order": "DESC"}]}),
    ];
    for query in &searches {
        let (status, answer) = as_user(
            &base,
            "root",
            "POST",
            "/authorizations/search",
            Some(query.clone()),
        );
        assert_eq!(status, 200, "{answer}");
        assert_valid(
            &authorizations,
            &format!("/authorizations/search {query}"),
            &answer,
        );
        let (status, answer) = as_user(
            &base,
            "root",
            "POST",
            "/authentication/me/authorizations/search",
            Some(query.clone()),
        );
        assert_eq!(status, 200, "{answer}");
        assert_valid(
            &own,
            &format!("/authentication/me/authorizations/search {query}"),
            &answer,
        );
    }
    // A cursor from one page, used for the next.
    let (_, first) = as_user(
        &base,
        "root",
        "POST",
        "/authorizations/search",
        Some(json!({"page": {"limit": 2}})),
    );
    let cursor = first["page"]["endCursor"].clone();
    assert!(cursor.is_string(), "{first}");
    let (_, next) = as_user(
        &base,
        "root",
        "POST",
        "/authentication/me/authorizations/search",
        Some(json!({"page": {"limit": 2, "after": cursor}})),
    );
    assert_valid(&own, "own search after a cursor", &next);

    // Checks off: authorizationsEnabled false, same shape.
    let mut config = SimConfig::new(CamundaVersion::V8_10);
    config.lag = Duration::ZERO;
    config.auth = camunda_access::sim::AuthMode::Basic;
    config.checks = Some(false);
    config.admin_users = vec![(
        "root".to_owned(),
        camunda_access::model::state::Secret::new("root-pw".to_owned()),
    )];
    let unchecked = Background::start(config).unwrap();
    let (_, answer) = as_user(
        &unchecked.url(),
        "root",
        "POST",
        "/authentication/me/authorizations/search",
        Some(json!({})),
    );
    assert_valid(&own, "own search, checks off", &answer);
}

/// The schemas are not lax: 8.9's answers miss what 8.10 requires (a
/// broker's `brokerId`, a partition's `state`), and an own-authorizations
/// answer without `authorizationsEnabled` or with an unknown permission is
/// refused.
#[test]
fn the_8_10_schemas_refuse_what_8_10_does_not_answer() {
    let topology = schema("topology-response.json");
    let own = schema("own-authorization-search-result.json");
    let old = Background::start(SimConfig::new(CamundaVersion::V8_9)).unwrap();
    let answer = send(&old.url(), "GET", "/v2/topology", None);
    assert!(!topology.is_valid(&answer), "{answer}");

    let sim = Background::start(SimConfig::new(CamundaVersion::V8_10)).unwrap();
    let mut answer = send(
        &sim.url(),
        "POST",
        "/v2/authorizations/search",
        Some(json!({})),
    );
    assert!(!own.is_valid(&answer), "no authorizationsEnabled: {answer}");
    answer["authorizationsEnabled"] = json!(false);
    assert!(own.is_valid(&answer), "{answer}");
    answer["items"][0]["permissionTypes"] = json!(["OWN"]);
    assert!(!own.is_valid(&answer), "{answer}");
}
