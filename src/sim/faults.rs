//! Operator controls: request counters per route template, and injected
//! faults (latency, backpressure, rate limits, errors, dropped answers).

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// What to inject, as `POST /_sim/faults` sets it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct FaultConfig {
    /// Added to every `/v2` request.
    #[serde(default)]
    pub latency_ms: u64,
    /// 503 `RESOURCE_EXHAUSTED`.
    #[serde(default)]
    pub unavailable: Option<Share>,
    /// 429 with `Retry-After`.
    #[serde(default)]
    pub rate_limited: Option<Share>,
    /// Seconds in `Retry-After` of injected 429s.
    #[serde(default)]
    pub retry_after_seconds: u64,
    /// 500 `INTERNAL`.
    #[serde(default)]
    pub internal_error: Option<Share>,
    /// Writes applied, then the connection closed without an answer.
    #[serde(default)]
    pub drop_after_write: Option<Share>,
    /// Writes applied, then answered 504 `DEADLINE_EXCEEDED` (the gateway
    /// gave up waiting for the broker).
    #[serde(default)]
    pub timeout_after_write: Option<Share>,
    /// Writes applied, then answered 502 `ABORTED` (the connection to the
    /// broker was cut).
    #[serde(default)]
    pub aborted_after_write: Option<Share>,
    /// Writes answered 503 `UNAVAILABLE` without being applied (partition
    /// inactive, no topology yet).
    #[serde(default)]
    pub partition_unavailable: Option<Share>,
    /// Seed of the random choice for shares (deterministic runs).
    #[serde(default)]
    pub seed: Option<u64>,
}

/// Which requests a fault hits: the next `next` ones, or a `share` of all.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct Share {
    /// Fraction of requests hit, 0 to 1.
    #[serde(default)]
    pub share: f64,
    /// Hit the next N requests.
    #[serde(default)]
    pub next: u64,
}

/// A fault chosen for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Injected {
    /// 503 `RESOURCE_EXHAUSTED`.
    Unavailable,
    /// 429 with this many seconds in `Retry-After`.
    RateLimited(u64),
    /// 500.
    InternalError,
    /// 503 `UNAVAILABLE` (writes only).
    PartitionUnavailable,
}

/// What happens to the answer of a write that was applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AfterWrite {
    /// The connection is closed without an answer.
    Drop,
    /// 504 `DEADLINE_EXCEEDED`.
    Timeout,
    /// 502 `ABORTED`.
    Aborted,
}

#[derive(Debug)]
struct State {
    config: FaultConfig,
    rng: u64,
    counters: BTreeMap<String, u64>,
}

/// Faults and counters, shared by all requests.
#[derive(Debug)]
pub(crate) struct Faults {
    state: Mutex<State>,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            state: Mutex::new(State {
                config: FaultConfig::default(),
                rng: 0x9E37_79B9_7F4A_7C15,
                counters: BTreeMap::new(),
            }),
        }
    }
}

fn hit(share: &mut Option<Share>, rng: &mut u64) -> bool {
    let Some(s) = share else {
        return false;
    };
    if s.next > 0 {
        s.next -= 1;
        return true;
    }
    if s.share <= 0.0 {
        return false;
    }
    // xorshift64*: deterministic for a given seed.
    *rng ^= *rng >> 12;
    *rng ^= *rng << 25;
    *rng ^= *rng >> 27;
    let x = rng.wrapping_mul(0x2545_F491_4F6C_DD1D);
    ((x >> 11) as f64 / (1u64 << 53) as f64) < s.share
}

impl Faults {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Replaces the fault configuration.
    pub(crate) fn set(&self, config: FaultConfig) {
        let mut state = self.lock();
        if let Some(seed) = config.seed {
            state.rng = seed.max(1);
        }
        state.config = config;
    }

    /// The fault configuration now.
    pub(crate) fn get(&self) -> FaultConfig {
        self.lock().config.clone()
    }

    /// Counts a request under its method and route template.
    pub(crate) fn count(&self, route: &str) {
        *self.lock().counters.entry(route.to_owned()).or_default() += 1;
    }

    /// The counters.
    pub(crate) fn counters(&self) -> BTreeMap<String, u64> {
        self.lock().counters.clone()
    }

    /// Clears the counters.
    pub(crate) fn reset_counters(&self) {
        self.lock().counters.clear();
    }

    /// The latency to add to a request.
    pub(crate) fn latency(&self) -> Duration {
        Duration::from_millis(self.lock().config.latency_ms)
    }

    /// The fault, if any, that answers this request instead of the API.
    /// `write`: the request is a command (not a read or a search).
    pub(crate) fn before_request(&self, write: bool) -> Option<Injected> {
        let mut guard = self.lock();
        let State { config, rng, .. } = &mut *guard;
        if write && hit(&mut config.partition_unavailable, rng) {
            return Some(Injected::PartitionUnavailable);
        }
        if hit(&mut config.unavailable, rng) {
            return Some(Injected::Unavailable);
        }
        if hit(&mut config.rate_limited, rng) {
            return Some(Injected::RateLimited(config.retry_after_seconds.max(1)));
        }
        if hit(&mut config.internal_error, rng) {
            return Some(Injected::InternalError);
        }
        None
    }

    /// What, if anything, replaces the answer of a write that was applied.
    pub(crate) fn after_write(&self) -> Option<AfterWrite> {
        let mut guard = self.lock();
        let State { config, rng, .. } = &mut *guard;
        if hit(&mut config.drop_after_write, rng) {
            return Some(AfterWrite::Drop);
        }
        if hit(&mut config.timeout_after_write, rng) {
            return Some(AfterWrite::Timeout);
        }
        if hit(&mut config.aborted_after_write, rng) {
            return Some(AfterWrite::Aborted);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_n_then_share() {
        let faults = Faults::default();
        faults.set(FaultConfig {
            unavailable: Some(Share {
                share: 0.0,
                next: 2,
            }),
            ..FaultConfig::default()
        });
        assert_eq!(faults.before_request(false), Some(Injected::Unavailable));
        assert_eq!(faults.before_request(false), Some(Injected::Unavailable));
        assert_eq!(faults.before_request(false), None);
        faults.set(FaultConfig {
            internal_error: Some(Share {
                share: 0.25,
                next: 0,
            }),
            seed: Some(7),
            ..FaultConfig::default()
        });
        assert_eq!(faults.before_request(true), None);
        let hits = (0..4000)
            .filter(|_| faults.before_request(false).is_some())
            .count();
        assert!((800..1200).contains(&hits), "{hits}");
    }

    #[test]
    fn partitions_are_unavailable_to_writes_only() {
        let faults = Faults::default();
        faults.set(FaultConfig {
            partition_unavailable: Some(Share {
                share: 0.0,
                next: 1,
            }),
            timeout_after_write: Some(Share {
                share: 0.0,
                next: 1,
            }),
            aborted_after_write: Some(Share {
                share: 0.0,
                next: 1,
            }),
            ..FaultConfig::default()
        });
        assert_eq!(faults.before_request(false), None);
        assert_eq!(
            faults.before_request(true),
            Some(Injected::PartitionUnavailable)
        );
        assert_eq!(faults.before_request(true), None);
        assert_eq!(faults.after_write(), Some(AfterWrite::Timeout));
        assert_eq!(faults.after_write(), Some(AfterWrite::Aborted));
        assert_eq!(faults.after_write(), None);
    }
}
