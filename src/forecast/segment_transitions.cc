// Segment transitions: counting moves between consecutive 1 Aprils, the prior, and the projection.
// Definitions: docs/reference/forecast-segments.md.
#include "forecast/segment_transitions.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <limits>

#include "core/date.h"
#include "forecast/baseline_builder.h"
#include "forecast/forecast_data_csv.h"

namespace icb::forecast {
namespace {

constexpr int kB2hStates = kB2hSegmentCount;  // 8
constexpr int kCmsStates = 5;

int32_t FirstApril(int year) { return Date::FromCivil(year, 4, 1).days(); }

// State of each person in the scheme (-1: not in the population), and their sex and age.
struct Snapshot {
  std::vector<int8_t> state;
  std::vector<uint8_t> age;
};

Result<Snapshot> SnapshotAt(const Dataset& ds, const ScoringConfig& config, SegmentScheme scheme,
                            const CmsCoreSegments* cms, int year) {
  auto scores = ComputePersonScores(ds, FirstApril(year), config);
  if (!scores.ok()) return scores.status();
  Snapshot s;
  const size_t n = ds.person_count();
  s.state.assign(n, -1);
  s.age.assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    if (!scores->in_population[i]) continue;
    const int seg = scores->segment[i];
    if (seg < 1 || seg > kB2hSegmentCount) continue;
    s.state[i] = static_cast<int8_t>(scheme == SegmentScheme::kBridgesToHealth ? seg - 1
                                                                                 : cms->StateOf(scores->cms[i]));
    s.age[i] = static_cast<uint8_t>(std::min<int>(scores->age[i], kMaxAge));
  }
  return s;
}

Result<double> ParseNumber(const ForecastDataCsv& t, size_t row, const char* column) {
  const std::string& v = t.rows[row][static_cast<size_t>(t.Column(column))];
  double x = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (ec != std::errc() || p != v.data() + v.size() || !std::isfinite(x)) {
    return Status::InvalidInput(t.Where(row, column) + ": expected a number, found '" + v + "'");
  }
  return x;
}


}  // namespace

std::vector<int> TransitionAgeBands() { return {0, 18, 45, 65, 75, 85}; }

int CmsCoreSegments::StateOf(double cms) const {
  for (size_t s = 0; s + 1 < upper.size(); ++s)
    if (cms <= upper[s]) return static_cast<int>(s);
  return static_cast<int>(upper.size()) - 1;
}

Result<CmsCoreSegments> LoadCmsCoreSegments(const std::string& dir) {
  auto t = ReadForecastDataCsv(dir + "/cms_core_segments.csv", {"state", "name", "label", "upper"});
  if (!t.ok()) return t.status();
  if (t->rows.size() != kCmsStates) {
    return Status::InvalidInput(t->file + ": expected " + std::to_string(kCmsStates) + " core segments, found " +
                                std::to_string(t->rows.size()));
  }
  CmsCoreSegments c;
  for (size_t r = 0; r < t->rows.size(); ++r) {
    auto state = ParseNumber(*t, r, "state");
    if (!state.ok()) return state.status();
    if (*state != static_cast<double>(r + 1)) {
      return Status::InvalidInput(t->Where(r, "state") + ": states must be numbered 1.." + std::to_string(kCmsStates) +
                                  " in order");
    }
    c.names.push_back(t->rows[r][static_cast<size_t>(t->Column("name"))]);
    c.labels.push_back(t->rows[r][static_cast<size_t>(t->Column("label"))]);
    const bool last = r + 1 == t->rows.size();
    if (last) {
      if (!t->rows[r][static_cast<size_t>(t->Column("upper"))].empty()) {
        return Status::InvalidInput(t->Where(r, "upper") + ": the last state has no upper bound (leave it empty)");
      }
      c.upper.push_back(std::numeric_limits<double>::infinity());
      continue;
    }
    auto up = ParseNumber(*t, r, "upper");
    if (!up.ok()) return up.status();
    if (!c.upper.empty() && *up <= c.upper.back()) {
      return Status::InvalidInput(t->Where(r, "upper") + ": upper bounds must increase");
    }
    c.upper.push_back(*up);
  }
  return c;
}

std::string ForecastDataDir(const ScoringConfig& config) {
  std::error_code ec;
  const std::string beside = config.dir + "/forecast";
  if (!config.dir.empty() && std::filesystem::is_directory(beside, ec)) return beside;
  return DefaultForecastDataDir();
}

size_t TransitionModel::Index(int sex, int band, int from, int to) const {
  const size_t bands = age_band_lower.size(), k = static_cast<size_t>(states);
  return ((static_cast<size_t>(sex) * bands + static_cast<size_t>(band)) * k + static_cast<size_t>(from)) * k +
         static_cast<size_t>(to);
}

double TransitionModel::At(int sex, int band, int from, int to) const { return p[Index(sex, band, from, to)]; }

int TransitionModel::Band(int age) const {
  int b = 0;
  for (size_t i = 0; i < age_band_lower.size(); ++i)
    if (age >= age_band_lower[i]) b = static_cast<int>(i);
  return b;
}

double SegmentProjection::Share(int year_index, int sex, int age, int state) const {
  return shares[static_cast<size_t>(year_index)]
               [(static_cast<size_t>(sex) * kAges + static_cast<size_t>(age)) * static_cast<size_t>(states) +
                static_cast<size_t>(state)];
}

Result<TransitionModel> EstimateTransitions(const Dataset& ds, const ScoringConfig& config, SegmentScheme scheme,
                                            int baseline_year, int years) {
  if (years < 1) return Status::InvalidInput("segment transitions need at least one pair of years");
  TransitionModel m;
  m.scheme = scheme;
  m.age_band_lower = TransitionAgeBands();
  m.from_year = baseline_year - years;
  m.years = years;
  CmsCoreSegments cms;
  if (scheme == SegmentScheme::kBridgesToHealth) {
    m.states = kB2hStates;
    for (int s = 1; s <= kB2hSegmentCount; ++s) m.state_names.emplace_back(B2hSegmentName(static_cast<B2hSegment>(s)));
  } else {
    auto loaded = LoadCmsCoreSegments(ForecastDataDir(config));
    if (!loaded.ok()) return loaded.status();
    cms = std::move(*loaded);
    m.states = kCmsStates;
    m.state_names = cms.names;
  }
  const size_t bands = m.age_band_lower.size(), k = static_cast<size_t>(m.states);
  m.counts.assign(kSexes * bands * k * k, 0.0);
  m.observed.assign(kSexes * bands * k, 0.0);
  m.exits.assign(kSexes * bands * k, 0.0);

  auto before = SnapshotAt(ds, config, scheme, &cms, m.from_year);
  if (!before.ok()) return before.status();
  Snapshot a = std::move(*before);
  for (int y = m.from_year + 1; y <= baseline_year; ++y) {
    auto after = SnapshotAt(ds, config, scheme, &cms, y);
    if (!after.ok()) return after.status();
    const Snapshot& b = *after;
    for (size_t i = 0; i < a.state.size(); ++i) {
      if (a.state[i] < 0) continue;
      const int sex = ForecastSex(ds.persons.sex[i], static_cast<uint32_t>(i));
      const int band = m.Band(a.age[i]);
      const size_t row = (static_cast<size_t>(sex) * bands + static_cast<size_t>(band)) * k +
                         static_cast<size_t>(a.state[i]);
      if (b.state[i] < 0) {
        m.exits[row] += 1;
        continue;
      }
      m.observed[row] += 1;
      m.counts[row * k + static_cast<size_t>(b.state[i])] += 1;
    }
    a = std::move(*after);
  }
  // Probabilities: counts / row total with `prior` added to the diagonal, so a row with nobody in
  // it is the identity (people stay where they are) and small rows lean towards staying.
  m.p.assign(m.counts.size(), 0.0);
  for (size_t row = 0; row < kSexes * bands * k; ++row) {
    const size_t from = row % k;
    const double total = m.observed[row] + m.prior;
    for (size_t to = 0; to < k; ++to) {
      m.p[row * k + to] = (m.counts[row * k + to] + (to == from ? m.prior : 0.0)) / total;
    }
  }
  return m;
}

Result<std::vector<double>> BaselineSegmentShares(const Dataset& ds, const ScoringConfig& config,
                                                  SegmentScheme scheme, int baseline_year) {
  CmsCoreSegments cms;
  int states = kB2hStates;
  if (scheme == SegmentScheme::kCmsCore) {
    auto loaded = LoadCmsCoreSegments(ForecastDataDir(config));
    if (!loaded.ok()) return loaded.status();
    cms = std::move(*loaded);
    states = kCmsStates;
  }
  auto snap = SnapshotAt(ds, config, scheme, &cms, baseline_year);
  if (!snap.ok()) return snap.status();
  const size_t k = static_cast<size_t>(states);
  std::vector<double> shares(kSexes * kAges * k, 0.0);
  for (size_t i = 0; i < snap->state.size(); ++i) {
    if (snap->state[i] < 0) continue;
    const int sex = ForecastSex(ds.persons.sex[i], static_cast<uint32_t>(i));
    shares[(static_cast<size_t>(sex) * kAges + snap->age[i]) * k + static_cast<size_t>(snap->state[i])] += 1;
  }
  for (size_t cell = 0; cell < kSexes * kAges; ++cell) {
    double total = 0;
    for (size_t s = 0; s < k; ++s) total += shares[cell * k + s];
    if (total > 0)
      for (size_t s = 0; s < k; ++s) shares[cell * k + s] /= total;
  }
  return shares;
}

SegmentProjection ProjectSegments(const TransitionModel& model, const std::vector<double>& baseline_shares,
                                  const PopulationProjection& population, const std::vector<PreventionLever>& levers,
                                  const std::vector<double>& lever_values) {
  SegmentProjection out;
  out.baseline_year = population.baseline_year;
  out.states = model.states;
  const size_t k = static_cast<size_t>(model.states);
  const size_t cells = kSexes * kAges;
  if (k == 0 || population.years.empty() || baseline_shares.size() != cells * k) return out;

  // Baseline shares with empty cells filled: the nearest younger age of the same sex with people,
  // else the nearest older one, else everyone in the first state.
  std::vector<double> entry(cells * k, 0.0);
  auto cell_total = [&](const std::vector<double>& v, size_t cell) {
    double t = 0;
    for (size_t s = 0; s < k; ++s) t += v[cell * k + s];
    return t;
  };
  for (int sex = 0; sex < kSexes; ++sex) {
    for (int age = 0; age < kAges; ++age) {
      const size_t cell = static_cast<size_t>(sex) * kAges + static_cast<size_t>(age);
      int src = -1;
      for (int d = 0; d < kAges && src < 0; ++d) {
        for (int cand : {age - d, age + d}) {
          if (cand < 0 || cand >= kAges) continue;
          if (cell_total(baseline_shares, static_cast<size_t>(sex) * kAges + static_cast<size_t>(cand)) > 0) {
            src = cand;
            break;
          }
        }
      }
      for (size_t s = 0; s < k; ++s)
        entry[cell * k + s] = src < 0 ? (s == 0 ? 1.0 : 0.0)
                                      : baseline_shares[(static_cast<size_t>(sex) * kAges + static_cast<size_t>(src)) * k + s];
    }
  }

  // ICB totals by sex and age in each projected year.
  const size_t years = population.years.size();
  std::vector<std::vector<double>> totals(years, std::vector<double>(cells, 0.0));
  for (size_t y = 0; y < years; ++y) {
    const PopulationGrid& g = population.years[y];
    for (int pl = 0; pl < g.places; ++pl)
      for (int sex = 0; sex < kSexes; ++sex)
        for (int age = 0; age < kAges; ++age)
          totals[y][static_cast<size_t>(sex) * kAges + static_cast<size_t>(age)] += g.at(pl, sex, age);
  }

  // People by [sex][age][state].
  std::vector<double> c(cells * k, 0.0);
  for (size_t cell = 0; cell < cells; ++cell)
    for (size_t s = 0; s < k; ++s) c[cell * k + s] = entry[cell * k + s] * totals[0][cell];

  auto shares_of = [&](const std::vector<double>& counts) {
    std::vector<double> sh(cells * k, 0.0);
    for (size_t cell = 0; cell < cells; ++cell) {
      const double t = cell_total(counts, cell);
      if (t > 0)
        for (size_t s = 0; s < k; ++s) sh[cell * k + s] = counts[cell * k + s] / t;
    }
    return sh;
  };
  out.shares.push_back(shares_of(c));

  std::vector<double> row(k), moved(cells * k);
  for (size_t y = 0; y + 1 < years; ++y) {
    const int year = population.baseline_year + static_cast<int>(y);  // the financial year of this step
    std::fill(moved.begin(), moved.end(), 0.0);
    for (int sex = 0; sex < kSexes; ++sex) {
      for (int age = 0; age < kAges; ++age) {
        const size_t cell = static_cast<size_t>(sex) * kAges + static_cast<size_t>(age);
        const int band = model.Band(age);
        for (size_t from = 0; from < k; ++from) {
          const double people = c[cell * k + from];
          if (people == 0) continue;
          for (size_t to = 0; to < k; ++to) row[to] = model.At(sex, band, static_cast<int>(from), static_cast<int>(to));
          for (size_t i = 0; i < levers.size() && i < lever_values.size(); ++i) {
            const PreventionLever& l = levers[i];
            const int lf = l.from_segment - 1, lt = l.to_segment - 1;
            if (lf != static_cast<int>(from) || lt < 0 || lt >= static_cast<int>(k) || lt == lf) continue;
            if (age < l.min_age || age > l.max_age) continue;
            if (static_cast<int>(y) < l.lag_years) continue;
            const double phase = l.phasing.At(year);
            const double old = row[static_cast<size_t>(lt)];
            // The changed probability stays within [0, old + stay]: the diagonal gives or takes it.
            const double wanted = std::clamp(old * (1.0 + lever_values[i] * phase), 0.0, old + row[from]);
            row[from] -= wanted - old;
            row[static_cast<size_t>(lt)] = wanted;
          }
          for (size_t to = 0; to < k; ++to) moved[cell * k + to] += people * row[to];
        }
      }
    }
    // Age by one year (100 is open), then rescale each (sex, age) to the projection's total.
    std::vector<double> next(cells * k, 0.0);
    for (int sex = 0; sex < kSexes; ++sex) {
      for (int age = 0; age < kAges; ++age) {
        const int to_age = std::min(age + 1, kMaxAge);
        const size_t from_cell = static_cast<size_t>(sex) * kAges + static_cast<size_t>(age);
        const size_t to_cell = static_cast<size_t>(sex) * kAges + static_cast<size_t>(to_age);
        for (size_t s = 0; s < k; ++s) next[to_cell * k + s] += moved[from_cell * k + s];
      }
    }
    for (size_t cell = 0; cell < cells; ++cell) {
      const double target = totals[y + 1][cell];
      const double have = cell_total(next, cell);
      const bool newborn = cell % kAges == 0;
      for (size_t s = 0; s < k; ++s) {
        if (newborn || have <= 0) {
          next[cell * k + s] = entry[cell * k + s] * target;
        } else {
          next[cell * k + s] *= target / have;
        }
      }
    }
    c = std::move(next);
    out.shares.push_back(shares_of(c));
  }
  return out;
}

}  // namespace icb::forecast
