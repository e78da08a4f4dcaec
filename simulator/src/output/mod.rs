//! Export formats: how each source's records are spelled in a file.
//!
//! Every format the decoders read has a writer here, registered in [`FORMATS`] under the name
//! the command line uses (`--ual-format`, `--signin-format`, ...). A writer returns, for each
//! record, the id the engine will cite as evidence: the record's own id where the format
//! carries one, `file:line` where it does not. The truth is built from those ids, so it
//! matches the engine's findings whatever the format.

mod audit_type;
mod azure_monitor;
mod classic_csv;
mod combined;
mod csv_field;
#[cfg(test)]
mod decoded;
mod derived;
mod digest;
mod ecs_audit;
mod ecs_signin;
mod es_hits;
mod evtx;
mod graph_audit;
mod graph_signin;
mod iis_w3c;
mod json;
mod portal_csv;
mod portal_csv_older;
mod portal_json;
mod proxy_ecs;
mod purview_csv;
mod routine_json;
mod search_csv;
mod search_json;
mod sentinel_csv;
mod sentinel_json;
mod sentinel_row;
mod signin_fields;
mod signin_json;
mod squid;
mod ual_json;
mod web_url;
mod winlogbeat;

use crate::record::{Body, Detail, SimRecord, Source};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::io::{self, Write};

/// What a writer may need to know about the run.
#[derive(Debug, Clone)]
pub struct WriterContext {
    /// The file the writer writes (positional ids use it).
    pub file: String,
    /// The tenant id.
    pub tenant_id: String,
    /// The tenant's primary domain.
    pub domain: String,
}

/// Writes one source's records in one export format.
pub trait FormatWriter {
    /// Writes what comes before the first record (a header, an opening bracket).
    fn begin(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    /// Writes one record of this writer's source; returns the id the engine cites for it.
    fn write(&mut self, record: &SimRecord, out: &mut dyn Write) -> io::Result<String>;

    /// Writes one record nobody will cite (background activity): as [`FormatWriter::write`],
    /// but without the id, which writers of large outputs need not spell out.
    fn write_uncited(&mut self, record: &SimRecord, out: &mut dyn Write) -> io::Result<()> {
        self.write(record, out).map(drop)
    }

    /// Writes what comes after the last record.
    fn end(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }
}

/// A registered export format.
pub struct FormatSpec {
    /// The source it writes.
    pub source: Source,
    /// Its name on the command line.
    pub name: &'static str,
    /// The file it writes.
    pub file: &'static str,
    /// One sentence on what it is.
    pub description: &'static str,
    /// Details of its source this format does not carry.
    pub lacks: &'static [Detail],
    /// Makes a writer.
    pub make: fn(&WriterContext) -> Box<dyn FormatWriter>,
}

/// Every export format, grouped by source; the first of each source is its default.
pub const FORMATS: &[FormatSpec] = &[
    FormatSpec {
        source: Source::Ual,
        name: "management-json",
        file: "ual.json",
        description: "Management Activity API records as one JSON array",
        lacks: &[],
        make: |_| Box::new(ual_json::ManagementJson::array()),
    },
    FormatSpec {
        source: Source::Ual,
        name: "management-ndjson",
        file: "ual.ndjson",
        description: "Management Activity API records, one per line",
        lacks: &[],
        make: |_| Box::new(ual_json::ManagementJson::ndjson()),
    },
    FormatSpec {
        source: Source::Ual,
        name: "purview-csv",
        file: "ual.purview.csv",
        description: "Purview audit search export (`RecordId,CreationDate,RecordType,Operation,UserId,AuditData,...`)",
        lacks: &[],
        make: |_| Box::new(purview_csv::PurviewCsv),
    },
    FormatSpec {
        source: Source::Ual,
        name: "classic-csv",
        file: "ual.classic.csv",
        description: "classic audit log search export (`CreationDate,UserIds,Operations,AuditData`)",
        lacks: &[],
        make: |_| Box::new(classic_csv::ClassicCsv),
    },
    FormatSpec {
        source: Source::Ual,
        name: "search-csv",
        file: "ual.search.csv",
        description: "`Search-UnifiedAuditLog | Export-Csv` output",
        lacks: &[],
        make: |context| Box::new(search_csv::SearchCsv::new(context)),
    },
    FormatSpec {
        source: Source::Ual,
        name: "search-json",
        file: "ual.search.json",
        description: "`Search-UnifiedAuditLog | ConvertTo-Json` output (`\\/Date(ms)\\/` dates)",
        lacks: &[],
        make: |context| Box::new(search_json::SearchJson::new(context)),
    },
    FormatSpec {
        source: Source::Ual,
        name: "graph-audit",
        file: "ual.graph.json",
        description: "Microsoft Graph audit log query records (`auditData` objects)",
        lacks: &[],
        make: |context| Box::new(graph_audit::GraphAudit::new(context)),
    },
    FormatSpec {
        source: Source::Ual,
        name: "ecs",
        file: "ual.ecs.ndjson",
        description: "Elastic `o365.audit` documents, one per line",
        lacks: &[],
        make: |_| Box::new(ecs_audit::EcsAudit),
    },
    FormatSpec {
        source: Source::Ual,
        name: "es-hits",
        file: "ual.es-hits.ndjson",
        description: "Elasticsearch search hits of `o365.audit` documents, one per line",
        lacks: &[],
        make: |_| Box::new(es_hits::EsHits),
    },
    FormatSpec {
        source: Source::Signin,
        name: "graph",
        file: "signins.graph.json",
        description: "Microsoft Graph auditLogs/signIns response (`{\"value\":[...]}`)",
        lacks: &[],
        make: |_| Box::new(graph_signin::GraphSignins::default()),
    },
    FormatSpec {
        source: Source::Signin,
        name: "portal-json",
        file: "signins.portal.json",
        description: "Entra portal JSON download: a plain array of Graph sign-ins",
        lacks: &[],
        make: |_| Box::new(portal_json::PortalJson::default()),
    },
    FormatSpec {
        source: Source::Signin,
        name: "azure-monitor",
        file: "signins.azure-monitor.json",
        description: "Azure Monitor diagnostic export (`{\"records\":[...]}`, SignInLogs and NonInteractiveUserSignInLogs)",
        lacks: &[],
        make: |context| Box::new(azure_monitor::AzureMonitor::new(context)),
    },
    FormatSpec {
        source: Source::Signin,
        name: "sentinel-json",
        file: "signins.sentinel.json",
        description: "Microsoft Sentinel SigninLogs / AADNonInteractiveUserSignInLogs rows as JSON",
        lacks: &[],
        make: |context| Box::new(sentinel_json::SentinelJson::new(context)),
    },
    FormatSpec {
        source: Source::Signin,
        name: "sentinel-csv",
        file: "signins.sentinel.csv",
        description: "Log Analytics / Sentinel CSV export of sign-in rows",
        lacks: &[],
        make: |context| Box::new(sentinel_csv::SentinelCsv::new(context)),
    },
    FormatSpec {
        source: Source::Signin,
        name: "portal-csv",
        file: "signins.portal.csv",
        description: "Entra portal CSV download, current header (no risk columns)",
        lacks: &[Detail::Risk, Detail::Interactive],
        make: |context| Box::new(portal_csv::PortalCsv::new(context)),
    },
    FormatSpec {
        source: Source::Signin,
        name: "portal-csv-older",
        file: "signins.portal-older.csv",
        description: "Entra portal CSV download, older header (no record id, error code or user agent)",
        lacks: &[Detail::ErrorCode, Detail::UserAgent, Detail::Interactive],
        make: |context| Box::new(portal_csv_older::OlderPortalCsv::new(context)),
    },
    FormatSpec {
        source: Source::Signin,
        name: "ecs",
        file: "signins.ecs.ndjson",
        description: "Elastic `azure.signinlogs` documents, one per line",
        lacks: &[],
        make: |context| Box::new(ecs_signin::EcsSignin::new(context)),
    },
    FormatSpec {
        source: Source::Proxy,
        name: "proxy-ecs",
        file: "proxy.ecs.ndjson",
        description: "web proxy requests as Elastic Common Schema documents, one per line",
        lacks: &[],
        make: |context| Box::new(proxy_ecs::ProxyEcs::new(context)),
    },
    FormatSpec {
        source: Source::Proxy,
        name: "squid",
        file: "proxy.squid.log",
        description: "Squid native access.log (no user agent)",
        lacks: &[Detail::UserAgent],
        make: |context| Box::new(squid::SquidNative::new(context)),
    },
    FormatSpec {
        source: Source::Proxy,
        name: "combined",
        file: "proxy.combined.log",
        description: "combined log format as Squid writes it (`logformat combined`)",
        lacks: &[],
        make: |context| Box::new(combined::Combined::new(context)),
    },
    FormatSpec {
        source: Source::Iis,
        name: "iis-w3c",
        file: "exchange-iis.log",
        description: "IIS W3C extended log of the Exchange server (default field set)",
        lacks: &[],
        make: |context| Box::new(iis_w3c::IisW3c::new(context)),
    },
    FormatSpec {
        source: Source::Endpoint,
        name: "evtx-json",
        file: "endpoint.evtx.ndjson",
        description: "Sysmon and Security events as EVTX converted to JSON, one per line",
        lacks: &[],
        make: |_| Box::new(evtx::EvtxJson),
    },
    FormatSpec {
        source: Source::Endpoint,
        name: "winlogbeat",
        file: "endpoint.winlogbeat.ndjson",
        description: "Winlogbeat ECS documents (Sysmon 1 and 3, Security 4625), one per line",
        lacks: &[],
        make: |_| Box::new(winlogbeat::Winlogbeat),
    },
];

/// The formats of `source`.
pub fn formats_of(source: Source) -> impl Iterator<Item = &'static FormatSpec> {
    FORMATS.iter().filter(move |spec| spec.source == source)
}

/// The format of `source` named `name`.
pub fn find(source: Source, name: &str) -> Option<&'static FormatSpec> {
    formats_of(source).find(|spec| spec.name == name)
}

/// The default format of `source`, when it has one.
pub fn default_of(source: Source) -> Option<&'static FormatSpec> {
    formats_of(source).next()
}

/// Writes `separator` before every record but the first: JSON arrays' commas.
#[derive(Debug, Default)]
pub struct Separated {
    started: bool,
}

impl Separated {
    /// Writes the separator unless this is the first record.
    pub fn next(&mut self, out: &mut dyn Write, separator: &[u8]) -> io::Result<()> {
        if self.started {
            out.write_all(separator)?;
        }
        self.started = true;
        Ok(())
    }
}

/// Writes `value` as JSON to `out` in one piece.
///
/// `serde_json` writes a record in many small pieces (every key, quote and comma), each a
/// virtual call through `dyn Write`; serialising into a reused buffer first makes those
/// plain appends, which matters when millions of records are written.
pub fn write_json<T: serde::Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUFFER.with(|buffer| {
        let mut buffer = buffer.borrow_mut();
        buffer.clear();
        serde_json::to_writer(&mut *buffer, value)?;
        out.write_all(&buffer)
    })
}

/// The audit record a writer of the audit log was given, as the Management Activity API's
/// object (built on demand for the background's typed records).
pub fn audit(record: &SimRecord) -> io::Result<Cow<'_, Map<String, Value>>> {
    record
        .body
        .audit()
        .ok_or_else(|| io::Error::other("not an audit record"))
}

/// The sign-in a writer of the sign-in log was given.
pub fn sign_in(record: &SimRecord) -> io::Result<&crate::record::SignIn> {
    match &record.body {
        Body::SignIn(sign_in) => Ok(sign_in),
        _ => Err(io::Error::other("not a sign-in")),
    }
}

/// The web request a writer of the proxy or IIS log was given.
pub fn web_hit(record: &SimRecord) -> io::Result<&crate::record::WebHit> {
    match &record.body {
        Body::Web(hit) => Ok(hit),
        _ => Err(io::Error::other("not a web request")),
    }
}

/// The string member `key` of an audit record, empty when absent.
pub fn text<'a>(record: &'a serde_json::Map<String, serde_json::Value>, key: &str) -> &'a str {
    record
        .get(key)
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
}

/// Writes `records` in `format`, as the simulation would: the file's text and, per record,
/// the id the engine will cite. Records of other sources than the format's are an error.
pub fn write_records(
    format: &FormatSpec,
    context: &WriterContext,
    records: &[SimRecord],
) -> io::Result<(String, Vec<String>)> {
    let mut writer = (format.make)(context);
    let mut out = Vec::new();
    writer.begin(&mut out)?;
    let mut ids = Vec::with_capacity(records.len());
    for record in records {
        if record.source() != format.source {
            return Err(io::Error::other(format!(
                "a {} record given to the {} format `{}`",
                record.source().name(),
                format.source.name(),
                format.name
            )));
        }
        ids.push(writer.write(record, &mut out)?);
    }
    writer.end(&mut out)?;
    let text = String::from_utf8(out).map_err(io::Error::other)?;
    Ok((text, ids))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use serde_json::json;

    /// A writer context for `file`.
    pub fn context(file: &str) -> WriterContext {
        WriterContext {
            file: file.into(),
            tenant_id: "0e8108b1-18e9-41a4-961b-dfcddf92ef08".into(),
            domain: "contoso.com".into(),
        }
    }

    /// A `New-InboxRule` forwarding outside, at 2025-03-04 13:15:02 UTC.
    pub fn audit_record() -> SimRecord {
        let audit = json!({
            "CreationTime": "2025-03-04T13:15:02",
            "Id": "6a1f0c2e-3b4d-4e5f-8a9b-08dd5b8c1f10",
            "Operation": "New-InboxRule",
            "OrganizationId": "0e8108b1-18e9-41a4-961b-dfcddf92ef08",
            "RecordType": 1,
            "UserKey": "10032001020A3408",
            "UserType": 0,
            "Version": 1,
            "Workload": "Exchange",
            "UserId": "jdoe@contoso.com",
            "ClientIP": "198.51.100.23:61011",
            "ObjectId": "contoso.onmicrosoft.com\\jdoe\\.",
            "Parameters": [
                {"Name": "Name", "Value": "."},
                {"Name": "ForwardTo", "Value": "drop.box@outlook-mail.example"},
                {"Name": "StopProcessingRules", "Value": "True"}
            ],
            "ResultStatus": "True",
        });
        let Value::Object(audit) = audit else {
            unreachable!("an object literal")
        };
        SimRecord {
            time: Utc
                .with_ymd_and_hms(2025, 3, 4, 13, 15, 2)
                .single()
                .expect("valid"),
            scenario: None,
            body: Body::Audit(audit),
        }
    }

    /// Writes `records` with `writer`; the text and the ids.
    pub fn written(writer: &mut dyn FormatWriter, records: &[SimRecord]) -> (String, Vec<String>) {
        let mut out = Vec::new();
        writer.begin(&mut out).expect("in memory");
        let ids = records
            .iter()
            .map(|record| writer.write(record, &mut out).expect("in memory"))
            .collect();
        writer.end(&mut out).expect("in memory");
        (String::from_utf8(out).expect("UTF-8"), ids)
    }

    #[test]
    fn names_and_files_are_distinct_and_defaults_come_first() {
        let mut files: Vec<&str> = FORMATS.iter().map(|f| f.file).collect();
        files.sort_unstable();
        files.dedup();
        assert_eq!(files.len(), FORMATS.len(), "one file per format");
        for source in Source::ALL {
            let mut names: Vec<&str> = formats_of(source).map(|f| f.name).collect();
            let count = names.len();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), count, "{source:?}: names unique");
        }
        assert_eq!(
            default_of(Source::Ual).map(|f| f.name),
            Some("management-json")
        );
        assert_eq!(default_of(Source::Signin).map(|f| f.name), Some("graph"));
    }

    #[test]
    fn write_records_refuses_another_source() {
        let format = find(Source::Signin, "graph").expect("registered");
        let error = write_records(format, &context("x"), &[audit_record()]).expect_err("refused");
        assert!(error.to_string().contains("ual record"), "{error}");
    }
}
