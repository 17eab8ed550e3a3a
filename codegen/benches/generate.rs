//! Time to compile specs: `spec/events-api.yaml` through the whole pipeline
//! (load + resolve + emit + format) and stage by stage; the biggest shared
//! Genesys fragment (routing, Swagger 2.0, when `../shared` is present); and
//! synthetic specs made of 1, 10 and 100 copies of the Events spec, to show
//! how generate time grows with spec size.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use serde_json::Value;

fn read(relative: &str) -> Option<String> {
    std::fs::read_to_string(format!("{}/{relative}", env!("CARGO_MANIFEST_DIR"))).ok()
}

/// `copies` copies of `spec` (a JSON value): every schema, path and
/// operation id gets a copy suffix, and references follow their copy.
fn scaled(spec: &Value, copies: usize) -> String {
    let text = spec.to_string();
    let mut out = spec.clone();
    let (mut paths, mut schemas) = (serde_json::Map::new(), serde_json::Map::new());
    for i in 0..copies {
        let copy: Value = serde_json::from_str(
            &text
                .replace("#/components/schemas/", &format!("#/components/schemas/C{i}"))
                .replace("\"operationId\":\"", &format!("\"operationId\":\"c{i}")),
        )
        .expect("still JSON");
        for (k, v) in copy["paths"].as_object().into_iter().flatten() {
            paths.insert(format!("/c{i}{k}"), v.clone());
        }
        for (k, v) in copy["components"]["schemas"].as_object().into_iter().flatten() {
            schemas.insert(format!("C{i}{k}"), v.clone());
        }
    }
    out["paths"] = Value::Object(paths);
    out["components"]["schemas"] = Value::Object(schemas);
    out.to_string()
}

fn bench(c: &mut Criterion) {
    let text = read("../spec/events-api.yaml").expect("spec/events-api.yaml is readable");
    let options = codegen::Options::new("spec/events-api.yaml", "events_sdk");
    c.bench_function("generate events-api.yaml (load+resolve+emit+format)", |b| {
        b.iter(|| codegen::generate_str(&text, &options).expect("generates"))
    });
    c.bench_function("load", |b| b.iter(|| codegen::load::load_str(&text, "spec").expect("loads")));
    let spec = codegen::load::load_str(&text, "spec").expect("loads");
    c.bench_function("resolve", |b| b.iter(|| codegen::resolve::resolve(&spec).expect("resolves")));
    let api = codegen::resolve::resolve(&spec).expect("resolves");
    c.bench_function("emit+format", |b| b.iter(|| codegen::emit::emit(&api, &options).expect("emits")));

    let mut group = c.benchmark_group("slow");
    group.sample_size(10);
    if let Some(routing) = read("../../shared/reference/genesys-tags/genesys-routing-api-openapi.yml") {
        group.bench_function("generate routing fragment (Swagger 2.0, 1.4 MB)", |b| {
            b.iter(|| codegen::generate_str(&routing, &options).expect("generates"))
        });
    }
    let json: Value = serde_yaml::from_str(&text).expect("YAML");
    for copies in [1, 10, 100] {
        let big = scaled(&json, copies);
        group.throughput(Throughput::Elements(copies as u64));
        group.bench_with_input(
            BenchmarkId::new("generate synthetic, copies of the Events spec", copies),
            &big,
            |b, big| b.iter(|| codegen::generate_str(big, &options).expect("generates")),
        );
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
