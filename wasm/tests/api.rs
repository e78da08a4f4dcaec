//! The WASM API as JavaScript sees it, on real-shaped audit records. Runs under Node and in
//! headless Chromium (see scripts/test.sh).
#![cfg(target_arch = "wasm32")]

use mailhound_wasm::{Engine, scan, simulate};
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const ATTACK: &str = r#"{"AppId":"","ClientAppId":"","ClientIP":"198.51.100.23:61011","CreationTime":"2025-03-04T09:15:02","ExternalAccess":false,"Id":"5e7c1a0e-2b1d-4f7e-9a49-08dd5b8c1f10","ObjectId":"contoso.onmicrosoft.com\\jdoe\\.","Operation":"New-InboxRule","OrganizationId":"0e8108b1-18e9-41a4-961b-dfcddf92ef08","Parameters":[{"Name":"Name","Value":"."},{"Name":"ForwardTo","Value":"drop.box@outlook-mail.example"},{"Name":"MarkAsRead","Value":"True"}],"RecordType":1,"ResultStatus":"True","UserId":"jdoe@contoso.com","UserKey":"10032001020A3408","UserType":0,"Version":1,"Workload":"Exchange"}"#;
const BENIGN: &str = r#"{"ClientIP":"198.51.100.80","CreationTime":"2025-03-04T10:02:41","Id":"0c6f2a7e-9d41-4b1e-8f3a-08dd5b8c2210","Operation":"New-InboxRule","OrganizationId":"0e8108b1-18e9-41a4-961b-dfcddf92ef08","Parameters":[{"Name":"Name","Value":"Newsletters"},{"Name":"From","Value":"newsletter@industry-weekly.example"},{"Name":"MoveToFolder","Value":"Newsletters"}],"RecordType":1,"ResultStatus":"True","UserId":"amy.lee@contoso.com","Workload":"Exchange"}"#;

fn json(value: JsValue) -> Value {
    serde_wasm_bindgen::from_value(value).expect("plain JSON-compatible value")
}

fn error_message(error: wasm_bindgen::JsError) -> String {
    let value = JsValue::from(error);
    let error: &js_sys::Error = value.unchecked_ref();
    assert!(value.is_instance_of::<js_sys::Error>(), "a JS Error");
    String::from(error.message())
}

#[wasm_bindgen_test]
fn streaming_engine_finds_the_attackers_rule_only() {
    let mut engine = Engine::new(JsValue::UNDEFINED).expect("default config");
    json(engine.begin_input("audit.json", None).expect("open"));
    let text = format!("[{ATTACK},\n{BENIGN}]");
    let mut findings = Vec::new();
    for chunk in text.as_bytes().chunks(37) {
        findings.extend(
            json(engine.push(chunk).expect("open"))
                .as_array()
                .cloned()
                .unwrap_or_default(),
        );
    }
    findings.extend(
        json(engine.finish().expect("open"))
            .as_array()
            .cloned()
            .unwrap_or_default(),
    );
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["detection"], "inbox_rule_exfiltration");
    assert_eq!(findings[0]["entity"]["value"], "jdoe@contoso.com");
    // Forwarding out and marking as read: critical.
    assert_eq!(findings[0]["severity"], "critical");
    assert_eq!(
        findings[0]["evidence"][0],
        "5e7c1a0e-2b1d-4f7e-9a49-08dd5b8c1f10"
    );
    let stats = json(engine.stats().expect("stats"));
    assert_eq!(stats["records"], 2);
    assert_eq!(stats["events"], 2);
    assert_eq!(stats["rejected"], 0);
}

#[wasm_bindgen_test]
fn one_shot_scan_reports_malformed_records_with_their_location() {
    let text = format!(
        "{ATTACK}\n42\n{{\"Id\":\"x\",\"CreationTime\":\"2025-03-04T09:15:02\",\"Operation\":7}}\n{{\"Id\":"
    );
    let output = json(scan(&text, JsValue::NULL, Some("audit.ndjson".into())).expect("scan"));
    assert_eq!(output["findings"].as_array().map(Vec::len), Some(1));
    assert_eq!(output["stats"]["records"], 4);
    assert_eq!(output["stats"]["rejected"], 3);
    let rejections = output["rejections"].as_array().expect("rejections");
    assert_eq!(rejections[0]["location"]["line"], 2);
    assert_eq!(rejections[0]["location"]["input"], "audit.ndjson");
    assert!(
        rejections[0]["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("not a JSON object")
    );
    assert_eq!(rejections[1]["location"]["line"], 3);
    assert!(
        rejections[1]["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("invalid type")
    );
    assert!(
        rejections[2]["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("truncated")
    );
}

#[wasm_bindgen_test]
fn errors_arrive_as_js_errors() {
    let config = js_sys::JSON::parse(r#"{"tenant_domain": ["contoso.com"]}"#).expect("json");
    let message = error_message(Engine::new(config).err().expect("unknown key refused"));
    assert!(message.contains("tenant_domain"), "{message}");
    let mut engine = Engine::new(JsValue::UNDEFINED).expect("default config");
    engine.finish().expect("first finish");
    let message = error_message(
        engine
            .push(b"{}")
            .expect_err("finished engine refuses data"),
    );
    assert!(message.contains("finished"), "{message}");
    let mut engine = Engine::new(JsValue::UNDEFINED).expect("default config");
    let message = error_message(
        engine
            .begin_input("x", Some("xml".into()))
            .expect_err("unknown format refused"),
    );
    assert!(message.contains("unknown format `xml`"), "{message}");
    let message =
        error_message(simulate(1, "yesterday", JsValue::UNDEFINED).expect_err("bad start refused"));
    assert!(message.contains("yesterday"), "{message}");
}

#[wasm_bindgen_test]
fn configured_tenant_domains_grade_the_forward() {
    let config =
        js_sys::JSON::parse(r#"{"tenant_domains": ["contoso.com", "outlook-mail.example"]}"#)
            .expect("json");
    let output = json(scan(ATTACK, config, None).expect("scan"));
    // Forwarding inside the tenant and marking as read is low; the name "." raises it.
    assert_eq!(output["findings"][0]["severity"], "medium");
}

#[wasm_bindgen_test]
fn the_simulator_runs_in_wasm_and_its_attack_is_found() {
    let simulation =
        json(simulate(9, "2025-03-04T00:00:00Z", JsValue::UNDEFINED).expect("simulate"));
    let again = json(simulate(9, "2025-03-04T00:00:00Z", JsValue::UNDEFINED).expect("simulate"));
    assert_eq!(simulation, again);
    let text = simulation["files"][0]["text"].as_str().expect("text");
    let output = json(scan(text, JsValue::UNDEFINED, None).expect("scan"));
    let attack = simulation["truth"]["scenarios"]
        .as_array()
        .expect("scenarios")
        .iter()
        .find(|s| s["id"] == "inbox_rule_creation")
        .expect("attack")
        .clone();
    let records = attack["records"].as_array().expect("records");
    let finding = output["findings"]
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

#[wasm_bindgen_test]
fn a_snapshot_carries_the_state_to_the_next_invocation() {
    let mut engine = Engine::new(JsValue::UNDEFINED).expect("default config");
    json(engine.push_text(&format!("{BENIGN}\n")).expect("open"));
    let snapshot = engine.snapshot().expect("snapshot");
    let state = js_sys::Reflect::get(&snapshot, &JsValue::from_str("state")).expect("state");
    let state = js_sys::Uint8Array::new(&state).to_vec();
    let mut next = Engine::restore(&state).expect("restore");
    let mut findings = json(
        next.push_text(&format!("{ATTACK}\n{BENIGN}\n"))
            .expect("open"),
    );
    if let (Some(all), Some(more)) = (
        findings.as_array_mut(),
        json(next.finish().expect("open")).as_array(),
    ) {
        all.extend(more.iter().cloned());
    }
    assert_eq!(findings.as_array().map(Vec::len), Some(1));
    let stats = json(next.stats().expect("stats"));
    assert_eq!(stats["records"], 3);
    assert_eq!(stats["duplicates"], 1);
    let message = error_message(Engine::restore(b"garbage").err().expect("refused"));
    assert!(message.contains("snapshot"), "{message}");
}
