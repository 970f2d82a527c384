#!/usr/bin/env bash
# The README's first command: install what is missing, build, and run the main job on the embedded
# default: generate a synthetic ICB, ingest it (pseudonymised under a fresh local key), then write its
# profile, segmentation and scores, indicators with inequalities, and provider benchmarks, each as
# tables, CSV, JSON, XLSX and an HTML report with charts; then train the emergency-admission risk
# model, evaluate it against the planted truth and make one practice's case-finding list; then forecast
# demand, capacity and cost to the horizon under an NHP-like scenario and a hospital-to-community shift; then build
# the web dashboard, add four users (analyst, clinician, finance, admin) with fresh passwords and start
# `icb serve` on it, printing the address and a login (Ctrl-C stops it). Everything lands in ./out (override with
# OUT=...; size with PERSONS=...; the dashboard's port with PORT=..., default 8080; NO_SERVE=1 skips the server).
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

[[ "${NO_SERVE:-0}" == "1" ]] && exit 0

# The dashboard: the web front end (TypeScript + ECharts, built with Vite from npm), four users with fresh
# passwords in $OUT/logins.txt (mode 0600), then the server.
(cd web && if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
   npm ci --no-audit --no-fund --loglevel=error; fi && npm run build --silent > /dev/null)
STATE="$OUT/server-state"
mkdir -p "$STATE" && chmod 700 "$STATE"
LOGINS="$OUT/logins.txt"
(umask 077; : > "$LOGINS")
for ROLE in analyst clinician finance admin; do
  PASSWORD=$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')
  EXTRA=()
  [[ $ROLE == clinician ]] && EXTRA=(--practice "$PRACTICE")
  printf '%s\n' "$PASSWORD" | "$ICB" users add "$ROLE" --role "$ROLE" "${EXTRA[@]}" --password-stdin \
    --store "sqlite:$STATE/app.db" > /dev/null
  echo "$ROLE $PASSWORD" >> "$LOGINS"
done
PORT="${PORT:-8080}"
"$ICB" serve "$OUT/dataset" --model "$OUT/ea-model.json" --state "$STATE" --port "$PORT" &
SERVER=$!
trap 'kill $SERVER 2> /dev/null; wait $SERVER 2> /dev/null; exit 0' INT TERM
until curl -fs "http://127.0.0.1:$PORT/api/health" > /dev/null 2>&1; do
  kill -0 $SERVER 2> /dev/null || { echo "icb serve did not start (is port $PORT free? try PORT=8081)" >&2; exit 1; }
  sleep 0.5
done
echo
echo "Dashboard running: http://127.0.0.1:$PORT/"
echo "Log in as: analyst / $(awk '$1 == "analyst" {print $2}' "$LOGINS")"
echo "Other logins (clinician for practice $PRACTICE, finance, admin): $LOGINS. Ctrl-C stops the server."
wait $SERVER
