//! End to end: sign-in exports and audit-log exports, dropped together, through the engine to
//! `impossible_travel` and `risky_signin_then_inbox_rule` findings, in both modes, whatever the
//! order the files arrive in.

use mailhound_core::{Engine, EngineConfig, Finding, Mode};
use mailhound_e2e::scan_chunked;
use serde_json::json;

/// A Graph `signIn` record: a success unless `error` says otherwise.
#[allow(clippy::too_many_arguments)]
fn graph_signin(
    id: &str,
    time: &str,
    user: &str,
    ip: &str,
    (country, city, lat, lon): (&str, &str, f64, f64),
    app: &str,
    (during, state): (&str, &str),
    error: u32,
) -> serde_json::Value {
    json!({
        "id": id, "createdDateTime": time, "userPrincipalName": user, "ipAddress": ip,
        "appDisplayName": app, "appId": "00000002-0000-0ff1-ce00-000000000000",
        "resourceDisplayName": "Office 365 Exchange Online", "clientAppUsed": "Browser",
        "isInteractive": true, "riskLevelDuringSignIn": during, "riskLevelAggregated": "none",
        "riskState": state, "status": {"errorCode": error},
        "location": {"city": city, "countryOrRegion": country,
                     "geoCoordinates": {"latitude": lat, "longitude": lon}}
    })
}

fn graph_file(records: &[serde_json::Value]) -> String {
    json!({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns", "value": records})
        .to_string()
}

/// A `New-InboxRule` audit record (Management Activity API shape, zone-less time).
fn inbox_rule(id: &str, time: &str, user: &str, ip: &str, parameters: &[(&str, &str)]) -> String {
    let parameters: Vec<_> = parameters
        .iter()
        .map(|(name, value)| json!({"Name": name, "Value": value}))
        .collect();
    json!({
        "Id": id, "CreationTime": time, "Operation": "New-InboxRule", "RecordType": 1,
        "Workload": "Exchange", "UserId": user, "ClientIP": format!("{ip}:53120"),
        "ResultStatus": "True", "Parameters": parameters
    })
    .to_string()
}

const ASHBURN: (&str, &str, f64, f64) = ("US", "Ashburn", 39.04, -77.49);
const FRANKFURT: (&str, &str, f64, f64) = ("DE", "Frankfurt am Main", 50.11, 8.68);
const BRUSSELS: (&str, &str, f64, f64) = ("BE", "Brussels", 50.85, 4.35);
const LONDON: (&str, &str, f64, f64) = ("GB", "London", 51.47, -0.45);
const LAGOS: (&str, &str, f64, f64) = ("NG", "Lagos", 6.52, 3.38);
const EXO: &str = "Office 365 Exchange Online";

fn of<'f>(findings: &'f [Finding], detection: &str) -> Vec<&'f Finding> {
    findings
        .iter()
        .filter(|finding| finding.detection == detection)
        .collect()
}

fn seed_mode(mut config: EngineConfig) -> EngineConfig {
    config.mode = Mode::SeedCompatible;
    config
}

/// The seeds' test 4 (a VPN geo-shift to Germany and back), a traveller's short hop across a
/// border, and an admin behind a jump server abroad.
fn travel_export() -> String {
    let ok = ("none", "none");
    graph_file(&[
        graph_signin(
            "eve-1",
            "2025-03-04T14:02:11Z",
            "Eve@Contoso.com",
            "198.51.100.20",
            ASHBURN,
            EXO,
            ok,
            0,
        ),
        graph_signin(
            "eve-2",
            "2025-03-04T14:21:40Z",
            "eve@contoso.com",
            "185.0.2.40",
            FRANKFURT,
            EXO,
            ok,
            0,
        ),
        graph_signin(
            "eve-3",
            "2025-03-04T14:48:05Z",
            "eve@contoso.com",
            "198.51.100.20",
            ASHBURN,
            EXO,
            ok,
            0,
        ),
        // A failed attempt from far away is no location.
        graph_signin(
            "eve-x",
            "2025-03-04T14:30:00Z",
            "eve@contoso.com",
            "102.89.1.7",
            LAGOS,
            EXO,
            ok,
            50126,
        ),
        graph_signin(
            "tom-1",
            "2025-03-04T10:02:00Z",
            "tom@contoso.com",
            "198.51.100.30",
            BRUSSELS,
            EXO,
            ok,
            0,
        ),
        graph_signin(
            "tom-2",
            "2025-03-04T10:57:00Z",
            "tom@contoso.com",
            "203.0.113.31",
            LONDON,
            EXO,
            ok,
            0,
        ),
        graph_signin(
            "adm-1",
            "2025-03-04T09:00:00Z",
            "admin@contoso.com",
            "198.51.100.40",
            BRUSSELS,
            EXO,
            ok,
            0,
        ),
        graph_signin(
            "adm-2",
            "2025-03-04T09:15:00Z",
            "admin@contoso.com",
            "192.0.2.17",
            ASHBURN,
            EXO,
            ok,
            0,
        ),
    ])
}

fn trusting_the_jump_server() -> EngineConfig {
    serde_json::from_value(json!({
        "detections": {"impossible_travel": {"trusted_ranges": ["192.0.2.0/27"]}}
    }))
    .expect("valid configuration")
}

#[test]
fn impossible_travel_from_a_graph_export_in_both_modes() {
    let export = travel_export();
    let scanned = scan_chunked(
        &[("signins.json", export.as_bytes())],
        997,
        trusting_the_jump_server(),
    );
    assert_eq!(scanned.stats.rejected, 0, "{:?}", scanned.rejections);
    let found = of(&scanned.findings, "impossible_travel");
    assert_eq!(found.len(), 1, "{found:#?}");
    let eve = found[0];
    assert_eq!(eve.entity.value, "eve@contoso.com");
    assert_eq!(eve.evidence, vec!["eve-1", "eve-2", "eve-3"]);
    assert_eq!(eve.details["pattern"], "a_b_a");
    assert_eq!(eve.details["countries"], json!(["US", "DE"]));
    assert_eq!(eve.details["ips"], json!(["198.51.100.20", "185.0.2.40"]));
    assert_eq!(eve.severity, mailhound_core::Severity::High);
    assert!(eve.details["speed_kmh"].as_f64().expect("speed") > 10_000.0);

    // The seed: eve (US, DE in the hour from 14:00), the traveller (BE, GB in the hour from
    // 10:00) and the admin (BE, US in the hour from 09:00), trusted ranges or not.
    let seeded = scan_chunked(
        &[("signins.json", export.as_bytes())],
        1 << 20,
        seed_mode(trusting_the_jump_server()),
    );
    let mut users: Vec<&str> = of(&seeded.findings, "impossible_travel")
        .iter()
        .map(|finding| finding.entity.value.as_str())
        .collect();
    users.sort_unstable();
    assert_eq!(
        users,
        ["admin@contoso.com", "eve@contoso.com", "tom@contoso.com"]
    );

    // Untrusted, the jump server is a second (geo-velocity) finding by default.
    let untrusted = scan_chunked(
        &[("signins.json", export.as_bytes())],
        1 << 20,
        EngineConfig::default(),
    );
    let found = of(&untrusted.findings, "impossible_travel");
    assert_eq!(found.len(), 2);
    assert!(
        found.iter().any(
            |f| f.entity.value == "admin@contoso.com" && f.details["pattern"] == "geo_velocity"
        )
    );
}

/// A phished session: a medium-risk sign-in to Exchange from Lagos, then a rule forwarding
/// the mailbox out from the same address; and a user whose rule forwards to a colleague after
/// a risky sign-in.
fn takeover() -> (String, String) {
    let risky = ("medium", "atRisk");
    let signins = graph_file(&[
        graph_signin(
            "si-1",
            "2025-03-04T09:15:00Z",
            "jdoe@contoso.com",
            "102.89.1.7",
            LAGOS,
            EXO,
            risky,
            0,
        ),
        graph_signin(
            "si-2",
            "2025-03-04T11:00:00Z",
            "amy@contoso.com",
            "198.51.100.9",
            BRUSSELS,
            EXO,
            risky,
            0,
        ),
    ]);
    let rules = [
        inbox_rule(
            "rule-1",
            "2025-03-04T09:27:30",
            "JDoe@contoso.com",
            "102.89.1.7",
            &[
                ("Name", "."),
                ("ForwardTo", "SMTP:drop.box@outlook-mail.example"),
                ("StopProcessingRules", "True"),
            ],
        ),
        inbox_rule(
            "rule-2",
            "2025-03-04T11:20:00",
            "amy@contoso.com",
            "198.51.100.9",
            &[("Name", "To Bob"), ("ForwardTo", "bob@contoso.com")],
        ),
    ];
    (signins, format!("[{}]", rules.join(",\n")))
}

fn tenant() -> EngineConfig {
    EngineConfig {
        tenant_domains: vec!["contoso.com".into()],
        ..EngineConfig::default()
    }
}

#[test]
fn a_risky_sign_in_then_a_forwarding_rule_whichever_file_comes_first() {
    let (signins, rules) = takeover();
    for inputs in [
        [
            ("signins.json", signins.as_bytes()),
            ("audit.json", rules.as_bytes()),
        ],
        [
            ("audit.json", rules.as_bytes()),
            ("signins.json", signins.as_bytes()),
        ],
    ] {
        let scanned = scan_chunked(&inputs, 4096, tenant());
        assert_eq!(scanned.stats.rejected, 0, "{:?}", scanned.rejections);
        let found = of(&scanned.findings, "risky_signin_then_inbox_rule");
        assert_eq!(found.len(), 1, "{found:#?}");
        let finding = found[0];
        assert_eq!(finding.entity.value, "jdoe@contoso.com");
        assert_eq!(finding.evidence, vec!["si-1", "rule-1"]);
        assert_eq!(finding.details["same_ip"], true);
        assert_eq!(finding.details["minutes_between"], 12.5);
        assert_eq!(
            finding.details["external_destinations"],
            json!(["drop.box@outlook-mail.example"])
        );
        assert_eq!(finding.confidence, mailhound_core::Confidence::High);
        // The rule itself is also an `inbox_rule_exfiltration` finding; amy's forward to a
        // colleague stays inside the tenant and is silent by default.
        assert_eq!(of(&scanned.findings, "inbox_rule_exfiltration").len(), 1);
    }
    // The seed also fires on amy's forward to a colleague.
    let seeded = scan_chunked(
        &[
            ("signins.json", signins.as_bytes()),
            ("audit.json", rules.as_bytes()),
        ],
        4096,
        seed_mode(tenant()),
    );
    let mut users: Vec<&str> = of(&seeded.findings, "risky_signin_then_inbox_rule")
        .iter()
        .map(|finding| finding.entity.value.as_str())
        .collect();
    users.sort_unstable();
    assert_eq!(users, ["amy@contoso.com", "jdoe@contoso.com"]);
}

#[test]
fn a_sign_in_arriving_after_the_streams_lateness_still_completes_the_sequence() {
    let (signins, rules) = takeover();
    let config = EngineConfig {
        allowed_lateness_seconds: Some(60),
        ..tenant()
    };
    // The audit stream is ahead: its rules (09:27, 11:20) are released before the sign-in log
    // delivers the 09:15 sign-in, which is late.
    let scanned = scan_chunked(
        &[
            ("audit.json", rules.as_bytes()),
            ("signins.json", signins.as_bytes()),
        ],
        512,
        config,
    );
    assert!(scanned.stats.late_events >= 1, "{:?}", scanned.stats);
    let found = of(&scanned.findings, "risky_signin_then_inbox_rule");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].evidence, vec!["si-1", "rule-1"]);
}

#[test]
fn a_snapshot_between_the_sign_in_and_the_rule_keeps_the_sequence() {
    let (signins, rules) = takeover();
    let whole = scan_chunked(
        &[
            ("signins.json", signins.as_bytes()),
            ("audit.json", rules.as_bytes()),
        ],
        1 << 20,
        tenant(),
    );
    let mut engine = Engine::new(tenant());
    let mut findings = engine.begin_input("signins.json").expect("open");
    findings.extend(engine.push(signins.as_bytes()).expect("open"));
    let (more, bytes) = engine.snapshot().expect("snapshot");
    findings.extend(more);
    let mut restored = Engine::restore(&bytes).expect("restore");
    findings.extend(restored.begin_input("audit.json").expect("open"));
    findings.extend(restored.push(rules.as_bytes()).expect("open"));
    findings.extend(restored.finish().expect("open"));
    let sorted = |mut findings: Vec<Finding>| {
        findings.sort_by(|a, b| a.id.cmp(&b.id));
        findings
    };
    assert_eq!(sorted(findings), sorted(whole.findings));
    let stats = restored.stats();
    assert!(
        stats
            .detector_state
            .contains_key("risky_signin_then_inbox_rule")
    );
    assert!(stats.detector_state.contains_key("impossible_travel"));
}
