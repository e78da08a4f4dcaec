//! The promise behind ordering unread events as their time alone: for every event a detection
//! says it does not read (`Detector::reads`), observing it in order is the same as advancing
//! the detection's clock to its time, and observing it late changes nothing. Checked for
//! every detection, in both modes, on the simulator's whole tenant (every source and scenario).

use mailhound_core::decode::{DecodeContext, Outcome, decode};
use mailhound_core::detect::{self, Detector};
use mailhound_core::input::{Input, Item};
use mailhound_core::{EngineConfig, Event, Finding, Mode};
use mailhound_simulator::{SimOptions, simulate};

/// Every event of the simulated tenant, in time order.
fn tenant_events(seed: u64) -> Vec<Event> {
    let output = simulate(&SimOptions::new(seed, "2025-03-04T00:00:00Z").expect("valid"));
    let mut events = Vec::new();
    for file in &output.files {
        let mut input = Input::new(None, EngineConfig::default().max_record_bytes);
        let mut context = DecodeContext::new(&file.name, None);
        let mut sink = |item: Item<'_>| {
            if let Item::Record { unit, at } = item
                && let Some(Outcome::Event(event)) = decode(unit, at, &mut context)
            {
                events.push(event);
            }
        };
        input.push(file.text.as_bytes(), &mut sink);
        input.finish(&mut sink);
    }
    events.sort_by_key(|event| event.time);
    events
}

fn json(findings: &[Finding]) -> String {
    serde_json::to_string(findings).expect("findings serialise")
}

/// A copy of `detector` made through its saved state.
fn copy(detector: &dyn Detector, config: &EngineConfig) -> Box<dyn Detector> {
    let mut copy = detect::all(config)
        .into_iter()
        .find(|other| other.id() == detector.id())
        .expect("the same detection");
    copy.load(detector.save()).expect("its own state loads");
    copy
}

fn check(config: &EngineConfig, events: &[Event]) {
    for (mut observing, mut advancing) in detect::all(config).into_iter().zip(detect::all(config)) {
        let id = observing.id();
        let (mut observed, mut advanced) = (Vec::new(), Vec::new());
        let mut unread = 0;
        for (index, event) in events.iter().enumerate() {
            observing.observe(event, &mut observed);
            if advancing.reads(event) {
                advancing.observe(event, &mut advanced);
                continue;
            }
            unread += 1;
            advancing.advance(event.time, &mut advanced);
            if unread % 97 == 1 {
                // Observed late, an unread event changes nothing.
                let mut late = copy(observing.as_ref(), config);
                let mut none = Vec::new();
                late.observe_late(event, &mut none);
                assert!(none.is_empty(), "{id}: a late unread event made a finding");
                assert!(
                    late.save() == observing.save(),
                    "{id}: event {index}, observed late, changed the state"
                );
            }
            assert!(
                json(&observed) == json(&advanced),
                "{id}: event {index} made other findings when only advancing"
            );
        }
        observing.finish(&mut observed);
        advancing.finish(&mut advanced);
        assert!(
            json(&observed) == json(&advanced),
            "{id}: findings at the end"
        );
        assert!(
            observing.save() == advancing.save(),
            "{id}: state at the end"
        );
        assert!(unread > 0, "{id}: the tenant has events it does not read");
    }
}

#[test]
fn unread_events_only_move_the_clock() {
    let events = tenant_events(7);
    let detectors = detect::all(&EngineConfig::default());
    assert!(
        events
            .iter()
            .any(|event| detectors.iter().all(|detector| !detector.reads(event))),
        "some events are read by no detection (MailItemsAccessed)"
    );
    check(&EngineConfig::default(), &events);
    let seed_compatible = EngineConfig {
        mode: Mode::SeedCompatible,
        ..EngineConfig::default()
    };
    check(&seed_compatible, &events);
}
