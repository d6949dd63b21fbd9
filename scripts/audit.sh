#!/usr/bin/env bash
# Dependency audit: no known-vulnerable, unsound or yanked crate in
# Cargo.lock, checked against the offline RustSec advisory database (not
# part of .ci/run; nothing is fetched).
#
#   scripts/audit.sh            # uses ../shared/advisory-db
#   ADVISORY_DB=/path scripts/audit.sh
#
# Needs cargo-audit (`cargo install cargo-audit --locked`, several minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
db="${ADVISORY_DB:-../shared/advisory-db}"
if [ ! -d "$db" ]; then
  echo "scripts/audit.sh: no advisory database at $db (set ADVISORY_DB); skipped" >&2
  exit 0
fi
if ! command -v cargo-audit >/dev/null 2>&1; then
  echo "scripts/audit.sh: install cargo-audit first: cargo install cargo-audit --locked" >&2
  exit 2
fi
# Warnings (unsound, unmaintained, yanked) fail the audit too.
cargo audit --db "$db" --no-fetch --deny warnings
