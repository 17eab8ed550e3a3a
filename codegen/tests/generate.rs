//! Snapshot and error tests of the whole pipeline on small fixture specs.
//!
//! The snapshots under `tests/snapshots/` are reviewed output: a change to
//! the generator shows up as a snapshot diff to review.

use std::path::Path;

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn opts(source: &str) -> codegen::Options {
    codegen::Options::new(source, "fixture_sdk")
}

fn all_files(output: &codegen::Output) -> String {
    output.files.iter().map(|f| format!("=== {}\n{}", f.path, f.contents)).collect()
}

/// Proves the generated code for every supported construct (structs, inline
/// and named enums, keyword fields, maps, lists, described references,
/// recursion, name collisions, operations with and without bodies) is the
/// reviewed one.
#[test]
fn small_spec_snapshot() {
    let output = codegen::generate_str(&fixture("small.yaml"), &opts("tests/fixtures/small.yaml")).expect("generates");
    assert_eq!((output.models, output.operations), (5, 8));
    insta::assert_snapshot!(all_files(&output));
}

/// Proves the output is byte-for-byte deterministic across runs.
#[test]
fn output_is_deterministic() {
    let a = codegen::generate_str(&fixture("small.yaml"), &opts("x.yaml")).expect("generates");
    let b = codegen::generate_str(&fixture("small.yaml"), &opts("x.yaml")).expect("generates");
    assert_eq!(a, b);
}

fn error_of(name: &str) -> String {
    match codegen::generate_str(&fixture(name), &opts(name)) {
        Ok(_) => panic!("{name} should not generate"),
        Err(e) => e.to_string(),
    }
}

/// Proves a dangling `$ref` is reported with the pointer of the property.
#[test]
fn dangling_ref_is_an_error_with_pointer() {
    assert_eq!(
        error_of("dangling_ref.yaml"),
        "#/components/schemas/Foo/properties/bar: dangling `$ref`: `#/components/schemas/Missing` is not defined"
    );
}

/// Proves `oneOf` is rejected with the pointer of the schema using it.
#[test]
fn one_of_is_an_error_with_pointer() {
    assert_eq!(error_of("one_of.yaml"), "#/components/schemas/Foo/properties/bar: `oneOf` is not supported");
}

/// Proves malformed YAML names the file, line and column.
#[test]
fn malformed_yaml_names_file_line_and_column() {
    let message = error_of("malformed.yaml");
    assert!(message.starts_with("malformed.yaml:8:1: "), "{message}");
}

/// Proves an unsupported parameter kind (header) is rejected with its pointer.
#[test]
fn header_parameters_are_an_error_with_pointer() {
    assert_eq!(
        error_of("parameters.yaml"),
        "#/paths/~1api~1v1~1things~1{id}/get/parameters/1: header parameters are not supported yet"
    );
}

/// Proves the generator reports, rather than panics on, documents that are
/// not OpenAPI at all.
#[test]
fn non_openapi_input_is_an_error() {
    let err = codegen::generate_str("just: a map\n", &opts("x.yaml")).expect_err("not OpenAPI");
    assert!(err.to_string().starts_with("x.yaml"), "{err}");
    let err = codegen::generate_str("{\"openapi\": 3", &opts("x.json")).expect_err("truncated JSON");
    assert!(err.to_string().starts_with("x.json:1:"), "{err}");
}
