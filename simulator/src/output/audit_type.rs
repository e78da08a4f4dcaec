//! The names audit exports give a record's numeric `RecordType`: `Search-UnifiedAuditLog`
//! and ECS write the PascalCase enumeration name, the Graph audit log query the camelCase
//! `auditLogRecordType`.

/// `(PascalCase, camelCase)` names of the record types the simulator writes.
const NAMES: &[(u64, &str)] = &[
    (1, "ExchangeAdmin"),
    (2, "ExchangeItem"),
    (3, "ExchangeItemGroup"),
    (6, "SharePointFileOperation"),
    (8, "AzureActiveDirectory"),
    (15, "AzureActiveDirectoryStsLogon"),
    (28, "ThreatIntelligence"),
    (50, "ExchangeItemAggregated"),
];

/// The enumeration name of `record_type` (`ExchangeAdmin`); the number itself when unknown,
/// as PowerShell prints an enumeration value it has no name for.
pub fn pascal(record_type: u64) -> String {
    NAMES
        .iter()
        .find(|(number, _)| *number == record_type)
        .map_or_else(|| record_type.to_string(), |(_, name)| (*name).to_owned())
}

/// Graph's `auditLogRecordType` for `record_type` (`exchangeAdmin`).
pub fn camel(record_type: u64) -> String {
    let name = pascal(record_type);
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
        None => name,
    }
}

/// The numeric `RecordType` of an audit record (0 when absent).
pub fn of(record: &serde_json::Map<String, serde_json::Value>) -> u64 {
    record
        .get("RecordType")
        .and_then(serde_json::Value::as_u64)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(pascal(1), "ExchangeAdmin");
        assert_eq!(camel(15), "azureActiveDirectoryStsLogon");
        assert_eq!(pascal(9999), "9999");
        let record = serde_json::json!({"RecordType": 50});
        assert_eq!(of(record.as_object().expect("object")), 50);
    }
}
