//! Prints decode and scan throughput per export form, with the serde_json `IgnoredAny` floor
//! measured on the same bytes in the same run (best of several passes, the floor, decoding
//! and scanning taking turns so that the machine's drift touches them alike), for release
//! notes and quick comparisons. CSV and line formats have no JSON floor of their own; the
//! audit-log NDJSON floor is printed for reference. Run:
//! `cargo run --release -p mailhound-benches --bin measure [MEGABYTES] [FORM]`, FORM a part of
//! the form names to measure only those (`NDJSON`).

use mailhound_benches::corpus::{FIXTURE_FORMS, fixtures, from_fixture, is_json};
use mailhound_benches::{
    audit_records, decode_only, json_array, ndjson, parse_floor, purview_csv, scan, take_turns,
};
use std::hint::black_box;

/// The allocator the `mailhound` binary uses, so that the numbers are the product's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::time::{Duration, Instant};

/// The best wall time of each run over `passes` rounds in which they take turns
/// ([`take_turns`]).
fn best_of_turns<const N: usize>(passes: usize, runs: [&mut dyn FnMut(); N]) -> [Duration; N] {
    take_turns(passes, runs, |run| {
        let start = Instant::now();
        run();
        start.elapsed()
    })
    .map(|times| times.into_iter().min().unwrap_or_default())
}

fn mb(bytes: usize, time: Duration) -> f64 {
    bytes as f64 / 1e6 / time.as_secs_f64()
}

fn main() {
    let megabytes: usize = std::env::args()
        .nth(1)
        .and_then(|arg| arg.parse().ok())
        .unwrap_or(20);
    let only = std::env::args().nth(2);
    let target = megabytes << 20;
    let records = audit_records(target / 750);
    let mut forms: Vec<(String, Vec<u8>, bool)> = vec![
        (
            "audit log, simulator mix, NDJSON".into(),
            ndjson(&records),
            true,
        ),
        (
            "audit log, simulator mix, JSON array".into(),
            json_array(&records),
            true,
        ),
        (
            "audit log, simulator mix, Purview CSV".into(),
            purview_csv(&records),
            false,
        ),
    ];
    for relative in FIXTURE_FORMS {
        let wanted = only
            .as_ref()
            .is_none_or(|only| relative.contains(only.as_str()));
        if wanted && fixtures().join(relative).exists() {
            forms.push((
                relative.to_owned(),
                from_fixture(relative, target),
                is_json(relative),
            ));
        }
    }
    println!(
        "{:<44} {:>9} {:>9} {:>7} {:>9} {:>7} {:>11}",
        "form", "floor", "decode", "ratio", "scan", "ratio", "records/s"
    );
    for (name, bytes, json) in &forms {
        if only
            .as_ref()
            .is_some_and(|only| !name.contains(only.as_str()))
        {
            continue;
        }
        let mut decoded = Default::default();
        let mut stats = mailhound_core::Stats::default();
        // Forms without a JSON floor of their own skip it (the run then times nothing).
        let [floor, decode_time, scan_time] = best_of_turns(
            5,
            [
                &mut || {
                    if *json {
                        black_box(parse_floor(black_box(bytes)));
                    }
                },
                &mut || decoded = decode_only(black_box(bytes), None),
                &mut || stats = scan(black_box(bytes), None),
            ],
        );
        let floor = json.then_some(floor);
        let ratio = |time: Duration| {
            floor.map_or_else(
                || "-".to_owned(),
                |floor| format!("{:.0}%", 100.0 * floor.as_secs_f64() / time.as_secs_f64()),
            )
        };
        println!(
            "{name:<44} {:>9} {:>9.1} {:>7} {:>9.1} {:>7} {:>11.0}   {decoded:?}",
            floor.map_or_else(
                || "-".to_owned(),
                |floor| format!("{:.1}", mb(bytes.len(), floor))
            ),
            mb(bytes.len(), decode_time),
            ratio(decode_time),
            mb(bytes.len(), scan_time),
            ratio(scan_time),
            stats.records as f64 / scan_time.as_secs_f64(),
        );
    }
    println!(
        "(MB/s; ratio = floor time / our time on the same bytes; best of 5 passes, taking turns)"
    );
}
