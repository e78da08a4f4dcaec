//! The engine: bytes in, findings out, every record accounted for.
//!
//! The engine frames each input into records ([`JsonFramer`]), decodes every record
//! ([`decode_record`]), counts what became of it ([`Stats`]), and routes events to every
//! detector. Inputs are pushed in chunks of any size; [`Engine::begin_input`] names the next
//! input so that rejections can say where a bad record is.

use crate::accounting::{Location, Rejection, Stats};
use crate::config::EngineConfig;
use crate::decode::{Outcome, decode_record};
use crate::detect::{self, Detector};
use crate::finding::Finding;
use crate::framing::{Frame, JsonFramer, Position};

/// Distinct ignore reasons kept in the stats; the rest are counted under [`OTHER_REASONS`].
const MAX_IGNORE_REASONS: usize = 256;
/// The ignore reason that absorbs reasons beyond [`MAX_IGNORE_REASONS`].
pub const OTHER_REASONS: &str = "(other)";

/// Errors of the engine's API (bad records are not errors: they are counted rejections).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    /// Data was pushed after [`Engine::finish`].
    #[error("the engine is finished: create a new engine to scan more input")]
    Finished,
}

/// A streaming detection engine.
pub struct Engine {
    framer: JsonFramer,
    pipeline: Pipeline,
    input: String,
    finished: bool,
}

/// Decoding, accounting and detection: everything after framing.
struct Pipeline {
    config: EngineConfig,
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
            framer: JsonFramer::new(config.max_record_bytes),
            pipeline: Pipeline {
                detectors: detect::all(&config),
                config,
                stats: Stats::default(),
                rejections: Vec::new(),
                findings: Vec::new(),
            },
            input: "input".into(),
            finished: false,
        }
    }

    /// Ends the current input (a record left open is rejected as truncated) and names the
    /// next one. Returns the findings completed so far.
    pub fn begin_input(&mut self, name: &str) -> Result<Vec<Finding>, EngineError> {
        self.ensure_open()?;
        self.end_input();
        self.input = name.to_owned();
        self.framer = JsonFramer::new(self.pipeline.config.max_record_bytes);
        Ok(std::mem::take(&mut self.pipeline.findings))
    }

    /// Reads the next chunk of the current input. Returns the findings completed so far.
    pub fn push(&mut self, chunk: &[u8]) -> Result<Vec<Finding>, EngineError> {
        self.ensure_open()?;
        let pipeline = &mut self.pipeline;
        let input = &self.input;
        self.framer
            .push(chunk, &mut |frame| pipeline.handle(frame, input));
        Ok(std::mem::take(&mut self.pipeline.findings))
    }

    /// Ends the last input and every open episode. Returns the remaining findings.
    pub fn finish(&mut self) -> Result<Vec<Finding>, EngineError> {
        self.ensure_open()?;
        self.end_input();
        let pipeline = &mut self.pipeline;
        for detector in &mut pipeline.detectors {
            detector.finish(&mut pipeline.findings);
        }
        pipeline.stats.findings += pipeline.findings.len() as u64;
        self.finished = true;
        Ok(std::mem::take(&mut pipeline.findings))
    }

    /// The counters so far.
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

    fn end_input(&mut self) {
        let pipeline = &mut self.pipeline;
        let input = &self.input;
        self.framer
            .finish(&mut |frame| pipeline.handle(frame, input));
    }
}

impl Pipeline {
    fn handle(&mut self, frame: Frame<'_>, input: &str) {
        self.stats.records += 1;
        let before = self.findings.len();
        match frame {
            Frame::Malformed { at, reason } => self.reject(input, at, reason),
            Frame::Record { bytes, at } => match decode_record(bytes) {
                Outcome::Event(event) => {
                    self.stats.events += 1;
                    for detector in &mut self.detectors {
                        detector.observe(&event, &mut self.findings);
                    }
                }
                Outcome::Ignored(reason) => self.ignore(reason),
                Outcome::Rejected(reason) => self.reject(input, at, reason),
            },
        }
        self.stats.findings += (self.findings.len() - before) as u64;
    }

    fn ignore(&mut self, reason: String) {
        self.stats.ignored += 1;
        let reasons = &mut self.stats.ignored_by_reason;
        let key = if reasons.len() < MAX_IGNORE_REASONS || reasons.contains_key(&reason) {
            reason
        } else {
            OTHER_REASONS.to_owned()
        };
        *reasons.entry(key).or_insert(0) += 1;
    }

    fn reject(&mut self, input: &str, at: Position, reason: String) {
        self.stats.rejected += 1;
        if self.rejections.len() < self.config.max_rejections_kept {
            self.rejections.push(Rejection {
                location: Location {
                    input: input.to_owned(),
                    record: at.record,
                    line: at.line,
                    offset: at.offset,
                },
                reason,
            });
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
    const OTHER: &str = r#"{"Id":"c1","CreationTime":"2025-03-04T09:17:02","Operation":"MailItemsAccessed","UserId":"amy@contoso.com"}"#;

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
        assert_eq!(stats.ignored_by_reason.get("MailItemsAccessed"), Some(&1));
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
