//! Inbox-rule actions as `UpdateInboxRules` records write them, applied to a [`MailboxRule`].
//!
//! Two vocabularies name the same actions. The EWS/OWA flavour uses Exchange's rule-action
//! class names (`ForwardToRecipientsAction`, `ForwardAsAttachmentToRecipientsAction`,
//! `RedirectToRecipientsAction`, `DeleteAction`, `PermanentDeleteAction`,
//! `MoveToFolderAction`, `MarkAsReadAction`, `StopProcessingAction`, ...). Outlook desktop
//! writes `RuleActions`, a JSON array of `{"ActionType": "Move" | "Forward" | "Delete" |
//! "MarkAsRead" | ...}`, the MAPI rule-action names; a serialised rule (`ServerRule`) may also
//! carry the MAPI action number and flavour. [`RuleAction::from_name`] folds the spellings
//! together and [`actions_in`] reads an action array whichever flavour wrote it.
//!
//! How recipients nest inside an action is not documented and varies: a `Recipients` array of
//! strings, of `{Address}` objects, or of MAPI address entries (`{"Values":[{"Value":...}]}`,
//! the shape `ServerRule` uses). So every string under an action's `Recipients` that reads as an
//! SMTP address is taken, and nothing else: display names and X.500 names resolve inside the
//! tenant.

use super::text::{looks_like_address, non_blank, without_smtp_prefix};
use crate::event::MailboxRule;
use serde_json::Value;

/// What a rule action does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleAction {
    /// Forward to recipients.
    Forward,
    /// Forward as an attachment.
    ForwardAsAttachment,
    /// Redirect (forward keeping the original sender).
    Redirect,
    /// Delete (to Deleted Items).
    Delete,
    /// Delete permanently.
    PermanentDelete,
    /// Move to a folder.
    MoveToFolder,
    /// Copy to a folder.
    CopyToFolder,
    /// Mark as read.
    MarkAsRead,
    /// Stop processing more rules.
    StopProcessing,
    /// Anything else (reply, categorise, flag, ...).
    Other,
}

impl RuleAction {
    /// Reads an action name in either vocabulary, in any case: `ForwardToRecipientsAction`,
    /// `Forward`, `ForwardTo` and `forward` are one action.
    pub fn from_name(name: &str) -> Self {
        let folded: String = name
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let stem = folded.strip_suffix("action").unwrap_or(&folded);
        let stem = stem
            .strip_suffix("torecipients")
            .or_else(|| stem.strip_suffix("to"))
            .unwrap_or(stem);
        match stem {
            "forward" => Self::Forward,
            "forwardasattachment" => Self::ForwardAsAttachment,
            "redirect" => Self::Redirect,
            "delete" | "softdelete" | "deletemessage" => Self::Delete,
            "permanentdelete" | "harddelete" => Self::PermanentDelete,
            "move" | "movetofolder" => Self::MoveToFolder,
            "copy" | "copytofolder" => Self::CopyToFolder,
            "markasread" => Self::MarkAsRead,
            "stopprocessing" | "stopprocessingrules" => Self::StopProcessing,
            _ => Self::Other,
        }
    }

    /// Reads a MAPI action number (`OP_MOVE` 1, `OP_COPY` 2, `OP_FORWARD` 7, `OP_DELETE` 10,
    /// `OP_MARK_AS_READ` 11; MS-OXORULE) with its flavour (`FWD_DO_NOT_MUNGE_MSG` 2 makes a
    /// forward a redirect, `FWD_AS_ATTACHMENT` 4 an attachment).
    fn from_mapi(operation: u64, flavour: u64) -> Self {
        match operation {
            1 => Self::MoveToFolder,
            2 => Self::CopyToFolder,
            7 if flavour & 4 != 0 => Self::ForwardAsAttachment,
            7 if flavour & 2 != 0 => Self::Redirect,
            7 => Self::Forward,
            10 => Self::Delete,
            11 => Self::MarkAsRead,
            _ => Self::Other,
        }
    }

    /// True for the actions that send mail to recipients.
    pub fn has_recipients(self) -> bool {
        matches!(
            self,
            Self::Forward | Self::ForwardAsAttachment | Self::Redirect
        )
    }
}

/// One action read from a serialised action list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedAction {
    /// What it does, when the action says so.
    pub kind: Option<RuleAction>,
    /// The SMTP addresses under its `Recipients`.
    pub recipients: Vec<String>,
    /// The destination folder (name, or id when only an id is given).
    pub folder: Option<String>,
}

/// Members naming a move or copy destination, best first.
const FOLDER_MEMBERS: &[&str] = &[
    "FolderName",
    "DestinationFolderName",
    "Folder",
    "DestinationFolder",
    "DestinationFolderId",
    "FolderId",
    "FolderEntryId",
];

/// Reads the actions of an action array (`RuleActions`), of an object holding one (a
/// `ServerRule`'s `Actions`), or a single action object.
pub fn actions_in(value: &Value) -> Vec<ParsedAction> {
    match value {
        Value::Array(actions) => actions.iter().map(parse_action).collect(),
        Value::Object(_) => match member(value, "Actions") {
            Some(actions) => actions_in(actions),
            None => vec![parse_action(value)],
        },
        Value::String(name) => vec![parse_action(&Value::String(name.clone()))],
        _ => Vec::new(),
    }
}

fn parse_action(action: &Value) -> ParsedAction {
    let kind = match action {
        Value::String(name) => Some(RuleAction::from_name(name)),
        _ => match member(action, "ActionType").or_else(|| member(action, "Type")) {
            Some(Value::String(name)) => Some(refine_forward(RuleAction::from_name(name), action)),
            Some(Value::Number(number)) => number
                .as_u64()
                .map(|operation| RuleAction::from_mapi(operation, flavour(action))),
            _ => None,
        },
    };
    let mut recipients = Vec::new();
    if let Some(listed) = member(action, "Recipients") {
        collect_addresses(listed, &mut recipients);
    }
    let folder = FOLDER_MEMBERS
        .iter()
        .find_map(|name| match member(action, name) {
            Some(Value::String(folder)) => non_blank(folder).map(str::to_owned),
            _ => None,
        });
    ParsedAction {
        kind,
        recipients,
        folder,
    }
}

/// A member of an object by name, in any case.
fn member<'v>(value: &'v Value, name: &str) -> Option<&'v Value> {
    value
        .as_object()?
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value)
}

/// The numeric flavour / flags of a MAPI action, 0 when absent.
fn flavour(action: &Value) -> u64 {
    ["Flavor", "ActFlavor", "Flags"]
        .iter()
        .find_map(|name| member(action, name).and_then(Value::as_u64))
        .unwrap_or(0)
}

/// A `Forward` whose flags say redirect or attachment is that action.
fn refine_forward(kind: RuleAction, action: &Value) -> RuleAction {
    if kind != RuleAction::Forward {
        return kind;
    }
    let Some(object) = action.as_object() else {
        return kind;
    };
    for (key, value) in object {
        let key = key.to_ascii_lowercase();
        if !(key.contains("flag") || key.contains("flavor")) {
            continue;
        }
        match value {
            Value::Number(number) => {
                return RuleAction::from_mapi(7, number.as_u64().unwrap_or(0));
            }
            Value::String(text) => {
                let text = text.to_ascii_lowercase();
                if text.contains("attachment") {
                    return RuleAction::ForwardAsAttachment;
                }
                if text.contains("donotmunge") || text.contains("redirect") {
                    return RuleAction::Redirect;
                }
            }
            _ => {}
        }
    }
    kind
}

/// Every string under `value` that reads as an SMTP address, `smtp:` removed, each once.
fn collect_addresses(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::String(text) => {
            let address = without_smtp_prefix(text.trim());
            if looks_like_address(address)
                && !into.iter().any(|known| known.eq_ignore_ascii_case(address))
            {
                into.push(address.to_owned());
            }
        }
        Value::Array(values) => values
            .iter()
            .for_each(|value| collect_addresses(value, into)),
        Value::Object(members) => members
            .values()
            .for_each(|value| collect_addresses(value, into)),
        _ => {}
    }
}

/// Applies an action to the rule. Recipients go to the list of the action's kind, or of
/// `recipient_kind` when the action does not say (the EWS flavour names its actions outside
/// the serialised rule).
pub fn apply(rule: &mut MailboxRule, action: ParsedAction, recipient_kind: RuleAction) {
    let kind = action.kind.unwrap_or(RuleAction::Other);
    let target = if kind.has_recipients() {
        kind
    } else {
        recipient_kind
    };
    let list = match target {
        RuleAction::ForwardAsAttachment => &mut rule.forward_as_attachment_to,
        RuleAction::Redirect => &mut rule.redirect_to,
        _ => &mut rule.forward_to,
    };
    for address in action.recipients {
        if !list
            .iter()
            .any(|known| known.eq_ignore_ascii_case(&address))
        {
            list.push(address);
        }
    }
    apply_flag(rule, kind, action.folder);
}

/// Applies an action that carries no recipients.
pub fn apply_flag(rule: &mut MailboxRule, kind: RuleAction, folder: Option<String>) {
    match kind {
        RuleAction::Delete => rule.delete_message = true,
        RuleAction::PermanentDelete => {
            rule.delete_message = true;
            rule.permanent_delete = true;
        }
        RuleAction::MarkAsRead => rule.mark_as_read = true,
        RuleAction::StopProcessing => rule.stop_processing_rules = true,
        RuleAction::MoveToFolder => {
            if rule.move_to_folder.is_none() {
                rule.move_to_folder = folder;
            }
        }
        RuleAction::Forward
        | RuleAction::ForwardAsAttachment
        | RuleAction::Redirect
        | RuleAction::CopyToFolder
        | RuleAction::Other => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Vec<ParsedAction> {
        actions_in(&serde_json::from_str(json).expect("valid JSON"))
    }

    #[test]
    fn both_vocabularies_fold_together() {
        for (name, action) in [
            ("ForwardToRecipientsAction", RuleAction::Forward),
            ("Forward", RuleAction::Forward),
            ("ForwardTo", RuleAction::Forward),
            (
                "ForwardAsAttachmentToRecipientsAction",
                RuleAction::ForwardAsAttachment,
            ),
            ("ForwardAsAttachment", RuleAction::ForwardAsAttachment),
            ("RedirectToRecipientsAction", RuleAction::Redirect),
            ("redirect", RuleAction::Redirect),
            ("DeleteAction", RuleAction::Delete),
            ("Delete", RuleAction::Delete),
            ("PermanentDeleteAction", RuleAction::PermanentDelete),
            ("MoveToFolderAction", RuleAction::MoveToFolder),
            ("Move", RuleAction::MoveToFolder),
            ("CopyToFolderAction", RuleAction::CopyToFolder),
            ("MarkAsReadAction", RuleAction::MarkAsRead),
            ("MarkAsRead", RuleAction::MarkAsRead),
            ("StopProcessingAction", RuleAction::StopProcessing),
            ("AssignCategoriesAction", RuleAction::Other),
            ("OOFReply", RuleAction::Other),
            ("", RuleAction::Other),
        ] {
            assert_eq!(RuleAction::from_name(name), action, "{name}");
        }
    }

    #[test]
    fn outlook_rule_actions() {
        let actions = parse(
            r#"[{"ActionType":"Move","DestinationFolderId":"LgAAAAB...AAAZ","FolderIsInThisStore":"True"},
                {"ActionType":"Forward","Recipients":[{"Address":"SMTP:drop.box@outlook-mail.example","DisplayName":"Drop Box"}]},
                {"ActionType":"Forward","Flags":"ForwardAsAttachment","Recipients":["a@x.example"]},
                {"ActionType":"Delete"}]"#,
        );
        assert_eq!(
            actions,
            vec![
                ParsedAction {
                    kind: Some(RuleAction::MoveToFolder),
                    recipients: vec![],
                    folder: Some("LgAAAAB...AAAZ".into()),
                },
                ParsedAction {
                    kind: Some(RuleAction::Forward),
                    recipients: vec!["drop.box@outlook-mail.example".into()],
                    folder: None,
                },
                ParsedAction {
                    kind: Some(RuleAction::ForwardAsAttachment),
                    recipients: vec!["a@x.example".into()],
                    folder: None,
                },
                ParsedAction {
                    kind: Some(RuleAction::Delete),
                    recipients: vec![],
                    folder: None,
                },
            ]
        );
    }

    #[test]
    fn server_rule_recipients_in_mapi_address_entries() {
        let actions = parse(
            r#"{"Name":"x","Actions":[{"ActionType":7,"Flavor":3,"Recipients":[{"Values":[
                {"PropTag":"0x3001001F","Value":"Drop Box"},{"PropTag":"0x39FE001F","Value":"drop.box@outlook-mail.example"},
                {"PropTag":"0x300B0102","Value":"SMTP:DROP.BOX@OUTLOOK-MAIL.EXAMPLE"},
                {"PropTag":"0x0FFF0102","Value":"/o=ExchangeLabs/ou=Exchange/cn=Recipients/cn=a@b.example"}]}]},
                {"ActionType":11}]}"#,
        );
        assert_eq!(actions.len(), 2);
        assert_eq!(actions[0].kind, Some(RuleAction::Redirect));
        assert_eq!(actions[0].recipients, vec!["drop.box@outlook-mail.example"]);
        assert_eq!(actions[1].kind, Some(RuleAction::MarkAsRead));
    }

    #[test]
    fn applying_actions() {
        let mut rule = MailboxRule::default();
        for action in parse(
            r#"[{"Recipients":[{"Values":[{"Value":"x@evil.example"}]}]},
                {"ActionType":"Redirect","Recipients":["y@evil.example","Y@EVIL.EXAMPLE"]},
                {"ActionType":"PermanentDelete"},{"ActionType":"Move","FolderName":"RSS Feeds"},
                {"ActionType":"StopProcessing"}]"#,
        ) {
            apply(&mut rule, action, RuleAction::ForwardAsAttachment);
        }
        assert_eq!(rule.forward_as_attachment_to, vec!["x@evil.example"]);
        assert_eq!(rule.redirect_to, vec!["y@evil.example"]);
        assert!(rule.forward_to.is_empty());
        assert!(rule.delete_message && rule.permanent_delete && rule.stop_processing_rules);
        assert_eq!(rule.move_to_folder.as_deref(), Some("RSS Feeds"));
    }
}
