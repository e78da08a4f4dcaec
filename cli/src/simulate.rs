//! `mailhound simulate`: write simulated telemetry and its truth to a folder.

use anyhow::{Context, Result, bail};
use clap::Args;
use mailhound_simulator::record::Source;
use mailhound_simulator::{SimOptions, output, scenarios, simulate_to};
use std::fs::File;
use std::io::BufWriter;
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
    /// Number of simulated days; with more than one, the first is history without scenarios.
    #[arg(long, default_value_t = SimOptions::DEFAULT_DAYS)]
    pub days: u32,
    /// Play benign activity only, without the attack scenarios.
    #[arg(long)]
    pub benign: bool,
    /// Leave out the benign look-alikes.
    #[arg(long)]
    pub no_lookalikes: bool,
    /// Play only these scenarios and look-alikes (comma-separated ids).
    #[arg(long, value_delimiter = ',')]
    pub scenarios: Option<Vec<String>>,
    /// Audit-log formats (comma-separated, `none` to leave the source out).
    #[arg(long, value_delimiter = ',')]
    pub ual_format: Option<Vec<String>>,
    /// Sign-in log formats (comma-separated, `none` to leave the source out).
    #[arg(long, value_delimiter = ',')]
    pub signin_format: Option<Vec<String>>,
    /// Web-proxy log formats (comma-separated, `none` to leave the source out).
    #[arg(long, value_delimiter = ',')]
    pub proxy_format: Option<Vec<String>>,
    /// Exchange server IIS log formats (comma-separated, `none` to leave the source out).
    #[arg(long, value_delimiter = ',')]
    pub iis_format: Option<Vec<String>>,
    /// Workstation event formats (comma-separated, `none` to leave the source out).
    #[arg(long, value_delimiter = ',')]
    pub endpoint_format: Option<Vec<String>>,
}

impl SimulationArgs {
    /// The simulator options these arguments describe.
    pub fn options(&self) -> Result<SimOptions> {
        let mut options = SimOptions::new(self.seed, &self.start)?;
        options.users = self.users;
        options.days = self.days;
        options.attacks = !self.benign;
        options.lookalikes = !self.no_lookalikes;
        if let Some(ids) = &self.scenarios {
            for id in ids {
                if scenarios::find(id).is_none() {
                    let known: Vec<&str> = scenarios::SCENARIOS.iter().map(|s| s.id).collect();
                    bail!(
                        "unknown scenario `{id}`; known scenarios: {}",
                        known.join(", ")
                    );
                }
            }
            options.scenarios = Some(ids.clone());
        }
        let chosen = [
            (Source::Ual, &self.ual_format),
            (Source::Signin, &self.signin_format),
            (Source::Proxy, &self.proxy_format),
            (Source::Iis, &self.iis_format),
            (Source::Endpoint, &self.endpoint_format),
        ];
        let mut formats = Vec::new();
        for (source, names) in chosen {
            let Some(names) = names else {
                formats.extend(output::default_of(source));
                continue;
            };
            for name in names.iter().filter(|name| name.as_str() != "none") {
                let Some(spec) = output::find(source, name) else {
                    let known: Vec<&str> = output::formats_of(source).map(|f| f.name).collect();
                    bail!(
                        "unknown {} format `{name}`; known formats: {}, none",
                        source.name(),
                        known.join(", ")
                    );
                };
                formats.push(spec);
            }
        }
        options.formats = formats;
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

/// Runs the simulation and streams its files into the output folder.
pub fn run(args: &SimulateArgs) -> Result<ExitCode> {
    let options = args.simulation.options()?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let (truth, files) = simulate_to(&options, |name| {
        File::create(args.out.join(name)).map(|file| BufWriter::with_capacity(1 << 20, file))
    })
    .with_context(|| format!("cannot write into {}", args.out.display()))?;
    for (name, _) in &files {
        let path = args.out.join(name);
        let bytes = std::fs::metadata(&path)
            .map(|m| m.len())
            .unwrap_or_default();
        println!("wrote {} ({bytes} bytes)", path.display());
    }
    let path = args.out.join("truth.json");
    std::fs::write(&path, serde_json::to_string_pretty(&truth)? + "\n")
        .with_context(|| format!("cannot write {}", path.display()))?;
    println!(
        "wrote {} ({} scenarios)",
        path.display(),
        truth.scenarios.len()
    );
    Ok(ExitCode::SUCCESS)
}
