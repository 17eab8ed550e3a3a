//! Helpers shared by the integration-test suites of `events-sdk`.
//!
//! Each suite that needs them declares `mod support;`; a suite uses only part
//! of them, hence the `dead_code` allowance.
#![allow(dead_code)]

pub mod json_diff;
pub mod spec_values;

use events_sdk::models::{BatchUserRoutingStatusEventRequest, UserRoutingStatusEvent, UserRoutingStatusEventStatus};
use events_sdk::DateTime;

/// A batch of one routing-status event, for tests that need any valid call.
pub fn routing_status_batch() -> BatchUserRoutingStatusEventRequest {
    let event = UserRoutingStatusEvent::new(
        "6d1ba6a4-8d6e-4f25-9ad0-2b3e5c0d9c11",
        DateTime::now(),
        "a3b9c1d2-0e4f-4a6b-8c7d-9e0f1a2b3c4d",
        UserRoutingStatusEventStatus::Idle,
        "runtime-tests",
    );
    BatchUserRoutingStatusEventRequest::new().with_user_routing_status_events(vec![event])
}
