//! A scanner over the members of one JSON object: each key, and the byte span of its value,
//! without building the values.
//!
//! Why not serde: most audit records end up ignored, and the decoder must keep pace with
//! merely skipping the bytes. A typed serde map visit costs a UTF-8 check and a visitor call
//! per key and per string, and a borrowed raw member is validated once more when captured;
//! that put decoding at under half the speed of `IgnoredAny`. This scanner finds string ends
//! sixteen bytes at a time ([`super::find`]), skips nested values by counting brackets, and
//! leaves it to the caller to decode the few values it reads (a borrowed `&str` when the
//! string has no escapes).
//!
//! What it checks: the object's own punctuation (`{`, `"key"`, `:`, `,`, `}`, nothing after
//! it), that strings end, that brackets nest and match up to 128 levels (serde_json's limit),
//! and the grammar of top-level numbers and literals. Inside a nested value it skips, it checks
//! strings and brackets but not commas or scalars: a member nobody reads is not parsed. Every
//! member the decoder reads is parsed fully when it is read: by serde, or, for an object or
//! array the decoder reads in place ([`Members::read_object_in_place`]), by a scanner of its
//! own members with these same checks.

use super::find;
use std::borrow::Cow;
use std::fmt;

/// Why an object could not be scanned, and where (byte offset in the scanned text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanError {
    /// Byte offset of the problem.
    pub offset: usize,
    /// What was wrong.
    pub problem: &'static str,
}

impl fmt::Display for ScanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.problem, self.offset)
    }
}

/// What kind of JSON value a span holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string; `escaped` when it contains a backslash escape.
    String {
        /// The string has escapes and must be unescaped to be read.
        escaped: bool,
    },
    /// A number.
    Number,
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// An object.
    Object,
    /// An array.
    Array,
}

impl Kind {
    /// The kind as an error message names it.
    pub fn name(self) -> &'static str {
        match self {
            Self::String { .. } => "a string",
            Self::Number => "a number",
            Self::Bool(_) => "a boolean",
            Self::Null => "null",
            Self::Object => "an object",
            Self::Array => "an array",
        }
    }
}

/// A value's text, exactly as in the input (a string's quotes included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawJson<'a> {
    /// The value's text.
    pub text: &'a str,
    /// What it is.
    pub kind: Kind,
}

impl<'a> RawJson<'a> {
    /// The content of a string without escapes, borrowed; `None` for any other value. The
    /// common case of every text read, kept small enough to inline where the text is read.
    #[inline(always)]
    pub fn plain_str(&self) -> Option<&'a str> {
        match self.kind {
            // The quotes are ASCII, so the content's ends are character boundaries.
            Kind::String { escaped: false } => self.text.get(1..self.text.len() - 1),
            _ => None,
        }
    }

    /// The string's content, borrowed when it has no escapes; `None` when the value is not a
    /// string.
    #[inline]
    pub fn string(&self) -> Option<Result<Cow<'a, str>, String>> {
        let Kind::String { escaped } = self.kind else {
            return None;
        };
        Some(if escaped {
            let content = self.text.get(1..self.text.len() - 1).unwrap_or_default();
            match unescape_common(content) {
                Some(unescaped) => Ok(Cow::Owned(unescaped)),
                None => serde_json::from_str::<String>(self.text)
                    .map(Cow::Owned)
                    .map_err(|error| error.to_string()),
            }
        } else {
            Ok(Cow::Borrowed(self.plain_str().unwrap_or_default()))
        })
    }
}

/// The content of a JSON string with the common escapes (`\\`, `\"`, `\/`, `\n`, ...) undone,
/// as serde_json reads it; `None` for anything else (`\u` escapes, control characters, a
/// broken escape), which serde_json then reads or refuses. Folder paths (`\Sent Items`,
/// written `"\\Sent Items"`) carry an escape in every record, and this spares them a
/// general-purpose parse.
fn unescape_common(content: &str) -> Option<String> {
    let bytes = content.as_bytes();
    if bytes.iter().any(|&byte| byte < 0x20) {
        return None;
    }
    let mut unescaped = String::with_capacity(content.len());
    let mut rest = content;
    while let Some(at) = rest.find('\\') {
        unescaped.push_str(&rest[..at]);
        let replacement = match rest.as_bytes().get(at + 1)? {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            _ => return None,
        };
        unescaped.push(replacement);
        rest = &rest[at + 2..];
    }
    unescaped.push_str(rest);
    Some(unescaped)
}

/// The members of one JSON object, in order.
#[derive(Debug)]
pub struct Members<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    after_value: bool,
    done: bool,
    /// Scanning an object inside the text in place: its end is not the end of the text.
    nested: bool,
}

/// Scans `text` as exactly one JSON value (whitespace around it allowed).
pub fn whole_value(text: &str) -> Result<RawJson<'_>, ScanError> {
    let mut scanner = Members::starting_at(text, 0, false);
    scanner.skip_whitespace();
    let value = scanner.scan_value()?;
    scanner.finish()?;
    Ok(value)
}

/// The elements of one JSON array, in order.
#[derive(Debug)]
pub struct Elements<'a> {
    scanner: Members<'a>,
}

impl<'a> Elements<'a> {
    /// Starts scanning `text`, which must hold one JSON array.
    pub fn new(text: &'a str) -> Result<Self, ScanError> {
        let mut scanner = Members::starting_at(text, 0, false);
        scanner.skip_whitespace();
        if scanner.peek() != Some(b'[') {
            return Err(scanner.error("expected a JSON array"));
        }
        scanner.at += 1;
        Ok(Self { scanner })
    }

    /// The next element; `Ok(None)` after the closing bracket.
    #[allow(
        clippy::should_implement_trait,
        reason = "a fallible iterator; `Iterator` would hide the error in the item type"
    )]
    pub fn next(&mut self) -> Result<Option<RawJson<'a>>, ScanError> {
        let scanner = &mut self.scanner;
        if scanner.done {
            return Ok(None);
        }
        scanner.skip_whitespace();
        match (scanner.peek(), scanner.after_value) {
            (Some(b']'), _) => {
                scanner.at += 1;
                scanner.finish()?;
                return Ok(None);
            }
            (Some(b','), true) => {
                scanner.at += 1;
                scanner.skip_whitespace();
            }
            (_, true) => return Err(scanner.error("expected `,` or `]`")),
            (_, false) => {}
        }
        let value = scanner.scan_value()?;
        scanner.after_value = true;
        Ok(Some(value))
    }
}

impl<'a> Elements<'a> {
    /// The kind of the next element, like [`Elements::next`], but an object element is read in
    /// place: `each` gets its members as they are found, and the element is scanned once
    /// instead of being skipped and then read again. `describe` turns a scan error into the
    /// caller's. (Only the kind is returned: the element's text as a result, copied out of a
    /// large enum, stalled the loops that read name/value lists.)
    pub fn next_in_place(
        &mut self,
        describe: impl Fn(ScanError) -> String,
        mut each: impl FnMut(Key<'a>, RawJson<'a>) -> Result<(), String>,
    ) -> Result<Option<Kind>, String> {
        let scanner = &mut self.scanner;
        if scanner.done {
            return Ok(None);
        }
        scanner.skip_whitespace();
        match (scanner.peek(), scanner.after_value) {
            (Some(b']'), _) => {
                scanner.at += 1;
                scanner.finish().map_err(&describe)?;
                return Ok(None);
            }
            (Some(b','), true) => {
                scanner.at += 1;
                scanner.skip_whitespace();
            }
            (_, true) => return Err(describe(scanner.error("expected `,` or `]`"))),
            (_, false) => {}
        }
        let Some(mut object) = scanner.object_in_place() else {
            let value = scanner.scan_value().map_err(&describe)?;
            scanner.after_value = true;
            return Ok(Some(value.kind));
        };
        while let Some((key, value)) = object.member().map_err(&describe)? {
            each(key, value)?;
        }
        scanner.at = object.at;
        scanner.after_value = true;
        Ok(Some(Kind::Object))
    }
}

/// Deepest nesting accepted.
const MAX_DEPTH: u32 = 128;

fn is_whitespace(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

impl<'a> Members<'a> {
    /// A scanner of `text` from byte `at`; `nested` when it reads an object inside the text
    /// (after its opening brace), whose end is not the end of the text.
    fn starting_at(text: &'a str, at: usize, nested: bool) -> Self {
        Self {
            text,
            bytes: text.as_bytes(),
            at,
            after_value: false,
            done: false,
            nested,
        }
    }

    /// Starts scanning `text`, which must hold one JSON object (whitespace around it allowed).
    pub fn new(text: &'a str) -> Result<Self, ScanError> {
        let mut members = Self::starting_at(text, 0, false);
        members.skip_whitespace();
        if members.peek() != Some(b'{') {
            return Err(members.error("expected a JSON object"));
        }
        members.at += 1;
        Ok(members)
    }

    /// The next member: its key (raw, as between the quotes) and its value. `Ok(None)` after
    /// the closing brace, once the rest of the input is checked to be whitespace.
    #[allow(
        clippy::should_implement_trait,
        reason = "a fallible iterator; `Iterator` would hide the error in the item type"
    )]
    #[inline(always)]
    pub fn next(&mut self) -> Result<Option<(Key<'a>, RawJson<'a>)>, ScanError> {
        self.member()
    }

    /// The next member, returned rather than kept: inlined into the caller's loop, the key and
    /// value stay in registers. (Storing them in the scanner and reading them back as a
    /// whole costs a failed store-to-load forwarding per member, the largest single cost of
    /// reading a record.)
    #[inline(always)]
    fn member(&mut self) -> Result<Option<(Key<'a>, RawJson<'a>)>, ScanError> {
        let Some(key) = self.next_key()? else {
            return Ok(None);
        };
        Ok(Some((key, self.next_value()?)))
    }

    /// The next member's key, leaving the cursor at its value, which [`Members::next_value`],
    /// [`Members::read_object_in_place`] or [`Members::read_array_in_place`] must read next.
    /// `Ok(None)` after the closing brace, once the rest of the input is checked to be
    /// whitespace.
    #[inline(always)]
    pub fn next_key(&mut self) -> Result<Option<Key<'a>>, ScanError> {
        if self.done {
            return Ok(None);
        }
        self.skip_whitespace();
        match (self.peek(), self.after_value) {
            (Some(b'}'), _) => {
                self.at += 1;
                self.finish()?;
                return Ok(None);
            }
            (Some(b','), true) => {
                self.at += 1;
                self.skip_whitespace();
            }
            (_, true) => return Err(self.error("expected `,` or `}`")),
            (_, false) => {}
        }
        if self.peek() != Some(b'"') {
            return Err(self.error("expected a key"));
        }
        let (end, escaped) = self.string_end(self.at + 1)?;
        let key = Key {
            raw: self.span(self.at + 1, end)?,
            escaped,
        };
        self.at = end + 1;
        self.skip_whitespace();
        if self.peek() != Some(b':') {
            return Err(self.error("expected `:`"));
        }
        self.at += 1;
        self.skip_whitespace();
        self.after_value = false;
        Ok(Some(key))
    }

    /// The value of the member whose key [`Members::next_key`] read.
    #[inline(always)]
    pub fn next_value(&mut self) -> Result<RawJson<'a>, ScanError> {
        let value = self.scan_value()?;
        self.after_value = true;
        Ok(value)
    }

    /// When the value at the cursor (after [`Members::next_key`]) is an object: reads it in
    /// place with `read` (given a scanner of its members), so that it is scanned once rather
    /// than skipped and then read, and moves past it; gives its text and what `read` made.
    /// `None`, with the cursor still at the value for [`Members::next_value`], when the value
    /// is not an object, when `read` gives up, or when it stops before the closing brace.
    pub fn read_object_in_place<T>(
        &mut self,
        read: impl FnOnce(&mut Members<'a>) -> Option<T>,
    ) -> Option<(RawJson<'a>, T)> {
        let mut object = self.object_in_place()?;
        let made = read(&mut object)?;
        Some((self.skip_past(&object, Kind::Object)?, made))
    }

    /// Like [`Members::read_object_in_place`], for an array (`read` gets a scanner of its
    /// elements).
    pub fn read_array_in_place<T>(
        &mut self,
        read: impl FnOnce(&mut Elements<'a>) -> Option<T>,
    ) -> Option<(RawJson<'a>, T)> {
        let mut array = self.array_in_place()?;
        let made = read(&mut array)?;
        Some((self.skip_past(&array.scanner, Kind::Array)?, made))
    }

    /// A scanner of the members of the object at the cursor, in place; the cursor stays at the
    /// value until [`Members::skip_past`].
    fn object_in_place(&self) -> Option<Members<'a>> {
        (self.peek() == Some(b'{')).then(|| Members::starting_at(self.text, self.at + 1, true))
    }

    /// A scanner of the elements of the array at the cursor, in place; the cursor stays at the
    /// value until [`Members::skip_past`].
    fn array_in_place(&self) -> Option<Elements<'a>> {
        (self.peek() == Some(b'[')).then(|| Elements {
            scanner: Members::starting_at(self.text, self.at + 1, true),
        })
    }

    /// Moves past the object or array (`kind`) that `inner` read in place
    /// ([`Members::object_in_place`], [`Members::array_in_place`]), and gives its text; `None`
    /// (and nothing moves) when `inner` has not read the closing bracket.
    fn skip_past(&mut self, inner: &Members<'a>, kind: Kind) -> Option<RawJson<'a>> {
        if !inner.done || !inner.nested {
            return None;
        }
        let text = self.text.get(self.at..inner.at)?;
        self.at = inner.at;
        self.after_value = true;
        Some(RawJson { text, kind })
    }

    fn finish(&mut self) -> Result<(), ScanError> {
        if self.nested {
            self.done = true;
            return Ok(());
        }
        self.skip_whitespace();
        if self.at != self.bytes.len() {
            return Err(self.error("trailing characters"));
        }
        self.done = true;
        Ok(())
    }

    /// The text between two offsets. Every offset the scanner produces is next to an ASCII
    /// byte, so a character boundary; the check only guards that.
    #[inline(always)]
    fn span(&self, from: usize, to: usize) -> Result<&'a str, ScanError> {
        self.text.get(from..to).ok_or(ScanError {
            offset: from,
            problem: "broken character",
        })
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn error(&self, problem: &'static str) -> ScanError {
        ScanError {
            offset: self.at,
            problem,
        }
    }

    fn skip_whitespace(&mut self) {
        while self.peek().is_some_and(is_whitespace) {
            self.at += 1;
        }
    }

    /// The index of the quote closing a string whose content starts at `start`, and whether
    /// the string has escapes.
    #[inline(always)]
    fn string_end(&self, start: usize) -> Result<(usize, bool), ScanError> {
        let mut at = start;
        let mut escaped = false;
        loop {
            let Some(found) = self.bytes.get(at..).and_then(find::quote_or_backslash) else {
                return Err(ScanError {
                    offset: start.saturating_sub(1),
                    problem: "unterminated string",
                });
            };
            let position = at + found;
            if self.bytes[position] == b'"' {
                return Ok((position, escaped));
            }
            escaped = true;
            at = position + 2;
        }
    }

    /// Scans the value at the cursor and moves past it.
    #[inline(always)]
    fn scan_value(&mut self) -> Result<RawJson<'a>, ScanError> {
        let start = self.at;
        let kind = match self.peek() {
            Some(b'"') => {
                let (end, escaped) = self.string_end(start + 1)?;
                self.at = end + 1;
                Kind::String { escaped }
            }
            Some(open @ (b'{' | b'[')) => {
                self.skip_container()?;
                if open == b'{' {
                    Kind::Object
                } else {
                    Kind::Array
                }
            }
            Some(b't') => self.literal(b"true", Kind::Bool(true))?,
            Some(b'f') => self.literal(b"false", Kind::Bool(false))?,
            Some(b'n') => self.literal(b"null", Kind::Null)?,
            Some(b'-' | b'0'..=b'9') => {
                self.number()?;
                Kind::Number
            }
            _ => return Err(self.error("expected a value")),
        };
        Ok(RawJson {
            text: self.span(start, self.at)?,
            kind,
        })
    }

    fn literal(&mut self, word: &[u8], kind: Kind) -> Result<Kind, ScanError> {
        if !self.bytes[self.at..].starts_with(word) {
            return Err(self.error("invalid literal"));
        }
        self.at += word.len();
        Ok(kind)
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while self.peek().is_some_and(|byte| byte.is_ascii_digit()) {
            self.at += 1;
        }
        self.at - start
    }

    /// A number, by JSON's grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    fn number(&mut self) -> Result<(), ScanError> {
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.error("invalid number")),
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if self.digits() == 0 {
                return Err(self.error("invalid number"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if self.digits() == 0 {
                return Err(self.error("invalid number"));
            }
        }
        Ok(())
    }

    /// Skips an object or array, checking that strings end and brackets match.
    fn skip_container(&mut self) -> Result<(), ScanError> {
        let start = self.at;
        // One bit per open level: 1 for an array, 0 for an object.
        let mut arrays: u128 = 0;
        let mut depth = 0;
        let mut at = self.at;
        loop {
            let Some(&byte) = self.bytes.get(at) else {
                return Err(ScanError {
                    offset: start,
                    problem: "unterminated object or array",
                });
            };
            match byte {
                b'{' | b'[' => {
                    if depth == MAX_DEPTH {
                        return Err(ScanError {
                            offset: at,
                            problem: "nested too deeply",
                        });
                    }
                    arrays = (arrays << 1) | u128::from(byte == b'[');
                    depth += 1;
                    at += 1;
                }
                b'}' | b']' => {
                    if (arrays & 1 == 1) != (byte == b']') {
                        return Err(ScanError {
                            offset: at,
                            problem: "mismatched bracket",
                        });
                    }
                    arrays >>= 1;
                    depth -= 1;
                    at += 1;
                    if depth == 0 {
                        self.at = at;
                        return Ok(());
                    }
                }
                b'"' => at = self.string_end(at + 1)?.0 + 1,
                _ => at += 1,
            }
        }
    }
}

/// A member's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key<'a> {
    raw: &'a str,
    escaped: bool,
}

impl<'a> Key<'a> {
    /// The key as written between the quotes.
    pub fn raw(&self) -> &'a str {
        self.raw
    }

    /// The key: borrowed, or unescaped when written with escapes. A key whose escapes are
    /// invalid is kept as written, and matches no name.
    #[inline(always)]
    pub fn name(&self) -> Cow<'a, str> {
        if !self.escaped {
            return Cow::Borrowed(self.raw);
        }
        self.unescaped()
    }

    /// The rare key written with escapes, kept out of line so that [`Key::name`] inlines to
    /// a borrow.
    #[cold]
    #[inline(never)]
    fn unescaped(&self) -> Cow<'a, str> {
        match serde_json::from_str::<String>(&format!("\"{}\"", self.raw)) {
            Ok(name) => Cow::Owned(name),
            Err(_) => Cow::Borrowed(self.raw),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Scanned = Vec<(String, String, Kind)>;

    fn scan(text: &str) -> Result<Scanned, ScanError> {
        let mut members = Members::new(text)?;
        let mut out = Vec::new();
        while let Some((key, value)) = members.next()? {
            out.push((key.name().into_owned(), value.text.to_owned(), value.kind));
        }
        Ok(out)
    }

    #[test]
    fn members_and_their_spans() {
        let members = scan(
            r#" { "Id" : "a\"b", "N":-1.5e+3,"T":true,"F":false,"Z":null,
                 "O":{"x":[1,{"y":"}]"}]},"A":[ "[", {} ],"K\u0065y":0 } "#,
        )
        .expect("valid");
        assert_eq!(
            members,
            vec![
                (
                    "Id".into(),
                    r#""a\"b""#.into(),
                    Kind::String { escaped: true }
                ),
                ("N".into(), "-1.5e+3".into(), Kind::Number),
                ("T".into(), "true".into(), Kind::Bool(true)),
                ("F".into(), "false".into(), Kind::Bool(false)),
                ("Z".into(), "null".into(), Kind::Null),
                ("O".into(), r#"{"x":[1,{"y":"}]"}]}"#.into(), Kind::Object),
                ("A".into(), r#"[ "[", {} ]"#.into(), Kind::Array),
                ("Key".into(), "0".into(), Kind::Number),
            ]
        );
        assert_eq!(scan("{}").expect("empty"), vec![]);
    }

    #[test]
    fn an_object_value_is_read_in_place() {
        let mut members =
            Members::new(r#"{"a":{"b":1,"c":[2]},"d":{"e":3},"f":{"g":5},"h":4}"#).expect("object");
        let key = members.next_key().expect("valid").expect("a key");
        assert_eq!(key.raw(), "a");
        let keys_of = |inner: &mut Members<'_>| {
            let mut keys = Vec::new();
            while let Some((key, _)) = inner.next().ok()? {
                keys.push(key.raw().to_owned());
            }
            Some(keys)
        };
        let (object, keys) = members.read_object_in_place(keys_of).expect("an object");
        assert_eq!(keys, ["b", "c"]);
        assert_eq!(
            (object.text, object.kind),
            (r#"{"b":1,"c":[2]}"#, Kind::Object)
        );
        // An object read only in part is not skipped past; its value is then read as usual.
        assert_eq!(
            members.next_key().expect("valid").map(|k| k.raw()),
            Some("d")
        );
        let first_only = |inner: &mut Members<'_>| inner.next().ok().map(|_| ());
        assert!(members.read_object_in_place(first_only).is_none());
        assert_eq!(members.next_value().expect("valid").text, r#"{"e":3}"#);
        // Nor is one whose reader gives up.
        members.next_key().expect("valid").expect("a key");
        assert!(members.read_object_in_place(|_| None::<()>).is_none());
        assert_eq!(members.next_value().expect("valid").text, r#"{"g":5}"#);
        assert_eq!(
            members.next_key().expect("valid").map(|k| k.raw()),
            Some("h")
        );
        assert!(members.read_object_in_place(keys_of).is_none());
        assert_eq!(members.next_value().expect("valid").text, "4");
        assert!(members.next_key().expect("valid").is_none());
    }

    #[test]
    fn an_array_value_is_read_in_place() {
        let mut members =
            Members::new(r#"{"a":[1,{"b":"]"},[]] ,"d":[2,3],"f":4}"#).expect("object");
        members.next_key().expect("valid").expect("a key");
        let texts_of = |inner: &mut Elements<'_>| {
            let mut texts = Vec::new();
            while let Some(element) = inner.next().ok()? {
                texts.push(element.text.to_owned());
            }
            Some(texts)
        };
        assert!(members.read_object_in_place(|_| Some(())).is_none());
        let (array, texts) = members.read_array_in_place(texts_of).expect("an array");
        assert_eq!(texts, ["1", r#"{"b":"]"}"#, "[]"]);
        assert_eq!(
            (array.text, array.kind),
            (r#"[1,{"b":"]"},[]]"#, Kind::Array)
        );
        // An array read only in part is not skipped past; its value is then read as usual.
        members.next_key().expect("valid").expect("a key");
        let first_only = |inner: &mut Elements<'_>| inner.next().ok().map(|_| ());
        assert!(members.read_array_in_place(first_only).is_none());
        assert_eq!(members.next_value().expect("valid").text, "[2,3]");
        members.next_key().expect("valid").expect("a key");
        assert!(members.read_array_in_place(texts_of).is_none());
        assert_eq!(members.next_value().expect("valid").text, "4");
        assert!(members.next_key().expect("valid").is_none());
    }

    #[test]
    fn array_elements() {
        let mut elements = Elements::new(r#" [ 1, "a", {"b":[2]}, [] ] "#).expect("an array");
        let mut seen = Vec::new();
        while let Some(element) = elements.next().expect("valid") {
            seen.push((element.text.to_owned(), element.kind));
        }
        assert_eq!(
            seen,
            vec![
                ("1".into(), Kind::Number),
                (r#""a""#.into(), Kind::String { escaped: false }),
                (r#"{"b":[2]}"#.into(), Kind::Object),
                ("[]".into(), Kind::Array),
            ]
        );
        assert!(
            Elements::new("[]")
                .expect("empty")
                .next()
                .expect("valid")
                .is_none()
        );
        for (text, problem) in [
            ("{}", "expected a JSON array"),
            ("[1 2]", "expected `,` or `]`"),
            ("[1,]", "expected a value"),
            ("[1", "expected `,` or `]`"),
        ] {
            let mut elements = match Elements::new(text) {
                Ok(elements) => elements,
                Err(error) => {
                    assert_eq!(error.problem, problem, "{text}");
                    continue;
                }
            };
            let error = loop {
                match elements.next() {
                    Ok(Some(_)) => {}
                    Ok(None) => panic!("{text}: no error"),
                    Err(error) => break error,
                }
            };
            assert_eq!(error.problem, problem, "{text}");
        }
    }

    #[test]
    fn elements_read_in_place() {
        let text = r#"[{"Name":"a","Value":{"x":[1]}}, 7 ,{}]"#;
        let mut elements = Elements::new(text).expect("an array");
        let mut members = Vec::new();
        let mut seen = Vec::new();
        while let Some(kind) = elements
            .next_in_place(
                |error| error.to_string(),
                |key, value| {
                    members.push(format!("{}={}", key.raw(), value.text));
                    Ok(())
                },
            )
            .expect("valid")
        {
            seen.push(kind);
        }
        assert_eq!(members, vec!["Name=\"a\"", "Value={\"x\":[1]}"]);
        assert_eq!(seen, vec![Kind::Object, Kind::Number, Kind::Object]);
        for (text, problem) in [
            (r#"[{"a":1]"#, "expected `,` or `}` at byte 7"),
            (r#"[{"a":1} {}]"#, "expected `,` or `]` at byte 9"),
            (r#"[{"a":1}"#, "expected `,` or `]` at byte 8"),
        ] {
            let mut elements = Elements::new(text).expect("an array");
            let error = loop {
                match elements.next_in_place(|error| error.to_string(), |_, _| Ok(())) {
                    Ok(Some(_)) => {}
                    Ok(None) => panic!("{text}: no error"),
                    Err(error) => break error,
                }
            };
            assert_eq!(error, problem, "{text}");
        }
    }

    #[test]
    fn common_escapes_read_as_serde_reads_them() {
        for content in [
            r"\\Sent Items",
            r#"a \"quoted\" \/path\/ \t\r\n\b\f end\\"#,
            r"\u00e9t\u00e9",
            r"broken \x",
            "control \u{1} \\n character",
        ] {
            let quoted = format!("\"{content}\"");
            let value = whole_value(&quoted).expect("a string");
            let ours = value.string().expect("a string").map(Cow::into_owned);
            let serde = serde_json::from_str::<String>(&quoted).map_err(|error| error.to_string());
            assert_eq!(ours, serde, "{content:?}");
        }
        assert_eq!(unescape_common(r"\u00e9"), None);
        assert_eq!(unescape_common(r"\\Inbox"), Some(r"\Inbox".to_owned()));
    }

    #[test]
    fn strings_are_borrowed_unless_escaped() {
        let mut members = Members::new(r#"{"a":"plain","b":"t\u00e9\n"}"#).expect("object");
        let (_, plain) = members.next().expect("valid").expect("a member");
        assert!(matches!(plain.string(), Some(Ok(Cow::Borrowed("plain")))));
        let (_, escaped) = members.next().expect("valid").expect("a member");
        assert_eq!(
            escaped.string().expect("a string").expect("valid"),
            "t\u{e9}\n"
        );
        assert_eq!(
            RawJson {
                text: "1",
                kind: Kind::Number
            }
            .string(),
            None
        );
        let mut members = Members::new("{\"é\":\"ü\"}").expect("object");
        let (key, value) = members.next().expect("valid").expect("a member");
        assert_eq!(
            (key.raw(), value.string()),
            ("é", Some(Ok(Cow::Borrowed("ü"))))
        );
    }

    #[test]
    fn malformed_objects_say_what_and_where() {
        for (text, problem, offset) in [
            ("[1]", "expected a JSON object", 0),
            (r#"{"a" 1}"#, "expected `:`", 5),
            (r#"{"a":1 "b":2}"#, "expected `,` or `}`", 7),
            (r#"{"a":1,}"#, "expected a key", 7),
            (r#"{"a":tru}"#, "invalid literal", 5),
            (r#"{"a":01}"#, "expected `,` or `}`", 6),
            (r#"{"a":1.}"#, "invalid number", 7),
            (r#"{"a":-}"#, "invalid number", 6),
            (r#"{"a":"x}"#, "unterminated string", 5),
            (r#"{"a":[1,{]]}"#, "mismatched bracket", 9),
            (r#"{"a":[1,2}"#, "mismatched bracket", 9),
            (r#"{"a":[[1]"#, "unterminated object or array", 5),
            (r#"{"a":1} x"#, "trailing characters", 8),
            (r#"{"a":1"#, "expected `,` or `}`", 6),
            (r#"{"a":}"#, "expected a value", 5),
            (r#"{"a\"#, "unterminated string", 1),
        ] {
            assert_eq!(scan(text), Err(ScanError { offset, problem }), "{text}");
        }
        let deep = format!(r#"{{"a":{}{}}}"#, "[".repeat(129), "]".repeat(129));
        assert_eq!(scan(&deep).map_err(|e| e.problem), Err("nested too deeply"));
        let fine = format!(r#"{{"a":{}{}}}"#, "[".repeat(128), "]".repeat(128));
        assert!(scan(&fine).is_ok());
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn json_value() -> impl Strategy<Value = serde_json::Value> {
            let leaf = prop_oneof![
                Just(serde_json::Value::Null),
                any::<bool>().prop_map(serde_json::Value::Bool),
                any::<i64>().prop_map(|n| serde_json::json!(n)),
                // Eighths print and parse back exactly, so equality is meaningful.
                any::<i32>().prop_map(|n| serde_json::json!(f64::from(n) / 8.0)),
                ".{0,12}".prop_map(serde_json::Value::String),
            ];
            leaf.prop_recursive(4, 32, 6, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
                    prop::collection::btree_map(".{0,8}", inner, 0..6)
                        .prop_map(|map| serde_json::Value::Object(map.into_iter().collect())),
                ]
            })
        }

        proptest! {
            /// Every member of a valid object is found, with a span that is its value's JSON.
            #[test]
            fn agrees_with_serde_on_valid_objects(
                object in prop::collection::btree_map(".{0,8}", json_value(), 0..8),
                pretty in any::<bool>(),
            ) {
                let object = serde_json::Value::Object(object.into_iter().collect());
                let text = if pretty {
                    serde_json::to_string_pretty(&object)
                } else {
                    serde_json::to_string(&object)
                }
                .expect("serialisable");
                let mut members = Members::new(&text).expect("an object");
                let mut seen = serde_json::Map::new();
                while let Some((key, value)) = members.next().expect("valid") {
                    let key = key.name().into_owned();
                    let value: serde_json::Value =
                        serde_json::from_str(value.text).expect("a JSON value");
                    seen.insert(key, value);
                }
                prop_assert_eq!(serde_json::Value::Object(seen), object);
            }

            /// Any bytes at all: an answer, never a panic.
            #[test]
            fn escaped_strings_read_as_serde_reads_them(
                content in r#"([a-zA-Zé ]|\\[\\"/bfnrt]|\\u00[0-9a-f]{2}|\\x)*"#
            ) {
                let quoted = format!("\"{content}\"");
                let serde = serde_json::from_str::<String>(&quoted).map_err(|error| error.to_string());
                let value = whole_value(&quoted).expect("a string");
                let ours = value.string().expect("a string").map(Cow::into_owned);
                prop_assert_eq!(ours, serde);
            }

            #[test]
            fn never_panics(text in "\\{[\"a-z:,{}\\[\\]\\\\ 0-9.eE+\\-é\u{1F600}]{0,48}") {
                if let Ok(mut members) = Members::new(&text) {
                    while let Ok(Some((key, value))) = members.next() {
                        let _ = (key.name(), value.string());
                        if value.kind == Kind::Array {
                            if let Ok(mut elements) = Elements::new(value.text) {
                                while let Ok(Some(_)) = elements.next() {}
                            }
                        }
                    }
                }
            }
        }
    }
}
