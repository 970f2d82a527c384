#include "stats/dsr.h"

#include <cmath>
#include <string>

#include "stats/poisson_limits.h"

namespace icb::stats {
namespace {

constexpr const char* kMethod = "Dobson";
constexpr const char* kTooFew = "dsr NA for total count < 10";

Status CheckBands(std::span<const double> population, std::span<const double> standard) {
  if (population.size() != standard.size() || population.empty())
    return Status::InvalidInput("dsr: population and standard population must have the same number of age bands (got " +
                                std::to_string(population.size()) + " and " + std::to_string(standard.size()) + ")");
  for (size_t i = 0; i < population.size(); ++i) {
    if (!(population[i] > 0) || !std::isfinite(population[i]))
      return Status::InvalidInput("dsr: age band " + std::to_string(i + 1) + ": population must be greater than zero");
    if (!(standard[i] > 0) || !std::isfinite(standard[i]))
      return Status::InvalidInput("dsr: age band " + std::to_string(i + 1) + ": standard population must be greater than zero");
  }
  return Status::Ok();
}

// Value and limits from the Dobson pieces: the weighted rate sum, its variance and the total count.
DsrEstimate Finish(double weighted, double variance, double total_count, double total_pop,
                   const std::vector<double>& levels, double multiplier) {
  DsrEstimate out;
  out.total_count = total_count;
  out.total_pop = total_pop;
  const std::string statistic = "dsr per " + MultiplierText(multiplier);
  if (total_count < 10) {
    out.estimate = NotAvailable(levels, statistic, kMethod, kTooFew);
    out.estimate.statistic = kTooFew;  // as PHEindicatormethods: the statistic text says why
    return out;
  }
  out.estimate = NotAvailable(levels, statistic, kMethod, "");
  out.estimate.value = weighted * multiplier;
  const double scale = std::sqrt(variance / total_count);
  for (size_t i = 0; i < levels.size(); ++i) {
    const Interval byars = ByarsLimits(total_count, levels[i]);
    out.estimate.intervals[i] = {(weighted + scale * (byars.lower - total_count)) * multiplier,
                                 (weighted + scale * (byars.upper - total_count)) * multiplier};
  }
  return out;
}

}  // namespace

Result<DsrEstimate> Dsr(std::span<const double> events, std::span<const double> population,
                        std::span<const double> standard, const std::vector<double>& levels, double multiplier) {
  ICB_RETURN_IF_ERROR(CheckBands(population, standard));
  if (events.size() != population.size())
    return Status::InvalidInput("dsr: events and population must have the same number of age bands");
  double wsum = 0, total_count = 0, total_pop = 0, weighted = 0, variance = 0;
  for (double w : standard) wsum += w;
  for (size_t i = 0; i < events.size(); ++i) {
    const double x = std::isnan(events[i]) ? 0.0 : events[i];
    if (x < 0 || !std::isfinite(x))
      return Status::InvalidInput("dsr: age band " + std::to_string(i + 1) + ": events must be greater than or equal to zero");
    const double n = population[i], w = standard[i] / wsum;
    total_count += x;
    total_pop += n;
    weighted += w * x / n;
    variance += w * w * x / (n * n);
  }
  return Finish(weighted, variance, total_count, total_pop, levels, multiplier);
}

Result<DsrEstimate> DsrNonIndependent(std::span<const DsrFrequencyRow> rows, std::span<const double> population,
                                      std::span<const double> standard, const std::vector<double>& levels,
                                      double multiplier) {
  ICB_RETURN_IF_ERROR(CheckBands(population, standard));
  double wsum = 0, total_count = 0, total_pop = 0, weighted = 0, variance = 0;
  for (double w : standard) wsum += w;
  for (double n : population) total_pop += n;
  for (const DsrFrequencyRow& r : rows) {
    if (r.band >= population.size())
      return Status::InvalidInput("dsr: frequency row for age band " + std::to_string(r.band + 1) + ", which does not exist");
    const double persons = std::isnan(r.persons) ? 0.0 : r.persons;
    if (!(r.frequency > 0) || !std::isfinite(r.frequency))
      return Status::InvalidInput("dsr: age band " + std::to_string(r.band + 1) + ": event frequency must be greater than zero");
    if (persons < 0 || !std::isfinite(persons))
      return Status::InvalidInput("dsr: age band " + std::to_string(r.band + 1) + ": persons must be greater than or equal to zero");
    const double n = population[r.band], w = standard[r.band] / wsum;
    const double events = r.frequency * persons;
    total_count += events;
    weighted += w * events / n;
    // Dobson variance of the persons with this frequency, scaled by f^2.
    variance += r.frequency * r.frequency * w * w * persons / (n * n);
  }
  DsrEstimate out = Finish(weighted, variance, total_count, total_pop, levels, multiplier);
  out.estimate.method = "Dobson, with confidence adjusted for non-independent events";
  return out;
}

}  // namespace icb::stats
