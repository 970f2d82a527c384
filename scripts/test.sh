#!/usr/bin/env bash
# The README's second command: install what is missing, build, and run every test.
# Release build with all tests, then the core, data and ingest tests again under AddressSanitizer and
# UndefinedBehaviorSanitizer (debug preset). Slow suites carry the label "slow" and are skipped here
# (run them with: ctest --preset release -L slow).
set -euo pipefail
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"  # XGBoost's OpenMP threads sleep instead of spinning
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release
ctest --preset release -LE slow
if [[ "${ICB_SKIP_SANITIZERS:-0}" != "1" ]]; then
  scripts/build.sh debug
  ctest --preset debug -LE 'slow|integration'
fi
