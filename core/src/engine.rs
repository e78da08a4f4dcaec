//! The engine: bytes in, findings out, every record accounted for.
//!
//! Each input is recognised and framed ([`Input`]), every record decoded ([`decode`]),
//! checked against the ids seen before ([`SeenIds`]), counted ([`Stats`]), and every event
//! routed to every detector. Inputs are pushed in chunks of any size;
//! [`Engine::begin_input`] names the next input (and optionally forces its format) so that
//! rejections can say where a bad record is.

use crate::accounting::{InputStats, Location, Rejection, Stats};
use crate::config::EngineConfig;
use crate::decode::{DecodeContext, Outcome, decode};
use crate::dedupe::SeenIds;
use crate::detect::{self, Detector};
use crate::finding::Finding;
use crate::input::format::Format;
use crate::input::json::Position;
use crate::input::{Input, Item};
use crate::reorder::{Held, Release, ReorderBuffer};

/// Distinct ignore reasons kept in the stats; the rest are counted under [`OTHER_REASONS`].
const MAX_IGNORE_REASONS: usize = 256;
/// The ignore reason that absorbs the distinct reasons beyond those the stats keep one by one.
pub const OTHER_REASONS: &str = "(other)";

/// Errors of the engine's API (bad records are not errors: they are counted rejections).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    /// Data was pushed after [`Engine::finish`].
    #[error("the engine is finished: create a new engine to scan more input")]
    Finished,
    /// A snapshot could not be made or read.
    #[error("snapshot: {0}")]
    Snapshot(String),
}

/// What a snapshot holds: everything that carries over from one part of a stream to the next.
#[derive(serde::Serialize, serde::Deserialize)]
struct SnapshotData {
    format: String,
    version: u32,
    config: EngineConfig,
    stats: Stats,
    rejections: Vec<Rejection>,
    seen: SeenIds,
    order: ReorderBuffer,
    detectors: Vec<(String, serde_json::Value)>,
}

/// The `format` field of every snapshot.
const SNAPSHOT_FORMAT: &str = "mailhound-engine-snapshot";
/// The snapshot layout this build writes and reads.
const SNAPSHOT_VERSION: u32 = 5;

/// A streaming detection engine.
pub struct Engine {
    input: Input,
    pipeline: Pipeline,
    finished: bool,
}

/// Decoding, accounting and detection: everything after framing.
struct Pipeline {
    config: EngineConfig,
    context: DecodeContext,
    seen: SeenIds,
    current: InputStats,
    order: ReorderBuffer,
    detectors: Vec<Box<dyn Detector>>,
    stats: Stats,
    rejections: Vec<Rejection>,
    findings: Vec<Finding>,
}

/// What a one-shot [`scan`] found.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ScanOutput {
    /// The findings, in the order they were made.
    pub findings: Vec<Finding>,
    /// The counters.
    pub stats: Stats,
    /// The first rejections, with their locations.
    pub rejections: Vec<Rejection>,
}

impl Engine {
    /// An engine with every detection, configured by `config`.
    pub fn new(config: EngineConfig) -> Self {
        Self {
            input: Input::new(None, config.max_record_bytes),
            pipeline: Pipeline {
                detectors: detect::all(&config),
                context: DecodeContext::new("input", None),
                seen: SeenIds::new(config.max_dedupe_ids),
                order: ReorderBuffer::new(
                    config.allowed_lateness_seconds.map(|seconds| {
                        i64::try_from(seconds.saturating_mul(1000)).unwrap_or(i64::MAX)
                    }),
                    config.max_buffered_events,
                ),
                current: InputStats {
                    name: "input".into(),
                    ..InputStats::default()
                },
                config,
                stats: Stats::default(),
                rejections: Vec::new(),
                findings: Vec::new(),
            },
            finished: false,
        }
    }

    /// Ends the current input (a record left open is rejected as truncated) and names the
    /// next one, whose format is recognised from its first bytes. Returns the findings
    /// completed so far.
    pub fn begin_input(&mut self, name: &str) -> Result<Vec<Finding>, EngineError> {
        self.begin_input_as(name, None)
    }

    /// Like [`Engine::begin_input`], reading the input as `format` when given.
    pub fn begin_input_as(
        &mut self,
        name: &str,
        format: Option<Format>,
    ) -> Result<Vec<Finding>, EngineError> {
        self.ensure_open()?;
        self.end_input();
        let shape = match format {
            Some(Format::Json(shape)) => shape,
            _ => None,
        };
        self.input = Input::new(format, self.pipeline.config.max_record_bytes);
        self.pipeline.context = DecodeContext::new(name, shape);
        self.pipeline.current = InputStats {
            name: name.to_owned(),
            ..InputStats::default()
        };
        Ok(std::mem::take(&mut self.pipeline.findings))
    }

    /// Reads the next chunk of the current input. Returns the findings completed so far.
    pub fn push(&mut self, chunk: &[u8]) -> Result<Vec<Finding>, EngineError> {
        self.ensure_open()?;
        let pipeline = &mut self.pipeline;
        self.input.push(chunk, &mut |item| pipeline.handle(item));
        Ok(std::mem::take(&mut self.pipeline.findings))
    }

    /// Ends the last input and every open episode. Returns the remaining findings.
    pub fn finish(&mut self) -> Result<Vec<Finding>, EngineError> {
        self.ensure_open()?;
        self.end_input();
        let pipeline = &mut self.pipeline;
        let before = pipeline.findings.len();
        let detectors = &mut pipeline.detectors;
        let findings = &mut pipeline.findings;
        pipeline
            .order
            .flush(&mut |event, how| route(detectors, event, how, findings));
        pipeline.stats.late_events = pipeline.order.late();
        pipeline.record_state_sizes();
        let from = pipeline.findings.len();
        for detector in &mut pipeline.detectors {
            detector.finish(&mut pipeline.findings);
        }
        share_findings(&mut pipeline.detectors, &mut pipeline.findings, from);
        // A second round closes what the findings of the first one opened.
        let from = pipeline.findings.len();
        for detector in &mut pipeline.detectors {
            detector.finish(&mut pipeline.findings);
        }
        share_findings(&mut pipeline.detectors, &mut pipeline.findings, from);
        pipeline.stats.findings += (pipeline.findings.len() - before) as u64;
        self.finished = true;
        Ok(std::mem::take(&mut pipeline.findings))
    }

    /// Ends the current input and saves the engine's state (configuration, counters,
    /// duplicate check, events waiting for ordering, every detector's open episodes) as
    /// bytes, so that a later invocation can [`Engine::restore`] it and go on with the next
    /// part of the stream. Returns the findings completed by ending the input, and the bytes.
    pub fn snapshot(&mut self) -> Result<(Vec<Finding>, Vec<u8>), EngineError> {
        self.ensure_open()?;
        self.end_input();
        self.input = Input::new(None, self.pipeline.config.max_record_bytes);
        let pipeline = &mut self.pipeline;
        let data = SnapshotData {
            format: SNAPSHOT_FORMAT.into(),
            version: SNAPSHOT_VERSION,
            config: pipeline.config.clone(),
            stats: pipeline.stats.clone(),
            rejections: pipeline.rejections.clone(),
            seen: pipeline.seen.clone(),
            order: pipeline.order.clone(),
            detectors: pipeline
                .detectors
                .iter()
                .map(|detector| (detector.id().to_owned(), detector.save()))
                .collect(),
        };
        let bytes = serde_json::to_vec(&data).map_err(|e| EngineError::Snapshot(e.to_string()))?;
        Ok((std::mem::take(&mut pipeline.findings), bytes))
    }

    /// An engine in the state [`Engine::snapshot`] saved.
    pub fn restore(bytes: &[u8]) -> Result<Self, EngineError> {
        let data: SnapshotData = serde_json::from_slice(bytes)
            .map_err(|e| EngineError::Snapshot(format!("not a readable snapshot: {e}")))?;
        if data.format != SNAPSHOT_FORMAT || data.version != SNAPSHOT_VERSION {
            return Err(EngineError::Snapshot(format!(
                "unsupported snapshot `{}` version {} (this build reads version {SNAPSHOT_VERSION})",
                data.format, data.version
            )));
        }
        let mut engine = Self::new(data.config);
        let pipeline = &mut engine.pipeline;
        pipeline.stats = data.stats;
        pipeline.rejections = data.rejections;
        pipeline.seen = data.seen;
        pipeline.order = data.order;
        for (id, state) in data.detectors {
            let detector = pipeline
                .detectors
                .iter_mut()
                .find(|detector| detector.id() == id)
                .ok_or_else(|| EngineError::Snapshot(format!("unknown detection `{id}`")))?;
            detector
                .load(state)
                .map_err(|e| EngineError::Snapshot(format!("detection `{id}`: {e}")))?;
        }
        Ok(engine)
    }

    /// The counters so far (the current input is listed once it ends).
    pub fn stats(&self) -> &Stats {
        &self.pipeline.stats
    }

    /// The first rejections (up to `max_rejections_kept`), with their locations.
    pub fn rejections(&self) -> &[Rejection] {
        &self.pipeline.rejections
    }

    fn ensure_open(&self) -> Result<(), EngineError> {
        if self.finished {
            Err(EngineError::Finished)
        } else {
            Ok(())
        }
    }

    /// Flushes the current input and files its counters, if it held anything.
    fn end_input(&mut self) {
        let pipeline = &mut self.pipeline;
        self.input.finish(&mut |item| pipeline.handle(item));
        let mut current = std::mem::take(&mut pipeline.current);
        if self.input.bytes_read() == 0 {
            return;
        }
        current.format = self.input.format().map(|format| match format {
            Format::Json(None) if !pipeline.context.shapes_seen.is_empty() => {
                let shapes: Vec<&str> = pipeline
                    .context
                    .shapes_seen
                    .iter()
                    .map(|shape| shape.name())
                    .collect();
                format!("json ({})", shapes.join(", "))
            }
            _ => format.to_string(),
        });
        current.gzip = self.input.gzipped();
        if pipeline.config.export_caps.contains(&current.records) {
            current.probably_truncated_at = Some(current.records);
        }
        pipeline.stats.dedupe_forgotten = pipeline.seen.evicted();
        pipeline.record_state_sizes();
        if pipeline.stats.inputs.len() < pipeline.config.max_inputs_listed {
            pipeline.stats.inputs.push(current);
        } else {
            pipeline.stats.inputs_not_listed += 1;
        }
    }
}

impl Pipeline {
    /// Files each detector's state size in the stats.
    fn record_state_sizes(&mut self) {
        for detector in &self.detectors {
            let size = detector.state_size();
            if size.capacity > 0 {
                self.stats
                    .detector_state
                    .insert(detector.id().to_owned(), size);
            }
        }
    }

    fn handle(&mut self, item: Item<'_>) {
        let before = self.findings.len();
        match item {
            Item::Malformed { at, reason } => {
                self.count_record();
                self.reject(at, reason);
            }
            Item::Record { unit, at } => {
                let Some(outcome) = decode(unit, at, &mut self.context) else {
                    return;
                };
                self.count_record();
                match outcome {
                    Outcome::Event(event) => {
                        if self.seen.seen_before(&event.record_id) {
                            self.duplicate();
                        } else {
                            self.stats.events += 1;
                            self.current.events += 1;
                            // An event no detector reads waits as its time alone.
                            let held = if self.detectors.iter().any(|d| d.reads(&event)) {
                                Held::Event(Box::new(event))
                            } else {
                                Held::Time(event.time)
                            };
                            let detectors = &mut self.detectors;
                            let findings = &mut self.findings;
                            self.order
                                .push(held, &mut |held, how| route(detectors, held, how, findings));
                            self.stats.late_events = self.order.late();
                        }
                    }
                    Outcome::Ignored(ignore) => {
                        let repeated = ignore
                            .record_id
                            .as_deref()
                            .is_some_and(|id| self.seen.seen_before(id));
                        if repeated {
                            self.duplicate();
                        } else {
                            self.ignore(ignore.reason);
                        }
                    }
                    Outcome::Rejected(reason) => self.reject(at, reason),
                }
            }
        }
        self.stats.findings += (self.findings.len() - before) as u64;
    }

    fn count_record(&mut self) {
        self.stats.records += 1;
        self.current.records += 1;
    }

    fn duplicate(&mut self) {
        self.stats.duplicates += 1;
        self.current.duplicates += 1;
    }

    fn ignore(&mut self, reason: String) {
        self.stats.ignored += 1;
        self.current.ignored += 1;
        let reasons = &mut self.stats.ignored_by_reason;
        let key = if reasons.len() < MAX_IGNORE_REASONS || reasons.contains_key(&reason) {
            reason
        } else {
            OTHER_REASONS.to_owned()
        };
        *reasons.entry(key).or_insert(0) += 1;
    }

    fn reject(&mut self, at: Position, reason: String) {
        self.stats.rejected += 1;
        self.current.rejected += 1;
        if self.rejections.len() < self.config.max_rejections_kept {
            self.rejections.push(Rejection {
                location: Location {
                    input: self.context.input.clone(),
                    record: at.record,
                    line: at.line,
                    offset: at.offset,
                },
                reason,
            });
        }
    }
}

/// Hands a released event to every detector, in order or as a late event, then shows the
/// findings it caused to every detector (once: findings made in response are not fed back).
fn route(
    detectors: &mut [Box<dyn Detector>],
    held: &Held,
    how: Release,
    findings: &mut Vec<Finding>,
) {
    let before = findings.len();
    for detector in detectors.iter_mut() {
        match (held, how) {
            (Held::Event(event), Release::InOrder) => detector.observe(event, findings),
            (Held::Event(event), Release::Late) => detector.observe_late(event, findings),
            // No detector reads the event: in order it only moves their clocks, late nothing.
            (Held::Time(time), Release::InOrder) => detector.advance(*time, findings),
            (Held::Time(_), Release::Late) => {}
        }
    }
    share_findings(detectors, findings, before);
}

/// Shows the findings from `from` on to every detector, appending what they make in response.
fn share_findings(detectors: &mut [Box<dyn Detector>], findings: &mut Vec<Finding>, from: usize) {
    let end = findings.len();
    for index in from..end {
        let finding = findings[index].clone();
        for detector in detectors.iter_mut() {
            if detector.id() != finding.detection {
                detector.observe_finding(&finding, findings);
            }
        }
    }
}

/// Scans one complete input at once.
pub fn scan(bytes: &[u8], config: EngineConfig) -> ScanOutput {
    let mut engine = Engine::new(config);
    // Neither call can fail on a fresh engine.
    let mut findings = engine.push(bytes).unwrap_or_default();
    findings.extend(engine.finish().unwrap_or_default());
    ScanOutput {
        findings,
        stats: engine.stats().clone(),
        rejections: engine.rejections().to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ATTACK: &str = r#"{"Id":"a1","CreationTime":"2025-03-04T09:15:02","Operation":"New-InboxRule","UserId":"jdoe@contoso.com","ClientIP":"198.51.100.23:61011","Parameters":[{"Name":"Name","Value":"."},{"Name":"ForwardTo","Value":"x@evil.example"}]}"#;
    const BENIGN: &str = r#"{"Id":"b1","CreationTime":"2025-03-04T09:16:02","Operation":"New-InboxRule","UserId":"amy@contoso.com","Parameters":[{"Name":"Name","Value":"News"},{"Name":"MoveToFolder","Value":"Newsletters"}]}"#;
    const OTHER: &str = r#"{"Id":"c1","CreationTime":"2025-03-04T09:17:02","Operation":"FileAccessed","UserId":"amy@contoso.com"}"#;

    #[test]
    fn scan_accounts_for_every_record() {
        let text =
            format!("[{ATTACK},\n{BENIGN},\n{OTHER},\n42,\n{{\"Id\":\"d\",\"Operation\":7}}]");
        let output = scan(text.as_bytes(), EngineConfig::default());
        assert_eq!(output.findings.len(), 1);
        assert_eq!(output.findings[0].evidence, vec!["a1"]);
        let stats = &output.stats;
        assert_eq!(
            (
                stats.records,
                stats.events,
                stats.ignored,
                stats.rejected,
                stats.findings
            ),
            (5, 2, 1, 2, 1)
        );
        assert!(stats.balanced());
        assert_eq!(stats.ignored_by_reason.get("FileAccessed"), Some(&1));
        assert_eq!(output.rejections[0].location.record, 4);
        assert_eq!(output.rejections[0].location.line, 4);
        assert!(output.rejections[0].reason.contains("number"));
        assert_eq!(output.rejections[1].location.line, 5);
    }

    #[test]
    fn chunking_does_not_change_the_result() {
        let text = format!("{ATTACK}\n{BENIGN}\n{OTHER}\n{{\"Id\":\"trunc");
        let whole = scan(text.as_bytes(), EngineConfig::default());
        for size in [1, 2, 3, 7, 64, 1000] {
            let mut engine = Engine::new(EngineConfig::default());
            let mut findings = Vec::new();
            for chunk in text.as_bytes().chunks(size) {
                findings.extend(engine.push(chunk).expect("open"));
            }
            findings.extend(engine.finish().expect("open"));
            assert_eq!(findings, whole.findings, "chunk size {size}");
            assert_eq!(engine.stats(), &whole.stats);
            assert_eq!(engine.rejections(), &whole.rejections[..]);
        }
        assert_eq!(whole.stats.rejected, 1);
        assert!(whole.rejections[0].reason.contains("truncated"));
    }

    #[test]
    fn repeated_records_are_counted_as_duplicates_across_inputs() {
        let mut engine = Engine::new(EngineConfig::default());
        let mut findings = engine.begin_input("january.json").expect("open");
        findings.extend(
            engine
                .push(format!("{ATTACK}\n{OTHER}\n").as_bytes())
                .expect("open"),
        );
        findings.extend(engine.begin_input("overlap.json").expect("open"));
        findings.extend(
            engine
                .push(format!("{OTHER}\n{ATTACK}\n{BENIGN}\n").as_bytes())
                .expect("open"),
        );
        findings.extend(engine.finish().expect("open"));
        assert_eq!(
            findings.len(),
            1,
            "the repeated attack record is not a second finding"
        );
        let stats = engine.stats();
        assert_eq!(
            (stats.records, stats.events, stats.ignored, stats.duplicates),
            (5, 2, 1, 2)
        );
        assert!(stats.balanced());
        assert_eq!(stats.inputs.len(), 2);
        assert_eq!(stats.inputs[1].name, "overlap.json");
        assert_eq!(
            (stats.inputs[1].records, stats.inputs[1].duplicates),
            (3, 2)
        );
        assert_eq!(stats.inputs[1].format.as_deref(), Some("json (ual)"));
    }

    #[test]
    fn an_input_of_several_shapes_names_each() {
        let mut engine = Engine::new(EngineConfig::default());
        engine.begin_input("siem-export.ndjson").expect("begins");
        let lines = [
            r#"{"Id":"a1","CreationTime":"2025-03-04T09:15:02","Operation":"Send","UserId":"a@b.com"}"#,
            r#"{"id":"s1","createdDateTime":"2025-03-04T09:16:02Z","userPrincipalName":"a@b.com","ipAddress":"203.0.113.5","status":{"errorCode":0}}"#,
            r#"{"Id":"a2","CreationTime":"2025-03-04T09:17:02","Operation":"Send","UserId":"a@b.com"}"#,
        ];
        engine.push(lines.join("\n").as_bytes()).expect("open");
        engine.finish().expect("open");
        let stats = engine.stats();
        assert_eq!(stats.events, 3);
        assert_eq!(
            stats.inputs[0].format.as_deref(),
            Some("json (ual, graph-signin)")
        );
    }

    #[test]
    fn an_input_the_size_of_an_export_cap_is_flagged() {
        let config = EngineConfig {
            export_caps: vec![3],
            ..EngineConfig::default()
        };
        let mut engine = Engine::new(config);
        engine.begin_input("capped.json").expect("open");
        engine
            .push(format!("[{ATTACK},{BENIGN},{OTHER}]").as_bytes())
            .expect("open");
        engine.begin_input("short.json").expect("open");
        engine
            .push(format!("[{ATTACK},{BENIGN}]").as_bytes())
            .expect("open");
        engine.finish().expect("open");
        let inputs = &engine.stats().inputs;
        assert_eq!(inputs[0].probably_truncated_at, Some(3));
        assert_eq!(inputs[1].probably_truncated_at, None);
    }

    #[test]
    fn a_snapshot_restored_midway_gives_the_same_result() {
        let first = format!("{BENIGN}\n{OTHER}\n");
        let second = format!("{ATTACK}\n{OTHER}\n{{\"Id\":");
        let whole = scan(
            format!("{first}{second}").as_bytes(),
            EngineConfig::default(),
        );
        let mut engine = Engine::new(EngineConfig::default());
        let mut findings = engine.push(first.as_bytes()).expect("open");
        let (more, bytes) = engine.snapshot().expect("snapshot");
        findings.extend(more);
        let mut restored = Engine::restore(&bytes).expect("restore");
        findings.extend(restored.push(second.as_bytes()).expect("open"));
        findings.extend(restored.finish().expect("open"));
        assert_eq!(findings, whole.findings);
        let stats = restored.stats();
        assert_eq!(
            (
                stats.records,
                stats.events,
                stats.ignored,
                stats.duplicates,
                stats.rejected
            ),
            (5, 2, 1, 1, 1),
            "the repeated record is recognised across the snapshot"
        );
        assert!(matches!(
            Engine::restore(b"{}"),
            Err(EngineError::Snapshot(reason)) if reason.contains("not a readable snapshot")
        ));
    }

    #[test]
    fn inputs_are_named_in_rejections() {
        let mut engine = Engine::new(EngineConfig::default());
        engine.begin_input("a.json").expect("open");
        engine.push(b"{\"Id\":").expect("open");
        engine.begin_input("b.json").expect("open");
        let mut findings = engine.push(ATTACK.as_bytes()).expect("open");
        findings.extend(engine.finish().expect("open"));
        assert_eq!(findings.len(), 1);
        assert_eq!(engine.rejections()[0].location.input, "a.json");
        assert_eq!(engine.push(b"{}"), Err(EngineError::Finished));
    }
}
