//! `cargo xtask spec` (`xtask::extract`): extracting the Events tag from the
//! reference swagger reproduces the checked-in `spec/events-api.yaml` byte
//! for byte; extracting a tag from other Genesys fragments keeps exactly
//! the tag's operations and the definitions they reach (checked against a
//! reachability computed here, independently, over the raw JSON); the YAML
//! writer quotes what needs quoting; the command line works.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use xtask::extract::{self, yaml};

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch"];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn reference() -> PathBuf {
    workspace().join("../shared/reference")
}

fn fragment_path(tag: &str) -> PathBuf {
    reference().join(format!("genesys-tags/genesys-{tag}-api-openapi.yml"))
}

fn read_source(path: &Path) -> Value {
    extract::read_source(path).unwrap_or_else(|e| panic!("{e}"))
}

/// Proves re-running the extraction on the reference swagger reproduces the
/// checked-in spec byte for byte (and says so as `cargo xtask spec` would).
#[test]
fn extraction_reproduces_the_checked_in_spec_byte_for_byte() {
    let from = reference().join("genesys-events-swagger.json");
    let label = extract::source_label(&workspace(), &from);
    assert_eq!(label, "../shared/reference/genesys-events-swagger.json");
    let fragment = extract::extract(&read_source(&from), "Events", &label).expect("extracts");
    let checked_in = fs::read_to_string(workspace().join("spec/events-api.yaml")).expect("read spec");
    if fragment.yaml != checked_in {
        let diff = similar::TextDiff::from_lines(checked_in.as_str(), fragment.yaml.as_str());
        let diff = diff.unified_diff().context_radius(2).header("spec/events-api.yaml", "extracted").to_string();
        panic!("the extraction differs from spec/events-api.yaml; run `cargo xtask spec --from {label} --tag Events`:\n{diff}");
    }
    assert_eq!((fragment.operations, fragment.schemas), (3, 46));
}

/// `(path, method)` of every operation of `doc` tagged `tag`, in order.
fn tagged_operations(doc: &Value, tag: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            let tags = op.get("tags").and_then(Value::as_array);
            if METHODS.contains(&method.as_str()) && tags.is_some_and(|t| t.iter().any(|t| t == tag)) {
                out.push((path.clone(), method.clone()));
            }
        }
    }
    out
}

/// Every string under a `$ref` key below `value`.
fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => map.iter().for_each(|(k, v)| match (k.as_str(), v) {
            ("$ref", Value::String(r)) => out.push(r.clone()),
            _ => refs(v, out),
        }),
        Value::Array(list) => list.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// The definitions reachable from the tagged operations, in the source's
/// definition order: a plain fixpoint over `#/definitions/` references.
fn reachable_definitions(source: &Value, tag: &str) -> Vec<String> {
    let mut pending = Vec::new();
    for (path, method) in tagged_operations(source, tag) {
        refs(&source["paths"][&path][&method], &mut pending);
        refs(&source["paths"][&path]["parameters"], &mut pending);
    }
    let mut seen = BTreeSet::new();
    while let Some(reference) = pending.pop() {
        let name =
            reference.strip_prefix("#/definitions/").expect("only definition refs in these fragments").to_owned();
        if seen.insert(name.clone()) {
            refs(&source["definitions"][&name], &mut pending);
        }
    }
    let order = source["definitions"].as_object().expect("definitions").keys();
    order.filter(|name| seen.contains(*name)).cloned().collect()
}

/// `(path, method)` of every operation of a converted fragment.
fn operations(doc: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("path item").keys().filter(|m| METHODS.contains(&m.as_str())) {
            out.push((path.clone(), method.clone()));
        }
    }
    out
}

/// Checks one extraction against the independent computation.
fn check_fragment(source: &Value, tag: &str) {
    let fragment = extract::extract(source, tag, "source.yml").unwrap_or_else(|e| panic!("{tag}: {e}"));
    let doc: Value = serde_yaml::from_str(&fragment.yaml).expect("the fragment is YAML");
    assert_eq!(operations(&doc), tagged_operations(source, tag), "{tag}: exactly the tagged operations");
    let schemas: Vec<&String> = doc["components"]["schemas"].as_object().expect("schemas").keys().collect();
    let expected = reachable_definitions(source, tag);
    assert_eq!(schemas, expected.iter().collect::<Vec<_>>(), "{tag}: exactly the reachable definitions, in order");
    assert_eq!((fragment.operations, fragment.schemas), (expected_ops(source, tag), expected.len()));
    assert_eq!(doc["info"]["title"], format!("Genesys Cloud Platform API ({tag} tag)"));
    assert!(fragment.yaml.contains("\n  # Differs from the source on purpose: its info.title, \"PureCloud Platform"));
    let tags: Vec<&Value> = doc["tags"].as_array().expect("tags").iter().map(|t| &t["name"]).collect();
    assert_eq!(tags, [tag], "{tag}: only the tag's entry");
    // Every scope an operation asks for is declared, in both flows.
    let flows = &doc["components"]["securitySchemes"]["PureCloud OAuth"]["flows"];
    let token_url = "https://login.mypurecloud.com/oauth/token";
    assert_eq!(flows["clientCredentials"]["tokenUrl"], token_url, "{tag}");
    for (path, method) in operations(&doc) {
        for requirement in doc["paths"][&path][&method]["security"].as_array().into_iter().flatten() {
            for scope in requirement["PureCloud OAuth"].as_array().into_iter().flatten().filter_map(Value::as_str) {
                for flow in ["implicit", "clientCredentials"] {
                    assert!(flows[flow]["scopes"].get(scope).is_some(), "{tag}: {flow} lacks scope {scope}");
                }
            }
        }
    }
    codegen::load::load_str(&fragment.yaml, "fragment").unwrap_or_else(|e| panic!("{tag}: the fragment loads: {e}"));
}

fn expected_ops(source: &Value, tag: &str) -> usize {
    tagged_operations(source, tag).len()
}

/// Proves extracting each small Genesys fragment's tag keeps all of its
/// operations and exactly the definitions they reach.
#[test]
fn tag_fragments_keep_their_operations_and_reachable_definitions() {
    for (file, tag) in
        [("downloads", "Downloads"), ("stations", "Stations"), ("geolocation", "Geolocation"), ("tokens", "Tokens")]
    {
        check_fragment(&read_source(&fragment_path(file)), tag);
    }
}

/// Proves extraction really filters: from one document merging two tags'
/// fragments, each tag gets only its operations and the definitions they
/// reach (the other tag's definitions are left out).
#[test]
fn extraction_leaves_other_tags_out() {
    let mut merged = read_source(&fragment_path("stations"));
    let other = read_source(&fragment_path("utilities"));
    for section in ["paths", "definitions"] {
        let target = merged[section].as_object_mut().expect(section);
        for (key, value) in other[section].as_object().expect(section) {
            target.entry(key.clone()).or_insert_with(|| value.clone());
        }
    }
    let tags = merged["tags"].as_array_mut().expect("tags");
    tags.extend(other["tags"].as_array().expect("tags").iter().cloned());
    check_fragment(&merged, "Stations");
    check_fragment(&merged, "Utilities");
    let stations = extract::extract(&merged, "Stations", "merged").expect("extracts").yaml;
    let only_utilities: BTreeSet<String> = reachable_definitions(&merged, "Utilities")
        .into_iter()
        .filter(|d| !reachable_definitions(&merged, "Stations").contains(d))
        .collect();
    assert!(!only_utilities.is_empty());
    for name in only_utilities {
        assert!(!stations.contains(&format!("\n    {name}:\n")), "{name} leaked into the Stations fragment");
    }
    let error = extract::extract(&merged, "Nope", "merged").expect_err("no such tag");
    assert!(error.contains("no operation is tagged `Nope`") && error.contains("Stations"), "{error}");
}

/// Proves the YAML writer quotes exactly what a YAML reader would otherwise
/// misread, and that everything it writes reads back unchanged.
#[test]
fn yaml_strings_are_quoted_only_when_needed() {
    let cases = [
        ("plain words", "plain words"),
        ("3.0.3", "3.0.3"),
        ("v2", "v2"),
        ("Value [%s] is invalid", "Value [%s] is invalid"),
        ("200", "'200'"),
        ("", "''"),
        ("true", "'true'"),
        ("yes", "'yes'"),
        ("Off", "'Off'"),
        ("null", "'null'"),
        ("~", "'~'"),
        ("1.5", "'1.5'"),
        ("1e3", "'1e3'"),
        ("0o17", "'0o17'"),
        ("0x1F", "'0x1F'"),
        ("1:30", "'1:30'"),
        ("2024-01-31", "'2024-01-31'"),
        ("#/components/schemas/X", "'#/components/schemas/X'"),
        ("%s", "'%s'"),
        ("For example: yyyy", "'For example: yyyy'"),
        ("a #comment", "'a #comment'"),
        ("trailing:", "'trailing:'"),
        ("- item", "'- item'"),
        (" leading space", "' leading space'"),
        ("it's", "it's"),
        ("'quoted'", "'''quoted'''"),
        ("two\nlines", "\"two\\nlines\""),
        ("tab\there", "\"tab\\there\""),
        ("é ✓ ünïcode", "é ✓ ünïcode"),
    ];
    for (input, written) in cases {
        assert_eq!(yaml::string(input, false), written, "{input:?}");
    }
    let mut map = Map::new();
    for (i, (input, _)) in cases.iter().enumerate() {
        map.insert((*input).to_owned(), Value::from(vec![Value::from(*input), Value::from(i), Value::Null]));
    }
    map.insert(
        "empty".into(),
        serde_json::json!({ "list": [], "map": {}, "nested": [[1, [2]], { "a": { "b": true } }] }),
    );
    let value = Value::Object(map);
    let text = yaml::to_string(&value, &[("/empty/map".to_owned(), vec!["a comment".to_owned()])]);
    assert!(text.contains("\n  # a comment\n  map: {}\n"), "{text}");
    assert!(text.contains("  nested:\n    - - 1\n      - - 2\n    - a:\n        b: true\n"), "{text}");
    let read: Value = serde_yaml::from_str(&text).expect("reads back");
    assert_eq!(read, value);
}

/// Proves the command line: `--from`/`--tag`/`--out` write the fragment
/// (and leave an identical file alone); a missing tag or argument fails.
#[test]
fn command_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("stations.yaml");
    let from = fragment_path("stations");
    let (from_text, out_text) = (from.to_string_lossy().into_owned(), out.to_string_lossy().into_owned());
    let args = ["--from", from_text.as_str(), "--tag", "Stations", "--out", out_text.as_str()];
    assert_eq!(extract::run(&workspace(), &args), 0);
    let label = extract::source_label(&workspace(), &from);
    let expected = extract::extract(&read_source(&from), "Stations", &label).expect("extracts").yaml;
    assert_eq!(fs::read_to_string(&out).expect("written"), expected);
    assert!(expected.contains(&format!("#   cargo xtask spec --from {label} --tag Stations\n")));
    assert_eq!(extract::run(&workspace(), &args), 0, "unchanged");
    let args = ["--from", from_text.as_str(), "--tag", "Nope", "--out", out_text.as_str()];
    assert_eq!(extract::run(&workspace(), &args), 1);
    assert_eq!(extract::run(&workspace(), &["--tag", "Stations"]), 2);
    assert_eq!(extract::run(&workspace(), &["--from"]), 2);
    let parsed = extract::parse_args(&workspace(), &["--tag", "Events", "--from", "x.json"]).expect("parses");
    assert_eq!(parsed.out, workspace().join("spec/events-api.yaml"));
}
