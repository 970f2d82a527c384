// Funnel plots without over-dispersion, as in the PHE "Technical Guide - Funnel Plots" and
// PHEindicatormethods' calculate_funnel_limits / assign_funnel_significance / calculate_funnel_points
// (docs/reference/stats-variation.md, "Funnel plots"): 95% ("2s", one-sided p = 0.975) and 99.8% ("3s",
// p = 0.999) limits for proportions (inverted Wilson), ratios (ISR or count; exact Poisson, by PHE's
// Excel bisection or by exact chi-square quantiles) and rates (DSR or crude), the 100-row limit table
// on PHE's axis, each unit's significance label, and each unit's limits at its own denominator (for
// plotting points against the funnel). Plain functions on values; thread safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "stats/confidence.h"

namespace icb::stats {

enum class FunnelStatistic : uint8_t { kProportion, kRatio, kRate };
enum class FunnelRatioType : uint8_t { kIsr, kCount };  // limits as O/E x 100, or O/E - 1
enum class FunnelRateType : uint8_t { kDsr, kCrude };
// How the Poisson limits of the ratio and rate funnels are found: PHE's Excel bisection (the
// reference, matches PHEindicatormethods to 1e-12; used up to 10,000 events, above which its
// term-by-term sums get slow and exact quantiles, within 3e-7 relative of it, are used) or exact
// chi-square quantiles (Boost.Math).
enum class FunnelPoisson : uint8_t { kPheBisection, kExact };

enum class FunnelSignificance : uint8_t {
  kHigh001, kHigh025, kNotSignificant, kLow025, kLow001,
  kNotApplicableDsr,  // a DSR unit with fewer than 10 events
  kMissing,           // no value (e.g. a DSR unit with 0 events)
};
// "High (0.001)", "High (0.025)", "Not significant", "Low (0.025)", "Low (0.001)",
// "Not applicable for events less than 10 for dsrs", "".
std::string_view FunnelSignificanceLabel(FunnelSignificance s);

struct FunnelOptions {
  FunnelStatistic statistic = FunnelStatistic::kProportion;
  FunnelRatioType ratio_type = FunnelRatioType::kIsr;
  FunnelRateType rate_type = FunnelRateType::kDsr;
  FunnelPoisson poisson = FunnelPoisson::kPheBisection;
  double multiplier = 100;    // proportion: 100 = percent; rate: e.g. 100000; ratio: ignored (isr x 100)
  double years_of_data = 1;   // rate only: the axis's population is per year
};

// One unit (practice, provider, area). Proportion: numerator x of denominator n. Ratio: observed O
// and expected E (denominator). Rate: observed events O and the rate (x multiplier); the denominator
// (population) is required for crude rates with O = 0 and optional otherwise; DSRs need the rate.
struct FunnelUnit {
  double numerator = kNaN;
  double denominator = kNaN;
  double rate = kNaN;
};

struct FunnelUnitResult {
  double value = kNaN;                // proportion x multiplier, O/E (x 100 isr, - 1 count), or rate
  double denominator_derived = kNaN;  // rate: multiplier x O / rate / years (calculate_funnel_points)
  Interval limits95;                  // the funnel at this unit's own denominator, on the value's scale
  Interval limits998;
  FunnelSignificance significance = FunnelSignificance::kMissing;
};

// One row of the 100-row limit table. `axis` is the denominator n (proportion) or the number of
// events (ratio, rate). Ratio rows also give the expected events at each limit; rate rows the
// population per year at each limit.
struct FunnelLimitRow {
  double axis = kNaN;
  double lower95 = kNaN, upper95 = kNaN, lower998 = kNaN, upper998 = kNaN;
  double lower95_x = kNaN, upper95_x = kNaN, lower998_x = kNaN, upper998_x = kNaN;  // E or population/yr
  double baseline = kNaN;
};

struct FunnelResult {
  double baseline = kNaN;  // the centre line: P x multiplier, 100 (isr) or 0 (count), av x multiplier
  std::vector<FunnelUnitResult> units;
  std::vector<FunnelLimitRow> limits;  // 100 rows
  std::string statistic;               // "proportion", "ratio (isr)", "rate (dsr per 100,000)", ...
};

// Validates the units (InvalidInput naming the unit index: negative numerator, denominator <= 0,
// x > n for a proportion, a rate without events, ...) and computes everything above.
Result<FunnelResult> CalculateFunnel(const std::vector<FunnelUnit>& units, const FunnelOptions& options);

// --- building blocks, exposed for tests and other modules -------------------------------------
// R's round(): half to even.
double RoundHalfEven(double x);
// PHE's signif_floor(x) and signif_ceiling(x) for the funnel axis, with R's nchar(format) quirk
// (100000 formats as "1e+05").
double FunnelSignifFloor(double x);
double FunnelSignifCeiling(double x);
// The 100 axis points from axis_min to axis_max; `ratio` selects the j-1 exponent of the ratio axis.
std::vector<double> FunnelAxis(double axis_min, double axis_max, bool ratio);
// Proportion funnel limit at denominator n for overall proportion p, one-sided probability `prob`
// (0.975 or 0.999), as a proportion (not clamped, not multiplied).
Interval ProportionFunnelLimits(double p, double n, double prob);
// Poisson parameter at which the count O is exactly on the limit: `upper` = false gives the lambda
// with P(X <= O | lambda) = 1 - prob (lambda > O), `upper` = true the lambda with
// P(X >= O | lambda) = 1 - prob (lambda < O; 0 when O = 0).
double PoissonFunnelLambda(double observed, double prob, bool upper, FunnelPoisson method);

}  // namespace icb::stats
