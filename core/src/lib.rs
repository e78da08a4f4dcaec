//! mailhound-core: detection of compromised Microsoft 365 mail accounts and address
//! enumeration in exported telemetry.
//!
//! The pipeline:
//!
//! ```text
//! bytes ─▶ input (recognise the format, gunzip, frame records out of JSON / CSV / lines)
//!       ─▶ decode (source record ─▶ normalised Event, or ignored / rejected with a reason)
//!       ─▶ duplicate check (record ids seen before)
//!       ─▶ reorder buffer (event time, bounded, late events counted)
//!       ─▶ detectors (one per detection id) ─▶ Finding (with evidence record ids)
//! ```
//!
//! The crate does no I/O, reads no clock and asks the OS for no randomness, so it compiles
//! unchanged for `wasm32-unknown-unknown`: the browser page, an edge function and the
//! command-line tool all run this same code. Time comes only from event timestamps.

pub mod accounting;
pub mod config;
pub mod decode;
pub mod dedupe;
pub mod detect;
pub mod engine;
pub mod event;
pub mod finding;
pub mod input;
pub mod net;
pub mod reorder;
pub mod report;
pub mod shared_text;
pub mod state;
pub mod time;

pub use accounting::{InputStats, Location, Rejection, Stats};
pub use config::{EngineConfig, Mode};
pub use engine::{Engine, EngineError, ScanOutput, scan};
pub use event::{Event, EventKind, LogSource};
pub use finding::{Confidence, Entity, EntityKind, Finding, Severity};
pub use input::format::{CsvKind, Format, JsonShape, LineKind};
pub use time::Timestamp;
