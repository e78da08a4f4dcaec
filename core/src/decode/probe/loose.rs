//! JSON values whose type depends on who wrote them, read without building a `Value`.
//!
//! Proxy exports write `url` as a string (`"url": "https://..."`) or as an ECS object
//! (`"url": {"original": ...}`): [`TextOr`] takes either. Windows events converted from XML
//! write an element as a plain value (`"EventID": 4625`), as an object with its text and
//! attributes (`{"#text": "4625", "#attributes": {"Qualifiers": ""}}` from evtx, or
//! `{"@Qualifiers": "", "#text": "4625"}` from xmltodict), or as attributes only
//! (`"TimeCreated": {"#attributes": {"SystemTime": ...}}`): [`Node`] reads all of them into the
//! text and the two attributes the decoders use. Strings are borrowed from the record unless
//! they hold escapes; containers nobody reads are skipped without allocation.

use crate::decode::lenient::LenientText;
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// A value written either as text or as an object of type `T`.
#[derive(Debug, Clone, PartialEq)]
pub enum TextOr<'a, T> {
    /// A string (or a number or boolean, as text).
    Text(Cow<'a, str>),
    /// An object.
    Object(T),
}

impl<'de: 'a, 'a, T: Deserialize<'de>> Deserialize<'de> for TextOr<'a, T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TextOrVisitor(PhantomData))
    }
}

struct TextOrVisitor<'a, T>(PhantomData<(&'a (), T)>);

impl<'de: 'a, 'a, T: Deserialize<'de>> Visitor<'de> for TextOrVisitor<'a, T> {
    type Value = TextOr<'a, T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or an object")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(TextOr::Text(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(TextOr::Text(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(TextOr::Text(Cow::Owned(v)))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(TextOr::Text(Cow::Borrowed(if v {
            "true"
        } else {
            "false"
        })))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(TextOr::Text(Cow::Owned(v.to_string())))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(TextOr::Text(Cow::Owned(v.to_string())))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(TextOr::Text(Cow::Owned(v.to_string())))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(TextOr::Object)
    }
}

/// An XML element converted to JSON: its text and the attributes the decoders read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Node<'a> {
    /// The element's text (or the value itself, when written plainly).
    pub text: Option<Cow<'a, str>>,
    /// The `Name` attribute (`Provider`, `Data`).
    pub name: Option<Cow<'a, str>>,
    /// The `SystemTime` attribute (`TimeCreated`).
    pub system_time: Option<Cow<'a, str>>,
}

impl<'a> Node<'a> {
    /// The text, or the `Name` attribute for elements that carry only that (`Provider`).
    pub fn text_or_name(self) -> Option<Cow<'a, str>> {
        self.text.or(self.name)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Node<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor(PhantomData))
    }
}

struct NodeVisitor<'a>(PhantomData<&'a ()>);

impl<'a> NodeVisitor<'a> {
    fn text(text: Cow<'a, str>) -> Node<'a> {
        Node {
            text: Some(text),
            ..Node::default()
        }
    }
}

impl<'de: 'a, 'a> Visitor<'de> for NodeVisitor<'a> {
    type Value = Node<'a>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value or an element object")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Self::text(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Self::text(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Self::text(Cow::Owned(v)))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Self::text(Cow::Borrowed(if v { "true" } else { "false" })))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Self::text(Cow::Owned(v.to_string())))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Self::text(Cow::Owned(v.to_string())))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Self::text(Cow::Owned(v.to_string())))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Node::default())
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Node::default())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Node::default())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut node = Node::default();
        while let Some(key) = map.next_key::<LenientText<'de>>()? {
            let key = key.0.as_ref();
            let attribute = key.strip_prefix('@').unwrap_or(key);
            if matches!(key, "#text" | "text" | "#value" | "$") {
                node.text = map.next_value::<Node<'a>>()?.text;
            } else if key == "#attributes" {
                let attributes = map.next_value::<Node<'a>>()?;
                node.name = node.name.or(attributes.name);
                node.system_time = node.system_time.or(attributes.system_time);
            } else if attribute == "Name" {
                node.name = map.next_value::<Node<'a>>()?.text;
            } else if attribute == "SystemTime" {
                node.system_time = map.next_value::<Node<'a>>()?.text;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(node)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Url<'a> {
        #[serde(borrow)]
        original: Option<Cow<'a, str>>,
    }

    #[test]
    fn text_or_object() {
        let text: TextOr<'_, Url<'_>> = serde_json::from_str(r#""https://x/""#).expect("text");
        assert_eq!(text, TextOr::Text(Cow::Borrowed("https://x/")));
        let object: TextOr<'_, Url<'_>> =
            serde_json::from_str(r#"{"original":"https://x/","domain":"x"}"#).expect("object");
        assert_eq!(
            object,
            TextOr::Object(Url {
                original: Some(Cow::Borrowed("https://x/"))
            })
        );
        assert!(serde_json::from_str::<TextOr<'_, Url<'_>>>("[1]").is_err());
    }

    #[test]
    fn nodes_in_every_spelling() {
        fn node(json: &str) -> Node<'_> {
            serde_json::from_str(json).expect("node")
        }
        assert_eq!(node("4625").text.as_deref(), Some("4625"));
        assert_eq!(node(r#""4625""#).text.as_deref(), Some("4625"));
        assert_eq!(
            node(r##"{"#text":4625,"#attributes":{"Qualifiers":""}}"##)
                .text
                .as_deref(),
            Some("4625")
        );
        assert_eq!(
            node(r##"{"@Qualifiers":"","#text":"4625"}"##)
                .text
                .as_deref(),
            Some("4625")
        );
        let provider = node(
            r##"{"#attributes":{"Name":"Microsoft-Windows-Sysmon","Guid":"5770385F-C22A-43E0-BF4C-06F5698FFBD9"}}"##,
        );
        assert_eq!(
            provider.text_or_name().as_deref(),
            Some("Microsoft-Windows-Sysmon")
        );
        assert_eq!(
            node(r#"{"@SystemTime":"2025-03-04T08:40:58.649150Z"}"#)
                .system_time
                .as_deref(),
            Some("2025-03-04T08:40:58.649150Z")
        );
        assert_eq!(
            node(r#"{"SystemTime":"2025-03-04T08:40:58Z","deep":{"x":[1]}}"#)
                .system_time
                .as_deref(),
            Some("2025-03-04T08:40:58Z")
        );
        assert_eq!(node("null"), Node::default());
        assert_eq!(node("[1,2]"), Node::default());
    }
}
