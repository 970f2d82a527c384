#include "stats/sii_normal_stream.h"

#include <cmath>
#include <numbers>

namespace icb::stats {

uint64_t SiiNormalStream::NextBits() {
  // SplitMix64 (Steele, Lea & Flood 2014): Weyl sequence step, then the fixed 64-bit finaliser.
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

double SiiNormalStream::NextUniform() {
  // The top 53 bits, centred in their cell: (k + 0.5) / 2^53, never 0 or 1.
  return (static_cast<double>(NextBits() >> 11) + 0.5) * 0x1.0p-53;
}

double SiiNormalStream::NextNormal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  // Box-Muller: two uniforms give two independent standard normals.
  const double u1 = NextUniform();
  const double u2 = NextUniform();
  const double radius = std::sqrt(-2.0 * std::log(u1));
  const double angle = 2.0 * std::numbers::pi * u2;
  spare_ = radius * std::sin(angle);
  has_spare_ = true;
  return radius * std::cos(angle);
}

}  // namespace icb::stats
