#!/usr/bin/env bash
# Runs every fuzz target briefly (SECONDS_PER_TARGET, default 5), seeded with the fixtures.
# Needs a nightly toolchain and cargo-fuzz; scripts/setup.sh installs cargo-fuzz.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${SECONDS_PER_TARGET:-5}"
if ! rustup toolchain list | grep -q '^nightly'; then
  echo "fuzz: no nightly toolchain on this machine; the fuzz targets need one (skipped)"
  exit 0
fi
cd fuzz
cargo +nightly fuzz build -O 2>&1 | tail -n 2
seeds_for() {
  case "$1" in
    auto|json|es_hit) echo ../fixtures ;;
    ual*|ecs_o365) echo ../fixtures/ual ;;
    *signin*|entra_portal_csv) echo ../fixtures/signin ;;
    *) echo ../fixtures/probe ;;
  esac
}
failed=0
for target in $(cargo +nightly fuzz list); do
  corpus="corpus/$target"
  mkdir -p "$corpus"
  seeds=$(seeds_for "$target")
  [ -d "$seeds" ] || seeds=../fixtures
  if cargo +nightly fuzz run -O "$target" "$corpus" "$seeds" -- \
      -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=1024 >"/tmp/fuzz-$target.log" 2>&1; then
    echo "fuzz: $target ok ($(grep -o 'exec/s: [0-9]*' "/tmp/fuzz-$target.log" | tail -n 1))"
  else
    echo "fuzz: $target FAILED"; tail -n 30 "/tmp/fuzz-$target.log"; failed=1
  fi
done
exit "$failed"
