#include "stats/indirect_standardisation.h"

#include <cmath>
#include <string>

#include "stats/poisson_limits.h"

namespace icb::stats {
namespace {

double OrZero(double v) { return std::isnan(v) ? 0.0 : v; }

struct ObservedExpected {
  double observed = 0, expected = 0, ref_events = 0, ref_population = 0;
};

Result<ObservedExpected> Compute(std::span<const double> observed, std::span<const double> population,
                                 std::span<const double> ref_observed, std::span<const double> ref_population,
                                 std::optional<double> observed_total) {
  const size_t bands = population.size();
  if (bands == 0) return Status::InvalidInput("isr: no age bands");
  if (ref_observed.size() != bands || ref_population.size() != bands)
    return Status::InvalidInput("isr: the reference has " + std::to_string(ref_observed.size()) +
                                " age bands but the local data has " + std::to_string(bands));
  if (!observed_total && observed.size() != bands)
    return Status::InvalidInput("isr: observed and population must have the same number of age bands");
  ObservedExpected oe;
  for (size_t i = 0; i < bands; ++i) {
    const std::string where = "isr: age band " + std::to_string(i + 1) + ": ";
    const double n = OrZero(population[i]);
    const double xr = OrZero(ref_observed[i]);
    const double nr = OrZero(ref_population[i]);
    if (n < 0 || !std::isfinite(n)) return Status::InvalidInput(where + "population must be greater than or equal to zero");
    if (xr < 0 || !std::isfinite(xr))
      return Status::InvalidInput(where + "reference numerator must be greater than or equal to zero");
    if (!(nr > 0) || !std::isfinite(nr)) return Status::InvalidInput(where + "reference denominator must be greater than zero");
    oe.expected += n * xr / nr;
    oe.ref_events += xr;
    oe.ref_population += nr;
    if (!observed_total) {
      const double x = OrZero(observed[i]);
      if (x < 0 || !std::isfinite(x)) return Status::InvalidInput(where + "numerator must be greater than or equal to zero");
      oe.observed += x;
    }
  }
  if (observed_total) {
    if (!(*observed_total >= 0) || !std::isfinite(*observed_total))
      return Status::InvalidInput("isr: observed total must be greater than or equal to zero");
    oe.observed = *observed_total;
  }
  return oe;
}

IsrEstimate Finish(const ObservedExpected& oe, const std::vector<double>& levels, double scale, std::string statistic) {
  IsrEstimate out;
  out.observed = oe.observed;
  out.expected = oe.expected;
  out.estimate = NotAvailable(levels, std::move(statistic), PoissonMethod(oe.observed), "");
  if (!(oe.expected > 0)) {
    out.estimate.note = "NA: expected count is zero";
    return out;
  }
  out.estimate.value = oe.observed / oe.expected * scale;
  for (size_t i = 0; i < levels.size(); ++i) {
    const Interval c = PoissonLimits(oe.observed, levels[i]);
    out.estimate.intervals[i] = {c.lower / oe.expected * scale, c.upper / oe.expected * scale};
  }
  return out;
}

}  // namespace

Result<IsrEstimate> IsRatio(std::span<const double> observed, std::span<const double> population,
                            std::span<const double> ref_observed, std::span<const double> ref_population,
                            const std::vector<double>& levels, double refvalue, std::optional<double> observed_total) {
  auto oe = Compute(observed, population, ref_observed, ref_population, observed_total);
  if (!oe.ok()) return oe.status();
  return Finish(*oe, levels, refvalue, "indirectly standardised ratio x " + MultiplierText(refvalue));
}

Result<IsrEstimate> IsRate(std::span<const double> observed, std::span<const double> population,
                           std::span<const double> ref_observed, std::span<const double> ref_population,
                           const std::vector<double>& levels, double multiplier, std::optional<double> observed_total) {
  auto oe = Compute(observed, population, ref_observed, ref_population, observed_total);
  if (!oe.ok()) return oe.status();
  const double ref_rate = oe->ref_events / oe->ref_population * multiplier;
  IsrEstimate out = Finish(*oe, levels, ref_rate, "indirectly standardised rate per " + MultiplierText(multiplier));
  out.reference_rate = ref_rate;
  return out;
}

}  // namespace icb::stats
