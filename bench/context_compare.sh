#!/usr/bin/env bash
# Segmentation, scores and the indicator set at scale, compared with the same indicator workload in
# pandas, SQLite and PostgreSQL (a server started by this script), as ratios from one run.
# Usage: bench/context_compare.sh [PERSONS]   (default 1000000)
# Reuses $BENCH_WORK (default /tmp/icb-bench-$PERSONS) when it already holds csv/ and dataset/ from
# bench/ingest_compare.sh; otherwise synthesises and ingests first (about 3 minutes at 1M).
# Needs: python3-pandas, sqlite3, postgresql (Debian: apt-get install postgresql).
# Writes bench/results/context_compare_<PERSONS>.md (REPORT_ONLY=1: rewrite it from the last run).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PERSONS="${1:-1000000}"
ICB=$ROOT/build/release/bin/icb
[[ -x $ICB ]] || scripts/build.sh release
WORK="${BENCH_WORK:-/tmp/icb-bench-$PERSONS}"
THREADS="${THREADS:-$(nproc)}"
AS_AT=2024-03-31
FY=2023/24
mkdir -p "$WORK" bench/results
if [[ -z ${REPORT_ONLY:-} ]]; then  # REPORT_ONLY=1 rewrites the results file from the last run's times
rm -f "$WORK/ctimes"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
[[ -n $PGBIN && -x $PGBIN/initdb ]] || { echo "PostgreSQL server binaries not found: apt-get install postgresql" >&2; exit 1; }

measure() {  # measure NAME CMD... -> appends "NAME seconds peak_kib" to $WORK/ctimes
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/time.$name" "$@" > "$WORK/log.$name" 2>&1 || { cat "$WORK/log.$name"; exit 1; }
  echo "$name $(cat "$WORK/time.$name")" >> "$WORK/ctimes"
}

if [[ ! -f $WORK/dataset/CURRENT ]]; then
  rm -rf "$WORK/csv" "$WORK/dataset"
  (umask 077; od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > "$WORK/key"; echo >> "$WORK/key")
  "$ICB" --threads "$THREADS" synth --persons "$PERSONS" --seed 1 --out "$WORK/csv" --truth-out "$WORK/truth" > /dev/null
  "$ICB" --threads "$THREADS" ingest "$WORK/csv" --out "$WORK/dataset" --key-file "$WORK/key" > /dev/null
fi

# icb: each command loads the snapshot, computes and writes its report (CSV, JSON, XLSX).
measure icb_load "$ICB" info "$WORK/dataset"
measure icb_segment "$ICB" --threads "$THREADS" segment "$WORK/dataset" --as-at "$AS_AT" --out "$WORK/out_segment" --quiet
measure icb_indicators "$ICB" --threads "$THREADS" indicators "$WORK/dataset" --period "$FY" --as-at "$AS_AT" \
  --by every --timings --out "$WORK/out_indicators" --quiet

# pandas: read the CSVs it needs, then compute (phases timed inside).
measure pandas /usr/bin/python3 bench/context_pandas.py "$WORK/csv" "$WORK/pandas_result.csv" "$AS_AT"

TABLES="persons gp_registrations ref_lsoa ref_practices apc_spells ae_attendances outpatient_attendances gp_appointments ltc_registers"
# SQLite: .import as text, then the workload.
rm -f "$WORK/ctx.db"
{ echo ".mode csv"; for t in $TABLES; do echo ".import '$WORK/csv/$t.csv' $t"; done; } > "$WORK/sqlite_import.sql"
measure sqlite_load sqlite3 "$WORK/ctx.db" ".read $WORK/sqlite_import.sql"
measure sqlite_compute sqlite3 "$WORK/ctx.db" ".read bench/context_compare.sql"
rm -f "$WORK/ctx.db"

# PostgreSQL: a private server on a Unix socket, tables of text columns, COPY, then the workload.
PGDATA="$WORK/pgdata"; PGSOCK="$WORK/pgsock"
rm -rf "$PGDATA" "$PGSOCK"; mkdir -p "$PGSOCK"
AS=()
if [[ $(id -u) -eq 0 ]]; then chown postgres "$PGSOCK" "$WORK"; chmod o+rx "$WORK" "$WORK/csv"; AS=(runuser -u postgres --); fi
"${AS[@]}" "$PGBIN/initdb" -D "$PGDATA" -A trust -U bench > /dev/null
"${AS[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -o "-k $PGSOCK -c listen_addresses='' -c shared_buffers=1GB -c work_mem=256MB -c max_parallel_workers_per_gather=$THREADS" -l "$WORK/pg.log" -w start > /dev/null
trap '"${AS[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop > /dev/null 2>&1 || true' EXIT
export PGOPTIONS="-c client_min_messages=warning"
PSQL=(psql -h "$PGSOCK" -U bench -d postgres -v ON_ERROR_STOP=1 -q)
{
  for t in $TABLES; do
    cols=$(head -1 "$WORK/csv/$t.csv" | sed 's/,/ text, /g; s/$/ text/')
    echo "DROP TABLE IF EXISTS $t; CREATE UNLOGGED TABLE $t ($cols);"
    echo "\\copy $t FROM '$WORK/csv/$t.csv' WITH (FORMAT csv, HEADER true)"
  done
  echo "ANALYZE;"
} > "$WORK/pg_import.sql"
measure pg_load "${PSQL[@]}" -f "$WORK/pg_import.sql"
measure pg_compute "${PSQL[@]}" -f bench/context_compare.sql

fi
get() { awk -v n="$1" '$1==n {print $'"$2"'}' "$WORK/ctimes"; }
phase() { awk -v n="$1" '$1==n {print $2}' "$WORK/log.pandas"; }
# icb indicators alone loads the snapshot, scores every person (segments and all scores, needed for the
# segment indicators) and computes the catalogue: end to end it does all the alternatives do and more.
IND_LINE=$(grep -m1 "indicators, .* cells: load" "$WORK/log.icb_indicators" || true)
ICB_LOAD=$(echo "$IND_LINE" | sed -E 's/.*load ([0-9.]+) s.*/\1/')
ICB_SCORES=$(echo "$IND_LINE" | sed -E 's/.*scores ([0-9.]+) s.*/\1/')
ICB_IND=$(echo "$IND_LINE" | sed -E 's/.*indicators ([0-9.]+) s.*/\1/')
ICB_COMPUTE=$(echo "$ICB_SCORES+$ICB_IND" | bc)
ICB_E2E=$(get icb_indicators 2)
OUT="bench/results/context_compare_${PERSONS}.md"
{
  echo "# Segmentation and indicators benchmark: $PERSONS persons, $THREADS threads ($(nproc) cores), $(date -u +%Y-%m-%d)"
  echo
  echo "| step | seconds | peak RSS (MiB) |"
  echo "|---|---|---|"
  for s in icb_load icb_segment icb_indicators pandas sqlite_load sqlite_compute pg_load pg_compute; do
    echo "| $s | $(get $s 2) | $(( $(get $s 3) / 1024 )) |"
  done
  echo
  echo "icb indicators phases (--timings): $IND_LINE"
  echo "pandas phases: read_csv $(phase load) s, compute $(phase compute) s."
  echo
  echo "icb computes more than the alternatives: every person's segment and scores ($ICB_SCORES s) and the full"
  echo "catalogue of 45 indicators by eleven breakdowns with intervals and disclosure control ($ICB_IND s). The"
  echo "alternatives compute a subset: registered population, five activity counts, cost and 21 register"
  echo "prevalences by nine breakdowns (bench/context_pandas.py, bench/context_compare.sql)."
  echo
  echo "Compute only, data already in memory (alternative / icb scores + indicators = $ICB_COMPUTE s; above 1: icb faster):"
  echo "- pandas: $(echo "scale=1; $(phase compute)/$ICB_COMPUTE" | bc)"
  echo "- SQLite: $(echo "scale=1; $(get sqlite_compute 2)/$ICB_COMPUTE" | bc)"
  echo "- PostgreSQL: $(echo "scale=1; $(get pg_compute 2)/$ICB_COMPUTE" | bc)"
  echo
  echo "End to end from files (alternative's load + compute / icb indicators = $ICB_E2E s, which loads the checksummed snapshot):"
  echo "- pandas read_csv + compute: $(echo "scale=1; $(get pandas 2)/$ICB_E2E" | bc)"
  echo "- SQLite .import + query: $(echo "scale=1; ($(get sqlite_load 2)+$(get sqlite_compute 2))/$ICB_E2E" | bc)"
  echo "- PostgreSQL COPY + query: $(echo "scale=1; ($(get pg_load 2)+$(get pg_compute 2))/$ICB_E2E" | bc)"
  echo
  echo "icb segment (load, score, summary report in every format): $(get icb_segment 2) s; snapshot load alone (icb info): $(get icb_load 2) s."
} > "$OUT"
cat "$OUT"
