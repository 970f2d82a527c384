#!/usr/bin/env python3
"""Writes a large, contract-valid input directory for ingest performance runs.

Usage: make_large_contract.py OUT_DIR [--persons N] [--seed S]
At --persons 1000000 it writes about 85 million activity rows (about 5 GB of CSV), shaped roughly
like an ICB's multi-year extract: prescriptions dominate, then GP appointments and GP record
entries. Values are random but every row passes the input contract, so a clean ingest rejects
nothing. Files are written in parallel worker processes. Not used by the default test run.
"""
import argparse
import os
import random
from multiprocessing import Pool

ROWS_PER_PERSON = {  # average rows per person per file (sum of activity ~ 85)
    "gp_appointments": 15.0, "ae_attendances": 1.0, "apc_spells": 0.8, "outpatient_attendances": 5.0,
    "community_contacts": 5.0, "mental_health_contacts": 1.5, "social_care_services": 0.2,
    "prescriptions": 40.0, "gp_events": 15.0, "ltc_registers": 1.5, "gp_registrations": 1.3,
}
PRACTICES = [f"P{81000 + i}" for i in range(120)]
PROVIDERS = ["RBV", "RM3", "RW6", "RXV", "RY7", "E08000009"]
LSOAS = [f"E01{6000 + i:06d}" for i in range(1000)]
HEADERS = {
    "persons": "nhs_number,year_month_of_birth,person_stated_gender_code,ethnic_category,lsoa_of_residence,date_of_death",
    "gp_registrations": "nhs_number,gp_practice_code,registration_start_date,registration_end_date",
    "gp_appointments": "nhs_number,appointment_date,gp_practice_code,hcp_type,appointment_mode,appointment_status,cost",
    "ae_attendances": "nhs_number,arrival_date,provider_code,ae_department_type,arrival_mode,attendance_disposal,diagnosis_snomed,hrg_code,cost",
    "apc_spells": "nhs_number,provider_code,admission_date,discharge_date,admission_method,patient_classification,point_of_delivery,primary_diagnosis_icd10,secondary_diagnoses_icd10,primary_procedure_opcs4,hrg_code,cost",
    "outpatient_attendances": "nhs_number,appointment_date,provider_code,first_attendance,treatment_function_code,attended_or_did_not_attend,primary_procedure_opcs4,hrg_code,cost",
    "community_contacts": "nhs_number,contact_date,provider_code,service_type,cost",
    "mental_health_contacts": "nhs_number,contact_date,provider_code,service_type,cost",
    "social_care_services": "nhs_number,service_start_date,service_end_date,provider_code,support_setting,cost",
    "prescriptions": "nhs_number,dispensed_date,gp_practice_code,bnf_code,items,cost",
    "gp_events": "nhs_number,event_date,snomed_code,value,unit",
    "ltc_registers": "nhs_number,condition,register_date",
}
SNOMED = ["38341003", "44054006", "271649006", "22298006", "195967001", "73211009", "125605004", "410429000"]
ICD10 = ["I219", "I10", "E119", "J181", "N183", "K573", "R69X", "J449", "I509", "C509"]
HRG_APC = ["EB10A", "FF11A", "DZ22K", "WH07G", "FD01A"]
BNF = ["0212000B0AAABAB", "0601023A0AAAAAA", "0205051R0AAAKAK", "0103050P0AAAAAA", "0407010H0AAAMAM"]


def nhs_numbers(n):
    out, nine = [], 400000000
    while len(out) < n:
        s = str(nine)
        total = sum(int(d) * w for d, w in zip(s, range(10, 1, -1)))
        check = (11 - total % 11) % 11
        if check != 10:
            out.append(s + str(check))
        nine += 1
    return out


def dates(rng, n, y0=2018, y1=2024):
    return [f"{rng.randint(y0, y1)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" for _ in range(n)]


def write_file(args):
    name, out_dir, persons, seed = args
    rng = random.Random(f"{seed}-{name}")
    nhs = nhs_numbers(persons)
    path = os.path.join(out_dir, name + ".csv")
    batch = 200_000
    with open(path, "w", newline="") as f:
        f.write(HEADERS[name] + "\n")
        if name == "persons":
            for i in range(0, persons, batch):
                rows = []
                for k in range(i, min(persons, i + batch)):
                    death = f"2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" if rng.random() < 0.01 else ""
                    rows.append(f"{nhs[k]},{rng.randint(1925, 2022)}-{rng.randint(1, 12):02d},{rng.choice('12')},"
                                f"{rng.choice('ABCHJKNRSZ')},{rng.choice(LSOAS)},{death}\n")
                f.write("".join(rows))
            return name
        total = int(persons * ROWS_PER_PERSON[name])
        for i in range(0, total, batch):
            n = min(batch, total - i)
            who = [nhs[rng.randrange(persons)] for _ in range(n)]
            d = dates(rng, n)
            rows = []
            for k in range(n):
                p, dt = who[k], d[k]
                if name == "gp_registrations":
                    rows.append(f"{p},{rng.choice(PRACTICES)},{dt},\n")
                elif name == "gp_appointments":
                    rows.append(f"{p},{dt},{rng.choice(PRACTICES)},{rng.choice(('GP', 'OTHER'))},"
                                f"{rng.choice(('FACE_TO_FACE', 'TELEPHONE', 'VIDEO_ONLINE'))},"
                                f"{rng.choice(('ATTENDED', 'ATTENDED', 'DNA'))},{rng.randint(20, 45)}.00\n")
                elif name == "ae_attendances":
                    rows.append(f"{p},{dt},{rng.choice(PROVIDERS[:3])},0{rng.randint(1, 4)},{rng.randint(1, 2)},"
                                f"0{rng.randint(1, 7)},{rng.choice(SNOMED)},VB0{rng.randint(1, 9)}Z,{rng.randint(80, 400)}.00\n")
                elif name == "apc_spells":
                    kind = rng.random()
                    method, cls, pod = (("21", "1", "NEL") if kind < 0.5 else ("11", "2", "DC") if kind < 0.8
                                        else ("12", "1", "EL") if kind < 0.95 else ("31", "1", "MAT"))
                    sec = ";".join(rng.sample(ICD10, rng.randint(0, 3)))
                    rows.append(f"{p},{rng.choice(PROVIDERS[:3])},{dt},{dt},{method},{cls},{pod},{rng.choice(ICD10)},"
                                f"{sec},,{rng.choice(HRG_APC)},{rng.randint(500, 9000)}.{rng.randint(0, 99):02d}\n")
                elif name == "outpatient_attendances":
                    rows.append(f"{p},{dt},{rng.choice(PROVIDERS[:3])},{rng.randint(1, 4)},"
                                f"{rng.choice(('100', '110', '300', '330', '502'))},{rng.choice('5563')},,,"
                                f"{rng.randint(60, 250)}.00\n")
                elif name == "community_contacts":
                    rows.append(f"{p},{dt},RY7,{rng.choice(('DISTRICT_NURSING', 'PODIATRY', 'PHYSIOTHERAPY'))},"
                                f"{rng.randint(30, 90)}.00\n")
                elif name == "mental_health_contacts":
                    rows.append(f"{p},{dt},RXV,{rng.choice(('CRISIS', 'TALKING_THERAPIES', 'CAMHS'))},"
                                f"{rng.randint(80, 300)}.00\n")
                elif name == "social_care_services":
                    rows.append(f"{p},{dt},,E08000009,{rng.choice(('HOME_CARE', 'RESIDENTIAL', 'NURSING'))},"
                                f"{rng.randint(1000, 40000)}.00\n")
                elif name == "prescriptions":
                    rows.append(f"{p},{dt[:8]}01,{rng.choice(PRACTICES)},{rng.choice(BNF)},{rng.randint(1, 4)},"
                                f"{rng.randint(1, 60)}.{rng.randint(0, 99):02d}\n")
                elif name == "gp_events":
                    if rng.random() < 0.3:
                        rows.append(f"{p},{dt},271649006,{rng.randint(100, 180)},mm[Hg]\n")
                    else:
                        rows.append(f"{p},{dt},{rng.choice(SNOMED)},,\n")
                elif name == "ltc_registers":
                    rows.append(f"{p},{rng.choice(('HYP', 'DM', 'AST', 'COPD', 'CHD', 'DEP'))},{dt}\n")
            f.write("".join(rows))
    return name


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--persons", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=os.cpu_count())
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "ref_lsoa.csv"), "w") as f:
        f.write("lsoa_code,lsoa_name,imd_decile,imd_quintile,sub_icb_code,place_code,place_name\n")
        for i, code in enumerate(LSOAS):
            dec = i % 10 + 1
            f.write(f"{code},Area {i},{dec},{(dec + 1) // 2},01G,E08000006,Salford\n")
    with open(os.path.join(a.out, "ref_practices.csv"), "w") as f:
        f.write("gp_practice_code,practice_name,pcn_code,pcn_name,sub_icb_code,place_name\n")
        for i, code in enumerate(PRACTICES):
            f.write(f"{code},Practice {i},U{10000 + i // 6},PCN {i // 6},01G,Salford\n")
    with open(os.path.join(a.out, "ref_providers.csv"), "w") as f:
        f.write("provider_code,provider_name,provider_type\n")
        for code, kind in zip(PROVIDERS, ("ACUTE", "ACUTE", "ACUTE", "MENTAL_HEALTH", "COMMUNITY", "LOCAL_AUTHORITY")):
            f.write(f"{code},Provider {code},{kind}\n")
    names = ["persons"] + list(ROWS_PER_PERSON)
    names.sort(key=lambda n: -ROWS_PER_PERSON.get(n, 1))
    with Pool(a.jobs) as pool:
        for done in pool.imap_unordered(write_file, [(n, a.out, a.persons, a.seed) for n in names]):
            print("wrote", done, flush=True)


if __name__ == "__main__":
    main()
