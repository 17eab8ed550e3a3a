//! Per-event bookkeeping: the envelope an event travels in, its entity key,
//! and the tally every outcome is recorded in.
//!
//! Every accepted event carries a [`Meta`] until it is settled (delivered or
//! failed). A `Meta` dropped unsettled, which only happens when a worker
//! panics or its task is cancelled, records the event as failed on its own,
//! so no accepted event can vanish from the report.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use reqwest::StatusCode;
use tokio::time::Instant;

use super::report::{FailedEvent, PublishReport, PublishStats};
use crate::StrFields;

/// The wire names read, in this order, to find an event's entity: the first
/// one the event has is its key.
pub(crate) const ENTITY_FIELDS: [&str; 4] = ["conversationId", "userId", "agentId", "eventId"];

/// The entity an event belongs to: its `conversationId`, else `userId`, else
/// `agentId`, else its own `eventId` (an event without an entity is ordered
/// with nothing).
pub(crate) fn entity_key<E: StrFields>(event: &E) -> &str {
    ENTITY_FIELDS.iter().find_map(|name| event.str_field(name)).unwrap_or_default()
}

/// FNV-1a: a stable 64-bit hash of an entity key (the same key always goes
/// to the same worker, across runs and platforms).
pub(crate) fn key_hash(key: &str) -> u64 {
    key.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// What happened to the events of a publisher so far.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    accepted: AtomicU64,
    delivered: AtomicU64,
    failed_count: AtomicU64,
    retries: AtomicU64,
    batches: AtomicU64,
    possibly_duplicated: AtomicU64,
    failed: Mutex<Vec<FailedEvent>>,
}

impl Tally {
    pub(crate) fn accepted(&self) {
        self.accepted.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn batch_sent(&self) {
        self.batches.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn resent(&self) {
        self.retries.fetch_add(1, Ordering::Relaxed);
    }

    fn record_failure(&self, failure: FailedEvent) {
        // A poisoned lock only means another thread panicked while pushing;
        // the list itself is still sound, and a failure must not be lost.
        self.failed.lock().unwrap_or_else(PoisonError::into_inner).push(failure);
        self.failed_count.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn stats(&self) -> PublishStats {
        PublishStats {
            accepted: self.accepted.load(Ordering::Relaxed),
            delivered: self.delivered.load(Ordering::Relaxed),
            failed: self.failed_count.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            batches: self.batches.load(Ordering::Relaxed),
        }
    }

    /// The final report; called once every worker has stopped.
    pub(crate) fn report(&self, elapsed: Duration, worker_panics: Vec<String>) -> PublishReport {
        let failed = std::mem::take(&mut *self.failed.lock().unwrap_or_else(PoisonError::into_inner));
        PublishReport {
            accepted: self.accepted.load(Ordering::Relaxed),
            delivered: self.delivered.load(Ordering::Relaxed),
            failed,
            retries: self.retries.load(Ordering::Relaxed),
            batches: self.batches.load(Ordering::Relaxed),
            possibly_duplicated: self.possibly_duplicated.load(Ordering::Relaxed),
            worker_panics,
            elapsed,
        }
    }
}

/// An accepted event on its way: the event and its bookkeeping.
pub(crate) struct Envelope<E> {
    pub(crate) event: E,
    pub(crate) meta: Meta,
}

/// The bookkeeping of one accepted event until it is settled.
pub(crate) struct Meta {
    /// The event's `eventId` (what the API's per-event errors name).
    pub(crate) id: String,
    /// The hash of its entity key.
    pub(crate) key: u64,
    /// How many requests carried it so far.
    pub(crate) attempts: u32,
    /// When the first of those started (retry budgets count from here).
    pub(crate) first_sent: Option<Instant>,
    /// Whether an earlier request carrying it may have been processed
    /// although it failed (transport error, timeout, 5xx other than 503).
    pub(crate) possibly_processed: bool,
    tally: Arc<Tally>,
    settled: bool,
}

impl Meta {
    pub(crate) fn new(id: String, key: u64, tally: Arc<Tally>) -> Self {
        Self { id, key, attempts: 0, first_sent: None, possibly_processed: false, tally, settled: false }
    }

    /// The API took the event.
    pub(crate) fn deliver(mut self) {
        self.settled = true;
        self.tally.delivered.fetch_add(1, Ordering::Relaxed);
        if self.possibly_processed {
            self.tally.possibly_duplicated.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The event will not be sent again: record why.
    pub(crate) fn fail(mut self, message: String, status: Option<StatusCode>, retryable: bool, processed: bool) {
        self.settled = true;
        self.possibly_processed |= processed;
        self.record(message, status, retryable);
    }

    fn record(&mut self, message: String, status: Option<StatusCode>, retryable: bool) {
        self.tally.record_failure(FailedEvent {
            event_id: std::mem::take(&mut self.id),
            message,
            status,
            attempts: self.attempts,
            retryable,
            possibly_delivered: self.possibly_processed,
        });
    }
}

impl Drop for Meta {
    fn drop(&mut self) {
        if !self.settled {
            // Only reached when a worker panicked or was cancelled while it
            // held this event: the event was not settled, report it.
            self.possibly_processed |= self.attempts > 0;
            self.record(
                "the publisher worker stopped (panicked or was cancelled) before this event was settled".to_owned(),
                None,
                false,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::UserRoutingStatusEventStatus;
    use crate::models::{ConversationEvent, HoldUpdatedEvent, UserPresenceEvent, UserRoutingStatusEvent};
    use crate::DateTime;

    #[test]
    fn entity_key_prefers_conversation_then_user_then_agent() {
        let conversation: ConversationEvent =
            HoldUpdatedEvent::new("e1", DateTime::now(), "conv-1", "comm-1", true).into();
        assert_eq!(entity_key(&conversation), "conv-1");
        assert_eq!(entity_key(&UserPresenceEvent::new("e2", DateTime::now(), "user-1", "src")), "user-1");
        let routing =
            UserRoutingStatusEvent::new("e3", DateTime::now(), "agent-1", UserRoutingStatusEventStatus::Idle, "src");
        assert_eq!(entity_key(&routing), "agent-1");
    }

    #[test]
    fn key_hash_is_stable() {
        // FNV-1a test vectors: the worker an entity maps to never changes.
        assert_eq!(key_hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(key_hash("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(key_hash("foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn an_unsettled_meta_reports_itself_failed() {
        let tally = Arc::new(Tally::default());
        let mut meta = Meta::new("e-1".to_owned(), 1, tally.clone());
        meta.attempts = 2;
        drop(meta);
        Meta::new("e-2".to_owned(), 1, tally.clone()).deliver();
        let report = tally.report(Duration::ZERO, Vec::new());
        assert_eq!(report.delivered, 1);
        assert_eq!(report.failed.len(), 1);
        assert_eq!(report.failed[0].event_id, "e-1");
        assert_eq!(report.failed[0].attempts, 2);
        assert!(report.failed[0].possibly_delivered);
    }
}
