#!/usr/bin/env bash
# Risk stratification at scale (issue 4): feature building, training, scoring and evaluation of the
# emergency-admission model on a synthetic ICB, the boosted model's validation AUROC beside the planted
# truth's, and XGBoost training through our C API wrapper against Debian's xgboost command-line tool
# on the same matrix with the same parameters and number of rounds, as a ratio from one run.
# Usage: bench/risk_compare.sh [PERSONS]   (default 1000000)
# Reuses $BENCH_WORK (default /tmp/icb-bench-$PERSONS) when it already holds dataset/, truth/ and key
# from bench/ingest_compare.sh or bench/context_compare.sh; otherwise synthesises and ingests first.
# Needs: xgboost (Debian package, the CLI). Writes bench/results/risk_compare_<PERSONS>.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PERSONS="${1:-1000000}"
ICB=$ROOT/build/release/bin/icb
[[ -x $ICB ]] || scripts/build.sh release
command -v xgboost > /dev/null || { echo "the xgboost CLI is missing: apt-get install xgboost" >&2; exit 1; }
WORK="${BENCH_WORK:-/tmp/icb-bench-$PERSONS}"
THREADS="${THREADS:-$(nproc)}"
ROUNDS="${ROUNDS:-200}"   # fixed rounds for the CLI comparison
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
mkdir -p "$WORK" bench/results
OUT=bench/results/risk_compare_$PERSONS.md

if [[ ! -f $WORK/dataset/CURRENT ]]; then
  rm -rf "$WORK/csv" "$WORK/dataset"
  (umask 077; od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > "$WORK/key"; echo >> "$WORK/key")
  "$ICB" --threads "$THREADS" synth --persons "$PERSONS" --seed 1 --out "$WORK/csv" --truth-out "$WORK/truth" > /dev/null
  "$ICB" --threads "$THREADS" ingest "$WORK/csv" --out "$WORK/dataset" --key-file "$WORK/key" > /dev/null
fi

timed() {  # timed NAME CMD... : stdout to $WORK/risk.NAME.out, stderr to .err, "seconds peak_kib" to .time
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/risk.$name.time" "$@" > "$WORK/risk.$name.out" 2> "$WORK/risk.$name.err" \
    || { cat "$WORK/risk.$name.err"; exit 1; }
}

# 1. Train (early stopping) and evaluate against the planted truth.
timed train "$ICB" --threads "$THREADS" risk train "$WORK/dataset" --outcome emergency_admission --out "$WORK/ea-model.json"
timed evaluate "$ICB" --threads "$THREADS" risk evaluate "$WORK/dataset" --model "$WORK/ea-model.json" \
  --truth "$WORK/truth/emergency_risk.csv" --key-file "$WORK/key" --json --out "$WORK/risk_eval" --format csv
timed casefind "$ICB" --threads "$THREADS" casefind "$WORK/dataset" --model "$WORK/ea-model.json" \
  --practice "$(awk -F, 'NR==2{print $1}' "$WORK/csv/ref_practices.csv")" --top 50 --impactability \
  --audit-log "$WORK/audit.jsonl" --out "$WORK/casefind.csv"

# The features' ceiling: XGBoost fitted to the planted-truth probabilities (E[p | features]).
timed ceiling "$ICB" --threads "$THREADS" risk train "$WORK/dataset" --outcome emergency_admission \
  --out "$WORK/ea-ceiling.json" --fit-to-truth "$WORK/truth/emergency_risk.csv" --key-file "$WORK/key"

# 2. Same rows, same parameters, fixed rounds: our wrapper (C API) vs the xgboost CLI.
timed train_fixed "$ICB" --threads "$THREADS" risk train "$WORK/dataset" --outcome emergency_admission \
  --out "$WORK/ea-fixed.json" --rounds "$ROUNDS" --early-stopping-rounds 0 --export-matrix "$WORK/train.buffer"
P=$(python3 -c "import json;p=json.load(open('$WORK/ea-fixed.json'))['gbm_params'];print(p['eta'],p['max_depth'],p['min_child_weight'],p['subsample'],p['colsample_bytree'],p['lambda'],p['max_bin'],p['seed'])")
read -r ETA DEPTH MCW SUB COL LAMBDA MAXBIN SEED <<< "$P"
cat > "$WORK/xgb.conf" <<CONF
booster = gbtree
objective = binary:logistic
tree_method = hist
eta = $ETA
max_depth = $DEPTH
min_child_weight = $MCW
subsample = $SUB
colsample_bytree = $COL
lambda = $LAMBDA
max_bin = $MAXBIN
seed = $SEED
nthread = $THREADS
num_round = $ROUNDS
save_period = 0
data = "$WORK/train.buffer"
model_out = "$WORK/xgb_cli.model"
CONF
timed xgboost_cli xgboost "$WORK/xgb.conf"

# 3. Report.
python3 - "$WORK" "$PERSONS" "$THREADS" "$ROUNDS" > "$OUT" <<'PY'
import json, re, sys
work, persons, threads, rounds = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
def t(name):
    s, kib = open(f"{work}/risk.{name}.time").read().split()
    return float(s), int(kib) / 1024 / 1024
def err(name): return open(f"{work}/risk.{name}.err").read()
def secs(text, pattern):
    m = re.search(pattern + r".*?\(([0-9.]+) s\)", text)
    return float(m.group(1)) if m else float("nan")
train, ev, fixed = err("train"), err("evaluate"), err("train_fixed")
j = json.loads(open(f"{work}/risk.evaluate.out").read())
card = json.load(open(f"{work}/ea-model.json"))
lg = j["models"][1]
ours = secs(fixed, r"XGBoost [0-9.]+: ")
cli = t("xgboost_cli")[0]
print(f"# Risk models at {persons:,} persons ({threads} threads)\n")
print("Command: `bench/risk_compare.sh %d` (one run). Machine: see bench/README.md.\n" % persons)
print("## Emergency admission in the next 12 months, validation year from %s to %s\n" % (card["validation"]["outcome_start"], card["validation"]["outcome_end"]))
print("| model | AUROC (95% CI) | AUPRC | Brier | calibration slope | calibration-in-the-large | O/E |")
print("|---|---|---|---|---|---|---|")
for m in j["models"]:
    print(f"| {m['model']} | {m['auroc']:.4f} ({m['auroc_lower']:.4f}-{m['auroc_upper']:.4f}) | {m['auprc']:.4f} | {m['brier']:.5f} | {m['calibration_slope']:.3f} | {m['calibration_intercept']:+.3f} | {m['oe_ratio']:.3f} |")
ceil = json.load(open(f"{work}/ea-ceiling.json"))["metrics"]["gbm"]
print(f"| features' ceiling (XGBoost fitted to the truth probabilities) | {ceil['auroc']:.4f} ({ceil['auroc_lower']:.4f}-{ceil['auroc_upper']:.4f}) | {ceil['auprc']:.4f} | {ceil['brier']:.5f} | {ceil['calibration_slope']:.3f} | {ceil['calibration_intercept']:+.3f} | {ceil['oe_ratio']:.3f} |")
print(f"| planted truth | {j['truth_auroc']:.4f} ({j['truth_auroc_lower']:.4f}-{j['truth_auroc_upper']:.4f}) | | | | | |\n")
print(f"XGBoost AUROC minus truth AUROC: {j['auroc_minus_truth']:+.4f} (DeLong paired SE {j['auroc_minus_truth_se']:.4f}); "
      f"{card['gbm_log']['best_iteration'] + 1} trees kept by early stopping.\n")
print("## Timings\n")
print("| step | seconds |")
print("|---|---|")
rows = [
  ("train: features as at the training year's start (scores + features + outcome)", secs(train, r"training year")),
  ("train: logistic baseline (IRLS)", secs(train, r"logistic baseline")),
  ("train: XGBoost with early stopping", secs(train, r"XGBoost [0-9.]+: ")),
  ("train: validation year features + scoring + measures", secs(train, r"validation year")),
  ("train: whole command (incl. snapshot load)", t("train")[0]),
  ("evaluate: segments, scores and features for the validation cohort", secs(ev, r"segments, scores and")),
  ("evaluate: scoring the cohort with XGBoost", secs(ev, r"with the XGBoost model")),
  ("evaluate: scoring the cohort with the logistic model", secs(ev, r"with the logistic model")),
  ("evaluate: whole command (incl. load, truth file, subgroups, report)", t("evaluate")[0]),
  ("casefind: one practice, top 50, impactability (incl. load)", t("casefind")[0]),
]
for name, s in rows: print(f"| {name} | {s:.1f} |")
print(f"| casefind list rows | {sum(1 for _ in open(work + '/casefind.csv')) - 1} |")
print(f"\nPeak memory: train {t('train')[1]:.1f} GiB, evaluate {t('evaluate')[1]:.1f} GiB.\n")
print(f"## XGBoost training: C API wrapper vs Debian's xgboost CLI\n")
print(f"Same binary DMatrix (the training rows), same parameters, {rounds} rounds, no early stopping, {threads} threads.\n")
print("| | seconds |\n|---|---|")
print(f"| icb (GbmModel::Train, C API) | {ours:.1f} |")
print(f"| xgboost CLI (`xgboost xgb.conf`, includes reading the buffer) | {cli:.1f} |")
print("\nicb also evaluates the held-out early-stopping rows after every round (the CLI config has no eval set).")
print(f"\nRatio icb / CLI: {ours / cli:.2f}")
PY
cat "$OUT"
