#include "synth/reference_data.h"

#include <cmath>
#include <unordered_map>

#include "data/types.h"
#include "synth/csv_table.h"

#ifndef ICB_REFERENCE_DIR
#define ICB_REFERENCE_DIR "data/reference"
#endif

namespace icb::synth {
namespace {

Status Bad(const CsvTable& t, size_t row, const std::string& what) {
  return Status::InvalidInput(t.name() + " row " + std::to_string(row + 2) + ": " + what);
}

Result<double> Num(const CsvTable& t, size_t row, int col) {
  double v;
  if (!ParseDouble(t.row(row)[static_cast<size_t>(col)], v) || !std::isfinite(v))
    return Bad(t, row, "column " + t.header()[static_cast<size_t>(col)] + " is not a number");
  return v;
}

// NHS ethnic category (index into kEthnicCodes A..S) of each detailed Census 2021 TS021 column.
const std::vector<std::pair<std::string_view, int>>& Ts021ToNhs() {
  static const std::vector<std::pair<std::string_view, int>> k = {
      {"White: English, Welsh, Scottish, Northern Irish or British", 0},  // A
      {"White: Irish", 1},                                                  // B
      {"White: Gypsy or Irish Traveller", 2},                              // C any other White
      {"White: Roma", 2},
      {"White: Other White", 2},
      {"Mixed or Multiple ethnic groups: White and Black Caribbean", 3},   // D
      {"Mixed or Multiple ethnic groups: White and Black African", 4},     // E
      {"Mixed or Multiple ethnic groups: White and Asian", 5},             // F
      {"Mixed or Multiple ethnic groups: Other Mixed or Multiple ethnic groups", 6},  // G
      {"Asian, Asian British or Asian Welsh: Indian", 7},                  // H
      {"Asian, Asian British or Asian Welsh: Pakistani", 8},               // J
      {"Asian, Asian British or Asian Welsh: Bangladeshi", 9},             // K
      {"Asian, Asian British or Asian Welsh: Other Asian", 10},            // L
      {"Black, Black British, Black Welsh, Caribbean or African: Caribbean", 11},  // M
      {"Black, Black British, Black Welsh, Caribbean or African: African", 12},    // N
      {"Black, Black British, Black Welsh, Caribbean or African: Other Black", 13},  // P
      {"Asian, Asian British or Asian Welsh: Chinese", 14},                // R (2001: Chinese)
      {"Other ethnic group: Arab", 15},                                     // S any other
      {"Other ethnic group: Any other ethnic group", 15},
  };
  return k;
}

Result<CsvTable> Open(const std::string& dir, const char* file) { return CsvTable::Load(dir + "/" + file); }

// Spreads an open-ended 90+ count over single years 90..100 in proportion to life-table lx.
void Spread90(const ReferenceData& ref, int sex, double count, std::array<double, kMaxAge + 1>& out) {
  double total = 0;
  for (int a = 90; a <= kMaxAge; ++a) total += ref.lx[sex][a];
  for (int a = 90; a <= kMaxAge; ++a) out[a] += total > 0 ? count * ref.lx[sex][a] / total : count / 11.0;
}

Status LoadLifeTable(const std::string& dir, ReferenceData& ref) {
  auto t = Open(dir, "ons_national_life_tables_england_2017-2019.csv");
  if (!t.ok()) return t.status();
  auto cols = t->Columns({"sex", "age", "qx", "lx"});
  if (!cols.ok()) return cols.status();
  int seen = 0;
  for (size_t r = 0; r < t->rows(); ++r) {
    const auto& row = t->row(r);
    const int sex = row[(*cols)[0]] == "M" ? 0 : row[(*cols)[0]] == "F" ? 1 : -1;
    auto age = Num(*t, r, (*cols)[1]);
    auto qx = Num(*t, r, (*cols)[2]);
    auto lx = Num(*t, r, (*cols)[3]);
    if (!age.ok()) return age.status();
    if (!qx.ok()) return qx.status();
    if (!lx.ok()) return lx.status();
    if (sex < 0 || *age < 0 || *age > kMaxAge) return Bad(*t, r, "unexpected sex or age");
    ref.qx[sex][static_cast<int>(*age)] = *qx;
    ref.lx[sex][static_cast<int>(*age)] = *lx;
    ++seen;
  }
  if (seen != 2 * (kMaxAge + 1)) return Status::InvalidInput(t->name() + ": expected ages 0-100 for M and F");
  return Status::Ok();
}

Status LoadProviders(const std::string& dir, ReferenceData& ref) {
  auto t = Open(dir, "gm_providers.csv");
  if (!t.ok()) return t.status();
  auto cols = t->Columns({"provider_code", "provider_name", "provider_type"});
  if (!cols.ok()) return cols.status();
  for (size_t r = 0; r < t->rows(); ++r)
    ref.providers.push_back({t->row(r)[(*cols)[0]], t->row(r)[(*cols)[1]], t->row(r)[(*cols)[2]]});
  return Status::Ok();
}

Status LoadGeography(const std::string& dir, ReferenceData& ref) {
  auto geo = Open(dir, "gm_lsoa21_geography.csv");
  if (!geo.ok()) return geo.status();
  auto gc = geo->Columns({"lsoa21cd", "lsoa21nm", "sub_icb_code", "lad22cd", "lad22nm"});
  if (!gc.ok()) return gc.status();
  std::unordered_map<std::string, int> lsoa_idx, lad_idx, sub_idx;
  for (size_t r = 0; r < geo->rows(); ++r) {
    const auto& row = geo->row(r);
    LsoaRef l;
    l.code = row[(*gc)[0]];
    l.name = row[(*gc)[1]];
    l.sub_icb_code = row[(*gc)[2]];
    l.lad_code = row[(*gc)[3]];
    l.lad_name = row[(*gc)[4]];
    if (!lad_idx.count(l.lad_code)) {
      lad_idx[l.lad_code] = static_cast<int>(ref.lads.size());
      ref.lads.push_back({l.lad_code, l.lad_name, {}, -1, -1, -1, -1});
    }
    if (!sub_idx.count(l.sub_icb_code)) {
      sub_idx[l.sub_icb_code] = static_cast<int>(ref.sub_icbs.size());
      ref.sub_icbs.push_back({l.sub_icb_code, "", lad_idx[l.lad_code], {}});
    }
    l.lad = lad_idx[l.lad_code];
    l.sub_icb = sub_idx[l.sub_icb_code];
    if (ref.sub_icbs[l.sub_icb].lad != l.lad)
      return Bad(*geo, r, "a sub-ICB location spans two local authorities; the generator assumes one");
    lsoa_idx[l.code] = static_cast<int>(ref.lsoas.size());
    ref.lsoas.push_back(std::move(l));
  }
  if (ref.lsoas.empty()) return Status::InvalidInput(geo->name() + ": no LSOAs");

  auto imd = Open(dir, "imd2025_lsoa21_greater_manchester.csv");
  if (!imd.ok()) return imd.status();
  auto ic = imd->Columns({"lsoa21cd", "imd_decile"});
  if (!ic.ok()) return ic.status();
  std::vector<bool> has_imd(ref.lsoas.size(), false);
  for (size_t r = 0; r < imd->rows(); ++r) {
    auto it = lsoa_idx.find(imd->row(r)[(*ic)[0]]);
    if (it == lsoa_idx.end()) continue;
    auto d = Num(*imd, r, (*ic)[1]);
    if (!d.ok()) return d.status();
    if (*d < 1 || *d > 10) return Bad(*imd, r, "IMD decile outside 1-10");
    ref.lsoas[static_cast<size_t>(it->second)].imd_decile = static_cast<int>(*d);
    has_imd[static_cast<size_t>(it->second)] = true;
  }
  for (size_t i = 0; i < has_imd.size(); ++i)
    if (!has_imd[i]) return Status::InvalidInput(imd->name() + ": an LSOA of the ICB has no IMD decile");

  auto eth = Open(dir, "census2021_ts021_ethnic_group_lsoa21_greater_manchester.csv");
  if (!eth.ok()) return eth.status();
  const int ec = eth->Column("lsoa21cd"), et = eth->Column("Total: All usual residents");
  if (ec < 0 || et < 0) return Status::InvalidInput(eth->name() + ": missing lsoa21cd or total column");
  std::vector<std::pair<int, int>> map;  // column -> NHS category
  for (auto& [name, cat] : Ts021ToNhs()) {
    const int c = eth->Column(name);
    if (c < 0) return Status::InvalidInput(eth->name() + ": missing column " + std::string(name));
    map.push_back({c, cat});
  }
  std::vector<bool> has_eth(ref.lsoas.size(), false);
  for (size_t r = 0; r < eth->rows(); ++r) {
    auto it = lsoa_idx.find(eth->row(r)[static_cast<size_t>(ec)]);
    if (it == lsoa_idx.end()) continue;
    auto& l = ref.lsoas[static_cast<size_t>(it->second)];
    auto total = Num(*eth, r, et);
    if (!total.ok()) return total.status();
    l.residents = *total;
    for (auto [c, cat] : map) {
      auto v = Num(*eth, r, c);
      if (!v.ok()) return v.status();
      l.ethnic_counts[static_cast<size_t>(cat)] += *v;
    }
    has_eth[static_cast<size_t>(it->second)] = true;
  }
  for (size_t i = 0; i < has_eth.size(); ++i)
    if (!has_eth[i] || ref.lsoas[i].residents <= 0)
      return Status::InvalidInput(eth->name() + ": an LSOA of the ICB has no residents count");

  auto census = Open(dir, "census2021_lad_syoa_sex_greater_manchester.csv");
  if (!census.ok()) return census.status();
  auto cc = census->Columns({"lad_code", "sex", "age", "usual_residents"});
  if (!cc.ok()) return cc.status();
  for (size_t r = 0; r < census->rows(); ++r) {
    const auto& row = census->row(r);
    auto it = lad_idx.find(row[(*cc)[0]]);
    if (it == lad_idx.end()) continue;
    const std::string& s = row[(*cc)[1]];
    if (s == "P") continue;
    const int sex = s == "M" ? 0 : s == "F" ? 1 : -1;
    if (sex < 0) return Bad(*census, r, "sex must be P, M or F");
    auto n = Num(*census, r, (*cc)[3]);
    if (!n.ok()) return n.status();
    auto& table = ref.lads[static_cast<size_t>(it->second)].census.count[static_cast<size_t>(sex)];
    const std::string& age = row[(*cc)[2]];
    if (age == "90+") {
      Spread90(ref, sex, *n, table);
    } else {
      auto a = Num(*census, r, (*cc)[2]);
      if (!a.ok()) return a.status();
      if (*a < 0 || *a > 89) return Bad(*census, r, "age outside 0-89 and 90+");
      table[static_cast<size_t>(*a)] += *n;
    }
  }
  for (const auto& lad : ref.lads)
    if (lad.census.Total() <= 0)
      return Status::InvalidInput(census->name() + ": no Census 2021 ages for local authority " + lad.code);

  auto sape = Open(dir, "mid2022_lsoa21_syoa_sex_trafford.csv");
  if (!sape.ok()) return sape.status();
  const int sc = sape->Column("area_code"), ss = sape->Column("sex"), s90 = sape->Column("90+");
  if (sc < 0 || ss < 0 || s90 < 0) return Status::InvalidInput(sape->name() + ": missing area_code, sex or 90+");
  std::vector<int> age_col(90);
  for (int a = 0; a < 90; ++a) {
    age_col[static_cast<size_t>(a)] = sape->Column(std::to_string(a));
    if (age_col[static_cast<size_t>(a)] < 0) return Status::InvalidInput(sape->name() + ": missing single-year columns");
  }
  for (size_t r = 0; r < sape->rows(); ++r) {
    const auto& row = sape->row(r);
    auto it = lsoa_idx.find(row[static_cast<size_t>(sc)]);
    if (it == lsoa_idx.end()) continue;
    const std::string& s = row[static_cast<size_t>(ss)];
    const int sex = s == "Males" ? 0 : s == "Females" ? 1 : -1;
    if (sex < 0) continue;  // Persons
    auto& l = ref.lsoas[static_cast<size_t>(it->second)];
    if (l.sape < 0) {
      l.sape = static_cast<int>(ref.sape.size());
      ref.sape.emplace_back();
    }
    auto& table = ref.sape[static_cast<size_t>(l.sape)].count[static_cast<size_t>(sex)];
    for (int a = 0; a < 90; ++a) {
      auto n = Num(*sape, r, age_col[static_cast<size_t>(a)]);
      if (!n.ok()) return n.status();
      table[static_cast<size_t>(a)] = *n;
    }
    auto n90 = Num(*sape, r, s90);
    if (!n90.ok()) return n90.status();
    Spread90(ref, sex, *n90, table);
  }

  auto catchment = Open(dir, "gm_provider_catchment.csv");
  if (!catchment.ok()) return catchment.status();
  auto kc = catchment->Columns({"lad22cd", "acute_provider", "community_provider", "mental_health_provider"});
  if (!kc.ok()) return kc.status();
  for (size_t r = 0; r < catchment->rows(); ++r) {
    const auto& row = catchment->row(r);
    auto it = lad_idx.find(row[(*kc)[0]]);
    if (it == lad_idx.end()) continue;
    auto& lad = ref.lads[static_cast<size_t>(it->second)];
    lad.acute = ref.ProviderIndex(row[(*kc)[1]]);
    lad.community = ref.ProviderIndex(row[(*kc)[2]]);
    lad.mental_health = ref.ProviderIndex(row[(*kc)[3]]);
    lad.local_authority = ref.ProviderIndex(lad.code);
  }
  for (const auto& lad : ref.lads)
    if (lad.acute < 0 || lad.community < 0 || lad.mental_health < 0 || lad.local_authority < 0)
      return Status::InvalidInput(catchment->name() + ": local authority " + lad.code +
                                  " lacks a provider that is in gm_providers.csv");
  return Status::Ok();
}

Status LoadPractices(const std::string& dir, ReferenceData& ref) {
  auto t = Open(dir, "qof_2223_practice_to_pcn_greater_manchester.csv");
  if (!t.ok()) return t.status();
  auto c = t->Columns({"SUB_ICB_ODS_CODE", "SUB_ICB_NAME", "PCN_ODS_CODE", "PCN_NAME", "PRACTICE_CODE",
                       "PRACTICE_NAME", "ICB_ODS_CODE"});
  if (!c.ok()) return c.status();
  std::unordered_map<std::string, int> practice_idx;
  for (size_t r = 0; r < t->rows(); ++r) {
    const auto& row = t->row(r);
    PracticeRef p;
    p.sub_icb_code = row[(*c)[0]];
    p.pcn_code = row[(*c)[2]];
    p.pcn_name = row[(*c)[3]];
    p.code = row[(*c)[4]];
    p.name = row[(*c)[5]];
    ref.icb_code = row[(*c)[6]];
    for (size_t s = 0; s < ref.sub_icbs.size(); ++s)
      if (ref.sub_icbs[s].code == p.sub_icb_code) {
        p.sub_icb = static_cast<int>(s);
        ref.sub_icbs[s].name = row[(*c)[1]];
      }
    if (p.sub_icb < 0) return Bad(*t, r, "practice in a sub-ICB location with no LSOA of the ICB");
    p.place_name = ref.lads[static_cast<size_t>(ref.sub_icbs[static_cast<size_t>(p.sub_icb)].lad)].name;
    practice_idx[p.code] = static_cast<int>(ref.practices.size());
    ref.sub_icbs[static_cast<size_t>(p.sub_icb)].practices.push_back(static_cast<int>(ref.practices.size()));
    ref.practices.push_back(std::move(p));
  }
  auto q = Open(dir, "qof_2223_prevalence_greater_manchester.csv");
  if (!q.ok()) return q.status();
  auto qc = q->Columns({"PRACTICE_CODE", "GROUP_CODE", "REGISTER", "PATIENT_LIST_TYPE", "PRACTICE_LIST_SIZE"});
  if (!qc.ok()) return qc.status();
  for (size_t r = 0; r < q->rows(); ++r) {
    const auto& row = q->row(r);
    auto it = practice_idx.find(row[(*qc)[0]]);
    if (it == practice_idx.end()) continue;
    auto cond = QofConditionIndex(row[(*qc)[1]]);
    if (!cond) continue;
    auto reg = Num(*q, r, (*qc)[2]);
    auto list = Num(*q, r, (*qc)[4]);
    if (!reg.ok()) return reg.status();
    if (!list.ok()) return list.status();
    const std::string& type = row[(*qc)[3]];
    int min_age = 0;
    if (type == "TOTAL") min_age = 0;
    else if (type.size() == 4 && type.substr(2) == "OV") min_age = std::stoi(type.substr(0, 2));
    else return Bad(*q, r, "unknown PATIENT_LIST_TYPE");
    auto& p = ref.practices[static_cast<size_t>(it->second)];
    p.qof[*cond] = {*reg, *list, min_age};
    if (min_age == 0) p.list_size = std::max(p.list_size, *list);
  }
  for (auto& s : ref.sub_icbs)
    if (s.practices.empty()) return Status::InvalidInput(t->name() + ": sub-ICB " + s.code + " has no practices");
  for (const auto& p : ref.practices)
    if (p.list_size <= 0) return Status::InvalidInput(q->name() + ": practice " + p.code + " has no list size");
  return Status::Ok();
}

Status LoadCosts(const std::string& dir, ReferenceData& ref) {
  auto t = Open(dir, "ncc_2023_24_national_schedule.csv");
  if (!t.ok()) return t.status();
  auto c = t->Columns({"department", "currency_code", "currency_desc", "activity", "unit_cost"});
  if (!c.ok()) return c.status();
  for (size_t r = 0; r < t->rows(); ++r) {
    const auto& row = t->row(r);
    NccRow n{row[(*c)[0]], row[(*c)[1]], row[(*c)[2]], 0, 0};
    double v;
    if (ParseDouble(row[(*c)[3]], v)) n.activity = v;
    if (ParseDouble(row[(*c)[4]], v)) n.unit_cost = v;
    if (n.unit_cost > 0) ref.ncc.push_back(std::move(n));
  }
  auto u = Open(dir, "synth_unit_costs.csv");
  if (!u.ok()) return u.status();
  auto uc = u->Columns({"item", "cost_gbp"});
  if (!uc.ok()) return uc.status();
  for (size_t r = 0; r < u->rows(); ++r) {
    auto v = Num(*u, r, (*uc)[1]);
    if (!v.ok()) return v.status();
    ref.unit_costs_pence[u->row(r)[(*uc)[0]]] = std::llround(*v * 100.0);
  }
  auto d = Open(dir, "synth_bnf_drugs.csv");
  if (!d.ok()) return d.status();
  auto dc = d->Columns({"bnf_code", "name", "nic_per_item_gbp"});
  if (!dc.ok()) return dc.status();
  for (size_t r = 0; r < d->rows(); ++r) {
    auto v = Num(*d, r, (*dc)[2]);
    if (!v.ok()) return v.status();
    ref.drugs.push_back({d->row(r)[(*dc)[0]], d->row(r)[(*dc)[1]], std::llround(*v * 100.0)});
  }
  return Status::Ok();
}

Status LoadTargetsAndCodes(const std::string& dir, ReferenceData& ref) {
  auto t = Open(dir, "england_activity_rates.csv");
  if (!t.ok()) return t.status();
  auto c = t->Columns({"measure", "pod", "rate_per_1000", "unit", "source", "source_year"});
  if (!c.ok()) return c.status();
  for (size_t r = 0; r < t->rows(); ++r) {
    const auto& row = t->row(r);
    auto v = Num(*t, r, (*c)[2]);
    if (!v.ok()) return v.status();
    ref.targets.push_back({row[(*c)[0]], row[(*c)[1]], row[(*c)[3]], row[(*c)[4]], row[(*c)[5]], *v});
  }
  auto k = Open(dir, "synth_condition_codes.csv");
  if (!k.ok()) return k.status();
  auto kc = k->Columns({"condition", "sex", "weight", "snomed_code", "icd10_code", "term"});
  if (!kc.ok()) return kc.status();
  for (size_t r = 0; r < k->rows(); ++r) {
    const auto& row = k->row(r);
    auto cond = QofConditionIndex(row[(*kc)[0]]);
    if (!cond) return Bad(*k, r, "unknown QOF condition");
    auto w = Num(*k, r, (*kc)[2]);
    if (!w.ok()) return w.status();
    const std::string& s = row[(*kc)[1]];
    ref.condition_codes.push_back({*cond, s == "M" ? 'M' : s == "F" ? 'F' : 'A', *w, row[(*kc)[3]],
                                   row[(*kc)[4]], row[(*kc)[5]]});
  }
  for (int cond = 0; cond < kConditionCount; ++cond) {
    bool any = false;
    for (const auto& cc : ref.condition_codes) any |= cc.condition == cond;
    if (!any) return Status::InvalidInput(k->name() + ": no codes for a QOF condition");
  }
  return Status::Ok();
}

}  // namespace

double AgeSexTable::Total() const {
  double t = 0;
  for (const auto& s : count)
    for (double v : s) t += v;
  return t;
}

const ActivityTarget* ReferenceData::Target(std::string_view measure) const {
  for (const auto& t : targets)
    if (t.measure == measure) return &t;
  return nullptr;
}

int ReferenceData::ProviderIndex(std::string_view code) const {
  for (size_t i = 0; i < providers.size(); ++i)
    if (providers[i].code == code) return static_cast<int>(i);
  return -1;
}

int ReferenceData::DrugIndex(std::string_view bnf) const {
  for (size_t i = 0; i < drugs.size(); ++i)
    if (drugs[i].bnf == bnf) return static_cast<int>(i);
  return -1;
}

int64_t ReferenceData::UnitCostPence(std::string_view item) const {
  auto it = unit_costs_pence.find(item);
  return it == unit_costs_pence.end() ? -1 : it->second;
}

std::string DefaultReferenceDir() { return ICB_REFERENCE_DIR; }

Result<ReferenceData> LoadReferenceData(const std::string& dir) {
  ReferenceData ref;
  ref.dir = dir;
  ICB_RETURN_IF_ERROR(LoadLifeTable(dir, ref));
  ICB_RETURN_IF_ERROR(LoadProviders(dir, ref));
  ICB_RETURN_IF_ERROR(LoadGeography(dir, ref));
  ICB_RETURN_IF_ERROR(LoadPractices(dir, ref));
  ICB_RETURN_IF_ERROR(LoadCosts(dir, ref));
  ICB_RETURN_IF_ERROR(LoadTargetsAndCodes(dir, ref));
  return ref;
}

}  // namespace icb::synth
