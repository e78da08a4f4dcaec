//! Real-shaped fixture files through the engine: findings, accounting and rejections.

use mailhound_core::{EngineConfig, Severity};
use mailhound_e2e::{fixture, scan_chunked};

#[test]
fn inbox_rule_fixture_field_by_field() {
    let bytes = std::fs::read(fixture("ual/inbox-rules.json")).expect("fixture");
    let scanned = scan_chunked(
        &[("inbox-rules.json", &bytes)],
        1 << 20,
        EngineConfig::default(),
    );
    let stats = &scanned.stats;
    assert_eq!(
        (stats.records, stats.events, stats.ignored, stats.rejected),
        (4, 4, 0, 0),
        "the MailItemsAccessed record is an event too"
    );
    assert_eq!(scanned.findings.len(), 2, "{:#?}", scanned.findings);
    let attack = &scanned.findings[0];
    assert_eq!(attack.entity.value, "jdoe@contoso.com");
    // Forwarding out, marking as read, for invoices and payments: critical.
    assert_eq!(attack.severity, Severity::Critical);
    assert_eq!(
        attack.details["matched_keywords"],
        serde_json::json!(["invoice", "payment", "wire"])
    );
    assert_eq!(attack.details["degenerate_name"], "punctuation only");
    assert_eq!(
        attack.evidence,
        vec!["5e7c1a0e-2b1d-4f7e-9a49-08dd5b8c1f10"]
    );
    assert_eq!(attack.details["rule_name"], ".");
    assert_eq!(attack.details["client_ip"], "198.51.100.23");
    assert_eq!(
        attack.details["actions"],
        serde_json::json!(["ForwardTo", "MarkAsRead"])
    );
    // The parameter is spelt in capitals and the operation in lower case: both still match.
    let hiding = &scanned.findings[1];
    assert_eq!(hiding.entity.value, "bob.ray@contoso.com");
    assert_eq!(hiding.severity, Severity::Medium);
    assert_eq!(hiding.details["rule_name"], "Payroll");
    assert_eq!(hiding.details["client_ip"], "2001:db8::5");
    // The newsletter rule (MarkAsRead "False") is not a finding.
    assert!(
        scanned
            .findings
            .iter()
            .all(|f| f.entity.value != "amy.lee@contoso.com")
    );
}

#[test]
fn malformed_records_are_rejected_with_their_location() {
    let bytes = std::fs::read(fixture("ual/malformed.ndjson")).expect("fixture");
    for chunk in [1, 5, 64, 1 << 20] {
        let scanned = scan_chunked(
            &[("malformed.ndjson", &bytes)],
            chunk,
            EngineConfig::default(),
        );
        let stats = &scanned.stats;
        assert_eq!(
            (
                stats.records,
                stats.events,
                stats.ignored,
                stats.rejected,
                stats.findings
            ),
            (7, 2, 0, 5, 1),
            "chunk {chunk}: {:#?}",
            scanned.rejections
        );
        assert!(stats.balanced());
        let where_why: Vec<(u64, &str)> = scanned
            .rejections
            .iter()
            .map(|r| (r.location.line, r.reason.as_str()))
            .collect();
        assert_eq!(where_why.len(), 5);
        assert!(
            scanned
                .rejections
                .iter()
                .all(|r| r.location.input == "malformed.ndjson")
        );
        let expectations = [
            (2, "unterminated string"),
            (3, "not a JSON object"),
            (4, "invalid type"),
            (5, "invalid time"),
            (7, "unterminated string"),
        ];
        for ((line, reason), (want_line, want_reason)) in where_why.iter().zip(expectations) {
            assert_eq!(*line, want_line);
            assert!(reason.contains(want_reason), "line {line}: {reason}");
        }
    }
}
