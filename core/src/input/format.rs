//! Input formats: what can be read, how it is named, and how it is recognised.
//!
//! An input is first recognised by its container (gzip, JSON, CSV, W3C, a proxy log) from its
//! first bytes; the record shape inside a JSON container is recognised per record from its
//! keys ([`JsonShape::classify`]), and a CSV's from its header ([`CsvKind::from_header`]).
//! `--format` (or the WASM `format` argument) names a container and optionally a shape to skip
//! recognition.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The shape of a JSON record: which export wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum JsonShape {
    /// Management Activity API audit record (`CreationTime`, `Operation`, ...).
    Ual,
    /// `Search-UnifiedAuditLog` or Purview result row as JSON (`AuditData` as a JSON string).
    UalSearch,
    /// Graph audit log query record (camelCase, `auditData` as an object).
    UalGraph,
    /// Elastic ECS `o365.audit` document.
    EcsO365,
    /// Microsoft Graph `signIn` (also the Entra portal's JSON download).
    GraphSignin,
    /// Azure Monitor diagnostic sign-in record (`properties` holds the sign-in).
    AzureMonitorSignin,
    /// Microsoft Sentinel / Log Analytics `SigninLogs` row (PascalCase columns).
    SentinelSignin,
    /// Elastic ECS `azure.signinlogs` document.
    EcsSignin,
    /// A Windows event converted from EVTX (`Event.System`, `Event.EventData`).
    EvtxJson,
    /// A Winlogbeat ECS document (`winlog.*`).
    Winlogbeat,
    /// A web-proxy record as JSON or ECS (`url`, `http`, `user_agent`).
    ProxyJson,
    /// An Elasticsearch search hit wrapping a document in `_source`.
    EsHit,
}

impl JsonShape {
    /// Every shape.
    pub const ALL: [Self; 12] = [
        Self::Ual,
        Self::UalSearch,
        Self::UalGraph,
        Self::EcsO365,
        Self::GraphSignin,
        Self::AzureMonitorSignin,
        Self::SentinelSignin,
        Self::EcsSignin,
        Self::EvtxJson,
        Self::Winlogbeat,
        Self::ProxyJson,
        Self::EsHit,
    ];

    /// The shape's name, as `--format` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Ual => "ual",
            Self::UalSearch => "ual-search",
            Self::UalGraph => "ual-graph",
            Self::EcsO365 => "ecs-o365",
            Self::GraphSignin => "graph-signin",
            Self::AzureMonitorSignin => "azure-monitor-signin",
            Self::SentinelSignin => "sentinel-signin",
            Self::EcsSignin => "ecs-signin",
            Self::EvtxJson => "evtx-json",
            Self::Winlogbeat => "winlogbeat",
            Self::ProxyJson => "proxy-json",
            Self::EsHit => "es-hit",
        }
    }

    /// Recognises a record's shape from its top-level keys.
    pub fn classify(keys: &KeySet) -> Option<Self> {
        use TopKey as K;
        let has = |key| keys.contains(key);
        let shape = if has(K::Source) {
            Self::EsHit
        } else if has(K::Event) {
            Self::EvtxJson
        } else if has(K::Winlog) {
            Self::Winlogbeat
        } else if has(K::O365) {
            Self::EcsO365
        } else if has(K::Azure) {
            Self::EcsSignin
        } else if has(K::CreationTime) && has(K::Operation) {
            Self::Ual
        } else if has(K::AuditDataText) || (has(K::CreationDate) && has(K::Operations)) {
            Self::UalSearch
        } else if has(K::AuditDataObject) {
            Self::UalGraph
        } else if has(K::Properties)
            && (has(K::OperationName) || has(K::Category) || has(K::ResultTypeLower))
        {
            Self::AzureMonitorSignin
        } else if has(K::TimeGenerated) || (has(K::ResultType) && has(K::UserPrincipalNamePascal)) {
            Self::SentinelSignin
        } else if has(K::CreatedDateTime) {
            Self::GraphSignin
        } else if has(K::Url) || has(K::Http) {
            Self::ProxyJson
        } else {
            return None;
        };
        Some(shape)
    }
}

/// Top-level keys that tell record shapes apart. Matching is exact (case-sensitive), as
/// the exports are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum TopKey {
    /// `CreationTime`
    CreationTime,
    /// `Operation`
    Operation,
    /// `AuditData`
    AuditDataText,
    /// `auditData`
    AuditDataObject,
    /// `CreationDate`
    CreationDate,
    /// `Operations`
    Operations,
    /// `createdDateTime`
    CreatedDateTime,
    /// `properties`
    Properties,
    /// `operationName`
    OperationName,
    /// `category`
    Category,
    /// `resultType`
    ResultTypeLower,
    /// `TimeGenerated`
    TimeGenerated,
    /// `ResultType`
    ResultType,
    /// `UserPrincipalName`
    UserPrincipalNamePascal,
    /// `o365`
    O365,
    /// `azure`
    Azure,
    /// `Event`
    Event,
    /// `winlog`
    Winlog,
    /// `url`
    Url,
    /// `http`
    Http,
    /// `_source`
    Source,
}

impl TopKey {
    const ALL: [(Self, &'static str); 21] = [
        (Self::CreationTime, "CreationTime"),
        (Self::Operation, "Operation"),
        (Self::AuditDataText, "AuditData"),
        (Self::AuditDataObject, "auditData"),
        (Self::CreationDate, "CreationDate"),
        (Self::Operations, "Operations"),
        (Self::CreatedDateTime, "createdDateTime"),
        (Self::Properties, "properties"),
        (Self::OperationName, "operationName"),
        (Self::Category, "category"),
        (Self::ResultTypeLower, "resultType"),
        (Self::TimeGenerated, "TimeGenerated"),
        (Self::ResultType, "ResultType"),
        (Self::UserPrincipalNamePascal, "UserPrincipalName"),
        (Self::O365, "o365"),
        (Self::Azure, "azure"),
        (Self::Event, "Event"),
        (Self::Winlog, "winlog"),
        (Self::Url, "url"),
        (Self::Http, "http"),
        (Self::Source, "_source"),
    ];

    /// The key this name stands for, if it is one that tells shapes apart.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .find(|(_, key)| *key == name)
            .map(|(top, _)| *top)
    }
}

/// The set of [`TopKey`]s a record has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeySet(u32);

impl KeySet {
    /// Adds a key.
    pub fn insert(&mut self, key: TopKey) {
        self.0 |= 1 << key as u8;
    }

    /// True when the record has `key`.
    pub fn contains(&self, key: TopKey) -> bool {
        self.0 & (1 << key as u8) != 0
    }
}

/// The kind of a CSV export, recognised from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CsvKind {
    /// Audit-log search export with an `AuditData` column: Purview's new header
    /// (`RecordId,CreationDate,RecordType,Operation,UserId,AuditData,...`), the classic one
    /// (`CreationDate,UserIds,Operations,AuditData`), or `Search-UnifiedAuditLog | Export-Csv`.
    UalCsv,
    /// Sentinel / Log Analytics `SigninLogs` (or `AADNonInteractiveUserSignInLogs`) export.
    SentinelSigninCsv,
    /// Entra admin center sign-in download (`Date (UTC),Request ID,...`), or the older portal
    /// export (`CreatedDateTime,UserPrincipalName,...`).
    EntraPortalCsv,
}

impl CsvKind {
    /// Every kind.
    pub const ALL: [Self; 3] = [Self::UalCsv, Self::SentinelSigninCsv, Self::EntraPortalCsv];

    /// The kind's name, as `--format` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Self::UalCsv => "ual-csv",
            Self::SentinelSigninCsv => "sentinel-signin-csv",
            Self::EntraPortalCsv => "entra-portal-csv",
        }
    }

    /// Recognises the export from its (normalised) column names.
    pub fn from_header(columns: &[String]) -> Option<Self> {
        let has = |name: &str| columns.iter().any(|column| column == name);
        if has("auditdata") && (has("creationdate") || has("operation") || has("operations")) {
            Some(Self::UalCsv)
        } else if has("resulttype") && has("userprincipalname") {
            Some(Self::SentinelSigninCsv)
        } else if (has("date (utc)") && (has("username") || has("user")))
            || (has("createddatetime") && has("userprincipalname"))
        {
            Some(Self::EntraPortalCsv)
        } else {
            None
        }
    }
}

/// A line-oriented log format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LineKind {
    /// IIS W3C extended log (`#Fields:` header).
    IisW3c,
    /// Squid native access log.
    Squid,
    /// Combined log format (Squid `combined`, Apache, nginx).
    Combined,
}

impl LineKind {
    /// Every kind.
    pub const ALL: [Self; 3] = [Self::IisW3c, Self::Squid, Self::Combined];

    /// The kind's name, as `--format` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Self::IisW3c => "iis-w3c",
            Self::Squid => "squid",
            Self::Combined => "combined",
        }
    }
}

/// What an input holds; `--format` names one of these to skip recognition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// JSON records (array, NDJSON or wrapper), of one shape or recognised per record.
    Json(Option<JsonShape>),
    /// A CSV export, of one kind or recognised from its header.
    Csv(Option<CsvKind>),
    /// A line-oriented log.
    Lines(LineKind),
}

impl Format {
    /// Every name `--format` accepts.
    pub fn names() -> Vec<&'static str> {
        let mut names = vec!["json", "csv"];
        names.extend(JsonShape::ALL.iter().map(|shape| shape.name()));
        names.extend(CsvKind::ALL.iter().map(|kind| kind.name()));
        names.extend(LineKind::ALL.iter().map(|kind| kind.name()));
        names
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Json(None) => f.write_str("json"),
            Self::Json(Some(shape)) => f.write_str(shape.name()),
            Self::Csv(None) => f.write_str("csv"),
            Self::Csv(Some(kind)) => f.write_str(kind.name()),
            Self::Lines(kind) => f.write_str(kind.name()),
        }
    }
}

/// An unknown `--format` name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown format `{0}`; known formats: {names}", names = Format::names().join(", "))]
pub struct UnknownFormat(pub String);

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        let name = name.trim().to_ascii_lowercase();
        match name.as_str() {
            "json" => return Ok(Self::Json(None)),
            "csv" => return Ok(Self::Csv(None)),
            _ => {}
        }
        if let Some(shape) = JsonShape::ALL.into_iter().find(|s| s.name() == name) {
            return Ok(Self::Json(Some(shape)));
        }
        if let Some(kind) = CsvKind::ALL.into_iter().find(|k| k.name() == name) {
            return Ok(Self::Csv(Some(kind)));
        }
        if let Some(kind) = LineKind::ALL.into_iter().find(|k| k.name() == name) {
            return Ok(Self::Lines(kind));
        }
        Err(UnknownFormat(name))
    }
}

/// What the first bytes of an input say it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sniffed {
    /// More bytes are needed to tell.
    NeedMore,
    /// Gzip-compressed: decompress, then look again.
    Gzip,
    /// A known container.
    Format(Format),
    /// Nothing known; the reason quotes the start of the input.
    Unknown(String),
}

/// Longest first line looked at to recognise a line-oriented or CSV input.
pub const MAX_SNIFF_BYTES: usize = 64 * 1024;

/// Recognises an input from its first bytes; `eof` says no more bytes will come.
pub fn sniff(bytes: &[u8], eof: bool) -> Sniffed {
    if bytes.len() < 2 && !eof {
        return Sniffed::NeedMore;
    }
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return Sniffed::Gzip;
    }
    let text = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let start = text.iter().position(|b| !b.is_ascii_whitespace());
    let Some(start) = start else {
        return if eof {
            Sniffed::Format(Format::Json(None))
        } else {
            Sniffed::NeedMore
        };
    };
    let text = &text[start..];
    if matches!(text[0], b'{' | b'[') {
        return Sniffed::Format(Format::Json(None));
    }
    let line = match memchr::memchr(b'\n', text) {
        Some(end) => &text[..end],
        None if eof || text.len() >= MAX_SNIFF_BYTES => text,
        None => return Sniffed::NeedMore,
    };
    let line = String::from_utf8_lossy(line);
    let line = line.trim_end();
    if ["#Software:", "#Version:", "#Date:", "#Fields:"]
        .iter()
        .any(|directive| line.starts_with(directive))
    {
        return Sniffed::Format(Format::Lines(LineKind::IisW3c));
    }
    if line.starts_with("#TYPE ") || looks_like_csv_header(line) {
        return Sniffed::Format(Format::Csv(None));
    }
    if looks_like_squid(line) {
        return Sniffed::Format(Format::Lines(LineKind::Squid));
    }
    if looks_like_combined(line) {
        return Sniffed::Format(Format::Lines(LineKind::Combined));
    }
    let quoted: String = line.chars().take(80).collect();
    Sniffed::Unknown(format!(
        "unrecognised input format; it starts with `{quoted}`"
    ))
}

/// A header line naming at least two columns of a known CSV export.
fn looks_like_csv_header(line: &str) -> bool {
    const KNOWN: &[&str] = &[
        "creationdate",
        "auditdata",
        "operations",
        "recordid",
        "userids",
        "timegenerated",
        "timegenerated [utc]",
        "userprincipalname",
        "resulttype",
        "date (utc)",
        "request id",
        "username",
        "ip address",
        "createddatetime",
    ];
    let columns = line
        .split(',')
        .map(|column| column.trim().trim_matches('"').to_ascii_lowercase())
        .filter(|column| KNOWN.contains(&column.as_str()))
        .count();
    columns >= 2
}

/// Squid native: `1741078877.123    234 203.0.113.7 TCP_MISS/200 1234 POST http://... - ...`.
fn looks_like_squid(line: &str) -> bool {
    let mut fields = line.split_ascii_whitespace();
    let time = fields.next().unwrap_or_default();
    let elapsed = fields.next().unwrap_or_default();
    let _client = fields.next();
    let code = fields.next().unwrap_or_default();
    let (seconds, millis) = time.split_once('.').unwrap_or(("", ""));
    !seconds.is_empty()
        && seconds.bytes().all(|b| b.is_ascii_digit())
        && millis.bytes().all(|b| b.is_ascii_digit())
        && !elapsed.is_empty()
        && elapsed.bytes().all(|b| b.is_ascii_digit())
        && code.contains('/')
}

/// Combined log format: `203.0.113.7 - - [04/Mar/2025:08:41:17 +0000] "POST /x HTTP/1.1" ...`.
fn looks_like_combined(line: &str) -> bool {
    let mut fields = line.splitn(4, ' ');
    let (_, _, _, rest) = (fields.next(), fields.next(), fields.next(), fields.next());
    rest.is_some_and(|rest| rest.starts_with('[') && rest.contains("] \""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sniffed(text: &str) -> Sniffed {
        sniff(text.as_bytes(), true)
    }

    #[test]
    fn containers_are_recognised_from_their_first_bytes() {
        assert_eq!(sniff(&[0x1f, 0x8b, 8, 0], false), Sniffed::Gzip);
        assert_eq!(
            sniffed("\u{feff}  [{}]"),
            Sniffed::Format(Format::Json(None))
        );
        assert_eq!(sniffed("{\"a\":1}\n"), Sniffed::Format(Format::Json(None)));
        assert_eq!(
            sniffed("#Software: Microsoft Internet Information Services 10.0\n"),
            Sniffed::Format(Format::Lines(LineKind::IisW3c))
        );
        assert_eq!(
            sniffed("RecordId,CreationDate,RecordType,Operation,UserId,AuditData\n"),
            Sniffed::Format(Format::Csv(None))
        );
        assert_eq!(
            sniffed(
                "#TYPE Deserialized.Microsoft.Exchange.Management.SystemConfigurationTasks.UnifiedAuditLogResult\n"
            ),
            Sniffed::Format(Format::Csv(None))
        );
        assert_eq!(
            sniffed("\"CreationDate\",\"UserIds\",\"Operations\",\"AuditData\"\r\n"),
            Sniffed::Format(Format::Csv(None))
        );
        assert_eq!(
            sniffed("Date (UTC),Request ID,User agent,Correlation ID,User ID,User,Username\n"),
            Sniffed::Format(Format::Csv(None))
        );
        assert_eq!(
            sniffed(
                "1741078877.123    234 203.0.113.7 TCP_MISS/200 1234 POST https://login.microsoftonline.com/common/GetCredentialType - HIER_DIRECT/20.190.160.1 application/json\n"
            ),
            Sniffed::Format(Format::Lines(LineKind::Squid))
        );
        assert_eq!(
            sniffed(
                "203.0.113.7 - - [04/Mar/2025:08:41:17 +0000] \"POST /x HTTP/1.1\" 401 0 \"-\" \"curl/8.5.0\"\n"
            ),
            Sniffed::Format(Format::Lines(LineKind::Combined))
        );
        assert!(
            matches!(sniffed("hello world\n"), Sniffed::Unknown(reason) if reason.contains("hello world"))
        );
    }

    #[test]
    fn sniffing_waits_for_a_whole_first_line() {
        assert_eq!(sniff(b"#Softw", false), Sniffed::NeedMore);
        assert_eq!(sniff(b"   ", false), Sniffed::NeedMore);
        assert_eq!(sniff(b"", true), Sniffed::Format(Format::Json(None)));
    }

    #[test]
    fn format_names_round_trip() {
        for name in Format::names() {
            let format: Format = name.parse().expect("known name");
            assert_eq!(format.to_string(), name);
        }
        let error = "xml".parse::<Format>().expect_err("unknown");
        assert!(error.to_string().contains("ual-csv"), "{error}");
    }

    #[test]
    fn shapes_are_recognised_from_keys() {
        let keys = |names: &[&str]| {
            let mut set = KeySet::default();
            for name in names {
                if let Some(key) = TopKey::from_name(name) {
                    set.insert(key);
                }
            }
            JsonShape::classify(&set)
        };
        assert_eq!(
            keys(&["CreationTime", "Id", "Operation"]),
            Some(JsonShape::Ual)
        );
        assert_eq!(
            keys(&["CreationDate", "UserIds", "Operations", "AuditData"]),
            Some(JsonShape::UalSearch)
        );
        assert_eq!(
            keys(&["id", "createdDateTime", "userPrincipalName"]),
            Some(JsonShape::GraphSignin)
        );
        assert_eq!(
            keys(&["time", "operationName", "properties", "resultType"]),
            Some(JsonShape::AzureMonitorSignin)
        );
        assert_eq!(
            keys(&["TimeGenerated", "ResultType", "UserPrincipalName"]),
            Some(JsonShape::SentinelSignin)
        );
        assert_eq!(
            keys(&["@timestamp", "azure", "event"]),
            Some(JsonShape::EcsSignin)
        );
        assert_eq!(
            keys(&["@timestamp", "o365", "event"]),
            Some(JsonShape::EcsO365)
        );
        assert_eq!(keys(&["Event"]), Some(JsonShape::EvtxJson));
        assert_eq!(
            keys(&["@timestamp", "winlog", "event"]),
            Some(JsonShape::Winlogbeat)
        );
        assert_eq!(
            keys(&["@timestamp", "url", "user_agent"]),
            Some(JsonShape::ProxyJson)
        );
        assert_eq!(keys(&["_index", "_source"]), Some(JsonShape::EsHit));
        assert_eq!(keys(&["foo"]), None);
    }

    #[test]
    fn csv_kinds_from_headers() {
        let kind = |header: &str| {
            let columns: Vec<String> = header.split(',').map(|c| c.to_ascii_lowercase()).collect();
            CsvKind::from_header(&columns)
        };
        assert_eq!(
            kind(
                "RecordId,CreationDate,RecordType,Operation,UserId,AuditData,AssociatedAdminUnits"
            ),
            Some(CsvKind::UalCsv)
        );
        assert_eq!(
            kind("CreationDate,UserIds,Operations,AuditData"),
            Some(CsvKind::UalCsv)
        );
        assert_eq!(
            kind("TimeGenerated,UserPrincipalName,ResultType,IPAddress"),
            Some(CsvKind::SentinelSigninCsv)
        );
        assert_eq!(
            kind("Date (UTC),Request ID,User,Username,IP address"),
            Some(CsvKind::EntraPortalCsv)
        );
        assert_eq!(kind("a,b"), None);
    }
}
