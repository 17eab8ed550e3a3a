//! Stage 2, *resolve*: [`openapiv3::OpenAPI`] → [`crate::ir::Api`].
//!
//! Names are decided here (see [`crate::naming`]), every `$ref` is replaced
//! by the Rust type it denotes, and anything the generator cannot compile is
//! reported with its JSON pointer.

mod batch;
mod cycles;
mod operation;
mod params;
mod schema;

use openapiv3::OpenAPI;

use crate::error::Result;
use crate::ir::{Api, ErrorCode};

/// Resolves a parsed spec into the intermediate model.
pub fn resolve(spec: &OpenAPI) -> Result<Api> {
    let empty = Default::default();
    let schemas = spec.components.as_ref().map_or(&empty, |c| &c.schemas);
    let mut resolver = schema::SchemaResolver::new(schemas);
    let mut types = resolver.resolve_all()?;
    let mut extra = Vec::new();
    let operations = operation::resolve_operations(spec, &mut resolver, &mut extra)?;
    types.append(&mut extra);
    cycles::box_cycles(&mut types);
    let groups = operation::group(operations, &mut resolver.types, &spec.tags);
    let bodies: Vec<&str> =
        groups.iter().flat_map(|g| &g.operations).filter_map(|op| op.body.as_ref()?.ty.named()).collect();
    let batches = batch::find_batches(&types, &bodies, &mut resolver.types);
    let validated = validated(&types);
    let base_url = spec.servers.first().map(|s| s.url.clone());
    Ok(Api {
        title: spec.info.title.clone(),
        base_url,
        error_codes: error_codes(&groups),
        types,
        groups,
        batches,
        validated,
    })
}

/// The structs that need a `Validate` impl: those with a checked
/// constraint, then (to a fixed point) those holding one of them.
fn validated(types: &[crate::ir::TypeDef]) -> std::collections::BTreeSet<String> {
    use crate::ir::TypeKind;
    let structs: Vec<(&str, &[crate::ir::Field])> = types
        .iter()
        .flat_map(|d| std::iter::once(d).chain(&d.inline))
        .filter_map(|d| match &d.kind {
            TypeKind::Struct(fields) => Some((d.name.as_str(), fields.as_slice())),
            _ => None,
        })
        .collect();
    let mut set: std::collections::BTreeSet<String> = structs
        .iter()
        .filter(|(_, fields)| fields.iter().any(|f| f.constraints.is_checked()))
        .map(|(name, _)| (*name).to_owned())
        .collect();
    loop {
        let before = set.len();
        for (name, fields) in &structs {
            if fields.iter().any(|f| f.ty.named().is_some_and(|n| set.contains(n))) {
                set.insert((*name).to_owned());
            }
        }
        if set.len() == before {
            return set;
        }
    }
}

/// Every distinct error code of every response, in order of first
/// appearance; the first message given for a code wins.
fn error_codes(groups: &[crate::ir::ApiGroup]) -> Vec<ErrorCode> {
    let mut codes: Vec<(String, String)> = Vec::new();
    let all = groups.iter().flat_map(|g| &g.operations).flat_map(|op| &op.responses).flat_map(|r| &r.error_codes);
    for (code, message) in all {
        if !codes.iter().any(|(c, _)| c == code) {
            codes.push((code.clone(), message.clone()));
        }
    }
    schema::variant_names(codes.iter().map(|(code, _)| code))
        .into_iter()
        .zip(codes)
        .map(|(variant, (code, message))| ErrorCode { code, variant, message })
        .collect()
}
