//! The simulator and the validation in WebAssembly, as JavaScript calls them: options as
//! plain objects, the report and its page back; and the same bytes and report as the native
//! build (the fingerprints are pinned in tests/pinned/fingerprints.rs and asserted natively by
//! tests/tests/simulator_determinism.rs). Runs under Node and in headless Chromium.
#![cfg(target_arch = "wasm32")]

use mailhound_simulator::{SimOptions, report};
use mailhound_wasm::{simulate, validate, validate_seed_range};
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

include!("../../tests/pinned/fingerprints.rs");

fn json(value: JsValue) -> Value {
    serde_wasm_bindgen::from_value(value).expect("plain JSON-compatible value")
}

fn object(text: &str) -> JsValue {
    js_sys::JSON::parse(text).expect("json")
}

fn error_message(error: wasm_bindgen::JsError) -> String {
    let value = JsValue::from(error);
    assert!(value.is_instance_of::<js_sys::Error>(), "a JS Error");
    let error: &js_sys::Error = value.unchecked_ref();
    String::from(error.message())
}

#[wasm_bindgen_test]
fn the_pinned_seed_writes_the_native_bytes() {
    let options = SimOptions::new(PINNED_SEED, PINNED_START).expect("start");
    let output = mailhound_simulator::simulate(&options);
    assert_eq!(simulation_fingerprint(&output), SIMULATION_FINGERPRINT);
    // The JS export hands out exactly those files and that truth.
    let exported = json(simulate(PINNED_SEED, PINNED_START, JsValue::UNDEFINED).expect("simulate"));
    let files = exported["files"].as_array().expect("files");
    assert_eq!(files.len(), output.files.len());
    for (file, native) in files.iter().zip(&output.files) {
        assert_eq!(file["name"], native.name.as_str());
        assert_eq!(file["text"], native.text.as_str());
    }
    assert_eq!(
        exported["truth"]["scenarios"].as_array().map(Vec::len),
        Some(output.truth.scenarios.len())
    );
    assert_eq!(exported["truth"]["domain"], output.truth.domain.as_str());
}

#[wasm_bindgen_test]
fn the_validation_passes_and_matches_the_native_report() {
    let options = SimOptions::new(PINNED_SEED, PINNED_START).expect("start");
    let native_shape = report::validate_seeds(&options, [PINNED_SEED]);
    assert_eq!(report_fingerprint(&native_shape), VALIDATION_FINGERPRINT);
    let validated = json(validate(PINNED_SEED, JsValue::UNDEFINED).expect("validate"));
    let report = &validated["report"];
    assert_eq!(report["summary"]["passed"], true);
    assert_eq!(report["summary"]["seeds"], serde_json::json!([PINNED_SEED]));
    assert!(
        report["summary"]["false_positives"]
            .as_array()
            .is_some_and(Vec::is_empty)
    );
    let expected = serde_json::to_value(&native_shape).expect("json");
    assert_eq!(report["runs"][0]["report"], expected["runs"][0]["report"]);
    // JavaScript numbers lose the integer/float distinction: compare the intensity as a
    // number and the rest of the truth as it is.
    let (mut truth, mut native_truth) = (
        report["runs"][0]["truth"].clone(),
        expected["runs"][0]["truth"].clone(),
    );
    let intensity = |truth: &mut serde_json::Value| {
        truth
            .as_object_mut()
            .and_then(|truth| truth.remove("intensity"))
            .and_then(|value| value.as_f64())
    };
    assert_eq!(intensity(&mut truth), Some(1.0));
    assert_eq!(intensity(&mut native_truth), Some(1.0));
    assert_eq!(truth, native_truth);
    assert_eq!(
        report["runs"][0]["findings"].as_array().map(Vec::len),
        expected["runs"][0]["findings"].as_array().map(Vec::len)
    );
    let html = validated["html"].as_str().expect("html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("PASS"));
    assert!(!html.contains("<script"));
}

#[wasm_bindgen_test]
fn a_seed_range_reports_a_rate_per_scenario() {
    let validated =
        json(validate_seed_range(1, 3, object(r#"{"users": 20}"#)).expect("validate seeds"));
    let summary = &validated["report"]["summary"];
    assert_eq!(summary["seeds"], serde_json::json!([1, 2, 3]));
    assert_eq!(summary["passed"], true);
    let scenarios = summary["scenarios"].as_array().expect("scenarios");
    assert!(!scenarios.is_empty());
    for scenario in scenarios {
        assert_eq!(scenario["runs"], 3, "{scenario}");
        assert_eq!(scenario["passes"], 3, "{scenario}");
    }
    assert_eq!(validated["report"]["runs"][0]["truth"]["users"], 20);
    let message = error_message(
        validate_seed_range(3, 1, JsValue::UNDEFINED).expect_err("empty range refused"),
    );
    assert!(message.contains("3..=1"), "{message}");
}

#[wasm_bindgen_test]
fn options_are_plain_objects_and_unknown_keys_are_refused() {
    let options = object(
        r#"{"users": 12, "days": 2, "lookalikes": false,
            "formats": {"ual": ["management-ndjson"], "signin": ["none"]}}"#,
    );
    let output = json(simulate(3, PINNED_START, options).expect("simulate"));
    let names: Vec<&str> = output["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter_map(|f| f["name"].as_str())
        .collect();
    assert!(names.contains(&"ual.ndjson"), "{names:?}");
    assert!(!names.contains(&"signins.graph.json"), "{names:?}");
    assert_eq!(output["truth"]["users"], 12);
    assert!(
        output["truth"]["scenarios"]
            .as_array()
            .expect("scenarios")
            .iter()
            .all(|s| s["kind"] == "attack")
    );
    let message = error_message(
        simulate(3, PINNED_START, object(r#"{"user": 3}"#)).expect_err("unknown key"),
    );
    assert!(message.contains("user"), "{message}");
    let message = error_message(
        validate(3, object(r#"{"scenarios": ["no_such_thing"]}"#)).expect_err("unknown id"),
    );
    assert!(message.contains("no_such_thing"), "{message}");
    let message = error_message(
        validate(3, object(r#"{"formats": {"ual": ["xml"]}}"#)).expect_err("unknown format"),
    );
    assert!(message.contains("xml"), "{message}");
}
