//! `thread_hijack`: business-email compromise in the owner's own conversations.
//!
//! An attacker who holds a finance or executive user's session logs on from their own
//! address (`UserLoggedIn`), reads the mailbox (`MailItemsAccessed`), creates an inbox rule
//! that files the partner's answers into a folder nobody reads and marks them read (so the
//! owner does not see the conversation go on without them), then replies to and forwards
//! existing threads about invoices and payments (`RE:` / `FW:` subjects, to the partner's
//! addresses) asking for payment to a new account, and erases each sent copy from Sent Items
//! minutes later (`HardDelete`, or `SoftDelete` that leaves it in Recoverable Items) so the
//! owner finds no trace.
//!
//! **Parameters** (from the scene's generator):
//! - the logon: 10:30 to 16:00 of the working day (after the owner's own morning activity,
//!   which gives the mailbox the history a new address is new against);
//! - the rule: 2 to 15 minutes after the logon, `MoveToFolder` RSS Feeds / Conversation
//!   History with `MarkAsRead`, on the thread's keywords or the partner's domain;
//! - the replies: 2 to 5, from 5 to 40 minutes after the logon, each to 1 to 3 partner
//!   addresses;
//! - the cover-up: each reply hard-deleted (or, on some runs, soft-deleted) 1 to 12 minutes
//!   after it was sent, one record per message or one for the batch.
//!
//! Must fire `thread_hijack` (audit log: replies from an address new for the user after the
//! rule's compromise signal, and the deletions of what was sent) and
//! `inbox_rule_exfiltration` (audit log: the hiding rule, which is that signal).

use super::{Need, Played, ScenarioSpec, ip_entity, user_entity};
use crate::ids;
use crate::mailbox::{Mail, SendKind, SentMail};
use crate::record::Source;
use crate::scene::Scene;
use crate::tenant::Role;
use crate::truth::ScenarioKind;
use crate::ual::Context;
use chrono::Duration;
use rand::RngExt;
use rand::seq::IndexedRandom;

/// The scenario id.
pub const ID: &str = "thread_hijack";

/// Its registration.
pub const SPEC: ScenarioSpec = ScenarioSpec {
    id: ID,
    kind: ScenarioKind::Attack,
    technique: Some("T1586.002"),
    play,
};

const THREADS: &[&str] = &[
    "Invoice {n} - payment status",
    "Updated remittance details for PO {n}",
    "Outstanding balance Q{q}",
    "Wire transfer confirmation {n}",
    "Vendor onboarding - bank details",
    "Contract renewal {n}",
];
const PARTNERS: &[&str] = &[
    "fabrikam.example",
    "northwind-supply.example",
    "tailspin-logistics.example",
    "woodgrove-bank.example",
];
const PARTNER_PEOPLE: &[&str] = &["ap", "accounts", "j.morgan", "finance", "billing", "m.chen"];
const OWA: &str = "Client=OWA;Action=ViaProxy";
const BROWSER_UA: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";

/// Plays the hijack of one mailbox.
pub fn play(scene: &mut Scene<'_>) -> Played {
    let tenant = scene.tenant;
    let context = Context { tenant };
    let victim = scene.claim_user(|user| matches!(user.role, Role::Finance | Role::Executive));
    let rng = &mut scene.rng;
    let attacker = ids::ip_in(rng, [203, 0, 113]);
    let ip = attacker.to_string();
    let session = ids::guid(rng);
    let logon = scene.day + Duration::seconds(rng.random_range(10 * 3600 + 1800..16 * 3600));
    let partner = *PARTNERS.choose(rng).unwrap_or(&PARTNERS[0]);

    context.user_logged_in(rng, scene.out, logon, &victim, &ip, BROWSER_UA);
    for _ in 0..rng.random_range(1..=3) {
        let time = logon + Duration::seconds(rng.random_range(30..240));
        context.mail_items_accessed(rng, scene.out, time, &victim, &ip);
    }

    // The rule that keeps the partner's answers out of the owner's sight.
    let rule_time = logon + Duration::seconds(rng.random_range(2 * 60..15 * 60));
    let local = victim.upn.split('@').next().unwrap_or_default();
    let name = *[".", "..", "Partner", "ok"].choose(rng).unwrap_or(&".");
    let folder = *["RSS Feeds", "Conversation History"]
        .choose(rng)
        .unwrap_or(&"RSS Feeds");
    let condition = if rng.random_bool(0.5) {
        ("SenderDomainIs", partner.to_owned())
    } else {
        (
            "SubjectOrBodyContainsWords",
            "invoice;payment;remittance;bank".to_owned(),
        )
    };
    let parameters = [
        ("AlwaysDeleteOutlookRulesBlob", "False".to_owned()),
        ("Force", "False".to_owned()),
        ("Name", name.to_owned()),
        condition,
        ("MoveToFolder", folder.to_owned()),
        ("MarkAsRead", "True".to_owned()),
        ("StopProcessingRules", "True".to_owned()),
    ];
    let rule_ip = format!("{ip}:{}", rng.random_range(49152..65535));
    context.cmdlet(
        rng,
        scene.out,
        rule_time,
        "New-InboxRule",
        &victim,
        &rule_ip,
        &format!("{}\\{local}\\{name}", tenant.onmicrosoft()),
        &parameters,
    );

    // The replies and forwards, and their erasure.
    let replies = rng.random_range(2..=5usize);
    let soft = rng.random_bool(0.25);
    let batch = rng.random_bool(0.4);
    let delete_kind = if soft { "SoftDelete" } else { "HardDelete" };
    let mut times: Vec<i64> = (0..replies)
        .map(|_| rng.random_range(5 * 60..40 * 60))
        .collect();
    times.sort_unstable();
    let mut sent: Vec<(chrono::DateTime<chrono::Utc>, SentMail)> = Vec::new();
    for offset in times {
        let time = logon + Duration::seconds(offset);
        let thread = THREADS
            .choose(rng)
            .unwrap_or(&THREADS[0])
            .replace("{n}", &rng.random_range(1000..99999).to_string())
            .replace("{q}", &rng.random_range(1..=4).to_string());
        let prefix = if rng.random_bool(0.7) { "RE: " } else { "FW: " };
        let subject = format!("{prefix}{thread}");
        let recipients: Vec<String> = (0..rng.random_range(1..=3))
            .map(|_| {
                format!(
                    "{}@{partner}",
                    PARTNER_PEOPLE.choose(rng).unwrap_or(&PARTNER_PEOPLE[0])
                )
            })
            .collect();
        let mail = Mail {
            kind: SendKind::Send,
            as_mailbox: None,
            subject: &subject,
            recipients: &recipients,
            client_info: OWA,
            session: &session,
        };
        let item = context.send_mail(rng, scene.out, time, &victim, &ip, &mail);
        if !batch {
            let when = time + Duration::seconds(rng.random_range(60..12 * 60));
            context.delete_items(
                rng,
                scene.out,
                when,
                delete_kind,
                &victim,
                &ip,
                (OWA, &session),
                "\\Sent Items",
                &[&item],
            );
        }
        sent.push((time, item));
    }
    if batch {
        let last = sent.last().map(|(time, _)| *time).unwrap_or(logon);
        let when = last + Duration::seconds(rng.random_range(60..12 * 60));
        let items: Vec<&SentMail> = sent.iter().map(|(_, item)| item).collect();
        context.delete_items(
            rng,
            scene.out,
            when,
            delete_kind,
            &victim,
            &ip,
            (OWA, &session),
            "\\Sent Items",
            &items,
        );
    }
    Played {
        description: format!(
            "attacker at {attacker} hides {partner}'s answers in {}'s mailbox, sends {replies} replies and forwards in its threads and {} them from Sent Items",
            victim.upn,
            if soft { "soft-deletes" } else { "hard-deletes" }
        ),
        entities: vec![user_entity(&victim.upn), ip_entity(attacker)],
        must_fire: vec![
            Need::on("thread_hijack", &[Source::Ual]),
            Need::on("inbox_rule_exfiltration", &[Source::Ual]),
        ],
        must_not_fire: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Body;
    use crate::scenarios::testing::play_alone;

    #[test]
    fn replies_from_the_attacker_are_erased_within_the_hour() {
        for seed in 1..=12 {
            let (played, records) = play_alone(&SPEC, seed);
            let audit: Vec<_> = records
                .iter()
                .filter_map(|r| match &r.body {
                    Body::Audit(a) => Some((r.time, a)),
                    _ => None,
                })
                .collect();
            assert_eq!(audit.len(), records.len(), "audit log only");
            let sends: Vec<_> = audit
                .iter()
                .filter(|(_, a)| a["Operation"] == "Send")
                .collect();
            assert!((2..=5).contains(&sends.len()));
            let rule = audit
                .iter()
                .find(|(_, a)| a["Operation"] == "New-InboxRule")
                .expect("test data");
            for (time, send) in &sends {
                let subject = send["Item"]["Subject"].as_str().expect("test data");
                assert!(subject.starts_with("RE: ") || subject.starts_with("FW: "));
                assert!(*time > rule.0 - Duration::minutes(60));
                let id = &send["Item"]["InternetMessageId"];
                let deleted = audit.iter().find(|(_, a)| {
                    a.get("AffectedItems")
                        .and_then(|items| items.as_array())
                        .is_some_and(|items| items.iter().any(|i| &i["InternetMessageId"] == id))
                });
                let (when, deletion) = deleted.expect("every reply is deleted");
                assert!(*when > *time && *when - *time <= Duration::minutes(60));
                assert_eq!(deletion["Folder"]["Path"], "\\Sent Items");
                assert_eq!(deletion["ClientIP"], send["ClientIP"]);
            }
            let hour = |t: &chrono::DateTime<chrono::Utc>| {
                t.signed_duration_since(
                    t.date_naive()
                        .and_hms_opt(0, 0, 0)
                        .expect("test data")
                        .and_utc(),
                )
            };
            assert!(hour(&audit[0].0) >= Duration::minutes(10 * 60 + 30));
            assert_eq!(played.must_fire.len(), 2);
        }
    }

    #[test]
    fn the_same_seed_plays_the_same_hijack() {
        assert_eq!(play_alone(&SPEC, 6).1, play_alone(&SPEC, 6).1);
    }
}
