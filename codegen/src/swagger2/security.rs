//! Swagger 2.0 `securityDefinitions` → OpenAPI 3.0 `components/securitySchemes`.
//!
//! * `oauth2`: the single `flow` (with `authorizationUrl`, `tokenUrl` and
//!   `scopes`) becomes one entry of `flows`, placed where the first of those
//!   keys was: `implicit` → `implicit`, `password` → `password`,
//!   `application` → `clientCredentials`, `accessCode` →
//!   `authorizationCode`. Missing `scopes` become `{}`.
//! * `apiKey`: unchanged (`name`, `in`).
//! * `basic`: `type: http`, `scheme: basic`.
//!
//! `description` and vendor extensions are kept. Security *requirements*
//! (`security` on the document and on operations) have the same form in
//! both versions and are copied as they are.

use serde_json::{Map, Value};

use super::is_extension;
use crate::error::{join, Error, Result};

/// Keys of a Swagger oauth2 scheme that move into its flow.
const FLOW_KEYS: &[&str] = &["flow", "authorizationUrl", "tokenUrl", "scopes"];

/// Converts the document's `securityDefinitions`.
pub fn schemes(definitions: &Value) -> Result<Value> {
    let pointer = "#/securityDefinitions";
    let map = definitions.as_object().ok_or_else(|| Error::spec(pointer, "expected a mapping of security schemes"))?;
    let mut out = Map::new();
    for (name, scheme) in map {
        out.insert(name.clone(), self::scheme(scheme, &join(pointer, name))?);
    }
    Ok(Value::Object(out))
}

/// Converts one security scheme at `pointer`.
fn scheme(scheme: &Value, pointer: &str) -> Result<Value> {
    let map = scheme.as_object().ok_or_else(|| Error::spec(pointer, "expected a security scheme (a mapping)"))?;
    let kind = match map.get("type") {
        Some(Value::String(kind)) => kind.as_str(),
        Some(_) => return Err(Error::spec(join(pointer, "type"), "expected `oauth2`, `apiKey` or `basic`")),
        None => return Err(Error::spec(pointer, "security scheme without `type`")),
    };
    let flows = match kind {
        "oauth2" => Some(flows(map, pointer)?),
        "apiKey" | "basic" => None,
        other => {
            return Err(Error::spec(
                join(pointer, "type"),
                format!("unsupported security scheme type `{other}` (expected `oauth2`, `apiKey` or `basic`)"),
            ))
        }
    };
    let mut out = Map::new();
    for (key, value) in map {
        match (kind, key.as_str()) {
            ("basic", "type") => {
                out.insert("type".into(), "http".into());
                out.insert("scheme".into(), "basic".into());
            }
            ("oauth2", k) if FLOW_KEYS.contains(&k) => {
                if let Some(flows) = &flows {
                    out.entry("flows").or_insert_with(|| flows.clone());
                }
            }
            ("apiKey", "name" | "in") | (_, "type" | "description") => {
                out.insert(key.clone(), value.clone());
            }
            (_, k) if is_extension(k) => {
                out.insert(key.clone(), value.clone());
            }
            _ => {}
        }
    }
    if let Some(flows) = flows {
        out.entry("flows").or_insert(flows);
    }
    Ok(Value::Object(out))
}

/// The OpenAPI 3.0 `flows` of a Swagger oauth2 scheme at `pointer`.
fn flows(map: &Map<String, Value>, pointer: &str) -> Result<Value> {
    let at = join(pointer, "flow");
    let flow = match map.get("flow") {
        Some(Value::String(flow)) => flow.as_str(),
        Some(_) => return Err(Error::spec(at, "expected an OAuth2 flow name")),
        None => return Err(Error::spec(pointer, "oauth2 security scheme without `flow`")),
    };
    let (name, urls): (&str, &[&str]) = match flow {
        "implicit" => ("implicit", &["authorizationUrl"]),
        "password" => ("password", &["tokenUrl"]),
        "application" => ("clientCredentials", &["tokenUrl"]),
        "accessCode" => ("authorizationCode", &["authorizationUrl", "tokenUrl"]),
        other => {
            let expected = "expected `implicit`, `password`, `application` or `accessCode`";
            return Err(Error::spec(at, format!("unsupported OAuth2 flow `{other}` ({expected})")));
        }
    };
    let mut converted = Map::new();
    for url in urls {
        match map.get(*url) {
            Some(Value::String(u)) => {
                converted.insert((*url).into(), u.clone().into());
            }
            Some(_) => return Err(Error::spec(join(pointer, url), "expected a URL")),
            None => return Err(Error::spec(pointer, format!("`flow: {flow}` needs `{url}`"))),
        }
    }
    let scopes = match map.get("scopes") {
        None => Value::Object(Map::new()),
        Some(scopes @ Value::Object(_)) => scopes.clone(),
        Some(_) => return Err(Error::spec(join(pointer, "scopes"), "expected a mapping of scope → description")),
    };
    converted.insert("scopes".into(), scopes);
    let mut flows = Map::new();
    flows.insert(name.into(), Value::Object(converted));
    Ok(Value::Object(flows))
}
