//! `credential_spray`, `email_enumeration` and `enumeration_tooling` end to end: sign-in
//! exports and probe fixtures, as the command line and the page read them, through the engine.

mod audit;

use mailhound_core::{EngineConfig, EntityKind, Finding, Mode, Severity};
use mailhound_e2e::{fixture, scan_chunked};

/// One Entra sign-in as Graph `signIn` JSON: `second` seconds after 2025-03-04T08:00:00Z.
fn graph_sign_in(
    id: &str,
    second: u32,
    ip: &str,
    upn: &str,
    code: u32,
    client_app: &str,
) -> String {
    let time = format!(
        "2025-03-04T{:02}:{:02}:{:02}Z",
        8 + second / 3600,
        second / 60 % 60,
        second % 60
    );
    format!(
        r#"{{"id":"{id}","createdDateTime":"{time}","userPrincipalName":"{upn}","appDisplayName":"Exchange Web Services","ipAddress":"{ip}","clientAppUsed":"{client_app}","userAgent":"BAV2ROPC","authenticationProtocol":"none","isInteractive":true,"status":{{"errorCode":{code},"failureReason":null}},"location":{{"countryOrRegion":"NL"}}}}"#
    )
}

fn graph(rows: &[String]) -> String {
    format!(r#"{{"value":[{}]}}"#, rows.join(",\n"))
}

fn of<'a>(findings: &'a [Finding], detection: &str) -> Vec<&'a Finding> {
    findings
        .iter()
        .filter(|finding| finding.detection == detection)
        .collect()
}

/// The seeds' test 2 against 14 accounts over Basic authentication, and one account's
/// password right: it signs in from the same address 30 minutes later.
fn spray_export() -> String {
    let mut rows: Vec<String> = (0..14)
        .map(|i| {
            graph_sign_in(
                &format!("spray-{i}"),
                i * 90,
                "203.0.113.77",
                &format!("User{i}@Contoso.com"),
                if i % 2 == 0 { 50126 } else { 50055 },
                "Exchange Web Services",
            )
        })
        .collect();
    rows.push(graph_sign_in(
        "spray-win",
        14 * 90 + 1800,
        "203.0.113.77",
        "user6@contoso.com",
        0,
        "Exchange Web Services",
    ));
    // Someone else, elsewhere, as usual.
    rows.push(graph_sign_in(
        "other",
        600,
        "198.51.100.23",
        "amy@contoso.com",
        0,
        "Browser",
    ));
    graph(&rows)
}

#[test]
fn a_spray_then_a_sign_in_is_one_critical_finding_whatever_the_order() {
    let text = spray_export();
    let scanned = scan_chunked(
        &[("signins.json", text.as_bytes())],
        333,
        EngineConfig::default(),
    );
    let spray = of(&scanned.findings, "credential_spray");
    assert_eq!(spray.len(), 1, "{:#?}", scanned.findings);
    let finding = spray[0];
    assert_eq!(finding.severity, Severity::Critical);
    assert_eq!(finding.entity.kind, EntityKind::Ip);
    assert_eq!(finding.entity.value, "203.0.113.77");
    assert_eq!(finding.details["distinct_users"], 14);
    assert_eq!(
        finding.details["compromised_accounts"][0],
        "user6@contoso.com"
    );
    assert_eq!(finding.details["legacy_share"], 1.0);
    assert!(finding.evidence.contains(&"spray-win".to_owned()));
    assert!(!finding.evidence.contains(&"other".to_owned()));
    // 50055 is one of the seed's codes, so the email enumeration sees 7 names: below 10.
    assert!(of(&scanned.findings, "email_enumeration").is_empty());

    // Newest first, as portal exports list them: the same finding.
    let mut rows: Vec<&str> = text
        .trim_start_matches(r#"{"value":["#)
        .trim_end_matches("]}")
        .split(",\n")
        .collect();
    rows.reverse();
    let reversed = format!(r#"{{"value":[{}]}}"#, rows.join(",\n"));
    let again = scan_chunked(
        &[("newest-first.json", reversed.as_bytes())],
        1 << 20,
        EngineConfig::default(),
    );
    assert_eq!(of(&again.findings, "credential_spray"), spray);
}

#[test]
fn seed_compatible_mode_counts_the_clock_hour() {
    let config = EngineConfig {
        mode: Mode::SeedCompatible,
        ..EngineConfig::default()
    };
    let scanned = scan_chunked(
        &[("signins.json", spray_export().as_bytes())],
        1 << 20,
        config,
    );
    let spray = of(&scanned.findings, "credential_spray");
    assert_eq!(spray.len(), 1);
    assert_eq!(spray[0].details["mode"], "seed-compatible");
    assert_eq!(spray[0].details["distinct_users"], 14);
    assert!(
        spray[0].details["compromised_accounts"]
            .as_array()
            .is_some_and(Vec::is_empty)
    );
}

#[test]
fn an_enumeration_reports_which_accounts_exist() {
    // AADInternals' Login method from one address: 50034 for the 30 names that do not exist,
    // 50126 for the 12 that do; Sentinel and Graph would log them alike.
    let mut rows: Vec<String> = (0..30)
        .map(|i| {
            graph_sign_in(
                &format!("ghost-{i}"),
                i * 20,
                "203.0.113.99",
                &format!("guess{i}@contoso.com"),
                50034,
                "Other clients",
            )
        })
        .collect();
    rows.extend((0..12).map(|i| {
        graph_sign_in(
            &format!("real-{i}"),
            i * 20 + 5,
            "203.0.113.99",
            &format!("staff{i}@contoso.com"),
            50126,
            "Other clients",
        )
    }));
    let text = graph(&rows);
    let scanned = scan_chunked(
        &[("enum.json", text.as_bytes())],
        4096,
        EngineConfig::default(),
    );
    let enumeration = of(&scanned.findings, "email_enumeration");
    assert_eq!(enumeration.len(), 1, "{:#?}", scanned.findings);
    let details = &enumeration[0].details;
    assert_eq!(details["verdict"], "Moderate Enumeration");
    assert_eq!(details["distinct_usernames"], 30);
    assert_eq!(details["existing_accounts"], 12);
    assert_eq!(details["nonexistent_accounts"], 30);
    assert_eq!(enumeration[0].severity, Severity::High);
    assert_eq!(enumeration[0].technique, "T1589.002");
    // The same records are also a spray of 42 accounts; the spray finding says how many
    // did not exist.
    let spray = of(&scanned.findings, "credential_spray");
    assert_eq!(spray.len(), 1);
    assert_eq!(spray[0].details["nonexistent_accounts"], 30);
}

fn probe(name: &str) -> Vec<Finding> {
    let bytes = std::fs::read(fixture(&format!("probe/{name}"))).expect("fixture");
    scan_chunked(&[(name, &bytes)], 97, EngineConfig::default()).findings
}

#[test]
fn autodiscover_probes_in_an_iis_log() {
    let findings = probe("autodiscover-iis.log");
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let finding = &findings[0];
    assert_eq!(finding.detection, "enumeration_tooling");
    assert_eq!(finding.entity.value, "203.0.113.77");
    assert_eq!(finding.details["techniques"][0], "autodiscover_probing");
    assert_eq!(finding.details["autodiscover_probes"], 9);
    assert_eq!(finding.details["distinct_usernames"], 8);
    // Outlook's own request (line 5) is not evidence.
    assert!(!finding.evidence.iter().any(|id| id.ends_with(":5")));
}

#[test]
fn aadinternals_command_line_connection_and_requests_from_one_machine() {
    for name in ["sysmon-evtx.ndjson", "winlogbeat.ndjson"] {
        let findings = probe(name);
        let machine: Vec<&Finding> = findings
            .iter()
            .filter(|finding| finding.entity.value == "10.0.5.42")
            .collect();
        assert_eq!(machine.len(), 1, "{name}: {findings:#?}");
        let finding = machine[0];
        assert_eq!(finding.severity, Severity::High, "{name}");
        assert_eq!(finding.details["tools"][0], "AADInternals");
        assert_eq!(finding.details["outsider_enumeration"], true);
        assert!(
            finding.evidence.contains(
                &"WS-0142.corp.contoso.com/Microsoft-Windows-Sysmon/Operational/156837".to_owned()
            ),
            "{name}: the connection to login.microsoftonline.com joins"
        );
    }
}

#[test]
fn tool_user_agents_in_proxy_logs() {
    for name in ["proxy-combined.log", "proxy-ecs.ndjson"] {
        let findings = probe(name);
        let tools: Vec<(&str, &str, Severity)> = findings
            .iter()
            .map(|finding| {
                (
                    finding.entity.value.as_str(),
                    finding.details["tools"][0].as_str().unwrap_or_default(),
                    finding.severity,
                )
            })
            .collect();
        assert!(
            tools.contains(&("10.0.5.42", "AADInternals", Severity::Medium)),
            "{name}: {tools:?}"
        );
        assert!(
            tools.contains(&("10.0.5.51", "theHarvester", Severity::Low)),
            "{name}: {tools:?}"
        );
    }
    // Squid's native log has no user agent, and four GetCredentialType calls are no burst.
    assert!(probe("proxy-squid.log").is_empty());
}

#[test]
fn a_snapshot_in_the_middle_of_a_spray_gives_the_uninterrupted_finding() {
    // One sign-in per line, as a stream delivers them; the success arrives after the cut.
    let text = spray_export();
    let rows: Vec<&str> = text
        .trim_start_matches(r#"{"value":["#)
        .trim_end_matches("]}")
        .split(",\n")
        .collect();
    // A stream releases each event at once (no lateness), so the cut falls inside the
    // detectors' state, not only inside the reorder buffer.
    let streaming = EngineConfig {
        allowed_lateness_seconds: Some(0),
        ..EngineConfig::default()
    };
    for config in [EngineConfig::default(), streaming] {
        let whole = scan_chunked(
            &[("all.ndjson", rows.join("\n").as_bytes())],
            1 << 20,
            config.clone(),
        );
        assert_eq!(of(&whole.findings, "credential_spray").len(), 1);
        for cut in [3, 9, 14] {
            let mut engine = mailhound_core::Engine::new(config.clone());
            let mut findings = engine
                .push(rows[..cut].join("\n").as_bytes())
                .expect("open");
            let (more, bytes) = engine.snapshot().expect("snapshot");
            findings.extend(more);
            let mut restored = mailhound_core::Engine::restore(&bytes).expect("restore");
            findings.extend(
                restored
                    .push(rows[cut..].join("\n").as_bytes())
                    .expect("open"),
            );
            findings.extend(restored.finish().expect("open"));
            assert_eq!(findings, whole.findings, "cut after {cut} rows");
        }
    }
}

#[test]
fn a_sprayed_password_that_works_is_the_signal_for_thread_hijack() {
    const JDOE: &str = "jdoe@contoso.com";
    const OFFICE: &str = "198.51.100.23";
    const ATTACKER: &str = "203.0.113.45";
    // A week of ordinary use from the office.
    let mut sign_ins: Vec<String> = (1..=7)
        .map(|day| audit::graph_sign_in(&format!("si{day}"), -day * audit::DAY, JDOE, OFFICE, "US"))
        .collect();
    let mut records: Vec<String> = (1..=7)
        .map(|day| {
            audit::send(
                &format!("old{day}"),
                -day * audit::DAY + 30,
                JDOE,
                OFFICE,
                "RE: weekly report",
                &format!("OLD{day}"),
            )
        })
        .collect();
    // The spray: one wrong password for each of twelve accounts, jdoe among them; then jdoe's
    // password works from the same address, and the attacker replies in jdoe's threads.
    for i in 0..12 {
        let user = if i == 4 {
            JDOE.to_owned()
        } else {
            format!("staff{i}@contoso.com")
        };
        let mut failure: serde_json::Value = serde_json::from_str(&audit::graph_sign_in(
            &format!("f{i}"),
            -40 + i,
            &user,
            ATTACKER,
            "NG",
        ))
        .expect("json");
        failure["status"]["errorCode"] = 50126.into();
        sign_ins.push(failure.to_string());
    }
    sign_ins.push(audit::graph_sign_in("win", -2, JDOE, ATTACKER, "NG"));
    for (id, minute, subject) in [
        ("h1", 5, "RE: Invoice 4411 - updated bank details"),
        ("h2", 12, "RE: Invoice 4412"),
    ] {
        records.push(audit::send(
            id,
            minute,
            JDOE,
            ATTACKER,
            subject,
            &id.to_uppercase(),
        ));
    }
    let scanned = audit::scan(&records, &sign_ins, audit::tenant());
    let spray = audit::of(&scanned, "credential_spray");
    assert_eq!(spray.len(), 1);
    assert_eq!(spray[0].severity, Severity::Critical);
    assert_eq!(spray[0].details["compromised_accounts"][0], JDOE);
    let hijack = audit::of(&scanned, "thread_hijack");
    assert_eq!(hijack.len(), 1, "{:#?}", scanned.findings);
    assert_eq!(hijack[0].details["signal_detection"], "credential_spray");
    assert_eq!(hijack[0].details["signal_finding"], spray[0].id.as_str());
}
