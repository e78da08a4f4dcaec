//! Simulator throughput: events written per second by the streaming driver, with the
//! process's peak memory, for a tenant of USERS users over DAYS days (default 4,000 x 10).
//! The bytes go to a counting sink, so the number is the simulator's, not the disk's; the
//! command line's `mailhound simulate` adds only buffered file writes. Run:
//! `cargo run --release -p mailhound-benches --bin simulate [USERS] [DAYS]`.
//!
//! Events are counted as lines: the audit log is written as NDJSON (one record per line) and
//! the Graph sign-ins page holds one sign-in per line between two lines of framing.

use mailhound_simulator::record::Source;
use mailhound_simulator::{SimOptions, output, simulate_to};
use std::io::{self, Write};
use std::time::Instant;

/// The allocator the `mailhound` binary uses, so that the numbers are the product's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Counts bytes and lines, keeps nothing.
#[derive(Default)]
struct Counter {
    bytes: u64,
    lines: u64,
}

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.bytes += buf.len() as u64;
        self.lines += buf.iter().filter(|b| **b == b'\n').count() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The process's peak resident memory in kB (Linux), when known.
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() -> io::Result<()> {
    let mut args = std::env::args().skip(1);
    let users: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(4_000);
    let days: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(10);
    let mut options = SimOptions::new(1, "2025-03-04T00:00:00Z").map_err(io::Error::other)?;
    options.users = users;
    options.days = days;
    options.formats = [
        output::find(Source::Ual, "management-ndjson"),
        output::find(Source::Signin, "graph"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let started = Instant::now();
    let (truth, outputs) = simulate_to(&options, |_| Ok(Counter::default()))?;
    let seconds = started.elapsed().as_secs_f64();
    let mut events = 0;
    let mut bytes = 0;
    for (name, counter) in &outputs {
        let framing = if name.ends_with(".ndjson") { 0 } else { 2 };
        events += counter.lines.saturating_sub(framing);
        bytes += counter.bytes;
    }
    println!(
        "{users} users x {days} days: {events} events, {:.1} MB, {} scenarios in {seconds:.2} s: \
         {:.0} events/s, {:.1} MB/s; peak RSS {} MB",
        bytes as f64 / 1e6,
        truth.scenarios.len(),
        events as f64 / seconds,
        bytes as f64 / 1e6 / seconds,
        peak_rss_kb().map_or_else(|| "unknown".into(), |kb| (kb / 1024).to_string()),
    );
    Ok(())
}
