#!/usr/bin/env bash
# Builds the WebAssembly core and its JS bindings into www/pkg (for the page and its worker).
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${MAILHOUND_WASM_PROFILE:-release}"
cargo build -p mailhound-wasm --target wasm32-unknown-unknown --profile "$profile"
dir="$profile"; [ "$profile" = dev ] && dir=debug
wasm-bindgen --target web --out-dir www/pkg \
  "target/wasm32-unknown-unknown/$dir/mailhound_wasm.wasm"
echo "built www/pkg ($(du -h www/pkg/mailhound_wasm_bg.wasm | cut -f1))"
