use super::assess::{contains_keyword, degenerate_name};
use super::*;
use crate::event::{LogSource, MailboxRule};
use crate::finding::Severity;

const START: i64 = 1_741_079_702_000; // 2025-03-04T09:15:02Z
const MINUTE: i64 = 60_000;

fn event(id: &str, user: &str, minute: i64, rule: MailboxRule) -> Event {
    Event {
        record_id: id.into(),
        time: Timestamp(START + minute * MINUTE),
        user: Some(user.into()),
        ip: "198.51.100.23".parse().ok(),
        source: LogSource::UnifiedAuditLog,
        kind: EventKind::MailboxRule(rule),
    }
}

fn rule(name: &str) -> MailboxRule {
    MailboxRule {
        operation: Some(RuleOperation::NewInboxRule),
        name: Some(name.into()),
        parameter_names: vec!["Name".into()],
        ..MailboxRule::default()
    }
}

fn forward(name: &str, to: &str) -> MailboxRule {
    MailboxRule {
        forward_to: vec![to.into()],
        parameter_names: vec!["Name".into(), "ForwardTo".into()],
        ..rule(name)
    }
}

fn run(config: &EngineConfig, events: &[Event]) -> Vec<Finding> {
    let mut detector = InboxRuleExfiltration::new(config);
    let mut findings = Vec::new();
    for event in events {
        detector.observe(event, &mut findings);
    }
    detector.finish(&mut findings);
    findings
}

fn one(config: &EngineConfig, rule: MailboxRule) -> Vec<Finding> {
    run(config, &[event("r1", "jdoe@contoso.com", 0, rule)])
}

fn seed() -> EngineConfig {
    EngineConfig {
        mode: Mode::SeedCompatible,
        ..EngineConfig::default()
    }
}

fn tenant() -> EngineConfig {
    EngineConfig {
        tenant_domains: vec!["contoso.com".into(), "fabrikam.com".into()],
        ..EngineConfig::default()
    }
}

#[test]
fn external_forward_is_high() {
    let findings = one(
        &EngineConfig::default(),
        forward("Sync", "attacker@evil.example"),
    );
    assert_eq!(findings.len(), 1);
    let finding = &findings[0];
    assert_eq!(finding.severity, Severity::High);
    assert_eq!(finding.entity.value, "jdoe@contoso.com");
    assert_eq!(finding.evidence, vec!["r1"]);
    assert_eq!(finding.id, "inbox_rule_exfiltration/jdoe@contoso.com/r1");
    assert_eq!(
        finding.details["external_destinations"][0],
        "attacker@evil.example"
    );
    assert_eq!(finding.details["related_techniques"][0], "T1114.003");
    assert_eq!(finding.details["mode"], "default");
    assert!(finding.summary.contains("attacker@evil.example"));
}

#[test]
fn external_forward_that_hides_or_matches_keywords_is_critical() {
    let config = EngineConfig::default();
    let marks = MailboxRule {
        mark_as_read: true,
        ..forward("Sync", "a@evil.example")
    };
    let hides = MailboxRule {
        move_to_folder: Some("jdoe@contoso.com:\\RSS Feeds".into()),
        ..forward("Sync", "a@evil.example")
    };
    let keywords = MailboxRule {
        conditions: vec![("SubjectOrBodyContainsWords".into(), "Invoice;wire".into())],
        ..forward("Sync", "a@evil.example")
    };
    for rule in [marks, hides, keywords] {
        let findings = one(&config, rule);
        assert_eq!(findings[0].severity, Severity::Critical, "{findings:#?}");
    }
    let findings = one(
        &config,
        MailboxRule {
            move_to_folder: Some("RSS Feeds".into()),
            conditions: vec![("SubjectContainsWords".into(), "invoice;wire".into())],
            ..forward(".", "a@evil.example")
        },
    );
    let details = &findings[0].details;
    assert_eq!(details["hiding_folder"], "RSS Feeds");
    assert_eq!(
        details["matched_keywords"],
        serde_json::json!(["invoice", "wire"])
    );
    assert_eq!(details["degenerate_name"], "punctuation only");
    assert_eq!(
        details["related_techniques"],
        serde_json::json!(["T1114.003", "T1564.008"])
    );
}

#[test]
fn forwarding_inside_the_tenant_is_silent_unless_it_hides_or_deletes() {
    let delegate = forward("Assistant", "pa@fabrikam.com");
    assert!(one(&tenant(), delegate.clone()).is_empty());
    let mut config = tenant();
    config
        .detections
        .inbox_rule_exfiltration
        .report_internal_forwarding = true;
    assert_eq!(one(&config, delegate.clone())[0].severity, Severity::Low);
    let deletes = MailboxRule {
        delete_message: true,
        ..delegate.clone()
    };
    assert_eq!(one(&tenant(), deletes.clone())[0].severity, Severity::Low);
    let with_keywords = MailboxRule {
        conditions: vec![("SubjectContainsWords".into(), "payment".into())],
        ..deletes
    };
    assert_eq!(one(&tenant(), with_keywords)[0].severity, Severity::Medium);
    let hidden = MailboxRule {
        move_to_folder: Some("Archive".into()),
        ..delegate
    };
    assert_eq!(one(&tenant(), hidden)[0].severity, Severity::Medium);
}

#[test]
fn without_tenant_domains_the_actors_domain_is_internal() {
    assert!(
        one(
            &EngineConfig::default(),
            forward("x", "boss@mail.contoso.com")
        )
        .is_empty()
    );
    let lookalike = one(
        &EngineConfig::default(),
        forward("x", "boss@contoso.com.evil.example"),
    );
    assert_eq!(lookalike[0].severity, Severity::High);
}

#[test]
fn hiding_without_forwarding_is_medium_raised_by_keywords_or_odd_names() {
    let config = EngineConfig::default();
    let delete = MailboxRule {
        delete_message: true,
        ..rule("Cleanup")
    };
    assert_eq!(one(&config, delete.clone())[0].severity, Severity::Medium);
    let hide_notices = MailboxRule {
        conditions: vec![(
            "SubjectOrBodyContainsWords".into(),
            "phish;hacked;malware".into(),
        )],
        ..delete.clone()
    };
    assert_eq!(one(&config, hide_notices)[0].severity, Severity::High);
    let dotted = MailboxRule {
        name: Some("..".into()),
        ..delete
    };
    assert_eq!(one(&config, dotted)[0].severity, Severity::High);
    for folder in [
        "Gelöschte Elemente",
        "\\Flux RSS",
        "jdoe@contoso.com:\\Unterhaltungsverlauf",
        "Ongewenste E-mail",
        "Courrier indésirable",
    ] {
        let moved = MailboxRule {
            move_to_folder: Some(folder.into()),
            ..rule("Tidy")
        };
        let findings = one(&config, moved);
        assert_eq!(findings.len(), 1, "{folder}");
        assert_eq!(findings[0].severity, Severity::Medium, "{folder}");
        assert_eq!(findings[0].details["related_techniques"][0], "T1564.008");
    }
}

#[test]
fn filing_rules_and_false_flags_are_not_findings() {
    let config = EngineConfig::default();
    let filing = MailboxRule {
        move_to_folder: Some("Newsletters".into()),
        stop_processing_rules: true,
        ..rule("Newsletters")
    };
    assert!(one(&config, filing).is_empty());
    // `MarkAsRead: False` names the parameter but does not mark anything.
    let false_flag = MailboxRule {
        parameter_names: vec!["Name".into(), "MarkAsRead".into()],
        ..rule("Newsletters")
    };
    assert!(one(&config, false_flag.clone()).is_empty());
    assert_eq!(one(&seed(), false_flag).len(), 1, "the seed fires on it");
}

#[test]
fn empty_resyncs_never_fire() {
    let resync = MailboxRule {
        operation: Some(RuleOperation::UpdateInboxRules),
        rule_operation: Some("ModifyMailboxRule".into()),
        empty: true,
        ..MailboxRule::default()
    };
    assert!(one(&EngineConfig::default(), resync.clone()).is_empty());
    assert!(one(&seed(), resync).is_empty());
}

#[test]
fn update_inbox_rules_is_read_like_a_cmdlet_but_not_by_the_seed() {
    let outlook = MailboxRule {
        operation: Some(RuleOperation::UpdateInboxRules),
        rule_operation: Some("AddMailboxRule".into()),
        name: Some(".".into()),
        forward_to: vec!["drop@evil.example".into()],
        delete_message: true,
        stop_processing_rules: true,
        client: Some("Client=MSExchangeRPC".into()),
        ..MailboxRule::default()
    };
    let findings = one(&EngineConfig::default(), outlook.clone());
    assert_eq!(findings[0].severity, Severity::Critical);
    assert!(findings[0].summary.contains("created inbox rule"));
    assert_eq!(findings[0].details["client"], "Client=MSExchangeRPC");
    assert!(
        one(&seed(), outlook).is_empty(),
        "no Parameters, no seed match"
    );
}

#[test]
fn allow_listed_actors_and_destinations() {
    let mut config = EngineConfig::default();
    let settings = &mut config.detections.inbox_rule_exfiltration;
    settings.allow_actors = vec!["eDiscovery-svc@contoso.com".into()];
    settings.allow_destinations = vec!["@vault.example".into(), "keep@archive.example".into()];
    let hold = MailboxRule {
        redirect_to: vec!["hold@vault.example".into()],
        ..rule("Legal hold")
    };
    let by_service = run(
        &config,
        &[event(
            "r1",
            "ediscovery-svc@contoso.com",
            0,
            forward("x", "a@evil.example"),
        )],
    );
    assert!(by_service.is_empty());
    assert!(one(&config, hold.clone()).is_empty());
    let mixed = MailboxRule {
        redirect_to: vec!["hold@us.vault.example".into(), "x@evil.example".into()],
        ..hold
    };
    let findings = one(&config, mixed);
    assert_eq!(
        findings[0].details["allowed_destinations"][0],
        "hold@us.vault.example"
    );
    assert_eq!(
        findings[0].details["external_destinations"][0],
        "x@evil.example"
    );
    // The seed knows no allow-list.
    let mut seed = seed();
    seed.detections = config.detections.clone();
    let hold = run(
        &seed,
        &[event(
            "r1",
            "ediscovery-svc@contoso.com",
            0,
            forward("x", "hold@vault.example"),
        )],
    );
    assert_eq!(hold.len(), 1);
}

#[test]
fn identical_changes_collapse_and_distinct_ones_do_not() {
    let config = EngineConfig::default();
    let same = forward(".", "a@evil.example");
    let events = [
        event("r1", "jdoe@contoso.com", 0, same.clone()),
        event("r2", "jdoe@contoso.com", 1, same.clone()),
        event("r3", "jdoe@contoso.com", 9, same.clone()),
        event("r4", "jdoe@contoso.com", 30, same.clone()),
        event("r5", "jdoe@contoso.com", 31, forward(".", "b@evil.example")),
    ];
    let findings = run(&config, &events);
    assert_eq!(findings.len(), 3, "{findings:#?}");
    assert_eq!(findings[0].evidence, vec!["r1", "r2", "r3"]);
    assert_eq!(findings[0].details["changes"], 3);
    assert_eq!(findings[0].first_seen, Timestamp(START));
    assert_eq!(findings[0].last_seen, Timestamp(START + 9 * MINUTE));
    assert!(findings[0].summary.contains("3 identical changes"));
    // The seed returns one row per record.
    assert_eq!(run(&seed(), &events).len(), 5);
}

fn set_mailbox(mailbox: Option<&str>, to: Option<&str>) -> MailboxRule {
    MailboxRule {
        operation: Some(RuleOperation::SetMailbox),
        mailbox: mailbox.map(str::to_owned),
        forward_to: to.map(|to| vec![to.to_owned()]).unwrap_or_default(),
        deliver_and_forward: to.map(|_| true),
        empty: to.is_none(),
        parameter_names: if to.is_some() {
            vec!["Identity".into(), "ForwardingSmtpAddress".into()]
        } else {
            vec!["Identity".into(), "ProhibitSendQuota".into()]
        },
        ..MailboxRule::default()
    }
}

#[test]
fn set_mailbox_forwarding_and_its_copy_flag() {
    let config = EngineConfig::default();
    let own = set_mailbox(None, Some("me@gmail.example"));
    let findings = one(&config, own.clone());
    assert_eq!(findings[0].severity, Severity::High);
    assert_eq!(findings[0].details["actions"][0], "ForwardingSmtpAddress");
    let no_copy = MailboxRule {
        deliver_and_forward: Some(false),
        ..own
    };
    let findings = one(&config, no_copy);
    assert_eq!(findings[0].severity, Severity::Critical);
    assert_eq!(findings[0].details["keeps_no_copy"], true);
    assert!(one(&config, set_mailbox(None, None)).is_empty());
    // Neither does the seed fire on `ForwardingSmtpAddress`: it is not `ForwardTo`.
    assert!(one(&seed(), set_mailbox(None, Some("me@gmail.example"))).is_empty());
}

#[test]
fn a_migration_script_is_one_informational_finding() {
    let config = tenant();
    let mut events = Vec::new();
    for i in 0..30 {
        let mailbox = format!("user{i}@contoso.com");
        // Quota changes and forwarding to the new tenant, mailbox by mailbox.
        events.push(event(
            &format!("q{i}"),
            "migration@contoso.com",
            i,
            set_mailbox(Some(&mailbox), None),
        ));
        let target = format!("user{i}@newco.example");
        events.push(event(
            &format!("f{i}"),
            "migration@contoso.com",
            i,
            set_mailbox(Some(&mailbox), Some(&target)),
        ));
    }
    let findings = run(&config, &events);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let bulk = &findings[0];
    assert_eq!(bulk.severity, Severity::Informational);
    assert_eq!(bulk.details["bulk"], true);
    assert_eq!(bulk.details["mailboxes_changed"], 30);
    assert_eq!(bulk.details["forwarding_changes"], 30);
    assert_eq!(bulk.evidence.len(), 30);
    assert_eq!(bulk.entity.value, "migration@contoso.com");
}

#[test]
fn many_mailboxes_to_one_drop_box_is_not_a_migration() {
    let events: Vec<Event> = (0..12)
        .map(|i| {
            event(
                &format!("f{i}"),
                "admin@contoso.com",
                i,
                set_mailbox(
                    Some(&format!("u{i}@contoso.com")),
                    Some("drop@evil.example"),
                ),
            )
        })
        .collect();
    let findings = run(&tenant(), &events);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].severity, Severity::High);
    assert_eq!(
        findings[0].details["shared_external_destinations"][0],
        "drop@evil.example"
    );
}

#[test]
fn an_admin_changing_a_few_mailboxes_gets_a_finding_each() {
    let events: Vec<Event> = (0..3)
        .map(|i| {
            event(
                &format!("f{i}"),
                "admin@contoso.com",
                i * 5,
                set_mailbox(
                    Some(&format!("u{i}@contoso.com")),
                    Some(&format!("x{i}@evil.example")),
                ),
            )
        })
        .collect();
    let findings = run(&tenant(), &events);
    assert_eq!(findings.len(), 3);
    assert!(findings.iter().all(|f| f.severity == Severity::High));
    assert_eq!(findings[0].details["mailbox"], "u0@contoso.com");
    assert!(findings[0].summary.contains("mailbox u0@contoso.com"));
}

#[test]
fn seed_mode_fires_on_every_named_parameter() {
    let internal = forward("Assistant", "pa@contoso.com");
    let findings = one(&seed(), internal.clone());
    assert!(one(&EngineConfig::default(), internal).is_empty());
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].severity, Severity::High);
    assert_eq!(findings[0].details["mode"], "seed-compatible");
    assert_eq!(findings[0].details["matched_parameters"][0], "ForwardTo");
    let named = |names: &[&str]| MailboxRule {
        parameter_names: names.iter().map(|n| (*n).to_owned()).collect(),
        ..rule("x")
    };
    for name in [
        "FORWARDASATTACHMENTTO",
        "RedirectTo",
        "DeleteMessage",
        "markasread",
    ] {
        assert!(seed_matches(&named(&["Name", name])), "{name}");
    }
    assert!(!seed_matches(&named(&[
        "Name",
        "MoveToFolder",
        "ForwardingSmtpAddress"
    ])));
    // The seed matches the values too: a rule named after the parameter.
    let odd = MailboxRule {
        name: Some("MarkAsRead cleanup".into()),
        ..named(&["Name", "MoveToFolder"])
    };
    assert!(seed_matches(&odd));
    let without_parameters = MailboxRule {
        parameter_names: Vec::new(),
        ..odd
    };
    assert!(!seed_matches(&without_parameters));
}

#[test]
fn the_shared_predicate_follows_the_mode() {
    let config = EngineConfig::default();
    let out = forward("x", "a@evil.example");
    let internal = forward("x", "b@contoso.com");
    assert!(is_exfiltration_rule(
        &out,
        Some("jdoe@contoso.com"),
        &config
    ));
    assert!(!is_exfiltration_rule(
        &internal,
        Some("jdoe@contoso.com"),
        &config
    ));
    assert!(is_exfiltration_rule(
        &internal,
        Some("jdoe@contoso.com"),
        &seed()
    ));
    let verdict = assess(&config, Some("jdoe@contoso.com"), &out).expect("forwards");
    assert_eq!(verdict.external, vec!["a@evil.example"]);
    assert!(!verdict.internal_only());
    assert_eq!(actions(&out), vec!["ForwardTo"]);
}

#[test]
fn keywords_match_at_word_starts_and_compounds() {
    assert!(contains_keyword(
        "please see the eingangsrechnung",
        "rechnung"
    ));
    assert!(contains_keyword("wire transfer", "wire"));
    assert!(contains_keyword("bank details", "bank"));
    assert!(!contains_keyword("firewire", "wire"));
    assert!(contains_keyword("ach payment", "ach"));
    assert!(!contains_keyword("each month", "ach"));
    assert!(!contains_keyword("achievement", "ach"));
    let exception = MailboxRule {
        conditions: vec![("ExceptIfSubjectContainsWords".into(), "invoice".into())],
        delete_message: true,
        ..rule("Spam")
    };
    let findings = one(&EngineConfig::default(), exception);
    assert_eq!(
        findings[0].details["matched_keywords"],
        serde_json::json!([])
    );
}

#[test]
fn degenerate_names() {
    assert_eq!(degenerate_name(Some(".")), Some("punctuation only"));
    assert_eq!(degenerate_name(Some(" .. ")), Some("punctuation only"));
    assert_eq!(degenerate_name(Some("   ")), Some("blank"));
    assert_eq!(degenerate_name(Some("x")), Some("a single character"));
    assert_eq!(degenerate_name(Some("Newsletters")), None);
    assert_eq!(degenerate_name(None), None);
}

#[test]
fn an_open_change_survives_a_snapshot() {
    let config = EngineConfig::default();
    let same = forward(".", "a@evil.example");
    let mut first = InboxRuleExfiltration::new(&config);
    let mut findings = Vec::new();
    first.observe(
        &event("r1", "jdoe@contoso.com", 0, same.clone()),
        &mut findings,
    );
    assert!(findings.is_empty());
    assert_eq!(first.state_size().keys, 1);
    let saved = first.save();
    let mut second = InboxRuleExfiltration::new(&config);
    second.load(saved).expect("loads");
    second.observe(&event("r2", "jdoe@contoso.com", 2, same), &mut findings);
    second.finish(&mut findings);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].evidence, vec!["r1", "r2"]);
    assert!(second.load(serde_json::json!({"nonsense": 1})).is_err());
}

#[test]
fn settings_refuse_unknown_keys_and_default_the_rest() {
    let error = serde_json::from_str::<EngineConfig>(
        r#"{"detections":{"inbox_rule_exfiltration":{"colapse_minutes":1}}}"#,
    )
    .expect_err("misspelt key");
    assert!(error.to_string().contains("colapse_minutes"), "{error}");
    let config: EngineConfig = serde_json::from_str(
        r#"{"tenant_domains":["contoso.com"],"detections":{"inbox_rule_exfiltration":{"keywords":["Lieferschein"],"bulk_actor_threshold":3}}}"#,
    )
    .expect("valid");
    let settings = &config.detections.inbox_rule_exfiltration;
    assert_eq!(settings.keywords, vec!["Lieferschein"]);
    assert_eq!(settings.bulk_actor_threshold, 3);
    assert_eq!(settings.collapse_minutes, 10);
    assert!(settings.hiding_folders.iter().any(|f| f == "RSS Feeds"));
    let rule = MailboxRule {
        conditions: vec![("SubjectContainsWords".into(), "lieferschein 4711".into())],
        delete_message: true,
        ..rule("Lager")
    };
    assert_eq!(
        one(&config, rule)[0].details["matched_keywords"][0],
        "lieferschein"
    );
}
