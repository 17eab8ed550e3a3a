//! Chaos: a local server that, per request and with a fixed seed, answers
//! 429 (Retry-After: 0) or 503, drops the connection before processing the
//! batch or after processing it, or answers 200 with some events marked
//! `retryable: true` and some `retryable: false`. 20,000 presence events
//! over 200 users go through a publisher with 8 workers. Whatever happens,
//! no event is lost: each is delivered (the server took it) or listed as
//! failed in the report, events the server refused permanently are reported
//! and never re-sent, and per-user order holds as documented.

#[path = "publisher_support/mod.rs"]
mod support;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use events_sdk::models::UserPresenceEvent;
use events_sdk::{Client, DateTime, PresencePublisher, PublishReport, RetryPolicy};
use reqwest::StatusCode;
use serde_json::json;
use support::{mix, serve, wire_events, Reply};

const EVENTS: usize = 20_000;
const USERS: usize = 200;

/// What the server did with each request, by kind.
#[derive(Debug, Default, Clone, Copy)]
struct Fates {
    too_many: u64,
    unavailable: u64,
    dropped_unprocessed: u64,
    dropped_processed: u64,
    answered: u64,
}

/// What the server saw.
#[derive(Debug, Default)]
struct Log {
    /// Every event of every request, in arrival order: (request number, user, seq).
    receptions: Vec<(u64, usize, usize)>,
    /// How often each event id arrived.
    seen: HashMap<String, u32>,
    /// How often each event id was taken (answered without error, or
    /// processed before the connection was dropped).
    taken: HashMap<String, u32>,
    /// Events answered `retryable: false`.
    refused: HashSet<String>,
    requests: u64,
    fates: Fates,
}

fn event(user: usize, seq: usize) -> UserPresenceEvent {
    UserPresenceEvent::new(format!("u{user}-{seq}"), DateTime::now(), format!("user-{user}"), "source-1")
}

fn parse(id: &str) -> (usize, usize) {
    let (user, seq) = id.trim_start_matches('u').split_once('-').expect("u<user>-<seq>");
    (user.parse().unwrap(), seq.parse().unwrap())
}

/// The chaos server's answer to one request. Every choice is a seeded hash
/// of what the request holds (its first event id and how often that id was
/// seen), not of timing.
fn answer(log: &mut Log, seed: u64, body: &[u8]) -> Reply {
    let events = wire_events(body);
    log.requests += 1;
    let request = log.requests;
    let mut sightings = Vec::with_capacity(events.len());
    for e in &events {
        let (user, seq) = parse(&e.event_id);
        log.receptions.push((request, user, seq));
        let n = log.seen.entry(e.event_id.clone()).or_default();
        *n += 1;
        sightings.push(*n);
    }
    let first = &events[0].event_id;
    let roll = mix(seed, &[b"request", first.as_bytes(), &sightings[0].to_le_bytes()]) % 100;
    let take_all = |log: &mut Log| {
        for e in &events {
            *log.taken.entry(e.event_id.clone()).or_default() += 1;
        }
    };
    match roll {
        0..=5 => {
            log.fates.too_many += 1;
            Reply::json(429, &json!({"code": "too.many.requests", "status": 429})).header("Retry-After", "0")
        }
        6..=11 => {
            log.fates.unavailable += 1;
            Reply::json(503, &json!({"code": "service.unavailable", "status": 503}))
        }
        12..=15 => {
            log.fates.dropped_unprocessed += 1;
            Reply::Drop
        }
        16..=18 => {
            log.fates.dropped_processed += 1;
            take_all(log);
            Reply::Drop
        }
        _ => {
            log.fates.answered += 1;
            let mut errors = Vec::new();
            for (e, &n) in events.iter().zip(&sightings) {
                let id = e.event_id.as_bytes();
                if n == 1 && mix(seed, &[b"refuse", id]) % 100 < 2 {
                    log.refused.insert(e.event_id.clone());
                    errors.push(json!({"eventId": e.event_id, "message": "invalid event", "retryable": false}));
                } else if mix(seed, &[b"flaky", id, &n.to_le_bytes()]) % 100 < 5 {
                    errors.push(json!({"eventId": e.event_id, "message": "try again", "retryable": true}));
                } else {
                    *log.taken.entry(e.event_id.clone()).or_default() += 1;
                }
            }
            Reply::json(200, &json!({ "errors": errors }))
        }
    }
}

/// Publishes the 20,000 events through the chaos server; returns the report
/// and what the server saw.
async fn run(seed: u64, resend_possibly_processed: bool) -> (PublishReport, Log) {
    let log = Arc::new(Mutex::new(Log::default()));
    let server = {
        let log = log.clone();
        serve(move |request| {
            let reply = answer(&mut log.lock().unwrap(), seed, &request.body);
            async move { reply }
        })
        .await
    };
    let quick = RetryPolicy::new().base_delay(Duration::from_millis(1)).max_delay(Duration::from_millis(5));
    let client =
        Client::builder().base_url(server.url()).access_token("t").retry_policy(quick.clone()).build().unwrap();
    let publisher = PresencePublisher::builder(client)
        .concurrency(8)
        .linger(Duration::from_millis(5))
        .queue_capacity(1_000)
        .retry_policy(quick.max_attempts(4).retry_possibly_processed(resend_possibly_processed))
        .build()
        .unwrap();
    let events = (0..EVENTS / USERS).flat_map(|seq| (0..USERS).map(move |user| event(user, seq)));
    assert_eq!(publisher.send_all(events).await.unwrap(), EVENTS as u64);
    let report = tokio::time::timeout(Duration::from_secs(60), publisher.close()).await.expect("close finishes");
    let log = std::mem::take(&mut *log.lock().unwrap());
    eprintln!(
        "seed {seed:#x}, resend {resend_possibly_processed}: {report}; server: {:?}, {} requests",
        log.fates, log.requests
    );
    (report, log)
}

/// The guarantees that hold whatever the server does.
fn check_nothing_lost(report: &PublishReport, log: &Log) {
    let fates = log.fates;
    assert!(
        fates.too_many > 0
            && fates.unavailable > 0
            && fates.dropped_unprocessed > 0
            && fates.dropped_processed > 0
            && fates.answered > 0,
        "every kind of chaos happened: {fates:?}"
    );
    assert!(!log.refused.is_empty() && report.retries > 0);
    assert_eq!(report.accepted, EVENTS as u64);
    assert!(report.worker_panics.is_empty());
    assert_eq!(report.unaccounted(), 0, "{report}");

    let failed: HashMap<&str, _> = report.failed.iter().map(|f| (f.event_id.as_str(), f)).collect();
    assert_eq!(failed.len(), report.failed.len(), "each failed event is reported once");
    assert_eq!(report.delivered, (EVENTS - failed.len()) as u64);
    // Lost: neither taken by the server nor reported failed.
    let mut lost = Vec::new();
    for user in 0..USERS {
        for seq in 0..EVENTS / USERS {
            let id = format!("u{user}-{seq}");
            let taken = log.taken.contains_key(&id);
            match failed.get(id.as_str()) {
                // Counted delivered: the server must have taken it.
                None if !taken => lost.push(id),
                None => {}
                // Reported failed: the server may hold it only if the report says so.
                Some(f) => assert!(
                    f.possibly_delivered || !taken,
                    "{id} reported failed and not possibly delivered, but the server took it: {f}"
                ),
            }
        }
    }
    assert!(lost.is_empty(), "{} events lost, e.g. {:?}", lost.len(), &lost[..lost.len().min(5)]);

    // Refused permanently: reported as such, and the server saw it exactly once.
    for id in &log.refused {
        assert_eq!(log.seen[id], 1, "{id} refused as non-retryable, then sent again");
        let f = failed.get(id.as_str()).unwrap_or_else(|| panic!("{id} refused but not reported"));
        assert!(!f.retryable && f.status == Some(StatusCode::OK) && f.message == "invalid event", "{f}");
    }
}

/// Per-user order as documented: (1) each user's events reach the server
/// for the first time in published order; (2) an event sent again is the
/// next thing of its user the server gets: no event of that user arrives
/// for the first time between two sendings of it.
fn check_order(log: &Log) {
    let mut next_new = vec![0usize; USERS];
    // For each event: the request number of its latest sending.
    let mut last_sent: HashMap<(usize, usize), u64> = HashMap::new();
    // For each user: the request numbers where an event of theirs arrived first.
    let mut first_arrivals: Vec<Vec<u64>> = vec![Vec::new(); USERS];
    let mut violations = Vec::new();
    for &(request, user, seq) in &log.receptions {
        match last_sent.insert((user, seq), request) {
            None => {
                if seq != next_new[user] {
                    violations.push(format!("user {user}: event {seq} arrived first while {} was due", next_new[user]));
                }
                next_new[user] = seq + 1;
                first_arrivals[user].push(request);
            }
            Some(previous) if previous != request => {
                let between = first_arrivals[user].iter().filter(|&&r| r > previous && r < request).count();
                if between > 0 {
                    violations.push(format!(
                        "user {user}: event {seq} re-sent in request {request}, but {between} newer events arrived since request {previous}"
                    ));
                }
            }
            Some(_) => {}
        }
    }
    assert!(
        violations.is_empty(),
        "{} order violations, e.g. {:?}",
        violations.len(),
        &violations[..violations.len().min(5)]
    );
}

// Proves: with retry_possibly_processed(true) (the publisher re-sends
// batches whose connection dropped), nothing is lost, permanently refused
// events are reported and never re-sent, and events the server took twice
// (processed, answer dropped, re-sent) count as delivered and possibly
// duplicated, never as lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chaos_with_resending_loses_nothing() {
    let (report, log) = run(0x000C_4A05_0001, true).await;
    check_nothing_lost(&report, &log);
    check_order(&log);
    let duplicates: Vec<&String> = log.taken.iter().filter(|(_, &n)| n > 1).map(|(id, _)| id).collect();
    assert!(!duplicates.is_empty(), "the server took some events twice");
    let failed: HashSet<&str> = report.failed.iter().map(|f| f.event_id.as_str()).collect();
    let delivered_twice = duplicates.iter().filter(|id| !failed.contains(id.as_str())).count() as u64;
    assert!(delivered_twice <= report.possibly_duplicated, "{delivered_twice} duplicates, report: {report}");
}

// Proves: with the default policy (batches whose connection dropped are not
// re-sent), nothing is lost either: those events are reported failed and
// possibly delivered, and the server never takes an event twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chaos_without_resending_loses_nothing() {
    let (report, log) = run(0x000C_4A05_0002, false).await;
    check_nothing_lost(&report, &log);
    check_order(&log);
    assert!(log.taken.values().all(|&n| n == 1), "no duplicates");
    assert_eq!(report.possibly_duplicated, 0);
    let dropped = report.failed.iter().filter(|f| f.possibly_delivered && f.status.is_none()).count();
    assert!(dropped > 0, "dropped batches are reported: {report}");
}
