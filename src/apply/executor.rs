//! `execute`: walks a plan's graph through an [`AccessApi`]. A change
//! starts as soon as everything it waits for has finished (not level by
//! level), at most `parallelism` at once, fewer while the cluster pushes
//! back. A failed change skips everything that waits for it; independent
//! changes go on. A stop request starts nothing new and lets in-flight
//! writes finish.

use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::task::JoinSet;

use crate::apply::request::{Idempotence, Write};
use crate::live::{AccessApi, ApiError};
use crate::plan::{Order, Step};

/// What became of one change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Outcome {
    /// Written (or found already written).
    Done {
        /// How it was settled, when not by a plain success.
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Refused or unanswered; the request and Camunda's problem.
    Failed {
        /// The error.
        error: String,
    },
    /// Not attempted because something it waits for did not happen.
    Skipped {
        /// Positions of the changes it waited for that failed or were skipped.
        waits_for: Vec<usize>,
    },
    /// Not attempted because the run was stopped.
    NotStarted,
}

impl Outcome {
    /// Whether the change is in the cluster now.
    pub fn is_done(&self) -> bool {
        matches!(self, Outcome::Done { .. })
    }
}

/// What `execute` did: every change's outcome, and why it stopped early
/// when the cluster stopped answering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Execution {
    /// One outcome per change, by plan position.
    pub outcomes: Vec<Outcome>,
    /// The cause, when writes stopped because the cluster could not be
    /// reached: the rest were not started.
    pub halted: Option<String>,
}

/// Writes in a row that find the cluster unreachable before the run stops
/// starting new ones (each already retried by the client).
const UNREACHABLE_IN_A_ROW: usize = 3;

/// A write that failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteFailure {
    /// The request and Camunda's problem.
    pub message: String,
    /// Why no connection could be made, when the cluster could not be
    /// reached at all (told once for the run, not per change).
    pub unreachable: Option<String>,
}

impl From<String> for WriteFailure {
    fn from(message: String) -> Self {
        WriteFailure {
            message,
            unreachable: None,
        }
    }
}

/// How often a write whose outcome is unknown is sent again.
const RESOLVE_ATTEMPTS: u32 = 4;

/// Whether an error leaves the write's outcome unknown: it may have been
/// applied (a timeout, a connection dropped after sending, a gateway error).
fn outcome_unknown(error: &ApiError) -> bool {
    match error {
        ApiError::Network { sent, .. } => *sent,
        ApiError::Http { status, .. } => matches!(status, 500 | 502 | 504),
        _ => false,
    }
}

/// Sends `write`, and sends it again while its outcome is unknown. Gives
/// the last answer and whether the write was sent more than once.
async fn send_until_known<A: AccessApi>(api: &A, write: &Write) -> (Result<(), ApiError>, bool) {
    let mut attempt = 0;
    loop {
        attempt += 1;
        match api
            .send(write.method.clone(), &write.path, write.body.as_ref())
            .await
        {
            Ok(_) => return (Ok(()), attempt > 1),
            Err(e) if outcome_unknown(&e) && attempt < RESOLVE_ATTEMPTS => {
                tokio::time::sleep(Duration::from_millis(50 * u64::from(attempt))).await;
            }
            Err(e) => return (Err(e), attempt > 1),
        }
    }
}

/// `write` with its live fields (see [`Write::live_fields`]) filled in from
/// a read of the entity. When the read fails nothing is sent: a value the
/// files do not manage is never wiped.
async fn with_live_fields<'w, A: AccessApi>(
    api: &A,
    write: &'w Write,
) -> Result<Cow<'w, Write>, WriteFailure> {
    if write.live_fields.is_empty() {
        return Ok(Cow::Borrowed(write));
    }
    let not_sent = |why: String| {
        format!(
            "{why} (read to keep what the files do not manage; {} /v2{} was not sent)",
            write.method, write.path
        )
    };
    // A read that found no connection counts towards stopping the run.
    let live = api
        .send(Method::GET, &write.path, None)
        .await
        .map_err(|e| {
            let mut failed = failure(&e);
            failed.message = not_sent(failed.message);
            failed
        })?
        .ok_or_else(|| not_sent(format!("GET /v2{} answered without a body", write.path)))?;
    let mut filled = write.clone();
    let body = filled.body.get_or_insert_with(|| json!({}));
    for field in &write.live_fields {
        let value = match live.get(*field) {
            Some(Value::String(value)) => value.as_str(),
            // 8.9 answers `null` for a value never set.
            Some(Value::Null) => "",
            _ => {
                return Err(
                    not_sent(format!("GET /v2{} answered without `{field}`", write.path)).into(),
                );
            }
        };
        body[*field] = json!(value);
    }
    Ok(Cow::Owned(filled))
}

/// A request that failed, as the run reports it: no connection (its cause
/// told once for the run, see [`Execution::halted`]), an outcome still
/// unknown after every attempt (a re-run settles it), or the request and
/// Camunda's problem.
fn failure(error: &ApiError) -> WriteFailure {
    match error {
        ApiError::Network {
            sent: false,
            message,
            method,
            path,
        } => WriteFailure {
            message: format!("{method} {path} not sent: no connection to the cluster"),
            unreachable: Some(message.clone()),
        },
        e if outcome_unknown(e) => format!(
            "{e} (outcome still unknown after {RESOLVE_ATTEMPTS} attempts; a re-run settles it)"
        )
        .into(),
        e => e.to_string().into(),
    }
}

/// Sends one write and settles an unknown outcome with the server's own
/// consistent answers (never with a lagging read).
pub async fn perform<A: AccessApi>(api: &A, write: &Write) -> Result<Option<String>, WriteFailure> {
    // `.` and `..` would be resolved away by any URL parser and reach
    // another resource: never sent.
    if write.path.split('/').any(|s| s == "." || s == "..") {
        return Err(format!(
            "{} /v2{} not sent: a `.` or `..` ID cannot be addressed in a URL path",
            write.method, write.path
        )
        .into());
    }
    let write = with_live_fields(api, write).await?;
    let write = write.as_ref();
    let (result, repeated) = send_until_known(api, write).await;
    let error = match result {
        Ok(()) if repeated => {
            return Ok(Some(
                "sent again after an unknown outcome; applied once".to_owned(),
            ));
        }
        Ok(()) => return Ok(None),
        Err(e) => e,
    };
    if matches!(error, ApiError::Network { sent: false, .. }) || outcome_unknown(&error) {
        return Err(failure(&error));
    }
    match (error.status(), &write.idempotence) {
        (Some(409), Idempotence::ConflictThenUpdate(update)) => {
            let update = with_live_fields(api, update).await?;
            match send_until_known(api, &update).await.0 {
                Ok(()) => Ok(Some(if repeated {
                    "sent again after an unknown outcome; the first attempt had created it"
                        .to_owned()
                } else {
                    "existed already; its attributes were updated".to_owned()
                })),
                // The 409 was not about this ID (a claim pair held by another rule).
                Err(e) if e.status() == Some(404) => Err(error.to_string().into()),
                Err(e) => Err(failure(&e)),
            }
        }
        (Some(409), Idempotence::ConflictMeansDone) => Ok(Some("existed already".to_owned())),
        // A 409, after an unknown outcome or not: the authorization found
        // is checked (and given the declared permissions), never assumed —
        // a lagging read may have missed one made by someone else.
        (Some(409), Idempotence::ConflictOnRepeatMeansDone) => {
            match adopt_authorization(api, write).await {
                Ok(Some(note)) => Ok(Some(note)),
                Ok(None) => Err(error.to_string().into()),
                Err(e) => {
                    let mut then = failure(&e);
                    then.message = format!("{error}; then {}", then.message);
                    Err(then)
                }
            }
        }
        (Some(404), Idempotence::NotFoundMeansDone) => Ok(Some(if repeated {
            "sent again after an unknown outcome; the first attempt had removed it".to_owned()
        } else {
            "gone already".to_owned()
        })),
        _ => Err(error.to_string().into()),
    }
}

/// How often, and how far apart, an authorization that the duplicate rule
/// says exists is looked for before the 409 counts as a failure: reads
/// lag writes by about a second.
const LOOKUPS: u32 = 12;
const LOOKUP_PAUSE: Duration = Duration::from_millis(250);

/// After a first-attempt 409 on an authorization create: finds the
/// authorization of the same owner, resource type and resource, and makes
/// its permissions the desired ones. `None` when it cannot be found.
async fn adopt_authorization<A: AccessApi>(
    api: &A,
    write: &Write,
) -> Result<Option<String>, ApiError> {
    let Some(body) = &write.body else {
        return Ok(None);
    };
    let mut filter = serde_json::Map::new();
    for key in ["ownerId", "ownerType", "resourceType"] {
        filter.insert(key.to_owned(), body[key].clone());
    }
    if let Some(id) = body.get("resourceId").filter(|v| !v.is_null()) {
        filter.insert("resourceIds".to_owned(), serde_json::json!([id]));
    }
    if let Some(p) = body.get("resourcePropertyName").filter(|v| !v.is_null()) {
        filter.insert("resourcePropertyNames".to_owned(), serde_json::json!([p]));
    }
    let query = serde_json::json!({"filter": filter, "page": {"limit": 100}});
    let wanted: std::collections::BTreeSet<&str> = body["permissionTypes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(serde_json::Value::as_str)
        .collect();
    for attempt in 0..LOOKUPS {
        if attempt > 0 {
            tokio::time::sleep(LOOKUP_PAUSE).await;
        }
        let answer = api
            .send(Method::POST, "/authorizations/search", Some(&query))
            .await?;
        let items = answer
            .as_ref()
            .and_then(|a| a["items"].as_array())
            .cloned()
            .unwrap_or_default();
        // The same resource exactly (a filter may match more loosely).
        let found = items.iter().find(|item| {
            body.get("resourceId")
                .filter(|v| !v.is_null())
                .is_none_or(|id| item["resourceId"] == *id)
                && body
                    .get("resourcePropertyName")
                    .filter(|v| !v.is_null())
                    .is_none_or(|p| item["resourcePropertyName"] == *p)
        });
        let Some(found) = found else {
            continue;
        };
        let has: std::collections::BTreeSet<&str> = found["permissionTypes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(serde_json::Value::as_str)
            .collect();
        if has == wanted {
            return Ok(Some("existed already".to_owned()));
        }
        let Some(key) = found["authorizationKey"].as_str() else {
            return Ok(None);
        };
        let put = format!("/authorizations/{}", crate::live::client::segment(key));
        send_until_known(
            api,
            &Write {
                method: Method::PUT,
                path: put,
                body: Some(body.clone()),
                idempotence: Idempotence::Repeatable,
                live_fields: Vec::new(),
            },
        )
        .await
        .0?;
        return Ok(Some(format!(
            "existed already with [{}]; its permissions were replaced",
            has.into_iter().collect::<Vec<_>>().join(", ")
        )));
    }
    Ok(None)
}

/// Limits how many writes run at once: halves on backpressure (at most
/// once per window's worth of completions, as TCP does once per round
/// trip), grows by one after a window's worth of quiet completions.
#[derive(Debug)]
struct Window {
    max: usize,
    current: usize,
    quiet: usize,
    since_decrease: usize,
    pressure_seen: u64,
}

impl Window {
    fn new(max: usize, pressure: u64) -> Self {
        Window {
            max: max.max(1),
            current: max.max(1),
            quiet: 0,
            since_decrease: usize::MAX,
            pressure_seen: pressure,
        }
    }

    fn observe(&mut self, pressure: u64) {
        self.since_decrease = self.since_decrease.saturating_add(1);
        if pressure > self.pressure_seen {
            self.pressure_seen = pressure;
            self.quiet = 0;
            if self.since_decrease >= self.current {
                self.current = (self.current / 2).max(1);
                self.since_decrease = 0;
            }
        } else {
            self.quiet += 1;
            if self.quiet >= self.current && self.current < self.max {
                self.current += 1;
                self.quiet = 0;
            }
        }
    }
}

/// Runs `writes` (one per change, by plan position) in `order`.
/// `on_finish` hears of every change as it finishes, fails or is skipped.
/// When several writes in a row find the cluster unreachable, nothing new
/// is started and the cause is given once.
pub async fn execute<A: AccessApi>(
    api: Arc<A>,
    order: &Order,
    writes: Vec<Write>,
    parallelism: usize,
    stop: Arc<AtomicBool>,
    mut on_finish: impl FnMut(usize, &Outcome),
) -> Execution {
    let steps = order.sequence();
    let mut outcomes: Vec<Option<Outcome>> = vec![None; writes.len()];
    let mut waiting: HashMap<Step, usize> = steps
        .iter()
        .map(|s| (*s, order.prerequisites(*s).len()))
        .collect();
    // A step fails (for its dependants) when it failed or was skipped.
    let mut broken: HashMap<Step, Vec<usize>> = HashMap::new();
    let mut ready: BinaryHeap<Reverse<Step>> = steps
        .iter()
        .filter(|s| waiting[s] == 0)
        .map(|s| Reverse(*s))
        .collect();
    let writes: Vec<Arc<Write>> = writes.into_iter().map(Arc::new).collect();
    let mut window = Window::new(parallelism, api.backpressure());
    let mut running: JoinSet<(usize, Result<Option<String>, WriteFailure>)> = JoinSet::new();
    let mut unreachable_in_a_row = 0;
    let mut halted: Option<String> = None;

    // Marks `step` finished and releases what waits for it.
    fn release(
        step: Step,
        failed_source: Option<Vec<usize>>,
        order: &Order,
        waiting: &mut HashMap<Step, usize>,
        broken: &mut HashMap<Step, Vec<usize>>,
        ready: &mut BinaryHeap<Reverse<Step>>,
    ) {
        for next in order.dependants(step) {
            if let Some(sources) = &failed_source {
                broken
                    .entry(next)
                    .or_default()
                    .extend(sources.iter().copied());
            }
            let count = waiting.get_mut(&next).expect("every step counted");
            *count -= 1;
            if *count == 0 {
                ready.push(Reverse(next));
            }
        }
    }

    loop {
        // Start what may start.
        while running.len() < window.current && !stop.load(Ordering::SeqCst) && halted.is_none() {
            let Some(Reverse(step)) = ready.pop() else {
                break;
            };
            let sources = broken.remove(&step);
            match step {
                Step::Barrier => {
                    release(step, sources, order, &mut waiting, &mut broken, &mut ready);
                }
                Step::Change(i) => {
                    if let Some(mut sources) = sources {
                        sources.sort_unstable();
                        sources.dedup();
                        let outcome = Outcome::Skipped { waits_for: sources };
                        on_finish(i, &outcome);
                        outcomes[i] = Some(outcome);
                        release(
                            step,
                            Some(vec![i]),
                            order,
                            &mut waiting,
                            &mut broken,
                            &mut ready,
                        );
                        continue;
                    }
                    let api = api.clone();
                    let write = writes[i].clone();
                    running.spawn(async move { (i, perform(api.as_ref(), &write).await) });
                }
            }
        }
        let Some(joined) = running.join_next().await else {
            break;
        };
        let (i, result) = joined.expect("write tasks do not panic");
        window.observe(api.backpressure());
        let (outcome, failed) = match result {
            Ok(note) => {
                unreachable_in_a_row = 0;
                (Outcome::Done { note }, None)
            }
            Err(failure) => {
                match failure.unreachable {
                    Some(cause) => {
                        unreachable_in_a_row += 1;
                        if unreachable_in_a_row >= UNREACHABLE_IN_A_ROW && halted.is_none() {
                            halted = Some(cause);
                        }
                    }
                    None => unreachable_in_a_row = 0,
                }
                (
                    Outcome::Failed {
                        error: failure.message,
                    },
                    Some(vec![i]),
                )
            }
        };
        on_finish(i, &outcome);
        outcomes[i] = Some(outcome);
        release(
            Step::Change(i),
            failed,
            order,
            &mut waiting,
            &mut broken,
            &mut ready,
        );
    }
    Execution {
        outcomes: outcomes
            .into_iter()
            .map(|o| o.unwrap_or(Outcome::NotStarted))
            .collect(),
        halted,
    }
}

#[cfg(test)]
mod tests;
