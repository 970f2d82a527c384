#include "forecast/population_projection.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>

#include "core/date.h"
#include "core/parallel.h"
#include "data/types.h"
#include "stats/input_table.h"

namespace icb::forecast {
namespace {

constexpr size_t kPersonsPerChunk = 16384;

[[maybe_unused]] std::string SourceRoot() {
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path().string();
}

// "12,345" for a count, "0.97" style for a ratio: aggregate numbers for the notes.
std::string Thousands(double v) {
  const long long n = std::llround(v);
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return n < 0 ? "-" + out : out;
}
std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// "2022/23".
std::string FinancialYearName(int year) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%d/%02d", year, (year + 1) % 100);
  return buf;
}

// Places: sorted unique LsoaTable place names; place_of_lsoa maps each LSOA row to its place.
struct Places {
  std::vector<std::string> names;
  std::vector<int> of_lsoa;
};
Places PlacesOf(const Dataset& ds) {
  Places p;
  p.names = ds.lsoas.place_name;
  std::sort(p.names.begin(), p.names.end());
  p.names.erase(std::unique(p.names.begin(), p.names.end()), p.names.end());
  p.of_lsoa.reserve(ds.lsoas.place_name.size());
  for (const auto& n : ds.lsoas.place_name)
    p.of_lsoa.push_back(static_cast<int>(std::lower_bound(p.names.begin(), p.names.end(), n) - p.names.begin()));
  return p;
}

// A person's sex as weights in half units: male (2, 0), female (0, 2), other or unknown (1, 1).
std::array<int, kSexes> SexHalves(uint8_t sex) {
  if (sex == static_cast<uint8_t>(Sex::kMale)) return {2, 0};
  if (sex == static_cast<uint8_t>(Sex::kFemale)) return {0, 2};
  return {1, 1};
}

int CappedAge(int32_t birth, int32_t day) { return std::clamp(Date(birth).AgeOn(Date(day)), 0, kMaxAge); }

// The engine's inclusive conventions (docs/reference/profile.md): alive on the day of death, and
// registered on a registration's end day.
bool AliveOn(int32_t birth, int32_t death, int32_t day) {
  return birth <= day && (death == kNoDate || death >= day);
}
bool RegisteredOn(const RegistrationTable& r, size_t person, int32_t day) {
  for (uint64_t k = r.offsets[person]; k < r.offsets[person + 1]; ++k) {
    if (r.start[k] > day) break;
    if (r.end[k] == kNoDate || r.end[k] >= day) return true;
  }
  return false;
}

size_t Cell(int place, int sex, int age) {
  return (static_cast<size_t>(place) * kSexes + static_cast<size_t>(sex)) * kAges + static_cast<size_t>(age);
}

int BandOf(int age) { return std::min(age / 5, kMigrationBands - 1); }
int BandFirstAge(int band) { return band * 5; }
int BandLastAge(int band) { return band == kMigrationBands - 1 ? kMaxAge : band * 5 + 4; }

// [1, 2, 1] / 4 smoothing across bands; the end bands use (2, 1) / 3 and (1, 2) / 3.
std::array<double, kMigrationBands> SmoothBands(const std::array<double, kMigrationBands>& x) {
  std::array<double, kMigrationBands> y{};
  for (int b = 0; b < kMigrationBands; ++b) {
    if (b == 0) {
      y[0] = (2 * x[0] + x[1]) / 3;
    } else if (b == kMigrationBands - 1) {
      y[b] = (x[b - 1] + 2 * x[b]) / 3;
    } else {
      y[b] = (x[b - 1] + 2 * x[b] + x[b + 1]) / 4;
    }
  }
  return y;
}

// Per-chunk tallies in half units (a person of unknown sex counts half to each sex), so sums are
// exact integers whatever the order.
struct Tally {
  std::vector<int64_t> half_days, deaths, out, in;  // [place][sex][age]
  std::vector<int64_t> births;                      // [place], whole births
  explicit Tally(size_t places)
      : half_days(places * kSexes * kAges), deaths(half_days.size()), out(half_days.size()),
        in(half_days.size()), births(places) {}
  void Add(const Tally& o) {
    for (size_t i = 0; i < half_days.size(); ++i) {
      half_days[i] += o.half_days[i];
      deaths[i] += o.deaths[i];
      out[i] += o.out[i];
      in[i] += o.in[i];
    }
    for (size_t i = 0; i < births.size(); ++i) births[i] += o.births[i];
  }
};

// Registered days of one person within [lo, hi] (inclusive), split by single year of age.
void AddExposure(const RegistrationTable& r, size_t person, int32_t birth, int32_t lo, int32_t hi, int place,
                 const std::array<int, kSexes>& halves, Tally& t) {
  if (hi < lo) return;
  int by, bm, bd;
  Date(birth).ToCivil(by, bm, bd);
  int64_t covered_to = static_cast<int64_t>(lo) - 1;  // registrations are sorted by start: merge as we go
  for (uint64_t k = r.offsets[person]; k < r.offsets[person + 1]; ++k) {
    int64_t s = std::max<int64_t>(r.start[k], covered_to + 1);
    const int64_t e = std::min<int64_t>(r.end[k] == kNoDate ? hi : r.end[k], hi);
    if (e < s) continue;
    covered_to = e;
    while (s <= e) {
      const int age = Date(birth).AgeOn(Date(static_cast<int32_t>(s)));
      const int64_t next_birthday = Date::FromCivil(by + age + 1, bm, bd).days();
      const int64_t seg_end = std::min(e, next_birthday - 1);
      const int capped = std::clamp(age, 0, kMaxAge);
      for (int sex = 0; sex < kSexes; ++sex)
        t.half_days[Cell(place, sex, capped)] += halves[static_cast<size_t>(sex)] * (seg_end - s + 1);
      s = seg_end + 1;
    }
  }
}

void TallyChunk(const Dataset& ds, const Places& places, int32_t w0, int32_t w1, int32_t data_end, size_t begin,
                size_t end, Tally& t) {
  const auto& p = ds.persons;
  const auto& r = ds.registrations;
  for (size_t i = begin; i < end; ++i) {
    const int place = places.of_lsoa[p.lsoa[i]];
    const auto halves = SexHalves(p.sex[i]);
    const int32_t birth = p.birth[i];
    const int32_t death = p.death[i];
    const uint64_t r0 = r.offsets[i], r1 = r.offsets[i + 1];
    // Exposure: registered days alive within the window [w0, w1).
    const int32_t lo = std::max(w0, birth);
    const int32_t hi = death == kNoDate ? w1 - 1 : std::min(w1 - 1, death);
    AddExposure(r, i, birth, lo, hi, place, halves, t);
    auto add = [&](std::vector<int64_t>& v, int32_t day) {
      const int age = CappedAge(birth, day);
      for (int sex = 0; sex < kSexes; ++sex) v[Cell(place, sex, age)] += halves[static_cast<size_t>(sex)];
    };
    // Deaths in the window of people registered that day.
    if (death != kNoDate && death >= w0 && death < w1 && death >= birth && RegisteredOn(r, i, death)) add(t.deaths, death);
    if (r0 == r1) continue;
    const int32_t first_start = r.start[r0];
    const bool registered_as_newborn = first_start >= birth && first_start - birth <= kBirthRegistrationDays;
    // Births: born in the window and first registered within about three months.
    if (birth >= w0 && birth < w1 && registered_as_newborn) ++t.births[static_cast<size_t>(place)];
    // In-migrants: first registered in the window, born before it and not registered as a newborn.
    if (first_start >= w0 && first_start < w1 && birth < w0 && !registered_as_newborn) add(t.in, first_start);
    // Out-migrants: the last registration ends in the window, before the data end, not at death.
    const int32_t last_end = r.end[r1 - 1];
    if (last_end != kNoDate && last_end >= w0 && last_end < w1 && last_end < data_end && last_end >= birth &&
        (death == kNoDate || death > last_end + kDeathDeregistrationDays))
      add(t.out, last_end);
  }
}

Result<stats::InputTable> OpenTable(const std::string& path) { return stats::InputTable::Read(path); }

Result<double> NumberAt(const stats::InputTable& t, size_t row, size_t col) {
  auto v = t.Number(row, col);
  if (!v.ok()) return v.status();
  if (!v->has_value())
    return Status::InvalidInput(t.Where(row) + " column " + std::to_string(col + 1) + " (" + t.header()[col] +
                                "): expected a number, got an empty cell");
  return **v;
}

}  // namespace

std::string DefaultReferenceDir() {
#ifdef ICB_REFERENCE_DIR
  return ICB_REFERENCE_DIR;
#else
  return SourceRoot() + "/data/reference";
#endif
}

std::string DefaultForecastDataDir() {
#ifdef ICB_FORECAST_DATA_DIR
  return ICB_FORECAST_DATA_DIR;
#else
  return SourceRoot() + "/data/forecast";
#endif
}

std::array<double, kAges> InterpolateAsfr(const std::array<double, 6>& group_rates) {
  // Group g covers ages 15+5g .. 19+5g; its midpoint (in completed years) is 17+5g.
  std::array<double, kAges> f{};
  auto line = [&](int g, int age) {  // the line through the midpoints of groups g and g+1
    const double x0 = 17.0 + 5.0 * g;
    return group_rates[static_cast<size_t>(g)] +
           (group_rates[static_cast<size_t>(g + 1)] - group_rates[static_cast<size_t>(g)]) * (age - x0) / 5.0;
  };
  for (int age = 15; age <= 44; ++age) {
    const int g = std::clamp((age - 17) / 5 - (age < 17 ? 1 : 0), 0, 4);
    f[static_cast<size_t>(age)] = std::max(0.0, line(g, age));
  }
  for (int g = 0; g < 6; ++g) {  // keep each group's mean at its published rate
    double sum = 0;
    for (int a = 15 + 5 * g; a <= 19 + 5 * g; ++a) sum += f[static_cast<size_t>(a)];
    for (int a = 15 + 5 * g; a <= 19 + 5 * g; ++a)
      f[static_cast<size_t>(a)] = sum > 0 ? f[static_cast<size_t>(a)] * 5.0 * group_rates[static_cast<size_t>(g)] / sum
                                          : group_rates[static_cast<size_t>(g)];
  }
  return f;
}

Result<ComponentReference> LoadComponentReference(const std::string& reference_dir, const std::string& forecast_dir) {
  ComponentReference ref;
  ref.life_table_source = "ons_national_life_tables_england_2017-2019.csv";
  ref.asfr_source = "ons_asfr_england.csv";
  {
    auto t = OpenTable(reference_dir + "/" + ref.life_table_source);
    if (!t.ok()) return t.status();
    auto cs = t->Column("sex");
    auto ca = t->Column("age");
    auto cq = t->Column("qx");
    auto cm = t->Column("mx");
    for (const auto* c : {&cs, &ca, &cq, &cm})
      if (!c->ok()) return c->status();
    std::array<std::array<bool, kAges>, kSexes> seen{};
    for (size_t row = 0; row < t->row_count(); ++row) {
      const std::string& s = t->cell(row, *cs);
      const int sex = s == "M" ? 0 : s == "F" ? 1 : -1;
      if (sex < 0) return Status::InvalidInput(t->Where(row) + " column sex: expected M or F");
      auto age = NumberAt(*t, row, *ca);
      auto qx = NumberAt(*t, row, *cq);
      auto mx = NumberAt(*t, row, *cm);
      for (const auto* v : {&age, &qx, &mx})
        if (!v->ok()) return v->status();
      if (*age < 0 || *age > kMaxAge || *age != std::floor(*age))
        return Status::InvalidInput(t->Where(row) + " column age: expected a whole age 0..100");
      if (*qx < 0 || *qx > 1 || *mx < 0)
        return Status::InvalidInput(t->Where(row) + ": expected 0 <= qx <= 1 and mx >= 0");
      const auto a = static_cast<size_t>(*age);
      ref.qx[static_cast<size_t>(sex)][a] = *qx;
      ref.mx[static_cast<size_t>(sex)][a] = *mx;
      seen[static_cast<size_t>(sex)][a] = true;
    }
    for (int s = 0; s < kSexes; ++s)
      for (int a = 0; a < kAges; ++a)
        if (!seen[static_cast<size_t>(s)][static_cast<size_t>(a)])
          return Status::InvalidInput(t->source() + ": no row for sex " + (s == 0 ? "M" : "F") + " age " +
                                      std::to_string(a) + " (expected ages 0..100 for both sexes)");
  }
  {
    auto t = OpenTable(forecast_dir + "/" + ref.asfr_source);
    if (!t.ok()) return t.status();
    auto cmin = t->Column("min_age");
    auto cmax = t->Column("max_age");
    auto crate = t->Column("rate_per_1000");
    for (const auto* c : {&cmin, &cmax, &crate})
      if (!c->ok()) return c->status();
    if (t->row_count() != 6)
      return Status::InvalidInput(t->source() + ": expected 6 rows (age groups 15-19 .. 40-44), got " +
                                  std::to_string(t->row_count()));
    std::array<double, 6> groups{};
    for (size_t row = 0; row < 6; ++row) {
      auto lo = NumberAt(*t, row, *cmin);
      auto hi = NumberAt(*t, row, *cmax);
      auto rate = NumberAt(*t, row, *crate);
      for (const auto* v : {&lo, &hi, &rate})
        if (!v->ok()) return v->status();
      const double want_lo = 15.0 + 5.0 * static_cast<double>(row);
      if (*lo != want_lo || *hi != want_lo + 4)
        return Status::InvalidInput(t->Where(row) + ": expected age group " + std::to_string(static_cast<int>(want_lo)) +
                                    "-" + std::to_string(static_cast<int>(want_lo) + 4) + " (groups in order)");
      if (*rate < 0) return Status::InvalidInput(t->Where(row) + " column rate_per_1000: expected a rate >= 0");
      groups[row] = *rate / 1000.0;
    }
    ref.asfr = InterpolateAsfr(groups);
  }
  return ref;
}

std::vector<ProjectionVariant> StandardVariants() {
  // Stated assumptions mirroring the ONS national population projection variants (principal,
  // high/low fertility, life expectancy and migration combined as high/low, zero net migration,
  // no mortality improvement): docs/reference/forecast-population.md.
  return {
      {"principal", 1.0, 0.010, 1.0, 1.0},
      {"high", 1.1, 0.015, 1.2, 1.0},
      {"low", 0.9, 0.005, 0.8, 1.0},
      {"no_migration", 1.0, 0.010, 0.0, 0.0},
      {"zero_improvement", 1.0, 0.0, 1.0, 1.0},
  };
}

Result<ProjectionVariant> FindVariant(const std::string& name) {
  std::string allowed;
  for (const auto& v : StandardVariants()) {
    if (v.name == name) return v;
    allowed += (allowed.empty() ? "" : ", ") + v.name;
  }
  return Status::InvalidInput("unknown population variant '" + name + "'; allowed: " + allowed);
}

PopulationGrid RegisteredPopulation(const Dataset& ds, int32_t as_at) {
  const Places places = PlacesOf(ds);
  const int place_count = static_cast<int>(places.names.size());
  const size_t n = ds.person_count();
  const size_t chunks = (n + kPersonsPerChunk - 1) / kPersonsPerChunk;
  std::vector<std::vector<int64_t>> halves_by_chunk(chunks);
  ParallelFor(chunks, 1, [&](size_t c0, size_t c1) {
    for (size_t c = c0; c < c1; ++c) {
      auto& h = halves_by_chunk[c];
      h.assign(static_cast<size_t>(place_count) * kSexes * kAges, 0);
      const size_t end = std::min(n, (c + 1) * kPersonsPerChunk);
      for (size_t i = c * kPersonsPerChunk; i < end; ++i) {
        if (!AliveOn(ds.persons.birth[i], ds.persons.death[i], as_at)) continue;
        if (!RegisteredOn(ds.registrations, i, as_at)) continue;
        const int place = places.of_lsoa[ds.persons.lsoa[i]];
        const int age = CappedAge(ds.persons.birth[i], as_at);
        const auto sex_halves = SexHalves(ds.persons.sex[i]);
        for (int s = 0; s < kSexes; ++s) h[Cell(place, s, age)] += sex_halves[static_cast<size_t>(s)];
      }
    }
  });
  PopulationGrid grid(place_count, places.names);
  std::vector<int64_t> total(grid.people.size(), 0);
  for (const auto& h : halves_by_chunk)  // chunk order
    for (size_t k = 0; k < h.size(); ++k) total[k] += h[k];
  for (size_t k = 0; k < total.size(); ++k) grid.people[k] = static_cast<double>(total[k]) / 2.0;
  return grid;
}

Result<ComponentRates> EstimateComponentRates(const Dataset& ds, int baseline_year, int years) {
  auto ref = LoadComponentReference(DefaultReferenceDir(), DefaultForecastDataDir());
  if (!ref.ok()) return ref.status();
  return EstimateComponentRates(ds, baseline_year, years, *ref);
}

Result<ComponentRates> EstimateComponentRates(const Dataset& ds, int baseline_year, int years,
                                              const ComponentReference& reference) {
  if (years < 1 || years > 20)
    return Status::InvalidInput("rate estimation: expected 1 to 20 years before the baseline, got " + std::to_string(years));
  const int32_t w0 = Date::FromCivil(baseline_year - years, 4, 1).days();
  const int32_t w1 = Date::FromCivil(baseline_year, 4, 1).days();
  const int32_t last_event = ds.LastEventDate();
  const int32_t data_end = last_event == kNoDate ? w1 : last_event;
  const Places places = PlacesOf(ds);
  const int place_count = static_cast<int>(places.names.size());
  if (place_count == 0) return Status::InvalidInput("rate estimation: the dataset has no LSOAs, so no places");
  const size_t n = ds.person_count();
  const size_t chunks = (n + kPersonsPerChunk - 1) / kPersonsPerChunk;
  std::vector<Tally> tallies(chunks, Tally(static_cast<size_t>(place_count)));
  ParallelFor(chunks, 1, [&](size_t c0, size_t c1) {
    for (size_t c = c0; c < c1; ++c)
      TallyChunk(ds, places, w0, w1, data_end, c * kPersonsPerChunk, std::min(n, (c + 1) * kPersonsPerChunk), tallies[c]);
  });
  Tally t(static_cast<size_t>(place_count));
  for (const auto& c : tallies) t.Add(c);  // chunk order

  const double days_per_year = static_cast<double>(w1 - w0) / years;
  auto py = [&](size_t cell) { return static_cast<double>(t.half_days[cell]) / 2.0 / days_per_year; };
  auto count = [&](const std::vector<int64_t>& v, size_t cell) { return static_cast<double>(v[cell]) / 2.0; };
  double total_py = 0;
  for (size_t k = 0; k < t.half_days.size(); ++k) total_py += py(k);
  if (total_py <= 0)
    return Status::InvalidInput("rate estimation: no registered person-time between 1 April " +
                                std::to_string(baseline_year - years) + " and 1 April " + std::to_string(baseline_year));

  ComponentRates rates;
  rates.places = place_count;
  rates.place_names = places.names;
  const size_t cells = static_cast<size_t>(place_count) * kSexes * kAges;
  rates.qx.assign(cells, 0);
  rates.out_migration.assign(cells, 0);
  rates.in_migrants.assign(cells, 0);
  rates.fertility.assign(static_cast<size_t>(place_count) * kAges, 0);
  rates.smr.assign(static_cast<size_t>(place_count) * kSexes, 1.0);
  rates.icb_qx.assign(static_cast<size_t>(kSexes) * kAges, 0);
  rates.fertility_ratio.assign(static_cast<size_t>(place_count), 1.0);
  const std::string window = "FY " + FinancialYearName(baseline_year - years) + " to " +
                             FinancialYearName(baseline_year - 1);
  const char* sex_name[kSexes] = {"males", "females"};

  // Mortality: SMR against the national life table's central death rates mx.
  for (int s = 0; s < kSexes; ++s) {
    double o_icb = 0, e_icb = 0;
    std::vector<double> o_place(static_cast<size_t>(place_count), 0), e_place(static_cast<size_t>(place_count), 0);
    for (int p = 0; p < place_count; ++p)
      for (int a = 0; a < kAges; ++a) {
        const size_t c = Cell(p, s, a);
        o_place[static_cast<size_t>(p)] += count(t.deaths, c);
        e_place[static_cast<size_t>(p)] += py(c) * reference.mx[static_cast<size_t>(s)][static_cast<size_t>(a)];
      }
    for (int p = 0; p < place_count; ++p) {
      o_icb += o_place[static_cast<size_t>(p)];
      e_icb += e_place[static_cast<size_t>(p)];
    }
    rates.deaths[static_cast<size_t>(s)] = o_icb;
    const double smr_icb = e_icb > 0 ? o_icb / e_icb : 1.0;
    rates.icb_smr[static_cast<size_t>(s)] = smr_icb;
    rates.notes.push_back("Mortality, " + std::string(sex_name[s]) + ", ICB: SMR " + Fixed(smr_icb, 3) + " from " +
                          Thousands(o_icb) + " deaths (" + Fixed(e_icb, 1) + " expected on the " +
                          reference.life_table_source + " rates), " + window);
    for (int a = 0; a < kAges; ++a)
      rates.icb_qx[static_cast<size_t>(s) * kAges + static_cast<size_t>(a)] =
          std::min(1.0, reference.qx[static_cast<size_t>(s)][static_cast<size_t>(a)] * smr_icb);
    for (int p = 0; p < place_count; ++p) {
      const double o = o_place[static_cast<size_t>(p)], e = e_place[static_cast<size_t>(p)];
      const bool local = o >= kMinDeathsForLocalSmr && e > 0;
      const double smr = local ? o / e : smr_icb;
      rates.smr[static_cast<size_t>(p) * kSexes + static_cast<size_t>(s)] = smr;
      rates.notes.push_back("Mortality, " + std::string(sex_name[s]) + ", " + places.names[static_cast<size_t>(p)] +
                            ": SMR " + Fixed(smr, 3) +
                            (local ? " from " + Thousands(o) + " deaths"
                                   : " (ICB-wide: fewer than " + std::to_string(kMinDeathsForLocalSmr) + " deaths here)"));
      for (int a = 0; a < kAges; ++a)
        rates.qx[Cell(p, s, a)] = std::min(1.0, reference.qx[static_cast<size_t>(s)][static_cast<size_t>(a)] * smr);
    }
  }

  // Fertility: births against the national schedule applied to local women's person-years.
  {
    double births = 0, expected = 0, women_15_44 = 0;
    std::vector<double> e_place(static_cast<size_t>(place_count), 0);
    for (int p = 0; p < place_count; ++p) {
      for (int a = 15; a <= 49; ++a) {
        const double w = py(Cell(p, 1, a));
        e_place[static_cast<size_t>(p)] += w * reference.asfr[static_cast<size_t>(a)];
        if (a <= 44) women_15_44 += w;
      }
      births += static_cast<double>(t.births[static_cast<size_t>(p)]);
      expected += e_place[static_cast<size_t>(p)];
    }
    rates.births = births;
    rates.gfr = women_15_44 > 0 ? births / women_15_44 : 0;
    const double ratio_icb = expected > 0 ? births / expected : 1.0;
    rates.notes.push_back("Fertility, ICB: GFR " + Fixed(rates.gfr * 1000, 1) + " births a year per 1,000 women aged 15-44 from " +
                          Thousands(births) + " births; " + Fixed(ratio_icb, 3) + " x the national schedule (" +
                          reference.asfr_source + "), " + window);
    for (int p = 0; p < place_count; ++p) {
      const double o = static_cast<double>(t.births[static_cast<size_t>(p)]), e = e_place[static_cast<size_t>(p)];
      const bool local = o >= kMinBirthsForLocalFertility && e > 0;
      const double ratio = local ? o / e : ratio_icb;
      rates.fertility_ratio[static_cast<size_t>(p)] = ratio;
      rates.notes.push_back("Fertility, " + places.names[static_cast<size_t>(p)] + ": " + Fixed(ratio, 3) +
                            " x the national schedule" +
                            (local ? " from " + Thousands(o) + " births"
                                   : " (ICB-wide: fewer than " + std::to_string(kMinBirthsForLocalFertility) + " births here)"));
      for (int a = 15; a <= 49; ++a)
        rates.fertility[static_cast<size_t>(p) * kAges + static_cast<size_t>(a)] =
            reference.asfr[static_cast<size_t>(a)] * ratio;
    }
  }

  // Migration by 5-year band: out-migration rates shrunk towards the ICB-wide rate and smoothed;
  // in-migrant counts a year, smoothed with each place/sex total kept.
  double out_icb_total = 0, in_icb_total = 0;
  for (int s = 0; s < kSexes; ++s) {
    std::array<double, kMigrationBands> o_icb{}, py_icb{};
    std::vector<std::array<double, kMigrationBands>> o_b(static_cast<size_t>(place_count)), py_b(o_b.size()), in_b(o_b.size());
    for (int p = 0; p < place_count; ++p)
      for (int a = 0; a < kAges; ++a) {
        const size_t c = Cell(p, s, a);
        const auto b = static_cast<size_t>(BandOf(a));
        o_b[static_cast<size_t>(p)][b] += count(t.out, c);
        py_b[static_cast<size_t>(p)][b] += py(c);
        in_b[static_cast<size_t>(p)][b] += count(t.in, c);
        o_icb[b] += count(t.out, c);
        py_icb[b] += py(c);
      }
    for (int p = 0; p < place_count; ++p) {
      std::array<double, kMigrationBands> rate{}, per_age_in{};
      double in_total = 0;
      for (int b = 0; b < kMigrationBands; ++b) {
        const auto bb = static_cast<size_t>(b);
        const double r_icb = py_icb[bb] > 0 ? o_icb[bb] / py_icb[bb] : 0;
        rate[bb] = (o_b[static_cast<size_t>(p)][bb] + kMigrationPriorPersonYears * r_icb) /
                   (py_b[static_cast<size_t>(p)][bb] + kMigrationPriorPersonYears);
        const double per_year = in_b[static_cast<size_t>(p)][bb] / years;
        per_age_in[bb] = per_year / (BandLastAge(b) - BandFirstAge(b) + 1);
        in_total += per_year;
      }
      const auto rate_s = SmoothBands(rate);
      const auto in_s = SmoothBands(per_age_in);
      double in_s_total = 0;
      for (int b = 0; b < kMigrationBands; ++b)
        in_s_total += in_s[static_cast<size_t>(b)] * (BandLastAge(b) - BandFirstAge(b) + 1);
      const double keep = in_s_total > 0 ? in_total / in_s_total : 0;
      for (int a = 0; a < kAges; ++a) {
        const auto b = static_cast<size_t>(BandOf(a));
        rates.out_migration[Cell(p, s, a)] = 1.0 - std::exp(-rate_s[b]);
        rates.in_migrants[Cell(p, s, a)] = in_s[b] * keep;
      }
      in_icb_total += in_total;
    }
    for (int b = 0; b < kMigrationBands; ++b) out_icb_total += o_icb[static_cast<size_t>(b)];
  }
  rates.notes.push_back("Out-migration, ICB: " + Fixed(100.0 * out_icb_total / total_py, 2) + "% a year from " +
                        Thousands(out_icb_total) + " registrations ending (not at death, no later registration in the ICB), " +
                        window + "; by place, sex and 5-year band, shrunk towards the ICB rate (" +
                        Fixed(kMigrationPriorPersonYears, 0) + " person-years) and smoothed 1-2-1 across bands");
  rates.notes.push_back("In-migration, ICB: " + Thousands(in_icb_total) + " people a year (first registered in the window, " +
                        "not newborns), by place, sex and 5-year band, smoothed 1-2-1 across bands with totals kept");
  return rates;
}

Status CheckProjectionInputs(const PopulationGrid& base, const ComponentRates& rates) {
  const size_t cells = static_cast<size_t>(base.places) * kSexes * kAges;
  if (base.places != rates.places || base.place_names != rates.place_names)
    return Status::InvalidInput("population projection: the baseline grid has " + std::to_string(base.places) +
                                " places and the rates " + std::to_string(rates.places) +
                                "; both must come from the same dataset (same place names in the same order)");
  if (base.people.size() != cells || rates.qx.size() != cells || rates.out_migration.size() != cells ||
      rates.in_migrants.size() != cells || rates.fertility.size() != static_cast<size_t>(base.places) * kAges)
    return Status::InvalidInput("population projection: expected " + std::to_string(cells) +
                                " cells (places x 2 sexes x ages 0..100) in the grid and every rate table");
  return Status::Ok();
}

PopulationProjection ProjectPopulation(const PopulationGrid& base, const ComponentRates& rates,
                                       const ProjectionVariant& variant, int baseline_year, int horizon,
                                       const std::vector<HousingGrowth>& housing) {
  assert(CheckProjectionInputs(base, rates).ok());
  PopulationProjection out;
  out.baseline_year = baseline_year;
  out.variant = variant.name;
  out.years.push_back(base);
  const int places = base.places;

  // Housing growth: each entry's place and the age/sex profile its movers take (the place's
  // in-migrants; else the ICB's in-migrants; else the place's baseline population).
  struct Movers {
    int place = -1;
    std::vector<double> share;  // [sex][age], sums to 1
    const HousingGrowth* h = nullptr;
  };
  std::vector<Movers> movers;
  for (const auto& h : housing) {
    auto it = std::find(base.place_names.begin(), base.place_names.end(), h.place);
    if (it == base.place_names.end()) {
      out.notes.push_back("Housing growth for '" + h.place + "' ignored: no such place in the population");
      continue;
    }
    Movers m;
    m.place = static_cast<int>(it - base.place_names.begin());
    m.h = &h;
    m.share.assign(static_cast<size_t>(kSexes) * kAges, 0);
    auto fill = [&](const std::vector<double>& v, bool all_places) {
      double sum = 0;
      for (int p = 0; p < places; ++p) {
        if (!all_places && p != m.place) continue;
        for (size_t k = 0; k < m.share.size(); ++k) {
          m.share[k] += v[static_cast<size_t>(p) * kSexes * kAges + k];
          sum += v[static_cast<size_t>(p) * kSexes * kAges + k];
        }
      }
      if (sum <= 0) {
        std::fill(m.share.begin(), m.share.end(), 0.0);
        return false;
      }
      for (double& x : m.share) x /= sum;
      return true;
    };
    if (!fill(rates.in_migrants, false) && !fill(rates.in_migrants, true) && !fill(base.people, false)) {
      out.notes.push_back("Housing growth for '" + h.place + "' ignored: no in-migrants or residents to take the age mix from");
      continue;
    }
    movers.push_back(std::move(m));
  }

  const double male_share = rates.male_births_share;
  for (int k = 1; k <= horizon; ++k) {
    const PopulationGrid& cur = out.years.back();
    PopulationGrid next(places, base.place_names);
    const double improve = std::pow(1.0 - variant.mortality_improvement, k);
    const int fy = baseline_year + k - 1;  // the financial year this step covers
    double births = 0, deaths = 0, in = 0, outm = 0, housed = 0;
    for (int p = 0; p < places; ++p)
      for (int s = 0; s < kSexes; ++s) {
        for (int a = 0; a < kAges; ++a) {
          const size_t c = Cell(p, s, a);
          const double pop = cur.people[c];
          const double died = pop * std::min(1.0, rates.qx[c] * improve);
          const double survivors = pop - died;
          const double left = survivors * std::min(1.0, rates.out_migration[c] * variant.out_migration_multiplier);
          deaths += died;
          outm += left;
          next.at(p, s, std::min(a + 1, kMaxAge)) += survivors - left;
        }
        for (int a = 0; a < kAges; ++a) {
          const double arrived = rates.in_migrants[Cell(p, s, a)] * variant.in_migration_multiplier;
          next.at(p, s, a) += arrived;
          in += arrived;
        }
      }
    for (const auto& m : movers) {
      if (fy < m.h->from_year || fy > m.h->to_year) continue;
      const double people = m.h->dwellings_per_year * m.h->persons_per_dwelling;
      for (int s = 0; s < kSexes; ++s)
        for (int a = 0; a < kAges; ++a)
          next.at(m.place, s, a) += people * m.share[static_cast<size_t>(s) * kAges + static_cast<size_t>(a)];
      housed += people;
      in += people;
    }
    for (int p = 0; p < places; ++p) {
      double born = 0;
      for (int a = 15; a <= 49; ++a)
        born += rates.fertility[static_cast<size_t>(p) * kAges + static_cast<size_t>(a)] * variant.fertility_multiplier *
                (cur.at(p, 1, a) + next.at(p, 1, a)) / 2.0;
      for (int s = 0; s < kSexes; ++s) {
        const double b = born * (s == 0 ? male_share : 1.0 - male_share);
        const double infant_deaths = b * std::min(1.0, rates.qx[Cell(p, s, 0)] * improve) / 2.0;
        next.at(p, s, 0) += b - infant_deaths;
        births += b;
        deaths += infant_deaths;
      }
    }
    out.births.push_back(births);
    out.deaths.push_back(deaths);
    out.in_migrants.push_back(in);
    out.out_migrants.push_back(outm);
    out.housing_movers.push_back(housed);
    out.years.push_back(std::move(next));
  }
  return out;
}

double PeriodLifeExpectancy(const double* qx, int age) {
  double l = 1.0, years = 0;
  for (int a = std::clamp(age, 0, kMaxAge); a < kMaxAge; ++a) {
    const double d = l * std::min(1.0, std::max(0.0, qx[a]));
    years += l - d / 2.0;  // deaths in mid-year
    l -= d;
  }
  const double q = std::min(1.0, std::max(0.0, qx[kMaxAge]));
  years += q < 1.0 ? (q > 0 ? l / -std::log(1.0 - q) : 0.0) : l / 2.0;
  return years;
}

std::vector<double> LifeExpectancyGain(const ComponentRates& rates, const ProjectionVariant& variant, int horizon) {
  std::vector<double> q0(static_cast<size_t>(kSexes) * kAges, 0);
  if (rates.icb_qx.size() == q0.size()) {
    q0 = rates.icb_qx;
  } else if (rates.places > 0 && rates.qx.size() == static_cast<size_t>(rates.places) * kSexes * kAges) {
    for (int p = 0; p < rates.places; ++p)
      for (size_t k = 0; k < q0.size(); ++k) q0[k] += rates.qx[static_cast<size_t>(p) * q0.size() + k] / rates.places;
  }
  std::vector<double> gain(static_cast<size_t>(std::max(horizon, 0) + 1) * kSexes, 0.0);
  double base[kSexes] = {0, 0};
  std::vector<double> q(kAges);
  for (int k = 0; k <= horizon; ++k) {
    const double improve = std::pow(1.0 - variant.mortality_improvement, k);
    for (int s = 0; s < kSexes; ++s) {
      for (int a = 0; a < kAges; ++a) q[static_cast<size_t>(a)] = std::min(1.0, q0[static_cast<size_t>(s) * kAges + static_cast<size_t>(a)] * improve);
      const double e = PeriodLifeExpectancy(q.data(), 65);
      if (k == 0) base[s] = e;
      gain[static_cast<size_t>(k) * kSexes + static_cast<size_t>(s)] = k == 0 ? 0.0 : e - base[s];
    }
  }
  return gain;
}

}  // namespace icb::forecast
