//! `lifecycle:` per object: `observe` is reported and never written,
//! `create-only` is created when missing and never changed after.

use camunda_access::model::CamundaVersion;
use camunda_access::plan::document::PlanDocument;
use serde_json::json;

use crate::common::Case;
use crate::fixtures::{self, group, send, writes};

const OBSERVED: &str = "version: 1
groups:
  - id: platform        # made by Camunda's bootstrap; watched, not owned
    name: Platform team
    lifecycle: observe
    members:
      clients: [ops]
  - id: absent
    lifecycle: observe
authorizations:
  - owner: {type: CLIENT, id: auditor}
    resource: AUTHORIZATION
    id: \"*\"
    allow: [READ]
    lifecycle: observe
";

#[test]
fn an_observed_object_is_reported_by_plan_and_drift_and_never_written() {
    let sim = fixtures::sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    group(&base, "platform", "Platform");
    let case = || Case::new().file("access.yaml", OBSERVED).against(&base);
    case()
        .args(["plan"])
        .code(0)
        .stdout_has("No changes to apply. Objects whose lifecycle keeps them as they are differ (below).\n")
        .stdout_has("Not applied (lifecycle):\n")
        .stdout_has("  ~ group platform (name)  [observe group:platform]\n      ~ name: \"Platform\" -> \"Platform team\"\n")
        .stdout_has("  + group absent  [observe group:absent]\n")
        .stdout_has("  + client:ops in group:platform  [observe group:platform]\n")
        .stdout_has("[observe authorization client:auditor on AUTHORIZATION:*]")
        .stdout_has("Plan: 0 to add, 0 to change, 0 to destroy.")
        .run();
    let doc: PlanDocument =
        serde_json::from_value(case().args(["plan", "--format", "json"]).code(0).json()).unwrap();
    assert!(doc.changes.is_empty(), "{:?}", doc.changes);
    assert_eq!(doc.held_back.len(), 4, "{:?}", doc.held_back);
    assert!(
        doc.held_back
            .iter()
            .all(|h| h.lifecycle.as_str() == "observe")
    );

    let before = writes(&base);
    case().args(["apply", "--auto-approve"]).code(0).run();
    assert_eq!(writes(&base), before, "apply wrote an observed object");
    let live = send(&base, "GET", "/v2/groups/platform", None);
    assert_eq!(live["name"], "Platform");

    case()
        .args(["drift"])
        .code(2)
        .stdout_has("4 difference(s) of observed objects (lifecycle: observe; apply leaves them):")
        .run();
    let drift = case().args(["drift", "--format", "json"]).code(2).json();
    assert_eq!(drift["drift"], json!(true));
    assert_eq!(drift["observed"].as_array().unwrap().len(), 4, "{drift:#}");
}

const CREATE_ONLY: &str = "version: 1
groups:
  - id: bootstrap
    name: Bootstrap
    lifecycle: create-only
    members:
      clients: [ci]
";

#[test]
fn create_only_creates_a_missing_object_and_never_updates_it() {
    let sim = fixtures::sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    let case = || Case::new().file("access.yaml", CREATE_ONLY).against(&base);
    case()
        .args(["apply", "--auto-approve"])
        .code(0)
        .stdout_has("+ group bootstrap")
        .stdout_has("+ client:ci in group:bootstrap")
        .run();
    // Someone renames it and adds a member by hand.
    send(
        &base,
        "PUT",
        "/v2/groups/bootstrap",
        Some(json!({"name": "Renamed", "description": ""})),
    );
    send(&base, "PUT", "/v2/groups/bootstrap/clients/other", None);
    case()
        .args(["plan", "--detailed-exitcode"])
        .code(0)
        .stdout_has("  ~ group bootstrap (name)  [create-only group:bootstrap]\n")
        .stdout_has("  - client:other in group:bootstrap  [create-only group:bootstrap]\n")
        .run();
    let before = writes(&base);
    case().args(["apply", "--auto-approve"]).code(0).run();
    assert_eq!(writes(&base), before, "apply changed a create-only object");
    assert_eq!(
        send(&base, "GET", "/v2/groups/bootstrap", None)["name"],
        "Renamed"
    );
    // Not drift: the files asked for exactly this.
    case().args(["drift"]).code(0).run();
}

#[test]
fn a_lifecycle_that_does_not_exist_is_an_error_at_its_place() {
    Case::new()
        .file(
            "access.yaml",
            "version: 1\ngroups:\n  - id: g\n    lifecycle: ignore\n  - id: h\n    lifecycle: Observe\n",
        )
        .args(["validate", "."])
        .code(1)
        .stderr_has("invalid-lifecycle")
        .stderr_has("'ignore' is not a lifecycle\n")
        .stderr_has("'Observe' is not a lifecycle (did you mean `observe`?)")
        .stderr_has("access.yaml:4:16")
        .stderr_has("use manage (the default")
        .run();
}

#[test]
fn export_with_observe_adopts_a_cluster_without_owning_it_then_promote_one_object() {
    let sim = fixtures::sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    group(&base, "finance", "Finance");
    group(&base, "ops", "Ops");
    let exported = Case::new()
        .against(&base)
        .args(["export", "--lifecycle", "observe"])
        .code(0)
        .stdout_has("  - id: finance\n    lifecycle: observe\n")
        .stdout_has("  - id: ops\n    lifecycle: observe\n")
        .run()
        .stdout;
    // A hand change later is reported, not reverted.
    send(
        &base,
        "PUT",
        "/v2/groups/ops",
        Some(json!({"name": "Operations", "description": ""})),
    );
    let before = writes(&base);
    Case::new()
        .file("access.yaml", &exported)
        .against(&base)
        .args(["apply", "--auto-approve"])
        .code(0)
        .stdout_has("  ~ group ops (name)  [observe group:ops]")
        .run();
    assert_eq!(writes(&base), before);
    // Promoted to `manage` (the line removed), the files win.
    let promoted = exported.replacen("  - id: ops\n    lifecycle: observe\n", "  - id: ops\n", 1);
    Case::new()
        .file("access.yaml", &promoted)
        .against(&base)
        .args(["apply", "--auto-approve"])
        .code(0)
        .stdout_has("Apply: 1 change(s): 1 done")
        .run();
    assert_eq!(send(&base, "GET", "/v2/groups/ops", None)["name"], "Ops");
}

#[test]
fn the_worked_example_adopts_a_bootstrapped_cluster_one_object_at_a_time() {
    let root = crate::common::root();
    let application =
        std::fs::read_to_string(root.join("examples/adopt-bootstrap/camunda/application.yaml"))
            .unwrap();
    let mut config = camunda_access::sim::SimConfig::new(CamundaVersion::V8_8);
    config.lag = std::time::Duration::ZERO;
    config.init = Some(camunda_access::sim::init::parse(&application).unwrap());
    let sim = camunda_access::sim::Background::start(config).unwrap();
    let base = sim.url();
    let example = || Case::in_dir(&root).against(&base);
    // The promoted group is the only thing the files change.
    example()
        .args(["apply", "examples/adopt-bootstrap", "--auto-approve"])
        .code(0)
        .stdout_has("  + client:ops-cli in group:operators  [membership]\n")
        .stdout_has("Plan: 1 to add, 0 to change, 0 to destroy.")
        .run();
    example()
        .args(["plan", "examples/adopt-bootstrap", "--detailed-exitcode"])
        .code(0)
        .stdout_has("No changes. The cluster matches the configuration.")
        .run();
    // The bootstrap's owners change an observed role: reported, not reverted.
    send(
        &base,
        "PUT",
        "/v2/roles/process-operator",
        Some(json!({"name": "Operators (read only)", "description": ""})),
    );
    example()
        .args(["drift", "examples/adopt-bootstrap"])
        .code(2)
        .stdout_has("~ role process-operator (name)  [observe role:process-operator]")
        .run();
    let before = writes(&base);
    example()
        .args(["apply", "examples/adopt-bootstrap", "--auto-approve"])
        .code(0)
        .run();
    assert_eq!(writes(&base), before);
}

#[test]
fn a_deletion_that_would_empty_an_observed_group_of_a_member_is_held_back() {
    let sim = fixtures::sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    group(&base, "platform", "Platform");
    fixtures::user(&base, "bob", "bob-pw-123456", "Bob", "bob@example.com");
    send(&base, "PUT", "/v2/groups/platform/users/bob", None);
    let files = "version: 1
policy:
  prune: [users]
groups:
  - id: platform
    name: Platform
    lifecycle: observe
    members-mode: additive
";
    Case::new()
        .file("access.yaml", files)
        .against(&base)
        .args(["plan"])
        .code(0)
        .stdout_has("  - user bob  [observe group:platform]\n")
        .run();
}

/// `create-only` on what Camunda always has would never write anything:
/// `validate` says so where it is written, and the files stay valid.
#[test]
fn create_only_on_a_built_in_role_is_flagged_as_idle() {
    Case::new()
        .file(
            "access.yaml",
            "version: 1\nroles:\n  - id: admin\n    lifecycle: create-only\n    members:\n      clients: [ops]\ntenants:\n  - id: <default>\n    lifecycle: observe\n",
        )
        .args(["validate", "."])
        .code(0)
        .stderr_has("idle-lifecycle")
        .stderr_has("role:admin always exists, so `create-only` never writes anything of it")
        .stderr_has("access.yaml:4:16")
        .stderr_lacks("tenant:<default> always exists")
        .run();
}

/// `lifecycle:` where none exists (a client) says where it belongs.
#[test]
fn a_lifecycle_on_a_client_says_where_lifecycles_belong() {
    Case::new()
        .file(
            "access.yaml",
            "version: 1\nclients:\n  - id: worker\n    lifecycle: observe\n",
        )
        .args(["validate", "."])
        .code(1)
        .stderr_has("unknown-key")
        .stderr_has("access.yaml:4:5")
        .stderr_has("clients have none")
        .run();
}
