//! Finding output: a table for people, JSON and NDJSON for machines.

use anyhow::Result;
use clap::ValueEnum;
use comfy_table::{Cell, Color, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use mailhound_core::{Finding, Severity, Stats, report};
use std::io::{self, IsTerminal, Write};

/// How findings are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// A table grouped by entity, with a summary of the counters.
    Table,
    /// One JSON document: `{"findings": [...], "stats": {...}}`.
    Json,
    /// One finding per line.
    Ndjson,
    /// CSV, one row per finding.
    Csv,
    /// OCSF Detection Finding (class 2004) events, one per line.
    Ocsf,
}

/// The `--output json` document.
#[derive(serde::Serialize)]
struct ScanReport<'a> {
    findings: &'a [Finding],
    stats: &'a Stats,
}

/// Prints the findings and stats on standard output in `format`.
pub fn print_findings(format: OutputFormat, findings: &[Finding], stats: &Stats) -> Result<()> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &ScanReport { findings, stats })?;
            writeln!(out)?;
        }
        OutputFormat::Ndjson => {
            for finding in findings {
                serde_json::to_writer(&mut out, finding)?;
                writeln!(out)?;
            }
        }
        OutputFormat::Csv => out.write_all(&report::csv::to_csv(findings)?)?,
        OutputFormat::Ocsf => {
            for finding in findings {
                serde_json::to_writer(&mut out, &report::ocsf::detection_finding(finding))?;
                writeln!(out)?;
            }
        }
        OutputFormat::Table => {
            if !findings.is_empty() {
                writeln!(out, "{}", table(findings, stdout.is_terminal()))?;
            }
            writeln!(
                out,
                "{} finding(s) · {} records: {} events, {} ignored, {} rejected, {} duplicates",
                findings.len(),
                stats.records,
                stats.events,
                stats.ignored,
                stats.rejected,
                stats.duplicates
            )?;
            for input in &stats.inputs {
                writeln!(
                    out,
                    "  {}: {}{} · {} records ({} events, {} ignored, {} rejected, {} duplicates)",
                    input.name,
                    input.format.as_deref().unwrap_or("unrecognised"),
                    if input.gzip { ", gzip" } else { "" },
                    input.records,
                    input.events,
                    input.ignored,
                    input.rejected,
                    input.duplicates
                )?;
            }
        }
    }
    Ok(())
}

/// Findings as a table, grouped by entity, most severe first within each entity.
fn table(findings: &[Finding], colour: bool) -> Table {
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by(|a, b| {
        (&a.entity, std::cmp::Reverse(a.severity), a.first_seen).cmp(&(
            &b.entity,
            std::cmp::Reverse(b.severity),
            b.first_seen,
        ))
    });
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(["entity", "severity", "detection", "first seen", "summary"]);
    if !colour {
        table.force_no_tty();
    }
    for finding in sorted {
        let severity = Cell::new(finding.severity.as_str());
        let severity = if colour {
            severity.fg(severity_colour(finding.severity))
        } else {
            severity
        };
        table.add_row(vec![
            Cell::new(&finding.entity.value),
            severity,
            Cell::new(&finding.detection),
            Cell::new(finding.first_seen.to_rfc3339()),
            Cell::new(&finding.summary),
        ]);
    }
    table
}

fn severity_colour(severity: Severity) -> Color {
    match severity {
        Severity::Critical => Color::Magenta,
        Severity::High => Color::Red,
        Severity::Medium => Color::Yellow,
        Severity::Low => Color::Cyan,
        Severity::Informational => Color::Grey,
    }
}
