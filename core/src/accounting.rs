//! Accounting for every input record: the counters and the rejection list.
//!
//! Every record that goes in is accounted for exactly once: it becomes an event, is ignored as
//! irrelevant (counted by reason), or is rejected as malformed (with its location). The stats
//! prove it: `records = events + ignored + rejected`.

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
    /// Findings produced.
    pub findings: u64,
    /// Ignored records by reason (e.g. `operation MailItemsAccessed`).
    pub ignored_by_reason: BTreeMap<String, u64>,
}

impl Stats {
    /// True when every record is accounted for exactly once.
    pub fn balanced(&self) -> bool {
        self.records == self.events + self.ignored + self.rejected
    }
}
