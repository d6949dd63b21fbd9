//! Accepting drift: `drift --update-files` and `drift --diff` change the
//! files to declare what the cluster holds, keeping their comments.

use std::fs;
use std::path::Path;

use camunda_access::model::CamundaVersion;
use serde_json::json;

use crate::common::Case;
use crate::fixtures::{grant, group, send, sim};

/// An order team's access, with comments everywhere a reviewer would put
/// them.
const ACCESS: &str = r#"# yaml-language-server: $schema=../schema/camunda-access.schema.json
# The order team's access; reviewed by the platform team.
version: 1

policy:
  prune: [groups]   # hand-made groups are deleted

groups:
  # Every order worker.
  - id: order-workers
    name: Order workers   # shown in the UI
    members:
      clients: [worker-a]
    permissions:
      - resource: MESSAGE
        id: "*"
        allow: [CREATE, READ]   # publish and correlate

clients:
  - id: worker-a
    roles: [reader]  # reads processes

roles:
  # Read-only access to the order processes.
  - id: reader
    permissions:
      - resource: PROCESS_DEFINITION
        ids: [orders, invoices]
        allow: [READ_PROCESS_DEFINITION]
"#;

/// The comment lines (and trailing comments) of a file.
fn comments(text: &str) -> Vec<&str> {
    text.lines()
        .filter_map(|l| l.find('#').map(|i| &l[i..]))
        .filter(|c| !c.starts_with("#\""))
        .collect()
}

/// The key of the only live authorization of `owner` on `resource_type`.
fn authorization_key(base: &str, owner: &str, resource_type: &str) -> String {
    let found = send(
        base,
        "POST",
        "/v2/authorizations/search",
        Some(json!({"filter": {"ownerId": owner, "resourceType": resource_type}})),
    );
    found["items"][0]["authorizationKey"]
        .as_str()
        .expect("the authorization exists")
        .to_owned()
}

fn read(dir: &Path, name: &str) -> String {
    fs::read_to_string(dir.join(name)).unwrap()
}

/// The issue's test: three changes by hand (a member added, a permission
/// removed, a new group), then `drift --update-files`; `plan` on the
/// updated files is empty and every comment is still there.
#[test]
fn three_hand_made_changes_become_the_files_and_plan_is_empty() {
    let sim = sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("access.yaml"), ACCESS).unwrap();
    let case = |args: &[&str]| {
        Case::in_dir(dir.path())
            .against(&base)
            .args(args)
            .args(["--settle-ms", "0"])
    };
    case(&["apply", ".", "--auto-approve"]).code(0).run();

    // Another client fixes production by hand.
    send(
        &base,
        "PUT",
        "/v2/groups/order-workers/clients/worker-b",
        None,
    );
    let key = authorization_key(&base, "order-workers", "MESSAGE");
    send(
        &base,
        "PUT",
        &format!("/v2/authorizations/{key}"),
        Some(
            json!({"ownerId": "order-workers", "ownerType": "GROUP", "resourceType": "MESSAGE",
                    "resourceId": "*", "permissionTypes": ["CREATE"]}),
        ),
    );
    group(&base, "hotfix", "Hotfix team");
    send(&base, "PUT", "/v2/groups/hotfix/clients/worker-c", None);
    grant(
        &base,
        ("GROUP", "hotfix"),
        ("PROCESS_DEFINITION", "orders"),
        &["READ_PROCESS_INSTANCE"],
    );

    case(&["drift", ".", "--update-files"])
        .code(2)
        .stdout_has("- group hotfix")
        .stdout_has("Files updated to match the cluster:\n  ~ ./access.yaml\n")
        .run();
    let after = read(dir.path(), "access.yaml");
    assert_eq!(comments(&after), comments(ACCESS), "{after}");
    assert!(
        after.contains("      clients: [worker-a, worker-b]\n"),
        "{after}"
    );
    assert!(
        after.contains("        allow: [CREATE]   # publish and correlate\n"),
        "{after}"
    );
    assert!(
        after.contains(
            "  - id: hotfix\n    name: \"Hotfix team\"\n    members:\n      clients: [worker-c]\n    permissions:\n      - resource: PROCESS_DEFINITION\n        id: orders\n        allow: [READ_PROCESS_INSTANCE]\n\nclients:\n"
        ),
        "{after}"
    );
    case(&["plan", ".", "--detailed-exitcode"])
        .code(0)
        .stdout_has("No changes")
        .run();
    // Nothing left to accept: no file is touched.
    case(&["drift", ".", "--update-files"])
        .code(0)
        .stdout_has("none was changed")
        .run();
    assert_eq!(read(dir.path(), "access.yaml"), after);
}

/// `--diff` prints the change as a unified diff and writes nothing; with
/// `--format json` the document carries each file's diff.
#[test]
fn diff_shows_the_change_and_writes_nothing() {
    let sim = sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("access.yaml"), ACCESS).unwrap();
    let case = |args: &[&str]| {
        Case::in_dir(dir.path())
            .against(&base)
            .args(args)
            .args(["--settle-ms", "0"])
    };
    case(&["apply", ".", "--auto-approve"]).code(0).run();
    // The whole authorization goes, and a member with it.
    let key = authorization_key(&base, "reader", "PROCESS_DEFINITION");
    let keys = send(
        &base,
        "POST",
        "/v2/authorizations/search",
        Some(json!({"filter": {"ownerId": "reader"}})),
    );
    let invoices = keys["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["resourceId"] == "invoices")
        .unwrap()["authorizationKey"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(!key.is_empty());
    send(
        &base,
        "DELETE",
        &format!("/v2/authorizations/{invoices}"),
        None,
    );
    send(&base, "DELETE", "/v2/roles/reader/clients/worker-a", None);

    case(&["drift", ".", "--diff"])
        .code(2)
        .stdout_has("--- a/access.yaml\n+++ b/access.yaml\n")
        .stdout_has("-    roles: [reader]  # reads processes\n+    roles: []  # reads processes\n")
        .stdout_has("-        ids: [orders, invoices]\n+        ids: [orders]\n")
        .run();
    assert_eq!(read(dir.path(), "access.yaml"), ACCESS);
    let document = case(&["drift", ".", "--diff", "--format", "json"])
        .code(2)
        .json();
    assert_eq!(document["written"], false);
    assert_eq!(document["files"][0]["path"], "./access.yaml");
    assert_eq!(document["files"][0]["status"], "changed");
    assert!(
        document["files"][0]["diff"]
            .as_str()
            .unwrap()
            .contains("+        ids: [orders]")
    );
    assert_eq!(read(dir.path(), "access.yaml"), ACCESS);
}

/// A value written with a variable is never rewritten: that edit is
/// refused with its place, the rest is written, and the run exits 1.
#[test]
fn a_templated_value_is_refused_with_its_place_and_the_rest_is_written() {
    let sim = sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    let dir = tempfile::tempdir().unwrap();
    let access = "version: 1\ngroups:\n  # The team; its name comes from the environment.\n  - id: team\n    name: ${env:TEAM_NAME}\n    members:\n      clients: [a]\n";
    fs::write(dir.path().join("access.yaml"), access).unwrap();
    let case = |args: &[&str]| {
        Case::in_dir(dir.path())
            .against(&base)
            .env("TEAM_NAME", "Team")
            .args(args)
            .args(["--settle-ms", "0"])
    };
    case(&["apply", ".", "--auto-approve"]).code(0).run();
    send(
        &base,
        "PUT",
        "/v2/groups/team",
        Some(json!({"name": "Renamed by hand", "description": ""})),
    );
    send(&base, "PUT", "/v2/groups/team/clients/b", None);
    case(&["drift", ".", "--update-files"])
        .code(1)
        .stdout_has("Not written to the files (change them by hand):\n  ! ./access.yaml:5: the name of group team differs in the cluster, but it is written with a variable; change it by hand\n")
        .run();
    let after = read(dir.path(), "access.yaml");
    assert_eq!(after, access.replace("[a]", "[a, b]"));
}

/// Files split by kind: a new group goes to the file that holds groups, a
/// new role to a new `roles.yaml` named in the output; the other files are
/// not touched.
#[test]
fn new_objects_go_to_the_file_of_their_kind_or_a_new_one() {
    let sim = sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    let dir = tempfile::tempdir().unwrap();
    let schema = "# yaml-language-server: $schema=../schema/camunda-access.schema.json\n";
    let policy =
        format!("{schema}version: 1\npolicy:\n  prune: [groups, roles]  # nothing by hand\n");
    let groups = format!("{schema}version: 1\n\ngroups:\n  - id: ops  # the operators\n");
    let clients = format!("{schema}version: 1\nclients:\n  - id: deployer\n    groups: [ops]\n");
    for (name, text) in [
        ("policy.yaml", &policy),
        ("groups.yaml", &groups),
        ("clients.yaml", &clients),
    ] {
        fs::write(dir.path().join(name), text).unwrap();
    }
    let case = |args: &[&str]| {
        Case::in_dir(dir.path())
            .against(&base)
            .args(args)
            .args(["--settle-ms", "0"])
    };
    case(&["apply", ".", "--auto-approve"]).code(0).run();
    group(&base, "auditors", "Auditors");
    send(
        &base,
        "POST",
        "/v2/roles",
        Some(json!({"roleId": "viewer", "name": "Viewer"})),
    );
    send(&base, "PUT", "/v2/roles/viewer/clients/deployer", None);
    case(&["drift", ".", "--update-files"])
        .code(2)
        .stdout_has("  ~ ./groups.yaml\n")
        .stdout_has("  + ./roles.yaml (new file)\n")
        .run();
    assert_eq!(
        read(dir.path(), "groups.yaml"),
        format!("{groups}  - id: auditors\n    name: Auditors\n")
    );
    assert_eq!(read(dir.path(), "policy.yaml"), policy);
    assert_eq!(
        read(dir.path(), "roles.yaml"),
        format!(
            "{schema}version: 1\n\nroles:\n  - id: viewer\n    name: Viewer\n    members:\n      clients: [deployer]\n"
        )
    );
    assert_eq!(read(dir.path(), "clients.yaml"), clients);
    case(&["plan", ".", "--detailed-exitcode"]).code(0).run();
}

/// Unmanaged objects (their kind is not pruned) are left out of the files
/// and named, unless `--adopt-unmanaged` asks for them.
#[test]
fn unmanaged_objects_are_added_only_when_asked() {
    let sim = sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    let dir = tempfile::tempdir().unwrap();
    let access = "version: 1\ngroups:\n  - id: team  # declared\n";
    fs::write(dir.path().join("access.yaml"), access).unwrap();
    let case = |args: &[&str]| {
        Case::in_dir(dir.path())
            .against(&base)
            .args(args)
            .args(["--settle-ms", "0"])
    };
    case(&["apply", ".", "--auto-approve"]).code(0).run();
    group(&base, "by-hand", "By hand");
    grant(&base, ("CLIENT", "robot"), ("MESSAGE", "*"), &["CREATE"]);
    case(&["drift", ".", "--update-files"])
        .code(0)
        .stdout_has("none was changed")
        .stdout_has("  ? group by-hand: unmanaged (add it with --adopt-unmanaged)\n")
        .run();
    assert_eq!(read(dir.path(), "access.yaml"), access);
    case(&["drift", ".", "--adopt-unmanaged"])
        .code(1)
        .stderr_has("--adopt-unmanaged goes with --update-files or --diff")
        .run();
    case(&["drift", ".", "--update-files", "--adopt-unmanaged"])
        .code(0)
        .stdout_has("  ~ ./access.yaml\n")
        .stdout_has("  + ./authorizations.yaml (new file)\n")
        .run();
    let after = read(dir.path(), "access.yaml");
    assert!(after.starts_with("version: 1\ngroups:\n  - id: team  # declared\n  - id: by-hand\n    name: \"By hand\"\n"), "{after}");
    // No file has `authorizations:`: a new one, named after the section.
    assert_eq!(
        read(dir.path(), "authorizations.yaml"),
        "version: 1\n\nauthorizations:\n  - owner:\n      type: CLIENT\n      id: robot\n    resource: MESSAGE\n    id: \"*\"\n    allow: [CREATE]\n"
    );
    case(&["drift", "."])
        .code(0)
        .stdout_lacks("unmanaged")
        .run();
}

/// A membership goes on the side the files already use for it; an ID of an
/// `ids:` list whose permissions changed gets an entry of its own.
#[test]
fn memberships_keep_their_side_and_a_changed_id_leaves_its_shared_entry() {
    let sim = sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    let dir = tempfile::tempdir().unwrap();
    let access = format!("{ACCESS}  - id: writer\n");
    fs::write(dir.path().join("access.yaml"), &access).unwrap();
    let case = |args: &[&str]| {
        Case::in_dir(dir.path())
            .against(&base)
            .args(args)
            .args(["--settle-ms", "0"])
    };
    case(&["apply", ".", "--auto-approve"]).code(0).run();
    // worker-a lists its roles itself; outsider is declared nowhere.
    send(&base, "PUT", "/v2/roles/writer/clients/worker-a", None);
    send(&base, "PUT", "/v2/roles/writer/clients/outsider", None);
    let keys = send(
        &base,
        "POST",
        "/v2/authorizations/search",
        Some(json!({"filter": {"ownerId": "reader"}})),
    );
    let orders = keys["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["resourceId"] == "orders")
        .unwrap()["authorizationKey"]
        .as_str()
        .unwrap()
        .to_owned();
    send(
        &base,
        "PUT",
        &format!("/v2/authorizations/{orders}"),
        Some(
            json!({"ownerId": "reader", "ownerType": "ROLE", "resourceType": "PROCESS_DEFINITION",
                    "resourceId": "orders",
                    "permissionTypes": ["READ_PROCESS_DEFINITION", "READ_PROCESS_INSTANCE"]}),
        ),
    );
    case(&["drift", ".", "--update-files"]).code(2).run();
    let after = read(dir.path(), "access.yaml");
    assert!(
        after.contains("    roles: [reader, writer]  # reads processes\n"),
        "{after}"
    );
    assert!(
        after.contains("        ids: [invoices]\n        allow: [READ_PROCESS_DEFINITION]\n      - resource: PROCESS_DEFINITION\n        id: orders\n        allow: [READ_PROCESS_DEFINITION, READ_PROCESS_INSTANCE]\n  - id: writer\n    members:\n      clients: [outsider]\n"),
        "{after}"
    );
    case(&["plan", ".", "--detailed-exitcode"]).code(0).run();
}

/// The edited files are checked before anything is written: a live value
/// the format refuses (a user's empty name) stops the run, names the place,
/// and leaves every file as it was.
#[test]
fn edits_the_format_refuses_write_nothing() {
    let sim = sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    let dir = tempfile::tempdir().unwrap();
    let access = "version: 1\nusers:\n  - username: alice  # the auditor\n    name: Alice\n    password: ${secret:ALICE_PASSWORD}\n";
    fs::write(dir.path().join("access.yaml"), access).unwrap();
    let case = |args: &[&str]| {
        Case::in_dir(dir.path())
            .against(&base)
            .env("ALICE_PASSWORD", "a-password-never-written")
            .args(args)
            .args(["--settle-ms", "0"])
    };
    case(&["apply", ".", "--auto-approve"]).code(0).run();
    send(&base, "PUT", "/v2/users/alice", Some(json!({"name": ""})));
    case(&["drift", ".", "--update-files"])
        .code(1)
        .stderr_has("name is empty")
        .stderr_has("the updated files would not be valid; nothing was written")
        .stdout_lacks("a-password-never-written")
        .run();
    assert_eq!(read(dir.path(), "access.yaml"), access);
}

/// Grants shared through a YAML alias are never rewritten (the change
/// would reach every entry that uses the alias): refused, named with the
/// alias and its place.
#[test]
fn a_value_shared_through_an_alias_is_refused() {
    let sim = sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    let dir = tempfile::tempdir().unwrap();
    let access = "version: 1\nx-worker-grants: &worker-grants\n  - resource: MESSAGE\n    id: \"*\"\n    allow: [CREATE, READ]\nclients:\n  - id: worker-a\n    permissions: *worker-grants\n  - id: worker-b\n    permissions: *worker-grants\ngroups:\n  - id: team\n    members:\n      clients: [worker-a]\n";
    fs::write(dir.path().join("access.yaml"), access).unwrap();
    let case = |args: &[&str]| {
        Case::in_dir(dir.path())
            .against(&base)
            .args(args)
            .args(["--settle-ms", "0"])
    };
    case(&["apply", ".", "--auto-approve"]).code(0).run();
    let key = authorization_key(&base, "worker-a", "MESSAGE");
    send(
        &base,
        "PUT",
        &format!("/v2/authorizations/{key}"),
        Some(
            json!({"ownerId": "worker-a", "ownerType": "CLIENT", "resourceType": "MESSAGE",
                    "resourceId": "*", "permissionTypes": ["CREATE"]}),
        ),
    );
    send(&base, "PUT", "/v2/groups/team/clients/worker-b", None);
    case(&["drift", ".", "--update-files", "--format", "markdown"])
        .code(1)
        .stderr_has("not Markdown")
        .run();
    assert_eq!(read(dir.path(), "access.yaml"), access);
    case(&["drift", ".", "--diff"])
        .code(1)
        .stdout_has("+      clients: [worker-a, worker-b]\n")
        .stderr_has("  ! ./access.yaml:8: client:worker-a on MESSAGE:* differs in the cluster, but it is declared through the YAML alias `*worker-grants`, which other entries share; change it by hand\n")
        .run();
    assert_eq!(read(dir.path(), "access.yaml"), access);
    case(&["drift", ".", "--update-files"]).code(1).run();
    assert_eq!(
        read(dir.path(), "access.yaml"),
        access.replace("[worker-a]\n", "[worker-a, worker-b]\n")
    );
}
