// Rng: the synthetic generator's random number generator (xoshiro256**, seeded through
// SplitMix64) with the few distributions the ground-truth model needs, implemented here rather
// than with <random> distributions so a seed gives the same numbers with every standard library.
// Streams are derived from (seed, person index, purpose): every person draws from their own
// streams, so the output never depends on thread count or block order. A value type; one per thread.
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>
#include <span>
#include <vector>

namespace icb::synth {

inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Mixes up to four keys into one 64-bit stream seed.
inline uint64_t StreamKey(uint64_t a, uint64_t b = 0, uint64_t c = 0, uint64_t d = 0) {
  uint64_t s = a;
  uint64_t h = SplitMix64(s);
  s = h ^ (b * 0xD6E8FEB86659FD93ULL);
  h = SplitMix64(s);
  s = h ^ (c * 0xA0761D6478BD642FULL);
  h = SplitMix64(s);
  s = h ^ (d * 0xE7037ED1A0B428DBULL);
  return SplitMix64(s);
}

// Purposes of per-person streams (the third key of StreamKey).
enum class Stream : uint64_t {
  kDemography = 1, kConditions = 2, kYearCore = 3, kYearActivity = 4, kRegistration = 5,
  kMedicines = 6, kBlock = 7, kSocialCare = 8, kObservations = 9,
};

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t s = seed;
    for (auto& w : s_) w = SplitMix64(s);
  }
  Rng(uint64_t seed, uint64_t person, Stream purpose, uint64_t sub = 0)
      : Rng(StreamKey(seed, person, static_cast<uint64_t>(purpose), sub)) {}

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // Uniform in (0, 1).
  double UniformOpen() { return (static_cast<double>(Next() >> 11) + 0.5) * 0x1.0p-53; }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // Uniform integer in [0, n).
  uint64_t Below(uint64_t n) { return n <= 1 ? 0 : static_cast<uint64_t>(Uniform() * static_cast<double>(n)); }
  bool Bernoulli(double p) { return Uniform() < p; }
  // Exponential waiting time for a rate per unit time (infinity when rate <= 0).
  double Exponential(double rate) {
    return rate > 0 ? -std::log(UniformOpen()) / rate : HUGE_VAL;
  }
  double Normal() {
    const double u1 = UniformOpen(), u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }
  double Normal(double mean, double sd) { return mean + sd * Normal(); }
  // Marsaglia-Tsang; mean shape * scale.
  double Gamma(double shape, double scale) {
    if (shape < 1.0) return Gamma(shape + 1.0, scale) * std::pow(UniformOpen(), 1.0 / shape);
    const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
      double x, v;
      do {
        x = Normal();
        v = 1.0 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const double u = UniformOpen();
      if (u < 1.0 - 0.0331 * x * x * x * x) return d * v * scale;
      if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v * scale;
    }
  }
  // Poisson: inversion for small means, normal approximation (rounded, >= 0) for large ones.
  int Poisson(double mean) {
    if (!(mean > 0)) return 0;
    if (mean < 30.0) {
      double p = std::exp(-mean), cdf = p;
      const double u = Uniform();
      int k = 0;
      while (u > cdf && k < 200) {
        ++k;
        p *= mean / k;
        cdf += p;
      }
      return k;
    }
    const double x = std::floor(mean + std::sqrt(mean) * Normal() + 0.5);
    return x < 0 ? 0 : static_cast<int>(x);
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// Draws an index in proportion to non-negative weights (cumulative table + binary search).
class DiscreteSampler {
 public:
  DiscreteSampler() = default;
  explicit DiscreteSampler(std::span<const double> weights) { Reset(weights); }
  void Reset(std::span<const double> weights) {
    cum_.resize(weights.size());
    double total = 0;
    for (size_t i = 0; i < weights.size(); ++i) {
      total += weights[i] > 0 ? weights[i] : 0.0;
      cum_[i] = total;
    }
  }
  bool empty() const { return cum_.empty() || cum_.back() <= 0; }
  double total() const { return cum_.empty() ? 0.0 : cum_.back(); }
  size_t size() const { return cum_.size(); }
  size_t Sample(Rng& rng) const { return SampleAt(rng.Uniform()); }
  // The index whose cumulative band holds u (in [0, 1)).
  size_t SampleAt(double u) const {
    const double x = u * cum_.back();
    size_t lo = 0, hi = cum_.size() - 1;
    while (lo < hi) {
      const size_t mid = (lo + hi) / 2;
      if (cum_[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

 private:
  std::vector<double> cum_;
};

}  // namespace icb::synth
