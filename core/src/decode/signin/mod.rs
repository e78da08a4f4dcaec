//! Entra ID sign-in logs, in every export form, into [`EventKind::SignIn`] events.
//!
//! The same sign-in reaches an analyst in six shapes: Graph `signIn` objects (also the Entra
//! portal's JSON download), Azure Monitor diagnostic records (the sign-in under `properties`),
//! Sentinel / Log Analytics rows (PascalCase, nested columns as objects or JSON text), Elastic
//! `azure.signinlogs` documents (snake_case), the Log Analytics CSV export, and the Entra
//! portal CSV download (two header generations). Each form has its own small module that only
//! finds the values in its record; [`fields`] maps them to the event, once, so every form
//! gives the same [`SignIn`] for the same sign-in.
//!
//! Records are read through borrowed, lenient views (like the audit-log decoder): only the
//! fields a detection reads, unknown fields skipped without allocation, the type spellings
//! exports disagree on accepted ([`lenient`]), wrong types rejected with the reason.
//!
//! JSON decoders answer `None` when the record is not of their shape (the caller then
//! recognises it from its keys), unless the shape was forced: then every record is theirs.
//!
//! [`EventKind::SignIn`]: crate::event::EventKind::SignIn
//! [`SignIn`]: crate::event::SignIn

pub mod azure_monitor;
pub mod country;
pub mod ecs;
pub mod fields;
pub mod graph;
pub mod lenient;
pub mod log;
pub mod nested;
pub mod portal_csv;
pub mod sentinel;
pub mod sentinel_csv;

pub use azure_monitor::decode_azure_monitor;
pub use ecs::decode_ecs;
pub use fields::UNKNOWN_FAILURE_CODE;
pub use graph::decode_graph;
pub use portal_csv::decode_portal_csv;
pub use sentinel::decode_sentinel;
pub use sentinel_csv::decode_sentinel_csv;

use super::json::probe_keys;
use crate::input::format::JsonShape;
use serde::Deserialize;

/// Parses a record of `shape`. On failure: the rejection reason when the record is of that
/// shape (forced, or recognised from its keys), `None` when it is some other record.
fn parse<'a, T: Deserialize<'a>>(
    bytes: &'a [u8],
    shape: JsonShape,
    forced: bool,
) -> Result<T, Option<String>> {
    serde_json::from_slice(bytes).map_err(|error| {
        let ours = forced
            || probe_keys(bytes)
                .ok()
                .and_then(|keys| JsonShape::classify(&keys))
                == Some(shape);
        ours.then(|| format!("invalid `{}` sign-in: {error}", shape.name()))
    })
}
