#include "forecast/counter_rng.h"

#include <cmath>
#include <limits>

namespace icb::forecast {
namespace {

// Salmon et al. (2011), section 3.3 and Table 2: Philox4x32 multipliers and Weyl key increments.
constexpr uint32_t kPhiloxM0 = 0xD2511F53u;
constexpr uint32_t kPhiloxM1 = 0xCD9E8D57u;
constexpr uint32_t kPhiloxW0 = 0x9E3779B9u;
constexpr uint32_t kPhiloxW1 = 0xBB67AE85u;
constexpr int kPhiloxRounds = 10;

inline void MulHiLo(uint32_t a, uint32_t b, uint32_t& hi, uint32_t& lo) {
  const uint64_t p = static_cast<uint64_t>(a) * b;
  hi = static_cast<uint32_t>(p >> 32);
  lo = static_cast<uint32_t>(p);
}

constexpr double kTwoPow53Inv = 1.0 / 9007199254740992.0;  // 2^-53
constexpr double kTwoPow32Inv = 1.0 / 4294967296.0;        // 2^-32

// log(k!) for k < kLogFactTable from a table built once (single-threaded static initialisation);
// above it Stirling's series to the k^-7 term (relative error below 1e-16 for k >= 256).
constexpr int kLogFactTable = 256;
struct LogFactorialTable {
  double v[kLogFactTable];
  LogFactorialTable() {
    v[0] = 0;
    for (int k = 1; k < kLogFactTable; ++k) v[k] = v[k - 1] + std::log(static_cast<double>(k));
  }
};
const LogFactorialTable kLogFact;

double LogFactorial(double k) {
  if (k < kLogFactTable) return kLogFact.v[static_cast<int>(k)];
  const double x = k + 1.0;  // log Gamma(x)
  const double ix = 1.0 / x, ix2 = ix * ix;
  constexpr double kHalfLog2Pi = 0.91893853320467274178;
  return (x - 0.5) * std::log(x) - x + kHalfLog2Pi +
         ix * (1.0 / 12 - ix2 * (1.0 / 360 - ix2 * (1.0 / 1260 - ix2 * (1.0 / 1680))));
}

}  // namespace

std::array<uint32_t, 4> Philox4x32(std::array<uint32_t, 4> c, std::array<uint32_t, 2> k) {
  for (int round = 0; round < kPhiloxRounds; ++round) {
    if (round > 0) {
      k[0] += kPhiloxW0;
      k[1] += kPhiloxW1;
    }
    uint32_t hi0, lo0, hi1, lo1;
    MulHiLo(kPhiloxM0, c[0], hi0, lo0);
    MulHiLo(kPhiloxM1, c[2], hi1, lo1);
    c = {hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0};
  }
  return c;
}

std::array<uint32_t, 2> PhiloxKey(uint64_t seed) {
  return {static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32)};
}

CounterRng::CounterRng(uint64_t seed, uint32_t run, RngStream stream, uint32_t sub)
    : key_(PhiloxKey(seed)), counter_{0, sub, run, static_cast<uint32_t>(stream)} {}

double CounterRng::HashUniform(uint64_t seed, uint32_t run, RngStream stream, uint32_t lo, uint32_t hi) {
  return Philox4x32({lo, hi, run, static_cast<uint32_t>(stream)}, PhiloxKey(seed))[0] * kTwoPow32Inv;
}

void CounterRng::Refill() {
  // kBatch consecutive blocks, round by round, so the CPU overlaps their multiply chains.
  uint32_t c0[kBatch], c1[kBatch], c2[kBatch], c3[kBatch];
  for (int b = 0; b < kBatch; ++b) {
    c0[b] = counter_[0] + static_cast<uint32_t>(b);  // 2^32 blocks per (seed, run, stream, sub)
    c1[b] = counter_[1];
    c2[b] = counter_[2];
    c3[b] = counter_[3];
  }
  uint32_t k0 = key_[0], k1 = key_[1];
  for (int round = 0; round < kPhiloxRounds; ++round) {
    if (round > 0) {
      k0 += kPhiloxW0;
      k1 += kPhiloxW1;
    }
    for (int b = 0; b < kBatch; ++b) {
      const uint64_t p0 = static_cast<uint64_t>(kPhiloxM0) * c0[b];
      const uint64_t p1 = static_cast<uint64_t>(kPhiloxM1) * c2[b];
      const uint32_t n0 = static_cast<uint32_t>(p1 >> 32) ^ c1[b] ^ k0;
      const uint32_t n2 = static_cast<uint32_t>(p0 >> 32) ^ c3[b] ^ k1;
      c1[b] = static_cast<uint32_t>(p1);
      c3[b] = static_cast<uint32_t>(p0);
      c0[b] = n0;
      c2[b] = n2;
    }
  }
  for (int b = 0; b < kBatch; ++b) {
    block_[4 * b] = c0[b];
    block_[4 * b + 1] = c1[b];
    block_[4 * b + 2] = c2[b];
    block_[4 * b + 3] = c3[b];
  }
  counter_[0] += kBatch;
  used_ = 0;
}

double CounterRng::UniformOpen() {
  // (k + 0.5) / 2^52 for k in [0, 2^52): strictly inside (0, 1).
  return (static_cast<double>(NextU64() >> 12) + 0.5) * (2.0 * kTwoPow53Inv);
}

double CounterRng::Normal() {
  if (has_spare_normal_) {
    has_spare_normal_ = false;
    return spare_normal_;
  }
  const double r = std::sqrt(-2.0 * std::log(UniformOpen()));
  const double theta = 6.283185307179586476925 * Uniform();
  spare_normal_ = r * std::sin(theta);
  has_spare_normal_ = true;
  return r * std::cos(theta);
}

double CounterRng::Gamma(double shape, double scale) {
  // Marsaglia & Tsang (2000), "A simple method for generating gamma variables"; shape < 1 by
  // Gamma(shape + 1) * U^(1/shape).
  if (!(shape > 0) || !(scale > 0)) return 0;
  if (shape < 1) {
    const double g = Gamma(shape + 1.0, 1.0);
    return scale * g * std::pow(UniformOpen(), 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x, v;
    do {
      x = Normal();
      v = 1.0 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const double u = UniformOpen();
    if (u < 1.0 - 0.0331 * x * x * x * x) return scale * d * v;
    if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return scale * d * v;
  }
}

double CounterRng::Beta(double a, double b) {
  const double x = Gamma(a, 1.0);
  const double y = Gamma(b, 1.0);
  return x + y > 0 ? x / (x + y) : 0.5;
}

uint64_t CounterRng::Poisson(double mean) {
  if (!(mean > 0)) return 0;
  if (mean < 10) return PoissonInversion(mean, std::exp(-mean));
  // PTRS: Hormann (1993), "The transformed rejection method for generating Poisson random
  // variables", Insurance: Mathematics and Economics 12, 39-45, algorithm PTRS (constants there).
  const double smu = std::sqrt(mean);
  const double b = 0.931 + 2.53 * smu;
  const double a = -0.059 + 0.02483 * b;
  const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
  const double vr = 0.9277 - 3.6224 / (b - 2.0);
  const double log_mean = std::log(mean);
  for (;;) {
    const double u = Uniform() - 0.5;
    const double v = Uniform();
    const double us = 0.5 - std::fabs(u);
    const double k = std::floor((2.0 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return static_cast<uint64_t>(k);
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + std::log(inv_alpha) - std::log(a / (us * us) + b) <=
        -mean + k * log_mean - LogFactorial(k)) {
      return static_cast<uint64_t>(k);
    }
  }
}

uint64_t CounterRng::PoissonInversion(double mean, double exp_neg_mean) {
  // Inversion by sequential search (Devroye 1986, X.3.3): F accumulates P(X <= k).
  double p = exp_neg_mean;
  double f = p;
  const double u = Uniform();
  uint64_t k = 0;
  while (u > f) {
    ++k;
    p *= mean / static_cast<double>(k);
    const double next = f + p;
    if (next == f) break;  // the tail below double precision: u is within rounding of 1
    f = next;
  }
  return k;
}

uint64_t CounterRng::Binomial(uint64_t n, double p) {
  if (n == 0 || !(p > 0)) return 0;
  if (p >= 1) return n;
  const bool flip = p > 0.5;
  const double pp = flip ? 1.0 - p : p;
  const double nd = static_cast<double>(n);
  uint64_t x;
  if (n <= 16) {
    // Few trials (spell rows, their bed days): inversion with one uniform; q^n by multiplication.
    const double q = 1.0 - pp;
    const double s = pp / q;
    double r = 1.0;
    for (uint64_t i = 0; i < n; ++i) r *= q;
    double u = Uniform();
    x = 0;
    while (u > r && x < n) {
      u -= r;
      ++x;
      r *= s * static_cast<double>(n - x + 1) / static_cast<double>(x);
    }
  } else if (nd * pp < 10) {
    // Inversion by sequential search with the recurrence P(k+1) = P(k) (n-k)/(k+1) p/q.
    const double q = 1.0 - pp;
    const double s = pp / q;
    const double a = (nd + 1.0) * s;
    for (;;) {
      double r = std::exp(nd * std::log1p(-pp));
      double u = Uniform();
      x = 0;
      bool ok = true;
      while (u > r) {
        u -= r;
        ++x;
        if (x > n) {
          ok = false;
          break;
        }
        r *= a / static_cast<double>(x) - s;
        if (r <= 0) {
          ok = false;
          break;
        }
      }
      if (ok) break;
    }
  } else {
    // BTRS: Hormann (1993), "The generation of binomial random variates", J. Statist. Comput.
    // Simul. 46, 101-110, algorithm BTRS (constants there).
    const double q = 1.0 - pp;
    const double spq = std::sqrt(nd * pp * q);
    const double b = 1.15 + 2.53 * spq;
    const double a = -0.0873 + 0.0248 * b + 0.01 * pp;
    const double c = nd * pp + 0.5;
    const double vr = 0.92 - 4.2 / b;
    const double alpha = (2.83 + 5.1 / b) * spq;
    const double lpq = std::log(pp / q);
    const double m = std::floor((nd + 1.0) * pp);
    const double h = LogFactorial(m) + LogFactorial(nd - m);
    for (;;) {
      const double u = Uniform() - 0.5;
      double v = Uniform();
      const double us = 0.5 - std::fabs(u);
      const double k = std::floor((2.0 * a / us + b) * u + c);
      if (k < 0 || k > nd) continue;
      if (us >= 0.07 && v <= vr) {
        x = static_cast<uint64_t>(k);
        break;
      }
      v = std::log(v * alpha / (a / (us * us) + b));
      if (v <= h - LogFactorial(k) - LogFactorial(nd - k) + (k - m) * lpq) {
        x = static_cast<uint64_t>(k);
        break;
      }
    }
  }
  return flip ? n - x : x;
}

}  // namespace icb::forecast
