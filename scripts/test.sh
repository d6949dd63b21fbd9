#!/usr/bin/env bash
# The whole test suite. Works by itself on a fresh machine: it installs
# whatever the tests need beyond cargo, then runs them.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# Snapshot tests never write new snapshots in CI; review them locally with
# `cargo insta review`.
export INSTA_UPDATE="${INSTA_UPDATE:-no}"

cargo test --locked --all-targets
