//! Time to compile `spec/events-api.yaml`: the whole pipeline
//! (load + resolve + emit + format), and each stage alone.

use criterion::{criterion_group, criterion_main, Criterion};

fn spec_text() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/events-api.yaml");
    std::fs::read_to_string(path).expect("spec/events-api.yaml is readable")
}

fn bench(c: &mut Criterion) {
    let text = spec_text();
    let options = codegen::Options::new("spec/events-api.yaml", "events_sdk");
    c.bench_function("generate events-api.yaml (load+resolve+emit+format)", |b| {
        b.iter(|| codegen::generate_str(&text, &options).expect("generates"))
    });
    c.bench_function("load", |b| b.iter(|| codegen::load::load_str(&text, "spec").expect("loads")));
    let spec = codegen::load::load_str(&text, "spec").expect("loads");
    c.bench_function("resolve", |b| b.iter(|| codegen::resolve::resolve(&spec).expect("resolves")));
    let api = codegen::resolve::resolve(&spec).expect("resolves");
    c.bench_function("emit+format", |b| b.iter(|| codegen::emit::emit(&api, &options).expect("emits")));
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
