//! Swagger 2.0 paths, operations and responses → OpenAPI 3.0.
//!
//! Operations keep their keys in the source's order; the `parameters` list
//! is replaced, at its place, by the converted non-body `parameters` (if
//! any) followed by the `requestBody` made from the `in: body` parameter
//! (the operation's own, else the path item's). `consumes` and `produces`
//! are dropped once applied, and per-operation `schemes` (which OpenAPI 3.0
//! would express as operation `servers`) are dropped. A request body has its parameter's
//! `description`, `required` and vendor extensions, and one `content` entry
//! per media type the operation consumes.
//!
//! A response's `schema` becomes, at its place, one `content` entry per
//! media type the operation produces (with the matching `examples` entry as
//! `example`); `headers` get a `schema` like parameters do; a response
//! without `description`, which OpenAPI requires, gets `description: ""`.

use serde_json::{Map, Value};

use super::parameter::{self, Converted};
use super::{is_extension, media_types, schema, Context};
use crate::error::{join, Error, Result};

/// Path-item keys that hold an operation in Swagger 2.0.
pub const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch"];

/// Converts the document's `paths`.
pub fn paths(paths: &Value, ctx: &Context<'_>) -> Result<Value> {
    let paths = paths.as_object().ok_or_else(|| Error::spec("#/paths", "expected a mapping of paths"))?;
    let mut out = Map::new();
    for (path, item) in paths {
        let pointer = join("#/paths", path);
        if is_extension(path) {
            out.insert(path.clone(), item.clone());
            continue;
        }
        out.insert(path.clone(), path_item(item, &pointer, ctx)?);
    }
    Ok(Value::Object(out))
}

/// Converts one path item at `pointer`.
fn path_item(item: &Value, pointer: &str, ctx: &Context<'_>) -> Result<Value> {
    let map = item.as_object().ok_or_else(|| Error::spec(pointer, "expected a path item (a mapping)"))?;
    let (shared, shared_body) = match map.get("parameters") {
        Some(list) => parameters(list, &join(pointer, "parameters"), ctx)?,
        None => (Vec::new(), None),
    };
    let mut out = Map::new();
    for (key, value) in map {
        let at = join(pointer, key);
        match key.as_str() {
            "parameters" if !shared.is_empty() => {
                out.insert(key.clone(), Value::Array(shared.clone()));
            }
            "$ref" => {
                out.insert(key.clone(), value.clone());
            }
            method if METHODS.contains(&method) => {
                out.insert(key.clone(), operation(value, &at, shared_body.as_ref(), ctx)?);
            }
            k if is_extension(k) => {
                out.insert(key.clone(), value.clone());
            }
            _ => {}
        }
    }
    Ok(Value::Object(out))
}

/// A body parameter waiting for the media types of its operation: its
/// source node and pointer.
type Body = (Map<String, Value>, String);

/// Converts a `parameters` list at `pointer` into the non-body parameters
/// and the body parameter, if any.
fn parameters(list: &Value, pointer: &str, ctx: &Context<'_>) -> Result<(Vec<Value>, Option<Body>)> {
    let items = list.as_array().ok_or_else(|| Error::spec(pointer, "expected a list of parameters"))?;
    let mut out = Vec::new();
    let mut body: Option<Body> = None;
    for (i, item) in items.iter().enumerate() {
        let at = join(pointer, &i.to_string());
        match parameter::parameter(item, &at, ctx)? {
            Converted::Parameter(p) => out.push(p),
            Converted::Body(_, _) if body.is_some() => {
                return Err(Error::spec(at, "more than one `in: body` parameter"));
            }
            Converted::Body(map, source) => body = Some((map, source)),
        }
    }
    Ok((out, body))
}

/// Converts one operation at `pointer`; `shared_body` is the path item's
/// body parameter, used when the operation has none of its own.
fn operation(op: &Value, pointer: &str, shared_body: Option<&Body>, ctx: &Context<'_>) -> Result<Value> {
    let map = op.as_object().ok_or_else(|| Error::spec(pointer, "expected an operation (a mapping)"))?;
    let consumes =
        media_types(map.get("consumes"), &join(pointer, "consumes"))?.unwrap_or_else(|| ctx.consumes.clone());
    let produces =
        media_types(map.get("produces"), &join(pointer, "produces"))?.unwrap_or_else(|| ctx.produces.clone());
    let (own, own_body) = match map.get("parameters") {
        Some(list) => parameters(list, &join(pointer, "parameters"), ctx)?,
        None => (Vec::new(), None),
    };
    let mut body = match own_body.as_ref().or(shared_body) {
        Some((source, at)) => Some(request_body(source, at, &consumes)?),
        None => None,
    };
    let mut out = Map::new();
    for (key, value) in map {
        let at = join(pointer, key);
        match key.as_str() {
            "consumes" | "produces" | "schemes" => {}
            "parameters" => {
                if !own.is_empty() {
                    out.insert(key.clone(), Value::Array(own.clone()));
                }
                if let Some(body) = body.take() {
                    out.insert("requestBody".into(), body);
                }
            }
            "responses" => {
                if let Some(body) = body.take() {
                    out.insert("requestBody".into(), body);
                }
                out.insert(key.clone(), responses(value, &at, &produces, ctx)?);
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    if let Some(body) = body {
        out.insert("requestBody".into(), body);
    }
    if !out.contains_key("responses") {
        return Err(Error::spec(pointer, "operation without `responses`"));
    }
    Ok(Value::Object(out))
}

/// The OpenAPI 3.0 request body for the body parameter `source` at `pointer`.
fn request_body(source: &Map<String, Value>, pointer: &str, consumes: &[String]) -> Result<Value> {
    let mut out = Map::new();
    for (key, value) in source {
        match key.as_str() {
            "description" | "required" => {
                out.insert(key.clone(), value.clone());
            }
            "schema" => {
                let converted = schema::schema(value, &join(pointer, "schema"))?;
                out.insert("content".into(), content(&converted, consumes, None));
            }
            k if is_extension(k) => {
                out.insert(key.clone(), value.clone());
            }
            _ => {}
        }
    }
    if !out.contains_key("content") {
        return Err(Error::spec(pointer, "`in: body` parameter without `schema`"));
    }
    Ok(Value::Object(out))
}

/// A `content` map: `schema` for each media type, with the example of the
/// media type from a Swagger `examples` map, if any.
fn content(schema: &Value, media_types: &[String], examples: Option<&Map<String, Value>>) -> Value {
    let mut out = Map::new();
    for media_type in media_types {
        let mut entry = Map::new();
        entry.insert("schema".into(), schema.clone());
        if let Some(example) = examples.and_then(|e| e.get(media_type)) {
            entry.insert("example".into(), example.clone());
        }
        out.insert(media_type.clone(), Value::Object(entry));
    }
    Value::Object(out)
}

/// Converts an operation's `responses` at `pointer`.
fn responses(responses: &Value, pointer: &str, produces: &[String], ctx: &Context<'_>) -> Result<Value> {
    let map = responses.as_object().ok_or_else(|| Error::spec(pointer, "expected a mapping of responses"))?;
    let mut out = Map::new();
    for (code, response) in map {
        let at = join(pointer, code);
        let converted = match is_extension(code) {
            true => response.clone(),
            false => self::response(response, &at, produces, ctx)?,
        };
        out.insert(code.clone(), converted);
    }
    Ok(Value::Object(out))
}

/// Converts one response at `pointer` (following a `$ref` to the
/// document's `responses`).
fn response(node: &Value, pointer: &str, produces: &[String], ctx: &Context<'_>) -> Result<Value> {
    let (node, pointer) = parameter::dereference(node, pointer, "responses", ctx)?;
    let map = node.as_object().ok_or_else(|| Error::spec(&pointer, "expected a response (a mapping)"))?;
    let examples = match map.get("examples") {
        None => None,
        Some(Value::Object(examples)) => Some(examples),
        Some(_) => return Err(Error::spec(join(&pointer, "examples"), "expected a mapping of media type → example")),
    };
    let mut out = Map::new();
    if !map.contains_key("description") {
        out.insert("description".into(), "".into());
    }
    for (key, value) in map {
        let at = join(&pointer, key);
        match key.as_str() {
            "description" => {
                out.insert(key.clone(), value.clone());
            }
            "schema" => {
                let converted = schema::schema(value, &at)?;
                out.insert("content".into(), content(&converted, produces, examples));
            }
            "headers" => {
                let headers = value.as_object().ok_or_else(|| Error::spec(&at, "expected a mapping of headers"))?;
                let mut converted = Map::new();
                for (name, header) in headers {
                    converted.insert(name.clone(), parameter::header(header, &join(&at, name))?);
                }
                out.insert(key.clone(), Value::Object(converted));
            }
            k if is_extension(k) => {
                out.insert(key.clone(), value.clone());
            }
            _ => {}
        }
    }
    Ok(Value::Object(out))
}
