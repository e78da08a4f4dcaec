//! Writes a large export for whole-process memory and throughput runs, streaming it to disk
//! (never holding it): `bigfile FORM MEGABYTES PATH`, FORM one of `ual-ndjson` (the
//! simulator's audit mix, one record per line), `ual-array` (the same as one JSON array), `mixed` (the full-scan mix of
//! audit records and Graph sign-ins, one per line) or
//! `azure-monitor` (sign-ins in one huge `{"records":[...]}` document).

use mailhound_benches::corpus::from_fixture;
use mailhound_benches::{audit_records, mixed_records, repeat_record};
use std::io::{BufWriter, Write};

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, form, megabytes, path] = args.as_slice() else {
        eprintln!("usage: bigfile ual-ndjson|ual-array|mixed|azure-monitor MEGABYTES PATH");
        std::process::exit(2);
    };
    let target: u64 = megabytes.parse::<u64>().unwrap_or(1024) << 20;
    let (prefix, separator, suffix, templates): (&str, &str, &str, Vec<String>) =
        match form.as_str() {
            "ual-ndjson" => ("", "\n", "\n", audit_records(2000)),
            "mixed" => ("", "\n", "\n", mixed_records(2000)),
            "ual-array" => ("[\n", ",\n", "\n]\n", audit_records(2000)),
            "azure-monitor" => {
                let corpus = String::from_utf8_lossy(&from_fixture(
                    "signin/azure-monitor-signins.json",
                    1 << 20,
                ))
                .into_owned();
                let inner: Vec<String> = corpus
                    .lines()
                    .filter(|line| line.starts_with('{') && !line.starts_with("{\"records\""))
                    .map(|line| line.trim_end_matches(',').to_owned())
                    .collect();
                ("{\"records\":[\n", ",\n", "\n]}\n", inner)
            }
            other => {
                eprintln!("unknown form {other}");
                std::process::exit(2);
            }
        };
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    out.write_all(prefix.as_bytes())?;
    let mut written = 0u64;
    let mut round = 0usize;
    let mut first = true;
    while written < target {
        for template in &templates {
            if !first {
                out.write_all(separator.as_bytes())?;
            }
            first = false;
            // Unique ids per round, and each round a year after the one before, so that the
            // file stays in time order as a long export would (repeating the same times would
            // make most of every later round late).
            let record = repeat_record(template, round);
            out.write_all(record.as_bytes())?;
            written += record.len() as u64 + 1;
        }
        round += 1;
    }
    out.write_all(suffix.as_bytes())?;
    out.flush()?;
    eprintln!("wrote {written} bytes to {path}");
    Ok(())
}
