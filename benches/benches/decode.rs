//! Decode throughput per export form, against the serde_json `IgnoredAny` floor on the same
//! records. Run: `cargo bench -p mailhound-benches`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mailhound_benches::{
    audit_records, decode_only, json_array, ndjson, parse_floor, purview_csv, scan,
};
use std::hint::black_box;

fn audit_log(c: &mut Criterion) {
    let records = audit_records(1000);
    let lines = ndjson(&records);
    let mut group = c.benchmark_group("audit-log");
    group.throughput(Throughput::Bytes(lines.len() as u64));
    group.bench_function("floor: serde_json IgnoredAny (NDJSON)", |b| {
        b.iter(|| parse_floor(black_box(&lines)))
    });
    group.bench_function("mailhound: NDJSON", |b| {
        b.iter(|| scan(black_box(&lines), None))
    });
    let array = json_array(&records);
    group.throughput(Throughput::Bytes(array.len() as u64));
    group.bench_function("mailhound: JSON array", |b| {
        b.iter(|| scan(black_box(&array), None))
    });
    let csv = purview_csv(&records);
    group.throughput(Throughput::Bytes(csv.len() as u64));
    group.bench_function("mailhound: Purview CSV", |b| {
        b.iter(|| scan(black_box(&csv), None))
    });
    group.finish();
}

criterion_group!(benches, audit_log);
criterion_main!(benches);
