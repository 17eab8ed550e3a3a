//! Proves that `spec/events-api.yaml` is equivalent to the Swagger 2.0 fragment it was converted
//! from, that it loads as OpenAPI 3.0 with the `openapiv3` crate used by codegen, and that the
//! checker (`xtask::spec_equiv`) really catches each kind of drift.

use serde_json::Value;
use std::path::PathBuf;
use xtask::spec_equiv::{compare, Difference};

/// The workspace root (the parent of the `xtask` crate).
fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The converted spec, as text.
fn openapi_text() -> String {
    let path = workspace_root().join("spec/events-api.yaml");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// The converted spec, as a JSON value (key order kept).
fn openapi() -> Value {
    serde_yaml::from_str(&openapi_text()).expect("spec/events-api.yaml is valid YAML")
}

/// The read-only Swagger 2.0 reference fragment, next to the workspace.
fn swagger() -> Value {
    let path = workspace_root().join("../shared/reference/genesys-events-swagger.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).expect("the swagger fragment is valid JSON")
}

/// Runs the checker on a copy of the spec changed by `mutate`.
fn diffs_after(mutate: impl FnOnce(&mut Value)) -> Vec<Difference> {
    let mut spec = openapi();
    mutate(&mut spec);
    compare(&swagger(), &spec)
}

/// The value at `pointer` in `spec`, which must exist.
fn at<'a>(spec: &'a mut Value, pointer: &str) -> &'a mut Value {
    spec.pointer_mut(pointer).unwrap_or_else(|| panic!("{pointer} not found in the spec"))
}

/// Asserts that the checker reports exactly one difference, at `location`, whose detail
/// contains `detail`.
fn assert_single(diffs: &[Difference], location: &str, detail: &str) {
    let listing: Vec<String> = diffs.iter().map(ToString::to_string).collect();
    assert_eq!(diffs.len(), 1, "expected one difference, got:\n{}", listing.join("\n"));
    assert_eq!(diffs[0].location, location, "{}", listing[0]);
    assert!(diffs[0].detail.contains(detail), "{}", listing[0]);
}

/// Path of the presence operation in the spec (JSON pointer escaped).
const PRESENCE: &str = "/paths/~1api~1v2~1events~1users~1presence/post";
/// Path of the routing status operation in the spec (JSON pointer escaped).
const ROUTING: &str = "/paths/~1api~1v2~1events~1users~1routingstatus/post";

/// Proves the committed spec says exactly what the Swagger fragment says: no difference at all,
/// with the expected 3 paths and 46 schemas on both sides.
#[test]
fn spec_is_equivalent_to_the_swagger_fragment() {
    let (swagger, spec) = (swagger(), openapi());
    let diffs = compare(&swagger, &spec);
    let listing: Vec<String> = diffs.iter().map(ToString::to_string).collect();
    assert!(diffs.is_empty(), "{} differences:\n{}", diffs.len(), listing.join("\n"));

    let count = |v: &Value, pointer: &str| v.pointer(pointer).and_then(Value::as_object).map(|m| m.len());
    assert_eq!(count(&swagger, "/paths"), Some(3));
    assert_eq!(count(&spec, "/paths"), Some(3));
    assert_eq!(count(&swagger, "/definitions"), Some(46));
    assert_eq!(count(&spec, "/components/schemas"), Some(46));
}

/// Proves the spec is valid input for codegen: it deserialises into `openapiv3::OpenAPI`
/// (OpenAPI 3.0) with the expected paths, schemas, request bodies and security schemes.
#[test]
fn spec_loads_with_openapiv3() {
    let api: openapiv3::OpenAPI = serde_yaml::from_str(&openapi_text()).expect("valid OpenAPI 3.0");
    assert_eq!(api.openapi, "3.0.3");
    assert_eq!(api.info.title, "Genesys Cloud Platform API (Events tag)");
    assert_eq!(api.servers[0].url, "https://api.mypurecloud.com");
    assert_eq!(api.paths.paths.len(), 3);
    let components = api.components.expect("components");
    assert_eq!(components.schemas.len(), 46);
    let schemes: Vec<&String> = components.security_schemes.keys().collect();
    assert_eq!(schemes, ["PureCloud OAuth", "Guest Chat JWT"]);
    for (path, item) in api.paths.iter() {
        let item = item.as_item().expect("inline path item");
        let op = item.post.as_ref().unwrap_or_else(|| panic!("{path} has a POST"));
        let body = op.request_body.as_ref().and_then(|b| b.as_item()).expect("inline body");
        assert!(body.required, "{path}: the body is required");
        assert_eq!(op.responses.responses.len(), 13, "{path}: 13 response codes");
    }
}

/// Proves a changed property type is caught: `Limit.value` integer -> string.
#[test]
fn detects_changed_property_type() {
    let diffs = diffs_after(|spec| {
        *at(spec, "/components/schemas/Limit/properties/value/type") = "string".into();
    });
    assert_single(&diffs, "#/definitions/Limit/properties/value/type", "\"integer\"");
}

/// Proves a property missing from the OpenAPI side is caught: `UserPresenceEvent.sourceId`.
#[test]
fn detects_removed_property() {
    let diffs = diffs_after(|spec| {
        let props = at(spec, "/components/schemas/UserPresenceEvent/properties");
        props.as_object_mut().and_then(|p| p.shift_remove("sourceId")).expect("sourceId exists");
    });
    assert_single(&diffs, "#/definitions/UserPresenceEvent/properties/sourceId", "missing");
}

/// Proves a changed enum value is caught: `UserRoutingStatusEvent.status` "Idle" -> "Idling".
#[test]
fn detects_changed_enum_value() {
    let diffs = diffs_after(|spec| {
        let value = at(spec, "/components/schemas/UserRoutingStatusEvent/properties/status/enum/1");
        assert_eq!(value, "Idle");
        *value = "Idling".into();
    });
    let location = "#/definitions/UserRoutingStatusEvent/properties/status/enum";
    assert_single(&diffs, location, "missing from OpenAPI: [\"Idle\"]");
}

/// Proves a removed `required` entry is caught: `status` leaves `UserRoutingStatusEvent.required`.
#[test]
fn detects_removed_required_entry() {
    let diffs = diffs_after(|spec| {
        let required = at(spec, "/components/schemas/UserRoutingStatusEvent/required");
        let list = required.as_array_mut().expect("required is a list");
        list.retain(|v| v != "status");
    });
    let location = "#/definitions/UserRoutingStatusEvent/required";
    assert_single(&diffs, location, "missing from OpenAPI: [\"status\"]");
}

/// Proves a changed description is caught, here the one written beside an `allOf` wrapper
/// (so it also proves the `allOf: [$ref]` unwrapping keeps the description compared).
#[test]
fn detects_changed_description() {
    let diffs = diffs_after(|spec| {
        let property = at(spec, "/components/schemas/AudioUpdatedEvent/properties/audioState");
        assert!(property.get("allOf").is_some(), "audioState is an allOf wrapper");
        property["description"] = "Something else.".into();
    });
    let location = "#/definitions/AudioUpdatedEvent/properties/audioState/description";
    assert_single(&diffs, location, "Something else.");
}

/// Proves a removed `x-inin-error-codes` entry is caught: presence 400 `max.batch.size.surpassed`.
#[test]
fn detects_removed_error_code() {
    let diffs = diffs_after(|spec| {
        let codes = at(spec, &format!("{PRESENCE}/responses/400/x-inin-error-codes"));
        let removed = codes.as_object_mut().and_then(|c| c.shift_remove("max.batch.size.surpassed"));
        removed.expect("the error code exists");
    });
    let location =
        "#/paths/~1api~1v2~1events~1users~1presence/post/responses/400/x-inin-error-codes/max.batch.size.surpassed";
    assert_single(&diffs, location, "missing");
}

/// Proves a removed response is caught: routing status loses its 404.
#[test]
fn detects_removed_response() {
    let diffs = diffs_after(|spec| {
        let responses = at(spec, &format!("{ROUTING}/responses"));
        responses.as_object_mut().and_then(|r| r.shift_remove("404")).expect("404 exists");
    });
    let location = "#/paths/~1api~1v2~1events~1users~1routingstatus/post/responses/404";
    assert_single(&diffs, location, "missing");
}

/// Proves extras on the OpenAPI side are caught too, not only omissions: an added property.
#[test]
fn detects_extra_property() {
    let diffs = diffs_after(|spec| {
        let props = at(spec, "/components/schemas/Limit/properties");
        props["bogus"] = serde_json::json!({ "type": "string" });
    });
    assert_single(&diffs, "#/definitions/Limit/properties/bogus", "extra");
}

/// Proves schema order matters: swapping the first two schemas is reported on `definitions`.
#[test]
fn detects_schema_order_change() {
    let diffs = diffs_after(|spec| {
        let schemas = at(spec, "/components/schemas");
        let mut entries: Vec<(String, Value)> = match schemas.take() {
            Value::Object(map) => map.into_iter().collect(),
            other => panic!("schemas is not a map: {other}"),
        };
        entries.swap(0, 1);
        *schemas = Value::Object(entries.into_iter().collect());
    });
    assert_single(&diffs, "#/definitions", "order differs at index 0");
}

/// Proves a wrong `$ref` target inside an `allOf` wrapper is caught.
#[test]
fn detects_changed_ref_target() {
    let diffs = diffs_after(|spec| {
        let pointer = "/components/schemas/AudioUpdatedEvent/properties/audioState/allOf/0/$ref";
        *at(spec, pointer) = "#/components/schemas/Limit".into();
    });
    let location = "#/definitions/AudioUpdatedEvent/properties/audioState/$ref";
    assert_single(&diffs, location, "\"AudioState\"");
}

/// Proves a changed operation scope is caught: the presence operation asks for `routing`.
#[test]
fn detects_changed_security_scope() {
    let diffs = diffs_after(|spec| {
        *at(spec, &format!("{PRESENCE}/security/0/PureCloud OAuth/0")) = "routing".into();
    });
    let location = "#/paths/~1api~1v2~1events~1users~1presence/post/security/0/PureCloud OAuth";
    assert_single(&diffs, location, "\"presence\"");
}
