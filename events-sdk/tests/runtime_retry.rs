//! The retry policy against a real HTTP server on loopback (wiremock): which
//! answers are retried, how long the client waits, and what the error says
//! when it gives up.

mod support;

use std::time::{Duration, Instant};

use events_sdk::models::BatchEventResponse;
use events_sdk::{Client, Error, ErrorCode, EventsApi, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ROUTE: &str = "/api/v2/events/users/routingstatus";

fn api(server: &MockServer, policy: RetryPolicy) -> EventsApi {
    let client = Client::builder()
        .base_url(server.uri())
        .access_token("test-token")
        .retry_policy(policy)
        .build()
        .expect("client builds");
    EventsApi::new(client)
}

/// A policy whose backoff (used when no `Retry-After` is sent) is short.
fn fast() -> RetryPolicy {
    RetryPolicy::new().base_delay(Duration::from_millis(10)).max_delay(Duration::from_millis(20))
}

use support::routing_status_batch as batch;

async fn call(api: &EventsApi) -> Result<BatchEventResponse, Error> {
    api.post_events_users_routingstatus(&batch()).await
}

/// Answers `template` to the next `times` requests, then steps aside.
async fn answer_times(server: &MockServer, template: ResponseTemplate, times: u64) {
    Mock::given(method("POST")).and(path(ROUTE)).respond_with(template).up_to_n_times(times).mount(server).await;
}

async fn answer_always(server: &MockServer, template: ResponseTemplate) {
    Mock::given(method("POST")).and(path(ROUTE)).respond_with(template).mount(server).await;
}

fn ok_answer() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({}))
}

fn error_answer(status: u16, code: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("ININ-Correlation-ID", "corr-1")
        .set_body_json(json!({"message": format!("status {status}"), "code": code, "status": status}))
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.expect("request recording is on").len()
}

fn api_error(error: &Error) -> &events_sdk::ApiError {
    error.as_api().unwrap_or_else(|| panic!("expected Error::Api, got {error:?}"))
}

// Proves: a 429 with `Retry-After: 1` is retried after waiting at least 1 s,
// and the retry's success is returned.
#[tokio::test]
async fn too_many_requests_waits_for_retry_after_then_succeeds() {
    let server = MockServer::start().await;
    answer_times(&server, error_answer(429, "too.many.requests.retry.after").insert_header("Retry-After", "1"), 1)
        .await;
    answer_always(&server, ok_answer()).await;

    let started = Instant::now();
    call(&api(&server, RetryPolicy::new())).await.expect("the retry succeeds");

    assert!(started.elapsed() >= Duration::from_secs(1), "waited only {:?}", started.elapsed());
    assert_eq!(requests(&server).await, 2);
}

// Proves: 503 is retried (here twice, with backoff since no Retry-After).
#[tokio::test]
async fn service_unavailable_twice_then_success() {
    let server = MockServer::start().await;
    answer_times(&server, error_answer(503, "service.unavailable"), 2).await;
    answer_always(&server, ok_answer()).await;

    call(&api(&server, fast())).await.expect("the third attempt succeeds");

    assert_eq!(requests(&server).await, 3);
}

// Proves: a Retry-After given as an HTTP date (here one in the past, meaning
// "now") is understood.
#[tokio::test]
async fn retry_after_as_http_date() {
    let server = MockServer::start().await;
    answer_times(
        &server,
        error_answer(429, "too.many.requests").insert_header("Retry-After", "Sun, 06 Nov 1994 08:49:37 GMT"),
        1,
    )
    .await;
    answer_always(&server, ok_answer()).await;

    let started = Instant::now();
    call(&api(&server, RetryPolicy::new())).await.expect("the retry succeeds");

    assert!(started.elapsed() < Duration::from_millis(400), "a past date means no wait: {:?}", started.elapsed());
    assert_eq!(requests(&server).await, 2);
}

// Proves: a 500 is not retried and comes back with its status, typed code,
// parsed ErrorBody, correlation id and an attempt count of 1.
#[tokio::test]
async fn internal_server_error_is_not_retried() {
    let server = MockServer::start().await;
    answer_always(&server, error_answer(500, "internal.server.error")).await;

    let error = call(&api(&server, fast())).await.expect_err("500 fails");

    let api_error = api_error(&error);
    assert_eq!(api_error.status.as_u16(), 500);
    assert_eq!(api_error.code, Some(ErrorCode::InternalServerError));
    assert_eq!(api_error.message(), Some("status 500"));
    assert_eq!(api_error.body.as_ref().and_then(|b| b.status), Some(500));
    assert_eq!(api_error.correlation_id.as_deref(), Some("corr-1"));
    assert_eq!(api_error.attempts, 1);
    assert_eq!(error.attempts(), 1);
    assert!(!error.is_retryable());
    assert_eq!(requests(&server).await, 1);
}

// Proves: a 502 may have been processed behind the gateway, so by default it
// is returned at once (and flagged retryable for callers who decide).
#[tokio::test]
async fn bad_gateway_is_not_retried_by_default() {
    let server = MockServer::start().await;
    answer_times(&server, error_answer(502, "bad.gateway"), 1).await;
    answer_always(&server, ok_answer()).await;

    let error = call(&api(&server, fast())).await.expect_err("502 is returned");

    assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
    assert!(error.is_retryable());
    assert_eq!(requests(&server).await, 1);
}

// Proves: with `retry_possibly_processed(true)` 502 and 504 are retried.
#[tokio::test]
async fn bad_gateway_and_gateway_timeout_are_retried_when_opted_in() {
    let server = MockServer::start().await;
    answer_times(&server, error_answer(502, "bad.gateway"), 1).await;
    answer_times(&server, error_answer(504, "request.timeout"), 1).await;
    answer_always(&server, ok_answer()).await;

    call(&api(&server, fast().retry_possibly_processed(true))).await.expect("the third attempt succeeds");

    assert_eq!(requests(&server).await, 3);
}

// Proves: a client-side timeout is retried only when opted in.
#[tokio::test]
async fn timeouts_are_retried_only_when_opted_in() {
    for (opt_in, expected_requests) in [(false, 1), (true, 2)] {
        let server = MockServer::start().await;
        answer_times(&server, ok_answer().set_delay(Duration::from_millis(600)), 1).await;
        answer_always(&server, ok_answer()).await;
        let client = Client::builder()
            .base_url(server.uri())
            .access_token("test-token")
            .timeout(Duration::from_millis(150))
            .retry_policy(fast().retry_possibly_processed(opt_in))
            .build()
            .expect("client builds");

        let result = call(&EventsApi::new(client)).await;

        match (opt_in, &result) {
            (false, Err(Error::Timeout(_))) | (true, Ok(_)) => {}
            _ => panic!("opt_in {opt_in}: unexpected {result:?}"),
        }
        assert_eq!(requests(&server).await, expected_requests, "opt_in {opt_in}");
    }
}

// Proves: a Retry-After longer than what is left of the budget gives up at
// once, returning that 429 with its Retry-After.
#[tokio::test]
async fn retry_after_beyond_budget_gives_up_immediately() {
    let server = MockServer::start().await;
    answer_always(&server, error_answer(429, "too.many.requests.retry.after").insert_header("Retry-After", "120"))
        .await;

    let started = Instant::now();
    let error = call(&api(&server, RetryPolicy::new())).await.expect_err("gives up");

    assert!(started.elapsed() < Duration::from_secs(1), "did not give up at once: {:?}", started.elapsed());
    let api_error = api_error(&error);
    assert_eq!(api_error.status.as_u16(), 429);
    assert_eq!(api_error.code, Some(ErrorCode::TooManyRequestsRetryAfter));
    assert_eq!(api_error.retry_after, Some(Duration::from_secs(120)));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(120)));
    assert_eq!(api_error.attempts, 1);
    assert_eq!(requests(&server).await, 1);
}

// Proves: when the attempt limit is reached the last error is returned and
// says how many attempts were made.
#[tokio::test]
async fn attempt_limit_reports_the_attempts_made() {
    let server = MockServer::start().await;
    answer_always(&server, error_answer(503, "service.unavailable").insert_header("Retry-After", "0")).await;

    let error = call(&api(&server, RetryPolicy::new().max_attempts(3))).await.expect_err("503 every time");

    assert_eq!(api_error(&error).status.as_u16(), 503);
    assert_eq!(error.attempts(), 3);
    assert!(error.to_string().contains("after 3 attempts"), "{error}");
    assert_eq!(requests(&server).await, 3);
}

// Proves: when the retry-time budget runs out the client stops, and the
// error's attempt count matches what the server saw.
#[tokio::test]
async fn time_budget_exhausted_reports_the_attempts_made() {
    let server = MockServer::start().await;
    answer_always(&server, error_answer(503, "service.unavailable")).await;
    let policy = RetryPolicy::new()
        .max_attempts(100)
        .base_delay(Duration::from_millis(100))
        .max_delay(Duration::from_millis(100))
        .retry_budget(Duration::from_millis(350));

    let started = Instant::now();
    let error = call(&api(&server, policy)).await.expect_err("503 every time");

    assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());
    let attempts = error.attempts();
    assert!((2..100).contains(&attempts), "attempts: {attempts}");
    assert_eq!(requests(&server).await, attempts as usize);
}

// Proves: `RetryPolicy::none()` sends every call exactly once.
#[tokio::test]
async fn no_retry_policy_sends_once() {
    let server = MockServer::start().await;
    answer_always(&server, error_answer(429, "too.many.requests").insert_header("Retry-After", "0")).await;

    let error = call(&api(&server, RetryPolicy::none())).await.expect_err("429");

    assert_eq!(error.attempts(), 1);
    assert_eq!(requests(&server).await, 1);
}

// Proves: a retried failure that is not an API answer (here: connection
// refused, opted in) is wrapped in `RetriesExhausted` with the attempt count
// and the last failure as its source.
#[tokio::test]
async fn retried_transport_errors_report_attempts() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .access_token("test-token")
        .retry_policy(fast().max_attempts(3).retry_possibly_processed(true))
        .build()
        .expect("client builds");

    let error = call(&EventsApi::new(client)).await.expect_err("nothing listens");

    match &error {
        Error::RetriesExhausted { attempts: 3, source } if matches!(**source, Error::Transport(_)) => {}
        other => panic!("expected RetriesExhausted {{ attempts: 3, Transport }}, got {other:?}"),
    }
    assert_eq!(error.attempts(), 3);
    assert!(error.is_retryable());
    assert!(error.to_string().starts_with("gave up after 3 attempts"), "{error}");
}
