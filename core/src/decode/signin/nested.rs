//! The nested objects of a sign-in, `status` and `location`, as Entra writes them (camelCase).
//!
//! Graph, the Azure Monitor `properties`, Sentinel's `Status` / `LocationDetails` columns and
//! their JSON text in CSV exports all use these same inner names, so one view serves them all.
//! The views borrow from the record when it holds them as objects, and own their text when it
//! holds them as JSON strings ([`FromJsonText`]).

use super::lenient::{FromJsonText, Number};
use crate::decode::lenient::LenientText;
use serde::Deserialize;
use std::borrow::Cow;

/// `status{errorCode, failureReason}`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Status<'a> {
    /// AADSTS code, a number (or text in some pipelines).
    #[serde(rename = "errorCode", borrow, default)]
    pub error_code: Option<LenientText<'a>>,
    /// Failure reason; present (`"Other."`) even on some successes.
    #[serde(rename = "failureReason", borrow, default)]
    pub failure_reason: Option<LenientText<'a>>,
}

impl Status<'_> {
    fn into_owned(self) -> Status<'static> {
        Status {
            error_code: self.error_code.map(owned),
            failure_reason: self.failure_reason.map(owned),
        }
    }
}

impl FromJsonText for Status<'_> {
    fn from_json_text(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str::<Status<'_>>(text).map(Status::into_owned)
    }
}

/// `location{city, state, countryOrRegion, geoCoordinates}`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Location<'a> {
    /// City.
    #[serde(borrow, default)]
    pub city: Option<LenientText<'a>>,
    /// Country: a 2-letter code from Entra, a country name from some test tooling.
    #[serde(rename = "countryOrRegion", borrow, default)]
    pub country_or_region: Option<LenientText<'a>>,
    /// Coordinates.
    #[serde(rename = "geoCoordinates", default)]
    pub geo_coordinates: Option<Coordinates>,
}

impl Location<'_> {
    fn into_owned(self) -> Location<'static> {
        Location {
            city: self.city.map(owned),
            country_or_region: self.country_or_region.map(owned),
            geo_coordinates: self.geo_coordinates,
        }
    }
}

impl FromJsonText for Location<'_> {
    fn from_json_text(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str::<Location<'_>>(text).map(Location::into_owned)
    }
}

/// `geoCoordinates{latitude, longitude}` (altitude is never set and not read).
#[derive(Debug, Clone, Copy, Default, Deserialize)]
pub struct Coordinates {
    /// Latitude.
    #[serde(default)]
    pub latitude: Number,
    /// Longitude.
    #[serde(default)]
    pub longitude: Number,
}

fn owned(text: LenientText<'_>) -> LenientText<'static> {
    LenientText(Cow::Owned(text.0.into_owned()))
}

/// The text of an optional lenient field, as a plain `&str`.
pub fn text<'r>(field: &'r Option<LenientText<'_>>) -> Option<&'r str> {
    field.as_ref().map(|text| text.0.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_text_and_objects_read_alike() {
        let object: Location<'_> = serde_json::from_str(
            r#"{"city":"Rotterdam","state":"Zuid-Holland","countryOrRegion":"NL","geoCoordinates":{"latitude":51.9225,"longitude":"4.4792","altitude":null}}"#,
        )
        .expect("object");
        let embedded = Location::from_json_text(
            r#"{"city":"Rotterdam","countryOrRegion":"NL","geoCoordinates":{"latitude":51.9225,"longitude":4.4792}}"#,
        )
        .expect("text");
        for location in [object, embedded] {
            assert_eq!(text(&location.city), Some("Rotterdam"));
            assert_eq!(text(&location.country_or_region), Some("NL"));
            let coordinates = location.geo_coordinates.expect("coordinates");
            assert_eq!(
                (coordinates.latitude.0, coordinates.longitude.0),
                (Some(51.9225), Some(4.4792))
            );
        }
        let status =
            Status::from_json_text(r#"{"errorCode":50126,"failureReason":null}"#).expect("status");
        assert_eq!(text(&status.error_code), Some("50126"));
        assert_eq!(text(&status.failure_reason), None);
    }
}
