#!/usr/bin/env bash
# The README's first command: install what is missing, build, and run the main job on the embedded
# default: generate a synthetic ICB, ingest it (pseudonymised under a fresh local key), then write its
# profile, segmentation and scores, indicators with inequalities, and provider benchmarks, each as
# tables, CSV, JSON, XLSX and an HTML report with charts; then train the emergency-admission risk
# model, evaluate it against the planted truth and make one practice's case-finding list; then forecast
# demand, capacity and cost to the horizon under an NHP-like scenario and a hospital-to-community shift. Everything
# lands in ./out (override with OUT=...; size with PERSONS=...).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release
ICB=build/release/bin/icb
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"   # XGBoost's threads sleep rather than spin when idle
OUT="${OUT:-out}"
PERSONS="${PERSONS:-50000}"
mkdir -p "$OUT"
if [[ ! -s "$OUT/pseudonymisation.key" ]]; then
  (umask 077; od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > "$OUT/pseudonymisation.key"; echo >> "$OUT/pseudonymisation.key")
fi
"$ICB" synth --persons "$PERSONS" --seed 20250401 --out "$OUT/synthetic-icb" --truth-out "$OUT/truth"
"$ICB" ingest "$OUT/synthetic-icb" --out "$OUT/dataset" --key-file "$OUT/pseudonymisation.key"
"$ICB" profile "$OUT/dataset" --out "$OUT/profile"
AS_AT=$("$ICB" info "$OUT/dataset" | awk '/^event dates/ {print $NF}')
"$ICB" segment "$OUT/dataset" --as-at "${AS_AT:-2025-03-31}" --out "$OUT/segments" --quiet
"$ICB" indicators "$OUT/dataset" --by imd_decile,ethnic_group,sex,place --sii --out "$OUT/indicators" --quiet
"$ICB" providers "$OUT/dataset" --out "$OUT/providers" --quiet
"$ICB" risk train "$OUT/dataset" --outcome emergency_admission --out "$OUT/ea-model.json"
"$ICB" risk evaluate "$OUT/dataset" --model "$OUT/ea-model.json" --truth "$OUT/truth/emergency_risk.csv" \
  --key-file "$OUT/pseudonymisation.key" --out "$OUT/risk" --quiet
PRACTICE=$(awk -F, 'NR==2 {print $1}' "$OUT/synthetic-icb/ref_practices.csv")
"$ICB" casefind "$OUT/dataset" --model "$OUT/ea-model.json" --practice "$PRACTICE" --top 20 --impactability \
  --out "$OUT/casefind-$PRACTICE.csv"
"$ICB" forecast "$OUT/dataset" --scenario data/forecast/scenarios/hospital_to_community.json \
  --compare data/forecast/scenarios/nhp_like.json --runs 1000 --out "$OUT/forecast" --quiet
echo
echo "Done. Reports (open report.html in each; CSV, report.json, report.xlsx beside it):"
echo "  $OUT/profile  $OUT/segments  $OUT/indicators  $OUT/providers  $OUT/risk  $OUT/forecast"
echo "Risk model card: $OUT/ea-model.json; case-finding list: $OUT/casefind-$PRACTICE.csv (logged in $OUT/dataset/audit.jsonl)"
echo "Dataset: $OUT/dataset"
