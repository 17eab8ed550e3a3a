//! The generated Markdown reference (`events-sdk/docs/`) checked against the
//! spec it comes from. Pages are parsed with pulldown-cmark into headings,
//! paragraphs, list items, tables, code blocks and links, and every fact the
//! spec states (operations, permissions, scopes, errors, schemas, fields,
//! enums) is looked up in that structure, never by comparing generated text
//! with itself. Also: every link resolves, every model page names its Rust
//! type, and a changed summary makes `--check` name both the Rust API file
//! and its Markdown page.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Component, Path, PathBuf};

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use serde_json::Value;
use xtask::sync::{self, Layout};

// ---------------------------------------------------------------------------
// Markdown structure
// ---------------------------------------------------------------------------

/// A link: its destination and its visible text.
#[derive(Debug, Clone, Default)]
struct Link {
    dest: String,
    text: String,
}

/// The inline content of a heading, paragraph, list item or table cell.
#[derive(Debug, Clone, Default)]
struct Inline {
    /// Plain text, with inline code spans and link texts included verbatim.
    raw: String,
    /// The inline code spans, in order.
    code: Vec<String>,
    /// The links, in order.
    links: Vec<Link>,
}

impl Inline {
    fn text(&self) -> &str {
        self.raw.trim()
    }

    fn links_to(&self, dest: &str) -> bool {
        self.links.iter().any(|l| l.dest == dest)
    }
}

/// One block of a page, in document order.
#[derive(Debug, Clone)]
enum Block {
    Heading { level: usize, inline: Inline },
    Paragraph(Inline),
    Item(Inline),
    Code { info: String, code: String },
    Table { head: Vec<Inline>, rows: Vec<Vec<Inline>> },
}

impl Block {
    /// Every inline container of the block (table cells included).
    fn inlines(&self) -> Vec<&Inline> {
        match self {
            Block::Heading { inline, .. } | Block::Paragraph(inline) | Block::Item(inline) => vec![inline],
            Block::Code { .. } => Vec::new(),
            Block::Table { head, rows } => head.iter().chain(rows.iter().flatten()).collect(),
        }
    }
}

/// Appends `text` to the innermost open inline container and to every open
/// link's text.
fn append(inlines: &mut [Inline], links: &mut [Link], text: &str) {
    if let Some(top) = inlines.last_mut() {
        top.raw.push_str(text);
    }
    for link in links {
        link.text.push_str(text);
    }
}

/// Parses Markdown into blocks from pulldown-cmark's event stream.
fn parse(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut inlines: Vec<Inline> = Vec::new();
    let mut links: Vec<Link> = Vec::new();
    let mut code: Option<(String, String)> = None;
    let mut table: Option<(Vec<Inline>, Vec<Vec<Inline>>)> = None;
    let mut row: Vec<Inline> = Vec::new();
    let mut open_items = 0usize;
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Heading { .. } | Tag::TableCell) => inlines.push(Inline::default()),
            Event::Start(Tag::Item) => {
                open_items += 1;
                inlines.push(Inline::default());
            }
            Event::Start(Tag::Paragraph) if open_items == 0 => inlines.push(Inline::default()),
            Event::End(TagEnd::Heading(level)) => {
                let inline = inlines.pop().expect("open heading");
                blocks.push(Block::Heading { level: level as usize, inline });
            }
            Event::End(TagEnd::Paragraph) => {
                if open_items == 0 {
                    blocks.push(Block::Paragraph(inlines.pop().expect("open paragraph")));
                } else {
                    append(&mut inlines, &mut [], " ");
                }
            }
            Event::End(TagEnd::Item) => {
                open_items -= 1;
                blocks.push(Block::Item(inlines.pop().expect("open item")));
            }
            Event::Start(Tag::Table(_)) => table = Some((Vec::new(), Vec::new())),
            Event::Start(Tag::TableHead | Tag::TableRow) => row.clear(),
            Event::End(TagEnd::TableCell) => row.push(inlines.pop().expect("open cell")),
            Event::End(TagEnd::TableHead) => table.as_mut().expect("open table").0 = std::mem::take(&mut row),
            Event::End(TagEnd::TableRow) => table.as_mut().expect("open table").1.push(std::mem::take(&mut row)),
            Event::End(TagEnd::Table) => {
                let (head, rows) = table.take().expect("open table");
                blocks.push(Block::Table { head, rows });
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((info, String::new()));
            }
            Event::End(TagEnd::CodeBlock) => {
                let (info, code) = code.take().expect("open code block");
                blocks.push(Block::Code { info, code });
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                links.push(Link { dest: dest_url.to_string(), text: String::new() })
            }
            Event::End(TagEnd::Link) => {
                let link = links.pop().expect("open link");
                inlines.last_mut().expect("a link inside a block").links.push(link);
            }
            Event::Text(text) => match code.as_mut() {
                Some((_, code)) => code.push_str(&text),
                None => append(&mut inlines, &mut links, &text),
            },
            Event::Code(text) => {
                append(&mut inlines, &mut links, &text);
                if let Some(top) = inlines.last_mut() {
                    top.code.push(text.to_string());
                }
            }
            Event::SoftBreak | Event::HardBreak => append(&mut inlines, &mut links, " "),
            _ => {}
        }
    }
    blocks
}

/// GitHub-style anchor of a heading: lowercase, spaces → `-`, punctuation
/// other than `-` and `_` dropped.
fn slug(heading: &str) -> String {
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

/// The anchors of every heading of a page, with GitHub's `-1`, `-2`, …
/// suffixes for repeated headings, mapped to the heading's block index.
fn anchors(blocks: &[Block]) -> BTreeMap<String, usize> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = BTreeMap::new();
    for (i, block) in blocks.iter().enumerate() {
        if let Block::Heading { inline, .. } = block {
            let base = slug(inline.text());
            let n = seen.entry(base.clone()).or_insert(0);
            let anchor = if *n == 0 { base.clone() } else { format!("{base}-{n}") };
            *n += 1;
            out.insert(anchor, i);
        }
    }
    out
}

/// The blocks under the heading at `index`, up to the next heading of the
/// same or a higher level.
fn under(blocks: &[Block], index: usize) -> &[Block] {
    let Block::Heading { level, .. } = &blocks[index] else { panic!("block {index} is not a heading") };
    let rest = &blocks[index + 1..];
    let end =
        rest.iter().position(|b| matches!(b, Block::Heading { level: l, .. } if l <= level)).unwrap_or(rest.len());
    &rest[..end]
}

/// The blocks under the heading `title` of `level`.
fn section<'a>(blocks: &'a [Block], level: usize, title: &str) -> Option<&'a [Block]> {
    let index = blocks
        .iter()
        .position(|b| matches!(b, Block::Heading { level: l, inline } if *l == level && inline.text() == title))?;
    Some(under(blocks, index))
}

/// The rows of the first table of `blocks` whose header cells are `head`.
fn table<'a>(blocks: &'a [Block], head: &[&str]) -> Option<&'a [Vec<Inline>]> {
    blocks.iter().find_map(|b| match b {
        Block::Table { head: h, rows } if h.iter().map(Inline::text).eq(head.iter().copied()) => Some(rows.as_slice()),
        _ => None,
    })
}

fn paragraphs(blocks: &[Block]) -> impl Iterator<Item = &Inline> {
    blocks.iter().filter_map(|b| match b {
        Block::Paragraph(p) => Some(p),
        _ => None,
    })
}

fn code_blocks(blocks: &[Block]) -> impl Iterator<Item = (&str, &str)> {
    blocks.iter().filter_map(|b| match b {
        Block::Code { info, code } => Some((info.as_str(), code.as_str())),
        _ => None,
    })
}

fn all_links(blocks: &[Block]) -> impl Iterator<Item = &Link> {
    blocks.iter().flat_map(Block::inlines).flat_map(|i| i.links.iter())
}

// ---------------------------------------------------------------------------
// Files and spec
// ---------------------------------------------------------------------------

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lies in the workspace").to_path_buf()
}

fn docs_dir() -> PathBuf {
    workspace().join("events-sdk/docs")
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn spec() -> Value {
    serde_yaml::from_str(&read(&workspace().join("spec/events-api.yaml"))).expect("spec parses as YAML")
}

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// One operation of the spec.
struct Op<'a> {
    method: &'a str,
    path: &'a str,
    value: &'a Value,
}

impl Op<'_> {
    fn operation_id(&self) -> &str {
        self.value["operationId"].as_str().expect("operationId")
    }

    /// The method's name: the snake_case operationId.
    fn fn_name(&self) -> String {
        snake_case(self.operation_id())
    }

    /// The API page the operation is documented on: `<Tag>Api.md`.
    fn page(&self) -> String {
        let tag = self.value["tags"][0].as_str().unwrap_or("Default");
        format!("{}Api.md", upper_camel(tag))
    }

    fn summary(&self) -> Option<&str> {
        self.value["summary"].as_str().map(str::trim).filter(|s| !s.is_empty())
    }
}

fn operations(spec: &Value) -> Vec<Op<'_>> {
    let mut out = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, value) in item.as_object().expect("path item") {
            if METHODS.contains(&method.as_str()) {
                out.push(Op { method, path, value });
            }
        }
    }
    out
}

fn schemas(spec: &Value) -> &serde_json::Map<String, Value> {
    spec["components"]["schemas"].as_object().expect("components.schemas")
}

/// The schema name a `$ref` (directly or through a single `allOf`) names.
fn ref_name(schema: &Value) -> Option<&str> {
    let reference = schema["$ref"].as_str().or_else(|| schema["allOf"][0]["$ref"].as_str())?;
    reference.rsplit('/').next()
}

/// The JSON body schema of a request body or response.
fn json_schema(value: &Value) -> &Value {
    &value["content"]["application/json"]["schema"]
}

fn snake_case(id: &str) -> String {
    let mut out = String::new();
    let mut after_lower = false;
    for c in id.chars() {
        if c.is_uppercase() {
            if after_lower {
                out.push('_');
            }
            out.extend(c.to_lowercase());
            after_lower = false;
        } else if c.is_alphanumeric() {
            out.push(c);
            after_lower = true;
        } else {
            out.push('_');
            after_lower = false;
        }
    }
    out
}

fn upper_camel(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map(|f| f.to_uppercase().chain(chars).collect::<String>()).unwrap_or_default()
        })
        .collect()
}

/// Paths of every file under `dir`, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display())) {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// `base/relative` with `.` and `..` resolved lexically.
fn join_normalized(base: &Path, relative: &str) -> PathBuf {
    let mut out = PathBuf::new();
    for component in base.join(relative).components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` relative to the docs folder when it lies under it.
fn shown(path: &Path) -> String {
    path.strip_prefix(docs_dir()).unwrap_or(path).display().to_string()
}

/// Fails with every collected problem, one per line.
fn assert_none(failures: &[String]) {
    assert!(failures.is_empty(), "{} problem(s) in events-sdk/docs:\n{}", failures.len(), failures.join("\n"));
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

/// Proves each API page documents every operation of the spec: a `##`
/// section named after the method with its signature, summary, HTTP method
/// and path, permissions (ANY/ALL), OAuth scopes, a compiling-shaped example
/// calling the method, the body parameter and return type linking to their
/// model pages, and an error table with every non-2xx status and its
/// `x-inin-error-codes`; and that the method table at the top links each
/// operation's section.
#[test]
fn api_pages_document_every_operation() {
    let spec = spec();
    let ops = operations(&spec);
    assert!(!ops.is_empty(), "the spec has operations");
    let mut failures = Vec::new();
    let mut pages: BTreeMap<String, Vec<Block>> = BTreeMap::new();
    for op in &ops {
        let page = op.page();
        let blocks = pages.entry(page.clone()).or_insert_with(|| parse(&read(&docs_dir().join(&page))));
        let name = op.fn_name();
        let at = format!("{page} § {name}");
        let Some(sec) = section(blocks, 2, &name) else {
            failures.push(format!("{page}: no `## {name}` section for {} {}", op.method.to_uppercase(), op.path));
            continue;
        };
        let request = ref_name(json_schema(&op.value["requestBody"]));
        let success = ref_name(json_schema(&op.value["responses"]["200"]));

        // Signature.
        let signature = format!("pub async fn {name}(");
        match code_blocks(sec).find(|(info, code)| info.starts_with("rust") && code.contains(&signature)) {
            None => failures.push(format!("{at}: no rust code block with `{signature}`")),
            Some((_, code)) => {
                if let Some(req) = request {
                    if !code.contains(&format!("body: &{req}")) {
                        failures.push(format!("{at}: signature does not take `body: &{req}`: {code}"));
                    }
                }
                if let Some(ret) = success {
                    if !code.contains(&format!("-> Result<{ret}, ")) {
                        failures.push(format!("{at}: signature does not return `Result<{ret}, _>`: {code}"));
                    }
                }
            }
        }

        // Summary, HTTP method and path.
        if let Some(summary) = op.summary() {
            if !paragraphs(sec).any(|p| p.text() == summary) {
                failures.push(format!("{at}: no paragraph with the summary {summary:?}"));
            }
        }
        let wraps = format!("Wraps {} {}", op.method.to_uppercase(), op.path);
        if !paragraphs(sec).any(|p| p.text() == wraps) {
            failures.push(format!("{at}: no paragraph {wraps:?}"));
        }

        // Permissions: the paragraph, then one list item per permission.
        let perms = &op.value["x-inin-requires-permissions"];
        if let Some(list) = perms["permissions"].as_array() {
            let kind = perms["type"].as_str().unwrap_or("ANY").to_uppercase();
            let intro = format!("Requires {kind} permissions:");
            let expected: Vec<&str> = list.iter().filter_map(Value::as_str).collect();
            match sec.iter().position(|b| matches!(b, Block::Paragraph(p) if p.text() == intro)) {
                None => failures.push(format!("{at}: no paragraph {intro:?}")),
                Some(i) => {
                    let items: Vec<&str> = sec[i + 1..]
                        .iter()
                        .map_while(|b| match b {
                            Block::Item(item) => Some(item.text()),
                            _ => None,
                        })
                        .collect();
                    if items != expected {
                        failures.push(format!("{at}: {intro:?} lists {items:?}, the spec {expected:?}"));
                    }
                }
            }
        }

        // OAuth scopes, from the operation's security or the global one.
        let security = op.value.get("security").or_else(|| spec.get("security"));
        let scopes: BTreeSet<&str> = security
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .flat_map(|req| req.values())
            .filter_map(Value::as_array)
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        if !scopes.is_empty() {
            match paragraphs(sec).find(|p| p.text().starts_with("OAuth scope")) {
                None => failures.push(format!("{at}: no `OAuth scope` paragraph (spec: {scopes:?})")),
                Some(p) => {
                    let listed: BTreeSet<&str> =
                        p.text().split_once(':').map_or("", |(_, rest)| rest).split(',').map(str::trim).collect();
                    if listed != scopes {
                        failures.push(format!("{at}: OAuth scopes {listed:?}, the spec {scopes:?}"));
                    }
                }
            }
        }

        // Example.
        let call = format!(".{name}(");
        match section(sec, 3, "Example") {
            None => failures.push(format!("{at}: no `### Example`")),
            Some(example) => {
                if !code_blocks(example).any(|(info, code)| info.starts_with("rust") && code.contains(&call)) {
                    failures.push(format!("{at}: `### Example` has no rust code block calling `{call}`"));
                }
            }
        }

        // Parameters.
        match section(sec, 3, "Parameters").and_then(|p| table(p, &["Name", "Type", "Description", "Notes"])) {
            None => failures.push(format!("{at}: no `### Parameters` table `Name | Type | Description | Notes`")),
            Some(rows) => {
                if let Some(req) = request {
                    let body = &op.value["requestBody"];
                    match rows.iter().find(|r| r.first().is_some_and(|c| c.text() == "body")) {
                        None => failures.push(format!("{at}: no `body` row in the parameters")),
                        Some(row) => {
                            let target = format!("models/{req}.md");
                            if !row.get(1).is_some_and(|c| c.links_to(&target)) {
                                failures.push(format!("{at}: the `body` row does not link to {target}"));
                            }
                            if let Some(docs) = body["description"].as_str().filter(|d| !d.trim().is_empty()) {
                                if row.get(2).map(Inline::text) != Some(docs.trim()) {
                                    failures.push(format!("{at}: the `body` row's description is not {docs:?}"));
                                }
                            }
                            let want = if body["required"].as_bool() == Some(true) { "required" } else { "optional" };
                            if row.get(3).map(Inline::text) != Some(want) {
                                failures.push(format!("{at}: the `body` row's notes are not {want:?}"));
                            }
                        }
                    }
                }
            }
        }

        // Return type.
        match section(sec, 3, "Return type") {
            None => failures.push(format!("{at}: no `### Return type`")),
            Some(ret) => {
                if let Some(schema) = success {
                    let target = format!("models/{schema}.md");
                    if !ret.iter().flat_map(Block::inlines).any(|i| i.links_to(&target)) {
                        failures.push(format!("{at}: `### Return type` does not link to {target}"));
                    }
                }
            }
        }

        // Errors.
        let responses = op.value["responses"].as_object().expect("responses");
        let errors: Vec<(&String, &Value)> = responses.iter().filter(|(status, _)| !status.starts_with('2')).collect();
        if !errors.is_empty() {
            match section(sec, 3, "Errors").and_then(|e| table(e, &["Status", "Description", "Error codes"])) {
                None => failures.push(format!("{at}: no `### Errors` table `Status | Description | Error codes`")),
                Some(rows) => {
                    for (status, response) in &errors {
                        let Some(row) = rows.iter().find(|r| r.first().is_some_and(|c| c.text() == status.as_str()))
                        else {
                            failures.push(format!("{at}: no `### Errors` row for {status}"));
                            continue;
                        };
                        let description = response["description"].as_str().unwrap_or("").trim();
                        if row.get(1).map(Inline::text) != Some(description) {
                            failures.push(format!(
                                "{at}: error {status} reads {:?}, the spec {description:?}",
                                row.get(1).map(Inline::text)
                            ));
                        }
                        let expected: Vec<&str> = response["x-inin-error-codes"]
                            .as_object()
                            .map(|m| m.keys().map(String::as_str).collect())
                            .unwrap_or_default();
                        let listed: Vec<&str> = row
                            .get(2)
                            .map(|c| c.text().split(',').map(str::trim).filter(|s| !s.is_empty()).collect())
                            .unwrap_or_default();
                        if listed != expected {
                            failures
                                .push(format!("{at}: error {status} lists codes {listed:?}, the spec {expected:?}"));
                        }
                    }
                    let documented: BTreeSet<&str> = rows.iter().filter_map(|r| r.first()).map(Inline::text).collect();
                    let specified: BTreeSet<&str> = errors.iter().map(|(s, _)| s.as_str()).collect();
                    if documented != specified {
                        failures.push(format!("{at}: error rows for {documented:?}, the spec has {specified:?}"));
                    }
                }
            }
        }
    }

    // The method table at the top of each page.
    for (page, blocks) in &pages {
        let first_section = blocks
            .iter()
            .position(|b| matches!(b, Block::Heading { level, .. } if *level >= 2))
            .unwrap_or(blocks.len());
        let page_anchors = anchors(blocks);
        let Some(rows) = table(&blocks[..first_section], &["Method", "HTTP request", "Description"]) else {
            failures.push(format!(
                "{page}: no method table `Method | HTTP request | Description` before the first section"
            ));
            continue;
        };
        let page_ops: Vec<&Op> = ops.iter().filter(|op| &op.page() == page).collect();
        if rows.len() != page_ops.len() {
            failures.push(format!("{page}: method table has {} rows for {} operations", rows.len(), page_ops.len()));
        }
        for op in page_ops {
            let name = op.fn_name();
            let Some(row) = rows.iter().find(|r| r.first().is_some_and(|c| c.text() == name)) else {
                failures.push(format!("{page}: method table has no row for {name}"));
                continue;
            };
            let anchor = slug(&name);
            if !row[0].links_to(&format!("#{anchor}")) {
                failures.push(format!("{page}: method table row {name} does not link to #{anchor}"));
            }
            match page_anchors.get(&anchor) {
                Some(&i) if matches!(&blocks[i], Block::Heading { level: 2, inline } if inline.text() == name) => {}
                _ => failures.push(format!("{page}: #{anchor} is not the anchor of the `## {name}` section")),
            }
            let request = format!("{} {}", op.method.to_uppercase(), op.path);
            if row.get(1).map(Inline::text) != Some(request.as_str()) {
                failures.push(format!("{page}: method table row {name} does not read {request:?}"));
            }
            if row.get(2).map(Inline::text) != Some(op.summary().unwrap_or("")) {
                failures.push(format!("{page}: method table row {name} does not describe it as {:?}", op.summary()));
            }
        }
    }
    assert_none(&failures);
}

/// Proves every schema has a model page whose first heading is its name and
/// whose field table lists every property (wire name) in spec order, says
/// `required`/`optional` exactly as the schema's `required` list does,
/// mentions `date-time`/`int32`/`int64` formats, links `$ref` properties to
/// their model page and links inline enums to a section of the same page
/// that lists every value.
#[test]
fn model_pages_document_every_schema_field() {
    let spec = spec();
    let mut failures = Vec::new();
    for (name, schema) in schemas(&spec) {
        let file = format!("models/{name}.md");
        let path = docs_dir().join(&file);
        if !path.is_file() {
            failures.push(format!("{file}: missing"));
            continue;
        }
        let blocks = parse(&read(&path));
        let page_anchors = anchors(&blocks);
        match blocks.iter().find(|b| matches!(b, Block::Heading { .. })) {
            Some(Block::Heading { level: 1, inline }) if inline.text() == name => {}
            other => failures.push(format!("{file}: first heading is {other:?}, not `# {name}`")),
        }
        let Some(top) = section(&blocks, 1, name) else { continue };
        let Some(properties) = schema["properties"].as_object().filter(|p| !p.is_empty()) else { continue };
        let Some(rows) = table(top, &["Name", "Type", "Description", "Notes"]) else {
            failures.push(format!("{file}: no field table `Name | Type | Description | Notes`"));
            continue;
        };
        let documented: Vec<&str> = rows.iter().filter_map(|r| r.first()).map(Inline::text).collect();
        let specified: Vec<&str> = properties.keys().map(String::as_str).collect();
        if documented != specified {
            failures.push(format!("{file}: field rows {documented:?}, the spec's properties {specified:?}"));
        }
        let required: BTreeSet<&str> =
            schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        for (property, prop) in properties {
            let Some(row) = rows.iter().find(|r| r.first().is_some_and(|c| c.text() == property)) else { continue };
            let at = format!("{file} § {property}");
            let notes: Vec<&str> = row.get(3).map(|c| c.text().split(';').map(str::trim).collect()).unwrap_or_default();
            let (want, not) =
                if required.contains(property.as_str()) { ("required", "optional") } else { ("optional", "required") };
            if !notes.contains(&want) || notes.contains(&not) {
                failures.push(format!("{at}: notes {notes:?} should say {want:?}"));
            }
            let item = &prop["items"];
            if let Some(format) = prop["format"].as_str().or_else(|| item["format"].as_str()) {
                if ["date-time", "int32", "int64"].contains(&format)
                    && !notes.contains(&format!("format: {format}").as_str())
                {
                    failures.push(format!("{at}: notes {notes:?} do not mention `format: {format}`"));
                }
            }
            let ty = row.get(1).cloned().unwrap_or_default();
            if let Some(target) = ref_name(prop).or_else(|| ref_name(item)) {
                let link = format!("{target}.md");
                if !ty.links_to(&link) {
                    failures.push(format!("{at}: type cell {:?} does not link to {link}", ty.text()));
                }
            }
            if let Some(values) = prop["enum"].as_array().or_else(|| item["enum"].as_array()) {
                let values: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
                let Some(anchor) = ty.links.iter().find_map(|l| l.dest.strip_prefix('#')) else {
                    failures.push(format!("{at}: enum type cell {:?} links to no section of the page", ty.text()));
                    continue;
                };
                let Some(&heading) = page_anchors.get(anchor) else {
                    failures.push(format!("{at}: enum link #{anchor} matches no heading of {file}"));
                    continue;
                };
                let listed: Vec<&str> = match under(&blocks, heading).iter().find(|b| matches!(b, Block::Table { .. }))
                {
                    Some(Block::Table { rows, .. }) => {
                        rows.iter().filter_map(|r| r.first()).map(Inline::text).collect()
                    }
                    _ => Vec::new(),
                };
                if listed != values {
                    failures.push(format!("{at}: section #{anchor} lists {listed:?}, the spec's enum {values:?}"));
                }
            }
        }
    }
    assert_none(&failures);
}

/// Proves the index `docs/README.md` links every API page (one per tag of
/// the spec, and every API page on disk) and every model page (one per
/// schema, and every model page on disk).
#[test]
fn index_links_every_api_and_model_page() {
    let spec = spec();
    let blocks = parse(&read(&docs_dir().join("README.md")));
    let linked: BTreeSet<&str> = all_links(&blocks).map(|l| l.dest.split('#').next().unwrap_or("")).collect();
    let mut expected: BTreeSet<String> = operations(&spec).iter().map(Op::page).collect();
    expected.extend(schemas(&spec).keys().map(|name| format!("models/{name}.md")));
    for path in files_under(&docs_dir()) {
        let rel = path.strip_prefix(docs_dir()).expect("under docs").to_string_lossy().replace('\\', "/");
        if rel.ends_with(".md") && rel != "README.md" {
            expected.insert(rel);
        }
    }
    let failures: Vec<String> = expected
        .iter()
        .filter(|page| !linked.contains(page.as_str()))
        .map(|page| format!("README.md: no link to {page}"))
        .collect();
    assert_none(&failures);
}

/// Proves every link in every page under `events-sdk/docs/` resolves:
/// relative file links point to existing files and `#anchor` parts (same
/// page or another page) match a GitHub-style heading anchor of the target.
/// External http(s) links are skipped.
#[test]
fn every_link_in_docs_resolves() {
    let mut failures = Vec::new();
    let mut parsed: BTreeMap<PathBuf, Vec<Block>> = BTreeMap::new();
    let pages: Vec<PathBuf> =
        files_under(&docs_dir()).into_iter().filter(|p| p.extension().is_some_and(|e| e == "md")).collect();
    assert!(!pages.is_empty(), "events-sdk/docs has pages");
    for page in &pages {
        parsed.insert(page.clone(), parse(&read(page)));
    }
    let (mut files, mut fragments) = (0, 0);
    for page in &pages {
        let rel = page.strip_prefix(docs_dir()).expect("under docs").display().to_string();
        let links: Vec<Link> = all_links(&parsed[page]).cloned().collect();
        for link in &links {
            let dest = link.dest.as_str();
            if dest.starts_with("http://") || dest.starts_with("https://") || dest.starts_with("mailto:") {
                continue;
            }
            let (file, fragment) = match dest.split_once('#') {
                Some((file, fragment)) => (file, Some(fragment)),
                None => (dest, None),
            };
            let target =
                if file.is_empty() { page.clone() } else { join_normalized(page.parent().expect("parent"), file) };
            if !target.is_file() {
                failures.push(format!(
                    "{rel}: link [{}]({dest}) points to a missing file {}",
                    link.text,
                    shown(&target)
                ));
                continue;
            }
            files += 1;
            let Some(fragment) = fragment else { continue };
            fragments += 1;
            if !parsed.contains_key(&target) {
                if target.extension().is_some_and(|e| e == "md") {
                    parsed.insert(target.clone(), parse(&read(&target)));
                } else {
                    failures
                        .push(format!("{rel}: link [{}]({dest}) has an anchor into a non-Markdown file", link.text));
                    continue;
                }
            }
            if !anchors(&parsed[&target]).contains_key(fragment) {
                failures.push(format!(
                    "{rel}: link [{}]({dest}): no heading with anchor #{fragment} in {}",
                    link.text,
                    shown(&target)
                ));
            }
        }
    }
    assert!(files > 0 && fragments > 0, "links were checked ({files} files, {fragments} anchors)");
    assert_none(&failures);
}

/// Proves each model page names the Rust type it documents as
/// `events_sdk::models::<Name>` (in inline code under its title, and for each
/// inline type section under that section's heading), and that every path
/// named is re-exported by the generated `events_sdk::models` module.
#[test]
fn model_pages_name_their_rust_type() {
    let spec = spec();
    let mod_rs = read(&workspace().join("events-sdk/src/models/mod.rs"));
    let exported: BTreeSet<&str> = mod_rs
        .split("pub use ")
        .skip(1)
        .filter_map(|statement| statement.split(';').next())
        .filter_map(|path| path.split_once("::").map(|(_, names)| names))
        .flat_map(|names| names.split(|c: char| !(c.is_alphanumeric() || c == '_')))
        .filter(|n| !n.is_empty())
        .collect();
    let mut failures = Vec::new();
    for name in schemas(&spec).keys() {
        let file = format!("models/{name}.md");
        let path = docs_dir().join(&file);
        if !path.is_file() {
            failures.push(format!("{file}: missing"));
            continue;
        }
        let blocks = parse(&read(&path));
        let mut types = vec![(1, name.clone())];
        types.extend(blocks.iter().filter_map(|b| match b {
            Block::Heading { level: 2, inline } => Some((2, inline.text().to_owned())),
            _ => None,
        }));
        for (level, ty) in types {
            let rust_path = format!("events_sdk::models::{ty}");
            let Some(sec) = section(&blocks, level, &ty) else {
                failures.push(format!("{file}: no heading `{ty}`"));
                continue;
            };
            let own = sec.iter().take_while(|b| !matches!(b, Block::Heading { .. }));
            if !own.flat_map(Block::inlines).any(|i| i.code.iter().any(|c| c == &rust_path)) {
                failures.push(format!("{file} § {ty}: does not name `{rust_path}`"));
            }
            if !exported.contains(ty.as_str()) {
                failures
                    .push(format!("{file} § {ty}: `{rust_path}` is not re-exported by events-sdk/src/models/mod.rs"));
            }
        }
    }
    assert_none(&failures);
}

/// Proves changing one operation's `summary` in a temporary copy of the
/// spec makes the plan and the `--check` report name both the Rust API file
/// and its Markdown page (and the index, which shows summaries), with the new
/// summary in each new content, leaves the models alone, and makes
/// `--check` exit 1 without writing anything.
#[test]
fn changed_summary_is_reported_for_code_and_docs() {
    const OLD: &str = "Publish User Presence Status Batch Events";
    const NEW: &str = "Publish Presence Changes Of Users In Batches";
    let dir = tempfile::tempdir().expect("tempdir");
    let spec_path = dir.path().join("events-api.yaml");
    fs::copy(workspace().join("spec/events-api.yaml"), &spec_path).expect("copy spec");
    let layout =
        Layout { spec: spec_path, spec_label: "spec/events-api.yaml".to_owned(), sdk: dir.path().join("events-sdk") };
    assert_eq!(sync::run(&layout, false), 0, "initial generation");

    // Does the generated index show summaries? Then it must change too.
    let index = parse(&read(&layout.sdk.join("docs/README.md")));
    let index_shows_summaries = index.iter().flat_map(Block::inlines).any(|i| i.text() == OLD);

    let text = read(&layout.spec);
    let old_line = format!("summary: {OLD}\n");
    assert_eq!(text.matches(&old_line).count(), 1, "fixture summary present once");
    fs::write(&layout.spec, text.replacen(&old_line, &format!("summary: {NEW}\n"), 1)).expect("write spec");
    let spec: Value = serde_yaml::from_str(&read(&layout.spec)).expect("spec parses");
    let op = operations(&spec).into_iter().find(|op| op.summary() == Some(NEW)).expect("the edited operation");
    let name = op.fn_name();

    let plan = sync::plan(&layout).expect("plan");
    let changed: BTreeMap<&str, &str> =
        plan.changed.iter().map(|(path, _, new)| (path.as_str(), new.as_str())).collect();
    let mut expected = vec!["src/apis/events_api.rs", "docs/EventsApi.md"];
    if index_shows_summaries {
        expected.push("docs/README.md");
    }
    for path in &expected {
        let Some(new) = changed.get(path) else { panic!("plan does not name {path}; it changes {:?}", changed.keys()) };
        assert!(new.contains(NEW), "{path}: new contents lack the new summary");
        assert!(!new.contains(OLD), "{path}: new contents still hold the old summary");
    }
    assert!(plan.stale.is_empty(), "nothing stale: {:?}", plan.stale);
    let models: Vec<&&str> =
        changed.keys().filter(|p| p.starts_with("src/models/") || p.starts_with("docs/models/")).collect();
    assert!(models.is_empty(), "a summary change touches no model: {models:?}");

    // The new API page, parsed: the section and the method table carry the new summary.
    let page = parse(changed["docs/EventsApi.md"]);
    let sec = section(&page, 2, &name).expect("operation section");
    assert!(paragraphs(sec).any(|p| p.text() == NEW), "section {name} shows the new summary");
    let rows = table(&page, &["Method", "HTTP request", "Description"]).expect("method table");
    let row = rows.iter().find(|r| r[0].text() == name).expect("method row");
    assert_eq!(row[2].text(), NEW);

    let report = sync::report(&plan, "events-sdk");
    for path in &expected {
        assert!(report.contains(&format!("+++ events-sdk/{path}")), "report names {path}:\n{report}");
    }
    assert!(report.lines().any(|l| l.starts_with('-') && l.contains(OLD)), "report removes the old summary:\n{report}");
    assert!(report.lines().any(|l| l.starts_with('+') && l.contains(NEW)), "report adds the new summary:\n{report}");

    let before: Vec<String> = expected.iter().map(|p| read(&layout.sdk.join(p))).collect();
    assert_eq!(sync::run(&layout, true), 1);
    let after: Vec<String> = expected.iter().map(|p| read(&layout.sdk.join(p))).collect();
    assert_eq!(before, after, "--check writes nothing");
}
