//! A sign-in as Microsoft Graph's `signIn` JSON object, written directly.
//!
//! Sign-ins are the largest part of a simulated run, and the Graph writers spell each one
//! exactly as `serde_json` spells the [`SignIn`] struct (camelCase members in declaration
//! order). Writing the members here with [`super::json`] gives the same bytes without a
//! serde call per member and with strings copied in one piece; the tests compare the two.

use super::json::{boolean, float, key, member, string, string_member, unsigned};
use crate::record::SignIn;

/// Appends `sign_in` as Graph's JSON object, byte for byte what `serde_json` writes for it.
pub fn write(out: &mut Vec<u8>, s: &SignIn) {
    out.push(b'{');
    key(out, "id");
    string(out, &s.id);
    string_member(out, "createdDateTime", &s.created_date_time);
    string_member(out, "userDisplayName", &s.user_display_name);
    string_member(out, "userPrincipalName", &s.user_principal_name);
    string_member(out, "userId", &s.user_id);
    string_member(out, "appId", &s.app_id);
    string_member(out, "appDisplayName", &s.app_display_name);
    string_member(out, "ipAddress", &s.ip_address);
    string_member(out, "clientAppUsed", &s.client_app_used);
    string_member(out, "userAgent", &s.user_agent);
    string_member(out, "correlationId", &s.correlation_id);
    string_member(out, "sessionId", &s.session_id);
    string_member(out, "conditionalAccessStatus", &s.conditional_access_status);
    member(out, false, "isInteractive");
    boolean(out, s.is_interactive);
    string_member(
        out,
        "authenticationRequirement",
        &s.authentication_requirement,
    );
    string_member(out, "riskDetail", &s.risk_detail);
    string_member(out, "riskLevelAggregated", &s.risk_level_aggregated);
    string_member(out, "riskLevelDuringSignIn", &s.risk_level_during_sign_in);
    string_member(out, "riskState", &s.risk_state);
    member(out, false, "riskEventTypes_v2");
    out.push(b'[');
    for (index, kind) in s.risk_event_types_v2.iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        string(out, kind);
    }
    out.push(b']');
    string_member(out, "resourceDisplayName", &s.resource_display_name);
    string_member(out, "resourceId", &s.resource_id);

    member(out, false, "status");
    out.push(b'{');
    key(out, "errorCode");
    unsigned(out, u64::from(s.status.error_code));
    string_member(out, "failureReason", &s.status.failure_reason);
    member(out, false, "additionalDetails");
    match &s.status.additional_details {
        Some(details) => string(out, details),
        None => out.extend_from_slice(b"null"),
    }
    out.push(b'}');

    let device = &s.device_detail;
    member(out, false, "deviceDetail");
    out.push(b'{');
    key(out, "deviceId");
    string(out, &device.device_id);
    string_member(out, "displayName", &device.display_name);
    string_member(out, "operatingSystem", &device.operating_system);
    string_member(out, "browser", &device.browser);
    member(out, false, "isCompliant");
    boolean(out, device.is_compliant);
    member(out, false, "isManaged");
    boolean(out, device.is_managed);
    string_member(out, "trustType", &device.trust_type);
    out.push(b'}');

    let location = &s.location;
    member(out, false, "location");
    out.push(b'{');
    key(out, "city");
    string(out, &location.city);
    string_member(out, "state", &location.state);
    string_member(out, "countryOrRegion", &location.country_or_region);
    member(out, false, "geoCoordinates");
    let coordinates = &location.geo_coordinates;
    out.push(b'{');
    key(out, "altitude");
    match coordinates.altitude {
        Some(altitude) => float(out, altitude),
        None => out.extend_from_slice(b"null"),
    }
    member(out, false, "latitude");
    float(out, coordinates.latitude);
    member(out, false, "longitude");
    float(out, coordinates.longitude);
    out.extend_from_slice(b"}}}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::OFFICES;
    use crate::signin;
    use crate::tenant::Tenant;
    use chrono::{TimeZone, Utc};
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn direct(sign_in: &SignIn) -> String {
        let mut out = Vec::new();
        write(&mut out, sign_in);
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn spells_sign_ins_as_serde_json_does() {
        let mut rng = StdRng::seed_from_u64(5);
        let tenant = Tenant::generate(&mut rng, 4);
        let time = Utc
            .with_ymd_and_hms(2025, 3, 4, 9, 5, 7)
            .single()
            .expect("valid");
        let user = &tenant.users[0];
        let plain = signin::sign_in(&mut rng, user, time, "198.51.100.7", &OFFICES[0]);
        let mut failed = signin::token_refresh(
            &mut rng,
            user,
            time,
            "2001:db8::7",
            &OFFICES[1],
            &signin::TEAMS_DESKTOP,
        );
        signin::fail(&mut failed, 50126);
        let mut odd = plain.clone();
        odd.user_display_name = "O\"Brien \\ \u{1} Zoë".into();
        odd.risk_event_types_v2 = vec!["unfamiliarFeatures".into(), "anonymizedIPAddress".into()];
        odd.status.additional_details = Some("MFA requirement satisfied by claim".into());
        odd.device_detail.is_compliant = true;
        odd.device_detail.is_managed = true;
        odd.location.geo_coordinates.altitude = Some(12.5);
        odd.location.geo_coordinates.latitude = -33.868_82;
        for sign_in in [&plain, &failed, &odd, &SignIn::default()] {
            let expected = serde_json::to_string(sign_in).expect("serialises");
            assert_eq!(direct(sign_in), expected);
        }
    }
}
