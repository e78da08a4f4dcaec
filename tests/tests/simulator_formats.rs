//! Every export format the simulator writes, through the decoders and the engine: each is
//! read without a rejection, gives the same events as its source's default format (the same
//! record ids, cited as often), and the same findings; sign-ins normalise to the same values
//! whichever form carried them. Proxy and endpoint formats are checked on records built here,
//! against each other and against what was written.

use mailhound_core::decode::signin::UNKNOWN_FAILURE_CODE;
use mailhound_core::decode::{DecodeContext, Outcome, decode};
use mailhound_core::event::SignIn as DecodedSignIn;
use mailhound_core::input::{Input, Item};
use mailhound_core::{EngineConfig, Event, EventKind, Finding};
use mailhound_e2e::scan_chunked;
use mailhound_simulator::output::{self, FormatSpec, WriterContext, write_records};
use mailhound_simulator::record::{
    Body, Detail, EndpointEvent, EndpointKind, GeoCoordinates, Location, SignIn, SignInStatus,
    SimRecord, Source, WebHit,
};
use mailhound_simulator::{SimOptions, SimOutput, simulate};
use std::collections::BTreeMap;

const START: &str = "2025-03-04T00:00:00Z";
const SEED: u64 = 11;

/// A two-day simulation of `source` alone, written in `format`.
fn simulated(format: &'static FormatSpec) -> SimOutput {
    let mut options = SimOptions::new(SEED, START).expect("valid start");
    options.days = 2;
    options.users = 30;
    options.formats = vec![format];
    simulate(&options)
}

/// Every outcome of decoding `bytes` as the file `name`, in order, as the engine frames it.
fn outcomes(name: &str, bytes: &[u8]) -> Vec<Outcome> {
    let mut input = Input::new(None, EngineConfig::default().max_record_bytes);
    let mut context = DecodeContext::new(name, None);
    let mut outcomes = Vec::new();
    let mut sink = |item: Item<'_>| match item {
        Item::Record { unit, at } => outcomes.extend(decode(unit, at, &mut context)),
        Item::Malformed { reason, .. } => outcomes.push(Outcome::Rejected(reason)),
    };
    input.push(bytes, &mut sink);
    input.finish(&mut sink);
    outcomes
}

/// The events among `outcomes`; panics on a rejection.
fn events(name: &str, outcomes: Vec<Outcome>) -> Vec<Event> {
    outcomes
        .into_iter()
        .filter_map(|outcome| match outcome {
            Outcome::Event(event) => Some(event),
            Outcome::Rejected(reason) => panic!("{name}: rejected: {reason}"),
            _ => None,
        })
        .collect()
}

/// How many events cite each record id.
fn citations(events: &[Event]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for event in events {
        *counts.entry(event.record_id.to_string()).or_default() += 1;
    }
    counts
}

/// Findings as (detection, evidence), sorted, to compare scans of different formats.
fn finding_keys(findings: &[Finding]) -> Vec<(String, Vec<String>)> {
    let mut keys: Vec<_> = findings
        .iter()
        .map(|f| {
            let mut evidence = f.evidence.clone();
            evidence.sort();
            (f.detection.to_string(), evidence)
        })
        .collect();
    keys.sort();
    keys
}

/// What one simulated format gave.
struct Read {
    output: SimOutput,
    events: Vec<Event>,
    findings: Vec<(String, Vec<String>)>,
}

/// Simulates `format`, scans its file with the engine and decodes it.
fn read(format: &'static FormatSpec) -> Read {
    let output = simulated(format);
    assert_eq!(output.files.len(), 1, "{}", format.name);
    let file = &output.files[0];
    assert_eq!(file.name, format.file);
    let config = output.truth.facts.engine_config();
    let scanned = scan_chunked(&[(&file.name, file.text.as_bytes())], 4096, config);
    assert!(
        scanned.stats.balanced(),
        "{}: {:?}",
        format.name,
        scanned.stats
    );
    assert_eq!(scanned.stats.rejected, 0, "{}", format.name);
    assert!(
        scanned.rejections.is_empty(),
        "{}: {:?}",
        format.name,
        scanned.rejections
    );
    assert!(scanned.stats.events > 0, "{}", format.name);
    let events = events(format.name, outcomes(&file.name, file.text.as_bytes()));
    assert_eq!(events.len() as u64, scanned.stats.events, "{}", format.name);
    Read {
        findings: finding_keys(&scanned.findings),
        events,
        output,
    }
}

/// The scenario records of the truth that a file of `format` carries.
fn truth_records(read: &Read, format: &FormatSpec) -> Vec<String> {
    read.output
        .truth
        .scenarios
        .iter()
        .filter(|s| s.sources.iter().any(|f| f == format.file))
        .flat_map(|s| s.records.clone())
        .collect()
}

#[test]
fn every_audit_format_gives_the_default_formats_events_and_findings() {
    let default = output::default_of(Source::Ual).expect("a default");
    let expected = read(default);
    let expected_citations = citations(&expected.events);
    let attack_records = truth_records(&expected, default);
    assert!(!attack_records.is_empty(), "the attack is in the audit log");
    assert!(!expected.findings.is_empty(), "the attack is found");
    for format in output::formats_of(Source::Ual).skip(1) {
        let got = read(format);
        let records = |read: &Read| -> Vec<Vec<String>> {
            let scenarios = &read.output.truth.scenarios;
            scenarios.iter().map(|s| s.records.clone()).collect()
        };
        assert_eq!(records(&got), records(&expected), "{}", format.name);
        let got_citations = citations(&got.events);
        for id in truth_records(&got, format) {
            assert_eq!(
                got_citations.get(&id),
                expected_citations.get(&id),
                "{}: record {id}",
                format.name
            );
            assert!(got_citations.contains_key(&id), "{}: {id}", format.name);
        }
        assert_eq!(got_citations, expected_citations, "{}", format.name);
        assert_eq!(got.findings, expected.findings, "{}", format.name);
        for (mine, theirs) in got.events.iter().zip(&expected.events) {
            assert_eq!(mine, theirs, "{}", format.name);
        }
    }
}

/// The normalised values of a decoded sign-in the formats are compared on.
#[derive(Debug, PartialEq)]
struct Normalised {
    user: Option<String>,
    ip: Option<std::net::IpAddr>,
    time_ms: i64,
    country: Option<String>,
    error_code: u32,
    risk: Option<String>,
    interactive: Option<bool>,
}

fn sign_in_of(event: &Event) -> &DecodedSignIn {
    match &event.kind {
        EventKind::SignIn(sign_in) => sign_in,
        other => panic!("{}: not a sign-in: {other:?}", event.record_id),
    }
}

/// `event` normalised to what `format` carries: times to the second where the format has no
/// more, failures without their code where it has none, risk and interactivity only where
/// it states them.
fn normalised(event: &Event, format: &FormatSpec) -> Normalised {
    let sign_in = sign_in_of(event);
    let to_second = matches!(format.name, "portal-csv" | "portal-csv-older");
    let time_ms = event.time.0;
    let error_code = match (
        format.lacks.contains(&Detail::ErrorCode),
        sign_in.error_code,
    ) {
        (true, 0) | (false, _) => sign_in.error_code,
        (true, _) => UNKNOWN_FAILURE_CODE,
    };
    Normalised {
        user: event.user.clone(),
        ip: event.ip,
        time_ms: if to_second {
            time_ms - time_ms.rem_euclid(1000)
        } else {
            time_ms
        },
        country: sign_in.country.as_deref().map(str::to_owned),
        error_code,
        risk: (!format.lacks.contains(&Detail::Risk)).then(|| {
            format!(
                "{:?}/{:?}/{:?}",
                sign_in.risk_during, sign_in.risk_aggregated, sign_in.risk_state
            )
        }),
        interactive: if format.lacks.contains(&Detail::Interactive) {
            None
        } else {
            sign_in.interactive
        },
    }
}

/// Checks that `events` (of `format`) equal the Graph `reference` events field by field.
fn assert_same_sign_ins(format: &FormatSpec, events: &[Event], reference: &[Event]) {
    let graph = output::default_of(Source::Signin).expect("a default");
    assert_eq!(events.len(), reference.len(), "{}", format.name);
    for (mine, theirs) in events.iter().zip(reference) {
        if !format.name.starts_with("portal-csv-older") {
            assert_eq!(mine.record_id, theirs.record_id, "{}", format.name);
        }
        let mut expected = normalised(theirs, format);
        if format.lacks.contains(&Detail::ErrorCode) && expected.error_code != 0 {
            expected.error_code = UNKNOWN_FAILURE_CODE;
        }
        assert_eq!(
            normalised(mine, format),
            expected,
            "{}: {} against {}",
            format.name,
            mine.record_id,
            graph.name
        );
        let (mine, theirs) = (sign_in_of(mine), sign_in_of(theirs));
        if !format.lacks.contains(&Detail::UserAgent) {
            assert_eq!(mine.user_agent, theirs.user_agent, "{}", format.name);
        }
    }
}

#[test]
fn every_sign_in_format_gives_the_graph_formats_sign_ins() {
    let default = output::default_of(Source::Signin).expect("a default");
    let expected = read(default);
    let expected_citations = citations(&expected.events);
    for format in output::formats_of(Source::Signin).skip(1) {
        let got = read(format);
        assert_eq!(
            got.output.truth.scenarios.len(),
            expected.output.truth.scenarios.len()
        );
        let got_citations = citations(&got.events);
        if format.name == "portal-csv-older" {
            // Cited by position: one event per line, each truth id a line of the file.
            assert!(got_citations.values().all(|count| *count == 1));
            for id in truth_records(&got, format) {
                assert!(got_citations.contains_key(&id), "{}: {id}", format.name);
            }
        } else {
            assert_eq!(got_citations, expected_citations, "{}", format.name);
            for id in truth_records(&got, format) {
                assert!(got_citations.contains_key(&id), "{}: {id}", format.name);
            }
        }
        assert_same_sign_ins(format, &got.events, &expected.events);
        if format.lacks.is_empty() {
            assert_eq!(got.findings, expected.findings, "{}", format.name);
        }
    }
}

/// Sign-ins built by hand: interactive and not, failed and risky, IPv6, in several
/// countries.
fn hand_built_sign_ins() -> Vec<SimRecord> {
    let base = |id: &str, second: u32| SignIn {
        id: id.into(),
        created_date_time: format!("2025-03-04T10:00:{second:02}.1234567Z"),
        user_display_name: "Amy Lee".into(),
        user_principal_name: "Amy.Lee@contoso.com".into(),
        user_id: "0b7c3c4e-0000-4000-8000-00000000a11e".into(),
        app_id: "00000002-0000-0ff1-ce00-000000000000".into(),
        app_display_name: "Office 365 Exchange Online".into(),
        ip_address: "198.51.100.23".into(),
        client_app_used: "Browser".into(),
        user_agent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/124.0".into(),
        correlation_id: format!("{id}-c"),
        session_id: format!("{id}-s"),
        conditional_access_status: "success".into(),
        is_interactive: true,
        authentication_requirement: "singleFactorAuthentication".into(),
        risk_detail: "none".into(),
        risk_level_aggregated: "none".into(),
        risk_level_during_sign_in: "none".into(),
        risk_state: "none".into(),
        resource_display_name: "Office 365 Exchange Online".into(),
        resource_id: "00000002-0000-0ff1-ce00-000000000000".into(),
        status: SignInStatus {
            error_code: 0,
            failure_reason: "Other.".into(),
            additional_details: None,
        },
        location: Location {
            city: "Amsterdam".into(),
            state: "Noord-Holland".into(),
            country_or_region: "NL".into(),
            geo_coordinates: GeoCoordinates {
                altitude: None,
                latitude: 52.3676,
                longitude: 4.9041,
            },
        },
        ..SignIn::default()
    };
    let mut quiet = base("a1f0c2e0-0000-4000-8000-000000000001", 1);
    quiet.is_interactive = false;
    quiet.client_app_used = "Mobile Apps and Desktop clients".into();
    let mut risky = base("a1f0c2e0-0000-4000-8000-000000000002", 2);
    risky.ip_address = "2001:db8::77".into();
    risky.risk_level_during_sign_in = "high".into();
    risky.risk_level_aggregated = "medium".into();
    risky.risk_state = "atRisk".into();
    risky.location.city = "Lagos".into();
    risky.location.state = "Lagos".into();
    risky.location.country_or_region = "NG".into();
    let mut failed = base("a1f0c2e0-0000-4000-8000-000000000003", 3);
    failed.status = SignInStatus {
        error_code: 50126,
        failure_reason: "Error validating credentials due to invalid username or password.".into(),
        additional_details: None,
    };
    failed.conditional_access_status = "notApplied".into();
    failed.location.country_or_region = "RU".into();
    failed.location.city = "Moscow".into();
    failed.location.state = "Moscow".into();
    let mut quiet_failure = failed.clone();
    quiet_failure.id = "a1f0c2e0-0000-4000-8000-000000000004".into();
    quiet_failure.created_date_time = "2025-03-04T10:00:04.0000001Z".into();
    quiet_failure.is_interactive = false;
    [
        base("a1f0c2e0-0000-4000-8000-000000000000", 0),
        quiet,
        risky,
        failed,
        quiet_failure,
    ]
    .into_iter()
    .map(|sign_in| SimRecord {
        time: chrono::DateTime::parse_from_rfc3339(&sign_in.created_date_time)
            .expect("valid")
            .with_timezone(&chrono::Utc),
        scenario: None,
        body: Body::SignIn(Box::new(sign_in)),
    })
    .collect()
}

fn context(file: &str) -> WriterContext {
    WriterContext {
        file: file.into(),
        tenant_id: "0e8108b1-18e9-41a4-961b-dfcddf92ef08".into(),
        domain: "contoso.com".into(),
    }
}

#[test]
fn hand_built_sign_ins_read_the_same_in_every_format() {
    let records = hand_built_sign_ins();
    let graph = output::default_of(Source::Signin).expect("a default");
    let (text, _) = write_records(graph, &context(graph.file), &records).expect("written");
    let reference = events(graph.file, outcomes(graph.file, text.as_bytes()));
    assert_eq!(reference.len(), records.len());
    assert_eq!(sign_in_of(&reference[1]).interactive, Some(false));
    for format in output::formats_of(Source::Signin) {
        let (text, ids) = write_records(format, &context(format.file), &records).expect("written");
        let decoded = events(format.name, outcomes(format.file, text.as_bytes()));
        let cited: Vec<&str> = decoded.iter().map(|e| &*e.record_id).collect();
        assert_eq!(
            cited, ids,
            "{}: the writer names the ids the engine cites",
            format.name
        );
        assert_same_sign_ins(format, &decoded, &reference);
    }
}

/// Proxied requests: a tunnel, a credential probe with an agent, an authenticated `GET`, a
/// denied request.
fn web_records() -> Vec<SimRecord> {
    let hit = |method: &str, path: &str, status: u16, agent: &str, user: &str| WebHit {
        server_side: false,
        client_ip: "10.0.5.42".into(),
        server_ip: "20.190.160.1".into(),
        method: method.into(),
        scheme: "https".into(),
        host: "login.microsoftonline.com".into(),
        port: 443,
        path: path.into(),
        query: if method == "GET" {
            "client-request-id=1".into()
        } else {
            String::new()
        },
        status,
        bytes: 1000 + u64::from(status),
        elapsed_ms: 150,
        user_agent: agent.into(),
        username: user.into(),
        content_type: if method == "CONNECT" {
            String::new()
        } else {
            "application/json".into()
        },
        ..WebHit::default()
    };
    [
        hit("CONNECT", "", 200, "", ""),
        hit("POST", "/common/GetCredentialType", 200, "AADInternals", ""),
        hit(
            "GET",
            "/common/userrealm/jdoe@contoso.com",
            200,
            "Mozilla/5.0 (X11)",
            "jdoe",
        ),
        hit(
            "POST",
            "/common/oauth2/token",
            407,
            "python-requests/2.31.0",
            "",
        ),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, hit)| SimRecord {
        time: chrono::DateTime::parse_from_rfc3339("2025-03-04T08:41:00.118Z")
            .expect("valid")
            .with_timezone(&chrono::Utc)
            + chrono::Duration::milliseconds(i as i64 * 1500),
        scenario: None,
        body: Body::Web(Box::new(hit)),
    })
    .collect()
}

#[test]
fn proxy_formats_read_back_what_was_written_and_agree() {
    let records = web_records();
    let formats: Vec<_> = output::formats_of(Source::Proxy).collect();
    for name in ["squid", "combined"] {
        assert!(formats.iter().any(|f| f.name == name), "{name} registered");
    }
    let mut decoded = Vec::new();
    for format in &formats {
        let (text, ids) = write_records(format, &context(format.file), &records).expect("written");
        let scanned = scan_chunked(
            &[(format.file, text.as_bytes())],
            64,
            EngineConfig::default(),
        );
        assert!(scanned.stats.balanced(), "{}", format.name);
        assert_eq!(
            scanned.stats.rejected, 0,
            "{}: {:?}",
            format.name, scanned.rejections
        );
        assert_eq!(
            scanned.stats.events,
            records.len() as u64,
            "{}",
            format.name
        );
        let events = events(format.name, outcomes(format.file, text.as_bytes()));
        let cited: Vec<&str> = events.iter().map(|e| &*e.record_id).collect();
        assert_eq!(cited, ids, "{}", format.name);
        for (event, record) in events.iter().zip(&records) {
            let Body::Web(hit) = &record.body else {
                unreachable!("web records")
            };
            let EventKind::WebRequest(request) = &event.kind else {
                panic!("{}: not a web request: {event:?}", format.name);
            };
            // The combined format's time has no fraction of a second.
            let millis = record.time.timestamp_millis();
            let seconds_only = format.name == "combined";
            let expected = if seconds_only {
                millis - millis % 1000
            } else {
                millis
            };
            assert_eq!(event.time.0, expected, "{}", format.name);
            assert_eq!(event.ip, hit.client_ip.parse().ok(), "{}", format.name);
            assert_eq!(request.method.as_deref(), Some(hit.method.as_str()));
            assert_eq!(request.host.as_deref(), Some(hit.host.as_str()));
            assert_eq!(request.status, Some(hit.status), "{}", format.name);
            assert_eq!(request.bytes, Some(hit.bytes), "{}", format.name);
            if hit.method != "CONNECT" {
                assert_eq!(
                    request.path.as_deref(),
                    Some(hit.path.as_str()),
                    "{}",
                    format.name
                );
            }
            let agent = (!hit.user_agent.is_empty()).then_some(hit.user_agent.as_str());
            if format.lacks.contains(&Detail::UserAgent) {
                assert_eq!(request.user_agent, None, "{}", format.name);
            } else {
                assert_eq!(request.user_agent.as_deref(), agent, "{}", format.name);
            }
        }
        decoded.push((format.name, events));
    }
    // Every pair of formats agrees on what both carry.
    for pair in decoded.windows(2) {
        let [(a, left), (b, right)] = pair else {
            unreachable!("windows of two")
        };
        for (l, r) in left.iter().zip(right) {
            let second = |event: &Event| event.time.0.div_euclid(1000);
            assert_eq!(
                (second(l), l.ip, &l.user),
                (second(r), r.ip, &r.user),
                "{a} / {b}"
            );
            let (EventKind::WebRequest(l), EventKind::WebRequest(r)) = (&l.kind, &r.kind) else {
                unreachable!("web requests")
            };
            assert_eq!(
                (&l.method, &l.host, &l.query, l.status, l.bytes, &l.username),
                (&r.method, &r.host, &r.query, r.status, r.bytes, &r.username),
                "{a} / {b}"
            );
            // A tunnel has no path; formats differ on whether they write `/` for it.
            if l.method.as_deref() != Some("CONNECT") {
                assert_eq!(l.path, r.path, "{a} / {b}");
            }
        }
    }
}

/// One event of each kind, on two computers.
fn endpoint_records() -> Vec<SimRecord> {
    let at = |second: i64| {
        chrono::DateTime::parse_from_rfc3339("2025-03-04T08:40:58.632Z")
            .expect("valid")
            .with_timezone(&chrono::Utc)
            + chrono::Duration::seconds(second)
    };
    let kinds = [
        EndpointKind::ProcessCreate {
            user: "CONTOSO\\jdoe".into(),
            process_id: 3412,
            image: "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe".into(),
            command_line: "powershell.exe -nop -c \"Invoke-AADIntUserEnumerationAsOutsider -UserName x@contoso.com\""
                .into(),
            parent_image: "C:\\Windows\\explorer.exe".into(),
            parent_command_line: "C:\\Windows\\Explorer.EXE".into(),
        },
        EndpointKind::NetworkConnect {
            user: "CONTOSO\\jdoe".into(),
            process_id: 3412,
            image: "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe".into(),
            source_ip: "10.0.5.42".into(),
            source_port: 61722,
            destination_ip: "20.190.160.1".into(),
            destination_hostname: "login.microsoftonline.com".into(),
            destination_port: 443,
        },
        EndpointKind::LogonFailure {
            target_user: "no.such.user@contoso.com".into(),
            target_domain: String::new(),
            status: "0xc000006d".into(),
            sub_status: "0xc0000064".into(),
            logon_type: 3,
            ip: "203.0.113.77".into(),
            workstation: "KALI".into(),
        },
    ];
    kinds
        .into_iter()
        .enumerate()
        .map(|(i, kind)| SimRecord {
            time: at(i as i64),
            scenario: None,
            body: Body::Endpoint(Box::new(EndpointEvent {
                computer: if i == 2 {
                    "EXCH01.corp.contoso.com"
                } else {
                    "WS-0142.corp.contoso.com"
                }
                .into(),
                record_number: 67_583 + i as u64,
                kind,
            })),
        })
        .collect()
}

#[test]
fn endpoint_formats_read_back_what_was_written() {
    let records = endpoint_records();
    let formats: Vec<_> = output::formats_of(Source::Endpoint).collect();
    assert!(formats.iter().any(|f| f.name == "winlogbeat"));
    for format in formats {
        let (text, ids) = write_records(format, &context(format.file), &records).expect("written");
        let scanned = scan_chunked(
            &[(format.file, text.as_bytes())],
            97,
            EngineConfig::default(),
        );
        assert!(scanned.stats.balanced(), "{}", format.name);
        assert_eq!(
            scanned.stats.rejected, 0,
            "{}: {:?}",
            format.name, scanned.rejections
        );
        assert_eq!(
            scanned.stats.events,
            records.len() as u64,
            "{}",
            format.name
        );
        let events = events(format.name, outcomes(format.file, text.as_bytes()));
        let cited: Vec<&str> = events.iter().map(|e| &*e.record_id).collect();
        assert_eq!(cited, ids, "{}", format.name);
        for (event, record) in events.iter().zip(&records) {
            let Body::Endpoint(written) = &record.body else {
                unreachable!("endpoint records")
            };
            let host = Some(written.computer.clone());
            match (&event.kind, &written.kind) {
                (
                    EventKind::ProcessStart(start),
                    EndpointKind::ProcessCreate {
                        user,
                        process_id,
                        image,
                        command_line,
                        parent_image,
                        ..
                    },
                ) => {
                    assert_eq!(
                        event.time.0,
                        record.time.timestamp_millis(),
                        "{}",
                        format.name
                    );
                    assert_eq!(start.host, host);
                    assert_eq!(start.image.as_ref(), Some(image));
                    if !format.lacks.contains(&Detail::CommandLine) {
                        assert_eq!(start.command_line.as_ref(), Some(command_line));
                    }
                    assert_eq!(start.parent_image.as_ref(), Some(parent_image));
                    assert_eq!(start.account.as_ref(), Some(user));
                    assert_eq!(start.process_id, Some(u64::from(*process_id)));
                }
                (
                    EventKind::NetworkConnection(connection),
                    EndpointKind::NetworkConnect {
                        image,
                        source_ip,
                        destination_ip,
                        destination_hostname,
                        destination_port,
                        ..
                    },
                ) => {
                    assert_eq!(event.ip, source_ip.parse().ok(), "{}", format.name);
                    assert_eq!(connection.host, host);
                    assert_eq!(connection.image.as_ref(), Some(image));
                    assert_eq!(connection.destination_ip.as_ref(), Some(destination_ip));
                    assert_eq!(
                        connection.destination_host.as_ref(),
                        Some(destination_hostname)
                    );
                    assert_eq!(connection.destination_port, Some(*destination_port));
                    assert_eq!(connection.initiated, Some(true));
                }
                (
                    EventKind::LogonFailure(failure),
                    EndpointKind::LogonFailure {
                        target_user,
                        sub_status,
                        logon_type,
                        ip,
                        workstation,
                        ..
                    },
                ) => {
                    assert_eq!(event.ip, ip.parse().ok(), "{}", format.name);
                    assert_eq!(event.user.as_ref(), Some(target_user));
                    assert_eq!(failure.host, host);
                    assert_eq!(failure.sub_status.as_ref(), Some(sub_status));
                    assert_eq!(failure.logon_type, Some(*logon_type));
                    assert_eq!(failure.workstation.as_ref(), Some(workstation));
                }
                (decoded, written) => panic!("{}: {written:?} read as {decoded:?}", format.name),
            }
        }
    }
}

#[test]
fn validation_passes_whatever_the_audit_and_sign_in_formats() {
    let mut options = SimOptions::new(SEED, START).expect("valid start");
    options.days = 3;
    options.formats = output::formats_of(Source::Ual)
        .chain(output::formats_of(Source::Signin))
        .collect();
    let validation = mailhound_simulator::simulate_and_validate(&options);
    assert!(
        validation.report.passed,
        "{:#?}",
        (
            &validation.report.scenarios,
            &validation.report.false_positives
        )
    );
    assert_eq!(validation.scan.stats.rejected, 0);
    assert!(validation.scan.stats.balanced());
    let attack = validation
        .simulation
        .truth
        .scenarios
        .iter()
        .find(|s| s.id == "inbox_rule_creation")
        .expect("the attack");
    // Its records are cited in every audit file, once per format (the ids agree).
    let ual_files = output::formats_of(Source::Ual).count();
    assert_eq!(attack.sources.len(), ual_files);
    assert!(!attack.records.is_empty());
}

/// Findings as (detection, number of evidence records), sorted: positional formats cite
/// other ids than their default, but the same records.
fn finding_shapes(findings: &[(String, Vec<String>)]) -> Vec<(String, usize)> {
    let mut shapes: Vec<_> = findings
        .iter()
        .map(|(detection, evidence)| (detection.clone(), evidence.len()))
        .collect();
    shapes.sort();
    shapes
}

#[test]
fn every_proxy_iis_and_endpoint_format_reads_as_its_default() {
    for source in [Source::Proxy, Source::Iis, Source::Endpoint] {
        let Some(default) = output::default_of(source) else {
            continue;
        };
        let expected = read(default);
        let expected_records: Vec<usize> = expected
            .output
            .truth
            .scenarios
            .iter()
            .map(|s| s.records.len())
            .collect();
        assert!(
            expected_records.iter().any(|count| *count > 0),
            "{}: some scenario writes to it",
            default.name
        );
        for format in output::formats_of(source).skip(1) {
            let got = read(format);
            assert_eq!(got.events.len(), expected.events.len(), "{}", format.name);
            let got_records: Vec<usize> = got
                .output
                .truth
                .scenarios
                .iter()
                .map(|s| s.records.len())
                .collect();
            assert_eq!(got_records, expected_records, "{}", format.name);
            let cited = citations(&got.events);
            assert!(cited.values().all(|count| *count == 1), "{}", format.name);
            for id in truth_records(&got, format) {
                assert!(cited.contains_key(&id), "{}: {id}", format.name);
            }
            for (mine, theirs) in got.events.iter().zip(&expected.events) {
                assert_eq!(mine.time.0 / 1000, theirs.time.0 / 1000, "{}", format.name);
                assert_eq!(
                    (mine.ip, &mine.user),
                    (theirs.ip, &theirs.user),
                    "{}",
                    format.name
                );
                assert_eq!(
                    std::mem::discriminant(&mine.kind),
                    std::mem::discriminant(&theirs.kind),
                    "{}",
                    format.name
                );
            }
            if format.lacks.is_empty() {
                assert_eq!(
                    finding_shapes(&got.findings),
                    finding_shapes(&expected.findings),
                    "{}",
                    format.name
                );
            }
        }
    }
}

#[test]
fn validation_passes_with_each_source_in_any_one_of_its_formats() {
    for source in Source::ALL {
        for format in output::formats_of(source).skip(1) {
            let mut options = SimOptions::new(SEED, START).expect("valid start");
            options.days = 2;
            options.formats = Source::ALL
                .iter()
                .filter_map(|other| {
                    if *other == source {
                        Some(format)
                    } else {
                        output::default_of(*other)
                    }
                })
                .collect();
            let validation = mailhound_simulator::simulate_and_validate(&options);
            assert_eq!(validation.scan.stats.rejected, 0, "{}", format.name);
            assert!(
                validation.report.passed,
                "{}: {:#?}",
                format.name,
                (
                    &validation.report.scenarios,
                    &validation.report.false_positives
                )
            );
            // A detection the format cannot show is listed as unobservable, not expected.
            for scenario in &validation.simulation.truth.scenarios {
                for missing in &scenario.unobservable {
                    assert!(
                        !scenario.expect.must_fire.contains(&missing.detection),
                        "{}: {}",
                        format.name,
                        missing.detection
                    );
                }
            }
        }
    }
}
