//! Contract tests against an independent server: Stoplight Prism
//! (`prism mock spec/events-api.yaml`), which validates every request the SDK
//! sends against the spec and answers with a response generated from it.
//!
//! * For every operation with a batch request body (found in the spec's
//!   `paths`), and every event kind of its `Batch…Request` schema (each
//!   property is an array of one event schema), the suite sends one batch
//!   with a fully populated event and one with a minimal event (required
//!   fields only) through the matching `EventsApi` method. Prism must accept
//!   each one (2xx, no `sl-violations` header), the SDK must send exactly
//!   the JSON it was given, and it must parse Prism's generated response.
//! * Negative checks: requests the SDK refuses client-side (empty or
//!   oversized batches) must not reach Prism; a raw request with a required
//!   field missing, and one without a bearer token, must be rejected by
//!   Prism — proof that its validation is on.
//!
//! Prism is pinned in `contract/package.json` / `contract/package-lock.json`.
//! When `contract/node_modules/.bin/prism` is missing, the suite runs
//! `npm ci` itself if `CI` or `EVENTS_SDK_CONTRACT=1` is set, and otherwise
//! skips with a message. Run it with its report:
//!
//! ```sh
//! (cd contract && npm ci) && cargo test -p events-sdk --test contract -- --nocapture
//! ```
//!
//! Everything runs in one test function that owns the Prism process (killed
//! on drop, also when the test fails) and reports all failures at once.

mod support;

#[path = "contract/cases.rs"]
mod cases;
#[path = "contract/prism.rs"]
mod prism;

use std::time::Duration;

use cases::{Operation, Sent, Uuids};
use events_sdk::models::{
    BatchConversationEventRequest, BatchEventResponse, BatchUserPresenceEventRequest,
    BatchUserRoutingStatusEventRequest, ErrorBody, UserRoutingStatusEvent, UserRoutingStatusEventStatus,
};
use events_sdk::{ApiResponse, Client, DateTime, Error, EventsApi};
use prism::{notice, Prism};
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::spec_values::{full_value, minimal_value, spec, DATE_TIME};

const TOKEN: &str = "contract-test-token";
const VIOLATIONS_HEADER: &str = "sl-violations";

#[derive(Default)]
struct Report {
    failures: Vec<String>,
    /// Requests this suite sent that Prism answered.
    answered: usize,
    /// … of which Prism accepted (2xx, no violations).
    accepted: usize,
    /// … of which Prism rejected, as the negative checks expect.
    rejected_as_expected: usize,
}

impl Report {
    fn fail(&mut self, message: String) {
        println!("FAIL {message}");
        self.failures.push(message);
    }
}

#[tokio::test]
async fn sdk_requests_pass_prism_validation() {
    let bin = match prism::locate_or_install() {
        Ok(Some(bin)) => bin,
        Ok(None) => return, // skipped; the reason has been printed
        Err(e) => panic!("contract: cannot install Prism: {e}"),
    };
    let version = prism::version(&bin);
    let spec_path = prism::workspace_root().join("spec").join("events-api.yaml");
    let server = Prism::start(&bin, &spec_path)
        .await
        .unwrap_or_else(|e| panic!("contract: cannot start Prism {version} (`prism mock`): {e}"));
    println!("contract: Prism {version} is listening on {}", server.base_url());

    let spec = spec();
    let client = Client::builder()
        .base_url(server.base_url())
        .access_token(TOKEN)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap_or_else(|e| panic!("contract: the SDK refuses the loopback base URL {}: {e}", server.base_url()));
    let api = EventsApi::new(client);
    let raw = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("reqwest client");
    let mut report = Report::default();

    let operations = match cases::operations(&spec) {
        Ok(operations) => operations,
        Err(e) => panic!("contract: cannot read the operations from the spec: {e}"),
    };
    check_coverage(&spec, &operations, &mut report);

    every_event_kind(&api, &raw, &server, &spec, &operations, &mut report).await;
    refused_client_side(&api, &raw, &server, &spec, &operations, &mut report).await;
    rejected_by_prism(&raw, &server, &spec, &operations, &mut report).await;

    finish(&server, &version, &report);
}

/// Every `Batch…Request` schema must be the request body of an operation.
fn check_coverage(spec: &Value, operations: &[Operation], report: &mut Report) {
    let kinds: usize = operations.iter().map(|o| o.kinds.len()).sum();
    println!("contract: the spec has {} batch operations with {kinds} event kinds", operations.len());
    if kinds == 0 {
        report.fail("the spec yields no event kinds: nothing would be tested".to_owned());
    }
    for schema in cases::batch_request_schemas(spec) {
        if !operations.iter().any(|o| o.batch_schema == schema) {
            report.fail(format!("schema {schema} is not the request body of any operation, so it is not tested"));
        }
    }
}

/// A full and a minimal event of every kind, one per batch, through the SDK.
async fn every_event_kind(
    api: &EventsApi,
    raw: &reqwest::Client,
    server: &Prism,
    spec: &Value,
    operations: &[Operation],
    report: &mut Report,
) {
    let mut uuids = Uuids::new();
    let mut shown_response = false;
    for operation in operations {
        for (index, kind) in operation.kinds.iter().enumerate() {
            for (variant, build) in [("full", full_value as fn(&Value, &str) -> Value), ("minimal", minimal_value)] {
                let mut event = build(spec, &kind.schema);
                cases::make_realistic(spec, &kind.schema, &mut event, &mut uuids);
                let body = json!({ kind.property.as_str(): [event] });
                let case = format!("{} {} [{variant} {}]", operation.operation_id, kind.property, kind.schema);
                let sent = match cases::send_via_sdk(api, operation, &body).await {
                    Ok(sent) => sent,
                    Err(e) => {
                        report.fail(format!("{case}: {e}\n  body: {body}"));
                        continue;
                    }
                };
                if variant == "full" && index == 0 {
                    println!("contract: example body ({case}): {body}");
                }
                check_wire(&case, &body, &sent, report);
                if let Some(response) = judge(raw, server, operation, &case, sent, report).await {
                    if !shown_response {
                        println!("contract: the SDK parsed Prism's generated 200 response: {response:?}");
                        shown_response = true;
                    }
                }
            }
        }
        if operation.kinds.len() > 1 {
            // One batch holding a full event of every kind at once.
            let mut body = serde_json::Map::new();
            for kind in &operation.kinds {
                let mut event = full_value(spec, &kind.schema);
                cases::make_realistic(spec, &kind.schema, &mut event, &mut uuids);
                body.insert(kind.property.clone(), json!([event]));
            }
            let body = Value::Object(body);
            let case = format!("{} [every kind in one batch]", operation.operation_id);
            match cases::send_via_sdk(api, operation, &body).await {
                Ok(sent) => {
                    check_wire(&case, &body, &sent, report);
                    judge(raw, server, operation, &case, sent, report).await;
                }
                Err(e) => report.fail(format!("{case}: {e}")),
            }
        }
    }
}

/// The SDK must send exactly the JSON it was given: Prism ignores unknown
/// keys (the spec does not forbid additional properties), so a renamed or
/// dropped optional field would otherwise go unnoticed.
fn check_wire(case: &str, body: &Value, sent: &Sent, report: &mut Report) {
    let differences = support::json_diff::json_differences(body, &sent.wire);
    if !differences.is_empty() {
        report.fail(format!("{case}: the SDK sends different JSON than it was given:\n  {}", differences.join("\n  ")));
    }
}

/// Checks Prism's verdict on one request the SDK sent.
async fn judge(
    raw: &reqwest::Client,
    server: &Prism,
    operation: &Operation,
    case: &str,
    sent: Sent,
    report: &mut Report,
) -> Option<BatchEventResponse> {
    match sent.result {
        Ok(response) => {
            report.answered += 1;
            match response.headers().get(VIOLATIONS_HEADER) {
                Some(v) => {
                    let v = describe_violations(&String::from_utf8_lossy(v.as_bytes()));
                    report
                        .fail(format!("{case}: Prism answered {} but reported violations:\n  {v}", response.status()));
                    None
                }
                None => {
                    report.accepted += 1;
                    println!("ok   {case}: HTTP {}", response.status());
                    Some(response.into_body())
                }
            }
        }
        Err(Error::Api(error)) => {
            report.answered += 1;
            // The SDK's error does not carry headers: replay the exact JSON
            // the SDK sent to read Prism's `sl-violations`.
            let why = match post_raw(raw, server, operation, &sent.wire, Some(TOKEN)).await {
                Ok(replay) => {
                    report.answered += 1;
                    replay
                        .violations
                        .map_or_else(|| "(no sl-violations header on replay)".to_owned(), |v| describe_violations(&v))
                }
                Err(e) => format!("(replay failed: {e})"),
            };
            report.fail(format!(
                "{case}: Prism rejected the SDK's request with HTTP {}:\n  {why}\n  sent: {}",
                error.status, sent.wire
            ));
            None
        }
        Err(Error::InvalidResponse { status, message, snippet }) => {
            report.answered += 1;
            report.fail(format!("{case}: the SDK cannot parse Prism's {status} response: {message}; body: {snippet}"));
            None
        }
        Err(e) => {
            report.fail(format!("{case}: the request did not get an answer from Prism: {e}"));
            None
        }
    }
}

/// Batches the API documents as invalid (no events, more than 100) must be
/// refused by the SDK before anything is sent.
async fn refused_client_side(
    api: &EventsApi,
    raw: &reqwest::Client,
    server: &Prism,
    spec: &Value,
    operations: &[Operation],
    report: &mut Report,
) {
    let mut uuids = Uuids::new();
    let at: DateTime = DATE_TIME.parse().expect("DATE_TIME parses");
    // Built with the typed constructors, so this check does not depend on
    // the models' JSON (the positive cases check that).
    let routing_events: Vec<UserRoutingStatusEvent> = (0..101)
        .map(|_| {
            UserRoutingStatusEvent::new(
                uuids.next(),
                at,
                uuids.next(),
                UserRoutingStatusEventStatus::Idle,
                uuids.next(),
            )
        })
        .collect();
    let posts_before = server.posts_received();
    let attempts: Vec<(&str, Result<ApiResponse<BatchEventResponse>, Error>)> = vec![
        (
            "a conversation batch with no events",
            api.post_events_conversations_with_info(&BatchConversationEventRequest::new()).await,
        ),
        (
            "a presence batch with an empty event list",
            api.post_events_users_presence_with_info(
                &BatchUserPresenceEventRequest::new().with_user_presence_events(Vec::new()),
            )
            .await,
        ),
        (
            "a routing-status batch with 101 events",
            api.post_events_users_routingstatus_with_info(
                &BatchUserRoutingStatusEventRequest::new().with_user_routing_status_events(routing_events),
            )
            .await,
        ),
    ];
    let mut reached = 0;
    let mut refused = 0;
    for (case, result) in attempts {
        match &result {
            Err(Error::InvalidRequest(message)) => {
                refused += 1;
                println!("ok   refused client-side: {case}: {message}");
            }
            Ok(_) | Err(Error::Api(_)) | Err(Error::InvalidResponse { .. }) => {
                reached += 1;
                report.answered += 1;
                if result.is_ok() {
                    report.accepted += 1;
                }
                report.fail(format!(
                    "the SDK sent {case} to the server instead of refusing it with Error::InvalidRequest \
                     (the API answers zero.events.submitted / max.batch.size.surpassed; the spec has no \
                     minItems/maxItems, so Prism accepts it)"
                ));
            }
            Err(e) => report.fail(format!("{case}: unexpected error (neither refused nor answered): {e}")),
        }
    }
    if refused == 0 {
        return;
    }
    // Prove the refused requests never reached Prism: send one valid raw
    // request and wait until Prism has logged it; its log must then show
    // exactly the requests that were answered plus this one.
    let Some((operation, kind)) = operations.iter().find_map(|o| o.kinds.first().map(|k| (o, k))) else { return };
    let mut event = minimal_value(spec, &kind.schema);
    cases::make_realistic(spec, &kind.schema, &mut event, &mut uuids);
    let sentinel = json!({ kind.property.as_str(): [event] });
    match post_raw(raw, server, operation, &sentinel, Some(TOKEN)).await {
        Ok(answer) if answer.status.is_success() && answer.violations.is_none() => {
            report.answered += 1;
            report.accepted += 1;
        }
        Ok(answer) => {
            report.answered += 1;
            report.fail(format!(
                "the sentinel request after the client-side refusals was rejected: HTTP {}: {}",
                answer.status,
                answer.violations.as_deref().map(describe_violations).unwrap_or_default()
            ));
        }
        Err(e) => report.fail(format!("the sentinel request after the client-side refusals got no answer: {e}")),
    }
    let expected = posts_before + reached + 1;
    let seen = server.wait_for_posts(expected).await;
    if seen > expected {
        report.fail(format!(
            "Prism logged {} POST(s) for {refused} request(s) the SDK reported as refused: they reached the server",
            seen - expected
        ));
    } else if seen < expected {
        println!("note Prism's log shows {seen} POSTs, expected {expected}; cannot confirm the refusals");
    } else {
        println!("ok   Prism's log confirms the {refused} refused request(s) never reached it");
    }
}

/// Raw requests Prism must reject, proving request validation is on.
async fn rejected_by_prism(
    raw: &reqwest::Client,
    server: &Prism,
    spec: &Value,
    operations: &[Operation],
    report: &mut Report,
) {
    let mut uuids = Uuids::new();
    for operation in operations {
        let Some(kind) = operation.kinds.first() else { continue };
        let Some(missing) = cases::required(spec, &kind.schema).into_iter().next() else {
            report.fail(format!("{}: {} has no required field to leave out", operation.operation_id, kind.schema));
            continue;
        };
        let mut event = minimal_value(spec, &kind.schema);
        cases::make_realistic(spec, &kind.schema, &mut event, &mut uuids);
        if let Some(event) = event.as_object_mut() {
            event.remove(&missing);
        }
        let body = json!({ kind.property.as_str(): [event] });
        let case = format!("{} without required {}.{missing}", operation.operation_id, kind.schema);
        expect_rejection(raw, server, operation, &case, &body, Some(TOKEN), &missing, report).await;
    }
    if let Some(operation) = operations.first() {
        if let Some(kind) = operation.kinds.first() {
            let mut event = minimal_value(spec, &kind.schema);
            cases::make_realistic(spec, &kind.schema, &mut event, &mut uuids);
            let body = json!({ kind.property.as_str(): [event] });
            let case = format!("{} without a bearer token", operation.operation_id);
            expect_rejection(raw, server, operation, &case, &body, None, "security", report).await;
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn expect_rejection(
    raw: &reqwest::Client,
    server: &Prism,
    operation: &Operation,
    case: &str,
    body: &Value,
    token: Option<&str>,
    mentions: &str,
    report: &mut Report,
) {
    let answer = match post_raw(raw, server, operation, body, token).await {
        Ok(answer) => answer,
        Err(e) => {
            report.fail(format!("{case}: no answer from Prism: {e}"));
            return;
        }
    };
    report.answered += 1;
    let violations = answer.violations.as_deref().map(describe_violations);
    if !answer.status.is_client_error() && violations.is_none() {
        report.fail(format!(
            "{case}: Prism accepted it (HTTP {}, no {VIOLATIONS_HEADER} header): request validation is off",
            answer.status
        ));
        return;
    }
    let violations = violations.unwrap_or_default();
    if !violations.to_ascii_lowercase().contains(&mentions.to_ascii_lowercase()) {
        report
            .fail(format!("{case}: Prism rejected it, but not for `{mentions}`: HTTP {}: {violations}", answer.status));
        return;
    }
    if let Err(e) = serde_json::from_str::<ErrorBody>(&answer.body) {
        report.fail(format!("{case}: the SDK's ErrorBody cannot parse Prism's {} body: {e}", answer.status));
        return;
    }
    report.rejected_as_expected += 1;
    println!("ok   rejected by Prism: {case}: HTTP {}: {violations}", answer.status);
}

struct RawAnswer {
    status: StatusCode,
    violations: Option<String>,
    body: String,
}

async fn post_raw(
    raw: &reqwest::Client,
    server: &Prism,
    operation: &Operation,
    body: &Value,
    token: Option<&str>,
) -> Result<RawAnswer, String> {
    let method = reqwest::Method::from_bytes(operation.method.as_bytes()).map_err(|e| e.to_string())?;
    let mut request = raw
        .request(method, format!("{}{}", server.base_url(), operation.path))
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(serde_json::to_vec(body).map_err(|e| e.to_string())?);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    let violations =
        response.headers().get(VIOLATIONS_HEADER).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let body = response.text().await.map_err(|e| e.to_string())?;
    Ok(RawAnswer { status, violations, body })
}

/// `sl-violations` (a JSON array) as `location: message` lines.
fn describe_violations(header: &str) -> String {
    let Ok(Value::Array(items)) = serde_json::from_str::<Value>(header) else { return header.to_owned() };
    items
        .iter()
        .map(|v| {
            let location = v.get("location").and_then(Value::as_array).map(|l| {
                l.iter().map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_owned)).collect::<Vec<_>>().join(".")
            });
            let message = v.get("message").and_then(Value::as_str).unwrap_or("?");
            format!("[{}] {message}", location.unwrap_or_default())
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn finish(server: &Prism, version: &str, report: &Report) {
    let summary = format!(
        "contract: Prism {version} validated {} requests sent by this suite ({} accepted, {} rejected as expected); \
         Prism's log: {} POSTs received, {} passed validation; {} failure(s)",
        report.answered,
        report.accepted,
        report.rejected_as_expected,
        server.posts_received(),
        server.posts_passed_validation(),
        report.failures.len()
    );
    notice(&summary);
    if !report.failures.is_empty() {
        panic!(
            "{} contract check(s) failed against Prism {version}:\n\n{}\n\n{summary}\nPrism's full log: {}",
            report.failures.len(),
            report.failures.join("\n\n"),
            server.log_path().display()
        );
    }
}
