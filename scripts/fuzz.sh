#!/usr/bin/env bash
# Short fuzz runs of the configuration loader and of the decoding of API
# answers (not part of .ci/run). Needs the nightly toolchain and cargo-fuzz
# (`cargo install cargo-fuzz --locked`).
#
#   scripts/fuzz.sh [SECONDS per target, default 60]
#
# A crash leaves its input in fuzz/artifacts/TARGET/; copy it into
# fuzz/regressions/TARGET/ so `cargo test` replays it from then on
# (tests/cli/fuzz_regressions.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  echo "scripts/fuzz.sh: install cargo-fuzz first: cargo install cargo-fuzz --locked" >&2
  exit 2
fi
for target in config_loader api_responses; do
  mkdir -p "fuzz/corpus/$target" "fuzz/regressions/$target"
  # The corpus directory collects new inputs; start from a copy so the
  # committed seeds stay small.
  work="target/fuzz-corpus/$target"
  mkdir -p "$work"
  cp -n "fuzz/corpus/$target"/* "$work"/ 2>/dev/null || true
  cargo +nightly fuzz run --fuzz-dir fuzz "$target" "$work" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10
done
