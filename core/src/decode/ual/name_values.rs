//! Name/value lists (`Parameters`, `OperationProperties`, `ExtendedProperties`,
//! `DeviceProperties`) in either of the two forms exports write them.
//!
//! The Management Activity API writes an array of `{"Name": ..., "Value": ...}`, every value a
//! string. Elastic's `o365.audit` pipeline flattens `Parameters` and `ExtendedProperties` into
//! an object keyed by name, and leaves `OperationProperties` an array. Both forms read into one
//! list, so the mapping never knows which export it reads. A pair may lack its `Value`
//! (Outlook's empty `ModifyMailboxRule` records write `{"Name":"RuleState"}`); that is an empty
//! value.
//!
//! Names match exactly, in any case: Exchange treats parameter names case-insensitively and
//! records carry `DELETEMESSAGE` as well as `DeleteMessage`. Matching is never by substring,
//! so `IncreaseScoreWithRedirectToOtherPort` is not `RedirectTo`.

use crate::decode::lenient::LenientText;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// A name/value list, in record order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameValues<'a>(Vec<(Cow<'a, str>, Cow<'a, str>)>);

impl<'a> NameValues<'a> {
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

/// One `{"Name": ..., "Value": ...}` element of the array form.
#[derive(Deserialize)]
struct Pair<'a> {
    #[serde(rename = "Name", borrow)]
    name: LenientText<'a>,
    #[serde(rename = "Value", borrow, default)]
    value: LenientText<'a>,
}

impl<'de: 'a, 'a> Deserialize<'de> for NameValues<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ListVisitor(std::marker::PhantomData))
    }
}

struct ListVisitor<'a>(std::marker::PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for ListVisitor<'a> {
    type Value = NameValues<'a>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of {\"Name\", \"Value\"} pairs or an object keyed by name")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut pairs = Vec::with_capacity(seq.size_hint().unwrap_or(8).min(64));
        while let Some(pair) = seq.next_element::<Pair<'a>>()? {
            pairs.push((pair.name.0, pair.value.0));
        }
        Ok(NameValues(pairs))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(8).min(64));
        while let Some((name, value)) = map.next_entry::<LenientText<'a>, LenientText<'a>>()? {
            pairs.push((name.0, value.0));
        }
        Ok(NameValues(pairs))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(NameValues::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> Result<NameValues<'_>, serde_json::Error> {
        serde_json::from_str(json)
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
    }

    #[test]
    fn values_are_borrowed_when_unescaped() {
        let list = read(r#"[{"Name":"Name","Value":"Payroll"}]"#).expect("array");
        assert!(matches!(list.0[0].1, Cow::Borrowed("Payroll")));
    }

    #[test]
    fn other_shapes_are_refused() {
        assert!(read(r#""ForwardTo""#).is_err());
        assert!(read(r#"[{"Value":"x"}]"#).is_err(), "a pair needs its name");
        assert!(read(r#"{"ForwardTo":["a","b"]}"#).is_err());
        assert_eq!(read("null").expect("null"), NameValues::default());
    }
}
