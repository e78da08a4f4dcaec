//! Benchmark corpora for every export form, grown from the real-shaped fixtures.
//!
//! A fixture's records that decode to events are the templates; the corpus repeats them with
//! their record id made unique (`<id>-<n>`), until it reaches the wanted size, keeping the
//! form's container (a JSON wrapper, a CSV header, a W3C `#Fields:` line).

use mailhound_core::decode::{DecodeContext, Outcome, decode};
use mailhound_core::input::{Input, Item, Unit};
use mailhound_core::{EngineConfig, Format};
use std::path::{Path, PathBuf};

/// The repository's `fixtures/` folder.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

/// The fixtures measured per export form, relative to [`fixtures`]: every audit-log, sign-in
/// and probe form the decoders read, apart from the simulator's audit mix (built in code).
pub const FIXTURE_FORMS: [&str; 16] = [
    "ual/mailbox-activity.json",
    "ual/mailbox-activity.purview.csv",
    "ual/mailbox-activity.search.json",
    "ual/mailbox-activity.ecs.ndjson",
    "signin/graph-signins.json",
    "signin/azure-monitor-signins.json",
    "signin/sentinel-signinlogs.json",
    "signin/ecs-azure-signinlogs.ndjson",
    "signin/sentinel-signinlogs.csv",
    "signin/InteractiveSignIns_2025-03-04_2025-03-05.csv",
    "probe/autodiscover-iis.log",
    "probe/proxy-squid.log",
    "probe/proxy-combined.log",
    "probe/proxy-ecs.ndjson",
    "probe/sysmon-evtx.ndjson",
    "probe/winlogbeat.ndjson",
];

/// Whether a fixture form is JSON, so that it has an `IgnoredAny` floor of its own.
pub fn is_json(relative: &str) -> bool {
    relative.ends_with(".json") || relative.ends_with(".ndjson")
}

/// One template record and the id to vary in it.
struct Template {
    text: String,
    id: Option<String>,
}

/// The records of `bytes` that decode to events, as text with their ids.
fn templates(bytes: &[u8]) -> (Option<Format>, Option<String>, Vec<Template>) {
    let mut input = Input::new(None, EngineConfig::default().max_record_bytes);
    let mut context = DecodeContext::new("fixture", None);
    let mut header = None;
    let mut found = Vec::new();
    let mut sink = |item: Item<'_>| {
        let Item::Record { unit, at } = item else {
            return;
        };
        let text = match &unit {
            Unit::Json(bytes) => String::from_utf8_lossy(bytes).into_owned(),
            Unit::Line(line, _) => (*line).to_owned(),
            Unit::Csv(row, _) => {
                if header.is_none() {
                    header = Some(row.header.columns.clone());
                }
                let mut writer = csv::Writer::from_writer(Vec::new());
                let fields: Vec<&str> = (0..row.len())
                    .map(|i| row.field(i).and_then(Result::ok).unwrap_or(""))
                    .collect();
                let _ = writer.write_record(&fields);
                let bytes = writer.into_inner().unwrap_or_default();
                String::from_utf8_lossy(&bytes).trim_end().to_owned()
            }
        };
        if let Some(Outcome::Event(event)) = decode(unit, at, &mut context) {
            let id = (!event.record_id.starts_with("fixture")).then(|| event.record_id.to_string());
            found.push(Template { text, id });
        }
    };
    input.push(bytes, &mut sink);
    input.finish(&mut sink);
    let header = header.map(|columns| columns.join(","));
    (input.format(), header, found)
}

/// A corpus of about `target_bytes` in the form of the fixture `relative` (under
/// `fixtures/`): same container, the event-producing records repeated with unique ids.
pub fn from_fixture(relative: &str, target_bytes: usize) -> Vec<u8> {
    let path = fixtures().join(relative);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (format, header, templates) = templates(&bytes);
    assert!(
        !templates.is_empty(),
        "{relative} has no record that decodes to an event"
    );
    let text = String::from_utf8_lossy(&bytes);
    let mut out = String::with_capacity(target_bytes + 4096);
    let (prefix, separator, suffix) = match format {
        Some(Format::Json(_)) if text.trim_start().starts_with("{\"records\"") => {
            ("{\"records\":[\n".to_owned(), ",\n", "\n]}\n")
        }
        Some(Format::Json(_))
            if text.trim_start().starts_with("{\"@odata")
                || text.trim_start().starts_with("{\"value\"") =>
        {
            ("{\"value\":[\n".to_owned(), ",\n", "\n]}\n")
        }
        Some(Format::Json(_)) if text.trim_start().starts_with('[') => {
            ("[\n".to_owned(), ",\n", "\n]\n")
        }
        Some(Format::Json(_)) => (String::new(), "\n", "\n"),
        Some(Format::Csv(_)) => (
            format!("{}\r\n", header.unwrap_or_default()),
            "\r\n",
            "\r\n",
        ),
        Some(Format::Lines(_)) => {
            let directives: String = text
                .lines()
                .take_while(|line| line.starts_with('#'))
                .map(|line| format!("{line}\n"))
                .collect();
            (directives, "\n", "\n")
        }
        None => panic!("{relative}: unrecognised format"),
    };
    out.push_str(&prefix);
    let mut copy = 0usize;
    let mut first = true;
    while out.len() < target_bytes {
        for template in &templates {
            if !first {
                out.push_str(separator);
            }
            first = false;
            match &template.id {
                Some(id) => {
                    out.push_str(&template.text.replace(id.as_str(), &format!("{id}-{copy}")))
                }
                None => out.push_str(&template.text),
            }
        }
        copy += 1;
    }
    out.push_str(suffix);
    out.into_bytes()
}
