//! Spec text (JSON or YAML) → an untyped, order-keeping JSON tree.
//!
//! Swagger documents are converted as [`serde_json::Value`]s. YAML is read
//! with `serde_yaml` and turned into JSON here: mapping keys that YAML reads
//! as numbers or booleans (an unquoted `200:` response code) become their
//! text, tags are dropped, and non-finite floats become strings.

use serde_json::{Map, Number, Value};
use serde_yaml::Value as Yaml;

use crate::error::{Error, Location, Result};
use crate::load::{strip_position, yaml_error};

/// Parses `text` as JSON (when it starts with `{`) or YAML into a JSON tree;
/// `file` names it in errors, which carry the line and column.
pub fn parse(text: &str, file: &str) -> Result<Value> {
    if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| Error::Parse {
            file: file.to_owned(),
            location: Location { line: Some(e.line()), column: Some(e.column()) },
            message: strip_position(&e.to_string()),
        })
    } else {
        let yaml: Yaml = serde_yaml::from_str(text).map_err(|e| yaml_error(&e, text, file))?;
        Ok(yaml_to_json(yaml))
    }
}

/// Converts a YAML value into JSON (see the module documentation).
pub fn yaml_to_json(value: Yaml) -> Value {
    match value {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(b),
        Yaml::Number(n) => number(&n),
        Yaml::String(s) => Value::String(s),
        Yaml::Sequence(items) => Value::Array(items.into_iter().map(yaml_to_json).collect()),
        Yaml::Mapping(mapping) => {
            let mut out = Map::new();
            for (key, value) in mapping {
                out.insert(key_text(key), yaml_to_json(value));
            }
            Value::Object(out)
        }
        Yaml::Tagged(tagged) => yaml_to_json(tagged.value),
    }
}

/// A YAML number as JSON; NaN and infinities, which JSON lacks, as text.
fn number(n: &serde_yaml::Number) -> Value {
    if let Some(i) = n.as_i64() {
        Value::Number(i.into())
    } else if let Some(u) = n.as_u64() {
        Value::Number(u.into())
    } else {
        let f = n.as_f64().unwrap_or(f64::NAN);
        Number::from_f64(f).map_or_else(|| Value::String(n.to_string()), Value::Number)
    }
}

/// The text of a mapping key: strings as they are, scalars as YAML writes
/// them, anything else as compact JSON.
fn key_text(key: Yaml) -> String {
    match key {
        Yaml::String(s) => s,
        Yaml::Null => "null".to_owned(),
        Yaml::Bool(b) => b.to_string(),
        Yaml::Number(n) => n.to_string(),
        other => yaml_to_json(other).to_string(),
    }
}
