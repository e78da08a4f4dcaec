//! CSV spelling shared by the CSV exports: RFC 4180 quoting, as Excel, `Export-Csv`, the
//! Purview portal and Log Analytics all write it (a field is quoted when it holds a comma, a
//! quote or a line break, and quotes inside are doubled).

use std::borrow::Cow;

/// `text` as one CSV field, quoted only when it must be.
pub fn field(text: &str) -> Cow<'_, str> {
    if text.contains([',', '"', '\r', '\n']) {
        quoted(text)
    } else {
        Cow::Borrowed(text)
    }
}

/// `text` as one CSV field, always quoted (`Export-Csv` quotes every field).
pub fn quoted(text: &str) -> Cow<'_, str> {
    Cow::Owned(format!("\"{}\"", text.replace('"', "\"\"")))
}

/// One CSV line of `fields` (already spelled), ended by `eol`.
pub fn line<'a>(fields: impl IntoIterator<Item = Cow<'a, str>>, eol: &str) -> String {
    let mut line = fields
        .into_iter()
        .map(Cow::into_owned)
        .collect::<Vec<_>>()
        .join(",");
    line.push_str(eol);
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_what_needs_it() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\r\nlines"), "\"two\r\nlines\"");
        assert_eq!(quoted("plain"), "\"plain\"");
        assert_eq!(
            line([field("a"), field("b,c"), field("")], "\r\n"),
            "a,\"b,c\",\r\n"
        );
    }
}
