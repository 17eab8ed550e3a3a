//! Swagger 2.0 Schema Objects → OpenAPI 3.0 Schema Objects.
//!
//! The two are nearly the same; the differences handled here are:
//!
//! * `$ref: '#/definitions/X'` becomes `$ref: '#/components/schemas/X'`
//!   (other references are kept verbatim, for the resolver to judge);
//! * a `$ref` with other keywords beside it (Genesys writes a
//!   `description`, `readOnly` or `example` next to many of its `$ref`s)
//!   becomes `allOf: [{$ref}]` at the `$ref`'s place, the keywords kept
//!   beside it: OpenAPI 3.0 ignores everything beside a `$ref`, and the
//!   usual converters drop those keywords, losing the descriptions;
//! * `discriminator: name` becomes `discriminator: {propertyName: name}`;
//! * the `enum` of a `type: boolean` written as strings (Genesys has
//!   `enum: ["true", "false"]` on some boolean query parameters) becomes
//!   booleans, which is what it means and what OpenAPI 3.0 tools accept;
//! * `type: file` and tuple `items` (a list) cannot be expressed and are
//!   errors.
//!
//! Subschemas are converted recursively (`properties`, `items`,
//! `additionalProperties`, `allOf`/`anyOf`/`oneOf`, `not`); everything else
//! (`example`, `default`, `enum`, `x-…`, unknown keywords) is copied as is,
//! so a `$ref` inside an example is left alone.

use serde_json::{Map, Value};

use crate::error::{join, Error, Result};

/// Prefix of Swagger 2.0 references to definitions.
pub const DEFINITIONS: &str = "#/definitions/";

/// Prefix of OpenAPI 3.0 references to component schemas.
pub const COMPONENT_SCHEMAS: &str = "#/components/schemas/";

/// Rewrites a Swagger `$ref` to a definition into its OpenAPI 3.0 form;
/// any other reference is returned unchanged.
pub fn rewrite_ref(reference: &str) -> String {
    match reference.strip_prefix(DEFINITIONS) {
        Some(name) => format!("{COMPONENT_SCHEMAS}{name}"),
        None => reference.to_owned(),
    }
}

/// Converts the schema at `pointer` (a pointer into the source document).
pub fn schema(value: &Value, pointer: &str) -> Result<Value> {
    let map = value.as_object().ok_or_else(|| Error::spec(pointer, "expected a schema (a mapping)"))?;
    let reference = match map.get("$ref") {
        None => None,
        Some(Value::String(r)) => Some(rewrite_ref(r)),
        Some(_) => return Err(Error::spec(join(pointer, "$ref"), "expected a reference string")),
    };
    if let Some(reference) = &reference {
        if map.len() == 1 {
            return Ok(serde_json::json!({ "$ref": reference }));
        }
    }
    let mut out = Map::new();
    for (key, child) in map {
        let at = join(pointer, key);
        let converted = match key.as_str() {
            "$ref" => {
                // Keywords beside the `$ref`: wrap it so they are kept. Any
                // `allOf` of the source is converted below and comes first.
                let target = serde_json::json!({ "$ref": reference.clone().unwrap_or_default() });
                let mut all_of = match map.get("allOf") {
                    Some(list) => each_schema(list, &join(pointer, "allOf"))?,
                    None => Vec::new(),
                };
                all_of.push(target);
                out.insert("allOf".into(), Value::Array(all_of));
                continue;
            }
            "allOf" if reference.is_some() => continue, // merged at the `$ref`
            "type" => match child {
                Value::String(t) if t == "file" => {
                    return Err(Error::spec(at, "`type: file` is not supported (OpenAPI 3.0 has no file type)"))
                }
                Value::String(_) => child.clone(),
                _ => return Err(Error::spec(at, "expected a type name")),
            },
            "properties" => {
                let properties = child.as_object().ok_or_else(|| Error::spec(&at, "expected a mapping of schemas"))?;
                let mut converted = Map::new();
                for (name, property) in properties {
                    converted.insert(name.clone(), schema(property, &join(&at, name))?);
                }
                Value::Object(converted)
            }
            "items" => match child {
                Value::Object(_) => schema(child, &at)?,
                Value::Array(_) => return Err(Error::spec(at, "tuple `items` (a list of schemas) are not supported")),
                _ => return Err(Error::spec(at, "expected a schema (a mapping)")),
            },
            "additionalProperties" => match child {
                Value::Bool(_) => child.clone(),
                _ => schema(child, &at)?,
            },
            "not" => schema(child, &at)?,
            "allOf" | "anyOf" | "oneOf" => Value::Array(each_schema(child, &at)?),
            "enum" if map.get("type").and_then(Value::as_str) == Some("boolean") => boolean_enum(child),
            "discriminator" => match child {
                Value::String(name) => serde_json::json!({ "propertyName": name }),
                Value::Object(_) => child.clone(),
                _ => return Err(Error::spec(at, "expected a property name")),
            },
            _ => child.clone(),
        };
        out.insert(key.clone(), converted);
    }
    Ok(Value::Object(out))
}

/// A boolean schema's `enum` with `"true"`/`"false"` strings as booleans;
/// anything else is kept as it is.
fn boolean_enum(values: &Value) -> Value {
    let Some(list) = values.as_array() else { return values.clone() };
    let as_bool = |v: &Value| match v {
        Value::String(s) if s == "true" => Value::Bool(true),
        Value::String(s) if s == "false" => Value::Bool(false),
        other => other.clone(),
    };
    Value::Array(list.iter().map(as_bool).collect())
}

/// Converts a list of schemas at `pointer`.
fn each_schema(list: &Value, pointer: &str) -> Result<Vec<Value>> {
    let items = list.as_array().ok_or_else(|| Error::spec(pointer, "expected a list of schemas"))?;
    let converted = items.iter().enumerate().map(|(i, item)| schema(item, &join(pointer, &i.to_string())));
    converted.collect()
}
