//! The `mailhound` binary, run as a user runs it.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn mailhound(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mailhound"))
        .args(args)
        .output()
        .expect("runs")
}

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/ual")
        .join(name)
        .display()
        .to_string()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mailhound-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn scan_prints_a_table_by_default() {
    let output = mailhound(&["scan", &fixture("inbox-rules.json")]);
    assert!(output.status.success());
    let text = stdout(&output);
    assert!(text.contains("jdoe@contoso.com"), "{text}");
    assert!(text.contains("inbox_rule_exfiltration"));
    assert!(text.contains("drop.box@outlook-mail.example"));
    assert!(
        text.contains("2 finding(s) · 4 records: 4 events, 0 ignored, 0 rejected"),
        "{text}"
    );
    assert!(!text.contains("amy.lee@contoso.com"));
}

#[test]
fn scan_json_has_findings_and_stats() {
    let output = mailhound(&["scan", "--output", "json", &fixture("inbox-rules.json")]);
    assert!(output.status.success());
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(json["findings"].as_array().map(Vec::len), Some(2));
    assert_eq!(json["findings"][0]["detection"], "inbox_rule_exfiltration");
    assert_eq!(
        json["findings"][0]["first_seen"],
        "2025-03-04T09:15:02.000Z"
    );
    assert_eq!(json["stats"]["records"], 4);
    assert_eq!(json["stats"]["events"], 4);
    assert_eq!(json["stats"]["ignored"], 0);
}

#[test]
fn scan_ndjson_from_stdin_reports_rejections_on_stderr() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mailhound"))
        .args(["scan", "--output", "ndjson", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    let bytes = std::fs::read(fixture("malformed.ndjson")).expect("fixture");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&bytes)
        .expect("writes");
    let output = child.wait_with_output().expect("finishes");
    assert!(output.status.success());
    let lines: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("one finding per line"))
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["entity"]["value"], "jdoe@contoso.com");
    let errors = String::from_utf8_lossy(&output.stderr);
    assert!(errors.contains("5 record(s) rejected"), "{errors}");
    assert!(
        errors.contains("stdin:3 (record 3): record is not a JSON object"),
        "{errors}"
    );
}

#[test]
fn a_misspelt_configuration_key_is_named() {
    let dir = temp_dir("config");
    std::fs::create_dir_all(&dir).expect("dir");
    let config = dir.join("mailhound.toml");
    std::fs::write(&config, "tenant_domain = [\"contoso.com\"]\n").expect("write");
    let output = mailhound(&[
        "scan",
        "--config",
        &config.display().to_string(),
        &fixture("inbox-rules.json"),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let errors = String::from_utf8_lossy(&output.stderr);
    assert!(errors.contains("tenant_domain"), "{errors}");
}

#[test]
fn trusted_ranges_are_read_from_toml_and_a_bad_one_is_named() {
    let dir = temp_dir("ranges");
    std::fs::create_dir_all(&dir).expect("dir");
    let good = dir.join("good.toml");
    std::fs::write(
        &good,
        "[detections.impossible_travel]\ntrusted_ranges = [\"192.0.2.0/24\", \"2001:db8::/32\"]\n",
    )
    .expect("write");
    let output = mailhound(&[
        "scan",
        "--config",
        &good.display().to_string(),
        &fixture("inbox-rules.json"),
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let bad = dir.join("bad.toml");
    std::fs::write(
        &bad,
        "[detections.impossible_travel]\ntrusted_ranges = [\"vpn.contoso.com\"]\n",
    )
    .expect("write");
    let output = mailhound(&[
        "scan",
        "--config",
        &bad.display().to_string(),
        &fixture("inbox-rules.json"),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let errors = String::from_utf8_lossy(&output.stderr);
    assert!(errors.contains("vpn.contoso.com"), "{errors}");
}

#[test]
fn simulate_writes_telemetry_and_truth() {
    let dir = temp_dir("simulate");
    let output = mailhound(&[
        "simulate",
        "--seed",
        "5",
        "--out",
        &dir.display().to_string(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("truth.json")).expect("truth"))
            .expect("json");
    let attack = truth["scenarios"]
        .as_array()
        .expect("scenarios")
        .iter()
        .find(|s| s["id"] == "inbox_rule_creation")
        .expect("attack");
    assert_eq!(attack["expect"]["must_fire"][0], "inbox_rule_exfiltration");
    let scan = mailhound(&[
        "scan",
        "--output",
        "json",
        &dir.join("ual.json").display().to_string(),
    ]);
    let json: serde_json::Value = serde_json::from_slice(&scan.stdout).expect("json");
    let records = attack["records"].as_array().expect("records");
    let finding = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| {
            f["detection"] == "inbox_rule_exfiltration"
                && f["evidence"]
                    .as_array()
                    .is_some_and(|ids| ids.iter().any(|id| records.contains(id)))
        })
        .expect("the attack's finding");
    assert_eq!(finding["entity"]["value"], attack["entities"][0]["value"]);
}

#[test]
fn simulate_writes_each_chosen_format_and_names_the_known_ones() {
    let dir = temp_dir("simulate-formats");
    let out = dir.display().to_string();
    let output = mailhound(&[
        "simulate",
        "--seed",
        "3",
        "--out",
        &out,
        "--ual-format",
        "purview-csv,management-ndjson",
        "--signin-format",
        "azure-monitor",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).expect(name);
    let purview = read("ual.purview.csv");
    assert!(
        purview.starts_with("\u{feff}RecordId,CreationDate,RecordType,Operation,UserId,AuditData")
    );
    let ndjson = read("ual.ndjson");
    assert_eq!(
        purview.lines().count() - 1,
        ndjson.lines().count(),
        "the same audit records in both"
    );
    let monitor: serde_json::Value =
        serde_json::from_str(&read("signins.azure-monitor.json")).expect("json");
    assert!(
        monitor["records"]
            .as_array()
            .is_some_and(|records| !records.is_empty())
    );
    assert!(
        !dir.join("ual.json").exists(),
        "the default was not asked for"
    );
    assert!(!dir.join("signins.graph.json").exists());
    let truth = read("truth.json");
    assert!(truth.contains("ual.purview.csv") && truth.contains("ual.ndjson"));

    let scan = mailhound(&[
        "scan",
        "--output",
        "json",
        &dir.join("ual.purview.csv").display().to_string(),
        &dir.join("signins.azure-monitor.json").display().to_string(),
    ]);
    let json: serde_json::Value = serde_json::from_slice(&scan.stdout).expect("json");
    assert_eq!(json["stats"]["rejected"], 0, "{json}");

    let refused = mailhound(&["simulate", "--out", &out, "--ual-format", "nonsense"]);
    assert!(!refused.status.success());
    let error = String::from_utf8_lossy(&refused.stderr);
    assert!(error.contains("unknown ual format `nonsense`"), "{error}");
    for known in [
        "management-json",
        "purview-csv",
        "search-json",
        "ecs",
        "es-hits",
        "none",
    ] {
        assert!(error.contains(known), "{known} in: {error}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn validate_passes_and_writes_a_report() {
    let dir = temp_dir("validate");
    let output = mailhound(&[
        "validate",
        "--seed",
        "3",
        "--report",
        &dir.display().to_string(),
    ]);
    let text = stdout(&output);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("inbox_rule_creation"));
    assert!(text.contains("detected"));
    assert!(text.contains("PASS"));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).expect("report"))
            .expect("json");
    assert_eq!(report["summary"]["passed"], true);
    assert_eq!(report["runs"][0]["seed"], 3);
    assert_eq!(report["runs"][0]["report"]["passed"], true);
    assert!(report["runs"][0]["truth"]["scenarios"].is_array());
    assert!(report["runs"][0]["findings"].is_array());
    let html = std::fs::read_to_string(dir.join("report.html")).expect("html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("inbox_rule_creation"));
    assert!(!html.contains("<script"));
    let layer: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("navigator.json")).expect("layer"))
            .expect("json");
    assert_eq!(layer["versions"]["layer"], "4.5");
    assert!(
        layer["techniques"]
            .as_array()
            .expect("techniques")
            .iter()
            .all(|t| t["color"] == "#66bb6a")
    );
}

#[test]
fn validate_over_a_seed_range_reports_rates() {
    let dir = temp_dir("validate-seeds");
    let output = mailhound(&[
        "validate",
        "--seeds",
        "1..3",
        "--report",
        &dir.display().to_string(),
    ]);
    let text = stdout(&output);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("seeds 1..=3: 3/3 runs passed"), "{text}");
    assert!(text.contains("detected 3/3"), "{text}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).expect("report"))
            .expect("json");
    assert_eq!(report["summary"]["seeds"], serde_json::json!([1, 2, 3]));
    assert_eq!(report["runs"].as_array().map(Vec::len), Some(3));
    let bad = mailhound(&["validate", "--seeds", "4..2"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn the_written_config_reproduces_the_validations_findings() {
    let dir = temp_dir("simulate-config");
    let out = dir.display().to_string();
    let simulated = mailhound(&["simulate", "--seed", "11", "--out", &out]);
    assert!(simulated.status.success());
    let config = dir.join("mailhound.toml");
    let text = std::fs::read_to_string(&config).expect("config written");
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("truth.json")).expect("truth"))
            .expect("json");
    let domain = truth["domain"].as_str().expect("domain");
    assert!(text.contains(domain), "{text}");
    // Relative names, as the validation names its inputs (positional evidence ids,
    // `file:line`, then match), in the order `simulate` wrote them, which is the order the
    // validation scans them in.
    let files: Vec<String> = stdout(&simulated)
        .lines()
        .filter_map(|line| line.strip_prefix("wrote "))
        .filter_map(|rest| rest.split(" (").next())
        .filter_map(|path| {
            std::path::Path::new(path)
                .file_name()
                .and_then(|n| n.to_str())
                .map(str::to_owned)
        })
        .filter(|name| name != "truth.json" && name != "mailhound.toml")
        .collect();
    assert!(files.contains(&"ual.json".to_owned()), "{files:?}");
    let scan = Command::new(env!("CARGO_BIN_EXE_mailhound"))
        .current_dir(&dir)
        .args(["scan", "--output", "json", "--config", "mailhound.toml"])
        .args(&files)
        .output()
        .expect("runs");
    assert!(
        scan.status.success(),
        "{}",
        String::from_utf8_lossy(&scan.stderr)
    );
    let scanned: serde_json::Value = serde_json::from_slice(&scan.stdout).expect("json");
    let validated = mailhound(&[
        "validate",
        "--seed",
        "11",
        "--report",
        &dir.join("report").display().to_string(),
    ]);
    assert!(validated.status.success());
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("report/report.json")).expect("report"),
    )
    .expect("json");
    let key = |f: &serde_json::Value| {
        format!(
            "{} {} {}",
            f["detection"], f["entity"]["value"], f["evidence"]
        )
    };
    let mut from_scan: Vec<String> = scanned["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(key)
        .collect();
    let mut from_validation: Vec<String> = report["runs"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(key)
        .collect();
    from_scan.sort();
    from_validation.sort();
    assert!(!from_validation.is_empty());
    assert_eq!(from_scan, from_validation);
}

#[test]
fn serve_hands_out_the_page_with_its_policy_on_loopback() {
    use std::io::{BufRead, BufReader, Read};
    let dir = temp_dir("serve");
    std::fs::create_dir_all(dir.join("pkg")).expect("dir");
    std::fs::write(dir.join("index.html"), "<!doctype html><title>t</title>").expect("write");
    std::fs::write(dir.join("pkg/engine.wasm"), b"\0asm").expect("write");
    let mut child = Command::new(env!("CARGO_BIN_EXE_mailhound"))
        .args(["serve", "--dir", &dir.display().to_string(), "--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawns");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("address line");
    let address = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.trim().strip_suffix('/'))
        .expect("prints its address")
        .to_owned();
    assert!(address.starts_with("127.0.0.1:"), "{line}");
    let get = |path: &str| {
        let mut stream = std::net::TcpStream::connect(&address).expect("connects");
        write!(stream, "GET {path} HTTP/1.0\r\nHost: {address}\r\n\r\n").expect("request");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("response");
        response
    };
    let page = get("/");
    let wasm = get("/pkg/engine.wasm");
    let escape = get("/../Cargo.toml");
    child.kill().expect("stops");
    let _ = child.wait();
    assert!(
        page.starts_with("HTTP/1.0 200") || page.starts_with("HTTP/1.1 200"),
        "{page}"
    );
    assert!(
        page.contains("Content-Security-Policy: default-src 'self'"),
        "{page}"
    );
    assert!(page.contains("<title>t</title>"));
    assert!(wasm.contains("Content-Type: application/wasm"), "{wasm}");
    assert!(escape.contains(" 404 "), "{escape}");
}

#[test]
fn csv_ocsf_and_navigator_outputs() {
    let csv = mailhound(&["scan", "--output", "csv", &fixture("inbox-rules.json")]);
    assert!(csv.status.success());
    let text = stdout(&csv);
    assert!(
        text.starts_with("id,detection,technique,tactic,severity"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 3);
    let ocsf = mailhound(&["scan", "--output", "ocsf", &fixture("inbox-rules.json")]);
    let events: Vec<serde_json::Value> = stdout(&ocsf)
        .lines()
        .map(|line| serde_json::from_str(line).expect("one event per line"))
        .collect();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["class_uid"], 2004);
    assert_eq!(
        events[0]["finding_info"]["analytic"]["uid"],
        "inbox_rule_exfiltration"
    );
    let dir = temp_dir("navigator");
    std::fs::create_dir_all(&dir).expect("dir");
    let layer_path = dir.join("layer.json");
    let output = mailhound(&[
        "scan",
        "--navigator",
        &layer_path.display().to_string(),
        &fixture("inbox-rules.json"),
    ]);
    assert!(output.status.success());
    let layer: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&layer_path).expect("layer")).expect("json");
    assert_eq!(layer["versions"]["layer"], "4.5");
    let fired: Vec<&str> = layer["techniques"]
        .as_array()
        .expect("techniques")
        .iter()
        .filter(|t| t.get("score").is_some())
        .filter_map(|t| t["techniqueID"].as_str())
        .collect();
    assert!(
        fired.contains(&"T1586.002") && fired.contains(&"T1114.003"),
        "{fired:?}"
    );
}
