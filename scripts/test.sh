#!/usr/bin/env bash
# The whole test suite. Works by itself on a fresh machine: it installs
# whatever the tests need beyond cargo (the npm packages of the SDK
# conformance suite and of the test OpenID Connect provider, from their
# committed lock files), then runs everything.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# Snapshot tests never write new snapshots here; review them locally with
# `cargo insta review`.
export INSTA_UPDATE="${INSTA_UPDATE:-no}"

if ! command -v npm >/dev/null 2>&1; then
  echo "scripts/test.sh: the end-to-end tests need Node.js 20+ with npm" >&2
  exit 1
fi

# The OpenID Connect provider the end-to-end tests start (tests/cli/e2e_oidc.rs).
(cd tests/oidc-provider && npm ci --no-audit --no-fund --loglevel=error)

# Rust: unit tests, and tests that run the real binary.
cargo test --locked --all-targets

# Camunda's official TypeScript SDK against the simulator, in strict mode.
target_dir="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
export CAMUNDA_ACCESS_BIN="$target_dir/debug/camunda-access"
(
  cd conformance
  npm ci --no-audit --no-fund --loglevel=error
  npm test
)
