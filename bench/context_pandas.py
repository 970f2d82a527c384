#!/usr/bin/env python3
"""The indicator workload of bench/context_compare.sh in pandas, as an analyst would write it.

Reads the synthetic ICB's contract CSVs, builds the registered population on the as-at date, counts
each person's activity in the financial year and their long-term condition registers, and aggregates
numerators, denominators and crude rates per 1,000 by every breakdown. Prints phase timings as
`phase seconds` lines (load, compute) and writes the result to OUT.csv.
Usage: context_pandas.py CSV_DIR OUT.csv [AS_AT] [FY_START]
"""
import sys
import time

import numpy as np
import pandas as pd

csv_dir, out = sys.argv[1], sys.argv[2]
as_at = pd.Timestamp(sys.argv[3] if len(sys.argv) > 3 else "2024-03-31")
fy_start = pd.Timestamp(sys.argv[4] if len(sys.argv) > 4 else "2023-04-01")

t0 = time.perf_counter()
s = str
persons = pd.read_csv(f"{csv_dir}/persons.csv", dtype=s)
regs = pd.read_csv(f"{csv_dir}/gp_registrations.csv", dtype=s)
lsoa = pd.read_csv(f"{csv_dir}/ref_lsoa.csv", dtype=s)
prac = pd.read_csv(f"{csv_dir}/ref_practices.csv", dtype=s)
apc = pd.read_csv(f"{csv_dir}/apc_spells.csv", dtype=s,
                  usecols=["nhs_number", "admission_date", "point_of_delivery", "cost"])
ae = pd.read_csv(f"{csv_dir}/ae_attendances.csv", dtype=s, usecols=["nhs_number", "arrival_date", "cost"])
op = pd.read_csv(f"{csv_dir}/outpatient_attendances.csv", dtype=s,
                 usecols=["nhs_number", "appointment_date", "attended_or_did_not_attend", "cost"])
gp = pd.read_csv(f"{csv_dir}/gp_appointments.csv", dtype=s,
                 usecols=["nhs_number", "appointment_date", "appointment_status", "cost"])
ltc = pd.read_csv(f"{csv_dir}/ltc_registers.csv", dtype=s)
t1 = time.perf_counter()
print(f"load {t1 - t0:.3f}", flush=True)

# Registered population on the as-at date.
persons["birth"] = pd.to_datetime(persons["year_month_of_birth"] + "-01")
persons["death"] = pd.to_datetime(persons["date_of_death"])
alive = persons[(persons["birth"] <= as_at) & ~(persons["death"] < as_at)]
regs["start"] = pd.to_datetime(regs["registration_start_date"])
regs["end"] = pd.to_datetime(regs["registration_end_date"])
cur = regs[(regs["start"] <= as_at) & (regs["end"].isna() | (regs["end"] >= as_at))]
cur = cur.sort_values("start").drop_duplicates("nhs_number", keep="last")[["nhs_number", "gp_practice_code"]]
pop = alive.merge(cur, on="nhs_number").merge(lsoa, left_on="lsoa_of_residence", right_on="lsoa_code", how="left")
pop = pop.merge(prac[["gp_practice_code", "pcn_code"]], on="gp_practice_code", how="left")
age = as_at.year - pop["birth"].dt.year - ((pop["birth"].dt.month > as_at.month) |
                                           ((pop["birth"].dt.month == as_at.month) & (pop["birth"].dt.day > as_at.day)))
pop["age_band"] = np.minimum(age // 5, 18)
pop["sex"] = pop["person_stated_gender_code"]
pop["ethnic_group"] = pop["ethnic_category"].str[0].map(
    {"A": "White", "B": "White", "C": "White", "D": "Mixed", "E": "Mixed", "F": "Mixed", "G": "Mixed",
     "H": "Asian", "J": "Asian", "K": "Asian", "L": "Asian", "M": "Black", "N": "Black", "P": "Black",
     "R": "Other", "S": "Other"}).fillna("Not stated")

# Activity in the financial year, per person.
def in_fy(df, col):
    d = pd.to_datetime(df[col])
    return df[(d >= fy_start) & (d <= as_at)]

measures = {}
a = in_fy(apc, "admission_date")
measures["emergency_admissions"] = a[a["point_of_delivery"] == "NEL"].groupby("nhs_number").size()
measures["elective_admissions"] = a[a["point_of_delivery"].isin(["EL", "DC"])].groupby("nhs_number").size()
e = in_fy(ae, "arrival_date")
measures["ae_attendances"] = e.groupby("nhs_number").size()
o = in_fy(op, "appointment_date")
measures["outpatient_attendances"] = o[o["attended_or_did_not_attend"].isin(["5", "6"])].groupby("nhs_number").size()
g = in_fy(gp, "appointment_date")
measures["gp_appointments"] = g[g["appointment_status"] == "ATTENDED"].groupby("nhs_number").size()
cost = pd.concat([a["cost"].astype(float).groupby(a["nhs_number"]).sum(),
                  e["cost"].astype(float).groupby(e["nhs_number"]).sum(),
                  o["cost"].astype(float).groupby(o["nhs_number"]).sum(),
                  g["cost"].astype(float).groupby(g["nhs_number"]).sum()]).groupby(level=0).sum()
measures["cost_gbp"] = cost
ltc = ltc[pd.to_datetime(ltc["register_date"]) <= as_at].drop_duplicates(["nhs_number", "condition"])
for cond, grp in ltc.groupby("condition"):
    measures[f"prevalence_{cond}"] = grp.groupby("nhs_number").size().clip(upper=1)
pop = pop.set_index("nhs_number")
for name, series in measures.items():
    pop[name] = series.reindex(pop.index).fillna(0)
pop["ltc_count"] = pop[[c for c in pop.columns if c.startswith("prevalence_")]].sum(axis=1)

rows = []
names = list(measures) + ["ltc_count"]
for by in ["all", "imd_decile", "imd_quintile", "ethnic_group", "age_band", "sex", "gp_practice_code", "pcn_code",
           "place_name"]:
    key = pd.Series("all", index=pop.index) if by == "all" else pop[by]
    agg = pop.groupby(key)[names].sum()
    den = pop.groupby(key).size()
    for name in names:
        part = pd.DataFrame({"breakdown": by, "group": agg.index.astype(str), "indicator": name,
                             "numerator": agg[name].values, "denominator": den.values})
        part["rate_per_1000"] = 1000.0 * part["numerator"] / part["denominator"]
        rows.append(part)
result = pd.concat(rows)
t2 = time.perf_counter()
print(f"compute {t2 - t1:.3f}", flush=True)
result.to_csv(out, index=False)
print(f"rows {len(result)}")
