//! Behaviour of the generated `EventsApi` and the runtime against a real HTTP
//! server on loopback (wiremock): what goes on the wire, and how answers and
//! failures come back.

mod support;

use std::time::Duration;

use events_sdk::models::{
    BatchConversationEventRequest, BatchEventResponse, BatchUserPresenceEventRequest,
    BatchUserRoutingStatusEventRequest, EventError, UserPresenceEvent, UserRoutingStatusEvent,
    UserRoutingStatusEventStatus,
};
use events_sdk::{Client, DateTime, Error, ErrorCode, EventsApi};
use serde_json::{json, Value};
use time::macros::datetime;
use wiremock::matchers::{body_json, header, header_regex, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "test-token";
const CORRELATION_ID: &str = "9f1c2d3e-corr-4a5b";

fn api(server: &MockServer) -> EventsApi {
    let client = Client::builder().base_url(server.uri()).access_token(TOKEN).build().expect("client builds");
    EventsApi::new(client)
}

/// A 200 answer as the API sends it: one failed event.
fn event_errors_answer() -> ResponseTemplate {
    ResponseTemplate::new(200).insert_header("ININ-Correlation-ID", CORRELATION_ID).set_body_json(json!({
        "errors": [{"eventId": "e-1", "message": "duplicate eventId", "retryable": true}]
    }))
}

/// Mounts a mock that answers `answer` only to `POST <route>` carrying the
/// documented headers and exactly `body`; it must be hit once (checked when
/// the server is dropped).
async fn expect_post(server: &MockServer, route: &str, body: &Value, answer: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(route))
        .and(header("Authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("Content-Type", "application/json"))
        .and(header("Accept", "application/json"))
        .and(header_regex("User-Agent", "^events-sdk/"))
        .and(body_json(body))
        .respond_with(answer)
        .expect(1)
        .named(format!("POST {route}"))
        .mount(server)
        .await;
}

/// Unwraps a call's result; on failure shows what the server received, which
/// tells a non-matching request (wiremock answers 404) from a decoding bug.
async fn ok<T>(server: &MockServer, result: Result<T, Error>) -> T {
    match result {
        Ok(value) => value,
        Err(error) => {
            let received = server.received_requests().await.unwrap_or_default();
            let received: Vec<String> = received
                .iter()
                .map(|r| format!("{} {} {:?}\n{}", r.method, r.url, r.headers, String::from_utf8_lossy(&r.body)))
                .collect();
            panic!("call failed: {error:?}\nserver received:\n{}", received.join("\n---\n"))
        }
    }
}

fn expected_event_error() -> EventError {
    EventError::new().with_event_id("e-1").with_message("duplicate eventId").with_retryable(true)
}

fn at() -> DateTime {
    DateTime::from(datetime!(2026-12-04 10:15:30 UTC))
}

fn routing_batch() -> (BatchUserRoutingStatusEventRequest, Value) {
    let event = UserRoutingStatusEvent::new("e-1", at(), "agent-1", UserRoutingStatusEventStatus::Idle, "src-1");
    let batch = BatchUserRoutingStatusEventRequest::new().with_user_routing_status_events(vec![event]);
    let wire = json!({
        "userRoutingStatusEvents": [{
            "eventId": "e-1",
            "eventDateTime": "2026-12-04T10:15:30.000Z",
            "agentId": "agent-1",
            "status": "Idle",
            "sourceId": "src-1"
        }]
    });
    (batch, wire)
}

fn source_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut chain = vec![format!("{error:?}")];
    let mut source = error.source();
    while let Some(inner) = source {
        chain.push(format!("{inner:?}"));
        source = inner.source();
    }
    chain.join("\n caused by: ")
}

// Proves: post_events_conversations POSTs to /api/v2/events/conversations with
// bearer auth, JSON content type and accept headers, the SDK user agent and
// exactly the batch's JSON (here the spec-built batch with every event type
// and every field), and reads the typed `errors[]` of the 200 answer.
#[tokio::test]
async fn post_events_conversations_sends_documented_request_and_reads_event_errors() {
    let server = MockServer::start().await;
    let spec = support::spec_values::spec();
    let wire = support::spec_values::full_value(&spec, "BatchConversationEventRequest");
    let batch: BatchConversationEventRequest = serde_json::from_value(wire.clone()).expect("spec batch deserializes");
    expect_post(&server, "/api/v2/events/conversations", &wire, event_errors_answer()).await;

    let answer: BatchEventResponse = ok(&server, api(&server).post_events_conversations(&batch).await).await;

    assert_eq!(answer.errors, Some(vec![expected_event_error()]));
}

// Proves: the same for post_events_users_presence, with a batch built by the
// builders (optional fields left unset are not sent).
#[tokio::test]
async fn post_events_users_presence_sends_documented_request_and_reads_event_errors() {
    let server = MockServer::start().await;
    let batch = BatchUserPresenceEventRequest::new().with_user_presence_events(vec![
        UserPresenceEvent::new("e-1", at(), "user-1", "src-1").with_message("Lunch"),
        UserPresenceEvent::new("e-2", at(), "user-2", "src-1"),
    ]);
    let wire = json!({
        "userPresenceEvents": [
            {"eventId": "e-1", "eventDateTime": "2026-12-04T10:15:30.000Z", "userId": "user-1", "sourceId": "src-1", "message": "Lunch"},
            {"eventId": "e-2", "eventDateTime": "2026-12-04T10:15:30.000Z", "userId": "user-2", "sourceId": "src-1"}
        ]
    });
    expect_post(&server, "/api/v2/events/users/presence", &wire, event_errors_answer()).await;

    let answer = ok(&server, api(&server).post_events_users_presence(&batch).await).await;

    assert_eq!(answer.errors, Some(vec![expected_event_error()]));
}

// Proves: the same for post_events_users_routingstatus.
#[tokio::test]
async fn post_events_users_routingstatus_sends_documented_request_and_reads_event_errors() {
    let server = MockServer::start().await;
    let (batch, wire) = routing_batch();
    expect_post(&server, "/api/v2/events/users/routingstatus", &wire, event_errors_answer()).await;

    let answer = ok(&server, api(&server).post_events_users_routingstatus(&batch).await).await;

    let errors = answer.errors.expect("errors[] is read");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].event_id.as_deref(), Some("e-1"));
    assert_eq!(errors[0].message.as_deref(), Some("duplicate eventId"));
    assert_eq!(errors[0].retryable, Some(true));
}

// Proves: a 400 with an ErrorBody becomes Error::Api exposing the status, the
// typed error code, the message, the parsed body and the correlation id.
#[tokio::test]
async fn error_body_of_a_400_is_exposed_typed() {
    let server = MockServer::start().await;
    let (batch, wire) = routing_batch();
    let message = "Max allowed event count per request has been surpassed. Max batch size is 100";
    let answer = ResponseTemplate::new(400).insert_header("ININ-Correlation-ID", CORRELATION_ID).set_body_json(json!({
        "message": message,
        "code": "max.batch.size.surpassed",
        "status": 400
    }));
    expect_post(&server, "/api/v2/events/users/routingstatus", &wire, answer).await;

    let error = api(&server).post_events_users_routingstatus(&batch).await.expect_err("a 400 is an error");

    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    let api_error = match &error {
        Error::Api(api_error) => api_error,
        other => panic!("expected Error::Api, got {other:?}"),
    };
    assert_eq!(api_error.status.as_u16(), 400);
    assert_eq!(api_error.code, Some(ErrorCode::MaxBatchSizeSurpassed));
    assert_eq!(api_error.message(), Some(message));
    assert_eq!(api_error.correlation_id.as_deref(), Some(CORRELATION_ID));
    let body = api_error.body.as_ref().expect("ErrorBody parsed");
    assert_eq!(body.status, Some(400));
    assert_eq!(body.code.as_deref(), Some("max.batch.size.surpassed"));
    assert_eq!(error.as_api().map(|a| a.status.as_u16()), Some(400));
    let text = error.to_string();
    assert!(
        text.contains("400") && text.contains("max.batch.size.surpassed") && text.contains(CORRELATION_ID),
        "{text}"
    );
}

// Proves: a non-2xx answer whose body is not JSON is still Error::Api with the
// status, no parsed body or code, and the raw body kept verbatim.
#[tokio::test]
async fn non_json_500_keeps_the_raw_body() {
    let server = MockServer::start().await;
    let (batch, wire) = routing_batch();
    let raw = "<html><body>upstream connect error</body></html>";
    expect_post(&server, "/api/v2/events/users/routingstatus", &wire, ResponseTemplate::new(500).set_body_string(raw))
        .await;

    let error = api(&server).post_events_users_routingstatus(&batch).await.expect_err("a 500 is an error");

    match &error {
        Error::Api(api_error) => {
            assert_eq!(api_error.status.as_u16(), 500);
            assert_eq!(api_error.body, None);
            assert_eq!(api_error.code, None);
            assert_eq!(api_error.message(), None);
            assert_eq!(api_error.raw_body, raw);
        }
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

// Proves: a 200 whose body is truncated JSON is Error::InvalidResponse with
// the status and a snippet of what was received (not a panic, not Ok).
#[tokio::test]
async fn truncated_200_body_is_an_invalid_response_with_snippet() {
    let server = MockServer::start().await;
    let (batch, wire) = routing_batch();
    let truncated = r#"{"errors":[{"eventId":"e-1","mess"#;
    let answer = ResponseTemplate::new(200).set_body_raw(truncated, "application/json");
    expect_post(&server, "/api/v2/events/users/routingstatus", &wire, answer).await;

    let error = api(&server).post_events_users_routingstatus(&batch).await.expect_err("truncated body is an error");

    match &error {
        Error::InvalidResponse { status, snippet, message, .. } => {
            assert_eq!(status.as_u16(), 200);
            assert_eq!(snippet, truncated);
            assert!(!message.is_empty());
        }
        other => panic!("expected Error::InvalidResponse, got {other:?}"),
    }
}

// Proves: a 200 whose body is not JSON at all is Error::InvalidResponse too.
#[tokio::test]
async fn non_json_200_body_is_an_invalid_response_with_snippet() {
    let server = MockServer::start().await;
    let (batch, wire) = routing_batch();
    let answer = ResponseTemplate::new(200).set_body_string("OK, thanks!");
    expect_post(&server, "/api/v2/events/users/routingstatus", &wire, answer).await;

    let error = api(&server).post_events_users_routingstatus(&batch).await.expect_err("non-JSON body is an error");

    match &error {
        Error::InvalidResponse { status, snippet, .. } => {
            assert_eq!(status.as_u16(), 200);
            assert_eq!(snippet, "OK, thanks!");
        }
        other => panic!("expected Error::InvalidResponse, got {other:?}"),
    }
}

// Proves: the *_with_info variant returns the status and the
// ININ-Correlation-ID header alongside the decoded body.
#[tokio::test]
async fn with_info_returns_status_and_correlation_id() {
    let server = MockServer::start().await;
    let (batch, wire) = routing_batch();
    expect_post(&server, "/api/v2/events/users/routingstatus", &wire, event_errors_answer()).await;

    let response = ok(&server, api(&server).post_events_users_routingstatus_with_info(&batch).await).await;

    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.correlation_id(), Some(CORRELATION_ID));
    assert_eq!(response.body().errors, Some(vec![expected_event_error()]));
    assert_eq!(response.into_body().errors.map(|e| e.len()), Some(1));
}

// Proves: the default client speaks TLS: an https base URL fails only because
// nothing listens on the port (a connection error), not with reqwest's
// "scheme is not http" error of a build without a TLS backend.
#[tokio::test]
async fn https_is_supported_out_of_the_box() {
    let client = Client::builder()
        .base_url("https://127.0.0.1:1/")
        .access_token(TOKEN)
        .connect_timeout(Duration::from_secs(5))
        .build()
        .expect("an https base URL is accepted");
    let (batch, _) = routing_batch();

    let error =
        EventsApi::new(client).post_events_users_routingstatus(&batch).await.expect_err("nothing listens on port 1");

    let chain = source_chain(&error);
    assert!(!chain.contains("scheme is not http"), "reqwest was built without TLS:\n{chain}");
    match &error {
        Error::Transport(inner) => assert!(inner.is_connect(), "expected a connection error:\n{chain}"),
        other => panic!("expected Error::Transport, got:\n{other:?}\n{chain}"),
    }
}
