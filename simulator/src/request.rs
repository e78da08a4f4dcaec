//! Simulation options named the way a user names them: scenario ids, format names per
//! source, and (for JavaScript callers) a plain JSON object.
//!
//! The command line and the WASM build both resolve names here, so a misspelt scenario or
//! format is refused with the same message listing the known ones, and an unknown key of the
//! JSON object is an error that names it rather than a silently ignored setting.

use crate::output::{self, FormatSpec};
use crate::record::Source;
use crate::scenarios;
use crate::{InvalidStart, SimOptions};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The start of the simulated period when none is given; any fixed instant keeps runs
/// reproducible.
pub const DEFAULT_START: &str = "2025-03-04T00:00:00Z";

/// Checks that every id names a scenario.
pub fn check_scenarios(ids: &[String]) -> Result<(), String> {
    for id in ids {
        if scenarios::find(id).is_none() {
            let known: Vec<&str> = scenarios::SCENARIOS.iter().map(|s| s.id).collect();
            return Err(format!(
                "unknown scenario `{id}`; known scenarios: {}",
                known.join(", ")
            ));
        }
    }
    Ok(())
}

/// The formats of `source` named `names`; `none` writes nothing for the source.
pub fn resolve_formats(
    source: Source,
    names: &[String],
) -> Result<Vec<&'static FormatSpec>, String> {
    let mut formats = Vec::new();
    for name in names.iter().filter(|name| name.as_str() != "none") {
        let Some(spec) = output::find(source, name) else {
            let known: Vec<&str> = output::formats_of(source).map(|f| f.name).collect();
            return Err(format!(
                "unknown {} format `{name}`; known formats: {}, none",
                source.name(),
                known.join(", ")
            ));
        };
        formats.push(spec);
    }
    Ok(formats)
}

/// The formats to write: for each source, the named ones when `chosen` names any, else its
/// default.
pub fn formats(
    chosen: impl Fn(Source) -> Option<Vec<String>>,
) -> Result<Vec<&'static FormatSpec>, String> {
    let mut formats = Vec::new();
    for source in Source::ALL {
        match chosen(source) {
            Some(names) => formats.extend(resolve_formats(source, &names)?),
            None => formats.extend(output::default_of(source)),
        }
    }
    Ok(formats)
}

/// The range of intensities that still make sense: a tenth to ten times an attack as drawn.
pub const INTENSITY_RANGE: std::ops::RangeInclusive<f64> = 0.1..=10.0;

/// `intensity` when it is within [`INTENSITY_RANGE`], an error naming the range otherwise.
pub fn check_intensity(intensity: f64) -> Result<f64, String> {
    if INTENSITY_RANGE.contains(&intensity) {
        Ok(intensity)
    } else {
        Err(format!(
            "intensity {intensity} is outside {}..={}",
            INTENSITY_RANGE.start(),
            INTENSITY_RANGE.end()
        ))
    }
}

/// Simulation options as a JSON object: `{start, users, days, attacks, lookalikes,
/// intensity, scenarios: [id], formats: {ual: [name], signin: [...], proxy, iis, endpoint}}`, every key
/// optional.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimRequest {
    /// Start of the simulated period (RFC 3339).
    pub start: Option<String>,
    /// Number of users.
    pub users: Option<usize>,
    /// Number of days.
    pub days: Option<u32>,
    /// Play the attacks (default true).
    pub attacks: Option<bool>,
    /// Play the benign look-alikes (default true).
    pub lookalikes: Option<bool>,
    /// The attacks' intensity (default 1.0).
    pub intensity: Option<f64>,
    /// Only these scenario ids.
    pub scenarios: Option<Vec<String>>,
    /// Format names per source name; a source left out is written in its default format,
    /// `[]` or `["none"]` leaves it out.
    pub formats: Option<BTreeMap<String, Vec<String>>>,
}

impl SimRequest {
    /// Reads a request from JSON text; `null` is the empty request.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let request: Option<Self> =
            serde_json::from_str(text).map_err(|error| format!("invalid options: {error}"))?;
        Ok(request.unwrap_or_default())
    }

    /// The options for `seed`; `start` when the request names none.
    pub fn options(&self, seed: u64, start: &str) -> Result<SimOptions, String> {
        let start = self.start.as_deref().unwrap_or(start);
        let mut options =
            SimOptions::new(seed, start).map_err(|error: InvalidStart| error.to_string())?;
        if let Some(users) = self.users {
            options.users = users;
        }
        if let Some(days) = self.days {
            options.days = days;
        }
        options.attacks = self.attacks.unwrap_or(true);
        options.lookalikes = self.lookalikes.unwrap_or(true);
        if let Some(intensity) = self.intensity {
            options.intensity = check_intensity(intensity)?;
        }
        if let Some(ids) = &self.scenarios {
            check_scenarios(ids)?;
            options.scenarios = Some(ids.clone());
        }
        if let Some(chosen) = &self.formats {
            if let Some(unknown) = chosen
                .keys()
                .find(|key| !Source::ALL.iter().any(|s| s.name() == key.as_str()))
            {
                let known: Vec<&str> = Source::ALL.iter().map(|s| s.name()).collect();
                return Err(format!(
                    "unknown source `{unknown}`; known sources: {}",
                    known.join(", ")
                ));
            }
            options.formats = formats(|source| chosen.get(source.name()).cloned())?;
        }
        Ok(options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_request_is_the_defaults() {
        let options = SimRequest::from_json("null")
            .and_then(|r| r.options(3, DEFAULT_START))
            .expect("defaults");
        let defaults = SimOptions::new(3, DEFAULT_START).expect("start");
        assert_eq!(format!("{options:?}"), format!("{defaults:?}"));
    }

    #[test]
    fn settings_apply() {
        let request = SimRequest::from_json(
            r#"{"users": 7, "days": 2, "lookalikes": false, "scenarios": ["inbox_rule_creation"],
                "formats": {"ual": ["management-ndjson"], "signin": ["none"]}}"#,
        )
        .expect("valid");
        let options = request.options(1, DEFAULT_START).expect("valid");
        assert_eq!((options.users, options.days), (7, 2));
        assert!(options.attacks && !options.lookalikes);
        let names: Vec<&str> = options.formats.iter().map(|f| f.name).collect();
        assert_eq!(names[0], "management-ndjson");
        assert!(!options.formats.iter().any(|f| f.source == Source::Signin));
        assert_eq!(
            options
                .selected_scenarios()
                .iter()
                .map(|s| s.id)
                .collect::<Vec<_>>(),
            vec!["inbox_rule_creation"]
        );
    }

    #[test]
    fn unknown_names_are_refused_by_name() {
        let error = SimRequest::from_json(r#"{"user": 3}"#).expect_err("unknown key");
        assert!(error.contains("unknown field `user`"), "{error}");
        let error = SimRequest::from_json(r#"{"scenarios": ["nope"]}"#)
            .and_then(|r| r.options(1, DEFAULT_START))
            .expect_err("unknown scenario");
        assert!(error.contains("unknown scenario `nope`"), "{error}");
        let error = SimRequest::from_json(r#"{"formats": {"ual": ["xml"]}}"#)
            .and_then(|r| r.options(1, DEFAULT_START))
            .expect_err("unknown format");
        assert!(error.contains("unknown ual format `xml`"), "{error}");
        let error = SimRequest::from_json(r#"{"formats": {"mail": []}}"#)
            .and_then(|r| r.options(1, DEFAULT_START))
            .expect_err("unknown source");
        assert!(error.contains("unknown source `mail`"), "{error}");
        let error = SimRequest::from_json(r#"{"start": "soon"}"#)
            .and_then(|r| r.options(1, DEFAULT_START))
            .expect_err("bad start");
        assert!(error.contains("soon"), "{error}");
    }

    #[test]
    fn intensity_is_read_and_kept_within_its_range() {
        let request = SimRequest::from_json(r#"{"intensity": 0.5}"#).expect("valid");
        assert_eq!(
            request
                .options(1, "2025-03-04T00:00:00Z")
                .map(|o| o.intensity),
            Ok(0.5)
        );
        let request = SimRequest::from_json(r#"{"intensity": 50}"#).expect("valid");
        let error = request
            .options(1, "2025-03-04T00:00:00Z")
            .expect_err("out of range");
        assert!(error.contains("outside 0.1..=10"), "{error}");
    }
}
