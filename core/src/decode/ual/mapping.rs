//! The one mapping from an audit record to an outcome, shared by every export form.
//!
//! Whichever export a record arrives in (the Management Activity API, a Purview or
//! Search-UnifiedAuditLog CSV, `ConvertTo-Json`, a Graph audit query, an Elastic document), its
//! decoder hands the embedded record and the row's outer values ([`Envelope`]) to [`to_outcome`],
//! so one record gives one event whatever the export.
//!
//! The order of decisions: a record without `Operation`, `Id` or a valid `CreationTime` is
//! rejected with the field named; an operation no detection reads is ignored under its own
//! name (counted, its id kept for the duplicate check); the rest become events. The fields
//! every event carries are read here: the actor (`UserId`, else the row's user column, else the
//! mailbox owner), the client address (the first usable of `ClientIP`, `ClientIPAddress`,
//! `ActorIpAddress` and the row's address fields, a service placeholder such as `::1` only
//! when nothing better exists), and the time. Each operation family has its own module for the
//! rest.

use super::envelope::Envelope;
use super::record::AuditRecord;
use super::text::{case_folded, non_blank};
use super::{mailbox_items, rule_cmdlets, sts_logon, update_inbox_rules};
use crate::decode::Outcome;
use crate::event::{DeleteKind, Event, EventKind, LogSource, RuleOperation, SendKind};
use crate::net::{is_service_placeholder, parse_client_ip};
use crate::time::Timestamp;
use std::net::IpAddr;

/// The operations that become events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Activity {
    Rule(RuleOperation),
    Send(SendKind),
    Delete(DeleteKind),
    MailItemsAccessed,
    SignIn { failed: bool },
}

/// Mailbox and sign-in operations by name (rule operations are [`RuleOperation`]'s).
const ACTIVITIES: [(&str, Activity); 9] = [
    ("Send", Activity::Send(SendKind::Send)),
    ("SendAs", Activity::Send(SendKind::SendAs)),
    ("SendOnBehalf", Activity::Send(SendKind::SendOnBehalf)),
    ("SoftDelete", Activity::Delete(DeleteKind::SoftDelete)),
    ("HardDelete", Activity::Delete(DeleteKind::HardDelete)),
    (
        "MoveToDeletedItems",
        Activity::Delete(DeleteKind::MoveToDeletedItems),
    ),
    ("MailItemsAccessed", Activity::MailItemsAccessed),
    ("UserLoggedIn", Activity::SignIn { failed: false }),
    ("UserLoginFailed", Activity::SignIn { failed: true }),
];

impl Activity {
    /// Recognises an operation name, in any case.
    fn recognise(operation: &str) -> Option<Self> {
        if let Some(rule) = RuleOperation::from_operation(operation) {
            return Some(Self::Rule(rule));
        }
        ACTIVITIES
            .iter()
            .find(|(name, _)| operation.eq_ignore_ascii_case(name))
            .map(|(_, activity)| *activity)
    }
}

/// Maps an audit record (and its export row's outer values) to an event, an ignore or a
/// rejection.
pub fn to_outcome(record: &AuditRecord<'_>, envelope: &Envelope<'_>) -> Outcome {
    map(record, envelope).unwrap_or_else(Outcome::Rejected)
}

fn map(record: &AuditRecord<'_>, envelope: &Envelope<'_>) -> Result<Outcome, String> {
    let operation = record
        .operation
        .as_deref()
        .and_then(non_blank)
        .or_else(|| envelope.operation.and_then(non_blank))
        .ok_or("audit record without `Operation`")?;
    let id = record
        .id
        .as_ref()
        .and_then(|id| non_blank(&id.0))
        .or_else(|| envelope.id.and_then(non_blank))
        .ok_or("audit record without `Id`")?;
    let time = time(record, envelope)?;
    let Some(activity) = Activity::recognise(operation) else {
        return Ok(Outcome::ignored(operation, Some(id.to_owned())));
    };
    let user = actor(record, envelope)?;
    let actor = user.as_deref();
    let kind = match activity {
        Activity::Rule(RuleOperation::UpdateInboxRules) => {
            EventKind::MailboxRule(update_inbox_rules::mailbox_rule(record, actor)?)
        }
        Activity::Rule(RuleOperation::SetMailbox) => {
            EventKind::MailboxRule(rule_cmdlets::mailbox_forwarding(record, actor)?)
        }
        Activity::Rule(RuleOperation::SetMailboxAutoReplyConfiguration) => {
            EventKind::MailboxRule(rule_cmdlets::auto_reply(record, actor)?)
        }
        Activity::Rule(operation) => {
            EventKind::MailboxRule(rule_cmdlets::inbox_rule(operation, record, actor)?)
        }
        Activity::Send(kind) => EventKind::MailSend(mailbox_items::send(kind, record)?),
        Activity::Delete(kind) => EventKind::MailDelete(mailbox_items::delete(kind, record)?),
        Activity::MailItemsAccessed => EventKind::MailAccess(mailbox_items::access(record)?),
        Activity::SignIn { failed } => {
            EventKind::SignIn(sts_logon::sign_in(failed, record, envelope)?)
        }
    };
    Ok(Outcome::Event(Event {
        record_id: id.into(),
        time,
        user,
        ip: client_ip(record, envelope)?,
        source: LogSource::UnifiedAuditLog,
        kind,
    }))
}

/// `CreationTime` when the record has it (then it must be valid), else the row's time.
fn time(record: &AuditRecord<'_>, envelope: &Envelope<'_>) -> Result<Timestamp, String> {
    match record.creation_time.as_deref().and_then(non_blank) {
        Some(text) => Timestamp::parse(text)
            .ok_or_else(|| format!("field `CreationTime`: invalid time `{text}`")),
        None => envelope
            .time
            .clone()
            .unwrap_or_else(|| Err("audit record without `CreationTime`".into())),
    }
}

/// The actor, case-folded: `UserId`, else the row's user, else the mailbox owner.
fn actor(record: &AuditRecord<'_>, envelope: &Envelope<'_>) -> Result<Option<String>, String> {
    let user = case_folded(record.user_id()?.as_deref()).or_else(|| case_folded(envelope.user));
    Ok(match user {
        Some(user) => Some(user),
        None => case_folded(record.mailbox_owner_upn()?.as_deref())
            .or_else(|| case_folded(envelope.mailbox_owner)),
    })
}

/// The first usable client address; a service placeholder (`::1`, `0.0.0.0`) only when no
/// other address is given.
fn client_ip(record: &AuditRecord<'_>, envelope: &Envelope<'_>) -> Result<Option<IpAddr>, String> {
    let (client_ip, client_ip_address, actor_ip_address) = (
        record.client_ip()?,
        record.client_ip_address()?,
        record.actor_ip_address()?,
    );
    let candidates = [
        client_ip.as_deref(),
        client_ip_address.as_deref(),
        actor_ip_address.as_deref(),
        envelope.ips[0],
        envelope.ips[1],
    ];
    let mut placeholder = None;
    for ip in candidates.into_iter().flatten().filter_map(parse_client_ip) {
        if !is_service_placeholder(&ip) {
            return Ok(Some(ip));
        }
        placeholder.get_or_insert(ip);
    }
    Ok(placeholder)
}

/// The mailbox a change was made to, case-folded, when it is named and is not the actor's.
pub fn other_mailbox(mailbox: Option<&str>, actor: Option<&str>) -> Option<String> {
    case_folded(mailbox).filter(|mailbox| Some(mailbox.as_str()) != actor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::ual::record::parse_record;

    fn outcome(json: &str, envelope: &Envelope<'_>) -> Outcome {
        to_outcome(&parse_record(json).expect("valid JSON"), envelope)
    }

    fn event(json: &str) -> Event {
        match outcome(json, &Envelope::default()) {
            Outcome::Event(event) => event,
            other => panic!("expected an event, got {other:?}"),
        }
    }

    fn rejection(json: &str) -> String {
        match outcome(json, &Envelope::default()) {
            Outcome::Rejected(reason) => reason,
            other => panic!("expected a rejection, got {other:?}"),
        }
    }

    const BASE: &str = r#""Id":"r1","CreationTime":"2025-03-04T09:15:02""#;

    #[test]
    fn operations_are_recognised_in_any_case() {
        for (operation, kind) in [
            ("new-inboxrule", "mailbox_rule"),
            ("UPDATEINBOXRULES", "mailbox_rule"),
            ("Set-Mailbox", "mailbox_rule"),
            ("set-mailboxautoreplyconfiguration", "mailbox_rule"),
            ("sendas", "mail_send"),
            ("SendOnBehalf", "mail_send"),
            ("harddelete", "mail_delete"),
            ("MoveToDeletedItems", "mail_delete"),
            ("mailitemsaccessed", "mail_access"),
            ("userloginfailed", "sign_in"),
            ("UserLoggedIn", "sign_in"),
        ] {
            let event = event(&format!(r#"{{{BASE},"Operation":"{operation}"}}"#));
            assert_eq!(event.kind.name(), kind, "{operation}");
        }
    }

    #[test]
    fn other_operations_are_ignored_with_their_id() {
        assert_eq!(
            outcome(
                &format!(r#"{{{BASE},"Operation":"FileAccessed"}}"#),
                &Envelope::default()
            ),
            Outcome::ignored("FileAccessed", Some("r1".into()))
        );
    }

    #[test]
    fn missing_and_malformed_fields_are_named() {
        assert_eq!(
            rejection(&format!("{{{BASE}}}")),
            "audit record without `Operation`"
        );
        assert_eq!(
            rejection(r#"{"CreationTime":"2025-03-04T09:15:02","Operation":"Send"}"#),
            "audit record without `Id`"
        );
        assert_eq!(
            rejection(r#"{"Id":" ","CreationTime":"2025-03-04T09:15:02","Operation":"Send"}"#),
            "audit record without `Id`"
        );
        assert_eq!(
            rejection(r#"{"Id":"a","Operation":"Send"}"#),
            "audit record without `CreationTime`"
        );
        assert_eq!(
            rejection(r#"{"Id":"a","CreationTime":"2025-03-04T17:08:65","Operation":"Send"}"#),
            "field `CreationTime`: invalid time `2025-03-04T17:08:65`"
        );
        assert!(
            rejection(&format!(r#"{{{BASE},"Operation":"Send","Item":[1]}}"#))
                .starts_with("field `Item`: invalid type")
        );
    }

    #[test]
    fn the_record_wins_over_the_row_and_the_row_fills_gaps() {
        let envelope = Envelope {
            id: Some("row-id"),
            time: Some(Ok(Timestamp(1))),
            operation: Some("Send"),
            user: Some("Row@Contoso.com"),
            ips: [Some("203.0.113.9"), None],
            ..Envelope::default()
        };
        let Outcome::Event(from_row) = outcome("{}", &envelope) else {
            panic!("an event from the row alone");
        };
        assert_eq!(
            (
                &*from_row.record_id,
                from_row.time,
                from_row.user.as_deref()
            ),
            ("row-id", Timestamp(1), Some("row@contoso.com"))
        );
        assert_eq!(from_row.ip, "203.0.113.9".parse().ok());
        let Outcome::Event(from_record) = outcome(
            &format!(
                r#"{{{BASE},"Operation":"SendAs","UserId":"jdoe@contoso.com","ClientIP":"198.51.100.1"}}"#
            ),
            &envelope,
        ) else {
            panic!("an event");
        };
        assert_eq!(&*from_record.record_id, "r1");
        assert_eq!(from_record.time, Timestamp(1_741_079_702_000));
        assert_eq!(from_record.user.as_deref(), Some("jdoe@contoso.com"));
        assert_eq!(from_record.ip, "198.51.100.1".parse().ok());
        assert_eq!(from_record.kind.name(), "mail_send");
        let bad_row_time = Envelope {
            time: Some(Err("field `CreationDate`: invalid time `x`".into())),
            ..Envelope::default()
        };
        assert_eq!(
            outcome(r#"{"Id":"a","Operation":"Send"}"#, &bad_row_time),
            Outcome::Rejected("field `CreationDate`: invalid time `x`".into())
        );
    }

    #[test]
    fn the_actor_falls_back_to_the_mailbox_owner() {
        let event = event(&format!(
            r#"{{{BASE},"Operation":"Send","MailboxOwnerUPN":"Owner@Contoso.com"}}"#
        ));
        assert_eq!(event.user.as_deref(), Some("owner@contoso.com"));
    }

    #[test]
    fn service_placeholders_give_way_to_real_addresses() {
        let ip = |fields: &str| {
            event(&format!(r#"{{{BASE},"Operation":"Send",{fields}}}"#))
                .ip
                .map(|ip| ip.to_string())
        };
        assert_eq!(
            ip(r#""ClientIP":"::1","ClientIPAddress":"198.51.100.23""#).as_deref(),
            Some("198.51.100.23")
        );
        assert_eq!(ip(r#""ClientIP":"::1""#).as_deref(), Some("::1"));
        assert_eq!(
            ip(r#""ClientIP":"garbage","ActorIpAddress":"[2001:db8::7]:443""#).as_deref(),
            Some("2001:db8::7")
        );
        assert_eq!(
            ip(r#""ClientIP":"0.0.0.0","ClientIPAddress":"::ffff:203.0.113.77""#).as_deref(),
            Some("203.0.113.77")
        );
        assert_eq!(ip(r#""ClientIP":null"#), None);
    }

    #[test]
    fn other_mailbox_is_only_someone_elses() {
        assert_eq!(
            other_mailbox(Some("JDoe@contoso.com"), Some("jdoe@contoso.com")),
            None
        );
        assert_eq!(
            other_mailbox(Some("Boss@contoso.com"), Some("jdoe@contoso.com")).as_deref(),
            Some("boss@contoso.com")
        );
        assert_eq!(other_mailbox(Some(" "), None), None);
    }
}
