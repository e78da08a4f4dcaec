//! `mailhound validate`: the purple-team run. Simulate, scan, compare with the truth.

use crate::simulate::SimulationArgs;
use anyhow::{Context, Result};
use clap::Args;
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use mailhound_simulator::simulate_and_validate;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `mailhound validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    simulation: SimulationArgs,
    /// Folder to write report.json into (created if missing).
    #[arg(long)]
    report: Option<PathBuf>,
}

/// Runs the validation; exits 1 when an attack was missed or a benign activity fired.
pub fn run(args: &ValidateArgs) -> Result<ExitCode> {
    let validation = simulate_and_validate(&args.simulation.options()?);
    let report = &validation.report;
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED).set_header([
        "scenario",
        "kind",
        "outcome",
        "fired",
        "missing",
        "time to detect",
    ]);
    for scenario in &report.scenarios {
        table.add_row(vec![
            scenario.id.clone(),
            format!("{:?}", scenario.kind).to_lowercase(),
            scenario.outcome.clone(),
            scenario.fired.join(", "),
            scenario.missing.join(", "),
            scenario
                .time_to_detect_seconds
                .map_or_else(String::new, |s| format!("{s} s")),
        ]);
    }
    println!("seed {}", report.seed);
    println!("{table}");
    for fp in &report.false_positives {
        println!(
            "false positive: {} on {} ({}): {}",
            fp.detection, fp.entity, fp.finding, fp.cause
        );
    }
    let stats = &validation.scan.stats;
    println!(
        "{} records: {} events, {} ignored, {} rejected; {} finding(s)",
        stats.records, stats.events, stats.ignored, stats.rejected, stats.findings
    );
    if let Some(dir) = &args.report {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let path = dir.join("report.json");
        let json = serde_json::json!({
            "report": report,
            "findings": validation.scan.findings,
            "stats": validation.scan.stats,
            "truth": validation.simulation.truth,
        });
        std::fs::write(&path, serde_json::to_string_pretty(&json)? + "\n")
            .with_context(|| format!("cannot write {}", path.display()))?;
        println!("wrote {}", path.display());
    }
    if report.passed {
        println!("PASS: every injected attack was detected and no benign activity fired");
        Ok(ExitCode::SUCCESS)
    } else {
        println!("FAIL: see the table above");
        Ok(ExitCode::from(1))
    }
}
