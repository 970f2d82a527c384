#include "synth/synth_context.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/date.h"
#include "data/types.h"

namespace icb::synth {
namespace {

const char* DeptName(CostDept d) {
  switch (d) {
    case CostDept::kNelShort: return "Non-Elective Inpatient - Short Stay";
    case CostDept::kNelLong: return "Non-Elective Inpatient - Long Stay";
    case CostDept::kElective: return "Elective Inpatients";
    case CostDept::kDaycase: return "Daycase";
    case CostDept::kOpProcedure: return "Outpatient Procedures";
    case CostDept::kCount: break;
  }
  return "";
}

// Reads the first whole number at or after `pos` in `s`; -1 if none.
int NumberAt(std::string_view s, size_t pos) {
  while (pos < s.size() && (s[pos] < '0' || s[pos] > '9')) ++pos;
  if (pos >= s.size()) return -1;
  int v = 0;
  while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') v = v * 10 + (s[pos++] - '0');
  return v;
}

// The patient age range an HRG description states ("19 years and over", "18 years and under",
// "between 2 and 18 years", "1 year and under"); [0, 200] when it states none.
std::pair<int, int> AgeRange(std::string_view desc) {
  int lo = 0, hi = 200;
  if (auto p = desc.find("between "); p != std::string_view::npos && desc.find(" years", p) != std::string_view::npos) {
    const int a = NumberAt(desc, p + 8);
    const size_t and_pos = desc.find(" and ", p);
    const int b = and_pos == std::string_view::npos ? -1 : NumberAt(desc, and_pos + 5);
    if (a >= 0 && b >= 0) return {a, b};
  }
  for (std::string_view key : {" years and over", " year and over"}) {
    if (auto p = desc.find(key); p != std::string_view::npos) {
      size_t s = p;
      while (s > 0 && desc[s - 1] >= '0' && desc[s - 1] <= '9') --s;
      if (s < p) lo = NumberAt(desc, s);
    }
  }
  for (std::string_view key : {" years and under", " year and under"}) {
    if (auto p = desc.find(key); p != std::string_view::npos) {
      size_t s = p;
      while (s > 0 && desc[s - 1] >= '0' && desc[s - 1] <= '9') --s;
      if (s < p) hi = NumberAt(desc, s);
    }
  }
  return {lo, hi};
}

}  // namespace

HrgCatalog::HrgCatalog(const ReferenceData& ref) : ref_(ref) {
  cost_pence_.reserve(ref.ncc.size());
  age_range_.reserve(ref.ncc.size());
  for (const auto& r : ref.ncc) {
    cost_pence_.push_back(std::llround(r.unit_cost * 100.0));
    age_range_.push_back(AgeRange(r.description));
  }
}

int HrgCatalog::Group(CostDept dept, std::string_view root) {
  std::vector<Variant> v;
  const std::string_view dname = DeptName(dept);
  for (size_t i = 0; i < ref_.ncc.size(); ++i) {
    const auto& r = ref_.ncc[i];
    if (r.department != dname || r.code.size() != 5 || std::string_view(r.code).substr(0, 4) != root) continue;
    v.push_back({static_cast<int>(i), age_range_[i].first, age_range_[i].second, std::max(r.activity, 1.0)});
  }
  if (v.empty()) return -1;
  // Least complex (last letter) first, so that a high draw picks the most complex variant.
  std::sort(v.begin(), v.end(), [&](const Variant& a, const Variant& b) {
    return ref_.ncc[static_cast<size_t>(a.row)].code > ref_.ncc[static_cast<size_t>(b.row)].code;
  });
  groups_.push_back(std::move(v));
  return static_cast<int>(groups_.size() - 1);
}

int HrgCatalog::Pick(int group, int age, double u, int complexity) const {
  const auto& v = groups_[static_cast<size_t>(group)];
  double total = 0;
  for (const auto& x : v)
    if (age >= x.min_age && age <= x.max_age) total += x.activity;
  const bool any = total > 0;
  if (!any)
    for (const auto& x : v) total += x.activity;
  const double w = std::pow(u, 1.0 / (1.0 + 0.35 * std::min(complexity, 8)));
  double target = w * total, acc = 0;
  int last = v.front().row;
  for (const auto& x : v) {
    if (any && (age < x.min_age || age > x.max_age)) continue;
    acc += x.activity;
    last = x.row;
    if (acc > target) return x.row;
  }
  return last;
}

int HrgCatalog::Row(std::string_view department, std::string_view code) const {
  for (size_t i = 0; i < ref_.ncc.size(); ++i)
    if (ref_.ncc[i].department == department && ref_.ncc[i].code == code) return static_cast<int>(i);
  return -1;
}

std::string Period::FyLabel(int fy) const {
  const int y = start_year + fy;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d/%02d", y, (y + 1) % 100);
  return buf;
}

int Period::FyOf(int32_t day) const {
  if (day < start || day >= end) return -1;
  for (int y = 0; y < years; ++y)
    if (day < fy_start[static_cast<size_t>(y) + 1]) return y;
  return -1;
}

SynthContext::SynthContext(const ReferenceData& r, int start_year, int years)
    : ref(r), params(DefaultModelParams(r.practices.size())), hrg(r), codes(GetActivityCodes()) {
  period.start_year = start_year;
  period.years = years;
  period.start = Date::FromCivil(start_year, 4, 1).days();
  period.end = Date::FromCivil(start_year + years, 4, 1).days();
  for (int y = 0; y <= years; ++y) period.fy_start.push_back(Date::FromCivil(start_year + y, 4, 1).days());
  for (int m = 0; m <= 12 * years; ++m) {
    const int mm = 3 + m;  // months since January of start_year, from April
    period.month_start.push_back(Date::FromCivil(start_year + mm / 12, mm % 12 + 1, 1).days());
  }
  const int32_t qof = Date::FromCivil(2023, 3, 31).days();
  period.qof_date = (qof >= period.start && qof < period.end) ? qof : period.end - 1;
  const int fy2022 = 2022 - start_year;
  period.target_fy = (fy2022 >= 0 && fy2022 < years) ? fy2022 : years - 1;
}

Result<std::unique_ptr<SynthContext>> SynthContext::Create(const ReferenceData& ref, int start_year, int years) {
  if (years < 1 || years > 20) return Status::InvalidInput("--years must be between 1 and 20");
  if (start_year < 1990 || start_year > 2100) return Status::InvalidInput("--start-year must be between 1990 and 2100");
  std::unique_ptr<SynthContext> ctx(new SynthContext(ref, start_year, years));
  ICB_RETURN_IF_ERROR(ctx->Resolve());
  return ctx;
}

Status SynthContext::Resolve() {
  // Where people live and who they are.
  std::vector<double> w;
  for (const auto& l : ref.lsoas) w.push_back(l.residents);
  lsoa_by_residents.Reset(w);
  auto cells = [](const AgeSexTable& t, const std::array<double, kAgeBands>* mult) {
    std::vector<double> c(2 * (kMaxAge + 1));
    for (int s = 0; s < 2; ++s)
      for (int a = 0; a <= kMaxAge; ++a)
        c[static_cast<size_t>(s * (kMaxAge + 1) + a)] = t.count[s][a] * (mult ? (*mult)[AgeBand(a)] : 1.0);
    return c;
  };
  for (const auto& lad : ref.lads) {
    lad_age_sex.emplace_back(cells(lad.census, nullptr));
    lad_migrant_age_sex.emplace_back(cells(lad.census, &params.out_migration_rate));
  }
  for (const auto& t : ref.sape) sape_age_sex.emplace_back(cells(t, nullptr));
  for (const auto& l : ref.lsoas) lsoa_ethnic.emplace_back(l.ethnic_counts);
  for (const auto& s : ref.sub_icbs) {
    std::vector<double> pw;
    for (int p : s.practices) pw.push_back(ref.practices[static_cast<size_t>(p)].list_size);
    sub_icb_practice.emplace_back(pw);
  }
  for (size_t i = 0; i < ref.condition_codes.size(); ++i) {
    const auto& cc = ref.condition_codes[i];
    for (int s = 0; s < 2; ++s)
      if (cc.sex == 'A' || (cc.sex == 'M') == (s == 0)) condition_codes[cc.condition][s].push_back(static_cast<int>(i));
  }
  for (int c = 0; c < kConditionCount; ++c)
    for (int s = 0; s < 2; ++s) {
      std::vector<double> cw;
      for (int i : condition_codes[c][s]) cw.push_back(ref.condition_codes[static_cast<size_t>(i)].weight);
      if (cw.empty()) return Status::InvalidInput("synth_condition_codes.csv: no code for a condition and sex");
      condition_code_sampler[c][s].Reset(cw);
    }
  for (size_t i = 0; i < ref.providers.size(); ++i)
    if (ref.providers[i].type == "ACUTE") {
      if (ref.providers[i].code == "RBV") cancer_centre = static_cast<int>(i);
      else acute_providers.push_back(static_cast<int>(i));
    }
  if (acute_providers.empty()) return Status::InvalidInput("gm_providers.csv: no acute trusts");
  if (cancer_centre < 0) cancer_centre = acute_providers.front();

  // HRG groups for every code list row.
  auto need = [&](CostDept d, std::string_view root, int& out) -> Status {
    out = hrg.Group(d, root);
    if (out < 0)
      return Status::InvalidInput("ncc_2023_24_national_schedule.csv: no HRG " + std::string(root) + " in " +
                                  DeptName(d));
    return Status::Ok();
  };
  for (const auto& r : codes.nel_reasons) {
    ResolvedReason rr;
    ICB_RETURN_IF_ERROR(need(CostDept::kNelShort, r.hrg_root, rr.hrg_short));
    ICB_RETURN_IF_ERROR(need(CostDept::kNelLong, r.hrg_root, rr.hrg_long));
    nel_hrg.push_back(rr);
  }
  for (const auto& p : codes.procedures) {
    int g;
    ICB_RETURN_IF_ERROR(need(p.day_case ? CostDept::kDaycase : CostDept::kElective, p.hrg_root, g));
    procedure_hrg.push_back(g);
  }
  for (const auto& m : codes.maternity) {
    std::array<int, 2> g{};
    ICB_RETURN_IF_ERROR(need(CostDept::kNelShort, m.hrg_root, g[0]));
    ICB_RETURN_IF_ERROR(need(CostDept::kNelLong, m.hrg_root, g[1]));
    maternity_hrg.push_back(g);
  }
  for (const auto& s : codes.op_specialties) {
    int g = -1;
    if (!s.procedure_hrg_root.empty()) ICB_RETURN_IF_ERROR(need(CostDept::kOpProcedure, s.procedure_hrg_root, g));
    op_procedure_hrg.push_back(g);
  }
  auto drug = [&](std::string_view bnf, std::vector<int>& out) -> Status {
    const int d = ref.DrugIndex(bnf);
    if (d < 0) return Status::InvalidInput("synth_bnf_drugs.csv: no BNF code " + std::string(bnf));
    out.push_back(d);
    return Status::Ok();
  };
  for (const auto& r : codes.condition_drugs) ICB_RETURN_IF_ERROR(drug(r.bnf, condition_drug_index));
  for (const auto& r : codes.age_drugs) ICB_RETURN_IF_ERROR(drug(r.bnf, age_drug_index));
  for (const auto& r : codes.acute_drugs) ICB_RETURN_IF_ERROR(drug(r.bnf, acute_drug_index));

  // Unit costs of single currencies.
  auto row = [&](std::string_view dept, std::string_view code, int& out) -> Status {
    out = hrg.Row(dept, code);
    if (out < 0)
      return Status::InvalidInput("ncc_2023_24_national_schedule.csv: no " + std::string(code) + " in " +
                                  std::string(dept));
    return Status::Ok();
  };
  for (std::string_view code : {"VB01Z", "VB02Z", "VB03Z", "VB04Z", "VB05Z", "VB06Z", "VB07Z", "VB08Z", "VB09Z", "VB11Z"}) {
    int r;
    ICB_RETURN_IF_ERROR(row("Emergency Care", code, r));
    ae_hrg_rows.push_back(r);
    ae_hrg_activity.push_back(ref.ncc[static_cast<size_t>(r)].activity);
  }
  ae_died_hrg = ae_hrg_rows[0];
  ae_hrg_major.Reset(ae_hrg_activity);
  {
    std::vector<double> admitted = ae_hrg_activity;  // admitted patients: more investigation
    for (size_t k = 1; k <= 4; ++k) admitted[k] *= 3.0;
    admitted[9] *= 0.2;
    ae_hrg_admitted.Reset(admitted);
    std::vector<double> mw;
    for (const auto& x : codes.maternity) mw.push_back(x.weight);
    maternity_sampler.Reset(mw);
  }
  if (ref.drugs.size() > 64) return Status::InvalidInput("synth_bnf_drugs.csv: at most 64 medicines");
  const std::array<std::string_view, 4> wf1 = {"WF01A", "WF01B", "WF01C", "WF01D"};
  const std::array<std::string_view, 4> wf2 = {"WF02A", "WF02B", "WF02C", "WF02D"};
  for (size_t i = 0; i < 4; ++i) {
    ICB_RETURN_IF_ERROR(row("Consultant Led", wf1[i], op_attendance_rows[i]));
    ICB_RETURN_IF_ERROR(row("Consultant Led", wf2[i], op_multiprof_rows[i]));
  }
  ICB_RETURN_IF_ERROR(row("Mental Health Care Contact", "MHCC", mh_contact_row));
  ICB_RETURN_IF_ERROR(row("NHS Talking Therapy Care Contact", "IAPT", talking_therapy_row));
  // Contract service order: DISTRICT_NURSING, PHYSIOTHERAPY, OCCUPATIONAL_THERAPY, SPEECH_LANGUAGE,
  // PODIATRY, HEALTH_VISITING, SCHOOL_NURSING, COMMUNITY_MATRON, INTERMEDIATE_CARE, OTHER.
  const std::array<std::string_view, 10> adult = {"N02AF", "A08A1", "A06A1", "A13A1", "A09A",
                                                  "N03G",  "N05CO", "N06AF", "IC03",  "N29AF"};
  const std::array<std::string_view, 10> child = {"N12",  "A08C1", "A06C1", "A13C1", "A09A",
                                                  "N03G", "N05CO", "N06CF", "IC03",  "N29CF"};
  for (size_t i = 0; i < 10; ++i) {
    ICB_RETURN_IF_ERROR(row("Community Health Service", adult[i], community_adult_rows[i]));
    ICB_RETURN_IF_ERROR(row("Community Health Service", child[i], community_child_rows[i]));
  }
  const std::array<std::string_view, 6> gp_items = {
      "gp_appointment_gp_face_to_face", "gp_appointment_gp_remote", "gp_appointment_gp_home_visit",
      "gp_appointment_other_face_to_face", "gp_appointment_other_remote", "gp_appointment_other_face_to_face"};
  for (size_t i = 0; i < gp_items.size(); ++i) {
    gp_cost_pence[i] = ref.UnitCostPence(gp_items[i]);
    if (gp_cost_pence[i] < 0) return Status::InvalidInput("synth_unit_costs.csv: missing " + std::string(gp_items[i]));
  }
  // Contract support settings: NURSING, RESIDENTIAL, HOME_CARE, DIRECT_PAYMENT, DAY_CARE,
  // SUPPORTED_LIVING, REABLEMENT, OTHER.
  const std::array<std::string_view, 8> sc_items = {
      "social_care_nursing",   "social_care_residential",      "social_care_home_care",
      "social_care_direct_payment", "social_care_day_care",    "social_care_supported_living",
      "social_care_reablement", "social_care_day_care"};
  for (size_t i = 0; i < sc_items.size(); ++i) {
    social_care_weekly_pence[i] = ref.UnitCostPence(sc_items[i]);
    if (social_care_weekly_pence[i] < 0)
      return Status::InvalidInput("synth_unit_costs.csv: missing " + std::string(sc_items[i]));
  }
  residential_18_64_weekly_pence = ref.UnitCostPence("social_care_residential_18_64");
  if (residential_18_64_weekly_pence < 0) return Status::InvalidInput("synth_unit_costs.csv: missing residential 18-64");

  // Every England target the model calibrates to must be present.
  for (int m = 0; m < kMeasureCount; ++m)
    if (!ref.Target(params.measures[m].name))
      return Status::InvalidInput("england_activity_rates.csv: missing measure " + params.measures[m].name);
  for (const auto& t : {"outpatient_first_attended", "prescription_items"})
    if (!ref.Target(t)) return Status::InvalidInput(std::string("england_activity_rates.csv: missing ") + t);
  return Status::Ok();
}

}  // namespace icb::synth
