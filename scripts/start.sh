#!/usr/bin/env bash
# Sets up, builds the WASM page, runs a purple-team validation in the terminal, then serves
# the web page on 127.0.0.1 (PORT, default 8080) until interrupted.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build-wasm.sh
cargo build --release --locked -p mailhound-cli
mailhound=target/release/mailhound

printf '\n\033[1m== purple-team validation (seed %s)\033[0m\n' "${SEED:-1}"
"$mailhound" validate --seed "${SEED:-1}" --report out/validation || true

printf '\n\033[1m== web page\033[0m\n'
exec "$mailhound" serve --dir www --port "${PORT:-8080}"
