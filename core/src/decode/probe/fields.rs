//! Field values as web and Windows logs write them: `-` for nothing, numbers as text, user
//! names in several spellings.
//!
//! Every probe decoder reads the same kinds of values, so the rules live here once: a blank or
//! `-` value is absent, a number that does not parse is a rejection naming the field (a
//! misaligned line shows up as text where a status should be), and a user name is case-folded
//! and becomes the event's cloud account only when it is shaped like an email address.

use crate::net::parse_client_ip;
use std::str::FromStr;

/// The value, or `None` when it is empty or `-` (how W3C, Squid and Windows write nothing).
pub fn present(value: &str) -> Option<&str> {
    let value = value.trim();
    (!value.is_empty() && value != "-").then_some(value)
}

/// A number field: `Ok(None)` when absent, an error naming the field when it is not a number.
pub fn number<T: FromStr>(field: &str, value: &str) -> Result<Option<T>, String> {
    let Some(text) = present(value) else {
        return Ok(None);
    };
    text.parse()
        .map(Some)
        .map_err(|_| format!("field `{field}`: `{text}` is not a number"))
}

/// A number that may be written in hexadecimal (`0x1a2c`, as Security events write process
/// ids) or in decimal; `None` when absent or neither.
pub fn decimal_or_hex(value: &str) -> Option<u64> {
    let text = present(value)?;
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

/// An address in its normal spelling (`::ffff:` and ports removed), or as logged when it is
/// not one.
pub fn normalised_ip(text: &str) -> String {
    parse_client_ip(text).map_or_else(|| text.to_owned(), |ip| ip.to_string())
}

/// A logged user name, case-folded, and the cloud account it names when it is one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Account {
    /// The name as logged, case-folded (`jdoe@contoso.com`, `contoso\jdoe`, `jdoe`).
    pub username: Option<String>,
    /// The same name when it is shaped like an email address (a cloud account).
    pub user: Option<String>,
}

impl Account {
    /// Reads a user name field. `DOMAIN\user` and plain names are kept (folded) as the logged
    /// name but are not cloud accounts: only an address can be matched to a mailbox.
    pub fn from_logged(value: &str) -> Self {
        let Some(name) = present(value) else {
            return Self::default();
        };
        let folded = name.to_lowercase();
        let user = is_email(&folded).then(|| folded.clone());
        Self {
            username: Some(folded),
            user,
        }
    }

    /// Like [`Account::from_logged`] for proxies, which percent-encode user names
    /// (`jdoe%40contoso.com`).
    pub fn from_proxy(value: &str) -> Self {
        match percent_decoded(value) {
            Some(decoded) => Self::from_logged(&decoded),
            None => Self::from_logged(value),
        }
    }
}

/// True for `local@domain.tld`: one `@`, a non-empty local part, a dotted domain, no spaces,
/// slashes or backslashes.
pub fn is_email(name: &str) -> bool {
    let Some((local, domain)) = name.split_once('@') else {
        return false;
    };
    let forbidden = |c: char| c.is_whitespace() || matches!(c, '@' | '\\' | '/' | ':' | '"');
    !local.is_empty()
        && !local.contains(forbidden)
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains(forbidden)
}

/// `%XX` escapes decoded; `None` when there are none or they do not decode to UTF-8.
fn percent_decoded(value: &str) -> Option<String> {
    if !value.contains('%') {
        return None;
    }
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dashes_and_blanks_are_absent() {
        assert_eq!(present("-"), None);
        assert_eq!(present("  "), None);
        assert_eq!(present(" x "), Some("x"));
    }

    #[test]
    fn numbers_name_their_field_when_they_do_not_parse() {
        assert_eq!(number::<u16>("sc-status", "401"), Ok(Some(401)));
        assert_eq!(number::<u16>("sc-status", "-"), Ok(None));
        let error = number::<u16>("sc-status", "POST").expect_err("not a number");
        assert_eq!(error, "field `sc-status`: `POST` is not a number");
        assert!(number::<u16>("sc-status", "70000").is_err());
        assert_eq!(decimal_or_hex("0x1a2c"), Some(0x1a2c));
        assert_eq!(decimal_or_hex("3412"), Some(3412));
        assert_eq!(decimal_or_hex("0xZZ"), None);
        assert_eq!(normalised_ip("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(normalised_ip("peer.example"), "peer.example");
    }

    #[test]
    fn accounts_are_folded_and_only_addresses_are_cloud_users() {
        let email = Account::from_logged("JDoe@Contoso.com");
        assert_eq!(email.username.as_deref(), Some("jdoe@contoso.com"));
        assert_eq!(email.user.as_deref(), Some("jdoe@contoso.com"));
        let domain = Account::from_logged("CONTOSO\\JDoe");
        assert_eq!(domain.username.as_deref(), Some("contoso\\jdoe"));
        assert_eq!(domain.user, None);
        assert_eq!(Account::from_logged("-"), Account::default());
        let proxy = Account::from_proxy("amy.lee%40contoso.com");
        assert_eq!(proxy.user.as_deref(), Some("amy.lee@contoso.com"));
        assert_eq!(
            Account::from_proxy("100%").username.as_deref(),
            Some("100%")
        );
    }

    #[test]
    fn email_shapes() {
        for yes in ["a@b.co", "first.last+tag@sub.contoso.com"] {
            assert!(is_email(yes), "{yes}");
        }
        for no in [
            "a@b",
            "@b.com",
            "a@.com",
            "a@b.com.",
            "a b@c.com",
            "d\\a@b.com",
            "a@b@c.com",
        ] {
            assert!(!is_email(no), "{no}");
        }
    }
}
