//! Corpora and measurements shared by the benchmarks.
//!
//! Every corpus is built from the simulator's output (a fixed seed, so runs compare), rendered
//! in the export form under test. The reference point for each is the cost of merely parsing
//! the same records as JSON into `serde::de::IgnoredAny` (the least any JSON decoder must do),
//! measured on the NDJSON rendition of the same records.

pub mod corpus;

use mailhound_core::decode::{DecodeContext, Outcome, decode};
use mailhound_core::input::{Input, Item};
use mailhound_core::{Engine, EngineConfig, Format, Stats, Timestamp};
use mailhound_simulator::{SimOptions, simulate};
use serde::de::IgnoredAny;
use std::time::Duration;

/// The audit records of a simulated tenant of `users` users, one JSON object per item.
pub fn audit_records(users: usize) -> Vec<String> {
    let mut options = SimOptions::new(7, "2025-03-04T00:00:00Z").expect("valid start");
    options.users = users;
    let output = simulate(&options);
    output.files[0]
        .text
        .lines()
        .map(|line| line.trim().trim_end_matches(','))
        .filter(|line| line.starts_with('{'))
        .map(str::to_owned)
        .collect()
}

/// The records of a simulated tenant of `users` users, audit-log records and Entra sign-ins
/// (Graph shape) together, one JSON object per item, merged in time order as a collector
/// that forwards both logs would write them: the mixed input of a full scan. (Interleaving
/// by proportion instead leaves a quarter of the events out of order, and late events skip
/// the windowed detections: a lighter load than a real, time-ordered export.)
pub fn mixed_records(users: usize) -> Vec<String> {
    let mut options = SimOptions::new(7, "2025-03-04T00:00:00Z").expect("valid start");
    options.users = users;
    let output = simulate(&options);
    let objects = |name: &str| -> Vec<(Timestamp, String)> {
        let mut records: Vec<(Timestamp, String)> = output
            .files
            .iter()
            .filter(|file| file.name.contains(name))
            .flat_map(|file| file.text.lines())
            .map(|line| line.trim().trim_end_matches(','))
            .filter(|line| line.starts_with('{') && !line.starts_with("{\"@odata"))
            .map(|line| (record_time(line), line.to_owned()))
            .collect();
        records.sort_by_key(|(time, _)| *time);
        records
    };
    merge_by_time(objects("ual"), objects("signin"))
}

/// The time of a simulated audit record (`CreationTime`) or sign-in (`createdDateTime`).
fn record_time(record: &str) -> Timestamp {
    let value: serde_json::Value = serde_json::from_str(record).expect("simulator JSON");
    ["CreationTime", "createdDateTime"]
        .iter()
        .find_map(|field| value[field].as_str().and_then(Timestamp::parse))
        .expect("every simulated record has a time")
}

/// Two time-ordered lists merged into one, in time order (the first list first on ties).
fn merge_by_time(first: Vec<(Timestamp, String)>, second: Vec<(Timestamp, String)>) -> Vec<String> {
    let mut merged = Vec::with_capacity(first.len() + second.len());
    let (mut first, mut second) = (first.into_iter().peekable(), second.into_iter().peekable());
    loop {
        let take_first = match (first.peek(), second.peek()) {
            (Some((a, _)), Some((b, _))) => a <= b,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        let next = if take_first {
            first.next()
        } else {
            second.next()
        };
        merged.extend(next.map(|(_, record)| record));
    }
    merged
}

/// `template` made a distinct record for repetition `round`: its record id (`Id`, `id`) made
/// unique, and every date moved `round` years on (the simulator writes 2025), so that the
/// repetitions follow each other in time as a long export would.
pub fn repeat_record(template: &str, round: usize) -> String {
    template
        .replacen("\"Id\":\"", &format!("\"Id\":\"r{round}-"), 1)
        .replacen("\"id\":\"", &format!("\"id\":\"r{round}-"), 1)
        .replace("\"2025-", &format!("\"{}-", 2025 + round))
}

/// The records as NDJSON.
pub fn ndjson(records: &[String]) -> Vec<u8> {
    let mut out = Vec::new();
    for record in records {
        out.extend_from_slice(record.as_bytes());
        out.push(b'\n');
    }
    out
}

/// The records as one JSON array, one record per line (the Management Activity API's form).
pub fn json_array(records: &[String]) -> Vec<u8> {
    format!("[\n{}\n]\n", records.join(",\n")).into_bytes()
}

/// The records as a Purview audit search CSV export (`AuditData` holds each record).
pub fn purview_csv(records: &[String]) -> Vec<u8> {
    let mut out = String::from(
        "RecordId,CreationDate,RecordType,Operation,UserId,AuditData,AssociatedAdminUnits,AssociatedAdminUnitsNames\r\n",
    );
    for record in records {
        let value: serde_json::Value = serde_json::from_str(record).expect("simulator JSON");
        let field = |name: &str| value[name].as_str().unwrap_or_default().to_owned();
        out.push_str(&format!(
            "{},{},{},{},{},\"{}\",,\r\n",
            field("Id"),
            field("CreationTime"),
            value["RecordType"],
            field("Operation"),
            field("UserId"),
            record.replace('"', "\"\"")
        ));
    }
    out.into_bytes()
}

/// The times of `passes` rounds of `runs`, the runs taking turns within each round, as
/// `timed` measures each run; one list of times per run. The machine's speed drifts over
/// seconds, and taking turns exposes every run to the same drift, so that the ratios between
/// them hold even when the absolute numbers move.
pub fn take_turns<const N: usize>(
    passes: usize,
    mut runs: [&mut dyn FnMut(); N],
    timed: impl Fn(&mut dyn FnMut()) -> Duration,
) -> [Vec<Duration>; N] {
    let mut times: [Vec<Duration>; N] = std::array::from_fn(|_| Vec::with_capacity(passes));
    for _ in 0..passes {
        for (run, times) in runs.iter_mut().zip(&mut times) {
            times.push(timed(&mut **run));
        }
    }
    times
}

/// Parses a stream of JSON values into `IgnoredAny`: the floor any JSON decoder pays.
pub fn parse_floor(bytes: &[u8]) -> usize {
    serde_json::Deserializer::from_slice(bytes)
        .into_iter::<IgnoredAny>()
        .filter(Result::is_ok)
        .count()
}

/// Scans `bytes` with the engine (default configuration), in 1 MiB chunks as the CLI does.
pub fn scan(bytes: &[u8], format: Option<Format>) -> Stats {
    let mut engine = Engine::new(EngineConfig::default());
    let _ = engine.begin_input_as("bench", format);
    for chunk in bytes.chunks(1 << 20) {
        let _ = engine.push(chunk);
    }
    let _ = engine.finish();
    engine.stats().clone()
}

/// What decoding alone produced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Decoded {
    /// Records that became events.
    pub events: u64,
    /// Records ignored.
    pub ignored: u64,
    /// Records rejected (malformed items included).
    pub rejected: u64,
}

/// Recognises, frames and decodes `bytes` into events, without the duplicate check or the
/// detectors: the decoder's own throughput.
pub fn decode_only(bytes: &[u8], format: Option<Format>) -> Decoded {
    let max_record_bytes = EngineConfig::default().max_record_bytes;
    let mut input = Input::new(format, max_record_bytes);
    let shape = match format {
        Some(Format::Json(shape)) => shape,
        _ => None,
    };
    let mut context = DecodeContext::new("bench", shape);
    let mut decoded = Decoded::default();
    let mut sink = |item: Item<'_>| match item {
        Item::Record { unit, at } => match decode(unit, at, &mut context) {
            Some(Outcome::Event(_)) => decoded.events += 1,
            Some(Outcome::Ignored(_)) => decoded.ignored += 1,
            Some(Outcome::Rejected(_)) => decoded.rejected += 1,
            None => {}
        },
        Item::Malformed { .. } => decoded.rejected += 1,
    };
    for chunk in bytes.chunks(1 << 20) {
        input.push(chunk, &mut sink);
    }
    input.finish(&mut sink);
    decoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mixed_records_are_in_time_order_and_hold_both_logs() {
        let records = mixed_records(20);
        let times: Vec<Timestamp> = records.iter().map(|record| record_time(record)).collect();
        assert!(times.windows(2).all(|pair| pair[0] <= pair[1]));
        let signins = records
            .iter()
            .filter(|record| record.contains("\"createdDateTime\""))
            .count();
        assert!(signins > 0 && signins < records.len());
    }

    #[test]
    fn a_scan_of_the_mixed_records_has_no_late_events() {
        let records = mixed_records(20);
        let stats = scan(&ndjson(&records), None);
        assert_eq!(stats.events, records.len() as u64);
        assert_eq!(stats.late_events, 0);
    }
}
