//! Elastic ECS `azure.signinlogs` documents (data stream `logs-azure.signinlogs-*`).
//!
//! Elastic's ingest pipeline moves the sign-in to `azure.signinlogs.properties.*` in
//! snake_case: `created_at` (not `created_date_time`), `status.error_code`,
//! `risk_level_during_signin` (older pipelines; newer ones convert every key and may leave
//! `risk_level_during_sign_in`, so both are read). The envelope is under
//! `azure.signinlogs` (`category`, `result_type` as text, `result_description`). The client
//! address is `source.ip` (grokked from `callerIpAddress` or copied from `ipAddress`); the
//! user agent moves to `user_agent.original`; the failure reason to `message` (newer
//! pipelines append ` (additionalDetails)` to it).
//!
//! Microsoft's own location goes to the root `geo.*`: `city_name`, `country_iso_code`,
//! `location.lat/lon`, and (a pipeline quirk) the *state* in `geo.country_name`, which is
//! therefore not read. `source.geo` is Elastic's GeoIP enrichment, not Entra's, and is not
//! read either, so that the country agrees with every other export of the same sign-in.
//! Documents of other Azure data streams (an `azure` object without `signinlogs`) are ignored.

use super::fields::{Fields, Names, first, first_named, log_of, to_outcome};
use super::lenient::{Flag, Number};
use super::nested::text;
use super::parse;
use crate::decode::Outcome;
use crate::decode::lenient::LenientText;
use crate::input::format::JsonShape;
use serde::Deserialize;

/// The parts of an ECS document the mapping reads.
#[derive(Debug, Deserialize)]
struct RawDocument<'a> {
    #[serde(rename = "@timestamp", borrow)]
    timestamp: Option<LenientText<'a>>,
    #[serde(borrow)]
    azure: Option<Azure<'a>>,
    #[serde(borrow)]
    source: Option<Endpoint<'a>>,
    #[serde(borrow)]
    client: Option<Endpoint<'a>>,
    #[serde(borrow)]
    geo: Option<Geo<'a>>,
    #[serde(borrow)]
    user_agent: Option<UserAgent<'a>>,
    #[serde(borrow)]
    message: Option<LenientText<'a>>,
    #[serde(borrow)]
    event: Option<EventFields<'a>>,
    #[serde(borrow)]
    data_stream: Option<DataStream<'a>>,
}

#[derive(Debug, Deserialize)]
struct Azure<'a> {
    #[serde(borrow)]
    signinlogs: Option<SignInLogs<'a>>,
    #[serde(borrow)]
    correlation_id: Option<LenientText<'a>>,
}

#[derive(Debug, Deserialize)]
struct SignInLogs<'a> {
    #[serde(borrow)]
    category: Option<LenientText<'a>>,
    #[serde(borrow)]
    result_type: Option<LenientText<'a>>,
    #[serde(borrow)]
    result_description: Option<LenientText<'a>>,
    #[serde(borrow)]
    properties: Option<Properties<'a>>,
}

#[derive(Debug, Deserialize)]
struct Properties<'a> {
    #[serde(borrow)]
    id: Option<LenientText<'a>>,
    #[serde(borrow)]
    created_at: Option<LenientText<'a>>,
    #[serde(borrow)]
    user_principal_name: Option<LenientText<'a>>,
    #[serde(borrow)]
    sign_in_identifier: Option<LenientText<'a>>,
    #[serde(borrow)]
    ip_address: Option<LenientText<'a>>,
    #[serde(borrow)]
    status: Option<EcsStatus<'a>>,
    #[serde(borrow)]
    app_display_name: Option<LenientText<'a>>,
    #[serde(borrow)]
    app_id: Option<LenientText<'a>>,
    #[serde(borrow)]
    resource_display_name: Option<LenientText<'a>>,
    #[serde(borrow)]
    client_app_used: Option<LenientText<'a>>,
    #[serde(borrow)]
    authentication_protocol: Option<LenientText<'a>>,
    #[serde(borrow)]
    user_agent: Option<LenientText<'a>>,
    #[serde(borrow, alias = "risk_level_during_sign_in")]
    risk_level_during_signin: Option<LenientText<'a>>,
    #[serde(borrow)]
    risk_level_aggregated: Option<LenientText<'a>>,
    #[serde(borrow)]
    risk_state: Option<LenientText<'a>>,
    #[serde(default)]
    is_interactive: Flag,
    #[serde(default, alias = "isRisky")]
    is_risky: Flag,
    #[serde(borrow)]
    correlation_id: Option<LenientText<'a>>,
    #[serde(borrow)]
    session_id: Option<LenientText<'a>>,
}

#[derive(Debug, Deserialize)]
struct EcsStatus<'a> {
    #[serde(borrow)]
    error_code: Option<LenientText<'a>>,
}

#[derive(Debug, Deserialize)]
struct Endpoint<'a> {
    #[serde(borrow)]
    ip: Option<LenientText<'a>>,
    #[serde(borrow)]
    address: Option<LenientText<'a>>,
}

#[derive(Debug, Deserialize)]
struct Geo<'a> {
    #[serde(borrow)]
    city_name: Option<LenientText<'a>>,
    #[serde(borrow)]
    country_iso_code: Option<LenientText<'a>>,
    location: Option<Point>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
struct Point {
    #[serde(default)]
    lat: Number,
    #[serde(default)]
    lon: Number,
}

#[derive(Debug, Deserialize)]
struct UserAgent<'a> {
    #[serde(borrow)]
    original: Option<LenientText<'a>>,
}

#[derive(Debug, Deserialize)]
struct EventFields<'a> {
    #[serde(borrow)]
    id: Option<LenientText<'a>>,
    #[serde(borrow)]
    dataset: Option<LenientText<'a>>,
}

#[derive(Debug, Deserialize)]
struct DataStream<'a> {
    #[serde(borrow)]
    dataset: Option<LenientText<'a>>,
}

/// Field names a rejection of an ECS document cites.
const NAMES: Names = Names {
    id: "`azure.signinlogs.properties.id` or `event.id`",
    time: "`azure.signinlogs.properties.created_at` or `@timestamp`",
    result: "`azure.signinlogs.properties.status.error_code` or `azure.signinlogs.result_type`",
};

/// Decodes one ECS document; `None` when it has no `azure` object (it is not one) and the
/// shape was not forced.
pub fn decode_ecs(bytes: &[u8], forced: bool) -> Option<Outcome> {
    let raw: RawDocument<'_> = match parse(bytes, JsonShape::EcsSignin, forced) {
        Ok(raw) => raw,
        Err(reason) => return reason.map(Outcome::Rejected),
    };
    if !forced && raw.azure.is_none() {
        return None;
    }
    let event_id = raw.event.as_ref().and_then(|e| text(&e.id));
    let Some(logs) = raw.azure.as_ref().and_then(|a| a.signinlogs.as_ref()) else {
        let dataset = first([
            raw.data_stream.as_ref().and_then(|d| text(&d.dataset)),
            raw.event.as_ref().and_then(|e| text(&e.dataset)),
        ]);
        let reason = match dataset {
            Some(dataset) => format!("`{dataset}` document"),
            None => "ECS document without `azure.signinlogs`".to_owned(),
        };
        return Some(Outcome::ignored(
            reason,
            first([event_id]).map(str::to_owned),
        ));
    };
    let properties = logs.properties.as_ref();
    macro_rules! property {
        ($field:ident) => {
            properties.and_then(|p| text(&p.$field))
        };
    }
    let id = first([property!(id), event_id]);
    let log = match log_of([text(&logs.category)], id) {
        Ok(log) => log,
        Err(ignore) => return Some(Outcome::Ignored(ignore)),
    };
    let source = raw.source.as_ref();
    let geo = raw.geo.as_ref();
    let point = geo.and_then(|g| g.location);
    let fields = Fields {
        id,
        time: first_named([
            (
                "azure.signinlogs.properties.created_at",
                property!(created_at),
            ),
            ("@timestamp", text(&raw.timestamp)),
        ]),
        user: property!(user_principal_name),
        sign_in_identifier: property!(sign_in_identifier),
        ip: first_named([
            (
                "azure.signinlogs.properties.ip_address",
                property!(ip_address),
            ),
            ("source.ip", source.and_then(|s| text(&s.ip))),
            ("source.address", source.and_then(|s| text(&s.address))),
            ("client.ip", raw.client.as_ref().and_then(|c| text(&c.ip))),
        ]),
        error_code: first_named([
            (
                "azure.signinlogs.properties.status.error_code",
                properties
                    .and_then(|p| p.status.as_ref())
                    .and_then(|s| text(&s.error_code)),
            ),
            ("azure.signinlogs.result_type", text(&logs.result_type)),
        ]),
        status: None,
        failure_reason: first([text(&raw.message), text(&logs.result_description)]),
        app: property!(app_display_name),
        app_id: property!(app_id),
        resource: property!(resource_display_name),
        client_app: property!(client_app_used),
        protocol: property!(authentication_protocol),
        user_agent: first([
            property!(user_agent),
            raw.user_agent.as_ref().and_then(|u| text(&u.original)),
        ]),
        risk_during: property!(risk_level_during_signin),
        risk_aggregated: property!(risk_level_aggregated),
        risk_state: property!(risk_state),
        is_risky: properties.and_then(|p| p.is_risky.0),
        interactive: properties.and_then(|p| p.is_interactive.0),
        log,
        countries: [geo.and_then(|g| text(&g.country_iso_code)), None],
        city: geo.and_then(|g| text(&g.city_name)),
        latitude: point.and_then(|p| p.lat.0),
        longitude: point.and_then(|p| p.lon.0),
        correlation_id: first([
            property!(correlation_id),
            raw.azure.as_ref().and_then(|a| text(&a.correlation_id)),
        ]),
        session_id: property!(session_id),
    };
    Some(to_outcome(&fields, NAMES))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Event, EventKind, RiskLevel, SignIn, SignInLog};
    use crate::time::Timestamp;

    fn decode(json: &str) -> Outcome {
        decode_ecs(json.as_bytes(), false).expect("an ECS document")
    }

    fn event(json: &str) -> (Event, SignIn) {
        match decode(json) {
            Outcome::Event(event) => match event.kind.clone() {
                EventKind::SignIn(sign_in) => (event, sign_in),
                other => panic!("{other:?}"),
            },
            other => panic!("expected an event, got {other:?}"),
        }
    }

    /// Shaped like Elastic's `sample_event.json` for the data stream.
    const SAMPLE: &str = r#"{"@timestamp":"2025-03-04T08:58:09.444Z","event":{"action":"Sign-in activity","category":["authentication"],"kind":"event","outcome":"failure","duration":0,"id":"22608a25-1d9b-44b5-b0f2-cb94f06b2d00"},
 "source":{"ip":"203.0.113.77","address":"203.0.113.77","geo":{"country_iso_code":"BE","country_name":"Belgium","location":{"lat":50.85,"lon":4.35}},"as":{"number":64500}},
 "client":{"ip":"203.0.113.77"},"message":"Error validating credentials due to invalid username or password.",
 "geo":{"city_name":"Rotterdam","country_name":"Zuid-Holland","country_iso_code":"NL","location":{"lat":51.9225,"lon":4.4792}},
 "user":{"name":"jdoe","domain":"contoso.com","full_name":"Jane Doe"},"log":{"level":"4"},
 "azure":{"tenant_id":"0e8108b1-18e9-41a4-961b-dfcddf92ef08","correlation_id":"1f577997-0710-4bd4-848e-5854f748f7dc",
  "signinlogs":{"category":"SignInLogs","operation_name":"Sign-in activity","result_type":"50126","identity":"Jane Doe",
   "properties":{"id":"22608a25-1d9b-44b5-b0f2-cb94f06b2d00","created_at":"2025-03-04T08:58:07.9490387+00:00",
   "user_principal_name":"jdoe@contoso.com","app_display_name":"Office 365 Exchange Online","client_app_used":"Browser",
   "is_interactive":false,"status":{"error_code":50126},"risk_level_during_signin":"hidden","risk_level_aggregated":"none","risk_state":"none",
   "authentication_protocol":"none","correlation_id":"1f577997-0710-4bd4-848e-5854f748f7dc"}}}}"#;

    #[test]
    fn the_sample_document_field_by_field() {
        let (event, sign_in) = event(SAMPLE);
        assert_eq!(&*event.record_id, "22608a25-1d9b-44b5-b0f2-cb94f06b2d00");
        assert_eq!(event.time, Timestamp(1_741_078_687_949));
        assert_eq!(event.user.as_deref(), Some("jdoe@contoso.com"));
        assert_eq!(
            event.ip.map(|ip| ip.to_string()).as_deref(),
            Some("203.0.113.77")
        );
        assert_eq!(sign_in.error_code, 50126);
        assert_eq!(
            sign_in.failure_reason.as_deref(),
            Some("Error validating credentials due to invalid username or password.")
        );
        // Entra's location, not the GeoIP one, and not the state in `geo.country_name`.
        assert_eq!(sign_in.country.as_deref(), Some("NL"));
        assert_eq!(sign_in.city.as_deref(), Some("Rotterdam"));
        assert_eq!(sign_in.coordinates, Some((51.9225, 4.4792)));
        assert_eq!(sign_in.risk_during, RiskLevel::Hidden);
        // The category names the log; `is_interactive: false` is kept as stated.
        assert_eq!(sign_in.log, SignInLog::Interactive);
        assert_eq!(sign_in.interactive, Some(false));
        assert_eq!(sign_in.app.as_deref(), Some("Office 365 Exchange Online"));
        assert_eq!(
            sign_in.correlation_id.as_deref(),
            Some("1f577997-0710-4bd4-848e-5854f748f7dc")
        );
    }

    #[test]
    fn newer_pipeline_spellings_and_fallbacks() {
        let (event, sign_in) = event(
            r#"{"@timestamp":1741078689444,"event":{"id":"e1"},"source":{"address":"[2001:db8::3]:443"},
                "user_agent":{"original":"BAV2ROPC"},
                "azure":{"signinlogs":{"category":"NonInteractiveUserSignInLogs","result_type":"50053",
                  "properties":{"user_principal_name":"a@b.com","risk_level_during_sign_in":"high","session_id":"s"}}}}"#,
        );
        assert_eq!(&*event.record_id, "e1");
        assert_eq!(event.time, Timestamp(1_741_078_689_444));
        assert_eq!(
            event.ip.map(|ip| ip.to_string()).as_deref(),
            Some("2001:db8::3")
        );
        assert_eq!(sign_in.error_code, 50053);
        assert_eq!(sign_in.risk_during, RiskLevel::High);
        assert_eq!(sign_in.user_agent.as_deref(), Some("BAV2ROPC"));
        assert_eq!(sign_in.session_id.as_deref(), Some("s"));
        assert_eq!(sign_in.log, SignInLog::NonInteractive);
    }

    #[test]
    fn other_azure_documents_are_ignored() {
        assert_eq!(
            decode(
                r#"{"@timestamp":"2025-03-04T08:58:09Z","azure":{"auditlogs":{}},"data_stream":{"dataset":"azure.auditlogs"}}"#
            ),
            Outcome::ignored("`azure.auditlogs` document", None)
        );
        assert_eq!(decode_ecs(br#"{"@timestamp":"x","o365":{}}"#, false), None);
    }

    #[test]
    fn malformed_documents_are_rejected() {
        let reason = |json: &str| match decode(json) {
            Outcome::Rejected(reason) => reason,
            other => panic!("expected a rejection, got {other:?}"),
        };
        assert!(
            reason(r#"{"azure":{"signinlogs":{"properties":{"id":"a","created_at":"2025-03-04T08:58:07Z","user_principal_name":"a@b.c"}}}}"#)
                .contains("`azure.signinlogs.result_type`")
        );
        assert!(
            reason(r#"{"azure":{"signinlogs":{"properties":{"id":"a"}}},"geo":{"location":"51.9,4.4"}}"#)
                .starts_with("invalid `ecs-signin` sign-in")
        );
    }
}
