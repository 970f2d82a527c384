#include "stats/sii.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "stats/funnel.h"
#include "stats/sii_normal_stream.h"

namespace icb::stats {
namespace {

// phe_sii derives a quantile's standard error from its confidence limits as if they were 95%
// limits, with z rounded to 1.959964.
constexpr double kSiiZ95 = 1.959964;
constexpr int kMinRepetitions = 1000;
constexpr size_t kMinQuantiles = 5;
constexpr size_t kMaxQuantiles = 100;
constexpr int kReliabilityBatches = 10;

double Link(SiiValueType t, double v) {
  switch (t) {
    case SiiValueType::kNormal: return v;
    case SiiValueType::kRate: return std::log(v);
    case SiiValueType::kProportion: return std::log(v / (1 - v));
  }
  return v;
}
double InverseLink(SiiValueType t, double v) {
  switch (t) {
    case SiiValueType::kNormal: return v;
    case SiiValueType::kRate: return std::exp(v);
    case SiiValueType::kProportion: return 1 / (1 + std::exp(-v));
  }
  return v;
}

// The WLS of y on the cumulative-midpoint rank as two weight vectors: slope = sum(h y),
// intercept = sum(g y).
struct FitWeights {
  std::vector<double> h, g;
};
FitWeights Weights(const std::vector<double>& population) {
  const size_t n = population.size();
  double total = 0;
  for (double p : population) total += p;
  std::vector<double> a(n), x(n);
  double cum = 0;
  for (size_t i = 0; i < n; ++i) {
    a[i] = population[i] / total;
    x[i] = cum + a[i] / 2;
    cum += a[i];
  }
  double xbar = 0;
  for (size_t i = 0; i < n; ++i) xbar += a[i] * x[i];
  double sxx = 0;
  for (size_t i = 0; i < n; ++i) sxx += a[i] * (x[i] - xbar) * (x[i] - xbar);
  FitWeights w{std::vector<double>(n), std::vector<double>(n)};
  for (size_t i = 0; i < n; ++i) {
    w.h[i] = a[i] * (x[i] - xbar) / sxx;
    w.g[i] = a[i] - xbar * w.h[i];
  }
  return w;
}

double Dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

// The 1-based order statistics round(R alpha/2) and round(R (1 - alpha/2)) of sorted draws.
Interval OrderStatistics(const std::vector<double>& sorted, double confidence) {
  const double r = static_cast<double>(sorted.size());
  const double alpha = 1 - confidence;
  const auto at = [&](double pos) {
    const double k = std::clamp(RoundHalfEven(pos), 1.0, r);
    return sorted[static_cast<size_t>(k) - 1];
  };
  return {at(r * alpha / 2), at(r * (1 - alpha / 2))};
}

struct Simulated {
  std::vector<Interval> sii, rii;
};

}  // namespace

SiiFit FitSii(const std::vector<double>& population, const std::vector<double>& y) {
  const FitWeights w = Weights(population);
  return {Dot(w.g, y), Dot(w.h, y)};
}

Result<SiiResult> CalculateSii(std::vector<SiiQuantile> quantiles, const SiiOptions& o) {
  const SiiValueType type = o.value_type;
  if (o.repetitions < kMinRepetitions)
    return Status::InvalidInput(fmt::format("sii: repetitions must be at least {}", kMinRepetitions));
  if (o.confidence.empty()) return Status::InvalidInput("sii: no confidence level");
  for (double c : o.confidence)
    if (!(c >= 0.9 && c < 1)) return Status::InvalidInput("sii: confidence levels must be in [0.9, 1)");
  if (!std::isfinite(o.multiplier) || o.multiplier == 0) return Status::InvalidInput("sii: the multiplier must be non-zero");
  if (o.transform && type == SiiValueType::kNormal)
    return Status::InvalidInput("sii: transform applies to rates (value type 1) and proportions (2) only");
  if (o.analytic && (type != SiiValueType::kNormal))
    return Status::InvalidInput("sii: the analytic interval is for value type 0 (normal) only");
  if (quantiles.size() < kMinQuantiles)
    return Status::InvalidInput(fmt::format("sii: at least {} quantiles are needed, got {}", kMinQuantiles, quantiles.size()));
  if (quantiles.size() > kMaxQuantiles)
    return Status::InvalidInput(fmt::format("sii: at most {} quantiles are allowed, got {}", kMaxQuantiles, quantiles.size()));

  SiiResult result;
  // Quantile labels are integers, 1 = most deprived (sorting text labels would put "10" second).
  std::sort(quantiles.begin(), quantiles.end(), [](const SiiQuantile& a, const SiiQuantile& b) { return a.quantile < b.quantile; });
  const size_t n = quantiles.size();
  std::vector<double> population(n), fitted(n), se(n);
  for (size_t i = 0; i < n; ++i) {
    const SiiQuantile& q = quantiles[i];
    const std::string where = fmt::format("sii: quantile {}", q.quantile);
    if (i > 0 && q.quantile == quantiles[i - 1].quantile) return Status::InvalidInput(where + " appears twice");
    if (!(q.population > 0)) return Status::InvalidInput(where + ": population must be greater than zero");
    if (!std::isfinite(q.value)) return Status::InvalidInput(where + ": missing value");
    if (type == SiiValueType::kRate && !(q.value > 0))
      return Status::InvalidInput(where + ": a rate must be greater than zero (it is log-transformed)");
    if (type == SiiValueType::kProportion && !(q.value > 0 && q.value < 1))
      return Status::InvalidInput(where + ": a proportion must be strictly between 0 and 1 (it is logit-transformed)");
    const bool have_cls = std::isfinite(q.lower_cl) && std::isfinite(q.upper_cl);
    const bool use_se = std::isfinite(q.se) && !(o.transform && have_cls);
    if (o.transform && !have_cls)
      return Status::InvalidInput(where + ": transform needs lower and upper confidence limits (not se)");
    if (use_se) {
      if (!(q.se >= 0)) return Status::InvalidInput(where + ": the standard error must not be negative");
      se[i] = q.se;
    } else if (have_cls) {
      if (q.upper_cl < q.lower_cl) return Status::InvalidInput(where + ": the upper limit is below the lower limit");
      if (type != SiiValueType::kNormal && !(q.lower_cl > 0)) return Status::InvalidInput(where + ": limits must be greater than zero");
      if (type == SiiValueType::kProportion && !(q.upper_cl < 1)) return Status::InvalidInput(where + ": limits must be below 1");
      se[i] = (Link(type, q.upper_cl) - Link(type, q.lower_cl)) / (2 * kSiiZ95);
    } else {
      return Status::InvalidInput(where + ": give a standard error or both confidence limits");
    }
    population[i] = q.population;
    fitted[i] = o.transform ? Link(type, q.value) : q.value;
  }
  if (n > 10) result.warnings.push_back(fmt::format("sii: {} quantiles: more than 10 is unusual", n));
  result.quantile_count = n;

  const FitWeights w = Weights(population);
  const double b0 = Dot(w.g, fitted), b1 = Dot(w.h, fitted);
  const bool flip = o.multiplier < 0;
  const double mid = b0 + b1 / 2;
  // SII and RII from a fitted (intercept, slope) pair on the regression's scale.
  auto sii_of = [&](double slope) {
    if (!o.transform) return slope * o.multiplier;
    return (InverseLink(type, mid + slope / 2) - InverseLink(type, mid - slope / 2)) * o.multiplier;
  };
  auto rii_of = [&](double c0, double c1) {
    const double r = o.transform ? InverseLink(type, c0 + c1) / InverseLink(type, c0) : (c0 + c1) / c0;
    return flip ? 1 / r : r;
  };
  result.intercept = b0;
  result.sii = o.transform ? (InverseLink(type, b0 + b1) - InverseLink(type, b0)) * o.multiplier : b1 * o.multiplier;
  result.rii = rii_of(b0, b1);

  if (o.analytic) {
    double var = 0;
    for (size_t i = 0; i < n; ++i) var += w.h[i] * w.h[i] * se[i] * se[i];
    for (double c : o.confidence) {
      const double half = ZForConfidence(c) * std::sqrt(var);
      const double a = (b1 - half) * o.multiplier, b = (b1 + half) * o.multiplier;
      result.sii_ci.push_back({std::min(a, b), std::max(a, b)});
    }
    result.method = "analytic (weighted least squares variance)";
    return result;
  }

  // Monte Carlo: draw every quantile's value from its sampling distribution, refit, repeat.
  SiiNormalStream stream(o.seed);
  const size_t reps = static_cast<size_t>(o.repetitions);
  std::vector<double> draw(n);
  auto simulate = [&]() {
    std::vector<double> sii(reps), rii(reps);
    for (size_t r = 0; r < reps; ++r) {
      for (size_t i = 0; i < n; ++i) {
        const double z = stream.NextNormal();
        if (o.transform || type == SiiValueType::kNormal) draw[i] = fitted[i] + se[i] * z;
        else draw[i] = InverseLink(type, Link(type, quantiles[i].value) + se[i] * z);
      }
      const double c0 = Dot(w.g, draw), c1 = Dot(w.h, draw);
      sii[r] = sii_of(c1);
      rii[r] = rii_of(c0, c1);
    }
    std::sort(sii.begin(), sii.end());
    std::sort(rii.begin(), rii.end());
    Simulated s;
    for (double c : o.confidence) {
      s.sii.push_back(OrderStatistics(sii, c));
      s.rii.push_back(OrderStatistics(rii, c));
    }
    return s;
  };
  const Simulated primary = simulate();
  result.sii_ci = primary.sii;
  result.rii_ci = primary.rii;
  if (o.reliability) {
    double dsii = 0, drii = 0;
    size_t count = 0;
    for (int b = 0; b < kReliabilityBatches; ++b) {
      const Simulated again = simulate();
      for (size_t c = 0; c < o.confidence.size(); ++c) {
        dsii += std::fabs(again.sii[c].lower - primary.sii[c].lower) + std::fabs(again.sii[c].upper - primary.sii[c].upper);
        drii += std::fabs(again.rii[c].lower - primary.rii[c].lower) + std::fabs(again.rii[c].upper - primary.rii[c].upper);
        count += 2;
      }
    }
    result.sii_reliability = dsii / count;
    result.rii_reliability = drii / count;
  }
  result.method = fmt::format("Monte Carlo ({} repetitions, SplitMix64 + Box-Muller, seed {})", o.repetitions, o.seed);
  return result;
}

}  // namespace icb::stats
