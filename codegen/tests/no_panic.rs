//! No panics, ever: `codegen::generate_str` on thousands of broken specs.
//!
//! A deterministic mutation test. The bases are `spec/events-api.yaml` and
//! the small Swagger 2.0 per-tag fragments of the shared reference data;
//! each case applies one to three random mutations to a parsed base (delete
//! a node, rename or delete a `$ref` target, point a `$ref` elsewhere,
//! change a `type`, replace a value by a random scalar, list or map) and
//! writes it back as YAML or JSON, or mutates the text itself (truncate it,
//! overwrite random characters, insert YAML garbage), or is garbage
//! altogether. Every case must return `Ok`, or an `Err` that says where:
//! a JSON pointer (`#/…`) or a `file:line:col` position. Each case runs
//! under `catch_unwind`; panics are counted and printed with the mutation
//! and the input (saved under the target's tmp directory) before failing.
//!
//! The PRNG is SplitMix64 seeded per case, so a case is reproducible from
//! its number alone, whatever thread runs it. For a longer hunt, set
//! `NO_PANIC_SEED` and `NO_PANIC_CASES`; `NO_PANIC_VERBOSE=1` prints every
//! error message.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::time::Instant;

use serde_json::{Map, Value};

/// Number of cases (at least 1,000) unless `NO_PANIC_CASES` says otherwise.
const CASES: u64 = 1_200;
/// Seed of the whole run unless `NO_PANIC_SEED` says otherwise.
const SEED: u64 = 0x5EED_0007;

/// A number from the environment variable `name`, else `default`.
fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}
/// Threads running cases.
const THREADS: u64 = 2;

/// SplitMix64: small, fast and good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`0` when `n` is `0`).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn percent(&mut self, p: usize) -> bool {
        self.below(100) < p
    }
}

/// A spec the mutants derive from.
struct Base {
    name: String,
    text: String,
    tree: Value,
}

fn bases() -> Vec<Base> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let tags = root.join("../shared/reference/genesys-tags");
    let mut paths = vec![root.join("spec/events-api.yaml")];
    for tag in ["downloads", "stations", "utilities", "geolocation", "tokens"] {
        paths.push(tags.join(format!("genesys-{tag}-api-openapi.yml")));
    }
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            let tree: Value = serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            Base { name, text, tree }
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Tree mutations
// ---------------------------------------------------------------------------

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// The pointers of every node below the root, in document order.
fn pointers(value: &Value, at: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let pointer = format!("{at}/{}", escape(key));
                out.push(pointer.clone());
                pointers(child, &pointer, out);
            }
        }
        Value::Array(list) => {
            for (i, child) in list.iter().enumerate() {
                let pointer = format!("{at}/{i}");
                out.push(pointer.clone());
                pointers(child, &pointer, out);
            }
        }
        _ => {}
    }
}

/// Removes the node at `pointer` from its parent.
fn remove(tree: &mut Value, pointer: &str) {
    let Some((parent, last)) = pointer.rsplit_once('/') else { return };
    match tree.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.shift_remove(&unescape(last));
        }
        Some(Value::Array(list)) => {
            if let Ok(i) = last.parse::<usize>() {
                if i < list.len() {
                    list.remove(i);
                }
            }
        }
        _ => {}
    }
}

/// The mapping of named schemas: `components/schemas` or `definitions`.
fn schemas_pointer(tree: &Value) -> &'static str {
    match tree.get("definitions") {
        Some(_) => "/definitions",
        None => "/components/schemas",
    }
}

const SCALARS: &[&str] = &[
    "",
    "x",
    "0",
    "true",
    "null",
    "~",
    "#/components/schemas/",
    "#/definitions/",
    "#/components/schemas/Nope",
    "#/definitions/Nope",
    "#/paths/~1x",
    "http://example.com/other.json#/X",
    "a: b",
    "é✓ unicode ☃",
    "\u{0}\t\r\n",
    "type",
    "object",
    "array",
    "file",
    "formData",
    "body",
    "oauth2",
    "200",
    "default",
    "$ref",
    "x-inin-error-codes",
];

const KEYS: &[&str] = &[
    "type",
    "$ref",
    "properties",
    "items",
    "required",
    "enum",
    "in",
    "name",
    "schema",
    "allOf",
    "oneOf",
    "additionalProperties",
    "description",
    "x-inin-error-codes",
    "content",
    "responses",
    "parameters",
    "collectionFormat",
    "format",
    "200",
    "flow",
    "scopes",
];

fn random_scalar(rng: &mut Rng) -> Value {
    match rng.below(6) {
        0 => Value::String(rng.pick(SCALARS).to_string()),
        1 => Value::from(*rng.pick(&[0i64, -1, 1, 2, 200, 404, i64::MAX, i64::MIN])),
        2 => Value::from(*rng.pick(&[0.5f64, -1e300, 1e300, 3.0])),
        3 => Value::Bool(rng.percent(50)),
        4 => Value::Null,
        _ => Value::String("x".repeat(rng.below(300))),
    }
}

fn random_value(rng: &mut Rng, depth: usize) -> Value {
    if depth == 0 {
        return random_scalar(rng);
    }
    match rng.below(3) {
        0 => random_scalar(rng),
        1 => Value::Array((0..rng.below(4)).map(|_| random_value(rng, depth - 1)).collect()),
        _ => {
            let mut map = Map::new();
            for _ in 0..rng.below(4) {
                map.insert(rng.pick(KEYS).to_string(), random_value(rng, depth - 1));
            }
            Value::Object(map)
        }
    }
}

/// Applies one random tree mutation; returns what it did.
fn mutate_tree(rng: &mut Rng, tree: &mut Value) -> String {
    let mut all = Vec::new();
    pointers(tree, "", &mut all);
    if all.is_empty() {
        *tree = random_value(rng, 3);
        return "replace the document".into();
    }
    let pointer = rng.pick(&all).clone();
    match rng.below(6) {
        0 => {
            remove(tree, &pointer);
            format!("delete #{pointer}")
        }
        1 => {
            let section = schemas_pointer(tree);
            let names: Vec<String> =
                tree.pointer(section).and_then(Value::as_object).map_or_else(Vec::new, |m| m.keys().cloned().collect());
            if names.is_empty() {
                return "rename a $ref target (none)".into();
            }
            let name = rng.pick(&names).clone();
            let Some(Value::Object(map)) = tree.pointer_mut(section) else { return String::new() };
            let Some(schema) = map.shift_remove(&name) else { return String::new() };
            if rng.percent(50) {
                map.insert(format!("{name}Renamed"), schema);
                format!("rename $ref target {section}/{name}")
            } else {
                format!("delete $ref target {section}/{name}")
            }
        }
        2 => {
            let refs: Vec<&String> = all.iter().filter(|p| p.ends_with("/$ref")).collect();
            let Some(target) = (!refs.is_empty()).then(|| rng.pick(&refs).to_string()) else {
                return "retarget a $ref (none)".into();
            };
            let value = random_scalar(rng);
            let shown = value.to_string();
            if let Some(slot) = tree.pointer_mut(&target) {
                *slot = value;
            }
            format!("set #{target} to {shown}")
        }
        3 => {
            let types: Vec<&String> = all.iter().filter(|p| p.ends_with("/type")).collect();
            let Some(target) = (!types.is_empty()).then(|| rng.pick(&types).to_string()) else {
                return "change a type (none)".into();
            };
            let options = ["string", "integer", "number", "boolean", "array", "object", "file", "null", "strin", "5"];
            let value = match rng.below(4) {
                0 => random_value(rng, 1),
                _ => Value::String(rng.pick(&options).to_string()),
            };
            let shown = value.to_string();
            if let Some(slot) = tree.pointer_mut(&target) {
                *slot = value;
            }
            format!("set type #{target} to {shown}")
        }
        _ => {
            let value = random_value(rng, 2);
            let shown = value.to_string();
            if let Some(slot) = tree.pointer_mut(&pointer) {
                *slot = value;
            }
            format!("replace #{pointer} by {shown}")
        }
    }
}

// ---------------------------------------------------------------------------
// Text mutations
// ---------------------------------------------------------------------------

const GARBAGE: &[&str] = &[
    ": :",
    "- - -",
    "{[}",
    "&anchor",
    "*alias",
    "!!python/object:os.system",
    "? complex",
    "\t\tkey: value",
    "'unterminated",
    "\"bad escape \\q\"",
    "%YAML 1.1",
    "---",
    "...",
    "key: &a [*a]",
    "<<: *missing",
    "  type: [",
    "paths: ~",
    "\u{feff}",
    "\u{0}",
];

fn char_boundary(text: &str, at: usize) -> usize {
    (0..=at.min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0)
}

fn mutate_text(rng: &mut Rng, text: &str) -> (String, String) {
    match rng.below(4) {
        0 => {
            let cut = char_boundary(text, rng.below(text.len() + 1));
            (format!("truncate at byte {cut}"), text[..cut].to_owned())
        }
        1 => {
            let mut out = text.to_owned();
            let n = 1 + rng.below(8);
            for _ in 0..n {
                let c = match rng.below(4) {
                    0 => char::from(rng.below(128) as u8),
                    1 => *rng.pick(&['\t', '\n', ':', '-', '{', '[', '"', '\'', '#', '&', '*', '!', '|', '>']),
                    2 => *rng.pick(&['é', '✓', '\u{85}', '\u{2028}', '\u{feff}', '\u{10ffff}']),
                    _ => char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('?'),
                };
                let position = out.char_indices().nth(rng.below(out.chars().count()));
                match position {
                    Some((at, old)) => out.replace_range(at..at + old.len_utf8(), &c.to_string()),
                    None => out.push(c),
                }
            }
            (format!("overwrite {n} random characters"), out)
        }
        2 => {
            let lines: Vec<&str> = text.lines().collect();
            let at = rng.below(lines.len() + 1);
            let garbage = rng.pick(GARBAGE);
            let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            let indent = " ".repeat(rng.below(8));
            out.insert(at.min(out.len()), format!("{indent}{garbage}"));
            (format!("insert {garbage:?} at line {}", at + 1), out.join("\n"))
        }
        _ => {
            let deep = rng.below(400);
            let doc = format!("openapi: 3.0.3\ninfo: {}\n", "[".repeat(deep) + &"]".repeat(deep));
            (format!("{deep} nested lists"), doc)
        }
    }
}

/// Whole documents that are not specs at all.
const WHOLE: &[&str] = &[
    "",
    "null",
    "[]",
    "42",
    "{}",
    "swagger: 2.0",
    "swagger: '2.0'",
    "swagger: '2.0'\ninfo: x\npaths: []",
    "swagger: '3.0'\ninfo: {title: t, version: v}\npaths: {}",
    "swagger: '2.0'\ninfo: {title: t, version: v}\npaths: {/x: {get: {responses: {'200': {schema: {$ref: '#/definitions/A'}}}}}}",
    "openapi: 3.0.3",
    "openapi: 3.0.3\ninfo: {title: t, version: v}\npaths: {}",
    "{\"swagger\": \"2.0\", \"paths\": 1}",
    "{\"openapi\": 3",
    "openapi: 3.0.3\ninfo: {title: t, version: v}\npaths: {}\n---\nsecond: document",
    "swagger: '2.0'\n...\nmore: 1",
];

// ---------------------------------------------------------------------------
// Running cases
// ---------------------------------------------------------------------------

/// One mutant: what was done and the text to compile.
fn case(number: u64, seed: u64, bases: &[Base]) -> (String, String) {
    let mut rng = Rng::new(seed ^ number.wrapping_mul(0x2545_F491_4F6C_DD1D));
    // Half the cases start from the first base (the events spec).
    let base = if rng.percent(50) { &bases[0] } else { rng.pick(bases) };
    match rng.below(10) {
        0..=6 => {
            let mut tree = base.tree.clone();
            let mut done = Vec::new();
            let n = 1 + rng.below(3);
            done.extend((0..n).map(|_| mutate_tree(&mut rng, &mut tree)));
            let as_json = rng.percent(60);
            let text = match as_json {
                true => serde_json::to_string_pretty(&tree).unwrap_or_default(),
                false => serde_yaml::to_string(&tree).unwrap_or_default(),
            };
            let format = if as_json { "JSON" } else { "YAML" };
            (format!("{} as {format}: {}", base.name, done.join("; ")), text)
        }
        7..=8 => {
            let (done, text) = mutate_text(&mut rng, &base.text);
            (format!("{}: {done}", base.name), text)
        }
        _ => {
            let text = rng.pick(WHOLE).to_string();
            (format!("whole document {text:?}"), text)
        }
    }
}

thread_local! {
    /// The message and backtrace of the last panic on this thread.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// `true` when `message` names a place: a JSON pointer or `file:line:col`.
fn says_where(message: &str) -> bool {
    let position = message.strip_prefix("mutant.yaml:").is_some_and(|rest| {
        let mut parts = rest.splitn(3, ':');
        let number = |p: Option<&str>| p.is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
        number(parts.next()) && number(parts.next())
    });
    position || message.contains("#/")
}

/// Outcome counts of one thread.
#[derive(Default)]
struct Tally {
    ok: usize,
    located: usize,
    failures: Vec<String>,
    slowest: (u128, String),
}

fn run(cases: impl Iterator<Item = u64>, seed: u64, bases: &[Base]) -> Tally {
    let mut tally = Tally::default();
    let options = codegen::Options::new("mutant.yaml", "sdk");
    for number in cases {
        let (what, text) = case(number, seed, bases);
        let start = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| codegen::generate_str(&text, &options)));
        let elapsed = start.elapsed().as_millis();
        if elapsed > tally.slowest.0 {
            tally.slowest = (elapsed, format!("case {number}: {what}"));
        }
        let problem = match outcome {
            Ok(Ok(_)) => {
                tally.ok += 1;
                None
            }
            Ok(Err(e)) if says_where(&e.to_string()) => {
                tally.located += 1;
                if std::env::var_os("NO_PANIC_VERBOSE").is_some() {
                    let m = e.to_string();
                    let kind = m.split_once(": ").map_or(m.as_str(), |(_, k)| k).chars().take(60).collect::<String>();
                    println!("ERR {kind}");
                }
                None
            }
            Ok(Err(e)) => Some(format!("error without a location: {e}")),
            Err(_) => Some(format!("PANIC: {}", LAST_PANIC.with(|p| p.borrow_mut().take()).unwrap_or_default())),
        };
        if let Some(problem) = problem {
            let saved = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("no_panic_case_{number}.txt"));
            let _ = std::fs::write(&saved, &text);
            tally.failures.push(format!("case {number} ({what}); input saved to {}\n{problem}", saved.display()));
        }
    }
    tally
}

/// Proves a second YAML document, for which the YAML parser gives no
/// position, is reported at the line of the marker that starts it.
#[test]
fn a_second_document_is_located() {
    let text = "openapi: 3.0.3\ninfo: {title: t, version: v}\npaths: {}\n---\nsecond: document\n";
    let error = codegen::generate_str(text, &codegen::Options::new("mutant.yaml", "sdk")).expect_err("two documents");
    assert!(error.to_string().starts_with("mutant.yaml:4:1: "), "{error}");
}

/// Proves `generate_str` never panics and always says where a problem is,
/// on more than 1,000 mutated specs, in well under a minute.
#[test]
fn mutated_specs_never_panic() {
    let bases = bases();
    let (seed, cases) = (setting("NO_PANIC_SEED", SEED), setting("NO_PANIC_CASES", CASES));
    std::panic::set_hook(Box::new(|info| {
        let report = format!("{info}\n{}", std::backtrace::Backtrace::force_capture());
        LAST_PANIC.with(|p| *p.borrow_mut() = Some(report));
    }));
    let start = Instant::now();
    let tallies: Vec<Tally> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let bases = &bases;
                scope.spawn(move || run((0..cases).filter(move |n| n % THREADS == t), seed, bases))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_default()).collect()
    });
    let _ = std::panic::take_hook();
    let (ok, located): (usize, usize) = tallies.iter().fold((0, 0), |(o, l), t| (o + t.ok, l + t.located));
    let failures: Vec<&String> = tallies.iter().flat_map(|t| &t.failures).collect();
    let slowest = tallies.iter().map(|t| &t.slowest).max_by_key(|s| s.0).cloned().unwrap_or_default();
    let mut summary = String::new();
    let _ = write!(
        summary,
        "{cases} cases (seed {seed}) in {:.1} s: {ok} generated, {located} located errors, {} failures; slowest {} ms ({})",
        start.elapsed().as_secs_f64(),
        failures.len(),
        slowest.0,
        slowest.1
    );
    println!("{summary}");
    assert!(cases >= 1_000 || std::env::var_os("NO_PANIC_CASES").is_some(), "at least 1,000 cases");
    for failure in &failures {
        println!("\n{failure}");
    }
    assert!(
        failures.is_empty(),
        "{summary}\n\n{}",
        failures.iter().map(|f| f.as_str()).collect::<Vec<_>>().join("\n\n")
    );
}
