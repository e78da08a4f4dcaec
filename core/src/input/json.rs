//! Streaming JSON record framing: cuts a byte stream into records.
//!
//! Exports arrive as one JSON array (the Management Activity API, `ConvertTo-Json`), as NDJSON
//! (one record per line), as concatenated pretty-printed objects, and wrapped in an object
//! whose member holds the array (Graph's `{"@odata.context": ..., "value": [...]}`, Azure
//! Monitor's `{"records": [...]}`); and in chunks of any size (a browser `ReadableStream`, a
//! 4 GiB file read piecewise). The framer finds record boundaries structurally (brackets
//! outside strings), so memory holds one record at a time, never the document, and a chunk
//! boundary may fall anywhere, even inside a UTF-8 sequence.
//!
//! A top-level object whose first key is `value`, `records` or an `@odata.` annotation is such
//! a wrapper: its records array is streamed element by element and its other members are
//! skipped without being kept.
//!
//! Each record is reported with its position (1-based record number, line and byte offset), so
//! a rejection can say where the bad record is. Damage is contained: a raw newline inside a
//! string ends the broken record at that line, and in NDJSON an object opening at column 0
//! while another is still open means the previous line was truncated. Scalars where records
//! should be (`42`, `"text"`, a line of garbage) are framed as records of their own and left for
//! the decoder to reject as "not an object".

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
    /// A complete value (normally an object), not yet parsed.
    Record {
        /// The record's bytes, exactly as in the input (trailing whitespace trimmed).
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

/// Where the framer is between records.
#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    /// Between top-level values.
    Top,
    /// Between the elements of a records array (top-level, or a wrapper's).
    Elements { wrapped: bool },
    /// Inside a record; `wrapped`/`array` tell where to return afterwards.
    Record(Context),
    /// Inside a wrapper object, between members.
    Members,
    /// Reading a wrapper member's key.
    Key { key: Vec<u8>, escaped: bool },
    /// After a wrapper member's key, before `:`.
    Colon { records: bool },
    /// After `:`, before the member's value.
    Value { records: bool },
    /// Skipping a wrapper member's value that is not the records array.
    Skip(SkipScan),
}

/// Where a record sits, which decides what ends a scalar and where to return after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    Top,
    Elements { wrapped: bool },
}

/// Progress through a skipped value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct SkipScan {
    depth: u32,
    started: bool,
    in_string: bool,
    escaped: bool,
}

/// Progress through the record being read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Scan {
    depth: u32,
    scalar: bool,
    in_string: bool,
    escaped: bool,
    oversized: bool,
    first_key: FirstKey,
}

/// Capture of a top-level object's first key, to recognise wrappers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
enum FirstKey {
    #[default]
    NotTracked,
    Awaiting,
    Reading(Vec<u8>),
}

/// How the top level lays out its values, learnt from the first significant byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    Unknown,
    Array,
    Sequence,
}

/// True when `object` (starting with `{`) opens with a wrapper key.
fn starts_with_wrapper_key(object: &[u8]) -> bool {
    let rest = object[1..].trim_ascii_start();
    let Some(rest) = rest.strip_prefix(b"\"") else {
        return false;
    };
    let key = match memchr::memchr(b'"', rest) {
        Some(end) => &rest[..end],
        None => return false,
    };
    WRAPPER_KEYS.contains(&key) || key.starts_with(ODATA_PREFIX)
}

/// Keys that, as the first key of a top-level object, make it a wrapper around records.
const WRAPPER_KEYS: &[&[u8]] = &[b"value", b"records"];
/// The wrapper members that hold the records array.
const RECORDS_KEYS: &[&[u8]] = &[b"value", b"records"];
/// Annotations that precede `value` in Graph responses.
const ODATA_PREFIX: &[u8] = b"@odata.";
/// Longest first key worth capturing.
const MAX_KEY: usize = 64;
/// UTF-8 byte-order mark, which Windows tools put at the start of exports.
const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// Splits a byte stream into JSON records. Feed it with [`JsonFramer::push`], close it with
/// [`JsonFramer::finish`].
#[derive(Debug)]
pub struct JsonFramer {
    max_record_bytes: usize,
    state: State,
    layout: Layout,
    scan: Scan,
    pending: Vec<u8>,
    start: Position,
    records: u64,
    line: u64,
    consumed: u64,
    at_line_start: bool,
}

impl JsonFramer {
    /// A framer that refuses records larger than `max_record_bytes`.
    pub fn new(max_record_bytes: usize) -> Self {
        Self {
            max_record_bytes,
            state: State::Top,
            layout: Layout::Unknown,
            scan: Scan::default(),
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
        let mut begin = matches!(self.state, State::Record(_)).then_some(0);
        let mut i = 0;
        while i < chunk.len() {
            let byte = chunk[i];
            if byte == b'{' && self.at_line_start {
                if let Some(newline) = self.try_whole_line(chunk, i, sink) {
                    i = newline;
                    continue;
                }
            }
            let reprocess = match &mut self.state {
                State::Record(context) => {
                    let context = *context;
                    self.record_byte(chunk, i, byte, context, &mut begin, sink)
                }
                _ => self.between_byte(i, byte, &mut begin, sink),
            };
            if reprocess {
                continue;
            }
            if byte == b'\n' {
                self.line += 1;
                self.at_line_start = true;
            } else {
                self.at_line_start = false;
            }
            i += 1;
        }
        if let Some(from) = begin {
            self.keep(&chunk[from..]);
        }
        self.consumed += chunk.len() as u64;
    }

    /// Ends the input: a record still open is reported as truncated.
    pub fn finish(&mut self, sink: &mut dyn FnMut(Frame<'_>)) {
        if let State::Record(_) = self.state {
            if self.scan.scalar && !self.scan.in_string {
                let bytes = std::mem::take(&mut self.pending);
                self.emit(&bytes, sink);
                self.pending = bytes;
            } else {
                sink(Frame::Malformed {
                    at: self.start,
                    reason: "truncated record: the input ends inside it".into(),
                });
            }
        }
        self.pending.clear();
        self.scan = Scan::default();
        self.state = State::Top;
    }

    /// The fast path for the common layouts, NDJSON and an array with one record per line:
    /// a line that opens an object at column 0 and closes one at its end is taken whole,
    /// without scanning it byte by byte; the decoder's JSON parser validates it (a line
    /// truncated inside a nested value is then rejected on its own, as it should be). Wrapper
    /// objects, lines split across chunks and anything else take the structural path.
    /// Returns the index of the line's terminating newline when the line was taken.
    fn try_whole_line(
        &mut self,
        chunk: &[u8],
        i: usize,
        sink: &mut dyn FnMut(Frame<'_>),
    ) -> Option<usize> {
        let context = match self.state {
            State::Top if self.layout != Layout::Array => Context::Top,
            State::Elements { wrapped } => Context::Elements { wrapped },
            _ => return None,
        };
        let newline = i + memchr::memchr(b'\n', &chunk[i..])?;
        let mut line = chunk[i..newline].trim_ascii_end();
        if matches!(context, Context::Elements { .. }) {
            line = line.strip_suffix(b",").unwrap_or(line).trim_ascii_end();
        }
        if line.last() != Some(&b'}') || starts_with_wrapper_key(line) {
            return None;
        }
        if self.layout == Layout::Unknown {
            self.layout = Layout::Sequence;
        }
        self.records += 1;
        self.start = Position {
            record: self.records,
            line: self.line,
            offset: self.consumed + i as u64,
        };
        self.scan.oversized = line.len() > self.max_record_bytes;
        self.emit(line, sink);
        self.scan = Scan::default();
        self.at_line_start = false;
        Some(newline)
    }

    /// Handles a byte outside any record. Returns true when the byte must be looked at again.
    fn between_byte(
        &mut self,
        i: usize,
        byte: u8,
        begin: &mut Option<usize>,
        sink: &mut dyn FnMut(Frame<'_>),
    ) -> bool {
        let position = self.consumed + i as u64;
        if position < BOM.len() as u64 && byte == BOM[position as usize] {
            return false;
        }
        let whitespace = matches!(byte, b' ' | b'\t' | b'\r' | b'\n');
        match &mut self.state {
            State::Top => {
                if whitespace {
                } else if byte == b'[' {
                    self.layout = Layout::Array;
                    self.state = State::Elements { wrapped: false };
                } else {
                    if self.layout == Layout::Unknown {
                        self.layout = Layout::Sequence;
                    }
                    self.start_record(i, byte, Context::Top, begin);
                }
            }
            State::Elements { wrapped } => {
                let wrapped = *wrapped;
                match byte {
                    _ if whitespace => {}
                    b',' => {}
                    b']' if wrapped => self.state = State::Members,
                    b']' => {
                        self.layout = Layout::Sequence;
                        self.state = State::Top;
                    }
                    _ => self.start_record(i, byte, Context::Elements { wrapped }, begin),
                }
            }
            State::Members => match byte {
                _ if whitespace => {}
                b',' => {}
                b'"' => {
                    self.state = State::Key {
                        key: Vec::new(),
                        escaped: false,
                    }
                }
                b'}' => self.state = State::Top,
                _ => self.wrapper_damage(i, "unexpected character between wrapper members", sink),
            },
            State::Key { key, escaped } => {
                if *escaped {
                    *escaped = false;
                } else if byte == b'\\' {
                    *escaped = true;
                } else if byte == b'"' {
                    let records = RECORDS_KEYS.contains(&key.as_slice());
                    self.state = State::Colon { records };
                    return false;
                } else if byte == b'\n' {
                    self.wrapper_damage(i, "line break inside a wrapper member's key", sink);
                    return false;
                }
                if key.len() < MAX_KEY {
                    key.push(byte);
                }
            }
            State::Colon { records } => match byte {
                _ if whitespace => {}
                b':' => self.state = State::Value { records: *records },
                _ => self.wrapper_damage(i, "expected `:` after a wrapper member's key", sink),
            },
            State::Value { records } => match byte {
                _ if whitespace => {}
                b'[' if *records => self.state = State::Elements { wrapped: true },
                _ => {
                    self.state = State::Skip(SkipScan::default());
                    return true;
                }
            },
            State::Skip(skip) => {
                if skip.in_string {
                    if skip.escaped {
                        skip.escaped = false;
                    } else if byte == b'\\' {
                        skip.escaped = true;
                    } else if byte == b'"' {
                        skip.in_string = false;
                        if skip.depth == 0 {
                            self.state = State::Members;
                        }
                    } else if byte == b'\n' {
                        self.wrapper_damage(i, "line break inside a string", sink);
                    }
                } else if !skip.started && whitespace {
                } else {
                    let first = !skip.started;
                    skip.started = true;
                    match byte {
                        b'"' => skip.in_string = true,
                        b'{' | b'[' => skip.depth += 1,
                        b'}' | b']' if skip.depth > 0 => {
                            skip.depth -= 1;
                            if skip.depth == 0 {
                                self.state = State::Members;
                            }
                        }
                        b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n'
                            if skip.depth == 0 && !first =>
                        {
                            // End of a scalar member value: let `Members` see the delimiter.
                            self.state = State::Members;
                            return true;
                        }
                        _ => {}
                    }
                }
            }
            State::Record(_) => unreachable!("records are handled by record_byte"),
        }
        false
    }

    /// Handles a byte inside a record. Returns true when the byte must be looked at again.
    fn record_byte(
        &mut self,
        chunk: &[u8],
        i: usize,
        byte: u8,
        context: Context,
        begin: &mut Option<usize>,
        sink: &mut dyn FnMut(Frame<'_>),
    ) -> bool {
        let scan = &mut self.scan;
        if scan.in_string {
            if scan.escaped {
                scan.escaped = false;
            } else if byte == b'\\' {
                scan.escaped = true;
            } else if byte == b'"' {
                scan.in_string = false;
                if let FirstKey::Reading(key) = &scan.first_key {
                    let wrapper =
                        WRAPPER_KEYS.contains(&key.as_slice()) || key.starts_with(ODATA_PREFIX);
                    if wrapper {
                        let records = RECORDS_KEYS.contains(&key.as_slice());
                        self.enter_wrapper(records, begin);
                        return false;
                    }
                    scan.first_key = FirstKey::NotTracked;
                }
                return false;
            } else if byte == b'\n' {
                self.cut(
                    begin,
                    "unterminated string: the record ends at a line break inside a string",
                    context,
                    sink,
                );
                return false;
            }
            if let FirstKey::Reading(key) = &mut scan.first_key {
                if key.len() < MAX_KEY {
                    key.push(byte);
                } else {
                    scan.first_key = FirstKey::NotTracked;
                }
            }
            return false;
        }
        if scan.scalar {
            let ends = match context {
                Context::Elements { .. } => matches!(byte, b',' | b']' | b'\n'),
                Context::Top => byte == b'\n',
            };
            if ends {
                self.complete(chunk, begin.take(), i, context, sink);
                return true;
            }
            if byte == b'"' {
                scan.in_string = true;
            }
            return false;
        }
        match byte {
            b'"' => {
                scan.in_string = true;
                if scan.first_key == FirstKey::Awaiting && scan.depth == 1 {
                    scan.first_key = FirstKey::Reading(Vec::new());
                }
            }
            b'{' if self.at_line_start
                && context == Context::Top
                && self.layout == Layout::Sequence =>
            {
                // A new line-delimited record opened while the previous one is unclosed.
                self.cut(
                    begin,
                    "truncated record: a new record starts before this one is closed",
                    context,
                    sink,
                );
                return true;
            }
            b'{' | b'[' => {
                scan.depth += 1;
                scan.first_key = FirstKey::NotTracked;
            }
            b'}' | b']' => {
                scan.depth -= 1;
                if scan.depth == 0 {
                    self.complete(chunk, begin.take(), i + 1, context, sink);
                }
            }
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ => scan.first_key = FirstKey::NotTracked,
        }
        false
    }

    fn start_record(&mut self, i: usize, byte: u8, context: Context, begin: &mut Option<usize>) {
        self.records += 1;
        self.start = Position {
            record: self.records,
            line: self.line,
            offset: self.consumed + i as u64,
        };
        *begin = Some(i);
        self.pending.clear();
        self.scan = Scan::default();
        match byte {
            b'{' => {
                self.scan.depth = 1;
                if context == Context::Top {
                    self.scan.first_key = FirstKey::Awaiting;
                }
            }
            b'[' => self.scan.depth = 1,
            b'"' => {
                self.scan.scalar = true;
                self.scan.in_string = true;
            }
            _ => self.scan.scalar = true,
        }
        self.state = State::Record(context);
    }

    /// The object being read turned out to be a wrapper: forget it as a record.
    fn enter_wrapper(&mut self, records: bool, begin: &mut Option<usize>) {
        self.records -= 1;
        *begin = None;
        self.pending.clear();
        self.scan = Scan::default();
        self.state = State::Colon { records };
    }

    /// A wrapper object is damaged: report it and return to the top level.
    fn wrapper_damage(&mut self, i: usize, reason: &str, sink: &mut dyn FnMut(Frame<'_>)) {
        self.records += 1;
        let at = Position {
            record: self.records,
            line: self.line,
            offset: self.consumed + i as u64,
        };
        self.state = State::Top;
        sink(Frame::Malformed {
            at,
            reason: reason.into(),
        });
    }

    /// Drops the record being read as malformed and returns to scanning between records.
    fn cut(
        &mut self,
        begin: &mut Option<usize>,
        reason: &str,
        context: Context,
        sink: &mut dyn FnMut(Frame<'_>),
    ) {
        *begin = None;
        self.pending.clear();
        self.scan = Scan::default();
        self.state = Self::after(context);
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
        context: Context,
        sink: &mut dyn FnMut(Frame<'_>),
    ) {
        self.state = Self::after(context);
        let tail = &chunk[begin.unwrap_or(0)..end];
        if self.pending.is_empty() && !self.scan.oversized {
            self.scan.oversized = tail.len() > self.max_record_bytes;
            self.emit(tail, sink);
        } else {
            self.keep(tail);
            let bytes = std::mem::take(&mut self.pending);
            self.emit(&bytes, sink);
            self.pending = bytes;
            self.pending.clear();
        }
        self.scan = Scan::default();
    }

    fn after(context: Context) -> State {
        match context {
            Context::Top => State::Top,
            Context::Elements { wrapped } => State::Elements { wrapped },
        }
    }

    fn emit(&self, bytes: &[u8], sink: &mut dyn FnMut(Frame<'_>)) {
        if self.scan.oversized {
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
        if self.scan.oversized {
            return;
        }
        if self.pending.len() + bytes.len() > self.max_record_bytes {
            self.scan.oversized = true;
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

    /// Frames `text` whole and in every chunk size, and checks they agree.
    fn frame_every_way(text: &str) -> Vec<Out> {
        let whole = frame(text);
        for size in 1..text.len().min(64) {
            let chunks: Vec<&[u8]> = text.as_bytes().chunks(size).collect();
            assert_eq!(frame_chunks(&chunks, 1 << 20), whole, "chunk size {size}");
        }
        whole
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
        let whole = frame_every_way(text);
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
        for size in [7, big.len()] {
            let chunks: Vec<&[u8]> = big.as_bytes().chunks(size).collect();
            let out = frame_chunks(&chunks, 50);
            assert!(matches!(&out[0], Out::Malformed(1, 1, reason) if reason.contains("limit")));
            assert_eq!(out[1], Out::Record(r#"{"b":1}"#.into(), 2, 2));
        }
    }

    #[test]
    fn azure_monitor_records_wrapper_is_streamed() {
        let text =
            "{\"records\": [\n{\"time\":\"t1\",\"properties\":{\"a\":1}},\n{\"time\":\"t2\"}\n]}\n";
        let out = frame_every_way(text);
        assert_eq!(
            out,
            vec![
                Out::Record(r#"{"time":"t1","properties":{"a":1}}"#.into(), 1, 2),
                Out::Record(r#"{"time":"t2"}"#.into(), 2, 3)
            ]
        );
    }

    #[test]
    fn graph_value_wrapper_skips_annotations() {
        let text = r#"{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns","@odata.count":2,"value":[{"id":"1"},{"id":"2"}],"@odata.nextLink":"https://x/?$skiptoken=a\"b"}
{"value":[{"id":"3"}]}"#;
        let out = frame_every_way(text);
        assert_eq!(
            records(&out),
            vec![r#"{"id":"1"}"#, r#"{"id":"2"}"#, r#"{"id":"3"}"#]
        );
        assert_eq!(out.len(), 3);
    }

    #[test]
    fn a_record_whose_first_key_is_not_a_wrapper_key_is_a_record() {
        let text = r#"{"Id":"1","value":[1]} {"valued":2}"#;
        assert_eq!(
            records(&frame(text)),
            vec![r#"{"Id":"1","value":[1]}"#, r#"{"valued":2}"#]
        );
        assert_eq!(
            records(&frame("{\"Id\":\"1\",\"value\":[1]}\n{\"valued\":2}\n")),
            vec![r#"{"Id":"1","value":[1]}"#, r#"{"valued":2}"#]
        );
    }

    #[test]
    fn whole_lines_take_the_fast_path_with_the_same_result() {
        let text = "{\"a\":\"}\"}\n{\"b\":{\"c\":1}}\r\n{\"records\":[{\"d\":1}]}\n[\n{\"e\":1},\n{\"f\":{\"g\":2}}\n]\n";
        let out = frame_every_way(text);
        assert_eq!(
            records(&out),
            vec![
                r#"{"a":"}"}"#,
                r#"{"b":{"c":1}}"#,
                r#"{"d":1}"#,
                r#"{"e":1}"#,
                r#"{"f":{"g":2}}"#
            ]
        );
        assert_eq!(out[4], Out::Record(r#"{"f":{"g":2}}"#.into(), 5, 6));
    }

    #[test]
    fn a_line_cut_inside_a_nested_value_stays_one_record() {
        let out = frame("{\"a\":{\"b\":1}\n{\"c\":2}\n");
        assert_eq!(records(&out), vec![r#"{"a":{"b":1}"#, r#"{"c":2}"#]);
    }

    #[test]
    fn a_huge_wrapper_is_streamed_in_bounded_memory() {
        let mut framer = JsonFramer::new(1024);
        let mut count = 0u64;
        let mut sink = |frame: Frame<'_>| {
            assert!(matches!(frame, Frame::Record { .. }), "{frame:?}");
            count += 1;
        };
        framer.push(b"{\"records\":[", &mut sink);
        for _ in 0..100_000 {
            framer.push(
                b"{\"time\":\"2025-03-04T08:58:09Z\",\"resultType\":\"0\"},",
                &mut sink,
            );
            assert!(framer.pending.capacity() <= 1024);
        }
        framer.push(b"{\"last\":true}]}", &mut sink);
        framer.finish(&mut sink);
        assert_eq!(count, 100_001);
    }
}
