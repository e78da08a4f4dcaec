//! The Entra admin center's sign-in "Download" as CSV, in its two header generations.
//!
//! The current one (`Date (UTC),Request ID,User agent,Correlation ID,User ID,User,Username,
//! ...,IP address,Location,Status,Sign-in error code,Failure reason,Client app,...`) has
//! header quirks that the framer's normalisation (trim, lower case) already absorbs: the
//! trailing spaces of `Application ID ` and `Resource ID ` go; the double space of
//! `Autonomous system  number` stays (not read); the repeated `Incoming token type` resolves
//! to its first column. `User` is the display name, `Username` the account. `Location` is
//! combined (`City, State, CC`). `Status` is `Success` / `Failure` / `Interrupted` and only
//! stands in when `Sign-in error code` is empty. The file has no table column, so the log
//! comes from the file name the portal gives it (`InteractiveSignIns_*.csv`,
//! `NonInteractiveSignIns_*.csv`, `ApplicationSignIns_*.csv`, `MSISignIns_*.csv`); the
//! `*_AuthDetails_*` companion files hold authentication steps, not sign-ins, and their rows
//! are ignored.
//!
//! The older one (`CreatedDateTime,UserPrincipalName,UserDisplayName,AppDisplayName,
//! IPAddress,City,Country,Device,Browser,OS,Status,RiskState,RiskLevelDuringSignIn,
//! RiskLevelAggregated,ConditionalAccessStatus`) has no record id, so rows are identified by
//! their position (`file:line`), no error code, so a failure has [`UNKNOWN_FAILURE_CODE`],
//! and US-locale dates (`3/12/2025 7:22:01 AM`). A browser set to a day-first locale is said
//! to write day-first dates there; they are not guessed: a day above 12 is rejected as an
//! invalid time, which shows the problem.
//!
//! [`UNKNOWN_FAILURE_CODE`]: super::UNKNOWN_FAILURE_CODE

use super::country::split_portal_location;
use super::fields::{Fields, Names, first_named, to_outcome};
use super::log;
use crate::decode::{DecodeContext, Outcome};
use crate::event::SignInLog;
use crate::input::csv::CsvRow;
use crate::input::json::Position;

/// Column names a rejection of a current portal row cites.
const NAMES: Names = Names {
    id: "`Request ID`",
    time: "`Date (UTC)`",
    result: "`Sign-in error code` or `Status`",
};

/// Column names a rejection of an older portal row cites.
const OLDER_NAMES: Names = Names {
    id: "position",
    time: "`CreatedDateTime`",
    result: "`Status`",
};

/// Decodes one row of a portal sign-in download, of either header generation.
pub fn decode_portal_csv(row: &CsvRow<'_>, at: Position, context: &DecodeContext) -> Outcome {
    let file_log = log::from_file_name(&context.input);
    let interactive = match file_log {
        Some(SignInLog::Interactive) => Some(true),
        Some(SignInLog::NonInteractive) => Some(false),
        _ => None,
    };
    if row.header.position("date (utc)").is_some() {
        if context.input.to_ascii_lowercase().contains("authdetails") {
            return Outcome::ignored(
                "sign-in authentication details row",
                row.get("request id").map(str::to_owned),
            );
        }
        let (city, country) = row
            .get("location")
            .map_or((None, None), split_portal_location);
        let fields = Fields {
            id: row.get("request id"),
            time: first_named([("Date (UTC)", row.get("date (utc)"))]),
            user: row.get("username"),
            sign_in_identifier: row.get("sign-in identifier"),
            ip: first_named([("IP address", row.get("ip address"))]),
            error_code: first_named([("Sign-in error code", row.get("sign-in error code"))]),
            status: first_named([("Status", row.get("status"))]),
            failure_reason: row.get("failure reason"),
            app: row.get("application"),
            app_id: row.get("application id"),
            resource: row.get("resource"),
            client_app: row.get("client app"),
            protocol: row.get("authentication protocol"),
            user_agent: row.get("user agent"),
            interactive,
            log: file_log,
            countries: [country, None],
            city,
            correlation_id: row.get("correlation id"),
            session_id: row.get("session id"),
            ..Fields::default()
        };
        to_outcome(&fields, NAMES)
    } else {
        let id = context.positional_id(at);
        let fields = Fields {
            id: Some(&id),
            time: first_named([("CreatedDateTime", row.get("createddatetime"))]),
            user: row.get("userprincipalname"),
            ip: first_named([("IPAddress", row.get("ipaddress"))]),
            status: first_named([("Status", row.get("status"))]),
            app: row.get("appdisplayname"),
            risk_during: row.get("risklevelduringsignin"),
            risk_aggregated: row.get("risklevelaggregated"),
            risk_state: row.get("riskstate"),
            interactive,
            log: file_log,
            countries: [row.get("country"), None],
            city: row.get("city"),
            ..Fields::default()
        };
        to_outcome(&fields, OLDER_NAMES)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::signin::UNKNOWN_FAILURE_CODE;
    use crate::event::{Event, EventKind, RiskLevel, RiskState, SignIn, SignInLog};
    use crate::input::csv::{CsvFrame, CsvFramer};
    use crate::time::Timestamp;

    /// Decodes every row of `csv`, read as the file `name`.
    fn decode_all(name: &str, csv: &str) -> Vec<Outcome> {
        let context = DecodeContext::new(name, None);
        let mut framer = CsvFramer::new(1 << 20);
        let mut outcomes = Vec::new();
        let mut sink = |frame: CsvFrame<'_>| {
            if let CsvFrame::Row { row, at } = frame {
                outcomes.push(decode_portal_csv(&row, at, &context));
            }
        };
        framer.push(csv.as_bytes(), &mut sink);
        framer.finish(&mut sink);
        outcomes
    }

    fn decoded(outcome: &Outcome) -> (&Event, &SignIn) {
        match outcome {
            Outcome::Event(event) => match &event.kind {
                EventKind::SignIn(sign_in) => (event, sign_in),
                other => panic!("{other:?}"),
            },
            other => panic!("expected an event, got {other:?}"),
        }
    }

    const HEADER: &str = "Date (UTC),Request ID,User agent,Correlation ID,User ID,User,Username,User type,Incoming token type,Authentication Protocol,Application,Application ID ,Resource,Resource ID ,IP address,Location,Status,Sign-in error code,Failure reason,Client app,Sign-in identifier,Session ID,Autonomous system  number,Incoming token type\n";

    #[test]
    fn current_download_field_by_field() {
        let csv = format!(
            "{HEADER}{}\n{}\n{}\n",
            r#"2025-03-04T08:58:07Z,22608a25,python-requests/2.31.0,1f577997,d7cc,Jane Doe,JDoe@Contoso.com,Member,none,ropc,Office 365 Exchange Online,00000002-0000-0ff1-ce00-000000000000,Office 365 Exchange Online,00000002,203.0.113.77,"Rotterdam, Zuid-Holland, NL",Failure,50126,Invalid username or password.,IMAP4,jdoe@contoso.com,sess-9,64500,none"#,
            r#"2025-03-04T09:10:00Z,r2,,c2,d7cc,Jane Doe,jdoe@contoso.com,Member,none,none,Office 365,,,,198.51.100.4,"Berlin, Berlin, DE",Success,,,Browser,,,64500,none"#,
            r#"2025-03-04T09:12:00Z,r3,,c3,d7cc,Jane Doe,jdoe@contoso.com,Member,none,none,Office 365,,,,198.51.100.4,DE,Interrupted,50140,Keep me signed in interrupt.,Browser,,,64500,none"#,
        );
        let outcomes = decode_all("exports/InteractiveSignIns_2025-03-04_2025-03-05.csv", &csv);
        let (event, sign_in) = decoded(&outcomes[0]);
        assert_eq!(&*event.record_id, "22608a25");
        assert_eq!(event.time, Timestamp(1_741_078_687_000));
        assert_eq!(event.user.as_deref(), Some("jdoe@contoso.com"));
        assert_eq!(
            event.ip.map(|ip| ip.to_string()).as_deref(),
            Some("203.0.113.77")
        );
        assert_eq!(sign_in.error_code, 50126);
        assert_eq!(
            sign_in.failure_reason.as_deref(),
            Some("Invalid username or password.")
        );
        assert_eq!(sign_in.app.as_deref(), Some("Office 365 Exchange Online"));
        assert_eq!(
            sign_in.app_id.as_deref(),
            Some("00000002-0000-0ff1-ce00-000000000000")
        );
        assert_eq!(sign_in.client_app.as_deref(), Some("IMAP4"));
        assert!(sign_in.legacy_auth);
        assert_eq!(sign_in.protocol.as_deref(), Some("ropc"));
        assert_eq!(
            sign_in.user_agent.as_deref(),
            Some("python-requests/2.31.0")
        );
        assert_eq!(sign_in.country.as_deref(), Some("NL"));
        assert_eq!(sign_in.city.as_deref(), Some("Rotterdam"));
        assert_eq!(sign_in.coordinates, None);
        assert_eq!(sign_in.risk_during, RiskLevel::Unknown);
        assert_eq!(sign_in.log, SignInLog::Interactive);
        assert_eq!(sign_in.interactive, Some(true));
        assert_eq!(sign_in.correlation_id.as_deref(), Some("1f577997"));
        assert_eq!(sign_in.session_id.as_deref(), Some("sess-9"));
        // `Success` without a code is 0; a code wins over `Interrupted`.
        assert!(decoded(&outcomes[1]).1.succeeded());
        assert_eq!(decoded(&outcomes[1]).1.country.as_deref(), Some("DE"));
        assert_eq!(decoded(&outcomes[2]).1.error_code, 50140);
        assert_eq!(decoded(&outcomes[2]).1.city, None);
    }

    #[test]
    fn the_file_name_names_the_log() {
        let csv = format!(
            "{HEADER}2025-03-04T09:10:00Z,r2,,c2,d7cc,Jane Doe,jdoe@contoso.com,Member,none,none,Office 365,,,,198.51.100.4,DE,Success,0,,Browser,,,64500,none\n"
        );
        let log = |name: &str| decoded(&decode_all(name, &csv)[0]).1.log;
        assert_eq!(
            log("NonInteractiveSignIns_1.csv"),
            SignInLog::NonInteractive
        );
        assert_eq!(log("signins.csv"), SignInLog::Unknown);
        assert_eq!(
            decode_all("InteractiveSignIns_AuthDetails_1.csv", &csv)[0],
            Outcome::ignored("sign-in authentication details row", Some("r2".into()))
        );
    }

    #[test]
    fn older_download_field_by_field() {
        let csv = "CreatedDateTime,UserPrincipalName,UserDisplayName,AppDisplayName,IPAddress,City,Country,Device,Browser,OS,Status,RiskState,RiskLevelDuringSignIn,RiskLevelAggregated,ConditionalAccessStatus\n\
3/4/2025 8:58:07 AM,JDoe@contoso.com,Jane Doe,Office 365 Exchange Online,203.0.113.77,Seattle,United States,,Chrome 124,Windows 10,Success,remediated,hidden,low,success\n\
3/4/2025 9:20:00 AM,jdoe@contoso.com,Jane Doe,Office 365 Exchange Online,198.51.100.4,Berlin,Germany,,,,Failure,none,none,none,notApplied\n\
13/4/2025 9:20:00 AM,jdoe@contoso.com,Jane Doe,Office 365,198.51.100.4,Berlin,Germany,,,,Failure,none,none,none,notApplied\n";
        let outcomes = decode_all("SignInLogs.csv", csv);
        let (event, sign_in) = decoded(&outcomes[0]);
        assert_eq!(&*event.record_id, "SignInLogs.csv:2");
        assert_eq!(event.time, Timestamp(1_741_078_687_000));
        assert_eq!(event.user.as_deref(), Some("jdoe@contoso.com"));
        assert!(sign_in.succeeded());
        assert_eq!(sign_in.country.as_deref(), Some("US"));
        assert_eq!(sign_in.city.as_deref(), Some("Seattle"));
        assert_eq!(sign_in.risk_state, RiskState::Remediated);
        assert_eq!(sign_in.risk_during, RiskLevel::Hidden);
        assert_eq!(sign_in.risk_aggregated, RiskLevel::Low);
        let (second, failed) = decoded(&outcomes[1]);
        assert_eq!(&*second.record_id, "SignInLogs.csv:3");
        assert_eq!(failed.error_code, UNKNOWN_FAILURE_CODE);
        assert_eq!(failed.country.as_deref(), Some("DE"));
        assert_eq!(
            outcomes[2],
            Outcome::Rejected(
                "field `CreatedDateTime`: invalid time `13/4/2025 9:20:00 AM`".into()
            )
        );
    }
}
