//! Adopting and watching a cluster: `export`, `drift`, `import-init`.

use std::fs;
use std::time::Duration;

use camunda_access::model::CamundaVersion;
use camunda_access::sim::{Background, SimConfig};
use serde_json::{Value, json};

use crate::common::{Case, against, root};
use crate::fixtures::{group, send};

/// A seeded random cluster built request by request: tenants, groups,
/// roles, mapping rules and users (`entities` in all), memberships of every
/// kind, authorizations of every owner type with several keys for some
/// tuples, and 8.9 property-based ones.
fn random_cluster(base: &str, version: CamundaVersion, seed: u64, entities: usize) {
    let mut rng = seed | 1;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let http = reqwest::Client::new();
    // Sends one request; returns the status (duplicates answer 409, which is fine here).
    let request = |method: &str, path: &str, body: Option<Value>| -> u16 {
        let mut r = http.request(method.parse().unwrap(), format!("{base}/v2{path}"));
        if let Some(body) = body {
            r = r.json(&body);
        }
        rt.block_on(r.send()).unwrap().status().as_u16()
    };
    let post = |path: &str, body: Value| {
        let status = request("POST", path, Some(body));
        assert!(status < 300, "POST {path}: {status}");
    };
    let (mut tenants, mut groups, mut roles, mut rules, mut users) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let names = [
        "Plain",
        "with: colon",
        "cost ${HOME}",
        "ünïcødé",
        "- dash",
        "#hash",
    ];
    for i in 0..entities {
        let name = names[(next() % names.len() as u64) as usize];
        match next() % 5 {
            0 => {
                post(
                    "/tenants",
                    json!({"tenantId": format!("t{i}"), "name": name, "description": names[(next() % 6) as usize]}),
                );
                tenants.push(format!("t{i}"));
            }
            1 => {
                post(
                    "/groups",
                    json!({"groupId": format!("g{i}"), "name": name, "description": ""}),
                );
                groups.push(format!("g{i}"));
            }
            2 => {
                post(
                    "/roles",
                    json!({"roleId": format!("r{i}"), "name": name, "description": "d"}),
                );
                roles.push(format!("r{i}"));
            }
            3 => {
                post(
                    "/mapping-rules",
                    json!({"mappingRuleId": format!("m{i}"), "name": name, "claimName": "groups", "claimValue": format!("v{i}")}),
                );
                rules.push(format!("m{i}"));
            }
            _ => {
                post(
                    "/users",
                    json!({"username": format!("u{i}"), "password": "pw-123456", "name": format!("User {i}"), "email": format!("u{i}@example.com")}),
                );
                users.push(format!("u{i}"));
            }
        }
    }
    let pick = |list: &Vec<String>, n: u64| list[(n % list.len() as u64) as usize].clone();
    // Memberships.
    for _ in 0..entities {
        let clients = vec!["client-a".to_owned(), "client-b".to_owned()];
        let (container_kind, containers) = match next() % 3 {
            0 => ("groups", &groups),
            1 => ("roles", &roles),
            _ => ("tenants", &tenants),
        };
        if containers.is_empty() {
            continue;
        }
        let container = pick(containers, next());
        let (member_kind, members) = match (container_kind, next() % 5) {
            (_, 0) if !users.is_empty() => ("users", &users),
            (_, 1) => ("clients", &clients),
            (_, 2) if !rules.is_empty() => ("mapping-rules", &rules),
            ("roles" | "tenants", 3) if !groups.is_empty() => ("groups", &groups),
            ("tenants", 4) if !roles.is_empty() => ("roles", &roles),
            _ => ("clients", &clients),
        };
        let member = pick(members, next());
        request(
            "PUT",
            &format!("/{container_kind}/{container}/{member_kind}/{member}"),
            None,
        );
    }
    // Authorizations, some tuples twice with disjoint permissions.
    let kinds: [(&str, &[&str]); 4] = [
        (
            "PROCESS_DEFINITION",
            &[
                "READ_PROCESS_DEFINITION",
                "CREATE_PROCESS_INSTANCE",
                "UPDATE_PROCESS_INSTANCE",
            ],
        ),
        ("MESSAGE", &["CREATE", "READ"]),
        ("RESOURCE", &["CREATE", "READ"]),
        ("DOCUMENT", &["CREATE", "READ", "DELETE"]),
    ];
    for _ in 0..entities {
        let (owner_type, owner) = match next() % 5 {
            0 if !groups.is_empty() => ("GROUP", pick(&groups, next())),
            1 if !roles.is_empty() => ("ROLE", pick(&roles, next())),
            2 if !rules.is_empty() => ("MAPPING_RULE", pick(&rules, next())),
            3 if !users.is_empty() => ("USER", pick(&users, next())),
            _ => ("CLIENT", format!("client-{}", next() % 3)),
        };
        let (resource_type, permissions) = kinds[(next() % 4) as usize];
        let id = ["*", "invoice", "order"][(next() % 3) as usize];
        let split = (next() % permissions.len() as u64) as usize + 1;
        let (first, second) = permissions.split_at(split);
        for part in [first, second] {
            if part.is_empty() {
                continue;
            }
            request(
                "POST",
                "/authorizations",
                Some(
                    json!({"ownerType": owner_type, "ownerId": owner, "resourceType": resource_type, "resourceId": id, "permissionTypes": part}),
                ),
            );
        }
    }
    if version == CamundaVersion::V8_9 && !roles.is_empty() {
        post(
            "/authorizations",
            json!({"ownerType": "ROLE", "ownerId": pick(&roles, next()), "resourceType": "USER_TASK", "resourcePropertyName": "assignee", "permissionTypes": ["READ", "CLAIM"]}),
        );
    }
}

#[test]
fn an_export_of_a_random_cluster_plans_nothing_against_it() {
    for (version, seed, layout) in [
        (CamundaVersion::V8_8, 11, "single"),
        (CamundaVersion::V8_9, 29, "per-kind"),
    ] {
        let sim = Background::start(SimConfig::new(version)).unwrap();
        let base = sim.url();
        random_cluster(&base, version, seed, 500);
        let tmp = tempfile::tempdir().unwrap();
        let case = || Case::in_dir(tmp.path()).against(&base);
        case()
            .args(["export", "--out", "access", "--layout", layout])
            .arg("--include-defaults")
            .code(0)
            .run();
        let dir = tmp.path().join("access");
        // Every file names the schema next to it and validates against it.
        let schema = crate::schema::compiled_schema();
        let mut files = 0;
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yaml") {
                files += 1;
                let text = fs::read_to_string(&path).unwrap();
                assert!(
                    text.starts_with(
                        "# yaml-language-server: $schema=camunda-access.schema.json\n"
                    )
                );
                let instance = crate::schema::yaml_to_json(&path);
                let errors: Vec<String> = schema
                    .iter_errors(&instance)
                    .map(|e| e.to_string())
                    .collect();
                assert!(errors.is_empty(), "{}: {errors:?}", path.display());
            }
        }
        assert!(
            files >= if layout == "single" { 1 } else { 5 },
            "{files} files"
        );
        assert!(dir.join("camunda-access.schema.json").exists());
        case()
            .args(["plan", "access", "--detailed-exitcode"])
            .code(0)
            // Not vacuous: the files declare the cluster; nothing is left unmanaged.
            .stdout_lacks("Unmanaged")
            .run();
        let declared: usize = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .map(|p| {
                let text = fs::read_to_string(p).unwrap();
                text.matches("  - id: ").count() + text.matches("  - username: ").count()
            })
            .sum();
        assert!(declared >= 500, "{declared} entities declared");
        // Exporting twice gives the same files; an occupied directory is refused.
        let again = against(tmp.path(), &base, &["export"]);
        let once = against(tmp.path(), &base, &["export"]);
        assert_eq!(again.stdout, once.stdout);
        case()
            .args(["export", "--out", "access"])
            .code(1)
            .stderr_has("already holds YAML files")
            .run();
    }
}

#[test]
fn drift_after_apply_is_none_and_a_removed_member_is_named() {
    let mut config = SimConfig::new(CamundaVersion::V8_8);
    config.lag = Duration::from_millis(1200);
    let sim = Background::start(config).unwrap();
    let base = sim.url();
    // Written but not yet visible: the first read misses it, the re-read
    // does not. Reported apart, not drift.
    let quickstart = |command: &str| {
        Case::new()
            .against(&base)
            .args([command, "examples/quickstart"])
    };
    quickstart("apply")
        .args(["--auto-approve", "--no-wait"])
        .code(0)
        .run();
    quickstart("drift")
        .args(["--settle-ms", "2000"])
        .code(0)
        .stdout_has("No drift")
        .stdout_has("Seen on the first read only")
        .stdout_has("+ group order-workers")
        .run();

    // Someone removes a member by hand.
    send(
        &base,
        "DELETE",
        "/v2/groups/order-workers/clients/order-worker",
        None,
    );
    std::thread::sleep(Duration::from_millis(1300));
    quickstart("drift")
        .code(2)
        .stdout_has("+ client:order-worker in group:order-workers")
        .run();
    let report = quickstart("drift").args(["--format", "json"]).json();
    assert_eq!(report["drift"], true);
    assert_eq!(report["changes"][0]["container"]["id"], "order-workers");
    assert_eq!(report["changes"][0]["member"]["id"], "order-worker");
    quickstart("drift")
        .args(["--format", "markdown"])
        .stdout_has("```diff\n+ client:order-worker in group:order-workers\n```")
        .run();

    // An undeclared group is unmanaged: drift only with --fail-on-unmanaged.
    send(
        &base,
        "POST",
        "/v2/groups",
        Some(json!({"groupId": "by-hand", "name": "By hand"})),
    );
    send(
        &base,
        "PUT",
        "/v2/groups/order-workers/clients/order-worker",
        None,
    );
    std::thread::sleep(Duration::from_millis(1300));
    quickstart("drift")
        .code(0)
        .stdout_has("? group by-hand")
        .run();
    quickstart("drift").arg("--fail-on-unmanaged").code(2).run();
}

const APPLICATION_YAML: &str = r#"
camunda:
  security:
    initialization:
      users:
        - username: demo
          password: demo-canary-pw-4471
          name: Demo User
          email: demo@example.com
      mappingRules:
        - mappingRuleId: finance-claim
          claimName: groups
          claimValue: finance
      defaultRoles:
        admin:
          users: [demo]
          mappingRules: [finance-claim]
        app-integrations:
          clients: [integration]
      authorizations:
        - ownerType: MAPPING_RULE
          ownerId: finance-claim
          resourceType: PROCESS_DEFINITION
          resourceId: invoice
          permissions: [READ_PROCESS_DEFINITION, CREATE_PROCESS_INSTANCE]
        - ownerType: USER
          ownerId: demo
          resourceType: MESSAGE
          permissions: [CREATE]
"#;

const ENVIRONMENT: &str = "\
CAMUNDA_SECURITY_INITIALIZATION_USERS_0_USERNAME=demo
CAMUNDA_SECURITY_INITIALIZATION_USERS_0_PASSWORD=demo-canary-pw-4471
CAMUNDA_SECURITY_INITIALIZATION_USERS_0_NAME=\"Demo User\"
CAMUNDA_SECURITY_INITIALIZATION_USERS_0_EMAIL=demo@example.com
CAMUNDA_SECURITY_INITIALIZATION_MAPPINGRULES_0_MAPPINGRULEID=finance-claim
CAMUNDA_SECURITY_INITIALIZATION_MAPPINGRULES_0_CLAIMNAME=groups
CAMUNDA_SECURITY_INITIALIZATION_MAPPINGRULES_0_CLAIMVALUE=finance
CAMUNDA_SECURITY_INITIALIZATION_DEFAULTROLES_ADMIN_USERS_0=demo
CAMUNDA_SECURITY_INITIALIZATION_DEFAULTROLES_ADMIN_MAPPINGRULES_0=finance-claim
CAMUNDA_SECURITY_INITIALIZATION_DEFAULTROLES_APPINTEGRATIONS_CLIENTS_0=integration
CAMUNDA_SECURITY_INITIALIZATION_AUTHORIZATIONS_0_OWNERTYPE=MAPPING_RULE
CAMUNDA_SECURITY_INITIALIZATION_AUTHORIZATIONS_0_OWNERID=finance-claim
CAMUNDA_SECURITY_INITIALIZATION_AUTHORIZATIONS_0_RESOURCETYPE=PROCESS_DEFINITION
CAMUNDA_SECURITY_INITIALIZATION_AUTHORIZATIONS_0_RESOURCEID=invoice
CAMUNDA_SECURITY_INITIALIZATION_AUTHORIZATIONS_0_PERMISSIONS_0=READ_PROCESS_DEFINITION
CAMUNDA_SECURITY_INITIALIZATION_AUTHORIZATIONS_0_PERMISSIONS_1=CREATE_PROCESS_INSTANCE
CAMUNDA_SECURITY_INITIALIZATION_AUTHORIZATIONS_1_OWNERTYPE=USER
CAMUNDA_SECURITY_INITIALIZATION_AUTHORIZATIONS_1_OWNERID=demo
CAMUNDA_SECURITY_INITIALIZATION_AUTHORIZATIONS_1_RESOURCETYPE=MESSAGE
CAMUNDA_SECURITY_INITIALIZATION_AUTHORIZATIONS_1_PERMISSIONS_0=CREATE
";

#[test]
fn bootstrap_configuration_converts_validates_and_applies() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("application.yaml"), APPLICATION_YAML).unwrap();
    fs::write(tmp.path().join("camunda.env"), ENVIRONMENT).unwrap();
    let text = Case::in_dir(tmp.path())
        .args(["import-init", "application.yaml"])
        .code(0)
        .stdout_lacks("demo-canary-pw-4471")
        .stdout_has("password: ${env:CAMUNDA_USER_DEMO_PASSWORD}")
        .stdout_has("members-mode: additive")
        .stderr_has("CAMUNDA_USER_DEMO_PASSWORD")
        .run()
        .stdout;
    // The environment-variable form says the same.
    let from_env = Case::in_dir(tmp.path())
        .args(["import-init", "camunda.env"])
        .code(0)
        .run();
    assert_eq!(
        from_env.stdout.lines().skip(2).collect::<Vec<_>>(),
        text.lines().skip(2).collect::<Vec<_>>()
    );

    Case::in_dir(tmp.path())
        .args(["import-init", "application.yaml", "--out", "access"])
        .args(["--layout", "per-kind"])
        .code(0)
        .run();
    Case::in_dir(tmp.path())
        .args(["validate", "access"])
        .env("CAMUNDA_USER_DEMO_PASSWORD", "pw-from-env-1")
        .code(0)
        .run();

    let sim = Background::start(SimConfig::new(CamundaVersion::V8_8)).unwrap();
    let base = sim.url();
    Case::in_dir(tmp.path())
        .args(["apply", "access", "--auto-approve"])
        .env("CAMUNDA_REST_ADDRESS", &base)
        .env("CAMUNDA_AUTH_STRATEGY", "NONE")
        .env("CAMUNDA_USER_DEMO_PASSWORD", "pw-from-env-1")
        .code(0)
        .run();
    let state = send(&base, "GET", "/_sim/state", None);
    assert_eq!(state["users"]["demo"]["name"], "Demo User");
    assert_eq!(
        state["mapping_rules"]["finance-claim"]["claim_value"],
        "finance"
    );
    let members = state["members"].as_array().unwrap();
    for (relation_id, entity_type, entity_id) in [
        ("admin", "USER", "demo"),
        ("admin", "MAPPING_RULE", "finance-claim"),
        ("app-integrations", "CLIENT", "integration"),
    ] {
        assert!(
            members.iter().any(|m| m["relation_id"] == relation_id
                && m["entity_type"] == entity_type
                && m["entity_id"] == entity_id),
            "{entity_type} {entity_id} in {relation_id}"
        );
    }
    let auths: Vec<&Value> = state["authorizations"]
        .as_object()
        .unwrap()
        .values()
        .collect();
    assert!(auths.iter().any(|a| a["owner_id"] == "finance-claim"
        && a["resource_id"] == "invoice"
        && a["permissions"] == json!(["CREATE_PROCESS_INSTANCE", "READ_PROCESS_DEFINITION"])));
    assert!(
        auths
            .iter()
            .any(|a| a["owner_id"] == "demo" && a["resource_type"] == "MESSAGE")
    );
}

/// Every `camunda-access …` command in a CI recipe, as words, without
/// shell redirections and operators.
fn commands_in(script: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    for line in script.lines() {
        let Some(start) = line.find("camunda-access ") else {
            continue;
        };
        // Not an install line (`command -v camunda-access || cargo install …`).
        if line.contains("cargo install") {
            continue;
        }
        let mut words = Vec::new();
        for word in line[start..].split_whitespace() {
            if matches!(word, ">" | "|" | "||" | "&&" | ";" | "2>&1") || word.starts_with('>') {
                break;
            }
            words.push(word.trim_matches('"').to_owned());
        }
        found.push(words);
    }
    found
}

fn scripts(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("run", Value::String(s)) => out.push(s.clone()),
                    ("script" | "before_script", Value::Array(lines)) => {
                        out.extend(lines.iter().filter_map(|l| l.as_str().map(str::to_owned)));
                    }
                    _ => scripts(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| scripts(i, out)),
        _ => {}
    }
}

#[test]
fn the_ci_recipes_parse_and_every_command_in_them_is_valid() {
    use clap::Parser;
    let github: Value = serde_saphyr::from_str(
        &fs::read_to_string(root().join("examples/ci/github-actions.yml")).unwrap(),
    )
    .unwrap();
    let gitlab: Value = serde_saphyr::from_str(
        &fs::read_to_string(root().join("examples/ci/gitlab-ci.yml")).unwrap(),
    )
    .unwrap();
    // The three jobs and their triggers.
    for job in ["plan", "apply", "drift"] {
        assert!(github["jobs"][job]["steps"].is_array(), "github {job}");
        assert!(gitlab[job]["script"].is_array(), "gitlab {job}");
    }
    assert!(github["on"]["pull_request"].is_object());
    assert!(github["on"]["schedule"][0]["cron"].is_string());
    // Secrets under the SDKs' names.
    for variable in [
        "CAMUNDA_REST_ADDRESS",
        "CAMUNDA_CLIENT_ID",
        "CAMUNDA_CLIENT_SECRET",
        "CAMUNDA_OAUTH_URL",
    ] {
        assert!(github["env"][variable].is_string(), "{variable}");
    }
    let mut all = Vec::new();
    for (name, recipe) in [("github", &github), ("gitlab", &gitlab)] {
        let mut texts = Vec::new();
        scripts(recipe, &mut texts);
        let commands: Vec<Vec<String>> = texts.iter().flat_map(|t| commands_in(t)).collect();
        let verbs: Vec<&str> = commands.iter().map(|c| c[1].as_str()).collect();
        for verb in ["validate", "plan", "apply", "drift"] {
            assert!(verbs.contains(&verb), "{name} has no {verb}: {verbs:?}");
        }
        // Apply applies a saved plan.
        assert!(
            commands
                .iter()
                .any(|c| c[1] == "apply" && c.contains(&"--plan".to_owned()))
        );
        all.extend(commands);
    }
    for words in all {
        if let Err(e) = camunda_access::cli::Cli::try_parse_from(&words) {
            panic!("{words:?} does not parse: {e}");
        }
    }
}

/// The Docker Compose distribution's `application.yaml` (basic auth) says
/// `defaultRoles: {admin.users: [demo]}`: Spring binds the dotted key, and
/// so does the import. A key the initialization does not know is an error
/// with its place (Camunda would silently ignore it).
#[test]
fn import_init_binds_dotted_keys_and_refuses_unknown_ones() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("application.yaml"),
        "camunda:
  security:
    authentication:
      method: basic
    authorizations:
      enabled: true
    initialization:
      users:
        - username: demo
          password: demo
          name: Demo User
          email: demo@example.com
      defaultRoles:
        admin.users:
          - demo
",
    )
    .unwrap();
    Case::in_dir(tmp.path())
        .args(["import-init", "application.yaml"])
        .code(0)
        .stdout_has(
            "  - id: admin\n    members:\n      users: [demo]\n    members-mode: additive\n",
        )
        .run();
    // One flat key for the whole path binds too.
    fs::write(
        tmp.path().join("flat.yaml"),
        "camunda.security.initialization:\n  defaultRoles:\n    admin:\n      users: [demo]\n",
    )
    .unwrap();
    Case::in_dir(tmp.path())
        .args(["import-init", "flat.yaml"])
        .code(0)
        .stdout_has("users: [demo]")
        .run();
    // A role key Camunda does not know (a typo) is an error at its place.
    fs::write(
        tmp.path().join("typo.yaml"),
        "camunda:\n  security:\n    initialization:\n      defaultRoles:\n        admins.users: [demo]\n",
    )
    .unwrap();
    let ran = Case::in_dir(tmp.path())
        .args(["import-init", "typo.yaml"])
        .code(1)
        .run();
    let err = &ran.stderr;
    assert!(
        err.contains(
            "typo.yaml: line 5, column 9: `initialization.default-roles.admins` is not a key"
        ) || err.contains(
            "typo.yaml: line 5, column 9: `initialization.defaultRoles.admins` is not a key"
        ),
        "{err}"
    );
}

/// A cluster whose ID pattern allows more than the format can express:
/// `export` names each such object.
#[test]
fn export_names_ids_the_format_cannot_express() {
    let mut config = SimConfig::new(CamundaVersion::V8_8);
    config.lag = Duration::ZERO;
    config.id_pattern = Some("^[a-zA-Z0-9 _-]+$".into());
    let tmp = tempfile::tempdir().unwrap();
    let case = Case::in_dir(tmp.path()).sim_with(config);
    group(&case.url(), "night shift", "Night shift");
    case.args(["export"])
        .code(0)
        .stderr_has("warning: group \"night shift\" has an ID the format cannot express")
        .run();
}
