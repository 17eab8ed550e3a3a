//! Publisher benchmark against a local loopback server that answers like the
//! real API (200 `{"errors": []}`):
//!
//! 1. 100,000 presence events at concurrency 1, 4 and 16: events/s and peak
//!    RSS (VmHWM, reset before each run);
//! 2. the cost of serializing one full 100-event conversation batch;
//! 3. 1,000,000 events through a slow server (2 ms per request): RSS stays
//!    bounded by the queue capacity, not the number of events.
//!
//! Run with `cargo run --release -p events-sdk --example publisher_bench`
//! (Linux: RSS figures come from `/proc/self/status`); add `-- memory` to
//! run only part 3, in a fresh process.

#[path = "../tests/publisher_support/mod.rs"]
mod support;

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use events_sdk::models::{
    BatchConversationEventRequest, CommunicationAnsweredEvent, CommunicationEndedEvent,
    CommunicationEndedEventDisconnectType, ConversationEvent, HoldUpdatedEvent, InitialConfiguration,
    PhoneEstablishedEvent, SourceConfiguration, UserPresenceEvent,
};
use events_sdk::{Batch, Client, DateTime, PresencePublisher, DEFAULT_QUEUE_CAPACITY};
use support::{serve, Reply, Server};

const EVENTS: u64 = 100_000;
const SLOW_EVENTS: u64 = 1_000_000;
const SLOW_DELAY: Duration = Duration::from_millis(2);
/// RSS growth allowed during the 1,000,000-event run.
const RSS_BOUND_MIB: f64 = 64.0;

/// A `/proc/self/status` field in MiB (0 where there is none).
fn status_mib(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.trim().strip_suffix("kB")?.trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Resets VmHWM to the current RSS (Linux ≥ 4.0).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// A server answering 200 `{"errors": []}` after `delay`, counting the
/// events it took.
async fn server(delay: Duration, taken: Arc<AtomicU64>) -> Server {
    serve(move |request| {
        let events = request.body.windows(10).filter(|w| w == b"\"eventId\":").count() as u64;
        taken.fetch_add(events, Ordering::Relaxed);
        async move {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            Reply::accepted()
        }
    })
    .await
}

fn presence(i: u64) -> UserPresenceEvent {
    UserPresenceEvent::new(format!("event-{i:08}"), DateTime::now(), format!("user-{}", i % 1000), "bench-source")
}

fn client(server: &Server) -> Client {
    Client::builder().base_url(server.url()).access_token("bench-token").build().expect("client")
}

async fn throughput(concurrency: usize) {
    let taken = Arc::new(AtomicU64::new(0));
    let server = server(Duration::ZERO, taken.clone()).await;
    reset_peak_rss();
    let started = Instant::now();
    let publisher = PresencePublisher::builder(client(&server)).concurrency(concurrency).build().expect("publisher");
    publisher.send_all((0..EVENTS).map(presence)).await.expect("accepted");
    let report = publisher.close().await;
    let elapsed = started.elapsed();
    assert!(report.all_delivered(), "{report}");
    assert_eq!(taken.load(Ordering::Relaxed), EVENTS);
    println!(
        "  concurrency {concurrency:>2}: {:>9.0} events/s ({} requests in {:.3} s), peak RSS (VmHWM) {:.1} MiB",
        EVENTS as f64 / elapsed.as_secs_f64(),
        report.batches,
        elapsed.as_secs_f64(),
        status_mib("VmHWM:"),
    );
}

fn conversation_batch() -> BatchConversationEventRequest {
    let mut batch = BatchConversationEventRequest::new();
    for i in 0..100 {
        let (id, at) = (format!("2f0c1a3e-9d4b-4c6a-8e7f-{i:012}"), DateTime::now());
        let conversation = format!("c8d1e2f3-a4b5-4c6d-9e8f-{:012}", i / 4);
        let communication = format!("d9e2f3a4-b5c6-4d7e-8f90-{:012}", i / 4);
        let event: ConversationEvent = match i % 4 {
            0 => PhoneEstablishedEvent::new(
                id,
                at,
                conversation,
                communication,
                InitialConfiguration::new(),
                SourceConfiguration::new("52eb40ef-f465-4baf-a6ad-22271bf1df2d", "interaction-1"),
            )
            .into(),
            1 => CommunicationAnsweredEvent::new(id, at, conversation, communication).into(),
            2 => HoldUpdatedEvent::new(id, at, conversation, communication, true).into(),
            _ => CommunicationEndedEvent::new(
                id,
                at,
                conversation,
                communication,
                CommunicationEndedEventDisconnectType::Peer,
            )
            .into(),
        };
        batch.push(event);
    }
    batch
}

fn serialization_cost() {
    let batch = conversation_batch();
    assert_eq!(batch.event_count(), 100);
    let bytes = serde_json::to_vec(&batch).expect("serializes").len();
    for _ in 0..1_000 {
        black_box(serde_json::to_vec(black_box(&batch)).expect("serializes"));
    }
    let runs = 20_000;
    let started = Instant::now();
    for _ in 0..runs {
        black_box(serde_json::to_vec(black_box(&batch)).expect("serializes"));
    }
    let micros = started.elapsed().as_secs_f64() * 1e6 / f64::from(runs);
    println!("  serde_json::to_vec of one 100-event conversation batch ({bytes} bytes): {micros:.1} µs (mean of {runs} runs)");
}

async fn bounded_memory() {
    let taken = Arc::new(AtomicU64::new(0));
    let server = server(SLOW_DELAY, taken.clone()).await;
    let baseline = status_mib("VmRSS:");
    reset_peak_rss();
    // Sample RSS while the run goes on (VmHWM is checked too).
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let done = done.clone();
        std::thread::spawn(move || {
            let mut peak: f64 = 0.0;
            while !done.load(Ordering::Relaxed) {
                peak = peak.max(status_mib("VmRSS:"));
                std::thread::sleep(Duration::from_millis(50));
            }
            peak
        })
    };
    let started = Instant::now();
    let publisher = PresencePublisher::builder(client(&server)).concurrency(4).build().expect("publisher");
    publisher.send_all((0..SLOW_EVENTS).map(presence)).await.expect("accepted");
    let report = publisher.close().await;
    let elapsed = started.elapsed();
    done.store(true, Ordering::Relaxed);
    let sampled_peak = sampler.join().expect("sampler");
    let peak = sampled_peak.max(status_mib("VmHWM:"));
    assert!(report.all_delivered(), "{report}");
    assert_eq!(taken.load(Ordering::Relaxed), SLOW_EVENTS);
    let growth = peak - baseline;
    println!(
        "  {SLOW_EVENTS} events, concurrency 4, queue capacity {DEFAULT_QUEUE_CAPACITY}, server answering after {} ms: \
         {:.0} events/s, {} requests in {:.1} s",
        SLOW_DELAY.as_millis(),
        SLOW_EVENTS as f64 / elapsed.as_secs_f64(),
        report.batches,
        elapsed.as_secs_f64(),
    );
    println!(
        "  RSS before {baseline:.1} MiB, peak during the run {peak:.1} MiB (growth {growth:.1} MiB; bound {RSS_BOUND_MIB} MiB): {}",
        if growth <= RSS_BOUND_MIB { "bounded" } else { "NOT BOUNDED" }
    );
    assert!(growth <= RSS_BOUND_MIB, "RSS grew by {growth:.1} MiB");
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    if cfg!(debug_assertions) {
        println!("(debug build: run with --release for meaningful figures)");
    }
    if std::env::args().any(|arg| arg == "memory") {
        println!("memory under back-pressure:");
        bounded_memory().await;
        return;
    }
    println!("publisher throughput, {EVENTS} presence events over 1000 users, loopback server answering at once:");
    for concurrency in [1, 4, 16] {
        throughput(concurrency).await;
    }
    println!("serialization:");
    serialization_cost();
    println!("memory under back-pressure:");
    bounded_memory().await;
}
