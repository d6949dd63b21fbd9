//! `Cluster`: the primary store that writes are checked against and applied
//! to, and the secondary copy that reads see after the export lag — with,
//! from 8.9 on, the audit log the exporter writes beside it.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::sim::audit::{Actor, AuditEntry, AuditLog};
use crate::sim::store::{Mutation, Store};
use crate::timestamp::Timestamp;

struct Inner {
    primary: Store,
    secondary: Store,
    pending: VecDeque<(Instant, Mutation)>,
    initial: Store,
    /// The audit log's recorder (`None`: the version has no audit log).
    audit: Option<AuditLog>,
    /// The entries searches see: those the lag has let through.
    audit_secondary: Vec<AuditEntry>,
    audit_pending: VecDeque<(Instant, AuditEntry)>,
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
                audit: None,
                audit_secondary: Vec::new(),
                audit_pending: VecDeque::new(),
            }),
        }
    }

    /// Keeps an audit log of the writes from now on (Camunda 8.9).
    pub(crate) fn with_audit(self, log: AuditLog) -> Self {
        self.lock().audit = Some(log);
        self
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves consistent data behind
        // (mutations are applied one by one): keep serving.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs a command of `actor` (`None`: anonymous) against the primary
    /// store; the mutations it returns are applied there at once and reach
    /// the secondary after the lag, and so do the audit entries of their
    /// events.
    pub(crate) fn write<T, E>(
        &self,
        actor: Option<&Actor>,
        command: impl FnOnce(&mut Store) -> Result<(Vec<Mutation>, T), E>,
    ) -> Result<T, E> {
        let mut guard = self.lock();
        let inner = &mut *guard;
        // The command checks the primary store and may hand out keys from it.
        let (mutations, value) = command(&mut inner.primary)?;
        let now = Instant::now();
        let at = Timestamp::now();
        for m in mutations {
            let entry = inner
                .audit
                .as_mut()
                .and_then(|log| log.record(&inner.primary, &m, actor, at));
            inner.primary.apply(&m);
            if self.lag.is_zero() {
                inner.secondary.apply(&m);
                inner.audit_secondary.extend(entry);
            } else {
                inner.pending.push_back((now, m));
                inner.audit_pending.extend(entry.map(|e| (now, e)));
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
        while let Some((at, _)) = inner.audit_pending.front() {
            if now.duration_since(*at) < self.lag {
                break;
            }
            let (_, entry) = inner.audit_pending.pop_front().expect("front exists");
            inner.audit_secondary.push(entry);
        }
    }

    /// Reads the audit entries searches see now, oldest first, with the
    /// primary and secondary stores (for permission checks); `None` when
    /// the version has no audit log.
    pub(crate) fn read_audit<T>(
        &self,
        query: impl FnOnce(&[AuditEntry], &Store, &Store) -> T,
    ) -> Option<T> {
        let mut inner = self.lock();
        self.catch_up(&mut inner);
        inner.audit.as_ref()?;
        Some(query(
            &inner.audit_secondary,
            &inner.primary,
            &inner.secondary,
        ))
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

    /// Back to the state the simulator started with, with an empty audit
    /// log. (Loading a state keeps the log: it is history, not state.)
    pub(crate) fn reset(&self) {
        let initial = {
            let mut inner = self.lock();
            if let Some(log) = inner.audit.as_mut() {
                log.clear();
            }
            inner.audit_secondary.clear();
            inner.audit_pending.clear();
            inner.initial.clone()
        };
        self.load(initial);
    }
}
