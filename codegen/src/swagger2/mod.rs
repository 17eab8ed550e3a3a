//! Swagger 2.0 input: a Swagger 2.0 document → an OpenAPI 3.0 document.
//!
//! Genesys publishes its Platform API as Swagger 2.0; the generator works on
//! OpenAPI 3.0 ([`openapiv3::OpenAPI`]). [`crate::load`] calls [`convert`]
//! for any document with a top-level `swagger` key, so a Swagger 2.0 file can
//! be given wherever a spec is expected.
//!
//! The conversion first builds the OpenAPI 3.0 document as a JSON tree
//! ([`to_openapi_value`], which keeps the source's order of keys everywhere),
//! then deserializes that tree ([`convert`]). It is written for what real
//! Genesys fragments contain, and is lenient where they need it:
//!
//! | Swagger 2.0 | OpenAPI 3.0 | in |
//! |---|---|---|
//! | `swagger: "2.0"` | `openapi: 3.0.3` | here |
//! | `host`, `basePath`, `schemes` | `servers` (one per scheme, `https` by default) | here |
//! | `definitions` | `components/schemas`; every `#/definitions/X` `$ref` becomes `#/components/schemas/X` | `schema.rs` |
//! | keywords beside a `$ref` (e.g. `description`) | `allOf: [{$ref}]` with the keywords beside it, so nothing is lost | `schema.rs` |
//! | `discriminator: name` | `discriminator: {propertyName: name}` | `schema.rs` |
//! | `in: body` parameter | `requestBody` (`description`, `required`, one `content` entry per `consumes` media type) | `operation.rs` |
//! | path, query and header parameters | parameters with a `schema`; `collectionFormat` → `style`/`explode` | `parameter.rs` |
//! | response `schema`, `headers`, `examples` | `content` (one entry per `produces` media type), headers with a `schema` | `operation.rs` |
//! | response without `description` | `description: ""` | `operation.rs` |
//! | `securityDefinitions` | `components/securitySchemes` (oauth2 flows, `apiKey`, `basic` → http basic) | `security.rs` |
//! | `#/parameters/X`, `#/responses/X` | inlined where they are used | `operation.rs`, `parameter.rs` |
//!
//! `consumes`/`produces` are the operation's, else the document's, else
//! `application/json`. `info`, `tags`, `externalDocs`, `security`, `summary`,
//! `description`, `operationId`, `deprecated` and every vendor extension
//! (`x-…`) on the document, path items, operations, parameters, responses and
//! schemas are kept as they are.
//!
//! What OpenAPI 3.0 cannot express this way (`in: formData` parameters,
//! `type: file`, `collectionFormat: tsv`, tuple `items`) is an
//! [`Error::Spec`] naming the JSON pointer of the node in the *source*
//! document, e.g. `#/paths/~1api~1v2~1x/post/parameters/0`. Malformed input
//! is reported the same way, never with a panic: nothing here indexes,
//! unwraps or trusts the shape of document data.

mod document;
mod locate;
mod operation;
mod parameter;
mod schema;
mod security;

use openapiv3::OpenAPI;
use serde_json::{Map, Value};

use crate::error::{Error, Result};

pub use document::parse;

/// The `openapi` version written into converted documents.
pub const OPENAPI_VERSION: &str = "3.0.3";

/// The media type used when neither the operation nor the document declares
/// `consumes`/`produces`.
pub const DEFAULT_MEDIA_TYPE: &str = "application/json";

/// `true` when `doc` declares itself a Swagger document (a top-level
/// `swagger` key, whatever its value: [`convert`] reports unsupported
/// versions).
pub fn is_swagger(doc: &Value) -> bool {
    doc.get("swagger").is_some()
}

/// Parses `text` (JSON or YAML) and returns the document when it is a
/// Swagger document; `None` when it is not, or does not parse (the caller's
/// own parser then reports the position of the problem).
pub fn detect(text: &str) -> Option<Value> {
    if !text.contains("swagger") {
        return None;
    }
    parse(text, "").ok().filter(is_swagger)
}

/// Converts a Swagger 2.0 document into an [`OpenAPI`] 3.0 document.
///
/// Errors name the JSON pointer of the offending node in `doc`.
pub fn convert(doc: &Value) -> Result<OpenAPI> {
    let converted = to_openapi_value(doc)?;
    locate::deserialize(&converted, doc)
}

/// Converts a Swagger 2.0 document into the JSON tree of the equivalent
/// OpenAPI 3.0.3 document, keeping the source's order of keys (see the
/// module documentation for the rules).
pub fn to_openapi_value(doc: &Value) -> Result<Value> {
    let root = doc.as_object().ok_or_else(|| Error::spec("#", "a Swagger document must be a mapping"))?;
    check_version(root.get("swagger"))?;
    let ctx = Context::new(doc)?;
    let mut out = Map::new();
    for (key, value) in root {
        match key.as_str() {
            "swagger" => {
                out.insert("openapi".into(), OPENAPI_VERSION.into());
            }
            "host" | "basePath" | "schemes" if !out.contains_key("servers") => {
                if let Some(servers) = servers(root)? {
                    out.insert("servers".into(), servers);
                }
            }
            "paths" => {
                out.insert("paths".into(), operation::paths(value, &ctx)?);
            }
            "definitions" | "securityDefinitions" if !out.contains_key("components") => {
                out.insert("components".into(), components(root)?);
            }
            "info" | "tags" | "externalDocs" | "security" => {
                out.insert(key.clone(), value.clone());
            }
            // Root `parameters`/`responses` are inlined where referenced;
            // `consumes`/`produces` are applied to each operation.
            _ if is_extension(key) => {
                out.insert(key.clone(), value.clone());
            }
            _ => {}
        }
    }
    out.entry("paths").or_insert_with(|| Value::Object(Map::new()));
    Ok(Value::Object(out))
}

/// What every part of the conversion needs to know about the document.
pub(crate) struct Context<'a> {
    /// The whole source document, for `#/parameters/X` and `#/responses/X`.
    pub doc: &'a Value,
    /// The document's `consumes` (or the default media type).
    pub consumes: Vec<String>,
    /// The document's `produces` (or the default media type).
    pub produces: Vec<String>,
}

impl<'a> Context<'a> {
    fn new(doc: &'a Value) -> Result<Self> {
        let default = vec![DEFAULT_MEDIA_TYPE.to_owned()];
        let consumes = media_types(doc.get("consumes"), "#/consumes")?.unwrap_or_else(|| default.clone());
        let produces = media_types(doc.get("produces"), "#/produces")?.unwrap_or(default);
        Ok(Context { doc, consumes, produces })
    }
}

/// The media types of a `consumes`/`produces` list at `pointer`; `None` when
/// absent or empty (the caller then falls back).
pub(crate) fn media_types(value: Option<&Value>, pointer: &str) -> Result<Option<Vec<String>>> {
    let Some(value) = value else { return Ok(None) };
    let list = value.as_array().ok_or_else(|| Error::spec(pointer, "expected a list of media types"))?;
    let mut out = Vec::with_capacity(list.len());
    for (i, item) in list.iter().enumerate() {
        let media_type = item.as_str().ok_or_else(|| Error::spec(format!("{pointer}/{i}"), "expected a media type"))?;
        out.push(media_type.to_owned());
    }
    Ok(if out.is_empty() { None } else { Some(out) })
}

/// `true` for vendor extension keys (`x-…`), which are kept everywhere.
pub(crate) fn is_extension(key: &str) -> bool {
    key.starts_with("x-")
}

/// Accepts `swagger: "2.0"` (or the number 2.0 an unquoted YAML `2.0` gives).
fn check_version(version: Option<&Value>) -> Result<()> {
    let supported = match version {
        Some(Value::String(v)) => v == "2.0",
        Some(Value::Number(n)) => n.as_f64() == Some(2.0),
        _ => false,
    };
    match supported {
        true => Ok(()),
        false => {
            let shown = version.map_or_else(|| "nothing".to_owned(), Value::to_string);
            Err(Error::spec("#/swagger", format!("unsupported Swagger version {shown} (only \"2.0\" is supported)")))
        }
    }
}

/// `servers` from `schemes`, `host` and `basePath`: one URL per scheme
/// (`https` when none is given); only `basePath` when there is no `host`.
fn servers(root: &Map<String, Value>) -> Result<Option<Value>> {
    let text = |key: &str| -> Result<Option<&str>> {
        match root.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(Error::spec(format!("#/{key}"), "expected a string")),
        }
    };
    let (host, base) = (text("host")?, text("basePath")?.unwrap_or(""));
    let urls: Vec<String> = match host {
        None if base.is_empty() => return Ok(None),
        None => vec![base.to_owned()],
        Some(host) => {
            let schemes = media_types(root.get("schemes"), "#/schemes")?.unwrap_or_else(|| vec!["https".to_owned()]);
            schemes.iter().map(|scheme| format!("{scheme}://{host}{base}")).collect()
        }
    };
    let servers = urls.into_iter().map(|url| serde_json::json!({ "url": url }));
    Ok(Some(Value::Array(servers.collect())))
}

/// `components` from `definitions` and `securityDefinitions`, in the order
/// the document gives them.
fn components(root: &Map<String, Value>) -> Result<Value> {
    let mut out = Map::new();
    for (key, value) in root {
        match key.as_str() {
            "definitions" => {
                let definitions =
                    value.as_object().ok_or_else(|| Error::spec("#/definitions", "expected a mapping of schemas"))?;
                let mut schemas = Map::new();
                for (name, definition) in definitions {
                    let pointer = crate::error::join("#/definitions", name);
                    schemas.insert(name.clone(), schema::schema(definition, &pointer)?);
                }
                out.insert("schemas".into(), Value::Object(schemas));
            }
            "securityDefinitions" => {
                out.insert("securitySchemes".into(), security::schemes(value)?);
            }
            _ => {}
        }
    }
    Ok(Value::Object(out))
}
