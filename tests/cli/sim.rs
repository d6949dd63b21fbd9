//! The simulator: started as a user starts it, and in-process for the
//! behaviours that need its operator endpoints.

use std::process::Stdio;
use std::time::{Duration, Instant};

use camunda_access::model::CamundaVersion;
use camunda_access::model::state::Secret;
use camunda_access::sim::{AuthMode, Background, SimConfig};
use serde_json::{Value, json};

struct Http {
    base: String,
    client: reqwest::Client,
    runtime: tokio::runtime::Runtime,
    auth: Option<(String, String)>,
}

impl Http {
    fn new(base: String) -> Self {
        Http {
            base,
            client: reqwest::Client::new(),
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap(),
            auth: None,
        }
    }

    fn with_user(mut self, user: &str, password: &str) -> Self {
        self.auth = Some((user.to_owned(), password.to_owned()));
        self
    }

    fn send(&self, method: &str, path: &str, body: Option<Value>) -> Result<(u16, Value), String> {
        let url = format!("{}{path}", self.base);
        let mut request = self
            .client
            .request(method.parse().unwrap(), url)
            .timeout(Duration::from_secs(20));
        if let Some((user, password)) = &self.auth {
            request = request.basic_auth(user, Some(password));
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        self.runtime.block_on(async {
            let response = request.send().await.map_err(|e| format!("{e:?}"))?;
            let status = response.status().as_u16();
            let text = response.text().await.map_err(|e| e.to_string())?;
            let json = if text.is_empty() {
                Value::Null
            } else {
                serde_json::from_str(&text).map_err(|e| format!("{e}: {text}"))?
            };
            Ok((status, json))
        })
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        self.send(method, path, body).unwrap()
    }
}

fn sim(config: SimConfig) -> (Background, Http) {
    let background = Background::start(config).unwrap();
    let http = Http::new(background.url());
    (background, http)
}

fn group_ids(http: &Http) -> Vec<String> {
    let (status, body) = http.call("POST", "/v2/groups/search", None);
    assert_eq!(status, 200);
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["groupId"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn starts_on_a_free_port_and_prints_one_line() {
    let (mut child, line) =
        crate::fixtures::sim_process(&["--camunda-version", "8.9"], Stdio::null());
    let url = line
        .trim()
        .strip_prefix("camunda-access sim listening on ")
        .unwrap_or_else(|| panic!("unexpected line: {line:?}"))
        .to_owned();
    assert!(
        url.starts_with("http://127.0.0.1:") && !url.ends_with(":0"),
        "{url}"
    );
    let http = Http::new(url);
    let (status, topology) = http.call("GET", "/v2/topology", None);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(status, 200);
    assert_eq!(topology["gatewayVersion"], "8.9.0");
    assert!(topology.get("clusterId").is_some());
}

#[test]
fn reads_lag_behind_writes() {
    let mut config = SimConfig::new(CamundaVersion::V8_8);
    config.lag = Duration::from_millis(1000);
    let (_sim, http) = sim(config);
    let (status, _) = http.call(
        "POST",
        "/v2/groups",
        Some(json!({"groupId": "late", "name": "Late"})),
    );
    assert_eq!(status, 201);
    let written = Instant::now();
    // Not visible at once, to search or GET ...
    assert!(!group_ids(&http).contains(&"late".to_owned()));
    assert_eq!(http.call("GET", "/v2/groups/late", None).0, 404);
    // ... but the primary store already knows it: a second create is a conflict.
    assert_eq!(
        http.call(
            "POST",
            "/v2/groups",
            Some(json!({"groupId": "late", "name": "Late"}))
        )
        .0,
        409
    );
    while !group_ids(&http).contains(&"late".to_owned()) {
        assert!(
            written.elapsed() < Duration::from_secs(10),
            "never became visible"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // Visible after about the lag, not before.
    assert!(written.elapsed() >= Duration::from_millis(900));
}

#[test]
fn a_caller_whose_authorizations_are_removed_is_refused_next() {
    let mut config = SimConfig::new(CamundaVersion::V8_8);
    config.auth = AuthMode::Basic;
    config.admin_users = vec![("demo".into(), Secret::new("demo"))];
    let (_sim, admin) = sim(config);
    let admin = admin.with_user("demo", "demo");
    // A user who may manage groups through an authorization of its own.
    assert_eq!(
        admin
            .call(
                "POST",
                "/v2/users",
                Some(json!({"username": "ops", "password": "pw"}))
            )
            .0,
        201
    );
    let (status, created) = admin.call(
        "POST",
        "/v2/authorizations",
        Some(json!({"ownerId": "ops", "ownerType": "USER", "resourceId": "*", "resourceType": "GROUP", "permissionTypes": ["CREATE", "READ"]})),
    );
    assert_eq!(status, 201, "{created}");
    let key = created["authorizationKey"].as_str().unwrap().to_owned();
    let ops = Http::new(admin.base.clone()).with_user("ops", "pw");
    assert_eq!(
        ops.call(
            "POST",
            "/v2/groups",
            Some(json!({"groupId": "a", "name": "A"}))
        )
        .0,
        201
    );
    // It cannot create roles: no ROLE:CREATE.
    let (status, problem) = ops.call(
        "POST",
        "/v2/roles",
        Some(json!({"roleId": "r", "name": "R"})),
    );
    assert_eq!(status, 403);
    assert_eq!(problem["title"], "FORBIDDEN");
    assert_eq!(
        problem["detail"],
        "Command 'CREATE' rejected with code 'FORBIDDEN': Insufficient permissions to perform operation 'CREATE' on resource 'ROLE'"
    );
    assert_eq!(
        admin
            .call("DELETE", &format!("/v2/authorizations/{key}"), None)
            .0,
        204
    );
    let (status, problem) = ops.call(
        "POST",
        "/v2/groups",
        Some(json!({"groupId": "b", "name": "B"})),
    );
    assert_eq!(status, 403, "{problem}");
    // Searches filter instead of refusing.
    let (status, found) = ops.call("POST", "/v2/groups/search", None);
    assert_eq!(status, 200);
    assert_eq!(found["items"], json!([]));
    // Wrong credentials: 401.
    let stranger = Http::new(admin.base.clone()).with_user("ops", "wrong");
    assert_eq!(stranger.call("GET", "/v2/topology", None).0, 401);
}

#[test]
fn engine_rules_from_the_reference() {
    let (_sim, http) = sim(SimConfig::new(CamundaVersion::V8_8));
    let post = |path: &str, body: Value| http.call("POST", path, Some(body));
    post("/v2/groups", json!({"groupId": "g", "name": "G"}));
    post("/v2/roles", json!({"roleId": "r", "name": "R"}));
    post("/v2/tenants", json!({"tenantId": "t", "name": "T"}));
    assert_eq!(http.call("PUT", "/v2/roles/r/groups/g", None).0, 204);
    assert_eq!(http.call("PUT", "/v2/tenants/t/groups/g", None).0, 204);
    assert_eq!(http.call("PUT", "/v2/groups/g/clients/c1", None).0, 204);
    // Deleting a group removes its members and authorizations, but not its
    // own memberships in roles and tenants (answers §1).
    post(
        "/v2/authorizations",
        json!({"ownerId": "g", "ownerType": "GROUP", "resourceId": "*", "resourceType": "MESSAGE", "permissionTypes": ["READ"]}),
    );
    assert_eq!(http.call("DELETE", "/v2/groups/g", None).0, 204);
    let (_, role_groups) = http.call("POST", "/v2/roles/r/groups/search", None);
    assert_eq!(role_groups["items"], json!([{"groupId": "g"}]));
    let (_, auths) = post(
        "/v2/authorizations/search",
        json!({"filter": {"ownerId": "g", "ownerType": "GROUP"}}),
    );
    assert_eq!(auths["page"]["totalItems"], 0);
    // Re-created, it is a member again: assigning is a conflict.
    post("/v2/groups", json!({"groupId": "g", "name": "G"}));
    assert_eq!(http.call("PUT", "/v2/roles/r/groups/g", None).0, 409);
    let (_, clients) = http.call("POST", "/v2/groups/g/clients/search", None);
    assert_eq!(clients["items"], json!([]));

    // Missing bodies, unknown properties, bad enums: 400 Bad Request.
    let (status, problem) = http.call("POST", "/v2/groups", None);
    assert_eq!(
        (status, problem["title"].as_str()),
        (400, Some("Bad Request"))
    );
    assert_eq!(problem["detail"], "Required request body is missing");
    let (_, problem) = post(
        "/v2/groups",
        json!({"groupId": "x", "name": "X", "color": "red"}),
    );
    assert_eq!(
        problem["detail"],
        "Request property [color] cannot be parsed"
    );
    let (_, problem) = post(
        "/v2/authorizations",
        json!({"ownerId": "x", "ownerType": "WRONG_VALUE_FOR_TEST", "resourceId": "*", "resourceType": "GROUP", "permissionTypes": ["READ"]}),
    );
    assert_eq!(
        problem["detail"],
        "Unexpected value 'WRONG_VALUE_FOR_TEST' for enum field 'ownerType'. Use any of the following values: [USER, CLIENT, ROLE, GROUP, MAPPING_RULE, UNSPECIFIED]"
    );
    // Validation collects every violation.
    let (status, problem) = post("/v2/groups", json!({}));
    assert_eq!(
        (status, problem["title"].as_str()),
        (400, Some("INVALID_ARGUMENT"))
    );
    assert_eq!(problem["detail"], "No groupId provided. No name provided.");
    // 8.8 update without description.
    let (status, problem) = http.call("PUT", "/v2/groups/g", Some(json!({"name": "G2"})));
    assert_eq!(status, 400);
    assert_eq!(problem["detail"], "No description provided.");
    // Problem bodies carry the path.
    assert_eq!(problem["instance"], "/v2/groups/g");
    // The default tenant, percent-encoded.
    assert_eq!(http.call("GET", "/v2/tenants/%3Cdefault%3E", None).0, 200);
}

#[test]
fn faults_counters_state_and_reset() {
    let (_sim, http) = sim(SimConfig::new(CamundaVersion::V8_9));
    assert_eq!(
        http.call("POST", "/_sim/faults", Some(json!({"unavailable": {"next": 1}, "rateLimited": {"next": 1}, "retryAfterSeconds": 2}))).0,
        200
    );
    let (status, problem) = http.call("POST", "/v2/groups/search", None);
    assert_eq!(
        (status, problem["title"].as_str()),
        (503, Some("RESOURCE_EXHAUSTED"))
    );
    let (status, _) = http.call("POST", "/v2/groups/search", None);
    assert_eq!(status, 429);
    assert_eq!(http.call("POST", "/v2/groups/search", None).0, 200);

    // A write applied, then the connection dropped without an answer.
    http.call(
        "POST",
        "/_sim/faults",
        Some(json!({"dropAfterWrite": {"next": 1}})),
    );
    let dropped = http.send(
        "POST",
        "/v2/groups",
        Some(json!({"groupId": "d", "name": "D"})),
    );
    assert!(dropped.is_err(), "{dropped:?}");
    assert_eq!(
        http.call(
            "POST",
            "/v2/groups",
            Some(json!({"groupId": "d", "name": "D"}))
        )
        .0,
        409,
        "the dropped write was applied"
    );

    let (_, counters) = http.call("GET", "/_sim/requests", None);
    assert_eq!(counters["POST /v2/groups"], 2);
    assert_eq!(counters["POST /v2/groups/search"], 1);

    let (_, state) = http.call("GET", "/_sim/state", None);
    assert!(state["groups"]["d"].is_object());
    assert_eq!(http.call("POST", "/_sim/reset", None).0, 204);
    assert!(!group_ids(&http).contains(&"d".to_owned()));
    // Loading a dumped state brings it back.
    assert_eq!(http.call("PUT", "/_sim/state", Some(state)).0, 204);
    assert!(group_ids(&http).contains(&"d".to_owned()));
}

#[test]
fn switched_off_apis_answer_403() {
    let mut config = SimConfig::new(CamundaVersion::V8_8);
    config.tenants_api = false;
    let (_sim, http) = sim(config);
    let (status, problem) = http.call("POST", "/v2/tenants/search", None);
    assert_eq!(status, 403);
    assert_eq!(problem["title"], "Access issue");
    assert_eq!(
        problem["detail"],
        "/v2/tenants/search endpoint is not accessible: Tenants API is disabled. Enable the API by setting 'camunda.security.multiTenancy.apiEnabled' to true."
    );
}

#[test]
fn initialization_from_application_yaml() {
    let yaml = r#"
camunda:
  security:
    initialization:
      users:
        - username: alice
          password: secret
          name: Alice
          email: alice@example.com
      mapping-rules:
        - mapping-rule-id: admins
          claim-name: groups
          claim-value: admins
      default-roles:
        admin:
          users: [alice]
          mappingrules: [admins]
      groups:
        - group-id: ops
          name: Operations
          users: [alice]
      authorizations:
        - owner-type: USER
          owner-id: alice
          resource-type: PROCESS_DEFINITION
          resource-id: "*"
          permissions: [READ_PROCESS_DEFINITION]
"#;
    let mut config = SimConfig::new(CamundaVersion::V8_8);
    config.init = Some(camunda_access::sim::init::parse(yaml).unwrap());
    let (_sim, http) = sim(config);
    assert_eq!(http.call("GET", "/v2/users/alice", None).0, 200);
    let (_, admins) = http.call("POST", "/v2/roles/admin/users/search", None);
    assert_eq!(admins["items"], json!([{"username": "alice"}]));
    let (_, rules) = http.call("POST", "/v2/roles/admin/mapping-rules/search", None);
    assert_eq!(rules["items"][0]["mappingRuleId"], "admins");
    let (_, members) = http.call("POST", "/v2/groups/ops/users/search", None);
    assert_eq!(members["items"], json!([{"username": "alice"}]));
    let (_, auths) = http.call(
        "POST",
        "/v2/authorizations/search",
        Some(json!({"filter": {"ownerId": "alice"}})),
    );
    assert_eq!(
        auths["items"][0]["permissionTypes"],
        json!(["READ_PROCESS_DEFINITION"])
    );
}

#[test]
fn protected_defaults() {
    let mut config = SimConfig::new(CamundaVersion::V8_9);
    config.protected_defaults = true;
    let (_sim, http) = sim(config);
    let (status, problem) = http.call("PUT", "/v2/roles/admin", Some(json!({"name": "Boss"})));
    assert_eq!(
        (status, problem["title"].as_str()),
        (409, Some("INVALID_STATE"))
    );
    assert_eq!(
        problem["detail"],
        "Command 'UPDATE' rejected with code 'INVALID_STATE': Expected to update role with ID 'admin', which is a default role and cannot be modified."
    );
    assert_eq!(http.call("DELETE", "/v2/roles/rpa", None).0, 409);
    let (_, auths) = http.call(
        "POST",
        "/v2/authorizations/search",
        Some(json!({"filter": {"ownerId": "admin", "ownerType": "ROLE"}, "page": {"limit": 1}})),
    );
    let key = auths["items"][0]["authorizationKey"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        http.call("DELETE", &format!("/v2/authorizations/{key}"), None)
            .0,
        409
    );
    assert_eq!(
        http.call("DELETE", "/v2/tenants/%3Cdefault%3E", None).0,
        403
    );
    // Members of default roles stay editable.
    assert_eq!(http.call("PUT", "/v2/roles/admin/clients/ci", None).0, 204);
}
