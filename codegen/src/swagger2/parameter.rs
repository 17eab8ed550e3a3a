//! Swagger 2.0 parameters and response headers → OpenAPI 3.0.
//!
//! A Swagger 2.0 non-body parameter describes its value with schema
//! keywords written on the parameter itself (`type`, `format`, `items`,
//! `enum`, `default`, `minimum`, …); OpenAPI 3.0 moves them into a `schema`,
//! which is placed where the first of them was. `collectionFormat` (default
//! `csv`, for arrays) becomes `style`/`explode`:
//!
//! | `collectionFormat` | query | path, header |
//! |---|---|---|
//! | `csv` (default) | `style: form`, `explode: false` | `style: simple`, `explode: false` |
//! | `multi` | `style: form`, `explode: true` | error |
//! | `ssv` | `style: spaceDelimited`, `explode: false` | error |
//! | `pipes` | `style: pipeDelimited`, `explode: false` | error |
//! | `tsv` | error | error |
//!
//! `in: body` parameters become request bodies (see [`super::operation`]);
//! `in: formData` parameters have no OpenAPI 3.0 parameter form and are an
//! error naming the parameter.

use serde_json::{Map, Value};

use super::{is_extension, schema, Context};
use crate::error::{join, Error, Result};

/// Keys of a Swagger parameter (or header, or items object) that describe
/// its value and move into the OpenAPI 3.0 `schema`.
const SCHEMA_KEYS: &[&str] = &[
    "type",
    "format",
    "items",
    "default",
    "enum",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "multipleOf",
];

/// A Swagger parameter after conversion.
pub enum Converted {
    /// A path, query or header parameter.
    Parameter(Value),
    /// The `in: body` parameter, with the pointer of its source node.
    Body(Map<String, Value>, String),
}

/// Follows a `$ref` to `#/parameters/X` (or `#/responses/X`, per `section`)
/// and returns the referenced node with its pointer; nodes without `$ref`
/// are returned as they are.
pub fn dereference<'a>(
    node: &'a Value,
    pointer: &str,
    section: &str,
    ctx: &Context<'a>,
) -> Result<(&'a Value, String)> {
    let Some(reference) = node.get("$ref") else { return Ok((node, pointer.to_owned())) };
    let at = join(pointer, "$ref");
    let reference = reference.as_str().ok_or_else(|| Error::spec(&at, "expected a reference string"))?;
    let prefix = format!("#/{section}/");
    let name = reference
        .strip_prefix(&prefix)
        .ok_or_else(|| Error::spec(&at, format!("unsupported `$ref` `{reference}` (expected `{prefix}…`)")))?;
    let name = name.replace("~1", "/").replace("~0", "~");
    let target = ctx
        .doc
        .get(section)
        .and_then(|s| s.get(&name))
        .ok_or_else(|| Error::spec(&at, format!("dangling `$ref`: `{reference}` is not defined")))?;
    let target_pointer = join(&format!("#/{section}"), &name);
    if target.get("$ref").is_some() {
        return Err(Error::spec(target_pointer, "a `$ref` to a `$ref` is not supported"));
    }
    Ok((target, target_pointer))
}

/// Converts the parameter at `pointer` (following a `$ref` to the document's
/// `parameters`).
pub fn parameter(node: &Value, pointer: &str, ctx: &Context<'_>) -> Result<Converted> {
    let (node, pointer) = dereference(node, pointer, "parameters", ctx)?;
    let map = node.as_object().ok_or_else(|| Error::spec(&pointer, "expected a parameter (a mapping)"))?;
    let location = match map.get("in") {
        Some(Value::String(location)) => location.as_str(),
        Some(_) => return Err(Error::spec(join(&pointer, "in"), "expected `body`, `path`, `query` or `header`")),
        None => return Err(Error::spec(&pointer, "parameter without `in`")),
    };
    match location {
        "body" => Ok(Converted::Body(map.clone(), pointer)),
        "path" | "query" | "header" => {
            Ok(Converted::Parameter(Value::Object(described(map, &pointer, Some(location))?)))
        }
        "formData" => Err(Error::spec(
            pointer,
            "`in: formData` parameters are not supported (OpenAPI 3.0 sends form data as a request body)",
        )),
        other => Err(Error::spec(
            join(&pointer, "in"),
            format!("unsupported parameter location `{other}` (expected `body`, `path`, `query` or `header`)"),
        )),
    }
}

/// Converts a response header (a Swagger Header Object) at `pointer`.
pub fn header(node: &Value, pointer: &str) -> Result<Value> {
    let map = node.as_object().ok_or_else(|| Error::spec(pointer, "expected a header (a mapping)"))?;
    Ok(Value::Object(described(map, pointer, None)?))
}

/// The OpenAPI 3.0 form of a non-body parameter (`location` is its `in`) or
/// of a header (`location` is `None`): schema keywords gathered into
/// `schema`, `collectionFormat` turned into `style`/`explode`.
fn described(map: &Map<String, Value>, pointer: &str, location: Option<&str>) -> Result<Map<String, Value>> {
    let mut value = Map::new();
    for (key, child) in map {
        if SCHEMA_KEYS.contains(&key.as_str()) {
            let child = match key.as_str() {
                "items" => items(child, &join(pointer, key))?,
                _ => child.clone(),
            };
            value.insert(key.clone(), child);
        }
    }
    let value_schema = schema::schema(&Value::Object(value), pointer)?;
    let is_array = map.get("type").and_then(Value::as_str) == Some("array");
    let style = match (map.get("collectionFormat"), is_array) {
        (Some(format), _) => Some(style(format, &join(pointer, "collectionFormat"), location)?),
        (None, true) => Some(style(&Value::from("csv"), pointer, location)?),
        (None, false) => None,
    };
    let mut out = Map::new();
    let place_schema = |out: &mut Map<String, Value>| {
        if !out.contains_key("schema") {
            if let Some((style, explode)) = style {
                out.insert("style".into(), style.into());
                out.insert("explode".into(), explode.into());
            }
            out.insert("schema".into(), value_schema.clone());
        }
    };
    for (key, child) in map {
        match key.as_str() {
            "name" | "in" | "required" | "allowEmptyValue" | "deprecated" if location.is_some() => {
                out.insert(key.clone(), child.clone());
            }
            "description" => {
                out.insert(key.clone(), child.clone());
            }
            "collectionFormat" => {}
            k if SCHEMA_KEYS.contains(&k) => place_schema(&mut out),
            k if is_extension(k) => {
                out.insert(key.clone(), child.clone());
            }
            _ => {}
        }
    }
    place_schema(&mut out);
    Ok(out)
}

/// A Swagger Items Object (the element description of an array parameter)
/// as a schema: its own `collectionFormat` has no OpenAPI 3.0 counterpart
/// and is dropped.
fn items(node: &Value, pointer: &str) -> Result<Value> {
    match node {
        Value::Object(map) => {
            let mut map = map.clone();
            map.shift_remove("collectionFormat");
            if let Some(inner) = map.get("items").cloned() {
                map.insert("items".into(), items(&inner, &join(pointer, "items"))?);
            }
            Ok(Value::Object(map))
        }
        Value::Array(_) => Err(Error::spec(pointer, "tuple `items` (a list of schemas) are not supported")),
        _ => Err(Error::spec(pointer, "expected an items object (a mapping)")),
    }
}

/// `style` and `explode` for a `collectionFormat` (see the module table).
fn style(format: &Value, pointer: &str, location: Option<&str>) -> Result<(&'static str, bool)> {
    let format = format.as_str().ok_or_else(|| Error::spec(pointer, "expected a collection format"))?;
    let query = location == Some("query");
    match (format, query) {
        ("csv", true) => Ok(("form", false)),
        ("csv", false) => Ok(("simple", false)),
        ("multi", true) => Ok(("form", true)),
        ("ssv", true) => Ok(("spaceDelimited", false)),
        ("pipes", true) => Ok(("pipeDelimited", false)),
        ("multi" | "ssv" | "pipes", false) => {
            Err(Error::spec(pointer, format!("`collectionFormat: {format}` is only supported for query parameters")))
        }
        _ => Err(Error::spec(pointer, format!("unsupported `collectionFormat: {format}`"))),
    }
}
