//! One publisher worker: owns a shard of the entities, batches their events
//! and sends the batches one after the other.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet, VecDeque};
use std::mem::Discriminant;
use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use super::tracking::{Envelope, Meta, Tally};
use crate::models::{BatchEventResponse, EventError};
use crate::{ApiResponse, Batch, Client, Error, RetryPolicy, SendBatch, StrFields, MAX_BATCH_SIZE};

/// What the publisher hands a worker.
pub(crate) enum Msg<E> {
    /// An accepted event.
    Event(Envelope<E>),
    /// Answer once every event received before this is settled.
    Flush(oneshot::Sender<()>),
}

/// The settings a worker runs with.
#[derive(Debug, Clone)]
pub(crate) struct WorkerConfig {
    pub(crate) linger: Duration,
    pub(crate) retry: RetryPolicy,
}

pub(crate) struct Worker<B: Batch> {
    client: Client,
    config: WorkerConfig,
    rx: mpsc::Receiver<Msg<B::Event>>,
    tally: Arc<Tally>,
    /// Events received (or put back for a retry) and not yet sent, in order.
    pending: VecDeque<Envelope<B::Event>>,
    /// When `pending` must go out even if the batch is not full.
    deadline: Option<Instant>,
    flush_waiters: Vec<oneshot::Sender<()>>,
    closed: bool,
    // Scratch space reused by every batch.
    kinds: HashMap<u64, Discriminant<B::Event>>,
    blocked: HashSet<u64>,
    deferred: VecDeque<Envelope<B::Event>>,
}

impl<B> Worker<B>
where
    B: SendBatch<Response = BatchEventResponse> + Send + Sync + 'static,
    B::Event: StrFields + Send + 'static,
{
    pub(crate) fn new(
        client: Client,
        config: WorkerConfig,
        rx: mpsc::Receiver<Msg<B::Event>>,
        tally: Arc<Tally>,
    ) -> Self {
        Self {
            client,
            config,
            rx,
            tally,
            pending: VecDeque::with_capacity(MAX_BATCH_SIZE),
            deadline: None,
            flush_waiters: Vec::new(),
            closed: false,
            kinds: HashMap::new(),
            blocked: HashSet::new(),
            deferred: VecDeque::new(),
        }
    }

    /// Runs until the publisher is closed (every sender dropped) and every
    /// event received is settled.
    pub(crate) async fn run(mut self) {
        loop {
            if self.pending.is_empty() {
                for waiter in self.flush_waiters.drain(..) {
                    let _ = waiter.send(());
                }
                if self.closed {
                    return;
                }
                match self.rx.recv().await {
                    Some(msg) => self.take(msg),
                    None => self.closed = true,
                }
                continue;
            }
            self.gather().await;
            self.send_batch().await;
        }
    }

    fn take(&mut self, msg: Msg<B::Event>) {
        match msg {
            Msg::Event(envelope) => {
                if self.pending.is_empty() {
                    self.deadline = Some(Instant::now() + self.config.linger);
                }
                self.pending.push_back(envelope);
            }
            Msg::Flush(waiter) => self.flush_waiters.push(waiter),
        }
    }

    /// Whether to take more events before sending: not after a flush marker
    /// (what follows it waits until the flush is answered), not once closed
    /// (nothing more comes), not once a full batch is pending.
    fn may_wait_for_more(&self) -> bool {
        !self.closed && self.flush_waiters.is_empty() && self.pending.len() < MAX_BATCH_SIZE
    }

    /// Takes events until a full batch is pending or the linger time of the
    /// oldest pending event is up.
    async fn gather(&mut self) {
        while self.may_wait_for_more() {
            match self.rx.try_recv() {
                Ok(msg) => self.take(msg),
                Err(mpsc::error::TryRecvError::Empty) => break,
                Err(mpsc::error::TryRecvError::Disconnected) => self.closed = true,
            }
        }
        while self.may_wait_for_more() {
            let deadline = self.deadline.unwrap_or_else(Instant::now);
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(msg)) => self.take(msg),
                Ok(None) => self.closed = true,
                Err(_elapsed) => break,
            }
        }
    }

    /// Sends one batch from the front of `pending` and settles its events.
    async fn send_batch(&mut self) {
        let (batch, inflight) = self.cut_batch();
        if inflight.is_empty() {
            return;
        }
        self.tally.batch_sent();
        tracing::debug!(events = inflight.len(), "publisher: sending a batch");
        let outcome = B::send(&self.client, &batch).await;
        let retry = match outcome {
            Ok(answer) => self.settle_answer(batch, inflight, answer),
            Err(error) => self.settle_error(batch, inflight, &error),
        };
        if let Some((envelopes, wait)) = retry {
            // The retries go first: nothing newer of their entities is sent
            // before them.
            for envelope in envelopes.into_iter().rev() {
                self.pending.push_front(envelope);
            }
            tokio::time::sleep(wait).await;
            self.deadline = Some(Instant::now());
        }
    }

    /// Takes up to [`MAX_BATCH_SIZE`] events from the front of `pending`,
    /// keeping each entity's events in order on the wire.
    ///
    /// A batch holds one list per event type, so two events of one entity
    /// but of different types would be sent list by list, not in the order
    /// given. An entity's events are therefore taken only while they are of
    /// the type of its first event in this batch; from its first event of
    /// another type on, the entity is blocked: that event and every later
    /// one of the entity wait for the next batch, still in order. Other
    /// entities keep filling the batch.
    fn cut_batch(&mut self) -> (B, Vec<Meta>) {
        let mut batch = B::default();
        let mut inflight = Vec::with_capacity(self.pending.len().min(MAX_BATCH_SIZE));
        self.kinds.clear();
        self.blocked.clear();
        let now = Instant::now();
        while inflight.len() < MAX_BATCH_SIZE {
            let Some(envelope) = self.pending.pop_front() else { break };
            let key = envelope.meta.key;
            if self.blocked.contains(&key) {
                self.deferred.push_back(envelope);
                continue;
            }
            let kind = std::mem::discriminant(&envelope.event);
            match self.kinds.entry(key) {
                Entry::Occupied(first) if *first.get() != kind => {
                    self.blocked.insert(key);
                    self.deferred.push_back(envelope);
                    continue;
                }
                Entry::Occupied(_) => {}
                Entry::Vacant(slot) => {
                    slot.insert(kind);
                }
            }
            let Envelope { event, mut meta } = envelope;
            if meta.attempts > 0 {
                self.tally.resent();
            }
            meta.attempts += 1;
            meta.first_sent.get_or_insert(now);
            batch.push(event);
            inflight.push(meta);
        }
        while let Some(envelope) = self.deferred.pop_back() {
            self.pending.push_front(envelope);
        }
        if self.pending.is_empty() {
            self.deadline = None;
        }
        (batch, inflight)
    }

    /// Whether `meta` may be sent again after waiting `wait`.
    fn may_retry(&self, meta: &Meta, wait: Duration) -> bool {
        let policy = &self.config.retry;
        let elapsed = meta.first_sent.map_or(Duration::ZERO, |t| t.elapsed());
        meta.attempts < policy.attempts_limit() && elapsed.saturating_add(wait) <= policy.budget()
    }

    /// A 2xx answer: events listed in `errors` failed, the others are
    /// delivered. Returns the events to retry and how long to wait first.
    fn settle_answer(
        &mut self,
        batch: B,
        inflight: Vec<Meta>,
        answer: ApiResponse<BatchEventResponse>,
    ) -> Option<(Vec<Envelope<B::Event>>, Duration)> {
        let status = answer.status();
        let errors = answer.into_body().errors.unwrap_or_default();
        if errors.is_empty() {
            inflight.into_iter().for_each(Meta::deliver);
            return None;
        }
        let mut by_id: HashMap<&str, &EventError> = HashMap::with_capacity(errors.len());
        for error in &errors {
            match error.event_id.as_deref() {
                Some(id) => {
                    by_id.entry(id).or_insert(error);
                }
                None => {
                    tracing::warn!(message = ?error.message, "publisher: the API reported an error without an eventId")
                }
            }
        }
        let mut candidates = Vec::new();
        for (index, meta) in inflight.into_iter().enumerate() {
            let Some(error) = by_id.get(meta.id.as_str()) else {
                meta.deliver();
                continue;
            };
            let message = error.message.clone().unwrap_or_else(|| "the API refused the event (no message)".to_owned());
            if error.retryable == Some(true) {
                candidates.push((index, meta, message));
            } else {
                meta.fail(message, Some(status), false, false);
            }
        }
        let attempts = candidates.iter().map(|(_, meta, _)| meta.attempts).max()?;
        let wait = self.config.retry.backoff(attempts);
        let mut retry = Vec::with_capacity(candidates.len());
        let mut gave_up = 0;
        for (index, meta, message) in candidates {
            if self.may_retry(&meta, wait) {
                retry.push((index, meta));
            } else {
                gave_up += 1;
                meta.fail(message, Some(status), true, false);
            }
        }
        if gave_up > 0 {
            tracing::warn!(events = gave_up, "publisher: retryable events ran out of retry budget");
        }
        if retry.is_empty() {
            return None;
        }
        tracing::debug!(
            events = retry.len(),
            wait_ms = wait.as_millis() as u64,
            "publisher: retrying events the API refused"
        );
        Some((self.take_back(batch, retry), wait))
    }

    /// The whole request failed: every event is retried (when the policy
    /// allows it and its budget remains) or failed.
    fn settle_error(
        &mut self,
        batch: B,
        inflight: Vec<Meta>,
        error: &Error,
    ) -> Option<(Vec<Envelope<B::Event>>, Duration)> {
        let status = error.status();
        let processed = possibly_processed(error);
        let message = error.to_string();
        let hint = self.config.retry.retry_hint(error);
        let wait = hint.map(|after| {
            let attempts = inflight.iter().map(|meta| meta.attempts).max().unwrap_or(1);
            after.unwrap_or_else(|| self.config.retry.backoff(attempts))
        });
        let mut retry = Vec::new();
        let mut failed = 0usize;
        for (index, mut meta) in inflight.into_iter().enumerate() {
            match wait {
                Some(wait) if self.may_retry(&meta, wait) => {
                    meta.possibly_processed |= processed;
                    retry.push((index, meta));
                }
                _ => {
                    failed += 1;
                    meta.fail(message.clone(), status, error.is_retryable(), processed);
                }
            }
        }
        if failed > 0 {
            tracing::warn!(events = failed, error = %error, "publisher: a batch failed");
        }
        let wait = wait?;
        if retry.is_empty() {
            return None;
        }
        tracing::debug!(events = retry.len(), wait_ms = wait.as_millis() as u64, error = %error, "publisher: retrying a batch");
        Some((self.take_back(batch, retry), wait))
    }

    /// Takes the events of `retry` (metas with their index in the batch, in
    /// the order they were added) back out of `batch`, in that order.
    ///
    /// The batch hands its events back list by list, so they are matched to
    /// their metas by `eventId` (events sharing an id, first come first
    /// matched).
    fn take_back(&self, batch: B, retry: Vec<(usize, Meta)>) -> Vec<Envelope<B::Event>> {
        let mut wanted: HashMap<String, VecDeque<usize>> = HashMap::with_capacity(retry.len());
        for (slot, (_, meta)) in retry.iter().enumerate() {
            wanted.entry(meta.id.clone()).or_default().push_back(slot);
        }
        let mut metas: Vec<Option<Meta>> = retry.into_iter().map(|(_, meta)| Some(meta)).collect();
        let mut envelopes: Vec<Option<Envelope<B::Event>>> = metas.iter().map(|_| None).collect();
        for event in batch.into_events() {
            let id = event.str_field("eventId").unwrap_or_default();
            let Some(slot) = wanted.get_mut(id).and_then(VecDeque::pop_front) else { continue };
            if let Some(meta) = metas[slot].take() {
                envelopes[slot] = Some(Envelope { event, meta });
            }
        }
        for meta in metas.into_iter().flatten() {
            // Cannot happen with the generated batch types; never lose it silently.
            meta.fail("the event could not be taken back from its batch for a retry".to_owned(), None, false, false);
        }
        envelopes.into_iter().flatten().collect()
    }
}

/// Whether a failed request may nevertheless have been processed: no clear
/// answer arrived (transport error, timeout), a gateway or server error
/// other than 503, or a 2xx answer that did not decode.
pub(crate) fn possibly_processed(error: &Error) -> bool {
    match error {
        Error::Api(api) => api.status.is_server_error() && api.status != StatusCode::SERVICE_UNAVAILABLE,
        Error::Timeout(_) | Error::Transport(_) | Error::InvalidResponse { .. } => true,
        Error::RetriesExhausted { source, .. } => possibly_processed(source),
        Error::InvalidRequest(_) | Error::Auth { .. } => false,
    }
}
