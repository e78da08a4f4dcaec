//! `thread_hijack` end to end: an audit export and a sign-in export through the engine, the
//! compromise signal coming from `inbox_rule_exfiltration`'s finding.

mod audit;

use audit::{DAY, cmdlet, delete, graph_sign_in, of, scan, seed, send, tenant};
use mailhound_core::{Engine, Severity};
use serde_json::json;

const ID: &str = "thread_hijack";
const JDOE: &str = "jdoe@contoso.com";
const OFFICE: &str = "198.51.100.23";
const ATTACKER: &str = "203.0.113.45";

/// A week of ordinary use: jdoe signs in and sends from the office.
fn history() -> (Vec<String>, Vec<String>) {
    let sign_ins = (1..=7)
        .map(|day| graph_sign_in(&format!("si{day}"), -day * DAY, JDOE, OFFICE, "US"))
        .collect();
    let sends = (1..=7)
        .map(|day| {
            send(
                &format!("old{day}"),
                -day * DAY + 30,
                JDOE,
                OFFICE,
                "RE: weekly report",
                &format!("OLD{day}"),
            )
        })
        .collect();
    (sends, sign_ins)
}

/// The attacker signs in, creates a forwarding rule (the compromise signal) and replies in
/// the victim's threads.
fn attack(records: &mut Vec<String>, sign_ins: &mut Vec<String>) {
    sign_ins.push(graph_sign_in("si-attacker", -5, JDOE, ATTACKER, "NG"));
    records.push(cmdlet(
        "rule",
        0,
        "New-InboxRule",
        JDOE,
        &format!("{ATTACKER}:50123"),
        &[
            ("Name", "."),
            ("From", "ap@fabrikam.example"),
            ("ForwardTo", "drop.box@outlook-mail.example"),
            ("MoveToFolder", "RSS Feeds"),
        ],
    ));
    for (id, minute, subject) in [
        ("h1", 5, "RE: Invoice 4411 - updated bank details"),
        ("h2", 12, "RE: Invoice 4412"),
        ("x1", 14, "Lunch?"),
        ("h3", 20, "FW: Remittance advice"),
    ] {
        records.push(send(
            id,
            minute,
            JDOE,
            ATTACKER,
            subject,
            &id.to_uppercase(),
        ));
    }
}

#[test]
fn replies_from_the_attackers_address_after_the_rule_are_one_finding() {
    let (mut records, mut sign_ins) = history();
    attack(&mut records, &mut sign_ins);
    let scanned = scan(&records, &sign_ins, tenant());
    let rule = of(&scanned, "inbox_rule_exfiltration");
    assert_eq!(rule.len(), 1, "{:#?}", scanned.findings);
    let findings = of(&scanned, ID);
    assert_eq!(findings.len(), 1, "{:#?}", scanned.findings);
    let finding = findings[0];
    assert_eq!(finding.entity.value, JDOE);
    assert_eq!(
        finding.severity,
        Severity::Critical,
        "sent from the rule's address"
    );
    assert_eq!(finding.evidence, vec!["h1", "h2", "h3"]);
    let details = &finding.details;
    assert_eq!(details["signal_finding"], rule[0].id.as_str());
    assert_eq!(details["signal_detection"], "inbox_rule_exfiltration");
    assert_eq!(details["new_ips"], json!([ATTACKER]));
    assert_eq!(details["minutes_from_signal"], 5);
    assert_eq!(details["replies_or_forwards_from_new_addresses"], 3);
    assert_eq!(details["sent_from_signal_ip"], true);
    assert_eq!(details["subjects"].as_array().map(Vec::len), Some(3));
}

#[test]
fn replies_erased_from_sent_items_make_it_critical() {
    let (mut records, mut sign_ins) = history();
    // The attacker works from a second address, not the rule's.
    sign_ins.push(graph_sign_in("si-attacker", -5, JDOE, ATTACKER, "NG"));
    records.push(cmdlet(
        "rule",
        0,
        "New-InboxRule",
        JDOE,
        ATTACKER,
        &[("Name", "."), ("DeleteMessage", "True")],
    ));
    let second = "192.0.2.66";
    records.push(send("h1", 10, JDOE, second, "RE: Invoice 4411", "H1"));
    records.push(delete(
        "d1",
        13,
        "HardDelete",
        JDOE,
        second,
        "\\Sent Items",
        &[("H1", "RE: Invoice 4411")],
    ));
    let scanned = scan(&records, &sign_ins, tenant());
    let findings = of(&scanned, ID);
    assert_eq!(findings.len(), 1, "{:#?}", scanned.findings);
    assert_eq!(findings[0].severity, Severity::Critical);
    assert_eq!(findings[0].evidence, vec!["h1", "d1"]);
    assert_eq!(findings[0].details["deleted_after_send"], 1);
    assert_eq!(findings[0].details["sent_from_signal_ip"], false);
}

#[test]
fn the_user_replying_from_the_office_after_a_signal_is_silent() {
    let (mut records, mut sign_ins) = history();
    attack(&mut records, &mut sign_ins);
    // Keep the rule, replace the attacker's replies by the owner's, from the office.
    records.retain(|record| !record.contains("\"Operation\":\"Send\"") || record.contains("OLD"));
    for (id, minute) in [("u1", 60), ("u2", 3 * 60), ("u3", 20 * 60)] {
        records.push(send(id, minute, JDOE, OFFICE, "RE: Invoice 4411", id));
    }
    let scanned = scan(&records, &sign_ins, tenant());
    assert_eq!(of(&scanned, "inbox_rule_exfiltration").len(), 1);
    assert!(of(&scanned, ID).is_empty(), "{:#?}", scanned.findings);
}

#[test]
fn a_reply_from_a_new_address_without_a_signal_is_silent() {
    let (mut records, mut sign_ins) = history();
    sign_ins.push(graph_sign_in("si-hotel", 0, JDOE, "192.0.2.10", "ES"));
    records.push(send("t1", 10, JDOE, "192.0.2.10", "RE: conference", "T1"));
    let scanned = scan(&records, &sign_ins, tenant());
    assert!(scanned.findings.is_empty(), "{:#?}", scanned.findings);
}

#[test]
fn deleting_old_sent_items_days_later_is_silent() {
    let (mut records, sign_ins) = history();
    records.push(delete(
        "d1",
        0,
        "HardDelete",
        JDOE,
        OFFICE,
        "\\Sent Items",
        &[("OLD2", "RE: weekly report"), ("OLD3", "RE: weekly report")],
    ));
    records.push(delete(
        "d2",
        1,
        "SoftDelete",
        JDOE,
        OFFICE,
        "\\Sent Items",
        &[("OLD1", "RE: weekly report")],
    ));
    let scanned = scan(&records, &sign_ins, tenant());
    assert!(scanned.findings.is_empty(), "{:#?}", scanned.findings);
}

#[test]
fn a_send_purged_within_the_hour_is_a_cover_up_without_any_signal() {
    let (mut records, sign_ins) = history();
    records.push(send("s1", 0, JDOE, OFFICE, "Payment instructions", "S1"));
    records.push(delete(
        "d1",
        2,
        "SoftDelete",
        JDOE,
        OFFICE,
        "\\Sent Items",
        &[("S1", "Payment instructions")],
    ));
    records.push(delete(
        "d2",
        3,
        "HardDelete",
        JDOE,
        OFFICE,
        "\\Recoverable Items\\Deletions",
        &[("S1", "Payment instructions")],
    ));
    let scanned = scan(&records, &sign_ins, tenant());
    let findings = of(&scanned, ID);
    assert_eq!(findings.len(), 1, "{:#?}", scanned.findings);
    assert_eq!(findings[0].severity, Severity::Medium);
    assert_eq!(findings[0].evidence, vec!["s1", "d1"]);
    assert_eq!(
        findings[0].details["related_techniques"],
        json!(["T1070.008"])
    );
}

#[test]
fn seed_mode_takes_its_signals_from_the_seed_findings() {
    // An internal forwarding rule: silent by default, a finding for the seed, and then a
    // signal for thread_hijack.
    let (mut records, mut sign_ins) = history();
    sign_ins.push(graph_sign_in("si-attacker", -5, JDOE, ATTACKER, "NG"));
    records.push(cmdlet(
        "rule",
        0,
        "New-InboxRule",
        JDOE,
        ATTACKER,
        &[("Name", "Team"), ("ForwardTo", "colleague@contoso.com")],
    ));
    records.push(send("h1", 10, JDOE, ATTACKER, "RE: Invoice", "H1"));
    assert!(scan(&records, &sign_ins, tenant()).findings.is_empty());
    let seeded = scan(&records, &sign_ins, seed());
    assert_eq!(of(&seeded, "inbox_rule_exfiltration").len(), 1);
    let findings = of(&seeded, ID);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].details["mode"], "seed-compatible");
}

#[test]
fn a_snapshot_between_the_sends_and_the_signal_changes_nothing() {
    let (mut records, mut sign_ins) = history();
    attack(&mut records, &mut sign_ins);
    let whole = scan(&records, &sign_ins, tenant());
    let mut engine = Engine::new(tenant());
    let mut findings = Vec::new();
    let page = audit::graph_page(&sign_ins);
    findings.extend(engine.begin_input("signins.json").expect("open"));
    findings.extend(engine.push(page.as_bytes()).expect("open"));
    findings.extend(engine.begin_input("audit.ndjson").expect("open"));
    let (head, tail) = records.split_at(records.len() - 2);
    findings.extend(engine.push(audit::ndjson(head).as_bytes()).expect("open"));
    let (more, bytes) = engine.snapshot().expect("snapshot");
    findings.extend(more);
    let mut restored = Engine::restore(&bytes).expect("restore");
    findings.extend(restored.begin_input("audit-2.ndjson").expect("open"));
    findings.extend(restored.push(audit::ndjson(tail).as_bytes()).expect("open"));
    findings.extend(restored.finish().expect("open"));
    let ids = |findings: &[mailhound_core::Finding]| {
        let mut ids: Vec<(String, Vec<String>)> = findings
            .iter()
            .map(|f| (f.id.clone(), f.evidence.clone()))
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&findings), ids(&whole.findings));
    assert_eq!(of(&whole, ID).len(), 1);
}
