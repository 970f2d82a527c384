#include "context/indicator_results.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>

#include <boost/math/distributions/students_t.hpp>

#include "context/profile.h"
#include "core/parallel.h"
#include "stats/crude_rate.h"
#include "stats/dsr.h"
#include "stats/indirect_standardisation.h"
#include "stats/life_expectancy.h"
#include "stats/proportion.h"
#include "stats/standard_population.h"

namespace icb {

namespace {

constexpr int kLeBands = 20;   // 0, 1-4, 5-9, ..., 85-89, 90+
constexpr int kSexes = 3;      // male, female, other or not known

int SexIndex(uint8_t sex) {
  if (sex == static_cast<uint8_t>(Sex::kMale)) return 0;
  if (sex == static_cast<uint8_t>(Sex::kFemale)) return 1;
  return 2;
}

int LeBand(int age) { return age == 0 ? 0 : age < 5 ? 1 : AgeBand(age) + 1; }

// Strata an indicator's sums are split by: age bands for standardised rates and life expectancy,
// age band x sex for indirect standardisation, one otherwise.
int StrataOf(IndicatorMethod m) {
  switch (m) {
    case IndicatorMethod::kDsr: return kAgeBandCount;
    case IndicatorMethod::kLifeExpectancy: return kLeBands;
    case IndicatorMethod::kIsr: return kAgeBandCount * kSexes;
    default: return 1;
  }
}

int StratumOf(IndicatorMethod m, int age, int sex) {
  switch (m) {
    case IndicatorMethod::kDsr: return AgeBand(age);
    case IndicatorMethod::kLifeExpectancy: return LeBand(age);
    case IndicatorMethod::kIsr: return AgeBand(age) * kSexes + sex;
    default: return 0;
  }
}

// The practice of the registration covering `day` with the latest start, or -1.
int32_t PracticeOn(const RegistrationTable& r, size_t person, int32_t day) {
  int32_t practice = -1;
  for (uint64_t k = r.offsets[person]; k < r.offsets[person + 1]; ++k) {
    if (r.start[k] > day) break;
    if (r.end[k] == kNoDate || r.end[k] >= day) practice = static_cast<int32_t>(r.practice[k]);
  }
  return practice;
}

// The practice of the registration that reaches latest into [from, to] (ties: the later start), or -1.
int32_t LastPracticeIn(const RegistrationTable& r, size_t person, int32_t from, int32_t to) {
  int32_t practice = -1, best = INT32_MIN;
  for (uint64_t k = r.offsets[person]; k < r.offsets[person + 1]; ++k) {
    if (r.start[k] > to) break;
    const int32_t end = r.end[k] == kNoDate ? to : std::min(r.end[k], to);
    if (end < from || end < r.start[k]) continue;
    if (end >= best) {
      best = end;
      practice = static_cast<int32_t>(r.practice[k]);
    }
  }
  return practice;
}

struct Layouts {
  std::vector<size_t> base;  // first slot of indicator k
  std::vector<int> strata;
  size_t slots = 0;
  size_t mean_slots = 0;
  std::vector<size_t> mean_base;  // first sumsq slot of each mean indicator (SIZE_MAX: none)
  size_t key_slots = 0;            // indicators x cells when record keys are given, else 0
  size_t cells = 0;
};

// One worker's sums.
struct Acc {
  std::vector<int64_t> num, den, extra;
  std::vector<__int128> sumsq;
  std::vector<uint32_t> num_key, den_key;  // [indicator * cells + cell]; wrap modulo 2^32
  int64_t events_unregistered = 0;
  Acc(const Layouts& l)
      : num(l.slots), den(l.slots), extra(l.slots), sumsq(l.mean_slots), num_key(l.key_slots), den_key(l.key_slots) {}
  void Add(const Acc& o) {
    for (size_t i = 0; i < num_key.size(); ++i) num_key[i] += o.num_key[i];
    for (size_t i = 0; i < den_key.size(); ++i) den_key[i] += o.den_key[i];
    for (size_t i = 0; i < num.size(); ++i) num[i] += o.num[i];
    for (size_t i = 0; i < den.size(); ++i) den[i] += o.den[i];
    for (size_t i = 0; i < extra.size(); ++i) extra[i] += o.extra[i];
    for (size_t i = 0; i < sumsq.size(); ++i) sumsq[i] += o.sumsq[i];
    events_unregistered += o.events_unregistered;
  }
};

struct Frame {
  const Dataset* ds = nullptr;
  const PersonScores* scores = nullptr;
  const BreakdownLayout* layout = nullptr;
  std::vector<const IndicatorDef*> defs;
  Layouts lay;
  int32_t from = 0, to = 0, as_at = 0;
  std::vector<size_t> py_ind, event_ind, death_ind, pop_ind;  // indicators by term kind
  std::vector<std::vector<uint8_t>> codelist_match;           // [codelist][codes id]
  std::vector<uint8_t> gp_not_attended, op_not_attended;      // by attrs id
  const std::vector<uint32_t>* record_keys = nullptr;
};

bool Flag(const std::vector<uint8_t>& flags, uint32_t id) { return id < flags.size() && flags[id] != 0; }

bool RegisteredOn(const RegistrationTable& r, size_t person, int32_t day) {
  for (uint64_t k = r.offsets[person]; k < r.offsets[person + 1]; ++k) {
    if (r.start[k] > day) return false;
    if (r.end[k] == kNoDate || r.end[k] >= day) return true;
  }
  return false;
}

void CountPersons(const Frame& f, size_t begin, size_t end, Acc& a) {
  const Dataset& ds = *f.ds;
  const auto& p = ds.persons;
  const auto& reg = ds.registrations;
  const auto& ev = ds.events;
  const auto& cond = ds.conditions;
  const size_t max_cells = f.layout->breakdowns().size();
  std::vector<size_t> cells(max_cells);
  struct AgeSpan {
    int age;
    int64_t days;
  };
  std::vector<AgeSpan> spans;
  for (size_t i = begin; i < end; ++i) {
    const int32_t birth = p.birth[i], death = p.death[i];
    if (birth > f.to || (death != kNoDate && death < f.from)) continue;
    const bool in_pop = AliveOn(birth, death, f.as_at) && PracticeOn(reg, i, f.as_at) >= 0;
    PersonKeys keys;
    keys.practice = in_pop ? PracticeOn(reg, i, f.as_at) : LastPracticeIn(reg, i, f.from, f.to);
    if (keys.practice < 0 && !in_pop) {
      // Never registered in the period: no person-time; count the events it would have had.
      for (uint64_t e = ev.offsets[i]; e < ev.offsets[i + 1]; ++e)
        if (ev.date[e] >= f.from && ev.date[e] <= f.to) ++a.events_unregistered;
      continue;
    }
    const uint32_t lsoa = p.lsoa[i];
    keys.imd_decile = lsoa < ds.lsoas.size() ? ds.lsoas.imd_decile[lsoa] : 0;
    keys.ethnic_group = EthnicGroupIndex(p.ethnicity[i]);
    const int sex = SexIndex(p.sex[i]);
    keys.sex = static_cast<uint8_t>(sex);
    keys.segment = f.scores->size() > i && f.scores->in_population[i] ? f.scores->segment[i] : 0;
    const uint8_t sex_code = p.sex[i];
    const Date birth_date(birth);
    auto add = [&](std::vector<int64_t>& v, size_t k, const size_t* cs, size_t nc, int stratum, int64_t x) {
      const size_t base = f.lay.base[k];
      const size_t strata = static_cast<size_t>(f.lay.strata[k]);
      for (size_t c = 0; c < nc; ++c) v[base + cs[c] * strata + static_cast<size_t>(stratum)] += x;
    };
    // Record keys: the person's key once per counted unit, into each of its cells.
    const uint32_t record_key = f.record_keys ? (*f.record_keys)[i] : 0;
    auto add_key = [&](std::vector<uint32_t>& v, size_t k, const size_t* cs, size_t nc) {
      if (!f.record_keys) return;
      for (size_t c = 0; c < nc; ++c) v[k * f.lay.cells + cs[c]] += record_key;
    };

    // Registered person-time, split at each birthday.
    if (!f.py_ind.empty()) {
      spans.clear();
      int32_t s = std::max(f.from, birth);
      const int32_t e_end = death == kNoDate ? f.to : std::min(f.to, death);
      int age = birth_date.AgeOn(Date(s));
      while (s <= e_end) {
        const int32_t next = Date::FromCivil(birth_date.year() + age + 1, birth_date.month(), birth_date.day()).days();
        const int32_t seg_end = std::min(e_end, next - 1);
        const int64_t days = DaysRegistered(reg, i, birth, death, s, seg_end);
        if (days > 0) spans.push_back({age, days});
        s = next;
        ++age;
      }
      for (const AgeSpan& sp : spans) {
        const size_t nc = f.layout->Cells(keys, AgeBand(sp.age), cells.data());
        for (size_t k : f.py_ind) {
          const IndicatorFilter& df = f.defs[k]->denominator_filter;
          if (!df.AgeOk(sp.age) || !df.SexOk(sex_code)) continue;
          add(a.den, k, cells.data(), nc, StratumOf(f.defs[k]->method, sp.age, sex), sp.days);
          add_key(a.den_key, k, cells.data(), nc);
        }
      }
    }

    // Events on registered days in the period (and their cost, for cost per head).
    int64_t cost = 0;
    for (uint64_t e = ev.offsets[i]; e < ev.offsets[i + 1]; ++e) {
      const int32_t day = ev.date[e];
      if (day < f.from) continue;
      if (day > f.to) break;
      if (!RegisteredOn(reg, i, day)) {
        ++a.events_unregistered;
        continue;
      }
      const uint8_t setting = ev.setting[e], pod = ev.pod[e];
      if ((setting == static_cast<uint8_t>(Setting::kGpAppointment) && Flag(f.gp_not_attended, ev.attr3[e])) ||
          (setting == static_cast<uint8_t>(Setting::kOutpatient) && Flag(f.op_not_attended, ev.attr2[e])))
        continue;
      cost += ev.cost_pence[e];
      if (f.event_ind.empty()) continue;
      const int age = birth_date.AgeOn(Date(day));
      size_t nc = SIZE_MAX;
      for (size_t k : f.event_ind) {
        const IndicatorFilter& nf = f.defs[k]->numerator_filter;
        if (nf.pod_mask && !((nf.pod_mask >> pod) & 1u)) continue;
        if (nf.setting_mask && !((nf.setting_mask >> setting) & 1u)) continue;
        if (!nf.AgeOk(age) || !nf.SexOk(sex_code)) continue;
        const IndicatorFilter& df = f.defs[k]->denominator_filter;
        if (!df.AgeOk(age) || !df.SexOk(sex_code)) continue;  // numerator within the denominator
        if (nf.codelist >= 0 && !Flag(f.codelist_match[static_cast<size_t>(nf.codelist)], ev.code[e])) continue;
        if (nc == SIZE_MAX) nc = f.layout->Cells(keys, AgeBand(age), cells.data());
        add(a.num, k, cells.data(), nc, StratumOf(f.defs[k]->method, age, sex), 1);
        add_key(a.num_key, k, cells.data(), nc);
      }
    }

    // Death in the period on a registered day.
    if (!f.death_ind.empty() && death != kNoDate && death >= f.from && death <= f.to && RegisteredOn(reg, i, death)) {
      const int age = birth_date.AgeOn(Date(death));
      const size_t nc = f.layout->Cells(keys, AgeBand(age), cells.data());
      for (size_t k : f.death_ind) {
        const IndicatorFilter& nf = f.defs[k]->numerator_filter;
        const IndicatorFilter& df = f.defs[k]->denominator_filter;
        if (!nf.AgeOk(age) || !nf.SexOk(sex_code) || !df.AgeOk(age) || !df.SexOk(sex_code)) continue;
        add(a.num, k, cells.data(), nc, StratumOf(f.defs[k]->method, age, sex), 1);
        add_key(a.num_key, k, cells.data(), nc);
      }
    }

    // The registered population on the as-at date.
    if (!in_pop || f.pop_ind.empty()) continue;
    const int age = birth_date.AgeOn(Date(f.as_at));
    uint32_t on_register = 0;
    for (uint64_t k = cond.offsets[i]; k < cond.offsets[i + 1]; ++k)
      if (cond.date[k] <= f.as_at && cond.condition[k] < 32) on_register |= 1u << cond.condition[k];
    const int ltc = f.scores->size() > i ? f.scores->ltc_count[i] : -1;
    const size_t nc = f.layout->Cells(keys, AgeBand(age), cells.data());
    for (size_t k : f.pop_ind) {
      const IndicatorDef& d = *f.defs[k];
      const IndicatorFilter& df = d.denominator_filter;
      if (!df.AgeOk(age) || !df.SexOk(sex_code)) continue;
      if (df.qof_age_of >= 0 && age < QofRegister(static_cast<uint8_t>(df.qof_age_of)).min_age) continue;
      const int stratum = StratumOf(d.method, age, sex);
      add(a.den, k, cells.data(), nc, stratum, 1);
      add_key(a.den_key, k, cells.data(), nc);
      if (d.numerator == NumeratorKind::kCost) {
        add(a.num, k, cells.data(), nc, stratum, cost);
        if (cost != 0) {
          add(a.extra, k, cells.data(), nc, stratum, 1);
          add_key(a.num_key, k, cells.data(), nc);
        }
        const __int128 sq = static_cast<__int128>(cost) * cost;
        for (size_t c = 0; c < nc; ++c) a.sumsq[f.lay.mean_base[k] + cells[c]] += sq;
        continue;
      }
      const IndicatorFilter& nf = d.numerator_filter;
      if (!nf.AgeOk(age) || !nf.SexOk(sex_code)) continue;
      if (nf.register_condition >= 0 && !((on_register >> nf.register_condition) & 1u)) continue;
      if (nf.segment >= 0 && keys.segment != nf.segment) continue;
      if (nf.min_ltc >= 0 && ltc < nf.min_ltc) continue;
      add(a.num, k, cells.data(), nc, stratum, 1);
      add_key(a.num_key, k, cells.data(), nc);
    }
  }
}

// Mean with a Student's t interval from the count, sum and sum of squares of the values (the
// moments form of PHEindicatormethods::phe_mean, so that a million values need not be kept).
stats::Estimate MeanFromMoments(double n, double sum, double sumsq, const std::vector<double>& levels) {
  if (n < 1) return stats::NotAvailable(levels, "mean", "Student's t-distribution", "no values");
  stats::Estimate e;
  e.levels = levels;
  e.statistic = "mean";
  e.method = "Student's t-distribution";
  e.value = sum / n;
  if (n < 2) {
    e.intervals.assign(levels.size(), stats::Interval{});
    e.note = "one value: no interval";
    return e;
  }
  const double var = std::max(0.0, (sumsq - sum * sum / n) / (n - 1));
  const double se = std::sqrt(var / n);
  const boost::math::students_t t(n - 1);
  for (double level : levels) {
    const double q = boost::math::quantile(t, 1 - (1 - level) / 2);
    e.intervals.push_back({e.value - q * se, e.value + q * se});
  }
  return e;
}

// The statistic of one cell; `ref` is the ICB total cell ("all") for indirect standardisation.
stats::Estimate EstimateCell(const IndicatorDef& d, const std::vector<double>& num, const std::vector<double>& den,
                             const std::vector<double>& ref_num, const std::vector<double>& ref_den, double sumsq,
                             const std::vector<double>& levels, const stats::StandardPopulation& esp, double* expected) {
  double x = 0, n = 0;
  for (double v : num) x += v;
  for (double v : den) n += v;
  const auto na = [&](std::string note) {
    return stats::NotAvailable(levels, std::string(IndicatorMethodName(d.method)), "", std::move(note));
  };
  if (!(n > 0)) return na("no denominator");
  switch (d.method) {
    case IndicatorMethod::kProportion:
    case IndicatorMethod::kCount: {
      auto r = stats::Proportion(x, n, levels, d.multiplier);
      return r.ok() ? *r : na(r.status().message());
    }
    case IndicatorMethod::kCrudeRate: {
      auto r = stats::CrudeRate(x, n, levels, d.multiplier);
      return r.ok() ? *r : na(r.status().message());
    }
    case IndicatorMethod::kMean: {
      auto e = MeanFromMoments(n, x / 100.0, sumsq / 10000.0, levels);
      return e;
    }
    case IndicatorMethod::kDsr: {
      // Bands inside the denominator's age range with person-time; the others are left out with
      // their standard weights.
      std::vector<double> ev, pop, w;
      int dropped = 0;
      for (int b = 0; b < kAgeBandCount; ++b) {
        const int start = b * 5;
        if (!d.denominator_filter.AgeOk(start)) continue;
        if (!(den[static_cast<size_t>(b)] > 0)) {
          ++dropped;
          continue;
        }
        ev.push_back(num[static_cast<size_t>(b)]);
        pop.push_back(den[static_cast<size_t>(b)]);
        w.push_back(esp.population[static_cast<size_t>(b)]);
      }
      if (ev.empty()) return na("no person-time");
      auto r = stats::Dsr(ev, pop, w, levels, d.multiplier);
      if (!r.ok()) return na(r.status().message());
      stats::Estimate e = r->estimate;
      if (dropped > 0 && e.note.empty())
        e.note = std::to_string(dropped) + " age band(s) with no person-time left out";
      return e;
    }
    case IndicatorMethod::kIsr: {
      std::vector<double> o, p, ro, rp;
      for (size_t s = 0; s < num.size(); ++s) {
        if (!(ref_den[s] > 0)) continue;
        o.push_back(num[s]);
        p.push_back(den[s]);
        ro.push_back(ref_num[s]);
        rp.push_back(ref_den[s]);
      }
      auto r = stats::IsRatio(o, p, ro, rp, levels, d.multiplier);
      if (!r.ok()) return na(r.status().message());
      *expected = r->expected;
      return r->estimate;
    }
    case IndicatorMethod::kLifeExpectancy: {
      const auto& ages = stats::LifeExpectancyStartAges();
      auto r = stats::LifeExpectancy(ages, num, den, levels, 0.0);
      if (!r.ok()) return na(r.status().message());
      if (r->empty()) return na("no life table");
      return (*r)[0].estimate;
    }
  }
  return na("unknown method");
}

stats::SiiValueType SiiTypeOf(IndicatorMethod m) {
  switch (m) {
    case IndicatorMethod::kProportion:
    case IndicatorMethod::kCount: return stats::SiiValueType::kProportion;
    case IndicatorMethod::kCrudeRate:
    case IndicatorMethod::kDsr:
    case IndicatorMethod::kIsr: return stats::SiiValueType::kRate;
    default: return stats::SiiValueType::kNormal;
  }
}

}  // namespace

Period FinancialYearPeriod(int32_t day) {
  const int fy = FinancialYearOf(Date(day));
  Period p;
  p.from = FinancialYearStart(fy).days();
  p.to = FinancialYearEnd(fy).days();
  p.label = FinancialYearLabel(fy);
  p.days_per_year = p.to - p.from + 1;
  return p;
}

Result<Period> ParsePeriod(std::string_view text) {
  if (text.size() == 7 && text[4] == '/') {
    const auto start = Date::ParseIso(std::string(text.substr(0, 4)) + "-04-01");
    if (start) {
      Period p = FinancialYearPeriod(start->days());
      if (p.label == text) return p;
    }
    return Status::InvalidInput("period '" + std::string(text) + "': expected a financial year such as 2023/24");
  }
  const size_t colon = text.find(':');
  if (colon != std::string_view::npos) {
    const auto a = Date::ParseIso(text.substr(0, colon));
    const auto b = Date::ParseIso(text.substr(colon + 1));
    if (a && b && *a <= *b) {
      Period p;
      p.from = a->days();
      p.to = b->days();
      p.label = std::string(text);
      p.days_per_year = 365.25;
      return p;
    }
  }
  return Status::InvalidInput("period '" + std::string(text) +
                              "': expected a financial year (2023/24) or FROM:TO dates (2023-01-01:2023-12-31, FROM <= TO)");
}

Result<IndicatorResults> ComputeIndicators(const Dataset& ds, const PersonScores& scores, const IndicatorQuery& query_in) {
  IndicatorQuery query = query_in;
  IndicatorCatalogue loaded;
  if (query.catalogue == nullptr) {
    auto c = LoadIndicatorCatalogue(DefaultIndicatorDir());
    if (!c.ok()) return c.status();
    loaded = std::move(*c);
    query.catalogue = &loaded;
  }
  const IndicatorCatalogue& cat = *query.catalogue;
  if (query.period.from == kNoDate || query.period.to == kNoDate || query.period.from > query.period.to)
    return Status::InvalidInput("indicators: no period given");
  if (query.period.days_per_year <= 0) query.period.days_per_year = 365.25;
  if (query.as_at == kNoDate) query.as_at = query.period.to;
  if (std::find(query.breakdowns.begin(), query.breakdowns.end(), Breakdown::kAll) == query.breakdowns.end())
    query.breakdowns.insert(query.breakdowns.begin(), Breakdown::kAll);
  const bool have_scores = scores.size() == ds.person_count() && scores.size() > 0;
  if (have_scores && scores.as_at != query.as_at)
    return Status::InvalidInput("indicators: person scores are as at " + Date(scores.as_at).ToIso() +
                                ", not the as-at date " + Date(query.as_at).ToIso());
  if (!have_scores && std::find(query.breakdowns.begin(), query.breakdowns.end(), Breakdown::kSegment) != query.breakdowns.end())
    return Status::InvalidInput("indicators: the segment breakdown needs person scores (icb segment)");

  IndicatorResults res;
  // Which indicators.
  std::vector<const IndicatorDef*> defs;
  if (query.indicator_ids.empty()) {
    for (const auto& d : cat.indicators) {
      if (d.needs_scores && !have_scores) {
        res.skipped.push_back(d.id + ": needs person scores");
        continue;
      }
      defs.push_back(&d);
    }
  } else {
    for (const auto& id : query.indicator_ids) {
      const int k = cat.Find(id);
      if (k < 0) return Status::InvalidInput("unknown indicator '" + id + "' (icb indicators --list shows them)");
      const IndicatorDef& d = cat.indicators[static_cast<size_t>(k)];
      if (d.needs_scores && !have_scores) return Status::InvalidInput("indicator '" + id + "' needs person scores");
      for (Breakdown b : query.breakdowns)
        if (!((d.breakdown_mask >> static_cast<int>(b)) & 1u))
          return Status::InvalidInput("indicator '" + id + "' cannot be broken down by " + std::string(BreakdownName(b)));
      defs.push_back(&d);
    }
  }
  res.layout = BreakdownLayout(ds, query.breakdowns);
  const size_t cells = res.layout.cell_count();

  Frame f;
  f.ds = &ds;
  f.scores = &scores;
  f.layout = &res.layout;
  f.defs = defs;
  f.from = query.period.from;
  f.to = query.period.to;
  f.as_at = query.as_at;
  if (query.record_keys != nullptr) {
    if (query.record_keys->size() != ds.person_count())
      return Status::InvalidInput("indicators: " + std::to_string(query.record_keys->size()) + " record keys for " +
                                  std::to_string(ds.person_count()) + " persons");
    f.record_keys = query.record_keys;
    f.lay.key_slots = defs.size() * cells;
  }
  f.lay.cells = cells;
  for (size_t k = 0; k < defs.size(); ++k) {
    const IndicatorDef& d = *defs[k];
    f.lay.base.push_back(f.lay.slots);
    f.lay.strata.push_back(StrataOf(d.method));
    f.lay.slots += cells * static_cast<size_t>(StrataOf(d.method));
    f.lay.mean_base.push_back(d.method == IndicatorMethod::kMean ? f.lay.mean_slots : SIZE_MAX);
    if (d.method == IndicatorMethod::kMean) f.lay.mean_slots += cells;
    if (d.denominator == DenominatorKind::kPersonYears) f.py_ind.push_back(k);
    else f.pop_ind.push_back(k);
    if (d.numerator == NumeratorKind::kEvents) f.event_ind.push_back(k);
    if (d.numerator == NumeratorKind::kDeaths) f.death_ind.push_back(k);
  }
  for (const auto& list : cat.codelists) {
    std::vector<uint8_t> m(ds.codes.size());
    for (uint32_t id = 0; id < ds.codes.size(); ++id) m[id] = list.Matches(ds.codes.at(id)) ? 1 : 0;
    f.codelist_match.push_back(std::move(m));
  }
  f.gp_not_attended.assign(ds.attrs.size(), 0);
  f.op_not_attended.assign(ds.attrs.size(), 0);
  for (uint32_t id = 0; id < ds.attrs.size(); ++id) {
    const std::string& v = ds.attrs.at(id);
    f.gp_not_attended[id] = v == "DNA" || v == "UNKNOWN";
    f.op_not_attended[id] = v == "0" || v == "2" || v == "3" || v == "4" || v == "7";
  }

  // One pass over persons. Workers take accumulators from a pool; all sums are integers, so the
  // totals do not depend on which worker added which chunk.
  const size_t n = ds.person_count();
  std::mutex mu;
  std::vector<std::unique_ptr<Acc>> pool;
  ParallelFor(n, 4096, [&](size_t b, size_t e) {
    std::unique_ptr<Acc> acc;
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!pool.empty()) {
        acc = std::move(pool.back());
        pool.pop_back();
      }
    }
    if (!acc) acc = std::make_unique<Acc>(f.lay);
    CountPersons(f, b, e, *acc);
    std::lock_guard<std::mutex> lock(mu);
    pool.push_back(std::move(acc));
  });
  Acc total(f.lay);
  for (const auto& acc : pool) total.Add(*acc);
  res.events_unregistered = total.events_unregistered;

  // Statistics per cell.
  auto esp = stats::Esp2013();
  if (!esp.ok()) return esp.status();
  const double dpy = query.period.days_per_year;
  for (size_t k = 0; k < defs.size(); ++k) {
    const IndicatorDef& d = *defs[k];
    IndicatorResult r;
    r.def = d;
    r.cells.resize(cells);
    const size_t strata = static_cast<size_t>(f.lay.strata[k]);
    const bool py = d.denominator == DenominatorKind::kPersonYears;
    auto slot_vectors = [&](size_t c, std::vector<double>& num, std::vector<double>& den) {
      num.assign(strata, 0);
      den.assign(strata, 0);
      for (size_t s = 0; s < strata; ++s) {
        const size_t slot = f.lay.base[k] + c * strata + s;
        num[s] = static_cast<double>(total.num[slot]);
        den[s] = py ? static_cast<double>(total.den[slot]) / dpy : static_cast<double>(total.den[slot]);
      }
    };
    std::vector<double> ref_num, ref_den;
    slot_vectors(0, ref_num, ref_den);  // cell 0 is "All"
    for (size_t bi = 0; bi < res.layout.breakdowns().size(); ++bi) {
      if (!r.Allows(res.layout.breakdowns()[bi])) continue;
      for (size_t g = 0; g < res.layout.group_count(bi); ++g) {
        const size_t c = res.layout.offset(bi) + g;
        std::vector<double> num, den;
        slot_vectors(c, num, den);
        IndicatorCell& cell = r.cells[c];
        double x = 0, nn = 0;
        for (double v : num) x += v;
        for (double v : den) nn += v;
        cell.denominator = nn;
        double sumsq = 0;
        if (d.method == IndicatorMethod::kMean) {
          cell.cost_gbp = x / 100.0;
          int64_t with_cost = 0;
          for (size_t s = 0; s < strata; ++s) with_cost += total.extra[f.lay.base[k] + c * strata + s];
          cell.numerator = with_cost;
          sumsq = static_cast<double>(total.sumsq[f.lay.mean_base[k] + c]);
        } else {
          cell.numerator = static_cast<int64_t>(x);
        }
        cell.estimate = EstimateCell(d, num, den, ref_num, ref_den, sumsq, query.confidence, *esp, &cell.expected);
        if (f.record_keys) {
          cell.numerator_key = total.num_key[k * cells + c];
          cell.denominator_key = total.den_key[k * cells + c];
        }
      }
    }
    // SII across IMD deciles 1-10.
    const auto dec = std::find(query.breakdowns.begin(), query.breakdowns.end(), Breakdown::kImdDecile);
    if (query.sii && dec != query.breakdowns.end() && r.Allows(Breakdown::kImdDecile)) {
      const size_t bi = static_cast<size_t>(dec - query.breakdowns.begin());
      std::vector<stats::SiiQuantile> qs;
      std::string why;
      for (int g = 0; g < 10; ++g) {
        const size_t c = res.layout.offset(bi) + static_cast<size_t>(g);
        const IndicatorCell& cell = r.cells[c];
        if (cell.numerator < 10) why = "a decile has fewer than 10 in its numerator";
        if (!(cell.denominator > 0)) why = "a decile has no population";
        if (!why.empty()) break;
        std::vector<double> num, den;
        slot_vectors(c, num, den);
        double expected = 0;
        const stats::Estimate e95 = EstimateCell(d, num, den, ref_num, ref_den,
                                                 d.method == IndicatorMethod::kMean ? static_cast<double>(total.sumsq[f.lay.mean_base[k] + c]) : 0,
                                                 {0.95}, *esp, &expected);
        if (!e95.has_value() || e95.intervals.empty() || !(e95.intervals[0].lower == e95.intervals[0].lower)) {
          why = "a decile has no value or interval";
          break;
        }
        stats::SiiQuantile q;
        q.quantile = g + 1;
        q.population = cell.denominator;
        const double scale = SiiTypeOf(d.method) == stats::SiiValueType::kProportion ? d.multiplier : 1;
        q.value = e95.value / scale;
        q.lower_cl = e95.intervals[0].lower / scale;
        q.upper_cl = e95.intervals[0].upper / scale;
        qs.push_back(q);
      }
      if (why.empty()) {
        stats::SiiOptions o;
        o.value_type = SiiTypeOf(d.method);
        o.multiplier = SiiTypeOf(d.method) == stats::SiiValueType::kProportion ? d.multiplier : 1;
        o.repetitions = query.sii_repetitions;
        o.seed = query.sii_seed;
        o.confidence = query.confidence;
        auto s = stats::CalculateSii(qs, o);
        if (s.ok()) {
          r.sii.computed = true;
          r.sii.result = std::move(*s);
        } else {
          r.sii.note = s.status().message();
        }
      } else {
        r.sii.note = why;
      }
    }
    res.indicators.push_back(std::move(r));
  }
  res.query = query;
  res.query.catalogue = nullptr;
  res.query.record_keys = nullptr;
  res.has_record_keys = f.record_keys != nullptr;
  return res;
}

}  // namespace icb
