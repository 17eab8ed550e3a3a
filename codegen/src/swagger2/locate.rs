//! The converted tree → [`OpenAPI`], with errors located in the source.
//!
//! The converter checks the shapes it relies on, but the typed
//! deserialization can still reject a value it copied as is (a `required`
//! that is not a list, a `description` that is a number, …). serde's error
//! then has no position, so this module finds the smallest part of the
//! converted document that does not deserialize: it tries each part with
//! its `openapiv3` type and descends into the failing one (path items,
//! operations, parameters, request bodies, responses, schemas and their
//! subschemas). The part's pointer is mapped back to the Swagger document
//! (`components/schemas` → `definitions`, a `content` entry's schema → the
//! `schema` it came from, the n-th parameter → its index in the source
//! list), so the error names the node the user wrote.

use openapiv3::{
    ExternalDocumentation, Header, Info, OpenAPI, Operation, Parameter, PathItem, ReferenceOr, RequestBody, Response,
    Schema, SecurityRequirement, SecurityScheme, Server, Tag,
};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

use super::operation::METHODS;
use crate::error::{join, Error, Result};

/// Deserializes the converted document; `source` is the Swagger document it
/// came from, for error pointers.
pub fn deserialize(converted: &Value, source: &Value) -> Result<OpenAPI> {
    match OpenAPI::deserialize(converted) {
        Ok(api) => Ok(api),
        Err(e) => Err(locate(converted, source).unwrap_or_else(|| root_error(&e.to_string()))),
    }
}

/// The error for a failure no part explains: a missing or mistyped root key.
fn root_error(message: &str) -> Error {
    let field = message.split('`').nth(1).filter(|_| message.starts_with("missing field"));
    let pointer = field.map_or_else(|| "#/".to_owned(), |f| join("#", f));
    Error::spec(pointer, message)
}

/// The error of `T` deserializing `value`, if any.
fn fails<T: DeserializeOwned>(value: &Value) -> Option<String> {
    T::deserialize(value).err().map(|e| e.to_string())
}

/// Finds the smallest failing part of the converted document.
fn locate(converted: &Value, source: &Value) -> Option<Error> {
    let found = |pointer: String, message: String| Some(Error::spec(pointer, message));
    if let Some(m) = converted.get("info").and_then(fails::<Info>) {
        return found("#/info".into(), m);
    }
    for (_, server) in items(converted.get("servers")) {
        if let Some(m) = fails::<Server>(server) {
            return found("#/host".into(), m);
        }
    }
    for (key, check) in
        [("tags", fails::<Tag> as fn(&Value) -> Option<String>), ("security", fails::<SecurityRequirement>)]
    {
        for (i, item) in items(converted.get(key)) {
            if let Some(m) = check(item) {
                return found(format!("#/{key}/{i}"), m);
            }
        }
    }
    if let Some(m) = converted.get("externalDocs").and_then(fails::<ExternalDocumentation>) {
        return found("#/externalDocs".into(), m);
    }
    let schemas = converted.pointer("/components/schemas").and_then(Value::as_object);
    for (name, schema) in schemas.into_iter().flatten() {
        if let Some(e) = in_schema(schema, &join("#/definitions", name)) {
            return Some(e);
        }
    }
    let schemes = converted.pointer("/components/securitySchemes").and_then(Value::as_object);
    for (name, scheme) in schemes.into_iter().flatten() {
        if let Some(m) = fails::<ReferenceOr<SecurityScheme>>(scheme) {
            return found(join("#/securityDefinitions", name), m);
        }
    }
    let paths = converted.get("paths").and_then(Value::as_object);
    for (path, item) in paths.into_iter().flatten() {
        let pointer = join("#/paths", path);
        if fails::<ReferenceOr<PathItem>>(item).is_some() {
            let source_item = source.get("paths").and_then(|p| p.get(path));
            return Some(in_path_item(item, source_item, &pointer));
        }
    }
    None
}

/// The `(index, element)` pairs of the list at `value`, if it is one.
fn items(value: Option<&Value>) -> impl Iterator<Item = (usize, &Value)> {
    value.and_then(Value::as_array).into_iter().flatten().enumerate()
}

/// The failing part of a path item known not to deserialize.
fn in_path_item(item: &Value, source: Option<&Value>, pointer: &str) -> Error {
    if let Some(e) = in_parameters(item, source, pointer) {
        return e;
    }
    for method in METHODS {
        let Some(op) = item.get(*method) else { continue };
        if let Some(m) = fails::<Operation>(op) {
            let at = join(pointer, method);
            let source_op = source.and_then(|s| s.get(*method));
            return in_operation(op, source_op, source, &at).unwrap_or_else(|| Error::spec(at, m));
        }
    }
    Error::spec(pointer, fails::<ReferenceOr<PathItem>>(item).unwrap_or_default())
}

/// The failing parameter of `node` (a path item or operation), pointing at
/// its index among the source's parameters.
fn in_parameters(node: &Value, source: Option<&Value>, pointer: &str) -> Option<Error> {
    let source_list: Vec<&Value> =
        source.and_then(|s| s.get("parameters")).and_then(Value::as_array).into_iter().flatten().collect();
    // Converted parameters are the source's non-body ones, in order.
    let non_body: Vec<usize> = (0..source_list.len())
        .filter(|&i| source_list.get(i).and_then(|p| p.get("in")).and_then(Value::as_str) != Some("body"))
        .collect();
    for (i, parameter) in items(node.get("parameters")) {
        if let Some(m) = fails::<ReferenceOr<Parameter>>(parameter) {
            let index = non_body.get(i).copied().unwrap_or(i);
            let at = join(&join(pointer, "parameters"), &index.to_string());
            let schema = parameter.get("schema");
            return Some(schema.and_then(|s| in_schema(s, &at)).unwrap_or_else(|| Error::spec(at, m)));
        }
    }
    None
}

/// The failing part of an operation; `source_item` is the source path item,
/// whose `parameters` may hold the body.
fn in_operation(op: &Value, source: Option<&Value>, source_item: Option<&Value>, pointer: &str) -> Option<Error> {
    if let Some(e) = in_parameters(op, source, pointer) {
        return Some(e);
    }
    if let Some(body) = op.get("requestBody") {
        if let Some(m) = fails::<ReferenceOr<RequestBody>>(body) {
            let body_at = body_pointer(source, pointer)
                .or_else(|| body_pointer(source_item, pointer.rsplit_once('/').map_or(pointer, |(p, _)| p)));
            let at = body_at.unwrap_or_else(|| join(pointer, "parameters"));
            let schema = first_content_schema(body);
            return Some(schema.and_then(|s| in_schema(s, &join(&at, "schema"))).unwrap_or_else(|| Error::spec(at, m)));
        }
    }
    let responses = op.get("responses").and_then(Value::as_object);
    for (code, response) in responses.into_iter().flatten() {
        if let Some(m) = fails::<ReferenceOr<Response>>(response) {
            let at = join(&join(pointer, "responses"), code);
            let schema = first_content_schema(response).and_then(|s| in_schema(s, &join(&at, "schema")));
            let headers = response.get("headers").and_then(Value::as_object);
            let header = headers.into_iter().flatten().find_map(|(name, h)| {
                fails::<ReferenceOr<Header>>(h).map(|m| Error::spec(join(&join(&at, "headers"), name), m))
            });
            return Some(schema.or(header).unwrap_or_else(|| Error::spec(at, m)));
        }
    }
    None
}

/// The pointer of the `in: body` parameter of `source` (an operation or path
/// item at `pointer`).
fn body_pointer(source: Option<&Value>, pointer: &str) -> Option<String> {
    let list = source?.get("parameters")?.as_array()?;
    let index = list.iter().position(|p| p.get("in").and_then(Value::as_str) == Some("body"))?;
    Some(join(&join(pointer, "parameters"), &index.to_string()))
}

/// The schema of the first `content` entry of a request body or response.
fn first_content_schema(node: &Value) -> Option<&Value> {
    node.get("content")?.as_object()?.values().next()?.get("schema")
}

/// The failing part of the schema at `pointer`, if the schema fails.
fn in_schema(schema: &Value, pointer: &str) -> Option<Error> {
    let message = fails::<ReferenceOr<Schema>>(schema)?;
    let children = |key: &str| -> Vec<(String, &Value)> {
        match schema.get(key) {
            Some(Value::Object(map)) if key == "properties" => {
                map.iter().map(|(k, v)| (join(&join(pointer, key), k), v)).collect()
            }
            Some(Value::Array(list)) => {
                list.iter().enumerate().map(|(i, v)| (join(&join(pointer, key), &i.to_string()), v)).collect()
            }
            Some(v @ Value::Object(_)) if key != "properties" => vec![(join(pointer, key), v)],
            _ => Vec::new(),
        }
    };
    for key in ["properties", "items", "additionalProperties", "allOf", "anyOf", "oneOf", "not"] {
        for (at, child) in children(key) {
            if let Some(e) = in_schema(child, &at) {
                return Some(e);
            }
        }
    }
    Some(Error::spec(pointer, message))
}
