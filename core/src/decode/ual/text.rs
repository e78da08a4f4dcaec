//! Small text normalisations the mapping applies to every field it copies into an event.
//!
//! Exports pad values with spaces, write empty strings for absent values, prefix addresses
//! with `smtp:` and join recipient lists with `;`. Events carry none of that: an absent value
//! is `None`, an address is bare, a list is a list.

use super::values::Text;
use crate::shared_text::shared;
use std::borrow::Cow;
use std::sync::Arc;

/// The text trimmed, or `None` when nothing is left.
///
/// Most values have nothing to trim: when both end bytes are printable ASCII (never
/// whitespace, ASCII or Unicode) the text is returned as is, without a character search.
#[inline]
pub fn non_blank(text: &str) -> Option<&str> {
    let printable = |byte: Option<&u8>| byte.is_some_and(|&byte| byte > b' ' && byte < 0x7f);
    let bytes = text.as_bytes();
    if printable(bytes.first()) && printable(bytes.last()) {
        return Some(text);
    }
    Some(text.trim()).filter(|text| !text.is_empty())
}

/// `text.trim()`, with the common case (nothing to trim) decided on the end bytes.
#[inline]
pub fn trimmed(text: &str) -> &str {
    non_blank(text).unwrap_or_default()
}

/// An owned, trimmed copy of a non-blank value.
pub fn owned(text: Option<&str>) -> Option<String> {
    text.and_then(non_blank).map(str::to_owned)
}

/// A shared copy ([`crate::shared_text`]) of a non-blank value that repeats across records.
pub fn shared_copy(text: Option<&str>) -> Option<Arc<str>> {
    text.and_then(non_blank).map(shared)
}

/// Like [`owned`], for a value read from JSON: a value that had to be unescaped is already
/// an owned copy, and is kept rather than copied again when it needs no trimming.
pub fn owned_text(text: Option<Text<'_>>) -> Option<String> {
    let text = text?;
    match text.0 {
        Cow::Owned(value) if non_blank(&value).map(str::len) == Some(value.len()) => Some(value),
        value => owned(Some(&value)),
    }
}

/// A case-folded copy of a non-blank identity (UPN, mailbox, address).
pub fn case_folded(text: Option<&str>) -> Option<String> {
    text.and_then(non_blank).map(lowercase)
}

/// `str::to_lowercase`, with the common cases first: ASCII text is folded byte by byte
/// (the same result), and copied as is when it has no upper-case letter.
#[inline]
fn lowercase(text: &str) -> String {
    let bytes = text.as_bytes();
    if !bytes.is_ascii() {
        return text.to_lowercase();
    }
    if bytes.iter().any(u8::is_ascii_uppercase) {
        text.to_ascii_lowercase()
    } else {
        text.to_owned()
    }
}

/// The address without an `smtp:` / `SMTP:` prefix.
pub fn without_smtp_prefix(address: &str) -> &str {
    match address.get(..5) {
        Some(prefix) if prefix.eq_ignore_ascii_case("smtp:") => address[5..].trim_start(),
        _ => address,
    }
}

/// Splits a recipient list (`a@x.com;smtp:b@y.com`) into bare recipients, dropping blanks.
pub fn recipient_list(value: &str) -> Vec<String> {
    value
        .split(';')
        .map(|recipient| without_smtp_prefix(recipient.trim()))
        .filter_map(non_blank)
        .map(str::to_owned)
        .collect()
}

/// True when the text reads as an SMTP address (`local@domain`, no spaces, not an Exchange
/// X.500 name).
pub fn looks_like_address(text: &str) -> bool {
    let Some((local, domain)) = text.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.ends_with('.')
        && !text.contains(char::is_whitespace)
        && !text.starts_with('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trimming_agrees_with_str_trim() {
        for name in [
            "",
            " ",
            "Name",
            " Name",
            "Name ",
            "\tName\u{a0}",
            "\u{2003}Name",
            "N",
            "é",
            " é ",
            "Name\u{3000}",
            "a b",
        ] {
            assert_eq!(trimmed(name), name.trim(), "{name:?}");
        }
    }

    #[test]
    fn unescaped_values_are_kept_unless_they_need_trimming() {
        let owned_value = |text: &str| Some(Text(Cow::Owned(text.to_owned())));
        assert_eq!(
            owned_text(owned_value("\\Sent Items")).as_deref(),
            Some("\\Sent Items")
        );
        assert_eq!(
            owned_text(owned_value(" \\Inbox ")).as_deref(),
            Some("\\Inbox")
        );
        assert_eq!(owned_text(owned_value("  ")), None);
        assert_eq!(
            owned_text(Some(Text(Cow::Borrowed(" x")))).as_deref(),
            Some("x")
        );
        assert_eq!(owned_text(None), None);
    }

    #[test]
    fn blanks_are_absent() {
        assert_eq!(non_blank("  x "), Some("x"));
        assert_eq!(non_blank(" \t"), None);
        assert_eq!(owned(Some("")), None);
        assert_eq!(
            case_folded(Some(" JDoe@Contoso.com ")).as_deref(),
            Some("jdoe@contoso.com")
        );
        assert_eq!(non_blank("\u{a0}x\u{2003}"), Some("x"), "Unicode spaces");
        assert_eq!(non_blank("é "), Some("é"));
        assert_eq!(non_blank("a b"), Some("a b"));
        assert_eq!(non_blank(""), None);
    }

    #[test]
    fn case_folding_agrees_with_unicode_lowercase() {
        for text in [
            "jdoe@contoso.com",
            "JDoe@Contoso.COM",
            "ÄNNE@Müller.example",
            "İSTANBUL@x.example",
            "ΣΊΣΥΦΟΣ",
            "a",
        ] {
            assert_eq!(
                case_folded(Some(text)).as_deref(),
                Some(text.to_lowercase().as_str()),
                "{text}"
            );
        }
    }

    #[test]
    fn recipient_lists_are_split_and_unprefixed() {
        assert_eq!(
            recipient_list("SMTP:a@x.example; b@y.example;;smtp: c@z.example"),
            vec!["a@x.example", "b@y.example", "c@z.example"]
        );
        assert!(recipient_list("").is_empty());
        assert_eq!(without_smtp_prefix("smtp"), "smtp");
    }

    #[test]
    fn addresses() {
        assert!(looks_like_address("drop.box@outlook-mail.example"));
        assert!(!looks_like_address("Jo Smith"));
        assert!(!looks_like_address("a@localhost"));
        assert!(!looks_like_address(
            "/o=ExchangeLabs/ou=x/cn=Recipients/cn=a@b.c"
        ));
        assert!(!looks_like_address("@x.example"));
    }
}
