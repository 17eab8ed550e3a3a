//! Structural equivalence check between a Swagger 2.0 document and its OpenAPI 3.0 conversion.
//!
//! It proves that `spec/events-api.yaml` (OpenAPI 3.0.3, the input of `cargo xtask codegen`)
//! says the same thing as the Swagger 2.0 fragment it was converted from
//! (`shared/reference/genesys-events-swagger.json`, outside this repository).
//!
//! Both documents are first *normalised* into one common JSON tree:
//!
//! * schemas live under `definitions`, and every `$ref` is reduced to the bare schema name
//!   (`#/definitions/X` on the Swagger side, `#/components/schemas/X` on the OpenAPI side);
//!   references to anything else are kept verbatim, so they never match by accident;
//! * an `allOf: [{$ref: X}]` (the OpenAPI 3.0 way to put a `description` beside a `$ref`) is
//!   unwrapped into `$ref: X`, its sibling keys kept;
//! * the Swagger `in: body` parameter becomes an OpenAPI-like `requestBody` (its `in` and `name`
//!   dropped, `required` defaulting to `false` on both sides), and a Swagger `schema` (body or
//!   response) becomes `content`, with one entry per media type of `consumes`/`produces`
//!   (operation-level, else document-level);
//! * `security` falls back to the document-level requirement on both sides;
//! * document meta data is compared too: `info` (without `title`, renamed on purpose),
//!   `servers` (Swagger `schemes` + `host` + `basePath`), `tags` and `externalDocs`.
//!
//! The two trees are then diffed recursively. Every key missing on either side is reported.
//! The order of members is significant for `definitions`, `paths`, `properties`, `responses`
//! and `x-inin-error-codes`, and for every array (`enum`, `required`, `tags`, scopes...). All
//! other keys of schemas, operations and responses (unknown ones and `x-` extensions included)
//! are compared verbatim, so nothing is silently ignored. Non-body parameters are not
//! supported (the Events fragment has none) and are reported as differences.
//!
//! Locations are JSON pointers (RFC 6901 escaping) into the normalised tree, which follows the
//! Swagger layout, e.g. `#/definitions/UserRoutingStatusEvent/properties/status/enum` or
//! `#/paths/~1api~1v2~1events~1users~1presence/post/responses/400/x-inin-error-codes`.

use serde_json::{Map, Value};
use std::fmt;

/// One way in which the two documents disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// JSON-pointer-like location in the normalised, Swagger-shaped tree.
    pub location: String,
    /// What differs at that location.
    pub detail: String,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.detail)
    }
}

/// Maps whose member order is significant.
const ORDERED_MAPS: [&str; 5] = ["definitions", "paths", "properties", "responses", "x-inin-error-codes"];

/// Path-item keys that hold an operation.
const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Detail recorded for parameters the checker cannot compare.
const UNSUPPORTED_PARAM: &str = "non-body parameters are not supported by the checker";

/// Compares a Swagger 2.0 document with an OpenAPI 3.0 document and returns every difference
/// found, in document order. An empty vector means the documents are equivalent.
pub fn compare(swagger: &Value, openapi: &Value) -> Vec<Difference> {
    let mut diffs = Vec::new();
    if swagger.get("swagger").and_then(Value::as_str) != Some("2.0") {
        add(&mut diffs, "#/swagger", "not a Swagger 2.0 document");
    }
    let version = openapi.get("openapi").and_then(Value::as_str).unwrap_or("");
    if !version.starts_with("3.0.") {
        let detail = format!("not an OpenAPI 3.0.x document: {version:?}");
        add(&mut diffs, "#/openapi", detail);
    }
    let left = normalise(swagger, Side::Swagger, &mut diffs);
    let right = normalise(openapi, Side::OpenApi, &mut diffs);
    diff(&left, &right, "#", "", &mut diffs);
    diffs
}

/// Records a difference at `location`.
fn add(diffs: &mut Vec<Difference>, location: impl fmt::Display, detail: impl fmt::Display) {
    let (location, detail) = (location.to_string(), detail.to_string());
    diffs.push(Difference { location, detail });
}

/// Which kind of document is being normalised.
#[derive(Clone, Copy)]
enum Side {
    Swagger,
    OpenApi,
}

/// Builds the normalised tree of a whole document.
fn normalise(doc: &Value, side: Side, diffs: &mut Vec<Difference>) -> Value {
    let mut out = Map::new();
    // `info.title` is renamed on purpose (see spec/events-api.yaml): compare only its presence.
    let info = doc.get("info").unwrap_or(&Value::Null);
    out.insert("info".into(), replace(info, "title", "title", Value::Null));
    let servers = match side {
        Side::Swagger => {
            let host = doc.get("host").and_then(Value::as_str).unwrap_or("");
            let base = doc.get("basePath").and_then(Value::as_str).unwrap_or("");
            let urls = strings(doc.get("schemes")).into_iter();
            urls.map(|s| format!("{s}://{host}{base}").into()).collect()
        }
        Side::OpenApi => {
            let servers = array(doc.get("servers")).iter();
            servers.filter_map(|s| s.get("url")).cloned().collect()
        }
    };
    out.insert("servers".into(), Value::Array(servers));
    for key in ["tags", "externalDocs"] {
        out.insert(key.into(), doc.get(key).cloned().unwrap_or_default());
    }
    let schemas = match side {
        Side::Swagger => doc.get("definitions"),
        Side::OpenApi => doc.get("components").and_then(|c| c.get("schemas")),
    };
    let schemas = schemas.map(|s| map_values(s, |_, s| schema(s, side)));
    out.insert("definitions".into(), schemas.unwrap_or_default());
    let paths = doc.get("paths").map(|paths| {
        map_values(paths, |path, item| {
            map_values(item, |method, op| match op {
                Value::Object(op) if METHODS.contains(&method) => {
                    let loc = format!("#/paths/{}/{method}", escape(path));
                    operation(op, doc, side, &loc, diffs)
                }
                _ => op.clone(),
            })
        })
    });
    out.insert("paths".into(), paths.unwrap_or_default());
    Value::Object(out)
}

/// Normalises one operation (see the module documentation for the target shape).
fn operation(op: &Map<String, Value>, doc: &Value, side: Side, loc: &str, diffs: &mut Vec<Difference>) -> Value {
    // Swagger media types: the operation's `consumes`/`produces`, else the document's.
    let media = |key: &str| strings(op.get(key).or_else(|| doc.get(key)));
    let mut out = Map::new();
    for (key, value) in op {
        let norm = match (side, key.as_str()) {
            (_, "security") | (Side::Swagger, "consumes" | "produces") => continue,
            (Side::Swagger, "parameters") => {
                for (i, p) in array(Some(value)).iter().enumerate() {
                    if p.get("in").and_then(Value::as_str) != Some("body") {
                        add(diffs, format!("{loc}/parameters/{i}"), UNSUPPORTED_PARAM);
                        continue;
                    }
                    let body = swagger_payload(p, &media("consumes"));
                    let mut body = body.as_object().cloned().unwrap_or_default();
                    body.retain(|k, _| k != "in" && k != "name"); // no OpenAPI 3.0 counterpart
                    body.entry("required").or_insert(false.into());
                    out.insert("requestBody".into(), Value::Object(body));
                }
                continue;
            }
            (Side::OpenApi, "parameters") => {
                add(diffs, format!("{loc}/parameters"), UNSUPPORTED_PARAM);
                continue;
            }
            (Side::OpenApi, "requestBody") => {
                let mut body = openapi_payload(value);
                if let Value::Object(m) = &mut body {
                    m.entry("required").or_insert(false.into());
                }
                body
            }
            (Side::OpenApi, "responses") => map_values(value, |_, r| openapi_payload(r)),
            (Side::Swagger, "responses") => map_values(value, |_, r| swagger_payload(r, &media("produces"))),
            _ => value.clone(),
        };
        out.insert(key.clone(), norm);
    }
    if let Some(security) = op.get("security").or_else(|| doc.get("security")) {
        out.insert("security".into(), security.clone());
    }
    Value::Object(out)
}

/// A Swagger body parameter or response with its `schema` replaced, in place, by the OpenAPI
/// `content` it stands for: one entry per media type, each with the normalised schema.
fn swagger_payload(v: &Value, media_types: &[String]) -> Value {
    let Some(s) = v.get("schema") else {
        return v.clone();
    };
    let media_type = serde_json::json!({ "schema": schema(s, Side::Swagger) });
    let content = media_types.iter().map(|t| (t.clone(), media_type.clone()));
    replace(v, "schema", "content", Value::Object(content.collect()))
}

/// An OpenAPI request body or response, with the schema of each `content` entry normalised.
fn openapi_payload(payload: &Value) -> Value {
    map_values(payload, |k, v| match k {
        "content" => map_values(v, |_, media_type| {
            map_values(media_type, |k, v| match k {
                "schema" => schema(v, Side::OpenApi),
                _ => v.clone(),
            })
        }),
        _ => v.clone(),
    })
}

/// Normalises a schema: reduces `$ref`s to bare names, unwraps a single-`$ref` `allOf`, and
/// recurses into `properties`, `items` and `additionalProperties`.
fn schema(s: &Value, side: Side) -> Value {
    // Only a lone `{$ref}` in `allOf`, and no `$ref` beside the `allOf` to collide with.
    let lone = |o: &Value| o.as_object().is_some_and(|m| m.len() == 1) && s.get("$ref").is_none();
    let single_ref = match s.get("allOf").and_then(Value::as_array).map(Vec::as_slice) {
        Some([only]) if lone(only) => only.get("$ref"),
        _ => None,
    };
    let s = match single_ref {
        Some(target) => replace(s, "allOf", "$ref", target.clone()),
        None => s.clone(),
    };
    let prefix = match side {
        Side::Swagger => "#/definitions/",
        Side::OpenApi => "#/components/schemas/",
    };
    map_values(&s, |k, v| match (k, v) {
        ("$ref", Value::String(r)) => Value::String(r.strip_prefix(prefix).unwrap_or(r).into()),
        ("properties", _) => map_values(v, |_, p| schema(p, side)),
        ("items" | "additionalProperties", _) => schema(v, side),
        _ => v.clone(),
    })
}

/// Recursively diffs two normalised trees; `key` is the name under which they sit.
fn diff(left: &Value, right: &Value, loc: &str, key: &str, diffs: &mut Vec<Difference>) {
    let missing = |v: &Value| format!("missing from the OpenAPI document ({})", short(v));
    let extra = |v: &Value| format!("extra in the OpenAPI document ({})", short(v));
    match (left, right) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                let sub = format!("{loc}/{}", escape(k));
                match b.get(k) {
                    Some(w) => diff(v, w, &sub, k, diffs),
                    None => add(diffs, sub, missing(v)),
                }
            }
            for (k, w) in b.iter().filter(|(k, _)| !a.contains_key(*k)) {
                add(diffs, format!("{loc}/{}", escape(k)), extra(w));
            }
            let common_a = a.keys().filter(|k| b.contains_key(*k));
            let common_b = b.keys().filter(|k| a.contains_key(*k));
            let mut pairs = common_a.zip(common_b).enumerate();
            let first_swap = pairs.find(|(_, (x, y))| x != y);
            if let Some((i, (x, y))) = first_swap.filter(|_| ORDERED_MAPS.contains(&key)) {
                let detail = format!("order differs at index {i}: Swagger {x:?}, OpenAPI {y:?}");
                add(diffs, loc, detail);
            }
        }
        (Value::Array(a), Value::Array(b)) if a == b => {}
        (Value::Array(a), Value::Array(b)) if a.iter().chain(b).all(is_scalar) => {
            let only =
                |x: &[Value], y: &[Value]| -> Vec<Value> { x.iter().filter(|v| !y.contains(v)).cloned().collect() };
            let what = match (only(a, b), only(b, a)) {
                (gone, added) if gone.is_empty() && added.is_empty() => "order or repetition differs".to_string(),
                (gone, added) => {
                    let (gone, added) = (Value::Array(gone), Value::Array(added));
                    format!("missing from OpenAPI: {gone}, extra in OpenAPI: {added}")
                }
            };
            let (l, r) = (short(left), short(right));
            let detail = format!("{what} (Swagger has {l}, OpenAPI has {r})");
            add(diffs, loc, detail);
        }
        (Value::Array(a), Value::Array(b)) => {
            for i in 0..a.len().max(b.len()) {
                let sub = format!("{loc}/{i}");
                match (a.get(i), b.get(i)) {
                    (Some(v), Some(w)) => diff(v, w, &sub, "", diffs),
                    (Some(v), None) => add(diffs, sub, missing(v)),
                    (None, Some(w)) => add(diffs, sub, extra(w)),
                    (None, None) => {}
                }
            }
        }
        _ if left == right => {}
        _ => {
            let (l, r) = (short(left), short(right));
            add(diffs, loc, format!("Swagger has {l}, OpenAPI has {r}"));
        }
    }
}

/// An object with the same keys as `v`, each value replaced by `f(key, value)`. Values that are
/// not objects are returned unchanged, for the diff to report.
fn map_values(v: &Value, mut f: impl FnMut(&str, &Value) -> Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), f(k, v))).collect()),
        _ => v.clone(),
    }
}

/// The object `v` with its member `from` replaced, in place, by the member `to: with`.
fn replace(v: &Value, from: &str, to: &str, with: Value) -> Value {
    let member = |(k, v): (&String, &Value)| match k == from {
        true => (to.to_string(), with.clone()),
        false => (k.clone(), v.clone()),
    };
    match v {
        Value::Object(m) => Value::Object(m.iter().map(member).collect()),
        _ => v.clone(),
    }
}

/// The elements of the array at `v` (none if absent or not an array).
fn array(v: Option<&Value>) -> &[Value] {
    v.and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

/// The string elements of the array at `v`.
fn strings(v: Option<&Value>) -> Vec<String> {
    let strs = array(v).iter().filter_map(Value::as_str);
    strs.map(String::from).collect()
}

/// `true` for values that are neither objects nor arrays.
fn is_scalar(v: &Value) -> bool {
    !v.is_object() && !v.is_array()
}

/// Escapes a JSON pointer segment (RFC 6901).
fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// A compact rendering of a value for messages, cut after 100 characters.
fn short(v: &Value) -> String {
    let text = v.to_string();
    match text.char_indices().nth(100) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}
