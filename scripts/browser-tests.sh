#!/usr/bin/env bash
# Browser tests of the web dashboard (tests/browser/*.test.mjs): builds web/ when dist/ is stale,
# makes a small synthetic ICB (synth, ingest with a key file, risk train), adds the four users,
# starts `icb serve` on a free port on 127.0.0.1, runs the tests with Node (playwright-core driving
# /usr/bin/chromium, headless) and stops the server on exit.
#   scripts/browser-tests.sh [ICB_BINARY]         (default build/release/bin/icb)
# ICB_SHOTS: screenshot folder (default $OUT when set, else the work folder). Exit status: the tests'.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
ICB="${1:-${ICB_BIN:-$ROOT/build/release/bin/icb}}"
ICB="$(cd "$(dirname "$ICB")" && pwd)/$(basename "$ICB")"
command -v node >/dev/null || { echo "browser-tests: node is not installed (apt-get install nodejs)" >&2; exit 77; }
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
[ -x "$CHROMIUM" ] || { echo "browser-tests: $CHROMIUM is not installed (apt-get install chromium)" >&2; exit 77; }
[ -x "$ICB" ] || { echo "browser-tests: no icb binary at $ICB" >&2; exit 2; }

# 1. The dashboard: npm ci when node_modules is missing or older than the lock file; build when a
#    source is newer than dist/index.html.
cd "$ROOT/web"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then npm ci --no-audit --no-fund; fi
if [ ! -f dist/index.html ] || [ -n "$(find src index.html vite.config.ts tsconfig.json package.json -newer dist/index.html -print -quit)" ]; then
  npm run build
fi

# 2. A small synthetic ICB.
WORK="$(mktemp -d "${TMPDIR:-/tmp}/icb-browser.XXXXXX")"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
cd "$WORK"
"$ICB" synth --persons 3000 --seed 7 --years 3 --calibration-persons 5000 --out csv --truth-out truth --quiet
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > key.hex
chmod 600 key.hex
"$ICB" ingest csv --out data --key-file key.hex --quiet
"$ICB" risk train data --out model.json --rounds 40 > risk-train.log 2>&1
# The clinician's practices: the two largest practices by registrations.
PRACTICES="$(awk -F, 'NR>1 {n[$2]++} END {for (p in n) print n[p], p}' csv/gp_registrations.csv | sort -rn | head -2 | awk '{print $2}' | paste -sd, -)"

# 3. The server, on a free port, with the four users (fresh random passwords).
PORT="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
declare -A PASSWORD
mkdir -p state
for r in analyst clinician finance admin; do
  PASSWORD[$r]="$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  extra=()
  if [ "$r" = clinician ]; then for p in ${PRACTICES//,/ }; do extra+=(--practice "$p"); done; fi
  printf '%s\n' "${PASSWORD[$r]}" | "$ICB" users add "$r" --role "$r" "${extra[@]}" --password-stdin --store "sqlite:$WORK/state/app.db" > /dev/null
done
"$ICB" serve data --state state --key-file key.hex --model model.json --bind 127.0.0.1 --port "$PORT" --web-dir "$ROOT/web/dist" > server.log 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 150); do
  if node -e "fetch('http://127.0.0.1:$PORT/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" 2>/dev/null; then break; fi
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "browser-tests: the server stopped:" >&2; cat server.log >&2; exit 1; }
  sleep 0.2
done

# 4. The tests.
USERS="{"
for r in analyst clinician finance admin; do USERS+="\"$r\":{\"user\":\"$r\",\"password\":\"${PASSWORD[$r]}\"},"; done
USERS="${USERS%,}}"
export ICB_URL="http://127.0.0.1:$PORT" ICB_USERS="$USERS" CHROMIUM
# For the live page's test (tests/browser/live.test.mjs): icb append into the server's state folder.
export ICB_BIN="$ICB" ICB_DATASET="$WORK/data" ICB_KEY_FILE="$WORK/key.hex" ICB_STATE="$WORK/state" ICB_CSV_DIR="$WORK/csv"
export ICB_SHOTS="${ICB_SHOTS:-${OUT:-$WORK}/browser-shots}"
cd "$ROOT"
status=0
node --test --test-concurrency=1 tests/browser/ || status=$?
echo "browser-tests: screenshots in $ICB_SHOTS" >&2
exit "$status"
