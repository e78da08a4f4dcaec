//! Streaming CSV framing, on `csv-core`'s push parser.
//!
//! Audit and sign-in CSV exports put whole JSON documents in one quoted column (`AuditData`,
//! with doubled quotes), and fields may hold line breaks, so rows are not lines. `csv-core`
//! parses incrementally from any chunking without allocating per row; this module adds the
//! header, line numbers, the PowerShell `#TYPE` preamble, and the bound on row size.

use super::json::Position;
use csv_core::{ReadRecordResult, Reader};
use std::collections::HashMap;

/// The header of a CSV input: column names, normalised.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CsvHeader {
    /// Column names, trimmed, lower case, a trailing ` [UTC]` removed (Log Analytics writes
    /// `TimeGenerated [UTC]`).
    pub columns: Vec<String>,
    index: HashMap<String, usize>,
}

impl CsvHeader {
    fn new(names: Vec<String>) -> Self {
        let columns: Vec<String> = names.into_iter().map(|name| normalise(&name)).collect();
        let mut index = HashMap::new();
        for (position, name) in columns.iter().enumerate() {
            index.entry(name.clone()).or_insert(position);
        }
        Self { columns, index }
    }

    /// Position of a column, by normalised name (first one when repeated).
    pub fn position(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }
}

/// Lower case, trimmed (including a BOM), quotes and a `[UTC]` suffix removed.
fn normalise(name: &str) -> String {
    let name = name
        .trim_start_matches('\u{feff}')
        .trim()
        .to_ascii_lowercase();
    let name = name
        .strip_suffix("[utc]")
        .map_or(name.as_str(), str::trim_end);
    name.to_owned()
}

/// One data row, borrowed from the framer.
#[derive(Debug, Clone, Copy)]
pub struct CsvRow<'a> {
    /// The input's header.
    pub header: &'a CsvHeader,
    data: &'a [u8],
    ends: &'a [usize],
}

impl<'a> CsvRow<'a> {
    /// Number of fields in this row.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when the row has no field.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Field `index` as text; `Err` when it is not UTF-8.
    pub fn field(&self, index: usize) -> Option<Result<&'a str, std::str::Utf8Error>> {
        let end = *self.ends.get(index)?;
        let start = if index == 0 { 0 } else { self.ends[index - 1] };
        Some(std::str::from_utf8(&self.data[start..end]))
    }

    /// The field under column `name` (normalised: lower case), when present, UTF-8 and not
    /// empty.
    pub fn get(&self, name: &str) -> Option<&'a str> {
        let position = self.header.position(name)?;
        self.field(position)?
            .ok()
            .map(str::trim)
            .filter(|value| !value.is_empty())
    }
}

/// What the CSV framer found.
#[derive(Debug)]
pub enum CsvFrame<'a> {
    /// The header, once, before any row.
    Header(&'a CsvHeader),
    /// A data row.
    Row {
        /// The row.
        row: CsvRow<'a>,
        /// Where it starts.
        at: Position,
    },
    /// A row that could not be read.
    Malformed {
        /// Where it starts.
        at: Position,
        /// Why.
        reason: String,
    },
}

/// Splits a byte stream into CSV rows; the first row (after an optional `#TYPE` line) is the
/// header.
#[derive(Debug)]
pub struct CsvFramer {
    reader: Reader,
    max_row_bytes: usize,
    header: Option<CsvHeader>,
    data: Vec<u8>,
    data_len: usize,
    ends: Vec<usize>,
    ends_len: usize,
    oversized: bool,
    line: u64,
    row_line: u64,
    row_offset: u64,
    consumed: u64,
    rows: u64,
    at_row_start: bool,
}

impl CsvFramer {
    /// A framer refusing rows larger than `max_row_bytes`.
    pub fn new(max_row_bytes: usize) -> Self {
        Self {
            reader: Reader::new(),
            max_row_bytes,
            header: None,
            data: vec![0; 4096],
            data_len: 0,
            ends: vec![0; 64],
            ends_len: 0,
            oversized: false,
            line: 1,
            row_line: 1,
            row_offset: 0,
            consumed: 0,
            rows: 0,
            at_row_start: true,
        }
    }

    /// The header, once read.
    pub fn header(&self) -> Option<&CsvHeader> {
        self.header.as_ref()
    }

    /// Frames the next chunk; the header is reported once, before the rows.
    pub fn push(&mut self, chunk: &[u8], sink: &mut dyn FnMut(CsvFrame<'_>)) {
        let mut input = chunk;
        loop {
            if self.at_row_start {
                let blank = input
                    .iter()
                    .take_while(|b| matches!(b, b'\r' | b'\n'))
                    .count();
                self.count_lines(&input[..blank]);
                input = &input[blank..];
                if input.is_empty() {
                    break;
                }
                self.row_line = self.line;
                self.row_offset = self.consumed;
                self.at_row_start = false;
            }
            let (result, read, written, ended) = self.reader.read_record(
                input,
                &mut self.data[self.data_len..],
                &mut self.ends[self.ends_len..],
            );
            self.count_lines(&input[..read]);
            input = &input[read..];
            self.data_len += written;
            self.ends_len += ended;
            match result {
                ReadRecordResult::InputEmpty => break,
                ReadRecordResult::OutputFull => self.grow_data(),
                ReadRecordResult::OutputEndsFull => {
                    let len = self.ends.len();
                    self.ends.resize(len * 2, 0);
                }
                ReadRecordResult::Record => self.row_done(sink),
                ReadRecordResult::End => break,
            }
        }
    }

    /// Ends the input: a last row without a line break is still a row.
    pub fn finish(&mut self, sink: &mut dyn FnMut(CsvFrame<'_>)) {
        loop {
            let (result, _, written, ended) = self.reader.read_record(
                &[],
                &mut self.data[self.data_len..],
                &mut self.ends[self.ends_len..],
            );
            self.data_len += written;
            self.ends_len += ended;
            match result {
                ReadRecordResult::OutputFull => self.grow_data(),
                ReadRecordResult::OutputEndsFull => {
                    let len = self.ends.len();
                    self.ends.resize(len * 2, 0);
                }
                ReadRecordResult::Record => self.row_done(sink),
                ReadRecordResult::InputEmpty | ReadRecordResult::End => break,
            }
        }
    }

    fn count_lines(&mut self, bytes: &[u8]) {
        self.line += memchr::memchr_iter(b'\n', bytes).count() as u64;
        self.consumed += bytes.len() as u64;
    }

    fn grow_data(&mut self) {
        if self.data.len() >= self.max_row_bytes {
            // Keep parsing to find the row's end, but stop keeping its bytes.
            self.oversized = true;
            self.data_len = 0;
            self.ends_len = 0;
        } else {
            let len = (self.data.len() * 2).min(self.max_row_bytes.max(4096));
            self.data.resize(len, 0);
        }
    }

    fn row_done(&mut self, sink: &mut dyn FnMut(CsvFrame<'_>)) {
        let at = Position {
            record: self.rows + 1,
            line: self.row_line,
            offset: self.row_offset,
        };
        let (data_len, ends_len, oversized) = (self.data_len, self.ends_len, self.oversized);
        self.data_len = 0;
        self.ends_len = 0;
        self.oversized = false;
        self.at_row_start = true;
        let data = &self.data[..data_len];
        let ends = &self.ends[..ends_len];
        if self.header.is_none() {
            let first =
                std::str::from_utf8(&data[..ends.first().copied().unwrap_or(0)]).unwrap_or("");
            if first.trim_start_matches('\u{feff}').starts_with("#TYPE") {
                return;
            }
            let names = (0..ends.len())
                .map(|i| {
                    let start = if i == 0 { 0 } else { ends[i - 1] };
                    String::from_utf8_lossy(&data[start..ends[i]]).into_owned()
                })
                .collect();
            let header = self.header.insert(CsvHeader::new(names));
            sink(CsvFrame::Header(header));
            return;
        }
        self.rows += 1;
        if oversized {
            sink(CsvFrame::Malformed {
                at,
                reason: format!("row larger than the limit of {} bytes", self.max_row_bytes),
            });
            return;
        }
        if let Some(header) = &self.header {
            sink(CsvFrame::Row {
                row: CsvRow { header, data, ends },
                at,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Header, rows (line, fields) and rejections (`line: reason`).
    type Framed = (Vec<String>, Vec<(u64, Vec<String>)>, Vec<String>);

    fn rows(chunks: &[&[u8]], max: usize) -> Framed {
        let mut framer = CsvFramer::new(max);
        let mut header = Vec::new();
        let mut out = Vec::new();
        let mut bad = Vec::new();
        let mut sink = |frame: CsvFrame<'_>| match frame {
            CsvFrame::Header(h) => header = h.columns.clone(),
            CsvFrame::Row { row, at } => out.push((
                at.line,
                (0..row.len())
                    .map(|i| row.field(i).and_then(Result::ok).unwrap_or("?").to_owned())
                    .collect(),
            )),
            CsvFrame::Malformed { at, reason } => bad.push(format!("{}: {reason}", at.line)),
        };
        for chunk in chunks {
            framer.push(chunk, &mut sink);
        }
        framer.finish(&mut sink);
        (header, out, bad)
    }

    const PURVIEW: &str = "\u{feff}RecordId,CreationDate,RecordType,Operation,UserId,AuditData,AssociatedAdminUnits,AssociatedAdminUnitsNames\r\n\
5e7c1a0e,3/4/2025 9:15:02 AM,1,New-InboxRule,jdoe@contoso.com,\"{\"\"Id\"\":\"\"5e7c1a0e\"\",\"\"Parameters\"\":[{\"\"Name\"\":\"\"Name\"\",\"\"Value\"\":\"\"line\nbreak\"\"}]}\",,\r\n\
\r\n\
6f8d2b1f,3/4/2025 9:16:02 AM,2,Send,jdoe@contoso.com,\"{}\",,";

    #[test]
    fn quoted_json_and_line_breaks_in_fields() {
        let (header, rows, bad) = rows(&[PURVIEW.as_bytes()], 1 << 20);
        assert_eq!(header[0], "recordid");
        assert_eq!(header[5], "auditdata");
        assert!(bad.is_empty());
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].0, 2);
        assert_eq!(
            rows[0].1[5],
            "{\"Id\":\"5e7c1a0e\",\"Parameters\":[{\"Name\":\"Name\",\"Value\":\"line\nbreak\"}]}"
        );
        assert_eq!(
            rows[1].0, 5,
            "line after the multi-line field and the blank line"
        );
        assert_eq!(rows[1].1[3], "Send");
    }

    #[test]
    fn any_chunking_gives_the_same_rows() {
        let whole = rows(&[PURVIEW.as_bytes()], 1 << 20);
        for size in 1..PURVIEW.len() {
            let chunks: Vec<&[u8]> = PURVIEW.as_bytes().chunks(size).collect();
            assert_eq!(rows(&chunks, 1 << 20), whole, "chunk size {size}");
        }
    }

    #[test]
    fn powershell_type_line_and_log_analytics_suffixes() {
        let text = "#TYPE Deserialized.Microsoft.Exchange.UnifiedAuditLogResult\n\"TimeGenerated [UTC]\",\"UserPrincipalName\"\n\"3/4/2025, 8:58:09.444 AM\",\"jdoe@contoso.com\"\n";
        let (header, rows, _) = rows(&[text.as_bytes()], 1 << 20);
        assert_eq!(header, vec!["timegenerated", "userprincipalname"]);
        assert_eq!(
            rows,
            vec![(
                3,
                vec![
                    "3/4/2025, 8:58:09.444 AM".to_owned(),
                    "jdoe@contoso.com".to_owned()
                ]
            )]
        );
    }

    #[test]
    fn oversized_rows_are_refused() {
        let text = format!("a,b\n1,{}\n2,3\n", "x".repeat(10_000));
        let (_, rows, bad) = rows(&[text.as_bytes()], 4096);
        assert_eq!(bad.len(), 1);
        assert!(bad[0].starts_with("2:"), "{bad:?}");
        assert_eq!(rows, vec![(3, vec!["2".to_owned(), "3".to_owned()])]);
    }
}
