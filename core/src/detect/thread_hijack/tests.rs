use super::*;
use crate::event::mail::DeletedItem;
use crate::event::{DeleteKind, LogSource, MailDelete, MailSend, SendKind, SignIn};
use crate::finding::{Confidence, Entity, EntityKind, Severity};
use serde_json::json;

const T: i64 = 1_741_089_600_000; // 2025-03-04T12:00:00Z
const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const USER: &str = "jdoe@contoso.com";
const OFFICE: &str = "198.51.100.10";
const ATTACKER: &str = "203.0.113.7";

fn at(offset: i64) -> Timestamp {
    Timestamp(T + offset)
}

fn sign_in(id: &str, offset: i64, ip: &str) -> Event {
    Event {
        record_id: id.into(),
        time: at(offset),
        user: Some(USER.into()),
        ip: ip.parse().ok(),
        source: LogSource::EntraSignIn,
        kind: EventKind::SignIn(SignIn::default()),
    }
}

fn send(id: &str, offset: i64, ip: &str, subject: &str) -> Event {
    Event {
        record_id: id.into(),
        time: at(offset),
        user: Some(USER.into()),
        ip: ip.parse().ok(),
        source: LogSource::UnifiedAuditLog,
        kind: EventKind::MailSend(MailSend {
            kind: Some(SendKind::Send),
            subject: Some(subject.into()),
            message_id: Some(format!("<{id}@PH0PR14MB4341.prod.outlook.com>")),
            folder: Some("\\Sent Items".into()),
            session_id: Some(format!("session-{id}")),
            ..MailSend::default()
        }),
    }
}

fn delete(id: &str, offset: i64, kind: DeleteKind, folder: &str, items: &[(&str, &str)]) -> Event {
    Event {
        record_id: id.into(),
        time: at(offset),
        user: Some(USER.into()),
        ip: ATTACKER.parse().ok(),
        source: LogSource::UnifiedAuditLog,
        kind: EventKind::MailDelete(MailDelete {
            kind: Some(kind),
            folder: Some(folder.into()),
            items: items
                .iter()
                .map(|(message, subject)| DeletedItem {
                    subject: Some((*subject).into()),
                    message_id: (!message.is_empty())
                        .then(|| format!("<{message}@PH0PR14MB4341.prod.outlook.com>")),
                })
                .collect(),
            ..MailDelete::default()
        }),
    }
}

fn signal(detection: &str, offset: i64, details: serde_json::Value) -> Finding {
    Finding {
        id: format!("{detection}/{USER}/sig"),
        detection: detection.into(),
        technique: "T1586.002".into(),
        tactic: "Resource Development".into(),
        severity: Severity::High,
        confidence: Confidence::High,
        entity: Entity {
            kind: EntityKind::User,
            value: USER.into(),
        },
        first_seen: at(offset),
        last_seen: at(offset),
        summary: String::new(),
        evidence: vec!["rule".into()],
        details,
    }
}

/// Events in order, with findings of other detections shown right after the event at the
/// same index.
fn run(config: &EngineConfig, steps: Vec<Step>) -> Vec<Finding> {
    let mut detector = ThreadHijack::new(config);
    let mut findings = Vec::new();
    for step in steps {
        match step {
            Step::Event(event) => detector.observe(&event, &mut findings),
            Step::Signal(finding) => detector.observe_finding(&finding, &mut findings),
        }
    }
    detector.finish(&mut findings);
    findings
}

enum Step {
    Event(Event),
    Signal(Finding),
}

use Step::{Event as E, Signal as S};

/// A week-old office baseline: the user signed in and sent from the office.
fn baseline() -> Vec<Step> {
    vec![
        E(sign_in("b1", -7 * 24 * HOUR, OFFICE)),
        E(send("b2", -7 * 24 * HOUR + HOUR, OFFICE, "Weekly report")),
        E(sign_in("b3", -2 * HOUR, OFFICE)),
    ]
}

fn rule_signal() -> Finding {
    signal(
        "inbox_rule_exfiltration",
        0,
        json!({"client_ip": "198.51.100.200", "mailbox": null}),
    )
}

#[test]
fn a_reply_from_a_new_address_after_a_signal_fires() {
    let mut steps = baseline();
    steps.push(S(rule_signal()));
    steps.push(E(sign_in("a1", 20 * MINUTE, ATTACKER)));
    steps.push(E(send(
        "h1",
        30 * MINUTE,
        ATTACKER,
        "RE: Updated bank details",
    )));
    steps.push(E(send("h2", 40 * MINUTE, ATTACKER, "Quarterly numbers")));
    steps.push(E(send("h3", 50 * MINUTE, ATTACKER, "FW: invoice 4411")));
    let findings = run(&EngineConfig::default(), steps);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let finding = &findings[0];
    assert_eq!(finding.detection, ID);
    assert_eq!(finding.severity, Severity::High);
    assert_eq!(finding.entity.value, USER);
    assert_eq!(
        finding.evidence,
        vec!["h1", "h3"],
        "only replies and forwards"
    );
    assert_eq!(finding.first_seen, at(30 * MINUTE));
    let details = &finding.details;
    assert_eq!(details["replies_or_forwards_from_new_addresses"], 2);
    assert_eq!(details["new_ips"], json!([ATTACKER]));
    assert_eq!(details["signal_finding"], rule_signal().id);
    assert_eq!(details["signal_detection"], "inbox_rule_exfiltration");
    assert_eq!(details["minutes_from_signal"], 30);
    assert_eq!(details["deleted_after_send"], 0);
    assert_eq!(details["related_techniques"], json!(["T1534"]));
    assert!(
        finding.summary.contains("30 minutes after"),
        "{}",
        finding.summary
    );
}

#[test]
fn the_usual_office_address_after_a_signal_is_silent() {
    let mut steps = baseline();
    steps.push(S(rule_signal()));
    steps.push(E(send("u1", 30 * MINUTE, OFFICE, "RE: lunch")));
    steps.push(E(send("u2", 5 * HOUR, OFFICE, "FW: slides")));
    assert!(run(&EngineConfig::default(), steps).is_empty());
}

#[test]
fn a_reply_from_a_new_address_without_a_signal_is_silent() {
    let mut steps = baseline();
    steps.push(E(send("n1", 30 * MINUTE, ATTACKER, "RE: hotel wifi")));
    assert!(run(&EngineConfig::default(), steps).is_empty());
}

#[test]
fn replies_long_after_the_signal_or_about_someone_else_are_silent() {
    let mut steps = baseline();
    steps.push(S(rule_signal()));
    steps.push(E(send("l1", 30 * HOUR, ATTACKER, "RE: later")));
    assert!(run(&EngineConfig::default(), steps).is_empty());
    let mut other = rule_signal();
    other.entity.value = "someone@contoso.com".into();
    let mut steps = baseline();
    steps.push(S(other));
    steps.push(E(send("o1", 30 * MINUTE, ATTACKER, "RE: x")));
    assert!(run(&EngineConfig::default(), steps).is_empty());
}

#[test]
fn only_listed_detections_at_enough_severity_are_signals() {
    for (detection, severity) in [
        ("bulk_send", Severity::High),
        ("inbox_rule_exfiltration", Severity::Informational),
    ] {
        let mut finding = rule_signal();
        finding.detection = detection.into();
        finding.severity = severity;
        let mut steps = baseline();
        steps.push(S(finding));
        steps.push(E(send("x1", 30 * MINUTE, ATTACKER, "RE: x")));
        assert!(
            run(&EngineConfig::default(), steps).is_empty(),
            "{detection}"
        );
    }
    let mut config = EngineConfig::default();
    config.detections.thread_hijack.signal_detections = vec!["bulk_send".into()];
    let mut finding = rule_signal();
    finding.detection = "bulk_send".into();
    let mut steps = baseline();
    steps.push(S(finding));
    steps.push(E(send("x1", 30 * MINUTE, ATTACKER, "RE: x")));
    assert_eq!(run(&config, steps).len(), 1);
}

#[test]
fn a_signal_reported_after_the_sends_still_explains_them() {
    let mut steps = baseline();
    steps.push(E(send("h1", 10 * MINUTE, ATTACKER, "RE: payment")));
    steps.push(E(send("h2", 20 * MINUTE, ATTACKER, "RE: payment")));
    steps.push(E(sign_in("later", 2 * HOUR, OFFICE)));
    // The travel episode closed late; its first record is before the sends.
    steps.push(S(signal("impossible_travel", 0, json!({}))));
    let findings = run(&EngineConfig::default(), steps);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0].evidence, vec!["h1", "h2"]);
    assert_eq!(findings[0].details["signal_detection"], "impossible_travel");
}

#[test]
fn users_named_in_details_are_signalled() {
    let mut spray = signal(
        "credential_spray",
        0,
        json!({"compromised_users": [USER.to_uppercase()], "ips": ["203.0.113.7:4411"]}),
    );
    spray.entity = Entity {
        kind: EntityKind::Ip,
        value: ATTACKER.into(),
    };
    let mut steps = baseline();
    steps.push(S(spray));
    steps.push(E(send("h1", 30 * MINUTE, ATTACKER, "RE: contract")));
    let findings = run(&EngineConfig::default(), steps);
    assert_eq!(findings.len(), 1);
    assert_eq!(
        findings[0].severity,
        Severity::Critical,
        "sent from the spraying address"
    );
    assert_eq!(findings[0].details["sent_from_signal_ip"], true);
}

#[test]
fn without_earlier_history_nothing_is_new() {
    let steps = vec![
        S(rule_signal()),
        E(sign_in("a1", 5 * MINUTE, OFFICE)),
        E(send("h1", 30 * MINUTE, ATTACKER, "RE: x")),
    ];
    assert!(run(&EngineConfig::default(), steps).is_empty());
}

#[test]
fn a_send_deleted_from_sent_items_within_the_hour_is_a_cover_up() {
    let mut steps = baseline();
    steps.push(E(send("s1", 0, OFFICE, "Payment instructions")));
    steps.push(E(delete(
        "d1",
        20 * MINUTE,
        DeleteKind::HardDelete,
        "\\Sent Items",
        &[("s1", "Payment instructions")],
    )));
    let findings = run(&EngineConfig::default(), steps);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let finding = &findings[0];
    assert_eq!(finding.severity, Severity::Medium);
    assert_eq!(finding.evidence, vec!["s1", "d1"]);
    assert_eq!(finding.details["deleted_after_send"], 1);
    assert_eq!(finding.details["deletion_records"], json!(["d1"]));
    assert_eq!(finding.details["related_techniques"], json!(["T1070.008"]));
    assert_eq!(finding.last_seen, at(20 * MINUTE));
}

#[test]
fn deleted_replies_are_high_and_match_by_subject_or_id() {
    let mut steps = baseline();
    steps.push(E(send("s1", 0, OFFICE, "RE: Bank change")));
    // No message id in the record: the subject matches, in any case.
    steps.push(E(delete(
        "d1",
        5 * MINUTE,
        DeleteKind::SoftDelete,
        "\\Sent Items",
        &[("", "re: bank change ")],
    )));
    steps.push(E(send("s2", 10 * MINUTE, OFFICE, "RE: Bank change")));
    // Purged from Recoverable Items: only the message id can match.
    steps.push(E(delete(
        "d2",
        30 * MINUTE,
        DeleteKind::HardDelete,
        "\\Recoverable Items\\Deletions",
        &[("s2", "RE: Bank change")],
    )));
    let findings = run(&EngineConfig::default(), steps);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].severity, Severity::High);
    assert_eq!(findings[0].details["deleted_after_send"], 2);
}

#[test]
fn deleting_an_old_sent_item_days_later_is_silent() {
    let mut steps = baseline();
    steps.push(E(send("s1", 0, OFFICE, "Payment instructions")));
    steps.push(E(delete(
        "d1",
        3 * 24 * HOUR,
        DeleteKind::HardDelete,
        "\\Sent Items",
        &[("s1", "Payment instructions")],
    )));
    steps.push(E(send("s2", 4 * 24 * HOUR, OFFICE, "Minutes")));
    steps.push(E(delete(
        "d2",
        4 * 24 * HOUR + 2 * HOUR,
        DeleteKind::HardDelete,
        "\\Sent Items",
        &[("s2", "Minutes")],
    )));
    // Moving to Deleted Items is not erasing.
    steps.push(E(send("s3", 5 * 24 * HOUR, OFFICE, "Agenda")));
    steps.push(E(delete(
        "d3",
        5 * 24 * HOUR + MINUTE,
        DeleteKind::MoveToDeletedItems,
        "\\Sent Items",
        &[("s3", "Agenda")],
    )));
    assert!(run(&EngineConfig::default(), steps).is_empty());
}

#[test]
fn hijack_and_cover_up_are_one_critical_finding() {
    let mut steps = baseline();
    steps.push(S(rule_signal()));
    steps.push(E(send(
        "h1",
        30 * MINUTE,
        ATTACKER,
        "RE: Updated bank details",
    )));
    steps.push(E(delete(
        "d1",
        35 * MINUTE,
        DeleteKind::HardDelete,
        "\\Sent Items",
        &[("h1", "RE: Updated bank details")],
    )));
    let findings = run(&EngineConfig::default(), steps);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].severity, Severity::Critical);
    assert_eq!(findings[0].evidence, vec!["h1", "d1"]);
    assert_eq!(
        findings[0].details["related_techniques"],
        json!(["T1534", "T1070.008"])
    );
}

#[test]
fn bursts_far_apart_are_separate_episodes() {
    let mut steps = baseline();
    steps.push(S(rule_signal()));
    steps.push(E(send("h1", 30 * MINUTE, ATTACKER, "RE: a")));
    steps.push(E(send("h2", 6 * HOUR, ATTACKER, "RE: b")));
    let findings = run(&EngineConfig::default(), steps);
    assert_eq!(findings.len(), 2);
    assert_ne!(findings[0].id, findings[1].id);
}

#[test]
fn allow_listed_users_are_silent() {
    let mut config = EngineConfig::default();
    config.detections.thread_hijack.allow_users = vec!["JDoe@contoso.com".into()];
    let mut steps = baseline();
    steps.push(S(rule_signal()));
    steps.push(E(send("h1", 30 * MINUTE, ATTACKER, "RE: x")));
    assert!(run(&config, steps).is_empty());
}

#[test]
fn a_signal_while_finishing_opens_an_episode_the_second_finish_closes() {
    let config = EngineConfig::default();
    let mut detector = ThreadHijack::new(&config);
    let mut findings = Vec::new();
    let mut steps = baseline();
    steps.push(E(send("h1", 30 * MINUTE, ATTACKER, "RE: x")));
    for step in steps {
        if let E(event) = step {
            detector.observe(&event, &mut findings);
        }
    }
    detector.finish(&mut findings);
    assert!(findings.is_empty());
    detector.observe_finding(&rule_signal(), &mut findings);
    detector.finish(&mut findings);
    assert_eq!(findings.len(), 1);
    detector.finish(&mut findings);
    assert_eq!(findings.len(), 1, "a send is reported once");
}

#[test]
fn an_open_episode_survives_a_snapshot() {
    let config = EngineConfig::default();
    let mut first = ThreadHijack::new(&config);
    let mut findings = Vec::new();
    for step in baseline() {
        if let E(event) = step {
            first.observe(&event, &mut findings);
        }
    }
    first.observe_finding(&rule_signal(), &mut findings);
    first.observe(&send("h1", 30 * MINUTE, ATTACKER, "RE: x"), &mut findings);
    let mut second = ThreadHijack::new(&config);
    second.load(first.save()).expect("loads");
    second.observe(&send("h2", 40 * MINUTE, ATTACKER, "RE: y"), &mut findings);
    second.finish(&mut findings);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].evidence, vec!["h1", "h2"]);
    assert!(second.load(json!([1, 2])).is_err());
}

#[test]
fn state_stays_bounded() {
    let mut config = EngineConfig::default();
    config.detections.thread_hijack.max_keys = 10;
    config.detections.thread_hijack.max_sends_per_user = 5;
    let mut detector = ThreadHijack::new(&config);
    let mut findings = Vec::new();
    for i in 0..100 {
        let mut event = send(&format!("s{i}"), i * MINUTE, OFFICE, "RE: x");
        event.user = Some(format!("u{}@contoso.com", i % 20));
        detector.observe(&event, &mut findings);
    }
    let size = detector.state_size();
    assert!(size.keys <= size.capacity);
    assert!(size.evicted > 0);
    let mut longest = 0;
    detector
        .state
        .users
        .drain(&mut |_, state| longest = longest.max(state.sends.len()));
    assert!(longest <= 5 && longest > 0);
}

#[test]
fn only_replies_that_could_turn_out_new_are_kept_for_late_signals() {
    let config = EngineConfig::default();
    let mut detector = ThreadHijack::new(&config);
    let mut findings = Vec::new();
    for step in baseline() {
        if let E(event) = step {
            detector.observe(&event, &mut findings);
        }
    }
    for (id, ip) in [("u1", OFFICE), ("u2", OFFICE), ("h1", ATTACKER)] {
        detector.observe(&send(id, 10 * MINUTE, ip, "RE: x"), &mut findings);
    }
    let state = detector.state.users.get(&USER.to_owned()).expect("tracked");
    let kept: Vec<&str> = state.replies.iter().map(|s| &*s.record).collect();
    assert_eq!(kept, vec!["h1"]);
    assert_eq!(state.sends.len(), 3, "every recent send, for deletions");
    assert!(state.sends.iter().all(|s| s.ip.is_none()));
}

#[test]
fn settings_refuse_unknown_keys_and_default_the_rest() {
    let error = serde_json::from_str::<EngineConfig>(
        r#"{"detections":{"thread_hijack":{"after_signal_hour":12}}}"#,
    )
    .expect_err("misspelt key");
    assert!(error.to_string().contains("after_signal_hour"), "{error}");
    let config: EngineConfig = serde_json::from_str(
        r#"{"detections":{"thread_hijack":{"after_signal_hours":12,"min_signal_severity":"critical"}}}"#,
    )
    .expect("valid");
    let settings = &config.detections.thread_hijack;
    assert_eq!(settings.after_signal_hours, 12);
    assert_eq!(settings.min_signal_severity, Severity::Critical);
    assert_eq!(settings.delete_within_minutes, 60);
    assert_eq!(settings.signal_detections.len(), 4);
}

#[test]
fn without_an_address_the_session_decides() {
    let no_address = |id: &str, offset: i64, session: &str| {
        let mut event = send(id, offset, OFFICE, "RE: contract");
        event.ip = None;
        if let EventKind::MailSend(send) = &mut event.kind {
            send.session_id = Some(session.into());
        }
        event
    };
    let mut steps = baseline();
    steps.push(E(no_address("k1", -3 * HOUR, "known-session")));
    steps.push(S(rule_signal()));
    steps.push(E(no_address("k2", 30 * MINUTE, "known-session")));
    steps.push(E(no_address("n1", 40 * MINUTE, "attacker-session")));
    let findings = run(&EngineConfig::default(), steps);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0].evidence, vec!["n1"]);
    assert_eq!(
        findings[0].details["new_sessions"],
        json!(["attacker-session"])
    );
    assert!(
        findings[0].summary.contains("new session"),
        "{}",
        findings[0].summary
    );
}
