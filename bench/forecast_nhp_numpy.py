#!/usr/bin/python3
"""NHP's core Monte Carlo loop in numpy, as a reference timing for icb_forecast_bench.

Reads the workload written by `icb_forecast_bench --export-csv DIR` (rows.csv, strategies.csv), an
NHP params.json (NHP's params-sample.json by default) and the population-growth table of
bench/forecast_workload.json, then for run 0 (principal: central values) and runs 1..N,
following The-Strategy-Unit/nhp_model (activity_resampling.py, model.py, inpatients.py,
outpatients.py, aae.py) as described in docs/reference (forecasting.md, section 1.2):

  1. each row's expected count = baseline count x demographic factor (population growth of its
     age to the horizon) x non-demographic growth of its point of delivery, compounded;
  2. resampling: rng.poisson(expected); inpatient rows are then repeated, one per spell (NHP's
     data.index.repeat(n));
  3. activity avoidance: each strategy tagged on a spell applies with its sample rate (Bernoulli),
     the spell is kept with probability the product of the applied factors (binomial thinning);
     outpatient and A&E counts are thinned with rng.binomial(n, product of factors);
  4. efficiencies: of the efficiency strategies tagged on a spell, one is picked at random; "all"
     types: new LOS = Binomial(LOS, factor); pre-op: each of the first pre-op days kept with
     probability factor; SDEC and day procedures in outpatients: the spell leaves admitted care with
     probability 1 - factor; day procedures as day cases: it becomes a day case (LOS 0) with
     probability 1 - factor; outpatient tele conversion: Binomial(n, 1 - factor) attendances
     become tele-attendances.

Run 0 (principal) uses central parameter values; every run, run 0 included, resamples.
Parameters: NHP's 80% intervals as normals (sd = (p90 - p10) / 2.563103), clipped to [0, 1]
(factors) or [0, 5] (growth), drawn per run. One process, one thread: NHP runs this loop per
iteration in a multiprocessing pool. Prints seconds for loading and for the runs, and the headline
P10/mean/P90 (type 7 quantiles) of admissions, bed days (sum of LOS), outpatient and A&E
attendances at the horizon, and a RESULT line for bench/forecast_compare.sh.
"""
import argparse
import json
import resource
import sys
import time

import numpy as np
import pandas as pd

Q = 2.563103  # 2 x qnorm(0.9): NHP helpers.rnorm

IP_TYPES = ["elective", "day_case", "non_elective", "maternity"]
OP_TYPES = ["op_first", "op_followup", "op_follow_up", "op_tele"]  # both spellings of ActivityTypeName


def central(interval):
    return (interval[0] + interval[1]) / 2


def draw(rng, interval, lo, hi, principal):
    if principal:
        return min(max(central(interval), lo), hi)
    v = rng.normal(central(interval), (interval[1] - interval[0]) / Q)
    return min(max(v, lo), hi)


def csr(rows, strategies, row_ids, names):
    """CSR of the strategies in `names` for the rows in row_ids (positions 0..len-1)."""
    pos = np.full(rows, -1, dtype=np.int64)
    pos[row_ids] = np.arange(len(row_ids))
    s = strategies[strategies["strategy"].isin(names)]
    p = pos[s["row"].to_numpy()]
    s = s[p >= 0]
    p = p[p >= 0]
    order = np.argsort(p, kind="stable")
    p = p[order]
    sid = s["strategy"].map({n: i for i, n in enumerate(names)}).to_numpy()[order]
    rate = s["rate"].to_numpy()[order]
    deg = np.bincount(p, minlength=len(row_ids))
    off = np.zeros(len(row_ids) + 1, dtype=np.int64)
    np.cumsum(deg, out=off[1:])
    return off, deg, sid, rate


def expand(off, deg, idx):
    """Entries of the CSR rows listed in idx (with repeats): (owner position in idx, entry index)."""
    d = deg[idx]
    total = int(d.sum())
    owner = np.repeat(np.arange(len(idx)), d)
    first = np.repeat(off[idx] - (np.cumsum(d) - d), d)
    return owner, first + np.arange(total)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("workload", help="directory with rows.csv and strategies.csv")
    ap.add_argument("--params", required=True, help="NHP params.json")
    ap.add_argument("--shape", required=True, help="bench/forecast_workload.json (population growth)")
    ap.add_argument("--runs", type=int, default=None, help="Monte Carlo runs (default: the params' model_runs)")
    ap.add_argument("--population-growth", action="store_true")
    a = ap.parse_args()

    t0 = time.perf_counter()
    params = json.load(open(a.params))
    shape = json.load(open(a.shape))
    rows = pd.read_csv(f"{a.workload}/rows.csv")
    strategies = pd.read_csv(f"{a.workload}/strategies.csv")
    load_s = time.perf_counter() - t0

    t1 = time.perf_counter()
    runs = a.runs if a.runs is not None else params["model_runs"]
    years = params["end_year"] - params["start_year"]
    seed = params["seed"]
    # Demographic factor by age (constant growth per age band, as icb_forecast_bench --population-growth).
    growth = np.zeros(101)
    if a.population_growth:
        pg = shape["population_growth"]
        for lower, g in zip(pg["age_band_lower"], pg["annual_growth"]):
            growth[lower:] = g
    demo = (1 + growth) ** years

    n_rows = len(rows)
    rtype = rows["type"].to_numpy()
    ages = rows["age"].to_numpy()
    counts = rows["count"].to_numpy().astype(float)
    los_all = rows["los"].to_numpy().astype(np.int64)
    ip_ids = np.flatnonzero(np.isin(rtype, IP_TYPES))
    op_ids = np.flatnonzero(np.isin(rtype, OP_TYPES))
    ae_ids = np.flatnonzero(rtype == "ae")

    aa = params["activity_avoidance"]
    ef = params["efficiencies"]
    ip_aa_names = list(aa["ip"].keys())
    ip_ef_names = list(ef["ip"].keys())
    op_aa_names = list(aa["op"].keys())
    op_ef_names = list(ef["op"].keys())
    ae_aa_names = list(aa["aae"].keys())
    ip_aa = csr(n_rows, strategies, ip_ids, ip_aa_names)
    ip_ef = csr(n_rows, strategies, ip_ids, ip_ef_names)
    op_aa = csr(n_rows, strategies, op_ids, op_aa_names)
    op_ef = csr(n_rows, strategies, op_ids, op_ef_names)
    ae_aa = csr(n_rows, strategies, ae_ids, ae_aa_names)
    ef_kind = np.array([ef["ip"][n]["type"] for n in ip_ef_names])
    ef_preop_days = np.array([ef["ip"][n].get("pre-op_days", 0) for n in ip_ef_names])

    ndg = params["non-demographic_adjustment"]["values"]
    ndg_key = {"elective": ("ip", "elective"), "day_case": ("ip", "elective"), "non_elective": ("ip", "non-elective"),
               "maternity": ("ip", "maternity"), "op_first": ("op", "first"),
               "op_followup": ("op", "followup"), "op_follow_up": ("op", "followup"),
               "op_tele": ("op", "followup"), "ae": ("aae", "walk-in")}

    keys = list(ndg_key)
    code = {k: i for i, k in enumerate(keys)}
    ip_code = np.array([code[t] for t in rtype[ip_ids]], dtype=np.int64)
    op_code = np.array([code[t] for t in rtype[op_ids]], dtype=np.int64)
    ip_base = counts[ip_ids] * demo[ages[ip_ids]]
    ip_los = los_all[ip_ids]
    op_base = counts[op_ids] * demo[ages[op_ids]]
    ae_base = counts[ae_ids] * demo[ages[ae_ids]]

    results = np.zeros((runs + 1, 4))
    for run in range(runs + 1):
        principal = run == 0
        rng = np.random.default_rng([seed, run])
        g = {k: draw(rng, ndg[s][p], 0, 5, principal) ** years for k, (s, p) in ndg_key.items()}
        v_ip_aa = np.array([draw(rng, aa["ip"][n]["interval"], 0, 1, principal) for n in ip_aa_names])
        v_ip_ef = np.array([draw(rng, ef["ip"][n]["interval"], 0, 1, principal) for n in ip_ef_names])
        v_op_aa = np.array([draw(rng, aa["op"][n]["interval"], 0, 1, principal) for n in op_aa_names])
        v_op_ef = np.array([draw(rng, ef["op"][n]["interval"], 0, 1, principal) for n in op_ef_names])
        v_ae_aa = np.array([draw(rng, aa["aae"][n]["interval"], 0, 1, principal) for n in ae_aa_names])

        # Inpatients: resample rows, repeat one per spell, thin, then efficiencies.
        garr = np.array([g[k] for k in keys])
        n = rng.poisson(ip_base * garr[ip_code])
        idx = np.repeat(np.arange(len(ip_ids)), n)
        off, deg, sid, rate = ip_aa
        owner, entry = expand(off, deg, idx)
        applied = rng.random(len(entry)) < rate[entry]
        logf = np.where(applied, np.log(np.maximum(v_ip_aa[sid[entry]], 1e-300)), 0.0)
        keep_p = np.exp(np.bincount(owner, weights=logf, minlength=len(idx)))
        keep = rng.random(len(idx)) < keep_p
        idx = idx[keep]
        los = ip_los[idx].copy()
        off, deg, sid, _ = ip_ef
        d = deg[idx]
        has = np.flatnonzero(d > 0)
        pick = off[idx[has]] + np.floor(rng.random(len(has)) * d[has]).astype(np.int64)
        s = sid[pick]
        f = v_ip_ef[s]
        kind = ef_kind[s]
        stays = np.ones(len(idx), dtype=bool)
        m = kind == "all"
        los[has[m]] = rng.binomial(los[has[m]], f[m])
        m = kind == "pre-op"
        days = np.minimum(ef_preop_days[s[m]], los[has[m]])
        los[has[m]] -= rng.binomial(days, 1 - f[m])
        m = (kind == "sdec") | (kind == "day_procedures_outpatients")
        stays[has[m]] = rng.random(int(m.sum())) >= 1 - f[m]
        m = kind == "day_procedures_daycase"
        to_dc = rng.random(int(m.sum())) < 1 - f[m]
        los[has[m][to_dc]] = 0
        admissions = int(stays.sum())
        bed_days = int(los[stays].sum())

        # Outpatients: resample counts, thin, convert to tele.
        n = rng.poisson(op_base * garr[op_code])
        off, deg, sid, _ = op_aa
        owner, entry = expand(off, deg, np.arange(len(op_ids)))
        fac = np.exp(np.bincount(owner, weights=np.log(v_op_aa[sid[entry]]), minlength=len(op_ids)))
        n = rng.binomial(n, fac)
        off, deg, sid, _ = op_ef
        owner, entry = expand(off, deg, np.arange(len(op_ids)))
        tele_p = np.zeros(len(op_ids))
        tele_p[owner] = 1 - v_op_ef[sid[entry]]
        n_tele = rng.binomial(n, tele_p)  # moves type, stays an attendance
        op_total = int(n.sum())
        del n_tele

        # A&E: resample counts, thin.
        n = rng.poisson(ae_base * g["ae"])
        off, deg, sid, _ = ae_aa
        owner, entry = expand(off, deg, np.arange(len(ae_ids)))
        fac = np.exp(np.bincount(owner, weights=np.log(v_ae_aa[sid[entry]]), minlength=len(ae_ids)))
        n = rng.binomial(n, fac)
        results[run] = (admissions, bed_days, op_total, int(n.sum()))
    run_s = time.perf_counter() - t1

    names = ["IP admissions", "IP bed days", "OP attendances", "A&E attendances"]
    base = [len(ip_ids), int(ip_los.sum()), int(counts[op_ids].sum()), int(counts[ae_ids].sum())]
    print(f"workload: {n_rows} rows ({len(ip_ids)} inpatient spells), {len(strategies)} strategy tags")
    print(f"horizon {params['end_year']}, {runs} runs + principal, 1 process:")
    for k, name in enumerate(names):
        v = results[1:, k]
        p10, p90 = (np.quantile(v, [0.1, 0.9]) if len(v) else (0, 0))
        print(f"  {name:16s} baseline {base[k]:12.0f}  principal {results[0, k]:12.0f}  P10 {p10:12.0f}  "
              f"mean {v.mean() if len(v) else 0:12.0f}  P90 {p90:12.0f}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"seconds: load {load_s:.3f}, runs {run_s:.3f}; peak RSS {rss:.1f} MiB")
    print(f"RESULT load_s={load_s:.3f} run_s={run_s:.3f} peak_rss_mib={rss:.1f} runs={runs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
