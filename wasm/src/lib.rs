//! mailhound-wasm: the JavaScript face of the core and the simulator.
//!
//! A thin layer and nothing more: it converts between JS values and the core's types and turns
//! every error into a JS `Error`. Detection logic lives in `mailhound-core`. Values cross the
//! boundary as plain JSON-compatible objects (maps become objects, 64-bit counters numbers),
//! the same shapes as the command line's `--output json`.

use mailhound_core::{EngineConfig, Finding, Format};
use mailhound_simulator::SimOptions;
use mailhound_simulator::report::{RunReport, validate_seeds};
use mailhound_simulator::request::{DEFAULT_START, SimRequest};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Converts a Rust value into a plain JS object.
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|error| JsError::new(&format!("cannot convert result: {error}")))
}

/// Reads an engine configuration from a JS object (or its JSON text); `undefined` or `null`
/// means defaults.
///
/// The object goes through JSON text rather than `serde_wasm_bindgen`, because the latter
/// looks up known keys only and would silently accept a misspelt one; this way an unknown key
/// is an error that names it.
fn config_from_js(config: JsValue) -> Result<EngineConfig, JsError> {
    if config.is_undefined() || config.is_null() {
        return Ok(EngineConfig::default());
    }
    let text = match config.as_string() {
        Some(text) => text,
        None => js_sys::JSON::stringify(&config)
            .map_err(|_| JsError::new("invalid configuration: not serialisable to JSON"))?
            .into(),
    };
    serde_json::from_str(&text)
        .map_err(|error| JsError::new(&format!("invalid configuration: {error}")))
}

fn findings_to_js(
    findings: Result<Vec<Finding>, mailhound_core::EngineError>,
) -> Result<JsValue, JsError> {
    let findings = findings.map_err(|error| JsError::new(&error.to_string()))?;
    to_js(&findings)
}

/// A streaming engine: push chunks of an export, get findings as they complete.
#[wasm_bindgen]
pub struct Engine {
    inner: mailhound_core::Engine,
}

#[wasm_bindgen]
impl Engine {
    /// Creates an engine; `config` is an optional object of engine settings.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<Engine, JsError> {
        Ok(Self {
            inner: mailhound_core::Engine::new(config_from_js(config)?),
        })
    }

    /// Ends the current input and names the next (e.g. the file name). `format` (optional)
    /// reads it as that format instead of recognising it. Returns findings.
    #[wasm_bindgen(js_name = beginInput)]
    pub fn begin_input(&mut self, name: &str, format: Option<String>) -> Result<JsValue, JsError> {
        let format = format
            .map(|name| name.parse::<Format>())
            .transpose()
            .map_err(|error| JsError::new(&error.to_string()))?;
        findings_to_js(self.inner.begin_input_as(name, format))
    }

    /// Reads the next chunk of bytes (a `Uint8Array`). Returns the findings completed so far.
    pub fn push(&mut self, chunk: &[u8]) -> Result<JsValue, JsError> {
        findings_to_js(self.inner.push(chunk))
    }

    /// Reads the next chunk of text. Returns the findings completed so far.
    #[wasm_bindgen(js_name = pushText)]
    pub fn push_text(&mut self, chunk: &str) -> Result<JsValue, JsError> {
        findings_to_js(self.inner.push(chunk.as_bytes()))
    }

    /// Ends the scan. Returns the remaining findings.
    pub fn finish(&mut self) -> Result<JsValue, JsError> {
        findings_to_js(self.inner.finish())
    }

    /// Ends the current input and saves the engine's state:
    /// `{findings, state: Uint8Array}`. Keep `state` (e.g. in a Durable Object) and pass it to
    /// `Engine.restore` in the next invocation.
    pub fn snapshot(&mut self) -> Result<JsValue, JsError> {
        let (findings, bytes) = self
            .inner
            .snapshot()
            .map_err(|error| JsError::new(&error.to_string()))?;
        let result = js_sys::Object::new();
        let set = |key: &str, value: &JsValue| {
            js_sys::Reflect::set(&result, &JsValue::from_str(key), value)
                .map(|_| ())
                .map_err(|_| JsError::new("cannot build the snapshot object"))
        };
        set("findings", &to_js(&findings)?)?;
        set("state", &js_sys::Uint8Array::from(bytes.as_slice()).into())?;
        Ok(result.into())
    }

    /// An engine in the state a `snapshot()` saved.
    pub fn restore(state: &[u8]) -> Result<Engine, JsError> {
        Ok(Self {
            inner: mailhound_core::Engine::restore(state)
                .map_err(|error| JsError::new(&error.to_string()))?,
        })
    }

    /// The counters: `records`, `events`, `ignored`, `rejected`, `findings`, ...
    pub fn stats(&self) -> Result<JsValue, JsError> {
        to_js(self.inner.stats())
    }

    /// The first rejected records, each `{location: {input, record, line, offset}, reason}`.
    pub fn rejections(&self) -> Result<JsValue, JsError> {
        to_js(self.inner.rejections())
    }
}

/// Scans a whole export at once: `{findings, stats, rejections}`. `name` (optional) is how
/// rejections refer to the input, e.g. the file name.
#[wasm_bindgen]
pub fn scan(text: &str, config: JsValue, name: Option<String>) -> Result<JsValue, JsError> {
    let mut engine = mailhound_core::Engine::new(config_from_js(config)?);
    let to_js_error = |error: mailhound_core::EngineError| JsError::new(&error.to_string());
    let mut findings = engine
        .begin_input_as(name.as_deref().unwrap_or("input"), None)
        .map_err(to_js_error)?;
    findings.extend(engine.push(text.as_bytes()).map_err(to_js_error)?);
    findings.extend(engine.finish().map_err(to_js_error)?);
    to_js(&mailhound_core::ScanOutput {
        findings,
        stats: engine.stats().clone(),
        rejections: engine.rejections().to_vec(),
    })
}

/// Reads simulation options from a JS object (or its JSON text) through JSON text, so that
/// an unknown key is an error naming it; `undefined` or `null` means defaults.
fn request_from_js(options: JsValue) -> Result<SimRequest, JsError> {
    if options.is_undefined() || options.is_null() {
        return Ok(SimRequest::default());
    }
    let text = match options.as_string() {
        Some(text) => text,
        None => js_sys::JSON::stringify(&options)
            .map_err(|_| JsError::new("invalid options: not serialisable to JSON"))?
            .into(),
    };
    SimRequest::from_json(&text).map_err(|error| JsError::new(&error))
}

/// The simulator options of `seed` that `options` describes, starting at `start` unless they
/// name their own.
fn sim_options(seed: u64, start: &str, options: JsValue) -> Result<SimOptions, JsError> {
    request_from_js(options)?
        .options(seed, start)
        .map_err(|error| JsError::new(&error))
}

/// Runs the simulator: `{files: [{name, text}], truth}`. `start` is an RFC 3339 time;
/// `options` (optional) is `{users, days, attacks, lookalikes, scenarios: [id], formats:
/// {ual: [name], signin: [name], proxy, iis, endpoint}}`, every key optional, unknown keys
/// refused.
#[wasm_bindgen]
pub fn simulate(seed: u64, start: &str, options: JsValue) -> Result<JsValue, JsError> {
    let options = sim_options(seed, start, options)?;
    to_js(&mailhound_simulator::simulate(&options))
}

/// A validation run as JavaScript receives it: the report and its HTML page.
fn report_to_js(report: &RunReport) -> Result<JsValue, JsError> {
    #[derive(Serialize)]
    struct Validated<'a> {
        report: &'a RunReport,
        html: String,
    }
    to_js(&Validated {
        report,
        html: mailhound_simulator::report::html::render("mailhound validation", report),
    })
}

/// Simulates `seed`, scans it and matches the findings to the truth: `{report: {summary,
/// runs}, html}`, the same report as `mailhound validate --seed N --report DIR` writes.
/// `options` as for `simulate`, plus `start` (default 2025-03-04T00:00:00Z).
#[wasm_bindgen]
pub fn validate(seed: u64, options: JsValue) -> Result<JsValue, JsError> {
    let options = sim_options(seed, DEFAULT_START, options)?;
    report_to_js(&validate_seeds(&options, [seed]))
}

/// Validates every seed from `from` to `to` (inclusive): `{report: {summary, runs}, html}`
/// with per-scenario detection rates over the seeds.
#[wasm_bindgen(js_name = validateSeeds)]
pub fn validate_seed_range(from: u64, to: u64, options: JsValue) -> Result<JsValue, JsError> {
    if from > to {
        return Err(JsError::new(&format!("empty seed range {from}..={to}")));
    }
    let options = sim_options(from, DEFAULT_START, options)?;
    report_to_js(&validate_seeds(&options, from..=to))
}
