#!/usr/bin/env bash
# The README's first command: install what is missing, build, and run the main job on the embedded
# default: generate a synthetic ICB, ingest it (pseudonymised under a fresh local key) and write its
# profile. Everything lands in ./out (override with OUT=...; size with PERSONS=...).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release
ICB=build/release/bin/icb
OUT="${OUT:-out}"
PERSONS="${PERSONS:-50000}"
mkdir -p "$OUT"
if [[ ! -s "$OUT/pseudonymisation.key" ]]; then
  (umask 077; od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > "$OUT/pseudonymisation.key"; echo >> "$OUT/pseudonymisation.key")
fi
"$ICB" synth --persons "$PERSONS" --seed 20250401 --out "$OUT/synthetic-icb" --truth-out "$OUT/truth"
"$ICB" ingest "$OUT/synthetic-icb" --out "$OUT/dataset" --key-file "$OUT/pseudonymisation.key"
"$ICB" profile "$OUT/dataset" --out "$OUT/profile"
echo
echo "Done. Profile tables: $OUT/profile (CSV, report.json, report.xlsx); dataset: $OUT/dataset"
