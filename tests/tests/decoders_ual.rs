//! Every Unified Audit Log export form, through the engine and through the decoders: the same
//! nineteen records exported eight ways give the same counts, the same findings and the same
//! normalised events.
//!
//! The records (`fixtures/ual/mailbox-activity.json`) carry the messy variants real exports
//! have: ports, `[v6]:port` and `::ffff:` in addresses, a `::1` placeholder beside the real
//! address, zone-less times, both `UpdateInboxRules` flavours, a burst of empty
//! `ModifyMailboxRule` re-syncs, `Set-Mailbox` forwarding with `smtp:`, `SendAs`, a
//! `HardDelete` from Sent Items, a throttled `MailItemsAccessed`, a `UserLoginFailed` whose
//! `ErrorNumber` is text. The other files are the same records as Purview, classic and
//! `Search-UnifiedAuditLog` CSV exports (US-locale dates, `RecordType` names), `ConvertTo-Json`
//! output (`/Date(ms)/`), a Graph audit query page, Elastic `o365.audit` documents and
//! Elasticsearch hits of those documents; some rows leave fields to the export's own columns.

use mailhound_core::decode::{DecodeContext, Outcome, decode};
use mailhound_core::event::mail::{AutoReply, DeletedItem};
use mailhound_core::event::{
    DeleteKind, Event, EventKind, LogSource, MailAccess, MailDelete, MailSend, MailboxRule,
    RuleOperation, SendKind, SignIn, SignInLog,
};
use mailhound_core::input::{Input, Item};
use mailhound_core::{EngineConfig, Severity, Timestamp};
use mailhound_e2e::{fixture, scan_chunked};

/// Every export form of the same records, with the container it is recognised as.
const FORMS: [(&str, &str); 8] = [
    ("mailbox-activity.json", "json (ual)"),
    ("mailbox-activity.purview.csv", "ual-csv"),
    ("mailbox-activity.search.csv", "ual-csv"),
    ("mailbox-activity.classic.csv", "ual-csv"),
    ("mailbox-activity.search.json", "json (ual-search)"),
    ("mailbox-activity.graph.json", "json (ual-graph)"),
    ("mailbox-activity.ecs.ndjson", "json (ecs-o365)"),
    ("mailbox-activity.es-hits.ndjson", "json (es-hit)"),
];

fn read(name: &str) -> Vec<u8> {
    std::fs::read(fixture(&format!("ual/{name}"))).expect("fixture")
}

/// Decodes every record of an input, in order.
fn outcomes(name: &str, bytes: &[u8]) -> Vec<Outcome> {
    let mut input = Input::new(None, 1 << 20);
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

fn events(name: &str) -> Vec<Event> {
    outcomes(name, &read(name))
        .into_iter()
        .filter_map(|outcome| match outcome {
            Outcome::Event(event) => Some(event),
            Outcome::Ignored(_) => None,
            Outcome::Rejected(reason) => panic!("{name}: rejected: {reason}"),
        })
        .collect()
}

fn event<'a>(events: &'a [Event], id: &str) -> &'a Event {
    events
        .iter()
        .find(|event| *event.record_id == *id)
        .unwrap_or_else(|| panic!("no event {id}"))
}

fn at(text: &str) -> Timestamp {
    Timestamp::parse(text).expect("valid time")
}

#[test]
fn every_form_gives_the_same_counts_and_findings() {
    for (name, format) in FORMS {
        let bytes = read(name);
        for chunk in [7, 4096, 1 << 20] {
            let scanned = scan_chunked(&[(name, &bytes)], chunk, EngineConfig::default());
            let stats = &scanned.stats;
            assert_eq!(
                (stats.records, stats.events, stats.ignored, stats.rejected),
                (19, 18, 1, 0),
                "{name}, chunk {chunk}: {:#?}",
                scanned.rejections
            );
            assert!(stats.balanced(), "{name}");
            assert_eq!(stats.ignored_by_reason.get("FileAccessed"), Some(&1));
            let input = stats
                .inputs
                .iter()
                .find(|input| input.name == name)
                .expect("the input is listed");
            assert_eq!(input.format.as_deref(), Some(format), "{name}");
            let mut findings: Vec<(&str, Severity, &str)> = scanned
                .findings
                .iter()
                .map(|finding| {
                    (
                        finding.entity.value.as_str(),
                        finding.severity,
                        finding.evidence[0].as_str(),
                    )
                })
                .collect();
            findings.sort();
            assert_eq!(
                findings,
                vec![
                    (
                        "bob.ray@contoso.com",
                        Severity::Medium,
                        "7b9e1c2d-3f4a-4b5c-9d6e-08dd5b8c2399"
                    ),
                    (
                        "it.admin@contoso.com",
                        Severity::Critical,
                        "a6a52406-0912-448d-36eb-08d8a1bea6be"
                    ),
                    // thread_hijack: a send deleted from Sent Items minutes later.
                    (
                        "jdoe@contoso.com",
                        Severity::High,
                        "1c3e5d9f-6071-4b2c-8d4e-08dd5b8c2b88"
                    ),
                    (
                        "jdoe@contoso.com",
                        Severity::Critical,
                        "6a1f0c2e-3b4d-4e5f-8a9b-08dd5b8c1f10"
                    ),
                    (
                        "jdoe@contoso.com",
                        Severity::Critical,
                        "8d2f3a4b-5c6d-4e7f-8091-08dd5b8c3a01"
                    ),
                    (
                        "jdoe@contoso.com",
                        Severity::Critical,
                        "9a0b1c2d-3e4f-4a5b-8c6d-08dd5b8c3c11"
                    ),
                ],
                "{name}, chunk {chunk}"
            );
        }
    }
}

#[test]
fn every_form_gives_the_same_events() {
    let api = events(FORMS[0].0);
    assert_eq!(api.len(), 18);
    for (name, _) in &FORMS[1..] {
        let form = events(name);
        assert_eq!(form.len(), api.len(), "{name}");
        for (from_form, from_api) in form.iter().zip(&api) {
            assert_eq!(from_form, from_api, "{name}");
        }
    }
}

#[test]
fn rule_and_forwarding_events_field_by_field() {
    let events = events("mailbox-activity.json");
    let set_inbox_rule = event(&events, "7b9e1c2d-3f4a-4b5c-9d6e-08dd5b8c2399");
    assert_eq!(set_inbox_rule.user.as_deref(), Some("bob.ray@contoso.com"));
    assert_eq!(set_inbox_rule.ip, "2001:db8::5".parse().ok());
    assert_eq!(
        set_inbox_rule.kind,
        EventKind::MailboxRule(MailboxRule {
            operation: Some(RuleOperation::SetInboxRule),
            name: Some("Payroll".into()),
            delete_message: true,
            parameter_names: vec!["DELETEMESSAGE".into(), "Identity".into()],
            ..MailboxRule::default()
        })
    );

    let set_mailbox = event(&events, "a6a52406-0912-448d-36eb-08d8a1bea6be");
    assert_eq!(set_mailbox.time, at("2025-03-04T09:12:28Z"));
    assert_eq!(set_mailbox.user.as_deref(), Some("it.admin@contoso.com"));
    assert_eq!(set_mailbox.ip, "203.0.113.45".parse().ok());
    assert_eq!(
        set_mailbox.kind,
        EventKind::MailboxRule(MailboxRule {
            operation: Some(RuleOperation::SetMailbox),
            mailbox: Some("jdoe@contoso.com".into()),
            forward_to: vec!["drop.box@outlook-mail.example".into()],
            deliver_and_forward: Some(false),
            parameter_names: vec![
                "DeliverToMailboxAndForward".into(),
                "ForwardingSmtpAddress".into(),
                "Identity".into()
            ],
            ..MailboxRule::default()
        })
    );

    let auto_reply = event(&events, "c3d4e5f6-0718-4293-a4b5-08dd5b8c4401");
    assert_eq!(
        auto_reply.kind,
        EventKind::MailboxRule(MailboxRule {
            operation: Some(RuleOperation::SetMailboxAutoReplyConfiguration),
            auto_reply: Some(AutoReply {
                state: Some("Enabled".into()),
                external_audience: Some("All".into()),
                internal_message: Some("<html><body>Out of office</body></html>".into()),
                external_message: Some(
                    "<html><body>New bank details: call +1 555 0100</body></html>".into()
                ),
            }),
            parameter_names: [
                "AutoReplyState",
                "ExternalAudience",
                "ExternalMessage",
                "Identity",
                "InternalMessage"
            ]
            .map(String::from)
            .to_vec(),
            ..MailboxRule::default()
        })
    );

    let quota = event(&events, "1c7412a6-858d-49ff-3f93-08d7ac0f45bf");
    assert_eq!(
        quota.user.as_deref(),
        Some("nt authority\\system (microsoft.exchange.servicehost)")
    );
    assert_eq!(quota.ip, None);
    let EventKind::MailboxRule(quota) = &quota.kind else {
        panic!("a rule event");
    };
    assert!(quota.empty, "Set-Mailbox without forwarding parameters");
}

#[test]
fn update_inbox_rules_in_both_flavours() {
    let events = events("mailbox-activity.json");
    let web = event(&events, "8d2f3a4b-5c6d-4e7f-8091-08dd5b8c3a01");
    assert_eq!(web.ip, "198.51.100.23".parse().ok(), "`::ffff:` removed");
    assert_eq!(
        web.kind,
        EventKind::MailboxRule(MailboxRule {
            operation: Some(RuleOperation::UpdateInboxRules),
            rule_operation: Some("Create".into()),
            name: Some("fw".into()),
            forward_to: vec!["drop.box@outlook-mail.example".into()],
            conditions: vec![(
                "Conditions".into(),
                "SubjectContainsWords: invoice, payment".into()
            )],
            client: Some("Client=OWA;Action=ViaProxy".into()),
            ..MailboxRule::default()
        })
    );

    let outlook = event(&events, "9a0b1c2d-3e4f-4a5b-8c6d-08dd5b8c3c11");
    assert_eq!(outlook.ip, "192.0.2.66".parse().ok());
    assert_eq!(
        outlook.kind,
        EventKind::MailboxRule(MailboxRule {
            operation: Some(RuleOperation::UpdateInboxRules),
            rule_operation: Some("AddMailboxRule".into()),
            name: Some("..".into()),
            forward_to: vec!["archive.box@mail-drop.example".into()],
            delete_message: true,
            conditions: vec![(
                "RuleCondition".into(),
                "{(SubjectOrBody Contains \"invoice\")}".into()
            )],
            client: Some("Client=MSExchangeRPC".into()),
            ..MailboxRule::default()
        })
    );

    let filing = event(&events, "7f1e2d3c-4b5a-4968-8776-08dd5b8c3b88");
    let EventKind::MailboxRule(filing) = &filing.kind else {
        panic!("a rule event");
    };
    assert_eq!(filing.name.as_deref(), Some("Newsletters"));
    assert_eq!(filing.move_to_folder.as_deref(), Some("LgAAAAB...AAAZ"));
    assert!(filing.stop_processing_rules, "ExitAfterExecution");
    assert!(filing.destinations().next().is_none() && !filing.empty);

    let burst: Vec<&Event> = events
        .iter()
        .filter(|event| event.record_id.starts_with("0f1e2d3c-"))
        .collect();
    assert_eq!(burst.len(), 3);
    for resync in burst {
        assert_eq!(resync.time, at("2025-03-04T10:05:17Z"));
        assert_eq!(resync.user.as_deref(), Some("amy.lee@contoso.com"));
        assert_eq!(
            resync.kind,
            EventKind::MailboxRule(MailboxRule {
                operation: Some(RuleOperation::UpdateInboxRules),
                rule_operation: Some("ModifyMailboxRule".into()),
                empty: true,
                client: Some("Client=MSExchangeRPC".into()),
                ..MailboxRule::default()
            })
        );
    }
}

#[test]
fn message_events_field_by_field() {
    let events = events("mailbox-activity.json");
    let send = event(&events, "0b2d4c8e-5f60-4a1b-9c3d-08dd5b8c2a77");
    assert_eq!(send.ip, "198.51.100.23".parse().ok(), "`::1` gives way");
    assert_eq!(send.source, LogSource::UnifiedAuditLog);
    assert_eq!(
        send.kind,
        EventKind::MailSend(MailSend {
            kind: Some(SendKind::Send),
            subject: Some("RE: Updated bank details for March invoice".into()),
            message_id: Some(
                "<PH0PR14MB4341A1B2C3D4E5F6@PH0PR14MB4341.namprd14.prod.outlook.com>".into()
            ),
            folder: Some("\\Sent Items".into()),
            session_id: Some("5b5e8c1a-7c2d-4e8f-9a0b-1c2d3e4f5a6b".into()),
            client: Some("Client=OWA;Action=ViaProxy".into()),
            ..MailSend::default()
        })
    );

    let send_as = event(&events, "1c3e5d9f-6071-4b2c-8d4e-08dd5b8c2b88");
    let EventKind::MailSend(send_as) = &send_as.kind else {
        panic!("a send");
    };
    assert_eq!(send_as.kind, Some(SendKind::SendAs));
    assert_eq!(send_as.on_behalf_of.as_deref(), Some("cfo@contoso.com"));
    assert_eq!(
        send_as.recipients,
        vec!["ap@fabrikam.example", "treasury@fabrikam.example"]
    );
    assert_eq!(send_as.recipient_count, Some(2));

    let hard_delete = event(&events, "2d4f6e0a-7182-4c3d-9e5f-08dd5b8c2c99");
    assert_eq!(hard_delete.time, at("2025-03-04T09:35:02Z"));
    assert_eq!(
        hard_delete.kind,
        EventKind::MailDelete(MailDelete {
            kind: Some(DeleteKind::HardDelete),
            folder: Some("\\Sent Items".into()),
            items: vec![
                DeletedItem {
                    subject: Some("Urgent: wire transfer today".into()),
                    message_id: Some(
                        "<PH0PR14MB4341B2C3D4E5F6A7@PH0PR14MB4341.namprd14.prod.outlook.com>"
                            .into()
                    ),
                },
                DeletedItem {
                    subject: Some("RE: Updated bank details for March invoice".into()),
                    message_id: Some(
                        "<PH0PR14MB4341A1B2C3D4E5F6@PH0PR14MB4341.namprd14.prod.outlook.com>"
                            .into()
                    ),
                },
            ],
            session_id: Some("5b5e8c1a-7c2d-4e8f-9a0b-1c2d3e4f5a6b".into()),
            client: Some("Client=REST;Client=RESTSystem;;".into()),
        })
    );

    let moved = event(&events, "3e5a7f1b-8293-4d4e-af60-08dd5b8c2daa");
    let EventKind::MailDelete(moved) = &moved.kind else {
        panic!("a delete");
    };
    assert_eq!(moved.kind, Some(DeleteKind::MoveToDeletedItems));
    assert_eq!(moved.folder.as_deref(), Some("\\Inbox"));
    assert!(!moved.from_sent_items());

    let access = event(&events, "9cef02e9-4bfa-4c73-be7d-9dad68b9cea8");
    assert_eq!(access.ip, "192.0.2.66".parse().ok());
    assert_eq!(
        access.kind,
        EventKind::MailAccess(MailAccess {
            access: Some("Bind".into()),
            count: 1000,
            throttled: true,
            session_id: Some("8e8a0b4d-af50-4b12-8d3e-4f5a6b7c8d9e".into()),
            client: Some("Client=WebServices;ExchangeWebServicesProxy/CrossSite/EXCH/15.20.7249.024/python-requests/2.31.0[AppId=47629505-c2b6-4a80-adb1-9b3a3d233b7b];".into()),
        })
    );
}

#[test]
fn sign_in_events_field_by_field() {
    let events = events("mailbox-activity.json");
    let failed = event(&events, "4593aac8-855f-4341-9d2a-4289146eb800");
    assert_eq!(failed.time, at("2025-03-04T08:58:07Z"));
    assert_eq!(failed.user.as_deref(), Some("jdoe@contoso.com"));
    assert_eq!(failed.ip, "192.0.2.66".parse().ok());
    assert_eq!(
        failed.kind,
        EventKind::SignIn(SignIn {
            error_code: 50126,
            failure_reason: Some("InvalidUserNameOrPassword".into()),
            app_id: Some("9ba1a5c7-f17a-4de9-a1f1-6178c8d51223".into()),
            user_agent: Some("python-requests/2.31.0".into()),
            log: SignInLog::AuditLog,
            session_id: Some("d1e2f3a4-0000-4000-8000-00000000beef".into()),
            ..SignIn::default()
        })
    );

    let succeeded = event(&events, "5604bbd9-966a-4452-ae3b-539a257fc900");
    assert_eq!(succeeded.user.as_deref(), Some("jdoe@contoso.com"));
    let EventKind::SignIn(succeeded) = &succeeded.kind else {
        panic!("a sign-in");
    };
    assert!(succeeded.succeeded());
    assert_eq!(succeeded.error_code, 0);
    assert_eq!(
        succeeded.user_agent.as_deref(),
        Some(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
        )
    );
}
