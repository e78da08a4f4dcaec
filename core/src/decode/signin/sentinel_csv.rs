//! Log Analytics CSV exports of `SigninLogs` and `AADNonInteractiveUserSignInLogs` (Sentinel
//! "Export to CSV").
//!
//! The columns are the table's (`TimeGenerated [UTC]`, `CreatedDateTime [UTC]`, `Id`,
//! `ResultType`, ...), named as the framer normalises them (lower case, ` [UTC]` removed).
//! Times are in the US locale (`9/19/2023, 1:45:17.287 PM`), booleans `TRUE` / `FALSE`, and
//! every nested column (`Status`, `LocationDetails`) is JSON text with doubled quotes, in both
//! tables. A real export seen with its values withheld had an empty `IPAddress` and
//! `LocationDetails`: empty cells are simply absent.

use super::fields::{Fields, Names, first, first_named, log_of, to_outcome};
use super::lenient::{embedded_text, flag_text};
use super::nested::{Location, Status, text};
use crate::decode::Outcome;
use crate::input::csv::CsvRow;

/// Column names a rejection of a Log Analytics CSV row cites.
const NAMES: Names = Names {
    id: "`Id`",
    time: "`CreatedDateTime` or `TimeGenerated`",
    result: "`Status` or `ResultType`",
};

/// Decodes one row of a Log Analytics CSV export of a sign-in table.
pub fn decode_sentinel_csv(row: &CsvRow<'_>) -> Outcome {
    let column = |name: &str| row.get(name);
    let status: Option<Status<'_>> = match column("status").map(embedded_text).transpose() {
        Ok(status) => status.flatten(),
        Err(error) => return Outcome::Rejected(format!("column `Status`: {error}")),
    };
    let location: Option<Location<'_>> =
        match column("locationdetails").map(embedded_text).transpose() {
            Ok(location) => location.flatten(),
            Err(error) => return Outcome::Rejected(format!("column `LocationDetails`: {error}")),
        };
    let interactive = match column("isinteractive").map(flag_text).transpose() {
        Ok(interactive) => interactive.flatten(),
        Err(error) => return Outcome::Rejected(format!("column `IsInteractive`: {error}")),
    };
    let is_risky = match column("isrisky").map(flag_text).transpose() {
        Ok(is_risky) => is_risky.flatten(),
        Err(error) => return Outcome::Rejected(format!("column `IsRisky`: {error}")),
    };
    let id = column("id");
    let log = match log_of([column("type"), column("category")], id) {
        Ok(log) => log,
        Err(ignore) => return Outcome::Ignored(ignore),
    };
    let coordinates = location.as_ref().and_then(|l| l.geo_coordinates);
    let fields = Fields {
        id,
        time: first_named([
            ("CreatedDateTime", column("createddatetime")),
            ("TimeGenerated", column("timegenerated")),
        ]),
        user: column("userprincipalname"),
        sign_in_identifier: column("signinidentifier"),
        ip: first_named([("IPAddress", column("ipaddress"))]),
        error_code: first_named([
            (
                "Status.errorCode",
                status.as_ref().and_then(|s| text(&s.error_code)),
            ),
            ("ResultType", column("resulttype")),
        ]),
        status: None,
        failure_reason: first([
            status.as_ref().and_then(|s| text(&s.failure_reason)),
            column("resultdescription"),
        ]),
        app: column("appdisplayname"),
        app_id: column("appid"),
        resource: column("resourcedisplayname"),
        client_app: column("clientappused"),
        protocol: column("authenticationprotocol"),
        user_agent: column("useragent"),
        risk_during: column("risklevelduringsignin"),
        risk_aggregated: column("risklevelaggregated"),
        risk_state: column("riskstate"),
        is_risky,
        interactive,
        log,
        countries: [
            location.as_ref().and_then(|l| text(&l.country_or_region)),
            column("location"),
        ],
        city: location.as_ref().and_then(|l| text(&l.city)),
        latitude: coordinates.and_then(|c| c.latitude.0),
        longitude: coordinates.and_then(|c| c.longitude.0),
        correlation_id: column("correlationid"),
        session_id: column("sessionid"),
    };
    to_outcome(&fields, NAMES)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{EventKind, RiskLevel, RiskState, SignIn, SignInLog};
    use crate::input::csv::{CsvFrame, CsvFramer};
    use crate::time::Timestamp;

    /// Decodes every row of `csv`.
    fn decode_all(csv: &str) -> Vec<Outcome> {
        let mut framer = CsvFramer::new(1 << 20);
        let mut outcomes = Vec::new();
        let mut sink = |frame: CsvFrame<'_>| {
            if let CsvFrame::Row { row, .. } = frame {
                outcomes.push(decode_sentinel_csv(&row));
            }
        };
        framer.push(csv.as_bytes(), &mut sink);
        framer.finish(&mut sink);
        outcomes
    }

    fn sign_in_of(outcome: &Outcome) -> &SignIn {
        match outcome {
            Outcome::Event(event) => match &event.kind {
                EventKind::SignIn(sign_in) => sign_in,
                other => panic!("{other:?}"),
            },
            other => panic!("expected an event, got {other:?}"),
        }
    }

    const HEADER: &str = "TenantId,TimeGenerated [UTC],Category,ResultType,ResultDescription,CorrelationId,Location,AppDisplayName,AppId,ClientAppUsed,CreatedDateTime [UTC],IsInteractive,Id,IPAddress,LocationDetails,RiskLevelAggregated,RiskLevelDuringSignIn,RiskState,ResourceDisplayName,Status,UserAgent,UserPrincipalName,AuthenticationProtocol,SessionId,Type\n";

    #[test]
    fn rows_field_by_field() {
        let csv = format!(
            "{HEADER}{}\n{}\n",
            r#"t,"9/19/2023, 1:45:17.287 PM",SignInLogs,50140,This error occurred due to 'Keep me signed in' interrupt when the user was signing-in.,c1,VN,Azure Portal,c44b4083-3bb0-49c1-b47d-974e53cbdf3c,Browser,"9/19/2023, 11:21:02.145 AM",TRUE,b069bb58,198.51.100.9:4431,"{""city"":""Hanoi"",""countryOrRegion"":""VN"",""geoCoordinates"":{""latitude"":21.03,""longitude"":105.85}}",high,medium,atRisk,Windows Azure Service Management API,"{""errorCode"":50140,""failureReason"":""This error occurred due to 'Keep me signed in' interrupt when the user was signing-in.""}",Mozilla/5.0,Guest@Contoso.com,none,sess,SigninLogs"#,
            r#"t,"9/19/2023, 1:45:17.287 PM",NonInteractiveUserSignInLogs,0,,c2,US,Azure Portal,,Browser,"9/19/2023, 1:42:37.848 PM",FALSE,56b9bd55,,,none,hidden,none,,"{""errorCode"":0,""failureReason"":""Other.""}",,jdoe@contoso.com,,,AADNonInteractiveUserSignInLogs"#,
        );
        let outcomes = decode_all(&csv);
        assert_eq!(outcomes.len(), 2);
        let Outcome::Event(first) = &outcomes[0] else {
            panic!("{:?}", outcomes[0]);
        };
        assert_eq!(&*first.record_id, "b069bb58");
        assert_eq!(first.time, Timestamp(1_695_122_462_145));
        assert_eq!(first.user.as_deref(), Some("guest@contoso.com"));
        assert_eq!(
            first.ip.map(|ip| ip.to_string()).as_deref(),
            Some("198.51.100.9")
        );
        let sign_in = sign_in_of(&outcomes[0]);
        assert_eq!(sign_in.error_code, 50140);
        assert!(
            sign_in
                .failure_reason
                .as_deref()
                .is_some_and(|r| r.contains("Keep me signed in"))
        );
        assert_eq!(sign_in.country.as_deref(), Some("VN"));
        assert_eq!(sign_in.city.as_deref(), Some("Hanoi"));
        assert_eq!(sign_in.coordinates, Some((21.03, 105.85)));
        assert_eq!(
            (
                sign_in.risk_during,
                sign_in.risk_aggregated,
                sign_in.risk_state
            ),
            (RiskLevel::Medium, RiskLevel::High, RiskState::AtRisk)
        );
        assert_eq!(sign_in.interactive, Some(true));
        assert_eq!(sign_in.log, SignInLog::Interactive);
        assert_eq!(sign_in.session_id.as_deref(), Some("sess"));
        assert_eq!(sign_in.correlation_id.as_deref(), Some("c1"));
        assert_eq!(
            sign_in.resource.as_deref(),
            Some("Windows Azure Service Management API")
        );
        // The second row: a success with the "Other." text, no address, hidden risk.
        let Outcome::Event(second) = &outcomes[1] else {
            panic!("{:?}", outcomes[1]);
        };
        assert_eq!(second.ip, None);
        assert_eq!(second.time, Timestamp(1_695_130_957_848));
        let sign_in = sign_in_of(&outcomes[1]);
        assert!(sign_in.succeeded());
        assert_eq!(sign_in.failure_reason, None);
        assert_eq!(sign_in.risk_during, RiskLevel::Hidden);
        assert_eq!(sign_in.country.as_deref(), Some("US"));
        assert_eq!(sign_in.log, SignInLog::NonInteractive);
        assert_eq!(sign_in.interactive, Some(false));
    }

    #[test]
    fn malformed_rows_are_rejected_by_column() {
        let row = |values: &str| {
            let csv = format!(
                "Id,TimeGenerated,UserPrincipalName,ResultType,Status,IsInteractive\n{values}\n"
            );
            match decode_all(&csv).pop() {
                Some(Outcome::Rejected(reason)) => reason,
                other => panic!("expected a rejection, got {other:?}"),
            }
        };
        assert!(
            row(r#"a,3/4/2025 9:00 AM,x@y.z,0,"{""errorCode"":",TRUE"#)
                .starts_with("column `Status`: invalid embedded JSON")
        );
        assert!(
            row("a,3/4/2025 9:00 AM,x@y.z,0,,yes")
                .contains("column `IsInteractive`: `yes` is not a boolean")
        );
        assert!(
            row("a,13/4/2025 9:00 AM,x@y.z,0,,TRUE")
                .contains("field `TimeGenerated`: invalid time `13/4/2025 9:00 AM`")
        );
        assert!(
            row("a,3/4/2025 9:00 AM,x@y.z,,,TRUE")
                .contains("without a result (`Status` or `ResultType`)")
        );
    }
}
