//! mailhound-simulator: a seeded adversary simulator for Microsoft 365 telemetry.
//!
//! It plays a tenant's ordinary days (sign-ins, mailbox reads, sends, harmless inbox rules)
//! and injects attack scenarios and benign look-alikes into them, writing every source in
//! the real export formats (audit records, Entra sign-ins, proxy and IIS logs, Sysmon and
//! Windows events), never in the engine's own types, so that a validation run also
//! exercises the decoders. Next to the telemetry it writes the ground truth: which scenario
//! was injected, when, for whom, with which records, and which detection must (not) fire.
//!
//! Everything is a pure function of the options: the same seed and start give the same bytes
//! on every platform, and the simulator never reads a clock or asks the OS for randomness.
//! Output is streamed: each day's background is planned as small acts (a few dozen bytes per
//! record) and its records are built and written in time-ordered slices, so memory does not
//! grow with the number of days, and a large tenant needs little more than its day's plan.

pub mod egress;
pub mod endpoint;
pub mod geo;
mod ids;
pub mod mailbox;
pub mod output;
pub mod record;
pub mod report;
pub mod request;
pub mod routine;
pub mod scenarios;
pub mod scene;
pub mod signin;
mod stamp;
pub mod sts;
pub mod tenant;
pub mod truth;
pub mod ual;
pub mod validation;
pub mod web;

use chrono::{DateTime, Duration, Utc};
use output::{FormatSpec, FormatWriter, WriterContext};
use rand::RngExt;
use rand::SeedableRng;
use rand::rngs::StdRng;
use record::{ScenarioTag, Source};
use scenarios::{Played, SCENARIOS, ScenarioSpec};
use scene::{Cast, Emitter, Scene, scenario_rng};
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt;
use std::io::{self, Write};
use truth::{Expectation, ScenarioTruth, TenantFacts, Unobservable};

pub use tenant::{Role, Tenant, User};
pub use truth::{ScenarioKind, Truth};
pub use validation::{ValidationReport, validate};

/// The name of the audit-log file the simulator writes by default.
pub const UAL_FILE: &str = "ual.json";

/// What to simulate.
#[derive(Clone)]
pub struct SimOptions {
    /// Seeds every random choice.
    pub seed: u64,
    /// Start of the simulated period (midnight UTC of its first day, usually).
    pub start: DateTime<Utc>,
    /// Number of users in the tenant.
    pub users: usize,
    /// Number of days simulated. With more than one, the first is ordinary activity only:
    /// the users' history, which real exports always have and several detections compare
    /// against (an address is only "new" for a user with a past).
    pub days: u32,
    /// Play the attack scenarios.
    pub attacks: bool,
    /// Play the benign look-alikes.
    pub lookalikes: bool,
    /// Play only these scenario ids (attacks and look-alikes); all when `None`.
    pub scenarios: Option<Vec<String>>,
    /// How hard the attacks hit: their probes, sprayed accounts and messages are scaled by
    /// it. 1.0 plays them as drawn; lower values test how low and slow an attack may go.
    pub intensity: f64,
    /// The export formats to write, any number per source; a source without one is not
    /// written.
    pub formats: Vec<&'static FormatSpec>,
}

impl fmt::Debug for SimOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimOptions")
            .field("seed", &self.seed)
            .field("start", &self.start)
            .field("users", &self.users)
            .field("days", &self.days)
            .field("attacks", &self.attacks)
            .field("lookalikes", &self.lookalikes)
            .field("scenarios", &self.scenarios)
            .field("intensity", &self.intensity)
            .field(
                "formats",
                &self.formats.iter().map(|f| f.name).collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// A start time that is not RFC 3339.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidStart(pub String);

impl fmt::Display for InvalidStart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid start time `{}`: expected RFC 3339, e.g. 2025-03-04T00:00:00Z",
            self.0
        )
    }
}

impl std::error::Error for InvalidStart {}

impl SimOptions {
    /// Default size of the simulated tenant.
    pub const DEFAULT_USERS: usize = 50;
    /// Default number of days: a day of history, then the day the scenarios play on.
    pub const DEFAULT_DAYS: u32 = 2;

    /// Options for `seed`, starting at `start` (RFC 3339): the default tenant size, a day of
    /// history and a day of scenarios, every scenario, and each source in its default format.
    pub fn new(seed: u64, start: &str) -> Result<Self, InvalidStart> {
        let start = DateTime::parse_from_rfc3339(start)
            .map_err(|_| InvalidStart(start.to_owned()))?
            .with_timezone(&Utc);
        Ok(Self {
            seed,
            start,
            users: Self::DEFAULT_USERS,
            days: Self::DEFAULT_DAYS,
            attacks: true,
            lookalikes: true,
            scenarios: None,
            intensity: 1.0,
            formats: Source::ALL
                .iter()
                .filter_map(|source| output::default_of(*source))
                .collect(),
        })
    }

    /// The scenarios these options play.
    pub fn selected_scenarios(&self) -> Vec<&'static ScenarioSpec> {
        SCENARIOS
            .iter()
            .filter(|spec| match spec.kind {
                ScenarioKind::Attack => self.attacks,
                ScenarioKind::Lookalike => self.lookalikes,
            })
            .filter(|spec| {
                self.scenarios
                    .as_ref()
                    .is_none_or(|ids| ids.iter().any(|id| id == spec.id))
            })
            .collect()
    }
}

/// One file of simulated telemetry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SimFile {
    /// File name, e.g. `ual.json`.
    pub name: String,
    /// Its content.
    pub text: String,
}

/// Everything a simulation produced.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimOutput {
    /// The telemetry files.
    pub files: Vec<SimFile>,
    /// What was injected, and what must (not) be detected.
    pub truth: Truth,
}

/// Runs the simulation in memory.
pub fn simulate(options: &SimOptions) -> SimOutput {
    let (truth, files) = simulate_to(options, |_| Ok(Vec::new()))
        .unwrap_or_else(|error| unreachable!("writing to memory cannot fail: {error}"));
    SimOutput {
        files: files
            .into_iter()
            .map(|(name, bytes)| SimFile {
                name,
                text: String::from_utf8_lossy(&bytes).into_owned(),
            })
            .collect(),
        truth,
    }
}

/// What the driver knows about one played scenario while the files are written.
struct Pending {
    spec: &'static ScenarioSpec,
    played: Played,
    records: Vec<String>,
    files: BTreeSet<String>,
    first: Option<DateTime<Utc>>,
    last: Option<DateTime<Utc>>,
}

/// One open output: its format, its writer, the bytes written but not yet handed on, and
/// where they go.
struct Output<W> {
    spec: &'static FormatSpec,
    writer: Box<dyn FormatWriter>,
    pending: Vec<u8>,
    sink: W,
}

/// Bytes an output collects before handing them to its sink in one write: at least the
/// capacity of the buffered file writers the command line opens (1 MiB), which pass a write
/// that large straight to the file instead of copying it into their buffer first.
const CHUNK: usize = 1 << 20;

impl<W: Write> Output<W> {
    /// Hands the collected bytes on once there are a chunk's worth.
    fn hand_on_when_full(&mut self) -> io::Result<()> {
        if self.pending.len() >= CHUNK {
            self.sink.write_all(&self.pending)?;
            self.pending.clear();
        }
        Ok(())
    }
}

/// Runs the simulation, streaming each output file into the writer `open` returns for its
/// name; returns the truth and the writers, in format order.
pub fn simulate_to<W: Write>(
    options: &SimOptions,
    open: impl FnMut(&str) -> io::Result<W>,
) -> io::Result<(Truth, Vec<(String, W)>)> {
    simulate_counted(options, open).map(|(truth, files, _)| (truth, files))
}

/// The truth, the writers in format order, and the number of events written.
pub type Counted<W> = (Truth, Vec<(String, W)>, u64);

/// [`simulate_to`], also returning the number of events simulated (each counted once, however
/// many formats wrote it).
pub fn simulate_counted<W: Write>(
    options: &SimOptions,
    mut open: impl FnMut(&str) -> io::Result<W>,
) -> io::Result<Counted<W>> {
    let mut rng = StdRng::seed_from_u64(options.seed);
    let tenant = Tenant::generate(&mut rng, options.users);
    let days = options.days.max(1);
    let mut outputs = Vec::new();
    for spec in &options.formats {
        let context = WriterContext {
            file: spec.file.to_owned(),
            tenant_id: tenant.organization_id.clone(),
            domain: tenant.domain.clone(),
        };
        let mut output = Output {
            spec,
            writer: (spec.make)(&context),
            pending: Vec::with_capacity(CHUNK + CHUNK / 4),
            sink: open(spec.file)?,
        };
        output.writer.begin(&mut output.pending)?;
        outputs.push(output);
    }

    // Scenarios play first, each on a day of its own choosing; their records wait in
    // per-day buckets until that day's background is written.
    let mut cast = Cast::default();
    let mut facts = TenantFacts {
        tenant_domains: vec![tenant.domain.clone()],
        ..TenantFacts::default()
    };
    let mut pending = Vec::new();
    let mut buckets: Vec<Vec<record::SimRecord>> = (0..days).map(|_| Vec::new()).collect();
    for (index, spec) in options.selected_scenarios().into_iter().enumerate() {
        let mut scenario_rng = scenario_rng(options.seed, spec.id);
        let day = if days > 1 {
            scenario_rng.random_range(1..days)
        } else {
            0
        };
        let mut emitter = Emitter {
            records: Vec::new(),
            tag: Some(index as ScenarioTag),
        };
        let played = {
            let mut scene = Scene {
                rng: scenario_rng,
                tenant: &tenant,
                day: options.start + Duration::days(i64::from(day)),
                out: &mut emitter,
                cast: &mut cast,
                facts: &mut facts,
                intensity: options.intensity,
            };
            (spec.play)(&mut scene)
        };
        for record in emitter.records {
            let offset = (record.time - options.start).num_days();
            let bucket = offset.clamp(0, i64::from(days) - 1) as usize;
            buckets[bucket].push(record);
        }
        pending.push(Pending {
            spec,
            played,
            records: Vec::new(),
            files: BTreeSet::new(),
            first: None,
            last: None,
        });
    }

    for bucket in &mut buckets {
        bucket.sort_by_key(|record| record.time);
    }
    // The background arrives in time-ordered slices; the day's scenario records are merged
    // in, each before the first background record later than it.
    let mut cursor = 0;
    let mut events = 0u64;
    let mut take = |day: usize, slice: Option<&[record::SimRecord]>| -> io::Result<()> {
        let bucket = &buckets[day];
        match slice {
            Some(records) => {
                for record in records {
                    while let Some(scenario) = bucket.get(cursor).filter(|r| r.time < record.time) {
                        write_record(scenario, &mut outputs, &mut pending)?;
                        cursor += 1;
                    }
                    write_record(record, &mut outputs, &mut pending)?;
                }
                events += records.len() as u64;
            }
            None => {
                for scenario in &bucket[cursor..] {
                    write_record(scenario, &mut outputs, &mut pending)?;
                }
                events += bucket.len() as u64;
                cursor = 0;
            }
        }
        Ok(())
    };
    let background = |day: usize, rng: &mut StdRng, send: Send<'_>| {
        let midnight = options.start + Duration::days(day as i64);
        let acts = scenarios::background::plan(rng, &tenant, midnight, &cast);
        let mut web = Emitter::default();
        scenarios::web_background::play(options.seed, &tenant, midnight, day as u64, &mut web);
        web.records.sort_by_key(|record| record.time);
        let mut web = web.records.into_iter().peekable();
        let mut slice = Emitter {
            records: Vec::with_capacity(SLICE),
            tag: None,
        };
        for act in &acts {
            while let Some(hit) = web.next_if(|hit| hit.time < act.time) {
                slice.records.push(hit);
            }
            act.build(&tenant, &mut slice);
            if slice.records.len() >= SLICE {
                let full = std::mem::take(&mut slice.records);
                slice.records = send(full)?;
            }
        }
        slice.records.extend(web);
        send(slice.records).map(drop)
    };
    pipeline(days as usize, rng, background, &mut take)?;
    let mut files = Vec::new();
    for mut output in outputs {
        output.writer.end(&mut output.pending)?;
        output.sink.write_all(&output.pending)?;
        output.sink.flush()?;
        files.push((output.spec.file.to_owned(), output.sink));
    }
    let truth = Truth {
        seed: options.seed,
        intensity: options.intensity,
        start: scenarios::rfc3339(options.start),
        domain: tenant.domain.clone(),
        users: tenant.users.len(),
        scenarios: pending
            .into_iter()
            .map(|scenario| scenario_truth(scenario, &options.formats))
            .collect(),
        facts,
    };
    Ok((truth, files, events))
}

/// Writes one record with every format of its source, and notes its ids and time in its
/// scenario's truth.
fn write_record<W: Write>(
    record: &record::SimRecord,
    outputs: &mut [Output<W>],
    pending: &mut [Pending],
) -> io::Result<()> {
    let source = record.source();
    for output in outputs.iter_mut().filter(|o| o.spec.source == source) {
        match record.scenario {
            Some(tag) => {
                let id = output.writer.write(record, &mut output.pending)?;
                let scenario = &mut pending[usize::from(tag)];
                scenario.records.push(id);
                scenario.files.insert(output.spec.file.to_owned());
            }
            None => output.writer.write_uncited(record, &mut output.pending)?,
        }
        output.hand_on_when_full()?;
    }
    if let Some(tag) = record.scenario {
        let scenario = &mut pending[usize::from(tag)];
        scenario.first = Some(scenario.first.map_or(record.time, |t| t.min(record.time)));
        scenario.last = Some(scenario.last.map_or(record.time, |t| t.max(record.time)));
    }
    Ok(())
}

/// Records per slice of background handed from the generator to the writer: small enough
/// that the slices in flight (about a hundred kilobytes each) are still in the processor's
/// caches when the writer reads them and when the generator frees them and builds the next
/// records in the same memory, large enough that handing over costs little per record.
/// Slices of thousands of records left every record to be fetched from main memory twice,
/// which cost more than building it.
const SLICE: usize = 64;

/// Where a day's generator hands its time-ordered slices; it gets back an empty vector to
/// fill next (a written one, cleared, so that records are freed on the thread that made
/// them and their memory is reused).
type Send<'a> = &'a mut dyn FnMut(Vec<record::SimRecord>) -> io::Result<Vec<record::SimRecord>>;

/// Where the writer takes a day's slices, and `None` when the day is over.
type Take<'a> = &'a mut dyn FnMut(usize, Option<&[record::SimRecord]>) -> io::Result<()>;

/// Plays the background of each of `days` with `generate`, which hands each day's records
/// in time-ordered slices, and passes them to `take` in day order, each day closed by `None`.
///
/// Natively, a second thread generates while this one writes, a few slices ahead, so that
/// generation and serialisation overlap and memory holds only the slices in flight (plus
/// the day's plan). The background's generator is the same single stream either way, so
/// the bytes do not depend on the platform. In WebAssembly (no threads) the slices are
/// written as they are made.
fn pipeline<G>(days: usize, mut rng: StdRng, generate: G, take: Take<'_>) -> io::Result<()>
where
    G: Fn(usize, &mut StdRng, Send<'_>) -> io::Result<()> + Sync,
{
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::thread::scope(|scope| {
            let (sender, receiver) = std::sync::mpsc::sync_channel(4);
            let (recycle, recycled) = std::sync::mpsc::sync_channel::<Vec<record::SimRecord>>(8);
            let generate = &generate;
            scope.spawn(move || {
                let stopped = || io::Error::other("the writer stopped");
                for day in 0..days {
                    let mut send = |records| {
                        sender.send((day, Some(records))).map_err(|_| stopped())?;
                        let mut next = recycled
                            .try_recv()
                            .unwrap_or_else(|_| Vec::with_capacity(SLICE));
                        next.clear();
                        Ok(next)
                    };
                    if generate(day, &mut rng, &mut send).is_err()
                        || sender.send((day, None)).is_err()
                    {
                        return; // The writer failed and stopped listening.
                    }
                }
            });
            for (day, slice) in receiver {
                take(day, slice.as_deref())?;
                if let Some(records) = slice {
                    // Back to the generator, which frees the records; dropped here when it
                    // has enough.
                    let _ = recycle.try_send(records);
                }
            }
            Ok(())
        })
    }
    #[cfg(target_arch = "wasm32")]
    {
        for day in 0..days {
            generate(day, &mut rng, &mut |mut records| {
                take(day, Some(&records))?;
                records.clear();
                Ok(records)
            })?;
            take(day, None)?;
        }
        Ok(())
    }
}

/// Whether the formats written carry what `need` relies on: every source it needs in at
/// least one format that lacks none of its details.
fn observable(need: &scenarios::Need, formats: &[&'static FormatSpec]) -> bool {
    need.sources.iter().all(|source| {
        formats.iter().any(|format| {
            format.source == *source && need.details.iter().all(|d| !format.lacks.contains(d))
        })
    })
}

/// The truth of one played scenario, given the formats this run wrote.
fn scenario_truth(scenario: Pending, formats: &[&'static FormatSpec]) -> ScenarioTruth {
    let Pending {
        spec,
        played,
        mut records,
        files,
        first,
        last,
    } = scenario;
    records.sort();
    records.dedup();
    let (observable, unobservable): (Vec<&scenarios::Need>, Vec<&scenarios::Need>) = played
        .must_fire
        .iter()
        .partition(|need| observable(need, formats));
    ScenarioTruth {
        id: spec.id.into(),
        kind: spec.kind,
        technique: spec.technique.map(Into::into),
        description: played.description,
        entities: played.entities,
        first_seen: first.map(scenarios::rfc3339).unwrap_or_default(),
        last_seen: last.map(scenarios::rfc3339).unwrap_or_default(),
        sources: files.into_iter().collect(),
        records,
        expect: Expectation {
            must_fire: observable.iter().map(|n| n.detection.into()).collect(),
            must_not_fire: played.must_not_fire.iter().map(|d| (*d).into()).collect(),
        },
        unobservable: unobservable
            .iter()
            .map(|need| Unobservable {
                detection: need.detection.into(),
                needs: need.sources.iter().map(|s| s.name().into()).collect(),
            })
            .collect(),
    }
}

/// A simulation, the engine's scan of it, and the validation of the findings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Validation {
    /// What the simulator wrote.
    pub simulation: SimOutput,
    /// What the engine found in it.
    pub scan: mailhound_core::ScanOutput,
    /// How the findings compare with the truth.
    pub report: ValidationReport,
}

/// Simulates, scans every file with the engine (default configuration plus the tenant's
/// facts), and validates the findings against the truth.
pub fn simulate_and_validate(options: &SimOptions) -> Validation {
    let simulation = simulate(options);
    let config = simulation.truth.facts.engine_config();
    let mut engine = mailhound_core::Engine::new(config);
    let mut findings = Vec::new();
    for file in &simulation.files {
        // A fresh engine cannot be finished, so these calls cannot fail.
        findings.extend(engine.begin_input(&file.name).unwrap_or_default());
        findings.extend(engine.push(file.text.as_bytes()).unwrap_or_default());
    }
    findings.extend(engine.finish().unwrap_or_default());
    let report = validate(&simulation.truth, &findings);
    let scan = mailhound_core::ScanOutput {
        findings,
        stats: engine.stats().clone(),
        rejections: engine.rejections().to_vec(),
    };
    Validation {
        simulation,
        scan,
        report,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// A day of 50 records whose times come from the generator, so that the stream's order
    /// shows in them, handed over in slices of 7.
    fn day_of(day: usize, rng: &mut StdRng, send: Send<'_>) -> io::Result<()> {
        let midnight = Utc
            .with_ymd_and_hms(2025, 3, 4, 0, 0, 0)
            .single()
            .expect("valid")
            + Duration::days(day as i64);
        let records: Vec<record::SimRecord> = (0..50)
            .map(|_| record::SimRecord {
                time: midnight + Duration::seconds(rng.random_range(0..86_400)),
                scenario: None,
                body: record::Body::Audit(serde_json::Map::new()),
            })
            .collect();
        for slice in records.chunks(7) {
            send(slice.to_vec())?;
        }
        Ok(())
    }

    #[test]
    fn the_pipeline_hands_over_the_serial_days_in_order() {
        let mut serial_rng = StdRng::seed_from_u64(3);
        let mut serial = Vec::new();
        for _ in 0..6 {
            let mut day = Vec::new();
            day_of(0, &mut serial_rng, &mut |records| {
                day.extend(records);
                Ok(Vec::new())
            })
            .expect("collects");
            serial.push(day);
        }
        let mut seen: Vec<(usize, Vec<record::SimRecord>, bool)> = Vec::new();
        pipeline(6, StdRng::seed_from_u64(3), day_of, &mut |day, slice| {
            match seen.last_mut() {
                Some((last, records, false)) if *last == day => match slice {
                    Some(slice) => records.extend_from_slice(slice),
                    None => seen.last_mut().expect("open").2 = true,
                },
                _ => seen.push((day, slice.unwrap_or_default().to_vec(), false)),
            }
            Ok(())
        })
        .expect("writes");
        assert_eq!(seen.len(), 6);
        for (index, (day, records, closed)) in seen.iter().enumerate() {
            assert_eq!(*day, index);
            assert!(closed, "day {day} is closed");
            let times: Vec<_> = records.iter().map(|r| r.time.time()).collect();
            let expected: Vec<_> = serial[index].iter().map(|r| r.time.time()).collect();
            assert_eq!(times, expected, "day {day}");
        }
    }

    #[test]
    fn a_write_error_stops_the_pipeline() {
        let mut calls = 0;
        let result = pipeline(5, StdRng::seed_from_u64(1), day_of, &mut |day, _| {
            calls += 1;
            if day == 1 {
                Err(io::Error::other("disk full"))
            } else {
                Ok(())
            }
        });
        assert_eq!(result.map_err(|e| e.to_string()), Err("disk full".into()));
        assert_eq!(
            calls, 10,
            "8 slices and the end of day 0, then day 1's first slice"
        );
    }
}
