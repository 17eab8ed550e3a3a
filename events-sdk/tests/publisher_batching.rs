//! How events are grouped into requests: the plain `EventsApi` methods
//! refuse empty and oversized batches without any I/O, and the `Publisher`
//! fills batches of up to 100, flushes on linger time, `flush` and `close`,
//! and keeps an entity's events of different types in order on the wire.
//! Against real HTTP servers on loopback (wiremock).

#[path = "publisher_support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use events_sdk::models::{
    BatchConversationEventRequest, BatchUserPresenceEventRequest, BatchUserRoutingStatusEventRequest,
    CommunicationAnsweredEvent, CommunicationEndedEvent, CommunicationEndedEventDisconnectType, ConversationEvent,
    EmailFlowEstablishedEvent, EmailInitialConfiguration, HoldUpdatedEvent, InitialConfiguration,
    PhoneEstablishedEvent, SourceConfiguration, UserPresenceEvent, UserRoutingStatusEvent,
    UserRoutingStatusEventStatus,
};
use events_sdk::{Client, ConversationPublisher, DateTime, Error, EventsApi, PresencePublisher, MAX_BATCH_SIZE};
use support::{wire_events, WireEvent};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(url: &str) -> Client {
    Client::builder().base_url(url).access_token("test-token").build().expect("client builds")
}

/// A server that takes every batch on every route (200 `{"errors": []}`).
async fn accepting_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"errors": []})))
        .mount(&server)
        .await;
    server
}

/// Every request the server received, as its events in wire order.
async fn received(server: &MockServer) -> Vec<Vec<WireEvent>> {
    server.received_requests().await.expect("recording on").iter().map(|r| wire_events(&r.body)).collect()
}

fn presence(i: usize, user: &str) -> UserPresenceEvent {
    UserPresenceEvent::new(format!("presence-{i}"), DateTime::now(), user, "source-1")
}

fn routing(i: usize) -> UserRoutingStatusEvent {
    UserRoutingStatusEvent::new(
        format!("routing-{i}"),
        DateTime::now(),
        "agent-1",
        UserRoutingStatusEventStatus::Idle,
        "source-1",
    )
}

/// One conversation event of the lifecycle step `step` (0..6) for `conversation`.
fn conversation_event(id: String, conversation: &str, step: usize) -> ConversationEvent {
    let at = DateTime::now();
    let communication = format!("{conversation}-communication");
    match step % 6 {
        0 => PhoneEstablishedEvent::new(
            id,
            at,
            conversation,
            communication,
            InitialConfiguration::new(),
            SourceConfiguration::new("source-1", "interaction-1"),
        )
        .into(),
        1 => CommunicationAnsweredEvent::new(id, at, conversation, communication).into(),
        2 => HoldUpdatedEvent::new(id, at, conversation, communication, true).into(),
        3 => HoldUpdatedEvent::new(id, at, conversation, communication, false).into(),
        4 => CommunicationEndedEvent::new(
            id,
            at,
            conversation,
            communication,
            CommunicationEndedEventDisconnectType::Peer,
        )
        .into(),
        _ => EmailFlowEstablishedEvent::new(
            id,
            at,
            conversation,
            communication,
            EmailInitialConfiguration::new("to@example.com", "from@example.com"),
            SourceConfiguration::new("source-1", "interaction-1"),
        )
        .into(),
    }
}

// Proves: an empty batch is refused by every EventsApi method with
// InvalidRequest before any I/O (the server sees 0 requests).
#[tokio::test]
async fn empty_batches_are_refused_without_a_request() {
    let server = accepting_server().await;
    let api = EventsApi::new(client(&server.uri()));
    let results = [
        api.post_events_users_presence(&BatchUserPresenceEventRequest::new()).await.map(drop),
        api.post_events_users_routingstatus(&BatchUserRoutingStatusEventRequest::new()).await.map(drop),
        api.post_events_conversations(&BatchConversationEventRequest::new()).await.map(drop),
        // An empty list is as empty as no list.
        api.post_events_users_presence(&BatchUserPresenceEventRequest::new().with_user_presence_events(vec![]))
            .await
            .map(drop),
    ];
    for result in results {
        match result {
            Err(Error::InvalidRequest(message)) => assert!(message.contains("at least 1 event"), "{message}"),
            other => panic!("expected InvalidRequest, got {other:?}"),
        }
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 0);
}

// Proves: a batch of 101 events is refused by the plain EventsApi methods
// with InvalidRequest naming the count, and nothing is sent.
#[tokio::test]
async fn oversized_batches_are_refused_without_a_request() {
    let server = accepting_server().await;
    let api = EventsApi::new(client(&server.uri()));
    let n = MAX_BATCH_SIZE + 1;
    let presence_batch =
        BatchUserPresenceEventRequest::new().with_user_presence_events((0..n).map(|i| presence(i, "user-1")).collect());
    let routing_batch =
        BatchUserRoutingStatusEventRequest::new().with_user_routing_status_events((0..n).map(routing).collect());
    // 101 events spread over two lists are still 101 events.
    let mut conversation_batch = BatchConversationEventRequest::new();
    for i in 0..n {
        events_sdk::Batch::push(
            &mut conversation_batch,
            conversation_event(format!("c-{i}"), "conversation-1", i % 2 + 2),
        );
    }
    let results = [
        api.post_events_users_presence(&presence_batch).await.map(drop),
        api.post_events_users_routingstatus(&routing_batch).await.map(drop),
        api.post_events_conversations(&conversation_batch).await.map(drop),
    ];
    for result in results {
        match result {
            Err(Error::InvalidRequest(message)) => assert!(message.contains("holds 101"), "{message}"),
            other => panic!("expected InvalidRequest, got {other:?}"),
        }
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 0);
}

// Proves: 250 conversation events of six types (one event per
// conversation), published with concurrency 1, go out in exactly 3 requests
// of 100, 100 and 50 events, each event exactly once.
#[tokio::test]
async fn mixed_conversation_events_fill_batches_of_100() {
    let server = accepting_server().await;
    let publisher = ConversationPublisher::builder(client(&server.uri()))
        .concurrency(1)
        .linger(Duration::from_secs(30)) // only size and close cut batches here
        .build()
        .unwrap();
    let events = (0..250).map(|i| conversation_event(format!("event-{i}"), &format!("conversation-{i}"), i));
    assert_eq!(publisher.send_all(events).await.unwrap(), 250);
    let report = publisher.close().await;

    let requests = received(&server).await;
    let sizes: Vec<usize> = requests.iter().map(Vec::len).collect();
    assert_eq!(sizes, [100, 100, 50]);
    let lists: std::collections::BTreeSet<&str> = requests.iter().flatten().map(|e| e.list.as_str()).collect();
    assert_eq!(lists.len(), 5, "five lists on the wire (the two hold steps share one): {lists:?}");
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for event in requests.iter().flatten() {
        *seen.entry(&event.event_id).or_default() += 1;
    }
    assert_eq!(seen.len(), 250);
    assert!(seen.values().all(|&n| n == 1), "every event exactly once");
    assert_eq!((report.accepted, report.delivered, report.batches, report.retries), (250, 250, 3, 0));
    assert!(report.all_delivered() && report.unaccounted() == 0, "{report}");
}

// Proves: a conversation's events of different types (different lists in
// the batch, sent list by list) still reach the server in the order they
// were published: a batch takes an entity's events only while they share
// one type, and the next type waits for the next batch, while other
// conversations fill the batch.
#[tokio::test]
async fn an_entitys_events_of_different_types_stay_in_order_on_the_wire() {
    let server = accepting_server().await;
    let publisher = ConversationPublisher::builder(client(&server.uri()))
        .concurrency(1)
        .linger(Duration::from_secs(30))
        .build()
        .unwrap();
    // 20 conversations, each with the lifecycle established → answered →
    // hold → unhold → ended, published interleaved step by step.
    for step in 0..5 {
        for c in 0..20 {
            let event = conversation_event(format!("conversation-{c}/{step}"), &format!("conversation-{c}"), step);
            publisher.send(event).await.unwrap();
        }
    }
    let report = publisher.close().await;
    assert_eq!(report.delivered, 100, "{report}");

    let requests = received(&server).await;
    let sizes: Vec<usize> = requests.iter().map(Vec::len).collect();
    // Established ×20, answered ×20, hold + unhold ×40 (one list), ended ×20.
    assert_eq!(sizes, [20, 20, 40, 20]);
    let mut last_step: HashMap<String, i64> = HashMap::new();
    for event in requests.iter().flatten() {
        let (conversation, step) = event.event_id.split_once('/').unwrap();
        let step: i64 = step.parse().unwrap();
        let last = last_step.entry(conversation.to_owned()).or_insert(-1);
        assert_eq!(step, *last + 1, "{conversation}: step {step} arrived after step {last}");
        *last = step;
    }
    assert!(last_step.values().all(|&s| s == 4));
}

// Proves: a batch that is not full goes out once its first event has waited
// the linger time, without flush or close.
#[tokio::test]
async fn a_partial_batch_goes_out_after_the_linger_time() {
    let server = accepting_server().await;
    let linger = Duration::from_millis(150);
    let publisher = PresencePublisher::builder(client(&server.uri())).concurrency(2).linger(linger).build().unwrap();
    let started = Instant::now();
    publisher.send_all((0..3).map(|i| presence(i, "user-1"))).await.unwrap();
    let deadline = started + Duration::from_secs(5);
    while server.received_requests().await.unwrap().is_empty() {
        assert!(Instant::now() < deadline, "nothing sent within 5 s");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let waited = started.elapsed();
    assert!(waited >= linger, "sent after {waited:?}, before the linger time");
    assert_eq!(received(&server).await.concat().len(), 3);
    let report = publisher.close().await;
    assert_eq!((report.delivered, report.batches), (3, 1));
}

// Proves: flush() sends pending events at once (not waiting for a one-hour
// linger) and returns only when they are delivered; the publisher keeps
// working afterwards.
#[tokio::test]
async fn flush_delivers_everything_accepted_so_far() {
    let server = accepting_server().await;
    let publisher = PresencePublisher::builder(client(&server.uri()))
        .concurrency(3)
        .linger(Duration::from_secs(3600))
        .build()
        .unwrap();
    publisher.send_all((0..5).map(|i| presence(i, &format!("user-{i}")))).await.unwrap();
    tokio::time::timeout(Duration::from_secs(5), publisher.flush()).await.expect("flush returns");
    let stats = publisher.stats();
    assert_eq!((stats.accepted, stats.delivered, stats.in_progress()), (5, 5, 0));
    assert_eq!(received(&server).await.concat().len(), 5);

    publisher.send(presence(5, "user-0")).await.unwrap();
    publisher.flush().await;
    assert_eq!(publisher.stats().delivered, 6);
    let report = publisher.close().await;
    assert!(report.all_delivered(), "{report}");
}

/// A stream over a vector, yielding `Pending` every other poll so the
/// publisher really waits on it.
struct Trickle {
    events: std::vec::IntoIter<UserPresenceEvent>,
    ready: bool,
}

impl futures_core::Stream for Trickle {
    type Item = UserPresenceEvent;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.ready = !self.ready;
        if self.ready {
            Poll::Ready(self.events.next())
        } else {
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

// Proves: send_stream accepts every event of a stream, in order, and they
// are all delivered.
#[tokio::test]
async fn send_stream_publishes_a_stream() {
    let server = accepting_server().await;
    let publisher = PresencePublisher::builder(client(&server.uri())).concurrency(1).build().unwrap();
    let events: Vec<_> = (0..150).map(|i| presence(i, "user-1")).collect();
    let accepted = publisher.send_stream(Trickle { events: events.into_iter(), ready: false }).await.unwrap();
    assert_eq!(accepted, 150);
    let report = publisher.close().await;
    assert_eq!(report.delivered, 150);
    let ids: Vec<String> = received(&server).await.concat().into_iter().map(|e| e.event_id).collect();
    let expected: Vec<String> = (0..150).map(|i| format!("presence-{i}")).collect();
    assert_eq!(ids, expected, "one user: published order");
}

// Proves: building a publisher outside a Tokio runtime is an error, not a
// panic.
#[test]
fn building_outside_a_runtime_is_an_error() {
    let result = PresencePublisher::builder(client("http://127.0.0.1:9")).build();
    assert!(matches!(result, Err(Error::InvalidRequest(m)) if m.contains("Tokio runtime")));
}

// Proves: one publisher shared (in an Arc) by several producer tasks
// accepts from all of them, keeps each task's user in order, and closes
// once the tasks are done (Arc::try_unwrap).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn producers_on_several_tasks_share_one_publisher() {
    let server = accepting_server().await;
    let publisher =
        std::sync::Arc::new(PresencePublisher::builder(client(&server.uri())).concurrency(4).build().unwrap());
    let producers: Vec<_> = (0..4)
        .map(|task| {
            let publisher = publisher.clone();
            tokio::spawn(async move {
                for i in 0..250 {
                    let event =
                        UserPresenceEvent::new(format!("{task}/{i}"), DateTime::now(), format!("user-{task}"), "s");
                    publisher.send(event).await.unwrap();
                }
            })
        })
        .collect();
    for producer in producers {
        producer.await.unwrap();
    }
    let publisher = std::sync::Arc::try_unwrap(publisher).expect("the producers are done");
    let report = publisher.close().await;
    assert_eq!((report.accepted, report.delivered), (1000, 1000), "{report}");
    let mut next: HashMap<String, usize> = HashMap::new();
    for event in received(&server).await.concat() {
        let (task, i) = event.event_id.split_once('/').unwrap();
        let expected = next.entry(task.to_owned()).or_default();
        assert_eq!(i.parse::<usize>().unwrap(), *expected, "task {task}");
        *expected += 1;
    }
    assert_eq!(next.len(), 4);
}
