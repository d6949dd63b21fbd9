//! Human-facing output across scenarios, as a user reads it (no colour),
//! snapshotted with the filters of `common::snapshot_settings`: `plan`
//! (human and Markdown), the `apply` report (success, a refused plan and
//! failed writes), `drift` (human and Markdown) and `export`.

use camunda_access::model::CamundaVersion;
use serde_json::json;

use crate::common::Case;
use crate::fixtures::{PRUNE_GROUPS_KEEP, faults, grant, group, old_groups, send, sim};

/// A configuration that, against [`clicked_together`], creates, updates
/// and deletes entities, adds and removes members, widens a grant, leaves
/// an unmanaged role alone and warns about a protected group.
const EVERY_KIND_OF_CHANGE: &str = r#"version: 1
policy:
  prune: [groups]
  protect: [group:break-glass]
groups:
  - id: team
    name: The team
  - id: new-team
    name: New team
    roles: [ops]
  - id: break-glass
    name: Renamed
roles:
  - id: ops
    name: Ops
    members:
      clients: [deployer]
    permissions:
      - resource: MESSAGE
        id: "*"
        allow: [CREATE, READ]
"#;

/// A cluster set up by hand: a group to prune with a member and a grant,
/// a group to rename, a protected group, a role with another member and a
/// narrower grant, and a role the files do not declare.
fn clicked_together(base: &str) {
    group(base, "old", "Old");
    send(base, "PUT", "/v2/groups/old/clients/worker", None);
    grant(base, ("GROUP", "old"), ("DOCUMENT", "*"), &["READ"]);
    group(base, "team", "Team");
    group(base, "break-glass", "Break glass");
    send(
        base,
        "POST",
        "/v2/roles",
        Some(json!({"roleId": "ops", "name": "Ops"})),
    );
    send(base, "PUT", "/v2/roles/ops/clients/ci", None);
    grant(base, ("ROLE", "ops"), ("MESSAGE", "*"), &["CREATE"]);
    send(
        base,
        "POST",
        "/v2/roles",
        Some(json!({"roleId": "by-hand", "name": "By hand"})),
    );
}

#[test]
fn plan_and_drift_of_every_kind_of_change() {
    let sim = sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    clicked_together(&base);
    let case = || {
        Case::new()
            .file("access.yaml", EVERY_KIND_OF_CHANGE)
            .against(&base)
    };
    case()
        .args(["plan", ".", "--detailed-exitcode"])
        .code(2)
        .snapshot("plan_every_kind_of_change")
        .run();
    case()
        .args(["plan", ".", "--format", "markdown"])
        .code(0)
        .snapshot("plan_markdown_every_kind_of_change")
        .run();
    case()
        .args(["drift", "."])
        .code(2)
        .snapshot("drift_every_kind_of_change")
        .run();
    case()
        .args(["drift", ".", "--format", "markdown"])
        .code(2)
        .snapshot("drift_markdown_every_kind_of_change")
        .run();
}

/// The quickstart applied to a fresh cluster: the plan, the report, and
/// one progress line per change on stderr (one write at a time, so in
/// order); then drift finds nothing and a plan has nothing to do.
#[test]
fn apply_of_the_quickstart_and_what_follows() {
    let sim = sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    Case::new()
        .against(&base)
        .args(["apply", "examples/quickstart", "--auto-approve"])
        .args(["--parallelism", "1"])
        .code(0)
        .snapshot("apply_quickstart")
        .stderr_snapshot("apply_quickstart_progress")
        .run();
    Case::new()
        .against(&base)
        .args(["drift", "examples/quickstart"])
        .code(0)
        .snapshot("drift_none")
        .run();
    Case::new()
        .against(&base)
        .args(["plan", "examples/quickstart", "--detailed-exitcode"])
        .code(0)
        .snapshot("plan_no_changes")
        .run();
}

/// Every write answered 503 `UNAVAILABLE` (the simulator's fault
/// injection): the creates fail after their retries, the membership that
/// waits for them is skipped, and the report says what to do.
#[test]
fn apply_with_failed_writes() {
    let case = Case::new()
        .file(
            "access.yaml",
            "version: 1\ngroups:\n  - id: team\n    name: Team\n    roles: [ops]\nroles:\n  - id: ops\n",
        )
        .sim();
    faults(&case.url(), json!({"partitionUnavailable": {"share": 1.0}}));
    case.args(["apply", ".", "--auto-approve", "--parallelism", "1"])
        .code(1)
        .snapshot("apply_failed_writes")
        .run();
}

/// A plan over the deletion budget: the plan is shown, the refusal says
/// why and how to go ahead, and nothing is written.
#[test]
fn apply_refused_by_the_deletion_budget() {
    let sim = sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    old_groups(&base, 3);
    Case::new()
        .file("access.yaml", PRUNE_GROUPS_KEEP)
        .against(&base)
        .args(["apply", ".", "--auto-approve", "--max-deletes", "1"])
        .code(3)
        .snapshot("apply_refused_plan")
        .stderr_snapshot("apply_refused")
        .run();
}

/// `export` of a cluster holding the quickstart plus objects made by hand:
/// a tenant, a user and a mapping rule in a group.
#[test]
fn export_of_a_cluster() {
    let sim = sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    Case::new()
        .against(&base)
        .args([
            "apply",
            "examples/quickstart",
            "--auto-approve",
            "--no-wait",
        ])
        .code(0)
        .run();
    send(
        &base,
        "POST",
        "/v2/users",
        Some(
            json!({"username": "ann", "password": "pw-123456", "name": "Ann",
                    "email": "ann@example.com"}),
        ),
    );
    send(
        &base,
        "POST",
        "/v2/mapping-rules",
        Some(json!({"mappingRuleId": "finance", "name": "Finance",
                    "claimName": "groups", "claimValue": "finance"})),
    );
    send(
        &base,
        "PUT",
        "/v2/groups/order-workers/mapping-rules/finance",
        None,
    );
    send(&base, "PUT", "/v2/groups/order-workers/users/ann", None);
    send(
        &base,
        "POST",
        "/v2/tenants",
        Some(json!({"tenantId": "emea", "name": "EMEA"})),
    );
    Case::new()
        .against(&base)
        .args(["export"])
        .code(0)
        .snapshot("export")
        .run();
    // The same cluster against the quickstart: what was added by hand.
    Case::new()
        .against(&base)
        .args(["plan", "examples/quickstart"])
        .code(0)
        .snapshot("plan_hand_made_members_and_unmanaged")
        .run();
}
