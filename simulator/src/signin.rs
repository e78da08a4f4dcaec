//! Entra ID sign-ins as the directory records them, with the values real exports carry.
//!
//! [`sign_in`] builds an ordinary successful browser sign-in; scenarios change what differs
//! (the error code with [`fail`], the client app, the risk) before emitting it.

use crate::geo::Place;
use crate::ids;
use crate::record::{Body, DeviceDetail, GeoCoordinates, Location, SignIn, SignInStatus};
use crate::scene::Emitter;
use crate::tenant::User;
use chrono::{DateTime, Utc};
use rand::RngExt;

/// Exchange Online's application id.
pub const EXCHANGE_APP_ID: &str = "00000002-0000-0ff1-ce00-000000000000";
/// Office 365 (the portal)'s application id.
pub const OFFICE_APP_ID: &str = "4765445b-32c6-49b0-83e6-1d93765276ca";

/// A desktop browser's user agent.
pub const BROWSER_UA: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80";

/// The failure text Entra ID writes for an error code.
pub fn failure_reason(code: u32) -> &'static str {
    match code {
        0 => "Other.",
        50034 => "The user account does not exist in the directory.",
        50053 => {
            "Account is locked because user tried to sign in too many times with an incorrect user ID or password."
        }
        50055 => "The password is expired.",
        50056 => {
            "Invalid or null password: password does not exist in the directory for this user."
        }
        50057 => "User account is disabled.",
        50074 => "Strong Authentication is required.",
        50076 => {
            "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access."
        }
        50126 => "Error validating credentials due to invalid username or password.",
        50140 => {
            "This error occurred due to 'Keep me signed in' interrupt when the user was signing in."
        }
        _ => "Other.",
    }
}

/// Graph's time spelling: seven fractional digits and `Z`.
pub fn graph_time(rng: &mut impl RngExt, time: DateTime<Utc>) -> String {
    let mut text = crate::stamp::seconds(time);
    text.push('.');
    crate::stamp::push_digits(&mut text, rng.random_range(0..10_000_000u32), 7);
    text.push('Z');
    text
}

/// The location of `place`.
pub fn location(place: &Place) -> Location {
    Location {
        city: place.city.into(),
        state: place.state.into(),
        country_or_region: place.country.into(),
        geo_coordinates: GeoCoordinates {
            altitude: None,
            latitude: place.latitude,
            longitude: place.longitude,
        },
    }
}

/// A successful interactive browser sign-in of `user` to Exchange Online from `ip`, located
/// at `place`.
pub fn sign_in(
    rng: &mut impl RngExt,
    user: &User,
    time: DateTime<Utc>,
    ip: &str,
    place: &Place,
) -> SignIn {
    SignIn {
        id: ids::guid(rng),
        created_date_time: graph_time(rng, time),
        user_display_name: user.name.clone(),
        user_principal_name: user.upn.clone(),
        user_id: user.object_id.clone(),
        app_id: EXCHANGE_APP_ID.into(),
        app_display_name: "Office 365 Exchange Online".into(),
        ip_address: ip.into(),
        client_app_used: "Browser".into(),
        user_agent: BROWSER_UA.into(),
        correlation_id: ids::guid(rng),
        session_id: ids::guid(rng),
        conditional_access_status: "success".into(),
        is_interactive: true,
        authentication_requirement: "singleFactorAuthentication".into(),
        risk_detail: "none".into(),
        risk_level_aggregated: "none".into(),
        risk_level_during_sign_in: "none".into(),
        risk_state: "none".into(),
        risk_event_types_v2: Vec::new(),
        resource_display_name: "Office 365 Exchange Online".into(),
        resource_id: EXCHANGE_APP_ID.into(),
        status: SignInStatus {
            error_code: 0,
            failure_reason: failure_reason(0).into(),
            additional_details: None,
        },
        device_detail: DeviceDetail {
            operating_system: "Windows10".into(),
            browser: "Edge 124.0.2478".into(),
            ..DeviceDetail::default()
        },
        location: location(place),
    }
}

/// A client application as sign-ins name it: the app, the resource it asked for, how Entra
/// classifies the client, and its user agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientApp {
    /// Application id.
    pub app_id: &'static str,
    /// Application display name.
    pub app_name: &'static str,
    /// Resource id.
    pub resource_id: &'static str,
    /// Resource display name.
    pub resource_name: &'static str,
    /// `clientAppUsed`.
    pub client_app_used: &'static str,
    /// User agent.
    pub user_agent: &'static str,
    /// `deviceDetail.browser` as Entra derives it from the user agent.
    pub browser: &'static str,
}

/// Microsoft Graph's application id.
pub const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

/// Outlook for Windows (the "Microsoft Office" client) refreshing its Exchange token.
pub const OUTLOOK_DESKTOP: ClientApp = ClientApp {
    app_id: "d3590ed6-52b3-4102-aeff-aad2292ab01c",
    app_name: "Microsoft Office",
    resource_id: EXCHANGE_APP_ID,
    resource_name: "Office 365 Exchange Online",
    client_app_used: "Mobile Apps and Desktop clients",
    user_agent: "Mozilla/4.0 (compatible; ms-office; MSOffice 16)",
    browser: "IE 7.0",
};

/// The Teams desktop client refreshing its Graph token.
pub const TEAMS_DESKTOP: ClientApp = ClientApp {
    app_id: "1fec8e78-bce4-4aaf-ab1b-5451cc387264",
    app_name: "Microsoft Teams",
    resource_id: GRAPH_APP_ID,
    resource_name: "Microsoft Graph",
    client_app_used: "Mobile Apps and Desktop clients",
    user_agent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Teams/24004.1309.2689.2246 Chrome/120.0.6099.291 Electron/28.2.5 Safari/537.36",
    browser: "Chrome 120.0.6099",
};

/// Outlook for iOS refreshing its Exchange token.
pub const OUTLOOK_MOBILE: ClientApp = ClientApp {
    app_id: "27922004-5251-4030-b22d-91ecd9a37ea4",
    app_name: "Outlook Mobile",
    resource_id: EXCHANGE_APP_ID,
    resource_name: "Office 365 Exchange Online",
    client_app_used: "Mobile Apps and Desktop clients",
    user_agent: "Outlook-iOS/2.0",
    browser: "Mobile Safari",
};

/// Makes `sign_in` one of `app`'s.
pub fn by_app(sign_in: &mut SignIn, app: &ClientApp) {
    sign_in.app_id = app.app_id.into();
    sign_in.app_display_name = app.app_name.into();
    sign_in.resource_id = app.resource_id.into();
    sign_in.resource_display_name = app.resource_name.into();
    sign_in.client_app_used = app.client_app_used.into();
    sign_in.user_agent = app.user_agent.into();
    sign_in.device_detail.browser = app.browser.into();
    if app.user_agent.contains("iOS") {
        sign_in.device_detail.operating_system = "Ios".into();
    }
}

/// A silent token refresh (`isInteractive` false) of `user`'s `app` from `ip` at `place`:
/// what the non-interactive sign-in log is mostly made of.
pub fn token_refresh(
    rng: &mut impl RngExt,
    user: &User,
    time: DateTime<Utc>,
    ip: &str,
    place: &Place,
    app: &ClientApp,
) -> SignIn {
    let mut refresh = sign_in(rng, user, time, ip, place);
    by_app(&mut refresh, app);
    refresh.is_interactive = false;
    refresh
}

/// Marks `sign_in` as one that required multi-factor authentication.
pub fn require_mfa(sign_in: &mut SignIn) {
    sign_in.authentication_requirement = "multiFactorAuthentication".into();
}

/// Turns `sign_in` into a failure with `code`.
pub fn fail(sign_in: &mut SignIn, code: u32) {
    sign_in.status.error_code = code;
    sign_in.status.failure_reason = failure_reason(code).into();
    sign_in.conditional_access_status = "notApplied".into();
}

/// Emits `sign_in` at `time`; returns its id.
pub fn emit(out: &mut Emitter, time: DateTime<Utc>, sign_in: SignIn) -> String {
    let id = sign_in.id.clone();
    out.push(time, Body::SignIn(Box::new(sign_in)));
    id
}
