// SiiNormalStream: a portable, seeded stream of standard normal draws for the SII Monte Carlo
// interval. Uniforms come from SplitMix64 (Steele, Lea & Flood 2014; a 64-bit counter through a fixed
// mixing function), normals from the Box-Muller transform (Box & Muller 1958) using both outputs.
// Only IEEE-754 double arithmetic and std::log/std::sqrt/std::cos/std::sin are involved, so the same
// seed gives the same draws with any compiler and standard library (std::normal_distribution does
// not). Not thread safe: one stream per thread.
#pragma once

#include <cstdint>

namespace icb::stats {

class SiiNormalStream {
 public:
  explicit SiiNormalStream(uint64_t seed) : state_(seed) {}
  // Next 64 random bits (SplitMix64).
  uint64_t NextBits();
  // Uniform in (0, 1): 53 random bits, never 0 or 1.
  double NextUniform();
  // Standard normal N(0, 1).
  double NextNormal();

 private:
  uint64_t state_;
  bool has_spare_ = false;
  double spare_ = 0;
};

}  // namespace icb::stats
