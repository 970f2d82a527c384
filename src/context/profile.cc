#include "context/profile.h"

#include <optional>

#include <algorithm>
#include <array>
#include <filesystem>
#include <map>

#include "core/file_util.h"
#include "core/parallel.h"
#include "data/dataset_dir.h"

namespace icb {

using report::Cell;
using report::Table;

namespace {

// Persons are counted in fixed chunks (independent of the thread count) of at least this many
// persons, and at most kMaxChunks chunks, which bounds the memory of per-chunk counters.
constexpr size_t kMinChunkPersons = 8192;
constexpr size_t kMaxChunks = 256;
constexpr int kSexes = 3;  // male, female, other or not known
constexpr int kDeciles = 11;    // 0 = unknown, 1..10
constexpr int kQuintiles = 6;   // 0 = unknown, 1..5
constexpr int kEthnic = static_cast<int>(kEthnicCodes.size());
constexpr int kQof = static_cast<int>(kQofConditions.size());

// QOF 2022-23 registers and their denominator populations (PATIENT_LIST_TYPE per GROUP_CODE in
// NHS England, "Quality and Outcomes Framework 2022-23", PREVALENCE_2223.csv; checked against
// shared/data/qof/qof_2223_prevalence_by_practice_england.csv).
constexpr std::array<QofRegisterInfo, 21> kQofRegisters = {{
    {"AF", "Atrial fibrillation", "TOTAL", 0},
    {"AST", "Asthma", "06OV", 6},
    {"CAN", "Cancer", "TOTAL", 0},
    {"CHD", "Coronary heart disease", "TOTAL", 0},
    {"CKD", "Chronic kidney disease (stages 3-5)", "18OV", 18},
    {"COPD", "Chronic obstructive pulmonary disease", "TOTAL", 0},
    {"DEM", "Dementia", "TOTAL", 0},
    {"DEP", "Depression", "18OV", 18},
    {"DM", "Diabetes mellitus", "17OV", 17},
    {"EP", "Epilepsy", "18OV", 18},
    {"HF", "Heart failure", "TOTAL", 0},
    {"HYP", "Hypertension", "TOTAL", 0},
    {"LD", "Learning disability", "TOTAL", 0},
    {"MH", "Schizophrenia, bipolar affective disorder and other psychoses", "TOTAL", 0},
    {"NDH", "Non-diabetic hyperglycaemia", "18OV", 18},
    {"OB", "Obesity (BMI 30 or more)", "18OV", 18},
    {"OST", "Osteoporosis", "50OV", 50},
    {"PAD", "Peripheral arterial disease", "TOTAL", 0},
    {"PC", "Palliative care", "TOTAL", 0},
    {"RA", "Rheumatoid arthritis", "16OV", 16},
    {"STIA", "Stroke and transient ischaemic attack", "TOTAL", 0},
}};

// What the pass over persons needs to know up front.
struct Frame {
  int32_t as_at = 0;
  int fy_first = 0;       // first financial year with activity
  int fy_count = 0;       // financial years from the first to the last event
  int32_t first_day = 0;                 // 1 April of the first financial year
  std::vector<uint16_t> fy_of_day;       // financial year index of each day from first_day
  // Person-time windows (inclusive day ranges), deduplicated: each financial year whole, and the
  // covered part of each year for each setting.
  std::vector<std::pair<int32_t, int32_t>> windows;
  std::vector<int> year_window;          // [fy] -> window of the whole year
  std::vector<int> setting_window;       // [fy * kSettingCount + setting] -> window, -1: not covered
  size_t lsoas = 0, practices = 0;
  // By `attrs` id: GP appointment statuses and outpatient attendance codes that are not an attended
  // appointment, and social care support settings that are long-term support.
  std::vector<uint8_t> gp_not_attended, op_not_attended, asc_long_term;
};

// Attendance and social care classes (NHS Data Dictionary ATTENDED OR DID NOT ATTEND: 5 and 6 are
// attended; 0, 2, 3, 4, 7 are not. Long-term support as in the Adult Social Care Activity and Finance
// Report: nursing, residential and community support; reablement and other short-term care are not).
void ClassifyAttrs(const Dictionary& attrs, Frame& f) {
  const size_t n = attrs.size();
  f.gp_not_attended.assign(n, 0);
  f.op_not_attended.assign(n, 0);
  f.asc_long_term.assign(n, 0);
  for (uint32_t id = 0; id < n; ++id) {
    const std::string& v = attrs.at(id);
    f.gp_not_attended[id] = v == "DNA" || v == "UNKNOWN";
    f.op_not_attended[id] = v == "0" || v == "2" || v == "3" || v == "4" || v == "7";
    f.asc_long_term[id] = v == "NURSING" || v == "RESIDENTIAL" || v == "HOME_CARE" || v == "DIRECT_PAYMENT" ||
                          v == "DAY_CARE" || v == "SUPPORTED_LIVING";
  }
}

bool Flag(const std::vector<uint8_t>& flags, uint32_t id) { return id < flags.size() && flags[id] != 0; }

// Counters for one chunk of persons; chunks are added together in chunk order.
struct Counts {
  int64_t persons = 0, alive = 0, registered = 0, died_before = 0, born_after = 0;
  int64_t alive_other_sex = 0, registered_other_sex = 0, unknown_practice = 0;
  std::array<int64_t, 2 * kSexes * kAgeBandCount> pyramid{};  // [registered?][sex][band]
  std::array<int64_t, kDeciles> imd_decile{};
  std::array<int64_t, kQuintiles> imd_quintile{};
  std::array<int64_t, kEthnic> ethnicity{};
  std::array<int64_t, kQof> ltc_register{}, ltc_denominator{};
  std::vector<int64_t> lsoa_residents, practice_registered;
  std::vector<int64_t> person_days;                     // [window] resident days alive
  std::vector<int64_t> registered_days;                 // [window] days alive and registered
  std::vector<int64_t> pod_events, pod_people, pod_cost;  // [fy * kPodCount + pod]
  std::vector<int64_t> set_events, set_people, set_cost;  // [fy * kSettingCount + setting]
  std::vector<int64_t> pod_not_attended;                  // [fy * kPodCount + pod]
  std::vector<int64_t> asc_long_term_people;              // [fy]

  explicit Counts(const Frame& f)
      : lsoa_residents(f.lsoas),
        practice_registered(f.practices),
        person_days(f.windows.size()),
        registered_days(f.windows.size()),
        pod_events(static_cast<size_t>(f.fy_count) * kPodCount),
        pod_people(pod_events.size()),
        pod_cost(pod_events.size()),
        set_events(static_cast<size_t>(f.fy_count) * kSettingCount),
        set_people(set_events.size()),
        set_cost(set_events.size()),
        pod_not_attended(pod_events.size()),
        asc_long_term_people(static_cast<size_t>(f.fy_count)) {}

  template <typename A>
  static void AddInto(A& a, const A& b) {
    for (size_t i = 0; i < a.size(); ++i) a[i] += b[i];
  }
  void Add(const Counts& o) {
    persons += o.persons;
    alive += o.alive;
    registered += o.registered;
    died_before += o.died_before;
    born_after += o.born_after;
    alive_other_sex += o.alive_other_sex;
    registered_other_sex += o.registered_other_sex;
    unknown_practice += o.unknown_practice;
    AddInto(pyramid, o.pyramid);
    AddInto(imd_decile, o.imd_decile);
    AddInto(imd_quintile, o.imd_quintile);
    AddInto(ethnicity, o.ethnicity);
    AddInto(ltc_register, o.ltc_register);
    AddInto(ltc_denominator, o.ltc_denominator);
    AddInto(lsoa_residents, o.lsoa_residents);
    AddInto(practice_registered, o.practice_registered);
    AddInto(person_days, o.person_days);
    AddInto(registered_days, o.registered_days);
    AddInto(pod_events, o.pod_events);
    AddInto(pod_people, o.pod_people);
    AddInto(pod_cost, o.pod_cost);
    AddInto(set_events, o.set_events);
    AddInto(set_people, o.set_people);
    AddInto(set_cost, o.set_cost);
    AddInto(pod_not_attended, o.pod_not_attended);
    AddInto(asc_long_term_people, o.asc_long_term_people);
  }
};

int SexIndex(uint8_t sex) {
  if (sex == static_cast<uint8_t>(Sex::kMale)) return 0;
  if (sex == static_cast<uint8_t>(Sex::kFemale)) return 1;
  return 2;
}

// The practice a person is registered with on `day`: the registration covering it with the latest
// start (registrations are sorted by start); -1 when none.
int64_t PracticeOn(const RegistrationTable& r, size_t person, int32_t day) {
  int64_t practice = -1;
  for (uint64_t k = r.offsets[person]; k < r.offsets[person + 1]; ++k) {
    if (r.start[k] > day) break;
    if (r.end[k] == kNoDate || r.end[k] >= day) practice = r.practice[k];
  }
  return practice;
}

void CountChunk(const Dataset& ds, const Frame& f, size_t begin, size_t end, Counts& c) {
  const auto& p = ds.persons;
  const auto& ev = ds.events;
  const auto& cond = ds.conditions;
  const size_t fy_count = static_cast<size_t>(f.fy_count);
  // Last person counted in each [fy][pod] / [fy][setting] cell, to count people once.
  std::vector<size_t> pod_seen(fy_count * kPodCount, SIZE_MAX), set_seen(fy_count * kSettingCount, SIZE_MAX);
  std::vector<size_t> asc_seen(fy_count, SIZE_MAX);
  const int32_t last_day = f.first_day + static_cast<int32_t>(f.fy_of_day.size()) - 1;
  for (size_t i = begin; i < end; ++i) {
    ++c.persons;
    const int32_t birth = p.birth[i];
    const int32_t death = p.death[i];
    // Person-time in each window.
    for (size_t w = 0; w < f.windows.size(); ++w) {
      c.person_days[w] += DaysAlive(birth, death, f.windows[w].first, f.windows[w].second);
      c.registered_days[w] += DaysRegistered(ds.registrations, i, birth, death, f.windows[w].first, f.windows[w].second);
    }
    // Activity.
    for (uint64_t e = ev.offsets[i]; e < ev.offsets[i + 1]; ++e) {
      const int64_t day = static_cast<int64_t>(ev.date[e]) - f.first_day;
      if (day < 0 || day >= static_cast<int64_t>(f.fy_of_day.size())) continue;  // cannot happen
      const int fy = f.fy_of_day[static_cast<size_t>(day)];
      const size_t pod = ev.pod[e], setting = ev.setting[e];
      const int64_t n = setting == static_cast<size_t>(Setting::kPrescribing) ? ev.quantity[e] : 1;
      const size_t pc = static_cast<size_t>(fy) * kPodCount + pod;
      const size_t sc = static_cast<size_t>(fy) * kSettingCount + setting;
      // Appointments not attended (DNA, cancelled, unknown) are counted apart, not as activity.
      if ((setting == static_cast<size_t>(Setting::kGpAppointment) && Flag(f.gp_not_attended, ev.attr3[e])) ||
          (setting == static_cast<size_t>(Setting::kOutpatient) && Flag(f.op_not_attended, ev.attr2[e]))) {
        ++c.pod_not_attended[pc];
        continue;
      }
      // Long-term social care: people with a service active on any day of each year.
      if (setting == static_cast<size_t>(Setting::kSocialCare) && Flag(f.asc_long_term, ev.attr1[e])) {
        const int32_t end_day = ev.end_date[e] == kNoDate ? last_day : std::min(ev.end_date[e], last_day);
        if (end_day >= ev.date[e]) {
          const int fy_end = f.fy_of_day[static_cast<size_t>(end_day - f.first_day)];
          for (int y = fy; y <= fy_end; ++y)
            if (asc_seen[static_cast<size_t>(y)] != i) {
              asc_seen[static_cast<size_t>(y)] = i;
              ++c.asc_long_term_people[static_cast<size_t>(y)];
            }
        }
      }
      c.pod_events[pc] += n;
      c.pod_cost[pc] += ev.cost_pence[e];
      c.set_events[sc] += n;
      c.set_cost[sc] += ev.cost_pence[e];
      if (pod_seen[pc] != i) {
        pod_seen[pc] = i;
        ++c.pod_people[pc];
      }
      if (set_seen[sc] != i) {
        set_seen[sc] = i;
        ++c.set_people[sc];
      }
    }
    // The snapshot on as_at.
    if (!AliveOn(birth, death, f.as_at)) {
      if (birth > f.as_at) {
        ++c.born_after;
      } else {
        ++c.died_before;
      }
      continue;
    }
    ++c.alive;
    const int age = Date(birth).AgeOn(Date(f.as_at));
    const int band = AgeBand(age);
    const int sex = SexIndex(p.sex[i]);
    ++c.pyramid[(0 * kSexes + sex) * kAgeBandCount + band];
    if (sex == 2) ++c.alive_other_sex;
    const uint32_t lsoa = p.lsoa[i];
    ++c.lsoa_residents[lsoa];
    const uint8_t decile = ds.lsoas.imd_decile[lsoa], quintile = ds.lsoas.imd_quintile[lsoa];
    ++c.imd_decile[decile <= 10 ? decile : 0];
    ++c.imd_quintile[quintile <= 5 ? quintile : 0];
    ++c.ethnicity[p.ethnicity[i] < kEthnic ? p.ethnicity[i] : kEthnic - 1];

    const int64_t practice = PracticeOn(ds.registrations, i, f.as_at);
    if (practice < 0) continue;
    ++c.registered;
    ++c.pyramid[(1 * kSexes + sex) * kAgeBandCount + band];
    if (sex == 2) ++c.registered_other_sex;
    if (static_cast<size_t>(practice) < f.practices) {
      ++c.practice_registered[static_cast<size_t>(practice)];
    } else {
      ++c.unknown_practice;
    }
    uint32_t on_register = 0;  // bit per QOF condition recorded on or before as_at
    for (uint64_t k = cond.offsets[i]; k < cond.offsets[i + 1]; ++k)
      if (cond.date[k] <= f.as_at && cond.condition[k] < kQof) on_register |= 1u << cond.condition[k];
    for (int q = 0; q < kQof; ++q) {
      if (age < kQofRegisters[static_cast<size_t>(q)].min_age) continue;
      ++c.ltc_denominator[static_cast<size_t>(q)];
      if (on_register & (1u << q)) ++c.ltc_register[static_cast<size_t>(q)];
    }
  }
}

// The dates a setting's events span, and whether every one falls on the 1st of a month (monthly
// data, such as prescriptions dated by month: then its data covers the whole last month).
struct SettingSpan {
  int64_t events = 0;
  int32_t first = INT32_MAX, last = INT32_MIN;
  bool monthly = true;
};

std::array<SettingSpan, kSettingCount> SettingSpans(const Dataset& ds, int32_t first_event, int32_t last_event) {
  std::array<SettingSpan, kSettingCount> spans{};
  const auto& ev = ds.events;
  if (ev.size() == 0) return spans;
  std::vector<uint8_t> first_of_month(static_cast<size_t>(last_event - first_event) + 1);
  for (int32_t d = first_event; d <= last_event; ++d)
    first_of_month[static_cast<size_t>(d - first_event)] = Date(d).day() == 1;
  constexpr size_t kChunk = 1 << 20;
  const size_t chunks = (ev.size() + kChunk - 1) / kChunk;
  std::vector<std::array<SettingSpan, kSettingCount>> parts(chunks, spans);
  ParallelFor(chunks, 1, [&](size_t b, size_t e) {
    for (size_t k = b; k < e; ++k)
      for (size_t i = k * kChunk; i < std::min(ev.size(), (k + 1) * kChunk); ++i) {
        SettingSpan& sp = parts[k][ev.setting[i]];
        ++sp.events;
        sp.first = std::min(sp.first, ev.date[i]);
        sp.last = std::max(sp.last, ev.date[i]);
        sp.monthly = sp.monthly && first_of_month[static_cast<size_t>(ev.date[i] - first_event)];
      }
  });
  for (const auto& part : parts)
    for (int s = 0; s < kSettingCount; ++s) {
      SettingSpan& sp = spans[static_cast<size_t>(s)];
      const SettingSpan& o = part[static_cast<size_t>(s)];
      sp.events += o.events;
      sp.first = std::min(sp.first, o.first);
      sp.last = std::max(sp.last, o.last);
      sp.monthly = sp.monthly && o.monthly;
    }
  return spans;
}

Date EndOfMonth(Date d) {
  const int y = d.year(), m = d.month();
  return (m == 12 ? Date::FromCivil(y + 1, 1, 1) : Date::FromCivil(y, m + 1, 1)) - 1;
}

Cell Pct(int64_t num, int64_t den) {
  if (den <= 0) return Cell{};
  return Cell{100.0 * static_cast<double>(num) / static_cast<double>(den)};
}
Cell Gbp(int64_t pence) { return Cell{static_cast<double>(pence) / 100.0}; }
Cell Int(int64_t v) { return Cell{v}; }
Cell Text(std::string s) { return Cell{std::move(s)}; }

std::string Thousands(int64_t v) { return report::GroupThousands(v); }

Table Pyramid(const Counts& c, int population, const std::string& name, const std::string& title,
              int64_t total, int64_t other_sex) {
  Table t(name, title);
  t.AddText("age_band", "Age band").AddCount("male", "Male").AddCount("female", "Female");
  t.AddPercent("male_pct", "Male %", 1).BasedOn({"male"}).AddPercent("female_pct", "Female %", 1).BasedOn({"female"});
  t.AddBar(1, true).AddBar(2, false);
  for (int b = 0; b < kAgeBandCount; ++b) {
    const int64_t m = c.pyramid[static_cast<size_t>((population * kSexes + 0) * kAgeBandCount + b)];
    const int64_t fe = c.pyramid[static_cast<size_t>((population * kSexes + 1) * kAgeBandCount + b)];
    t.AddRow({Text(AgeBandLabel(b)), Int(m), Int(fe), Pct(m, total), Pct(fe, total)});
  }
  t.footnotes().push_back("Age in whole years on the as-at date from month of birth (born on the 1st of the month).");
  std::string note = "Percentages are of all " + Thousands(total) + " persons";
  if (other_sex > 0) note += ", including " + Thousands(other_sex) + " of other or not known sex not shown by band";
  t.footnotes().push_back(note + ".");
  return t;
}

std::string QuintileLabel(int q) {
  if (q == 0) return "Not known";
  if (q == 1) return "1 (most deprived)";
  if (q == 5) return "5 (least deprived)";
  return std::to_string(q);
}
std::string DecileLabel(int d) {
  if (d == 0) return "Not known";
  if (d == 1) return "1 (most deprived)";
  if (d == 10) return "10 (least deprived)";
  return std::to_string(d);
}

// ---- data-quality section from dq_report.json (written by ingest, src/ingest/data_quality.h) ----

// The profile's charts (docs/reference/charts.md): both pyramids, the IMD decile and ethnic group
// mixes, and activity rates by year (prescribing apart: its items per person are two orders of
// magnitude above other settings' events and would flatten them).
void AddProfileCharts(report::Report& out) {
  using report::ChartKind;
  using report::ChartSpec;
  auto chart = [&](std::string name, std::string table, ChartKind kind, std::string x, std::vector<std::string> y,
                   std::string description) {
    const Table* t = out.Find(table);
    if (t == nullptr) return static_cast<ChartSpec*>(nullptr);
    ChartSpec c;
    c.name = std::move(name);
    c.title = t->title();
    c.description = std::move(description);
    c.kind = kind;
    c.table = std::move(table);
    c.x = std::move(x);
    c.y = std::move(y);
    out.charts.push_back(std::move(c));
    return &out.charts.back();
  };
  if (auto* c = chart("pyramid_registered", "pyramid_registered", ChartKind::kPyramid, "age_band", {"male", "female"},
                      "Population pyramid of persons registered with a GP practice, males left and females right, "
                      "by five-year age band"))
    c->y_label = "Registered persons";
  if (auto* c = chart("pyramid_residents", "pyramid_residents", ChartKind::kPyramid, "age_band", {"male", "female"},
                      "Population pyramid of residents, males left and females right, by five-year age band"))
    c->y_label = "Residents";
  chart("imd_decile", "imd_decile", ChartKind::kBar, "imd_decile", {"residents"},
        "Residents by the national deprivation decile of their neighbourhood (1 = most deprived tenth of England)");
  chart("ethnic_group", "ethnic_group", ChartKind::kBar, "ethnic_group", {"residents"},
        "Residents by ethnic group (the NHS Data Dictionary's five groups and not stated)");
  std::vector<std::string> not_prescribing;
  for (int s = 0; s < kSettingCount; ++s)
    if (static_cast<Setting>(s) != Setting::kPrescribing)
      not_prescribing.emplace_back(SettingLabel(static_cast<Setting>(s)));
  if (auto* c = chart("activity_by_year", "activity_by_setting", ChartKind::kLine, "financial_year", {"rate_per_1000"},
                      "Events per 1,000 registered person-years in each setting by financial year, prescribing apart")) {
    c->title = "Activity per 1,000 registered person-years by setting and financial year";
    c->series = "setting";
    c->filter_column = "setting";
    c->filter_values = not_prescribing;
  }
  if (auto* c = chart("prescribing_by_year", "activity_by_setting", ChartKind::kLine, "financial_year",
                      {"rate_per_1000"}, "Prescription items per 1,000 registered person-years by financial year")) {
    c->title = "Prescription items per 1,000 registered person-years by financial year";
    c->filter_column = "setting";
    c->filter_values = {std::string(SettingLabel(Setting::kPrescribing))};
  }
}

Cell JsonInt(const nlohmann::json& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end() || !it->is_number_integer()) return Cell{};
  return Cell{it->get<int64_t>()};
}
int64_t JsonIntOr0(const nlohmann::json& o, const char* key) {
  const Cell c = JsonInt(o, key);
  return std::holds_alternative<int64_t>(c) ? std::get<int64_t>(c) : 0;
}
// A share 0-1 as a percentage.
Cell JsonShare(const nlohmann::json& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end() || !it->is_number()) return Cell{};
  return Cell{100.0 * it->get<double>()};
}
std::string JsonString(const nlohmann::json& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}
bool JsonFalse(const nlohmann::json& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->is_boolean() && !it->get<bool>();
}

void AddDataQuality(const nlohmann::json& dq, report::Report& out) {
  if (!dq.is_object()) return;
  auto files = dq.find("files");
  if (files != dq.end() && files->is_array()) {
    Table t("dq_files", "Data quality: files read, loaded and rejected at ingest");
    t.AddText("file", "File").AddInteger("rows_read", "Rows read").AddInteger("rows_loaded", "Loaded");
    t.AddInteger("rows_rejected", "Rejected").AddPercent("rejected_pct", "Rejected %", 2);
    t.AddInteger("duplicate_rows", "Duplicate rows").AddText("min_date", "First date").AddText("max_date", "Last date");
    struct Col {
      std::string file, column;
      Cell completeness, validity;
      double worst;
    };
    std::vector<Col> cols;
    size_t absent = 0;
    for (const auto& f : *files) {
      if (!f.is_object() || JsonFalse(f, "present")) {
        ++absent;
        continue;
      }
      const std::string file = JsonString(f, "file");
      t.AddRow({Text(file), JsonInt(f, "rows_read"), JsonInt(f, "rows_loaded"), JsonInt(f, "rows_rejected"),
                Pct(JsonIntOr0(f, "rows_rejected"), JsonIntOr0(f, "rows_read")), JsonInt(f, "duplicate_rows"),
                Text(JsonString(f, "min_date")), Text(JsonString(f, "max_date"))});
      auto fc = f.find("columns");
      if (fc == f.end() || !fc->is_array()) continue;
      for (const auto& c : *fc) {
        if (!c.is_object() || JsonFalse(c, "present")) continue;
        Col col{file, JsonString(c, "column"), JsonShare(c, "completeness"), JsonShare(c, "validity"), 100.0};
        for (const Cell* v : {&col.completeness, &col.validity})
          if (const double* d = std::get_if<double>(v)) col.worst = std::min(col.worst, *d);
        if (col.worst < 100.0) cols.push_back(std::move(col));
      }
    }
    if (absent > 0) t.footnotes().push_back(std::to_string(absent) + " optional files were not supplied.");
    out.tables.push_back(std::move(t));

    std::stable_sort(cols.begin(), cols.end(), [](const Col& a, const Col& b) { return a.worst < b.worst; });
    constexpr size_t kShown = 15;
    Table c("dq_columns", "Data quality: least complete or least valid columns");
    c.AddText("file", "File").AddText("column", "Column");
    c.AddPercent("completeness_pct", "Complete %", 2).AddPercent("validity_pct", "Valid %", 2);
    for (size_t i = 0; i < cols.size() && i < kShown; ++i)
      c.AddRow({Text(cols[i].file), Text(cols[i].column), cols[i].completeness, cols[i].validity});
    if (cols.empty()) {
      c.footnotes().push_back("Every column checked is complete and valid.");
    } else {
      c.footnotes().push_back("Columns below 100% complete or valid, worst first: " +
                              std::to_string(std::min(kShown, cols.size())) + " of " + std::to_string(cols.size()) +
                              ". Optional columns are often legitimately empty.");
    }
    out.tables.push_back(std::move(c));
  }
  auto link = dq.find("linkage");
  if (link != dq.end() && link->is_object()) {
    Table t("dq_linkage", "Data quality: activity outside GP registration");
    t.AddText("setting", "Setting").AddInteger("events", "Events");
    t.AddInteger("no_registration", "Person never registered").AddPercent("no_registration_pct", "%", 2);
    t.AddInteger("outside_registration", "Outside registration dates").AddPercent("outside_registration_pct", "%", 2);
    auto settings = link->find("settings");
    if (settings != link->end() && settings->is_array()) {
      for (const auto& st : *settings) {
        if (!st.is_object() || JsonIntOr0(st, "events") == 0) continue;
        std::string label = JsonString(st, "setting");
        for (int k = 0; k < kSettingCount; ++k)
          if (SettingName(static_cast<Setting>(k)) == label) label = std::string(SettingLabel(static_cast<Setting>(k)));
        const int64_t events = JsonIntOr0(st, "events");
        t.AddRow({Text(label), Int(events), JsonInt(st, "events_no_registration"),
                  Pct(JsonIntOr0(st, "events_no_registration"), events), JsonInt(st, "events_outside_registration"),
                  Pct(JsonIntOr0(st, "events_outside_registration"), events)});
      }
    }
    t.footnotes().push_back(Thousands(JsonIntOr0(*link, "persons_without_registration")) + " of " +
                            Thousands(JsonIntOr0(*link, "persons")) + " persons have no GP registration; " +
                            Thousands(JsonIntOr0(*link, "persons_with_activity_without_registration")) +
                            " of them have activity.");
    out.tables.push_back(std::move(t));
  }
  auto warnings = dq.find("warnings");
  if (warnings != dq.end() && warnings->is_array() && !out.tables.empty()) {
    for (const auto& w : *warnings)
      if (w.is_string()) out.tables.back().footnotes().push_back("Ingest warning: " + w.get<std::string>());
  }
}

}  // namespace

// ---- definitions ----

int AgeBand(int age_years) { return std::clamp(age_years / 5, 0, kAgeBandCount - 1); }

std::string AgeBandLabel(int band) {
  if (band >= kAgeBandCount - 1) return std::to_string(5 * (kAgeBandCount - 1)) + "+";
  return std::to_string(5 * band) + "-" + std::to_string(5 * band + 4);
}

bool AliveOn(int32_t birth, int32_t death, int32_t day) {
  return birth <= day && (death == kNoDate || death >= day);
}

int64_t DaysAlive(int32_t birth, int32_t death, int32_t from, int32_t to) {
  const int32_t lo = std::max(birth, from);
  const int32_t hi = death == kNoDate ? to : std::min(death, to);
  return hi >= lo ? static_cast<int64_t>(hi) - lo + 1 : 0;
}

int64_t DaysRegistered(const RegistrationTable& r, size_t person, int32_t birth, int32_t death, int32_t from,
                       int32_t to) {
  const int32_t lo = std::max(birth, from);
  const int32_t hi = death == kNoDate ? to : std::min(death, to);
  int64_t days = 0;
  int64_t covered_to = static_cast<int64_t>(lo) - 1;  // registrations are sorted by start: merge as we go
  for (uint64_t k = r.offsets[person]; k < r.offsets[person + 1]; ++k) {
    const int64_t s = std::max<int64_t>(r.start[k], covered_to + 1);
    const int64_t e = std::min<int64_t>(r.end[k] == kNoDate ? hi : r.end[k], hi);
    if (e >= s) {
      days += e - s + 1;
      covered_to = e;
    }
  }
  return days;
}

int FinancialYearOf(Date day) { return day.month() >= 4 ? day.year() : day.year() - 1; }
Date FinancialYearStart(int fy) { return Date::FromCivil(fy, 4, 1); }
Date FinancialYearEnd(int fy) { return Date::FromCivil(fy + 1, 3, 31); }

std::string FinancialYearLabel(int fy) {
  const int next = (fy + 1) % 100;
  return std::to_string(fy) + "/" + (next < 10 ? "0" : "") + std::to_string(next);
}

const QofRegisterInfo& QofRegister(uint8_t condition) { return kQofRegisters[condition]; }

// ---- the profile ----

Result<report::Report> ComputeProfile(const Dataset& ds, const ProfileOptions& options) {
  const int32_t first_event = ds.FirstEventDate(), last_event = ds.LastEventDate();
  Frame f;
  ClassifyAttrs(ds.attrs, f);
  f.as_at = options.as_at != kNoDate ? options.as_at : last_event;
  if (f.as_at == kNoDate)
    return Status::InvalidInput("the dataset has no activity events to take the as-at date from; give --as-at");
  f.lsoas = ds.lsoas.size();
  f.practices = ds.practices.size();
  std::array<SettingSpan, kSettingCount> spans{};
  if (first_event != kNoDate) {
    spans = SettingSpans(ds, first_event, last_event);
    f.fy_first = FinancialYearOf(Date(first_event));
    f.fy_count = FinancialYearOf(Date(last_event)) - f.fy_first + 1;
    f.first_day = FinancialYearStart(f.fy_first).days();
    std::map<std::pair<int32_t, int32_t>, int> index;
    auto window = [&](int32_t from, int32_t to) {
      auto [it, added] = index.emplace(std::make_pair(from, to), static_cast<int>(f.windows.size()));
      if (added) f.windows.emplace_back(from, to);
      return it->second;
    };
    f.setting_window.assign(static_cast<size_t>(f.fy_count) * kSettingCount, -1);
    for (int k = 0; k < f.fy_count; ++k) {
      const int32_t start = FinancialYearStart(f.fy_first + k).days(), end = FinancialYearEnd(f.fy_first + k).days();
      f.fy_of_day.insert(f.fy_of_day.end(), static_cast<size_t>(end - start + 1), static_cast<uint16_t>(k));
      f.year_window.push_back(window(start, end));
      for (int st = 0; st < kSettingCount; ++st) {
        const SettingSpan& sp = spans[static_cast<size_t>(st)];
        if (sp.events == 0) continue;
        const int32_t last = sp.monthly ? EndOfMonth(Date(sp.last)).days() : sp.last;
        const int32_t from = std::max(start, sp.first), to = std::min(end, last);
        if (from <= to) f.setting_window[static_cast<size_t>(k * kSettingCount + st)] = window(from, to);
      }
    }
  }

  // One pass over persons in fixed chunks; chunk counters combined in chunk order.
  const size_t n = ds.person_count();
  const size_t chunk_persons = std::max(kMinChunkPersons, (n + kMaxChunks - 1) / kMaxChunks);
  const size_t chunks = (n + chunk_persons - 1) / chunk_persons;
  std::vector<Counts> parts(chunks, Counts(f));
  ParallelFor(chunks, 1, [&](size_t b, size_t e) {
    for (size_t k = b; k < e; ++k)
      CountChunk(ds, f, k * chunk_persons, std::min(n, (k + 1) * chunk_persons), parts[k]);
  });
  Counts c(f);
  for (const auto& part : parts) c.Add(part);
  parts.clear();

  const std::string as_at = Date(f.as_at).ToIso();
  report::Report out;
  out.title = "Population and activity profile";
  if (!options.dataset_label.empty()) out.metadata.emplace_back("dataset", options.dataset_label);
  if (!options.generation.empty()) out.metadata.emplace_back("generation", options.generation);
  out.metadata.emplace_back("source_format", ds.source_format.empty() ? "unknown" : ds.source_format);
  out.metadata.emplace_back("as_at", as_at);
  out.metadata.emplace_back("as_at_rule", options.as_at != kNoDate ? "given" : "last event date in the dataset");
  if (first_event != kNoDate) {
    out.metadata.emplace_back("first_event_date", Date(first_event).ToIso());
    out.metadata.emplace_back("last_event_date", Date(last_event).ToIso());
  }

  {
    Table t("overview", "Overview on " + as_at);
    t.AddText("measure", "Measure").AddCount("value", "Value");
    t.AddRow({Text("Persons in the dataset"), Int(c.persons)});
    t.AddRow({Text("Residents alive on " + as_at), Int(c.alive)});
    t.AddRow({Text("Registered with a GP practice on " + as_at), Int(c.registered)});
    t.AddRow({Text("Died before " + as_at), Int(c.died_before)});
    t.AddRow({Text("Born after " + as_at), Int(c.born_after)});
    t.AddRow({Text("Residents of other or not known sex"), Int(c.alive_other_sex)});
    if (!options.dq_report_problem.empty()) t.footnotes().push_back(options.dq_report_problem);
    out.tables.push_back(std::move(t));
    // Sizes of the data's tables: rows and reference entries, not people (no disclosure rounding).
    Table d("dataset_tables", "Dataset tables");
    d.AddText("table", "Table").AddInteger("rows", "Rows");
    d.AddRow({Text("LSOAs"), Int(static_cast<int64_t>(ds.lsoas.size()))});
    d.AddRow({Text("GP practices"), Int(static_cast<int64_t>(ds.practices.size()))});
    d.AddRow({Text("Activity events"), Int(static_cast<int64_t>(ds.events.size()))});
    d.AddRow({Text("Coded clinical entries"), Int(static_cast<int64_t>(ds.coded.size()))});
    d.AddRow({Text("Condition register entries"), Int(static_cast<int64_t>(ds.conditions.size()))});
    out.tables.push_back(std::move(d));
  }
  out.tables.push_back(Pyramid(c, 0, "pyramid_residents", "Residents alive on " + as_at + " by age and sex",
                               c.alive, c.alive_other_sex));
  out.tables.push_back(Pyramid(c, 1, "pyramid_registered",
                               "Registered with a GP practice on " + as_at + " by age and sex", c.registered,
                               c.registered_other_sex));
  {
    // Deprivation of the LSOA of residence; "Not known" only when there is any.
    auto imd = [&](const char* name, const char* label, const int64_t* counts, int top,
                   std::string (*row_label)(int)) {
      Table t(name, "Residents on " + as_at + " by deprivation " + label + " (IMD)");
      t.AddText(name, std::string("IMD ") + label).AddCount("residents", "Residents");
      t.AddPercent("pct", "%", 1).BasedOn({"residents"});
      for (int k = 1; k <= top; ++k) t.AddRow({Text(row_label(k)), Int(counts[k]), Pct(counts[k], c.alive)});
      if (counts[0] > 0) t.AddRow({Text(row_label(0)), Int(counts[0]), Pct(counts[0], c.alive)});
      t.AddBar(1);
      t.footnotes().push_back(std::string("Index of Multiple Deprivation ") + label +
                              " of the LSOA of residence; 1 = most deprived in England.");
      return t;
    };
    out.tables.push_back(imd("imd_quintile", "quintile", c.imd_quintile.data(), 5, QuintileLabel));
    out.tables.push_back(imd("imd_decile", "decile", c.imd_decile.data(), 10, DecileLabel));
  }
  {
    Table groups("ethnic_group", "Residents on " + as_at + " by ethnic group");
    groups.AddText("ethnic_group", "Ethnic group").AddCount("residents", "Residents");
    groups.AddPercent("pct", "%", 1).BasedOn({"residents"});
    std::vector<std::pair<std::string, int64_t>> by_group;  // in code order: White, Mixed, Asian, ...
    for (int e = 0; e < kEthnic; ++e) {
      const std::string g(EthnicGroup(static_cast<uint8_t>(e)));
      if (by_group.empty() || by_group.back().first != g) by_group.emplace_back(g, 0);
      by_group.back().second += c.ethnicity[static_cast<size_t>(e)];
    }
    for (const auto& [g, v] : by_group) groups.AddRow({Text(g), Int(v), Pct(v, c.alive)});
    groups.AddBar(1);
    out.tables.push_back(std::move(groups));
    Table cats("ethnic_category", "Residents on " + as_at + " by ethnic category (NHS Data Dictionary)");
    cats.AddText("code", "Code").AddText("ethnic_category", "Ethnic category").AddText("ethnic_group", "Group");
    cats.AddCount("residents", "Residents").AddPercent("pct", "%", 1).BasedOn({"residents"});
    for (int e = 0; e < kEthnic; ++e) {
      const auto idx = static_cast<uint8_t>(e);
      cats.AddRow({Text(std::string(kEthnicCodes[idx])), Text(std::string(EthnicLabel(idx))),
                   Text(std::string(EthnicGroup(idx))), Int(c.ethnicity[idx]), Pct(c.ethnicity[idx], c.alive)});
    }
    out.tables.push_back(std::move(cats));
  }
  {
    Table t("practices", "GP practice registered lists on " + as_at);
    t.AddText("practice_code", "Practice").AddText("practice_name", "Name").AddText("pcn_code", "PCN");
    t.AddText("pcn_name", "PCN name").AddText("sub_icb", "Sub-ICB").AddText("place", "Place");
    t.AddCount("registered", "Registered").AddPercent("pct", "% of registered", 2).BasedOn({"registered"});
    std::vector<size_t> order(ds.practices.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return ds.practices.code.at(static_cast<uint32_t>(a)) <
                                               ds.practices.code.at(static_cast<uint32_t>(b)); });
    const auto& pr = ds.practices;
    auto col = [](const std::vector<std::string>& v, size_t i) { return i < v.size() ? v[i] : std::string(); };
    for (size_t i : order)
      t.AddRow({Text(pr.code.at(static_cast<uint32_t>(i))), Text(col(pr.name, i)), Text(col(pr.pcn_code, i)),
                Text(col(pr.pcn_name, i)), Text(col(pr.sub_icb, i)), Text(col(pr.place_name, i)),
                Int(c.practice_registered[i]), Pct(c.practice_registered[i], c.registered)});
    if (c.unknown_practice > 0)
      t.footnotes().push_back(Thousands(c.unknown_practice) +
                              " registered persons have a practice missing from the practice table.");
    out.tables.push_back(std::move(t));
  }
  {
    // Places and sub-ICBs: residents by LSOA of residence, registered persons by practice.
    struct Area {
      std::string code;
      int64_t residents = 0, registered = 0;
    };
    std::map<std::string, Area> places, sub_icbs;
    const auto& l = ds.lsoas;
    for (size_t i = 0; i < l.size(); ++i) {
      const std::string pname = i < l.place_name.size() ? l.place_name[i] : "";
      Area& a = places[pname];
      if (a.code.empty() && i < l.place_code.size()) a.code = l.place_code[i];
      a.residents += c.lsoa_residents[i];
      sub_icbs[i < l.sub_icb.size() ? l.sub_icb[i] : ""].residents += c.lsoa_residents[i];
    }
    const auto& pr = ds.practices;
    for (size_t i = 0; i < pr.size(); ++i) {
      places[i < pr.place_name.size() ? pr.place_name[i] : ""].registered += c.practice_registered[i];
      sub_icbs[i < pr.sub_icb.size() ? pr.sub_icb[i] : ""].registered += c.practice_registered[i];
    }
    Table t("places", "Places on " + as_at + ": residents and registered persons");
    t.AddText("place", "Place").AddText("place_code", "Code").AddCount("residents", "Residents");
    t.AddPercent("residents_pct", "Residents %", 1).BasedOn({"residents"}).AddCount("registered", "Registered");
    t.AddPercent("registered_pct", "Registered %", 1).BasedOn({"registered"});
    for (const auto& [name, a] : places)
      t.AddRow({Text(name.empty() ? "Not known" : name), Text(a.code), Int(a.residents), Pct(a.residents, c.alive),
                Int(a.registered), Pct(a.registered, c.registered)});
    t.footnotes().push_back(
        "Residents: by the place of their LSOA of residence. Registered: by the place of their practice.");
    out.tables.push_back(std::move(t));
    Table s("sub_icbs", "Sub-ICB locations on " + as_at + ": residents and registered persons");
    s.AddText("sub_icb", "Sub-ICB").AddCount("residents", "Residents");
    s.AddPercent("residents_pct", "Residents %", 1).BasedOn({"residents"});
    s.AddCount("registered", "Registered").AddPercent("registered_pct", "Registered %", 1).BasedOn({"registered"});
    for (const auto& [code, a] : sub_icbs)
      s.AddRow({Text(code.empty() ? "Not known" : code), Int(a.residents), Pct(a.residents, c.alive), Int(a.registered),
                Pct(a.registered, c.registered)});
    out.tables.push_back(std::move(s));
  }
  {
    Table t("ltc_registers", "Long-term condition registers (QOF) on " + as_at);
    t.AddText("condition", "Register").AddText("label", "Condition").AddText("age_group", "Denominator");
    t.AddCount("register", "On register").AddCount("list_size", "Registered list");
    t.AddPercent("prevalence_pct", "Recorded prevalence %", 2).BasedOn({"register", "list_size"});
    for (int q = 0; q < kQof; ++q) {
      const auto& info = kQofRegisters[static_cast<size_t>(q)];
      t.AddRow({Text(std::string(info.code)), Text(std::string(info.label)), Text(std::string(info.list_type)),
                Int(c.ltc_register[static_cast<size_t>(q)]), Int(c.ltc_denominator[static_cast<size_t>(q)]),
                Pct(c.ltc_register[static_cast<size_t>(q)], c.ltc_denominator[static_cast<size_t>(q)])});
    }
    t.footnotes().push_back(
        "On register: alive and registered with a practice on the as-at date, with a register entry dated on or "
        "before it, in the register's age group (e.g. 17OV: aged 17 or over).");
    t.footnotes().push_back("Registered list: persons alive and registered on the as-at date in that age group "
                            "(the QOF prevalence denominator).");
    out.tables.push_back(std::move(t));
  }
  if (f.fy_count > 0) {
    auto years_of = [&](const std::vector<int64_t>& days, int w, int k) {
      const int32_t fy_days = FinancialYearEnd(f.fy_first + k) - FinancialYearStart(f.fy_first + k) + 1;
      return static_cast<double>(days[static_cast<size_t>(w)]) / fy_days;
    };
    // Rates use the registered population's person-time, the ICB's own denominator.
    auto person_years = [&](int w, int k) { return years_of(c.registered_days, w, k); };
    Table years("financial_years", "Financial years with activity: resident and registered person-time");
    years.AddText("financial_year", "Year").AddText("start", "Start").AddText("end", "End");
    years.AddInteger("days", "Days").AddDecimal("person_years", "Resident person-years", 1);
    years.AddDecimal("registered_person_years", "Registered person-years", 1);
    for (int k = 0; k < f.fy_count; ++k) {
      const Date start = FinancialYearStart(f.fy_first + k), end = FinancialYearEnd(f.fy_first + k);
      const int w = f.year_window[static_cast<size_t>(k)];
      years.AddRow({Text(FinancialYearLabel(f.fy_first + k)), Text(start.ToIso()), Text(end.ToIso()),
                    Int(end - start + 1), Cell{years_of(c.person_days, w, k)}, Cell{person_years(w, k)}});
    }
    years.footnotes().push_back("Resident person-years: days alive in the year (birth and death days included), "
                                "summed over persons in the dataset, divided by the days in the year.");
    years.footnotes().push_back("Registered person-years: the same counting only days registered with a GP "
                                "practice; the denominator of every activity rate.");
    out.tables.push_back(std::move(years));

    Table t("activity", "Activity and cost by setting, point of delivery and financial year");
    t.AddText("financial_year", "Year").AddText("setting", "Setting").AddText("pod", "POD");
    t.AddText("pod_label", "Point of delivery").AddText("coverage", "Coverage");
    t.AddText("covered_from", "From").AddText("covered_to", "To").AddCount("events", "Events");
    t.AddCount("people", "People").AddDecimal("cost_gbp", "Cost (GBP)", 2).BasedOn({"events", "people"});
    t.AddDecimal("person_years", "Registered person-years", 1);
    t.AddDecimal("rate_per_1000", "Rate per 1,000", 1).BasedOn({"events"});
    t.AddCount("not_attended", "Not attended");
    // PODs with any activity in any year get a row in every year their setting's data covers.
    std::array<bool, kPodCount> pod_used{};
    for (int k = 0; k < f.fy_count; ++k)
      for (int p = 0; p < kPodCount; ++p)
        pod_used[static_cast<size_t>(p)] |= c.pod_events[static_cast<size_t>(k * kPodCount + p)] > 0 ||
                                            c.pod_cost[static_cast<size_t>(k * kPodCount + p)] != 0 ||
                                            c.pod_not_attended[static_cast<size_t>(k * kPodCount + p)] > 0;
    for (int k = 0; k < f.fy_count; ++k) {
      const auto ku = static_cast<size_t>(k);
      const std::string fy = FinancialYearLabel(f.fy_first + k);
      for (int s = 0; s < kSettingCount; ++s) {
        const int w = f.setting_window[ku * kSettingCount + static_cast<size_t>(s)];
        if (w < 0) continue;  // no data for this setting in this year
        const auto setting = static_cast<Setting>(s);
        const auto [from, to] = f.windows[static_cast<size_t>(w)];
        const bool full = from == FinancialYearStart(f.fy_first + k).days() &&
                          to == FinancialYearEnd(f.fy_first + k).days();
        const double py = person_years(w, k);
        auto row = [&](std::string pod, std::string label, int64_t events, int64_t people, std::optional<int64_t> cost,
                       int64_t not_attended) {
          t.AddRow({Text(fy), Text(std::string(SettingLabel(setting))), Text(std::move(pod)), Text(std::move(label)),
                    Text(full ? "full" : "partial"), Text(Date(from).ToIso()), Text(Date(to).ToIso()), Int(events),
                    Int(people), cost ? Gbp(*cost) : Cell{}, Cell{py},
                    py > 0 ? Cell{1000.0 * static_cast<double>(events) / py} : Cell{}, Int(not_attended)});
        };
        std::vector<int> pods;
        for (int p = 0; p < kPodCount; ++p)
          if (PodSetting(static_cast<Pod>(p)) == setting && pod_used[static_cast<size_t>(p)]) pods.push_back(p);
        const size_t sc = ku * kSettingCount + static_cast<size_t>(s);
        int64_t set_not_attended = 0;
        for (int p : pods) set_not_attended += c.pod_not_attended[ku * kPodCount + static_cast<size_t>(p)];
        if (pods.size() != 1)
          row("ALL", "All points of delivery", c.set_events[sc], c.set_people[sc], c.set_cost[sc], set_not_attended);
        for (int p : pods) {
          const size_t pc = ku * kPodCount + static_cast<size_t>(p);
          const auto pod = static_cast<Pod>(p);
          row(std::string(PodName(pod)), std::string(PodLabel(pod)), c.pod_events[pc], c.pod_people[pc],
              c.pod_cost[pc], c.pod_not_attended[pc]);
        }
        if (setting == Setting::kSocialCare)
          row("ASC_LT", "People receiving long-term support in the year", c.asc_long_term_people[ku],
              c.asc_long_term_people[ku], std::nullopt, 0);
      }
    }
    t.footnotes().push_back(
        "Events: one per attendance, contact, appointment, spell or service; prescribing counts items. GP and "
        "outpatient appointments not attended (did not attend, cancelled, status unknown) are not events: they are "
        "counted in not_attended.");
    t.footnotes().push_back(
        "ASC_LT: people with a long-term social care service (nursing, residential, home care, direct payment, day "
        "care, supported living) active on any day of the year; services are otherwise counted in their start year.");
    t.footnotes().push_back(
        "People: distinct persons with at least one such event in the year. Cost: sum of event costs.");
    t.footnotes().push_back(
        "Coverage: a setting's data is taken to run from its first to its last event date (to the end of that month "
        "when every event is dated the 1st); a year it does not wholly cover is partial.");
    t.footnotes().push_back(
        "Rate: events per 1,000 registered person-years over the covered days, so partial years are annualised.");
    out.tables.push_back(std::move(t));

    // One row per setting and year (the settings' totals from the table above), for the trend chart.
    Table by("activity_by_setting", "Activity per 1,000 registered person-years by setting and financial year");
    by.AddText("financial_year", "Year").AddText("setting", "Setting").AddCount("events", "Events");
    by.AddDecimal("person_years", "Registered person-years", 1);
    by.AddDecimal("rate_per_1000", "Rate per 1,000", 1).BasedOn({"events"});
    for (int k = 0; k < f.fy_count; ++k) {
      const auto ku = static_cast<size_t>(k);
      for (int s = 0; s < kSettingCount; ++s) {
        const int w = f.setting_window[ku * kSettingCount + static_cast<size_t>(s)];
        if (w < 0) continue;
        const int64_t events = c.set_events[ku * kSettingCount + static_cast<size_t>(s)];
        const double py = person_years(w, k);
        by.AddRow({Text(FinancialYearLabel(f.fy_first + k)), Text(std::string(SettingLabel(static_cast<Setting>(s)))),
                   Int(events), Cell{py}, py > 0 ? Cell{1000.0 * static_cast<double>(events) / py} : Cell{}});
      }
    }
    by.footnotes().push_back("Events and rates as in the activity table (the settings' all points of delivery rows); "
                             "prescribing counts items.");
    out.tables.push_back(std::move(by));
  }
  AddProfileCharts(out);
  if (options.dq_report) AddDataQuality(*options.dq_report, out);
  return out;
}

Result<report::Report> ProfileDatasetDir(const std::string& dir, ProfileOptions options) {
  auto gen = DatasetDir::Current(dir);
  if (!gen.ok()) return gen.status();
  auto ds = Dataset::Load((std::filesystem::path(*gen) / DatasetDir::kSnapshotFile).string());
  if (!ds.ok()) return ds.status();
  if (options.dataset_label.empty()) options.dataset_label = dir;
  options.generation = std::filesystem::path(*gen).filename().string();
  const std::string dq_path = (std::filesystem::path(*gen) / "dq_report.json").string();
  if (!options.dq_report && std::filesystem::exists(dq_path)) {
    auto text = ReadFile(dq_path);
    if (text.ok()) {
      auto j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
      if (j.is_discarded()) {
        options.dq_report_problem = "dq_report.json is not valid JSON; data-quality tables omitted.";
      } else {
        options.dq_report = std::move(j);
      }
    } else {
      options.dq_report_problem = "dq_report.json could not be read; data-quality tables omitted.";
    }
  }
  return ComputeProfile(ds.value(), options);
}

}  // namespace icb
