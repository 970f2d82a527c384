#!/usr/bin/env bash
# Load on the HTTP API (issue 6): `icb serve` on a synthetic ICB of PERSONS people (default 1,000,000), 200 users
# logged in, and wrk keeping 200 connections busy for DURATION seconds (default 60) on the aggregate endpoints
# (profile, segments, quality, variation, providers, and indicators by several breakdowns), each request as one of
# the users in turn, with no think time: a harsher load than 200 people at their desks. The per-user rate limit is
# raised for the run (--rate/--burst), so that the run measures the engine, not the limiter.
# Prints and writes bench/results/server_load_<PERSONS>.md: requests, errors, p50/p90/p95/p99/max latency.
# Usage: bench/server_load.sh [PERSONS]. Reuses $BENCH_WORK (default /tmp/icb-bench-$PERSONS) as
# bench/risk_compare.sh does (dataset/, key, ea-model.json). Needs wrk (Debian package).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PERSONS="${1:-1000000}"
USERS="${USERS:-200}"
CONNECTIONS="${CONNECTIONS:-200}"
DURATION="${DURATION:-60}"
ICB=$ROOT/build/release/bin/icb
[[ -x $ICB ]] || scripts/build.sh release
command -v wrk > /dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
WORK="${BENCH_WORK:-/tmp/icb-bench-$PERSONS}"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
mkdir -p "$WORK" bench/results
if [[ ! -f $WORK/dataset/CURRENT ]]; then
  rm -rf "$WORK/csv" "$WORK/dataset"
  (umask 077; od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > "$WORK/key"; echo >> "$WORK/key")
  "$ICB" synth --persons "$PERSONS" --seed 1 --out "$WORK/csv" --truth-out "$WORK/truth" > /dev/null
  "$ICB" ingest "$WORK/csv" --out "$WORK/dataset" --key-file "$WORK/key" > /dev/null
fi
[[ -s $WORK/ea-model.json ]] || "$ICB" risk train "$WORK/dataset" --outcome emergency_admission --out "$WORK/ea-model.json"

STATE=$WORK/server-state
rm -rf "$STATE"; mkdir -p "$STATE"
STORE="sqlite:$STATE/app.db"
PASSWORD="load-test-password-$RANDOM$RANDOM"
echo "Adding $USERS users..."
for i in $(seq 1 "$USERS"); do
  printf '%s\n' "$PASSWORD" | "$ICB" users add "analyst$i" --role analyst --password-stdin --store "$STORE" > /dev/null
done

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
LOAD_START=$(date +%s.%N)
"$ICB" serve "$WORK/dataset" --port "$PORT" --state "$STATE" --model "$WORK/ea-model.json" \
  --rate 100000 --burst 100000 > "$WORK/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2> /dev/null || true; wait $SERVER 2> /dev/null || true' EXIT
until curl -fs "$BASE/api/health" > /dev/null; do
  kill -0 $SERVER 2> /dev/null || { cat "$WORK/serve.log"; exit 1; }
  sleep 0.5
done
READY_S=$(printf "%.1f" "$(echo "$(date +%s.%N) - $LOAD_START" | bc)")
echo "Server ready after ${READY_S} s"

TOKENS=$WORK/tokens.txt; : > "$TOKENS"
for i in $(seq 1 "$USERS"); do
  curl -fs -X POST "$BASE/api/login" -H 'Content-Type: application/json' \
    -d "{\"user\":\"analyst$i\",\"password\":\"$PASSWORD\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])' >> "$TOKENS"
done

# The aggregate endpoints: every report page, and indicators by each breakdown the dashboard offers.
PATHS=$WORK/paths.txt
curl -fs "$BASE/api/meta" -H "Authorization: Bearer $(head -1 "$TOKENS")" | python3 -c '
import json, sys
meta = json.load(sys.stdin)
paths = ["/api/reports/profile", "/api/reports/segments", "/api/reports/quality", "/api/reports/variation",
         "/api/reports/providers", "/api/meta"]
ids = [i["id"] if isinstance(i, dict) else i for i in meta.get("indicators", [])][:8]
bys = [b["id"] if isinstance(b, dict) else b for b in meta.get("breakdowns", [])][:6]
for k, ind in enumerate(ids):
    for b in bys:
        paths.append(f"/api/reports/indicators?ids={ind}&by={b}")
print("\n".join(paths))' > "$PATHS"
echo "$(wc -l < "$PATHS") endpoints; the first request of each (computed, then cached):"
COLD=$WORK/cold.txt; : > "$COLD"
while read -r p; do  # an indicator that does not allow a breakdown answers 400: such pairs are left out
  r=$(curl -s -o /dev/null -w "%{http_code} %{time_total}" "$BASE$p" -H "Authorization: Bearer $(head -1 "$TOKENS")")
  [[ ${r%% *} == 200 ]] && echo "${r#* } $p" >> "$COLD"
done < "$PATHS"
awk '{print $2}' "$COLD" > "$PATHS"
sort -rn "$COLD" | head -5

echo "wrk: $CONNECTIONS connections, ${DURATION} s"
TOKENS_FILE=$TOKENS PATHS_FILE=$PATHS wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s \
  -s bench/server_load.lua "$BASE" | tee "$WORK/wrk.out"
get() { awk -v k="$1" '$1 == k {print $2}' "$WORK/wrk.out"; }
OUT=bench/results/server_load_$PERSONS.md
{
  echo "# HTTP API under load: $PERSONS persons, $USERS users, $CONNECTIONS connections"
  echo
  echo "Command: \`bench/server_load.sh $PERSONS\` (DURATION=$DURATION). Machine: $(nproc) cores, $(uname -m);"
  echo "$(grep -c . "$PATHS") aggregate endpoints in turn (each warmed once first); server ready after ${READY_S} s."
  echo
  echo "| requests | rps | non-2xx | socket errors | p50 ms | p90 ms | p95 ms | p99 ms | max ms |"
  echo "|---|---|---|---|---|---|---|---|---|"
  echo "| $(get requests) | $(get rps) | $(get errors_status) | $(( $(get errors_connect) + $(get errors_read) + $(get errors_write) + $(get errors_timeout) )) | $(get p50_ms) | $(get p90_ms) | $(get p95_ms) | $(get p99_ms) | $(get max_ms) |"
  echo
  echo "The load runs on warm caches: each endpoint's first request (computed from the dataset) took, slowest first:"
  echo
  echo "| seconds | endpoint |"
  echo "|---|---|"
  sort -rn "$COLD" | head -8 | awk '{printf "| %.2f | `%s` |\n", $1, $2}'
  echo
  echo "Median first request: $(sort -n "$COLD" | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]}') s over $(grep -c . "$COLD") endpoints."
} > "$OUT"
cat "$OUT"
