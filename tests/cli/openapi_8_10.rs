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

/// One answer of a simulated 8.10 cluster: the schema file it is held to,
/// what was asked, and the answer.
struct Recorded {
    schema: &'static str,
    what: String,
    answer: Value,
}

/// The member searches: container kind, member kind, schema file.
const MEMBER_SEARCHES: [(&str, &str, &str); 13] = [
    ("groups", "users", "group-user-search-result.json"),
    ("groups", "clients", "group-client-search-result.json"),
    (
        "groups",
        "mapping-rules",
        "group-mapping-rule-search-result.json",
    ),
    ("groups", "roles", "group-role-search-result.json"),
    ("roles", "users", "role-user-search-result.json"),
    ("roles", "clients", "role-client-search-result.json"),
    ("roles", "groups", "role-group-search-result.json"),
    (
        "roles",
        "mapping-rules",
        "role-mapping-rule-search-result.json",
    ),
    ("tenants", "users", "tenant-user-search-result.json"),
    ("tenants", "clients", "tenant-client-search-result.json"),
    ("tenants", "groups", "tenant-group-search-result.json"),
    ("tenants", "roles", "tenant-role-search-result.json"),
    (
        "tenants",
        "mapping-rules",
        "tenant-mapping-rule-search-result.json",
    ),
];

/// Drives a simulated 8.10 cluster through the answers of users, groups,
/// roles, tenants, mapping rules, their members and `/license`, and
/// records each with the schema of its 8.10 response component.
fn identity_answers() -> Vec<Recorded> {
    let sim = basic_sim(CamundaVersion::V8_10, &["root"]);
    let base = sim.url();
    let mut recorded = Vec::new();
    let mut ask = |schema: &'static str, method: &str, path: &str, body: Option<Value>| {
        let (status, answer) = as_user(&base, "root", method, path, body.clone());
        let expected = if method == "POST" && !path.ends_with("/search") {
            201
        } else {
            200
        };
        assert_eq!(status, expected, "{method} {path}: {answer}");
        let what = match body {
            Some(body) => format!("{method} {path} {body}"),
            None => format!("{method} {path}"),
        };
        recorded.push(Recorded {
            schema,
            what,
            answer,
        });
    };
    let member = |path: &str| {
        let (status, answer) = as_user(&base, "root", "PUT", path, None);
        assert_eq!(status, 204, "PUT {path}: {answer}");
    };
    let searches = [
        json!({}),
        json!({"page": {"limit": 1}}),
        json!({"page": {"from": 1, "limit": 1}}),
        json!({"sort": [{"field": "name", "order": "DESC"}]}),
    ];

    // Users: one with a name and e-mail, one without (null); `~` is in
    // 8.10's `Username` pattern.
    let users = "user-create-result.json";
    ask(
        users,
        "POST",
        "/users",
        Some(json!({"username": "alice", "password": "alice-secret",
                    "name": "Alice", "email": "alice@example.com"})),
    );
    ask(
        users,
        "POST",
        "/users",
        Some(json!({"username": "bob~ops", "password": "bob-secret"})),
    );
    let body = json!({"name": "Alice A.", "email": "a@example.com"});
    ask("user-update-result.json", "PUT", "/users/alice", Some(body));
    let body = json!({"password": "bob-secret-2"});
    ask(
        "user-update-result.json",
        "PUT",
        "/users/bob~ops",
        Some(body),
    );
    ask("user-result.json", "GET", "/users/alice", None);
    ask("user-result.json", "GET", "/users/bob~ops", None);
    for query in searches
        .iter()
        .chain([&json!({"filter": {"username": "nobody"}})])
    {
        ask(
            "user-search-result.json",
            "POST",
            "/users/search",
            Some(query.clone()),
        );
    }

    // Groups, roles and tenants: with and without a description.
    for [kind, key, first, second, create, update, result, search] in [
        [
            "groups",
            "groupId",
            "eng",
            "ops",
            "group-create-result.json",
            "group-update-result.json",
            "group-result.json",
            "group-search-query-result.json",
        ],
        [
            "roles",
            "roleId",
            "auditor",
            "viewer",
            "role-create-result.json",
            "role-update-result.json",
            "role-result.json",
            "role-search-result.json",
        ],
        [
            "tenants",
            "tenantId",
            "acme",
            // The longest tenant ID, 31 characters.
            "t.31-characters-long-tenant-id_",
            "tenant-create-result.json",
            "tenant-update-result.json",
            "tenant-result.json",
            "tenant-search-query-result.json",
        ],
    ] {
        let body = json!({key: first, "name": "First", "description": "the first"});
        ask(create, "POST", &format!("/{kind}"), Some(body));
        ask(
            create,
            "POST",
            &format!("/{kind}"),
            Some(json!({key: second, "name": "Second"})),
        );
        let body = json!({"name": "First, renamed", "description": "still the first"});
        ask(update, "PUT", &format!("/{kind}/{first}"), Some(body));
        let body = json!({"name": "Second, renamed"});
        ask(update, "PUT", &format!("/{kind}/{second}"), Some(body));
        ask(result, "GET", &format!("/{kind}/{first}"), None);
        ask(result, "GET", &format!("/{kind}/{second}"), None);
        for query in searches
            .iter()
            .chain([&json!({"filter": {"name": "nobody"}})])
        {
            ask(
                search,
                "POST",
                &format!("/{kind}/search"),
                Some(query.clone()),
            );
        }
    }
    // The default role and tenant of a fresh cluster.
    ask("role-result.json", "GET", "/roles/admin", None);
    ask("tenant-result.json", "GET", "/tenants/%3Cdefault%3E", None);

    // Mapping rules.
    for (id, claim) in [("vault", "vault"), ("ops-rule", "ops")] {
        let body = json!({"mappingRuleId": id, "name": "Rule", "claimName": "team",
                          "claimValue": claim});
        ask(
            "mapping-rule-create-result.json",
            "POST",
            "/mapping-rules",
            Some(body),
        );
    }
    let body = json!({"name": "Vault team", "claimName": "groups", "claimValue": "vault"});
    ask(
        "mapping-rule-update-result.json",
        "PUT",
        "/mapping-rules/vault",
        Some(body),
    );
    ask(
        "mapping-rule-result.json",
        "GET",
        "/mapping-rules/vault",
        None,
    );
    for query in searches
        .iter()
        .chain([&json!({"filter": {"claimName": "nobody"}})])
    {
        ask(
            "mapping-rule-search-query-result.json",
            "POST",
            "/mapping-rules/search",
            Some(query.clone()),
        );
    }

    // Members: every kind each container takes.
    for container in ["groups/eng", "roles/auditor", "tenants/acme"] {
        member(&format!("/{container}/users/alice"));
        member(&format!("/{container}/users/bob~ops"));
        member(&format!("/{container}/clients/ci-bot"));
        member(&format!("/{container}/mapping-rules/vault"));
    }
    member("/roles/auditor/groups/eng");
    member("/roles/viewer/groups/eng");
    member("/tenants/acme/groups/eng");
    member("/tenants/acme/roles/auditor");
    for (kind, members, file) in MEMBER_SEARCHES {
        let id = match kind {
            "groups" => "eng",
            "roles" => "auditor",
            _ => "acme",
        };
        for query in [json!({}), json!({"page": {"limit": 1}})] {
            let path = format!("/{kind}/{id}/{members}/search");
            ask(file, "POST", &path, Some(query));
        }
        // A missing container's members: an empty page.
        let path = format!("/{kind}/no-such-one/{members}/search");
        ask(file, "POST", &path, Some(json!({})));
    }

    ask("license-response.json", "GET", "/license", None);

    // The initial admin user, on a cluster without one.
    let fresh = Background::start(SimConfig::new(CamundaVersion::V8_10)).unwrap();
    let body = json!({"username": "first-admin", "password": "admin-secret",
                      "name": "First", "email": "first@example.com"});
    let answer = send(&fresh.url(), "POST", "/v2/setup/user", Some(body));
    recorded.push(Recorded {
        schema: "user-create-result.json",
        what: "POST /setup/user".to_owned(),
        answer,
    });
    recorded
}

/// Every answer a simulated 8.10 cluster gives for users, groups, roles,
/// tenants, mapping rules (created, updated, read, searched), the member
/// searches of groups, roles and tenants (full, paged and of a missing
/// container), `/setup/user` and `/license` is valid against the schema of
/// its 8.10 response component.
#[test]
fn the_simulators_8_10_identity_answers_match_the_8_10_spec() {
    let recorded = identity_answers();
    let mut validators = std::collections::BTreeMap::new();
    for r in &recorded {
        let validator = validators
            .entry(r.schema)
            .or_insert_with(|| schema(r.schema));
        assert_valid(validator, &r.what, &r.answer);
    }
    // Every search was seen with items and without.
    for r in recorded.iter().filter(|r| r.answer.get("page").is_some()) {
        let of_schema = || recorded.iter().filter(|o| o.schema == r.schema);
        let items = |o: &Recorded| o.answer["items"].as_array().unwrap().len();
        assert!(of_schema().any(|o| items(o) > 0), "{}", r.schema);
        assert!(of_schema().any(|o| items(o) == 0), "{}", r.schema);
    }
    assert_eq!(validators.len(), 34, "{:?}", validators.keys());
}

/// The new schemas are not lax: on a recorded answer of each, an extra
/// property, a missing required key and a value of the wrong type are
/// refused, at the top and in the items; and the 8.10 ID rules hold
/// (tenant IDs of 31 word characters at most, no `@`; usernames, role,
/// mapping-rule and client IDs from `[a-zA-Z0-9_~@.+-]`; group IDs any
/// non-empty string).
#[test]
fn the_8_10_identity_schemas_refuse_what_8_10_does_not_answer() {
    let recorded = identity_answers();
    let mut seen = std::collections::BTreeSet::new();
    for r in &recorded {
        let has_items = r.answer["items"].as_array().is_some_and(|i| !i.is_empty());
        if (r.answer.get("page").is_some() && !has_items) || !seen.insert(r.schema) {
            continue;
        }
        let validator = schema(r.schema);
        let refused = |answer: &Value, how: &str| {
            assert!(
                !validator.is_valid(answer),
                "{}: {how} is accepted: {answer}",
                r.schema
            );
        };
        // The object that carries the component's own properties.
        let mut targets: Vec<Vec<&str>> = vec![vec![]];
        if has_items {
            targets.push(vec!["items", "0"]);
            targets.push(vec!["page"]);
        }
        for target in targets {
            let pointer: String = target.iter().map(|s| format!("/{s}")).collect();
            let object = r.answer.pointer(&pointer).unwrap().as_object().unwrap();
            let mut answer = r.answer.clone();
            answer.pointer_mut(&pointer).unwrap()["unexpected"] = json!(true);
            refused(&answer, &format!("an extra property at '{pointer}'"));
            for key in object.keys() {
                let mut answer = r.answer.clone();
                let at = answer.pointer_mut(&pointer).unwrap();
                at.as_object_mut().unwrap().remove(key);
                refused(&answer, &format!("no '{key}' at '{pointer}'"));
                if key != "totalItems" {
                    let mut answer = r.answer.clone();
                    answer.pointer_mut(&pointer).unwrap()[key] = json!(7);
                    refused(&answer, &format!("'{key}' as a number at '{pointer}'"));
                }
            }
        }
    }
    assert_eq!(seen.len(), 34, "{seen:?}");

    // The ID rules of 8.10, on single answers.
    let check = |file: &str, key: &str, value: Value, valid: bool| {
        let mut answer = recorded
            .iter()
            .find(|r| r.schema == file)
            .unwrap()
            .answer
            .clone();
        answer[key] = value.clone();
        assert_eq!(
            schema(file).is_valid(&answer),
            valid,
            "{file}: {key} = {value}"
        );
    };
    check("tenant-result.json", "tenantId", json!("<default>"), true);
    check("tenant-result.json", "tenantId", json!("acme@corp"), false);
    check(
        "tenant-result.json",
        "tenantId",
        json!("a".repeat(32)),
        false,
    );
    check("tenant-create-result.json", "tenantId", json!(""), false);
    check("user-result.json", "username", json!("bob ops"), false);
    check("user-result.json", "name", Value::Null, true);
    check(
        "user-create-result.json",
        "username",
        json!("x".repeat(257)),
        false,
    );
    check("role-result.json", "roleId", json!("a/b"), false);
    check("role-result.json", "description", Value::Null, true);
    check(
        "group-result.json",
        "groupId",
        json!("CN=Ops, OU=Groups"),
        true,
    );
    check("group-result.json", "groupId", json!(""), false);
    check(
        "mapping-rule-result.json",
        "mappingRuleId",
        json!("a b"),
        false,
    );
    check("mapping-rule-result.json", "name", Value::Null, false);
    check("license-response.json", "expiresAt", Value::Null, true);
    let clients = recorded
        .iter()
        .find(|r| r.schema == "role-client-search-result.json" && r.answer["items"][0].is_object())
        .unwrap();
    let mut answer = clients.answer.clone();
    answer["items"][0]["clientId"] = json!("ci bot");
    assert!(!schema(clients.schema).is_valid(&answer), "{answer}");
}
