//! The full-scan benchmark: decode and every detector, single-threaded, on a large mixed input
//! (the simulator's audit-log mix and Entra sign-ins, one JSON record per line).
//!
//! `fullscan speed [MEGABYTES]` (default 256) builds the input in memory (records repeated
//! with unique ids, each repetition a year later) and prints events per second and the
//! throughput against serde_json `IgnoredAny` parsing of the same bytes, measured in the same
//! run (median CPU time of 5 passes each, the three taking turns), and decoding alone, so that
//! the cost of the rest of the scan (duplicate check, ordering, detectors) shows apart from
//! the decoders'. `fullscan memory [EVENTS]` streams that many events through one engine in
//! 1 MiB chunks, read from a child process that generates them as it goes (`fullscan emit
//! EVENTS`: simulating the tenant peaks far above the scan, so it must not count), and prints
//! the peak resident memory of the scanning process (`VmHWM`), so that the bound of a
//! 10-million-event scan can be checked: `fullscan memory 10000000`.

use mailhound_benches::{decode_only, mixed_records, parse_floor, repeat_record, take_turns};
use mailhound_core::{Engine, EngineConfig, Stats};
use std::hint::black_box;
use std::io::{BufWriter, Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The allocator the `mailhound` binary uses, so that the numbers are the product's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Users of the simulated tenant whose records are repeated.
const USERS: usize = 2000;

/// The median CPU time of each run over `passes` rounds in which they take turns
/// ([`take_turns`]). This process is single-threaded, so its CPU time is the work done,
/// whatever else the machine runs; wall time on a shared machine is not. Falls back to wall
/// time where the CPU time cannot be read.
fn median_of_turns<const N: usize>(passes: usize, runs: [&mut dyn FnMut(); N]) -> [Duration; N] {
    take_turns(passes, runs, |run| {
        let (cpu, wall) = (cpu_seconds(), Instant::now());
        run();
        let cpu = cpu_seconds() - cpu;
        if cpu.is_finite() && cpu > 0.0 {
            Duration::from_secs_f64(cpu)
        } else {
            wall.elapsed()
        }
    })
    .map(|mut times| {
        times.sort();
        times[times.len() / 2]
    })
}

/// Scans `bytes` as one input, in 1 MiB chunks as the CLI does.
fn scan(bytes: &[u8]) -> Stats {
    let mut engine = Engine::new(EngineConfig::default());
    let _ = engine.begin_input("mixed.ndjson");
    for chunk in bytes.chunks(1 << 20) {
        black_box(engine.push(chunk).ok());
    }
    black_box(engine.finish().ok());
    engine.stats().clone()
}

fn speed(megabytes: usize) {
    let templates = mixed_records(USERS);
    let mut bytes = Vec::with_capacity((megabytes << 20) + (1 << 20));
    let mut round = 0;
    while bytes.len() < megabytes << 20 {
        for template in &templates {
            bytes.extend_from_slice(repeat_record(template, round).as_bytes());
            bytes.push(b'\n');
        }
        round += 1;
    }
    let mut stats = Stats::default();
    let [floor, decode, time] = median_of_turns(
        5,
        [
            &mut || {
                black_box(parse_floor(black_box(&bytes)));
            },
            &mut || {
                black_box(decode_only(black_box(&bytes), None));
            },
            &mut || stats = scan(black_box(&bytes)),
        ],
    );
    let mb = |time: Duration| bytes.len() as f64 / 1e6 / time.as_secs_f64();
    println!(
        "full scan of {:.0} MB ({} records, {} events, {} late events, {} findings)",
        bytes.len() as f64 / 1e6,
        stats.records,
        stats.events,
        stats.late_events,
        stats.findings
    );
    println!(
        "floor {:.1} MB/s   scan {:.1} MB/s   {:.0}% of floor   {:.0} events/s (per CPU second)",
        mb(floor),
        mb(time),
        100.0 * floor.as_secs_f64() / time.as_secs_f64(),
        stats.events as f64 / time.as_secs_f64()
    );
    let per_event = |time: Duration| time.as_secs_f64() * 1e9 / stats.events.max(1) as f64;
    println!(
        "decode only {:.1} MB/s ({:.0} ns per event); the rest of the scan {:.0} ns per event",
        mb(decode),
        per_event(decode),
        per_event(time) - per_event(decode)
    );
}

fn memory(events: u64) {
    // The records are made by a child process (simulating the tenant takes far more memory
    // than the scan), so that this process's peak is the engine's.
    let mut child = Command::new(std::env::current_exe().expect("own path"))
        .args(["emit", &events.to_string()])
        .stdout(Stdio::piped())
        .spawn()
        .expect("the generator starts");
    let mut records = child.stdout.take().expect("piped");
    let mut engine = Engine::new(EngineConfig::default());
    let _ = engine.begin_input("mixed.ndjson");
    let mut chunk = vec![0; 1 << 20];
    let start = Instant::now();
    loop {
        match records.read(&mut chunk) {
            Ok(0) => break,
            Ok(read) => black_box(engine.push(&chunk[..read]).ok()),
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(error) => panic!("reading the generator: {error}"),
        };
    }
    let _ = child.wait();
    black_box(engine.finish().ok());
    let time = start.elapsed();
    let stats = engine.stats();
    let cpu = cpu_seconds();
    println!(
        "{} records, {} events, {} late events, {} findings in {:.1} s wall, {:.1} s CPU ({:.0} events per CPU second of the scan)",
        stats.records,
        stats.events,
        stats.late_events,
        stats.findings,
        time.as_secs_f64(),
        cpu,
        stats.events as f64 / cpu
    );
    println!("peak resident memory: {}", peak_rss());
}

/// Writes `events` records of the mix to standard output, one per line, for `memory`.
fn emit(events: u64) {
    let templates = mixed_records(USERS);
    let mut out = BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    let mut written = 0u64;
    'rounds: for round in 0.. {
        for template in &templates {
            if written == events {
                break 'rounds;
            }
            let line = repeat_record(template, round);
            if out
                .write_all(line.as_bytes())
                .and_then(|()| out.write_all(b"\n"))
                .is_err()
            {
                return;
            }
            written += 1;
        }
    }
    let _ = out.flush();
}

/// User and system CPU time of this process so far: on a shared machine, a steadier measure
/// than wall time. From `clock_gettime(CLOCK_PROCESS_CPUTIME_ID)` (nanoseconds) where there
/// is one, else from `/proc/self/stat` (Linux, 100 ticks per second).
fn cpu_seconds() -> f64 {
    #[cfg(unix)]
    if let Ok(time) = nix::time::clock_gettime(nix::time::ClockId::CLOCK_PROCESS_CPUTIME_ID) {
        return time.tv_sec() as f64 + time.tv_nsec() as f64 / 1e9;
    }
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|stat| {
            // Fields after the command name (which ends with the last `)`): utime is the 12th,
            // stime the 13th.
            let rest = stat.rsplit_once(')')?.1;
            let fields: Vec<&str> = rest.split_whitespace().collect();
            let ticks = |i: usize| fields.get(i)?.parse::<u64>().ok();
            Some((ticks(11)? + ticks(12)?) as f64 / 100.0)
        })
        .unwrap_or(f64::NAN)
}

/// `VmHWM` of this process, from `/proc/self/status` (Linux).
fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmHWM:"))
                .map(|line| line.trim_start_matches("VmHWM:").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown (no /proc/self/status)".into())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let number = |default: u64| {
        args.get(2)
            .and_then(|arg| arg.parse().ok())
            .unwrap_or(default)
    };
    match args.get(1).map(String::as_str) {
        Some("speed") => speed(number(256) as usize),
        Some("memory") => memory(number(10_000_000)),
        Some("emit") => emit(number(10_000_000)),
        _ => {
            eprintln!("usage: fullscan speed [MEGABYTES] | fullscan memory [EVENTS]");
            std::process::exit(2);
        }
    }
}
