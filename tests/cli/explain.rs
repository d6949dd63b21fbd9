//! `camunda-access explain` and `who-can`: from the files and live, exit
//! codes, and the JSON documents read back.

use camunda_access::analysis::{ExplainDocument, NearMiss, PathKind, WhoCanDocument};
use camunda_access::model::CamundaVersion;
use camunda_access::model::state::Principal;
use camunda_access::sim::{Background, SimConfig};
use serde_json::json;

use crate::common::{against, root, run, stderr, stdout};
use crate::fixtures::send;

const FULFIL: &str = "PROCESS_DEFINITION:order-fulfilment:UPDATE_PROCESS_INSTANCE";
const PAYMENTS: &str = "PROCESS_DEFINITION:payments:UPDATE_PROCESS_INSTANCE";

#[test]
fn the_quickstart_worker_may_update_order_fulfilment_through_its_group_s_role() {
    let output = run(
        &root(),
        &[
            "explain",
            "client:order-worker",
            "examples/quickstart",
            "--check",
            FULFIL,
        ],
    );
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{out}{}", stderr(&output));
    assert!(out.contains(&format!("Check {FULFIL}: granted")), "{out}");
    assert!(
        out.contains("on order-fulfilment via group order-workers → role order-job-worker"),
        "{out}"
    );
    // Its own authorization is a path too.
    assert!(
        out.contains("DOCUMENT:*\n    CREATE, READ\n      via its own authorization"),
        "{out}"
    );
}

#[test]
fn the_same_check_on_payments_exits_2_with_the_nearest_miss() {
    let output = run(
        &root(),
        &[
            "explain",
            "client:order-worker",
            "examples/quickstart",
            "--check",
            PAYMENTS,
        ],
    );
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(2), "{out}{}", stderr(&output));
    assert!(
        out.contains(&format!("Check {PAYMENTS}: NOT granted")),
        "{out}"
    );
    assert!(
        out.contains(
            "the permission exists on ID order-cancellation, order-fulfilment, not on payments"
        ),
        "{out}"
    );
    // A client outside the role is told which role (and group) has it.
    let output = run(
        &root(),
        &[
            "explain",
            "client:ci-deployer",
            "examples/quickstart",
            "--check",
            FULFIL,
        ],
    );
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(2), "{out}");
    assert!(
        out.contains("role order-job-worker has it (on order-fulfilment), but client:ci-deployer is not a member; the groups in that role have it too: order-workers"),
        "{out}"
    );
}

#[test]
fn who_can_deploy_lists_the_deployer_not_the_worker() {
    let output = run(
        &root(),
        &["who-can", "RESOURCE:*", "CREATE", "examples/quickstart"],
    );
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{out}{}", stderr(&output));
    assert!(
        out.contains("client:ci-deployer  via role deployer"),
        "{out}"
    );
    assert!(
        out.contains("role:deployer       via its own authorization"),
        "{out}"
    );
    assert!(!out.contains("order-worker"), "{out}");
    // As JSON, typed.
    let output = run(
        &root(),
        &[
            "who-can",
            "RESOURCE:*",
            "CREATE",
            "examples/quickstart",
            "--format",
            "json",
        ],
    );
    assert_eq!(output.status.code(), Some(0));
    let doc: WhoCanDocument = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(doc.format_version, 1);
    let holders: Vec<String> = doc
        .holders
        .iter()
        .map(|h| h.principal.to_string())
        .collect();
    assert_eq!(holders, ["client:ci-deployer", "role:deployer"]);
    assert_eq!(doc.holders[0].paths[0].path.kind, PathKind::Role);
    // Nobody is an answer too.
    let output = run(
        &root(),
        &[
            "who-can",
            "AUTHORIZATION:*",
            "UPDATE",
            "examples/quickstart",
        ],
    );
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("Nobody."));
}

#[test]
fn a_token_s_array_and_nested_claims_match_rules_that_bring_roles() {
    let claims = r#"{"sub":"ann","groups":["loan-officers"],"realm_access":{"roles":["auditor"]}}"#;
    let output = run(
        &root(),
        &[
            "explain",
            "token",
            "examples/oidc-groups-claim",
            "--claims",
            claims,
        ],
    );
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{out}{}", stderr(&output));
    assert!(
        out.contains("The token names user:ann (claim sub)."),
        "{out}"
    );
    assert!(
        out.contains("matches   loan-officers: groups contains \"loan-officers\"  → role loan-officer, tenant loans"),
        "{out}"
    );
    assert!(
        out.contains(
            "matches   auditors: $.realm_access.roles contains \"auditor\"  → role readonly-admin"
        ),
        "{out}"
    );
    assert!(
        out.contains("no match  camunda-admins: groups does not contain \"camunda-admins\""),
        "{out}"
    );
    assert!(
        out.contains(
            "via mapping rule loan-officers (groups: \"loan-officers\") → role loan-officer"
        ),
        "{out}"
    );
    assert!(out.contains("role readonly-admin is built in"), "{out}");
    // The claims from a file, as JSON; the check asked through a rule.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("claims.json");
    std::fs::write(&file, claims).unwrap();
    let output = run(
        &root(),
        &[
            "explain",
            "token",
            "examples/oidc-groups-claim",
            "--claims",
            &format!("@{}", file.display()),
            "--check",
            "PROCESS_DEFINITION:loan-application:CREATE_PROCESS_INSTANCE",
            "--format",
            "json",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let doc: ExplainDocument = serde_json::from_slice(&output.stdout).unwrap();
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
    let output = run(
        &root(),
        &[
            "explain",
            "client:order-worker",
            "examples/quickstart",
            "--check",
            PAYMENTS,
            "--format",
            "json",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
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
        let output = run(&root(), &args);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains("error"),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    // With --format json, the error is a JSON document on stdout.
    let output = run(
        &root(),
        &[
            "explain",
            "token",
            "examples/quickstart",
            "--format",
            "json",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let _: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
}

#[test]
fn a_grant_made_by_hand_shows_only_live() {
    let sim = Background::start(SimConfig::new(CamundaVersion::V8_8)).unwrap();
    let base = sim.url();
    let output = against(
        &root(),
        &base,
        &["apply", "examples/quickstart", "--auto-approve"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
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
    let live = against(
        &root(),
        &base,
        &[
            "explain",
            "client:order-worker",
            "--live",
            "--check",
            PAYMENTS,
        ],
    );
    let out = stdout(&live);
    assert_eq!(live.status.code(), Some(0), "{out}{}", stderr(&live));
    assert!(out.contains("in the cluster"), "{out}");
    assert!(
        out.contains("on payments via its own authorization"),
        "{out}"
    );
    // Through the group and role the files gave it, too.
    assert!(
        out.contains("via group order-workers → role order-job-worker"),
        "{out}"
    );
    // The files do not grant it.
    let files = against(
        &root(),
        &base,
        &[
            "explain",
            "client:order-worker",
            "examples/quickstart",
            "--check",
            PAYMENTS,
        ],
    );
    assert_eq!(files.status.code(), Some(2), "{}", stdout(&files));
    // who-can sees it live, as JSON.
    let output = against(
        &root(),
        &base,
        &[
            "who-can",
            "PROCESS_DEFINITION:payments",
            "UPDATE_PROCESS_INSTANCE",
            "--live",
            "--format",
            "json",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let doc: WhoCanDocument = serde_json::from_slice(&output.stdout).unwrap();
    let holders: Vec<&Principal> = doc.holders.iter().map(|h| &h.principal).collect();
    assert!(
        holders.contains(&&Principal::Client("order-worker".into())),
        "{holders:?}"
    );
    // Live with paths is a mistake.
    let output = against(
        &root(),
        &base,
        &[
            "explain",
            "client:order-worker",
            "--live",
            "examples/quickstart",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn what_users_see_is_snapshotted() {
    let output = run(
        &root(),
        &[
            "explain",
            "client:ci-deployer",
            "examples/quickstart",
            "--check",
            FULFIL,
        ],
    );
    insta::assert_snapshot!("explain_quickstart_human", stdout(&output));
    let output = run(
        &root(),
        &[
            "explain",
            "token",
            "examples/oidc-groups-claim",
            "--claims",
            r#"{"sub":"ann","groups":["loan-officers"],"realm_access":{"roles":["auditor"]}}"#,
        ],
    );
    insta::assert_snapshot!("explain_token_human", stdout(&output));
    let output = run(
        &root(),
        &[
            "explain",
            "client:order-worker",
            "examples/quickstart",
            "--check",
            PAYMENTS,
            "--format",
            "json",
        ],
    );
    insta::assert_snapshot!("explain_quickstart_json", stdout(&output));
    let output = run(
        &root(),
        &[
            "who-can",
            "MESSAGE:order-placed",
            "CREATE",
            "examples/quickstart",
        ],
    );
    insta::assert_snapshot!("who_can_quickstart_human", stdout(&output));
}

#[test]
fn live_a_token_gets_what_built_in_roles_grant() {
    let sim = Background::start(SimConfig::new(CamundaVersion::V8_8)).unwrap();
    let base = sim.url();
    let output = against(
        &root(),
        &base,
        &["apply", "examples/oidc-groups-claim", "--auto-approve"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let claims = r#"{"sub":"ann","realm_access":{"roles":["auditor"]}}"#;
    let output = against(
        &root(),
        &base,
        &[
            "explain",
            "token",
            "--live",
            "--claims",
            claims,
            "--check",
            "AUTHORIZATION:*:READ",
        ],
    );
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{out}{}", stderr(&output));
    assert!(
        out.contains("on * via mapping rule auditors ($.realm_access.roles: \"auditor\") → role readonly-admin"),
        "{out}"
    );
    assert!(!out.contains("is built in"), "{out}");
    // From the files, the built-in role's grants are unknown, and said so.
    let output = run(
        &root(),
        &[
            "explain",
            "token",
            "examples/oidc-groups-claim",
            "--claims",
            claims,
            "--check",
            "AUTHORIZATION:*:READ",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).contains("role readonly-admin is built in"));
}
