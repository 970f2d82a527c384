// Shared helpers for the egress tests: the synthetic ICB of tests/synth/synth_fixture.h (20,000
// people, FY 2020/21-2022/23) ingested once per test binary, record keys from a fixed test secret
// (server::RecordKeys), indicator reports for FY 2022/23 with and without keys, and the attacker's
// tool: backing a numerator out of a published value and its interval.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "context/indicator_catalogue.h"
#include "context/indicator_report.h"
#include "context/indicator_results.h"
#include "core/crypto.h"
#include "governance/disclosure.h"
#include "ingest/contract_reader.h"
#include "server/egress.h"
#include "stats/confidence.h"
#include "stats/crude_rate.h"
#include "stats/proportion.h"
#include "tests/synth/synth_fixture.h"

namespace icb::server::testing {

inline const Dataset& SynthIcb() {
  static const Dataset ds = [] {
    const auto& fx = synth::testing::SharedFixture();
    IngestReport report;
    DataQuality dq;
    auto r = ReadContract(fx.out, HmacKey::FromBytes(std::string(32, 'k')), report, dq);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return std::move(r).value();
  }();
  return ds;
}

inline const std::vector<uint32_t>& SynthKeys() {
  static const std::vector<uint32_t> keys = RecordKeys(SynthIcb(), HmacKey::FromBytes(std::string(32, 's')));
  return keys;
}

inline const IndicatorCatalogue& Catalogue() {
  static const IndicatorCatalogue cat = [] {
    auto c = LoadIndicatorCatalogue(DefaultIndicatorDir());
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return std::move(c).value();
  }();
  return cat;
}

// Indicators for FY 2022/23 by `breakdowns` (kAll is always added), with the record keys when `keys`.
inline IndicatorResults Compute(std::vector<Breakdown> breakdowns, bool keys = true,
                                std::vector<std::string> ids = {}) {
  IndicatorQuery q;
  q.catalogue = &Catalogue();
  q.indicator_ids = std::move(ids);
  q.breakdowns = std::move(breakdowns);
  q.period = FinancialYearPeriod(Date::FromCivil(2022, 4, 1).days());
  q.record_keys = keys ? &SynthKeys() : nullptr;
  auto r = ComputeIndicators(SynthIcb(), PersonScores{}, q);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return std::move(r).value();
}

// The published report: through the server's egress (the defence) or through ApplyDisclosure alone.
inline report::Report Publish(const IndicatorResults& res, bool defended) {
  report::Report rep = BuildIndicatorReport(res, "synthetic");
  if (defended) {
    auto out = Egress(governance::StandardPolicy()).Release(std::move(rep));
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    return std::move(out).value();
  }
  EXPECT_TRUE(governance::ApplyDisclosure(rep, governance::StandardPolicy()).ok());
  return rep;
}

inline const int64_t* IntCell(const report::Table& t, size_t row, const char* col) {
  return std::get_if<int64_t>(&t.rows()[row][*t.ColumnIndex(col)]);
}
inline const double* DoubleCell(const report::Table& t, size_t row, const char* col) {
  return std::get_if<double>(&t.rows()[row][*t.ColumnIndex(col)]);
}

inline bool Near(double a, double b) { return std::fabs(a - b) <= 1e-9 * std::max(1.0, std::fabs(b)); }

// The attacker: for a published row of a proportion or crude-rate indicator (method and multiplier
// are public, in the catalogue), the numerator that reproduces the shown value and first interval
// exactly, searching every count the published numerator and denominator could have come from
// (rounding to 5 and an offset of up to `window` - 2). nullopt when the row shows no numerator or
// value; the published numerator when no candidate or several fit.
inline std::optional<int64_t> BackOutNumerator(const report::Table& t, size_t row, const IndicatorDef& d,
                                               int64_t window = 5) {
  const int64_t* x = IntCell(t, row, "numerator");
  const int64_t* n = IntCell(t, row, "denominator");
  const double* v = DoubleCell(t, row, "value");
  const auto lo_col = t.ColumnIndex("lowercl");
  if (!x || !n) return std::nullopt;
  if (!v || !lo_col || !std::get_if<double>(&t.rows()[row][*lo_col])) return *x;
  const double lower = std::get<double>(t.rows()[row][*lo_col]);
  std::vector<int64_t> fits;
  for (int64_t cx = std::max<int64_t>(0, *x - window); cx <= *x + window; ++cx) {
    bool fit = false;
    if (d.method == IndicatorMethod::kProportion || d.method == IndicatorMethod::kCount) {
      for (int64_t cn = std::max<int64_t>(1, *n - window); cn <= *n + window && !fit; ++cn) {
        if (cx > cn) continue;
        auto e = stats::Proportion(static_cast<double>(cx), static_cast<double>(cn), {0.95}, d.multiplier);
        fit = e.ok() && Near(e->value, *v) && !e->intervals.empty() && Near(e->intervals[0].lower, lower);
      }
    } else if (d.method == IndicatorMethod::kCrudeRate) {
      if (!(*v > 0) || cx == 0) continue;
      const double cn = static_cast<double>(cx) * d.multiplier / *v;  // the person-years that give the value
      auto e = stats::CrudeRate(static_cast<double>(cx), cn, {0.95}, d.multiplier);
      fit = e.ok() && !e->intervals.empty() && Near(e->intervals[0].lower, lower);
    }
    if (fit) fits.push_back(cx);
  }
  return fits.size() == 1 ? fits[0] : *x;
}

}  // namespace icb::server::testing
