//! When to send a request again: the retry policy (attempts, backoff with
//! full jitter) and the run's retry budget, so an overloaded cluster ends
//! the run instead of being hammered.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// When and how often to retry.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts in all, including the first.
    pub max_attempts: u32,
    /// First backoff.
    pub base_delay: Duration,
    /// Longest backoff.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 6,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(5),
        }
    }
}

/// Retries left for the whole run: each retry spends one, each success
/// earns a fifth back (up to the initial amount), so a cluster that pushes
/// back on more than one request in five drains it. When a cluster is
/// overloaded for long, the run fails instead of hammering it.
#[derive(Debug)]
pub(crate) struct RetryBudget {
    tenths: AtomicU32,
    max_tenths: u32,
}

impl RetryBudget {
    /// A budget of `retries`.
    pub(crate) fn new(retries: u32) -> Self {
        RetryBudget {
            tenths: AtomicU32::new(retries * 10),
            max_tenths: retries * 10,
        }
    }

    /// Takes one retry; `false` when none is left.
    pub(crate) fn spend(&self) -> bool {
        self.tenths
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |t| t.checked_sub(10))
            .is_ok()
    }

    /// A success earns a fifth of a retry back.
    pub(crate) fn earn(&self) {
        let max = self.max_tenths;
        let _ = self
            .tenths
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |t| {
                Some((t + 2).min(max))
            });
    }
}

/// Backoff delays: exponential from the policy's base up to its cap, with
/// full jitter from a small xorshift generator (no dependency, no global
/// state; seeded from the clock so two runs do not retry in step).
#[derive(Debug)]
pub(crate) struct Backoff {
    state: Mutex<u64>,
}

impl Backoff {
    /// A generator seeded from the clock.
    pub(crate) fn from_clock() -> Self {
        Backoff {
            state: Mutex::new(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0x9E37_79B9, |d| d.as_nanos() as u64)
                    | 1,
            ),
        }
    }

    /// How long to wait before attempt `attempt + 1`.
    pub(crate) fn delay(&self, policy: &RetryPolicy, attempt: u32) -> Duration {
        let cap = policy
            .base_delay
            .saturating_mul(2u32.saturating_pow(attempt))
            .min(policy.max_delay);
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        // Full jitter: anywhere between zero and the cap.
        cap.mul_f64((*state % 10_000) as f64 / 10_000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_retry_budget_runs_out_and_is_earned_back() {
        let budget = RetryBudget::new(2);
        assert!(budget.spend());
        assert!(budget.spend());
        assert!(!budget.spend(), "two retries, then none");
        for _ in 0..4 {
            budget.earn();
        }
        assert!(!budget.spend(), "four successes earn less than one retry");
        budget.earn();
        assert!(budget.spend(), "five successes earn one");
        for _ in 0..100 {
            budget.earn();
        }
        assert!(
            budget.spend() && budget.spend() && !budget.spend(),
            "never more than the initial amount"
        );
    }

    #[test]
    fn backoff_stays_under_its_cap() {
        let policy = RetryPolicy {
            max_attempts: 6,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(300),
        };
        let backoff = Backoff::from_clock();
        for attempt in 0..40 {
            let cap = Duration::from_millis(100)
                .saturating_mul(2u32.saturating_pow(attempt))
                .min(Duration::from_millis(300));
            assert!(backoff.delay(&policy, attempt) <= cap);
        }
    }
}
