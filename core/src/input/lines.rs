//! Line framing for line-oriented logs (IIS W3C, Squid, combined format).
//!
//! Lines may be split across chunks; a line longer than the record limit is refused without
//! being kept. `\r\n` and `\n` both end a line; blank lines are skipped.

use super::json::Position;

/// What the line framer found.
#[derive(Debug, PartialEq, Eq)]
pub enum LineFrame<'a> {
    /// A non-blank line, without its terminator.
    Line {
        /// The line's text (lossily decoded if it is not UTF-8).
        text: &'a str,
        /// Where it is (`record` counts lines handed out).
        at: Position,
    },
    /// A line that could not be kept.
    Malformed {
        /// Where it is.
        at: Position,
        /// Why.
        reason: String,
    },
}

/// Splits a byte stream into lines.
#[derive(Debug)]
pub struct LineFramer {
    max_line_bytes: usize,
    pending: Vec<u8>,
    oversized: bool,
    line: u64,
    lines: u64,
    consumed: u64,
    line_offset: u64,
}

impl LineFramer {
    /// A framer refusing lines longer than `max_line_bytes`.
    pub fn new(max_line_bytes: usize) -> Self {
        Self {
            max_line_bytes,
            pending: Vec::new(),
            oversized: false,
            line: 1,
            lines: 0,
            consumed: 0,
            line_offset: 0,
        }
    }

    /// Frames the next chunk.
    pub fn push(&mut self, chunk: &[u8], sink: &mut dyn FnMut(LineFrame<'_>)) {
        let mut rest = chunk;
        let mut offset = self.consumed;
        while let Some(end) = memchr::memchr(b'\n', rest) {
            let piece = &rest[..end];
            if self.pending.is_empty() && !self.oversized {
                self.line_offset = offset;
                self.oversized = piece.len() > self.max_line_bytes;
                self.emit(piece, sink);
            } else {
                self.keep(piece);
                let bytes = std::mem::take(&mut self.pending);
                self.emit(&bytes, sink);
                self.pending = bytes;
                self.pending.clear();
            }
            self.line += 1;
            self.oversized = false;
            offset += end as u64 + 1;
            rest = &rest[end + 1..];
        }
        if !rest.is_empty() {
            if self.pending.is_empty() {
                self.line_offset = offset;
            }
            self.keep(rest);
        }
        self.consumed += chunk.len() as u64;
    }

    /// Ends the input: a last line without a terminator is still a line.
    pub fn finish(&mut self, sink: &mut dyn FnMut(LineFrame<'_>)) {
        if !self.pending.is_empty() || self.oversized {
            let bytes = std::mem::take(&mut self.pending);
            self.emit(&bytes, sink);
        }
        self.oversized = false;
    }

    fn keep(&mut self, bytes: &[u8]) {
        if self.oversized {
            return;
        }
        if self.pending.len() + bytes.len() > self.max_line_bytes {
            self.oversized = true;
            self.pending = Vec::new();
        } else {
            self.pending.extend_from_slice(bytes);
        }
    }

    fn emit(&mut self, bytes: &[u8], sink: &mut dyn FnMut(LineFrame<'_>)) {
        let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        if !self.oversized && bytes.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        self.lines += 1;
        let at = Position {
            record: self.lines,
            line: self.line,
            offset: self.line_offset,
        };
        if self.oversized {
            sink(LineFrame::Malformed {
                at,
                reason: format!(
                    "line longer than the limit of {} bytes",
                    self.max_line_bytes
                ),
            });
            return;
        }
        let text = String::from_utf8_lossy(bytes);
        sink(LineFrame::Line { text: &text, at });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(chunks: &[&[u8]], max: usize) -> Vec<(u64, String)> {
        let mut framer = LineFramer::new(max);
        let mut out = Vec::new();
        let mut sink = |frame: LineFrame<'_>| match frame {
            LineFrame::Line { text, at } => out.push((at.line, text.to_owned())),
            LineFrame::Malformed { at, reason } => out.push((at.line, format!("!{reason}"))),
        };
        for chunk in chunks {
            framer.push(chunk, &mut sink);
        }
        framer.finish(&mut sink);
        out
    }

    #[test]
    fn lines_with_any_terminator_and_chunking() {
        let text = "#Fields: date time\r\n2025-03-04 08:41:17 x\r\n\r\nlast";
        let whole = lines(&[text.as_bytes()], 100);
        assert_eq!(
            whole,
            vec![
                (1, "#Fields: date time".to_owned()),
                (2, "2025-03-04 08:41:17 x".to_owned()),
                (4, "last".to_owned())
            ]
        );
        for size in 1..text.len() {
            let chunks: Vec<&[u8]> = text.as_bytes().chunks(size).collect();
            assert_eq!(lines(&chunks, 100), whole, "chunk size {size}");
        }
    }

    #[test]
    fn long_lines_are_refused() {
        let text = format!("ok\n{}\nok again\n", "x".repeat(50));
        let out = lines(&[text.as_bytes()], 10);
        assert_eq!(out[0], (1, "ok".to_owned()));
        assert!(out[1].1.starts_with("!line longer"), "{out:?}");
        assert_eq!(out[2], (3, "ok again".to_owned()));
    }
}
