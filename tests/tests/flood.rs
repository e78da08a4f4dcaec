//! A flood of distinct sources must not grow the engine's state: a million GetCredentialType
//! requests, each from a different address, pushed through the whole engine (framing,
//! decoding, duplicate check, ordering, every detector). The keyed state of the detection
//! that tracks sources stays within its configured bound, the evictions are counted, and the
//! ordering buffer stays within its own.

use mailhound_core::{Engine, EngineConfig};

const SOURCES: u32 = 1_000_000;
const MAX_KEYS: usize = 10_000;

/// A Squid access-log line: a GetCredentialType POST from source number `n`, one per 10 ms.
fn line(n: u32) -> String {
    let [_, b, c, d] = n.to_be_bytes();
    let millis = 1_741_077_660_000u64 + u64::from(n) * 10;
    format!(
        "{}.{:03}    187 10.{b}.{c}.{d} TCP_MISS/200 1532 POST https://login.microsoftonline.com/common/GetCredentialType - HIER_DIRECT/20.190.160.1 application/json\n",
        millis / 1000,
        millis % 1000
    )
}

#[test]
fn a_million_distinct_sources_stay_within_the_bound() {
    let mut config = EngineConfig {
        max_buffered_events: 5_000,
        ..EngineConfig::default()
    };
    config.detections.enumeration_tooling.max_keys = MAX_KEYS;
    let mut engine = Engine::new(config);
    engine.begin_input("flood.log").expect("open");
    let mut chunk = String::with_capacity(1 << 20);
    for n in 0..SOURCES {
        chunk.push_str(&line(n));
        if chunk.len() > (1 << 20) - 256 {
            engine.push(chunk.as_bytes()).expect("open");
            chunk.clear();
        }
    }
    engine.push(chunk.as_bytes()).expect("open");
    engine.finish().expect("open");
    let stats = engine.stats();
    assert_eq!(stats.records, u64::from(SOURCES));
    assert_eq!(
        stats.events,
        u64::from(SOURCES),
        "{:?}",
        engine.rejections().first()
    );
    let state = stats
        .detector_state
        .get("enumeration_tooling")
        .expect("the detection reports its state");
    assert!(state.keys <= MAX_KEYS, "{state:?}");
    assert_eq!(state.capacity, MAX_KEYS);
    assert!(
        state.evicted >= u64::from(SOURCES) - MAX_KEYS as u64,
        "evictions are counted: {state:?}"
    );
    assert!(stats.balanced());
}
