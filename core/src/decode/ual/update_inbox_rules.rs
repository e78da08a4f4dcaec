//! `UpdateInboxRules` (RecordType 2, `ExchangeItem`): rule changes made from a mail client
//! rather than through a cmdlet. The content is in `OperationProperties`, in one of two
//! flavours.
//!
//! - **Outlook desktop** (MAPI; `Client=MSExchangeRPC`): `RuleOperation`
//!   (`AddMailboxRule`, `ModifyMailboxRule`, `RemoveMailboxRule`), `RuleName`, `RuleState`
//!   (`Enabled, ExitAfterExecution`: `ExitAfterExecution` is "stop processing more rules"),
//!   `RuleCondition` (a MAPI restriction dump) and `RuleActions` (a JSON array string).
//!   Outlook re-syncing its rules writes `ModifyMailboxRule` records in bursts of hundreds a
//!   second with every body field empty (`RuleCondition` `{}`, `RuleActions` `[]`, no name);
//!   those become events with `empty` set, so a detector can tell a re-sync from an edit.
//! - **EWS / OWA**: `RuleOperation` (`Create`, `Update`, `Delete`, ...), `Name`, `Conditions`,
//!   `Actions` (the action class names, e.g. `ForwardToRecipientsAction`) and `ServerRule`, a
//!   JSON string of the stored rule whose `Actions[].Recipients[].Values[].Value` hold the
//!   forwarding addresses. An action class name may also stand alone as a property value
//!   (what Splunk's rule matches on), so any value ending in `Action` counts too. Values that
//!   are not action names (`RuleOperation` `Delete`) are never read as actions.
//!
//! A `RuleActions` or `ServerRule` that is not valid JSON makes the record a rejection: its
//! content cannot be known, and a forwarding rule must not pass as an empty one.

use super::mapping::other_mailbox;
use super::name_values::NameValues;
use super::record::AuditRecord;
use super::rule_actions::{RuleAction, actions_in, apply, apply_flag};
use super::text::{non_blank, owned};
use super::values::without_position;
use crate::event::{MailboxRule, RuleOperation};
use serde_json::Value;

/// Reads an `UpdateInboxRules` record.
pub fn mailbox_rule(record: &AuditRecord<'_>, actor: Option<&str>) -> Result<MailboxRule, String> {
    let properties = record.operation_property_list()?;
    let mut rule = MailboxRule {
        operation: Some(RuleOperation::UpdateInboxRules),
        rule_operation: owned(properties.get("RuleOperation")),
        mailbox: other_mailbox(record.mailbox_owner_upn()?.as_deref(), actor),
        client: owned(record.client_info_string()?.as_deref()),
        ..MailboxRule::default()
    };
    let stated = if is_outlook_desktop(&properties) {
        outlook_desktop(&properties, &mut rule)?
    } else {
        web(&properties, &mut rule)?
    };
    rule.empty = !stated && rule.name.is_none() && rule.conditions.is_empty() && !acts(&rule);
    Ok(rule)
}

/// The desktop flavour names its properties `Rule...`.
fn is_outlook_desktop(properties: &NameValues<'_>) -> bool {
    ["RuleName", "RuleState", "RuleCondition", "RuleActions"]
        .iter()
        .any(|name| properties.contains(name))
        || properties.get("RuleOperation").is_some_and(|operation| {
            operation
                .trim()
                .to_ascii_lowercase()
                .ends_with("mailboxrule")
        })
}

/// Reads the desktop flavour; true when the record states the rule's state.
fn outlook_desktop(properties: &NameValues<'_>, rule: &mut MailboxRule) -> Result<bool, String> {
    rule.name = owned(properties.get("RuleName"));
    let state = properties.get("RuleState").and_then(non_blank);
    rule.stop_processing_rules =
        state.is_some_and(|state| state.to_ascii_lowercase().contains("exitafterexecution"));
    if let Some(condition) = meaningful(properties.get("RuleCondition")) {
        rule.conditions
            .push(("RuleCondition".into(), condition.to_owned()));
    }
    if let Some(actions) = meaningful(properties.get("RuleActions")) {
        for action in actions_in(&json(actions, "RuleActions")?) {
            apply(rule, action, RuleAction::Forward);
        }
    }
    Ok(state.is_some())
}

/// Reads the EWS / OWA flavour; true when the record states the rule's state.
fn web(properties: &NameValues<'_>, rule: &mut MailboxRule) -> Result<bool, String> {
    rule.name = owned(properties.get("Name"));
    if let Some(conditions) = meaningful(properties.get("Conditions")) {
        rule.conditions
            .push(("Conditions".into(), conditions.to_owned()));
    }
    let mut named = Vec::new();
    if let Some(actions) = meaningful(properties.get("Actions")) {
        match serde_json::from_str::<Value>(actions) {
            Ok(value @ (Value::Array(_) | Value::Object(_))) => {
                for action in actions_in(&value) {
                    named.extend(action.kind);
                    apply(rule, action, RuleAction::Forward);
                }
            }
            _ => named.extend(
                actions
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .filter(|word| !word.is_empty())
                    .map(RuleAction::from_name),
            ),
        }
    }
    named.extend(
        properties
            .iter()
            .filter(|(_, value)| value.trim().to_ascii_lowercase().ends_with("action"))
            .map(|(_, value)| RuleAction::from_name(value)),
    );
    let recipient_kind = named
        .iter()
        .copied()
        .find(|action| action.has_recipients())
        .unwrap_or(RuleAction::Forward);
    if let Some(server_rule) = meaningful(properties.get("ServerRule")) {
        for action in actions_in(&json(server_rule, "ServerRule")?) {
            apply(rule, action, recipient_kind);
        }
    }
    for action in named {
        apply_flag(rule, action, None);
    }
    Ok(false)
}

/// The value, unless blank or an empty JSON object / array (`{}`, `[]`).
fn meaningful(value: Option<&str>) -> Option<&str> {
    value
        .and_then(non_blank)
        .filter(|value| !matches!(*value, "{}" | "[]"))
}

fn json(text: &str, name: &str) -> Result<Value, String> {
    serde_json::from_str(text)
        .map_err(|error| format!("field `{name}`: invalid JSON: {}", without_position(&error)))
}

/// True when the rule does anything.
fn acts(rule: &MailboxRule) -> bool {
    rule.destinations().next().is_some()
        || rule.delete_message
        || rule.permanent_delete
        || rule.mark_as_read
        || rule.stop_processing_rules
        || rule.move_to_folder.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::ual::record::parse_record;

    fn decode(properties: &str) -> Result<MailboxRule, String> {
        let json = format!(
            r#"{{"MailboxOwnerUPN":"JDoe@contoso.com","ClientInfoString":"Client=MSExchangeRPC","OperationProperties":{properties}}}"#
        );
        mailbox_rule(
            &parse_record(&json).expect("valid"),
            Some("jdoe@contoso.com"),
        )
    }

    #[test]
    fn outlook_desktop_add_rule_field_by_field() {
        let rule = decode(
            r#"[{"Name":"RuleOperation","Value":"AddMailboxRule"},{"Name":"RuleId","Value":"0"},
                {"Name":"RuleState","Value":"Enabled, ExitAfterExecution"},
                {"Name":"RuleCondition","Value":"{(SubjectOrBody Contains \"invoice\")}"},
                {"Name":"RuleName","Value":".."},{"Name":"RuleProvider","Value":"RuleOrganizer"},
                {"Name":"RuleActions","Value":"[{\"ActionType\":\"Forward\",\"Recipients\":[\"SMTP:drop.box@outlook-mail.example\"]},{\"ActionType\":\"Delete\"},{\"ActionType\":\"Move\",\"DestinationFolderId\":\"LgAAAAB...AAAZ\",\"FolderIsInThisStore\":\"True\"}]"}]"#,
        )
        .expect("decodes");
        assert_eq!(
            rule,
            MailboxRule {
                operation: Some(RuleOperation::UpdateInboxRules),
                rule_operation: Some("AddMailboxRule".into()),
                name: Some("..".into()),
                forward_to: vec!["drop.box@outlook-mail.example".into()],
                delete_message: true,
                move_to_folder: Some("LgAAAAB...AAAZ".into()),
                stop_processing_rules: true,
                conditions: vec![(
                    "RuleCondition".into(),
                    "{(SubjectOrBody Contains \"invoice\")}".into()
                )],
                client: Some("Client=MSExchangeRPC".into()),
                ..MailboxRule::default()
            }
        );
    }

    #[test]
    fn outlook_resync_records_are_empty() {
        let rule = decode(
            r#"[{"Name":"RuleOperation","Value":"ModifyMailboxRule"},{"Name":"RuleId","Value":"-4412630970188955647"},
                {"Name":"RuleState"},{"Name":"RuleCondition","Value":"{}"},{"Name":"RuleName"},
                {"Name":"RuleProvider"},{"Name":"RuleActions","Value":"[]"}]"#,
        )
        .expect("decodes");
        assert!(rule.empty);
        assert_eq!(rule.rule_operation.as_deref(), Some("ModifyMailboxRule"));
        assert_eq!(rule.name, None);
        assert!(rule.conditions.is_empty() && !rule.stop_processing_rules);
        let named = decode(
            r#"[{"Name":"RuleOperation","Value":"ModifyMailboxRule"},{"Name":"RuleName","Value":"Boss"},{"Name":"RuleActions","Value":"[]"}]"#,
        )
        .expect("decodes");
        assert!(!named.empty);
    }

    #[test]
    fn web_flavour_with_server_rule() {
        let server_rule = r#"{\"Name\":\"fw\",\"Actions\":[{\"ActionType\":7,\"Recipients\":[{\"Values\":[{\"PropTag\":\"0x3001001F\",\"Value\":\"Drop Box\"},{\"PropTag\":\"0x39FE001F\",\"Value\":\"drop.box@outlook-mail.example\"}]}]}]}"#;
        let rule = decode(&format!(
            r#"[{{"Name":"RuleOperation","Value":"Create"}},{{"Name":"Name","Value":"fw"}},
                {{"Name":"Actions","Value":"RedirectToRecipientsAction, MarkAsReadAction, StopProcessingAction"}},
                {{"Name":"Conditions","Value":"SubjectContainsWords: invoice"}},{{"Name":"Provider","Value":"ExchangeWebServices"}},
                {{"Name":"IsNew","Value":"True"}},{{"Name":"ServerRule","Value":"{server_rule}"}}]"#
        ))
        .expect("decodes");
        assert_eq!(rule.rule_operation.as_deref(), Some("Create"));
        assert_eq!(rule.name.as_deref(), Some("fw"));
        assert_eq!(
            rule.forward_to,
            vec!["drop.box@outlook-mail.example"],
            "the server rule's own action type (OP_FORWARD) decides"
        );
        assert!(rule.mark_as_read && rule.stop_processing_rules && !rule.delete_message);
        assert_eq!(
            rule.conditions,
            vec![(
                "Conditions".to_owned(),
                "SubjectContainsWords: invoice".to_owned()
            )]
        );
        assert!(!rule.empty);
    }

    #[test]
    fn web_flavour_action_names_as_values() {
        let server_rule =
            r#"{\"Actions\":[{\"Recipients\":[{\"Values\":[{\"Value\":\"x@evil.example\"}]}]}]}"#;
        let rule = decode(&format!(
            r#"[{{"Name":"RuleOperation","Value":"Delete"}},{{"Name":"ServerRule","Value":"{server_rule}"}},
                {{"Name":"ActionType","Value":"ForwardAsAttachmentToRecipientsAction"}}]"#
        ))
        .expect("decodes");
        assert_eq!(rule.forward_as_attachment_to, vec!["x@evil.example"]);
        assert!(
            !rule.delete_message,
            "`RuleOperation: Delete` is not a delete action"
        );
    }

    #[test]
    fn the_owners_mailbox_is_kept_when_a_delegate_acts() {
        let json = r#"{"MailboxOwnerUPN":"Boss@contoso.com","OperationProperties":[]}"#;
        let rule = mailbox_rule(
            &parse_record(json).expect("valid"),
            Some("jdoe@contoso.com"),
        )
        .expect("decodes");
        assert_eq!(rule.mailbox.as_deref(), Some("boss@contoso.com"));
        assert!(rule.empty);
    }

    #[test]
    fn unreadable_rule_content_is_a_rejection() {
        let error = decode(r#"[{"Name":"RuleActions","Value":"[{not json"}]"#).expect_err("bad");
        assert!(
            error.starts_with("field `RuleActions`: invalid JSON"),
            "{error}"
        );
        let error = decode(r#"[{"Name":"ServerRule","Value":"{"}]"#).expect_err("bad");
        assert!(
            error.starts_with("field `ServerRule`: invalid JSON"),
            "{error}"
        );
        let error = decode(r#""RuleActions""#).expect_err("bad");
        assert!(error.starts_with("field `OperationProperties`"), "{error}");
    }
}
