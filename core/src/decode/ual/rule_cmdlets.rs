//! Rule and forwarding changes made through Exchange admin cmdlets (RecordType 1,
//! `ExchangeAdmin`): `New-InboxRule`, `Set-InboxRule`, `Set-Mailbox`,
//! `Set-MailboxAutoReplyConfiguration`. Their content is in `Parameters`.
//!
//! Every parameter is read by its exact name, in any case, never by position or substring, so
//! the result does not depend on parameter order (Elastic reorders them when it flattens the
//! list) and `IncreaseScoreWithRedirectToOtherPort` is never `RedirectTo`. Condition
//! parameters are kept by name, sorted, for the analyst.

use super::mapping::other_mailbox;
use super::name_values::NameValues;
use super::record::AuditRecord;
use super::text::{non_blank, owned, recipient_list};
use crate::decode::lenient::is_truthy;
use crate::event::mail::AutoReply;
use crate::event::{MailboxRule, RuleOperation};

/// `New-InboxRule` / `Set-InboxRule` parameters that are conditions (what the rule matches),
/// besides every `ExceptIf...` exception.
const CONDITION_PARAMETERS: &[&str] = &[
    "BodyContainsWords",
    "FlaggedForAction",
    "From",
    "FromAddressContainsWords",
    "FromSubscription",
    "HasAttachment",
    "HasClassification",
    "HeaderContainsWords",
    "MessageTypeMatches",
    "MyNameInCcBox",
    "MyNameInToBox",
    "MyNameInToOrCcBox",
    "MyNameNotInToBox",
    "ReceivedAfterDate",
    "ReceivedBeforeDate",
    "RecipientAddressContainsWords",
    "SenderDomainIs",
    "SentOnlyToMe",
    "SentTo",
    "SubjectContainsWords",
    "SubjectOrBodyContainsWords",
    "WithImportance",
    "WithSensitivity",
    "WithinSizeRangeMaximum",
    "WithinSizeRangeMinimum",
];

fn parameters<'a>(record: &AuditRecord<'a>) -> Result<NameValues<'a>, String> {
    NameValues::read(record.parameters, "Parameters")
}

/// The parameter names as written, sorted (case-insensitively) so that exports that reorder
/// parameters give the same event.
fn names(parameters: &NameValues<'_>) -> Vec<String> {
    let mut names: Vec<String> = parameters.iter().map(|(name, _)| name.to_owned()).collect();
    names.sort_by_key(|name| name.to_ascii_lowercase());
    names
}

fn flag(parameters: &NameValues<'_>, name: &str) -> bool {
    parameters.get(name).is_some_and(is_truthy)
}

/// `New-InboxRule` / `Set-InboxRule`.
pub fn inbox_rule(
    operation: RuleOperation,
    record: &AuditRecord<'_>,
    actor: Option<&str>,
) -> Result<MailboxRule, String> {
    let parameters = parameters(record)?;
    let get = |name| parameters.get(name);
    // `Set-InboxRule -Identity` addresses the rule, optionally as `mailbox\rule`.
    let (identity_mailbox, identity_rule) = match get("Identity").and_then(non_blank) {
        Some(identity) => match identity.rsplit_once('\\') {
            Some((mailbox, rule)) => (non_blank(mailbox), non_blank(rule)),
            None => (None, Some(identity)),
        },
        None => (None, None),
    };
    // The object id ends with the rule name (`contoso.onmicrosoft.com\jdoe\.`).
    let object_id = record.object_id()?;
    let object_rule = object_id
        .as_deref()
        .and_then(|object| object.rsplit('\\').next());
    let mut conditions: Vec<(String, String)> = parameters
        .iter()
        .filter(|(name, _)| {
            CONDITION_PARAMETERS
                .iter()
                .any(|condition| name.eq_ignore_ascii_case(condition))
                || name
                    .get(..8)
                    .is_some_and(|prefix| prefix.eq_ignore_ascii_case("ExceptIf"))
        })
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect();
    conditions.sort_by_key(|(name, _)| name.to_ascii_lowercase());
    Ok(MailboxRule {
        operation: Some(operation),
        name: owned(get("Name"))
            .or_else(|| owned(identity_rule))
            .or_else(|| owned(object_rule)),
        mailbox: other_mailbox(
            get("Mailbox").and_then(non_blank).or(identity_mailbox),
            actor,
        ),
        forward_to: get("ForwardTo").map(recipient_list).unwrap_or_default(),
        forward_as_attachment_to: get("ForwardAsAttachmentTo")
            .map(recipient_list)
            .unwrap_or_default(),
        redirect_to: get("RedirectTo").map(recipient_list).unwrap_or_default(),
        delete_message: flag(&parameters, "DeleteMessage")
            || flag(&parameters, "SoftDeleteMessage"),
        mark_as_read: flag(&parameters, "MarkAsRead"),
        move_to_folder: owned(get("MoveToFolder")),
        stop_processing_rules: flag(&parameters, "StopProcessingRules"),
        conditions,
        client: owned(record.client_info_string()?.as_deref()),
        parameter_names: names(&parameters),
        ..MailboxRule::default()
    })
}

/// `Set-Mailbox`: mailbox-level forwarding. A `Set-Mailbox` that touches none of the
/// forwarding parameters (quotas, litigation hold, ...) is an event with `empty` set.
pub fn mailbox_forwarding(
    record: &AuditRecord<'_>,
    actor: Option<&str>,
) -> Result<MailboxRule, String> {
    let parameters = parameters(record)?;
    let smtp = parameters.get("ForwardingSmtpAddress");
    let address = parameters.get("ForwardingAddress");
    let deliver = parameters.get("DeliverToMailboxAndForward");
    let mut forward_to = smtp.map(recipient_list).unwrap_or_default();
    forward_to.extend(address.map(recipient_list).unwrap_or_default());
    Ok(MailboxRule {
        operation: Some(RuleOperation::SetMailbox),
        mailbox: other_mailbox(parameters.get("Identity"), actor),
        forward_to,
        deliver_and_forward: deliver.and_then(non_blank).map(is_truthy),
        empty: smtp.is_none() && address.is_none() && deliver.is_none(),
        client: owned(record.client_info_string()?.as_deref()),
        parameter_names: names(&parameters),
        ..MailboxRule::default()
    })
}

/// `Set-MailboxAutoReplyConfiguration`.
pub fn auto_reply(record: &AuditRecord<'_>, actor: Option<&str>) -> Result<MailboxRule, String> {
    let parameters = parameters(record)?;
    let get = |name| owned(parameters.get(name));
    let settings = AutoReply {
        state: get("AutoReplyState"),
        external_audience: get("ExternalAudience"),
        internal_message: get("InternalMessage"),
        external_message: get("ExternalMessage"),
    };
    let auto_reply = Some(settings).filter(|settings| *settings != AutoReply::default());
    Ok(MailboxRule {
        operation: Some(RuleOperation::SetMailboxAutoReplyConfiguration),
        mailbox: other_mailbox(parameters.get("Identity"), actor),
        empty: auto_reply.is_none(),
        auto_reply,
        client: owned(record.client_info_string()?.as_deref()),
        parameter_names: names(&parameters),
        ..MailboxRule::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::ual::record::parse_record;

    fn with_parameters(parameters: &str) -> String {
        format!(r#"{{"ObjectId":"contoso.onmicrosoft.com\\jdoe\\Obj","Parameters":{parameters}}}"#)
    }

    fn rule(operation: RuleOperation, parameters: &str) -> MailboxRule {
        let json = with_parameters(parameters);
        let record = parse_record(&json).expect("valid");
        inbox_rule(operation, &record, Some("jdoe@contoso.com")).expect("decodes")
    }

    #[test]
    fn new_inbox_rule_field_by_field() {
        let rule = rule(
            RuleOperation::NewInboxRule,
            r#"[{"Name":"AlwaysDeleteOutlookRulesBlob","Value":"False"},{"Name":"Force","Value":"False"},
                {"Name":"Name","Value":"."},{"Name":"SubjectOrBodyContainsWords","Value":"invoice;payment;wire"},
                {"Name":"From","Value":"ceo@contoso.com"},
                {"Name":"MoveToFolder","Value":"RSS Feeds"},{"Name":"MarkAsRead","Value":"True"},
                {"Name":"forwardto","Value":"SMTP:drop.box@outlook-mail.example; jdoe2@contoso.com"},
                {"Name":"ForwardAsAttachmentTo","Value":"a@x.example"},{"Name":"RedirectTo","Value":"b@y.example"},
                {"Name":"ExceptIfFrom","Value":"boss@contoso.com"},
                {"Name":"StopProcessingRules","Value":"True"},{"Name":"IncreaseScoreWithRedirectToOtherPort","Value":"On"}]"#,
        );
        assert_eq!(
            rule,
            MailboxRule {
                parameter_names: vec![
                    "AlwaysDeleteOutlookRulesBlob".into(),
                    "ExceptIfFrom".into(),
                    "Force".into(),
                    "ForwardAsAttachmentTo".into(),
                    "forwardto".into(),
                    "From".into(),
                    "IncreaseScoreWithRedirectToOtherPort".into(),
                    "MarkAsRead".into(),
                    "MoveToFolder".into(),
                    "Name".into(),
                    "RedirectTo".into(),
                    "StopProcessingRules".into(),
                    "SubjectOrBodyContainsWords".into()
                ],
                operation: Some(RuleOperation::NewInboxRule),
                name: Some(".".into()),
                forward_to: vec![
                    "drop.box@outlook-mail.example".into(),
                    "jdoe2@contoso.com".into()
                ],
                forward_as_attachment_to: vec!["a@x.example".into()],
                redirect_to: vec!["b@y.example".into()],
                mark_as_read: true,
                move_to_folder: Some("RSS Feeds".into()),
                stop_processing_rules: true,
                conditions: vec![
                    ("ExceptIfFrom".into(), "boss@contoso.com".into()),
                    ("From".into(), "ceo@contoso.com".into()),
                    (
                        "SubjectOrBodyContainsWords".into(),
                        "invoice;payment;wire".into()
                    ),
                ],
                ..MailboxRule::default()
            }
        );
    }

    #[test]
    fn the_flattened_object_form_gives_the_same_rule() {
        let array = rule(
            RuleOperation::NewInboxRule,
            r#"[{"Name":"Name","Value":"x"},{"Name":"SubjectContainsWords","Value":"a"},{"Name":"From","Value":"b"},{"Name":"DeleteMessage","Value":"True"}]"#,
        );
        let object = rule(
            RuleOperation::NewInboxRule,
            r#"{"DeleteMessage":"True","From":"b","Name":"x","SubjectContainsWords":"a"}"#,
        );
        assert_eq!(array, object);
        assert!(array.delete_message);
    }

    #[test]
    fn set_inbox_rule_names_the_rule_by_identity() {
        let named = rule(
            RuleOperation::SetInboxRule,
            r#"[{"Name":"Identity","Value":"Boss@Contoso.com\\Payroll"},{"Name":"SoftDeleteMessage","Value":"$true"}]"#,
        );
        assert_eq!(named.name.as_deref(), Some("Payroll"));
        assert_eq!(named.mailbox.as_deref(), Some("boss@contoso.com"));
        assert!(named.delete_message);
        let own = rule(
            RuleOperation::SetInboxRule,
            r#"[{"Name":"Identity","Value":"Payroll"},{"Name":"Mailbox","Value":"JDoe@contoso.com"}]"#,
        );
        assert_eq!(own.name.as_deref(), Some("Payroll"));
        assert_eq!(own.mailbox, None, "the actor's own mailbox");
        let by_object = rule(
            RuleOperation::SetInboxRule,
            r#"[{"Name":"Enabled","Value":"True"}]"#,
        );
        assert_eq!(by_object.name.as_deref(), Some("Obj"));
    }

    #[test]
    fn a_false_flag_is_not_set() {
        let rule = rule(
            RuleOperation::NewInboxRule,
            r#"[{"Name":"MarkAsRead","Value":"False"},{"Name":"DeleteMessage","Value":"False"},{"Name":"ForwardTo","Value":""}]"#,
        );
        assert!(!rule.mark_as_read && !rule.delete_message && rule.forward_to.is_empty());
    }

    #[test]
    fn set_mailbox_forwarding() {
        let json = with_parameters(
            r#"[{"Name":"Identity","Value":"JDoe@contoso.com"},{"Name":"ForwardingSmtpAddress","Value":"smtp:drop.box@outlook-mail.example"},
                {"Name":"ForwardingAddress","Value":"Shared Mailbox"},{"Name":"DeliverToMailboxAndForward","Value":"False"}]"#,
        );
        let record = parse_record(&json).expect("valid");
        let rule = mailbox_forwarding(&record, Some("admin@contoso.com")).expect("decodes");
        assert_eq!(
            rule,
            MailboxRule {
                parameter_names: vec![
                    "DeliverToMailboxAndForward".into(),
                    "ForwardingAddress".into(),
                    "ForwardingSmtpAddress".into(),
                    "Identity".into()
                ],
                operation: Some(RuleOperation::SetMailbox),
                mailbox: Some("jdoe@contoso.com".into()),
                forward_to: vec![
                    "drop.box@outlook-mail.example".into(),
                    "Shared Mailbox".into()
                ],
                deliver_and_forward: Some(false),
                ..MailboxRule::default()
            }
        );
        let json = with_parameters(r#"[{"Name":"ProhibitSendQuota","Value":"99 GB"}]"#);
        let quota =
            mailbox_forwarding(&parse_record(&json).expect("valid"), None).expect("decodes");
        assert!(quota.empty && quota.forward_to.is_empty() && quota.deliver_and_forward.is_none());
    }

    #[test]
    fn auto_reply_settings() {
        let json = with_parameters(
            r#"[{"Name":"Identity","Value":"jdoe@contoso.com"},{"Name":"AutoReplyState","Value":"Enabled"},
                {"Name":"ExternalAudience","Value":"All"},{"Name":"ExternalMessage","Value":"<p>Call me</p>"}]"#,
        );
        let rule = auto_reply(
            &parse_record(&json).expect("valid"),
            Some("jdoe@contoso.com"),
        )
        .expect("decodes");
        assert_eq!(
            rule.operation,
            Some(RuleOperation::SetMailboxAutoReplyConfiguration)
        );
        assert_eq!(rule.mailbox, None);
        assert!(!rule.empty);
        assert_eq!(
            rule.auto_reply,
            Some(AutoReply {
                state: Some("Enabled".into()),
                external_audience: Some("All".into()),
                internal_message: None,
                external_message: Some("<p>Call me</p>".into()),
            })
        );
    }

    #[test]
    fn malformed_parameters_are_a_rejection() {
        let record = parse_record(r#"{"Parameters":"ForwardTo=x"}"#).expect("valid");
        let error = inbox_rule(RuleOperation::NewInboxRule, &record, None).expect_err("a string");
        assert!(
            error.starts_with("field `Parameters`: invalid type"),
            "{error}"
        );
    }
}
