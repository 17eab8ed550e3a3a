//! Helpers shared by the integration-test suites of `events-sdk`.
//!
//! Each suite that needs them declares `mod support;`; a suite uses only part
//! of them, hence the `dead_code` allowance.
#![allow(dead_code)]

pub mod spec_values;
