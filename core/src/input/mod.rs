//! One input (a file, stdin, a browser `File`, a batch): from raw bytes to framed records.
//!
//! The first bytes decide what the input is ([`format::sniff`]): gzip is decompressed on the
//! fly and looked at again; then a JSON, CSV or line framer cuts records out of the stream.
//! Every framed record leaves as an [`Item`] with its position, ready for a decoder; bytes
//! that cannot form a record leave as a malformed item, so nothing is dropped silently.

pub mod csv;
pub mod format;
pub mod json;
pub mod lines;

use self::csv::{CsvFrame, CsvFramer, CsvHeader, CsvRow};
use self::format::{CsvKind, Format, LineKind, Sniffed, sniff};
use self::json::{Frame, JsonFramer, Position};
use self::lines::{LineFrame, LineFramer};
use flate2::write::MultiGzDecoder;
use std::io::Write;

/// A framed record, not yet decoded.
#[derive(Debug)]
pub enum Unit<'a> {
    /// A JSON value (normally an object).
    Json(&'a [u8]),
    /// A CSV data row of a recognised export kind.
    Csv(CsvRow<'a>, CsvKind),
    /// A line of a line-oriented log.
    Line(&'a str, LineKind),
}

/// What an input yields.
#[derive(Debug)]
pub enum Item<'a> {
    /// A record to decode.
    Record {
        /// The record.
        unit: Unit<'a>,
        /// Where it starts.
        at: Position,
    },
    /// Bytes that cannot be a record; counted as rejected.
    Malformed {
        /// Where they start.
        at: Position,
        /// Why.
        reason: String,
    },
}

/// The framing stage of an input.
enum Stage {
    /// Collecting the first bytes to recognise the input.
    Sniffing(Vec<u8>),
    Json(JsonFramer),
    Csv {
        framer: Box<CsvFramer>,
        forced: Option<CsvKind>,
        kind: Result<CsvKind, String>,
    },
    Lines(LineFramer, LineKind),
    /// Not a known format: every line is rejected with the reason.
    Unknown(LineFramer, String),
}

/// One input being read.
pub struct Input {
    forced: Option<Format>,
    max_record_bytes: usize,
    gunzip: Option<MultiGzDecoder<Vec<u8>>>,
    gzip_failed: bool,
    compressed: u64,
    read: u64,
    stage: Stage,
    format: Option<Format>,
}

impl Input {
    /// An input read as `forced`, or recognised from its first bytes when `None`.
    pub fn new(forced: Option<Format>, max_record_bytes: usize) -> Self {
        Self {
            forced,
            max_record_bytes,
            gunzip: None,
            gzip_failed: false,
            compressed: 0,
            read: 0,
            stage: Stage::Sniffing(Vec::new()),
            format: None,
        }
    }

    /// The input's format, once recognised (or as forced); for a CSV input, its export kind
    /// once the header is read.
    pub fn format(&self) -> Option<Format> {
        match (&self.stage, self.format) {
            (Stage::Csv { kind: Ok(kind), .. }, Some(Format::Csv(_))) => {
                Some(Format::Csv(Some(*kind)))
            }
            (_, format) => format,
        }
    }

    /// True when the input was gzip-compressed.
    pub fn gzipped(&self) -> bool {
        self.gunzip.is_some()
    }

    /// Raw bytes read so far.
    pub fn bytes_read(&self) -> u64 {
        self.read
    }

    /// Reads the next chunk of raw (possibly compressed) bytes.
    pub fn push(&mut self, chunk: &[u8], sink: &mut dyn FnMut(Item<'_>)) {
        self.read += chunk.len() as u64;
        if self.gzip_failed {
            return;
        }
        if self.gunzip.is_some() {
            self.inflate(chunk, sink);
        } else {
            self.push_plain(chunk, false, sink);
        }
    }

    /// Ends the input: flushes the decompressor and the framer.
    pub fn finish(&mut self, sink: &mut dyn FnMut(Item<'_>)) {
        if let Some(gunzip) = &mut self.gunzip {
            if !self.gzip_failed {
                let result = gunzip.try_finish();
                let inflated = std::mem::take(gunzip.get_mut());
                self.push_plain(&inflated, false, sink);
                if let Err(error) = result {
                    self.gzip_error(&error, sink);
                }
            }
        }
        self.push_plain(&[], true, sink);
        match &mut self.stage {
            Stage::Sniffing(_) => {}
            Stage::Json(framer) => framer.finish(&mut |frame| json_item(frame, sink)),
            Stage::Csv {
                framer,
                forced,
                kind,
            } => {
                let forced = *forced;
                framer.finish(&mut |frame| csv_item(frame, forced, kind, sink));
            }
            Stage::Lines(framer, kind) => {
                let kind = *kind;
                framer.finish(&mut |frame| line_item(frame, kind, sink));
            }
            Stage::Unknown(framer, reason) => {
                framer.finish(&mut |frame| unknown_item(frame, reason, sink));
            }
        }
    }

    fn inflate(&mut self, chunk: &[u8], sink: &mut dyn FnMut(Item<'_>)) {
        let Some(gunzip) = &mut self.gunzip else {
            return;
        };
        let result = gunzip.write_all(chunk);
        let inflated = std::mem::take(gunzip.get_mut());
        self.push_plain(&inflated, false, sink);
        match result {
            Ok(()) => self.compressed += chunk.len() as u64,
            Err(error) => self.gzip_error(&error, sink),
        }
    }

    fn gzip_error(&mut self, error: &std::io::Error, sink: &mut dyn FnMut(Item<'_>)) {
        self.gzip_failed = true;
        sink(Item::Malformed {
            at: Position {
                record: 0,
                line: 0,
                offset: self.compressed,
            },
            reason: format!(
                "corrupt gzip data after {} compressed bytes ({error}): the rest of the input is unreadable",
                self.compressed
            ),
        });
    }

    /// Feeds decompressed (or never compressed) bytes to the current stage.
    fn push_plain(&mut self, bytes: &[u8], eof: bool, sink: &mut dyn FnMut(Item<'_>)) {
        if let Stage::Sniffing(buffer) = &mut self.stage {
            buffer.extend_from_slice(bytes);
            let decision = if buffer.starts_with(&[0x1f, 0x8b]) && self.gunzip.is_none() {
                Sniffed::Gzip
            } else if buffer.len() < 2 && !eof {
                Sniffed::NeedMore
            } else if let Some(forced) = self.forced {
                Sniffed::Format(forced)
            } else {
                sniff(buffer, eof)
            };
            let buffered = match decision {
                Sniffed::NeedMore => return,
                _ => std::mem::take(buffer),
            };
            match decision {
                Sniffed::NeedMore => {}
                Sniffed::Gzip => {
                    self.gunzip = Some(MultiGzDecoder::new(Vec::new()));
                    self.inflate(&buffered, sink);
                    return;
                }
                Sniffed::Format(format) => {
                    self.format = Some(format);
                    self.stage = self.stage_for(format);
                }
                Sniffed::Unknown(reason) => {
                    self.stage = Stage::Unknown(LineFramer::new(self.max_record_bytes), reason);
                }
            }
            self.frame(&buffered, sink);
            return;
        }
        self.frame(bytes, sink);
    }

    fn stage_for(&self, format: Format) -> Stage {
        match format {
            Format::Json(_) => Stage::Json(JsonFramer::new(self.max_record_bytes)),
            Format::Csv(forced) => Stage::Csv {
                framer: Box::new(CsvFramer::new(self.max_record_bytes)),
                forced,
                kind: Err("the CSV header has not been read".into()),
            },
            Format::Lines(kind) => Stage::Lines(LineFramer::new(self.max_record_bytes), kind),
        }
    }

    fn frame(&mut self, bytes: &[u8], sink: &mut dyn FnMut(Item<'_>)) {
        if bytes.is_empty() {
            return;
        }
        match &mut self.stage {
            Stage::Sniffing(_) => {}
            Stage::Json(framer) => framer.push(bytes, &mut |frame| json_item(frame, sink)),
            Stage::Csv {
                framer,
                forced,
                kind,
            } => {
                let forced = *forced;
                framer.push(bytes, &mut |frame| csv_item(frame, forced, kind, sink));
            }
            Stage::Lines(framer, kind) => {
                let kind = *kind;
                framer.push(bytes, &mut |frame| line_item(frame, kind, sink));
            }
            Stage::Unknown(framer, reason) => {
                framer.push(bytes, &mut |frame| unknown_item(frame, reason, sink));
            }
        }
    }
}

fn csv_kind(header: &CsvHeader, forced: Option<CsvKind>) -> Result<CsvKind, String> {
    forced
        .or_else(|| CsvKind::from_header(&header.columns))
        .ok_or_else(|| {
            let columns: Vec<&str> = header.columns.iter().take(8).map(String::as_str).collect();
            format!(
                "CSV export not recognised: its header ({}) is none of the known exports",
                columns.join(",")
            )
        })
}

fn json_item(frame: Frame<'_>, sink: &mut dyn FnMut(Item<'_>)) {
    match frame {
        Frame::Record { bytes, at } => sink(Item::Record {
            unit: Unit::Json(bytes),
            at,
        }),
        Frame::Malformed { at, reason } => sink(Item::Malformed { at, reason }),
    }
}

fn csv_item(
    frame: CsvFrame<'_>,
    forced: Option<CsvKind>,
    kind: &mut Result<CsvKind, String>,
    sink: &mut dyn FnMut(Item<'_>),
) {
    match (frame, &*kind) {
        (CsvFrame::Header(header), _) => *kind = csv_kind(header, forced),
        (CsvFrame::Row { row, at }, Ok(kind)) => sink(Item::Record {
            unit: Unit::Csv(row, *kind),
            at,
        }),
        (CsvFrame::Row { at, .. }, Err(reason)) => sink(Item::Malformed {
            at,
            reason: reason.clone(),
        }),
        (CsvFrame::Malformed { at, reason }, _) => sink(Item::Malformed { at, reason }),
    }
}

fn line_item(frame: LineFrame<'_>, kind: LineKind, sink: &mut dyn FnMut(Item<'_>)) {
    match frame {
        LineFrame::Line { text, at } => sink(Item::Record {
            unit: Unit::Line(text, kind),
            at,
        }),
        LineFrame::Malformed { at, reason } => sink(Item::Malformed { at, reason }),
    }
}

fn unknown_item(frame: LineFrame<'_>, reason: &str, sink: &mut dyn FnMut(Item<'_>)) {
    let at = match frame {
        LineFrame::Line { at, .. } | LineFrame::Malformed { at, .. } => at,
    };
    sink(Item::Malformed {
        at,
        reason: reason.to_owned(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::GzEncoder;

    #[derive(Debug, PartialEq)]
    enum Seen {
        Json(String),
        Csv(CsvKind, Vec<String>),
        Line(LineKind, String),
        Bad(u64, String),
    }

    fn read(chunks: &[&[u8]], forced: Option<Format>) -> (Vec<Seen>, Option<Format>) {
        let mut input = Input::new(forced, 1 << 20);
        let mut seen = Vec::new();
        let mut sink = |item: Item<'_>| {
            seen.push(match item {
                Item::Record {
                    unit: Unit::Json(bytes),
                    ..
                } => Seen::Json(String::from_utf8_lossy(bytes).into_owned()),
                Item::Record {
                    unit: Unit::Csv(row, kind),
                    ..
                } => Seen::Csv(
                    kind,
                    (0..row.len())
                        .map(|i| row.field(i).and_then(Result::ok).unwrap_or("?").to_owned())
                        .collect(),
                ),
                Item::Record {
                    unit: Unit::Line(text, kind),
                    ..
                } => Seen::Line(kind, text.to_owned()),
                Item::Malformed { at, reason } => Seen::Bad(at.line, reason),
            });
        };
        for chunk in chunks {
            input.push(chunk, &mut sink);
        }
        input.finish(&mut sink);
        (seen, input.format())
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(bytes).expect("in memory");
        encoder.finish().expect("in memory")
    }

    const CSV: &str = "CreationDate,UserIds,Operations,AuditData\n2025-03-04T09:15:02,a@b.com,Send,\"{\"\"Id\"\":\"\"1\"\"}\"\n";

    #[test]
    fn json_csv_and_lines_are_told_apart() {
        let (seen, format) = read(&[b"[{\"a\":1}]"], None);
        assert_eq!(seen, vec![Seen::Json("{\"a\":1}".into())]);
        assert_eq!(format, Some(Format::Json(None)));
        let (seen, format) = read(&[CSV.as_bytes()], None);
        assert_eq!(
            seen,
            vec![Seen::Csv(
                CsvKind::UalCsv,
                vec![
                    "2025-03-04T09:15:02".into(),
                    "a@b.com".into(),
                    "Send".into(),
                    "{\"Id\":\"1\"}".into()
                ]
            )]
        );
        assert_eq!(format, Some(Format::Csv(Some(CsvKind::UalCsv))));
        let w3c = "#Software: Microsoft Internet Information Services 10.0\n#Fields: date time\n2025-03-04 08:41:17\n";
        let (seen, _) = read(&[w3c.as_bytes()], None);
        assert_eq!(seen.len(), 3);
        assert_eq!(
            seen[2],
            Seen::Line(LineKind::IisW3c, "2025-03-04 08:41:17".into())
        );
    }

    #[test]
    fn gzip_is_inflated_whatever_the_chunking() {
        let compressed = gzip(CSV.as_bytes());
        let (plain, _) = read(&[CSV.as_bytes()], None);
        for size in [1, 2, 3, 17, compressed.len()] {
            let chunks: Vec<&[u8]> = compressed.chunks(size).collect();
            let (seen, format) = read(&chunks, None);
            assert_eq!(seen, plain, "chunk size {size}");
            assert_eq!(format, Some(Format::Csv(Some(CsvKind::UalCsv))));
        }
        let twice: Vec<u8> = [gzip(b"{\"a\":1}\n"), gzip(b"{\"b\":2}\n")].concat();
        let (seen, _) = read(&[&twice], None);
        assert_eq!(
            seen,
            vec![
                Seen::Json("{\"a\":1}".into()),
                Seen::Json("{\"b\":2}".into())
            ]
        );
    }

    #[test]
    fn corrupt_or_truncated_gzip_is_reported() {
        let compressed = gzip(b"{\"a\":1}\n{\"b\":2}\n");
        let (seen, _) = read(&[&compressed[..compressed.len() - 6]], None);
        assert!(
            matches!(seen.last(), Some(Seen::Bad(0, reason)) if reason.contains("gzip")),
            "{seen:?}"
        );
        let mut garbled = compressed.clone();
        garbled[12] ^= 0xff;
        let (seen, _) = read(&[&garbled], None);
        assert!(
            seen.iter()
                .any(|s| matches!(s, Seen::Bad(_, reason) if reason.contains("gzip"))),
            "{seen:?}"
        );
    }

    #[test]
    fn unknown_inputs_reject_every_line() {
        let (seen, format) = read(&[b"hello\nworld\n"], None);
        assert_eq!(format, None);
        assert_eq!(seen.len(), 2);
        assert!(matches!(&seen[1], Seen::Bad(2, reason) if reason.contains("hello")));
    }

    #[test]
    fn an_unknown_csv_header_rejects_its_rows() {
        let (seen, _) = read(&[b"CreationDate,UserIds,Colour\n1,2,3\n"], None);
        assert!(
            matches!(&seen[..], [Seen::Bad(2, reason)] if reason.contains("creationdate,userids,colour")),
            "{seen:?}"
        );
    }

    #[test]
    fn a_forced_format_skips_recognition() {
        let (seen, format) = read(
            &[b"1741078877.123 1 x TCP_MISS/200 0 GET http://x/ - -\n"],
            Some(Format::Lines(LineKind::Squid)),
        );
        assert_eq!(format, Some(Format::Lines(LineKind::Squid)));
        assert!(matches!(&seen[0], Seen::Line(LineKind::Squid, _)));
        let (seen, _) = read(&[&gzip(b"{\"a\":1}")], Some(Format::Json(None)));
        assert_eq!(seen, vec![Seen::Json("{\"a\":1}".into())]);
    }
}
