//! `camunda-access apply` against the simulator, with its lag and faults.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use camunda_access::model::CamundaVersion;
use serde_json::{Value, json};

use crate::common::{Case, root, stderr, stdout};
use crate::fixtures::{
    PRUNE_GROUPS_KEEP, basic_sim, faults, grant, old_groups, send, settled_again, sim,
    worker_on_messages, writes,
};

/// Authorizations per (owner, resource type, resource) in the simulator.
fn authorizations_per_tuple(base: &str) -> BTreeMap<String, usize> {
    let state = send(base, "GET", "/_sim/state", None);
    let mut count = BTreeMap::new();
    for a in state["authorizations"].as_object().unwrap().values() {
        let tuple = format!(
            "{}:{} on {}:{}{}",
            a["owner_type"].as_str().unwrap(),
            a["owner_id"].as_str().unwrap(),
            a["resource_type"].as_str().unwrap(),
            a["resource_id"].as_str().unwrap_or(""),
            a["resource_property_name"].as_str().unwrap_or(""),
        );
        *count.entry(tuple).or_insert(0) += 1;
    }
    count
}

fn assert_no_duplicates(base: &str) {
    let duplicates: Vec<(String, usize)> = authorizations_per_tuple(base)
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .collect();
    assert!(duplicates.is_empty(), "{duplicates:?}");
}

fn plan_is_empty(dir: &Path, base: &str, paths: &[&str]) {
    Case::in_dir(dir)
        .against(base)
        .args(["plan", "--detailed-exitcode"])
        .args(paths)
        .code(0)
        .run();
}

/// Starts `apply examples/quickstart --auto-approve --parallelism N`
/// against `base` in the background, its output to `stdio`.
fn spawn_apply_quickstart(base: &str, parallelism: &str, stdio: fn() -> Stdio) -> Child {
    Command::new(assert_cmd::cargo::cargo_bin("camunda-access"))
        .current_dir(root())
        .args(["apply", "examples/quickstart", "--auto-approve"])
        .args(["--parallelism", parallelism])
        .env("CAMUNDA_REST_ADDRESS", base)
        .env("CAMUNDA_AUTH_STRATEGY", "NONE")
        .stdout(stdio())
        .stderr(stdio())
        .spawn()
        .unwrap()
}

/// `apply examples/quickstart --auto-approve` against `base`.
fn apply_quickstart(base: &str) -> Case {
    Case::new()
        .against(base)
        .args(["apply", "examples/quickstart", "--auto-approve"])
}

#[test]
fn the_quickstart_applies_to_a_lagging_cluster_and_plans_empty_after() {
    let sim = sim(CamundaVersion::V8_8, 1000);
    let base = sim.url();
    let ran = apply_quickstart(&base)
        .code(0)
        .stdout_has("Plan: 13 to add, 0 to change, 0 to destroy.")
        .stdout_has("Apply: 13 change(s): 13 done, 0 failed, 0 skipped, 0 not started.")
        .stdout_has("The cluster shows every change.")
        .run();
    // One line per change on stderr when there is no terminal (CI logs).
    assert_eq!(
        ran.stderr.matches("done     ").count(),
        13,
        "{}",
        ran.stderr
    );
    plan_is_empty(&root(), &base, &["examples/quickstart"]);
    // Applying again changes nothing.
    let before = writes(&base);
    apply_quickstart(&base)
        .code(0)
        .stdout_has("No changes.")
        .run();
    assert_eq!(writes(&base), before);
}

#[test]
fn without_a_terminal_apply_needs_auto_approve() {
    let sim = sim(CamundaVersion::V8_8, 0);
    Case::new()
        .against(&sim.url())
        .args(["apply", "examples/quickstart"])
        .code(1)
        .stderr_has("there is no terminal to confirm on: pass --auto-approve")
        .run();
    assert_eq!(writes(&sim.url()), 0);
}

#[test]
fn a_saved_plan_is_applied_only_while_it_is_fresh() {
    let sim = sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("plan.json");
    let file = file.to_str().unwrap();
    let quickstart = |command: &str, flag: &str| {
        Case::new()
            .against(&base)
            .args([command, "examples/quickstart", flag, file])
    };
    quickstart("plan", "--out").code(0).run();
    // Someone changes the cluster by hand.
    send(&base, "PUT", "/v2/tenants/<default>/clients/intruder", None);
    quickstart("apply", "--plan")
        .code(3)
        .stderr_has("is stale")
        .stderr_has("since the plan was made, client:intruder was added to tenant:<default>")
        .stderr_has("Nothing was written.")
        .run();
    // A fresh plan applies without a question.
    quickstart("plan", "--out").code(0).run();
    quickstart("apply", "--plan").code(0).run();
    // A changed configuration makes it stale too.
    let copy = tmp.path().join("config");
    fs::create_dir(&copy).unwrap();
    let text = fs::read_to_string(root().join("examples/quickstart/access.yaml")).unwrap();
    fs::write(copy.join("access.yaml"), &text).unwrap();
    Case::in_dir(tmp.path())
        .against(&base)
        .args(["plan", "config", "--out", file])
        .code(0)
        .run();
    Case::in_dir(tmp.path())
        .file(
            "config/access.yaml",
            &text.replace("name: Deployer", "name: Deployers"),
        )
        .against(&base)
        .args(["apply", "config", "--plan", file])
        .code(3)
        .stderr_has("the configuration changed since the plan was made")
        .run();
}

/// The tool runs as user `ops`, a member of `admin`. A configuration that
/// takes `ops` out of `admin` would lock it out: refused, nothing written,
/// and `ops` can still read access control.
#[test]
fn a_lockout_is_refused_before_anything_is_written() {
    let sim = basic_sim(&["ops", "other"]);
    let base = sim.url();
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("access.yaml"),
        "version: 1\nroles:\n  - id: admin\n    members:\n      users: [other]\ngroups:\n  - id: new-team\n",
    )
    .unwrap();
    let run = || {
        Case::in_dir(tmp.path())
            .basic_auth(&base, "ops", "ops-pw")
            .args(["apply", ".", "--auto-approve"])
    };
    run()
        .code(3)
        .stderr_has("refused: user:ops, which this tool runs as, would lose AUTHORIZATION:* ")
        .stderr_has("(override with --allow-lockout)")
        .run();
    assert_eq!(writes(&base), 0, "nothing written");
    // ops still reads access control.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let status = rt
        .block_on(
            reqwest::Client::new()
                .post(format!("{base}/v2/roles/admin/users/search"))
                .basic_auth("ops", Some("ops-pw"))
                .json(&json!({}))
                .send(),
        )
        .unwrap()
        .status();
    assert_eq!(status, 200);
    // With the override it goes ahead.
    run().args(["--allow-lockout", "--no-wait"]).code(0).run();
}

#[test]
fn the_deletion_budget_and_an_empty_configuration_that_prunes_are_refused() {
    let sim = sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    old_groups(&base, 25);
    let tmp = tempfile::tempdir().unwrap();
    let apply = |yaml: &str| {
        Case::in_dir(tmp.path())
            .file("access.yaml", yaml)
            .against(&base)
            .args(["apply", ".", "--auto-approve"])
    };
    apply(PRUNE_GROUPS_KEEP)
        .code(3)
        .stderr_has(
            "the plan deletes 25 objects, more than the budget of 20 (raise it with --max-deletes 25)",
        )
        .run();
    assert_eq!(writes(&base), 25, "only the set-up writes");
    apply(PRUNE_GROUPS_KEEP)
        .args(["--max-deletes", "25"])
        .code(0)
        .run();
    plan_is_empty(tmp.path(), &base, &["."]);

    apply("version: 1\npolicy:\n  prune: [groups]\n")
        .args(["--max-deletes", "1000"])
        .code(3)
        .stderr_has("the configuration declares nothing but prunes")
        .run();
}

/// A configuration of about 2,200 changes: 200 groups, 200 roles with 8
/// authorizations each, each group in its role.
fn large_config(dir: &Path) {
    let mut yaml = String::from("version: 1\nroles:\n");
    for r in 0..200 {
        yaml.push_str(&format!(
            "  - id: r{r}\n    permissions:\n      - resource: PROCESS_DEFINITION\n        ids: [p0, p1, p2, p3, p4, p5, p6, p7]\n        allow: [READ_PROCESS_DEFINITION]\n"
        ));
    }
    yaml.push_str("groups:\n");
    for g in 0..200 {
        yaml.push_str(&format!("  - id: g{g}\n    roles: [r{g}]\n"));
    }
    fs::write(dir.join("access.yaml"), yaml).unwrap();
}

#[test]
fn a_large_apply_converges_through_backpressure_and_dropped_answers() {
    let sim = sim(CamundaVersion::V8_8, 200);
    let base = sim.url();
    let tmp = tempfile::tempdir().unwrap();
    large_config(tmp.path());
    faults(
        &base,
        json!({"unavailable": {"share": 0.10}, "dropAfterWrite": {"share": 0.05}, "seed": 7}),
    );
    let report = Case::in_dir(tmp.path())
        .against(&base)
        .args(["apply", ".", "--auto-approve", "--format", "json"])
        .code(0)
        .json();
    assert_eq!(report["summary"]["done"], 2200, "{}", report["summary"]);
    assert_eq!(report["ending"], "converged");
    // Dropped answers were settled by sending again.
    let settled = settled_again(&report);
    assert!(settled > 0, "the faults hit some writes");
    send(&base, "DELETE", "/_sim/faults", None);
    // Exactly one authorization per declared tuple, and nothing left to do.
    let tuples = authorizations_per_tuple(&base);
    for r in 0..200 {
        for p in 0..8 {
            let key = format!("ROLE:r{r} on PROCESS_DEFINITION:p{p}");
            assert_eq!(tuples.get(&key), Some(&1), "{key}");
        }
    }
    assert_no_duplicates(&base);
    plan_is_empty(tmp.path(), &base, &["."]);
}

#[test]
fn rate_limits_with_retry_after_are_waited_out() {
    let sim = sim(CamundaVersion::V8_9, 0);
    let base = sim.url();
    faults(
        &base,
        json!({"rateLimited": {"next": 3}, "retryAfterSeconds": 1}),
    );
    let started = Instant::now();
    apply_quickstart(&base).code(0).run();
    // Each 429 asked for a second; the client waited rather than hammering.
    assert!(started.elapsed() >= Duration::from_secs(1));
    plan_is_empty(&root(), &base, &["examples/quickstart"]);
}

/// Kill the process after the k-th write, for many k; a re-run converges
/// and no authorization exists twice.
#[test]
fn a_killed_apply_converges_when_run_again() {
    let sim = sim(CamundaVersion::V8_8, 300);
    let base = sim.url();
    for k in [1, 2, 4, 6, 9, 12] {
        send(&base, "POST", "/_sim/reset", None);
        faults(&base, json!({"latencyMs": 30}));
        let mut child = spawn_apply_quickstart(&base, "2", Stdio::null);
        let deadline = Instant::now() + Duration::from_secs(60);
        while writes(&base) < k && Instant::now() < deadline {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = child.kill();
        let _ = child.wait();
        send(&base, "DELETE", "/_sim/faults", None);
        let ran = apply_quickstart(&base).run();
        if ran.code() != Some(0) {
            ran.fail(&format!("k={k}: expected exit code 0"));
        }
        assert_no_duplicates(&base);
        plan_is_empty(&root(), &base, &["examples/quickstart"]);
    }
}

/// Ctrl-C: nothing new starts, writes in flight finish, the report says
/// what did not run, exit 1; running again finishes the job.
#[test]
fn an_interrupt_stops_starting_writes_and_reports() {
    let sim = sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    faults(&base, json!({"latencyMs": 150}));
    let child = spawn_apply_quickstart(&base, "1", Stdio::piped);
    let deadline = Instant::now() + Duration::from_secs(60);
    while writes(&base) < 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}{}", stderr(&output));
    assert!(
        stderr(&output).contains("Interrupted: starting nothing new"),
        "{}",
        stderr(&output)
    );
    assert!(out.contains("not run  "), "{out}");
    assert!(
        out.contains("Interrupted: nothing new was started"),
        "{out}"
    );
    let written = writes(&base);
    assert!(written < 13, "stopped early: {written} writes");
    send(&base, "DELETE", "/_sim/faults", None);
    apply_quickstart(&base).code(0).run();
    plan_is_empty(&root(), &base, &["examples/quickstart"]);
    assert_no_duplicates(&base);
}

/// Apply does not wait for reads to settle: an authorization created by
/// hand just before, not yet visible, makes the create meet Camunda's
/// duplicate rule. The executor looks it up (waiting out the lag) and gives
/// it the declared permissions, as a plan that had seen it would — no
/// duplicate, no failure.
#[test]
fn an_authorization_a_lagging_read_missed_is_adopted_not_duplicated() {
    let sim = sim(CamundaVersion::V8_8, 1000);
    let base = sim.url();
    let tmp = tempfile::tempdir().unwrap();
    grant(&base, ("CLIENT", "worker"), ("MESSAGE", "*"), &["READ"]);
    Case::in_dir(tmp.path())
        .file("access.yaml", &worker_on_messages("CREATE, READ"))
        .against(&base)
        .args(["apply", ".", "--auto-approve"])
        .code(0)
        .stderr_has("existed already with [READ]; its permissions were replaced")
        .run();
    assert_no_duplicates(&base);
    plan_is_empty(tmp.path(), &base, &["."]);
}

/// A saved plan travels between CI jobs: it records the configuration
/// paths, so `apply --plan FILE` needs none and works from another
/// directory; a plan made stale by an edited file names that file.
#[test]
fn a_saved_plan_travels_and_names_edited_files() {
    let sim = sim(CamundaVersion::V8_8, 0);
    let base = sim.url();
    let repo = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let plan_file = repo.path().join("out/plan.json");
    let plan_file = plan_file.to_str().unwrap();
    fs::create_dir_all(repo.path().join("access")).unwrap();
    fs::create_dir_all(repo.path().join("out")).unwrap();
    fs::write(
        repo.path().join("access/groups.yaml"),
        "version: 1\ngroups:\n  - id: team\n",
    )
    .unwrap();
    fs::write(
        repo.path().join("access/roles.yaml"),
        "version: 1\nroles:\n  - id: ops\n",
    )
    .unwrap();
    let plan = || {
        Case::in_dir(repo.path())
            .against(&base)
            .args(["plan", "access", "--out", "out/plan.json"])
            .code(0)
            .run()
    };
    let apply = || {
        Case::in_dir(elsewhere.path())
            .against(&base)
            .args(["apply", "--plan", plan_file])
    };
    plan();
    let saved: Value =
        serde_json::from_str(&fs::read_to_string(repo.path().join("out/plan.json")).unwrap())
            .unwrap();
    assert_eq!(saved["record"]["paths"], json!(["access"]));
    // Edited after planning: refused, naming the file.
    fs::write(
        repo.path().join("access/roles.yaml"),
        "version: 1\nroles:\n  - id: ops\n    name: Operations\n",
    )
    .unwrap();
    apply()
        .code(3)
        .stderr_has("the configuration changed since the plan was made: roles.yaml was edited")
        .run();
    // Planned again, and applied from another directory without paths.
    plan();
    apply().code(0).run();
    let role = send(&base, "GET", "/v2/roles/ops", None);
    assert_eq!(role["name"], "Operations");
    plan_is_empty(repo.path(), &base, &["access"]);
}

#[test]
fn apply_against_the_embedded_simulator_writes_while_it_runs() {
    // The embedded cluster lives as long as the command: planning and
    // writing both reach it.
    Case::new()
        .args(["apply", "--sim", "examples/quickstart", "--auto-approve"])
        .code(0)
        .stdout_has("Apply: 13 change(s): 13 done, 0 failed, 0 skipped, 0 not started.")
        .run();
}
