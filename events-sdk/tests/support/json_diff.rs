//! Where two JSON values differ, as a readable list of JSON pointers.

use serde_json::Value;

/// Every place where `actual` differs from `expected`: keys missing or
/// extra, values changed (arrays of different lengths count as changed).
pub fn json_differences(expected: &Value, actual: &Value) -> Vec<String> {
    fn walk(at: &str, expected: &Value, actual: &Value, out: &mut Vec<String>) {
        match (expected, actual) {
            (Value::Object(e), Value::Object(a)) => {
                for (key, value) in e {
                    match a.get(key) {
                        Some(other) => walk(&format!("{at}/{key}"), value, other, out),
                        None => out.push(format!("{at}/{key}: missing (expected {value})")),
                    }
                }
                for (key, value) in a.iter().filter(|(k, _)| !e.contains_key(*k)) {
                    out.push(format!("{at}/{key}: unexpected ({value})"));
                }
            }
            (Value::Array(e), Value::Array(a)) if e.len() == a.len() => {
                for (i, (e, a)) in e.iter().zip(a).enumerate() {
                    walk(&format!("{at}/{i}"), e, a, out);
                }
            }
            _ if expected == actual => {}
            _ => out.push(format!("{}: expected {expected}, got {actual}", if at.is_empty() { "/" } else { at })),
        }
    }
    let mut out = Vec::new();
    walk("", expected, actual, &mut out);
    out
}
