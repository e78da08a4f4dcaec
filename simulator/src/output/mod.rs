//! Export formats: how each source's records are spelled in a file.
//!
//! Every format the decoders read has a writer here, registered in [`FORMATS`] under the name
//! the command line uses (`--ual-format`, `--signin-format`, ...). A writer returns, for each
//! record, the id the engine will cite as evidence: the record's own id where the format
//! carries one, `file:line` where it does not. The truth is built from those ids, so it
//! matches the engine's findings whatever the format.

#[cfg(test)]
mod decoded;
mod digest;
mod evtx;
mod graph_signin;
mod iis_w3c;
mod proxy_ecs;
mod ual_json;

use crate::record::{Detail, SimRecord, Source};
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
        source: Source::Signin,
        name: "graph",
        file: "signins.graph.json",
        description: "Microsoft Graph auditLogs/signIns response (`{\"value\":[...]}`)",
        lacks: &[],
        make: |_| Box::new(graph_signin::GraphSignins::default()),
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

/// The string member `key` of an audit record, empty when absent.
pub fn text<'a>(record: &'a serde_json::Map<String, serde_json::Value>, key: &str) -> &'a str {
    record
        .get(key)
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
}
