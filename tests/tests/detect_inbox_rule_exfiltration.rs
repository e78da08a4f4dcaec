//! `inbox_rule_exfiltration` end to end: real-shaped audit records through the engine, in
//! default and seed-compatible mode, including every false positive the seeds list.

mod audit;

use audit::{DAY, cmdlet, of, scan, seed, tenant, update_inbox_rules};
use mailhound_core::{EngineConfig, Severity};
use serde_json::json;

const ID: &str = "inbox_rule_exfiltration";
const JDOE: &str = "jdoe@contoso.com";
const ATTACKER_IP: &str = "203.0.113.45:52816";
const OFFICE_IP: &str = "198.51.100.23";

fn new_rule(id: &str, minute: i64, user: &str, parameters: &[(&str, &str)]) -> String {
    let mut all = vec![
        ("AlwaysDeleteOutlookRulesBlob", "False"),
        ("Force", "False"),
    ];
    all.extend_from_slice(parameters);
    cmdlet(id, minute, "New-InboxRule", user, ATTACKER_IP, &all)
}

#[test]
fn the_attackers_rule_is_critical_with_its_reasons() {
    let records = [new_rule(
        "r1",
        15,
        JDOE,
        &[
            ("Name", "."),
            ("SubjectOrBodyContainsWords", "invoice;payment;Überweisung"),
            ("ForwardTo", "drop.box@outlook-mail.example"),
            ("MoveToFolder", "jdoe@contoso.com:\\RSS Feeds"),
            ("MarkAsRead", "True"),
            ("StopProcessingRules", "True"),
        ],
    )];
    let scanned = scan(&records, &[], tenant());
    let findings = of(&scanned, ID);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let finding = findings[0];
    assert_eq!(finding.severity, Severity::Critical);
    assert_eq!(finding.entity.value, JDOE);
    assert_eq!(finding.evidence, vec!["r1"]);
    let details = &finding.details;
    assert_eq!(details["operation"], "New-InboxRule");
    assert_eq!(details["rule_name"], ".");
    assert_eq!(details["degenerate_name"], "punctuation only");
    assert_eq!(
        details["actions"],
        json!(["ForwardTo", "MarkAsRead", "MoveToFolder"])
    );
    assert_eq!(
        details["external_destinations"],
        json!(["drop.box@outlook-mail.example"])
    );
    assert_eq!(details["hiding_folder"], "RSS Feeds");
    assert_eq!(
        details["matched_keywords"],
        json!(["invoice", "payment", "überweisung"])
    );
    assert_eq!(details["stop_processing_rules"], true);
    assert_eq!(details["client_ip"], "203.0.113.45");
    assert_eq!(details["mode"], "default");
    assert_eq!(
        details["related_techniques"],
        json!(["T1114.003", "T1564.008"])
    );
}

#[test]
fn forwarding_out_alone_is_high_and_a_hiding_rule_alone_medium() {
    let records = [
        new_rule(
            "r1",
            0,
            JDOE,
            &[
                ("Name", "Sync"),
                ("ForwardAsAttachmentTo", "x@proton-mail.example"),
            ],
        ),
        new_rule(
            "r2",
            1,
            "bob.ray@contoso.com",
            &[
                ("Name", "Aufräumen"),
                ("MoveToFolder", "Gelöschte Elemente"),
            ],
        ),
        new_rule(
            "r3",
            2,
            "amy.lee@contoso.com",
            &[("Name", "x"), ("DeleteMessage", "True")],
        ),
    ];
    let scanned = scan(&records, &[], tenant());
    let severities: Vec<(&str, Severity)> = of(&scanned, ID)
        .iter()
        .map(|f| (f.evidence[0].as_str(), f.severity))
        .collect();
    assert_eq!(
        severities,
        vec![
            ("r1", Severity::High),
            ("r2", Severity::Medium),
            ("r3", Severity::High),
        ],
        "a one-letter rule name raises the deleting rule"
    );
}

/// Seed false positive: "employees setting up ForwardTo rules to a personal assistant or
/// delegate mailbox: internal-to-internal forwarding rules will trigger".
#[test]
fn forwarding_to_a_delegate_inside_the_tenant_is_silent() {
    let records = [
        new_rule(
            "r1",
            0,
            JDOE,
            &[
                ("Name", "To my assistant"),
                ("From", "ceo@contoso.com"),
                ("ForwardTo", "pa@contoso.com"),
                ("StopProcessingRules", "False"),
            ],
        ),
        cmdlet(
            "r2",
            5,
            "Set-InboxRule",
            "amy.lee@contoso.com",
            OFFICE_IP,
            &[("Identity", "Delegate"), ("RedirectTo", "Team Inbox")],
        ),
    ];
    assert!(of(&scan(&records, &[], tenant()), ID).is_empty());
    // Without tenant_domains the actor's own domain is internal.
    assert!(of(&scan(&records, &[], EngineConfig::default()), ID).is_empty());
    // The seed fires on both.
    assert_eq!(of(&scan(&records, &[], seed()), ID).len(), 2);
    // A delegate set-up that also deletes the manager's copy is low.
    let deleting = [new_rule(
        "r3",
        0,
        JDOE,
        &[
            ("Name", "To my assistant"),
            ("ForwardTo", "pa@contoso.com"),
            ("DeleteMessage", "True"),
        ],
    )];
    let scanned = scan(&deleting, &[], tenant());
    assert_eq!(of(&scanned, ID)[0].severity, Severity::Low);
}

/// Seed false positive: "automated compliance or eDiscovery workflows that programmatically
/// create inbox rules with RedirectTo parameters to copy mail to legal hold mailboxes".
#[test]
fn ediscovery_redirects_to_legal_hold_are_silent() {
    let service = "ediscovery-svc@contoso.com";
    let records: Vec<String> = (0..5)
        .map(|i| {
            cmdlet(
                &format!("h{i}"),
                i,
                "New-InboxRule",
                service,
                "52.100.1.1",
                &[
                    ("Mailbox", &format!("custodian{i}@contoso.com")),
                    ("Name", &format!("Legal hold copy {i}")),
                    ("RedirectTo", "legalhold@contoso.com"),
                ],
            )
        })
        .collect();
    assert!(of(&scan(&records, &[], tenant()), ID).is_empty());
    // A hold kept by an outside vendor: allow-list the service account or the destination.
    let vendor: Vec<String> = records
        .iter()
        .map(|r| r.replace("legalhold@contoso.com", "hold@vault.example"))
        .collect();
    assert_eq!(of(&scan(&vendor, &[], tenant()), ID).len(), 5);
    let mut by_actor = tenant();
    by_actor.detections.inbox_rule_exfiltration.allow_actors = vec![service.to_uppercase()];
    assert!(of(&scan(&vendor, &[], by_actor), ID).is_empty());
    let mut by_destination = tenant();
    by_destination
        .detections
        .inbox_rule_exfiltration
        .allow_destinations = vec!["vault.example".into()];
    assert!(of(&scan(&vendor, &[], by_destination), ID).is_empty());
    // The seed has no allow-list.
    assert_eq!(of(&scan(&records, &[], seed()), ID).len(), 5);
}

#[test]
fn a_false_flag_fires_only_in_seed_mode() {
    let records = [new_rule(
        "r1",
        0,
        "amy.lee@contoso.com",
        &[
            ("Name", "Newsletters"),
            ("From", "newsletter@industry-weekly.example"),
            ("MoveToFolder", "Newsletters"),
            ("MarkAsRead", "False"),
            ("DeleteMessage", "False"),
            ("StopProcessingRules", "True"),
        ],
    )];
    assert!(of(&scan(&records, &[], tenant()), ID).is_empty());
    let seeded = scan(&records, &[], seed());
    let findings = of(&seeded, ID);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].severity, Severity::High);
    assert_eq!(findings[0].details["mode"], "seed-compatible");
    assert_eq!(
        findings[0].details["matched_terms"],
        json!(["deletemessage", "markasread"])
    );
    assert_eq!(
        findings[0].details["matched_parameters"],
        json!(["DeleteMessage", "MarkAsRead"])
    );
}

#[test]
fn identical_changes_collapse_but_the_seed_counts_each() {
    let parameters = [("Identity", "Sync"), ("ForwardTo", "x@gmx-box.example")];
    let records: Vec<String> = [0, 1, 2, 8, 45]
        .iter()
        .map(|minute| {
            cmdlet(
                &format!("s{minute}"),
                *minute,
                "Set-InboxRule",
                JDOE,
                ATTACKER_IP,
                &parameters,
            )
        })
        .collect();
    let scanned = scan(&records, &[], tenant());
    let findings = of(&scanned, ID);
    assert_eq!(findings.len(), 2, "{findings:#?}");
    assert_eq!(findings[0].evidence, vec!["s0", "s1", "s2", "s8"]);
    assert_eq!(findings[0].details["changes"], 4);
    assert_eq!(findings[1].evidence, vec!["s45"]);
    assert_eq!(of(&scan(&records, &[], seed()), ID).len(), 5);
}

#[test]
fn the_result_does_not_depend_on_order_or_chunking() {
    let mut records: Vec<String> = (0..40)
        .map(|i| {
            new_rule(
                &format!("r{i}"),
                i * 3 % 50,
                &format!("user{}@contoso.com", i % 4),
                &[
                    ("Name", if i % 2 == 0 { "." } else { "Sync" }),
                    ("ForwardTo", &format!("out{}@evil.example", i % 3)),
                    ("MarkAsRead", if i % 5 == 0 { "True" } else { "False" }),
                ],
            )
        })
        .collect();
    let sorted = |scanned: mailhound_e2e::Scanned| {
        let mut ids: Vec<(String, Severity, Vec<String>)> = scanned
            .findings
            .into_iter()
            .map(|f| (f.id, f.severity, f.evidence))
            .collect();
        ids.sort();
        ids
    };
    let forward = sorted(scan(&records, &[], tenant()));
    records.reverse();
    let backward = sorted(scan(&records, &[], tenant()));
    assert_eq!(forward, backward);
    assert!(!forward.is_empty());
}

fn set_mailbox(id: &str, minute: i64, actor: &str, mailbox: &str, forward: Option<&str>) -> String {
    let mut parameters = vec![("Identity", mailbox)];
    match forward {
        Some(address) => {
            parameters.push(("ForwardingSmtpAddress", address));
            parameters.push(("DeliverToMailboxAndForward", "True"));
        }
        None => parameters.push(("ProhibitSendQuota", "99 GB")),
    }
    cmdlet(id, minute, "Set-Mailbox", actor, "40.107.22.5", &parameters)
}

/// Seed false positive: "IT helpdesk or migration scripts using Set-Mailbox cmdlets in bulk
/// during Exchange Online migrations or tenant consolidations".
#[test]
fn a_migration_script_is_one_informational_finding() {
    let script = "migration@contoso.com";
    let mut records = Vec::new();
    for i in 0..40 {
        let mailbox = format!("user{i}@contoso.com");
        records.push(set_mailbox(&format!("q{i}"), i, script, &mailbox, None));
        if i % 2 == 0 {
            let target = format!("smtp:user{i}@fabrikam-new.example");
            records.push(set_mailbox(
                &format!("f{i}"),
                i,
                script,
                &mailbox,
                Some(&target),
            ));
        }
    }
    let scanned = scan(&records, &[], tenant());
    let findings = of(&scanned, ID);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0].severity, Severity::Informational);
    assert_eq!(findings[0].details["bulk"], true);
    assert_eq!(findings[0].details["forwarding_changes"], 20);
    assert!(findings[0].details["mailboxes_changed"].as_u64() >= Some(40));
    // Quota changes alone never fire, in bulk or not.
    let quotas: Vec<String> = records
        .into_iter()
        .filter(|r| !r.contains("Forwarding"))
        .collect();
    assert!(of(&scan(&quotas, &[], tenant()), ID).is_empty());
    assert!(of(&scan(&quotas, &[], seed()), ID).is_empty());
}

#[test]
fn mailbox_forwarding_by_an_admin_or_the_owner() {
    let records = [
        set_mailbox(
            "m1",
            0,
            "it.admin@contoso.com",
            JDOE,
            Some("smtp:drop.box@outlook-mail.example"),
        ),
        cmdlet(
            "m2",
            DAY,
            "Set-Mailbox",
            "amy.lee@contoso.com",
            OFFICE_IP,
            &[
                ("Identity", "amy.lee@contoso.com"),
                ("ForwardingSmtpAddress", "smtp:amy.private@gmail.example"),
                ("DeliverToMailboxAndForward", "False"),
            ],
        ),
    ];
    let scanned = scan(&records, &[], tenant());
    let findings = of(&scanned, ID);
    assert_eq!(findings.len(), 2, "{findings:#?}");
    assert_eq!(findings[0].severity, Severity::High);
    assert_eq!(findings[0].entity.value, "it.admin@contoso.com");
    assert_eq!(findings[0].details["mailbox"], JDOE);
    assert_eq!(findings[1].severity, Severity::Critical, "no copy kept");
    // `ForwardingSmtpAddress` is not `ForwardTo`: the seed misses mailbox forwarding.
    assert!(of(&scan(&records, &[], seed()), ID).is_empty());
}

#[test]
fn update_inbox_rules_from_outlook_and_owa() {
    let actions = r#"[{"ActionType":"Forward","Recipients":["SMTP:drop.box@outlook-mail.example"]},{"ActionType":"Delete"}]"#;
    let server_rule = r#"{"Name":"fw","Actions":[{"ActionType":"ForwardToRecipientsAction","Recipients":[{"Values":[{"PropTag":"0x39FE001F","Value":"drop.box@outlook-mail.example"}]}]}]}"#;
    let mut records = vec![
        update_inbox_rules(
            "o1",
            0,
            JDOE,
            "203.0.113.77",
            "Client=MSExchangeRPC",
            &[
                ("RuleOperation", "AddMailboxRule"),
                ("RuleId", "0"),
                ("RuleState", "Enabled, ExitAfterExecution"),
                ("RuleCondition", "{(SubjectOrBody Contains \"invoice\")}"),
                ("RuleName", ".."),
                ("RuleProvider", "RuleOrganizer"),
                ("RuleActions", actions),
            ],
        ),
        update_inbox_rules(
            "w1",
            30,
            "bob.ray@contoso.com",
            "198.51.100.80",
            "Client=OWA;Action=ViaProxy",
            &[
                ("RuleOperation", "Create"),
                ("Name", "fw"),
                ("Actions", "ForwardToRecipientsAction"),
                ("Provider", "ExchangeWebServices"),
                ("ServerRule", server_rule),
            ],
        ),
    ];
    // Outlook re-syncing its rules: hundreds of content-free modifications.
    for i in 0..200 {
        records.push(update_inbox_rules(
            &format!("e{i}"),
            40,
            JDOE,
            "198.51.100.23",
            "Client=MSExchangeRPC",
            &[
                ("RuleOperation", "ModifyMailboxRule"),
                ("RuleId", &format!("{}", 1000 + i)),
                ("RuleState", ""),
                ("RuleCondition", "{}"),
                ("RuleName", ""),
                ("RuleActions", "[]"),
            ],
        ));
    }
    let scanned = scan(&records, &[], tenant());
    let findings = of(&scanned, ID);
    assert_eq!(findings.len(), 2, "{findings:#?}");
    let outlook = findings[0];
    assert_eq!(outlook.evidence, vec!["o1"]);
    assert_eq!(outlook.severity, Severity::Critical);
    assert_eq!(outlook.details["degenerate_name"], "punctuation only");
    assert_eq!(outlook.details["matched_keywords"], json!(["invoice"]));
    assert_eq!(outlook.details["client"], "Client=MSExchangeRPC");
    let owa = findings[1];
    assert_eq!(owa.evidence, vec!["w1"]);
    assert_eq!(owa.severity, Severity::High);
    // The seed reads `Parameters`, which these records do not have.
    assert!(of(&scan(&records, &[], seed()), ID).is_empty());
}
