// CounterRng: Philox4x32-10 against the Random123 known-answer vectors, and the exactness of the
// Poisson and binomial samplers by chi-square goodness of fit against the exact distributions.
#include "forecast/counter_rng.h"

#include <gtest/gtest.h>

#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/poisson.hpp>

#include <cmath>
#include <functional>
#include <map>
#include <vector>

namespace icb::forecast {
namespace {

// Known-answer vectors: Random123 (D. E. Shaw Research) tests/kat_vectors, the three
// "philox4x32 10" lines: counter (4 words), key (2 words), expected output (4 words).
TEST(CounterRng, PhiloxKnownAnswers) {
  EXPECT_EQ(Philox4x32({0, 0, 0, 0}, {0, 0}),
            (std::array<uint32_t, 4>{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}));
  EXPECT_EQ(Philox4x32({0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}, {0xffffffffu, 0xffffffffu}),
            (std::array<uint32_t, 4>{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}));
  EXPECT_EQ(Philox4x32({0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}, {0xa4093822u, 0x299f31d0u}),
            (std::array<uint32_t, 4>{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}));
}

TEST(CounterRng, StreamLayoutIsTheDocumentedCounter) {
  // Key = seed halves; counter = (block, sub, run, stream): the first word of the stream
  // (seed 0, run 0, stream 0-like counter) is the block function of the documented counter.
  CounterRng g(0x0000000100000002ull, 7, RngStream::kResample, 11);
  const auto block = Philox4x32({0, 11, 7, 3}, {2, 1});
  EXPECT_EQ(g.NextU32(), block[0]);
  EXPECT_EQ(g.NextU32(), block[1]);
  EXPECT_EQ(g.NextU32(), block[2]);
  EXPECT_EQ(g.NextU32(), block[3]);
  // Then the next blocks of the counter, in order (blocks are made several at a time).
  for (uint32_t b = 1; b < 10; ++b) {
    const auto next = Philox4x32({b, 11, 7, 3}, {2, 1});
    for (int w = 0; w < 4; ++w) EXPECT_EQ(g.NextU32(), next[w]) << b;
  }
}

TEST(CounterRng, SameKeySameNumbersDifferentKeysDiffer) {
  CounterRng a(42, 3, RngStream::kResample, 5), b(42, 3, RngStream::kResample, 5);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.NextU64(), b.NextU64());
  // Changing any one of seed, run, stream or sub changes the stream.
  const uint64_t first = CounterRng(42, 3, RngStream::kResample, 5).NextU64();
  EXPECT_NE(first, CounterRng(43, 3, RngStream::kResample, 5).NextU64());
  EXPECT_NE(first, CounterRng(42ull | (1ull << 40), 3, RngStream::kResample, 5).NextU64());
  EXPECT_NE(first, CounterRng(42, 4, RngStream::kResample, 5).NextU64());
  EXPECT_NE(first, CounterRng(42, 3, RngStream::kAvoidance, 5).NextU64());
  EXPECT_NE(first, CounterRng(42, 3, RngStream::kResample, 6).NextU64());
}

TEST(CounterRng, UniformsInRangeWithUniformMean) {
  CounterRng g(1, 1, RngStream::kParameters);
  double sum = 0;
  for (int i = 0; i < 100000; ++i) {
    const double u = g.Uniform(), o = g.UniformOpen();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    ASSERT_GT(o, 0.0);
    ASSERT_LT(o, 1.0);
    sum += u;
  }
  EXPECT_NEAR(sum / 100000, 0.5, 4 * std::sqrt(1.0 / 12 / 100000));
}

// Chi-square goodness of fit of `draws` discrete values against pmf/cdf, cells merged so that each
// expects at least 20; fails when the statistic exceeds the 1 - 1e-6 quantile (fixed seeds, so a
// pass is reproducible; a wrong sampler fails by orders of magnitude at 1e6 draws).
void ExpectFits(const std::vector<uint64_t>& draws, const std::function<double(double)>& pmf,
                const std::function<double(double)>& cdf, double mean, double sd) {
  const double n = static_cast<double>(draws.size());
  std::map<uint64_t, double> observed;
  double sum = 0, sum2 = 0;
  for (uint64_t x : draws) {
    observed[x] += 1;
    sum += static_cast<double>(x);
    sum2 += static_cast<double>(x) * static_cast<double>(x);
  }
  const double m = sum / n, var = sum2 / n - m * m;
  EXPECT_NEAR(m, mean, 5 * sd / std::sqrt(n)) << "mean";
  EXPECT_NEAR(var, sd * sd, 0.02 * sd * sd + 1e-9) << "variance";
  const double lo = std::max(0.0, std::floor(mean - 8 * sd)), hi = std::ceil(mean + 8 * sd);
  // Cells: (-inf, lo-1], then single values merged up to >= 20 expected, then the upper tail.
  double chi2 = 0;
  int cells = 0;
  double cell_exp = lo > 0 ? n * cdf(lo - 1) : 0, cell_obs = 0;
  for (auto& [k, c] : observed) if (static_cast<double>(k) < lo) cell_obs += c;
  for (double k = lo; k <= hi; ++k) {
    cell_exp += n * pmf(k);
    auto it = observed.find(static_cast<uint64_t>(k));
    if (it != observed.end()) cell_obs += it->second;
    if (cell_exp >= 20) {
      chi2 += (cell_obs - cell_exp) * (cell_obs - cell_exp) / cell_exp;
      ++cells;
      cell_exp = cell_obs = 0;
    }
  }
  cell_exp += n * (1 - cdf(hi));
  for (auto& [k, c] : observed) if (static_cast<double>(k) > hi) cell_obs += c;
  if (cell_exp > 0) {
    chi2 += (cell_obs - cell_exp) * (cell_obs - cell_exp) / cell_exp;
    ++cells;
  }
  ASSERT_GE(cells, 2);
  const boost::math::chi_squared dist(cells - 1);
  EXPECT_LT(chi2, boost::math::quantile(dist, 1 - 1e-6)) << "cells " << cells;
}

class PoissonFit : public ::testing::TestWithParam<double> {};
TEST_P(PoissonFit, MatchesTheExactDistribution) {
  const double mean = GetParam();
  CounterRng g(2024, 1, RngStream::kResample, static_cast<uint32_t>(mean * 10));
  std::vector<uint64_t> x(1000000);
  for (auto& v : x) v = g.Poisson(mean);
  const boost::math::poisson_distribution<double> d(mean);
  ExpectFits(x, [&](double k) { return boost::math::pdf(d, k); }, [&](double k) { return boost::math::cdf(d, k); },
             mean, std::sqrt(mean));
}
// Means on both sides of the inversion/PTRS switch at 10.
INSTANTIATE_TEST_SUITE_P(Means, PoissonFit, ::testing::Values(0.5, 7.0, 12.0, 300.0, 1e5));

struct BinomialCase { uint64_t n; double p; };
class BinomialFit : public ::testing::TestWithParam<BinomialCase> {};
TEST_P(BinomialFit, MatchesTheExactDistribution) {
  const auto c = GetParam();
  CounterRng g(2024, 2, RngStream::kAvoidance, static_cast<uint32_t>(c.n));
  std::vector<uint64_t> x(1000000);
  for (auto& v : x) v = g.Binomial(c.n, c.p);
  const boost::math::binomial_distribution<double> d(static_cast<double>(c.n), c.p);
  const double nd = static_cast<double>(c.n);
  ExpectFits(x, [&](double k) { return k > nd ? 0.0 : boost::math::pdf(d, k); },
             [&](double k) { return k >= nd ? 1.0 : boost::math::cdf(d, k); }, nd * c.p,
             std::sqrt(nd * c.p * (1 - c.p)));
}
// Small n (Bernoulli sums), inversion (n p < 10), BTRS (n p >= 10) and p > 0.5 (reflection).
INSTANTIATE_TEST_SUITE_P(Cases, BinomialFit,
                         ::testing::Values(BinomialCase{5, 0.3}, BinomialCase{1000, 0.4}, BinomialCase{1000000, 1e-3},
                                           BinomialCase{200, 0.02}, BinomialCase{500, 0.9}));

TEST(CounterRng, EdgeCases) {
  CounterRng g(9, 9, RngStream::kEfficiency);
  EXPECT_EQ(g.Poisson(0), 0u);
  EXPECT_EQ(g.Binomial(0, 0.5), 0u);
  EXPECT_EQ(g.Binomial(100, 0), 0u);
  EXPECT_EQ(g.Binomial(100, 1), 100u);
  double s = 0;
  for (int i = 0; i < 20000; ++i) s += g.Gamma(2.5, 2.0);
  EXPECT_NEAR(s / 20000, 5.0, 0.15);  // mean shape x scale
  s = 0;
  for (int i = 0; i < 20000; ++i) s += g.Beta(2, 6);
  EXPECT_NEAR(s / 20000, 0.25, 0.01);  // mean a / (a + b)
}

}  // namespace
}  // namespace icb::forecast
