// Baseline builder: one pass over a financial year's events, person by person, into spell rows and
// aggregated cells. Definitions: docs/reference/forecast-baseline.md.
#include "forecast/baseline_builder.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>

#include "core/date.h"
#include "core/parallel.h"
#include "forecast/forecast_data_csv.h"
#include "forecast/segment_transitions.h"

namespace icb::forecast {
namespace {

constexpr size_t kChunkPersons = 2048;  // fixed work unit: results never depend on the thread count
constexpr int kMaxStrategies = 32;      // strategy sets are 32-bit masks in the aggregation key

int32_t FirstApril(int year) { return Date::FromCivil(year, 4, 1).days(); }

Result<int> ParseInt(const ForecastDataCsv& t, size_t row, const char* column, int fallback) {
  const std::string& v = t.rows[row][static_cast<size_t>(t.Column(column))];
  if (v.empty()) return fallback;
  int x = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (ec != std::errc() || p != v.data() + v.size()) {
    return Status::InvalidInput(t.Where(row, column) + ": expected a whole number, found '" + v + "'");
  }
  return x;
}

std::vector<std::string> SplitList(const std::string& v) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= v.size()) {
    const size_t semi = v.find(';', start);
    std::string item = v.substr(start, semi == std::string::npos ? std::string::npos : semi - start);
    if (!item.empty()) out.push_back(item);
    if (semi == std::string::npos) break;
    start = semi + 1;
  }
  return out;
}

// Per `attrs` id: classes of setting-specific codes (NHS Data Dictionary ATTENDED OR DID NOT ATTEND:
// 5 and 6 attended, 0/2/3/4/7 not; FIRST ATTENDANCE 3 and 4 remote; GP status DNA/UNKNOWN not
// attended; long-term support as in the Adult Social Care Activity and Finance Report).
struct AttrClasses {
  std::vector<uint8_t> gp_not_attended, op_not_attended, op_remote, asc_long_term;
  static bool Has(const std::vector<uint8_t>& v, uint32_t id) { return id < v.size() && v[id] != 0; }
};

AttrClasses ClassifyAttrs(const Dictionary& attrs) {
  AttrClasses c;
  const size_t n = attrs.size();
  c.gp_not_attended.assign(n, 0);
  c.op_not_attended.assign(n, 0);
  c.op_remote.assign(n, 0);
  c.asc_long_term.assign(n, 0);
  for (uint32_t id = 0; id < n; ++id) {
    const std::string_view v = attrs.Get(id);
    c.gp_not_attended[id] = v == "DNA" || v == "UNKNOWN";
    c.op_not_attended[id] = v == "0" || v == "2" || v == "3" || v == "4" || v == "7";
    c.op_remote[id] = v == "3" || v == "4";
    c.asc_long_term[id] = v == "NURSING" || v == "RESIDENTIAL" || v == "HOME_CARE" || v == "DIRECT_PAYMENT" ||
                          v == "DAY_CARE" || v == "SUPPORTED_LIVING";
  }
  return c;
}

// Aggregation key: a = type | age<<4 | sex<<11 | imd<<12 | segment<<15 | place<<19; b = provider | mask<<32.
struct Key {
  uint64_t a = 0, b = 0;
  bool operator==(const Key&) const = default;
  bool operator<(const Key& o) const { return a != o.a ? a < o.a : b < o.b; }
};
struct Cell {
  int64_t units = 0;  // events, items, or days of social care support
  int64_t cost_pence = 0;
};
struct Spell {
  uint8_t type, age, sex, imd, segment;
  uint16_t place, los;
  uint32_t provider, mask;
  int64_t cost_pence;
};
struct Entry {
  Key key;
  Cell cell;
};
struct ChunkOut {
  std::vector<Spell> spells;
  std::vector<Entry> cells;  // one per event while building; sorted and summed by key at the chunk's end
};

// Sorts entries by key and sums equal keys (integer sums: exact, order-free).
void Reduce(std::vector<Entry>& v) {
  std::sort(v.begin(), v.end(), [](const Entry& x, const Entry& y) { return x.key < y.key; });
  size_t w = 0;
  for (size_t r = 0; r < v.size(); ++r) {
    if (w > 0 && v[w - 1].key == v[r].key) {
      v[w - 1].cell.units += v[r].cell.units;
      v[w - 1].cell.cost_pence += v[r].cell.cost_pence;
    } else {
      v[w++] = v[r];
    }
  }
  v.resize(w);
}

struct Frame {
  const Dataset* ds = nullptr;
  int32_t ys = 0, ye = 0, data_end = 0;
  const PersonScores* scores = nullptr;
  const std::vector<StrategyRule>* rules = nullptr;
  AttrClasses attrs;
  std::vector<uint32_t> code_mask;       // by `codes` id: rules whose diagnosis list matches
  std::vector<uint32_t> rule_types;      // per rule: bit per ActivityType
  std::vector<uint32_t> rule_arrival;    // per rule: attrs id of the arrival mode (kNone: any)
  std::vector<uint16_t> place_of_lsoa;
  uint16_t unknown_place = 0;
};

// The event's activity type, or -1 when it is not activity (DNA, short-term social care, ...).
int TypeOf(const Frame& f, const EventTable& ev, size_t e) {
  switch (static_cast<Pod>(ev.pod[e])) {
    case Pod::kAe: return static_cast<int>(ActivityType::kAe);
    case Pod::kElective: return static_cast<int>(ActivityType::kElective);
    case Pod::kDayCase: return static_cast<int>(ActivityType::kDayCase);
    case Pod::kNonElective: return static_cast<int>(ActivityType::kNonElective);
    case Pod::kMaternity: return static_cast<int>(ActivityType::kMaternity);
    case Pod::kOutpatientFirst:
    case Pod::kOutpatientFollowUp:
      if (AttrClasses::Has(f.attrs.op_not_attended, ev.attr2[e])) return -1;
      if (AttrClasses::Has(f.attrs.op_remote, ev.attr3[e])) return static_cast<int>(ActivityType::kOpTele);
      return static_cast<int>(static_cast<Pod>(ev.pod[e]) == Pod::kOutpatientFirst ? ActivityType::kOpFirst
                                                                                    : ActivityType::kOpFollowUp);
    case Pod::kGpAppointment:
      return AttrClasses::Has(f.attrs.gp_not_attended, ev.attr3[e]) ? -1 : static_cast<int>(ActivityType::kGp);
    case Pod::kCommunity: return static_cast<int>(ActivityType::kCommunity);
    case Pod::kMentalHealth: return static_cast<int>(ActivityType::kMentalHealth);
    case Pod::kSocialCare:
      return AttrClasses::Has(f.attrs.asc_long_term, ev.attr1[e]) ? static_cast<int>(ActivityType::kSocialCare) : -1;
    case Pod::kPrescribing: return static_cast<int>(ActivityType::kPrescribing);
  }
  return -1;
}

void BuildChunk(const Frame& f, size_t begin, size_t end, ChunkOut& out) {
  const Dataset& ds = *f.ds;
  const EventTable& ev = ds.events;
  const CodedTable& coded = ds.coded;
  const std::vector<StrategyRule>& rules = *f.rules;
  const int y = Date(f.ys).year();
  for (size_t p = begin; p < end; ++p) {
    const uint64_t e0 = ev.offsets[p], e1 = ev.offsets[p + 1];
    if (e0 == e1) continue;
    // Events from the year's start (social care: any start on or before the year's end).
    const uint64_t first_in_year = static_cast<uint64_t>(
        std::lower_bound(ev.date.begin() + static_cast<ptrdiff_t>(e0), ev.date.begin() + static_cast<ptrdiff_t>(e1), f.ys) -
        ev.date.begin());
    const uint64_t after_year = static_cast<uint64_t>(
        std::upper_bound(ev.date.begin() + static_cast<ptrdiff_t>(first_in_year), ev.date.begin() + static_cast<ptrdiff_t>(e1), f.ye) -
        ev.date.begin());
    bool any = false;
    for (uint64_t e = e0; e < after_year && !any; ++e)
      any = e >= first_in_year || ev.setting[e] == static_cast<uint8_t>(Setting::kSocialCare);
    if (!any) continue;

    const uint8_t sex = static_cast<uint8_t>(ForecastSex(ds.persons.sex[p], static_cast<uint32_t>(p)));
    const uint32_t lsoa = ds.persons.lsoa[p];
    const bool lsoa_ok = lsoa < ds.lsoas.size();
    const uint8_t imd = lsoa_ok ? ds.lsoas.imd_quintile[lsoa] : 0;
    const uint16_t place = lsoa_ok ? f.place_of_lsoa[lsoa] : f.unknown_place;
    const uint8_t segment = f.scores->in_population[p] ? f.scores->segment[p] : 0;
    // Age on each day of the year: the age on 1 April, plus one from the birthday inside the year
    // (births are recorded as the first day of the birth month).
    const Date birth(ds.persons.birth[p]);
    const int age_at_start = birth.AgeOn(Date(f.ys));
    const int bm = birth.month();
    const int32_t birthday = bm == 4 ? INT32_MAX : Date::FromCivil(bm > 4 ? y : y + 1, bm, 1).days();
    auto age_on = [&](int32_t d) {
      return static_cast<uint8_t>(std::clamp(age_at_start + (d >= birthday ? 1 : 0), 0, kMaxAge));
    };
    int ae_attendances = 0;
    for (uint64_t e = first_in_year; e < after_year; ++e) ae_attendances += ev.pod[e] == static_cast<uint8_t>(Pod::kAe);
    const int32_t death = ds.persons.death[p];
    int32_t covered_until = f.ys - 1;  // social care days already counted for this person
    bool have_care_cell = false;       // the cell of this person's last counted social care days
    Key care_cell;

    for (uint64_t e = e0; e < after_year; ++e) {
      const bool in_year = e >= first_in_year;
      const bool social = ev.setting[e] == static_cast<uint8_t>(Setting::kSocialCare);
      if (!in_year && !social) continue;
      const int type = TypeOf(f, ev, e);
      if (type < 0) continue;
      const int32_t date = ev.date[e];
      const uint8_t age = age_on(std::max(date, f.ys));
      const bool spell = type == static_cast<int>(ActivityType::kElective) || type == static_cast<int>(ActivityType::kDayCase) ||
                         type == static_cast<int>(ActivityType::kNonElective) || type == static_cast<int>(ActivityType::kMaternity);
      int los = 0;
      if (spell) {
        const int32_t discharge = ev.end_date[e] == kNoDate ? std::max(f.data_end, date) : ev.end_date[e];
        los = std::clamp(discharge - date, 0, 65535);
      }
      // Strategies that apply.
      uint32_t mask = 0;
      for (size_t r = 0; r < rules.size(); ++r) {
        const StrategyRule& rule = rules[r];
        if (!(f.rule_types[r] >> type & 1u)) continue;
        if (age < rule.min_age || age > rule.max_age) continue;
        if (rule.max_los >= 0 && (!spell || los > rule.max_los)) continue;
        if (!rule.segments.empty() && std::find(rule.segments.begin(), rule.segments.end(), segment) == rule.segments.end()) continue;
        if (rule.no_procedure && ev.procedure[e] != Dictionary::kNone) continue;
        if (rule.min_ae_attendances > 0 && ae_attendances < rule.min_ae_attendances) continue;
        if (f.rule_arrival[r] != Dictionary::kNone && ev.attr2[e] != f.rule_arrival[r]) continue;
        if (!rule.diagnosis_list.empty()) {
          const uint32_t bit = 1u << r;
          bool hit = ev.code[e] < f.code_mask.size() && (f.code_mask[ev.code[e]] & bit);
          if (!hit && rule.diagnosis_any) {
            for (uint64_t c = coded.offsets[p]; c < coded.offsets[p + 1] && coded.date[c] <= date && !hit; ++c) {
              hit = coded.date[c] == date && coded.system[c] == static_cast<uint8_t>(CodeSystem::kIcd10) &&
                    coded.code[c] < f.code_mask.size() && (f.code_mask[coded.code[c]] & bit);
            }
          }
          if (!hit) continue;
        }
        mask |= 1u << r;
      }
      if (spell) {
        out.spells.push_back(Spell{static_cast<uint8_t>(type), age, sex, imd, segment, place,
                                   static_cast<uint16_t>(HasLengthOfStay(static_cast<ActivityType>(type)) ? los : 0),
                                   ev.provider[e], mask, ev.cost_pence[e]});
        continue;
      }
      int64_t units = 1, cost = ev.cost_pence[e];
      if (type == static_cast<int>(ActivityType::kPrescribing)) units = ev.quantity[e];
      if (type == static_cast<int>(ActivityType::kSocialCare)) {
        // Days of support inside the year not already counted for this person; the cost pro rata
        // to the service's days inside the year (open services run to the data's end).
        int32_t stop = ev.end_date[e] == kNoDate ? f.ye : ev.end_date[e];
        if (death != kNoDate) stop = std::min(stop, death);
        const int32_t s = std::max({date, f.ys, covered_until + 1});
        const int32_t t = std::min(stop, f.ye);
        units = t >= s ? t - s + 1 : 0;
        if (t >= s) covered_until = t;
        const int32_t period_end = ev.end_date[e] == kNoDate ? std::max(f.data_end, date) : ev.end_date[e];
        const int64_t period = std::max<int64_t>(1, static_cast<int64_t>(period_end) - date + 1);
        const int64_t in_year = std::max<int64_t>(
            0, static_cast<int64_t>(std::min(period_end, f.ye)) - std::max(date, f.ys) + 1);
        cost = static_cast<int64_t>(std::llround(static_cast<double>(ev.cost_pence[e]) * static_cast<double>(in_year) /
                                                 static_cast<double>(period)));
        if (units == 0 && cost == 0) continue;
        if (units == 0 && have_care_cell) {  // days all counted already: the cost joins that cell
          out.cells.push_back(Entry{care_cell, Cell{0, cost}});
          continue;
        }
      }
      Key k;
      k.a = static_cast<uint64_t>(type) | static_cast<uint64_t>(age) << 4 | static_cast<uint64_t>(sex) << 11 |
            static_cast<uint64_t>(imd) << 12 | static_cast<uint64_t>(segment) << 15 | static_cast<uint64_t>(place) << 19;
      k.b = static_cast<uint64_t>(ev.provider[e]) | static_cast<uint64_t>(mask) << 32;
      if (type == static_cast<int>(ActivityType::kSocialCare) && units > 0) {
        have_care_cell = true;
        care_cell = k;
      }
      out.cells.push_back(Entry{k, Cell{units, cost}});
    }
  }
  Reduce(out.cells);
}

}  // namespace

int LatestCompleteYear(const Dataset& ds) {
  const int32_t first = ds.FirstEventDate(), last = ds.LastEventDate();
  if (first == kNoDate || last == kNoDate) return 0;
  int y = Date(last).year();
  while (Date::FromCivil(y + 1, 3, 31).days() > last) --y;
  return FirstApril(y) >= first ? y : 0;
}

Result<std::vector<StrategyRule>> LoadStrategyRules(const std::string& path, const std::string& data_dir) {
  const std::vector<std::string> cols = {"strategy", "types", "min_age", "max_age", "max_los", "segments",
                                         "diagnosis_list", "diagnosis_scope", "no_procedure", "min_ae_attendances",
                                         "ae_arrival_mode", "sample_rate", "source"};
  auto t = ReadForecastDataCsv(path, cols);
  if (!t.ok()) return t.status();
  std::vector<StrategyRule> rules;
  for (size_t r = 0; r < t->rows.size(); ++r) {
    auto get = [&](const char* c) -> const std::string& { return t->rows[r][static_cast<size_t>(t->Column(c))]; };
    StrategyRule rule;
    rule.name = get("strategy");
    if (rule.name.empty()) return Status::InvalidInput(t->Where(r, "strategy") + ": empty");
    for (const auto& rr : rules)
      if (rr.name == rule.name) return Status::InvalidInput(t->Where(r, "strategy") + ": '" + rule.name + "' is declared twice");
    for (const std::string& name : SplitList(get("types"))) {
      auto type = ParseActivityType(name);
      if (!type.ok()) return Status::InvalidInput(t->Where(r, "types") + ": " + type.status().message());
      rule.types.push_back(*type);
    }
    if (rule.types.empty()) return Status::InvalidInput(t->Where(r, "types") + ": at least one activity type is needed");
    auto min_age = ParseInt(*t, r, "min_age", 0);
    auto max_age = ParseInt(*t, r, "max_age", kMaxAge);
    auto max_los = ParseInt(*t, r, "max_los", -1);
    auto min_ae = ParseInt(*t, r, "min_ae_attendances", 0);
    auto no_proc = ParseInt(*t, r, "no_procedure", 0);
    for (auto* v : {&min_age, &max_age, &max_los, &min_ae, &no_proc})
      if (!v->ok()) return v->status();
    rule.min_age = *min_age;
    rule.max_age = *max_age;
    rule.max_los = *max_los;
    rule.min_ae_attendances = *min_ae;
    rule.no_procedure = *no_proc != 0;
    if (rule.min_age < 0 || rule.max_age > kMaxAge || rule.min_age > rule.max_age) {
      return Status::InvalidInput(t->Where(r, "min_age") + ": ages must satisfy 0 <= min_age <= max_age <= " +
                                  std::to_string(kMaxAge));
    }
    for (const std::string& s : SplitList(get("segments"))) {
      int v = 0;
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec != std::errc() || p != s.data() + s.size() || v < 1 || v > kB2hSegmentCount) {
        return Status::InvalidInput(t->Where(r, "segments") + ": expected B2H segment numbers 1-8 separated by ';'");
      }
      rule.segments.push_back(v);
    }
    rule.diagnosis_list = get("diagnosis_list");
    const std::string& scope = get("diagnosis_scope");
    if (!rule.diagnosis_list.empty()) {
      if (scope != "primary" && scope != "any") {
        return Status::InvalidInput(t->Where(r, "diagnosis_scope") + ": expected 'primary' or 'any'");
      }
      rule.diagnosis_any = scope == "any";
      auto list = LoadCodeList(data_dir + "/" + rule.diagnosis_list);
      if (!list.ok()) return Status::InvalidInput(t->Where(r, "diagnosis_list") + ": " + list.status().message());
      if (list->system != CodeSystemKind::kIcd10) {
        return Status::InvalidInput(t->Where(r, "diagnosis_list") + ": the list must be ICD-10");
      }
      rule.codes = std::move(*list);
    }
    rule.ae_arrival_mode = get("ae_arrival_mode");
    const std::string& rate = get("sample_rate");
    double sr = 1.0;
    if (!rate.empty()) {
      auto [p, ec] = std::from_chars(rate.data(), rate.data() + rate.size(), sr);
      if (ec != std::errc() || p != rate.data() + rate.size() || !(sr >= 0 && sr <= 1)) {
        return Status::InvalidInput(t->Where(r, "sample_rate") + ": expected a number from 0 to 1");
      }
    }
    rule.sample_rate = static_cast<float>(sr);
    rule.source = get("source");
    rules.push_back(std::move(rule));
  }
  if (rules.size() > static_cast<size_t>(kMaxStrategies)) {
    return Status::InvalidInput(path + ": at most " + std::to_string(kMaxStrategies) + " strategies");
  }
  return rules;
}

Result<ActivityTable> BuildBaselineActivity(const Dataset& ds, const ScoringConfig& config, int baseline_year) {
  if (baseline_year < 1900 || baseline_year > 2200) {
    return Status::InvalidInput("baseline year " + std::to_string(baseline_year) + " is out of range");
  }
  Frame f;
  f.ds = &ds;
  f.ys = FirstApril(baseline_year);
  f.ye = FirstApril(baseline_year + 1) - 1;
  f.data_end = ds.LastEventDate() == kNoDate ? f.ye : ds.LastEventDate();
  auto scores = ComputePersonScores(ds, f.ys, config);
  if (!scores.ok()) return scores.status();
  f.scores = &*scores;
  const std::string forecast_dir = ForecastDataDir(config);
  auto rules = LoadStrategyRules(forecast_dir + "/strategies.csv", std::filesystem::path(forecast_dir).parent_path().string());
  if (!rules.ok()) return rules.status();
  f.rules = &*rules;
  f.attrs = ClassifyAttrs(ds.attrs);
  f.code_mask.assign(ds.codes.size(), 0);
  for (size_t r = 0; r < rules->size(); ++r) {
    const StrategyRule& rule = (*rules)[r];
    uint32_t types = 0;
    for (ActivityType t : rule.types) types |= 1u << static_cast<int>(t);
    f.rule_types.push_back(types);
    f.rule_arrival.push_back(rule.ae_arrival_mode.empty() ? Dictionary::kNone : ds.attrs.Lookup(rule.ae_arrival_mode));
    if (!rule.ae_arrival_mode.empty() && f.rule_arrival.back() == Dictionary::kNone) f.rule_arrival.back() = Dictionary::kNone - 1;
    if (rule.diagnosis_list.empty()) continue;
    for (uint32_t id = 0; id < ds.codes.size(); ++id)
      if (rule.codes.Matches(ds.codes.Get(id))) f.code_mask[id] |= 1u << r;
  }
  // Places: sorted unique LSOA place names (the population projection's order); "unknown" last when used.
  std::vector<std::string> places(ds.lsoas.place_name.begin(), ds.lsoas.place_name.end());
  std::sort(places.begin(), places.end());
  places.erase(std::unique(places.begin(), places.end()), places.end());
  if (places.size() >= 65535) return Status::InvalidInput("too many places (at most 65,534)");
  f.place_of_lsoa.resize(ds.lsoas.size());
  for (size_t l = 0; l < ds.lsoas.size(); ++l)
    f.place_of_lsoa[l] = static_cast<uint16_t>(std::lower_bound(places.begin(), places.end(), ds.lsoas.place_name[l]) - places.begin());
  f.unknown_place = static_cast<uint16_t>(places.size());

  const size_t n = ds.person_count();
  const size_t chunks = (n + kChunkPersons - 1) / kChunkPersons;
  std::vector<ChunkOut> outs(chunks);
  ParallelFor(chunks, 1, [&](size_t b, size_t e) {
    for (size_t c = b; c < e; ++c) BuildChunk(f, c * kChunkPersons, std::min(n, (c + 1) * kChunkPersons), outs[c]);
  });
  // Merge the chunks' cells (integer sums: exact), sorted by key.
  std::vector<Entry> sorted;
  for (ChunkOut& o : outs) {
    sorted.insert(sorted.end(), o.cells.begin(), o.cells.end());
    o.cells = {};
  }
  Reduce(sorted);

  // Providers actually used, in `orgs` order; events without a provider last.
  std::vector<uint32_t> used;
  for (const ChunkOut& o : outs)
    for (const Spell& s : o.spells) used.push_back(s.provider);
  for (const Entry& x : sorted) used.push_back(static_cast<uint32_t>(x.key.b & 0xFFFFFFFFu));
  std::sort(used.begin(), used.end());
  used.erase(std::unique(used.begin(), used.end()), used.end());
  if (used.size() > 65535) return Status::InvalidInput("too many providers in the year (at most 65,535)");
  auto provider_index = [&](uint32_t raw) {
    return static_cast<int>(std::lower_bound(used.begin(), used.end(), raw) - used.begin());
  };

  ActivityTable t;
  t.baseline_year = baseline_year;
  t.place_names = places;
  bool unknown_place = false;
  for (uint32_t raw : used) t.provider_names.emplace_back(raw == Dictionary::kNone ? "unknown" : std::string(ds.orgs.Get(raw)));
  for (const StrategyRule& r : *rules) t.StrategyIndex(r.name);
  auto add_strategies = [&](uint32_t mask) {
    for (size_t r = 0; r < rules->size(); ++r)
      if (mask >> r & 1u) t.AddStrategy(static_cast<int>(r), (*rules)[r].sample_rate);
    t.EndRow();
  };
  for (const ChunkOut& o : outs) {
    for (const Spell& s : o.spells) {
      unknown_place |= s.place == f.unknown_place;
      t.AddRow(static_cast<ActivityType>(s.type), s.age, s.sex, s.imd, s.segment, s.place, provider_index(s.provider), 1.0,
               s.los, static_cast<double>(s.cost_pence));
      add_strategies(s.mask);
    }
  }
  for (const Entry& x : sorted) {
    const Key& k = x.key;
    const Cell& c = x.cell;
    const auto type = static_cast<ActivityType>(k.a & 0xF);
    const int place = static_cast<int>(k.a >> 19 & 0xFFFF);
    unknown_place |= place == f.unknown_place;
    const double units = type == ActivityType::kSocialCare ? static_cast<double>(c.units) / 7.0 : static_cast<double>(c.units);
    const double unit_cost = units > 0 ? static_cast<double>(c.cost_pence) / units : 0.0;
    t.AddRow(type, static_cast<int>(k.a >> 4 & 0x7F), static_cast<int>(k.a >> 11 & 1), static_cast<int>(k.a >> 12 & 7),
             static_cast<int>(k.a >> 15 & 0xF), place, provider_index(static_cast<uint32_t>(k.b & 0xFFFFFFFFu)), units, 0,
             unit_cost);
    add_strategies(static_cast<uint32_t>(k.b >> 32));
  }
  if (unknown_place) t.place_names.emplace_back("unknown");
  ICB_RETURN_IF_ERROR(t.Validate());
  return t;
}

}  // namespace icb::forecast
