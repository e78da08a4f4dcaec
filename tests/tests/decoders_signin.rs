//! Sign-in fixtures in every export form: through the engine (counts, accounting,
//! rejections), and decoded directly to check that the same sign-in gives the same event
//! whichever form carried it.

use mailhound_core::decode::signin::UNKNOWN_FAILURE_CODE;
use mailhound_core::decode::{DecodeContext, Outcome, decode};
use mailhound_core::event::{RiskLevel, RiskState, SignIn, SignInLog};
use mailhound_core::input::{Input, Item};
use mailhound_core::{
    Engine, EngineConfig, Event, EventKind, Format, JsonShape, LogSource, Timestamp,
};
use mailhound_e2e::{fixture, scan_chunked};

/// The sign-in present in every fixture: an IMAP4 password failure, risk hidden.
const SHARED: &str = "7f3c2a10-5b6d-4e8f-9a01-23456789ab00";

/// Every fixture: file, records, events, ignored, rejected.
const FIXTURES: &[(&str, u64, u64, u64, u64)] = &[
    ("graph-signins.json", 7, 4, 1, 2),
    ("azure-monitor-signins.json", 5, 3, 2, 0),
    ("sentinel-signinlogs.json", 4, 3, 1, 0),
    ("ecs-azure-signinlogs.ndjson", 3, 2, 1, 0),
    ("sentinel-signinlogs.csv", 3, 2, 0, 1),
    ("InteractiveSignIns_2025-03-04_2025-03-05.csv", 4, 4, 0, 0),
    ("older-portal-SignInLogs.csv", 2, 2, 0, 0),
];

fn read(name: &str) -> Vec<u8> {
    std::fs::read(fixture(&format!("signin/{name}"))).expect("fixture")
}

/// Frames and decodes every record of a fixture, as the engine does, keeping the outcomes.
fn outcomes(name: &str) -> Vec<Outcome> {
    let bytes = read(name);
    let mut input = Input::new(None, EngineConfig::default().max_record_bytes);
    let mut context = DecodeContext::new(name, None);
    let mut outcomes = Vec::new();
    let mut sink = |item: Item<'_>| match item {
        Item::Record { unit, at } => outcomes.extend(decode(unit, at, &mut context)),
        Item::Malformed { reason, .. } => outcomes.push(Outcome::Rejected(reason)),
    };
    input.push(&bytes, &mut sink);
    input.finish(&mut sink);
    outcomes
}

/// The event with `id` among a fixture's outcomes.
fn event(name: &str, id: &str) -> Event {
    outcomes(name)
        .into_iter()
        .find_map(|outcome| match outcome {
            Outcome::Event(event) if *event.record_id == *id => Some(event),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{name}: no event {id}"))
}

fn sign_in(event: &Event) -> &SignIn {
    match &event.kind {
        EventKind::SignIn(sign_in) => sign_in,
        other => panic!("not a sign-in: {other:?}"),
    }
}

fn sign_in_mut(event: &mut Event) -> &mut SignIn {
    match &mut event.kind {
        EventKind::SignIn(sign_in) => sign_in,
        other => panic!("not a sign-in: {other:?}"),
    }
}

fn ip(event: &Event) -> Option<String> {
    event.ip.map(|ip| ip.to_string())
}

#[test]
fn every_fixture_is_counted_and_balanced() {
    for &(name, records, events, ignored, rejected) in FIXTURES {
        let bytes = read(name);
        for chunk in [1, 7, 64, 1 << 20] {
            let scanned = scan_chunked(&[(name, &bytes)], chunk, EngineConfig::default());
            let stats = &scanned.stats;
            assert_eq!(
                (
                    stats.records,
                    stats.events,
                    stats.ignored,
                    stats.rejected,
                    stats.duplicates
                ),
                (records, events, ignored, rejected, 0),
                "{name}, chunk {chunk}: {:#?}",
                scanned.rejections
            );
            assert!(stats.balanced(), "{name}");
        }
    }
}

#[test]
fn rejections_and_ignores_say_why() {
    let scanned = scan_chunked(
        &[("graph-signins.json", &read("graph-signins.json"))],
        1 << 20,
        EngineConfig::default(),
    );
    let reasons: Vec<&str> = scanned
        .rejections
        .iter()
        .map(|r| r.reason.as_str())
        .collect();
    assert_eq!(
        reasons,
        [
            "field `status.errorCode`: `-1` is not an error code",
            "field `createdDateTime`: invalid time `2025-03-04T25:31:00Z`",
        ]
    );
    assert_eq!(
        scanned.stats.ignored_by_reason["service principal sign-in without a client address"],
        1
    );

    let csv = "sentinel-signinlogs.csv";
    let scanned = scan_chunked(&[(csv, &read(csv))], 1 << 20, EngineConfig::default());
    assert_eq!(scanned.rejections.len(), 1);
    assert_eq!(scanned.rejections[0].location.line, 4);
    assert!(
        scanned.rejections[0]
            .reason
            .starts_with("column `Status`: invalid embedded JSON"),
        "{}",
        scanned.rejections[0].reason
    );

    let scanned = scan_chunked(
        &[
            (
                "azure-monitor-signins.json",
                &read("azure-monitor-signins.json"),
            ),
            (
                "sentinel-signinlogs.json",
                &read("sentinel-signinlogs.json"),
            ),
        ],
        1 << 20,
        EngineConfig::default(),
    );
    let reasons = &scanned.stats.ignored_by_reason;
    assert_eq!(reasons["`AuditLogs` record"], 1);
    assert_eq!(reasons["`OfficeActivity` record"], 1);
    assert_eq!(
        reasons["service principal sign-in without a client address"],
        1
    );
}

#[test]
fn one_scan_of_every_form_recognises_the_same_records() {
    let files: Vec<(&str, Vec<u8>)> = FIXTURES
        .iter()
        .map(|&(name, ..)| (name, read(name)))
        .collect();
    let inputs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(name, bytes)| (*name, bytes.as_slice()))
        .collect();
    let scanned = scan_chunked(&inputs, 4096, EngineConfig::default());
    let stats = &scanned.stats;
    // The shared sign-in five more times (the older portal export has no id), a
    // non-interactive sign-in and a lockout exported twice, and one audit record in both the
    // Azure Monitor and the Elastic fixture.
    assert_eq!(
        (
            stats.records,
            stats.events,
            stats.ignored,
            stats.rejected,
            stats.duplicates
        ),
        (28, 13, 4, 3, 8)
    );
    assert!(stats.balanced());
    for &(name, records, ..) in FIXTURES {
        let input = stats
            .inputs
            .iter()
            .find(|input| input.name == name)
            .unwrap_or_else(|| panic!("{name} not listed"));
        assert_eq!(input.records, records, "{name}");
        let format = input.format.as_deref().unwrap_or_default();
        if name.ends_with(".csv") {
            assert!(format.ends_with("-csv"), "{name}: {format}");
        } else {
            assert!(
                format.starts_with("json (") && format.contains("signin"),
                "{name}: {format}"
            );
        }
    }
}

#[test]
fn forced_shapes_read_their_fixtures_alike() {
    for (name, shape) in [
        ("graph-signins.json", JsonShape::GraphSignin),
        ("azure-monitor-signins.json", JsonShape::AzureMonitorSignin),
        ("sentinel-signinlogs.json", JsonShape::SentinelSignin),
        ("ecs-azure-signinlogs.ndjson", JsonShape::EcsSignin),
    ] {
        let bytes = read(name);
        let mut engine = Engine::new(EngineConfig::default());
        engine
            .begin_input_as(name, Some(Format::Json(Some(shape))))
            .expect("open");
        engine.push(&bytes).expect("open");
        engine.finish().expect("open");
        let recognised = scan_chunked(&[(name, &bytes)], 1 << 20, EngineConfig::default());
        let (forced, recognised) = (engine.stats(), &recognised.stats);
        assert_eq!(
            (forced.events, forced.ignored, forced.rejected),
            (recognised.events, recognised.ignored, recognised.rejected),
            "{name}"
        );
    }
}

/// The shared sign-in as Graph gives it, every field checked.
fn reference() -> Event {
    let event = event("graph-signins.json", SHARED);
    assert_eq!(&*event.record_id, SHARED);
    assert_eq!(
        event.time,
        Timestamp::parse("2025-03-04T08:58:07.949Z").expect("time")
    );
    assert_eq!(event.user.as_deref(), Some("jdoe@contoso.com"));
    assert_eq!(ip(&event).as_deref(), Some("203.0.113.77"));
    assert_eq!(event.source, LogSource::EntraSignIn);
    assert_eq!(
        *sign_in(&event),
        SignIn {
            error_code: 50126,
            failure_reason: Some(
                "Error validating credentials due to invalid username or password.".into()
            ),
            app: Some("Office 365 Exchange Online".into()),
            app_id: Some("00000002-0000-0ff1-ce00-000000000000".into()),
            resource: Some("Office 365 Exchange Online".into()),
            client_app: Some("IMAP4".into()),
            protocol: Some("none".into()),
            legacy_auth: true,
            user_agent: Some("BAV2ROPC".into()),
            country: Some("NL".into()),
            city: Some("Rotterdam".into()),
            coordinates: Some((51.9225, 4.4792)),
            risk_during: RiskLevel::Hidden,
            risk_aggregated: RiskLevel::Hidden,
            risk_state: RiskState::None,
            is_risky: None,
            interactive: Some(true),
            log: SignInLog::Interactive,
            correlation_id: Some("1f577997-0710-4bd4-848e-5854f748f7dc".into()),
            session_id: Some("5b3e9c2d-8f41-4a7e-b6d0-2c9e1f7a4d10".into()),
        }
    );
    event
}

#[test]
fn the_same_sign_in_in_every_form_is_the_same_event() {
    let reference = reference();
    for name in [
        "azure-monitor-signins.json",
        "sentinel-signinlogs.json",
        "ecs-azure-signinlogs.ndjson",
        "sentinel-signinlogs.csv",
    ] {
        let mut event = event(name, SHARED);
        // Only Log Analytics has the `IsRisky` column (the CSV fixture leaves it empty); the
        // rest is equal.
        let is_risky = std::mem::take(&mut sign_in_mut(&mut event).is_risky);
        assert_eq!(
            is_risky,
            (name == "sentinel-signinlogs.json").then_some(false),
            "{name}"
        );
        assert_eq!(event, reference, "{name}");
    }

    // The portal download has whole seconds, no risk and no coordinates; the rest is equal.
    let portal = event("InteractiveSignIns_2025-03-04_2025-03-05.csv", SHARED);
    assert_eq!(portal.time.millis(), reference.time.millis() / 1000 * 1000);
    let mut expected = reference.clone();
    expected.time = portal.time;
    let missing = sign_in_mut(&mut expected);
    missing.risk_during = RiskLevel::Unknown;
    missing.risk_aggregated = RiskLevel::Unknown;
    missing.risk_state = RiskState::Unknown;
    missing.coordinates = None;
    assert_eq!(portal, expected);

    // The older portal export has no id, code, client app, ids or coordinates; a failure
    // without a code is still a failure.
    let older = event(
        "older-portal-SignInLogs.csv",
        "older-portal-SignInLogs.csv:2",
    );
    let mut expected = reference.clone();
    expected.record_id = older.record_id.clone();
    expected.time = portal.time;
    *sign_in_mut(&mut expected) = SignIn {
        error_code: UNKNOWN_FAILURE_CODE,
        app: Some("Office 365 Exchange Online".into()),
        country: Some("NL".into()),
        city: Some("Rotterdam".into()),
        risk_during: RiskLevel::Hidden,
        risk_aggregated: RiskLevel::Hidden,
        risk_state: RiskState::None,
        ..SignIn::default()
    };
    assert_eq!(older, expected);
    assert!(!sign_in(&older).succeeded());
}

#[test]
fn messy_variants_field_by_field() {
    // Graph: a lockout from an address with a port.
    let lockout = event("graph-signins.json", "8a1d4b22-6c7e-4f90-8b12-34567890bc01");
    assert_eq!(ip(&lockout).as_deref(), Some("203.0.113.77"));
    assert_eq!(sign_in(&lockout).error_code, 50053);
    assert!(sign_in(&lockout).legacy_auth);
    // A success with "Other.", a zone-less time, an IPv4-mapped address, a country name.
    let success = event("graph-signins.json", "9b2e5c33-7d8f-4001-9c23-45678901cd02");
    assert_eq!(
        success.time,
        Timestamp::parse("2025-03-04T09:10:00Z").expect("time")
    );
    assert_eq!(ip(&success).as_deref(), Some("198.51.100.23"));
    let signed_in = sign_in(&success);
    assert!(signed_in.succeeded());
    assert_eq!(signed_in.failure_reason, None);
    assert_eq!(signed_in.country.as_deref(), Some("US"));
    assert_eq!(
        (
            signed_in.risk_during,
            signed_in.risk_aggregated,
            signed_in.risk_state
        ),
        (RiskLevel::High, RiskLevel::Medium, RiskState::Remediated)
    );
    // Twenty minutes later from Germany, the code written as text.
    let germany = event("graph-signins.json", "ac3f6d44-8e90-4112-ad34-56789012de03");
    assert_eq!(ip(&germany).as_deref(), Some("2001:db8:4::19"));
    assert_eq!(sign_in(&germany).country.as_deref(), Some("DE"));
    assert!(sign_in(&germany).succeeded());

    // Azure Monitor: the envelope's address and code stand in, the category names the log.
    let smtp = event(
        "azure-monitor-signins.json",
        "f1842299-d3e5-4667-f289-012345672308",
    );
    assert_eq!(smtp.user.as_deref(), Some("bob.ray@contoso.com"));
    assert_eq!(ip(&smtp).as_deref(), Some("2001:db8::7"));
    assert_eq!(sign_in(&smtp).error_code, 50053);
    assert_eq!(sign_in(&smtp).country.as_deref(), Some("DE"));
    assert!(sign_in(&smtp).legacy_auth);
    // ... and agrees with the portal's export of the same lockout.
    let portal_smtp = event(
        "InteractiveSignIns_2025-03-04_2025-03-05.csv",
        "f1842299-d3e5-4667-f289-012345672308",
    );
    assert_eq!(
        (portal_smtp.user.clone(), ip(&portal_smtp)),
        (smtp.user.clone(), ip(&smtp))
    );
    assert_eq!(sign_in(&portal_smtp).error_code, 50053);

    // Sentinel: the non-interactive table's JSON-text columns read like objects.
    let refresh = event(
        "sentinel-signinlogs.json",
        "e0731188-c2d4-4556-e178-901234561207",
    );
    let from_monitor = event(
        "azure-monitor-signins.json",
        "e0731188-c2d4-4556-e178-901234561207",
    );
    // The same refresh exported by Azure Monitor, where the columns are objects.
    assert_eq!(refresh, from_monitor);
    assert_eq!(sign_in(&refresh).log, SignInLog::NonInteractive);
    assert_eq!(sign_in(&refresh).coordinates, Some((39.0438, -77.4874)));
    // An address probe for an account that does not exist.
    let probe = event(
        "sentinel-signinlogs.json",
        "02953aaa-e4f6-4778-0390-123456783409",
    );
    assert_eq!(sign_in(&probe).error_code, 50034);
    assert!(sign_in(&probe).legacy_auth);
    assert_eq!(ip(&probe).as_deref(), Some("192.0.2.200"));

    // Elastic: the newer pipeline's `risk_level_during_sign_in`.
    let risky = event(
        "ecs-azure-signinlogs.ndjson",
        "24b75ccc-0618-499a-25b2-34567890560b",
    );
    assert_eq!(sign_in(&risky).risk_during, RiskLevel::Medium);
    assert_eq!(sign_in(&risky).risk_state, RiskState::AtRisk);
    assert_eq!(sign_in(&risky).country.as_deref(), Some("US"));

    // Log Analytics CSV: US-locale times, `FALSE`, a country name in JSON text.
    let csv = event(
        "sentinel-signinlogs.csv",
        "35c86ddd-1729-4aab-36c3-456789016a0c",
    );
    assert_eq!(
        csv.time,
        Timestamp::parse("2025-03-04T09:20:11.048Z").expect("time")
    );
    assert_eq!(ip(&csv).as_deref(), Some("198.51.100.23"));
    assert_eq!(sign_in(&csv).interactive, Some(false));
    assert_eq!(sign_in(&csv).country.as_deref(), Some("US"));
    assert_eq!(sign_in(&csv).risk_during, RiskLevel::Hidden);
    assert_eq!(sign_in(&csv).failure_reason, None);

    // Portal: `Success` without a code, `Interrupted` with one.
    let portal = "InteractiveSignIns_2025-03-04_2025-03-05.csv";
    let ok = event(portal, "57ea0fff-394b-4ccd-58e5-678901238c0e");
    assert!(sign_in(&ok).succeeded());
    assert_eq!(sign_in(&ok).city.as_deref(), Some("Amsterdam"));
    let kmsi = event(portal, "68fb1000-4a5c-4dde-69f6-789012349d0f");
    assert_eq!(sign_in(&kmsi).error_code, 50140);
}
