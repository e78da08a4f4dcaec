//! Corpora and measurements shared by the benchmarks.
//!
//! Every corpus is built from the simulator's output (a fixed seed, so runs compare), rendered
//! in the export form under test. The reference point for each is the cost of merely parsing
//! the same records as JSON into `serde::de::IgnoredAny` (the least any JSON decoder must do),
//! measured on the NDJSON rendition of the same records.

pub mod corpus;

use mailhound_core::decode::{DecodeContext, Outcome, decode};
use mailhound_core::input::{Input, Item};
use mailhound_core::{Engine, EngineConfig, Format, Stats};
use mailhound_simulator::{SimOptions, simulate};
use serde::de::IgnoredAny;

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
/// (Graph shape) together, one JSON object per item, interleaved in proportion: the mixed
/// input of a full scan.
pub fn mixed_records(users: usize) -> Vec<String> {
    let mut options = SimOptions::new(7, "2025-03-04T00:00:00Z").expect("valid start");
    options.users = users;
    let output = simulate(&options);
    let objects = |name: &str| -> Vec<String> {
        output
            .files
            .iter()
            .filter(|file| file.name.contains(name))
            .flat_map(|file| file.text.lines())
            .map(|line| line.trim().trim_end_matches(','))
            .filter(|line| line.starts_with('{') && !line.starts_with("{\"@odata"))
            .map(str::to_owned)
            .collect()
    };
    let audit = objects("ual");
    let signins = objects("signin");
    let total = audit.len() + signins.len();
    let share = signins.len() as f64 / total.max(1) as f64;
    let mut mixed = Vec::with_capacity(total);
    let (mut audit, mut signins) = (audit.into_iter(), signins.into_iter());
    let mut taken = 0usize;
    while mixed.len() < total {
        let signin_due = (taken as f64) < (mixed.len() + 1) as f64 * share;
        let next = if signin_due {
            taken += 1;
            signins.next().or_else(|| audit.next())
        } else {
            audit.next().or_else(|| signins.next())
        };
        mixed.extend(next);
    }
    mixed
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
