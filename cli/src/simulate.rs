//! `mailhound simulate`: write simulated telemetry and its truth to a folder.

use anyhow::{Context, Result};
use clap::Args;
use mailhound_simulator::record::Source;
use mailhound_simulator::truth::TenantFacts;
use mailhound_simulator::{SimOptions, request, simulate_counted};
use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;
use std::process::ExitCode;

pub use mailhound_simulator::request::DEFAULT_START;

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
    /// How hard the attacks hit (0.1 to 10): probes, sprayed accounts and messages are
    /// scaled by it; below 1 tests low-and-slow attacks against the thresholds.
    #[arg(long, default_value_t = 1.0)]
    pub intensity: f64,
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
        options.intensity = request::check_intensity(self.intensity).map_err(anyhow::Error::msg)?;
        options.attacks = !self.benign;
        options.lookalikes = !self.no_lookalikes;
        if let Some(ids) = &self.scenarios {
            request::check_scenarios(ids).map_err(anyhow::Error::msg)?;
            options.scenarios = Some(ids.clone());
        }
        options.formats = request::formats(|source| {
            match source {
                Source::Ual => &self.ual_format,
                Source::Signin => &self.signin_format,
                Source::Proxy => &self.proxy_format,
                Source::Iis => &self.iis_format,
                Source::Endpoint => &self.endpoint_format,
            }
            .clone()
        })
        .map_err(anyhow::Error::msg)?;
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
    let (truth, files, events) = simulate_counted(&options, |name| {
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
    println!("simulated {events} events");
    let path = args.out.join("truth.json");
    std::fs::write(&path, serde_json::to_string_pretty(&truth)? + "\n")
        .with_context(|| format!("cannot write {}", path.display()))?;
    println!(
        "wrote {} ({} scenarios)",
        path.display(),
        truth.scenarios.len()
    );
    let path = args.out.join(CONFIG_FILE);
    std::fs::write(&path, config_toml(&truth.facts)?)
        .with_context(|| format!("cannot write {}", path.display()))?;
    println!(
        "wrote {} (scan with `mailhound scan --config {}`)",
        path.display(),
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The configuration file written next to the telemetry.
pub const CONFIG_FILE: &str = "mailhound.toml";

/// The engine configuration the validation scans with, as the TOML `scan --config` reads:
/// the tenant's domains, trusted egress ranges, service accounts and sanctioned
/// destinations, on top of every default.
pub fn config_toml(facts: &TenantFacts) -> Result<String> {
    let body = toml::to_string(&facts.engine_config())
        .context("cannot write the engine configuration as TOML")?;
    Ok(format!(
        "# mailhound engine configuration for the simulated tenant: what its administrators\n\
         # would configure (domains, trusted egress, service accounts), on top of the defaults.\n\
         # `mailhound scan --config mailhound.toml <files>` reproduces the validation's findings.\n\n{body}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_file_reads_back_as_the_validation_config() {
        let facts = TenantFacts {
            tenant_domains: vec!["contoso.com".into(), "contoso.onmicrosoft.com".into()],
            trusted_ranges: vec!["203.0.113.0/24".into(), "2001:db8::/48".into()],
            service_accounts: vec!["ediscovery@contoso.com".into()],
            allowed_destinations: vec!["vault@legalhold.example".into()],
        };
        let text = config_toml(&facts).expect("TOML");
        assert!(text.starts_with("# mailhound engine configuration"));
        let read = crate::scan::load_config_text(&text).expect("reads back");
        assert_eq!(read, facts.engine_config());
        assert!(text.contains("203.0.113.0/24"), "{text}");
    }
}
