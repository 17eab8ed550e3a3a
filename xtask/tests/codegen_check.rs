//! `cargo xtask codegen [--check]` on temporary copies of the spec and SDK
//! layout: in sync → exit 0; a changed description → exit 1 with a diff
//! naming the stale file; a stray file in a generated directory → reported,
//! then removed on regenerate.

use std::fs;
use std::path::Path;

use xtask::sync::{self, Layout};

fn temp_layout(dir: &Path) -> Layout {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let spec = dir.join("events-api.yaml");
    fs::copy(root.join("spec/events-api.yaml"), &spec).expect("copy spec");
    let layout = Layout { spec, spec_label: "spec/events-api.yaml".to_owned(), sdk: dir.join("events-sdk") };
    assert_eq!(sync::run(&layout, false), 0, "initial generation");
    layout
}

/// Proves a freshly generated tree checks clean, and regenerating it
/// changes nothing (identical bytes).
#[test]
fn fresh_output_is_in_sync() {
    let dir = tempfile::tempdir().expect("tempdir");
    let layout = temp_layout(dir.path());
    let plan = sync::plan(&layout).expect("plan");
    assert!(plan.changed.is_empty() && plan.stale.is_empty());
    assert_eq!(sync::run(&layout, true), 0);
}

/// Proves the checked-in generated code matches the checked-in spec.
#[test]
fn checked_in_code_is_in_sync() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let plan = sync::plan(&Layout::workspace(&root)).expect("plan");
    let report = sync::report(&plan, "events-sdk");
    assert!(report.is_empty(), "generated code is stale; run `cargo xtask codegen`:\n{report}");
}

/// Proves changing one description makes `--check` fail with a unified diff
/// that names the model's file, and writes nothing.
#[test]
fn changed_description_is_reported_with_a_diff() {
    let dir = tempfile::tempdir().expect("tempdir");
    let layout = temp_layout(dir.path());
    let spec = fs::read_to_string(&layout.spec).expect("read spec");
    let old = "description: The agent's current routing status.";
    assert!(spec.contains(old), "fixture text present");
    fs::write(&layout.spec, spec.replacen(old, "description: The agent's routing status, changed.", 1)).expect("write");

    let plan = sync::plan(&layout).expect("plan");
    let report = sync::report(&plan, "events-sdk");
    assert!(report.contains("+++ events-sdk/src/models/user_routing_status_event.rs"), "{report}");
    assert!(report.contains("-/// The agent's current routing status."), "{report}");
    assert!(report.contains("+/// The agent's routing status, changed."), "{report}");
    let before = fs::read_to_string(layout.sdk.join("src/models/user_routing_status_event.rs")).expect("read");
    assert_eq!(sync::run(&layout, true), 1);
    let after = fs::read_to_string(layout.sdk.join("src/models/user_routing_status_event.rs")).expect("read");
    assert_eq!(before, after, "--check writes nothing");
}

/// Proves a file the spec no longer produces is named by `--check` and
/// removed by a regenerate.
#[test]
fn stale_files_are_reported_and_removed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let layout = temp_layout(dir.path());
    let stray = layout.sdk.join("src/models/removed_model.rs");
    fs::write(&stray, "// @generated\n").expect("write stray");
    let plan = sync::plan(&layout).expect("plan");
    assert_eq!(plan.stale, vec!["src/models/removed_model.rs".to_owned()]);
    assert!(sync::report(&plan, "events-sdk")
        .contains("src/models/removed_model.rs: generated file that the spec no longer produces"));
    assert_eq!(sync::run(&layout, true), 1);
    assert_eq!(sync::run(&layout, false), 0);
    assert!(!stray.exists());
    assert_eq!(sync::run(&layout, true), 0);
}
