//! What plan and apply cost, as ratios to the limit. `cargo bench --bench
//! reconcile` prints a table and writes `target/bench/reconcile.json`.
//!
//! The simulator runs in its own process (`camunda-access sim`), seeded
//! with a realistic cluster of N objects; the tool runs as its release
//! binary, as a user runs it. Every figure is the median of several runs,
//! with the spread (min–max). Sizes: `CAMUNDA_ACCESS_BENCH_SIZES=1000,10000`
//! overrides the default 1,000, 10,000 and 100,000; `CAMUNDA_ACCESS_BENCH_RUNS`
//! the number of runs (default 3).

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a benchmark reports on stdout and shows progress on stderr"
)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use camunda_access::config::{self, Variables};
use camunda_access::model::CamundaVersion;
use camunda_access::plan::Planner;
use serde_json::{Value, json};

mod seed;

use seed::{minimum_requests, model_pair, seed, shape};

const BIN: &str = env!("CARGO_BIN_EXE_camunda-access");
const PAGE: u64 = 10_000;
/// The reader's member-list concurrency cap (`--read-parallelism`, default
/// 64; the reader starts at 16 and widens).
const CONCURRENCY: f64 = 64.0;

/// A figure: median and spread of several runs.
#[derive(Debug, Clone)]
struct Figure {
    median: f64,
    min: f64,
    max: f64,
}

impl Figure {
    fn of(mut values: Vec<f64>) -> Figure {
        values.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
        Figure {
            median: values[values.len() / 2],
            min: values[0],
            max: values[values.len() - 1],
        }
    }

    fn show(&self) -> String {
        if (self.max - self.min).abs() < 0.005 {
            format!("{:.2}", self.median)
        } else {
            format!("{:.2} ({:.2}–{:.2})", self.median, self.min, self.max)
        }
    }

    fn json(&self) -> Value {
        json!({"median": self.median, "min": self.min, "max": self.max})
    }
}

#[allow(
    clippy::disallowed_methods,
    reason = "a benchmark binary reads its own knobs, not the tool's settings"
)]
fn runs() -> usize {
    std::env::var("CAMUNDA_ACCESS_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
        .max(1)
}

/// A simulator in its own process; killed on drop.
struct Sim {
    child: Child,
    url: String,
    http: reqwest::blocking::Client,
}

impl Sim {
    fn start(seed: Option<&Path>) -> Sim {
        let mut command = Command::new(BIN);
        command.args([
            "sim",
            "--listen",
            "127.0.0.1:0",
            "--lag-ms",
            "0",
            "--authorizations",
            "off",
        ]);
        if let Some(seed) = seed {
            command.arg("--seed").arg(seed);
        }
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the simulator starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped"))
            .read_line(&mut line)
            .expect("the simulator says where it listens");
        let url = line
            .trim()
            .strip_prefix("camunda-access sim listening on ")
            .expect("the ready line")
            .to_owned();
        Sim {
            child,
            url,
            http: reqwest::blocking::Client::builder()
                .timeout(Duration::from_secs(600))
                .build()
                .expect("client"),
        }
    }

    fn get(&self, path: &str) -> Value {
        self.http
            .get(format!("{}{path}", self.url))
            .send()
            .and_then(|r| r.json())
            .expect("the simulator answers")
    }

    fn send(&self, method: &str, path: &str, body: Option<Value>) -> reqwest::blocking::Response {
        let mut r = self.http.request(
            method.parse().expect("method"),
            format!("{}{path}", self.url),
        );
        if let Some(body) = body {
            r = r.json(&body);
        }
        r.send().expect("the simulator answers")
    }

    fn latency(&self, ms: u64) {
        self.send("POST", "/_sim/faults", Some(json!({"latencyMs": ms})));
    }

    fn requests(&self) -> u64 {
        self.get("/_sim/requests")
            .as_object()
            .expect("counters")
            .values()
            .filter_map(Value::as_u64)
            .sum()
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the tool against `sim`; wall time and peak resident memory (bytes).
fn tool(sim: &Sim, dir: &Path, args: &[&str]) -> (Duration, u64) {
    let started = Instant::now();
    // stderr to a file: a pipe nobody reads would fill up and stall the tool.
    let log_path = dir.join("tool-stderr.log");
    let log = std::fs::File::create(&log_path).expect("log file");
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("CAMUNDA_REST_ADDRESS", &sim.url)
        .env("CAMUNDA_AUTH_STRATEGY", "NONE")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("the tool runs");
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_file)
            && let Some(kb) = text
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
        {
            peak = peak.max(kb * 1024);
        }
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = started.elapsed();
    let err = std::fs::read_to_string(&log_path).unwrap_or_default();
    assert!(
        status.code().is_some_and(|c| c == 0),
        "camunda-access {args:?} failed: {err}"
    );
    (elapsed, peak)
}

/// Bytes of JSON a full read receives, fetched the same way.
fn bytes_read(sim: &Sim, state: &Value) -> u64 {
    let mut bytes = sim
        .send("GET", "/v2/topology", None)
        .bytes()
        .expect("body")
        .len() as u64;
    let page = json!({"page": {"limit": PAGE}});
    for search in [
        "tenants",
        "groups",
        "roles",
        "mapping-rules",
        "users",
        "authorizations",
    ] {
        let mut body = page.clone();
        loop {
            let answer: Value = sim
                .send("POST", &format!("/v2/{search}/search"), Some(body.clone()))
                .json()
                .expect("json");
            bytes += answer.to_string().len() as u64;
            let n = answer["items"].as_array().map_or(0, Vec::len) as u64;
            match answer["page"]["endCursor"].as_str() {
                Some(cursor) if n == PAGE => {
                    body = json!({"page": {"limit": PAGE, "after": cursor}})
                }
                _ => break,
            }
        }
    }
    for (collection, key, kinds) in [
        (
            "groups",
            "groups",
            &["users", "clients", "mapping-rules"][..],
        ),
        (
            "roles",
            "roles",
            &["users", "clients", "groups", "mapping-rules"][..],
        ),
        (
            "tenants",
            "tenants",
            &["users", "clients", "groups", "roles", "mapping-rules"][..],
        ),
    ] {
        for id in state[key].as_object().expect("map").keys() {
            let id = id.replace('<', "%3C").replace('>', "%3E");
            for kind in kinds {
                bytes += sim
                    .send(
                        "POST",
                        &format!("/v2/{collection}/{id}/{kind}/search"),
                        Some(page.clone()),
                    )
                    .bytes()
                    .expect("body")
                    .len() as u64;
            }
        }
    }
    bytes
}

struct SizeResult {
    n: usize,
    requests: Figure,
    plan_latency: Figure,
    plan_seconds: Figure,
    memory: Figure,
    peak_mb: f64,
}

fn bench_size(n: usize, work: &Path) -> SizeResult {
    let dir = work.join(format!("n{n}"));
    std::fs::create_dir_all(&dir).expect("dir");
    let fresh = Sim::start(None);
    let defaults = fresh.get("/_sim/state");
    drop(fresh);
    let state = seed(&defaults, &shape(n));
    let seed_file = dir.join("seed.json");
    std::fs::write(&seed_file, state.to_string()).expect("seed");
    let sim = Sim::start(Some(&seed_file));
    // The desired state: the cluster exported by the tool itself.
    let _ = std::fs::remove_dir_all(dir.join("access"));
    tool(
        &sim,
        &dir,
        &["export", "--out", "access", "--include-defaults"],
    );
    let (minimum, longest_search, member_lists) = minimum_requests(&state);

    let mut requests = Vec::new();
    let mut latency = Vec::new();
    let mut seconds = Vec::new();
    for _ in 0..runs() {
        sim.send("DELETE", "/_sim/requests", None);
        let (elapsed, _) = tool(&sim, &dir, &["plan", "access", "--detailed-exitcode"]);
        seconds.push(elapsed.as_secs_f64());
        requests.push(sim.requests() as f64 / minimum as f64);
    }
    sim.latency(5);
    for _ in 0..runs() {
        let (elapsed, _) = tool(&sim, &dir, &["plan", "access", "--detailed-exitcode"]);
        // Ideal: topology, the longest paged search, then the member lists
        // spread over the reader's concurrency, 5 ms each.
        let ideal = 0.005 * (1.0 + longest_search as f64 + member_lists as f64 / CONCURRENCY);
        latency.push(elapsed.as_secs_f64() / ideal);
    }
    sim.latency(0);
    let read = bytes_read(&sim, &state) as f64;
    let mut memory = Vec::new();
    let mut peak_mb = 0.0;
    for _ in 0..runs() {
        let (_, peak) = tool(&sim, &dir, &["plan", "access", "--detailed-exitcode"]);
        memory.push(peak as f64 / read);
        peak_mb = f64::max(peak_mb, peak as f64 / 1e6);
    }
    SizeResult {
        n,
        requests: Figure::of(requests),
        plan_latency: Figure::of(latency),
        plan_seconds: Figure::of(seconds),
        memory: Figure::of(memory),
        peak_mb,
    }
}

/// Apply throughput ÷ a bare load loop issuing the same 5,000 requests.
fn bench_apply(work: &Path, latency_ms: u64) -> Figure {
    let dir = work.join("apply");
    std::fs::create_dir_all(&dir).expect("dir");
    let groups = 2500;
    let mut yaml = String::from("version: 1\ngroups:\n");
    for g in 0..groups {
        yaml.push_str(&format!(
            "  - id: g{g}\n    members:\n      clients: [c{g}]\n"
        ));
    }
    std::fs::write(dir.join("access.yaml"), yaml).expect("config");
    let sim = Sim::start(None);
    let mut ratios = Vec::new();
    for _ in 0..runs() {
        sim.send("POST", "/_sim/reset", None);
        sim.latency(latency_ms);
        let (apply, _) = tool(
            &sim,
            &dir,
            &[
                "apply",
                ".",
                "--auto-approve",
                "--no-wait",
                "--parallelism",
                "10",
                "--settle-ms",
                "0",
            ],
        );
        sim.send("POST", "/_sim/reset", None);
        sim.latency(latency_ms);
        let bare = bare_loop(&sim.url, groups);
        ratios.push(bare.as_secs_f64() / apply.as_secs_f64());
    }
    Figure::of(ratios)
}

/// The same writes with plain reqwest at concurrency 10: all creates, then
/// all assignments (what the dependency order allows at best).
fn bare_loop(url: &str, groups: usize) -> Duration {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let http = reqwest::Client::new();
        let started = Instant::now();
        for phase in 0..2 {
            let semaphore = std::sync::Arc::new(tokio::sync::Semaphore::new(10));
            let mut tasks = tokio::task::JoinSet::new();
            for g in 0..groups {
                let permit = semaphore.clone().acquire_owned().await.expect("open");
                let http = http.clone();
                let url = url.to_owned();
                tasks.spawn(async move {
                    let response = if phase == 0 {
                        http.post(format!("{url}/v2/groups"))
                            .json(&json!({"groupId": format!("g{g}"), "name": format!("g{g}")}))
                            .send()
                            .await
                    } else {
                        http.put(format!("{url}/v2/groups/g{g}/clients/c{g}"))
                            .send()
                            .await
                    };
                    assert!(response.expect("answer").status().is_success());
                    drop(permit);
                });
            }
            while tasks.join_next().await.is_some() {}
        }
        started.elapsed()
    })
}

/// The cloud-latency case: a no-change plan of 2,000 groups, 2,000
/// roles and 20,000 authorizations with `latency_ms` added to every
/// request; wall time ÷ (requests ÷ 64 × latency), and the request count.
fn bench_plan_at_latency(work: &Path, latency_ms: u64) -> (Figure, u64, Figure) {
    let dir = work.join("latency");
    std::fs::create_dir_all(&dir).expect("dir");
    let fresh = Sim::start(None);
    let mut state = fresh.get("/_sim/state");
    drop(fresh);
    let mut next_key = state["next_key"].as_u64().expect("next_key");
    let mut yaml = String::from("version: 1\ngroups:\n");
    for g in 0..2000 {
        state["groups"][format!("g{g}")] =
            json!({"name": format!("g{g}"), "description": "", "key": next_key});
        next_key += 1;
        yaml.push_str(&format!("  - id: g{g}\n"));
    }
    yaml.push_str("roles:\n");
    for r in 0..2000 {
        state["roles"][format!("r{r}")] =
            json!({"name": format!("r{r}"), "description": "", "key": next_key});
        next_key += 1;
        yaml.push_str(&format!(
            "  - id: r{r}\n    permissions:\n      - resource: PROCESS_DEFINITION\n        ids: ["
        ));
        for p in 0..10 {
            state["authorizations"][next_key.to_string()] = json!({
                "owner_id": format!("r{r}"), "owner_type": "ROLE",
                "resource_type": "PROCESS_DEFINITION", "resource_id": format!("p{p}"),
                "resource_property_name": null, "permissions": ["READ_PROCESS_DEFINITION"],
            });
            next_key += 1;
            yaml.push_str(&format!("{}p{p}", if p == 0 { "" } else { ", " }));
        }
        yaml.push_str("]\n        allow: [READ_PROCESS_DEFINITION]\n");
    }
    state["next_key"] = json!(next_key);
    let seed_file = dir.join("seed.json");
    std::fs::write(&seed_file, state.to_string()).expect("seed");
    std::fs::write(dir.join("access.yaml"), yaml).expect("config");
    let sim = Sim::start(Some(&seed_file));
    sim.latency(latency_ms);
    let mut ratios = Vec::new();
    let mut seconds = Vec::new();
    let mut requests = 0;
    for _ in 0..runs() {
        sim.send("DELETE", "/_sim/requests", None);
        let (elapsed, _) = tool(&sim, &dir, &["plan", "access.yaml", "--detailed-exitcode"]);
        requests = sim.requests();
        let ideal = requests as f64 / CONCURRENCY * latency_ms as f64 / 1000.0;
        ratios.push(elapsed.as_secs_f64() / ideal);
        seconds.push(elapsed.as_secs_f64());
    }
    (Figure::of(ratios), requests, Figure::of(seconds))
}

/// The apply case with default flags: 300 groups with two client
/// members and one authorization each (1,200 writes) against a bare loop
/// doing only the same writes at the same concurrency (10); the bare
/// loop's time ÷ apply's, and apply's seconds.
fn bench_apply_defaults(work: &Path) -> (Figure, Figure) {
    let dir = work.join("apply-defaults");
    std::fs::create_dir_all(&dir).expect("dir");
    let groups = 300;
    let mut yaml = String::from("version: 1\ngroups:\n");
    for g in 0..groups {
        yaml.push_str(&format!(
            "  - id: g{g}\n    members:\n      clients: [a{g}, b{g}]\n    permissions:\n      - resource: MESSAGE\n        id: m{g}\n        allow: [CREATE]\n"
        ));
    }
    std::fs::write(dir.join("access.yaml"), yaml).expect("config");
    let sim = Sim::start(None);
    let mut ratios = Vec::new();
    let mut seconds = Vec::new();
    for _ in 0..runs() {
        sim.send("POST", "/_sim/reset", None);
        let (apply, _) = tool(&sim, &dir, &["apply", ".", "--auto-approve"]);
        sim.send("POST", "/_sim/reset", None);
        let bare = bare_writes(&sim.url, groups);
        ratios.push(bare.as_secs_f64() / apply.as_secs_f64());
        seconds.push(apply.as_secs_f64());
    }
    (Figure::of(ratios), Figure::of(seconds))
}

/// Creates, then two assignments and one authorization per group, with
/// plain reqwest at concurrency 10.
fn bare_writes(url: &str, groups: usize) -> Duration {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let http = reqwest::Client::new();
        let started = Instant::now();
        for phase in 0..2 {
            let semaphore = std::sync::Arc::new(tokio::sync::Semaphore::new(10));
            let mut tasks = tokio::task::JoinSet::new();
            let jobs: Vec<(usize, usize)> = if phase == 0 {
                (0..groups).map(|g| (g, 0)).collect()
            } else {
                (0..groups).flat_map(|g| [(g, 1), (g, 2), (g, 3)]).collect()
            };
            for (g, what) in jobs {
                let permit = semaphore.clone().acquire_owned().await.expect("open");
                let http = http.clone();
                let url = url.to_owned();
                tasks.spawn(async move {
                    let response = match what {
                        0 => http
                            .post(format!("{url}/v2/groups"))
                            .json(&json!({"groupId": format!("g{g}"), "name": format!("g{g}")})),
                        1 => http.put(format!("{url}/v2/groups/g{g}/clients/a{g}")),
                        2 => http.put(format!("{url}/v2/groups/g{g}/clients/b{g}")),
                        _ => http.post(format!("{url}/v2/authorizations")).json(&json!({
                            "ownerId": format!("g{g}"), "ownerType": "GROUP",
                            "resourceType": "MESSAGE", "resourceId": format!("m{g}"),
                            "permissionTypes": ["CREATE"]})),
                    }
                    .send()
                    .await;
                    assert!(response.expect("answer").status().is_success());
                    drop(permit);
                });
            }
            while tasks.join_next().await.is_some() {}
        }
        started.elapsed()
    })
}

/// The review of a plan (risks, effective access, guardrail rules on the
/// states before and after), in seconds of CPU.
fn review_seconds(n: usize) -> Figure {
    let (live, desired) = model_pair(n);
    let plan = Planner::new(&desired, &live).plan();
    let mut times = Vec::new();
    for _ in 0..runs() {
        let started = Instant::now();
        let review = camunda_access::plan::Review::new(&plan, &live, &desired);
        times.push(started.elapsed().as_secs_f64());
        std::hint::black_box(review);
    }
    Figure::of(times)
}

fn diff_seconds(n: usize) -> (Figure, usize) {
    let (live, desired) = model_pair(n);
    let mut times = Vec::new();
    let mut changes = 0;
    for _ in 0..runs() {
        let started = Instant::now();
        let plan = Planner::new(&desired, &live).plan();
        times.push(started.elapsed().as_secs_f64());
        changes = plan.changes.len();
    }
    (Figure::of(times), changes)
}

/// Load and validation of a 10,000-entry configuration ÷ a plain
/// `serde_json` parse of the same data.
fn bench_load(work: &Path) -> Figure {
    let dir = work.join("load");
    std::fs::create_dir_all(&dir).expect("dir");
    let mut yaml = String::from("version: 1\ngroups:\n");
    for g in 0..5000 {
        yaml.push_str(&format!(
            "  - id: group-{g}\n    name: Group {g}\n    members:\n      clients: [client-{g}]\n"
        ));
    }
    yaml.push_str("roles:\n");
    for r in 0..5000 {
        yaml.push_str(&format!(
            "  - id: role-{r}\n    permissions:\n      - resource: PROCESS_DEFINITION\n        id: process-{r}\n        allow: [READ_PROCESS_DEFINITION]\n"
        ));
    }
    let file = dir.join("access.yaml");
    std::fs::write(&file, &yaml).expect("config");
    let as_json: Value = serde_saphyr::from_str(&yaml).expect("YAML");
    let json_text = as_json.to_string();
    let mut ratios = Vec::new();
    for _ in 0..runs() {
        let started = Instant::now();
        let outcome = config::load(
            std::slice::from_ref(&file),
            CamundaVersion::V8_8,
            &Variables::default(),
        );
        let load = started.elapsed().as_secs_f64();
        assert!(outcome.desired.is_some(), "the configuration is valid");
        let started = Instant::now();
        let parsed: Value = serde_json::from_str(&json_text).expect("JSON");
        let parse = started.elapsed().as_secs_f64();
        std::hint::black_box(parsed);
        ratios.push(load / parse);
    }
    Figure::of(ratios)
}

fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    format!("{cpus} CPUs, {model}")
}

#[allow(
    clippy::disallowed_methods,
    reason = "a benchmark binary reads its own knobs, not the tool's settings"
)]
fn main() {
    // `cargo bench` passes `--bench`; `cargo test --all-targets` runs this
    // binary without it, and a test run must not take minutes.
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("camunda-access bench: run it with `cargo bench --bench reconcile`");
        return;
    }
    let sizes: Vec<usize> = std::env::var("CAMUNDA_ACCESS_BENCH_SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000, 100_000]);
    let target = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    let work = target.join("work");
    std::fs::create_dir_all(&work).expect("target/bench");
    let started = Instant::now();
    eprintln!(
        "camunda-access bench: sizes {sizes:?}, {} runs each, on {}",
        runs(),
        machine()
    );

    let mut per_size = Vec::new();
    for &n in &sizes {
        eprintln!("  {n} objects …");
        per_size.push(bench_size(n, &work));
    }
    eprintln!("  apply throughput …");
    let apply_0 = bench_apply(&work, 0);
    let apply_5 = bench_apply(&work, 5);
    eprintln!("  apply with default flags …");
    let (apply_defaults, apply_defaults_seconds) = bench_apply_defaults(&work);
    eprintln!("  no-change plan at 50 ms latency …");
    let (latency_50, latency_50_requests, latency_50_seconds) = bench_plan_at_latency(&work, 50);
    eprintln!("  diff CPU …");
    let (diff_100k, changes_100k) = diff_seconds(100_000);
    let (diff_1m, changes_1m) = diff_seconds(1_000_000);
    let growth = diff_1m.median / diff_100k.median;
    let review_100k = review_seconds(100_000);
    eprintln!("  configuration load …");
    let load = bench_load(&work);

    let mut table = String::new();
    table.push_str("| figure (median, min–max) | ");
    table.push_str(
        &per_size
            .iter()
            .map(|r| format!("{} objects", r.n))
            .collect::<Vec<_>>()
            .join(" | "),
    );
    table.push_str(" |\n|---|");
    table.push_str(&"---:|".repeat(per_size.len()));
    table.push('\n');
    let row = |name: &str, f: &dyn Fn(&SizeResult) -> String| {
        let cells: Vec<String> = per_size.iter().map(f).collect();
        format!("| {name} | {} |\n", cells.join(" | "))
    };
    table.push_str(&row("1. no-change plan: requests ÷ minimum", &|r| {
        r.requests.show()
    }));
    table.push_str(&row(
        "2. plan wall time at 5 ms latency ÷ ideal (requests ÷ 64 in flight)",
        &|r| r.plan_latency.show(),
    ));
    table.push_str(&row("   plan wall time at 0 ms latency (s)", &|r| {
        r.plan_seconds.show()
    }));
    table.push_str(&row("5. plan peak memory ÷ JSON bytes read", &|r| {
        r.memory.show()
    }));
    table.push_str(&row("   plan peak memory (MB)", &|r| {
        format!("{:.0}", r.peak_mb)
    }));
    let mut out = table.clone();
    out.push_str(&format!(
        "\n| figure (median, min–max) | value |\n|---|---:|\n\
         | 3. apply throughput ÷ bare loop, 5,000 writes, parallelism 10, 0 ms | {} |\n\
         | 3. apply throughput ÷ bare loop, 5,000 writes, parallelism 10, 5 ms | {} |\n\
         | 7. apply with default flags, 1,200 writes (300 groups): bare loop time ÷ apply time | {} |\n\
         |    apply with default flags, 1,200 writes (s) | {} |\n\
         | 8. no-change plan at 50 ms latency, 2,000 groups, 2,000 roles, 20,000 authorizations: wall ÷ (requests ÷ 64 × 50 ms) | {} |\n\
         |    the same: requests; wall time (s) | {}; {} |\n\
         | 4. diff CPU, 100,000 vs 100,000 objects, 10% different (s) | {} |\n\
         | 4. diff CPU, 1,000,000 vs 1,000,000 objects (s) | {} |\n\
         | 4. growth 100,000 → 1,000,000 (10 = linear) | {:.1} |\n\
         | 4. review CPU (risks, effective access, guardrail rules), 100,000 vs 100,000 objects (s) | {} |\n\
         | 6. load + validate 10,000 entries ÷ serde_json parse | {} |\n",
        apply_0.show(),
        apply_5.show(),
        apply_defaults.show(),
        apply_defaults_seconds.show(),
        latency_50.show(),
        latency_50_requests,
        latency_50_seconds.show(),
        diff_100k.show(),
        diff_1m.show(),
        growth,
        review_100k.show(),
        load.show(),
    ));
    out.push_str(&format!(
        "\n{} runs per figure on {}; {:.0} s in all.\n",
        runs(),
        machine(),
        started.elapsed().as_secs_f64()
    ));
    println!("{out}");
    let document = json!({
        "machine": machine(),
        "runs": runs(),
        "sizes": per_size.iter().map(|r| json!({
            "objects": r.n,
            "plan_requests_over_minimum": r.requests.json(),
            "plan_time_at_5ms_over_ideal": r.plan_latency.json(),
            "plan_seconds_at_0ms": r.plan_seconds.json(),
            "plan_peak_memory_over_json_bytes": r.memory.json(),
            "plan_peak_memory_mb": r.peak_mb,
        })).collect::<Vec<_>>(),
        "apply_throughput_over_bare_loop": {"latency_0ms": apply_0.json(), "latency_5ms": apply_5.json()},
        "apply_default_flags_1200_writes": {"bare_over_apply": apply_defaults.json(), "seconds": apply_defaults_seconds.json()},
        "plan_at_50ms": {"over_ideal": latency_50.json(), "requests": latency_50_requests, "seconds": latency_50_seconds.json()},
        "review_seconds": {"100000": review_100k.json()},
        "diff_seconds": {"100000": diff_100k.json(), "1000000": diff_1m.json(), "growth": growth,
                          "changes_100000": changes_100k, "changes_1000000": changes_1m},
        "load_over_serde_json": load.json(),
        "total_seconds": started.elapsed().as_secs_f64(),
    });
    std::fs::write(
        target.join("reconcile.json"),
        serde_json::to_string_pretty(&document).expect("json"),
    )
    .expect("write the JSON");
    std::fs::write(target.join("reconcile.md"), out).expect("write the table");
    eprintln!("wrote target/bench/reconcile.json and target/bench/reconcile.md");
}
