//! Microsoft Graph audit log query results (`security/auditLog/queries/{id}/records`): one
//! response page, camelCase envelope properties (`auditLogRecordType`, `service`,
//! `clientIp`, ...) and the Management Activity record as the `auditData` object, typed by
//! `@odata.type`.

use super::{FormatWriter, Separated, WriterContext, audit, audit_type, derived, text};
use crate::record::SimRecord;
use serde_json::{Map, Value, json};
use std::io::{self, Write};

/// Writes audit records as a Graph audit log query page.
#[derive(Debug)]
pub struct GraphAudit {
    query: String,
    separated: Separated,
}

impl GraphAudit {
    /// A writer for the run described by `context` (the query id derives from it).
    pub fn new(context: &WriterContext) -> Self {
        Self {
            query: derived::guid(&[&context.tenant_id, "audit log query"]),
            separated: Separated::default(),
        }
    }
}

/// Graph's `userType` for the record's numeric `UserType`.
fn user_type(audit: &Map<String, Value>) -> &'static str {
    match audit.get("UserType").and_then(Value::as_u64) {
        Some(1) => "admin",
        Some(2) => "dcAdmin",
        Some(3) => "system",
        Some(4) => "application",
        Some(5) => "servicePrincipal",
        Some(6) => "customPolicy",
        Some(7) => "systemPolicy",
        _ => "regular",
    }
}

/// The Graph record of a Management Activity record.
pub fn graph_record(record: &SimRecord, audit: &Map<String, Value>) -> Value {
    let record_type = audit_type::camel(audit_type::of(audit));
    let mut audit_data = Map::new();
    audit_data.insert(
        "@odata.type".into(),
        json!(format!(
            "#microsoft.graph.security.{record_type}AuditRecord"
        )),
    );
    audit_data.extend(audit.clone());
    let client_ip = [text(audit, "ClientIP"), text(audit, "ClientIPAddress")]
        .into_iter()
        .find(|ip| !ip.is_empty())
        .unwrap_or_default();
    json!({
        "id": text(audit, "Id"),
        "createdDateTime": record.time.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        "auditLogRecordType": record_type,
        "operation": text(audit, "Operation"),
        "organizationId": text(audit, "OrganizationId"),
        "userType": user_type(audit),
        "userId": text(audit, "UserId"),
        "service": text(audit, "Workload"),
        "objectId": text(audit, "ObjectId"),
        "userPrincipalName": text(audit, "UserId"),
        "clientIp": client_ip,
        "administrativeUnits": [],
        "auditData": audit_data,
    })
}

impl FormatWriter for GraphAudit {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "{{\"@odata.context\":\"https://graph.microsoft.com/beta/$metadata#security/auditLog/queries('{}')/records\",\"value\":[",
            self.query
        )
    }

    fn write(&mut self, record: &SimRecord, out: &mut dyn Write) -> io::Result<String> {
        let audit = audit(record)?;
        let audit = &*audit;
        self.separated.next(out, b",\n")?;
        serde_json::to_writer(&mut *out, &graph_record(record, audit))?;
        Ok(text(audit, "Id").to_owned())
    }

    fn end(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(b"\n]}\n")
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{audit_record, context, written};
    use super::*;

    #[test]
    fn a_page_as_graph_returns_it() {
        let mut writer = GraphAudit::new(&context("ual.graph.json"));
        let (text, ids) = written(&mut writer, &[audit_record()]);
        assert_eq!(ids, ["6a1f0c2e-3b4d-4e5f-8a9b-08dd5b8c1f10"]);
        let page: Value = serde_json::from_str(&text).expect("valid JSON");
        assert!(
            page["@odata.context"]
                .as_str()
                .is_some_and(|c| c.ends_with("')/records"))
        );
        let first = &page["value"][0];
        assert_eq!(first["auditLogRecordType"], "exchangeAdmin");
        assert_eq!(first["createdDateTime"], "2025-03-04T13:15:02Z");
        assert_eq!(first["service"], "Exchange");
        assert_eq!(first["userType"], "regular");
        assert_eq!(first["clientIp"], "198.51.100.23:61011");
        assert_eq!(
            first["auditData"]["@odata.type"],
            "#microsoft.graph.security.exchangeAdminAuditRecord"
        );
        assert_eq!(first["auditData"]["Parameters"][0]["Name"], "Name");
    }
}
