#include "risk/features.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <functional>
#include <sstream>
#include <string>
#include <unordered_map>

#include "context/codelist.h"
#include "context/indicator_catalogue.h"
#include "core/date.h"
#include "core/parallel.h"
#include "data/types.h"
#include "risk/event_classes.h"

namespace icb::risk {
namespace {

using model::Transform;

// ---- What one pass over a person's history collects -----------------------------------------

// Kinds of prior use counted in the 3, 6, 12 and 24 months before the as-at date.
enum Use : int {
  kNel = 0,       // emergency admissions (APC, admission method 2x)
  kElective,      // elective and day-case admissions (POD EL, DC)
  kAe,            // A&E attendances
  kOpAttended,    // outpatient attendances attended (5, 6 or not recorded)
  kOpDna,         // outpatient appointments not attended (3, 7)
  kGp,            // GP appointments not recorded as DNA
  kCommunity,     // community contacts
  kMentalHealth,  // mental health contacts
  kItems,         // prescription items (sum of quantity)
  kAcsc,          // emergency admissions with a chronic ACSC primary diagnosis
  kUseCount,
};
enum Recent : int { kLastNel = 0, kLastAe, kLastAdmission, kRecentCount };

// Windows, most recent first: [t-3m, t), [t-6m, t), [t-12m, t), [t-24m, t), [t-36m, t). The
// 36-month window (three years of history, as SPARRA uses) was added after a probe on a 239,000-person
// synthetic ICB: it raised the logistic baseline's validation AUROC by 0.003 with calibration intact.
constexpr std::array<int, 5> kWindowMonths = {3, 6, 12, 24, 36};
constexpr size_t kWindows = kWindowMonths.size();
constexpr size_t kW3 = 0, kW6 = 1, kW12 = 2, kW24 = 3;
// Days since an event are capped here (three years and a day); the cap also means "none".
constexpr int32_t kRecencyCapDays = 1096;
// Polypharmacy: ten or more distinct medicines (Duerden, Avery and Payne, King's Fund 2013).
constexpr int kPolypharmacyMedicines = 10;
// A BNF chemical substance is the first 9 characters of the BNF code (NHSBSA BNF code structure).
constexpr size_t kBnfChemicalLength = 9;
constexpr float kImdUnknown = 5.5f;  // middle of 1..10, used with imd_unknown = 1

// Ethnic group columns (FeatureOptions::include_ethnicity), by EthnicGroup(); White the reference.
struct EthnicColumn {
  std::string_view group;   // EthnicGroup() value
  std::string_view column;  // feature name
};
constexpr std::array<EthnicColumn, 5> kEthnicColumns = {{{"Mixed", "ethnic_mixed"},
                                                         {"Asian", "ethnic_asian"},
                                                         {"Black", "ethnic_black"},
                                                         {"Other", "ethnic_other"},
                                                         {"Not stated/known", "ethnic_not_stated"}}};
constexpr int kEthnicNotStated = 4;

struct Facts {
  const PersonScores* scores = nullptr;
  size_t person = 0;
  int age = 0;
  bool female = false;
  float imd = kImdUnknown;
  bool imd_unknown = true;
  int ethnic_column = -1;  // index into kEthnicColumns, -1 for White
  uint32_t conditions = 0;  // bit c: on QOF register kQofConditions[c] on the as-at date
  std::array<std::array<int64_t, kWindows>, kUseCount> use{};  // cumulative over kWindowMonths
  std::array<int32_t, kRecentCount> days_since{};
  int64_t bed_days_12 = 0, bed_days_24 = 0, longest_stay_24 = 0, nel_bed_days_12 = 0;
  int64_t distinct_medicines_3 = 0;
  int64_t cost_12 = 0, cost_24 = 0, nel_cost_12 = 0;  // pence
  bool social_care_open = false, long_term_care_12 = false, care_home = false;

  int64_t Trend(Use u) const { return 2 * use[u][kW12] - use[u][kW24]; }  // last 12 minus the 12 before
};

struct Spec {
  FeatureDef def;
  std::function<float(const Facts&)> value;
};

FeatureWording Text(std::string text, double min_value = 1, double max_value = std::numeric_limits<double>::infinity()) {
  FeatureWording w;
  w.text = std::move(text);
  w.min_value = min_value;
  w.max_value = max_value;
  return w;
}
FeatureWording WhenSet(std::string phrase) {
  FeatureWording w;
  w.when_set = std::move(phrase);
  return w;
}
FeatureWording Labels(std::vector<std::string> labels, double min_value) {
  FeatureWording w;
  w.labels = std::move(labels);
  w.min_value = min_value;
  return w;
}

float F(int64_t v) { return static_cast<float>(v); }
float Gbp(int64_t pence) { return static_cast<float>(static_cast<double>(pence) / 100.0); }

// Plain-English names of the QOF registers, in kQofConditions order.
constexpr std::array<std::string_view, 21> kConditionWords = {
    "atrial fibrillation", "asthma", "cancer", "coronary heart disease", "chronic kidney disease",
    "COPD", "dementia", "depression", "diabetes", "epilepsy", "heart failure", "hypertension",
    "learning disability", "serious mental illness", "non-diabetic hyperglycaemia", "obesity",
    "osteoporosis", "peripheral arterial disease", "on the palliative care register", "rheumatoid arthritis",
    "stroke or TIA"};
static_assert(kConditionWords.size() == kQofConditions.size());

struct UseKind {
  Use use;
  const char* stem;         // column stem
  const char* what;         // description noun phrase
  const char* one;          // wording, singular noun (the template adds {s})
};
constexpr std::array<UseKind, 9> kUseKinds = {{
    {kNel, "nel_admissions", "Emergency admissions (admitted patient care, admission method 2x)", "emergency admission{s}"},
    {kElective, "elective_admissions", "Elective and day-case admissions (POD EL, DC)", "planned admission{s}"},
    {kAe, "ae_attendances", "A&E attendances (all department types)", "A&E attendance{s}"},
    {kOpAttended, "op_attendances", "Outpatient appointments attended (attended code 5, 6 or not recorded)", "outpatient attendance{s}"},
    {kOpDna, "op_dnas", "Outpatient appointments not attended (code 3 did not attend, 7 arrived late and not seen)", "missed outpatient appointment{s}"},
    {kGp, "gp_appointments", "GP appointments not recorded as did-not-attend", "GP appointment{s}"},
    {kCommunity, "community_contacts", "Community health service contacts", "community contact{s}"},
    {kMentalHealth, "mh_contacts", "Mental health service contacts", "mental health contact{s}"},
    {kItems, "prescription_items", "Prescription items dispensed (sum of items)", "prescription item{s}"},
}};

std::string Period(int months) { return "the " + std::to_string(months) + " months"; }

std::vector<Spec> MakeSpecs(bool include_ethnicity) {
  std::vector<Spec> s;
  auto add = [&](std::string name, FeatureGroup g, std::string description, Transform t, FeatureWording w,
                 std::function<float(const Facts&)> value) {
    s.push_back({FeatureDef{std::move(name), g, std::move(description), t, std::move(w)}, std::move(value)});
  };
  const auto kId = Transform::kIdentity, kLog = Transform::kLog1p;
  using G = FeatureGroup;

  // Demographic.
  add("age", G::kDemographic, "Age in whole years on the as-at date (capped at 120)", kId, Text("aged {n}"),
      [](const Facts& f) { return F(f.age); });
  add("age_over_65", G::kDemographic, "Years of age above 65: max(0, age - 65) (curvature for the logistic baseline)", kId,
      {}, [](const Facts& f) { return F(std::max(0, f.age - 65)); });
  add("age_under_5", G::kDemographic, "Years of age below 5: max(0, 5 - age) (curvature for the logistic baseline)", kId,
      {}, [](const Facts& f) { return F(std::max(0, 5 - f.age)); });
  add("female", G::kDemographic, "1 when the person's stated gender is female (code 2)", kId, {},
      [](const Facts& f) { return f.female ? 1.f : 0.f; });
  add("imd_decile", G::kDemographic,
      "IMD 2019 decile of the person's LSOA (1 most deprived .. 10 least); 5.5 when unknown", kId,
      Labels({"", "lives in one of the most deprived tenth of areas", "lives in one of the most deprived fifth of areas"}, 1),
      [](const Facts& f) { return f.imd; });
  add("imd_unknown", G::kDemographic, "1 when the LSOA or its IMD decile is unknown", kId, {},
      [](const Facts& f) { return f.imd_unknown ? 1.f : 0.f; });

  // Ethnicity: only by explicit choice (FeatureOptions::include_ethnicity). Never given as a reason.
  if (include_ethnicity) {
    for (size_t e = 0; e < kEthnicColumns.size(); ++e) {
      add(std::string(kEthnicColumns[e].column), G::kEthnicity,
          "1 when the person's ethnic group is " + std::string(kEthnicColumns[e].group) +
              " (NHS ethnic category groups; White the reference)",
          kId, {}, [e](const Facts& f) { return f.ethnic_column == static_cast<int>(e) ? 1.f : 0.f; });
    }
  }

  // Conditions: QOF registers on the as-at date.
  for (size_t c = 0; c < kQofConditions.size(); ++c) {
    std::string code(kQofConditions[c]);
    std::string lower = code;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    add("ltc_" + lower, G::kCondition,
        "1 when on the QOF " + code + " register (" + std::string(kConditionWords[c]) + ") on or before the as-at date", kId,
        WhenSet(std::string(kConditionWords[c])), [c](const Facts& f) { return ((f.conditions >> c) & 1u) ? 1.f : 0.f; });
  }

  // Scores (docs/reference/scores.md), as ComputePersonScores gives them on the as-at date.
  // CMS is a weighted sum with decimals that few clinicians read: the conditions behind it are the reasons.
  add("cms", G::kScore, "Cambridge Multimorbidity Score, general outcome weights (Payne et al. 2020)", kId, {},
      [](const Facts& f) { return f.scores->cms[f.person]; });
  add("efi", G::kScore, "Electronic Frailty Index: deficits present / 36 (Clegg et al. 2016; proxy deficits)", kId, {},
      [](const Facts& f) { return f.scores->efi[f.person]; });
  add("efi_band", G::kScore, "eFI band: 0 fit, 1 mild, 2 moderate, 3 severe frailty (Clegg et al. 2016 cut points)", kId,
      Labels({"fit", "mild frailty", "moderate frailty", "severe frailty"}, 1),
      [](const Facts& f) { return F(f.scores->efi_band[f.person]); });
  add("hfrs", G::kScore, "Hospital Frailty Risk Score (Gilbert et al. 2018)", kId,
      Text("Hospital Frailty Risk Score {n}", 5), [](const Facts& f) { return f.scores->hfrs[f.person]; });
  add("charlson", G::kScore, "Charlson comorbidity index, Quan 2011 weights", kId, Text("Charlson comorbidity index {n}"),
      [](const Facts& f) { return F(f.scores->charlson_quan2011[f.person]); });
  add("elixhauser_vw", G::kScore, "Elixhauser comorbidity score, van Walraven weights (can be negative)", kId, {},
      [](const Facts& f) { return F(f.scores->elixhauser_vw[f.person]); });
  add("ltc_count", G::kScore, "Number of long-term condition registers the person is on", kLog,
      Text("{n} long-term condition{s}", 2), [](const Facts& f) { return F(f.scores->ltc_count[f.person]); });

  // Bridges to Health segment (healthy is the reference).
  struct SegmentWords {
    B2hSegment segment;
    const char* words;
  };
  const SegmentWords segments[] = {
      {B2hSegment::kMaternalInfant, "maternity or infant segment"},
      {B2hSegment::kAcutelyIll, "acutely ill segment"},
      {B2hSegment::kLongTermConditions, "long-term conditions segment"},
      {B2hSegment::kDisability, "disability segment"},
      {B2hSegment::kIncurableCancer, "incurable cancer segment"},
      {B2hSegment::kOrganFailure, "organ failure segment"},
      {B2hSegment::kFrailtyDementia, "frailty or dementia segment"},
  };
  for (const auto& sw : segments) {
    const uint8_t v = static_cast<uint8_t>(sw.segment);
    add("seg_" + std::string(B2hSegmentName(sw.segment)), G::kSegment,
        "1 when the person's Bridges to Health segment is " + std::string(B2hSegmentLabel(sw.segment)), kId,
        WhenSet(sw.words), [v](const Facts& f) { return f.scores->segment[f.person] == v ? 1.f : 0.f; });
  }

  // Prior use.
  for (const auto& k : kUseKinds) {
    for (size_t w = 0; w < kWindowMonths.size(); ++w) {
      const int m = kWindowMonths[w];
      const Use u = k.use;
      add(std::string(k.stem) + "_" + std::to_string(m) + "m", G::kUse, std::string(k.what) + " in " + Period(m) + " before the as-at date",
          kLog, Text("{n} " + std::string(k.one) + " in the last " + std::to_string(m) + " months"),
          [u, w](const Facts& f) { return F(f.use[u][w]); });
    }
  }
  for (size_t w : {size_t{kW12}, size_t{kW24}}) {
    const int m = kWindowMonths[w];
    add("acsc_admissions_" + std::to_string(m) + "m", G::kUse,
        "Emergency admissions with a chronic ambulatory care sensitive primary diagnosis (NHS OF 2.3.i list) in " + Period(m) +
            " before the as-at date",
        kLog, Text("{n} emergency admission{s} for a condition usually managed out of hospital in the last " + std::to_string(m) + " months"),
        [w](const Facts& f) { return F(f.use[kAcsc][w]); });
  }

  // Recency.
  struct RecentWords {
    Recent r;
    const char* name;
    const char* what;
    const char* words;
  };
  const RecentWords recents[] = {
      {kLastNel, "days_since_nel", "the last emergency admission", "last emergency admission {n} day{s} ago"},
      {kLastAe, "days_since_ae", "the last A&E attendance", "last A&E attendance {n} day{s} ago"},
      {kLastAdmission, "days_since_admission", "the last admission of any kind", "last hospital admission {n} day{s} ago"},
  };
  for (const auto& rw : recents) {
    const Recent r = rw.r;
    add(rw.name, G::kRecency,
        "Days from " + std::string(rw.what) + " to the as-at date (1 = the day before), capped at 1,096 (also: none in 3 years)",
        kLog, Text(rw.words, 1, 90), [r](const Facts& f) { return F(f.days_since[r]); });
  }

  // Trend.
  struct TrendWords {
    Use u;
    const char* name;
    const char* what;
    const char* words;
  };
  const TrendWords trends[] = {
      {kNel, "nel_trend_12m", "Emergency admissions", "{n} more emergency admission{s} than in the year before"},
      {kAe, "ae_trend_12m", "A&E attendances", "{n} more A&E attendance{s} than in the year before"},
      {kGp, "gp_trend_12m", "GP appointments", "{n} more GP appointment{s} than in the year before"},
  };
  for (const auto& tw : trends) {
    const Use u = tw.u;
    add(tw.name, G::kTrend, std::string(tw.what) + " in the last 12 months minus those in the 12 months before (can be negative)", kId,
        Text(tw.words), [u](const Facts& f) { return F(f.Trend(u)); });
  }

  // Stay.
  add("bed_days_12m", G::kStay,
      "Bed days (nights in hospital) in the 12 months before the as-at date: discharge minus admission, day cases 0, clipped to the window",
      kLog, Text("{n} bed day{s} in hospital in the last 12 months"), [](const Facts& f) { return F(f.bed_days_12); });
  add("bed_days_24m", G::kStay, "Bed days in the 24 months before the as-at date (as bed_days_12m)", kLog,
      Text("{n} bed day{s} in hospital in the last 24 months"), [](const Facts& f) { return F(f.bed_days_24); });
  add("longest_stay_24m", G::kStay,
      "Longest length of stay (days) of a spell admitted in the 24 months before the as-at date; a stay still open counts to the as-at date",
      kLog, Text("a hospital stay of {n} day{s} in the last 24 months", 3), [](const Facts& f) { return F(f.longest_stay_24); });
  add("nel_bed_days_12m", G::kStay, "Bed days of emergency admissions in the 12 months before the as-at date", kLog,
      Text("{n} emergency bed day{s} in the last 12 months"), [](const Facts& f) { return F(f.nel_bed_days_12); });

  // Medication.
  add("distinct_medicines_3m", G::kMedication,
      "Distinct medicines (BNF chemical substance: first 9 characters of the BNF code) with an item in the 3 months before the as-at date",
      kLog, Text("{n} different medicine{s} in the last 3 months", 5), [](const Facts& f) { return F(f.distinct_medicines_3); });
  add("polypharmacy_10", G::kMedication, "1 when distinct_medicines_3m is 10 or more", kId,
      WhenSet("10 or more different medicines"),
      [](const Facts& f) { return f.distinct_medicines_3 >= kPolypharmacyMedicines ? 1.f : 0.f; });

  // Cost.
  add("cost_12m", G::kCost, "Total cost of care in every setting (GBP) of events in the 12 months before the as-at date", kLog,
      Text("care costing GBP {n} in the last 12 months", 1000), [](const Facts& f) { return Gbp(f.cost_12); });
  add("cost_24m", G::kCost, "Total cost of care (GBP) of events in the 24 months before the as-at date", kLog,
      Text("care costing GBP {n} in the last 24 months", 1000), [](const Facts& f) { return Gbp(f.cost_24); });
  add("nel_cost_12m", G::kCost, "Cost (GBP) of emergency admissions in the 12 months before the as-at date", kLog,
      Text("emergency care costing GBP {n} in the last 12 months", 1000), [](const Facts& f) { return Gbp(f.nel_cost_12); });

  // Social care.
  add("social_care_open", G::kSocialCare, "1 when an adult social care service started before the as-at date is still open on it", kId,
      WhenSet("receiving social care"), [](const Facts& f) { return f.social_care_open ? 1.f : 0.f; });
  add("care_home", G::kSocialCare, "1 when a nursing or residential care service is open on the as-at date", kId,
      WhenSet("lives in a care home"), [](const Facts& f) { return f.care_home ? 1.f : 0.f; });
  add("long_term_care_12m", G::kSocialCare,
      "1 when a long-term social care service (any support setting but reablement) was open at some time in the 12 months before the as-at date",
      kId, WhenSet("long-term social care in the last 12 months"), [](const Facts& f) { return f.long_term_care_12 ? 1.f : 0.f; });
  return s;
}

const std::vector<Spec>& Specs(bool include_ethnicity) {
  static const std::vector<Spec> without = MakeSpecs(false);
  static const std::vector<Spec> with = MakeSpecs(true);
  return include_ethnicity ? with : without;
}

// ---- The pass ---------------------------------------------------------------------------------

// The day `months` calendar months before `t` (the day of month clamped to the month's length:
// 31 May minus 3 months is 28 or 29 February).
int32_t MonthsBefore(int32_t t, int months) {
  int y = 0, m = 0, d = 0;
  Date(t).ToCivil(y, m, d);
  const int total = y * 12 + (m - 1) - months;
  const int ny = total >= 0 ? total / 12 : -((-total + 11) / 12);
  const int nm = total - ny * 12 + 1;
  while (d > 28 && !Date::IsValidCivil(ny, nm, d)) --d;
  return Date::FromCivil(ny, nm, d).days();
}

struct Context {
  const Dataset* ds = nullptr;
  const PersonScores* scores = nullptr;
  EventClasses classes;
  std::vector<uint8_t> acsc;          // by code id: primary diagnosis on the chronic ACSC list
  std::vector<uint32_t> chemical;     // by code id: BNF chemical substance id (first 9 characters)
  std::array<int8_t, kEthnicCodes.size()> ethnic_column{};
  int32_t t = 0;
  std::array<int32_t, kWindows> from{};  // window starts, kWindowMonths order

  // The most recent window holding day d (< t), or kWindows when d is before them all.
  size_t Window(int32_t d) const {
    size_t w = 0;
    while (w < kWindows && d < from[w]) ++w;
    return w;
  }
};

Result<CodeList> LoadAcscList(const ScoringConfig& config) {
  if (const CodeList* l = config.Find("acsc_chronic")) return *l;
  const std::string beside = config.dir + "/indicators/codelists/acsc_chronic.csv";
  std::error_code ec;
  if (std::filesystem::exists(beside, ec)) return LoadCodeList(beside);
  return LoadCodeList(DefaultIndicatorDir() + "/codelists/acsc_chronic.csv");
}

// Overlap, in days, of the stay [admit, discharge) with the window [from, to).
int64_t Overlap(int32_t admit, int32_t discharge, int32_t from, int32_t to) {
  const int32_t a = std::max(admit, from), b = std::min(discharge, to);
  return b > a ? b - a : 0;
}

void Collect(const Context& c, uint32_t i, Facts& f, std::vector<uint32_t>& chems) {
  const Dataset& ds = *c.ds;
  const int32_t t = c.t;
  f = Facts{};
  f.scores = c.scores;
  f.person = i;
  f.age = c.scores->age[i];
  f.female = ds.persons.sex[i] == static_cast<uint8_t>(Sex::kFemale);
  const uint32_t lsoa = ds.persons.lsoa[i];
  if (lsoa < ds.lsoas.imd_decile.size() && ds.lsoas.imd_decile[lsoa] >= 1 && ds.lsoas.imd_decile[lsoa] <= 10) {
    f.imd = ds.lsoas.imd_decile[lsoa];
    f.imd_unknown = false;
  }
  const uint8_t eth = ds.persons.ethnicity[i];
  f.ethnic_column = eth < c.ethnic_column.size() ? c.ethnic_column[eth] : kEthnicNotStated;

  // Registers: entries dated on or before the as-at date, as the scores read them.
  const ConditionTable& cn = ds.conditions;
  for (uint64_t k = cn.offsets[i]; k < cn.offsets[i + 1]; ++k)
    if (cn.date[k] <= t && cn.condition[k] < kQofConditions.size()) f.conditions |= 1u << cn.condition[k];

  // Events: dated before the as-at date only.
  std::array<std::array<int64_t, kWindows + 1>, kUseCount> use{};  // by the window the event first falls in
  std::array<int32_t, kRecentCount> last;
  last.fill(kNoDate);
  std::array<int64_t, kWindows + 1> cost{};
  chems.clear();
  const EventTable& ev = ds.events;
  const EventClasses& cl = c.classes;
  const int32_t from12 = c.from[kW12], from24 = c.from[kW24];
  for (uint64_t k = ev.offsets[i]; k < ev.offsets[i + 1]; ++k) {
    const int32_t d = ev.date[k];
    if (d >= t) break;
    const size_t w = c.Window(d);
    cost[w] += ev.cost_pence[k];
    switch (static_cast<Setting>(ev.setting[k])) {
      case Setting::kApc: {
        last[kLastAdmission] = d;
        const bool emergency = cl.IsEmergencyAdmission(ev, k);
        if (emergency) {
          ++use[kNel][w];
          last[kLastNel] = d;
          const uint32_t code = ev.code[k];
          if (code < c.acsc.size() && c.acsc[code]) ++use[kAcsc][w];
          if (w <= kW12) f.nel_cost_12 += ev.cost_pence[k];
        } else if (ev.pod[k] == static_cast<uint8_t>(Pod::kElective) || ev.pod[k] == static_cast<uint8_t>(Pod::kDayCase)) {
          ++use[kElective][w];
        }
        // A stay still open on the as-at date (or discharged after it) counts to the as-at date only.
        int32_t discharge = ev.end_date[k];
        if (discharge == kNoDate || discharge > t) discharge = t;
        if (ev.pod[k] == static_cast<uint8_t>(Pod::kDayCase) || discharge < d) discharge = d;
        f.bed_days_12 += Overlap(d, discharge, from12, t);
        f.bed_days_24 += Overlap(d, discharge, from24, t);
        if (emergency) f.nel_bed_days_12 += Overlap(d, discharge, from12, t);
        if (d >= from24) f.longest_stay_24 = std::max<int64_t>(f.longest_stay_24, discharge - d);
        break;
      }
      case Setting::kAe:
        ++use[kAe][w];
        last[kLastAe] = d;
        break;
      case Setting::kOutpatient:
        if (cl.OpDna(ev, k)) ++use[kOpDna][w];
        else if (cl.OpAttended(ev, k)) ++use[kOpAttended][w];
        break;
      case Setting::kGpAppointment:
        if (!AttrIs(cl.gp_dna, ev.attr3[k])) ++use[kGp][w];
        break;
      case Setting::kCommunity: ++use[kCommunity][w]; break;
      case Setting::kMentalHealth: ++use[kMentalHealth][w]; break;
      case Setting::kPrescribing: {
        use[kItems][w] += ev.quantity[k];
        const uint32_t code = ev.code[k];
        if (w == kW3 && code < c.chemical.size()) chems.push_back(c.chemical[code]);
        break;
      }
      case Setting::kSocialCare: {
        const int32_t end = ev.end_date[k];
        const bool open = end == kNoDate || end >= t;
        if (open) {
          f.social_care_open = true;
          if (AttrIs(cl.care_home, ev.attr1[k])) f.care_home = true;
        }
        if (!AttrIs(cl.reablement, ev.attr1[k]) && (end == kNoDate || end >= from12)) f.long_term_care_12 = true;
        break;
      }
    }
  }
  for (int u = 0; u < kUseCount; ++u) {
    int64_t run = 0;
    for (size_t w = 0; w < kWindows; ++w) f.use[static_cast<size_t>(u)][w] = run += use[static_cast<size_t>(u)][w];
  }
  f.cost_12 = cost[kW3] + cost[kW6] + cost[kW12];
  f.cost_24 = f.cost_12 + cost[kW24];
  for (int r = 0; r < kRecentCount; ++r) {
    const int32_t l = last[static_cast<size_t>(r)];
    f.days_since[static_cast<size_t>(r)] = l == kNoDate ? kRecencyCapDays : std::min(kRecencyCapDays, t - l);
  }
  std::sort(chems.begin(), chems.end());
  f.distinct_medicines_3 = std::unique(chems.begin(), chems.end()) - chems.begin();
}

std::string_view TransformName(Transform t) { return t == Transform::kLog1p ? "log1p" : "identity"; }

}  // namespace

std::string_view FeatureGroupName(FeatureGroup g) {
  switch (g) {
    case FeatureGroup::kDemographic: return "demographic";
    case FeatureGroup::kEthnicity: return "ethnicity";
    case FeatureGroup::kCondition: return "condition";
    case FeatureGroup::kScore: return "score";
    case FeatureGroup::kSegment: return "segment";
    case FeatureGroup::kUse: return "use";
    case FeatureGroup::kRecency: return "recency";
    case FeatureGroup::kTrend: return "trend";
    case FeatureGroup::kStay: return "stay";
    case FeatureGroup::kMedication: return "medication";
    case FeatureGroup::kCost: return "cost";
    case FeatureGroup::kSocialCare: return "social_care";
  }
  return "unknown";
}

const std::vector<FeatureDef>& FeatureCatalogue(const FeatureOptions& options) {
  auto defs = [](bool eth) {
    std::vector<FeatureDef> out;
    for (const auto& s : Specs(eth)) out.push_back(s.def);
    return out;
  };
  static const std::vector<FeatureDef> without = defs(false);
  static const std::vector<FeatureDef> with = defs(true);
  return options.include_ethnicity ? with : without;
}

Result<CohortFeatures> BuildFeatures(const Dataset& ds, const PersonScores& scores, const ScoringConfig& config,
                                     const FeatureOptions& options, std::span<const uint32_t> subset) {
  const size_t n = ds.person_count();
  if (scores.size() != n || scores.in_population.size() != n || scores.age.size() != n || scores.cms.size() != n) {
    return Status::InvalidInput("risk features: the scores were computed for " + std::to_string(scores.size()) +
                                " persons but the dataset has " + std::to_string(n));
  }
  if (scores.as_at == kNoDate) return Status::InvalidInput("risk features: the scores have no as-at date");
  for (size_t r = 0; r < subset.size(); ++r) {
    if (subset[r] >= n) return Status::InvalidInput("risk features: subset index " + std::to_string(r) + " is outside the dataset");
    if (r > 0 && subset[r] <= subset[r - 1]) {
      return Status::InvalidInput("risk features: the subset must be ascending without repeats (position " + std::to_string(r) + ")");
    }
  }
  auto acsc = LoadAcscList(config);
  if (!acsc.ok()) return acsc.status();

  Context c;
  c.ds = &ds;
  c.scores = &scores;
  c.classes = ClassifyEvents(ds);
  c.t = scores.as_at;
  for (size_t w = 0; w < kWindowMonths.size(); ++w) c.from[w] = MonthsBefore(c.t, kWindowMonths[w]);
  for (size_t e = 0; e < kEthnicCodes.size(); ++e) {
    const std::string_view group = EthnicGroup(static_cast<uint8_t>(e));
    c.ethnic_column[e] = -1;
    for (size_t col = 0; col < kEthnicColumns.size(); ++col)
      if (kEthnicColumns[col].group == group) c.ethnic_column[e] = static_cast<int8_t>(col);
  }
  c.acsc.assign(ds.codes.size(), 0);
  c.chemical.assign(ds.codes.size(), 0);
  {
    std::unordered_map<std::string, uint32_t> chem_ids;
    for (uint32_t id = 0; id < ds.codes.size(); ++id) {
      const std::string& code = ds.codes.at(id);
      c.acsc[id] = acsc->Matches(code) ? 1 : 0;
      auto [it, inserted] = chem_ids.try_emplace(code.substr(0, kBnfChemicalLength), static_cast<uint32_t>(chem_ids.size()));
      c.chemical[id] = it->second;
    }
  }

  CohortFeatures out;
  out.as_at = scores.as_at;
  if (subset.empty()) {
    for (uint32_t p = 0; p < n; ++p)
      if (scores.in_population[p]) out.person.push_back(p);
  } else {
    for (uint32_t p : subset)
      if (scores.in_population[p]) out.person.push_back(p);
  }
  const auto& specs = Specs(options.include_ethnicity);
  std::vector<std::string> names;
  for (const auto& s : specs) names.push_back(s.def.name);
  out.matrix = model::FeatureMatrix(out.person.size(), std::move(names));
  // Each row is written by the one task that owns its chunk, from that person's rows alone: any
  // thread count gives the same matrix.
  ParallelFor(out.person.size(), 1024, [&](size_t b, size_t e) {
    Facts f;
    std::vector<uint32_t> chems;
    for (size_t r = b; r < e; ++r) {
      Collect(c, out.person[r], f, chems);
      std::span<float> row = out.matrix.row(r);
      for (size_t col = 0; col < specs.size(); ++col) row[col] = specs[col].value(f);
    }
  });
  return out;
}

std::string FormatFeatureWording(const FeatureWording& w, double value) {
  if (!std::isfinite(value) || value < w.min_value || value > w.max_value) return "";
  if (!w.when_set.empty()) return value >= 0.5 ? w.when_set : "";
  if (!w.labels.empty()) {
    const long long i = std::llround(value);
    return i >= 0 && static_cast<size_t>(i) < w.labels.size() ? w.labels[static_cast<size_t>(i)] : "";
  }
  if (w.text.empty()) return "";
  const long long n = std::llround(value);
  std::string out;
  for (size_t i = 0; i < w.text.size(); ++i) {
    if (w.text.compare(i, 3, "{n}") == 0) {
      out += std::to_string(n);
      i += 2;
    } else if (w.text.compare(i, 3, "{s}") == 0) {
      if (n != 1) out += 's';
      i += 2;
    } else {
      out += w.text[i];
    }
  }
  return out;
}

std::string FeatureCatalogueMarkdown() {
  std::ostringstream md;
  const auto& all = FeatureCatalogue(FeatureOptions{.include_ethnicity = true});
  const size_t without = FeatureCatalogue(FeatureOptions{}).size();
  md << "# Risk features\n\n"
     << "<!-- Generated by icb::risk::FeatureCatalogueMarkdown() from src/risk/features.cc; do not edit by hand.\n"
     << "     A test (risk_tests FeatureDocs.PageIsCurrent) fails when this page is stale; regenerate with\n"
     << "     ICB_UPDATE_DOCS=1 build/release/tests/risk_tests --gtest_filter=FeatureDocs.* -->\n\n"
     << "One pass over each person's history gives a feature vector **as at a day t** (`BuildFeatures`,\n"
     << "src/risk/features.h). Every feature is declared once, in the catalogue in src/risk/features.cc, with\n"
     << "its description, the logistic baseline's transform and the words used when it explains a score.\n"
     << "This page is generated from that catalogue. " << without << " columns by default, " << all.size()
     << " with ethnic group.\n\n"
     << "## Conventions\n\n"
     << "- **Who has a row**: every person alive and registered with a practice on day t (the population of\n"
     << "  `ComputePersonScores`), or those of a given subset who are; rows are in dataset person order.\n"
     << "- **Nothing from the future**: activity events count only when dated **before** t (an event on day t\n"
     << "  is not read; one on day t-1 is). Outcomes start on day t, so the day belongs to the outcome.\n"
     << "  Register entries and the scores (CMS, eFI, HFRS, Charlson, Elixhauser, segment) are read as the\n"
     << "  scores define them: entries dated **on or before** t (docs/reference/scores.md), the state of the\n"
     << "  record on that day.\n"
     << "- **Windows**: prior use is counted over 3, 6, 12, 24 and 36 months. \"In the last N months\" means\n"
     << "  events dated in [t - N calendar months, t); the day of month is kept and clamped to the month's\n"
     << "  length (t = 2024-05-31, 3 months: from 2024-02-29).\n"
     << "  The 36-month window is an addition to the issue's 3, 6, 12 and 24 (three years of history, as\n"
     << "  SPARRA uses): on a 239,000-person synthetic ICB (seeded `icb synth`, 200,000 residents), a logistic\n"
     << "  baseline (ridge 1) trained as at 2023-04-01 and validated as at 2024-04-01 on emergency admission\n"
     << "  went from AUROC 0.806 to 0.809, calibration slope 1.00 both ways. It needs three years of data before t.\n"
     << "  Trend features are the last 12 months minus the 12 months before them ([t-24m, t-12m)).\n"
     << "- **Emergency admission**: an admitted patient care spell with admission method 2x (21-25, 28,\n"
     << "  2A-2D; NHS Data Dictionary). Transfers (81-83) are not emergencies though their point of\n"
     << "  delivery is NEL. A spell with no admission method recorded (OMOP sources) counts when its point\n"
     << "  of delivery is NEL.\n"
     << "- **Outpatients**: attended = ATTENDED OR DID NOT ATTEND 5 or 6 (or not recorded); DNA = 3 or 7;\n"
     << "  cancellations (2, 4) and 0 count as neither. **GP appointments**: every appointment whose status\n"
     << "  is not DNA.\n"
     << "- **Recency**: days from the last event before t to t (the day before = 1), capped at 1,096 days,\n"
     << "  which also stands for \"none in the last 3 years\". Worded only when at most 90 days.\n"
     << "- **Bed days**: discharge date minus admission date (nights), day cases 0, the part of the stay\n"
     << "  inside the window; a stay still open on t, or discharged after t, counts up to t only.\n"
     << "- **Medicines**: a medicine is a BNF chemical substance (the first 9 characters of the BNF code);\n"
     << "  polypharmacy is 10 or more with an item in the last 3 months (Duerden, Avery and Payne, King's Fund 2013).\n"
     << "- **Cost**: the sum of every event's cost (integer pence, summed in 64 bits) by event date, in GBP.\n"
     << "- **Social care**: open on t = started before t and not ended before t; long-term = any support\n"
     << "  setting but REABLEMENT (short-term support in Client Level Data); care home = NURSING or RESIDENTIAL.\n"
     << "- **IMD**: 1 most deprived .. 10 least (IMD 2019 deciles of the person's LSOA); 5.5 with\n"
     << "  `imd_unknown` = 1 when the LSOA is unknown (OMOP sources), so no value is ever missing.\n"
     << "- **Ethnic group is not a predictor by default.** It is used to check fairness (the evaluation\n"
     << "  reports every metric by ethnic group). Adding it (`FeatureOptions::include_ethnicity`) is an\n"
     << "  explicit decision: it can improve calibration within groups but encodes differences in access and\n"
     << "  recording as risk. The ethnicity columns are never given as a reason to a clinician.\n"
     << "- **Transforms**: the logistic baseline takes log1p of counts, days and costs, then standardises\n"
     << "  every column; the boosted model uses the raw values.\n"
     << "- **Wording**: `{n}` is the value rounded to a whole number, `{s}` is \"s\" unless it is 1; an\n"
     << "  indicator's phrase is used when it is 1; a banded feature uses the label of its value. Values\n"
     << "  outside [min, max] are not mentioned.\n\n"
     << "## Features\n";
  auto fmt = [](double v) {
    if (std::isinf(v)) return std::string();
    std::ostringstream s;
    s << v;
    return s.str();
  };
  for (int g = 0; g <= static_cast<int>(FeatureGroup::kSocialCare); ++g) {
    const auto group = static_cast<FeatureGroup>(g);
    bool header = false;
    for (const auto& d : all) {
      if (d.group != group) continue;
      if (!header) {
        md << "\n### " << FeatureGroupName(group) << "\n\n"
           << "| column | description | transform | reason wording | mention when |\n"
           << "|---|---|---|---|---|\n";
        header = true;
      }
      std::string words, when;
      const auto& w = d.wording;
      if (!w.when_set.empty()) {
        words = w.when_set;
        when = "1";
      } else if (!w.labels.empty()) {
        for (size_t i = 0; i < w.labels.size(); ++i) {
          if (w.labels[i].empty()) continue;
          if (!words.empty()) words += "; ";
          words += std::to_string(i) + ": " + w.labels[i];
        }
        when = ">= " + fmt(w.min_value);
      } else if (!w.text.empty()) {
        words = w.text;
        when = ">= " + fmt(w.min_value) + (std::isinf(w.max_value) ? "" : ", <= " + fmt(w.max_value));
      } else {
        words = "(never a reason)";
      }
      md << "| `" << d.name << "` | " << d.description << " | " << TransformName(d.transform) << " | " << words << " | "
         << when << " |\n";
    }
  }
  md << "\n## Sources\n\n"
     << "- NHS Data Dictionary: ADMISSION METHOD (HOSPITAL PROVIDER SPELL), ATTENDED OR DID NOT ATTEND.\n"
     << "- NHS Outcomes Framework 2.3.i, chronic ambulatory care sensitive conditions (data/indicators/codelists/acsc_chronic.csv).\n"
     << "- QOF 2022-23 register group codes (data/codelists/qof_registers.csv).\n"
     << "- Scores and segments: docs/reference/scores.md and docs/reference/segmentation.md.\n"
     << "- NHSBSA, BNF code structure (chemical substance = characters 1-9).\n"
     << "- Duerden M, Avery T, Payne R. Polypharmacy and medicines optimisation. King's Fund, 2013.\n"
     << "- Wallace E et al. Risk prediction models to predict emergency hospital admission in community-dwelling\n"
     << "  adults: a systematic review. Med Care 2014 (prior use, recency and multimorbidity as predictors).\n";
  return md.str();
}

}  // namespace icb::risk
