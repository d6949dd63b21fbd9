//! Safety: guards that see what a deletion takes with it, risks that match
//! what changes, built-ins watched, blind reads refused, one JSON document
//! per run, and a run that stops when the cluster does.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use camunda_access::model::CamundaVersion;
use camunda_access::sim::Background;
use serde_json::{Value, json};

use crate::common::{Case, stderr, stdout};
use crate::fixtures::{
    self, PRUNE_GROUPS_KEEP, basic_sim, faults, grant, group, old_groups, send, worker_on_messages,
    writes,
};

fn sim() -> Background {
    fixtures::sim(CamundaVersion::V8_8, 0)
}

/// A request as a basic-auth user; the status and the answer.
fn as_user(base: &str, user: &str, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let http = reqwest::blocking::Client::new();
    let mut request = http
        .request(method.parse().unwrap(), format!("{base}/v2{path}"))
        .basic_auth(user, Some(format!("{user}-pw")));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().unwrap();
    let status = response.status().as_u16();
    let text = response.text().unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Creates the user `reader` (password `reader-pw`) as `root`.
fn create_reader(base: &str) {
    let (status, body) = as_user(
        base,
        "root",
        "POST",
        "/users",
        Some(
            json!({"username": "reader", "password": "reader-pw", "name": "Reader",
                    "email": "reader@example.com"}),
        ),
    );
    assert_eq!(status, 201, "{body}");
}

/// Lets `reader` read every resource of type `rt`.
fn grant_read(base: &str, rt: &str) {
    let (status, body) = as_user(
        base,
        "root",
        "POST",
        "/authorizations",
        Some(
            json!({"ownerId": "reader", "ownerType": "USER", "resourceType": rt,
                    "resourceId": "*", "permissionTypes": ["READ"]}),
        ),
    );
    assert_eq!(status, 201, "{body}");
}

/// Runs the binary as a basic-auth user of [`basic_sim`].
fn run_as(dir: &Path, base: &str, user: &str, args: &[&str]) -> Case {
    Case::in_dir(dir)
        .basic_auth(base, user, &format!("{user}-pw"))
        .args(args)
}

fn members_of_admin(base: &str) -> Vec<String> {
    let state = send(base, "GET", "/_sim/state", None);
    state["members"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|m| m["relation"] == "ROLE" && m["relation_id"] == "admin")
        .map(|m| m["entity_id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The case: the tool logs in as `ops`, the only member of
/// `admin`, and the files prune users without declaring `ops`. Deleting
/// the user takes its admin membership with it: refused, nothing written,
/// `ops` still in admin. The plan shows what `ops` loses.
#[test]
fn pruning_the_tools_own_user_is_refused() {
    let sim = basic_sim(&["ops"]);
    let base = sim.url();
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("access.yaml"),
        "version: 1\npolicy:\n  prune: [users]\ngroups:\n  - id: team\n",
    )
    .unwrap();
    let before = writes(&base);
    run_as(tmp.path(), &base, "ops", &["apply", ".", "--auto-approve"])
        .code(3)
        .stderr_has("refused: user:ops, which this tool runs as, would lose AUTHORIZATION:* ")
        .stderr_has("the admin role would be left with no members")
        .run();
    assert_eq!(writes(&base), before, "nothing written");
    assert!(
        members_of_admin(&base).contains(&"ops".to_owned()),
        "{:?}",
        members_of_admin(&base)
    );

    // The plan shows the deletion with what it takes, and the loss.
    let plan = run_as(tmp.path(), &base, "ops", &["plan", ".", "--format", "json"]).json();
    let delete = plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["action"] == "delete" && c["id"] == "ops")
        .unwrap_or_else(|| panic!("{plan:#}"));
    assert!(
        delete["cascade"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["type"] == "membership" && c["container"]["id"] == "admin"),
        "{delete:#}"
    );
    let loss = plan["effective_access"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["principal"] == json!({"type": "USER", "id": "ops"}))
        .unwrap_or_else(|| panic!("{plan:#}"));
    assert!(
        loss["lost"].as_array().unwrap().len() > 10,
        "everything admin gave: {loss:#}"
    );
    run_as(tmp.path(), &base, "ops", &["plan", "."])
        .stdout_has("      - user:ops in role:admin  (deleted with it)")
        .run();
}

/// Pruning a group counts what Camunda deletes with it: its authorization
/// and its member are destroyed, not "left alone".
#[test]
fn a_pruned_group_counts_what_it_takes_with_it() {
    let sim = sim();
    let base = sim.url();
    group(&base, "old", "Old");
    send(&base, "PUT", "/v2/groups/old/clients/worker", None);
    grant(&base, ("GROUP", "old"), ("MESSAGE", "*"), &["CREATE"]);
    let tmp = tempfile::tempdir().unwrap();
    let case = || {
        Case::in_dir(tmp.path())
            .file("access.yaml", PRUNE_GROUPS_KEEP)
            .against(&base)
    };
    let plan = case().args(["plan", ".", "--format", "json"]).json();
    assert_eq!(
        plan["summary"],
        json!({"add": 1, "change": 0, "destroy": 3}),
        "{plan:#}"
    );
    let unmanaged = plan["unmanaged"].to_string();
    assert!(!unmanaged.contains("\"old\""), "{unmanaged}");
    let lost = plan["effective_access"].to_string();
    assert!(
        lost.contains("worker"),
        "the worker loses MESSAGE:* CREATE: {lost}"
    );
    // The budget counts them too.
    case()
        .args(["apply", ".", "--auto-approve", "--max-deletes", "2"])
        .code(3)
        .stderr_has("the plan deletes 3 objects")
        .run();
    case()
        .args(["apply", ".", "--auto-approve", "--max-deletes", "3"])
        .code(0)
        .run();
    case()
        .args(["plan", ".", "--detailed-exitcode"])
        .code(0)
        .run();
}

/// A mapping rule's claim value decides who gets what it carries: never
/// cosmetic. A group joining a role that may change authorizations is an
/// escalation, like the grant itself.
#[test]
fn risks_match_what_changes() {
    let sim = sim();
    let base = sim.url();
    for (path, body) in [
        (
            "/v2/mapping-rules",
            json!({"mappingRuleId": "loans", "name": "Loans", "claimName": "groups", "claimValue": "loans"}),
        ),
        (
            "/v2/roles",
            json!({"roleId": "approver", "name": "Approver"}),
        ),
        (
            "/v2/roles",
            json!({"roleId": "security", "name": "Security"}),
        ),
        ("/v2/groups", json!({"groupId": "ops", "name": "Ops"})),
        (
            "/v2/authorizations",
            json!({"ownerId": "security", "ownerType": "ROLE", "resourceType": "AUTHORIZATION",
                   "resourceId": "*", "permissionTypes": ["UPDATE"]}),
        ),
    ] {
        send(&base, "POST", path, Some(body));
    }
    send(&base, "PUT", "/v2/roles/approver/mapping-rules/loans", None);
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("access.yaml"),
        "version: 1
mapping-rules:
  - id: loans
    name: Loans
    claim: groups
    value: loan-officers
    roles: [approver]
roles:
  - id: approver
    name: Approver
  - id: security
    name: Security
    members:
      groups: [ops]
    permissions:
      - resource: AUTHORIZATION
        id: \"*\"
        allow: [UPDATE]
groups:
  - id: ops
    name: Ops
",
    )
    .unwrap();
    let case = || Case::in_dir(tmp.path()).against(&base);
    let plan = case().args(["plan", ".", "--format", "json"]).json();
    let change = |pred: &dyn Fn(&Value) -> bool| -> Value {
        plan["changes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| pred(c))
            .cloned()
            .unwrap_or_else(|| panic!("{plan:#}"))
    };
    let rule = change(&|c| c["action"] == "update" && c["id"] == "loans");
    assert_eq!(
        rule["risks"],
        json!(["escalation", "revocation"]),
        "{rule:#}"
    );
    let join = change(&|c| c["action"] == "add-member" && c["member"]["id"] == "ops");
    assert_eq!(
        join["risks"],
        json!(["escalation", "membership"]),
        "{join:#}"
    );
    // The Markdown comment puts them first, with before and after.
    let md = case()
        .args(["plan", ".", "--format", "markdown"])
        .stdout_has("  - value: `\"loans\"` → `\"loan-officers\"`")
        .run()
        .stdout;
    let first = md
        .find("escalate access — review these first")
        .unwrap_or_else(|| panic!("{md}"));
    let rule_line = md.find("`~ mapping-rule loans (value)`").unwrap();
    assert!(rule_line > first, "{md}");
}

/// Members added by hand to `admin` are watched: drift reports them, and
/// `--fail-on-unmanaged` fails on them. Listing `admin` without members
/// removes nobody.
#[test]
fn a_hand_made_admin_is_reported_by_drift() {
    let sim = sim();
    let base = sim.url();
    send(&base, "PUT", "/v2/roles/admin/clients/intruder", None);
    // A grant added by hand to a built-in role is watched too.
    grant(&base, ("ROLE", "rpa"), ("MESSAGE", "*"), &["CREATE"]);
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("access.yaml"),
        "version: 1\ngroups:\n  - id: team\nroles:\n  - id: admin\n",
    )
    .unwrap();
    group(&base, "team", "team");
    let case = || Case::in_dir(tmp.path()).against(&base);
    case()
        .args(["drift", "."])
        .code(0)
        .stdout_has("? client:intruder in role:admin")
        .stdout_has("? role:rpa on MESSAGE:*")
        // Camunda's own grants and memberships of the built-ins are not reported.
        .stdout_lacks("role:admin on")
        .stdout_lacks("role:admin in tenant:<default>")
        .run();
    case()
        .args(["drift", ".", "--fail-on-unmanaged"])
        .code(2)
        .stdout_has("client:intruder in role:admin")
        .run();
    // Nothing is removed from admin by listing it without members.
    case()
        .args(["plan", ".", "--detailed-exitcode"])
        .code(0)
        .run();
}

/// A principal that may read groups and roles but not authorizations gets
/// an empty authorization search from Camunda: plan, drift and export
/// refuse instead of treating the cluster as empty.
#[test]
fn a_principal_that_cannot_read_authorizations_is_told_so() {
    let sim = basic_sim(&["root"]);
    let base = sim.url();
    create_reader(&base);
    let grant = |rt: &str| grant_read(&base, rt);
    for rt in ["GROUP", "ROLE", "TENANT", "MAPPING_RULE", "USER"] {
        grant(rt);
    }
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("access.yaml"), worker_on_messages("CREATE")).unwrap();
    for args in [&["plan", "."][..], &["drift", "."], &["export"]] {
        let ran = run_as(tmp.path(), &base, "reader", args)
            .code(1)
            .stderr_has("AUTHORIZATION READ")
            .run();
        if !ran.stdout.is_empty() {
            ran.fail("stdout is not empty");
        }
    }
    // Vouching for the read skips the check (and plans as if the cluster
    // held no authorization: the reason the check exists).
    run_as(
        tmp.path(),
        &base,
        "reader",
        &["plan", ".", "--no-visibility-check"],
    )
    .code(0)
    .run();
    // With the permission, the same plan goes through.
    grant("AUTHORIZATION");
    run_as(tmp.path(), &base, "reader", &["plan", "."])
        .code(0)
        .run();
}

/// Every `--format json` run prints one document, also when it fails or a
/// guard refuses.
#[test]
fn json_runs_print_one_document_even_when_they_fail() {
    let sim = sim();
    let base = sim.url();
    let tmp = tempfile::tempdir().unwrap();
    // An invalid configuration.
    fs::write(
        tmp.path().join("access.yaml"),
        "version: 1\ngroups:\n  - id: \"bad id\"\n",
    )
    .unwrap();
    for command in ["plan", "drift", "apply"] {
        let doc = Case::in_dir(tmp.path())
            .against(&base)
            .args(
                &[command, ".", "--format", "json", "--auto-approve"]
                    [..if command == "apply" { 5 } else { 4 }],
            )
            .code(1)
            .json();
        assert_eq!(doc["exit_code"], 1, "{command}: {doc:#}");
        assert_eq!(doc["error"]["kind"], "error", "{doc:#}");
        assert!(
            doc["error"]["message"]
                .as_str()
                .unwrap()
                .contains("the configuration is invalid"),
            "{doc:#}"
        );
    }
    // A guard's refusal, with its reason.
    old_groups(&base, 3);
    let doc = Case::in_dir(tmp.path())
        .file("access.yaml", PRUNE_GROUPS_KEEP)
        .against(&base)
        .args(["apply", ".", "--auto-approve", "--format", "json"])
        .args(["--max-deletes", "1"])
        .code(3)
        .json();
    assert_eq!(doc["exit_code"], 3);
    assert_eq!(doc["error"]["kind"], "refused");
    assert!(
        doc["error"]["reasons"][0]
            .as_str()
            .unwrap()
            .contains("more than the budget of 1"),
        "{doc:#}"
    );
    // A cluster that does not answer.
    let doc = Case::in_dir(tmp.path())
        .against("http://127.0.0.1:9")
        .args(["drift", ".", "--format", "json"])
        .code(1)
        .json();
    assert_eq!(doc["exit_code"], 1);
}

/// The cluster goes away in the middle of an apply: the run starts nothing
/// new, reports the rest as not started, names the cause once and exits 1.
#[test]
fn an_apply_stops_when_the_cluster_stops_answering() {
    let (mut child, line) = fixtures::sim_process(&["--lag-ms", "0"], Stdio::null());
    let base = line
        .trim()
        .strip_prefix("camunda-access sim listening on ")
        .unwrap()
        .to_owned();
    faults(&base, json!({"latencyMs": 20}));
    let tmp = tempfile::tempdir().unwrap();
    let mut yaml = String::from("version: 1\ngroups:\n");
    for g in 0..300 {
        yaml.push_str(&format!("  - id: g{g}\n"));
    }
    fs::write(tmp.path().join("access.yaml"), yaml).unwrap();
    let apply = Command::new(assert_cmd::cargo::cargo_bin("camunda-access"))
        .current_dir(tmp.path())
        .args([
            "--color",
            "never",
            "apply",
            ".",
            "--auto-approve",
            "--parallelism",
            "2",
        ])
        .env("CAMUNDA_REST_ADDRESS", &base)
        .env("CAMUNDA_AUTH_STRATEGY", "NONE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while writes(&base) < 20 {
        assert!(Instant::now() < deadline, "no writes arrived");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let output = apply.wait_with_output().unwrap();
    let (out, err) = (stdout(&output), stderr(&output));
    assert_eq!(output.status.code(), Some(1), "{out}{err}");
    let summary = out
        .lines()
        .find(|l| l.starts_with("Apply: "))
        .unwrap_or_else(|| panic!("{out}"));
    let not_started: usize = summary
        .split(", ")
        .find_map(|p| p.strip_suffix(" not started."))
        .unwrap()
        .parse()
        .unwrap();
    assert!(not_started > 100, "{summary}");
    let ending = out
        .lines()
        .find(|l| l.starts_with("The cluster stopped answering ("))
        .unwrap_or_else(|| panic!("{out}"));
    let cause = ending
        .strip_prefix("The cluster stopped answering (")
        .and_then(|rest| rest.split("); nothing new").next())
        .unwrap();
    let all = format!("{out}{err}");
    assert_eq!(all.matches(cause).count(), 1, "the cause once: {all}");
}

/// Values from `${secret:…}` and from variables named like secrets never
/// appear in plans, plan files or errors; a literal password is a warning.
#[test]
fn secret_values_are_masked_everywhere() {
    let sim = sim();
    let base = sim.url();
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("access.yaml"),
        "version: 1
mapping-rules:
  - id: partners
    claim: partner_key
    value: ${secret:PARTNER_KEY}
groups:
  - id: team
    description: ${env:TEAM_TOKEN}
users:
  - username: ann
    password: plain-text-pw
",
    )
    .unwrap();
    let run = |args: &[&str]| {
        Case::in_dir(tmp.path())
            .against(&base)
            .args(args)
            .env("PARTNER_KEY", "pk-0123456789")
            .env("TEAM_TOKEN", "tt-9876543210")
    };
    let ran = run(&["plan", ".", "--out", "plan.json"]).code(0).run();
    let all = format!("{}{}", ran.stdout, ran.stderr);
    assert!(all.contains("value = \"(sensitive)\""), "{all}");
    assert!(all.contains("literal-password"), "{all}");
    let file = fs::read_to_string(tmp.path().join("plan.json")).unwrap();
    for output in [all.as_str(), file.as_str()] {
        for secret in ["pk-0123456789", "tt-9876543210", "plain-text-pw"] {
            assert!(!output.contains(secret), "{secret} leaked: {output}");
        }
    }
    // The saved plan, masked, still applies.
    run(&["apply", ".", "--plan", "plan.json"]).code(0).run();
    let rule = send(&base, "GET", "/v2/mapping-rules/partners", None);
    assert_eq!(
        rule["claimValue"], "pk-0123456789",
        "the real value was sent"
    );
}

/// A secret inside an ID (an authorization's owner, a resource) is masked
/// in the plan file as in every output, and the saved plan still applies:
/// it is compared with a fresh plan masked the same way.
#[test]
fn a_saved_plan_with_a_secret_owner_and_resource_applies() {
    let sim = sim();
    let base = sim.url();
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("access.yaml"),
        "version: 1
clients:
  - id: ${secret:WORKER_ID}
    permissions:
      - resource: MESSAGE
        id: ${secret:TOPIC}
        allow: [CREATE]
",
    )
    .unwrap();
    let run = |args: &[&str]| {
        Case::in_dir(tmp.path())
            .against(&base)
            .args(args)
            .env("WORKER_ID", "worker-0123456789")
            .env("TOPIC", "topic-9876543210")
    };
    run(&["plan", ".", "--out", "plan.json"]).code(0).run();
    let file = fs::read_to_string(tmp.path().join("plan.json")).unwrap();
    for secret in ["worker-0123456789", "topic-9876543210"] {
        assert!(!file.contains(secret), "{secret} leaked: {file}");
    }
    run(&["apply", ".", "--plan", "plan.json"])
        .code(0)
        .stderr_lacks("stale")
        .run();
    let found = send(
        &base,
        "POST",
        "/v2/authorizations/search",
        Some(json!({"filter": {"ownerId": "worker-0123456789"}})),
    );
    assert_eq!(
        found["items"][0]["resourceId"], "topic-9876543210",
        "the real values were sent: {found}"
    );
}

/// Control characters in a file never reach the terminal raw: a value that
/// would set the window title is shown escaped in the diagnostic.
#[test]
fn control_characters_in_files_are_shown_escaped() {
    Case::new()
        .file(
            "access.yaml",
            "version: 1\ngroups:\n  - id: \"bad\\e]0;owned\\aid\"\n",
        )
        .args(["--color", "never", "validate", "."])
        .code(1)
        .stderr_lacks("\u{1b}")
        .stderr_lacks("\u{7}")
        .stderr_has("\\u001b]0;owned\\u0007")
        .run();
}

/// A plan warns about what it leaves undone: a protected object that
/// differs, a `protect` entry that names nothing, and mapping rules and
/// clients' grants that left the files but stay in force unpruned.
#[test]
fn the_plan_warns_about_what_it_does_not_do() {
    let sim = sim();
    let base = sim.url();
    group(&base, "break-glass", "Break glass");
    send(
        &base,
        "POST",
        "/v2/mapping-rules",
        Some(
            json!({"mappingRuleId": "old-rule", "name": "Old", "claimName": "groups", "claimValue": "old"}),
        ),
    );
    grant(
        &base,
        ("CLIENT", "gone-worker"),
        ("MESSAGE", "*"),
        &["CREATE"],
    );
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("access.yaml"),
        "version: 1
policy:
  protect: [group:break-glass, role:nobody]
groups:
  - id: break-glass
    name: Renamed
",
    )
    .unwrap();
    let case = || Case::in_dir(tmp.path()).against(&base);
    let plan = case().args(["plan", ".", "--format", "json"]).json();
    assert_eq!(
        plan["summary"],
        json!({"add": 0, "change": 0, "destroy": 0})
    );
    let warnings: Vec<String> = plan["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["message"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        warnings,
        [
            "group:break-glass is protected but differs from the files; not applied: ~ group break-glass (name)",
            "policy.protect names role:nobody, which is neither in the cluster nor in the files",
            "1 mapping rule(s) in the cluster but not in the files stay in force (add `mapping-rules` to policy.prune to delete them)",
            "1 authorization(s) of clients in the cluster but not in the files stay in force (add `authorizations` to policy.prune to delete them)",
        ],
        "{plan:#}"
    );
    case()
        .args(["plan", "."])
        .stdout_has("Warnings:\n  ! group:break-glass is protected")
        .run();
}

/// A run that deletes the tool's own user (with the override) loses its
/// access: the convergence wait's reads are refused, which is not read
/// lag. The run says so and exits 1 at once.
#[test]
fn an_apply_that_costs_the_tool_its_access_says_so() {
    let sim = basic_sim(&["ops", "root"]);
    let base = sim.url();
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("access.yaml"),
        "version: 1\npolicy:\n  prune: [users]\nusers:\n  - username: root\n",
    )
    .unwrap();
    run_as(
        tmp.path(),
        &base,
        "ops",
        &[
            "apply",
            ".",
            "--auto-approve",
            "--allow-lockout",
            "--wait",
            "60",
        ],
    )
    .code(1)
    .stdout_has("The writes are done, but this tool can no longer read the cluster")
    .stdout_has("401")
    .run();
}

/// Groups have no built-in one to miss: a group the plan would create is
/// asked for, and a 403 where the search showed nothing means the search
/// hid it.
#[test]
fn a_hidden_group_is_found_out_by_asking_for_it() {
    let sim = basic_sim(&["root"]);
    let base = sim.url();
    create_reader(&base);
    for rt in ["ROLE", "TENANT", "AUTHORIZATION", "MAPPING_RULE", "USER"] {
        grant_read(&base, rt);
    }
    let (status, _) = as_user(
        &base,
        "root",
        "POST",
        "/groups",
        Some(json!({"groupId": "team", "name": "Team"})),
    );
    assert_eq!(status, 201);
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("access.yaml"),
        "version: 1\ngroups:\n  - id: team\n    name: Team\n",
    )
    .unwrap();
    run_as(tmp.path(), &base, "reader", &["plan", "."])
        .code(1)
        .stderr_has("GET /v2/groups/team answered 403")
        .stderr_has("Grant it GROUP READ")
        .run();
}
