//! [`Publisher`]: hand it events one by one; it batches them, sends the
//! batches in parallel while keeping each entity's events in order, retries
//! what can be retried and reports everything that failed.

mod report;
mod tracking;
mod worker;

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use futures_core::Stream;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

pub use report::{FailedEvent, PublishReport, PublishStats};
use tracking::{entity_key, key_hash, Envelope, Meta, Tally};
use worker::{Msg, Worker, WorkerConfig};

use crate::models::{
    BatchConversationEventRequest, BatchEventResponse, BatchUserPresenceEventRequest,
    BatchUserRoutingStatusEventRequest,
};
use crate::{Client, Error, RetryPolicy, SendBatch, StrFields};

/// Default [`PublisherBuilder::concurrency`]: 4 workers, so at most 4
/// requests in flight.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// Default [`PublisherBuilder::linger`]: a batch that is not full goes out
/// 50 ms after its first event arrived.
pub const DEFAULT_LINGER: Duration = Duration::from_millis(50);

/// Default [`PublisherBuilder::queue_capacity`]: 10,000 events waiting in
/// all.
pub const DEFAULT_QUEUE_CAPACITY: usize = 10_000;

/// A [`Publisher`] of conversation events (`POST /api/v2/events/conversations`).
pub type ConversationPublisher = Publisher<BatchConversationEventRequest>;
/// A [`Publisher`] of user presence events (`POST /api/v2/events/users/presence`).
pub type PresencePublisher = Publisher<BatchUserPresenceEventRequest>;
/// A [`Publisher`] of routing-status events (`POST /api/v2/events/users/routingstatus`).
pub type RoutingStatusPublisher = Publisher<BatchUserRoutingStatusEventRequest>;

/// Publishes events of one batch type `B` in batches, in parallel, in order
/// per entity, with retries, and reports what failed.
///
/// ```no_run
/// use events_sdk::models::UserPresenceEvent;
/// use events_sdk::{Client, DateTime, PresencePublisher};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = Client::builder().access_token("my-oauth-token").build()?;
/// let publisher = PresencePublisher::builder(client).concurrency(8).build()?;
/// for i in 0..1000 {
///     let event = UserPresenceEvent::new(format!("event-{i}"), DateTime::now(), format!("user-{}", i % 10), "my-platform");
///     publisher.send(event).await?;
/// }
/// let report = publisher.close().await;
/// for failure in &report.failed {
///     eprintln!("{failure}");
/// }
/// # Ok(())
/// # }
/// ```
///
/// # Batching
///
/// Events are grouped into batches of up to
/// [`MAX_BATCH_SIZE`](crate::MAX_BATCH_SIZE) (100); a batch goes out when
/// it is full, or when its oldest event has waited the
/// [linger time](PublisherBuilder::linger), or on [`flush`](Self::flush)
/// and [`close`](Self::close).
///
/// # Order
///
/// Each event belongs to an *entity*: its `conversationId`, else its
/// `userId`, else its `agentId` (else its own `eventId`). Entities are
/// spread by a hash of that key over [`concurrency`](PublisherBuilder::concurrency)
/// workers; each worker sends its batches one after the other. So the
/// events of one entity are sent in the order they were given (the order
/// in which `send` calls returned), never overtaking each other, while
/// different entities go in parallel.
///
/// A batch has one list per event type (e.g. `phoneEstablishedEvents`,
/// `communicationEndedEvents`), sent list by list. To keep an entity's
/// events in order on the wire too, a batch only takes an entity's events
/// while they are of the same type as its first one in that batch; the
/// first event of another type, and everything after it for that entity,
/// wait for the next batch (other entities keep filling this one).
///
/// **Caveat — partial failures:** when the API answers a batch with some
/// events marked `retryable: true`, the other events of that batch were
/// applied. If one of those is a later event of the same entity, it has
/// overtaken the failed one, which the server will only get with the
/// retry. The publisher keeps the damage at that: the retry is the next
/// thing its worker sends (after the backoff), so nothing newer of that
/// entity goes out before it.
///
/// # Failures and retries
///
/// The client already retries whole requests per its
/// [`RetryPolicy`] (429 and 503 by default). On top of that the publisher
/// applies a retry policy per event (default: the client's policy, see
/// [`PublisherBuilder::retry_policy`]): its
/// [`max_attempts`](RetryPolicy::max_attempts) bounds the requests carrying
/// one event, its [`retry_budget`](RetryPolicy::retry_budget) the time from
/// an event's first request after which it is not sent again, and its
/// backoff (or the server's `Retry-After`) the wait before a re-send.
///
/// * Events the API lists in `errors` with `retryable: true` are sent again;
///   those with `retryable: false` (or none) fail at once and are never
///   re-sent.
/// * A request that fails as a whole (an `Err` after the client's own
///   retries) is sent again, all its events, if the policy retries that
///   error: 429 and 503 always; 502, 504, timeouts and transport errors
///   (dropped connections included) only with
///   [`retry_possibly_processed(true)`](RetryPolicy::retry_possibly_processed).
///   The API may have published such a batch before the answer was lost,
///   so re-sending it can publish events twice; the report counts those in
///   [`possibly_duplicated`](PublishReport::possibly_duplicated). Without
///   the opt-in those events fail with
///   [`possibly_delivered`](FailedEvent::possibly_delivered) set.
/// * Any other error (400, 401, 403, 500, …) fails every event of the batch
///   with the error's message and status.
///
/// Nothing is dropped silently: every accepted event is either delivered or
/// listed in [`PublishReport::failed`]. If a worker panics, the events it
/// held are reported failed, [`PublishReport::worker_panics`] says so, and
/// later `send`s to that worker return [`PublisherClosed`] with the event.
///
/// # Back-pressure and memory
///
/// Each worker has a bounded queue (its share of
/// [`queue_capacity`](PublisherBuilder::queue_capacity)); `send` waits while
/// the queue of the event's worker is full. Besides the queues, a worker
/// holds at most about two batches (one in flight, one gathering), so
/// memory stays bounded however many events are published. (Failed events
/// are kept for the report, one [`FailedEvent`] each.)
///
/// # Runtime
///
/// The workers are Tokio tasks: build the publisher inside a Tokio runtime.
/// Call [`close`](Self::close) to get the report; a publisher dropped
/// without it still sends what it accepted, in the background, while the
/// runtime lives, but nobody sees the outcome.
pub struct Publisher<B: SendBatch<Response = BatchEventResponse>> {
    senders: Vec<mpsc::Sender<Msg<B::Event>>>,
    workers: Vec<JoinHandle<()>>,
    tally: Arc<Tally>,
    settings: Settings,
    started: std::time::Instant,
}

/// What a publisher was built with (for `Debug`).
#[derive(Debug, Clone)]
struct Settings {
    concurrency: usize,
    linger: Duration,
    queue_capacity: usize,
    retry: RetryPolicy,
}

impl<B: SendBatch<Response = BatchEventResponse>> fmt::Debug for Publisher<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Publisher")
            .field("batch", &std::any::type_name::<B>())
            .field("settings", &self.settings)
            .field("stats", &self.tally.stats())
            .finish()
    }
}

/// Builds a [`Publisher`]; see [`Publisher::builder`].
#[must_use]
pub struct PublisherBuilder<B> {
    client: Client,
    concurrency: usize,
    linger: Duration,
    queue_capacity: usize,
    retry: Option<RetryPolicy>,
    batch: PhantomData<fn() -> B>,
}

impl<B> fmt::Debug for PublisherBuilder<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublisherBuilder")
            .field("batch", &std::any::type_name::<B>())
            .field("concurrency", &self.concurrency)
            .field("linger", &self.linger)
            .field("queue_capacity", &self.queue_capacity)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl<B> PublisherBuilder<B>
where
    B: SendBatch<Response = BatchEventResponse> + Send + Sync + 'static,
    B::Event: StrFields + Send + 'static,
{
    /// How many workers, each sending one request at a time: the most
    /// requests in flight at once. Default: [`DEFAULT_CONCURRENCY`]; `0` is
    /// treated as `1`.
    pub fn concurrency(mut self, workers: usize) -> Self {
        self.concurrency = workers.max(1);
        self
    }

    /// How long a batch that is not full waits for more events after its
    /// first one arrived. Default: [`DEFAULT_LINGER`]. Longer means fuller
    /// batches (fewer requests), shorter means lower latency.
    pub fn linger(mut self, linger: Duration) -> Self {
        self.linger = linger;
        self
    }

    /// How many accepted events may wait to be batched, in all (each worker
    /// gets an equal share, at least 1). `send` waits while the share of the
    /// event's worker is full. Default: [`DEFAULT_QUEUE_CAPACITY`].
    pub fn queue_capacity(mut self, events: usize) -> Self {
        self.queue_capacity = events.max(1);
        self
    }

    /// The per-event retry policy (see [`Publisher`], *Failures and
    /// retries*). Default: the client's [`retry_policy`](Client::retry_policy),
    /// so the publisher re-sends possibly processed batches exactly when
    /// the client retries possibly processed requests.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Starts the workers.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] when called outside a Tokio runtime.
    pub fn build(self) -> Result<Publisher<B>, Error> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| {
            Error::InvalidRequest("a Publisher must be built inside a Tokio runtime (it spawns its workers)".to_owned())
        })?;
        let retry = self.retry.unwrap_or_else(|| self.client.retry_policy().clone());
        let settings = Settings {
            concurrency: self.concurrency,
            linger: self.linger,
            queue_capacity: self.queue_capacity,
            retry: retry.clone(),
        };
        let config = WorkerConfig { linger: self.linger, retry };
        let per_worker = self.queue_capacity.div_ceil(self.concurrency).max(1);
        let tally = Arc::new(Tally::default());
        let mut senders = Vec::with_capacity(self.concurrency);
        let mut workers = Vec::with_capacity(self.concurrency);
        for _ in 0..self.concurrency {
            let (tx, rx) = mpsc::channel(per_worker);
            let worker = Worker::<B>::new(self.client.clone(), config.clone(), rx, tally.clone());
            workers.push(runtime.spawn(worker.run()));
            senders.push(tx);
        }
        Ok(Publisher { senders, workers, tally, settings, started: std::time::Instant::now() })
    }
}

impl<B> Publisher<B>
where
    B: SendBatch<Response = BatchEventResponse> + Send + Sync + 'static,
    B::Event: StrFields + Send + 'static,
{
    /// Starts configuring a publisher that sends with `client`.
    pub fn builder(client: Client) -> PublisherBuilder<B> {
        PublisherBuilder {
            client,
            concurrency: DEFAULT_CONCURRENCY,
            linger: DEFAULT_LINGER,
            queue_capacity: DEFAULT_QUEUE_CAPACITY,
            retry: None,
            batch: PhantomData,
        }
    }

    /// A publisher with the default settings.
    ///
    /// # Errors
    ///
    /// As [`PublisherBuilder::build`].
    pub fn new(client: Client) -> Result<Self, Error> {
        Self::builder(client).build()
    }

    /// Accepts one event, waiting while its worker's queue is full.
    ///
    /// Returning `Ok` means the event is accepted: it will be delivered or
    /// reported failed. Accepts anything that converts into the event type,
    /// e.g. a `PhoneEstablishedEvent` for a [`ConversationPublisher`].
    ///
    /// # Errors
    ///
    /// [`PublisherClosed`], with the event, when the worker for its entity
    /// has stopped (it panicked).
    pub async fn send(&self, event: impl Into<B::Event>) -> Result<(), PublisherClosed<B::Event>> {
        self.accept(event.into()).await.map_err(|event| PublisherClosed { event, accepted: 0 })
    }

    /// Accepts every event of `events`, in order; returns how many.
    ///
    /// # Errors
    ///
    /// [`PublisherClosed`] with the first event that could not be accepted
    /// and the number accepted before it; the events after it are not taken.
    pub async fn send_all<I>(&self, events: I) -> Result<u64, PublisherClosed<B::Event>>
    where
        I: IntoIterator,
        I::Item: Into<B::Event>,
    {
        let mut accepted = 0;
        for event in events {
            self.accept(event.into()).await.map_err(|event| PublisherClosed { event, accepted })?;
            accepted += 1;
        }
        Ok(accepted)
    }

    /// Accepts every event of the stream `events`, in order, until it ends;
    /// returns how many.
    ///
    /// # Errors
    ///
    /// As [`send_all`](Self::send_all).
    pub async fn send_stream<S>(&self, events: S) -> Result<u64, PublisherClosed<B::Event>>
    where
        S: Stream,
        S::Item: Into<B::Event>,
    {
        let mut events = std::pin::pin!(events);
        let mut accepted = 0;
        while let Some(event) = std::future::poll_fn(|cx| events.as_mut().poll_next(cx)).await {
            self.accept(event.into()).await.map_err(|event| PublisherClosed { event, accepted })?;
            accepted += 1;
        }
        Ok(accepted)
    }

    /// Hands `event` to the worker of its entity; gives it back if that
    /// worker has stopped.
    async fn accept(&self, event: B::Event) -> Result<(), B::Event> {
        let key = key_hash(entity_key(&event));
        let worker = (key % self.senders.len() as u64) as usize;
        let Ok(permit) = self.senders[worker].reserve().await else { return Err(event) };
        let id = event.str_field("eventId").unwrap_or_default().to_owned();
        self.tally.accepted();
        permit.send(Msg::Event(Envelope { event, meta: Meta::new(id, key, self.tally.clone()) }));
        Ok(())
    }

    /// Waits until every event accepted before this call is delivered or
    /// failed. Pending batches go out at once, without waiting for their
    /// linger time. Events accepted meanwhile (from other tasks) may wait
    /// until the flush is over.
    pub async fn flush(&self) {
        let mut waiting = Vec::with_capacity(self.senders.len());
        for sender in &self.senders {
            let (done, finished) = oneshot::channel();
            if sender.send(Msg::Flush(done)).await.is_ok() {
                waiting.push(finished);
            }
        }
        for finished in waiting {
            // An error means the worker stopped; its events are reported.
            let _ = finished.await;
        }
    }

    /// The number of workers (the most requests in flight at once).
    pub fn concurrency(&self) -> usize {
        self.settings.concurrency
    }

    /// How long a batch that is not full waits for more events.
    pub fn linger(&self) -> Duration {
        self.settings.linger
    }

    /// How many accepted events may wait to be batched, in all.
    pub fn queue_capacity(&self) -> usize {
        self.settings.queue_capacity
    }

    /// The per-event retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.settings.retry
    }

    /// Counts so far (cheap; for monitoring).
    pub fn stats(&self) -> PublishStats {
        self.tally.stats()
    }

    /// Sends everything accepted, stops the workers and reports.
    pub async fn close(self) -> PublishReport {
        let Self { senders, workers, tally, started, .. } = self;
        drop(senders);
        let mut panics = Vec::new();
        for (index, worker) in workers.into_iter().enumerate() {
            if let Err(error) = worker.await {
                let message = if error.is_panic() { panic_message(error.into_panic()) } else { error.to_string() };
                tracing::error!(worker = index, %message, "publisher worker stopped abnormally; its unsettled events are reported failed");
                panics.push(format!("worker {index}: {message}"));
            }
        }
        tally.report(started.elapsed(), panics)
    }
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(message) => *message,
        Err(payload) => match payload.downcast::<&'static str>() {
            Ok(message) => (*message).to_owned(),
            Err(_) => "panic with a non-string payload".to_owned(),
        },
    }
}

/// An event the publisher could not accept because the worker for its
/// entity has stopped (it panicked). The event is handed back.
pub struct PublisherClosed<E> {
    /// The event that was not accepted.
    pub event: E,
    /// How many events of the same call were accepted before it (0 for
    /// [`Publisher::send`]).
    pub accepted: u64,
}

impl<E> fmt::Debug for PublisherClosed<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublisherClosed").field("accepted", &self.accepted).finish_non_exhaustive()
    }
}

impl<E> fmt::Display for PublisherClosed<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the publisher cannot accept the event: the worker for its entity has stopped")
    }
}

impl<E> std::error::Error for PublisherClosed<E> {}
