//! Test data built from `spec/events-api.yaml` itself, never by hand, so the
//! tests follow the spec when it changes.
//!
//! * [`spec`] loads the spec as a `serde_json::Value`.
//! * [`full_value`] builds a JSON value of a component schema with *every*
//!   property set, recursively.
//! * [`minimal_value`] builds one with only the `required` properties,
//!   recursively.
//!
//! Values used: strings `"x-<property>"`; `format: date-time`
//! [`DATE_TIME`]; enums their first value; integers `7`; numbers `7.5`;
//! booleans `true`; arrays one element; `additionalProperties` maps one entry
//! (`"x-<property>-key": <value>`). `$ref` and `allOf: [{$ref}]` are followed.
//!
//! Recursion guard: a `$ref` to a schema that is already twice on the current
//! path (e.g. `ErrorBody.errors[].errors`) is not followed again: an array of
//! it becomes `[]` and an optional property of it is omitted (a *required*
//! property of it would make the value infinite, which panics).
//!
//! Anything the builder does not understand panics with the schema path, so a
//! new spec feature cannot slip through untested.

use serde_json::{Map, Value};

/// The date-time every `format: date-time` property gets (millisecond
/// precision in UTC, the form the SDK writes, so it round-trips exactly).
pub const DATE_TIME: &str = "2026-12-04T10:15:30.123Z";

/// How many times a schema may appear on the path being built.
const MAX_OCCURRENCES: usize = 2;

/// `spec/events-api.yaml`, parsed.
pub fn spec() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/events-api.yaml");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{path} is not valid YAML: {e}"))
}

/// The names of all component schemas, in spec order.
pub fn schema_names(spec: &Value) -> Vec<String> {
    schemas(spec).keys().cloned().collect()
}

/// A value of schema `name` with every property set (see the module docs).
pub fn full_value(spec: &Value, name: &str) -> Value {
    Builder { spec, full: true }.named(name, &mut Vec::new())
}

/// A value of schema `name` with only its required properties set,
/// recursively (see the module docs).
pub fn minimal_value(spec: &Value, name: &str) -> Value {
    Builder { spec, full: false }.named(name, &mut Vec::new())
}

fn schemas(spec: &Value) -> &Map<String, Value> {
    spec.pointer("/components/schemas").and_then(Value::as_object).expect("spec has no components.schemas object")
}

struct Builder<'a> {
    spec: &'a Value,
    /// `true`: every property; `false`: required ones only.
    full: bool,
}

impl Builder<'_> {
    /// Builds the named schema; `path` holds the schemas being built around it.
    fn named(&self, name: &str, path: &mut Vec<String>) -> Value {
        let schema = schemas(self.spec).get(name).unwrap_or_else(|| panic!("no schema {name:?} in components.schemas"));
        path.push(name.to_owned());
        let value = self.schema(schema, name, name, path);
        path.pop();
        value
    }

    /// The schema a `$ref` or `allOf: [{$ref}]` points to, if `schema` is one.
    fn target<'s>(&self, schema: &'s Value, at: &str) -> Option<&'s str> {
        if let Some(reference) = schema.get("$ref") {
            let reference = reference.as_str().unwrap_or_else(|| panic!("{at}: $ref is not a string"));
            let name = reference
                .strip_prefix("#/components/schemas/")
                .unwrap_or_else(|| panic!("{at}: unsupported $ref {reference:?}"));
            return Some(name);
        }
        match schema.get("allOf").and_then(Value::as_array) {
            Some(parts) if parts.len() == 1 => self.target(&parts[0], at),
            Some(_) => panic!("{at}: only allOf with exactly one $ref is supported"),
            None => None,
        }
    }

    /// Whether following a reference to `name` now would recurse too deep.
    fn too_deep(name: &str, path: &[String]) -> bool {
        path.iter().filter(|n| *n == name).count() >= MAX_OCCURRENCES
    }

    /// Builds `schema`; `prop` is the property it is the value of (for
    /// strings) and `at` a readable location for panics.
    fn schema(&self, schema: &Value, prop: &str, at: &str, path: &mut Vec<String>) -> Value {
        if let Some(name) = self.target(schema, at) {
            assert!(!Self::too_deep(name, path), "{at}: required reference to {name} recurses forever");
            return self.named(name, path);
        }
        if let Some(values) = schema.get("enum") {
            let first = values.as_array().and_then(|v| v.first());
            return first.cloned().unwrap_or_else(|| panic!("{at}: empty enum"));
        }
        let kind = schema.get("type").and_then(Value::as_str);
        match kind {
            Some("string") => match schema.get("format").and_then(Value::as_str) {
                Some("date-time") => Value::from(DATE_TIME),
                _ => Value::from(format!("x-{prop}")),
            },
            Some("integer") => Value::from(7),
            Some("number") => Value::from(7.5),
            Some("boolean") => Value::Bool(true),
            Some("array") => {
                let items = schema.get("items").unwrap_or_else(|| panic!("{at}: array without items"));
                if let Some(name) = self.target(items, at) {
                    if Self::too_deep(name, path) {
                        return Value::Array(Vec::new());
                    }
                }
                Value::Array(vec![self.schema(items, prop, &format!("{at}[]"), path)])
            }
            Some("object") | None if schema.get("properties").is_some() => self.object(schema, at, path),
            Some("object") => match schema.get("additionalProperties") {
                Some(values) if values.is_object() => {
                    let mut map = Map::new();
                    map.insert(format!("x-{prop}-key"), self.schema(values, prop, &format!("{at}{{}}"), path));
                    Value::Object(map)
                }
                _ => panic!("{at}: object without properties or additionalProperties schema"),
            },
            other => panic!("{at}: unsupported schema type {other:?}"),
        }
    }

    fn object(&self, schema: &Value, at: &str, path: &mut Vec<String>) -> Value {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let properties = schema
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or_else(|| panic!("{at}: properties is not a map"));
        for name in &required {
            assert!(properties.contains_key(*name), "{at}: required property {name:?} is not declared");
        }
        let mut object = Map::new();
        for (name, property) in properties {
            let is_required = required.contains(&name.as_str());
            if !self.full && !is_required {
                continue;
            }
            let prop_at = format!("{at}.{name}");
            if !is_required {
                if let Some(target) = self.target(property, &prop_at) {
                    if Self::too_deep(target, path) {
                        continue;
                    }
                }
            }
            object.insert(name.clone(), self.schema(property, name, &prop_at, path));
        }
        Value::Object(object)
    }
}
