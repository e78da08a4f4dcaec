//! The normalised event: what every decoder produces and every detector reads.
//!
//! Decoders turn source-shaped records (audit-log JSON, CSV rows, sign-in logs, web logs,
//! Windows events) into these typed events once, so detectors never look at raw field names,
//! string-typed booleans or IP spellings. An event keeps the source record's id so that
//! findings can cite their evidence. The kinds are grouped by family: mailbox activity
//! ([`mail`]), sign-ins ([`signin`]) and the attacker-side probe telemetry ([`probe`]).

pub mod mail;
pub mod probe;
pub mod signin;

use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use std::sync::Arc;

pub use mail::{
    DeleteKind, MailAccess, MailDelete, MailSend, MailboxRule, RuleOperation, SendKind,
};
pub use probe::{LogonFailure, NetworkConnection, ProcessStart, WebLogKind, WebRequest};
pub use signin::{RiskLevel, RiskState, SignIn, SignInLog};

/// Which telemetry source a record came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogSource {
    /// Office 365 Unified Audit Log, whatever the export (API JSON, Purview CSV,
    /// Search-UnifiedAuditLog, Elastic `o365.audit`).
    UnifiedAuditLog,
    /// Entra ID sign-in logs, whatever the export (Graph, Azure Monitor, Sentinel, portal,
    /// Elastic `azure.signinlogs`).
    EntraSignIn,
    /// IIS W3C extended logs (Exchange front ends).
    IisW3c,
    /// Web-proxy logs (Squid, JSON/ECS proxy records).
    WebProxy,
    /// Sysmon events (process creation, network connection).
    Sysmon,
    /// Windows Security events (4625 logon failure).
    WindowsSecurity,
}

/// One normalised event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The source record's own id (`Id` in the audit log, `id` of a sign-in, or a
    /// position-derived id for sources without one); cited as evidence. Shared, because the
    /// detections keep it in their windows (every send, every sign-in from a failing source)
    /// and a copy of the `Arc` costs no allocation.
    pub record_id: Arc<str>,
    /// When the activity happened, from the record.
    pub time: Timestamp,
    /// The cloud account involved, case-folded (`jdoe@contoso.com`).
    pub user: Option<String>,
    /// The client (source) address, normalised (ports, brackets and `::ffff:` removed).
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
    /// An inbox rule or mailbox forwarding was created or changed.
    MailboxRule(MailboxRule),
    /// A message was sent (Send, SendAs, SendOnBehalf).
    MailSend(MailSend),
    /// Messages were deleted (soft, hard, moved to Deleted Items).
    MailDelete(MailDelete),
    /// Mail items were read or synchronised (`MailItemsAccessed`).
    MailAccess(MailAccess),
    /// A sign-in attempt, successful or not.
    SignIn(SignIn),
    /// An HTTP request seen by a web server or proxy.
    WebRequest(WebRequest),
    /// A process started (Sysmon 1).
    ProcessStart(ProcessStart),
    /// A network connection was made (Sysmon 3).
    NetworkConnection(NetworkConnection),
    /// A Windows logon failed (Security 4625).
    LogonFailure(LogonFailure),
}

impl EventKind {
    /// The kind's name, as serialised in `type`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::MailboxRule(_) => "mailbox_rule",
            Self::MailSend(_) => "mail_send",
            Self::MailDelete(_) => "mail_delete",
            Self::MailAccess(_) => "mail_access",
            Self::SignIn(_) => "sign_in",
            Self::WebRequest(_) => "web_request",
            Self::ProcessStart(_) => "process_start",
            Self::NetworkConnection(_) => "network_connection",
            Self::LogonFailure(_) => "logon_failure",
        }
    }
}
