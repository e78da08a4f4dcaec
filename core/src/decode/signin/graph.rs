//! Microsoft Graph `signIn` objects (`/auditLogs/signIns`), also the Entra portal's JSON
//! download.
//!
//! The framer has already unwrapped `{"@odata.context": ..., "value": [...]}`. The view
//! ([`RawSignIn`]) is filled by the member scanner ([`super::graph_members`]), here and for the
//! `properties` of an Azure Monitor record, which holds the same object; its serde reading is
//! the reference the scanner is tested against. A Graph record is recognised by its
//! `createdDateTime`.

use super::fields::{Fields, Names, first, first_named, to_outcome};
use super::lenient::{Embedded, Flag};
use super::nested::{Location, Status, text};
use super::{log, rejection};
use crate::decode::Outcome;
use crate::decode::lenient::LenientText;
use crate::input::format::JsonShape;
use serde::Deserialize;

/// The fields of a Graph `signIn` that the mapping reads. Names as Graph spells them.
#[derive(Debug, Default, Deserialize)]
pub struct RawSignIn<'a> {
    #[serde(borrow)]
    pub(super) id: Option<LenientText<'a>>,
    #[serde(rename = "createdDateTime", borrow)]
    pub(super) created_date_time: Option<LenientText<'a>>,
    #[serde(rename = "userPrincipalName", borrow)]
    pub(super) user_principal_name: Option<LenientText<'a>>,
    #[serde(rename = "signInIdentifier", borrow)]
    pub(super) sign_in_identifier: Option<LenientText<'a>>,
    #[serde(rename = "ipAddress", borrow)]
    pub(super) ip_address: Option<LenientText<'a>>,
    #[serde(borrow, default)]
    pub(super) status: Embedded<Status<'a>>,
    #[serde(rename = "appDisplayName", borrow)]
    pub(super) app_display_name: Option<LenientText<'a>>,
    #[serde(rename = "appId", borrow)]
    pub(super) app_id: Option<LenientText<'a>>,
    #[serde(rename = "resourceDisplayName", borrow)]
    pub(super) resource_display_name: Option<LenientText<'a>>,
    #[serde(rename = "clientAppUsed", borrow)]
    pub(super) client_app_used: Option<LenientText<'a>>,
    #[serde(rename = "authenticationProtocol", borrow)]
    pub(super) authentication_protocol: Option<LenientText<'a>>,
    #[serde(rename = "userAgent", borrow)]
    pub(super) user_agent: Option<LenientText<'a>>,
    #[serde(rename = "riskLevelDuringSignIn", borrow)]
    pub(super) risk_level_during_sign_in: Option<LenientText<'a>>,
    #[serde(rename = "riskLevelAggregated", borrow)]
    pub(super) risk_level_aggregated: Option<LenientText<'a>>,
    #[serde(rename = "riskState", borrow)]
    pub(super) risk_state: Option<LenientText<'a>>,
    #[serde(rename = "isInteractive", default)]
    pub(super) is_interactive: Flag,
    #[serde(rename = "isRisky", default)]
    pub(super) is_risky: Flag,
    #[serde(borrow, default)]
    pub(super) location: Embedded<Location<'a>>,
    #[serde(rename = "correlationId", borrow)]
    pub(super) correlation_id: Option<LenientText<'a>>,
    #[serde(rename = "sessionId", borrow)]
    pub(super) session_id: Option<LenientText<'a>>,
    #[serde(rename = "signInEventTypes", borrow)]
    pub(super) sign_in_event_types: Option<Vec<LenientText<'a>>>,
}

/// Field names a rejection of a Graph sign-in cites.
const NAMES: Names = Names {
    id: "`id`",
    time: "`createdDateTime`",
    result: "`status.errorCode`",
};

/// Decodes one Graph `signIn`; `None` when the object has no `createdDateTime` (it is not
/// one) and the shape was not forced.
pub fn decode_graph(bytes: &[u8], forced: bool) -> Option<Outcome> {
    let raw: RawSignIn<'_> = match super::graph_members::read(bytes) {
        Ok(raw) => raw,
        Err(error) => {
            return rejection(bytes, JsonShape::GraphSignin, forced, error).map(Outcome::Rejected);
        }
    };
    if !forced && raw.created_date_time.is_none() {
        return None;
    }
    Some(to_outcome(&raw.fields(), NAMES))
}

impl<'a> RawSignIn<'a> {
    /// The sign-in's fields, cited by their Graph names (`createdDateTime`).
    pub fn fields(&self) -> Fields<'_> {
        let status = self.status.0.as_ref();
        let location = self.location.0.as_ref();
        let coordinates = location.and_then(|l| l.geo_coordinates);
        Fields {
            id: text(&self.id),
            time: first_named([("createdDateTime", text(&self.created_date_time))]),
            user: text(&self.user_principal_name),
            sign_in_identifier: text(&self.sign_in_identifier),
            ip: first_named([("ipAddress", text(&self.ip_address))]),
            error_code: first_named([(
                "status.errorCode",
                status.and_then(|s| text(&s.error_code)),
            )]),
            status: None,
            failure_reason: status.and_then(|s| text(&s.failure_reason)),
            app: text(&self.app_display_name),
            app_id: text(&self.app_id),
            resource: text(&self.resource_display_name),
            client_app: text(&self.client_app_used),
            protocol: text(&self.authentication_protocol),
            user_agent: text(&self.user_agent),
            risk_during: text(&self.risk_level_during_sign_in),
            risk_aggregated: text(&self.risk_level_aggregated),
            risk_state: text(&self.risk_state),
            is_risky: self.is_risky.0,
            interactive: self.is_interactive.0,
            log: log::from_event_types(
                self.sign_in_event_types
                    .iter()
                    .flatten()
                    .map(|kind| kind.0.as_ref()),
            ),
            countries: [location.and_then(|l| text(&l.country_or_region)), None],
            city: first([location.and_then(|l| text(&l.city))]),
            latitude: coordinates.and_then(|c| c.latitude.0),
            longitude: coordinates.and_then(|c| c.longitude.0),
            correlation_id: text(&self.correlation_id),
            session_id: text(&self.session_id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Event, EventKind, RiskLevel, RiskState, SignIn, SignInLog};
    use crate::time::Timestamp;

    fn event(json: &str) -> (Event, SignIn) {
        match decode_graph(json.as_bytes(), false) {
            Some(Outcome::Event(event)) => match event.kind.clone() {
                EventKind::SignIn(sign_in) => (event, sign_in),
                other => panic!("{other:?}"),
            },
            other => panic!("expected an event, got {other:?}"),
        }
    }

    const REFERENCE: &str = r#"{"id":"66ea54eb-6301-4ee5-be62-ff5a759b0100","createdDateTime":"2025-03-04T08:58:07Z",
 "userDisplayName":"Jane Doe","userPrincipalName":"JDoe@Contoso.com","userId":"d7cc485d-2c1b-422c-98fd-5ce52859a4a3",
 "appId":"1b730954-1685-4b74-9bfd-dac224a7b894","appDisplayName":"Azure Active Directory PowerShell",
 "ipAddress":"203.0.113.77","clientAppUsed":"Mobile Apps and Desktop clients","correlationId":"1f577997-0710-4bd4-848e-5854f748f7dc",
 "conditionalAccessStatus":"notApplied","isInteractive":true,"riskDetail":"none","riskLevelAggregated":"none",
 "riskLevelDuringSignIn":"none","riskState":"none","riskEventTypes":[],"riskEventTypes_v2":[],
 "resourceDisplayName":"Windows Azure Active Directory","resourceId":"00000002-0000-0000-c000-000000000000",
 "status":{"errorCode":50126,"failureReason":"Error validating credentials due to invalid username or password.","additionalDetails":null},
 "deviceDetail":{"deviceId":"","displayName":"","operatingSystem":"Windows","browser":"","isCompliant":false,"isManaged":false,"trustType":""},
 "location":{"city":"Rotterdam","state":"Zuid-Holland","countryOrRegion":"NL","geoCoordinates":{"altitude":null,"latitude":51.9225,"longitude":4.4792}},
 "appliedConditionalAccessPolicies":[]}"#;

    #[test]
    fn the_reference_sign_in_field_by_field() {
        let (event, sign_in) = event(REFERENCE);
        assert_eq!(&*event.record_id, "66ea54eb-6301-4ee5-be62-ff5a759b0100");
        assert_eq!(event.time, Timestamp(1_741_078_687_000));
        assert_eq!(event.user.as_deref(), Some("jdoe@contoso.com"));
        assert_eq!(
            event.ip.map(|ip| ip.to_string()).as_deref(),
            Some("203.0.113.77")
        );
        assert_eq!(
            sign_in,
            SignIn {
                error_code: 50126,
                failure_reason: Some(
                    "Error validating credentials due to invalid username or password.".into()
                ),
                app: Some("Azure Active Directory PowerShell".into()),
                app_id: Some("1b730954-1685-4b74-9bfd-dac224a7b894".into()),
                resource: Some("Windows Azure Active Directory".into()),
                client_app: Some("Mobile Apps and Desktop clients".into()),
                protocol: None,
                legacy_auth: false,
                user_agent: None,
                country: Some("NL".into()),
                city: Some("Rotterdam".into()),
                coordinates: Some((51.9225, 4.4792)),
                risk_during: RiskLevel::None,
                risk_aggregated: RiskLevel::None,
                risk_state: RiskState::None,
                is_risky: None,
                interactive: Some(true),
                log: SignInLog::Interactive,
                correlation_id: Some("1f577997-0710-4bd4-848e-5854f748f7dc".into()),
                session_id: None,
            }
        );
    }

    #[test]
    fn beta_event_types_name_the_log() {
        let (_, sign_in) = event(
            r#"{"id":"a","createdDateTime":"2025-03-04T08:58:07Z","userPrincipalName":"a@b.com",
                "status":{"errorCode":"0"},"isInteractive":true,"signInEventTypes":["nonInteractiveUser"],
                "riskLevelDuringSignIn":"hidden","location":{"countryOrRegion":"United States"}}"#,
        );
        assert_eq!(sign_in.log, SignInLog::NonInteractive);
        assert_eq!(sign_in.interactive, Some(true));
        assert_eq!(sign_in.risk_during, RiskLevel::Hidden);
        assert_eq!(sign_in.country.as_deref(), Some("US"));
        assert!(sign_in.succeeded());
    }

    #[test]
    fn other_records_are_not_claimed_unless_forced() {
        let other = br#"{"Id":"1","CreationTime":"2025-03-04T09:15:02","Operation":"Send"}"#;
        assert_eq!(decode_graph(other, false), None);
        match decode_graph(other, true) {
            Some(Outcome::Rejected(reason)) => {
                assert!(reason.contains("record id (`id`)"), "{reason}");
            }
            outcome => panic!("{outcome:?}"),
        }
    }

    #[test]
    fn wrong_types_are_rejected() {
        for json in [
            r#"{"id":"a","createdDateTime":"2025-03-04T08:58:07Z","status":[1]}"#,
            r#"{"id":"a","createdDateTime":"2025-03-04T08:58:07Z","isInteractive":"perhaps"}"#,
            r#"{"id":"a","createdDateTime":"2025-03-04T08:58:07Z","location":{"geoCoordinates":{"latitude":"north"}}}"#,
        ] {
            match decode_graph(json.as_bytes(), false) {
                Some(Outcome::Rejected(reason)) => {
                    assert!(
                        reason.starts_with("invalid `graph-signin` sign-in"),
                        "{reason}"
                    );
                }
                outcome => panic!("{json}: {outcome:?}"),
            }
        }
    }
}
