#!/usr/bin/env bash
# Synth and ingest throughput at scale, snapshot load time, and ingest compared with loading the same
# CSVs into SQLite (sqlite3 .import) and with pandas.read_csv, as ratios from one run.
# Usage: bench/ingest_compare.sh [PERSONS]   (default 1000000; needs about 12 GiB of free disk)
# Writes bench/results/ingest_compare_<PERSONS>.md.
set -euo pipefail
cd "$(dirname "$0")/.."
PERSONS="${1:-1000000}"
ICB=build/release/bin/icb
[[ -x $ICB ]] || scripts/build.sh release
WORK="${BENCH_WORK:-/tmp/icb-bench-$PERSONS}"
rm -rf "$WORK"; mkdir -p "$WORK" bench/results
(umask 077; od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > "$WORK/key"; echo >> "$WORK/key")
THREADS="${THREADS:-$(nproc)}"

measure() {  # measure NAME CMD... -> appends "NAME seconds peak_kib" to $WORK/times
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/time.$name" "$@" > "$WORK/log.$name" 2>&1 || { cat "$WORK/log.$name"; exit 1; }
  echo "$name $(cat "$WORK/time.$name")" >> "$WORK/times"
}

measure synth  "$ICB" --threads "$THREADS" synth --persons "$PERSONS" --seed 1 --out "$WORK/csv" --truth-out "$WORK/truth"
CSV_BYTES=$(du -sb "$WORK/csv" | cut -f1)
ROWS=$(for f in "$WORK"/csv/*.csv; do tail -n +2 "$f" | wc -l; done | paste -sd+ | bc)
sync
measure ingest "$ICB" --threads "$THREADS" ingest "$WORK/csv" --out "$WORK/dataset" --key-file "$WORK/key"
measure load   "$ICB" info "$WORK/dataset"
SNAP_BYTES=$(du -sb "$WORK/dataset" | cut -f1)

# SQLite: one table per file, .import in one transaction (no validation, no pseudonymisation).
{
  echo ".mode csv"
  for f in "$WORK"/csv/*.csv; do echo ".import '$f' $(basename "$f" .csv)"; done
} > "$WORK/import.sql"
measure sqlite sqlite3 "$WORK/sqlite.db" ".read $WORK/import.sql"
rm -f "$WORK/sqlite.db"
measure pandas /usr/bin/python3 bench/pandas_load.py "$WORK/csv"

get() { awk -v n="$1" '$1==n {print $'"$2"'}' "$WORK/times"; }
OUT="bench/results/ingest_compare_${PERSONS}.md"
{
  echo "# Ingest benchmark: $PERSONS persons, $THREADS threads ($(nproc) cores), $(date -u +%Y-%m-%d)"
  echo
  echo "CSV input: $ROWS data rows, $(echo "scale=1; $CSV_BYTES/1048576" | bc) MiB. Snapshot directory: $(echo "scale=1; $SNAP_BYTES/1048576" | bc) MiB."
  echo
  echo "| step | seconds | peak RSS (MiB) | rows/s | MB/s |"
  echo "|---|---|---|---|---|"
  for s in synth ingest sqlite pandas; do
    t=$(get $s 2); m=$(get $s 3)
    echo "| $s | $t | $((m/1024)) | $(echo "$ROWS/$t" | bc) | $(echo "scale=1; $CSV_BYTES/1000000/$t" | bc) |"
  done
  echo "| snapshot load (icb info) | $(get load 2) | $(( $(get load 3)/1024 )) | | |"
  echo
  echo "Ratios (time of the alternative / time of icb ingest; above 1 means icb is faster):"
  echo "- SQLite .import: $(echo "scale=2; $(get sqlite 2)/$(get ingest 2)" | bc)"
  echo "- pandas read_csv: $(echo "scale=2; $(get pandas 2)/$(get ingest 2)" | bc)"
  echo "- snapshot load vs CSV ingest: $(echo "scale=1; $(get ingest 2)/$(get load 2)" | bc)x faster"
  echo
  echo "icb ingest validates every value, pseudonymises, checks references, sorts by person and writes a checksummed"
  echo "snapshot; SQLite and pandas only parse text into tables."
} > "$OUT"
cat "$OUT"
rm -rf "$WORK"
