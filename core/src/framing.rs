//! Streaming JSON record framing: cuts a byte stream into top-level records.
//!
//! Exports arrive as one JSON array (the Management Activity API, `ConvertTo-Json`), as NDJSON
//! (one record per line), as concatenated pretty-printed objects, and in chunks of any size
//! (a browser `ReadableStream`, a socket, a 4 GiB file read piecewise). The framer finds record
//! boundaries structurally (brackets outside strings), so memory holds one record at a time,
//! never the document, and a chunk boundary may fall anywhere, even inside a UTF-8 sequence.
//!
//! Each record is reported with its position (1-based record number, line and byte offset), so
//! a rejection can say where the bad record is. Damage is contained: a raw newline inside a
//! string ends the broken record at that line, and in NDJSON an object opening at column 0
//! while another is still open means the previous line was truncated. Scalars where records
//! should be (`42`, `"text"`) are framed as records of their own and left for the decoder to
//! reject as "not an object".

/// Where a record starts in its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    /// 1-based number of the record within its input.
    pub record: u64,
    /// 1-based line on which the record starts.
    pub line: u64,
    /// Byte offset of the record's first byte.
    pub offset: u64,
}

/// What the framer found.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame<'a> {
    /// A complete top-level value (normally an object), not yet parsed.
    Record {
        /// The record's bytes, exactly as in the input.
        bytes: &'a [u8],
        /// Where it starts.
        at: Position,
    },
    /// A record that cannot be complete JSON; its bytes are dropped.
    Malformed {
        /// Where it starts.
        at: Position,
        /// Why it was cut.
        reason: String,
    },
}

/// How the input lays out its records, learnt from its first significant byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    Unknown,
    /// Inside a top-level `[ ... ]`.
    Array,
    /// Top-level values one after another (NDJSON, concatenated objects), or after an array.
    Sequence,
}

/// The state of the record being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scan {
    Between,
    /// Inside an object or array record; `depth` open brackets.
    Nested {
        depth: u32,
    },
    /// Inside a scalar record (number, literal or string at top level).
    Scalar,
}

/// Splits a byte stream into top-level JSON records. Feed it with [`JsonFramer::push`],
/// close it with [`JsonFramer::finish`].
#[derive(Debug)]
pub struct JsonFramer {
    max_record_bytes: usize,
    layout: Layout,
    scan: Scan,
    in_string: bool,
    escaped: bool,
    oversized: bool,
    pending: Vec<u8>,
    start: Position,
    records: u64,
    line: u64,
    consumed: u64,
    at_line_start: bool,
}

/// UTF-8 byte-order mark, which Windows tools put at the start of exports.
const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

impl JsonFramer {
    /// A framer that refuses records larger than `max_record_bytes`.
    pub fn new(max_record_bytes: usize) -> Self {
        Self {
            max_record_bytes,
            layout: Layout::Unknown,
            scan: Scan::Between,
            in_string: false,
            escaped: false,
            oversized: false,
            pending: Vec::new(),
            start: Position::default(),
            records: 0,
            line: 1,
            consumed: 0,
            at_line_start: true,
        }
    }

    /// Number of records framed so far (complete, malformed or oversized).
    pub fn records(&self) -> u64 {
        self.records
    }

    /// Frames the next chunk, calling `sink` for every record that completes in it.
    pub fn push(&mut self, chunk: &[u8], sink: &mut dyn FnMut(Frame<'_>)) {
        let mut begin = (self.scan != Scan::Between).then_some(0);
        let mut i = 0;
        while i < chunk.len() {
            let byte = chunk[i];
            let at_line_start = self.at_line_start;
            match self.scan {
                Scan::Between => {
                    self.between(byte, i, &mut begin);
                }
                _ if self.in_string && byte == b'\n' => {
                    self.cut(
                        &mut begin,
                        "unterminated string: the record ends at a line break inside a string",
                        sink,
                    );
                }
                Scan::Scalar if !self.in_string && self.ends_scalar(byte) => {
                    // The delimiter is not part of the scalar: emit, then look at it again.
                    self.complete(chunk, begin.take(), i, sink);
                    continue;
                }
                Scan::Scalar => self.string_byte(byte),
                Scan::Nested { .. } if self.in_string => self.string_byte(byte),
                Scan::Nested { depth } => match byte {
                    b'"' => self.in_string = true,
                    b'{' if at_line_start && self.layout == Layout::Sequence => {
                        // A new line-delimited record opened while the previous one is unclosed.
                        self.cut(
                            &mut begin,
                            "truncated record: a new record starts before this one is closed",
                            sink,
                        );
                        continue;
                    }
                    b'{' | b'[' => self.scan = Scan::Nested { depth: depth + 1 },
                    b'}' | b']' if depth == 1 => {
                        self.scan = Scan::Between;
                        self.complete(chunk, begin.take(), i + 1, sink);
                    }
                    b'}' | b']' => self.scan = Scan::Nested { depth: depth - 1 },
                    _ => {}
                },
            }
            self.advance(byte);
            i += 1;
        }
        if let Some(from) = begin {
            self.keep(&chunk[from..]);
        }
        self.consumed += chunk.len() as u64;
    }

    /// Ends the input: a record still open is reported as truncated.
    pub fn finish(&mut self, sink: &mut dyn FnMut(Frame<'_>)) {
        match self.scan {
            Scan::Between => {}
            Scan::Scalar if !self.in_string => {
                let bytes = std::mem::take(&mut self.pending);
                self.emit(&bytes, sink);
                self.pending = bytes;
                self.pending.clear();
            }
            _ => {
                self.pending.clear();
                sink(Frame::Malformed {
                    at: self.start,
                    reason: "truncated record: the input ends inside it".into(),
                });
            }
        }
        self.scan = Scan::Between;
        self.in_string = false;
        self.escaped = false;
        self.oversized = false;
    }

    /// Handles a byte outside any record.
    fn between(&mut self, byte: u8, i: usize, begin: &mut Option<usize>) {
        match byte {
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ if self.consumed + (i as u64) < BOM.len() as u64
                && byte == BOM[self.consumed as usize + i] => {}
            b'[' if self.layout != Layout::Array => self.layout = Layout::Array,
            b',' if self.layout == Layout::Array => {}
            b']' if self.layout == Layout::Array => self.layout = Layout::Sequence,
            _ => {
                if self.layout == Layout::Unknown {
                    self.layout = Layout::Sequence;
                }
                self.records += 1;
                self.start = Position {
                    record: self.records,
                    line: self.line,
                    offset: self.consumed + i as u64,
                };
                *begin = Some(i);
                self.pending.clear();
                self.oversized = false;
                self.scan = match byte {
                    b'{' | b'[' => Scan::Nested { depth: 1 },
                    b'"' => {
                        self.in_string = true;
                        Scan::Scalar
                    }
                    _ => Scan::Scalar,
                };
            }
        }
    }

    /// True when `byte` ends a top-level scalar: in an array the next `,` or `]`; in a line
    /// sequence the end of the line, so that a line of garbage is one rejected record.
    fn ends_scalar(&self, byte: u8) -> bool {
        match self.layout {
            Layout::Array => matches!(byte, b',' | b']' | b'\n'),
            Layout::Sequence | Layout::Unknown => byte == b'\n',
        }
    }

    /// Handles a byte inside a string (or a scalar record).
    fn string_byte(&mut self, byte: u8) {
        if !self.in_string {
            if byte == b'"' {
                self.in_string = true;
            }
        } else if self.escaped {
            self.escaped = false;
        } else if byte == b'\\' {
            self.escaped = true;
        } else if byte == b'"' {
            self.in_string = false;
        }
    }

    fn advance(&mut self, byte: u8) {
        if byte == b'\n' {
            self.line += 1;
            self.at_line_start = true;
        } else {
            self.at_line_start = false;
        }
    }

    /// Drops the record being read as malformed and returns to scanning between records.
    fn cut(&mut self, begin: &mut Option<usize>, reason: &str, sink: &mut dyn FnMut(Frame<'_>)) {
        *begin = None;
        self.pending.clear();
        self.scan = Scan::Between;
        self.in_string = false;
        self.escaped = false;
        self.oversized = false;
        sink(Frame::Malformed {
            at: self.start,
            reason: reason.into(),
        });
    }

    /// The record ends before `end` in `chunk`; emit it from the chunk or from `pending`.
    fn complete(
        &mut self,
        chunk: &[u8],
        begin: Option<usize>,
        end: usize,
        sink: &mut dyn FnMut(Frame<'_>),
    ) {
        self.scan = Scan::Between;
        self.in_string = false;
        self.escaped = false;
        let tail = &chunk[begin.unwrap_or(0)..end];
        if self.pending.is_empty() && !self.oversized {
            self.emit(tail, sink);
        } else {
            self.keep(tail);
            let bytes = std::mem::take(&mut self.pending);
            self.emit(&bytes, sink);
            self.pending = bytes;
            self.pending.clear();
        }
        self.oversized = false;
    }

    fn emit(&self, bytes: &[u8], sink: &mut dyn FnMut(Frame<'_>)) {
        if self.oversized {
            sink(Frame::Malformed {
                at: self.start,
                reason: format!(
                    "record larger than the limit of {} bytes",
                    self.max_record_bytes
                ),
            });
        } else {
            sink(Frame::Record {
                bytes: bytes.trim_ascii_end(),
                at: self.start,
            });
        }
    }

    /// Keeps part of an unfinished record, unless it has grown past the limit.
    fn keep(&mut self, bytes: &[u8]) {
        if self.oversized {
            return;
        }
        if self.pending.len() + bytes.len() > self.max_record_bytes {
            self.oversized = true;
            self.pending = Vec::new();
        } else {
            self.pending.extend_from_slice(bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    enum Out {
        Record(String, u64, u64),
        Malformed(u64, u64, String),
    }

    fn frame_chunks(chunks: &[&[u8]], max: usize) -> Vec<Out> {
        let mut framer = JsonFramer::new(max);
        let mut out = Vec::new();
        let mut sink = |frame: Frame<'_>| match frame {
            Frame::Record { bytes, at } => out.push(Out::Record(
                String::from_utf8_lossy(bytes).into_owned(),
                at.record,
                at.line,
            )),
            Frame::Malformed { at, reason } => out.push(Out::Malformed(at.record, at.line, reason)),
        };
        for chunk in chunks {
            framer.push(chunk, &mut sink);
        }
        framer.finish(&mut sink);
        out
    }

    fn frame(text: &str) -> Vec<Out> {
        frame_chunks(&[text.as_bytes()], 1 << 20)
    }

    fn records(out: &[Out]) -> Vec<&str> {
        out.iter()
            .filter_map(|o| match o {
                Out::Record(text, _, _) => Some(text.as_str()),
                Out::Malformed(..) => None,
            })
            .collect()
    }

    #[test]
    fn array_and_ndjson_give_the_same_records() {
        let array = frame(r#"[{"a":1},{"b":"x}y"}, {"c":[1,{"d":2}]}]"#);
        let lines = frame("{\"a\":1}\n{\"b\":\"x}y\"}\n{\"c\":[1,{\"d\":2}]}\n");
        assert_eq!(
            records(&array),
            vec![r#"{"a":1}"#, r#"{"b":"x}y"}"#, r#"{"c":[1,{"d":2}]}"#]
        );
        assert_eq!(records(&array), records(&lines));
    }

    #[test]
    fn positions_are_record_and_line() {
        let out = frame("[\n  {\"a\":1},\n  {\"b\":2}\n]\n");
        assert_eq!(
            out,
            vec![
                Out::Record(r#"{"a":1}"#.into(), 1, 2),
                Out::Record(r#"{"b":2}"#.into(), 2, 3)
            ]
        );
    }

    #[test]
    fn any_chunking_gives_the_same_records() {
        let text = "\u{feff}[{\"a\":\"\\\"}\"},\n{\"b\":\"é\"}, 42 ,{\"c\":{}}]";
        let whole = frame(text);
        for size in 1..text.len() {
            let chunks: Vec<&[u8]> = text.as_bytes().chunks(size).collect();
            assert_eq!(frame_chunks(&chunks, 1 << 20), whole, "chunk size {size}");
        }
        assert_eq!(
            records(&whole),
            vec!["{\"a\":\"\\\"}\"}", "{\"b\":\"é\"}", "42", "{\"c\":{}}"]
        );
    }

    #[test]
    fn scalars_are_framed_for_the_decoder_to_reject() {
        assert_eq!(
            records(&frame(r#"[1, "x,]", null ,true]"#)),
            vec!["1", "\"x,]\"", "null", "true"]
        );
    }

    #[test]
    fn a_line_of_garbage_is_one_record() {
        let out = frame("{\"a\":1}\nnot json, at all\r\n{\"b\":2}\n");
        assert_eq!(out[1], Out::Record("not json, at all".into(), 2, 2));
        assert_eq!(out.len(), 3);
    }

    #[test]
    fn truncated_final_record_is_reported() {
        let out = frame("{\"a\":1}\n{\"b\":");
        assert_eq!(out[0], Out::Record(r#"{"a":1}"#.into(), 1, 1));
        assert!(matches!(&out[1], Out::Malformed(2, 2, reason) if reason.contains("truncated")));
    }

    #[test]
    fn truncated_line_in_ndjson_does_not_swallow_the_next() {
        let out = frame("{\"a\":1,\n{\"b\":2}\n{\"c\":\"cut\n{\"d\":4}\n");
        assert!(matches!(&out[0], Out::Malformed(1, 1, _)));
        assert_eq!(out[1], Out::Record(r#"{"b":2}"#.into(), 2, 2));
        assert!(matches!(&out[2], Out::Malformed(3, 3, reason) if reason.contains("unterminated")));
        assert_eq!(out[3], Out::Record(r#"{"d":4}"#.into(), 4, 4));
        assert_eq!(out.len(), 4);
    }

    #[test]
    fn pretty_printed_objects_are_whole_records() {
        let text = "{\n  \"a\": {\n    \"b\": 1\n  }\n}\n{\n  \"c\": 2\n}\n";
        assert_eq!(
            records(&frame(text)),
            vec!["{\n  \"a\": {\n    \"b\": 1\n  }\n}", "{\n  \"c\": 2\n}"]
        );
    }

    #[test]
    fn oversized_records_are_refused_without_buffering() {
        let big = format!("{{\"a\":\"{}\"}}\n{{\"b\":1}}\n", "x".repeat(100));
        let chunks: Vec<&[u8]> = big.as_bytes().chunks(7).collect();
        let out = frame_chunks(&chunks, 50);
        assert!(matches!(&out[0], Out::Malformed(1, 1, reason) if reason.contains("limit")));
        assert_eq!(out[1], Out::Record(r#"{"b":1}"#.into(), 2, 2));
    }
}
