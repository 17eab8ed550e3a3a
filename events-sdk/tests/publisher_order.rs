//! Per-entity order under parallelism: with 8 workers in flight at once,
//! each user's presence events reach a local server (which records the
//! arrival order) in the order they were published, every event once, also
//! when whole batches are refused (429/503) or their connections dropped and
//! sent again.

#[path = "publisher_support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use events_sdk::models::UserPresenceEvent;
use events_sdk::{Client, DateTime, PresencePublisher, RetryPolicy};
use support::{mix, serve, wire_events, Reply};

const USERS: usize = 50;
const PER_USER: usize = 200; // 10,000 events
const SEED: u64 = 0x5eed_0001;

/// Event `seq` of user `user`: the id encodes both, `u<user>-<seq>`.
fn event(user: usize, seq: usize) -> UserPresenceEvent {
    UserPresenceEvent::new(format!("u{user}-{seq}"), DateTime::now(), format!("user-{user}"), "source-1")
}

/// All events, user after user within each sequence number (so every batch
/// mixes users and every user spreads over many batches).
fn all_events() -> impl Iterator<Item = UserPresenceEvent> {
    (0..PER_USER).flat_map(|seq| (0..USERS).map(move |user| event(user, seq)))
}

fn parse(id: &str) -> (usize, usize) {
    let (user, seq) = id.trim_start_matches('u').split_once('-').expect("u<user>-<seq>");
    (user.parse().unwrap(), seq.parse().unwrap())
}

/// Checks `accepted` (event ids in the order the server took them): every
/// event exactly once, and each user's in published order.
fn assert_in_order_once(accepted: &[String]) {
    assert_eq!(accepted.len(), USERS * PER_USER, "every event delivered exactly once");
    let mut next = vec![0usize; USERS];
    for id in accepted {
        let (user, seq) = parse(id);
        assert_eq!(seq, next[user], "user {user}: event {seq} arrived when {} was due", next[user]);
        next[user] += 1;
    }
    assert!(next.iter().all(|&n| n == PER_USER));
}

// Proves: concurrency 8, 10,000 presence events over 50 users (the server
// delays answers by 0-2 ms so the workers interleave): each user's events
// arrive in the published order, every event once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_users_events_arrive_in_published_order() {
    let accepted = Arc::new(Mutex::new(Vec::new()));
    let requests = Arc::new(Mutex::new(0u64));
    let server = {
        let accepted = accepted.clone();
        let requests = requests.clone();
        serve(move |request| {
            let accepted = accepted.clone();
            let requests = requests.clone();
            async move {
                let events = wire_events(&request.body);
                let first = events[0].event_id.clone();
                accepted.lock().unwrap().extend(events.into_iter().map(|e| e.event_id));
                *requests.lock().unwrap() += 1;
                let delay = mix(SEED, &[first.as_bytes()]) % 3;
                tokio::time::sleep(Duration::from_millis(delay)).await;
                Reply::accepted()
            }
        })
        .await
    };
    let client = Client::builder().base_url(server.url()).access_token("t").build().unwrap();
    let publisher = PresencePublisher::builder(client).concurrency(8).linger(Duration::from_millis(5)).build().unwrap();
    assert_eq!(publisher.send_all(all_events()).await.unwrap(), 10_000);
    let report = publisher.close().await;

    assert!(report.all_delivered(), "{report}");
    assert_eq!(report.batches, *requests.lock().unwrap());
    assert_in_order_once(&accepted.lock().unwrap());
}

// Proves: order and exactly-once delivery survive whole-batch failures: the
// server refuses 15% of requests with 429 (Retry-After: 0) or 503 and drops
// the connection of 5% without processing them; the client retries
// 429/503 and the publisher re-sends dropped batches (opted in with
// retry_possibly_processed), each before anything newer of its users.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn order_survives_whole_batch_retries() {
    let accepted = Arc::new(Mutex::new(Vec::new()));
    let sightings = Arc::new(Mutex::new(HashMap::<String, u64>::new()));
    let fates = Arc::new(Mutex::new([0u64; 4]));
    let server = {
        let (accepted, sightings, fates) = (accepted.clone(), sightings.clone(), fates.clone());
        serve(move |request| {
            let (accepted, sightings, fates) = (accepted.clone(), sightings.clone(), fates.clone());
            async move {
                let events = wire_events(&request.body);
                let first = events[0].event_id.clone();
                let seen = {
                    let mut sightings = sightings.lock().unwrap();
                    let n = sightings.entry(first.clone()).or_default();
                    *n += 1;
                    *n
                };
                let roll = mix(SEED, &[first.as_bytes(), &seen.to_le_bytes()]) % 100;
                let fate = match roll {
                    0..=7 => 0,
                    8..=14 => 1,
                    15..=19 => 2,
                    _ => 3,
                };
                fates.lock().unwrap()[fate] += 1;
                match fate {
                    0 => Reply::json(429, &serde_json::json!({"code": "too.many.requests"})).header("Retry-After", "0"),
                    1 => Reply::json(503, &serde_json::json!({"code": "service.unavailable"})),
                    2 => Reply::Drop,
                    _ => {
                        accepted.lock().unwrap().extend(events.into_iter().map(|e| e.event_id));
                        Reply::accepted()
                    }
                }
            }
        })
        .await
    };
    let quick = RetryPolicy::new().base_delay(Duration::from_millis(1)).max_delay(Duration::from_millis(5));
    let client =
        Client::builder().base_url(server.url()).access_token("t").retry_policy(quick.clone()).build().unwrap();
    let publisher = PresencePublisher::builder(client)
        .concurrency(8)
        .linger(Duration::from_millis(5))
        .retry_policy(quick.max_attempts(20).retry_possibly_processed(true))
        .build()
        .unwrap();
    publisher.send_all(all_events()).await.unwrap();
    let report = publisher.close().await;

    let fates = *fates.lock().unwrap();
    assert!(fates.iter().all(|&n| n > 0), "every kind of answer happened: {fates:?}");
    assert!(report.all_delivered(), "{report}");
    assert!(report.retries > 0, "dropped batches were sent again: {report}");
    assert_in_order_once(&accepted.lock().unwrap());
}
