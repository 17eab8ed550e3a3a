//! Round-trip tests over every model generated from `spec/events-api.yaml`.
//!
//! Test data is built from the spec itself (see `support/spec_values.rs`),
//! so these tests check the generated code against the spec, not against a
//! hand-written copy of it.

mod support;

use std::fmt::Debug;

use events_sdk::models::{
    BatchUserPresenceEventRequest, BatchUserRoutingStatusEventRequest, Limit, LimitNamespace, UserPresenceEvent,
    UserRoutingStatusEvent, UserRoutingStatusEventStatus,
};
use events_sdk::DateTime;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use support::json_diff::json_differences;
use support::spec_values::{full_value, minimal_value, schema_names, spec, DATE_TIME};
use time::macros::datetime;

/// JSON → `T` → JSON must give back exactly the input, and JSON → `T` twice
/// must give equal values.
fn assert_round_trip<T>(schema: &str, kind: &str, input: &Value)
where
    T: DeserializeOwned + Serialize + PartialEq + Debug,
{
    let typed: T = serde_json::from_value(input.clone())
        .unwrap_or_else(|e| panic!("{schema} ({kind}): spec-built JSON does not deserialize: {e}\n{}", pretty(input)));
    let output = serde_json::to_value(&typed).unwrap_or_else(|e| panic!("{schema} ({kind}): does not serialize: {e}"));
    let differences = json_differences(input, &output);
    assert!(
        differences.is_empty(),
        "{schema} ({kind}): JSON changed in a round trip:\n  {}\ninput:\n{}\noutput:\n{}",
        differences.join("\n  "),
        pretty(input),
        pretty(&output)
    );
    let again: T = serde_json::from_value(output)
        .unwrap_or_else(|e| panic!("{schema} ({kind}): serialized JSON does not deserialize again: {e}"));
    assert_eq!(again, typed, "{schema} ({kind}): value changed after serialize + deserialize");
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

/// Declares, for every listed model: `MODEL_NAMES` (the list, checked against
/// the spec by `model_list_is_exactly_the_spec_schemas`) and a module
/// `per_schema::<Model>` with a full-value and a minimal-value round-trip test.
macro_rules! models {
    ($($name:ident),* $(,)?) => {
        /// The models this suite covers, by schema name.
        const MODEL_NAMES: &[&str] = &[$(stringify!($name)),*];

        #[allow(non_snake_case)]
        mod per_schema {
            $(
                mod $name {
                    // Proves: a value with every spec property set deserializes, and
                    // serializes back to exactly the same JSON (same keys, nothing
                    // lost or added), and re-reads as an equal value.
                    #[test]
                    fn full_value_round_trips_exactly() {
                        let spec = crate::support::spec_values::spec();
                        let input = crate::support::spec_values::full_value(&spec, stringify!($name));
                        crate::assert_round_trip::<events_sdk::models::$name>(stringify!($name), "full", &input);
                    }

                    // Proves: a value with only the required properties deserializes
                    // and serializes back without any optional key (unset optional
                    // fields are omitted, not sent as null).
                    #[test]
                    fn minimal_value_round_trips_exactly() {
                        let spec = crate::support::spec_values::spec();
                        let input = crate::support::spec_values::minimal_value(&spec, stringify!($name));
                        crate::assert_round_trip::<events_sdk::models::$name>(stringify!($name), "minimal", &input);
                    }
                }
            )*
        }
    };
}

models! {
    ProgressTransferEvent,
    EndConsultTransferEvent,
    EmailExternalEstablishedEvent,
    EmailCommunicationEndedEvent,
    EmailUserTransferEvent,
    InitialConfiguration,
    EmailUserEstablishedEvent,
    EventError,
    AudioState,
    CommunicationEndedEvent,
    ErrorBody,
    EmailHoldUpdatedEvent,
    EmailBeginTransmittingEvent,
    BatchUserRoutingStatusEventRequest,
    EmailInitialConfiguration,
    RoutingEstablishedEvent,
    UserEstablishedEvent,
    EmailEndTransferEvent,
    ConsultTransferEvent,
    BatchEventResponse,
    HoldUpdatedEvent,
    UserPresenceEvent,
    BatchUserPresenceEventRequest,
    PhoneTransferEvent,
    EmailCommunicationAnsweredEvent,
    EmailFlowEstablishedEvent,
    BatchConversationEventRequest,
    AudioUpdatedEvent,
    UserTransferEvent,
    UserRoutingStatusEvent,
    EmailCommunicationDispositionAppliedEvent,
    EmailCommunicationSentMessageEvent,
    Limit,
    CommunicationDispositionAppliedEvent,
    EndTransferEvent,
    PhoneEstablishedEvent,
    EmailRoutingEstablishedEvent,
    ProgressConsultTransferEvent,
    IvrEstablishedEvent,
    EmailProgressTransferEvent,
    ExternalEstablishedEvent,
    CommunicationAnsweredEvent,
    SourceConfiguration,
    RoutingTransferEvent,
    EmailRoutingTransferEvent,
    Detail,
}

// Proves: the round-trip list above covers exactly the spec's component
// schemas, so a schema added to (or removed from) the spec cannot be silently
// skipped by this suite.
#[test]
fn model_list_is_exactly_the_spec_schemas() {
    let mut in_spec = schema_names(&spec());
    in_spec.sort();
    let mut listed: Vec<String> = MODEL_NAMES.iter().map(|n| (*n).to_owned()).collect();
    listed.sort();
    let missing: Vec<&String> = in_spec.iter().filter(|n| !listed.contains(n)).collect();
    let extra: Vec<&String> = listed.iter().filter(|n| !in_spec.contains(n)).collect();
    assert!(missing.is_empty() && extra.is_empty(), "add to models!{{}}: {missing:?}; remove: {extra:?}");
    assert_eq!(listed.len(), in_spec.len(), "a model is listed twice");
    assert_eq!(in_spec.len(), 46);
}

// Proves: the round-trip check is not vacuous: a key the model does not know
// (as a misnamed field would be) is dropped by deserialization, and the check
// reports it instead of passing.
#[test]
#[should_panic(expected = "/notInTheSpec: missing")]
fn round_trip_check_catches_keys_the_model_drops() {
    let mut input = full_value(&spec(), "UserPresenceEvent");
    input["notInTheSpec"] = json!("x");
    assert_round_trip::<UserPresenceEvent>("UserPresenceEvent", "full + extra key", &input);
}

// Proves: the spec-driven builder really populates everything: refs and
// allOf-refs are followed, arrays/maps get one element, and the recursive
// ErrorBody.errors is cut at the second level with an empty array.
#[test]
fn spec_builder_populates_nested_values_and_guards_recursion() {
    let spec = spec();
    let error_body = full_value(&spec, "ErrorBody");
    assert_eq!(error_body["status"], json!(7));
    assert_eq!(error_body["messageParams"], json!({"x-messageParams-key": "x-messageParams"}));
    assert_eq!(error_body["details"][0]["fieldName"], json!("x-fieldName"));
    assert_eq!(error_body["limit"]["namespace"], json!("web.deployments"));
    assert_eq!(error_body["errors"][0]["message"], json!("x-message"));
    assert_eq!(error_body["errors"][0]["errors"], json!([]));
    assert_eq!(minimal_value(&spec, "ErrorBody"), json!({}));

    let established = full_value(&spec, "EmailExternalEstablishedEvent");
    assert_eq!(established["eventDateTime"], json!(DATE_TIME));
    assert_eq!(established["includeMessage"], json!(true));
    assert_eq!(established["initialConfiguration"]["cc"], json!(["x-cc"]));
    assert_eq!(established["sourceConfiguration"]["tagId"], json!("x-tagId"));
    let minimal = minimal_value(&spec, "EmailExternalEstablishedEvent");
    assert_eq!(minimal["initialConfiguration"], json!({"to": "x-to", "from": "x-from"}));
    assert!(minimal.get("displayName").is_none());
}

// Proves: an enum value the SDK does not know is kept verbatim in `Unknown`
// and sent back unchanged (the API may add routing statuses at any time).
#[test]
fn unknown_routing_status_is_kept_and_sent_back() {
    let mut input = full_value(&spec(), "UserRoutingStatusEvent");
    input["status"] = json!("OnBreak");
    let event: UserRoutingStatusEvent = serde_json::from_value(input.clone()).unwrap();
    assert_eq!(event.status, UserRoutingStatusEventStatus::Unknown("OnBreak".to_owned()));
    assert_eq!(event.status.as_str(), "OnBreak");
    assert_eq!(serde_json::to_value(&event).unwrap(), input);

    input["status"] = json!("NotResponding");
    let known: UserRoutingStatusEvent = serde_json::from_value(input).unwrap();
    assert_eq!(known.status, UserRoutingStatusEventStatus::NotResponding);
}

// Proves: the same for an optional enum property of another model
// (`Limit.namespace`), including its serialized form.
#[test]
fn unknown_limit_namespace_is_kept_and_sent_back() {
    let mut input = full_value(&spec(), "Limit");
    input["namespace"] = json!("brand.new.namespace");
    let limit: Limit = serde_json::from_value(input.clone()).unwrap();
    assert_eq!(limit.namespace, Some(LimitNamespace::Unknown("brand.new.namespace".to_owned())));
    assert_eq!(serde_json::to_value(&limit).unwrap(), input);
    assert_eq!(serde_json::to_string(&LimitNamespace::from("brand.new.namespace")).unwrap(), "\"brand.new.namespace\"");
}

// Proves: date-times are written as UTC with exactly three fractional digits
// and a `Z`, even for a whole second, and inputs with another offset are
// converted to UTC on read (and written back in UTC).
#[test]
fn date_times_are_written_in_utc_with_milliseconds() {
    let at = DateTime::from(datetime!(2026-12-04 10:15:30 UTC));
    let event = UserRoutingStatusEvent::new("e-1", at, "agent-1", UserRoutingStatusEventStatus::Idle, "src-1");
    let written = serde_json::to_value(&event).unwrap();
    assert_eq!(written["eventDateTime"], json!("2026-12-04T10:15:30.000Z"));

    let mut input = written;
    input["eventDateTime"] = json!("2026-12-04T12:15:30.5+02:00");
    let read: UserRoutingStatusEvent = serde_json::from_value(input).unwrap();
    assert_eq!(read.event_date_time, DateTime::from(datetime!(2026-12-04 10:15:30.5 UTC)));
    assert_eq!(read.event_date_time.to_string(), "2026-12-04T10:15:30.500Z");
    assert_eq!(serde_json::to_value(&read).unwrap()["eventDateTime"], json!("2026-12-04T10:15:30.500Z"));
}

// Proves: `new(required…)` plus `with_*` setters build exactly the JSON the
// API expects: unset optional fields are absent (not null), set ones appear,
// and an empty batch set with `with_…(vec![])` is sent as `[]` (while an unset
// batch is absent).
#[test]
fn builders_omit_unset_optionals_and_send_empty_batches_as_empty_arrays() {
    let at = DateTime::from(datetime!(2026-12-04 10:15:30 UTC));
    let routing = UserRoutingStatusEvent::new("e-1", at, "agent-1", UserRoutingStatusEventStatus::Idle, "src-1");
    assert_eq!(
        serde_json::to_value(&routing).unwrap(),
        json!({
            "eventId": "e-1",
            "eventDateTime": "2026-12-04T10:15:30.000Z",
            "agentId": "agent-1",
            "status": "Idle",
            "sourceId": "src-1"
        })
    );

    let bare = UserPresenceEvent::new("e-2", at, "user-1", "src-2");
    assert_eq!(bare.presence_definition_id, None);
    assert_eq!(bare.message, None);
    assert_eq!(
        serde_json::to_value(&bare).unwrap(),
        json!({"eventId": "e-2", "eventDateTime": "2026-12-04T10:15:30.000Z", "userId": "user-1", "sourceId": "src-2"})
    );
    let with_message = bare.clone().with_message("Lunch");
    assert_eq!(
        serde_json::to_value(&with_message).unwrap(),
        json!({
            "eventId": "e-2",
            "eventDateTime": "2026-12-04T10:15:30.000Z",
            "userId": "user-1",
            "sourceId": "src-2",
            "message": "Lunch"
        })
    );
    let full = with_message.with_presence_definition_id("def-1");
    assert_eq!(serde_json::to_value(&full).unwrap()["presenceDefinitionId"], json!("def-1"));

    assert_eq!(serde_json::to_value(BatchUserPresenceEventRequest::new()).unwrap(), json!({}));
    let empty = BatchUserPresenceEventRequest::new().with_user_presence_events(vec![]);
    assert_eq!(empty.user_presence_events, Some(vec![]));
    assert_eq!(serde_json::to_value(&empty).unwrap(), json!({"userPresenceEvents": []}));
    let empty_routing = BatchUserRoutingStatusEventRequest::new().with_user_routing_status_events(vec![]);
    assert_eq!(serde_json::to_value(&empty_routing).unwrap(), json!({"userRoutingStatusEvents": []}));
    let one = BatchUserPresenceEventRequest::new().with_user_presence_events(vec![bare]);
    assert_eq!(serde_json::to_value(&one).unwrap()["userPresenceEvents"][0]["userId"], json!("user-1"));
}
