//! Mailbox activity from the Unified Audit Log: rules, forwarding, sends, deletions, reads.

use serde::{Deserialize, Serialize};

/// The operation that changed a mailbox rule or the mailbox's forwarding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RuleOperation {
    /// `New-InboxRule` (admin cmdlet path; also OWA).
    #[serde(rename = "New-InboxRule")]
    NewInboxRule,
    /// `Set-InboxRule`.
    #[serde(rename = "Set-InboxRule")]
    SetInboxRule,
    /// `UpdateInboxRules` (Outlook desktop / EWS / OWA through the mailbox path).
    #[serde(rename = "UpdateInboxRules")]
    UpdateInboxRules,
    /// `Set-Mailbox` (mailbox-level forwarding).
    #[serde(rename = "Set-Mailbox")]
    SetMailbox,
    /// `Set-MailboxAutoReplyConfiguration`.
    #[serde(rename = "Set-MailboxAutoReplyConfiguration")]
    SetMailboxAutoReplyConfiguration,
}

impl RuleOperation {
    /// Every operation, for lookups.
    pub const ALL: [Self; 5] = [
        Self::NewInboxRule,
        Self::SetInboxRule,
        Self::UpdateInboxRules,
        Self::SetMailbox,
        Self::SetMailboxAutoReplyConfiguration,
    ];

    /// Recognises the operation name, in any case.
    pub fn from_operation(operation: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|op| operation.eq_ignore_ascii_case(op.as_str()))
    }

    /// The operation name as Exchange writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NewInboxRule => "New-InboxRule",
            Self::SetInboxRule => "Set-InboxRule",
            Self::UpdateInboxRules => "UpdateInboxRules",
            Self::SetMailbox => "Set-Mailbox",
            Self::SetMailboxAutoReplyConfiguration => "Set-MailboxAutoReplyConfiguration",
        }
    }
}

/// The content of a rule or forwarding change, whichever path recorded it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MailboxRule {
    /// Which operation made the change; `None` only in `Default`.
    pub operation: Option<RuleOperation>,
    /// For `UpdateInboxRules`: the rule operation (`AddMailboxRule`, `ModifyMailboxRule`,
    /// `RemoveMailboxRule`, `Create`, `Update`, `Delete`, ...).
    pub rule_operation: Option<String>,
    /// The rule's name (`Name`, `RuleName`), or the identity it was addressed by.
    pub name: Option<String>,
    /// The mailbox changed, when it is not the actor's (`Identity` of `Set-Mailbox`,
    /// `Mailbox` of the rule cmdlets), case-folded.
    pub mailbox: Option<String>,
    /// `ForwardTo` recipients (and `ForwardingSmtpAddress` / `ForwardingAddress` of
    /// `Set-Mailbox`, `smtp:` prefix removed).
    pub forward_to: Vec<String>,
    /// `ForwardAsAttachmentTo` recipients.
    pub forward_as_attachment_to: Vec<String>,
    /// `RedirectTo` recipients.
    pub redirect_to: Vec<String>,
    /// `DeleteMessage` is true (or a delete action).
    pub delete_message: bool,
    /// `PermanentDelete` / hard-delete action.
    pub permanent_delete: bool,
    /// `MarkAsRead` is true (or a mark-as-read action).
    pub mark_as_read: bool,
    /// `MoveToFolder` target (name or path; folder ids when only an id is known).
    pub move_to_folder: Option<String>,
    /// `StopProcessingRules` is true (or the rule state says `ExitAfterExecution`).
    pub stop_processing_rules: bool,
    /// `DeliverToMailboxAndForward` of `Set-Mailbox`, when given.
    pub deliver_and_forward: Option<bool>,
    /// Condition parameters (`From`, `SubjectContainsWords`, a MAPI restriction, ...), name and
    /// value as written.
    pub conditions: Vec<(String, String)>,
    /// The change carries no rule content at all (Outlook's `ModifyMailboxRule` re-sync bursts).
    pub empty: bool,
    /// The mail client (`ClientInfoString`), when recorded.
    pub client: Option<String>,
    /// For `Set-MailboxAutoReplyConfiguration`: the automatic-reply settings the change made.
    #[serde(default)]
    pub auto_reply: Option<AutoReply>,
    /// The names of the cmdlet parameters the record carried (`Parameters`), as written,
    /// whatever their values: for logic that matches parameter names as the seed queries do.
    /// Empty for changes recorded without cmdlet parameters (`UpdateInboxRules`).
    #[serde(default)]
    pub parameter_names: Vec<String>,
}

/// Automatic-reply settings set by `Set-MailboxAutoReplyConfiguration`. An automatic reply
/// to external senders is a way to hand out an attacker's contact details from the victim's
/// mailbox.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutoReply {
    /// `AutoReplyState`: `Enabled`, `Scheduled` or `Disabled`.
    pub state: Option<String>,
    /// `ExternalAudience`: `None`, `Known` or `All`.
    pub external_audience: Option<String>,
    /// `InternalMessage`, as written (HTML).
    pub internal_message: Option<String>,
    /// `ExternalMessage`, as written (HTML).
    pub external_message: Option<String>,
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

/// How a message was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SendKind {
    /// `Send`: as the mailbox owner.
    Send,
    /// `SendAs`: as another mailbox.
    SendAs,
    /// `SendOnBehalf`: on behalf of another mailbox.
    SendOnBehalf,
}

/// A message sent from a mailbox.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MailSend {
    /// Send, SendAs or SendOnBehalf; `None` only in `Default`.
    pub kind: Option<SendKind>,
    /// The subject, when recorded.
    pub subject: Option<String>,
    /// `InternetMessageId`, angle brackets kept.
    pub message_id: Option<String>,
    /// The folder path of the item (`\Sent Items`, `\Drafts`).
    pub folder: Option<String>,
    /// The logon session (`SessionId`).
    pub session_id: Option<String>,
    /// The mail client (`ClientInfoString`).
    pub client: Option<String>,
    /// The mailbox sent as or on behalf of (`SendAsUserSmtp`, `SendOnBehalfOfUserSmtp`).
    pub on_behalf_of: Option<String>,
    /// Recipients when the record lists them (`recipientList`, newer records).
    pub recipients: Vec<String>,
    /// Number of recipients when recorded.
    pub recipient_count: Option<u64>,
}

impl MailSend {
    /// True when the subject marks a reply or a forward (`RE:`, `FW:`, `FWD:`, `AW:`, `WG:`,
    /// `TR:`, `SV:`, `VS:`, `RV:`, ...).
    pub fn is_reply_or_forward(&self) -> bool {
        const PREFIXES: &[&str] = &[
            "re:", "fw:", "fwd:", "aw:", "wg:", "tr:", "sv:", "vs:", "rv:", "r:", "enc:", "rif:",
        ];
        self.subject.as_deref().is_some_and(|subject| {
            let subject = subject.trim_start();
            PREFIXES.iter().any(|prefix| {
                subject
                    .get(..prefix.len())
                    .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
            })
        })
    }
}

/// How messages were deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DeleteKind {
    /// `MoveToDeletedItems`.
    MoveToDeletedItems,
    /// `SoftDelete` (recoverable items).
    SoftDelete,
    /// `HardDelete` (purged).
    HardDelete,
}

/// One deleted message, as far as the record tells.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DeletedItem {
    /// Subject.
    pub subject: Option<String>,
    /// `InternetMessageId`.
    pub message_id: Option<String>,
}

/// Messages deleted from a mailbox.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MailDelete {
    /// How; `None` only in `Default`.
    pub kind: Option<DeleteKind>,
    /// The folder the messages were deleted from (`\Sent Items`).
    pub folder: Option<String>,
    /// The deleted messages.
    pub items: Vec<DeletedItem>,
    /// The logon session (`SessionId`).
    pub session_id: Option<String>,
    /// The mail client (`ClientInfoString`).
    pub client: Option<String>,
}

impl MailDelete {
    /// True when the messages came from Sent Items.
    pub fn from_sent_items(&self) -> bool {
        self.folder
            .as_deref()
            .is_some_and(|folder| folder.to_ascii_lowercase().contains("sent items"))
    }
}

/// Mail items read or synchronised (`MailItemsAccessed`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MailAccess {
    /// `Bind` (individual items) or `Sync` (a folder).
    pub access: Option<String>,
    /// `OperationCount`.
    pub count: u64,
    /// `IsThrottled` is true: the log stopped recording individual items.
    pub throttled: bool,
    /// The logon session (`SessionId`).
    pub session_id: Option<String>,
    /// The mail client (`ClientInfoString`).
    pub client: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_match_in_any_case() {
        assert_eq!(
            RuleOperation::from_operation("updateinboxrules"),
            Some(RuleOperation::UpdateInboxRules)
        );
        assert_eq!(
            RuleOperation::from_operation("SET-MAILBOX"),
            Some(RuleOperation::SetMailbox)
        );
        assert_eq!(RuleOperation::from_operation("Send"), None);
    }

    #[test]
    fn replies_and_forwards_in_several_languages() {
        let send = |subject: &str| MailSend {
            subject: Some(subject.into()),
            ..MailSend::default()
        };
        assert!(send("RE: invoice").is_reply_or_forward());
        assert!(send("  Fwd: x").is_reply_or_forward());
        assert!(send("AW: Rechnung").is_reply_or_forward());
        assert!(!send("Report").is_reply_or_forward());
        assert!(!MailSend::default().is_reply_or_forward());
    }
}
