//! Prints decode and scan throughput per export form and their ratio to the serde_json
//! `IgnoredAny` floor, all measured in the same run (best of several passes), for release
//! notes and quick comparisons. Run:
//! `cargo run --release -p mailhound-benches --bin measure [USERS]`.

use mailhound_benches::{
    audit_records, decode_only, json_array, ndjson, parse_floor, purview_csv, scan,
};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Best wall time of `passes` runs of `run`.
fn best_of(passes: usize, mut run: impl FnMut()) -> Duration {
    (0..passes)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let users = std::env::args()
        .nth(1)
        .and_then(|arg| arg.parse().ok())
        .unwrap_or(2000);
    let records = audit_records(users);
    let lines = ndjson(&records);
    let floor = best_of(7, || {
        black_box(parse_floor(black_box(&lines)));
    });
    let mb = |bytes: usize, time: Duration| bytes as f64 / 1e6 / time.as_secs_f64();
    println!(
        "{} audit records, {:.1} MB as NDJSON",
        records.len(),
        lines.len() as f64 / 1e6
    );
    println!(
        "{:<26} {:>8.1} MB/s (serde_json into IgnoredAny, NDJSON)",
        "floor",
        mb(lines.len(), floor)
    );
    let forms = [
        ("audit log NDJSON", lines.clone()),
        ("audit log JSON array", json_array(&records)),
        ("audit log Purview CSV", purview_csv(&records)),
    ];
    for (name, bytes) in forms {
        let mut decoded = Default::default();
        let decode_time = best_of(7, || decoded = decode_only(black_box(&bytes), None));
        let mut stats = mailhound_core::Stats::default();
        let scan_time = best_of(7, || stats = scan(black_box(&bytes), None));
        println!(
            "{name:<26} decode {:>7.1} MB/s = {:>5.1}% of the floor · scan {:>7.1} MB/s, {:>9.0} records/s = {:>5.1}% · {decoded:?}",
            mb(bytes.len(), decode_time),
            100.0 * floor.as_secs_f64() / decode_time.as_secs_f64(),
            mb(bytes.len(), scan_time),
            stats.records as f64 / scan_time.as_secs_f64(),
            100.0 * floor.as_secs_f64() / scan_time.as_secs_f64(),
        );
    }
}
