//! The validation as one self-contained HTML page: inline CSS, no scripts, no external
//! assets, so it opens offline and can be attached to a ticket or an audit file.
//!
//! Every text that comes from the run (scenario descriptions, entities, causes) is escaped.

use super::{RunReport, Spread};
use crate::truth::ScenarioKind;
use std::fmt::Write;

const STYLE: &str = "body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem;color:#1d1d1f;background:#fff}\
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}\
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}\
th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}\
th{background:#f3f3f3}\
.pass{background:#e5f5e6}.fail{background:#fde4e4}\
.verdict{display:inline-block;padding:.3rem .8rem;border-radius:.3rem;font-weight:bold}\
code{font-size:.85rem}";

/// Escapes `text` for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn kind(kind: ScenarioKind) -> &'static str {
    match kind {
        ScenarioKind::Attack => "attack",
        ScenarioKind::Lookalike => "look-alike",
    }
}

fn class(pass: bool) -> &'static str {
    if pass { "pass" } else { "fail" }
}

fn spread(spread: Option<Spread>) -> String {
    spread.map_or_else(String::new, |s| {
        format!(
            "{} / {} / {} s ({} runs)",
            s.min, s.median, s.max, s.samples
        )
    })
}

/// Opens a table with the header cells `headers`.
fn table(out: &mut String, headers: &[&str]) {
    out.push_str("<table><thead><tr>");
    for header in headers {
        let _ = write!(out, "<th>{}</th>", escape(header));
    }
    out.push_str("</tr></thead><tbody>\n");
}

/// One row of already-escaped cells.
fn row(out: &mut String, class: &str, cells: &[String]) {
    let _ = write!(out, "<tr class=\"{class}\">");
    for cell in cells {
        let _ = write!(out, "<td>{cell}</td>");
    }
    out.push_str("</tr>\n");
}

/// The page of `report`, titled `title`.
pub fn render(title: &str, report: &RunReport) -> String {
    let summary = &report.summary;
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body>\n<h1>{}</h1>\n",
        escape(title),
        escape(title)
    );
    let verdict = if summary.passed {
        "PASS: every injected attack was detected and no benign activity fired"
    } else {
        "FAIL: an attack was missed or benign activity fired"
    };
    let seeds = match (summary.seeds.first(), summary.seeds.last()) {
        (Some(first), Some(last)) if first != last => format!("{first}..={last}"),
        (Some(first), _) => first.to_string(),
        _ => "none".into(),
    };
    let _ = write!(
        out,
        "<p class=\"verdict {}\">{}</p>\n<p>Seeds {} ({} runs, {} passed); {} false positive(s); \
         time to detect (min / median / max): {}.</p>\n",
        class(summary.passed),
        escape(verdict),
        escape(&seeds),
        summary.seeds.len(),
        summary.passed_runs,
        summary.false_positives.len(),
        escape(&spread(summary.time_to_detect))
    );

    out.push_str("<h2>Scenarios</h2>\n");
    table(
        &mut out,
        &[
            "scenario",
            "kind",
            "technique",
            "rate",
            "failing seeds",
            "fired",
            "missing",
            "not observable",
            "time to detect (min / median / max)",
        ],
    );
    for s in &summary.scenarios {
        let rate_label = match s.kind {
            ScenarioKind::Attack => "detected",
            ScenarioKind::Lookalike => "silent",
        };
        let failing: Vec<String> = s.failing_seeds.iter().map(u64::to_string).collect();
        row(
            &mut out,
            class(s.passes == s.runs),
            &[
                format!("<code>{}</code>", escape(&s.id)),
                kind(s.kind).into(),
                escape(s.technique.as_deref().unwrap_or("")),
                format!(
                    "{rate_label} {}/{} ({:.0}%)",
                    s.passes,
                    s.runs,
                    s.rate * 100.0
                ),
                escape(&failing.join(", ")),
                escape(&s.fired.join(", ")),
                escape(&s.missing.join(", ")),
                escape(&s.unobservable.join(", ")),
                escape(&spread(s.time_to_detect)),
            ],
        );
    }
    out.push_str("</tbody></table>\n");

    out.push_str("<h2>False positives</h2>\n");
    if summary.false_positives.is_empty() {
        out.push_str("<p>None.</p>\n");
    } else {
        table(
            &mut out,
            &["seed", "detection", "entity", "finding", "cause"],
        );
        for fp in &summary.false_positives {
            let fp_ = &fp.false_positive;
            row(
                &mut out,
                "fail",
                &[
                    fp.seed.to_string(),
                    escape(&fp_.detection),
                    escape(&fp_.entity),
                    format!("<code>{}</code>", escape(&fp_.finding)),
                    escape(&fp_.cause),
                ],
            );
        }
        out.push_str("</tbody></table>\n");
    }

    out.push_str("<h2>Seeds</h2>\n");
    for run in &report.runs {
        let _ = write!(
            out,
            "<h3>Seed {} <span class=\"verdict {}\">{}</span></h3>\n<p>Tenant {} ({} users, from {}); \
             {} records, {} events, {} rejected; {} finding(s).</p>\n",
            run.seed,
            class(run.report.passed),
            if run.report.passed { "pass" } else { "fail" },
            escape(&run.truth.domain),
            run.truth.users,
            escape(&run.truth.start),
            run.stats.records,
            run.stats.events,
            run.stats.rejected,
            run.findings.len()
        );
        table(
            &mut out,
            &[
                "scenario",
                "kind",
                "outcome",
                "fired",
                "missing",
                "time to detect",
                "entities",
                "what was played",
            ],
        );
        for outcome in &run.report.scenarios {
            let truth = run.truth.scenarios.iter().find(|s| s.id == outcome.id);
            let entities: Vec<String> = truth
                .map(|t| t.entities.iter().map(|e| e.value.clone()).collect())
                .unwrap_or_default();
            row(
                &mut out,
                class(outcome.outcome == "detected" || outcome.outcome == "silent"),
                &[
                    format!("<code>{}</code>", escape(&outcome.id)),
                    kind(outcome.kind).into(),
                    escape(&outcome.outcome),
                    escape(&outcome.fired.join(", ")),
                    escape(&outcome.missing.join(", ")),
                    outcome
                        .time_to_detect_seconds
                        .map_or_else(String::new, |s| format!("{s} s")),
                    escape(&entities.join(", ")),
                    escape(truth.map_or("", |t| t.description.as_str())),
                ],
            );
        }
        out.push_str("</tbody></table>\n");
    }
    out.push_str("</body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::run;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn the_page_is_self_contained_and_shows_failures() {
        let report = RunReport::new(vec![
            run(1, "detected", Some(42), "silent"),
            run(2, "missed", None, "fired"),
        ]);
        let page = render("mailhound <validation>", &report);
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(page.contains("<style>"));
        for external in ["<script", "<link", "src=", "http://", "https://", "@import"] {
            assert!(!page.contains(external), "{external}");
        }
        assert!(page.contains("<title>mailhound &lt;validation&gt;</title>"));
        assert!(page.contains("FAIL"));
        assert!(page.contains("detected 1/2 (50%)"));
        assert!(page.contains("silent 1/2 (50%)"));
        assert!(page.contains("fired on benign look-alike `benign`"));
        assert!(page.contains("amy@contoso.com"));
        // Descriptions come from the run and are escaped.
        assert!(page.contains("attack &lt;played&gt; &amp; more"));
        assert!(!page.contains("<played>"));
        assert!(page.contains("Seed 2"));
        assert!(page.contains("42 s"));
    }

    #[test]
    fn a_passing_run_says_so() {
        let page = render(
            "v",
            &RunReport::new(vec![run(7, "detected", Some(1), "silent")]),
        );
        assert!(page.contains("PASS"));
        assert!(page.contains("<p>None.</p>"));
        assert!(!page.contains("class=\"fail\""));
    }
}
