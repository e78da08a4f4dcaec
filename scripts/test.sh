#!/usr/bin/env bash
# Runs every check and test of mailhound: formatting, lints (native and wasm32), the API
# docs' links, the Rust unit, property, end-to-end and CLI tests, the WASM API tests under
# Node and in headless Chromium, a short run of every fuzz target, a purple-team validation
# over several seeds, and the page's browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "formatting"
cargo fmt --all -- --check

step "lints (native)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "lints (wasm32)"
cargo clippy -p mailhound-core -p mailhound-simulator -p mailhound-wasm \
  --target wasm32-unknown-unknown --all-targets --locked -- -D warnings

step "API docs (every link resolves)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet

step "Rust tests"
cargo test --workspace --locked

step "WASM API tests under Node"
cargo test -p mailhound-wasm --target wasm32-unknown-unknown --locked

step "WASM API tests in headless Chromium"
CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_USE_BROWSER=1 \
  cargo test -p mailhound-wasm --target wasm32-unknown-unknown --locked

step "fuzzing every decoder briefly"
./scripts/fuzz.sh

step "purple-team validation over five seeds"
cargo run -q --release -p mailhound-cli --locked -- validate --seeds 1..5 --report target/validation | tail -n 3

step "web page in Chromium"
./scripts/build-wasm.sh
(cd tests/browser && npm test)
