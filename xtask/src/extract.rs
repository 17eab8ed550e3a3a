//! `cargo xtask spec --from <published.json|yaml> --tag <Tag> [--out spec/events-api.yaml]`:
//! cut one tag out of a published Genesys Swagger 2.0 description and write
//! it as the OpenAPI 3.0.3 fragment the SDK is generated from.
//!
//! The fragment holds the operations having the tag (path items keep their
//! other keys, e.g. shared parameters) and exactly the definitions they
//! reach, transitively, through `$ref`s anywhere in those operations and
//! definitions (bodies, responses, parameters, nested schemas), in the
//! source's order; the `tags` entries of the kept operations; and the
//! document-level keys (`info`, `host`, `securityDefinitions`, …). It is
//! converted by [`codegen::swagger2`], then three things are set on purpose:
//!
//! * `info.title` becomes `Genesys Cloud Platform API (<Tag> tag)`, with a
//!   comment quoting the source's title (the third-party per-tag splitter
//!   names every fragment `PureCloud Platform Agent Assistants <Tag> API`);
//! * each OAuth2 scheme with an implicit flow gains a `clientCredentials`
//!   flow, whose token URL is the authorization URL's origin +
//!   `/oauth/token` (Genesys' token endpoint), since that is the grant the
//!   SDK's `Client` uses;
//! * every flow's scopes are the declared `all` plus each scope the kept
//!   operations ask for (its declared description, else
//!   `<Scope> (used by <operationIds>)`), in order of first use.
//!
//! The YAML is written by [`yaml`] (PyYAML's block style, see there) under a
//! header comment naming the source, so re-running the command on the same
//! source reproduces the file byte for byte.

pub mod yaml;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Component, Path, PathBuf};

use serde_json::{Map, Value};

/// Where the fragment is written unless `--out` says otherwise.
pub const DEFAULT_OUT: &str = "spec/events-api.yaml";

/// Path-item keys that hold an operation in Swagger 2.0.
const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch"];

/// Longest comment line written, indentation and `# ` included.
const COMMENT_WIDTH: usize = 98;

/// An extracted fragment.
#[derive(Debug, Clone)]
pub struct Fragment {
    /// The OpenAPI 3.0.3 YAML text, header comment included.
    pub yaml: String,
    /// Number of operations kept.
    pub operations: usize,
    /// Number of schemas kept.
    pub schemas: usize,
}

/// Reads a Swagger document (JSON or YAML).
pub fn read_source(path: &Path) -> Result<Value, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    codegen::swagger2::parse(&text, &path.display().to_string()).map_err(|e| e.to_string())
}

/// How the header names the source: its path relative to the workspace
/// `root`, `/`-separated (absolute if it shares nothing with the root).
pub fn source_label(root: &Path, source: &Path) -> String {
    // Lexical, not `canonicalize`: a symlinked checkout or reference folder
    // must give the same label as a real one.
    let absolute = |p: &Path| {
        let mut out = std::path::PathBuf::new();
        for part in std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()).components() {
            match part {
                Component::ParentDir => {
                    out.pop();
                }
                Component::CurDir => {}
                other => out.push(other),
            }
        }
        out
    };
    let (root, source) = (absolute(root), absolute(source));
    let root_parts: Vec<Component> = root.components().collect();
    let source_parts: Vec<Component> = source.components().collect();
    let common = root_parts.iter().zip(&source_parts).take_while(|(a, b)| a == b).count();
    if common <= 1 {
        return source.display().to_string();
    }
    let ups = root_parts.len().saturating_sub(common);
    let rest = source_parts.iter().skip(common).map(|c| c.as_os_str().to_string_lossy().into_owned());
    std::iter::repeat("..".to_owned()).take(ups).chain(rest).collect::<Vec<_>>().join("/")
}

/// Extracts the operations tagged `tag` from the Swagger 2.0 document
/// `source` (named `label` in the header) as an OpenAPI 3.0.3 fragment.
pub fn extract(source: &Value, tag: &str, label: &str) -> Result<Fragment, String> {
    if source.get("swagger").and_then(Value::as_str) != Some("2.0") {
        return Err("the source is not a Swagger 2.0 document (no `swagger: \"2.0\"`)".into());
    }
    let selected = select(source, tag)?;
    let mut doc = codegen::swagger2::to_openapi_value(&selected).map_err(|e| e.to_string())?;
    let source_title = source.pointer("/info/title").and_then(Value::as_str).unwrap_or("").to_owned();
    let title = format!("Genesys Cloud Platform API ({tag} tag)");
    if let Some(info) = doc.get_mut("info").and_then(Value::as_object_mut) {
        info.insert("title".into(), title.clone().into());
    }
    shape_security(&mut doc);
    let mut comments = Vec::new();
    if source_title != title {
        comments.push(("/info/title".to_owned(), wrap(&title_note(&source_title), 2)));
    }
    let version = source.pointer("/info/version").and_then(Value::as_str);
    let mut yaml = wrap(&header(version, tag, label), 0)
        .iter()
        .map(|l| format!("# {l}").trim_end().to_owned() + "\n")
        .collect::<String>();
    yaml.push_str(&yaml::to_string(&doc, &comments));
    check_round_trip(&yaml, &doc)?;
    let count = |pointer: &str| doc.pointer(pointer).and_then(Value::as_object).map_or(0, Map::len);
    let operations = operations(&doc).len();
    Ok(Fragment { schemas: count("/components/schemas"), operations, yaml })
}

/// The Swagger document reduced to the operations tagged `tag` and what
/// they reach (see the module documentation).
pub fn select(source: &Value, tag: &str) -> Result<Value, String> {
    let root = source.as_object().ok_or("the source is not a mapping")?;
    let paths = source.get("paths").and_then(Value::as_object).ok_or("the source has no `paths` mapping")?;
    let mut kept_paths = Map::new();
    let mut tags_used = BTreeSet::new();
    for (path, item) in paths {
        let Some(item) = item.as_object() else { continue };
        let has_tag = |op: &Value| op.get("tags").and_then(Value::as_array).is_some_and(|t| t.iter().any(|t| t == tag));
        if !item.iter().any(|(k, op)| METHODS.contains(&k.as_str()) && has_tag(op)) {
            continue;
        }
        let kept: Map<String, Value> = item
            .iter()
            .filter(|(k, op)| !METHODS.contains(&k.as_str()) || has_tag(op))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for op in kept.iter().filter(|(k, _)| METHODS.contains(&k.as_str())).map(|(_, op)| op) {
            let names = op.get("tags").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str);
            tags_used.extend(names.map(str::to_owned));
        }
        kept_paths.insert(path.clone(), Value::Object(kept));
    }
    if kept_paths.is_empty() {
        return Err(format!("no operation is tagged `{tag}`; the document's tags: {}", tag_names(source).join(", ")));
    }
    let reached = reachable(source, &Value::Object(kept_paths.clone()))?;
    let mut out = Map::new();
    for (key, value) in root {
        let value = match key.as_str() {
            "paths" => Value::Object(kept_paths.clone()),
            "definitions" | "parameters" | "responses" => {
                let section = value.as_object().into_iter().flatten();
                let kept = section.filter(|(name, _)| reached.contains(&(key.clone(), (*name).clone())));
                Value::Object(kept.map(|(k, v)| (k.clone(), v.clone())).collect())
            }
            "tags" => {
                let entries = value.as_array().into_iter().flatten();
                let kept =
                    entries.filter(|t| t.get("name").and_then(Value::as_str).is_some_and(|n| tags_used.contains(n)));
                Value::Array(kept.cloned().collect())
            }
            _ => value.clone(),
        };
        out.insert(key.clone(), value);
    }
    Ok(Value::Object(out))
}

/// The `(section, name)` of every root entry (`definitions`, `parameters`,
/// `responses`) reached from `start` through local `$ref`s, transitively.
fn reachable(source: &Value, start: &Value) -> Result<BTreeSet<(String, String)>, String> {
    let mut reached = BTreeSet::new();
    let mut pending = vec![start];
    while let Some(node) = pending.pop() {
        let mut refs = Vec::new();
        collect_refs(node, &mut refs);
        for reference in refs {
            let Some(rest) = reference.strip_prefix("#/") else { continue };
            let Some((section, name)) = rest.split_once('/') else { continue };
            if !matches!(section, "definitions" | "parameters" | "responses") {
                continue;
            }
            let name = name.replace("~1", "/").replace("~0", "~");
            let target = source
                .get(section)
                .and_then(|s| s.get(&name))
                .ok_or_else(|| format!("dangling `$ref`: `{reference}`"))?;
            if reached.insert((section.to_owned(), name)) {
                pending.push(target);
            }
        }
    }
    Ok(reached)
}

/// Every `$ref` string under `node`.
fn collect_refs<'a>(node: &'a Value, out: &mut Vec<&'a str>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", Value::String(r)) => out.push(r),
                    _ => collect_refs(value, out),
                }
            }
        }
        Value::Array(list) => list.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// The tag names the operations of `source` use, in order of first use.
fn tag_names(source: &Value) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for op in operations(source) {
        for name in op.get("tags").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            if !names.iter().any(|n| n == name) {
                names.push(name.to_owned());
            }
        }
    }
    names
}

/// The operations of a document, in path order.
fn operations(doc: &Value) -> Vec<&Value> {
    let items = doc.get("paths").and_then(Value::as_object).into_iter().flatten().filter_map(|(_, i)| i.as_object());
    items.flat_map(|item| item.iter().filter(|(k, _)| METHODS.contains(&k.as_str())).map(|(_, op)| op)).collect()
}

/// A scope and the operations (operationIds) asking for it.
type ScopeUse = (String, Vec<String>);

/// The scopes of each security scheme the operations of `doc` ask for, in
/// order of first use.
fn scope_usage(doc: &Value) -> Vec<(String, Vec<ScopeUse>)> {
    let mut used: Vec<(String, Vec<ScopeUse>)> = Vec::new();
    let root_security = doc.get("security");
    for op in operations(doc) {
        let label = op.get("operationId").and_then(Value::as_str).unwrap_or("an operation without operationId");
        let requirements = op.get("security").or(root_security).and_then(Value::as_array);
        for requirement in requirements.into_iter().flatten().filter_map(Value::as_object) {
            for (scheme, scopes) in requirement {
                if !used.iter().any(|(s, _)| s == scheme) {
                    used.push((scheme.clone(), Vec::new()));
                }
                let Some((_, scheme_scopes)) = used.iter_mut().find(|(s, _)| s == scheme) else { continue };
                for scope in scopes.as_array().into_iter().flatten().filter_map(Value::as_str) {
                    match scheme_scopes.iter_mut().find(|(s, _)| s == scope) {
                        Some((_, ops)) if ops.iter().any(|o| o == label) => {}
                        Some((_, ops)) => ops.push(label.to_owned()),
                        None => scheme_scopes.push((scope.to_owned(), vec![label.to_owned()])),
                    }
                }
            }
        }
    }
    used
}

/// Sets the OAuth2 shape described in the module documentation on the
/// converted document's security schemes.
fn shape_security(doc: &mut Value) {
    let used = scope_usage(doc);
    let Some(schemes) = doc.pointer_mut("/components/securitySchemes").and_then(Value::as_object_mut) else { return };
    for (name, scheme) in schemes.iter_mut() {
        if scheme.get("type").and_then(Value::as_str) != Some("oauth2") {
            continue;
        }
        let Some(flows) = scheme.get_mut("flows").and_then(Value::as_object_mut) else { continue };
        let authorization_url = flows.get("implicit").and_then(|f| f.get("authorizationUrl")).and_then(Value::as_str);
        if let (Some(url), false) = (authorization_url, flows.contains_key("clientCredentials")) {
            let flow = serde_json::json!({ "tokenUrl": format!("{}/oauth/token", origin(url)), "scopes": {} });
            flows.insert("clientCredentials".into(), flow);
        }
        let scheme_used = used.iter().find(|(s, _)| s == name).map_or(&[][..], |(_, scopes)| scopes.as_slice());
        let declared: Map<String, Value> = flows
            .values()
            .filter_map(|f| f.get("scopes").and_then(Value::as_object))
            .flat_map(|s| s.iter().map(|(k, v)| (k.clone(), v.clone())))
            .collect();
        let mut scopes = Map::new();
        if let Some(all) = declared.get("all") {
            scopes.insert("all".into(), all.clone());
        }
        for (scope, ops) in scheme_used {
            let description = declared.get(scope).cloned().unwrap_or_else(|| describe_scope(scope, ops).into());
            scopes.insert(scope.clone(), description);
        }
        for flow in flows.values_mut().filter_map(Value::as_object_mut) {
            flow.insert("scopes".into(), Value::Object(scopes.clone()));
        }
    }
}

/// `https://login.example.com` of `https://login.example.com/authorize`.
fn origin(url: &str) -> &str {
    let host_start = url.find("://").map_or(0, |i| i + 3);
    match url.get(host_start..).and_then(|rest| rest.find('/')) {
        Some(i) => url.get(..host_start + i).unwrap_or(url),
        None => url,
    }
}

/// `Routing (used by postA, postB)` for scope `routing`.
fn describe_scope(scope: &str, ops: &[String]) -> String {
    let mut chars = scope.chars();
    let capitalized: String = chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default();
    format!("{capitalized} (used by {})", ops.join(", "))
}

/// The header comment, as paragraphs (see [`wrap`]).
fn header(version: Option<&str>, tag: &str, label: &str) -> Vec<String> {
    let api = match version {
        Some(v) => format!("Genesys Cloud Platform API {v}"),
        None => "Genesys Cloud Platform API".to_owned(),
    };
    vec![
        format!("{api}, tag \"{tag}\", as OpenAPI 3.0.3."),
        format!(
            "Source: the Swagger 2.0 document `{label}` (relative to the workspace root; the README of that \
             reference data says where it comes from). This file holds the operations tagged \"{tag}\" and exactly the definitions they reach, \
             converted to OpenAPI 3.0 by `codegen::swagger2`, which keeps the order of paths, responses, schemas, \
             properties, `required` and `enum`. On purpose, `info.title` differs (see there) and the OAuth scheme \
             gains the client-credentials flow and lists the scopes the operations use."
        ),
        "Generated by the command below, run from the workspace root; do not edit by hand: change the source \
         or the tool and run it again."
            .to_owned(),
        format!("  cargo xtask spec --from {label} --tag {tag}"),
    ]
}

/// The comment on `info.title` when it differs from the source's.
fn title_note(source_title: &str) -> Vec<String> {
    let note = match source_title.starts_with("PureCloud Platform Agent Assistants ") {
        true => format!(
            "Differs from the source on purpose: its info.title, \"{source_title}\", is a naming bug of the \
             third-party per-tag splitter, not Genesys content."
        ),
        false => format!("Differs from the source on purpose: its info.title is \"{source_title}\"."),
    };
    vec![note]
}

/// Word-wraps paragraphs into comment lines for `indent` spaces, an empty
/// line between paragraphs; a paragraph starting with two spaces (a
/// command) is kept on one line.
fn wrap(paragraphs: &[String], indent: usize) -> Vec<String> {
    let width = COMMENT_WIDTH.saturating_sub(indent + 2);
    let mut lines = Vec::new();
    for (i, paragraph) in paragraphs.iter().enumerate() {
        if i > 0 {
            lines.push(String::new());
        }
        if paragraph.starts_with("  ") {
            lines.push(paragraph.clone());
            continue;
        }
        let mut line = String::new();
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            if !line.is_empty() && line.len() + 1 + word.len() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

/// Proves the YAML says exactly what `doc` says and loads in codegen.
fn check_round_trip(yaml: &str, doc: &Value) -> Result<(), String> {
    let read: Value =
        serde_yaml::from_str(yaml).map_err(|e| format!("internal error: the YAML written does not parse: {e}"))?;
    if &read != doc {
        return Err("internal error: the YAML written does not read back as the converted document".into());
    }
    codegen::load::load_str(yaml, "extracted fragment").map(|_| ()).map_err(|e| e.to_string())
}

/// The command line of `cargo xtask spec`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Args {
    /// `--from`: the published Swagger 2.0 document.
    pub from: PathBuf,
    /// `--tag`: the tag to extract.
    pub tag: String,
    /// `--out`: where to write the fragment.
    pub out: PathBuf,
}

/// Parses the arguments after `spec`; `root` is the workspace root, against
/// which the default `--out` is taken.
pub fn parse_args(root: &Path, args: &[&str]) -> Result<Args, String> {
    let (mut from, mut tag, mut out) = (None, None, None);
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let slot = match *flag {
            "--from" => &mut from,
            "--tag" => &mut tag,
            "--out" => &mut out,
            other => return Err(format!("unknown argument `{other}`")),
        };
        let value = rest.next().ok_or_else(|| format!("`{flag}` needs a value"))?;
        *slot = Some((*value).to_owned());
    }
    let from = PathBuf::from(from.ok_or("`--from <published.json|yaml>` is required")?);
    let tag = tag.ok_or("`--tag <Tag>` is required")?;
    let out = out.map_or_else(|| root.join(DEFAULT_OUT), PathBuf::from);
    Ok(Args { from, tag, out })
}

/// Entry point of `cargo xtask spec`; returns the exit code.
pub fn run(root: &Path, args: &[&str]) -> i32 {
    let args = match parse_args(root, args) {
        Ok(args) => args,
        Err(e) => {
            eprintln!(
                "error: {e}\n\nusage: cargo xtask spec --from <published.json|yaml> --tag <Tag> [--out {DEFAULT_OUT}]"
            );
            return 2;
        }
    };
    let result =
        read_source(&args.from).and_then(|source| extract(&source, &args.tag, &source_label(root, &args.from)));
    let fragment = match result {
        Ok(fragment) => fragment,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    let unchanged = fs::read_to_string(&args.out).is_ok_and(|old| old == fragment.yaml);
    if !unchanged {
        if let Err(e) = fs::write(&args.out, &fragment.yaml) {
            eprintln!("error: cannot write {}: {e}", args.out.display());
            return 1;
        }
    }
    println!(
        "spec: tag {}: {} operations, {} schemas; {} {}",
        args.tag,
        fragment.operations,
        fragment.schemas,
        args.out.display(),
        if unchanged { "unchanged" } else { "written" }
    );
    0
}
