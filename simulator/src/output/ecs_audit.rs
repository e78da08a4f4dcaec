//! Elastic `o365.audit` documents (Filebeat's / the Office 365 integration's output), one per
//! line, shaped as the ingest pipeline leaves them: `Id`, `Operation`, `Workload` and
//! `OrganizationId` moved to `event.*` and `organization.id`; the first of `ClientIPAddress`,
//! `ClientIP`, `ActorIpAddress` moved to `client` / `source` with its port split off and a
//! `::ffff:` prefix dropped; `MailboxOwnerUPN` to `user.email`; the `UserAgent` extended
//! property to `user_agent.original`; `Parameters` and `ExtendedProperties` flattened into
//! objects with sorted keys, `ModifiedProperties` into `{Name: {NewValue, OldValue}}`; and
//! the record's top-level numbers written as strings.

use super::{FormatWriter, audit, audit_type, text};
use crate::record::SimRecord;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Writes audit records as `o365.audit` NDJSON.
#[derive(Debug, Default)]
pub struct EcsAudit;

/// `{Name, Value}` pairs as one object with sorted keys (the pipeline's `Parameters`).
fn flattened(pairs: &[Value]) -> Value {
    let mut object = BTreeMap::new();
    for pair in pairs {
        if let Some(name) = pair.get("Name").and_then(Value::as_str) {
            let value = pair.get("Value").cloned().unwrap_or(json!(""));
            object.insert(name.to_owned(), value);
        }
    }
    json!(object)
}

/// `ModifiedProperties` as the pipeline writes them: `{Name: {NewValue, OldValue}}`.
fn modified(pairs: &[Value]) -> Value {
    let mut object = BTreeMap::new();
    for pair in pairs {
        if let Some(name) = pair.get("Name").and_then(Value::as_str) {
            object.insert(
                name.to_owned(),
                json!({
                    "NewValue": pair.get("NewValue").cloned().unwrap_or(json!("")),
                    "OldValue": pair.get("OldValue").cloned().unwrap_or(json!("")),
                }),
            );
        }
    }
    json!(object)
}

/// An address as ECS holds it: the port split off, a v4-mapped prefix dropped.
fn address(spelled: &str) -> (String, Option<u16>) {
    let (host, port) = if let Some(rest) = spelled.strip_prefix('[') {
        match rest.split_once("]:") {
            Some((host, port)) => (host, port.parse().ok()),
            None => (rest.trim_end_matches(']'), None),
        }
    } else if spelled.matches(':').count() == 1 {
        let (host, port) = spelled.split_once(':').unwrap_or((spelled, ""));
        (host, port.parse().ok())
    } else {
        (spelled, None)
    };
    let host = host.strip_prefix("::ffff:").unwrap_or(host);
    (host.to_owned(), port)
}

/// `ResultStatus` as `event.outcome`.
fn outcome(status: &str) -> &'static str {
    match status.to_ascii_lowercase().as_str() {
        "failed" | "failure" | "false" => "failure",
        "" => "unknown",
        _ => "success",
    }
}

/// The ECS document of a Management Activity record.
pub fn ecs_document(record: &SimRecord, audit: &Map<String, Value>) -> Value {
    let mut rest = audit.clone();
    for moved in ["Id", "Operation", "Workload", "OrganizationId"] {
        rest.remove(moved);
    }
    let mut document = Map::new();
    document.insert(
        "@timestamp".into(),
        json!(record.time.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()),
    );
    document.insert(
        "event".into(),
        json!({
            "action": text(audit, "Operation"),
            "provider": text(audit, "Workload"),
            "code": audit_type::pascal(audit_type::of(audit)),
            "id": text(audit, "Id"),
            "kind": "event",
            "category": ["web"],
            "type": ["info"],
            "outcome": outcome(text(audit, "ResultStatus")),
        }),
    );
    document.insert(
        "organization".into(),
        json!({"id": text(audit, "OrganizationId")}),
    );
    document.insert(
        "data_stream".into(),
        json!({"dataset": "o365.audit", "namespace": "default", "type": "logs"}),
    );
    let user_id = text(audit, "UserId");
    let email = rest
        .remove("MailboxOwnerUPN")
        .and_then(|upn| upn.as_str().map(str::to_owned))
        .or_else(|| user_id.contains('@').then(|| user_id.to_owned()));
    let mut user = Map::new();
    user.insert("id".into(), json!(user_id));
    if let Some((name, domain)) = user_id.split_once('@') {
        user.insert("name".into(), json!(name));
        user.insert("domain".into(), json!(domain));
    }
    if let Some(email) = email {
        user.insert("email".into(), json!(email));
    }
    document.insert("user".into(), Value::Object(user));
    let moved_ip = ["ClientIPAddress", "ClientIP", "ActorIpAddress"]
        .into_iter()
        .find(|key| !text(audit, key).is_empty());
    if let Some(key) = moved_ip {
        rest.remove(key);
        let (ip, port) = address(text(audit, key));
        document.insert("client".into(), json!({"address": ip, "ip": ip}));
        let mut source = json!({"ip": ip});
        if let Some(port) = port {
            source["port"] = json!(port);
        }
        document.insert("source".into(), source);
    }
    if let Some(Value::Array(pairs)) = rest.get("ExtendedProperties").cloned() {
        let (agents, others): (Vec<Value>, Vec<Value>) = pairs
            .into_iter()
            .partition(|pair| pair.get("Name").and_then(Value::as_str) == Some("UserAgent"));
        if let Some(agent) = agents.first().and_then(|pair| pair.get("Value")) {
            document.insert("user_agent".into(), json!({"original": agent}));
        }
        rest.insert("ExtendedProperties".into(), flattened(&others));
    }
    if let Some(Value::Array(pairs)) = rest.get("Parameters").cloned() {
        rest.insert("Parameters".into(), flattened(&pairs));
    }
    if let Some(Value::Array(pairs)) = rest.get("ModifiedProperties").cloned() {
        rest.insert("ModifiedProperties".into(), modified(&pairs));
    }
    for value in rest.values_mut() {
        if let Value::Number(number) = value {
            *value = json!(number.to_string());
        }
    }
    document.insert("o365".into(), json!({"audit": rest}));
    Value::Object(document)
}

impl FormatWriter for EcsAudit {
    fn write(&mut self, record: &SimRecord, out: &mut dyn Write) -> io::Result<String> {
        let audit = audit(record)?;
        let audit = &*audit;
        serde_json::to_writer(&mut *out, &ecs_document(record, audit))?;
        out.write_all(b"\n")?;
        Ok(text(audit, "Id").to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{audit_record, written};
    use super::*;

    #[test]
    fn a_document_as_the_pipeline_leaves_it() {
        let (text, ids) = written(&mut EcsAudit, &[audit_record()]);
        assert_eq!(ids, ["6a1f0c2e-3b4d-4e5f-8a9b-08dd5b8c1f10"]);
        assert_eq!(text.lines().count(), 1);
        let document: Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(document["@timestamp"], "2025-03-04T13:15:02.000Z");
        assert_eq!(
            document["event"]["id"],
            "6a1f0c2e-3b4d-4e5f-8a9b-08dd5b8c1f10"
        );
        assert_eq!(document["event"]["action"], "New-InboxRule");
        assert_eq!(document["event"]["code"], "ExchangeAdmin");
        assert_eq!(document["event"]["outcome"], "success");
        assert_eq!(
            document["source"],
            json!({"ip": "198.51.100.23", "port": 61011})
        );
        assert_eq!(document["user"]["name"], "jdoe");
        let audit = &document["o365"]["audit"];
        assert_eq!(
            audit["Parameters"]["ForwardTo"],
            "drop.box@outlook-mail.example"
        );
        assert_eq!(audit["RecordType"], "1");
        assert!(audit.get("Id").is_none() && audit.get("ClientIP").is_none());
    }

    #[test]
    fn addresses_and_extended_properties() {
        assert_eq!(
            address("[2001:db8::5]:443"),
            ("2001:db8::5".into(), Some(443))
        );
        assert_eq!(address("::ffff:192.0.2.1"), ("192.0.2.1".into(), None));
        assert_eq!(address("2001:db8::5"), ("2001:db8::5".into(), None));
        let mut record = audit_record();
        if let crate::record::Body::Audit(audit) = &mut record.body {
            audit.insert(
                "ExtendedProperties".into(),
                json!([{"Name": "UserAgent", "Value": "curl/8"}, {"Name": "RequestType", "Value": "OAuth2:Token"}]),
            );
            audit.insert(
                "ModifiedProperties".into(),
                json!([{"Name": "X", "NewValue": "1", "OldValue": "0"}]),
            );
        }
        let (text, _) = written(&mut EcsAudit, &[record]);
        let document: Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(document["user_agent"]["original"], "curl/8");
        let audit = &document["o365"]["audit"];
        assert_eq!(
            audit["ExtendedProperties"],
            json!({"RequestType": "OAuth2:Token"})
        );
        assert_eq!(audit["ModifiedProperties"]["X"]["NewValue"], "1");
    }
}
