//! The simulator is a pure function of its options: the same seed and start give the same
//! bytes and truth, run after run, streamed or in memory, natively and in WebAssembly (the
//! pinned fingerprints below are asserted by the WASM tests too); another seed gives other
//! bytes; another start shifts every time and changes nothing else.

use chrono::{DateTime, Duration, NaiveDateTime};
use mailhound_simulator::{SimOptions, report, simulate, simulate_to};

include!("../pinned/fingerprints.rs");

fn options(seed: u64, start: &str) -> SimOptions {
    SimOptions::new(seed, start).expect("valid start")
}

/// Every `CreationTime` and `Id` of an audit-log JSON array, in file order.
fn audit_times_and_ids(text: &str) -> Vec<(NaiveDateTime, String)> {
    let records: serde_json::Value = serde_json::from_str(text).expect("JSON array");
    records
        .as_array()
        .expect("array")
        .iter()
        .map(|r| {
            let time = r["CreationTime"].as_str().expect("CreationTime");
            let time = NaiveDateTime::parse_from_str(time, "%Y-%m-%dT%H:%M:%S").expect("time");
            (time, r["Id"].as_str().expect("Id").to_owned())
        })
        .collect()
}

/// Every `createdDateTime` and `id` of a Graph sign-ins page, in file order.
fn signin_times_and_ids(text: &str) -> Vec<(DateTime<chrono::FixedOffset>, String)> {
    let page: serde_json::Value = serde_json::from_str(text).expect("JSON");
    page["value"]
        .as_array()
        .expect("value")
        .iter()
        .map(|s| {
            let time = s["createdDateTime"].as_str().expect("createdDateTime");
            (
                DateTime::parse_from_rfc3339(time).expect("time"),
                s["id"].as_str().expect("id").to_owned(),
            )
        })
        .collect()
}

#[test]
fn the_same_seed_and_start_give_the_same_bytes_and_truth() {
    let mut several_days = options(42, PINNED_START);
    several_days.days = 3;
    several_days.users = 30;
    let a = simulate(&several_days);
    let b = simulate(&several_days);
    assert!(!a.files.is_empty());
    assert!(a.files.iter().all(|f| !f.text.is_empty()));
    assert_eq!(a.files, b.files);
    assert_eq!(a.truth, b.truth);
    assert_eq!(
        serde_json::to_string(&a.truth).expect("json"),
        serde_json::to_string(&b.truth).expect("json")
    );
}

#[test]
fn streaming_writes_the_same_bytes_as_memory() {
    /// A sink that accepts at most a few bytes per call, as a slow pipe would.
    struct Trickle(Vec<u8>);
    impl std::io::Write for Trickle {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let n = buf.len().min(7);
            self.0.extend_from_slice(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut options = options(5, PINNED_START);
    options.days = 2;
    let memory = simulate(&options);
    let (truth, streamed) = simulate_to(&options, |_| Ok(Trickle(Vec::new()))).expect("write");
    assert_eq!(truth, memory.truth);
    assert_eq!(streamed.len(), memory.files.len());
    for ((name, sink), file) in streamed.iter().zip(&memory.files) {
        assert_eq!(name, &file.name);
        assert_eq!(String::from_utf8_lossy(&sink.0), file.text, "{name}");
    }
}

#[test]
fn another_seed_gives_other_bytes() {
    let a = simulate(&options(42, PINNED_START));
    let b = simulate(&options(43, PINNED_START));
    assert_eq!(a.files.len(), b.files.len());
    for (x, y) in a.files.iter().zip(&b.files) {
        assert_eq!(x.name, y.name);
        assert_ne!(x.text, y.text, "{}", x.name);
    }
    assert_ne!(a.truth.domain, b.truth.domain);
    assert_ne!(a.truth.scenarios, b.truth.scenarios);
}

#[test]
fn another_start_shifts_every_time_and_nothing_else() {
    let a = simulate(&options(42, "2025-03-04T00:00:00Z"));
    let b = simulate(&options(42, "2025-03-11T00:00:00Z"));
    let shift = Duration::days(7);
    let file = |output: &mailhound_simulator::SimOutput, name: &str| {
        output
            .files
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.text.clone())
            .expect("file written")
    };
    let (ual_a, ual_b) = (
        audit_times_and_ids(&file(&a, "ual.json")),
        audit_times_and_ids(&file(&b, "ual.json")),
    );
    assert!(!ual_a.is_empty());
    assert_eq!(ual_a.len(), ual_b.len());
    for ((time_a, id_a), (time_b, id_b)) in ual_a.iter().zip(&ual_b) {
        assert_eq!(*time_a + shift, *time_b);
        assert_eq!(id_a, id_b);
    }
    let (signins_a, signins_b) = (
        signin_times_and_ids(&file(&a, "signins.graph.json")),
        signin_times_and_ids(&file(&b, "signins.graph.json")),
    );
    assert!(!signins_a.is_empty());
    assert_eq!(signins_a.len(), signins_b.len());
    for ((time_a, id_a), (time_b, id_b)) in signins_a.iter().zip(&signins_b) {
        assert_eq!(*time_a + shift, *time_b);
        assert_eq!(id_a, id_b);
    }
    assert_eq!(a.truth.scenarios.len(), b.truth.scenarios.len());
    for (x, y) in a.truth.scenarios.iter().zip(&b.truth.scenarios) {
        let first_a = DateTime::parse_from_rfc3339(&x.first_seen).expect("time");
        let first_b = DateTime::parse_from_rfc3339(&y.first_seen).expect("time");
        assert_eq!(first_a + shift, first_b, "{}", x.id);
        assert_eq!(x.records, y.records, "{}", x.id);
        assert_eq!(x.entities, y.entities, "{}", x.id);
    }
}

#[test]
fn the_pinned_seed_writes_the_pinned_bytes_on_every_platform() {
    let output = simulate(&options(PINNED_SEED, PINNED_START));
    let simulation = simulation_fingerprint(&output);
    let report = report::validate_seeds(&options(PINNED_SEED, PINNED_START), [PINNED_SEED]);
    assert!(report.summary.passed, "{:#?}", report.summary);
    let validation = report_fingerprint(&report);
    assert_eq!(
        (simulation, validation),
        (SIMULATION_FINGERPRINT, VALIDATION_FINGERPRINT),
        "the simulator's output changed: if on purpose, set SIMULATION_FINGERPRINT = {simulation:#018x} \
         and VALIDATION_FINGERPRINT = {validation:#018x} in tests/pinned/fingerprints.rs"
    );
}
