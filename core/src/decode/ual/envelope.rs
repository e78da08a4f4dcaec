//! What an export row says about its record outside the record: the columns of a CSV row,
//! the properties of a Search-UnifiedAuditLog, Graph or Elastic wrapper.
//!
//! Every export keeps the original record (`AuditData`, `auditData`, `o365.audit`), but some
//! move fields out of it: Elastic's pipeline moves `Id`, `Operation`, `ClientIPAddress`,
//! `MailboxOwnerUPN` and the `UserAgent` extended property into ECS fields, and a hand-trimmed
//! CSV may keep only the columns. The envelope carries those outer values; the mapping uses
//! each only when the record itself lacks the field, so the record always wins.

use crate::time::Timestamp;

/// Outer values of an export row, used when the embedded record lacks them.
#[derive(Debug, Clone, Default)]
pub struct Envelope<'a> {
    /// Record id (`RecordId`, `Identity`, Graph `id`, ECS `event.id`).
    pub id: Option<&'a str>,
    /// Time (`CreationDate`, `createdDateTime`, `@timestamp`), already read; the error says
    /// which column held what.
    pub time: Option<Result<Timestamp, String>>,
    /// Operation (`Operation(s)`, Graph `operation`, ECS `event.action`).
    pub operation: Option<&'a str>,
    /// Actor (`UserId(s)`, `userPrincipalName`, ECS `user.id`).
    pub user: Option<&'a str>,
    /// Mailbox owner (ECS `user.email`, where the pipeline moves `MailboxOwnerUPN`).
    pub mailbox_owner: Option<&'a str>,
    /// Client addresses, in order of preference (Graph `clientIp`; ECS `client.ip`,
    /// `source.ip`).
    pub ips: [Option<&'a str>; 2],
    /// User agent (ECS `user_agent.original`).
    pub user_agent: Option<&'a str>,
}

/// Reads an export's time column in any of the forms exports write it: ISO 8601 (with or
/// without zone), US-locale text (`3/4/2025 9:15:02 AM`) or the .NET `/Date(ms)/`.
pub fn export_time(column: &str, text: &str) -> Result<Timestamp, String> {
    Timestamp::parse(text)
        .or_else(|| Timestamp::parse_us_locale(text))
        .or_else(|| Timestamp::parse_dotnet_json_date(text))
        .ok_or_else(|| format!("field `{column}`: invalid time `{}`", text.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_export_time_form() {
        let expected = Ok(Timestamp(1_741_079_702_000));
        assert_eq!(export_time("CreationDate", "2025-03-04T09:15:02"), expected);
        assert_eq!(
            export_time("CreationDate", "2025-03-04T09:15:02Z"),
            expected
        );
        assert_eq!(export_time("CreationDate", "3/4/2025 9:15:02 AM"), expected);
        assert_eq!(export_time("CreationDate", "3/4/2025 09:15:02"), expected);
        assert_eq!(
            export_time("CreationDate", "/Date(1741079702000)/"),
            expected
        );
        assert_eq!(
            export_time("CreationDate", "4/1/2026 [REDACTED_IP] AM"),
            Err("field `CreationDate`: invalid time `4/1/2026 [REDACTED_IP] AM`".into())
        );
    }
}
