//! OAuth client credentials against a real HTTP server on loopback
//! (wiremock) that plays both the login host and the API: the token request
//! on the wire, caching, single flight, expiry, 401 handling, login
//! failures, and that no secret ever shows in `Debug` or `tracing` output.

mod support;

use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use events_sdk::models::BatchEventResponse;
use events_sdk::{Client, Error, EventsApi, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ROUTE: &str = "/api/v2/events/users/routingstatus";
const CLIENT_ID: &str = "my-client";
const SECRET: &str = "s3cr3t-value";
/// base64("my-client:s3cr3t-value")
const BASIC: &str = "Basic bXktY2xpZW50OnMzY3IzdC12YWx1ZQ==";
const TOKEN_1: &str = "tok-first-7f3a9c";
const TOKEN_2: &str = "tok-second-b41e02";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .client_credentials(CLIENT_ID, SECRET)
        .retry_policy(RetryPolicy::new().base_delay(Duration::from_millis(10)))
        .build()
        .expect("client builds")
}

use support::routing_status_batch as batch;

async fn call(client: &Client) -> Result<BatchEventResponse, Error> {
    EventsApi::new(client.clone()).post_events_users_routingstatus(&batch()).await
}

fn token_answer(token: &str, expires_in: u64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "access_token": token, "token_type": "bearer", "expires_in": expires_in
    }))
}

/// The token endpoint, matching only the documented client-credentials
/// request; answers `template` `times` times (or always for `None`).
async fn mount_login(server: &MockServer, template: ResponseTemplate, times: Option<u64>) {
    let mock = Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(header("Authorization", BASIC))
        .and(header("Content-Type", "application/x-www-form-urlencoded"))
        .and(body_string("grant_type=client_credentials"))
        .respond_with(template);
    let mock = match times {
        Some(n) => mock.up_to_n_times(n),
        None => mock,
    };
    mock.mount(server).await;
}

/// The API, answering `template` to requests that carry `Bearer <token>`.
async fn mount_api(server: &MockServer, token: &str, template: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(ROUTE))
        .and(header("Authorization", format!("Bearer {token}").as_str()))
        .respond_with(template)
        .mount(server)
        .await;
}

fn ok_answer() -> ResponseTemplate {
    ResponseTemplate::new(200).insert_header("ININ-Correlation-ID", "corr-ok").set_body_json(json!({}))
}

fn unauthorized() -> ResponseTemplate {
    ResponseTemplate::new(401).set_body_json(json!({
        "message": "No authentication bearer token specified in authorization header.",
        "code": "authentication.required", "status": 401
    }))
}

/// (token requests, API requests) the server received.
async fn counts(server: &MockServer) -> (usize, usize) {
    let received = server.received_requests().await.expect("request recording is on");
    let logins = received.iter().filter(|r| r.url.path() == "/oauth/token").count();
    (logins, received.len() - logins)
}

// Proves: 50 concurrent calls on a cold client make exactly one token
// request (which carries Basic auth, the form content type and
// `grant_type=client_credentials`), and all 50 use its token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cold_client_logs_in_once_for_50_concurrent_calls() {
    let server = MockServer::start().await;
    mount_login(&server, token_answer(TOKEN_1, 86_400).set_delay(Duration::from_millis(200)), None).await;
    mount_api(&server, TOKEN_1, ok_answer()).await;
    let client = client(&server);

    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let client = client.clone();
        calls.spawn(async move { call(&client).await });
    }
    while let Some(result) = calls.join_next().await {
        result.expect("task").expect("call succeeds");
    }
    call(&client).await.expect("a later call reuses the cached token");

    assert_eq!(counts(&server).await, (1, 51));
}

// Proves: a token past its lifetime (minus the refresh margin) is replaced
// by a new login before the next call.
#[tokio::test]
async fn expired_token_leads_to_a_new_login() {
    let server = MockServer::start().await;
    mount_login(&server, token_answer(TOKEN_1, 1), Some(1)).await;
    mount_login(&server, token_answer(TOKEN_2, 3600), None).await;
    mount_api(&server, TOKEN_1, ok_answer()).await;
    mount_api(&server, TOKEN_2, ok_answer()).await;
    let client = client(&server);

    call(&client).await.expect("first call");
    call(&client).await.expect("the token is still fresh");
    assert_eq!(counts(&server).await, (1, 2));

    tokio::time::sleep(Duration::from_millis(950)).await;
    call(&client).await.expect("call after expiry");

    assert_eq!(counts(&server).await, (2, 3));
    let last = server.received_requests().await.unwrap().pop().unwrap();
    assert_eq!(last.headers["authorization"], format!("Bearer {TOKEN_2}").as_str());
}

// Proves: a 401 from the API leads to one new login and one repeat of the
// request, which succeeds with the new token.
#[tokio::test]
async fn api_401_logs_in_again_and_repeats_once() {
    let server = MockServer::start().await;
    mount_login(&server, token_answer(TOKEN_1, 3600), Some(1)).await;
    mount_login(&server, token_answer(TOKEN_2, 3600), None).await;
    mount_api(&server, TOKEN_1, unauthorized()).await;
    mount_api(&server, TOKEN_2, ok_answer()).await;

    call(&client(&server)).await.expect("the repeat succeeds");

    assert_eq!(counts(&server).await, (2, 2));
}

// Proves: a second 401 is returned as the error: no login loop.
#[tokio::test]
async fn second_401_is_returned_without_a_loop() {
    let server = MockServer::start().await;
    mount_login(&server, token_answer(TOKEN_1, 3600), Some(1)).await;
    mount_login(&server, token_answer(TOKEN_2, 3600), None).await;
    mount_api(&server, TOKEN_1, unauthorized()).await;
    mount_api(&server, TOKEN_2, unauthorized()).await;

    let error = call(&client(&server)).await.expect_err("401 twice");

    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(error.attempts(), 2);
    assert_eq!(counts(&server).await, (2, 2));
}

// Proves: with a static access token a 401 is returned at once (there is
// nothing to refresh).
#[tokio::test]
async fn static_token_401_is_returned_at_once() {
    let server = MockServer::start().await;
    mount_api(&server, "static-token", unauthorized()).await;
    let client = Client::builder().base_url(server.uri()).access_token("static-token").build().expect("builds");

    let error = call(&client).await.expect_err("401");

    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(counts(&server).await, (0, 1));
}

// Proves: refused credentials are `Error::Auth` with the login endpoint's
// status, `error` and `error_description`; the API is never called.
#[tokio::test]
async fn refused_login_is_an_auth_error() {
    let server = MockServer::start().await;
    mount_login(
        &server,
        ResponseTemplate::new(400)
            .set_body_json(json!({"error": "invalid_client", "error_description": "client authentication failed"})),
        None,
    )
    .await;

    let error = call(&client(&server)).await.expect_err("login fails");

    match &error {
        Error::Auth { status, error, error_description, .. } => {
            assert_eq!(status.map(|s| s.as_u16()), Some(400));
            assert_eq!(error.as_deref(), Some("invalid_client"));
            assert_eq!(error_description.as_deref(), Some("client authentication failed"));
        }
        other => panic!("expected Error::Auth, got {other:?}"),
    }
    assert_eq!(error.to_string(), "login failed (HTTP 400 Bad Request): invalid_client: client authentication failed");
    assert!(!error.is_retryable());
    assert!(!format!("{error:?}").contains(SECRET));
    assert_eq!(counts(&server).await, (1, 0));
}

// Proves: concurrent calls waiting on a login that fails share its error
// instead of each trying again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_login_is_shared_by_waiting_calls() {
    let server = MockServer::start().await;
    mount_login(
        &server,
        ResponseTemplate::new(401)
            .set_body_json(json!({"error": "invalid_client", "description": "bad credentials"}))
            .set_delay(Duration::from_millis(200)),
        None,
    )
    .await;
    let client = client(&server);

    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let client = client.clone();
        calls.spawn(async move { call(&client).await });
    }
    while let Some(result) = calls.join_next().await {
        let error = result.expect("task").expect_err("login fails");
        assert!(matches!(error, Error::Auth { .. }), "{error:?}");
        assert_eq!(error.to_string(), "login failed (HTTP 401 Unauthorized): invalid_client: bad credentials");
    }

    assert_eq!(counts(&server).await, (1, 0));
}

// Proves: a login answered 503 is retried (a token request publishes
// nothing, so this is safe), and the call then succeeds.
#[tokio::test]
async fn unavailable_login_is_retried() {
    let server = MockServer::start().await;
    mount_login(&server, ResponseTemplate::new(503), Some(1)).await;
    mount_login(&server, token_answer(TOKEN_1, 3600), None).await;
    mount_api(&server, TOKEN_1, ok_answer()).await;

    call(&client(&server)).await.expect("the second login works");

    assert_eq!(counts(&server).await, (2, 1));
}

// Proves: a login answer without an access token is an `Error::Auth` that
// does not quote the answer.
#[tokio::test]
async fn token_answer_without_access_token_is_an_auth_error() {
    let server = MockServer::start().await;
    mount_login(&server, ResponseTemplate::new(200).set_body_json(json!({"token_type": "bearer"})), None).await;

    let error = call(&client(&server)).await.expect_err("no token");

    assert_eq!(error.to_string(), "login failed (HTTP 200 OK): the token response has no access_token");
}

/// A `tracing` writer into a shared buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

// Proves: neither the client secret nor any token appears in the client's
// `Debug` output or in anything logged through `tracing` (at TRACE level)
// during a login, a 401 with a new login, and a retried 429; and that the
// per-request span carries method, path, attempt, status and correlation id.
#[tokio::test]
async fn secrets_stay_out_of_debug_and_tracing() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber =
        tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_writer(move || writer.clone()).finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    mount_login(&server, token_answer(TOKEN_1, 3600), Some(1)).await;
    mount_login(&server, token_answer(TOKEN_2, 3600), None).await;
    mount_api(&server, TOKEN_1, unauthorized()).await;
    Mock::given(method("POST"))
        .and(path(ROUTE))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .with_priority(2)
        .mount(&server)
        .await;
    mount_api(&server, TOKEN_2, ok_answer()).await;
    let client = client(&server);

    call(&client).await.expect("succeeds in the end");
    let debug = format!("{client:?}");
    assert_eq!(counts(&server).await, (2, 3));

    let logs = captured.text();
    for secret in [SECRET, TOKEN_1, TOKEN_2, BASIC, "bXktY2xpZW50OnMzY3IzdC12YWx1ZQ"] {
        assert!(!debug.contains(secret), "Debug shows {secret:?}: {debug}");
        assert!(!logs.contains(secret), "tracing shows {secret:?}:\n{logs}");
    }
    assert!(debug.contains(CLIENT_ID) && debug.contains("[redacted]"), "{debug}");
    assert!(logs.contains("retrying"), "{logs}");
    assert!(logs.contains("logging in again"), "{logs}");
    assert!(logs.contains("obtained an access token"), "{logs}");
    for field in [
        "http_request{",
        "method=POST",
        &format!("path=\"{ROUTE}\""),
        "attempt=3",
        "status=200",
        "correlation_id=\"corr-ok\"",
    ] {
        assert!(logs.contains(field), "no {field:?} in:\n{logs}");
    }
}
