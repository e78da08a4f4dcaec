//! One Windows event, whichever JSON export carried it: the envelope fields and the
//! `EventData` values the mapping reads.
//!
//! EVTX converters and Winlogbeat agree on the content of a Windows event but not on its
//! layout, so both decoders fill this one view and a single mapping
//! ([`super::map`]) turns it into an event. `EventData` is kept as a short list of the
//! values the mapping reads, found by name; every other value is skipped while parsing. The
//! list reads both layouts converters write: an object of named values
//! (`{"Image": "...", "User": "..."}`) and the XML-shaped `Data` array
//! (`{"Data": [{"@Name": "Image", "#text": "..."}]}`, or `Name` / `text` without the sigils).

use super::super::loose::Node;
use crate::decode::lenient::LenientText;
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// The envelope and data of one Windows event.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WinEvent<'a> {
    /// `EventID`, as written (parsed by the mapping, so that a bad one is a rejection).
    pub event_id: Option<Cow<'a, str>>,
    /// `Channel` (`Microsoft-Windows-Sysmon/Operational`, `Security`).
    pub channel: Option<Cow<'a, str>>,
    /// Provider name (`Microsoft-Windows-Sysmon`, `Microsoft-Windows-Security-Auditing`).
    pub provider: Option<Cow<'a, str>>,
    /// `Computer`.
    pub computer: Option<Cow<'a, str>>,
    /// `EventRecordID`: the record's number in its channel on its computer.
    pub record_id: Option<Cow<'a, str>>,
    /// When the event was logged (`TimeCreated.SystemTime`, or Winlogbeat's `@timestamp`).
    pub logged_at: Option<Cow<'a, str>>,
    /// The name of the field `logged_at` came from, for rejection reasons.
    pub logged_at_field: &'static str,
    /// The `EventData` values the mapping reads.
    pub data: EventData<'a>,
}

/// `EventData` names the mapping reads. Matching ignores case.
pub const DATA_NAMES: &[&str] = &[
    "UtcTime",
    "ProcessId",
    "Image",
    "CommandLine",
    "ParentImage",
    "User",
    "Protocol",
    "Initiated",
    "SourceIp",
    "DestinationIp",
    "DestinationHostname",
    "DestinationPort",
    "TargetUserName",
    "TargetDomainName",
    "LogonType",
    "Status",
    "SubStatus",
    "ProcessName",
    "AuthenticationPackageName",
    "WorkstationName",
    "IpAddress",
    "NewProcessName",
    "NewProcessId",
    "ParentProcessName",
    "SubjectUserName",
    "SubjectDomainName",
];

/// The canonical spelling of a data name the mapping reads.
fn known_name(name: &str) -> Option<&'static str> {
    DATA_NAMES
        .iter()
        .copied()
        .find(|known| known.eq_ignore_ascii_case(name))
}

/// The `EventData` values the mapping reads, by name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventData<'a> {
    values: Vec<(&'static str, Cow<'a, str>)>,
}

impl<'a> EventData<'a> {
    /// The value of `name` (one of [`DATA_NAMES`]), `None` when absent, empty or `-`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(known, _)| *known == name)
            .and_then(|(_, value)| super::super::fields::present(value))
    }

    /// Sets `name` to `value` unless it already has a value (for fields an exporter moved
    /// out of `EventData`).
    pub fn fill(&mut self, name: &'static str, value: Option<Cow<'a, str>>) {
        if let Some(value) = value {
            if self.get(name).is_none() {
                self.values.retain(|(known, _)| *known != name);
                self.values.push((name, value));
            }
        }
    }

    fn insert(&mut self, name: &str, value: Option<Cow<'a, str>>) {
        if let (Some(name), Some(value)) = (known_name(name), value) {
            self.values.push((name, value));
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for EventData<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(EventDataVisitor(PhantomData))
    }
}

/// Reads `EventData` as an object of named values, with `Data` holding the XML-shaped list.
/// Anything else (`null`, a bare string of unnamed data) holds nothing the mapping reads.
struct EventDataVisitor<'a>(PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for EventDataVisitor<'a> {
    type Value = EventData<'a>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EventData")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut data = EventData::default();
        while let Some(key) = map.next_key::<LenientText<'de>>()? {
            let key = key.0.as_ref();
            if key == "Data" {
                let items: DataItems<'a> = map.next_value()?;
                for (name, value) in items.0 {
                    data.insert(&name, value);
                }
            } else if known_name(key).is_some() {
                let value = map.next_value::<Node<'a>>()?.text;
                data.insert(key, value);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(data)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(EventData::default())
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(EventData::default())
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(EventData::default())
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(EventData::default())
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(EventData::default())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(EventData::default())
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(EventData::default())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(EventData::default())
    }
}

/// The named items of `Data`: a list of `{"@Name": .., "#text": ..}`, or a single one.
/// Unnamed items (plain strings) are skipped.
struct DataItems<'a>(Vec<(Cow<'a, str>, Option<Cow<'a, str>>)>);

impl<'de: 'a, 'a> Deserialize<'de> for DataItems<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(DataItemsVisitor(PhantomData))
    }
}

struct DataItemsVisitor<'a>(PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for DataItemsVisitor<'a> {
    type Value = DataItems<'a>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of Data elements")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(node) = seq.next_element::<Node<'a>>()? {
            if let Some(name) = node.name {
                items.push((name, node.text));
            }
        }
        Ok(DataItems(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let node = Node::deserialize(de::value::MapAccessDeserializer::new(map))?;
        Ok(DataItems(
            node.name
                .map(|name| (name, node.text))
                .into_iter()
                .collect(),
        ))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(DataItems(Vec::new()))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(DataItems(Vec::new()))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(DataItems(Vec::new()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(json: &str) -> EventData<'_> {
        serde_json::from_str(json).expect("EventData")
    }

    #[test]
    fn named_values_keep_only_what_the_mapping_reads() {
        let data = data(
            r#"{"RuleName":"-","UtcTime":"2025-03-04 08:40:58.632","ProcessId":3412,"image":"C:\\x.exe","Hashes":"MD5=1","TerminalSessionId":1,"User":"-"}"#,
        );
        assert_eq!(data.get("UtcTime"), Some("2025-03-04 08:40:58.632"));
        assert_eq!(data.get("ProcessId"), Some("3412"));
        assert_eq!(data.get("Image"), Some("C:\\x.exe"));
        assert_eq!(data.get("User"), None);
        assert_eq!(data.values.len(), 4);
    }

    #[test]
    fn data_lists_in_both_spellings() {
        let sigils = data(
            r##"{"Data":[{"@Name":"TargetUserName","#text":"jdoe@contoso.com"},{"@Name":"IpAddress","#text":"203.0.113.77"},{"@Name":"Empty"},"unnamed"]}"##,
        );
        assert_eq!(sigils.get("TargetUserName"), Some("jdoe@contoso.com"));
        assert_eq!(sigils.get("IpAddress"), Some("203.0.113.77"));
        let plain = data(r#"{"Data":[{"Name":"SubStatus","text":"0xc0000064"}]}"#);
        assert_eq!(plain.get("SubStatus"), Some("0xc0000064"));
        let single = data(r##"{"Data":{"@Name":"LogonType","#text":"3"}}"##);
        assert_eq!(single.get("LogonType"), Some("3"));
    }

    #[test]
    fn empty_or_unnamed_data_holds_nothing() {
        for json in ["null", r#""text""#, "[1,2]", r#"{"Data":"x"}"#, "{}"] {
            assert_eq!(data(json), EventData::default(), "{json}");
        }
    }

    #[test]
    fn fill_only_adds_what_is_missing() {
        let mut data = data(r#"{"Image":"C:\\a.exe","User":"-"}"#);
        data.fill("Image", Some(Cow::Borrowed("C:\\b.exe")));
        data.fill("User", Some(Cow::Borrowed("WS\\amy")));
        data.fill("CommandLine", None);
        assert_eq!(data.get("Image"), Some("C:\\a.exe"));
        assert_eq!(data.get("User"), Some("WS\\amy"));
        assert_eq!(data.get("CommandLine"), None);
    }
}
