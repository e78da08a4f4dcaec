//! `mailhound simulate`: write simulated telemetry and its truth to a folder.

use anyhow::{Context, Result};
use clap::Args;
use mailhound_simulator::{SimOptions, simulate};
use std::path::PathBuf;
use std::process::ExitCode;

/// Default start of the simulated period; any fixed instant keeps runs reproducible.
pub const DEFAULT_START: &str = "2025-03-04T00:00:00Z";

/// Options shared by `simulate` and `validate`.
#[derive(Debug, Args)]
pub struct SimulationArgs {
    /// Seed of the simulation: the same seed gives the same bytes.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Start of the simulated day (RFC 3339).
    #[arg(long, default_value = DEFAULT_START)]
    pub start: String,
    /// Number of users in the simulated tenant.
    #[arg(long, default_value_t = SimOptions::DEFAULT_USERS)]
    pub users: usize,
    /// Play benign activity only, without the attack scenarios.
    #[arg(long)]
    pub benign: bool,
}

impl SimulationArgs {
    /// The simulator options these arguments describe.
    pub fn options(&self) -> Result<SimOptions> {
        let mut options = SimOptions::new(self.seed, &self.start)?;
        options.users = self.users;
        options.attacks = !self.benign;
        Ok(options)
    }
}

/// Arguments of `mailhound simulate`.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    #[command(flatten)]
    simulation: SimulationArgs,
    /// Folder to write the telemetry files and truth.json into (created if missing).
    #[arg(long)]
    out: PathBuf,
}

/// Runs the simulation and writes its files.
pub fn run(args: &SimulateArgs) -> Result<ExitCode> {
    let output = simulate(&args.simulation.options()?);
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    for file in &output.files {
        let path = args.out.join(&file.name);
        std::fs::write(&path, &file.text)
            .with_context(|| format!("cannot write {}", path.display()))?;
        println!("wrote {} ({} bytes)", path.display(), file.text.len());
    }
    let truth = args.out.join("truth.json");
    std::fs::write(&truth, serde_json::to_string_pretty(&output.truth)? + "\n")
        .with_context(|| format!("cannot write {}", truth.display()))?;
    println!(
        "wrote {} ({} scenarios)",
        truth.display(),
        output.truth.scenarios.len()
    );
    Ok(ExitCode::SUCCESS)
}
