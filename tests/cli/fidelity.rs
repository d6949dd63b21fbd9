//! Behaviours of real Camunda that the simulator models since the third
//! pass of the reference (issue 13), and what the tool does about them:
//! each test runs the binary, or talks to the simulator as a client would.

use std::fs;
use std::time::Duration;

use camunda_access::model::CamundaVersion;
use camunda_access::sim::{Background, SimConfig};
use serde_json::{Value, json};

use crate::common::{Case, against, stderr, stdout};
use crate::fixtures::{call, send, settled_again, sim, user};

fn apply(dir: &std::path::Path, base: &str) {
    Case::in_dir(dir)
        .against(base)
        .args(["apply", ".", "--auto-approve"])
        .code(0)
        .run();
}

/// Camunda 8.8+ replaces a user's name and e-mail on update; a field left
/// out becomes "".
#[test]
fn user_updates_replace_name_and_email() {
    for version in [CamundaVersion::V8_8, CamundaVersion::V8_9] {
        let sim = sim(version, 0);
        let base = sim.url();
        user(&base, "carol", "pw", "Carol", "carol@example.com");
        let updated = send(
            &base,
            "PUT",
            "/v2/users/carol",
            Some(json!({"email": "c@example.com"})),
        );
        assert_eq!(
            updated,
            json!({"username": "carol", "name": "", "email": "c@example.com"}),
            "{version}"
        );
        let read = send(&base, "GET", "/v2/users/carol", None);
        assert_eq!(read["name"], "", "{version}");
        send(
            &base,
            "PUT",
            "/v2/users/carol",
            Some(json!({"name": "Carol C."})),
        );
        let read = send(&base, "GET", "/v2/users/carol", None);
        assert_eq!(read["name"], "Carol C.", "{version}");
        assert_eq!(read["email"], "", "{version}");
    }
}

/// The files manage only the e-mail of a user whose name was set by hand:
/// `apply` changes the e-mail and keeps the name.
#[test]
fn an_unmanaged_user_name_survives_an_email_update() {
    for version in [CamundaVersion::V8_8, CamundaVersion::V8_9] {
        let sim = sim(version, 0);
        let base = sim.url();
        user(&base, "dora", "pw", "Dora by hand", "old@example.com");
        let tmp = tempfile::tempdir().unwrap();
        fs::write(
            tmp.path().join("access.yaml"),
            "version: 1\nusers:\n  - username: dora\n    email: new@example.com\n",
        )
        .unwrap();
        apply(tmp.path(), &base);
        let read = send(&base, "GET", "/v2/users/dora", None);
        assert_eq!(read["name"], "Dora by hand", "{version}");
        assert_eq!(read["email"], "new@example.com", "{version}");

        // And the other way round: a managed name keeps a hand-set e-mail.
        fs::write(
            tmp.path().join("access.yaml"),
            "version: 1\nusers:\n  - username: dora\n    name: Dora\n",
        )
        .unwrap();
        apply(tmp.path(), &base);
        let read = send(&base, "GET", "/v2/users/dora", None);
        assert_eq!(read["name"], "Dora", "{version}");
        assert_eq!(read["email"], "new@example.com", "{version}");
    }
}

/// Authorizations in the simulator's primary state, per owner.
fn authorizations_of(base: &str, owner_type: &str) -> Vec<Value> {
    let state = send(base, "GET", "/_sim/state", None);
    state["authorizations"]
        .as_object()
        .unwrap()
        .values()
        .filter(|a| a["owner_type"] == owner_type)
        .cloned()
        .collect()
}

/// Real gateways answer 504 `DEADLINE_EXCEEDED` and 502 `ABORTED` after the
/// broker applied a write, and 503 `UNAVAILABLE` without applying it.
/// Repeated applies converge, and no authorization exists twice.
#[test]
fn writes_answered_504_502_and_503_converge_without_duplicates() {
    let mut config = SimConfig::new(CamundaVersion::V8_8);
    config.lag = Duration::from_millis(100);
    let sim = Background::start(config).unwrap();
    let base = sim.url();
    let tmp = tempfile::tempdir().unwrap();
    let mut yaml = String::from("version: 1\ngroups:\n");
    for g in 0..200 {
        yaml.push_str(&format!(
            "  - id: g{g}\n    permissions:\n      - resource: PROCESS_DEFINITION\n        id: p{g}\n        allow: [READ_PROCESS_DEFINITION]\n"
        ));
    }
    fs::write(tmp.path().join("access.yaml"), yaml).unwrap();
    send(
        &base,
        "POST",
        "/_sim/faults",
        Some(json!({
            "timeoutAfterWrite": {"share": 0.15},
            "abortedAfterWrite": {"share": 0.10},
            "partitionUnavailable": {"share": 0.10},
            "seed": 13,
        })),
    );
    let mut settled = 0;
    let mut converged = false;
    for _ in 0..5 {
        let output = against(
            tmp.path(),
            &base,
            &["apply", ".", "--auto-approve", "--format", "json"],
        );
        let report: Value = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&output), stderr(&output)));
        settled += settled_again(&report);
        let failed = report["summary"]["failed"].as_u64().unwrap();
        // A 503 `UNAVAILABLE` is retried, and a write never fails because
        // of what its earlier attempt did; only an outcome that stayed
        // unknown through every attempt is left to the next run.
        for change in report["changes"].as_array().unwrap() {
            if let Some(error) = change["error"].as_str() {
                assert!(error.contains("outcome still unknown"), "{error}");
            }
        }
        if output.status.code() == Some(0) && failed == 0 {
            converged = true;
            break;
        }
    }
    assert!(converged, "five applies did not converge");
    assert!(settled > 0, "the faults hit some writes");
    // The faults answered, and a 503 was not applied.
    let counters = send(&base, "GET", "/_sim/requests", None);
    assert!(counters["POST /v2 (injected fault)"].as_u64().unwrap_or(0) > 0);
    send(&base, "DELETE", "/_sim/faults", None);
    let grants = authorizations_of(&base, "GROUP");
    assert_eq!(grants.len(), 200, "exactly one authorization per group");
    let mut owners: Vec<&str> = grants
        .iter()
        .map(|a| a["owner_id"].as_str().unwrap())
        .collect();
    owners.sort_unstable();
    owners.dedup();
    assert_eq!(owners.len(), 200);
    Case::in_dir(tmp.path())
        .against(&base)
        .args(["plan", ".", "--detailed-exitcode"])
        .code(0)
        .run();
}

/// The three gateway faults answer with Camunda's problem bodies; 504 and
/// 502 come after the write was applied, 503 `UNAVAILABLE` instead of it,
/// and reads never see `UNAVAILABLE` (they go to secondary storage).
#[test]
fn gateway_faults_answer_like_camunda() {
    let sim = sim(CamundaVersion::V8_9, 0);
    let base = sim.url();
    let group = |id: &str| Some(json!({"groupId": id, "name": id}));
    let faults = |body: Value| send(&base, "POST", "/_sim/faults", Some(body));

    faults(json!({"timeoutAfterWrite": {"next": 1}}));
    let (status, problem) = call(&base, "POST", "/v2/groups", group("timed-out"));
    assert_eq!(status, 504);
    assert_eq!(problem["title"], "DEADLINE_EXCEEDED");
    assert_eq!(
        problem["detail"],
        "Expected to handle request, but request timed out between gateway and broker"
    );
    assert_eq!(call(&base, "GET", "/v2/groups/timed-out", None).0, 200);

    faults(json!({"abortedAfterWrite": {"next": 1}}));
    let (status, problem) = call(&base, "POST", "/v2/groups", group("aborted"));
    assert_eq!(status, 502);
    assert_eq!(problem["title"], "ABORTED");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("the request may or may not have been accepted"),
        "{problem}"
    );
    assert_eq!(call(&base, "GET", "/v2/groups/aborted", None).0, 200);

    faults(json!({"partitionUnavailable": {"next": 1}}));
    assert_eq!(call(&base, "POST", "/v2/groups/search", None).0, 200);
    assert_eq!(call(&base, "GET", "/v2/groups/aborted", None).0, 200);
    let (status, problem) = call(&base, "POST", "/v2/groups", group("unavailable"));
    assert_eq!(status, 503);
    assert_eq!(problem["title"], "UNAVAILABLE");
    assert_eq!(
        problem["detail"],
        "Expected to handle request, but the target partition is currently inactive"
    );
    assert_eq!(call(&base, "GET", "/v2/groups/unavailable", None).0, 404);
    // The fault was used up: the next write goes through.
    assert_eq!(
        call(&base, "POST", "/v2/groups", group("unavailable")).0,
        201
    );
}

/// Every member search of a group or role that does not exist answers 200
/// with no items, as tenants do (Camunda's own API tests expect it).
#[test]
fn member_searches_of_missing_groups_and_roles_are_empty() {
    let sim = sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    for path in [
        "/v2/groups/ghost/users/search",
        "/v2/groups/ghost/clients/search",
        "/v2/groups/ghost/mapping-rules/search",
        "/v2/groups/ghost/roles/search",
        "/v2/roles/ghost/users/search",
        "/v2/roles/ghost/clients/search",
        "/v2/roles/ghost/groups/search",
        "/v2/roles/ghost/mapping-rules/search",
        "/v2/tenants/ghost/users/search",
    ] {
        let (status, body) = call(&base, "POST", path, Some(json!({})));
        assert_eq!(status, 200, "{path}: {body}");
        assert_eq!(body["items"], json!([]), "{path}");
        assert_eq!(body["page"]["totalItems"], 0, "{path}");
    }
}

/// The authorizations a user owns on its own USER resource.
fn self_authorizations(base: &str, username: &str) -> Vec<Value> {
    let found = send(
        base,
        "POST",
        "/v2/authorizations/search",
        Some(json!({"filter": {"ownerId": username, "ownerType": "USER", "resourceType": "USER"}})),
    );
    found["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["resourceId"] == username)
        .cloned()
        .collect()
}

/// Camunda gives a user created through the API an authorization of its
/// own on itself, deleted with the user; the tool treats it as built-in.
#[test]
fn a_created_user_owns_an_authorization_on_itself_which_the_tool_leaves_alone() {
    let sim = sim(CamundaVersion::V8_9, 0);
    let base = sim.url();
    user(&base, "erin", "pw", "Erin", "erin@example.com");
    let own = self_authorizations(&base, "erin");
    assert_eq!(own.len(), 1, "{own:?}");
    assert_eq!(own[0]["permissionTypes"], json!(["READ"]));
    assert_eq!(own[0]["ownerType"], "USER");

    // Pruning authorizations leaves it alone, for an undeclared user and
    // for a declared one; it is neither a change, nor unmanaged, nor drift.
    let tmp = tempfile::tempdir().unwrap();
    let write = |yaml: &str| fs::write(tmp.path().join("access.yaml"), yaml).unwrap();
    for yaml in [
        "version: 1\npolicy:\n  prune: [authorizations]\ngroups:\n  - id: team\n",
        "version: 1\npolicy:\n  prune: [authorizations, users]\nusers:\n  - username: erin\n    permissions:\n      - resource: PROCESS_DEFINITION\n        id: \"*\"\n        allow: [READ_PROCESS_DEFINITION]\n",
    ] {
        write(yaml);
        apply(tmp.path(), &base);
        let plan = Case::in_dir(tmp.path())
            .against(&base)
            .args(["plan", ".", "--format", "json", "--detailed-exitcode"])
            .code(0)
            .json();
        let unmanaged_grants: Vec<&Value> = plan["unmanaged"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|u| u["type"] == "authorization")
            .collect();
        assert!(unmanaged_grants.is_empty(), "{unmanaged_grants:?}");
        Case::in_dir(tmp.path())
            .against(&base)
            .args(["drift", "."])
            .code(0)
            .run();
        assert_eq!(self_authorizations(&base, "erin").len(), 1, "{yaml}");
    }

    // A user the tool creates gets one too, and the next plan is empty.
    write(
        "version: 1\npolicy:\n  prune: [authorizations]\nusers:\n  - username: erin\n  - username: finn\n    password: pw\n",
    );
    apply(tmp.path(), &base);
    assert_eq!(self_authorizations(&base, "finn").len(), 1);
    Case::in_dir(tmp.path())
        .against(&base)
        .args(["plan", ".", "--detailed-exitcode"])
        .code(0)
        .run();

    // Not exported.
    let out = tmp.path().join("exported");
    Case::in_dir(tmp.path())
        .against(&base)
        .args(["export", "--out"])
        .arg(&out)
        .code(0)
        .run();
    let exported = fs::read_to_string(out.join("access.yaml")).unwrap();
    assert!(!exported.contains("resource: USER"), "{exported}");

    // Declared, it is managed like any authorization.
    write(
        "version: 1\nusers:\n  - username: erin\n    permissions:\n      - resource: USER\n        id: erin\n        allow: [READ, UPDATE]\n",
    );
    apply(tmp.path(), &base);
    let own = self_authorizations(&base, "erin");
    assert_eq!(own.len(), 1, "{own:?}");
    assert_eq!(own[0]["permissionTypes"], json!(["READ", "UPDATE"]));

    // Deleted with its user.
    send(&base, "DELETE", "/v2/users/erin", None);
    assert!(self_authorizations(&base, "erin").is_empty());
}

/// The problem detail of an answer.
fn detail(answer: &(u16, Value)) -> String {
    answer.1["detail"].as_str().unwrap_or_default().to_owned()
}

/// Smaller differences the third pass found: check orders and wordings of
/// Camunda's engine and gateway.
#[test]
fn check_orders_and_wordings_of_the_third_pass() {
    let sim = sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    let post = |path: &str, body: Value| call(&base, "POST", path, Some(body));
    let auth = |owner: &str, rt: &str, id: &str, perms: Value| json!({"ownerId": owner, "ownerType": "CLIENT", "resourceType": rt, "resourceId": id, "permissionTypes": perms});
    send(
        &base,
        "POST",
        "/v2/roles",
        Some(json!({"roleId": "r1", "name": "R1"})),
    );
    send(
        &base,
        "POST",
        "/v2/groups",
        Some(json!({"groupId": "g", "name": "G"})),
    );
    send(
        &base,
        "POST",
        "/v2/tenants",
        Some(json!({"tenantId": "t", "name": "T"})),
    );

    // Create: the duplicate rule (409) before resource existence (404).
    assert_eq!(
        post(
            "/v2/authorizations",
            auth("c", "ROLE", "r1", json!(["READ"]))
        )
        .0,
        201
    );
    send(&base, "DELETE", "/v2/roles/r1", None);
    let answer = post(
        "/v2/authorizations",
        auth("c", "ROLE", "r1", json!(["READ"])),
    );
    assert_eq!(answer.0, 409, "{}", answer.1);
    let answer = post(
        "/v2/authorizations",
        auth("c", "ROLE", "r1", json!(["UPDATE"])),
    );
    assert_eq!(answer.0, 404, "{}", answer.1);

    // Unsupported permissions: only those are named.
    let answer = post(
        "/v2/authorizations",
        auth(
            "c",
            "RESOURCE",
            "*",
            json!(["CREATE", "DELETE_PROCESS", "ACCESS"]),
        ),
    );
    assert_eq!(answer.0, 400);
    assert!(
        detail(&answer).contains("with permission types '[ACCESS]' and resource type 'RESOURCE'"),
        "{}",
        detail(&answer)
    );

    // Removing a mapping rule that does not exist: its own 404 per container.
    let answer = call(&base, "DELETE", "/v2/groups/g/mapping-rules/ghost", None);
    assert_eq!(
        (answer.0, detail(&answer)),
        (404, "Command 'REMOVE_ENTITY' rejected with code 'NOT_FOUND': Expected to remove an entity with ID 'ghost' and type 'MAPPING_RULE' from group with ID 'g', but the entity does not exist.".to_owned())
    );
    send(
        &base,
        "POST",
        "/v2/roles",
        Some(json!({"roleId": "r2", "name": "R2"})),
    );
    let answer = call(&base, "DELETE", "/v2/roles/r2/mapping-rules/ghost", None);
    assert!(
        detail(&answer).ends_with("from role with ID 'r2', but the entity doesn't exist."),
        "{}",
        detail(&answer)
    );
    let answer = call(&base, "DELETE", "/v2/tenants/t/mapping-rules/ghost", None);
    assert!(detail(&answer).ends_with("Expected to remove mapping_rule with ID 'ghost' from tenant with ID 't', but the mapping_rule doesn't exists."), "{}", detail(&answer));
    // Removing from a missing tenant.
    let answer = call(&base, "DELETE", "/v2/tenants/nope/clients/c", None);
    assert!(
        detail(&answer).ends_with(
            "Expected to remove entity from tenant 'nope', but no tenant with this ID exists."
        ),
        "{}",
        detail(&answer)
    );
    // Adding a member that does not exist: role and tenant wordings.
    let answer = call(&base, "PUT", "/v2/roles/r2/mapping-rules/ghost", None);
    assert!(
        detail(&answer).ends_with("to role with ID 'r2', but the entity doesn't exist."),
        "{}",
        detail(&answer)
    );
    let answer = call(&base, "PUT", "/v2/tenants/t/roles/ghost", None);
    assert!(detail(&answer).ends_with("Expected to add role with ID 'ghost' to tenant with ID 't', but the role doesn't exist."), "{}", detail(&answer));
    // Tenant update of a missing tenant: lower-case `id`.
    let answer = call(
        &base,
        "PUT",
        "/v2/tenants/nope",
        Some(json!({"name": "N", "description": ""})),
    );
    assert!(
        detail(&answer).ends_with(
            "Expected to update tenant with id 'nope', but no tenant with this id exists."
        ),
        "{}",
        detail(&answer)
    );
    // Group update validates the path ID.
    let answer = call(
        &base,
        "PUT",
        "/v2/groups/bad%20id",
        Some(json!({"name": "N", "description": ""})),
    );
    assert_eq!(
        (answer.0, answer.1["title"].as_str()),
        (400, Some("INVALID_ARGUMENT"))
    );
    // 8.8 names an invalid client member of a group `entityId`.
    let answer = call(&base, "PUT", "/v2/groups/g/clients/bad%20id", None);
    assert!(
        detail(&answer).starts_with("The provided entityId contains illegal characters"),
        "{}",
        detail(&answer)
    );
    // `/authentication/me` without a principal: 401 and no body.
    let answer = call(&base, "GET", "/v2/authentication/me", None);
    assert_eq!(answer, (401, Value::Null));
    // `/setup/user` refuses everything with 403 FORBIDDEN.
    send(
        &base,
        "POST",
        "/v2/users",
        Some(json!({"username": "root", "password": "pw"})),
    );
    send(&base, "PUT", "/v2/roles/admin/users/root", None);
    let answer = post(
        "/v2/setup/user",
        json!({"username": "other", "password": "pw"}),
    );
    assert_eq!(
        (answer.0, detail(&answer)),
        (403, "Command 'CREATE_INITIAL_ADMIN' rejected with code 'FORBIDDEN': Expected to create admin user, but role with id 'admin' already has one or more user assigned to it".to_owned())
    );

    // 8.9: the duplicate of a property-based grant names the property.
    let sim = sim_89();
    let base = sim.url();
    let grant = json!({"ownerId": "c", "ownerType": "CLIENT", "resourceType": "USER_TASK", "resourcePropertyName": "assignee", "permissionTypes": ["READ"]});
    assert_eq!(
        call(&base, "POST", "/v2/authorizations", Some(grant.clone())).0,
        201
    );
    let answer = call(&base, "POST", "/v2/authorizations", Some(grant));
    assert_eq!(
        (answer.0, detail(&answer)),
        (409, "Command 'CREATE' rejected with code 'ALREADY_EXISTS': Expected to create authorization for owner 'c' for resource property name 'assignee', but an authorization for this resource property name already exists.".to_owned())
    );
}

fn sim_89() -> Background {
    sim(CamundaVersion::V8_9, 0)
}

/// Camunda resolves the caller's groups, roles, tenants and mapping rules
/// with searches on secondary storage: a role the caller was just given
/// counts for its reads only after the export lag, while the engine's
/// checks of writes see it at once.
#[test]
fn a_callers_new_membership_counts_for_reads_after_the_lag() {
    let mut config = SimConfig::new(CamundaVersion::V8_8);
    config.auth = camunda_access::sim::AuthMode::Basic;
    config.lag = Duration::from_millis(1500);
    config.admin_users = vec![(
        "ops".into(),
        camunda_access::model::state::Secret::new("ops-pw"),
    )];
    let sim = Background::start(config).unwrap();
    let base = sim.url();
    let as_user = |user: &str, password: &str, method: &str, path: &str, body: Option<Value>| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let mut request = reqwest::Client::new()
                .request(method.parse().unwrap(), format!("{base}{path}"))
                .basic_auth(user, Some(password));
            if let Some(body) = body {
                request = request.json(&body);
            }
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let text = response.text().await.unwrap();
            (
                status,
                serde_json::from_str::<Value>(&text).unwrap_or(Value::Null),
            )
        })
    };
    let ops = |method: &str, path: &str, body: Option<Value>| {
        let answer = as_user("ops", "ops-pw", method, path, body);
        assert!(
            (200..300).contains(&answer.0),
            "{method} {path}: {answer:?}"
        );
    };
    let u =
        |method: &str, path: &str, body: Option<Value>| as_user("u", "u-pw", method, path, body);
    ops(
        "POST",
        "/v2/users",
        Some(json!({"username": "u", "password": "u-pw"})),
    );
    ops(
        "POST",
        "/v2/groups",
        Some(json!({"groupId": "g", "name": "G"})),
    );
    ops(
        "POST",
        "/v2/roles",
        Some(json!({"roleId": "editor", "name": "Editor"})),
    );
    ops(
        "POST",
        "/v2/authorizations",
        Some(
            json!({"ownerId": "editor", "ownerType": "ROLE", "resourceType": "GROUP", "resourceId": "*", "permissionTypes": ["READ", "UPDATE"]}),
        ),
    );
    std::thread::sleep(Duration::from_millis(1700));
    let groups = |answer: (u16, Value)| answer.1["items"].as_array().map_or(0, Vec::len);
    assert_eq!(groups(u("POST", "/v2/groups/search", None)), 0);

    ops("PUT", "/v2/roles/editor/users/u", None);
    // The engine sees the new role at once: the update is allowed.
    let update = u(
        "PUT",
        "/v2/groups/g",
        Some(json!({"name": "G2", "description": ""})),
    );
    assert_eq!(update.0, 200, "{update:?}");
    // Reads do not yet: the search is empty and a GET is refused.
    assert_eq!(groups(u("POST", "/v2/groups/search", None)), 0);
    assert_eq!(u("GET", "/v2/groups/g", None).0, 403);
    let (_, me) = u("GET", "/v2/authentication/me", None);
    assert_eq!(me["roles"], json!([]));
    // After the export lag they do.
    std::thread::sleep(Duration::from_millis(1700));
    assert_eq!(groups(u("POST", "/v2/groups/search", None)), 1);
    assert_eq!(u("GET", "/v2/groups/g", None).0, 200);
    let (_, me) = u("GET", "/v2/authentication/me", None);
    assert_eq!(me["roles"], json!(["editor"]));
}

/// `--admin-client` without `--client-id-claim` in OIDC mode gives no token
/// access (Camunda's default has no client-id claim): the simulator says so.
#[test]
fn the_simulator_warns_of_admin_clients_without_a_client_id_claim() {
    use std::io::Read;
    let (mut child, line) = crate::fixtures::sim_process(
        &[
            "--auth",
            "oidc",
            "--oidc-issuer",
            "http://127.0.0.1:1",
            "--oidc-audience",
            "urn:camunda:api",
            "--admin-client",
            "ci",
        ],
        std::process::Stdio::piped(),
    );
    child.kill().unwrap();
    child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(
        line.starts_with("camunda-access sim listening on"),
        "{line}"
    );
    assert!(
        err.contains("--admin-client has no effect on tokens without --client-id-claim"),
        "{err}"
    );
}

/// A cluster that reports a Camunda version newer than the tool knows (an
/// empty one: every search answers no items).
fn newer_cluster(version: &'static str) -> (String, tokio::runtime::Runtime) {
    use http_body_util::Full;
    use hyper::body::Bytes;
    let (runtime, listener, base) = crate::fixtures::loopback(1);
    runtime.spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            tokio::spawn(async move {
                let service = hyper::service::service_fn(
                    move |request: hyper::Request<hyper::body::Incoming>| async move {
                        // What every cluster holds, so the read is not taken
                        // for a blind one: admin, <default>, admin's grants.
                        let page = |items: Value| {
                            let total = items.as_array().map_or(0, Vec::len);
                            json!({"items": items, "page": {"totalItems": total}})
                        };
                        let body = match request.uri().path() {
                            "/v2/topology" => json!({"gatewayVersion": version, "brokers": []}),
                            "/v2/roles/search" => page(json!([
                                {"roleId": "admin", "name": "Admin", "description": ""}
                            ])),
                            "/v2/tenants/search" => page(json!([
                                {"tenantId": "<default>", "name": "Default", "description": ""}
                            ])),
                            "/v2/authorizations/search" => page(json!([{
                                "authorizationKey": "1", "ownerId": "admin", "ownerType": "ROLE",
                                "resourceType": "AUTHORIZATION", "resourceId": "*",
                                "permissionTypes": ["READ"]
                            }])),
                            _ => page(json!([])),
                        };
                        let mut response =
                            hyper::Response::new(Full::new(Bytes::from(body.to_string())));
                        response
                            .headers_mut()
                            .insert("content-type", "application/json".parse().unwrap());
                        Ok::<_, std::convert::Infallible>(response)
                    },
                );
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    (base, runtime)
}

/// A cluster reporting 8.11 is read as 8.10, the newest version the tool
/// knows, and `plan` says so; 8.10 itself is known.
#[test]
fn a_newer_cluster_is_planned_as_the_newest_known_version_with_a_warning() {
    let (base, _runtime) = newer_cluster("8.11.1");
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("access.yaml"),
        "version: 1\ngroups:\n  - id: g\n",
    )
    .unwrap();
    Case::in_dir(tmp.path())
        .against(&base)
        .args(["plan", "."])
        .code(0)
        .stderr_has("the cluster runs Camunda 8.11.1, newer than this tool knows (8.8, 8.9, 8.10); it is read and planned as 8.10")
        .run();
    for known in ["8.9.3", "8.10.1"] {
        let (base, _runtime) = newer_cluster(known);
        Case::in_dir(tmp.path())
            .against(&base)
            .args(["plan", "."])
            .stderr_lacks("newer than this tool knows")
            .run();
    }
}
