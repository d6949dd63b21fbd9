//! `camunda-access explain` and `who-can`: from the files and live, exit
//! codes, and the JSON documents read back.

use camunda_access::analysis::operations::Enforcement;
use camunda_access::analysis::{ExplainDocument, NearMiss, PathKind, WhoCanDocument};
use camunda_access::model::state::Principal;
use serde_json::json;

use crate::common::{Case, root};
use crate::fixtures::send;

const FULFIL: &str = "PROCESS_DEFINITION:order-fulfilment:UPDATE_PROCESS_INSTANCE";
const PAYMENTS: &str = "PROCESS_DEFINITION:payments:UPDATE_PROCESS_INSTANCE";
const ANN: &str =
    r#"{"sub":"ann","groups":["loan-officers"],"realm_access":{"roles":["auditor"]}}"#;

/// The binary in the repository's root, where `examples/` is.
fn repo() -> Case {
    Case::in_dir(&root())
}

#[test]
fn the_quickstart_worker_may_update_order_fulfilment_through_its_group_s_role() {
    repo()
        .args(["explain", "client:order-worker", "examples/quickstart"])
        .args(["--check", FULFIL])
        .code(0)
        .stdout_has(&format!("Check {FULFIL}: granted"))
        .stdout_has("on order-fulfilment via group order-workers → role order-job-worker")
        // Its own authorization is a path too.
        .stdout_has("DOCUMENT:*\n    CREATE, READ\n      via its own authorization")
        .run();
}

#[test]
fn the_same_check_on_payments_exits_2_with_the_nearest_miss() {
    repo()
        .args(["explain", "client:order-worker", "examples/quickstart"])
        .args(["--check", PAYMENTS])
        .code(2)
        .stdout_has(&format!("Check {PAYMENTS}: NOT granted"))
        .stdout_has(
            "the permission exists on ID order-cancellation, order-fulfilment, not on payments",
        )
        .run();
    // A client outside the role is told which role (and group) has it.
    repo()
        .args(["explain", "client:ci-deployer", "examples/quickstart"])
        .args(["--check", FULFIL])
        .code(2)
        .stdout_has("role order-job-worker has it (on order-fulfilment), but client:ci-deployer is not a member; the groups in that role have it too: order-workers")
        .run();
}

#[test]
fn who_can_deploy_lists_the_deployer_not_the_worker() {
    let who_can = || repo().args(["who-can", "RESOURCE:*", "CREATE", "examples/quickstart"]);
    who_can()
        .code(0)
        .stdout_has("client:ci-deployer  via role deployer")
        .stdout_has("role:deployer       via its own authorization")
        .stdout_lacks("order-worker")
        .run();
    // As JSON, typed.
    let doc: WhoCanDocument =
        serde_json::from_value(who_can().args(["--format", "json"]).code(0).json()).unwrap();
    assert_eq!(doc.format_version, 1);
    let holders: Vec<String> = doc
        .holders
        .iter()
        .map(|h| h.principal.to_string())
        .collect();
    // `admin` too: Camunda gives it everything on a fresh cluster.
    assert_eq!(
        holders,
        ["client:ci-deployer", "role:admin", "role:deployer"]
    );
    assert_eq!(doc.holders[0].paths[0].path.kind, PathKind::Role);
    // Only `admin` may change authorizations; the files give it to nobody.
    repo()
        .args([
            "who-can",
            "AUTHORIZATION:*",
            "UPDATE",
            "examples/quickstart",
        ])
        .code(0)
        .stdout_has("  role:admin  via its own authorization  [Camunda's default]\n\n1 principal.\n")
        .stdout_has("Note: the built-in roles' authorizations counted here are Camunda's defaults on a fresh 8.8 cluster")
        .run();
}

#[test]
fn a_token_s_array_and_nested_claims_match_rules_that_bring_roles() {
    repo()
        .args(["explain", "token", "examples/oidc-groups-claim", "--claims", ANN])
        .code(0)
        .stdout_has("The token names user:ann (claim sub).")
        .stdout_has("matches   loan-officers: groups contains \"loan-officers\"  → role loan-officer, tenant loans")
        .stdout_has("matches   auditors: $.realm_access.roles contains \"auditor\"  → role readonly-admin")
        .stdout_has("no match  camunda-admins: groups does not contain \"camunda-admins\"")
        .stdout_has("via mapping rule loan-officers (groups: \"loan-officers\") → role loan-officer")
        .stdout_has("role readonly-admin is built in")
        .run();
    // The claims from a file, as JSON; the check asked through a rule.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("claims.json");
    std::fs::write(&file, ANN).unwrap();
    let value = repo()
        .args(["explain", "token", "examples/oidc-groups-claim"])
        .arg("--claims")
        .arg(format!("@{}", file.display()))
        .args([
            "--check",
            "PROCESS_DEFINITION:loan-application:CREATE_PROCESS_INSTANCE",
        ])
        .args(["--format", "json"])
        .code(0)
        .json();
    let doc: ExplainDocument = serde_json::from_value(value).unwrap();
    let verdict = doc.check.unwrap();
    assert!(verdict.granted);
    assert_eq!(verdict.paths[0].path.kind, PathKind::MappingRule);
    let token = doc.explanation.token.unwrap();
    let matched: Vec<&str> = token
        .rules
        .iter()
        .filter(|r| r.matched)
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(matched, ["auditors", "loan-officers"]);
}

#[test]
fn explain_json_is_a_typed_document() {
    let value = repo()
        .args(["explain", "client:order-worker", "examples/quickstart"])
        .args(["--check", PAYMENTS, "--format", "json"])
        .code(2)
        .json();
    assert_eq!(value["format_version"], 1);
    assert_eq!(value["source"]["from"], "files");
    let doc: ExplainDocument = serde_json::from_value(value).unwrap();
    let verdict = doc.check.unwrap();
    assert!(!verdict.granted);
    assert!(matches!(
        &verdict.near_misses[0],
        NearMiss::OtherResources { resources } if resources.len() == 2
    ));
}

#[test]
fn mistakes_exit_1() {
    for args in [
        vec!["explain", "token", "examples/quickstart"],
        vec!["explain", "tenant:x", "examples/quickstart"],
        vec![
            "explain",
            "client:x",
            "examples/quickstart",
            "--check",
            "PROCESS_DEFINITION:x:CREATE",
        ],
        vec!["explain", "client:x", "examples/quickstart", "--sim"],
        vec!["explain", "token", "examples/quickstart", "--claims", "[1]"],
        vec!["who-can", "RESOURCE", "CREATE", "examples/quickstart"],
        vec!["who-can", "RESOURCE:*", "CREATE", "no-such-dir"],
    ] {
        repo().args(args).code(1).stderr_has("error").run();
    }
    // With --format json, the error is a JSON document on stdout.
    let value = repo()
        .args([
            "explain",
            "token",
            "examples/quickstart",
            "--format",
            "json",
        ])
        .code(1)
        .json();
    assert_eq!(value["ok"], false);
}

#[test]
fn a_grant_made_by_hand_shows_only_live() {
    let cluster = repo().sim();
    let base = cluster.url();
    let live = || Case::in_dir(&root()).against(&base);
    live()
        .args(["apply", "examples/quickstart", "--auto-approve"])
        .code(0)
        .run();
    send(
        &base,
        "POST",
        "/v2/authorizations",
        Some(json!({
            "ownerId": "order-worker",
            "ownerType": "CLIENT",
            "resourceType": "PROCESS_DEFINITION",
            "resourceId": "payments",
            "permissionTypes": ["UPDATE_PROCESS_INSTANCE"],
        })),
    );
    live()
        .args([
            "explain",
            "client:order-worker",
            "--live",
            "--check",
            PAYMENTS,
        ])
        .code(0)
        .stdout_has("in the cluster")
        .stdout_has("on payments via its own authorization")
        // Through the group and role the files gave it, too.
        .stdout_has("via group order-workers → role order-job-worker")
        .run();
    // The files do not grant it.
    live()
        .args(["explain", "client:order-worker", "examples/quickstart"])
        .args(["--check", PAYMENTS])
        .code(2)
        .run();
    // who-can sees it live, as JSON.
    let value = live()
        .args([
            "who-can",
            "PROCESS_DEFINITION:payments",
            "UPDATE_PROCESS_INSTANCE",
        ])
        .args(["--live", "--format", "json"])
        .code(0)
        .json();
    let doc: WhoCanDocument = serde_json::from_value(value).unwrap();
    let holders: Vec<&Principal> = doc.holders.iter().map(|h| &h.principal).collect();
    assert!(
        holders.contains(&&Principal::Client("order-worker".into())),
        "{holders:?}"
    );
    // Live with paths is a mistake.
    live()
        .args([
            "explain",
            "client:order-worker",
            "--live",
            "examples/quickstart",
        ])
        .code(1)
        .run();
}

#[test]
fn what_users_see_is_snapshotted() {
    repo()
        .args(["explain", "client:ci-deployer", "examples/quickstart"])
        .args(["--check", FULFIL])
        .snapshot("explain_quickstart_human")
        .run();
    repo()
        .args([
            "explain",
            "token",
            "examples/oidc-groups-claim",
            "--claims",
            ANN,
        ])
        .snapshot("explain_token_human")
        .run();
    repo()
        .args(["explain", "client:order-worker", "examples/quickstart"])
        .args(["--check", PAYMENTS, "--format", "json"])
        .snapshot("explain_quickstart_json")
        .run();
    repo()
        .args([
            "who-can",
            "MESSAGE:order-placed",
            "CREATE",
            "examples/quickstart",
        ])
        .snapshot("who_can_quickstart_human")
        .run();
}

#[test]
fn live_a_token_gets_what_built_in_roles_grant() {
    let cluster = repo().sim();
    let base = cluster.url();
    let claims = r#"{"sub":"ann","realm_access":{"roles":["auditor"]}}"#;
    Case::in_dir(&root())
        .against(&base)
        .args(["apply", "examples/oidc-groups-claim", "--auto-approve"])
        .code(0)
        .run();
    Case::in_dir(&root())
        .against(&base)
        .args(["explain", "token", "--live", "--claims", claims])
        .args(["--check", "AUTHORIZATION:*:READ"])
        .code(0)
        .stdout_has("on * via mapping rule auditors ($.realm_access.roles: \"auditor\") → role readonly-admin")
        .stdout_lacks("is built in")
        .run();
    // From the files, the built-in role grants what Camunda gives it on a
    // fresh cluster, and that is said.
    repo()
        .args([
            "explain",
            "token",
            "examples/oidc-groups-claim",
            "--claims",
            claims,
        ])
        .args(["--check", "AUTHORIZATION:*:READ"])
        .code(0)
        .stdout_has("on * via mapping rule auditors ($.realm_access.roles: \"auditor\") → role readonly-admin  [Camunda's default]")
        .stdout_has("Note: role readonly-admin is built in: its authorizations counted here are Camunda's defaults on a fresh 8.8 cluster")
        .run();
}

/// The client of the issue: the files make it a member of `connectors`,
/// which Camunda 8.10 lets reveal every secret. From the files, `explain`
/// and `who-can` count that default grant, and say whose it is.
#[test]
fn from_the_files_a_built_in_role_grants_camunda_s_defaults() {
    let files = "version: 1\nroles:\n  - id: connectors\n    members:\n      clients: [conn-runtime]\nclients:\n  - id: conn-runtime\n    permissions:\n      - resource: SECRET\n        id: x\n        allow: [READ]\n";
    let case = || Case::new().file("access.yaml", files);
    let check = ["--check", "SECRET:x:REVEAL"];
    case()
        .args(["explain", "client:conn-runtime", ".", "--camunda-version", "8.10"])
        .args(check)
        .code(0)
        .stdout_has("Check SECRET:x:REVEAL: granted\n  on * via role connectors  [Camunda's default]\n")
        .stdout_has("SECRET:*\n    REVEAL\n      via role connectors  [Camunda's default]\n")
        .stdout_has("Note: role connectors is built in: its authorizations counted here are Camunda's defaults on a fresh 8.10 cluster (the files do not hold them); a cluster can differ where someone changed them by hand, --live reads the real ones")
        .run();
    let value = case()
        .args([
            "explain",
            "client:conn-runtime",
            ".",
            "--camunda-version",
            "8.10",
        ])
        .args(check)
        .args(["--format", "json"])
        .code(0)
        .json();
    let doc: ExplainDocument = serde_json::from_value(value).unwrap();
    let verdict = doc.check.unwrap();
    assert!(verdict.granted);
    assert_eq!(
        verdict.paths[0].path.owner,
        Principal::Role("connectors".into())
    );
    assert!(
        doc.notes[0].contains("Camunda's defaults on a fresh 8.10 cluster"),
        "{:?}",
        doc.notes
    );
    // who-can lists the member, the role and admin.
    case()
        .args(["who-can", "SECRET:*", "REVEAL", ".", "--camunda-version", "8.10"])
        .code(0)
        .stdout_has("  client:conn-runtime  via role connectors  [Camunda's default]\n")
        .stdout_has("  role:connectors      via its own authorization  [Camunda's default]\n")
        .stdout_has("3 principals.")
        .stdout_has("Note: the built-in roles' authorizations counted here are Camunda's defaults on a fresh 8.10 cluster")
        .run();
    // On 8.8 (the default) the files are invalid: the help names the
    // command's own flag, not validate's.
    case()
        .args(["explain", "client:conn-runtime", "."])
        .args(check)
        .code(1)
        .stderr_has("SECRET exists from Camunda 8.10 on; run explain with --camunda-version 8.10")
        .stderr_lacks("validate with")
        .run();
    case()
        .args(["who-can", "SECRET:*", "REVEAL", "."])
        .code(1)
        .stderr_has("run who-can with --camunda-version 8.10")
        .run();
}

#[test]
fn a_missing_permission_says_which_operations_fail_and_which_answer_empty() {
    repo()
        .args(["explain", "client:order-worker", "examples/quickstart"])
        .args(["--check", PAYMENTS])
        .code(2)
        .stdout_has("Without it, on PROCESS_DEFINITION:payments:\n    activateJobs (POST /v2/jobs/activation) leaves out payments, with no error (Camunda filters by this permission)\n")
        .stdout_has("    completeJob (POST /v2/jobs/{jobKey}/completion) is refused (403 Forbidden) for payments\n")
        .run();
    // Granted, it names what it allows.
    repo()
        .args(["explain", "client:order-worker", "examples/quickstart"])
        .args(["--check", FULFIL])
        .code(0)
        .stdout_has("  It allows: activateJobs, completeJob,")
        .run();
    let doc: ExplainDocument = serde_json::from_value(
        repo()
            .args(["explain", "client:order-worker", "examples/quickstart"])
            .args(["--check", PAYMENTS, "--format", "json"])
            .code(2)
            .json(),
    )
    .unwrap();
    let activate = doc
        .check_operations
        .iter()
        .find(|o| o.id == "activateJobs")
        .expect("activateJobs needs the permission");
    assert_eq!(activate.enforcement, Enforcement::Filter);
    assert!(doc.operations.is_none(), "listed without --operations");
}

#[test]
fn operations_lists_what_the_principal_may_call_and_on_what() {
    repo()
        .args([
            "explain",
            "client:ci-deployer",
            "examples/quickstart",
            "--operations",
        ])
        .code(0)
        .stdout_has("Operations it may call:\n")
        .stdout_has("  createDeployment ")
        .stdout_has(" POST /v2/deployments  on *\n")
        .stdout_lacks("activateJobs")
        .run();
    let doc: ExplainDocument = serde_json::from_value(
        repo()
            .args(["explain", "client:order-worker", "examples/quickstart"])
            .args(["--operations", "--format", "json"])
            .code(0)
            .json(),
    )
    .unwrap();
    let callable = doc.operations.expect("asked for");
    let activate = callable
        .iter()
        .find(|c| c.operation.id == "activateJobs")
        .expect("the worker activates jobs");
    let on: Vec<String> = activate.resources.iter().map(ToString::to_string).collect();
    assert_eq!(on, ["order-cancellation", "order-fulfilment"]);
    assert!(
        !callable
            .iter()
            .any(|c| c.operation.id == "createDeployment")
    );
}

#[test]
fn a_mistyped_principal_is_named_with_the_closest_one() {
    repo()
        .args(["explain", "client:order-wroker", "examples/quickstart"])
        .code(0)
        .stdout_has(
            "Note: client:order-wroker is not in the files: did you mean client:order-worker?",
        )
        .run();
    repo()
        .args(["explain", "role:nope", "examples/quickstart"])
        .code(0)
        .stdout_has("Note: role:nope is not in the files: it holds nothing there")
        .run();
}

#[test]
fn who_can_given_the_check_form_says_how_to_write_it() {
    repo()
        .args([
            "who-can",
            "PROCESS_DEFINITION:order-fulfilment:UPDATE_PROCESS_INSTANCE",
            "examples/quickstart",
        ])
        .code(1)
        .stderr_has("who-can takes the resource and the permission as two arguments: who-can PROCESS_DEFINITION:order-fulfilment UPDATE_PROCESS_INSTANCE [PATH...]")
        .run();
}
