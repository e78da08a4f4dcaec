//! Readers for the members the mapping parses only when an operation needs them: mail items,
//! folders, recipient lists and the app access context (name/value lists are in
//! [`super::name_values`]).
//!
//! Each reads its member with the object scanner ([`super::scan`]), keeps only the values the
//! mapping uses and skips the rest. A member of the wrong type, or a value inside it of the
//! wrong type, is an error naming both (`field `Item.Subject`: invalid type: ...`).

use super::scan::{Elements, Kind, Members, RawJson, ScanError};
use super::values::{Path, Text, invalid_kind, invalid_type, text};
use std::fmt::Display;

/// A mail item (`Item`, an element of `AffectedItems`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailItem<'a> {
    /// `Subject`.
    pub subject: Option<Text<'a>>,
    /// `InternetMessageId`, angle brackets included.
    pub internet_message_id: Option<Text<'a>>,
    /// `ParentFolder.Path`, e.g. `\Sent Items`.
    pub folder_path: Option<Text<'a>>,
}

fn scan_error(name: impl Display) -> impl Fn(ScanError) -> String {
    move |error| format!("field `{name}`: {error}")
}

/// Calls `each` with every member of the object `raw`, the first time each key occurs.
fn each_member<'a>(
    raw: RawJson<'a>,
    name: impl Display + Copy,
    mut each: impl FnMut(&str, RawJson<'a>) -> Result<(), String>,
) -> Result<(), String> {
    if raw.kind != Kind::Object {
        return Err(invalid_type(raw, name, "an object"));
    }
    let mut members = Members::new(raw.text).map_err(scan_error(name))?;
    while let Some((key, value)) = members.next().map_err(scan_error(name))? {
        each(&key.name(), value)?;
    }
    Ok(())
}

/// Calls `each` with the members of every element of the array `raw` (`Some((key, value))`),
/// and with `None` at the end of each element; every element is read in place and must be an
/// object.
fn each_object_element<'a>(
    raw: RawJson<'a>,
    name: impl Display + Copy,
    mut each: impl FnMut(Option<(&str, RawJson<'a>)>) -> Result<(), String>,
) -> Result<(), String> {
    if raw.kind != Kind::Array {
        return Err(invalid_type(raw, name, "an array"));
    }
    let mut elements = Elements::new(raw.text).map_err(scan_error(name))?;
    while let Some(kind) = elements.next_in_place(scan_error(name), |key, value| {
        each(Some((&key.name(), value)))
    })? {
        if kind != Kind::Object {
            return Err(invalid_kind(kind, name, "an array of objects"));
        }
        each(None)?;
    }
    Ok(())
}

/// Stores the first non-null string found for a key.
fn keep<'a>(
    slot: &mut Option<Text<'a>>,
    value: RawJson<'a>,
    name: impl Display,
) -> Result<(), String> {
    if slot.is_none() {
        *slot = text(value, name)?;
    }
    Ok(())
}

/// Reads a folder (`Folder`, `ParentFolder`): its `Path`.
pub fn folder_path<'a>(
    raw: Option<RawJson<'a>>,
    name: impl Display + Copy,
) -> Result<Option<Text<'a>>, String> {
    let Some(raw) = raw.filter(|raw| raw.kind != Kind::Null) else {
        return Ok(None);
    };
    let mut path = None;
    each_member(raw, name, |key, value| match key {
        "Path" => keep(&mut path, value, Path(name, "Path")),
        _ => Ok(()),
    })?;
    Ok(path)
}

/// Reads a mail item (`Item`).
pub fn mail_item<'a>(
    raw: Option<RawJson<'a>>,
    name: impl Display + Copy,
) -> Result<Option<MailItem<'a>>, String> {
    let Some(raw) = raw.filter(|raw| raw.kind != Kind::Null) else {
        return Ok(None);
    };
    let mut item = MailItem::default();
    each_member(raw, name, |key, value| {
        item_member(&mut item, key, value, name)
    })?;
    Ok(Some(item))
}

/// Reads a mail item by a scanner of its members, in place in the record (so that it is
/// scanned once), as [`mail_item`] reads it; `None` when that reading would fail, which is
/// then left to [`mail_item`] to report.
pub fn mail_item_in_place<'a>(object: &mut Members<'a>) -> Option<MailItem<'a>> {
    let mut item = MailItem::default();
    while let Some(key) = object.next_key().ok()? {
        let key = key.name();
        // The folder object is read in place too: `ParentFolder: {"Path": ...}`.
        if key == "ParentFolder"
            && item.folder_path.is_none()
            && let Some((_, path)) = object.read_object_in_place(folder_path_in_place)
        {
            item.folder_path = path;
            continue;
        }
        let value = object.next_value().ok()?;
        item_member(&mut item, &key, value, "Item").ok()?;
    }
    Some(item)
}

/// A folder's `Path`, as [`folder_path`] reads it, by a scanner of the folder's members in
/// place; `None` when that reading would fail.
fn folder_path_in_place<'a>(folder: &mut Members<'a>) -> Option<Option<Text<'a>>> {
    let mut path = None;
    while let Some((key, value)) = folder.next().ok()? {
        if key.name() == "Path" {
            keep(&mut path, value, "Path").ok()?;
        }
    }
    Some(path)
}

/// Reads one member of a mail item.
fn item_member<'a>(
    item: &mut MailItem<'a>,
    key: &str,
    value: RawJson<'a>,
    name: impl Display + Copy,
) -> Result<(), String> {
    match key {
        "Subject" => keep(&mut item.subject, value, Path(name, "Subject")),
        "InternetMessageId" => keep(
            &mut item.internet_message_id,
            value,
            Path(name, "InternetMessageId"),
        ),
        "ParentFolder" if item.folder_path.is_none() => {
            item.folder_path = folder_path(Some(value), Path(name, "ParentFolder"))?;
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Reads a list of mail items (`AffectedItems`).
pub fn mail_items<'a>(
    raw: Option<RawJson<'a>>,
    name: impl Display + Copy,
) -> Result<Vec<MailItem<'a>>, String> {
    let mut items = Vec::new();
    let Some(raw) = raw.filter(|raw| raw.kind != Kind::Null) else {
        return Ok(items);
    };
    let mut item = MailItem::default();
    each_object_element(raw, name, |member| match member {
        Some((key, value)) => item_member(&mut item, key, value, name),
        None => {
            items.push(std::mem::take(&mut item));
            Ok(())
        }
    })?;
    Ok(items)
}

/// Reads the addresses of a recipient list (`recipientList`: `[{"Address", "Name"}]`).
pub fn recipient_addresses<'a>(
    raw: Option<RawJson<'a>>,
    name: impl Display + Copy,
) -> Result<Vec<Text<'a>>, String> {
    let mut addresses = Vec::new();
    let Some(raw) = raw.filter(|raw| raw.kind != Kind::Null) else {
        return Ok(addresses);
    };
    let mut address = None;
    each_object_element(raw, name, |member| match member {
        Some((key, value)) if key.eq_ignore_ascii_case("Address") => {
            keep(&mut address, value, Path(name, "Address"))
        }
        Some(_) => Ok(()),
        None => {
            addresses.extend(address.take());
            Ok(())
        }
    })?;
    Ok(addresses)
}

/// Reads `AppAccessContext.AADSessionId`.
pub fn aad_session_id<'a>(
    raw: Option<RawJson<'a>>,
    name: impl Display + Copy,
) -> Result<Option<Text<'a>>, String> {
    let Some(raw) = raw.filter(|raw| raw.kind != Kind::Null) else {
        return Ok(None);
    };
    let mut session = None;
    each_member(raw, name, |key, value| match key {
        "AADSessionId" => keep(&mut session, value, Path(name, "AADSessionId")),
        _ => Ok(()),
    })?;
    Ok(session)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::ual::scan::whole_value;

    fn raw(json: &str) -> Option<RawJson<'_>> {
        Some(whole_value(json).expect("JSON"))
    }

    #[test]
    fn mail_items_and_folders() {
        let item = mail_item(
            raw(
                r#"{"Id":"x","Subject":"RE: invoice","InternetMessageId":"<m@x>","SizeInBytes":5,
                     "ParentFolder":{"Id":"f","Path":"\\Sent Items"}}"#,
            ),
            "Item",
        )
        .expect("valid")
        .expect("present");
        assert_eq!(item.subject.as_deref(), Some("RE: invoice"));
        assert_eq!(item.internet_message_id.as_deref(), Some("<m@x>"));
        assert_eq!(item.folder_path.as_deref(), Some("\\Sent Items"));
        assert_eq!(mail_item(raw("null"), "Item"), Ok(None));
        assert_eq!(mail_item(None, "Item"), Ok(None));
        let items = mail_items(
            raw(r#"[{"Subject":"a"},{"Subject":null}]"#),
            "AffectedItems",
        )
        .expect("valid");
        assert_eq!(items.len(), 2);
        assert_eq!(items[1].subject, None);
        assert_eq!(
            folder_path(raw(r#"{"Path":"\\Inbox"}"#), "Folder")
                .expect("valid")
                .as_deref(),
            Some("\\Inbox")
        );
    }

    #[test]
    fn recipients_and_sessions() {
        let addresses = recipient_addresses(
            raw(r#"[{"Address":"a@x.example","Name":"A"},{"Name":"no address"},{"address":"b@y.example"}]"#),
            "recipientList",
        )
        .expect("valid");
        let addresses: Vec<&str> = addresses.iter().map(|a| &**a).collect();
        assert_eq!(addresses, vec!["a@x.example", "b@y.example"]);
        assert_eq!(
            aad_session_id(
                raw(r#"{"AADSessionId":"s1","APIId":"x"}"#),
                "AppAccessContext"
            )
            .expect("valid")
            .as_deref(),
            Some("s1")
        );
    }

    #[test]
    fn wrong_types_name_the_member_and_the_value() {
        assert_eq!(
            mail_item(raw(r#""text""#), "Item"),
            Err("field `Item`: invalid type: a string, expected an object".into())
        );
        assert_eq!(
            mail_item(raw(r#"{"Subject":5}"#), "Item"),
            Err("field `Item.Subject`: invalid type: a number, expected a string".into())
        );
        assert_eq!(
            mail_item(raw(r#"{"ParentFolder":{"Path":[]}}"#), "Item"),
            Err("field `Item.ParentFolder.Path`: invalid type: an array, expected a string".into())
        );
        assert_eq!(
            mail_items(raw(r#"{"Subject":"a"}"#), "AffectedItems"),
            Err("field `AffectedItems`: invalid type: an object, expected an array".into())
        );
        assert!(recipient_addresses(raw(r#"["a@x.example"]"#), "recipientList").is_err());
    }
}
