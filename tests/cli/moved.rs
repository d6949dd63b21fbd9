//! `moved:`: a group renamed keeps its members and memberships, the old ID
//! is gone, and nobody loses a permission at any point of the apply.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use camunda_access::analysis::{Analyzer, Subject};
use camunda_access::live::{Auth, Client};
use camunda_access::model::CamundaVersion;
use camunda_access::model::state::{AccessState, Principal};
use camunda_access::ops::{self, Session, apply::ApplyOptions};
use camunda_access::plan::Order;
use serde_json::json;

use crate::common::Case;
use crate::fixtures::{self, grant, group, send};

const RENAMED: &str = "version: 1
groups:
  - id: finance              # was `old`
    name: Finance
    members-mode: additive
    permissions:
      - resource: PROCESS_DEFINITION
        id: invoice
        allow: [READ_PROCESS_DEFINITION]
moved:
  - from: group:old
    to: group:finance
";

/// A group `old` made by hand: two clients in it, it in the built-in role
/// `readonly-admin` and in an undeclared role, and a grant of its own.
fn hand_made(base: &str) {
    group(base, "old", "Old");
    send(base, "PUT", "/v2/groups/old/clients/c1", None);
    send(base, "PUT", "/v2/groups/old/clients/c2", None);
    send(base, "PUT", "/v2/roles/readonly-admin/groups/old", None);
    send(
        base,
        "POST",
        "/v2/roles",
        Some(json!({"roleId": "auditors", "name": "Auditors"})),
    );
    send(base, "PUT", "/v2/roles/auditors/groups/old", None);
    grant(
        base,
        ("GROUP", "old"),
        ("PROCESS_DEFINITION", "invoice"),
        &["READ_PROCESS_DEFINITION"],
    );
}

/// The members of `group` on the cluster at `base`, as client IDs.
fn clients_of(base: &str, group: &str) -> BTreeSet<String> {
    let clients = send(
        base,
        "POST",
        &format!("/v2/groups/{group}/clients/search"),
        Some(json!({})),
    );
    clients["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["clientId"].as_str().unwrap().to_owned())
        .collect()
}

/// The issue's case: a moved group keeps every member and authorization,
/// the ones added by hand too, and the old ID is gone. What the files do
/// not declare for the new group is carried, named in a warning, and then
/// handled as any drift: the next plan removes it, or `drift
/// --update-files` writes it into the files.
#[test]
fn a_moved_group_keeps_its_members_and_memberships_and_the_old_id_is_gone() {
    let sim = fixtures::sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    hand_made(&base);
    // A grant the files do not declare for the new group.
    grant(&base, ("GROUP", "old"), ("MESSAGE", "*"), &["CREATE"]);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("access.yaml"), RENAMED).unwrap();
    let case = || Case::in_dir(dir.path()).against(&base);
    case()
        .args(["plan"])
        .code(0)
        .stdout_has("Renames (moved:), make before break: the new object and its memberships first, the old one deleted last:\n  group:old -> group:finance\n")
        // Carried, not gained: no escalation; the old group's deletion
        // takes nothing away.
        .stdout_has("  + client:c1 in group:finance  [membership]\n")
        .stdout_has("  - group old\n")
        .stdout_has("  + group:finance in role:readonly-admin")
        .stdout_has("  + group:finance in role:auditors")
        .stdout_has("  + group:finance on MESSAGE:* [CREATE]")
        .stdout_has("  + group:finance on PROCESS_DEFINITION:invoice [READ_PROCESS_DEFINITION]")
        .stdout_has("  - group old")
        .stdout_has("group:old has authorizations MESSAGE:* [CREATE] that the files do not declare for group:finance: carried over so nobody loses access, after which they are drift of group:finance like any other; declare them under group:finance to keep them (once the rename is applied, `drift --update-files` writes them into the files)\n")
        .run();
    // Drift shows the pending rename and what it would carry.
    case()
        .args(["drift", "--settle-ms", "0"])
        .code(2)
        .stdout_has("Renames (moved:) the cluster does not show yet; apply carries them out:\n  group:old -> group:finance\n")
        .stdout_has("Warnings:\n  ! group:old has authorizations MESSAGE:* [CREATE]")
        .run();
    // Before the rename is applied, writing the cluster into the files
    // would undo it: refused, and the files are left as they are.
    case()
        .args(["drift", "--update-files", "--settle-ms", "0"])
        .code(1)
        .stderr_has("the files rename what the cluster still has under its old ID (group:old -> group:finance)")
        .stderr_has("apply the rename first")
        .run();
    assert_eq!(
        std::fs::read_to_string(dir.path().join("access.yaml")).unwrap(),
        RENAMED
    );
    case()
        .args(["apply", "--auto-approve"])
        .code(0)
        .stdout_has("(The plan's destroy count includes what deletions take with them; those need no change of their own.)")
        .run();
    let (status, _) = fixtures::call(&base, "GET", "/v2/groups/old", None);
    assert_eq!(status, 404, "the old group is gone");
    assert_eq!(
        clients_of(&base, "finance"),
        BTreeSet::from(["c1".to_owned(), "c2".to_owned()])
    );
    let grants = send(
        &base,
        "POST",
        "/v2/authorizations/search",
        Some(json!({"filter": {"ownerId": "finance", "resourceType": "MESSAGE"}})),
    );
    assert_eq!(
        grants["items"][0]["permissionTypes"],
        json!(["CREATE"]),
        "the hand-made grant was carried: {grants}"
    );
    // The carried grant is now drift of a declared owner, shown as such.
    case()
        .args(["plan", "--detailed-exitcode"])
        .code(2)
        .stdout_has("  - group:finance on MESSAGE:* [CREATE]")
        .stdout_lacks("group:old")
        .run();
    case()
        .args(["drift", "--update-files", "--settle-ms", "0"])
        .code(2)
        .run();
    case()
        .args(["plan", "--detailed-exitcode"])
        .code(0)
        .stdout_has("No changes.")
        .run();
}

/// A renamed group whose members the files list: a member added by hand
/// to the old group is carried too (and named), also when the apply is
/// run again after it stopped with the new group made, so the re-run
/// never takes away what the old group still gives.
#[test]
fn a_renamed_authoritative_group_carries_a_member_added_by_hand() {
    let sim = fixtures::sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    group(&base, "old", "Old");
    send(&base, "PUT", "/v2/groups/old/clients/c1", None);
    send(&base, "PUT", "/v2/groups/old/clients/by-hand", None);
    // An apply that stopped after making the new group and one member.
    group(&base, "finance", "Finance");
    send(&base, "PUT", "/v2/groups/finance/clients/c1", None);
    send(&base, "PUT", "/v2/groups/finance/clients/by-hand", None);
    let files = "version: 1\ngroups:\n  - id: finance\n    name: Finance\n    members:\n      clients: [c1]\nmoved:\n  - from: group:old\n    to: group:finance\n";
    let case = || Case::new().file("access.yaml", files).against(&base);
    case()
        .args(["plan"])
        .code(0)
        .stdout_lacks("- client:by-hand in group:finance")
        .stdout_has("  - group old")
        .stdout_has("group:old has members client:by-hand that the files do not declare for group:finance: carried over")
        .run();
    case().args(["apply", "--auto-approve"]).code(0).run();
    assert_eq!(
        clients_of(&base, "finance"),
        BTreeSet::from(["c1".to_owned(), "by-hand".to_owned()])
    );
    let (status, _) = fixtures::call(&base, "GET", "/v2/groups/old", None);
    assert_eq!(status, 404, "the old group is gone");
    // Now an ordinary member nobody listed of a group whose members are listed.
    case()
        .args(["plan"])
        .code(0)
        .stdout_has("  - client:by-hand in group:finance")
        .run();
}

#[test]
fn moved_entries_are_validated_at_their_place() {
    Case::new()
        .file(
            "access.yaml",
            "version: 1\ngroups:\n  - id: new\n  - id: old\nmoved:\n  - from: group:old\n    to: group:new\n  - from: role:x\n    to: group:new\n  - from: group:gone\n    to: group:nowhere\n  - from: mapping_rule:a\n    to: mapping-rule:b\n",
        )
        .args(["validate", "."])
        .code(1)
        .stderr_has("group:old is still declared; a moved object is declared under its new ID only")
        .stderr_has("access.yaml:6:11")
        .stderr_has("a rename of role:x to group:new changes the kind")
        .stderr_has("group:nowhere, the new object of this rename, is not declared")
        .stderr_has("declare the object under its new ID")
        .stderr_has("`from: mapping_rule:a` names an unknown kind (did you mean `mapping-rule`?)")
        .run();
    Case::new()
        .file(
            "access.yaml",
            "version: 1\npolicy:\n  protect: [group:kept, group:shield]\ngroups:\n  - id: new\n  - id: admins\n  - id: other\n  - id: shield\nclients:\n  - id: c\n    groups: [gone]\nroles:\n  - id: ops\nmoved:\n  - from: role:admin\n    to: role:ops\n  - from: group:kept\n    to: group:admins\n  - from: group:gone\n    to: group:other\n  - from: group:older\n    to: group:shield\n",
        )
        .args(["validate", "."])
        .code(1)
        .stderr_has("a built-in role or <default> is named; they are Camunda's and are never renamed")
        .stderr_has("renames group:kept, which policy.protect keeps from being changed or deleted")
        .stderr_has("renames group:gone, which the files still refer to")
        .stderr_has("renames onto group:shield, which policy.protect keeps from being changed")
        .stderr_has("access.yaml:22:9")
        .run();
}

/// What each client may do, as `TYPE:resource PERMISSION` lines.
fn access_of_clients(state: &AccessState) -> BTreeMap<String, BTreeSet<String>> {
    let analyzer = Analyzer::new(state);
    ["c1", "c2"]
        .into_iter()
        .map(|c| {
            let explained = analyzer.explain(&Subject::Principal {
                principal: Principal::Client(c.into()),
            });
            let grants = explained
                .grants()
                .map(|(rt, resource, permission, _)| format!("{rt}:{resource} {permission}"))
                .collect();
            (c.to_owned(), grants)
        })
        .collect()
}

/// Applies `files` to the cluster at `base` one write at a time, reading
/// the cluster after each write: what each client could do before, and
/// every permission a client lacked after some write.
fn apply_reading_between_writes(
    base: &str,
    files: &str,
) -> (BTreeMap<String, BTreeSet<String>>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("access.yaml"), files).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = Arc::new(Client::new(base, Auth::None).unwrap());
    let live = rt.block_on(ops::read(&client, 8)).unwrap();
    let before = access_of_clients(&live.state);
    let desired = camunda_access::config::load(
        &[dir.path().to_owned()],
        CamundaVersion::V8_8,
        &camunda_access::config::Variables::default(),
    )
    .desired
    .expect("valid");
    let session = Session::planned(live, desired);
    let order = Order::new(&session.plan, &session.live.state);
    let options = ApplyOptions {
        parallelism: 1,
        read_parallelism: 8,
        wait: Some(Duration::from_secs(10)),
    };
    let mut seen = Vec::new();
    let report = rt.block_on(ops::apply::apply(
        client.clone(),
        &session,
        &order,
        options,
        Arc::new(AtomicBool::new(false)),
        |i, _| {
            // Read the cluster between writes, from a thread of its own.
            let base = base.to_owned();
            let now = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                let client = Arc::new(Client::new(&base, Auth::None).unwrap());
                rt.block_on(ops::read(&client, 8)).unwrap().state
            })
            .join()
            .unwrap();
            seen.push((i, access_of_clients(&now)));
        },
    ));
    assert!(report.outcomes.iter().all(|o| o.is_done()), "{report:?}");
    assert_eq!(seen.len(), session.plan.changes.len());
    let mut lost = Vec::new();
    let none = BTreeSet::new();
    for (i, access) in &seen {
        for (c, had) in &before {
            let gone: Vec<&String> = had.difference(access.get(c).unwrap_or(&none)).collect();
            if !gone.is_empty() {
                lost.push(format!(
                    "after {} client {c} lost {gone:?}",
                    session.plan.changes[*i]
                ));
            }
        }
    }
    (before, lost)
}

#[test]
fn nobody_loses_a_permission_at_any_point_of_a_rename() {
    let sim = fixtures::sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    hand_made(&base);
    // Added by hand, declared nowhere: carried too.
    grant(&base, ("GROUP", "old"), ("MESSAGE", "*"), &["CREATE"]);
    let (before, lost) = apply_reading_between_writes(&base, RENAMED);
    assert!(before["c1"].contains("PROCESS_DEFINITION:invoice READ_PROCESS_DEFINITION"));
    assert!(before["c2"].contains("MESSAGE:* CREATE"), "{before:?}");
    assert!(lost.is_empty(), "{lost:#?}");
}

/// The new group exists already with a narrower grant on the same
/// resource: the carried grant adds to it and never narrows it.
#[test]
fn a_rename_onto_an_existing_grant_only_adds_to_it() {
    let sim = fixtures::sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    hand_made(&base);
    grant(&base, ("GROUP", "old"), ("MESSAGE", "*"), &["CREATE"]);
    group(&base, "finance", "Finance");
    grant(&base, ("GROUP", "finance"), ("MESSAGE", "*"), &["READ"]);
    Case::new()
        .file("access.yaml", RENAMED)
        .against(&base)
        .args(["plan"])
        .code(0)
        .stdout_has("group:finance exists already: the rename merges group:old into it")
        // A merge is not a carry: the existing group's members gain.
        .stdout_has("  + group:finance in role:readonly-admin  [escalation] [membership]")
        .run();
    let (before, lost) = apply_reading_between_writes(&base, RENAMED);
    assert!(before["c1"].contains("MESSAGE:* CREATE"), "{before:?}");
    assert!(lost.is_empty(), "{lost:#?}");
}

/// A group and a role it is in, renamed in one plan: the new group ends up
/// in the new role, whatever the order of the `moved:` entries.
#[test]
fn a_group_renamed_with_its_role_ends_up_in_the_new_role() {
    for order in [
        "  - from: group:old\n    to: group:finance\n  - from: role:r\n    to: role:r2\n",
        "  - from: role:r\n    to: role:r2\n  - from: group:old\n    to: group:finance\n",
    ] {
        let sim = fixtures::sim(CamundaVersion::V8_8, 0);
        let base = sim.url();
        group(&base, "old", "Old");
        send(&base, "PUT", "/v2/groups/old/clients/c1", None);
        send(
            &base,
            "POST",
            "/v2/roles",
            Some(json!({"roleId": "r", "name": "R"})),
        );
        send(&base, "PUT", "/v2/roles/r/groups/old", None);
        grant(&base, ("ROLE", "r"), ("MESSAGE", "*"), &["CREATE"]);
        let files = format!(
            "version: 1\ngroups:\n  - id: finance\n    members-mode: additive\nroles:\n  - id: r2\n    members-mode: additive\n    permissions:\n      - resource: MESSAGE\n        id: \"*\"\n        allow: [CREATE]\nmoved:\n{order}"
        );
        let (before, lost) = apply_reading_between_writes(&base, &files);
        assert!(before["c1"].contains("MESSAGE:* CREATE"), "{before:?}");
        assert!(lost.is_empty(), "{order}: {lost:#?}");
        let groups = send(&base, "POST", "/v2/roles/r2/groups/search", Some(json!({})));
        assert_eq!(
            groups["items"][0]["groupId"], "finance",
            "{order}: {groups}"
        );
        Case::new()
            .file("access.yaml", &files)
            .against(&base)
            .args(["plan", "--detailed-exitcode"])
            .code(0)
            .run();
    }
}

/// A rename that cannot carry (the new group is `create-only` and exists)
/// keeps the old group with its authorizations, `prune: [authorizations]`
/// notwithstanding.
#[test]
fn a_blocked_rename_keeps_the_old_objects_authorizations() {
    let sim = fixtures::sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    group(&base, "old", "Old");
    send(&base, "PUT", "/v2/groups/old/clients/c1", None);
    grant(&base, ("GROUP", "old"), ("MESSAGE", "*"), &["CREATE"]);
    group(&base, "finance", "Finance");
    let files = "version: 1\npolicy:\n  prune: [authorizations]\ngroups:\n  - id: finance\n    lifecycle: create-only\n    members-mode: additive\nmoved:\n  - from: group:old\n    to: group:finance\n";
    Case::new()
        .file("access.yaml", files)
        .against(&base)
        .args(["plan"])
        .code(0)
        .stdout_has("Not applied (lifecycle)")
        .stdout_has("  - group:old on MESSAGE:* [CREATE]  [create-only group:finance]")
        .stdout_lacks("carried over")
        .stdout_lacks("Renames (moved:)")
        .stdout_has("the rename group:old -> group:finance is held back by the lifecycle of group:finance (create-only): group:old stays as it is")
        .run();
    let (_, lost) = apply_reading_between_writes(&base, files);
    assert!(lost.is_empty(), "{lost:#?}");
}

/// A copy into a pruned role is dropped only when the role is really
/// deleted: a deletion held back by a lifecycle keeps the copy.
#[test]
fn a_copy_into_a_role_whose_deletion_is_held_back_is_kept() {
    let sim = fixtures::sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    hand_made(&base);
    send(
        &base,
        "POST",
        "/v2/users",
        Some(
            json!({"username": "u", "name": "U", "email": "u@example.com", "password": "pw-pw-pw-pw"}),
        ),
    );
    send(&base, "PUT", "/v2/roles/auditors/users/u", None);
    grant(&base, ("ROLE", "auditors"), ("MESSAGE", "*"), &["CREATE"]);
    let files = format!(
        "{RENAMED}policy:\n  prune: [roles]\nusers:\n  - username: u\n    name: U\n    email: u@example.com\n    lifecycle: observe\n"
    );
    Case::new()
        .file("access.yaml", &files)
        .against(&base)
        .args(["plan"])
        .code(0)
        .stdout_has("  + group:finance in role:auditors")
        .run();
    let (before, lost) = apply_reading_between_writes(&base, &files);
    assert!(before["c1"].contains("MESSAGE:* CREATE"), "{before:?}");
    assert!(lost.is_empty(), "{lost:#?}");
}

/// With read lag, the apply of a rename that carries what the files do
/// not declare waits for the reads and ends converged.
#[test]
fn a_rename_with_carried_drift_converges_through_read_lag() {
    let sim = fixtures::sim(CamundaVersion::V8_8, 400);
    let base = sim.url();
    hand_made(&base);
    grant(&base, ("GROUP", "old"), ("MESSAGE", "*"), &["CREATE"]);
    // Until the set-up shows in the cluster's reads.
    std::thread::sleep(Duration::from_millis(1200));
    let files = RENAMED.replace(
        "    members-mode: additive\n",
        "    members:\n      clients: [c1]\n",
    );
    let case = || Case::new().file("access.yaml", &files).against(&base);
    case()
        .args(["apply", "--auto-approve"])
        .code(0)
        .stdout_has("group:old has members client:c2 and authorizations MESSAGE:* [CREATE] that the files do not declare")
        .stdout_lacks("did not show")
        .run();
}

/// The mapping rule `staff`: claim `groups` equals `staff`.
fn staff_rule(base: &str) {
    send(
        base,
        "POST",
        "/v2/mapping-rules",
        Some(
            json!({"mappingRuleId": "staff", "name": "Staff", "claimName": "groups", "claimValue": "staff"}),
        ),
    );
}

#[test]
fn a_renamed_mapping_rule_with_the_same_claim_is_told_of_its_gap() {
    let sim = fixtures::sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    staff_rule(&base);
    send(
        &base,
        "PUT",
        "/v2/roles/readonly-admin/mapping-rules/staff",
        None,
    );
    let files = "version: 1
mapping-rules:
  - id: all-staff
    claim: groups
    value: staff
roles:
  - id: readonly-admin
    members:
      mapping-rules: [all-staff]
    members-mode: additive
moved:
  - from: mapping-rule:staff
    to: mapping-rule:all-staff
";
    let case = || Case::new().file("access.yaml", files).against(&base);
    case()
        .args(["plan"])
        .code(0)
        .stdout_has("mapping-rule:staff and mapping-rule:all-staff match the same claim, and Camunda allows one mapping rule per claim: mapping-rule:staff is deleted before mapping-rule:all-staff is created")
        .run();
    case().args(["apply", "--auto-approve"]).code(0).run();
    case().args(["plan", "--detailed-exitcode"]).code(0).run();
    let (status, _) = fixtures::call(&base, "GET", "/v2/mapping-rules/staff", None);
    assert_eq!(status, 404);
}

#[test]
fn a_rename_that_cannot_carry_a_membership_keeps_the_old_object() {
    let sim = fixtures::sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    group(&base, "old", "Old");
    send(&base, "PUT", "/v2/roles/admin/groups/old", None);
    // `admin` is observed: the tool may not add the new group to it.
    let files = "version: 1
groups:
  - id: ops
roles:
  - id: admin
    lifecycle: observe
moved:
  - from: group:old
    to: group:ops
";
    let case = || Case::new().file("access.yaml", files).against(&base);
    case()
        .args(["plan"])
        .code(0)
        .stdout_has("  + group:ops in role:admin  [observe role:admin]\n")
        .stdout_has("  - group old  [observe role:admin]\n")
        .run();
    case().args(["apply", "--auto-approve"]).code(0).run();
    let (status, _) = fixtures::call(&base, "GET", "/v2/groups/old", None);
    assert_eq!(
        status, 200,
        "the old group keeps its access until admin can be given"
    );
}

#[test]
fn a_held_rename_of_a_mapping_rule_with_its_claim_pair_writes_neither_rule() {
    let sim = fixtures::sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    staff_rule(&base);
    send(&base, "PUT", "/v2/roles/admin/mapping-rules/staff", None);
    // `admin` is observed: the new rule cannot be given it, so the old one
    // stays, and with it its claim pair.
    let files = "version: 1
mapping-rules:
  - id: all-staff
    claim: groups
    value: staff
roles:
  - id: admin
    lifecycle: observe
moved:
  - from: mapping-rule:staff
    to: mapping-rule:all-staff
";
    let case = || Case::new().file("access.yaml", files).against(&base);
    case()
        .args(["plan"])
        .code(0)
        .stdout_has("  + mapping-rule all-staff  [observe role:admin]\n")
        .stdout_has("  - mapping-rule staff  [observe role:admin]\n")
        .stdout_lacks("match the same claim")
        .run();
    case().args(["apply", "--auto-approve"]).code(0).run();
    let (status, _) = fixtures::call(&base, "GET", "/v2/mapping-rules/staff", None);
    assert_eq!(status, 200);
}

/// A rename gives the new object no membership in a container the same
/// plan deletes (an undeclared role, pruned).
#[test]
fn a_rename_carries_nothing_into_a_container_the_plan_deletes() {
    let sim = fixtures::sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    hand_made(&base);
    let files = format!("{RENAMED}policy:\n  prune: [roles]\n");
    Case::new()
        .file("access.yaml", &files)
        .against(&base)
        .args(["plan"])
        .code(0)
        .stdout_has("  - role auditors")
        .stdout_lacks("group:finance in role:auditors")
        .stdout_has("  + group:finance in role:readonly-admin")
        .run();
}

/// A renamed tenant: the plan says that what was deployed under the old
/// ID stays there.
#[test]
fn a_renamed_tenant_is_told_its_data_stays_with_the_old_id() {
    let sim = fixtures::sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    send(
        &base,
        "POST",
        "/v2/tenants",
        Some(json!({"tenantId": "t-old", "name": "Old"})),
    );
    send(&base, "PUT", "/v2/tenants/t-old/clients/c1", None);
    Case::new()
        .file(
            "access.yaml",
            "version: 1\ntenants:\n  - id: t-new\n    name: New\n    members:\n      clients: [c1]\nmoved:\n  - from: tenant:t-old\n    to: tenant:t-new\n",
        )
        .against(&base)
        .args(["plan"])
        .code(0)
        .stdout_has("  + client:c1 in tenant:t-new")
        .stdout_has("tenant:t-old is renamed by creating tenant:t-new and deleting tenant:t-old: Camunda has no tenant rename, so what was deployed and run under tenant:t-old")
        .run();
}

/// A rename of a big group is not a mass deletion: what it carries does not
/// count against `--max-deletes`, and the group's place in `admin` is not
/// a new `admin-membership` violation.
#[test]
fn a_rename_is_neither_a_mass_deletion_nor_a_new_admin() {
    let sim = fixtures::sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    group(&base, "old", "Old");
    for i in 0..25 {
        send(&base, "PUT", &format!("/v2/groups/old/clients/c{i}"), None);
    }
    send(&base, "PUT", "/v2/roles/admin/groups/old", None);
    let files = format!("{RENAMED}policy:\n  rules:\n    admin-membership: deny\n");
    let case = || Case::new().file("access.yaml", &files).against(&base);
    case()
        .args(["plan"])
        .code(0)
        .stdout_has("  + group:finance in role:admin  [membership]\n")
        .stdout_lacks("refused")
        .run();
    case()
        .args(["apply", "--auto-approve"])
        .code(0)
        .stdout_has("Apply: ")
        .run();
    assert_eq!(clients_of(&base, "finance").len(), 25);
}

/// A renamed mapping rule in a role whose members the files list without
/// it keeps that membership, named in the warning.
#[test]
fn a_renamed_rule_keeps_its_hand_made_role_membership() {
    let sim = fixtures::sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    staff_rule(&base);
    send(
        &base,
        "POST",
        "/v2/roles",
        Some(json!({"roleId": "operator", "name": "Operator"})),
    );
    send(&base, "PUT", "/v2/roles/operator/mapping-rules/staff", None);
    let files = "version: 1\nroles:\n  - id: operator\n    name: Operator\n    members:\n      clients: [ops]\nmapping-rules:\n  - id: staff-v2\n    name: Staff\n    claim: groups\n    value: staff-v2\nmoved:\n  - from: mapping-rule:staff\n    to: mapping-rule:staff-v2\n";
    Case::new()
        .file("access.yaml", files)
        .against(&base)
        .args(["plan"])
        .code(0)
        .stdout_has("  + mapping-rule:staff-v2 in role:operator")
        .stdout_has("mapping-rule:staff has memberships in role:operator that the files do not declare for mapping-rule:staff-v2")
        .run();
}

/// Renames that go round in a cycle are refused where they are written.
#[test]
fn renames_in_a_cycle_are_refused() {
    Case::new()
        .file(
            "access.yaml",
            "version: 1\ngroups:\n  - id: c\nmoved:\n  - from: group:a\n    to: group:b\n  - from: group:b\n    to: group:a\n",
        )
        .args(["validate", "."])
        .code(1)
        .stderr_has("the renames of group:a go round in a cycle and end at no declared object")
        .stderr_has("access.yaml:5:11")
        .run();
}

/// An applied rename kept in the files, then the new object renamed again:
/// the chain goes to its end, from either ID.
#[test]
fn renames_chain_to_their_end() {
    let files = "version: 1\ngroups:\n  - id: c\n    name: C\n    members-mode: additive\nmoved:\n  - from: group:a\n    to: group:b\n  - from: group:b\n    to: group:c\n";
    for old in ["a", "b"] {
        let sim = fixtures::sim(CamundaVersion::V8_8, 0);
        let base = sim.url();
        group(&base, old, "Old");
        send(&base, "PUT", &format!("/v2/groups/{old}/clients/c1"), None);
        let case = || Case::new().file("access.yaml", files).against(&base);
        case()
            .args(["plan"])
            .code(0)
            .stdout_has(&format!("  group:{old} -> group:c\n"))
            .stdout_has("  + client:c1 in group:c")
            .run();
        case().args(["apply", "--auto-approve"]).code(0).run();
        assert_eq!(clients_of(&base, "c"), BTreeSet::from(["c1".to_owned()]));
        case().args(["plan", "--detailed-exitcode"]).code(0).run();
    }
}

/// A grant whose resource is the renamed object keeps naming the old ID:
/// the plan says so.
#[test]
fn a_grant_on_the_renamed_object_is_pointed_out() {
    let sim = fixtures::sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    hand_made(&base);
    let files = format!(
        "{RENAMED}roles:\n  - id: group-admins\n    permissions:\n      - resource: GROUP\n        id: old\n        allow: [UPDATE]\n"
    );
    Case::new()
        .file("access.yaml", &files)
        .against(&base)
        .args(["plan"])
        .code(0)
        .stdout_has("role:group-admins on GROUP:old names group:old, which moved: renames to group:finance; Camunda matches resource IDs as text, so it keeps naming the old ID (grant it on group:finance instead)")
        .run();
}

/// Both old IDs of a chain still exist, with grants on one resource: the
/// end of the chain gets both.
#[test]
fn a_chain_whose_old_ids_both_exist_carries_the_grants_of_both() {
    let sim = fixtures::sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    group(&base, "a", "A");
    group(&base, "b", "B");
    grant(&base, ("GROUP", "a"), ("MESSAGE", "*"), &["CREATE"]);
    grant(&base, ("GROUP", "b"), ("MESSAGE", "*"), &["READ"]);
    let files = "version: 1\ngroups:\n  - id: c\n    name: C\nmoved:\n  - from: group:a\n    to: group:b\n  - from: group:b\n    to: group:c\n";
    Case::new()
        .file("access.yaml", files)
        .against(&base)
        .args(["plan"])
        .code(0)
        .stdout_has("  + group:c on MESSAGE:* [CREATE, READ]")
        .run();
}
