#include "stats/funnel.h"

#include <boost/math/special_functions/gamma.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cfenv>
#include <cmath>
#include <string>

#include "stats/boost_policy.h"
#include "stats/estimate.h"
#include "stats/poisson_limits.h"

namespace icb::stats {
namespace {

// One-sided probabilities of the "2s" (95%) and "3s" (99.8%) funnel lines.
constexpr double kProb95 = 0.975;
constexpr double kProb998 = 0.999;
// Above this many events the term-by-term Poisson sum of PHE's bisection costs O(events) per step,
// so exact chi-square quantiles are used instead; they differ from the bisection by < 3e-7 relative
// there (the bisection's own resolution).
constexpr double kPheBisectionMaxEvents = 10000;

// P(lo <= X <= hi | lambda) summed term by term, as PHE's Excel funnel tool does (the classic
// bisection-based exact Poisson interval): terms q_k = lambda^k / k! (unnormalised), rescaled by 1e30
// when the running total passes 1e30, summed until k >= lambda and q <= 1e-10 x total.
double PheTailProbability(double lambda, double lo, double hi) {
  double q = 1, total = 0, s = 0, k = 0;
  while (k < lambda || q > total * 1e-10) {
    total += q;
    if (k >= lo && k <= hi) s += q;
    if (total > 1e30) {
      s /= 1e30;
      total /= 1e30;
      q /= 1e30;
    }
    k += 1;
    q = q * lambda / k;
  }
  return s / total;
}

// PHE's bisection on v in (0, 1) with lambda = (1 + O) v / (1 - v): 23 halvings of the step from 0.5.
double PheBisection(double observed, double tail, bool for_upper_limit) {
  double v = 0.5, dv = 0.5;
  while (dv > 1e-7) {
    dv /= 2;
    const double lambda = (1 + observed) * v / (1 - v);
    if (for_upper_limit) {
      // lambda < O: P(X >= O | lambda) = tail.
      if (PheTailProbability(lambda, observed, 1e10) > tail) v -= dv; else v += dv;
    } else {
      // lambda > O: P(X <= O | lambda) = tail.
      if (PheTailProbability(lambda, 0, observed) < tail) v -= dv; else v += dv;
    }
  }
  return (1 + observed) * v / (1 - v);
}

std::string MultiplierWithCommas(double multiplier) {
  const std::string plain = MultiplierText(multiplier);
  const size_t dot = plain.find('.');
  std::string whole = plain.substr(0, dot), out;
  const std::string rest = dot == std::string::npos ? "" : plain.substr(dot);
  for (size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) out += ',';
    out += whole[i];
  }
  return out + rest;
}

// Number of characters R's format() gives a whole number (7 significant digits, scientific when
// that is narrower than fixed): 100000 -> "1e+05" (5), 123456 -> 6, 12000000 -> "1.2e+07" (7).
int RFormatWidth(double whole) {
  const double a = std::fabs(whole);
  const int fixed_digits = a < 1 ? 1 : static_cast<int>(std::floor(std::log10(a))) + 1;
  const int fixed = fixed_digits + (whole < 0 ? 1 : 0);
  // Significant digits needed at R's default 7.
  const std::string sci = fmt::format("{:.6e}", a);  // d.dddddde+XX
  std::string mantissa = sci.substr(0, sci.find('e'));
  mantissa.erase(std::remove(mantissa.begin(), mantissa.end(), '.'), mantissa.end());
  while (mantissa.size() > 1 && mantissa.back() == '0') mantissa.pop_back();
  const int sig = static_cast<int>(mantissa.size());
  const int exponent_width = fixed_digits - 1 >= 100 ? 5 : 4;  // "e+05" or "e+100"
  const int sci_width = (sig == 1 ? 1 : sig + 1) + exponent_width + (whole < 0 ? 1 : 0);
  return fixed > sci_width ? sci_width : fixed;
}

bool Finite(double x) { return std::isfinite(x); }

FunnelSignificance CompareCount(double observed, double expected) {
  // The exact-or-Byars interval of O divided by E, compared with 1.
  const Interval i998 = PoissonLimits(observed, 0.998);
  const Interval i95 = PoissonLimits(observed, 0.95);
  const double lo998 = observed == 0 ? 0 : i998.lower, lo95 = observed == 0 ? 0 : i95.lower;
  if (lo998 / expected > 1) return FunnelSignificance::kHigh001;
  if (lo95 / expected > 1) return FunnelSignificance::kHigh025;
  if (i998.upper / expected < 1) return FunnelSignificance::kLow001;
  if (i95.upper / expected < 1) return FunnelSignificance::kLow025;
  return FunnelSignificance::kNotSignificant;
}

// Continuous exact limits, in counts, for a Poisson mean `expected`: the O at which the observed
// count is exactly on the funnel line (for plotting a unit against the funnel at its own E).
Interval CountLimitsAtExpected(double expected, double prob) {
  const internal::NoThrowPolicy policy;
  const double tail = 1 - prob;
  Interval out;
  // Lower: P(X <= O | E) = tail, i.e. Q(O + 1, E) = tail.
  const double a_lo = boost::math::gamma_p_inva(expected, 1 - tail, policy);
  out.lower = std::max(0.0, a_lo - 1);
  // Upper: P(X >= O | E) = tail, i.e. P(O, E) = tail.
  out.upper = boost::math::gamma_p_inva(expected, tail, policy);
  return out;
}

}  // namespace

std::string_view FunnelSignificanceLabel(FunnelSignificance s) {
  switch (s) {
    case FunnelSignificance::kHigh001: return "High (0.001)";
    case FunnelSignificance::kHigh025: return "High (0.025)";
    case FunnelSignificance::kNotSignificant: return "Not significant";
    case FunnelSignificance::kLow025: return "Low (0.025)";
    case FunnelSignificance::kLow001: return "Low (0.001)";
    case FunnelSignificance::kNotApplicableDsr: return "Not applicable for events less than 10 for dsrs";
    case FunnelSignificance::kMissing: return "";
  }
  return "";
}

double RoundHalfEven(double x) {
  // nearbyint uses the current rounding mode, which is round-to-nearest-even unless changed.
  const int saved = std::fegetround();
  std::fesetround(FE_TONEAREST);
  const double r = std::nearbyint(x);
  std::fesetround(saved);
  return r;
}

double FunnelSignifFloor(double x) {
  const double base = std::floor(0.95 * x);
  const int k = RFormatWidth(base) - 1;
  const double scale = std::pow(10.0, k);
  return std::floor(0.95 * x / scale) * scale;
}

double FunnelSignifCeiling(double x) {
  const double base = std::ceil(1.05 * x);
  const int k = RFormatWidth(base) - 2;
  const double scale = std::pow(10.0, k);
  return std::ceil(1.05 * x / scale) * scale;
}

std::vector<double> FunnelAxis(double axis_min, double axis_max, bool ratio) {
  std::vector<double> axis(100);
  axis[0] = std::max(1.0, axis_min);
  for (int j = 2; j <= 100; ++j) {
    const double prev = axis[j - 2];
    const int jj = ratio ? j - 1 : j;
    const double step = RoundHalfEven(std::pow(axis_max / prev, 1.0 / (101 - jj)) * prev);
    axis[j - 1] = std::max(step, prev + 1);
  }
  return axis;
}

Interval ProportionFunnelLimits(double p, double n, double prob) {
  const double z = NormalQuantile(prob);
  const double zz = z * z;
  const double a = n / zz + 1;
  const double b = 1 / zz + 1 / n;
  const double root = std::sqrt(p * p * a * a - b * p * (n * (p * (n / zz + 2) - 1) + zz * (p - 1)));
  return {(p * a - root) / b / n, (p * a + root) / b / n};
}

double PoissonFunnelLambda(double observed, double prob, bool upper, FunnelPoisson method) {
  const double tail = 1 - prob;
  if (upper && observed == 0) return 0;
  if (method == FunnelPoisson::kPheBisection && observed <= kPheBisectionMaxEvents)
    return PheBisection(observed, tail, upper);
  const internal::NoThrowPolicy policy;
  return upper ? boost::math::gamma_p_inv(observed, tail, policy)
               : boost::math::gamma_p_inv(observed + 1, 1 - tail, policy);
}

Result<FunnelResult> CalculateFunnel(const std::vector<FunnelUnit>& units, const FunnelOptions& options) {
  if (units.empty()) return Status::InvalidInput("funnel: no units");
  if (!(options.years_of_data > 0)) return Status::InvalidInput("funnel: years of data must be > 0");
  if (!Finite(options.multiplier) || options.multiplier <= 0)
    return Status::InvalidInput("funnel: the multiplier must be > 0");
  const double mult = options.multiplier;
  auto bad = [](size_t i, const std::string& what) {
    return Status::InvalidInput(fmt::format("funnel: unit {}: {}", i + 1, what));
  };

  FunnelResult result;
  result.units.resize(units.size());
  std::vector<double> table_axis;
  double range_min = 0, range_max = 0;  // the denominators the axis spans

  if (options.statistic == FunnelStatistic::kProportion) {
    double sum_x = 0, sum_n = 0;
    for (size_t i = 0; i < units.size(); ++i) {
      const auto& u = units[i];
      if (!Finite(u.numerator) || !Finite(u.denominator)) return bad(i, "missing numerator or denominator");
      if (u.numerator < 0) return bad(i, "numerators must be greater than or equal to zero");
      if (u.denominator <= 0) return bad(i, "denominators must be greater than zero");
      if (u.numerator > u.denominator)
        return bad(i, "numerators must be less than or equal to denominator for a proportion statistic");
      sum_x += u.numerator;
      sum_n += u.denominator;
    }
    const double p = sum_x / sum_n;
    result.baseline = p * mult;
    result.statistic = "proportion (per " + MultiplierWithCommas(mult) + ")";
    range_min = range_max = units[0].denominator;
    for (size_t i = 0; i < units.size(); ++i) {
      const auto& u = units[i];
      range_min = std::min(range_min, u.denominator);
      range_max = std::max(range_max, u.denominator);
      const double ratio = u.numerator / u.denominator;
      const Interval l95 = ProportionFunnelLimits(p, u.denominator, kProb95);
      const Interval l998 = ProportionFunnelLimits(p, u.denominator, kProb998);
      auto& r = result.units[i];
      r.value = ratio * mult;
      r.limits95 = {std::max(0.0, l95.lower) * mult, std::min(1.0, l95.upper) * mult};
      r.limits998 = {std::max(0.0, l998.lower) * mult, std::min(1.0, l998.upper) * mult};
      // PHE order: Low 0.001, Low 0.025, High 0.001, High 0.025 (strict comparisons, scale 0..1).
      if (ratio < std::max(0.0, l998.lower)) r.significance = FunnelSignificance::kLow001;
      else if (ratio < std::max(0.0, l95.lower)) r.significance = FunnelSignificance::kLow025;
      else if (ratio > std::min(1.0, l998.upper)) r.significance = FunnelSignificance::kHigh001;
      else if (ratio > std::min(1.0, l95.upper)) r.significance = FunnelSignificance::kHigh025;
      else r.significance = FunnelSignificance::kNotSignificant;
    }
    const double axis_min = range_max > 2 * range_min ? 0 : FunnelSignifFloor(range_min);
    const double axis_max = FunnelSignifCeiling(range_max);
    table_axis = FunnelAxis(axis_min, axis_max, false);
    for (double n : table_axis) {
      const Interval l95 = ProportionFunnelLimits(p, n, kProb95);
      const Interval l998 = ProportionFunnelLimits(p, n, kProb998);
      FunnelLimitRow row;
      row.axis = n;
      // As calculate_funnel_limits: lower clamped at 0, upper at a literal 100 whatever the multiplier.
      row.lower95 = std::max(0.0, l95.lower * mult);
      row.upper95 = std::min(100.0, l95.upper * mult);
      row.lower998 = std::max(0.0, l998.lower * mult);
      row.upper998 = std::min(100.0, l998.upper * mult);
      row.baseline = result.baseline;
      result.limits.push_back(row);
    }
    return result;
  }

  if (options.statistic == FunnelStatistic::kRatio) {
    const bool isr = options.ratio_type == FunnelRatioType::kIsr;
    auto scale = [isr](double ratio) { return isr ? ratio * 100 : ratio - 1; };
    result.baseline = isr ? 100 : 0;
    result.statistic = isr ? "ratio (isr)" : "ratio (count)";
    for (size_t i = 0; i < units.size(); ++i) {
      const auto& u = units[i];
      if (!Finite(u.numerator) || !Finite(u.denominator)) return bad(i, "missing observed or expected");
      if (u.numerator < 0) return bad(i, "observed events must be greater than or equal to zero");
      if (u.denominator <= 0) return bad(i, "expected events must be greater than zero");
      if (i == 0) range_min = range_max = u.denominator;
      range_min = std::min(range_min, u.denominator);
      range_max = std::max(range_max, u.denominator);
      auto& r = result.units[i];
      r.value = scale(u.numerator / u.denominator);
      const Interval c95 = CountLimitsAtExpected(u.denominator, kProb95);
      const Interval c998 = CountLimitsAtExpected(u.denominator, kProb998);
      r.limits95 = {scale(c95.lower / u.denominator), scale(c95.upper / u.denominator)};
      r.limits998 = {scale(c998.lower / u.denominator), scale(c998.upper / u.denominator)};
      r.significance = CompareCount(u.numerator, u.denominator);
    }
    const double axis_min = range_max > 2 * range_min ? 0 : FunnelSignifFloor(range_min);
    const double axis_max = FunnelSignifCeiling(range_max);
    table_axis = FunnelAxis(axis_min, axis_max, true);
    for (double o : table_axis) {
      FunnelLimitRow row;
      row.axis = o;
      row.lower95_x = PoissonFunnelLambda(o, kProb95, false, options.poisson);
      row.upper95_x = PoissonFunnelLambda(o, kProb95, true, options.poisson);
      row.lower998_x = PoissonFunnelLambda(o, kProb998, false, options.poisson);
      row.upper998_x = PoissonFunnelLambda(o, kProb998, true, options.poisson);
      row.lower95 = scale(o / row.lower95_x);
      row.upper95 = scale(o / row.upper95_x);
      row.lower998 = scale(o / row.lower998_x);
      row.upper998 = scale(o / row.upper998_x);
      row.baseline = result.baseline;
      result.limits.push_back(row);
    }
    return result;
  }

  // Rates.
  const bool dsr = options.rate_type == FunnelRateType::kDsr;
  const double years = options.years_of_data;
  result.statistic = fmt::format("rate ({} per {})", dsr ? "dsr" : "crude", MultiplierWithCommas(mult));
  std::vector<double> derived_total(units.size(), kNaN);  // multiplier x O / rate, all years
  double sum_o = 0, sum_d = 0;
  bool any = false;
  for (size_t i = 0; i < units.size(); ++i) {
    const auto& u = units[i];
    if (!Finite(u.numerator)) return bad(i, "missing number of events");
    if (u.numerator < 0) return bad(i, "events must be greater than or equal to zero");
    if (Finite(u.denominator) && u.denominator <= 0) return bad(i, "denominators must be greater than zero");
    double d = kNaN;
    if (u.numerator > 0) {
      if (!Finite(u.rate) && !dsr && Finite(u.denominator)) {
        d = u.denominator;  // a crude rate given by its denominator only
      } else {
        if (!Finite(u.rate)) return bad(i, "a rate is required when there are events");
        if (u.rate <= 0) return bad(i, "the rate must be greater than zero when there are events");
        d = mult * u.numerator / u.rate;
      }
      if (dsr && u.numerator < 10) d = kNaN;  // DSRs below 10 events are not plotted
    } else if (!dsr) {
      if (!Finite(u.denominator))
        return bad(i, "a crude rate with 0 events needs its denominator (population)");
      d = u.denominator;
    }
    derived_total[i] = d;
    if (Finite(d)) {
      sum_o += u.numerator;
      sum_d += d;
      const double per_year = d / years;
      if (!any) range_min = range_max = per_year;
      range_min = std::min(range_min, per_year);
      range_max = std::max(range_max, per_year);
      any = true;
    }
  }
  if (!any || sum_o <= 0) return Status::InvalidInput("funnel: no unit has events to set the funnel's average");
  const double av = sum_o / sum_d;
  result.baseline = av * mult;
  for (size_t i = 0; i < units.size(); ++i) {
    const auto& u = units[i];
    auto& r = result.units[i];
    const double d = derived_total[i];
    r.value = Finite(u.rate) ? u.rate : (Finite(d) ? u.numerator / d * mult : kNaN);
    if (!Finite(d)) {
      r.significance = dsr && u.numerator < 10 ? FunnelSignificance::kNotApplicableDsr : FunnelSignificance::kMissing;
      continue;
    }
    r.denominator_derived = d / years;
    const double expected = av * d;
    const Interval c95 = CountLimitsAtExpected(expected, kProb95);
    const Interval c998 = CountLimitsAtExpected(expected, kProb998);
    r.limits95 = {c95.lower / d * mult, c95.upper / d * mult};
    r.limits998 = {c998.lower / d * mult, c998.upper / d * mult};
    const Interval i998 = PoissonLimits(u.numerator, 0.998);
    const Interval i95 = PoissonLimits(u.numerator, 0.95);
    const double lo998 = u.numerator == 0 ? 0 : i998.lower, lo95 = u.numerator == 0 ? 0 : i95.lower;
    if (lo998 / d > av) r.significance = FunnelSignificance::kHigh001;
    else if (lo95 / d > av) r.significance = FunnelSignificance::kHigh025;
    else if (i998.upper / d < av) r.significance = FunnelSignificance::kLow001;
    else if (i95.upper / d < av) r.significance = FunnelSignificance::kLow025;
    else r.significance = FunnelSignificance::kNotSignificant;
    if (dsr && u.numerator < 10) r.significance = FunnelSignificance::kNotApplicableDsr;
  }
  const double axis_min = range_max > 2 * range_min ? 0 : FunnelSignifFloor(range_min);
  const double axis_max = FunnelSignifCeiling(range_max);
  table_axis = FunnelAxis(std::floor(axis_min * years * av), std::ceil(axis_max * years * av), false);
  for (double o : table_axis) {
    FunnelLimitRow row;
    row.axis = o;
    const double lam_lo95 = PoissonFunnelLambda(o, kProb95, false, options.poisson);
    const double lam_up95 = PoissonFunnelLambda(o, kProb95, true, options.poisson);
    const double lam_lo998 = PoissonFunnelLambda(o, kProb998, false, options.poisson);
    const double lam_up998 = PoissonFunnelLambda(o, kProb998, true, options.poisson);
    row.lower95_x = lam_lo95 / av / years;
    row.upper95_x = lam_up95 / av / years;
    row.lower998_x = lam_lo998 / av / years;
    row.upper998_x = lam_up998 / av / years;
    row.lower95 = o / (lam_lo95 / av) * mult;
    row.upper95 = o / (lam_up95 / av) * mult;
    row.lower998 = o / (lam_lo998 / av) * mult;
    row.upper998 = o / (lam_up998 / av) * mult;
    row.baseline = result.baseline;
    result.limits.push_back(row);
  }
  return result;
}

}  // namespace icb::stats
