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
pub mod graph_members;
pub mod lenient;
pub mod log;
pub mod nested;
pub mod nested_members;
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
    serde_json::from_slice(bytes).map_err(|error| rejection(bytes, shape, forced, error))
}

/// Why a record that could not be read is rejected, when it is a sign-in of `shape` (forced,
/// or recognised by its keys); `None` when it is some other record.
fn rejection(
    bytes: &[u8],
    shape: JsonShape,
    forced: bool,
    error: impl std::fmt::Display,
) -> Option<String> {
    let ours = forced
        || probe_keys(bytes)
            .ok()
            .and_then(|keys| JsonShape::classify(&keys))
            == Some(shape);
    ours.then(|| format!("invalid `{}` sign-in: {error}", shape.name()))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// One record of each JSON form with every value replaced by `value`.
    fn records(value: &str) -> [String; 4] {
        let v = serde_json::to_string(value).unwrap_or_default();
        [
            format!(
                r#"{{"id":{v},"createdDateTime":{v},"userPrincipalName":{v},"signInIdentifier":{v},"ipAddress":{v},"status":{v},"clientAppUsed":{v},"riskLevelDuringSignIn":{v},"riskState":{v},"isInteractive":{v},"location":{{"city":{v},"countryOrRegion":{v},"geoCoordinates":{{"latitude":{v},"longitude":{v}}}}},"signInEventTypes":[{v}]}}"#
            ),
            format!(
                r#"{{"time":{v},"category":{v},"resultType":{v},"callerIpAddress":{v},"location":{v},"properties":{{"id":{v},"status":{{"errorCode":{v},"failureReason":{v}}},"location":{v}}}}}"#
            ),
            format!(
                r#"{{"TimeGenerated":{v},"CreatedDateTime":{v},"Id":{v},"UserPrincipalName":{v},"IPAddress":{v},"ResultType":{v},"Status":{v},"LocationDetails":{v},"Location":{v},"IsInteractive":{v},"Type":{v}}}"#
            ),
            format!(
                r#"{{"@timestamp":{v},"source":{{"ip":{v}}},"geo":{{"country_iso_code":{v},"location":{{"lat":{v},"lon":{v}}}}},"azure":{{"signinlogs":{{"category":{v},"result_type":{v},"properties":{{"id":{v},"created_at":{v},"user_principal_name":{v},"is_interactive":{v},"status":{{"error_code":{v}}}}}}}}}}}"#
            ),
        ]
    }

    fn decode_every_way(bytes: &[u8]) {
        for forced in [false, true] {
            let _ = decode_graph(bytes, forced);
            let _ = decode_azure_monitor(bytes, forced);
            let _ = decode_sentinel(bytes, forced);
            let _ = decode_ecs(bytes, forced);
        }
    }

    /// Decodes one row of each CSV form with every cell set to `value`.
    fn decode_csv_rows(value: &str) {
        use crate::decode::DecodeContext;
        use crate::input::csv::{CsvFrame, CsvFramer};
        let cell = format!("\"{}\"", value.replace('"', "\"\""));
        let headers = [
            "TimeGenerated [UTC],CreatedDateTime [UTC],Id,UserPrincipalName,IPAddress,ResultType,Status,LocationDetails,Location,IsInteractive,Type",
            "Date (UTC),Request ID,Username,IP address,Location,Status,Sign-in error code,Client app",
            "CreatedDateTime,UserPrincipalName,IPAddress,City,Country,Status,RiskState",
        ];
        let context = DecodeContext::new("NonInteractiveSignIns_x.csv", None);
        for (form, header) in headers.iter().enumerate() {
            let row = vec![cell.as_str(); header.split(',').count()].join(",");
            let csv = format!("{header}\n{row}\n");
            let mut framer = CsvFramer::new(1 << 16);
            let mut sink = |frame: CsvFrame<'_>| {
                if let CsvFrame::Row { row, at } = frame {
                    let _ = if form == 0 {
                        decode_sentinel_csv(&row)
                    } else {
                        decode_portal_csv(&row, at, &context)
                    };
                }
            };
            framer.push(csv.as_bytes(), &mut sink);
            framer.finish(&mut sink);
        }
    }

    proptest! {
        #[test]
        fn arbitrary_cells_never_panic(value in "\\PC{0,40}") {
            decode_csv_rows(&value);
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            decode_every_way(&bytes);
        }

        #[test]
        fn arbitrary_field_text_never_panics(value in "\\PC{0,40}") {
            for record in records(&value) {
                decode_every_way(record.as_bytes());
            }
        }

        #[test]
        fn arbitrary_embedded_json_never_panics(value in r#"\{("[a-zA-Z]{0,14}":("[^"\\]{0,12}"|-?[0-9]{1,6}(\.[0-9]{1,4})?|true|null|\{\}),?){0,4}\}"#) {
            for record in records(&value) {
                decode_every_way(record.as_bytes());
            }
        }
    }
}
