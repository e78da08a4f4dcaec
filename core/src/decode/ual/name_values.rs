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

use super::record::{invalid_type, lenient};
use super::scan::{Elements, Kind, Members, RawJson};
use std::borrow::Cow;

/// A name/value list, in record order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameValues<'a>(Vec<(Cow<'a, str>, Cow<'a, str>)>);

impl<'a> NameValues<'a> {
    /// Reads the member `name` (absent or null: an empty list).
    pub fn read(raw: Option<RawJson<'a>>, name: &str) -> Result<Self, String> {
        let Some(raw) = raw else {
            return Ok(Self::default());
        };
        let scan_error = |error: super::scan::ScanError| format!("field `{name}`: {error}");
        let mut pairs = Vec::new();
        match raw.kind {
            Kind::Null => {}
            Kind::Array => {
                let mut elements = Elements::new(raw.text).map_err(scan_error)?;
                while let Some(element) = elements.next().map_err(scan_error)? {
                    pairs.push(pair(element, name)?);
                }
            }
            Kind::Object => {
                let mut members = Members::new(raw.text).map_err(scan_error)?;
                while let Some((key, value)) = members.next().map_err(scan_error)? {
                    let key = key.name();
                    let value = lenient(value, name)?
                        .map(|value| value.0)
                        .unwrap_or_default();
                    pairs.push((key, value));
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
        Ok(Self(pairs))
    }

    /// The value of the first pair named `name` (any case, surrounding spaces ignored).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(candidate, _)| candidate.trim().eq_ignore_ascii_case(name))
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
            .map(|(name, value)| (name.trim(), value.as_ref()))
    }
}

/// One `{"Name": ..., "Value": ...}` element.
fn pair<'a>(element: RawJson<'a>, list: &str) -> Result<(Cow<'a, str>, Cow<'a, str>), String> {
    if element.kind != Kind::Object {
        return Err(invalid_type(
            element,
            list,
            "an array of {Name, Value} objects",
        ));
    }
    let scan_error = |error: super::scan::ScanError| format!("field `{list}`: {error}");
    let mut members = Members::new(element.text).map_err(scan_error)?;
    let (mut name, mut value) = (None, None);
    while let Some((key, member)) = members.next().map_err(scan_error)? {
        match key.name().as_ref() {
            "Name" if name.is_none() => name = lenient(member, list)?,
            "Value" if value.is_none() => value = lenient(member, list)?,
            _ => {}
        }
    }
    let name = name.ok_or_else(|| format!("field `{list}`: a pair without `Name`"))?;
    Ok((name.0, value.map(|value| value.0).unwrap_or_default()))
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
