//! Decoders: from one framed record to an event, an ignore or a rejection.
//!
//! The input layer ([`crate::input`]) frames records; this module routes each one to the
//! decoder of its source shape: JSON records by their keys ([`json`]), CSV rows by their
//! export's header, lines by their log format. One decoder per source family lives in its own
//! module (`ual`, `signin`, `probe`); each turns its records into normalised [`Event`]s.

pub mod json;
pub mod lenient;
pub mod probe;
pub mod signin;
pub mod ual;
pub mod utf8;

use crate::event::Event;
use crate::input::Unit;
use crate::input::format::{CsvKind, JsonShape, LineKind};
use crate::input::json::Position;

/// What became of one record.
#[allow(
    clippy::large_enum_variant,
    reason = "events are the common case; boxing them would add an allocation per record"
)]
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The record is relevant and became an event.
    Event(Event),
    /// The record is valid but no detection reads it.
    Ignored(Ignore),
    /// The record is malformed; the reason says how.
    Rejected(String),
}

/// A valid record no detection reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignore {
    /// What it is (e.g. the operation name), for the per-reason counters.
    pub reason: String,
    /// The record's own id, when it has one, so repeated records are still recognised.
    pub record_id: Option<String>,
}

impl Outcome {
    /// An ignored record.
    pub fn ignored(reason: impl Into<String>, record_id: Option<String>) -> Self {
        Self::Ignored(Ignore {
            reason: reason.into(),
            record_id,
        })
    }
}

/// What decoding one input needs to remember between records.
#[derive(Debug, Clone, Default)]
pub struct DecodeContext {
    /// The input's name, for record ids of sources that have none (`file:line`).
    pub input: String,
    /// The JSON shape, when forced by the caller.
    pub forced_shape: Option<JsonShape>,
    /// The JSON shape of the previous record: records of one input almost always share it.
    pub last_shape: Option<JsonShape>,
    /// Every JSON shape the input's records had, in the order first seen (for the input's
    /// format name in the stats).
    pub shapes_seen: Vec<JsonShape>,
    /// The JSON shape of recent records by their first key, for inputs that mix shapes.
    pub first_keys: FirstKeyShapes,
    /// W3C: the current `#Fields:` list.
    pub w3c_fields: Vec<String>,
    /// Where the record being decoded starts (set by [`decode`]), for the ids of JSON
    /// records that carry none.
    pub at: Position,
}

impl DecodeContext {
    /// A context for the input `name`.
    pub fn new(input: &str, forced_shape: Option<JsonShape>) -> Self {
        Self {
            input: input.to_owned(),
            forced_shape,
            ..Self::default()
        }
    }

    /// Notes that a record of `shape` was decoded.
    pub fn decoded_as(&mut self, shape: JsonShape) {
        if self.last_shape != Some(shape) {
            self.last_shape = Some(shape);
            if !self.shapes_seen.contains(&shape) {
                self.shapes_seen.push(shape);
            }
        }
    }

    /// An id for a record of a source without ids: `input:line`.
    pub fn positional_id(&self, at: Position) -> String {
        format!("{}:{}", self.input, at.line)
    }
}

/// The shape of the records that began with each first key, for the few first keys an input
/// uses (bounded: an input with more distinct first keys than that gets no hint for the rest).
#[derive(Debug, Clone, Default)]
pub struct FirstKeyShapes(Vec<(Box<[u8]>, JsonShape)>);

impl FirstKeyShapes {
    /// At most this many first keys are remembered.
    const MAX_KEYS: usize = 32;

    /// The shape of the last record that began with `key`, if one did.
    pub fn shape(&self, key: &[u8]) -> Option<JsonShape> {
        self.0
            .iter()
            .find(|(known, _)| **known == *key)
            .map(|(_, shape)| *shape)
    }

    /// Remembers that a record beginning with `key` was of `shape`.
    pub fn learn(&mut self, key: Option<&[u8]>, shape: JsonShape) {
        let Some(key) = key else {
            return;
        };
        if let Some((_, known_shape)) = self.0.iter_mut().find(|(known, _)| **known == *key) {
            *known_shape = shape;
        } else if self.0.len() < Self::MAX_KEYS {
            self.0.push((key.into(), shape));
        }
    }
}

/// Decodes one framed record. `None` means the unit is not a record at all (a W3C directive
/// line) and is not counted.
pub fn decode(unit: Unit<'_>, at: Position, context: &mut DecodeContext) -> Option<Outcome> {
    context.at = at;
    match unit {
        Unit::Json(bytes) => Some(json::decode(bytes, context)),
        Unit::Csv(row, kind) => Some(match kind {
            CsvKind::SentinelSigninCsv => signin::decode_sentinel_csv(&row),
            CsvKind::EntraPortalCsv => signin::decode_portal_csv(&row, at, context),
            CsvKind::UalCsv => ual::decode_csv_row(&row),
        }),
        Unit::Line(text, kind) => match kind {
            LineKind::IisW3c => probe::w3c::decode_line(text, at, context),
            LineKind::Squid => Some(probe::squid::decode_line(text, at, context)),
            LineKind::Combined => Some(probe::combined::decode_line(text, at, context)),
        },
    }
}
