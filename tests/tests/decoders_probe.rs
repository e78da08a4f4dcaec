//! Enumeration-probe fixtures (IIS W3C, Squid, combined, proxy JSON, EVTX JSON, Winlogbeat)
//! through the engine: the input is recognised, every record is accounted for whatever the
//! chunking, and each rejection names its line and its reason. The fields of the events are
//! checked beside the decoders (`core/src/decode/probe/`), the findings in `enumeration.rs`.

use mailhound_core::{EngineConfig, Stats};
use mailhound_e2e::{Scanned, fixture, scan_chunked};

/// Chunk sizes each fixture is pushed in: byte by byte, odd sizes, and whole.
const CHUNKS: [usize; 4] = [1, 7, 64, 1 << 20];

/// What a fixture must give.
struct Expected<'a> {
    name: &'a str,
    format: &'a str,
    /// records, events, ignored, rejected
    counts: (u64, u64, u64, u64),
    /// (line, part of the reason) of each rejection, in order
    rejections: &'a [(u64, &'a str)],
    /// (reason, count) of the ignored records
    ignored: &'a [(&'a str, u64)],
}

fn scan(name: &str, chunk: usize) -> Scanned {
    let bytes = std::fs::read(fixture(&format!("probe/{name}"))).expect("fixture");
    scan_chunked(&[(name, &bytes)], chunk, EngineConfig::default())
}

fn counts(stats: &Stats) -> (u64, u64, u64, u64) {
    (stats.records, stats.events, stats.ignored, stats.rejected)
}

fn check(expected: &Expected<'_>) {
    let whole = scan(expected.name, 1 << 20);
    for chunk in CHUNKS {
        let scanned = scan(expected.name, chunk);
        let stats = &scanned.stats;
        assert_eq!(
            counts(stats),
            expected.counts,
            "{} in chunks of {chunk}: {:#?}",
            expected.name,
            scanned.rejections
        );
        assert_eq!(stats.duplicates, 0, "{}", expected.name);
        assert!(stats.balanced(), "{}: {stats:?}", expected.name);
        let input = stats
            .inputs
            .iter()
            .find(|input| input.name == expected.name)
            .expect("the input is listed");
        assert_eq!(input.format.as_deref(), Some(expected.format));
        assert_eq!(input.records, expected.counts.0);
        // What the detections make of these records is checked in `enumeration.rs`; here,
        // only that the chunking changes nothing.
        assert_eq!(
            scanned.findings, whole.findings,
            "{} in chunks of {chunk}",
            expected.name
        );
        let where_why: Vec<(u64, &str)> = scanned
            .rejections
            .iter()
            .map(|r| (r.location.line, r.reason.as_str()))
            .collect();
        assert_eq!(
            where_why.len(),
            expected.rejections.len(),
            "{}: {where_why:#?}",
            expected.name
        );
        for ((line, reason), (want_line, want_reason)) in where_why.iter().zip(expected.rejections)
        {
            assert_eq!(line, want_line, "{}: {reason}", expected.name);
            assert!(
                reason.contains(want_reason),
                "{} line {line}: {reason}",
                expected.name
            );
        }
        assert!(
            scanned
                .rejections
                .iter()
                .all(|r| r.location.input == expected.name)
        );
        let ignored: Vec<(&str, u64)> = stats
            .ignored_by_reason
            .iter()
            .map(|(reason, count)| (reason.as_str(), *count))
            .collect();
        assert_eq!(ignored, expected.ignored, "{}", expected.name);
        assert_eq!(
            scanned.stats, whole.stats,
            "{} in chunks of {chunk}",
            expected.name
        );
        assert_eq!(scanned.rejections, whole.rejections);
    }
}

#[test]
fn iis_autodiscover_probes() {
    check(&Expected {
        name: "autodiscover-iis.log",
        format: "iis-w3c",
        counts: (18, 15, 0, 3),
        rejections: &[
            (15, "invalid date and time `2025-03-32 08:41:25`"),
            (
                16,
                "W3C line has 5 fields but the `#Fields:` directive names 15",
            ),
            (
                26,
                "W3C line has 18 fields but the `#Fields:` directive names 17",
            ),
        ],
        ignored: &[],
    });
}

#[test]
fn iis_data_before_the_fields_directive() {
    check(&Expected {
        name: "iis-fields-late.log",
        format: "iis-w3c",
        counts: (2, 1, 0, 1),
        rejections: &[(3, "W3C data line before any `#Fields:` directive")],
        ignored: &[],
    });
}

#[test]
fn squid_native_proxy_log() {
    check(&Expected {
        name: "proxy-squid.log",
        format: "squid",
        counts: (13, 10, 1, 2),
        rejections: &[
            (11, "Squid line has 4 fields; the native format has 10"),
            (12, "field 1 (time): `04/Mar/2025:09:06:03`"),
        ],
        ignored: &[("Squid error entry (no request target)", 1)],
    });
}

#[test]
fn squid_combined_proxy_log() {
    check(&Expected {
        name: "proxy-combined.log",
        format: "combined",
        counts: (14, 10, 2, 2),
        rejections: &[
            (10, "invalid time `[04/Mar/2025:25:61:00 +0000]`"),
            (11, "a quoted field is never closed"),
        ],
        ignored: &[
            ("Squid error entry (no request target)", 1),
            ("web request without a readable request line", 1),
        ],
    });
}

#[test]
fn proxy_json_and_ecs() {
    check(&Expected {
        name: "proxy-ecs.ndjson",
        format: "json (proxy-json)",
        counts: (11, 6, 0, 5),
        rejections: &[
            (6, "invalid proxy record: invalid type: map"),
            (7, "proxy record without a time"),
            (8, "field `@timestamp`: invalid time `2025-03-04T25:00:00Z`"),
            (9, "unterminated string"),
            (11, "proxy record without a URL"),
        ],
        ignored: &[],
    });
}

#[test]
fn sysmon_and_security_events_from_evtx() {
    check(&Expected {
        name: "sysmon-evtx.ndjson",
        format: "json (evtx-json)",
        counts: (16, 9, 3, 4),
        rejections: &[
            (13, "`EventID` `one` is not a number"),
            (14, "Windows event without `EventRecordID`"),
            (15, "EVTX JSON record without `Event.System`"),
            (
                16,
                "field `UtcTime`: invalid time `2025-02-30 08:54:00.000`",
            ),
        ],
        ignored: &[
            ("Security event 4624", 1),
            ("Sysmon event 5", 1),
            ("Windows event 7036 (System)", 1),
        ],
    });
}

#[test]
fn sysmon_and_security_events_from_winlogbeat() {
    check(&Expected {
        name: "winlogbeat.ndjson",
        format: "json (winlogbeat)",
        counts: (9, 5, 1, 3),
        rejections: &[
            (7, "Windows event without `EventRecordID`"),
            (8, "invalid Winlogbeat document: invalid type: map"),
            (9, "Windows event without a time (`@timestamp`)"),
        ],
        ignored: &[("Sysmon event 22", 1)],
    });
}

/// The same Windows events exported twice (EVTX converted to JSON, and shipped by
/// Winlogbeat) have the same record ids, so the second copies are duplicates.
#[test]
fn the_same_windows_events_from_two_exports_are_duplicates() {
    let evtx = std::fs::read(fixture("probe/sysmon-evtx.ndjson")).expect("fixture");
    let winlogbeat = std::fs::read(fixture("probe/winlogbeat.ndjson")).expect("fixture");
    let scanned = scan_chunked(
        &[
            ("sysmon-evtx.ndjson", &evtx),
            ("winlogbeat.ndjson", &winlogbeat),
        ],
        4096,
        EngineConfig::default(),
    );
    let stats = &scanned.stats;
    assert_eq!(counts(stats), (25, 9, 4, 7));
    assert_eq!(stats.duplicates, 5);
    assert!(stats.balanced());
    let second = stats
        .inputs
        .iter()
        .find(|input| input.name == "winlogbeat.ndjson")
        .expect("listed");
    assert_eq!((second.events, second.duplicates), (0, 5));
}

/// All the probe fixtures in one engine: every input is recognised on its own.
#[test]
fn mixed_inputs_in_one_scan() {
    let names = [
        "autodiscover-iis.log",
        "proxy-squid.log",
        "proxy-combined.log",
        "proxy-ecs.ndjson",
        "iis-fields-late.log",
    ];
    let bytes: Vec<Vec<u8>> = names
        .iter()
        .map(|name| std::fs::read(fixture(&format!("probe/{name}"))).expect("fixture"))
        .collect();
    let inputs: Vec<(&str, &[u8])> = names
        .iter()
        .zip(&bytes)
        .map(|(name, bytes)| (*name, bytes.as_slice()))
        .collect();
    let scanned = scan_chunked(&inputs, 333, EngineConfig::default());
    let stats = &scanned.stats;
    assert_eq!(counts(stats), (58, 42, 3, 13));
    assert!(stats.balanced());
    let formats: Vec<_> = stats
        .inputs
        .iter()
        .filter(|input| input.records > 0)
        .map(|input| input.format.as_deref().unwrap_or("?"))
        .collect();
    assert_eq!(
        formats,
        [
            "iis-w3c",
            "squid",
            "combined",
            "json (proxy-json)",
            "iis-w3c"
        ]
    );
}

mod damaged {
    //! Damaged and noisy probe logs never panic and every record is accounted for.

    use super::*;
    use proptest::prelude::*;

    const FIXTURES: [&str; 7] = [
        "autodiscover-iis.log",
        "iis-fields-late.log",
        "proxy-squid.log",
        "proxy-combined.log",
        "proxy-ecs.ndjson",
        "sysmon-evtx.ndjson",
        "winlogbeat.ndjson",
    ];

    /// First lines that make the input recognised as each line format.
    const HEADERS: [&str; 3] = [
        "#Software: Microsoft Internet Information Services 10.0\n#Fields: date time c-ip cs-method cs-uri-stem cs-uri-query cs-username cs(User-Agent) sc-status sc-substatus sc-win32-status\n",
        "1741077677.123    187 10.0.5.42 TCP_MISS/200 1532 POST https://login.microsoftonline.com/common/GetCredentialType - HIER_DIRECT/20.190.160.1 application/json\n",
        "10.0.5.42 - - [04/Mar/2025:08:41:17 +0000] \"POST / HTTP/1.1\" 401 0 \"-\" \"curl/8.5.0\"\n",
    ];

    /// Free text, or whitespace-separated tokens about as many as each format has fields
    /// (so that lines get past the field counts into the value parsing).
    fn noise_line() -> impl Strategy<Value = String> {
        let token = proptest::string::string_regex(r#"[0-9a-zA-Z.:/+%"\[\]@\\é-]{1,14}"#)
            .expect("a valid pattern");
        prop_oneof![
            proptest::string::string_regex(r#"[0-9a-zA-Z .:/+%"\[\]@\\#é-]{0,120}"#)
                .expect("a valid pattern"),
            proptest::collection::vec(token, 7..13).prop_map(|tokens| tokens.join(" ")),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn cut_and_flipped_fixtures_never_panic(
            which in 0usize..FIXTURES.len(),
            cut in 0usize..8000,
            flip in 0usize..8000,
            byte in any::<u8>(),
            chunk in 1usize..300,
        ) {
            let name = FIXTURES[which];
            let mut bytes = std::fs::read(fixture(&format!("probe/{name}"))).expect("fixture");
            bytes.truncate(cut.min(bytes.len()));
            if let Some(target) = bytes.get_mut(flip) {
                *target = byte;
            }
            let scanned = scan_chunked(&[(name, &bytes)], chunk, EngineConfig::default());
            prop_assert!(scanned.stats.balanced());
        }

        #[test]
        fn noisy_lines_never_panic(
            which in 0usize..HEADERS.len(),
            lines in proptest::collection::vec(noise_line(), 0..20),
            chunk in 1usize..200,
        ) {
            let text = format!("{}{}\n", HEADERS[which], lines.join("\n"));
            let scanned = scan_chunked(&[("noise.log", text.as_bytes())], chunk, EngineConfig::default());
            prop_assert!(scanned.stats.balanced());
            let whole = scan_chunked(&[("noise.log", text.as_bytes())], usize::MAX, EngineConfig::default());
            prop_assert_eq!(scanned, whole);
        }
    }
}
