//! `mailhound validate`: the purple-team run. Simulate, scan, compare with the truth, for one
//! seed or a range of them, and keep the evidence (JSON, HTML, ATT&CK Navigator layer).

use crate::simulate::SimulationArgs;
use anyhow::{Context, Result, bail};
use clap::Args;
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use mailhound_simulator::report::{self, RunReport, Spread};
use mailhound_simulator::truth::ScenarioKind;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `mailhound validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    simulation: SimulationArgs,
    /// Validate every seed of an inclusive range, e.g. `1..20` (or `1..=20`), instead of
    /// `--seed`.
    #[arg(long, value_parser = parse_seeds)]
    seeds: Option<(u64, u64)>,
    /// Folder to write report.json, report.html and navigator.json into (created if
    /// missing).
    #[arg(long)]
    report: Option<PathBuf>,
}

/// Reads `A..B` or `A..=B` (both inclusive) with `A <= B`.
fn parse_seeds(text: &str) -> Result<(u64, u64), String> {
    let (from, to) = text
        .split_once("..")
        .ok_or_else(|| format!("`{text}` is not a seed range like 1..20"))?;
    let to = to.strip_prefix('=').unwrap_or(to);
    let parse = |n: &str| {
        n.trim()
            .parse::<u64>()
            .map_err(|_| format!("`{n}` is not a seed"))
    };
    let (from, to) = (parse(from)?, parse(to)?);
    if from > to {
        return Err(format!("empty seed range {from}..{to}"));
    }
    Ok((from, to))
}

/// Runs the validation; exits 1 when an attack was missed or a benign activity fired in any
/// seed.
pub fn run(args: &ValidateArgs) -> Result<ExitCode> {
    let options = args.simulation.options()?;
    let (from, to) = args.seeds.unwrap_or((options.seed, options.seed));
    if to - from >= 100_000 {
        bail!("{from}..{to} is too many seeds for one run");
    }
    let report = report::validate_seeds(&options, from..=to);
    if report.runs.len() == 1 {
        print_seed(&report);
    } else {
        print_summary(&report);
    }
    for fp in &report.summary.false_positives {
        let f = &fp.false_positive;
        println!(
            "false positive (seed {}): {} on {} ({}): {}",
            fp.seed, f.detection, f.entity, f.finding, f.cause
        );
    }
    if let Some(dir) = &args.report {
        write_report(dir, &report)?;
    }
    if report.summary.passed {
        println!("PASS: every injected attack was detected and no benign activity fired");
        Ok(ExitCode::SUCCESS)
    } else {
        println!("FAIL: see the table above");
        Ok(ExitCode::from(1))
    }
}

fn kind(kind: ScenarioKind) -> &'static str {
    match kind {
        ScenarioKind::Attack => "attack",
        ScenarioKind::Lookalike => "look-alike",
    }
}

fn spread(spread: Option<Spread>) -> String {
    spread.map_or_else(String::new, |s| {
        format!("{} / {} / {} s", s.min, s.median, s.max)
    })
}

/// One seed: each scenario's outcome.
fn print_seed(report: &RunReport) {
    let Some(run) = report.runs.first() else {
        return;
    };
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED).set_header([
        "scenario",
        "kind",
        "outcome",
        "fired",
        "missing",
        "time to detect",
    ]);
    for scenario in &run.report.scenarios {
        table.add_row(vec![
            scenario.id.clone(),
            kind(scenario.kind).into(),
            scenario.outcome.clone(),
            scenario.fired.join(", "),
            scenario.missing.join(", "),
            scenario
                .time_to_detect_seconds
                .map_or_else(String::new, |s| format!("{s} s")),
        ]);
    }
    println!("seed {}", run.seed);
    println!("{table}");
    let stats = &run.stats;
    println!(
        "{} records: {} events, {} ignored, {} rejected; {} finding(s)",
        stats.records, stats.events, stats.ignored, stats.rejected, stats.findings
    );
}

/// Several seeds: each scenario's rate over them.
fn print_summary(report: &RunReport) {
    let summary = &report.summary;
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED).set_header([
        "scenario",
        "kind",
        "rate",
        "failing seeds",
        "fired",
        "missing",
        "time to detect (min / median / max)",
    ]);
    for s in &summary.scenarios {
        let label = match s.kind {
            ScenarioKind::Attack => "detected",
            ScenarioKind::Lookalike => "silent",
        };
        let failing: Vec<String> = s.failing_seeds.iter().map(u64::to_string).collect();
        table.add_row(vec![
            s.id.clone(),
            kind(s.kind).into(),
            format!("{label} {}/{}", s.passes, s.runs),
            failing.join(", "),
            s.fired.join(", "),
            s.missing.join(", "),
            spread(s.time_to_detect),
        ]);
    }
    let (first, last) = (
        summary.seeds.first().copied().unwrap_or_default(),
        summary.seeds.last().copied().unwrap_or_default(),
    );
    println!(
        "seeds {first}..={last}: {}/{} runs passed, {} false positive(s), time to detect {}",
        summary.passed_runs,
        summary.seeds.len(),
        summary.false_positives.len(),
        spread(summary.time_to_detect)
    );
    println!("{table}");
}

/// Writes report.json, report.html and navigator.json into `dir`.
fn write_report(dir: &Path, report: &RunReport) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let write = |name: &str, text: String| -> Result<()> {
        let path = dir.join(name);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        println!("wrote {}", path.display());
        Ok(())
    };
    write("report.json", serde_json::to_string_pretty(report)? + "\n")?;
    write(
        "report.html",
        report::html::render("mailhound validation", report),
    )?;
    let layer = report::navigator::layer("mailhound validation", report);
    write(
        "navigator.json",
        serde_json::to_string_pretty(&layer)? + "\n",
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_seeds;

    #[test]
    fn seed_ranges_are_inclusive() {
        assert_eq!(parse_seeds("1..20"), Ok((1, 20)));
        assert_eq!(parse_seeds("3..=3"), Ok((3, 3)));
        assert!(parse_seeds("5..2").is_err());
        assert!(parse_seeds("5").is_err());
        assert!(parse_seeds("a..b").is_err());
    }
}
