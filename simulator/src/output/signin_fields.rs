//! What the sign-in exports derive from a Graph `signIn` in the same way: its time, the time
//! the log received it, the log (category) it belongs to, and the spellings the portal uses.

use super::derived;
use crate::record::SignIn;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value};

/// When the sign-in happened (`createdDateTime`).
pub fn created(sign_in: &SignIn) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&sign_in.created_date_time)
        .map(|time| time.with_timezone(&Utc))
        .unwrap_or_default()
}

/// When the log recorded it (Azure Monitor's `time`, Sentinel's `TimeGenerated`): one to
/// three seconds later, derived from the sign-in's id.
pub fn logged(sign_in: &SignIn) -> DateTime<Utc> {
    let delay = 1_000 + derived::hash(&[&sign_in.id, "ingestion"]) % 2_000;
    created(sign_in) + Duration::milliseconds(delay as i64)
}

/// `createdDateTime` as diagnostic settings write it (`+00:00`, seven digits).
pub fn offset_time(time: DateTime<Utc>) -> String {
    format!("{}+00:00", seven_digits(time))
}

/// A time with seven fractional digits and no zone (`2025-03-04T08:58:07.9490387`).
pub fn seven_digits(time: DateTime<Utc>) -> String {
    format!(
        "{}.{:07}",
        time.format("%Y-%m-%dT%H:%M:%S"),
        time.timestamp_subsec_nanos() / 100
    )
}

/// The diagnostic category of the sign-in's log.
pub fn category(sign_in: &SignIn) -> &'static str {
    if sign_in.is_interactive {
        "SignInLogs"
    } else {
        "NonInteractiveUserSignInLogs"
    }
}

/// The Log Analytics table of the sign-in's log.
pub fn table(sign_in: &SignIn) -> &'static str {
    if sign_in.is_interactive {
        "SigninLogs"
    } else {
        "AADNonInteractiveUserSignInLogs"
    }
}

/// Whether Entra counts the sign-in as risky (`isRisky`).
pub fn is_risky(sign_in: &SignIn) -> bool {
    matches!(
        sign_in.risk_state.as_str(),
        "atRisk" | "confirmedCompromised"
    )
}

/// The sign-in as a Graph object.
pub fn graph_object(sign_in: &SignIn) -> Map<String, Value> {
    match serde_json::to_value(sign_in) {
        Ok(Value::Object(object)) => object,
        _ => Map::new(),
    }
}

/// The portal's `Status` column: `Success`, `Interrupted` (an MFA or KMSI interrupt) or
/// `Failure`.
pub fn portal_status(code: u32) -> &'static str {
    match code {
        0 => "Success",
        50055 | 50072 | 50074 | 50076 | 50079 | 50140 | 50158 => "Interrupted",
        _ => "Failure",
    }
}

/// The English country name the portal shows for an ISO code (the code itself when not
/// one the simulator uses).
pub fn country_name(code: &str) -> &str {
    match code {
        "AE" => "United Arab Emirates",
        "BR" => "Brazil",
        "DE" => "Germany",
        "FR" => "France",
        "GB" => "United Kingdom",
        "ID" => "Indonesia",
        "NG" => "Nigeria",
        "NL" => "Netherlands",
        "RU" => "Russia",
        "SG" => "Singapore",
        "US" => "United States",
        "VN" => "Vietnam",
        other => other,
    }
}

/// `Yes` / `No`, as the portal writes flags.
pub fn yes_no(flag: bool) -> &'static str {
    if flag { "Yes" } else { "No" }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::geo::{ATTACKER, OFFICES, TRAVEL};
    use crate::record::{Body, SimRecord};
    use mailhound_core::decode::signin::country::alpha2;

    /// A failed IMAP sign-in at 2025-03-04 08:58:07.949 UTC, risk hidden.
    pub fn sign_in_record(interactive: bool) -> SimRecord {
        let place = &OFFICES[0];
        let user = crate::tenant::User {
            name: "Jane Doe".into(),
            upn: "JDoe@Contoso.com".into(),
            puid: "10032001020A3408".into(),
            object_id: "d7cc485d-2c1b-422c-98fd-5ce52859a4a3".into(),
            office_ip: "203.0.113.77".parse().expect("valid"),
            home: *place,
            role: crate::tenant::Role::Staff,
        };
        let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(7);
        let mut sign_in =
            crate::signin::sign_in(&mut rng, &user, created_at(), "203.0.113.77", place);
        sign_in.id = "7f3c2a10-5b6d-4e8f-9a01-23456789ab00".into();
        sign_in.created_date_time = "2025-03-04T08:58:07.9490387Z".into();
        sign_in.client_app_used = "IMAP4".into();
        sign_in.is_interactive = interactive;
        sign_in.risk_level_during_sign_in = "hidden".into();
        crate::signin::fail(&mut sign_in, 50126);
        SimRecord {
            time: created_at(),
            scenario: None,
            body: Body::SignIn(Box::new(sign_in)),
        }
    }

    fn created_at() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2025-03-04T08:58:07.949Z")
            .expect("valid")
            .with_timezone(&Utc)
    }

    #[test]
    fn times_and_names() {
        let record = sign_in_record(true);
        let Body::SignIn(sign_in) = &record.body else {
            unreachable!("a sign-in")
        };
        assert_eq!(
            created(sign_in).timestamp_millis(),
            created_at().timestamp_millis()
        );
        let delay = logged(sign_in) - created(sign_in);
        assert!((1_000..3_000).contains(&delay.num_milliseconds()));
        assert_eq!(
            offset_time(created(sign_in)),
            "2025-03-04T08:58:07.9490387+00:00"
        );
        assert_eq!(category(sign_in), "SignInLogs");
        assert_eq!(portal_status(50126), "Failure");
        assert_eq!(portal_status(50140), "Interrupted");
        assert!(graph_object(sign_in).contains_key("riskEventTypes_v2"));
    }

    #[test]
    fn every_country_name_reads_back() {
        for place in OFFICES.iter().chain(TRAVEL).chain(ATTACKER) {
            assert_eq!(
                alpha2(country_name(place.country)),
                Some(place.country),
                "{}",
                place.country
            );
        }
    }
}
