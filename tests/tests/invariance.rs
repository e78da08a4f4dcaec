//! Property tests: however the input is chunked, the findings and counters are the same.

use mailhound_core::{Engine, EngineConfig};
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

/// An audit record: a `Send` by `user` at `second` seconds past 2025-03-04T00:00:00Z, or an
/// inbox rule forwarding out when `rule` is set.
fn audit_line(id: usize, user: usize, second: u32, rule: bool) -> String {
    let time = chrono_free_time(second);
    if rule {
        format!(
            r#"{{"Id":"r{id}","CreationTime":"{time}","Operation":"New-InboxRule","RecordType":1,"UserId":"user{user}@contoso.com","ClientIP":"203.0.113.{user}","Parameters":[{{"Name":"Name","Value":"."}},{{"Name":"ForwardTo","Value":"out{id}@evil.example"}}]}}"#
        )
    } else {
        format!(
            r#"{{"Id":"s{id}","CreationTime":"{time}","Operation":"Send","RecordType":2,"UserId":"user{user}@contoso.com","ClientIP":"198.51.100.{user}","Item":{{"Subject":"Invoice {id}","ParentFolder":{{"Path":"\\Sent Items"}}}}}}"#
        )
    }
}

/// `HH:MM:SS` past the start day, as a zone-less audit-log time.
fn chrono_free_time(second: u32) -> String {
    format!(
        "2025-03-04T{:02}:{:02}:{:02}",
        second / 3600,
        second / 60 % 60,
        second % 60
    )
}

/// Records with distinct times: bursts of sends by a few users, and a few rules.
fn corpus() -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec(
        (0usize..4, 0u32..3 * 3600, proptest::bool::weighted(0.02)),
        50..400,
    )
    .prop_map(|records| {
        let mut seconds = std::collections::BTreeSet::new();
        records
            .into_iter()
            .enumerate()
            .filter(|(_, (_, second, _))| seconds.insert(*second))
            .map(|(id, (user, second, rule))| audit_line(id, user, second, rule))
            .collect()
    })
}

fn sorted_findings(mut findings: Vec<mailhound_core::Finding>) -> Vec<mailhound_core::Finding> {
    findings.sort_by(|a, b| a.id.cmp(&b.id));
    findings
}

fn config_with_small_bursts() -> EngineConfig {
    let mut config = EngineConfig::default();
    config.detections.bulk_send.threshold = 20;
    config
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn record_order_never_changes_the_findings(
        (records, shuffled) in corpus().prop_flat_map(|records| (Just(records.clone()), Just(records).prop_shuffle()))
    ) {
        let ordered = records.join("\n");
        let shuffled = shuffled.join("\n");
        let a = scan_chunked(&[("ordered", ordered.as_bytes())], 4096, config_with_small_bursts());
        let b = scan_chunked(&[("shuffled", shuffled.as_bytes())], 777, config_with_small_bursts());
        prop_assert_eq!(sorted_findings(a.findings), sorted_findings(b.findings));
        prop_assert_eq!(a.stats.late_events, 0);
    }

    #[test]
    fn a_snapshot_anywhere_gives_the_uninterrupted_result(records in corpus(), cut in any::<proptest::sample::Index>()) {
        let whole = scan_chunked(&[("all", records.join("\n").as_bytes())], 1 << 20, config_with_small_bursts());
        let cut = cut.index(records.len());
        let (first, second) = records.split_at(cut);
        let mut engine = Engine::new(config_with_small_bursts());
        let mut findings = engine.push(first.join("\n").as_bytes()).expect("open");
        let (more, bytes) = engine.snapshot().expect("snapshot");
        findings.extend(more);
        let mut restored = Engine::restore(&bytes).expect("restore");
        findings.extend(restored.push(format!("\n{}", second.join("\n")).as_bytes()).expect("open"));
        findings.extend(restored.finish().expect("open"));
        prop_assert_eq!(sorted_findings(findings), sorted_findings(whole.findings));
    }
}

/// Places sign-ins come from: country, city, coordinates.
const PLACES: [(&str, &str, f64, f64); 4] = [
    ("NL", "Amsterdam", 52.37, 4.90),
    ("DE", "Frankfurt am Main", 50.11, 8.68),
    ("US", "Ashburn", 39.04, -77.49),
    ("NG", "Lagos", 6.52, 3.38),
];

/// A Graph sign-in (as an NDJSON line) or an inbox-rule audit record, at `second` seconds past
/// 2025-03-04T00:00:00Z: sign-ins from one of the places with one of the risk states, rules
/// forwarding out, forwarding inside, or only filing.
fn sequence_line(id: usize, user: usize, second: u32, what: u8) -> String {
    let time = chrono_free_time(second);
    let ip = format!("203.0.113.{}", 10 + what % 4);
    match what {
        0..=7 => {
            let (country, city, lat, lon) = PLACES[usize::from(what % 4)];
            let (risk, state) = [
                ("none", "none"),
                ("medium", "atRisk"),
                ("hidden", "none"),
                ("high", "remediated"),
            ][usize::from(what / 2 % 4)];
            format!(
                r#"{{"id":"g{id}","createdDateTime":"{time}Z","userPrincipalName":"user{user}@contoso.com","ipAddress":"{ip}","appDisplayName":"Office 365 Exchange Online","isInteractive":true,"riskLevelDuringSignIn":"{risk}","riskState":"{state}","status":{{"errorCode":0}},"location":{{"city":"{city}","countryOrRegion":"{country}","geoCoordinates":{{"latitude":{lat},"longitude":{lon}}}}}}}"#
            )
        }
        _ => {
            let action = match what % 3 {
                0 => r#"{"Name":"ForwardTo","Value":"out@evil.example"}"#,
                1 => r#"{"Name":"ForwardTo","Value":"colleague@contoso.com"}"#,
                _ => r#"{"Name":"MoveToFolder","Value":"Archive"}"#,
            };
            format!(
                r#"{{"Id":"r{id}","CreationTime":"{time}","Operation":"New-InboxRule","RecordType":1,"UserId":"user{user}@contoso.com","ClientIP":"{ip}","Parameters":[{{"Name":"Name","Value":"r"}},{action}]}}"#
            )
        }
    }
}

/// Sign-ins and rules of a few users with distinct times over a day.
fn sequence_corpus() -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec((0usize..3, 0u32..86_399, 0u8..11), 20..200).prop_map(|records| {
        let mut seconds = std::collections::BTreeSet::new();
        records
            .into_iter()
            .enumerate()
            .filter(|(_, (_, second, _))| seconds.insert(*second))
            .map(|(id, (user, second, what))| sequence_line(id, user, second, what))
            .collect()
    })
}

fn sequence_config(mode: mailhound_core::Mode) -> EngineConfig {
    EngineConfig {
        tenant_domains: vec!["contoso.com".into()],
        mode,
        ..EngineConfig::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn sign_in_sequences_do_not_depend_on_record_order(
        (records, shuffled) in sequence_corpus().prop_flat_map(|records| (Just(records.clone()), Just(records).prop_shuffle())),
        seed_mode in any::<bool>(),
    ) {
        let mode = if seed_mode { mailhound_core::Mode::SeedCompatible } else { mailhound_core::Mode::Default };
        let a = scan_chunked(&[("ordered", records.join("\n").as_bytes())], 4096, sequence_config(mode));
        let b = scan_chunked(&[("shuffled", shuffled.join("\n").as_bytes())], 333, sequence_config(mode));
        prop_assert_eq!(a.stats.rejected, 0);
        prop_assert_eq!(sorted_findings(a.findings), sorted_findings(b.findings));
    }

    #[test]
    fn sign_in_sequences_survive_a_snapshot_anywhere(records in sequence_corpus(), cut in any::<proptest::sample::Index>()) {
        let config = || sequence_config(mailhound_core::Mode::Default);
        let whole = scan_chunked(&[("all", records.join("\n").as_bytes())], 1 << 20, config());
        let cut = cut.index(records.len());
        let (first, second) = records.split_at(cut);
        let mut engine = Engine::new(config());
        let mut findings = engine.push(first.join("\n").as_bytes()).expect("open");
        let (more, bytes) = engine.snapshot().expect("snapshot");
        findings.extend(more);
        let mut restored = Engine::restore(&bytes).expect("restore");
        findings.extend(restored.push(format!("\n{}", second.join("\n")).as_bytes()).expect("open"));
        findings.extend(restored.finish().expect("open"));
        prop_assert_eq!(sorted_findings(findings), sorted_findings(whole.findings));
    }
}
