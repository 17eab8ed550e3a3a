//! Markdown reference pages, in the style of Genesys' own SDK docs:
//! `docs/<Api>.md` per tag, `docs/models/<Model>.md` per schema and
//! `docs/README.md` as the index. Inline types (e.g. a property's enum) are
//! documented as a section of their owner's page.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::api::table_cell;
use super::docs::sanitize;
use crate::ir::{Api, ApiGroup, Field, Media, Operation, TypeDef, TypeKind, TypeRef};

/// Where each type is documented: page (relative to `docs/models/`) and
/// anchor for inline types.
pub struct Pages {
    places: BTreeMap<String, (String, Option<String>)>,
}

impl Pages {
    /// Places every type of `api`.
    pub fn new(api: &Api) -> Self {
        let mut places = BTreeMap::new();
        for def in &api.types {
            places.insert(def.name.clone(), (format!("{}.md", def.name), None));
            for inline in &def.inline {
                places.insert(inline.name.clone(), (format!("{}.md", def.name), Some(anchor(&inline.name))));
            }
        }
        Pages { places }
    }

    /// A link to `name`'s docs; `prefix` leads from the linking page's
    /// folder to `docs/models/` (`""` or `"models/"`), and `current` is the
    /// linking page when it is a model page (same-page links use the anchor).
    fn link(&self, name: &str, prefix: &str, current: Option<&str>) -> String {
        match self.places.get(name) {
            Some((page, anchor)) => {
                let target = match (anchor, current == Some(page.as_str())) {
                    (Some(a), true) => format!("#{a}"),
                    (Some(a), false) => format!("{prefix}{page}#{a}"),
                    (None, _) => format!("{prefix}{page}"),
                };
                format!("[**{name}**]({target})")
            }
            None => format!("`{name}`"),
        }
    }

    /// The Markdown type column for `ty`.
    fn type_cell(&self, ty: &TypeRef, prefix: &str, current: Option<&str>) -> String {
        match ty {
            TypeRef::Named(name) => self.link(name, prefix, current),
            TypeRef::List(inner) => format!("Vec&lt;{}&gt;", self.type_cell(inner, prefix, current)),
            TypeRef::Map(inner) => format!("BTreeMap&lt;String, {}&gt;", self.type_cell(inner, prefix, current)),
            other => rust_type(other).replace('<', "&lt;").replace('>', "&gt;"),
        }
    }
}

/// GitHub-style anchor of a heading.
pub fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// `docs/<Api>.md` for `group`; `examples` holds each operation's doctest
/// text.
pub fn api_page(api: &Api, pages: &Pages, group: &ApiGroup, examples: &[String]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", group.name);
    if let Some(docs) = group.docs.as_deref().filter(|d| d.trim() != group.tag) {
        let _ = writeln!(out, "{}\n", sanitize(docs));
    }
    match &api.base_url {
        Some(url) => {
            let _ = writeln!(
                out,
                "All paths are relative to the client's base URL: `{url}` by default (set another region or \
                 base URL on the `Client` builder).\n"
            );
        }
        None => out.push_str("All paths are relative to the client's base URL.\n\n"),
    }
    out.push_str("| Method | HTTP request | Description |\n|---|---|---|\n");
    for op in &group.operations {
        let summary = op.summary.as_deref().map(table_cell).unwrap_or_default();
        let _ = writeln!(
            out,
            "| [**{0}**](#{1}) | `{2} {3}` | {summary} |",
            op.fn_name,
            anchor(&op.fn_name),
            op.method,
            op.path
        );
    }
    for (op, example) in group.operations.iter().zip(examples) {
        operation_section(&mut out, pages, op, example);
    }
    let _ = writeln!(out, "\n[Back to the index](README.md)");
    out
}

fn operation_section(out: &mut String, pages: &Pages, op: &Operation, example: &str) {
    let _ = writeln!(out, "\n## {}\n", op.fn_name);
    let _ = writeln!(out, "```rust,ignore\n{}\n```\n", signature(op));
    if let Some(summary) = &op.summary {
        let _ = writeln!(out, "{}\n", sanitize(summary));
    }
    if let Some(description) = &op.description {
        let _ = writeln!(out, "{}\n", sanitize(description));
    }
    let _ = writeln!(out, "Wraps `{} {}`\n", op.method, op.path);
    if let Some(p) = &op.permissions {
        let _ = writeln!(out, "Requires {} permissions:\n", if p.all { "ALL" } else { "ANY" });
        for name in &p.names {
            let _ = writeln!(out, "* `{name}`");
        }
        out.push('\n');
    }
    if !op.scopes.is_empty() {
        let scopes: Vec<String> = op.scopes.iter().map(|s| format!("`{s}`")).collect();
        let _ = writeln!(out, "OAuth scope: {}\n", scopes.join(", "));
    }
    let _ = writeln!(out, "### Example\n\n```rust,no_run\n{}\n```\n", unhide(example));
    out.push_str("### Parameters\n\n| Name | Type | Description | Notes |\n|---|---|---|---|\n");
    for p in &op.path_params {
        let docs = p.docs.as_deref().map(table_cell).unwrap_or_default();
        let ty = pages.type_cell(&p.ty, "models/", None);
        let _ = writeln!(out, "| **{}** | {ty} | {docs} | path parameter `{}`; required |", p.name, p.wire_name);
    }
    if let Some(query) = &op.query {
        for f in &query.fields {
            let docs = f.docs.as_deref().map(table_cell).unwrap_or_default();
            let ty = pages.type_cell(&f.ty, "models/", None);
            let required = if f.required { "required" } else { "optional" };
            let _ = writeln!(
                out,
                "| **{}** | {ty} | {docs} | query parameter `{}` (field of `{}`); {required} |",
                f.name, f.wire_name, query.name
            );
        }
    }
    match &op.body {
        Some(body) => {
            let docs = body.docs.as_deref().map(table_cell).unwrap_or_default();
            let required = if body.required { "required" } else { "optional" };
            let _ =
                writeln!(out, "| **body** | {} | {docs} | {required} |", pages.type_cell(&body.ty, "models/", None));
        }
        None if op.path_params.is_empty() && op.query.is_none() => {
            out.push_str("| | | This operation takes no parameters. | |\n")
        }
        None => {}
    }
    let ret =
        op.success.as_ref().map_or_else(|| "`()` (no content)".to_owned(), |t| pages.type_cell(t, "models/", None));
    let _ = writeln!(out, "\n### Return type\n\n{ret}\n");
    let errors: Vec<_> = op.responses.iter().filter(|r| !r.status.starts_with('2')).collect();
    if !errors.is_empty() {
        out.push_str("### Errors\n\n| Status | Description | Error codes |\n|---|---|---|\n");
        for r in errors {
            let codes: Vec<String> = r.error_codes.iter().map(|(c, _)| format!("`{c}`")).collect();
            let _ = writeln!(out, "| {} | {} | {} |", r.status, table_cell(&r.description), codes.join(", "));
        }
    }
}

/// The Rust signature of the plain method of `op`.
pub fn signature(op: &Operation) -> String {
    let mut param = String::new();
    for p in &op.path_params {
        let ty = if p.ty == TypeRef::String { "str".to_owned() } else { rust_type(&p.ty) };
        param.push_str(&format!(", {}: &{ty}", p.name));
    }
    if let Some(query) = &op.query {
        param.push_str(&format!(", query: &{}", query.name));
    }
    if let Some(b) = &op.body {
        let ty = match &b.media {
            Media::Json => rust_type(&b.ty),
            Media::Text(_) => "str".to_owned(),
            Media::Bytes(_) => "[u8]".to_owned(),
        };
        param.push_str(&if b.required { format!(", body: &{ty}") } else { format!(", body: Option<&{ty}>") });
    }
    let ret = op.success.as_ref().map_or_else(|| "()".to_owned(), rust_type);
    format!("pub async fn {}(&self{param}) -> Result<{ret}, Error>", op.fn_name)
}

fn rust_type(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "String".into(),
        TypeRef::Bool => "bool".into(),
        TypeRef::I32 => "i32".into(),
        TypeRef::I64 => "i64".into(),
        TypeRef::F32 => "f32".into(),
        TypeRef::F64 => "f64".into(),
        TypeRef::DateTime => "DateTime".into(),
        TypeRef::Json => "serde_json::Value".into(),
        TypeRef::Bytes => "Vec<u8>".into(),
        TypeRef::Named(n) => n.clone(),
        TypeRef::List(inner) => format!("Vec<{}>", rust_type(inner)),
        TypeRef::Map(inner) => format!("BTreeMap<String, {}>", rust_type(inner)),
    }
}

/// Shows the lines a doctest hides, so the Markdown example is complete,
/// and indents the function body again.
fn unhide(example: &str) -> String {
    let mut in_fn = false;
    let mut out = Vec::new();
    for line in example.lines() {
        match line.strip_prefix("# ") {
            Some(hidden) if hidden.starts_with("async fn") => {
                in_fn = true;
                out.push(hidden.to_owned());
            }
            Some("}") => {
                in_fn = false;
                out.push("}".to_owned());
            }
            Some(hidden) => out.push(format!("    {hidden}")),
            None if in_fn && !line.is_empty() => out.push(format!("    {line}")),
            None => out.push(line.to_owned()),
        }
    }
    out.join("\n")
}

/// `docs/models/<Model>.md` for `def` and its inline types.
pub fn model_page(pages: &Pages, def: &TypeDef, crate_name: &str) -> String {
    let mut out = String::new();
    let current = format!("{}.md", def.name);
    type_section(&mut out, pages, def, crate_name, &current, "#");
    for inline in &def.inline {
        out.push('\n');
        type_section(&mut out, pages, inline, crate_name, &current, "##");
    }
    let _ = writeln!(out, "\n[Back to the index](../README.md)");
    out
}

fn type_section(out: &mut String, pages: &Pages, def: &TypeDef, crate_name: &str, current: &str, level: &str) {
    let _ = writeln!(out, "{level} {}\n", def.name);
    if let Some(docs) = &def.docs {
        let _ = writeln!(out, "{}\n", sanitize(docs));
    }
    let _ = writeln!(out, "Rust type: `{crate_name}::models::{}`\n", def.name);
    match &def.kind {
        TypeKind::Struct(fields) => {
            out.push_str("| Name | Type | Description | Notes |\n|---|---|---|---|\n");
            for f in fields {
                let docs = f.docs.as_deref().map(table_cell).unwrap_or_default();
                let _ = writeln!(
                    out,
                    "| **{}** | {} | {docs} | {} |",
                    f.wire_name,
                    pages.type_cell(&f.ty, "", Some(current)),
                    notes(f)
                );
            }
        }
        TypeKind::Enum(variants) => {
            out.push_str("| Value | Rust variant |\n|---|---|\n");
            for v in variants {
                let _ = writeln!(out, "| `{}` | `{}` |", v.wire, v.name);
            }
            out.push_str("\nValues not listed here are kept in `Unknown(String)`.\n");
        }
        TypeKind::Alias(ty) => {
            let _ = writeln!(out, "An alias of {}.", pages.type_cell(ty, "", Some(current)));
        }
    }
}

fn notes(field: &Field) -> String {
    let mut notes = vec![if field.required { "required" } else { "optional" }.to_owned()];
    let rust = field.name.trim_start_matches("r#");
    if rust != field.wire_name {
        notes.push(format!("Rust field `{}`", field.name));
    }
    let mut ty = &field.ty;
    while let TypeRef::List(inner) | TypeRef::Map(inner) = ty {
        ty = inner;
    }
    let c = &field.constraints;
    let bounds = [
        ("minLength", c.min_length.map(|v| v.to_string())),
        ("maxLength", c.max_length.map(|v| v.to_string())),
        ("pattern", c.pattern.as_ref().map(|p| format!("`{}`", p.replace('|', "\\|").replace('`', "'")))),
        ("minItems", c.min_items.map(|v| v.to_string())),
        ("maxItems", c.max_items.map(|v| v.to_string())),
        ("uniqueItems", c.unique_items.then(|| "true".to_owned())),
        ("minimum", c.minimum.map(|v| v.to_string())),
        ("maximum", c.maximum.map(|v| v.to_string())),
    ];
    notes.extend(bounds.into_iter().filter_map(|(k, v)| Some(format!("{k}: {}", v?))));
    match ty {
        TypeRef::DateTime => notes.push("format: date-time".to_owned()),
        TypeRef::I32 => notes.push("format: int32".to_owned()),
        TypeRef::I64 => notes.push("format: int64".to_owned()),
        _ => {}
    }
    notes.join("; ")
}

/// `docs/README.md`: the index of APIs and models.
pub fn index_page(api: &Api) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", api.title);
    out.push_str("Generated from the spec by `cargo xtask codegen`; do not edit.\n\n## APIs\n\n");
    out.push_str("| API | Method | HTTP request | Description |\n|---|---|---|---|\n");
    for group in &api.groups {
        for op in &group.operations {
            let summary = op.summary.as_deref().map(table_cell).unwrap_or_default();
            let _ = writeln!(
                out,
                "| [{0}]({0}.md) | [**{1}**]({0}.md#{2}) | `{3} {4}` | {summary} |",
                group.name,
                op.fn_name,
                anchor(&op.fn_name),
                op.method,
                op.path
            );
        }
    }
    out.push_str("\n## Models\n\n");
    for def in &api.types {
        let _ = writeln!(out, "* [{0}](models/{0}.md)", def.name);
    }
    out
}
