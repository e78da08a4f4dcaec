//! Helpers shared by the end-to-end tests in `tests/`.
//!
//! The tests drive the public APIs exactly as the command line and the page do: simulator
//! bytes (or a fixture file) pushed into an engine in chunks.

use mailhound_core::{Engine, EngineConfig, Finding, Rejection, Stats};
use std::path::PathBuf;

/// What one scan produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Scanned {
    /// Every finding, in emission order.
    pub findings: Vec<Finding>,
    /// The counters.
    pub stats: Stats,
    /// The kept rejections.
    pub rejections: Vec<Rejection>,
}

/// Scans `inputs` (name, bytes) with one engine, pushing each in chunks of `chunk` bytes.
pub fn scan_chunked(inputs: &[(&str, &[u8])], chunk: usize, config: EngineConfig) -> Scanned {
    let mut engine = Engine::new(config);
    let mut findings = Vec::new();
    for (name, bytes) in inputs {
        findings.extend(engine.begin_input(name).expect("engine open"));
        for piece in bytes.chunks(chunk.max(1)) {
            findings.extend(engine.push(piece).expect("engine open"));
        }
    }
    findings.extend(engine.finish().expect("engine open"));
    Scanned {
        findings,
        stats: engine.stats().clone(),
        rejections: engine.rejections().to_vec(),
    }
}

/// Path of a file under the repository's `fixtures/` folder.
pub fn fixture(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("fixtures")
        .join(relative)
}
