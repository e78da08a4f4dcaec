//! Accounting for every input record: the counters and the rejection list.
//!
//! Every record that goes in is accounted for exactly once: it becomes an event, is ignored as
//! irrelevant (counted by reason), is rejected as malformed (with its location), or is a
//! duplicate of a record seen before. The stats prove it:
//! `records = events + ignored + rejected + duplicates`, overall and per input.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Where a record is: which input, which record, which line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// The input's name (a file path, `stdin`, or what the caller chose).
    pub input: String,
    /// 1-based record number within the input.
    pub record: u64,
    /// 1-based line where the record starts.
    pub line: u64,
    /// Byte offset where the record starts.
    pub offset: u64,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{} (record {})", self.input, self.line, self.record)
    }
}

/// A record that could not be used, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    /// Where it is.
    pub location: Location,
    /// What is wrong with it.
    pub reason: String,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.reason)
    }
}

/// The counters of a scan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// Records read.
    pub records: u64,
    /// Records that became events.
    pub events: u64,
    /// Records that are valid but irrelevant to every detection.
    pub ignored: u64,
    /// Records that are malformed.
    pub rejected: u64,
    /// Records whose id was seen before.
    pub duplicates: u64,
    /// Findings produced.
    pub findings: u64,
    /// Events that arrived after later events had already been processed (beyond the
    /// allowed lateness or the buffer); only detections without windows saw them.
    pub late_events: u64,
    /// Ignored records by reason (e.g. `MailItemsAccessed`).
    pub ignored_by_reason: BTreeMap<String, u64>,
    /// Record ids forgotten by the duplicate check to stay within its bound; a duplicate of
    /// one of these would have been missed.
    pub dedupe_forgotten: u64,
    /// Keyed state per detection: keys held, bound, keys evicted because it was reached.
    pub detector_state: BTreeMap<String, crate::detect::StateSize>,
    /// Per input, in order (the first `max_inputs_listed`).
    pub inputs: Vec<InputStats>,
    /// Inputs beyond those listed.
    pub inputs_not_listed: u64,
}

impl Stats {
    /// True when every record is accounted for exactly once.
    pub fn balanced(&self) -> bool {
        self.records == self.events + self.ignored + self.rejected + self.duplicates
            && self.inputs.iter().all(InputStats::balanced)
    }
}

/// The counters of one input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputStats {
    /// The input's name.
    pub name: String,
    /// Its format, as recognised or forced (`None` when unrecognised).
    pub format: Option<String>,
    /// It was gzip-compressed.
    pub gzip: bool,
    /// Records read.
    pub records: u64,
    /// Records that became events.
    pub events: u64,
    /// Records ignored.
    pub ignored: u64,
    /// Records rejected.
    pub rejected: u64,
    /// Duplicate records.
    pub duplicates: u64,
    /// Set when the record count equals a known export cap (e.g. 50,000): the export was
    /// probably cut off there and later records are missing.
    pub probably_truncated_at: Option<u64>,
}

impl InputStats {
    /// True when every record of this input is accounted for exactly once.
    pub fn balanced(&self) -> bool {
        self.records == self.events + self.ignored + self.rejected + self.duplicates
    }
}
