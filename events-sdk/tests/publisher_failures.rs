//! What the `Publisher` does when events or whole batches fail, against
//! local HTTP servers on loopback: per-event `retryable` errors are re-sent
//! within the retry budget, permanent ones reported and never re-sent,
//! refused and dropped batches reported with their status (or re-sent when
//! the policy opts in), and a worker panic loses nothing silently.

#[path = "publisher_support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use events_sdk::models::{BatchEventResponse, BatchUserPresenceEventRequest, UserPresenceEvent};
use events_sdk::{ApiResponse, Batch, Client, DateTime, Error, PresencePublisher, Publisher, RetryPolicy, SendBatch};
use reqwest::StatusCode;
use serde_json::json;
use support::{serve, wire_events, Reply, Server};

fn presence(id: &str, user: &str) -> UserPresenceEvent {
    UserPresenceEvent::new(id, DateTime::now(), user, "source-1")
}

/// How often the server saw each event id.
type Sightings = Arc<Mutex<HashMap<String, u32>>>;

/// A server whose answer to each request is `answer(events' ids, how often
/// each was seen before this request)`; it counts the sightings.
async fn counting_server<F>(answer: F) -> (Server, Sightings)
where
    F: Fn(&[(String, u32)]) -> Reply + Send + Sync + 'static,
{
    let sightings: Sightings = Arc::default();
    let answer = Arc::new(answer);
    let server = {
        let sightings = sightings.clone();
        serve(move |request| {
            let ids: Vec<(String, u32)> = {
                let mut sightings = sightings.lock().unwrap();
                wire_events(&request.body)
                    .into_iter()
                    .map(|e| {
                        let n = sightings.entry(e.event_id.clone()).or_default();
                        *n += 1;
                        (e.event_id, *n)
                    })
                    .collect()
            };
            let reply = answer(&ids);
            async move { reply }
        })
        .await
    };
    (server, sightings)
}

fn quick_policy() -> RetryPolicy {
    RetryPolicy::new().base_delay(Duration::from_millis(1)).max_delay(Duration::from_millis(5))
}

fn publisher(server: &Server, policy: RetryPolicy) -> PresencePublisher {
    let client =
        Client::builder().base_url(server.url()).access_token("t").retry_policy(quick_policy()).build().unwrap();
    // A long linger: batches are cut by close() (or flush), whatever the timing.
    PresencePublisher::builder(client)
        .concurrency(2)
        .linger(Duration::from_secs(30))
        .retry_policy(policy)
        .build()
        .unwrap()
}

fn event_errors(errors: Vec<serde_json::Value>) -> Reply {
    Reply::json(200, &json!({ "errors": errors }))
}

// Proves: events the API lists with `retryable: true` are sent again (and
// delivered the second time), those with `retryable: false` are reported
// with the API's message and status 200 after exactly one attempt and never
// re-sent; the others are delivered at once.
#[tokio::test]
async fn retryable_events_are_resent_and_permanent_ones_reported() {
    let (server, sightings) = counting_server(|ids| {
        let errors = ids
            .iter()
            .filter_map(|(id, seen)| {
                if id.starts_with("permanent") {
                    Some(json!({"eventId": id, "message": "invalid presence definition", "retryable": false}))
                } else if id.starts_with("flaky") && *seen == 1 {
                    Some(json!({"eventId": id, "message": "try again", "retryable": true}))
                } else {
                    None
                }
            })
            .collect();
        event_errors(errors)
    })
    .await;
    let publisher = publisher(&server, quick_policy());
    for (i, kind) in
        ["ok", "flaky", "permanent", "ok", "flaky", "ok", "permanent", "flaky", "ok", "ok"].iter().enumerate()
    {
        publisher.send(presence(&format!("{kind}-{i}"), &format!("user-{i}"))).await.unwrap();
    }
    let report = publisher.close().await;

    assert_eq!((report.accepted, report.delivered, report.retries), (10, 8, 3), "{report}");
    let mut failed: Vec<_> = report.failed.iter().map(|f| f.event_id.as_str()).collect();
    failed.sort_unstable();
    assert_eq!(failed, ["permanent-2", "permanent-6"]);
    for failure in &report.failed {
        assert_eq!(failure.message, "invalid presence definition");
        assert_eq!(failure.status, Some(StatusCode::OK));
        assert_eq!(failure.attempts, 1);
        assert!(!failure.retryable && !failure.possibly_delivered);
    }
    let sightings = sightings.lock().unwrap();
    for (id, n) in sightings.iter() {
        let expected = if id.starts_with("flaky") { 2 } else { 1 };
        assert_eq!(*n, expected, "{id} was sent {n} times");
    }
}

// Proves: an event the API keeps refusing as retryable is sent at most
// `max_attempts` times, then reported with `retryable: true`; a retry budget
// in time stops retries too.
#[tokio::test]
async fn an_exhausted_retry_budget_is_reported() {
    let (server, sightings) = counting_server(|ids| {
        let errors = ids
            .iter()
            .filter(|(id, _)| id.starts_with("stuck"))
            .map(|(id, _)| json!({"eventId": id, "message": "busy", "retryable": true}))
            .collect();
        event_errors(errors)
    })
    .await;
    let publisher = publisher(&server, quick_policy().max_attempts(3));
    publisher.send_all([presence("stuck-1", "user-1"), presence("fine-1", "user-1")]).await.unwrap();
    let report = publisher.close().await;
    assert_eq!(report.delivered, 1);
    assert_eq!(report.failed.len(), 1);
    let failure = &report.failed[0];
    assert_eq!((failure.event_id.as_str(), failure.attempts, failure.retryable), ("stuck-1", 3, true));
    assert_eq!(failure.message, "busy");
    assert_eq!(sightings.lock().unwrap()["stuck-1"], 3);
    assert_eq!(report.retries, 2);

    // A time budget shorter than the backoff: no retry at all.
    let publisher = {
        let client = Client::builder().base_url(server.url()).access_token("t").build().unwrap();
        PresencePublisher::builder(client)
            .retry_policy(RetryPolicy::new().base_delay(Duration::from_secs(10)).retry_budget(Duration::from_secs(1)))
            .build()
            .unwrap()
    };
    publisher.send(presence("stuck-2", "user-2")).await.unwrap();
    let report = publisher.close().await;
    assert_eq!((report.failed.len(), report.failed[0].attempts, report.retries), (1, 1, 0));
}

// Proves: a batch the API refuses as a whole (400) fails every one of its
// events with the error's message and status, after one attempt, with no
// retry.
#[tokio::test]
async fn a_refused_batch_fails_every_event_with_its_status() {
    let (server, _) = counting_server(|_| {
        Reply::json(400, &json!({"code": "bad.request", "status": 400, "message": "the batch is malformed"}))
    })
    .await;
    let publisher = publisher(&server, quick_policy());
    publisher.send_all((0..7).map(|i| presence(&format!("e-{i}"), "user-1"))).await.unwrap();
    let report = publisher.close().await;
    assert_eq!((report.accepted, report.delivered, report.failed.len(), report.retries), (7, 0, 7, 0));
    for failure in &report.failed {
        assert_eq!(failure.status, Some(StatusCode::BAD_REQUEST));
        assert!(failure.message.contains("the batch is malformed"), "{}", failure.message);
        assert_eq!(failure.attempts, 1);
        assert!(!failure.retryable && !failure.possibly_delivered);
    }
}

// Proves: 503s beyond the client's and the publisher's retries fail the
// events as retryable with status 503, after the publisher's attempts.
#[tokio::test]
async fn persistent_503_exhausts_the_retries() {
    let (server, sightings) = counting_server(|_| Reply::json(503, &json!({"code": "service.unavailable"}))).await;
    let publisher = publisher(&server, quick_policy().max_attempts(2));
    publisher.send(presence("e-1", "user-1")).await.unwrap();
    let report = publisher.close().await;
    let failure = &report.failed[0];
    assert_eq!((failure.status, failure.attempts, failure.retryable), (Some(StatusCode::SERVICE_UNAVAILABLE), 2, true));
    assert!(!failure.possibly_delivered, "503 means not processed");
    // 2 publisher attempts × 5 client attempts.
    assert_eq!(sightings.lock().unwrap()["e-1"], 10);
    assert_eq!(report.batches, 2);
}

// Proves: with the default policy (the client's: possibly processed requests
// are not retried), a batch whose connection is dropped before the answer
// fails every event as possibly delivered, without a status, sent once.
#[tokio::test]
async fn a_dropped_connection_fails_the_batch_as_possibly_delivered() {
    let (server, sightings) = counting_server(|_| Reply::Drop).await;
    let client = Client::builder().base_url(server.url()).access_token("t").build().unwrap();
    let publisher = PresencePublisher::builder(client).linger(Duration::from_secs(30)).build().unwrap();
    assert!(!publisher.retry_policy().retries_possibly_processed());
    publisher.send_all((0..5).map(|i| presence(&format!("e-{i}"), "user-1"))).await.unwrap();
    let report = publisher.close().await;
    assert_eq!((report.delivered, report.failed.len(), report.retries, report.batches), (0, 5, 0, 1));
    for failure in &report.failed {
        assert_eq!((failure.status, failure.attempts), (None, 1));
        assert!(failure.retryable && failure.possibly_delivered, "{failure}");
        assert!(failure.message.contains("transport error"), "{}", failure.message);
    }
    assert!(sightings.lock().unwrap().values().all(|&n| n == 1));
}

// Proves: with retry_possibly_processed(true) a dropped batch is sent again
// and delivered; its events count as possibly duplicated.
#[tokio::test]
async fn opted_in_a_dropped_batch_is_resent() {
    let (server, sightings) = counting_server(|ids| if ids[0].1 == 1 { Reply::Drop } else { Reply::accepted() }).await;
    let publisher = publisher(&server, quick_policy().retry_possibly_processed(true));
    publisher.send_all((0..5).map(|i| presence(&format!("e-{i}"), "user-1"))).await.unwrap();
    let report = publisher.close().await;
    assert!(report.all_delivered(), "{report}");
    assert_eq!((report.retries, report.possibly_duplicated, report.batches), (5, 5, 2));
    assert!(sightings.lock().unwrap().values().all(|&n| n == 2));
}

/// A presence batch whose sending panics when it holds the event `boom`:
/// stands for a bug inside a worker.
#[derive(Debug, Default)]
struct PanickyBatch(BatchUserPresenceEventRequest);

impl Batch for PanickyBatch {
    type Event = UserPresenceEvent;
    fn event_count(&self) -> usize {
        self.0.event_count()
    }
    fn push(&mut self, event: UserPresenceEvent) {
        self.0.push(event);
    }
    fn into_events(self) -> Vec<UserPresenceEvent> {
        self.0.into_events()
    }
}

impl SendBatch for PanickyBatch {
    type Response = BatchEventResponse;
    fn send(
        client: &Client,
        batch: &Self,
    ) -> impl Future<Output = Result<ApiResponse<BatchEventResponse>, Error>> + Send {
        let boom = batch.0.user_presence_events.iter().flatten().any(|e| e.event_id == "boom");
        let inner = <BatchUserPresenceEventRequest as SendBatch>::send(client, &batch.0);
        async move {
            assert!(!boom, "boom: a bug in the worker");
            inner.await
        }
    }
}

// Proves: when a worker panics mid-request, every event it held (the batch
// in flight and those still queued) is reported failed (possibly delivered
// when it was in flight), the report names the panic, flush() does not hang,
// and send() to the dead worker hands the event back instead of panicking.
#[tokio::test]
async fn a_worker_panic_reports_its_events() {
    let (server, _) = counting_server(|_| Reply::accepted()).await;
    let client = Client::builder().base_url(server.url()).access_token("t").build().unwrap();
    let publisher =
        Publisher::<PanickyBatch>::builder(client).concurrency(1).linger(Duration::from_secs(30)).build().unwrap();
    publisher.send_all((0..5).map(|i| presence(&format!("e-{i}"), "user-1"))).await.unwrap();
    publisher.flush().await;
    assert_eq!(publisher.stats().delivered, 5);

    publisher.send(presence("boom", "user-1")).await.unwrap();
    publisher.send_all((5..10).map(|i| presence(&format!("e-{i}"), "user-1"))).await.unwrap();
    tokio::time::timeout(Duration::from_secs(5), publisher.flush()).await.expect("flush returns after the panic");

    let refused = publisher.send(presence("late", "user-1")).await.expect_err("the worker is gone");
    assert_eq!((refused.event.event_id.as_str(), refused.accepted), ("late", 0));
    let refused = publisher.send_all([presence("late-2", "user-2")]).await.expect_err("the worker is gone");
    assert_eq!(refused.event.event_id, "late-2");

    let report = publisher.close().await;
    assert_eq!((report.accepted, report.delivered, report.failed.len()), (11, 5, 6), "{report}");
    assert_eq!(report.unaccounted(), 0);
    assert_eq!(report.worker_panics.len(), 1);
    assert!(report.worker_panics[0].contains("boom: a bug in the worker"), "{:?}", report.worker_panics);
    let mut failed: Vec<_> = report.failed.iter().map(|f| f.event_id.as_str()).collect();
    failed.sort_unstable();
    assert_eq!(failed, ["boom", "e-5", "e-6", "e-7", "e-8", "e-9"]);
    for failure in &report.failed {
        assert!(failure.message.contains("worker stopped"), "{}", failure.message);
        assert_eq!(failure.possibly_delivered, failure.attempts > 0, "{failure}");
    }
}
