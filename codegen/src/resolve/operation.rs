//! Paths and operations → [`Operation`]s grouped by tag.
//!
//! Supported today: path and query parameters (see `params`), a JSON
//! request body (required or optional), JSON or empty responses,
//! `x-inin-requires-permissions`, `x-inin-error-codes` and OAuth scopes.
//! Other parameter kinds and non-JSON media types are rejected with the
//! JSON pointer of the offending node.

use indexmap::IndexMap;
use openapiv3::{Components, OpenAPI, ReferenceOr, RequestBody, Response, StatusCode};
use serde_json::Value;

use super::schema::{SchemaRef, SchemaResolver};
use crate::error::{join, Error, Result};
use crate::ir::{self, Body, Media, Operation, Permissions, TypeDef, TypeRef};
use crate::naming::{self, Namespace};

const REQUEST_BODY_PREFIX: &str = "#/components/requestBodies/";
const RESPONSE_PREFIX: &str = "#/components/responses/";

/// Resolves every operation of `spec`, in path order then method order.
/// Inline types declared in bodies and responses are appended to `extra`.
pub fn resolve_operations(
    spec: &OpenAPI,
    schemas: &mut SchemaResolver<'_>,
    extra: &mut Vec<TypeDef>,
) -> Result<Vec<(String, Operation)>> {
    let mut out = Vec::new();
    for (path, item) in spec.paths.iter() {
        let path_pointer = join("#/paths", path);
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { .. } => {
                return Err(Error::spec(path_pointer, "`$ref` path items are not supported"))
            }
        };
        for (method, op) in item.iter() {
            let pointer = join(&path_pointer, method);
            let tag = op.tags.first().cloned().unwrap_or_else(|| "Default".to_owned());
            let context =
                Context { components: spec.components.as_ref(), path, path_params: (&item.parameters, &path_pointer) };
            let resolved = resolve_operation(&context, schemas, extra, method, op, &pointer)?;
            let resolved = Operation { scopes: scopes(op.security.as_ref().or(spec.security.as_ref())), ..resolved };
            out.push((tag, resolved));
        }
    }
    Ok(out)
}

/// Where an operation sits: the spec's components and its path item.
struct Context<'s> {
    components: Option<&'s Components>,
    path: &'s str,
    path_params: (&'s [ReferenceOr<openapiv3::Parameter>], &'s str),
}

fn resolve_operation(
    context: &Context<'_>,
    schemas: &mut SchemaResolver<'_>,
    extra: &mut Vec<TypeDef>,
    method: &str,
    op: &openapiv3::Operation,
    pointer: &str,
) -> Result<Operation> {
    let (components, path) = (context.components, context.path);
    let id = op.operation_id.clone().ok_or_else(|| Error::spec(pointer, "operation has no `operationId`"))?;
    let type_prefix = naming::camel(&id);
    let params = super::params::resolve_params(
        components,
        schemas,
        extra,
        path,
        context.path_params,
        (&op.parameters, pointer),
        &type_prefix,
    )?;
    let body = match &op.request_body {
        None => None,
        Some(body) => {
            let at = join(pointer, "requestBody");
            let (body, at) = lookup(body, REQUEST_BODY_PREFIX, components.map(|c| &c.request_bodies), &at)?;
            Some(request_body(body, schemas, extra, &format!("{type_prefix}Body"), &at)?)
        }
    };
    let mut responses = Vec::new();
    let declared = op.responses.responses.iter().map(|(code, r)| (status(code), r));
    for (code, response) in declared.chain(op.responses.default.iter().map(|r| ("default".to_owned(), r))) {
        let at = join(&join(pointer, "responses"), &code);
        let (response, at) = lookup(response, RESPONSE_PREFIX, components.map(|c| &c.responses), &at)?;
        responses.push(resolve_response(code, response, schemas, extra, &format!("{type_prefix}Response"), &at)?);
    }
    let first_success = responses.iter().find(|r| r.status.starts_with('2'));
    let success = first_success.and_then(|r| r.ty.clone());
    let success_media = first_success.map_or(Media::Json, |r| r.media.clone());
    Ok(Operation {
        fn_name: naming::snake_ident(&id),
        id,
        pointer: pointer.to_owned(),
        method: method.to_ascii_uppercase(),
        path: path.to_owned(),
        summary: op.summary.clone().filter(|s| !s.trim().is_empty()),
        description: op.description.clone().filter(|s| !s.trim().is_empty()),
        path_params: params.path,
        query: params.query,
        body,
        success,
        success_media,
        responses,
        permissions: permissions(&op.extensions, pointer)?,
        scopes: Vec::new(),
        deprecated: op.deprecated,
    })
}

/// Follows a `$ref` to a component of the kind `prefix` names, returning the
/// item and its pointer.
pub(super) fn lookup<'s, T>(
    item: &'s ReferenceOr<T>,
    prefix: &str,
    components: Option<&'s IndexMap<String, ReferenceOr<T>>>,
    pointer: &str,
) -> Result<(&'s T, String)> {
    match item {
        ReferenceOr::Item(item) => Ok((item, pointer.to_owned())),
        ReferenceOr::Reference { reference } => {
            let key = reference.strip_prefix(prefix).ok_or_else(|| {
                Error::spec(pointer, format!("unsupported `$ref` `{reference}` (expected `{prefix}…`)"))
            })?;
            match components.and_then(|c| c.get(key)) {
                Some(ReferenceOr::Item(item)) => Ok((item, format!("{prefix}{key}"))),
                Some(ReferenceOr::Reference { .. }) => {
                    Err(Error::spec(pointer, format!("`{reference}` is itself a `$ref`, which is not supported")))
                }
                None => Err(Error::spec(pointer, format!("dangling `$ref`: `{reference}` is not defined"))),
            }
        }
    }
}

fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    essence == "application/json" || essence.ends_with("+json")
}

/// How a body of `media_type` (found at `pointer`) is carried: JSON, text
/// (`text/…`, a `String`) or bytes (anything else, `Vec<u8>`). Form and
/// multipart bodies need field encoding and are not supported.
fn media(media_type: &str, pointer: &str) -> Result<Media> {
    let essence = media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if !media_type.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Err(Error::spec(pointer, "media type is not printable ASCII"));
    }
    if is_json(&essence) {
        Ok(Media::Json)
    } else if essence.starts_with("multipart/") || essence == "application/x-www-form-urlencoded" {
        Err(Error::spec(pointer, format!("`{media_type}` bodies are not supported")))
    } else if essence.starts_with("text/") {
        Ok(Media::Text(media_type.to_owned()))
    } else {
        Ok(Media::Bytes(media_type.to_owned()))
    }
}

/// The content entry to use: the JSON one if any, else the first.
fn pick(content: &IndexMap<String, openapiv3::MediaType>) -> Option<(&String, &openapiv3::MediaType)> {
    content.iter().find(|(media, _)| is_json(media)).or_else(|| content.iter().next())
}

fn request_body(
    body: &RequestBody,
    schemas: &mut SchemaResolver<'_>,
    extra: &mut Vec<TypeDef>,
    inline_name: &str,
    pointer: &str,
) -> Result<Body> {
    let (media_type, content) =
        pick(&body.content).ok_or_else(|| Error::spec(join(pointer, "content"), "request body without content"))?;
    let media_pointer = join(&join(pointer, "content"), media_type);
    let media = media(media_type, &media_pointer)?;
    let ty = match &media {
        Media::Json => {
            let at = join(&media_pointer, "schema");
            let schema = content.schema.as_ref().ok_or_else(|| Error::spec(&at, "request body without a schema"))?;
            schemas.type_of_ref_or(inline_name, SchemaRef::from(schema), &at, extra)?
        }
        Media::Text(_) => TypeRef::String,
        Media::Bytes(_) => TypeRef::Bytes,
    };
    Ok(Body { ty, docs: body.description.clone(), required: body.required, media })
}

fn resolve_response(
    status: String,
    response: &Response,
    schemas: &mut SchemaResolver<'_>,
    extra: &mut Vec<TypeDef>,
    inline_name: &str,
    pointer: &str,
) -> Result<ir::Response> {
    let (ty, media) = match pick(&response.content) {
        Some((media_type, content)) => {
            let media_pointer = join(&join(pointer, "content"), media_type);
            let media = media(media_type, &media_pointer)?;
            let ty = match (&media, &content.schema) {
                (Media::Json, Some(schema)) => {
                    let at = join(&media_pointer, "schema");
                    schemas.type_of_ref_or(inline_name, SchemaRef::from(schema), &at, extra)?
                }
                (Media::Json, None) => TypeRef::Json,
                (Media::Text(_), _) => TypeRef::String,
                (Media::Bytes(_), _) => TypeRef::Bytes,
            };
            (Some(ty), media)
        }
        None => (None, Media::Json),
    };
    Ok(ir::Response {
        status,
        description: response.description.clone(),
        ty,
        error_codes: error_codes(&response.extensions, pointer)?,
        media,
    })
}

fn status(code: &StatusCode) -> String {
    match code {
        StatusCode::Code(n) => n.to_string(),
        StatusCode::Range(n) => format!("{n}XX"),
    }
}

/// `x-inin-error-codes`: an object of code → message template.
fn error_codes(extensions: &IndexMap<String, Value>, pointer: &str) -> Result<Vec<(String, String)>> {
    let Some(value) = extensions.get("x-inin-error-codes") else { return Ok(Vec::new()) };
    let at = join(pointer, "x-inin-error-codes");
    let map = value.as_object().ok_or_else(|| Error::spec(&at, "expected an object of error code → message"))?;
    map.iter()
        .map(|(code, message)| match message.as_str() {
            Some(message) => Ok((code.clone(), message.to_owned())),
            None => Err(Error::spec(join(&at, code), "expected a string message")),
        })
        .collect()
}

/// `x-inin-requires-permissions`: `{type: ANY|ALL, permissions: [...]}`.
fn permissions(extensions: &IndexMap<String, Value>, pointer: &str) -> Result<Option<Permissions>> {
    let Some(value) = extensions.get("x-inin-requires-permissions") else { return Ok(None) };
    let at = join(pointer, "x-inin-requires-permissions");
    let all = match value.get("type").and_then(Value::as_str) {
        Some("ANY") => false,
        Some("ALL") => true,
        _ => return Err(Error::spec(join(&at, "type"), "expected `ANY` or `ALL`")),
    };
    let names = value
        .get("permissions")
        .and_then(Value::as_array)
        .and_then(|list| list.iter().map(|p| p.as_str().map(str::to_owned)).collect::<Option<Vec<_>>>())
        .ok_or_else(|| Error::spec(join(&at, "permissions"), "expected a list of permission names"))?;
    Ok(Some(Permissions { all, names }))
}

/// Every scope named by the security requirements, in order, without repeats.
fn scopes(security: Option<&Vec<openapiv3::SecurityRequirement>>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for scope in security.into_iter().flatten().flat_map(|req| req.values().flatten()) {
        if !out.contains(scope) {
            out.push(scope.clone());
        }
    }
    out
}

/// Groups operations by tag (order of first appearance) and names the API
/// structs and their methods.
pub fn group(
    operations: Vec<(String, Operation)>,
    types: &mut Namespace,
    tags: &[openapiv3::Tag],
) -> Vec<ir::ApiGroup> {
    let mut groups: Vec<ir::ApiGroup> = Vec::new();
    let mut methods: Vec<Namespace> = Vec::new();
    for (tag, mut op) in operations {
        let index = match groups.iter().position(|g| g.tag == tag) {
            Some(i) => i,
            None => {
                let name = types.claim(&naming::type_name(&format!("{tag} Api")));
                groups.push(ir::ApiGroup {
                    module: naming::snake_ident(&name),
                    name,
                    docs: tags.iter().find(|t| t.name == tag).and_then(|t| t.description.clone()),
                    tag,
                    operations: Vec::new(),
                });
                methods.push(Namespace::with_reserved(&["new", "client"]));
                groups.len() - 1
            }
        };
        let ns = &mut methods[index];
        op.fn_name = ns.claim(&op.fn_name);
        ns.claim(&format!("{}_with_info", op.fn_name));
        groups[index].operations.push(op);
    }
    groups
}
