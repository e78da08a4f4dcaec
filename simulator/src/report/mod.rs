//! Validation over a range of seeds: per-seed results, their aggregate, and the renderings
//! (HTML page, ATT&CK Navigator layer) a purple team keeps as evidence.
//!
//! Everything here is a pure function from validations to values or text, with no I/O, so
//! the command line and the WASM build produce the same report for the same seeds. A
//! regression in one scenario shows in its detection (or silence) rate, whatever the
//! others do.

pub mod html;
pub mod navigator;

use crate::truth::{ScenarioKind, Truth};
use crate::validation::{FalsePositive, ValidationReport};
use crate::{SimOptions, Validation, simulate_and_validate};
use mailhound_core::{Finding, Rejection, Stats};
use serde::Serialize;
use std::collections::BTreeSet;

/// One seed's validation, without the telemetry bytes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeedRun {
    /// The seed.
    pub seed: u64,
    /// How the findings compare with the truth.
    pub report: ValidationReport,
    /// What the simulator injected.
    pub truth: Truth,
    /// What the engine found.
    pub findings: Vec<Finding>,
    /// The engine's counters.
    pub stats: Stats,
    /// The first records the engine rejected (the simulator must write none).
    pub rejections: Vec<Rejection>,
}

impl From<Validation> for SeedRun {
    fn from(validation: Validation) -> Self {
        Self {
            seed: validation.report.seed,
            report: validation.report,
            truth: validation.simulation.truth,
            findings: validation.scan.findings,
            stats: validation.scan.stats,
            rejections: validation.scan.rejections,
        }
    }
}

/// Minimum, median and maximum of a set of durations, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Spread {
    /// How many values.
    pub samples: usize,
    /// The smallest.
    pub min: i64,
    /// The median (the lower middle's and upper middle's mean, rounded down, for an even
    /// count).
    pub median: i64,
    /// The largest.
    pub max: i64,
}

impl Spread {
    /// The spread of `values`; `None` when there are none.
    pub fn of(values: &[i64]) -> Option<Self> {
        let mut sorted = values.to_vec();
        sorted.sort_unstable();
        let n = sorted.len();
        let median = match n {
            0 => return None,
            _ if n % 2 == 1 => sorted[n / 2],
            _ => (sorted[n / 2 - 1] + sorted[n / 2]).div_euclid(2),
        };
        Some(Self {
            samples: n,
            min: sorted[0],
            median,
            max: sorted[n - 1],
        })
    }
}

/// One scenario over every seed that played it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioSummary {
    /// Scenario id.
    pub id: String,
    /// Attack or look-alike.
    pub kind: ScenarioKind,
    /// ATT&CK technique of an attack.
    pub technique: Option<String>,
    /// Seeds that played it.
    pub runs: usize,
    /// Runs with the expected outcome: detected (attack) or silent (look-alike).
    pub passes: usize,
    /// `passes / runs`: the detection rate of an attack, the silence rate of a look-alike.
    pub rate: f64,
    /// Seeds where it was missed (attack) or fired (look-alike).
    pub failing_seeds: Vec<u64>,
    /// Detections that fired on its records in any run.
    pub fired: Vec<String>,
    /// Detections that had to fire and did not, in any run.
    pub missing: Vec<String>,
    /// Detections not expected because the sources they need were not written.
    pub unobservable: Vec<String>,
    /// Time to detect over the runs that detected it.
    pub time_to_detect: Option<Spread>,
}

/// A false positive and the seed it occurred in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeededFalsePositive {
    /// The seed.
    pub seed: u64,
    /// The false positive with its cause.
    #[serde(flatten)]
    pub false_positive: FalsePositive,
}

/// The aggregate of a validation over several seeds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// The seeds validated, in order.
    pub seeds: Vec<u64>,
    /// Seeds whose validation passed.
    pub passed_runs: usize,
    /// True when every expected detection fired and nothing benign fired, in every seed.
    pub passed: bool,
    /// Per scenario, in play order.
    pub scenarios: Vec<ScenarioSummary>,
    /// Every false positive of every seed.
    pub false_positives: Vec<SeededFalsePositive>,
    /// Time to detect over every detected attack of every seed.
    pub time_to_detect: Option<Spread>,
}

/// Everything a validation run over seeds produced.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunReport {
    /// The aggregate.
    pub summary: Summary,
    /// Each seed's validation, truth and findings.
    pub runs: Vec<SeedRun>,
}

impl RunReport {
    /// Aggregates `runs`.
    pub fn new(runs: Vec<SeedRun>) -> Self {
        Self {
            summary: summarize(&runs),
            runs,
        }
    }
}

/// Simulates, scans and validates every seed of `seeds` with `options` (whose own seed is
/// ignored), keeping the truth and findings but not the telemetry.
pub fn validate_seeds(options: &SimOptions, seeds: impl IntoIterator<Item = u64>) -> RunReport {
    let runs = seeds
        .into_iter()
        .map(|seed| {
            let options = SimOptions {
                seed,
                ..options.clone()
            };
            SeedRun::from(simulate_and_validate(&options))
        })
        .collect();
    RunReport::new(runs)
}

/// The aggregate of `runs`.
pub fn summarize(runs: &[SeedRun]) -> Summary {
    let mut scenarios: Vec<ScenarioSummary> = Vec::new();
    let mut times: Vec<Vec<i64>> = Vec::new();
    for run in runs {
        for outcome in &run.report.scenarios {
            let index = match scenarios.iter().position(|s| s.id == outcome.id) {
                Some(index) => index,
                None => {
                    scenarios.push(ScenarioSummary {
                        id: outcome.id.clone(),
                        kind: outcome.kind,
                        technique: run
                            .truth
                            .scenarios
                            .iter()
                            .find(|s| s.id == outcome.id)
                            .and_then(|s| s.technique.clone()),
                        runs: 0,
                        passes: 0,
                        rate: 0.0,
                        failing_seeds: Vec::new(),
                        fired: Vec::new(),
                        missing: Vec::new(),
                        unobservable: Vec::new(),
                        time_to_detect: None,
                    });
                    times.push(Vec::new());
                    scenarios.len() - 1
                }
            };
            let summary = &mut scenarios[index];
            summary.runs += 1;
            if outcome.outcome == "detected" || outcome.outcome == "silent" {
                summary.passes += 1;
            } else {
                summary.failing_seeds.push(run.seed);
            }
            merge(&mut summary.fired, &outcome.fired);
            merge(&mut summary.missing, &outcome.missing);
            if let Some(truth) = run.truth.scenarios.iter().find(|s| s.id == outcome.id) {
                let unobservable: Vec<String> = truth
                    .unobservable
                    .iter()
                    .map(|u| u.detection.clone())
                    .collect();
                merge(&mut summary.unobservable, &unobservable);
            }
            if outcome.outcome == "detected" {
                times[index].extend(outcome.time_to_detect_seconds);
            }
        }
    }
    for (summary, times) in scenarios.iter_mut().zip(&times) {
        summary.rate = summary.passes as f64 / summary.runs.max(1) as f64;
        summary.time_to_detect = Spread::of(times);
    }
    let all_times: Vec<i64> = times.concat();
    Summary {
        seeds: runs.iter().map(|r| r.seed).collect(),
        passed_runs: runs.iter().filter(|r| r.report.passed).count(),
        passed: runs.iter().all(|r| r.report.passed),
        false_positives: runs
            .iter()
            .flat_map(|run| {
                run.report
                    .false_positives
                    .iter()
                    .map(|fp| SeededFalsePositive {
                        seed: run.seed,
                        false_positive: fp.clone(),
                    })
            })
            .collect(),
        time_to_detect: Spread::of(&all_times),
        scenarios,
    }
}

/// Adds to `into` the values of `from` it lacks, keeping it sorted.
fn merge(into: &mut Vec<String>, from: &[String]) {
    let set: BTreeSet<String> = into.drain(..).chain(from.iter().cloned()).collect();
    into.extend(set);
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::truth::{Expectation, ScenarioTruth, TenantFacts};
    use crate::validation::ScenarioOutcome;

    fn outcome(id: &str, kind: ScenarioKind, outcome: &str, ttd: Option<i64>) -> ScenarioOutcome {
        ScenarioOutcome {
            id: id.into(),
            kind,
            outcome: outcome.into(),
            fired: if outcome == "missed" || outcome == "silent" {
                vec![]
            } else {
                vec!["inbox_rule_exfiltration".into()]
            },
            missing: if outcome == "missed" {
                vec!["inbox_rule_exfiltration".into()]
            } else {
                vec![]
            },
            time_to_detect_seconds: ttd,
            findings: vec![],
        }
    }

    /// A run of `seed` where the attack has `attack` as outcome and the look-alike `benign`.
    pub(crate) fn run(seed: u64, attack: &str, ttd: Option<i64>, benign: &str) -> SeedRun {
        let scenario = |id: &str, kind| ScenarioTruth {
            id: id.into(),
            kind,
            technique: (kind == ScenarioKind::Attack).then(|| "T1586.002".into()),
            description: format!("{id} <played> & more"),
            entities: vec![],
            first_seen: String::new(),
            last_seen: String::new(),
            sources: vec![],
            records: vec![],
            expect: Expectation::default(),
            unobservable: vec![],
        };
        let false_positives = if benign == "fired" {
            vec![FalsePositive {
                finding: format!("f{seed}"),
                detection: "inbox_rule_exfiltration".into(),
                entity: "amy@contoso.com".into(),
                cause: "fired on benign look-alike `benign`".into(),
            }]
        } else {
            vec![]
        };
        let report = ValidationReport {
            seed,
            passed: attack == "detected" && benign == "silent",
            scenarios: vec![
                outcome("attack", ScenarioKind::Attack, attack, ttd),
                outcome("benign", ScenarioKind::Lookalike, benign, None),
            ],
            false_positives,
        };
        SeedRun {
            seed,
            report,
            truth: Truth {
                seed,
                start: "2025-03-04T00:00:00Z".into(),
                domain: "contoso.com".into(),
                users: 5,
                intensity: 1.0,
                scenarios: vec![
                    scenario("attack", ScenarioKind::Attack),
                    scenario("benign", ScenarioKind::Lookalike),
                ],
                facts: TenantFacts::default(),
            },
            findings: vec![],
            stats: Stats::default(),
            rejections: vec![],
        }
    }

    #[test]
    fn spread_takes_the_middle() {
        assert_eq!(Spread::of(&[]), None);
        let odd = Spread::of(&[30, 10, 20]).expect("values");
        assert_eq!((odd.min, odd.median, odd.max), (10, 20, 30));
        let even = Spread::of(&[40, 10, 20, 30]).expect("values");
        assert_eq!(
            (even.min, even.median, even.max, even.samples),
            (10, 25, 40, 4)
        );
    }

    #[test]
    fn rates_and_failing_seeds_show_a_regression() {
        let runs = vec![
            run(1, "detected", Some(60), "silent"),
            run(2, "missed", None, "silent"),
            run(3, "detected", Some(120), "fired"),
            run(4, "detected", Some(600), "silent"),
        ];
        let summary = summarize(&runs);
        assert!(!summary.passed);
        assert_eq!(summary.passed_runs, 2);
        assert_eq!(summary.seeds, vec![1, 2, 3, 4]);
        let attack = &summary.scenarios[0];
        assert_eq!((attack.runs, attack.passes), (4, 3));
        assert!((attack.rate - 0.75).abs() < 1e-9);
        assert_eq!(attack.failing_seeds, vec![2]);
        assert_eq!(attack.missing, vec!["inbox_rule_exfiltration"]);
        assert_eq!(attack.technique.as_deref(), Some("T1586.002"));
        let ttd = attack.time_to_detect.expect("detected runs");
        assert_eq!(
            (ttd.samples, ttd.min, ttd.median, ttd.max),
            (3, 60, 120, 600)
        );
        let benign = &summary.scenarios[1];
        assert_eq!(benign.failing_seeds, vec![3]);
        assert!((benign.rate - 0.75).abs() < 1e-9);
        assert_eq!(summary.false_positives.len(), 1);
        assert_eq!(summary.false_positives[0].seed, 3);
    }

    #[test]
    fn all_passing_runs_pass() {
        let runs: Vec<SeedRun> = (1..=3)
            .map(|seed| run(seed, "detected", Some(5), "silent"))
            .collect();
        let summary = summarize(&runs);
        assert!(summary.passed);
        assert!(summary.scenarios.iter().all(|s| s.rate == 1.0));
        assert!(summary.false_positives.is_empty());
    }
}
