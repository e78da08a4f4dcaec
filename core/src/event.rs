//! The normalised event: what every decoder produces and every detector reads.
//!
//! Decoders turn source-shaped records (audit-log JSON, sign-in rows, web logs) into these
//! typed events once, so detectors never look at raw field names, string-typed booleans or
//! IP spellings. An event keeps the source record's id so that findings can cite their
//! evidence.

use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// Which telemetry source a record came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogSource {
    /// Office 365 Unified Audit Log (Management Activity API record shape).
    UnifiedAuditLog,
}

/// One normalised event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The source record's own id (`Id` in the audit log); cited as evidence.
    pub record_id: String,
    /// When the activity happened, from the record.
    pub time: Timestamp,
    /// The acting account, case-folded (`jdoe@contoso.com`).
    pub user: Option<String>,
    /// The client address, normalised (ports, brackets and `::ffff:` removed).
    pub ip: Option<IpAddr>,
    /// Where the record came from.
    pub source: LogSource,
    /// What happened.
    pub kind: EventKind,
}

/// What an event says happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// An inbox rule was created or changed.
    MailboxRule(MailboxRule),
}

/// The operation that changed a mailbox rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RuleOperation {
    /// `New-InboxRule`
    #[serde(rename = "New-InboxRule")]
    NewInboxRule,
    /// `Set-InboxRule`
    #[serde(rename = "Set-InboxRule")]
    SetInboxRule,
}

impl RuleOperation {
    /// Recognises the cmdlet name, in any case.
    pub fn from_operation(operation: &str) -> Option<Self> {
        if operation.eq_ignore_ascii_case("New-InboxRule") {
            Some(Self::NewInboxRule)
        } else if operation.eq_ignore_ascii_case("Set-InboxRule") {
            Some(Self::SetInboxRule)
        } else {
            None
        }
    }

    /// The cmdlet name as Exchange writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NewInboxRule => "New-InboxRule",
            Self::SetInboxRule => "Set-InboxRule",
        }
    }
}

/// The content of an inbox-rule change, from the cmdlet's parameters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MailboxRule {
    /// Which cmdlet made the change; `None` only in `Default`.
    pub operation: Option<RuleOperation>,
    /// The rule's name (`Name`), or the identity it was addressed by (`Identity`).
    pub name: Option<String>,
    /// `ForwardTo` recipients.
    pub forward_to: Vec<String>,
    /// `ForwardAsAttachmentTo` recipients.
    pub forward_as_attachment_to: Vec<String>,
    /// `RedirectTo` recipients.
    pub redirect_to: Vec<String>,
    /// `DeleteMessage` is true.
    pub delete_message: bool,
    /// `MarkAsRead` is true.
    pub mark_as_read: bool,
    /// `MoveToFolder` target.
    pub move_to_folder: Option<String>,
    /// `StopProcessingRules` is true.
    pub stop_processing_rules: bool,
    /// Condition parameters (`From`, `SubjectContainsWords`, ...), name and value as written.
    pub conditions: Vec<(String, String)>,
}

impl MailboxRule {
    /// Every forwarding or redirect recipient, in parameter order.
    pub fn destinations(&self) -> impl Iterator<Item = &str> {
        self.forward_to
            .iter()
            .chain(&self.forward_as_attachment_to)
            .chain(&self.redirect_to)
            .map(String::as_str)
    }
}
