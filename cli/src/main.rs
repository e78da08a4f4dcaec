//! `mailhound`: scan Microsoft 365 exports for compromised accounts, simulate attacks,
//! validate the detections, and serve the in-browser checker.
//!
//! All I/O and terminal output live here; the detection logic is `mailhound-core`.

mod output;
mod scan;
mod serve;
mod simulate;
mod validate;

use clap::{Parser, Subcommand};

/// Decoding allocates a few short strings per event; mimalloc serves them markedly faster than
/// the system allocator on multi-gigabyte scans.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;

/// Detects compromised Microsoft 365 mail accounts and address enumeration in exported logs.
#[derive(Debug, Parser)]
#[command(name = "mailhound", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Scan export files (or `-` for stdin) and report findings.
    Scan(scan::ScanArgs),
    /// Write simulated telemetry with injected attacks, plus truth.json.
    Simulate(simulate::SimulateArgs),
    /// Simulate, scan and check every injected attack is found and nothing benign fires.
    Validate(validate::ValidateArgs),
    /// Serve the web page (www/) on 127.0.0.1.
    Serve(serve::ServeArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => scan::run(&args),
        Command::Simulate(args) => simulate::run(&args),
        Command::Validate(args) => validate::run(&args),
        Command::Serve(args) => serve::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("mailhound: {error:#}");
            ExitCode::from(2)
        }
    }
}
