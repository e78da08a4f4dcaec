//! Name/value lists (`Parameters`, `OperationProperties`, `ExtendedProperties`,
//! `DeviceProperties`) in either of the two forms exports write them.
//!
//! The Management Activity API writes an array of `{"Name": ..., "Value": ...}`, every value a
//! string. Elastic's `o365.audit` pipeline flattens `Parameters` and `ExtendedProperties` into
//! an object keyed by name, and leaves `OperationProperties` an array. Both forms read into one
//! list, so the mapping never knows which export it reads. A pair may lack its `Value`
//! (Outlook's empty `ModifyMailboxRule` records write `{"Name":"RuleState"}`); that is an empty
//! value. Values may be numbers or booleans; they read as text.
//!
//! Names match exactly, in any case: Exchange treats parameter names case-insensitively and
//! records carry `DELETEMESSAGE` as well as `DeleteMessage`. Matching is never by substring,
//! so `IncreaseScoreWithRedirectToOtherPort` is not `RedirectTo`.

use super::scan::{Elements, Kind, Members, RawJson};
use super::text::trimmed;
use super::values::{invalid_kind, invalid_type, lenient};
use std::borrow::Cow;

/// A name/value list, in record order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameValues<'a>(Vec<(Cow<'a, str>, Cow<'a, str>)>);

impl<'a> NameValues<'a> {
    /// Reads the member `name` (absent or null: an empty list).
    pub fn read(raw: Option<RawJson<'a>>, name: &str) -> Result<Self, String> {
        let mut pairs = Vec::new();
        each_pair(raw, name, |key, value| pairs.push((key, value)))?;
        Ok(Self(pairs))
    }

    /// Reads the pairs of an array found in place in a record ([`Members::read_array_in_place`]),
    /// as [`NameValues::read`] reads the array's text.
    pub fn read_in_place(elements: &mut Elements<'a>, name: &str) -> Result<Self, String> {
        let mut pairs = Vec::new();
        array_pairs(elements, name, |key, value| pairs.push((key, value)))?;
        Ok(Self(pairs))
    }

    /// Reads only the values of the `wanted` names (first pair of each, any case) in one pass,
    /// without collecting the list: for operations that read one or two properties.
    pub fn pick<const N: usize>(
        raw: Option<RawJson<'a>>,
        name: &str,
        wanted: [&str; N],
    ) -> Result<[Option<Cow<'a, str>>; N], String> {
        let mut found = [const { None }; N];
        each_pair(raw, name, |key, value| {
            let key = trimmed(&key);
            let slot = wanted
                .iter()
                .position(|wanted| key.eq_ignore_ascii_case(wanted));
            if let Some(slot) = slot.and_then(|slot| found.get_mut(slot)) {
                slot.get_or_insert(value);
            }
        })?;
        Ok(found)
    }

    /// The value of the first pair named `name` (any case, surrounding spaces ignored).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(candidate, _)| trimmed(candidate).eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_ref())
    }

    /// True when a pair is named `name`, whatever its value.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Every pair, name trimmed, in record order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0
            .iter()
            .map(|(name, value)| (trimmed(name), value.as_ref()))
    }
}

/// A name or value as text ([`lenient`]). The common case, a string without escapes, is
/// borrowed here in line: a call returning the general result for it was most of the cost of
/// reading a two-pair `OperationProperties`.
#[inline(always)]
fn scalar_text<'a>(value: RawJson<'a>, name: &str) -> Result<Option<Cow<'a, str>>, String> {
    match value.plain_str() {
        Some(content) => Ok(Some(Cow::Borrowed(content))),
        None => Ok(lenient(value, name)?.map(|text| text.0)),
    }
}

/// Calls `each` with every pair of the list `raw`, in either form.
fn each_pair<'a>(
    raw: Option<RawJson<'a>>,
    name: &str,
    mut each: impl FnMut(Cow<'a, str>, Cow<'a, str>),
) -> Result<(), String> {
    let Some(raw) = raw else {
        return Ok(());
    };
    let scan_error = |error: super::scan::ScanError| format!("field `{name}`: {error}");
    match raw.kind {
        Kind::Null => {}
        Kind::Array => {
            let mut elements = Elements::new(raw.text).map_err(scan_error)?;
            array_pairs(&mut elements, name, each)?;
        }
        Kind::Object => {
            let mut members = Members::new(raw.text).map_err(scan_error)?;
            while let Some((key, value)) = members.next().map_err(scan_error)? {
                each(key.name(), scalar_text(value, name)?.unwrap_or_default());
            }
        }
        _ => {
            return Err(invalid_type(
                raw,
                name,
                "an array of {Name, Value} or an object",
            ));
        }
    }
    Ok(())
}

/// The pairs of an array of `{Name, Value}` objects, each object read in place.
fn array_pairs<'a>(
    elements: &mut Elements<'a>,
    name: &str,
    mut each: impl FnMut(Cow<'a, str>, Cow<'a, str>),
) -> Result<(), String> {
    let scan_error = |error: super::scan::ScanError| format!("field `{name}`: {error}");
    loop {
        let (mut key, mut value) = (None, None);
        let element = elements.next_in_place(scan_error, |member, content| {
            match member.name().as_ref() {
                "Name" if key.is_none() => key = scalar_text(content, name)?,
                "Value" if value.is_none() => value = scalar_text(content, name)?,
                _ => {}
            }
            Ok(())
        })?;
        let Some(kind) = element else {
            break;
        };
        if kind != Kind::Object {
            return Err(invalid_kind(
                kind,
                name,
                "an array of {Name, Value} objects",
            ));
        }
        let key = key.ok_or_else(|| format!("field `{name}`: a pair without `Name`"))?;
        each(key, value.unwrap_or_default());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::ual::scan::whole_value;

    fn read(json: &str) -> Result<NameValues<'_>, String> {
        NameValues::read(Some(whole_value(json).expect("JSON")), "Parameters")
    }

    #[test]
    fn array_and_object_forms_read_alike() {
        let array = read(
            r#"[{"Name":"ForwardTo","Value":"a@x.example"},{"Name":"DeleteMessage","Value":true},{"Name":"RuleState"}]"#,
        )
        .expect("array");
        let object = read(r#"{"ForwardTo":"a@x.example","DeleteMessage":true,"RuleState":null}"#)
            .expect("object");
        assert_eq!(array, object);
        assert_eq!(array.get("forwardto"), Some("a@x.example"));
        assert_eq!(array.get("DELETEMESSAGE"), Some("True"));
        assert_eq!(array.get("RuleState"), Some(""));
        assert!(array.contains("rulestate"));
        assert_eq!(
            array.get("Forward"),
            None,
            "names match whole, never by prefix"
        );
        assert_eq!(
            read(r#"[{"Value":"x","Name":"N","Other":[1]}]"#)
                .expect("order")
                .get("n"),
            Some("x")
        );
    }

    #[test]
    fn picking_reads_the_same_values() {
        let json = r#"[{"Name":"MailAccessType","Value":"Bind"},{"Name":"isthrottled","Value":"True"},{"Name":"MailAccessType","Value":"Sync"}]"#;
        let raw = Some(whole_value(json).expect("JSON"));
        let [access, throttled, missing] = NameValues::pick(
            raw,
            "OperationProperties",
            ["MailAccessType", "IsThrottled", "X"],
        )
        .expect("valid");
        assert_eq!(
            access.as_deref(),
            Some("Bind"),
            "the first pair wins, as with `get`"
        );
        assert_eq!(throttled.as_deref(), Some("True"));
        assert_eq!(missing, None);
        assert!(NameValues::pick(Some(whole_value("5").expect("JSON")), "X", ["a"]).is_err());
    }

    #[test]
    fn values_are_borrowed_when_unescaped() {
        let list = read(r#"[{"Name":"Name","Value":"Payroll"}]"#).expect("array");
        assert!(matches!(list.0[0].1, Cow::Borrowed("Payroll")));
    }

    #[test]
    fn other_shapes_are_refused() {
        let error = |json| read(json).expect_err("refused");
        assert_eq!(
            error(r#""ForwardTo""#),
            "field `Parameters`: invalid type: a string, expected an array of {Name, Value} or an object"
        );
        assert_eq!(
            error(r#"[{"Value":"x"}]"#),
            "field `Parameters`: a pair without `Name`"
        );
        assert!(error(r#"{"ForwardTo":["a","b"]}"#).contains("invalid type: an array"));
        assert!(error(r#"["ForwardTo"]"#).contains("invalid type: a string"));
        assert_eq!(read("null").expect("null"), NameValues::default());
        assert_eq!(
            NameValues::read(None, "Parameters").expect("absent"),
            NameValues::default()
        );
    }
}
