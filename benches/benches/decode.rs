//! Decode throughput per export form, against the serde_json `IgnoredAny` floor on the same
//! records: the simulator's audit mix in three forms, and every other form from its fixture.
//! Run: `cargo bench -p mailhound-benches` (or `-- fixtures/` for one group).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mailhound_benches::corpus::{FIXTURE_FORMS, from_fixture, is_json};
use mailhound_benches::{
    audit_records, decode_only, json_array, ndjson, parse_floor, purview_csv, scan,
};
use std::hint::black_box;

fn audit_log(c: &mut Criterion) {
    let records = audit_records(1000);
    let forms = [
        ("NDJSON", ndjson(&records)),
        ("JSON array", json_array(&records)),
        ("Purview CSV", purview_csv(&records)),
    ];
    let mut group = c.benchmark_group("audit-log");
    let lines = &forms[0].1;
    group.throughput(Throughput::Bytes(lines.len() as u64));
    group.bench_function("floor: serde_json IgnoredAny (NDJSON)", |b| {
        b.iter(|| parse_floor(black_box(lines)))
    });
    for (name, bytes) in &forms {
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(format!("decode: {name}"), |b| {
            b.iter(|| decode_only(black_box(bytes), None))
        });
        group.bench_function(format!("scan: {name}"), |b| {
            b.iter(|| scan(black_box(bytes), None))
        });
    }
    group.finish();
}

/// Every other export form, built from its fixture (records repeated with fresh ids to about
/// 4 MB), each JSON form with its own floor.
fn fixture_forms(c: &mut Criterion) {
    let mut group = c.benchmark_group("fixtures");
    group.sample_size(20);
    for relative in FIXTURE_FORMS {
        let bytes = from_fixture(relative, 4 << 20);
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        if is_json(relative) {
            group.bench_function(format!("floor: {relative}"), |b| {
                b.iter(|| parse_floor(black_box(&bytes)))
            });
        }
        group.bench_function(format!("decode: {relative}"), |b| {
            b.iter(|| decode_only(black_box(&bytes), None))
        });
    }
    group.finish();
}

criterion_group!(benches, audit_log, fixture_forms);
criterion_main!(benches);
