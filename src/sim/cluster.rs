//! `Cluster`: the primary store that writes are checked against and applied
//! to, and the secondary copy that reads see after the export lag.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::sim::store::{Mutation, Store};

struct Inner {
    primary: Store,
    secondary: Store,
    pending: VecDeque<(Instant, Mutation)>,
    initial: Store,
}

/// Primary and secondary storage with replication lag.
pub(crate) struct Cluster {
    lag: Duration,
    inner: Mutex<Inner>,
}

impl Cluster {
    /// A cluster whose state starts as `initial`.
    pub(crate) fn new(initial: Store, lag: Duration) -> Self {
        Cluster {
            lag,
            inner: Mutex::new(Inner {
                primary: initial.clone(),
                secondary: initial.clone(),
                pending: VecDeque::new(),
                initial,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves consistent data behind
        // (mutations are applied one by one): keep serving.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs a command against the primary store; the mutations it returns
    /// are applied there at once and reach the secondary after the lag.
    pub(crate) fn write<T, E>(
        &self,
        command: impl FnOnce(&mut Store) -> Result<(Vec<Mutation>, T), E>,
    ) -> Result<T, E> {
        let mut inner = self.lock();
        // The command checks the primary store and may hand out keys from it.
        let (mutations, value) = command(&mut inner.primary)?;
        let now = Instant::now();
        for m in mutations {
            inner.primary.apply(&m);
            if self.lag.is_zero() {
                inner.secondary.apply(&m);
            } else {
                inner.pending.push_back((now, m));
            }
        }
        Ok(value)
    }

    /// Applies to the secondary copy what the lag has let through.
    fn catch_up(&self, inner: &mut Inner) {
        let now = Instant::now();
        while let Some((at, _)) = inner.pending.front() {
            if now.duration_since(*at) < self.lag {
                break;
            }
            let (_, m) = inner.pending.pop_front().expect("front exists");
            inner.secondary.apply(&m);
        }
    }

    /// Reads the secondary copy as it is now.
    pub(crate) fn read<T>(&self, query: impl FnOnce(&Store) -> T) -> T {
        let mut inner = self.lock();
        self.catch_up(&mut inner);
        query(&inner.secondary)
    }

    /// Reads the primary store and the secondary copy as they are now
    /// (permission checks of reads, which mix the two).
    pub(crate) fn read_both<T>(&self, query: impl FnOnce(&Store, &Store) -> T) -> T {
        let mut inner = self.lock();
        self.catch_up(&mut inner);
        query(&inner.primary, &inner.secondary)
    }

    /// Reads the primary store (authentication and permission checks).
    pub(crate) fn read_primary<T>(&self, query: impl FnOnce(&Store) -> T) -> T {
        query(&self.lock().primary)
    }

    /// A copy of the primary store.
    pub(crate) fn dump(&self) -> Store {
        self.lock().primary.clone()
    }

    /// Replaces the whole state (primary and secondary at once).
    pub(crate) fn load(&self, store: Store) {
        let mut inner = self.lock();
        inner.primary = store.clone();
        inner.secondary = store;
        inner.pending.clear();
    }

    /// Back to the state the simulator started with.
    pub(crate) fn reset(&self) {
        let initial = self.lock().initial.clone();
        self.load(initial);
    }
}
