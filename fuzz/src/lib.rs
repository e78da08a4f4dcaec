//! What every fuzz target checks: an input of any bytes, pushed in chunks of any sizes and
//! read as a given format (or recognised), never panics, and every record is accounted for
//! (`records = events + ignored + rejected + duplicates`).

use mailhound_core::{Engine, EngineConfig, Format};

/// Scans `data` as `format` (`None`: recognise it). The first byte chooses the chunking.
pub fn run(data: &[u8], format: Option<&str>) {
    let format = format.map(|name| name.parse::<Format>().expect("a known format name"));
    let (chunk, data) = match data.split_first() {
        Some((first, rest)) => (usize::from(*first) % 64 + 1, rest),
        None => (1, data),
    };
    let config = EngineConfig {
        max_record_bytes: 64 * 1024,
        ..EngineConfig::default()
    };
    let mut engine = Engine::new(config);
    engine.begin_input_as("fuzz", format).expect("open engine");
    for piece in data.chunks(chunk) {
        engine.push(piece).expect("open engine");
    }
    engine.finish().expect("open engine");
    let stats = engine.stats();
    assert!(stats.balanced(), "unbalanced accounting: {stats:?}");
}
