//! Guardrail rules on `plan` and `apply`: violations at the top of every
//! format, `deny` refusing with exit 3 and nothing written, what the cluster
//! already held not blocking, and `policy.rules` validated at its place.

use camunda_access::model::CamundaVersion;
use camunda_access::plan::document::PlanDocument;

use crate::common::Case;
use crate::fixtures::{self, send, writes};

/// The client `ci` may update every authorization; `policy.rules` as given.
fn grants_authorization_update(rules: &str) -> String {
    format!(
        "version: 1\n{rules}clients:\n  - id: ci\n    permissions:\n      - resource: AUTHORIZATION\n        id: \"*\"\n        allow: [UPDATE]\n"
    )
}

const DENY_ACCESS_CONTROL: &str = "policy:\n  rules:\n    access-control-write: deny\n";

#[test]
fn a_client_gaining_authorization_update_is_a_violation_in_every_format() {
    let sim = fixtures::sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    let files = grants_authorization_update("");
    let plan = |format: &str| {
        Case::new()
            .file("access.yaml", &files)
            .against(&base)
            .args(["plan", "--format", format])
    };
    plan("human")
        .code(0)
        .stdout_has("Policy rules:\n  ! warn  access-control-write: client:ci can change access control\n        AUTHORIZATION:* UPDATE (direct)\n")
        .stdout_lacks("apply refuses")
        .run();
    plan("markdown")
        .code(0)
        .stdout_has("**Policy rules:**\n\n- **warn** `access-control-write`: client:ci can change access control\n  - `AUTHORIZATION:* UPDATE (direct)`\n")
        .run();
    let doc: PlanDocument = serde_json::from_value(plan("json").code(0).json()).unwrap();
    assert_eq!(doc.violations.len(), 1, "{:?}", doc.violations);
    let v = &doc.violations[0];
    assert_eq!(
        (
            v.rule.as_str(),
            v.level.as_str(),
            v.principal.as_str(),
            v.introduced
        ),
        ("access-control-write", "warn", "client:ci", true)
    );
    // At warn, apply goes ahead.
    Case::new()
        .file("access.yaml", &files)
        .against(&base)
        .args(["apply", "--auto-approve"])
        .code(0)
        .stdout_has("! warn  access-control-write: client:ci")
        .run();
    // Once applied, it is the cluster's: no longer introduced, only counted.
    Case::new()
        .file("access.yaml", &files)
        .against(&base)
        .args(["plan"])
        .code(0)
        .stdout_has("Policy rules: 1 violation(s) the cluster already holds, none new")
        .stdout_lacks("! warn")
        .run();
    Case::new()
        .file("access.yaml", &files)
        .against(&base)
        .args(["plan", "--format", "markdown"])
        .code(0)
        .stdout_has("**Policy rules:** 1 violation(s) the cluster already holds, none new.")
        .run();
}

#[test]
fn a_rule_at_deny_makes_apply_refuse_with_exit_3_and_write_nothing() {
    let sim = fixtures::sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    let files = grants_authorization_update(DENY_ACCESS_CONTROL);
    Case::new()
        .file("access.yaml", &files)
        .against(&base)
        .args(["plan"])
        .code(3)
        .stdout_has("x deny  access-control-write: client:ci can change access control")
        .stdout_has("apply refuses this plan: it breaks a rule at deny")
        .stderr_has("refused: apply would refuse this plan: rule access-control-write is at deny: client:ci can change access control")
        .run();
    // The JSON document is printed whole, and the exit code says it.
    let doc: PlanDocument = serde_json::from_value(
        Case::new()
            .file("access.yaml", &files)
            .against(&base)
            .args(["plan", "--format", "json"])
            .code(3)
            .json(),
    )
    .unwrap();
    assert_eq!(doc.violations[0].level.as_str(), "deny");
    let before = writes(&base);
    Case::new()
        .file("access.yaml", &files)
        .against(&base)
        .args(["apply", "--auto-approve"])
        .code(3)
        .stderr_has("refused: policy rules stop this plan")
        .stderr_has("rule access-control-write is at deny: client:ci can change access control: AUTHORIZATION:* UPDATE (direct)")
        .run();
    assert_eq!(writes(&base), before, "a refused apply wrote");
    let found = send(
        &base,
        "POST",
        "/v2/authorizations/search",
        Some(serde_json::json!({"filter": {"ownerId": "ci"}})),
    );
    assert_eq!(found["items"].as_array().unwrap().len(), 0, "{found}");
    // Reading only is never refused.
    Case::new()
        .file(
            "access.yaml",
            &grants_authorization_update("policy:\n  rules:\n    access-control-write: allow\n"),
        )
        .against(&base)
        .args(["plan", "--detailed-exitcode"])
        .code(2)
        .stdout_lacks("Policy rules:")
        .run();
}

#[test]
fn deny_stops_what_a_plan_adds_not_what_the_cluster_already_held() {
    let sim = fixtures::sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    // Someone made `ops` an administrator by hand.
    send(&base, "PUT", "/v2/roles/admin/clients/ops", None);
    let files = |extra: &str| {
        format!(
            "version: 1\npolicy:\n  rules:\n    admin-membership: deny\ngroups:\n  - id: auditors\n{extra}"
        )
    };
    Case::new()
        .file("access.yaml", &files(""))
        .against(&base)
        .args(["apply", "--auto-approve"])
        .code(0)
        .stdout_has("Policy rules: 1 violation(s) the cluster already holds, none new")
        .run();
    // Making another administrator is refused.
    Case::new()
        .file("access.yaml", &files("    roles: [admin]\n"))
        .against(&base)
        .args(["apply", "--auto-approve"])
        .code(3)
        .stderr_has("rule admin-membership is at deny: group:auditors is a member of the built-in role admin")
        .run();
}

#[test]
fn policy_rules_are_validated_at_their_place() {
    Case::new()
        .file(
            "access.yaml",
            "version: 1\npolicy:\n  rules:\n    admin-membershp: deny\n    universal-claim: block\n",
        )
        .args(["validate", "."])
        .code(1)
        .stderr_has("unknown-rule")
        .stderr_has("'admin-membershp' is not a guardrail rule")
        .stderr_has("did you mean 'admin-membership'?")
        .stderr_has("access.yaml:4:5")
        .stderr_has("invalid-rule-level")
        .stderr_has("'block' is not a level for rule 'universal-claim'")
        .stderr_has("access.yaml:5:22")
        .run();
}
