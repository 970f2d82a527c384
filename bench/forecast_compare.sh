#!/usr/bin/env bash
# Forecast demand model benchmarks (issue 5).
#   provider: an NHP-sized provider workload (100,000 inpatient spells, 120,000 A&E and 1,000,000
#             outpatient attendances before aggregation, NHP's params-sample.json: 92 strategy
#             parameters, 256 runs) through icb_forecast_bench on 1 and 2 threads, and NHP's core
#             loop in numpy (bench/forecast_nhp_numpy.py, one process) on the same rows, as ratios
#             from one run; also against NHP's published ~5 minutes on 4 vCPUs.
#             Writes bench/results/forecast_compare.md.
#   national: every row of a national year (17.6 million inpatient spells, 21 million A&E and 176
#             million outpatient attendances before aggregation), 256 runs, horizon year only, with
#             /usr/bin/time -v for peak memory; and with --compact (CompactActivity merges identical rows).
#             Writes bench/results/forecast_national.md. Needs minutes and several GiB: run it on a
#             quiet machine.
# Usage: bench/forecast_compare.sh [provider|national|all]   (default provider)
# Environment: BUILD_DIR (default build/release), PARAMS (NHP params.json, default
# tests/data/forecast/nhp_params_sample.json), RUNS (256), SPELLS (100000), NATIONAL_SPELLS (17600000),
# THREADS (2: the threads of the national run), BENCH_WORK (scratch, default /tmp/icb-forecast-bench),
# TASKSET (e.g. "taskset -c 0,1" to hold a run to two cores on a larger machine), RESULTS (the
# folder the .md files go to, default bench/results), PY (python3 with numpy and pandas, default
# Debian's /usr/bin/python3).
set -euo pipefail
cd "$(dirname "$0")/.."
WHAT="${1:-provider}"
BUILD_DIR="${BUILD_DIR:-build/release}"
BENCH=$BUILD_DIR/bench/icb_forecast_bench
PARAMS="${PARAMS:-tests/data/forecast/nhp_params_sample.json}"
RUNS="${RUNS:-256}"
SPELLS="${SPELLS:-100000}"
NATIONAL_SPELLS="${NATIONAL_SPELLS:-17600000}"
THREADS="${THREADS:-2}"
WORK="${BENCH_WORK:-/tmp/icb-forecast-bench}"
TASKSET="${TASKSET:-}"
RESULTS="${RESULTS:-bench/results}"
PY="${PY:-/usr/bin/python3}"   # Debian's python3-numpy and python3-pandas
SHAPE=bench/forecast_workload.json

if [[ ! -x $BENCH ]]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DICB_BUILD_BENCH=ON > /dev/null
  ninja -C "$BUILD_DIR" icb_forecast_bench
fi
[[ -f $PARAMS ]] || { echo "NHP params file not found: $PARAMS (set PARAMS)" >&2; exit 2; }
mkdir -p "$WORK" "$RESULTS"
MACHINE="$(nproc) cores, $(free -g | awk '/^Mem:/{print $2}') GiB memory, $(uname -m), $(. /etc/os-release && echo "$PRETTY_NAME")"
CPU="$(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)"

timed() {  # timed NAME CMD... : stdout to $WORK/NAME.out, "wall_s peak_kib user_s sys_s" to $WORK/NAME.time
  local name=$1; shift
  # shellcheck disable=SC2086
  /usr/bin/time -f "%e %M %U %S" -o "$WORK/$name.time" $TASKSET "$@" > "$WORK/$name.out" 2> "$WORK/$name.err" \
    || { cat "$WORK/$name.err" >&2; exit 1; }
}
field() {  # field NAME KEY : a key=value of the RESULT line of $WORK/NAME.out
  grep '^RESULT' "$WORK/$1.out" | tr ' ' '\n' | awk -F= -v k="$2" '$1==k{print $2}'
}
wall() { awk '{print $1}' "$WORK/$1.time"; }
peak_mib() { awk '{printf "%.0f", $2/1024}' "$WORK/$1.time"; }
cpu() { awk '{printf "%.2f", $3 + $4}' "$WORK/$1.time"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.1f", a/b; else print "n/a" }'; }
headline() { grep -E '^  (IP|OP|A&E)' "$WORK/$1.out" | sed 's/^/    /'; }

if [[ $WHAT == provider || $WHAT == all ]]; then
  echo "provider workload: $SPELLS spells, $RUNS runs" >&2
  rm -rf "$WORK/workload"
  COMMON=(--spells "$SPELLS" --shape "$SHAPE" --nhp-params "$PARAMS" --population-growth)
  timed export "$BENCH" "${COMMON[@]}" --runs 0 --export-csv "$WORK/workload"
  # NHP models the horizon year only: --horizon-only is the like-for-like run; every year to the
  # horizon (the engine's default, 12 years here) is timed too.
  timed ours1 "$BENCH" "${COMMON[@]}" --runs "$RUNS" --threads 1 --horizon-only
  timed ours2 "$BENCH" "${COMMON[@]}" --runs "$RUNS" --threads 2 --horizon-only
  timed ours2c "$BENCH" "${COMMON[@]}" --runs "$RUNS" --threads 2 --horizon-only --compact
  timed ours2y "$BENCH" "${COMMON[@]}" --runs "$RUNS" --threads 2
  timed numpy "$PY" bench/forecast_nhp_numpy.py "$WORK/workload" --params "$PARAMS" --shape "$SHAPE" \
    --runs "$RUNS" --population-growth
  OUT=$RESULTS/forecast_compare.md
  {
    echo "# Forecast demand model: NHP-sized provider workload, $RUNS runs"
    echo
    echo "Machine: $MACHINE ($CPU). $(date -u +%Y-%m-%d). Command: \`bench/forecast_compare.sh provider\`${TASKSET:+ under \`$TASKSET\`}."
    echo
    echo "Workload (bench/forecast_workload.json, NHP's synthetic sizing): $(head -1 "$WORK/ours1.out" | sed 's/^workload: //')."
    echo "Scenario: $(grep '^scenario:' "$WORK/ours1.out" | sed 's/^scenario: //'), imported from \`$PARAMS\`."
    echo
    echo "| | threads | build workload s | model s | summarise s | process wall s | process CPU s | peak RSS MiB |"
    echo "|---|---|---|---|---|---|---|---|"
    for n in ours1 ours2 ours2c ours2y; do
      case $n in
        ours2c) label="icb_forecast_bench, horizon only, --compact ($(grep '^compacted:' "$WORK/$n.out" | sed 's/^compacted: //; s/ in .*//'))" ;;
        ours2y) label="icb_forecast_bench, every year to the horizon" ;;
        *) label="icb_forecast_bench, horizon only" ;;
      esac
      echo "| $label | $(field $n threads) | $(field $n build_s) | $(field $n run_s) | $(field $n summarise_s) | $(wall $n) | $(cpu $n) | $(peak_mib $n) |"
    done
    echo "| NHP core loop in numpy (forecast_nhp_numpy.py), horizon | 1 process | load CSV $(field numpy load_s) | $(field numpy run_s) | | $(wall numpy) | $(cpu numpy) | $(peak_mib numpy) |"
    echo
    echo "Ratios from this run (model seconds; process wall seconds in brackets):"
    echo
    echo "- numpy reference / icb, 1 thread: $(ratio "$(field numpy run_s)" "$(field ours1 run_s)") ($(ratio "$(wall numpy)" "$(wall ours1)"))"
    echo "- numpy reference / icb, 2 threads: $(ratio "$(field numpy run_s)" "$(field ours2 run_s)") ($(ratio "$(wall numpy)" "$(wall ours2)"))"
    echo "- numpy reference / icb, CPU seconds of the whole process (1 thread): $(ratio "$(cpu numpy)" "$(cpu ours1)")"
    echo "- NHP's published ~300 s on 4 vCPUs / icb on 2 threads, whole process wall: $(ratio 300 "$(wall ours2)")"
    echo
    echo "Headline at the horizon (icb, 2 threads; baseline, principal run, P10/mean/P90 over runs 1..$RUNS):"
    echo
    echo '```'
    headline ours2
    echo '```'
    echo
    echo "Same figures from the numpy reference (NHP semantics, its own random streams; bed days = sum of LOS):"
    echo
    echo '```'
    headline numpy
    echo '```'
    echo
    echo "1 thread and 2 threads give identical figures: $(cmp -s <(headline ours1) <(headline ours2) && echo yes || echo NO)."
    echo "Horizon only and every year give identical horizon figures: $(cmp -s <(headline ours2) <(headline ours2y) && echo yes || echo NO)."
  } > "$OUT"
  echo "wrote $OUT" >&2
fi

if [[ $WHAT == national || $WHAT == all ]]; then
  echo "national workload: $NATIONAL_SPELLS spells, $RUNS runs, $THREADS threads" >&2
  OUT=$RESULTS/forecast_national.md
  run_national() {  # run_national NAME EXTRA_FLAGS...
    local name=$1; shift
    # shellcheck disable=SC2086
    /usr/bin/time -v -o "$WORK/$name.timev" $TASKSET "$BENCH" --spells "$NATIONAL_SPELLS" --runs "$RUNS" \
      --threads "$THREADS" --horizon-only --population-growth --shape "$SHAPE" --nhp-params "$PARAMS" "$@" \
      > "$WORK/$name.out" 2> "$WORK/$name.err" || { cat "$WORK/$name.err" >&2; exit 1; }
  }
  run_national national
  run_national national_compact --compact
  {
    echo "# Forecast demand model: national scale, every row, $RUNS runs"
    echo
    echo "Machine: $MACHINE ($CPU). $(date -u +%Y-%m-%d). Command: \`bench/forecast_compare.sh national\`${TASKSET:+ under \`$TASKSET\`}."
    echo
    echo "Workload: $NATIONAL_SPELLS inpatient spells row by row; A&E 1.2x and outpatients 10x before aggregation (NHP's"
    echo "synthetic ratios), 130 providers, 42 places: $(head -1 "$WORK/national.out" | sed 's/^workload: //')."
    echo "Scenario: $(grep '^scenario:' "$WORK/national.out" | sed 's/^scenario: //'); horizon year only, as NHP models."
    echo
    echo "| run | threads | build workload s | compact s | model s | summarise s | process wall s | peak RSS MiB (time -v) |"
    echo "|---|---|---|---|---|---|---|---|"
    for n in national national_compact; do
      local_wall=$(awk -F': ' '/Elapsed \(wall clock\)/{print $2}' "$WORK/$n.timev")
      local_rss=$(awk -F': ' '/Maximum resident set size/{printf "%.0f", $2/1024}' "$WORK/$n.timev")
      label=$([[ $n == national ]] && echo "every row" || echo "--compact")
      echo "| $label | $(field $n threads) | $(field $n build_s) | $(field $n compact_s) | $(field $n run_s) | $(field $n summarise_s) | $local_wall | $local_rss |"
    done
    echo
    grep -h '^compacted:' "$WORK/national_compact.out" | sed 's/^/With --compact: /' || true
    echo
    echo "Headline at the horizon (every row):"
    echo
    echo '```'
    headline national
    echo '```'
  } > "$OUT"
  echo "wrote $OUT" >&2
fi
