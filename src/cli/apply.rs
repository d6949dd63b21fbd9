//! `camunda-access apply`: plan, check, confirm, write in dependency order,
//! wait until the cluster shows the writes.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};

use crate::apply::guards::{self, Inputs};
use crate::apply::request::write_for;
use crate::apply::{Outcome, execute, unconverged};
use crate::cli::connect::ConnectArgs;
use crate::cli::failure::Failure;
use crate::cli::prepare::{Prepared, Settle, prepare, record_of};
use crate::cli::{Settings, exit};
use crate::live::Reader;
use crate::plan::{Change, Order, Planner, Review};
use crate::render::Shell;
use crate::render::apply::Ending;
use crate::render::plan::PlanRecord;

/// Report formats of `apply`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The plan, progress and a summary, for people.
    Human,
    /// One JSON document with every change's outcome.
    Json,
}

/// Arguments of `apply`.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// Files or directories forming the desired state [default: the paths
    /// recorded in the --plan FILE, else the current directory].
    pub paths: Vec<PathBuf>,
    /// Apply this saved plan (from `plan --out`), after checking it is not stale.
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    /// Do not ask for confirmation.
    #[arg(long)]
    pub auto_approve: bool,
    /// Writes in flight at most.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub parallelism: u16,
    /// Refuse plans that delete more than N objects.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub max_deletes: usize,
    /// Apply even if the tool's own principal would lose access-control
    /// permissions, or the admin role would be left without members.
    #[arg(long)]
    pub allow_lockout: bool,
    /// Seconds to wait for the cluster to show the writes.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 30,
        conflicts_with = "no_wait"
    )]
    pub wait: u64,
    /// Do not wait for the cluster to show the writes.
    #[arg(long)]
    pub no_wait: bool,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// How to reach the cluster.
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// A saved plan: the document and its record.
struct Saved {
    document: serde_json::Value,
    record: PlanRecord,
}

fn read_saved(path: &std::path::Path) -> Result<Saved, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let document: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("{}: not a plan file: {e}", path.display()))?;
    let record: PlanRecord = serde_json::from_value(document["record"].clone())
        .map_err(|e| format!("{}: not a plan file (no record): {e}", path.display()))?;
    Ok(Saved { document, record })
}

/// The configuration paths a saved plan was made from: relative to where
/// `plan` ran (found from the plan file), else to the current directory.
fn recorded_paths(path: &std::path::Path, record: &PlanRecord) -> Result<Vec<PathBuf>, String> {
    if record.paths.is_empty() {
        return Err(format!(
            "{} records no configuration paths (made by an older camunda-access): name them, e.g. `apply access/ --plan {}`",
            path.display(),
            path.display()
        ));
    }
    let from_plan = path
        .parent()
        .unwrap_or(std::path::Path::new("."))
        .join(&record.base);
    for base in [from_plan, PathBuf::from(".")] {
        // `./access` and `access` name the same files; keep the plain form.
        let paths: Vec<PathBuf> = record
            .paths
            .iter()
            .map(|p| {
                if base == std::path::Path::new(".") {
                    PathBuf::from(p)
                } else {
                    base.join(p)
                }
            })
            .collect();
        if paths.iter().all(|p| p.exists()) {
            return Ok(paths);
        }
    }
    Err(format!(
        "the configuration {} recorded in {} is neither next to the plan file nor here: name the paths",
        record.paths.join(", "),
        path.display()
    ))
}

/// Checks a saved plan against what was just read; the reasons it is stale.
fn stale(
    saved: &Saved,
    record: &PlanRecord,
    prepared: &Prepared,
    plan_json: &serde_json::Value,
) -> Vec<String> {
    let saved_record = &saved.record;
    let saved = &saved.document;
    let mut reasons = Vec::new();
    if saved_record.target != record.target {
        reasons.push(format!(
            "the plan is for {}, this is {}",
            saved_record.target, record.target
        ));
    }
    if saved_record.tool_version != record.tool_version {
        reasons.push(format!(
            "the plan was made by camunda-access {}, this is {}",
            saved_record.tool_version, record.tool_version
        ));
    }
    if saved_record.desired_sha256 != record.desired_sha256 {
        let then = &saved_record.files;
        let now = &record.files;
        let mut named: Vec<String> = Vec::new();
        if !then.is_empty() {
            for (file, hash) in now {
                match then.get(file) {
                    None => named.push(format!("{file} was added")),
                    Some(h) if h != hash => named.push(format!("{file} was edited")),
                    _ => {}
                }
            }
            for file in then.keys().filter(|f| !now.contains_key(*f)) {
                named.push(format!("{file} was removed"));
            }
        }
        if named.is_empty() {
            reasons.push("the configuration changed since the plan was made".to_owned());
        } else {
            reasons.push(format!(
                "the configuration changed since the plan was made: {}",
                named.join(", ")
            ));
        }
    }
    if saved_record.live_sha256 != record.live_sha256 {
        let then: Option<crate::model::state::AccessState> =
            serde_json::from_value(saved["live_state"].clone()).ok();
        match then {
            Some(then) => {
                let changes = crate::plan::diff::differences(&then, &prepared.live.state);
                if changes.is_empty() {
                    reasons.push("the cluster changed since the plan was made".to_owned());
                }
                for change in changes {
                    reasons.push(format!("since the plan was made, {change}"));
                }
            }
            None => reasons.push("the cluster changed since the plan was made".to_owned()),
        }
    }
    if reasons.is_empty() && saved["changes"] != plan_json["changes"] {
        reasons.push("the saved changes differ from what the same inputs plan now".to_owned());
    }
    reasons
}

fn confirm(shell: &Shell, target: &str) -> Result<bool, String> {
    if !std::io::stdin().is_terminal() {
        return Err(
            "there is no terminal to confirm on: pass --auto-approve, or apply a saved plan with --plan FILE".to_owned(),
        );
    }
    shell.err(&format!(
        "\nDo you want to perform these actions on {target}?\nOnly 'yes' will be accepted: "
    ));
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| format!("cannot read the answer: {e}"))?;
    Ok(answer.trim() == "yes")
}

/// Applies the configuration (or a saved plan) and reports.
pub fn run(args: &ApplyArgs, settings: &Settings, shell: &Shell) -> u8 {
    match applied(args, settings, shell) {
        Ok(code) => code,
        Err(failure) => failure.report(shell, args.format == Format::Json),
    }
}

fn applied(args: &ApplyArgs, settings: &Settings, shell: &Shell) -> Result<u8, Failure> {
    let saved = args.plan.as_deref().map(read_saved).transpose()?;
    let paths = match (&saved, args.paths.is_empty(), &args.plan) {
        (Some(saved), true, Some(file)) => recorded_paths(file, &saved.record)?,
        (_, true, _) => vec![PathBuf::from(".")],
        (_, false, _) => args.paths.clone(),
    };
    let prepared = prepare(&paths, &args.connect, Settle::ProblemsOnly, settings, shell)?;
    let Prepared {
        runtime,
        connected,
        live,
        desired,
        plan,
        ..
    } = &prepared;
    let target = connected.target.clone();
    let review = Review::new(plan, &live.state, desired);
    if let (Some(path), Some(saved)) = (&args.plan, &saved) {
        // As the plan file holds it: secret values masked.
        let plan_json: serde_json::Value = serde_json::from_str(&crate::secrets::redact(
            &crate::render::plan::json(plan, &review, &target),
        ))
        .expect("own JSON parses");
        let record = record_of(&prepared, &paths, None);
        let reasons = stale(saved, &record, &prepared, &plan_json);
        if !reasons.is_empty() {
            return Err(Failure::refused(
                format!("the plan in {} is stale", path.display()),
                reasons,
            ));
        }
    }
    if args.format == Format::Human {
        shell.out(&crate::render::plan::human(
            plan,
            &review,
            &target,
            settings.color_out,
        ));
    }
    if plan.is_empty() {
        if args.format == Format::Json {
            shell.out(&crate::render::apply::json(
                plan,
                &[],
                &Ending::Converged,
                &target,
            ));
        }
        return Ok(exit::OK);
    }
    let order = Order::new(plan, &live.state);
    for conflict in &order.conflicts {
        shell.err(&format!("warning: {conflict}\n"));
    }
    let refusals = guards::check(&Inputs {
        plan,
        live: &live.state,
        after: &review.after,
        desired,
        me: &prepared.identities,
        max_deletes: args.max_deletes,
        allow_lockout: args.allow_lockout,
    });
    if !refusals.is_empty() {
        let reasons: Vec<String> = refusals.iter().map(ToString::to_string).collect();
        return Err(Failure::refused("safety guards stop this plan", reasons));
    }
    if !args.auto_approve && args.plan.is_none() && !confirm(shell, &target)? {
        return Err(Failure::error("apply cancelled; nothing was written"));
    }

    // Ctrl-C once: start nothing new, let in-flight writes finish. Twice: exit now.
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        let shell = *shell;
        runtime.spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                stop.store(true, Ordering::SeqCst);
                shell.err("\nInterrupted: starting nothing new, waiting for writes in flight (Ctrl-C again to exit now).\n");
                if tokio::signal::ctrl_c().await.is_ok() {
                    std::process::exit(i32::from(exit::ERROR));
                }
            }
        });
    }

    let writes = plan.changes.iter().map(|c| write_for(c, desired)).collect();
    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(plan.changes.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Some(bar)
    } else {
        None
    };
    let execution = runtime.block_on(execute(
        connected.client.clone(),
        &order,
        writes,
        usize::from(args.parallelism),
        stop.clone(),
        |i, outcome| {
            let text = crate::render::apply::line(plan, i, outcome);
            match &bar {
                Some(bar) => {
                    bar.inc(1);
                    if !outcome.is_done() {
                        bar.println(crate::render::safe(&crate::secrets::redact(
                            text.trim_end(),
                        )));
                    }
                }
                None => shell.err(&text),
            }
        },
    ));
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }

    let outcomes = execution.outcomes;
    let interrupted = stop.load(Ordering::SeqCst);
    let complete = outcomes.iter().all(Outcome::is_done);
    let ending = if let Some(cause) = execution.halted {
        Ending::Unreachable(cause)
    } else if interrupted {
        Ending::Interrupted
    } else if !complete {
        Ending::Incomplete
    } else if args.no_wait {
        Ending::NotWaited
    } else {
        wait_for_convergence(
            &prepared,
            &outcomes,
            Duration::from_secs(args.wait),
            args.connect.read_parallelism,
        )
    };
    match args.format {
        Format::Human => shell.out(&crate::render::apply::human(plan, &outcomes, &ending)),
        Format::Json => shell.out(&crate::render::apply::json(
            plan, &outcomes, &ending, &target,
        )),
    }
    Ok(match ending {
        Ending::Converged | Ending::NotWaited => exit::OK,
        Ending::NotConverged(_) => exit::NOT_CONVERGED,
        Ending::Incomplete
        | Ending::Interrupted
        | Ending::Unreachable(_)
        | Ending::LostAccess(_) => exit::ERROR,
    })
}

/// Re-reads until a fresh plan no longer shows any change that was done,
/// or `wait` ends.
fn wait_for_convergence(
    prepared: &Prepared,
    outcomes: &[Outcome],
    wait: Duration,
    read_parallelism: u16,
) -> Ending {
    let done: Vec<&Change> = prepared
        .plan
        .changes
        .iter()
        .zip(outcomes)
        .filter(|(_, o)| o.is_done())
        .map(|(c, _)| c)
        .collect();
    let deadline = Instant::now() + wait;
    let parallelism = usize::from(read_parallelism);
    let mut pause = Duration::from_millis(200);
    loop {
        let read = prepared
            .runtime
            .block_on(Reader::new(prepared.connected.client.clone(), parallelism).read());
        let pending = match read {
            Ok(live) => {
                let replan = Planner::new(&prepared.desired, &live.state).plan();
                unconverged(&done, &replan)
            }
            // Refused on its own reads after writing: not read lag, the
            // tool lost its access. Waiting would not help.
            Err(e) if matches!(e.status(), Some(401 | 403)) => {
                return Ending::LostAccess(e.to_string());
            }
            // A failed read is not a failed apply: the writes are done.
            Err(_) => done.iter().map(|c| (*c).clone()).collect(),
        };
        if pending.is_empty() {
            return Ending::Converged;
        }
        if Instant::now() + pause > deadline {
            return Ending::NotConverged(pending.iter().map(ToString::to_string).collect());
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_secs(2));
    }
}
