#!/usr/bin/env bash
# The README's second command: install what is missing, build, and run every test.
# Release build with all tests, then the core, data and ingest tests again under AddressSanitizer and
# UndefinedBehaviorSanitizer (debug preset). Slow suites carry the label "slow" and are skipped here
# (run them with: ctest --preset release -L slow). The application store's tests run against SQLite and
# against a throwaway PostgreSQL server (scripts/with-postgres.sh); the dashboard's browser tests run in
# Debian's chromium (label "browser", release build only).
set -euo pipefail
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"  # XGBoost's OpenMP threads sleep instead of spinning
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release
# PostgreSQL's tests need a running server: with-postgres.sh starts a throwaway one for the run.
scripts/with-postgres.sh ctest --preset release -LE slow
if [[ "${ICB_SKIP_SANITIZERS:-0}" != "1" ]]; then
  scripts/build.sh debug
  ctest --preset debug -LE 'slow|integration'
fi
