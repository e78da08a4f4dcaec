//! `mailhound scan`: stream files through the engine and print the findings.

use crate::output::{OutputFormat, print_findings};
use anyhow::{Context, Result};
use clap::Args;
use mailhound_core::{Engine, EngineConfig, Finding, Format};
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Size of the chunks read from each input; memory stays flat whatever the file size.
const CHUNK_BYTES: usize = 1 << 20;

/// Arguments of `mailhound scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Export files to scan; `-` reads standard input.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = OutputFormat::Table)]
    output: OutputFormat,
    /// Engine configuration file (TOML).
    #[arg(long)]
    config: Option<PathBuf>,
    /// A mail domain of the tenant (repeatable); forwarding to it is internal.
    #[arg(long = "tenant-domain")]
    tenant_domains: Vec<String>,
    /// Also write an ATT&CK Navigator layer (v4.5) of the techniques that fired to this file.
    #[arg(long)]
    navigator: Option<PathBuf>,
    /// Read every input as this format instead of recognising it (json, csv, ual,
    /// ual-search, ual-csv, graph-signin, sentinel-signin-csv, iis-w3c, squid, ...).
    #[arg(long)]
    format: Option<Format>,
}

/// Reads the engine configuration from a TOML file, then applies command-line overrides.
pub fn load_config(path: Option<&Path>, tenant_domains: &[String]) -> Result<EngineConfig> {
    let mut config = match path {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read configuration {}", path.display()))?;
            load_config_text(&text)
                .with_context(|| format!("invalid configuration {}", path.display()))?
        }
        None => EngineConfig::default(),
    };
    config.tenant_domains.extend(tenant_domains.iter().cloned());
    Ok(config)
}

/// Reads an engine configuration from TOML text.
pub fn load_config_text(text: &str) -> Result<EngineConfig, toml::de::Error> {
    toml::from_str(text)
}

/// Runs the scan.
pub fn run(args: &ScanArgs) -> Result<ExitCode> {
    let config = load_config(args.config.as_deref(), &args.tenant_domains)?;
    let mut engine = Engine::new(config);
    let mut findings = Vec::new();
    for path in &args.paths {
        scan_input(&mut engine, path, args.format, &mut findings)?;
    }
    findings.extend(engine.finish()?);
    print_findings(args.output, &findings, engine.stats())?;
    if let Some(path) = &args.navigator {
        let layer = mailhound_core::report::navigator::layer("mailhound scan", &findings, true);
        std::fs::write(path, serde_json::to_string_pretty(&layer)? + "\n")
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    report_rejections(&engine);
    Ok(ExitCode::SUCCESS)
}

/// Streams one input through the engine in fixed-size chunks.
fn scan_input(
    engine: &mut Engine,
    path: &Path,
    format: Option<Format>,
    findings: &mut Vec<Finding>,
) -> Result<()> {
    let stdin = path.as_os_str() == "-";
    let name = if stdin {
        "stdin".to_owned()
    } else {
        path.display().to_string()
    };
    findings.extend(engine.begin_input_as(&name, format)?);
    let mut reader: Box<dyn Read> = if stdin {
        Box::new(io::stdin().lock())
    } else {
        Box::new(File::open(path).with_context(|| format!("cannot open {name}"))?)
    };
    let mut buffer = vec![0; CHUNK_BYTES];
    loop {
        let read = match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => read,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error).with_context(|| format!("cannot read {name}")),
        };
        findings.extend(engine.push(&buffer[..read])?);
    }
    Ok(())
}

/// Tells on standard error which records were rejected, and where, and which inputs look
/// cut off at an export cap.
fn report_rejections(engine: &Engine) {
    let stats = engine.stats();
    for input in &stats.inputs {
        if let Some(cap) = input.probably_truncated_at {
            eprintln!(
                "mailhound: warning: {} has exactly {cap} records, a known export cap: it was probably cut off and later records are missing",
                input.name
            );
        }
    }
    if stats.rejected == 0 {
        return;
    }
    eprintln!("mailhound: {} record(s) rejected:", stats.rejected);
    for rejection in engine.rejections() {
        eprintln!("  {rejection}");
    }
    let shown = engine.rejections().len() as u64;
    if shown < stats.rejected {
        eprintln!("  ... and {} more", stats.rejected - shown);
    }
}
