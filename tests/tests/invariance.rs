//! Property tests: however the input is chunked, the findings and counters are the same.

use mailhound_core::EngineConfig;
use mailhound_e2e::{fixture, scan_chunked};
use mailhound_simulator::{SimOptions, simulate};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn chunking_never_changes_the_result(seed in 0u64..1000, chunk in 1usize..5000) {
        let output = simulate(&SimOptions::new(seed, "2025-03-04T00:00:00Z").expect("valid"));
        let bytes = output.files[0].text.as_bytes();
        let whole = scan_chunked(&[("ual.json", bytes)], usize::MAX, EngineConfig::default());
        let pieces = scan_chunked(&[("ual.json", bytes)], chunk, EngineConfig::default());
        prop_assert_eq!(whole, pieces);
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_always_balance(bytes in proptest::collection::vec(any::<u8>(), 0..2000), chunk in 1usize..64) {
        let scanned = scan_chunked(&[("noise", &bytes)], chunk, EngineConfig::default());
        prop_assert!(scanned.stats.balanced());
    }

    #[test]
    fn damaged_fixtures_never_panic(cut in 0usize..4000, chunk in 1usize..300) {
        let bytes = std::fs::read(fixture("ual/inbox-rules.json")).expect("fixture");
        let cut = cut.min(bytes.len());
        let scanned = scan_chunked(&[("cut.json", &bytes[..cut])], chunk, EngineConfig::default());
        prop_assert!(scanned.stats.balanced());
        prop_assert!(scanned.findings.len() <= 2);
    }
}
