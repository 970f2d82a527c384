#!/usr/bin/python3
"""Rebuilds the filtered reference files in this folder from the public sources in ../shared/data.

Run from the repository root:  /usr/bin/python3 data/reference/make_reference.py [SHARED_DATA_DIR]
The hand-curated files (england_activity_rates.csv, gm_providers.csv, gm_provider_catchment.csv,
synth_*.csv) are not generated here; see README.md for their sources.
"""
import os
import sys

import pandas as pd

SRC = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../../shared/data")
OUT = os.path.dirname(os.path.abspath(__file__))
ICB = "QOP"  # NHS Greater Manchester ICB


def src(path):
    return os.path.join(SRC, path)


def write(df, name):
    df.to_csv(os.path.join(OUT, name), index=False, lineterminator="\n")
    print(f"{name}: {len(df)} rows")


# Geography: LSOA 2021 -> sub-ICB (2024) of the ICB, with the local authority district (2022).
sicbl = pd.read_csv(src("geography/sicbl24_to_icb24_england.csv"), dtype=str)
sicbl = sicbl[sicbl.icb24cd_nhs == ICB]
lsoa = pd.read_csv(src("geography/lsoa21_to_sicbl24_england.csv"), dtype=str)
lsoa = lsoa[lsoa.sicbl24cd.isin(sicbl.sicbl24cd)]
lad = pd.read_csv(src("geography/lsoa11_to_lsoa21_lad22_england.csv"), dtype=str)
lad = lad[["lsoa21cd", "lad22cd", "lad22nm"]].drop_duplicates()
geo = lsoa.merge(lad, on="lsoa21cd", how="left")
assert geo.lad22cd.notna().all() and geo.lsoa21cd.is_unique
geo = geo.rename(columns={"sicbl24cd_nhs": "sub_icb_code"})[
    ["lsoa21cd", "lsoa21nm", "sicbl24cd", "sub_icb_code", "lad22cd", "lad22nm"]].sort_values("lsoa21cd")
write(geo, "gm_lsoa21_geography.csv")

imd = pd.read_csv(src("imd2025/imd2025_lsoa21_england.csv"), dtype=str)
imd = imd[imd.lsoa21cd.isin(geo.lsoa21cd)][
    ["lsoa21cd", "imd_decile", "imd_rank", "imd_score", "income_decile", "health_decile"]].sort_values("lsoa21cd")
assert len(imd) == len(geo)
write(imd, "imd2025_lsoa21_greater_manchester.csv")

eth = pd.read_csv(src("ethnicity/census2021_ts021_ethnic_group_lsoa21_greater_manchester.csv"), dtype=str)
assert set(eth.lsoa21cd) == set(geo.lsoa21cd)
write(eth, "census2021_ts021_ethnic_group_lsoa21_greater_manchester.csv")

write(pd.read_csv(src("population/census2021_lad_syoa_sex_greater_manchester.csv"), dtype=str),
      "census2021_lad_syoa_sex_greater_manchester.csv")
write(pd.read_csv(src("population/mid2022_lsoa21_syoa_sex_trafford.csv"), dtype=str),
      "mid2022_lsoa21_syoa_sex_trafford.csv")

qmap = pd.read_csv(src("qof/qof_2223_practice_to_pcn_sicbl_icb_england.csv"), dtype=str)
qmap = qmap[qmap.ICB_ODS_CODE == ICB][
    ["ICB_ODS_CODE", "SUB_ICB_ODS_CODE", "SUB_ICB_ONS_CODE", "SUB_ICB_NAME", "PCN_ODS_CODE", "PCN_NAME",
     "PRACTICE_CODE", "PRACTICE_NAME"]].sort_values("PRACTICE_CODE")
write(qmap, "qof_2223_practice_to_pcn_greater_manchester.csv")
prev = pd.read_csv(src("qof/qof_2223_prevalence_by_practice_england.csv"), dtype=str)
prev = prev[prev.PRACTICE_CODE.isin(qmap.PRACTICE_CODE)]
write(prev, "qof_2223_prevalence_greater_manchester.csv")

life = pd.read_csv(src("life_tables/ons_national_life_tables_england_1980-82_to_2017-19.csv"), dtype=str)
write(life[life.period == "2017-2019"], "ons_national_life_tables_england_2017-2019.csv")

ncc = pd.read_csv(src("costs/ncc_2023_24_national_schedule.csv"), dtype=str)
write(ncc, "ncc_2023_24_national_schedule.csv")
