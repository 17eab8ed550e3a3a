//! What a [`Publisher`](super::Publisher) did: [`PublishReport`] (returned by
//! `close`), [`FailedEvent`] and the running [`PublishStats`].

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;

/// What a publisher did, from [`Publisher::close`](super::Publisher::close).
///
/// Every accepted event ends up either delivered or in [`failed`](Self::failed):
/// `accepted == delivered + failed.len()` ([`unaccounted`](Self::unaccounted)
/// is 0).
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct PublishReport {
    /// Events accepted by `send`, `send_all` and `send_stream`.
    pub accepted: u64,
    /// Events the API took (a 2xx answer that did not list them in `errors`).
    pub delivered: u64,
    /// Events that were not delivered, each with why, in the order they
    /// failed.
    pub failed: Vec<FailedEvent>,
    /// How many times an event was sent again (one per event per re-send).
    pub retries: u64,
    /// Requests the publisher made (calls of the operation; the client's own
    /// retries of one call are not counted).
    pub batches: u64,
    /// Delivered events that an earlier, failed request may already have
    /// delivered (it ended with a transport error, a timeout or a 5xx other
    /// than 503 and was sent again): the API may hold them twice. Always 0
    /// unless the retry policy re-sends possibly processed batches.
    pub possibly_duplicated: u64,
    /// One message per worker that panicked (its events are in `failed`).
    pub worker_panics: Vec<String>,
    /// From building the publisher to the end of `close`.
    pub elapsed: Duration,
}

impl PublishReport {
    /// Accepted events neither delivered nor failed. Always 0: anything
    /// else is a bug in the publisher.
    pub fn unaccounted(&self) -> u64 {
        self.accepted.saturating_sub(self.delivered).saturating_sub(self.failed.len() as u64)
    }

    /// Whether every accepted event was delivered.
    pub fn all_delivered(&self) -> bool {
        self.failed.is_empty() && self.delivered == self.accepted
    }
}

impl fmt::Display for PublishReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} accepted, {} delivered, {} failed, {} retries, {} requests in {:.3} s",
            self.accepted,
            self.delivered,
            self.failed.len(),
            self.retries,
            self.batches,
            self.elapsed.as_secs_f64()
        )?;
        if self.possibly_duplicated > 0 {
            write!(f, ", {} possibly duplicated", self.possibly_duplicated)?;
        }
        if !self.worker_panics.is_empty() {
            write!(f, ", {} worker panic(s)", self.worker_panics.len())?;
        }
        Ok(())
    }
}

/// An event the publisher gave up on.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FailedEvent {
    /// Its `eventId`.
    pub event_id: String,
    /// Why: the API's per-event `message`, or the request's error.
    pub message: String,
    /// The HTTP status of the last answer concerning it: the batch answer's
    /// (200) when the API refused the event in `errors`, the error status
    /// when the whole request failed; `None` when no answer arrived
    /// (transport error, timeout, worker panic).
    pub status: Option<StatusCode>,
    /// How many requests carried it (the client's own retries of one
    /// request count once).
    pub attempts: u32,
    /// Whether the last failure was of a kind that may succeed when sent
    /// again (`retryable: true` from the API, or
    /// [`Error::is_retryable`](crate::Error::is_retryable)): then the retry
    /// budget (attempts or time) ran out, or the retry policy does not
    /// re-send possibly processed requests. `false` for permanent failures
    /// (`retryable: false`, a 400, …).
    pub retryable: bool,
    /// Whether the API may have taken it anyway: a request carrying it
    /// ended without a clear answer (transport error, timeout, a 5xx other
    /// than 503, a 2xx that did not decode).
    pub possibly_delivered: bool,
}

impl fmt::Display for FailedEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "event {} failed after {} attempt(s)", self.event_id, self.attempts)?;
        if let Some(status) = self.status {
            write!(f, " (HTTP {})", status.as_u16())?;
        }
        write!(f, ": {}", self.message)?;
        if self.possibly_delivered {
            f.write_str(" (possibly delivered)")?;
        }
        Ok(())
    }
}

/// Running counts of a publisher, from
/// [`Publisher::stats`](super::Publisher::stats).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PublishStats {
    /// Events accepted so far.
    pub accepted: u64,
    /// Events delivered so far.
    pub delivered: u64,
    /// Events failed so far.
    pub failed: u64,
    /// Re-sends so far.
    pub retries: u64,
    /// Requests so far.
    pub batches: u64,
}

impl PublishStats {
    /// Accepted events not settled yet (queued, being batched or in flight).
    pub fn in_progress(&self) -> u64 {
        self.accepted.saturating_sub(self.delivered).saturating_sub(self.failed)
    }
}
