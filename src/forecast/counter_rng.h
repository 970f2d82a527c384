// CounterRng: the forecast's random numbers. Philox4x32-10 (Salmon et al. 2011, "Parallel random
// numbers: as easy as 1, 2, 3"), a counter-based generator: the stream is a pure function of a key
// (seed, Monte Carlo run, purpose stream) and a counter, so no two runs share a stream, a run can be
// replayed alone, and results never depend on which thread ran which run. Samplers (Poisson,
// binomial, normal, gamma, beta) are implemented here on top of it so that a seed gives the same
// numbers with every standard library. A value type; one per task; not shared between threads.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace icb::forecast {

// Purposes of the random streams inside one Monte Carlo run (the third key).
enum class RngStream : uint32_t {
  kParameters = 1,   // the run's draw of every scenario parameter (epistemic uncertainty)
  kVariant = 2,      // which population variant the run uses
  kResample = 3,     // Poisson resampling of activity (aleatory), sub-keyed by year and row block
  kAvoidance = 4,    // binomial thinning by mitigators
  kEfficiency = 5,   // binomial efficiencies (length of stay, conversions)
  kPopulation = 6,   // stochastic population projection, if used
  kTransitions = 7,  // segment transitions, if simulated
  kStrategySample = 8,  // whether an NHP strategy applies to a row in a run (Bernoulli(sample_rate))
};

// The Philox4x32-10 block function: 4 x 32-bit counter words, 2 x 32-bit key words.
std::array<uint32_t, 4> Philox4x32(std::array<uint32_t, 4> counter, std::array<uint32_t, 2> key);

// The Philox key of a seed: its low and high 32-bit halves.
std::array<uint32_t, 2> PhiloxKey(uint64_t seed);

// Stream layout (docs/reference/forecast-demand.md): key = (seed low 32 bits, seed high 32 bits);
// counter = (block number, sub, run, stream). Every (seed, run, stream, sub) therefore owns its own
// 2^32 blocks of 4 words (2^34 32-bit values), disjoint from every other tuple's.
class CounterRng {
 public:
  // Key: (seed, run, stream, sub); `sub` separates e.g. years or row blocks within a stream.
  CounterRng(uint64_t seed, uint32_t run, RngStream stream, uint32_t sub = 0);
  // One uniform in [0, 1) straight from the block function, without a generator: word 0 of
  // Philox(counter = (lo, hi, run, stream), key(seed)). For per-row decisions that must not depend on
  // the order rows are visited in (e.g. whether a strategy applies to a row in a run).
  static double HashUniform(uint64_t seed, uint32_t run, RngStream stream, uint32_t lo, uint32_t hi);

  uint32_t NextU32() {
    if (used_ >= 4 * kBatch) Refill();
    return block_[static_cast<size_t>(used_++)];
  }
  uint64_t NextU64() {
    const uint64_t hi = NextU32();
    return (hi << 32) | NextU32();
  }
  double Uniform() { return static_cast<double>(NextU64() >> 11) * (1.0 / 9007199254740992.0); }  // [0, 1), 53 bits
  double UniformOpen();  // (0, 1)
  double Normal();       // standard normal (Box-Muller, both values used)
  double Gamma(double shape, double scale);  // Marsaglia-Tsang
  double Beta(double a, double b);
  // Poisson(mean): exact. Inversion below mean 10, Hormann's PTRS (1993) transformed rejection above.
  uint64_t Poisson(double mean);
  // Poisson(mean) for 0 < mean < 10 by inversion, with exp(-mean) supplied by a caller that has it
  // already (the demand model computes it once per cell); the same draw as Poisson(mean).
  uint64_t PoissonInversion(double mean, double exp_neg_mean);
  // Binomial(n, p): exact. Inversion for n*min(p,1-p) < 10, Hormann's BTRS (1993) above.
  uint64_t Binomial(uint64_t n, double p);

 private:
  // Blocks are made kBatch at a time (independent dependency chains run in parallel on the CPU);
  // the words come out in the same order as one block at a time.
  static constexpr int kBatch = 4;
  void Refill();
  std::array<uint32_t, 2> key_{};
  std::array<uint32_t, 4> counter_{};
  std::array<uint32_t, 4 * kBatch> block_{};
  int used_ = 4 * kBatch;
  bool has_spare_normal_ = false;
  double spare_normal_ = 0;
};

}  // namespace icb::forecast
