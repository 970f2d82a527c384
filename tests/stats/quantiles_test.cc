// AssignQuantiles, the PHE "Assigning Deprivation Categories" method (phe_quantile).
#include "stats/quantiles.h"

#include <gtest/gtest.h>

namespace icb::stats {
namespace {

std::vector<int> Values(const std::vector<std::optional<int>>& q) {
  std::vector<int> out;
  for (const auto& v : q) out.push_back(v ? *v : -1);
  return out;
}

// q = floor((Q + 1) - ceil(((N + 1) - rank)/(N/Q))) (PHE technical guide "Assigning Deprivation
// Categories"; phe_quantile). Worked by hand for N = 10, Q = 5, values 1..10 not inverted: ranks 1..10
// give ceil((11 - rank)/2) = 5,5,4,4,3,3,2,2,1,1, so quantiles 1,1,2,2,3,3,4,4,5,5.
TEST(Quantiles, TenIntoFifths) {
  std::vector<double> v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  auto q = AssignQuantiles(v, 5, /*invert=*/false);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(Values(*q), (std::vector<int>{1, 1, 2, 2, 3, 3, 4, 4, 5, 5}));
  // invert = TRUE (phe_quantile's default): the highest values are quantile 1.
  auto inv = AssignQuantiles(v, 5, /*invert=*/true);
  ASSERT_TRUE(inv.ok());
  EXPECT_EQ(Values(*inv), (std::vector<int>{5, 5, 4, 4, 3, 3, 2, 2, 1, 1}));
}

// Ties take the minimum rank (R's rank(ties.method = "min")), so tied values share a quantile.
// By hand, N = 6, Q = 3, values 5,5,5,1,2,3 not inverted: ranks 4,4,4,1,2,3;
// ceil((7 - rank)/2) = 2,2,2,3,3,2 -> quantiles 2,2,2,1,1,2.
TEST(Quantiles, TiesTakeMinimumRank) {
  auto q = AssignQuantiles(std::vector<double>{5, 5, 5, 1, 2, 3}, 3, false);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(Values(*q), (std::vector<int>{2, 2, 2, 1, 1, 2}));
}

// Missing values get NA and do not count in N; N < Q gives NA throughout (phe_quantile warns).
TEST(Quantiles, MissingAndTooFew) {
  const double na = std::numeric_limits<double>::quiet_NaN();
  auto q = AssignQuantiles(std::vector<double>{1, na, 2, 3, 4}, 2, false);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(Values(*q), (std::vector<int>{1, -1, 1, 2, 2}));
  auto few = AssignQuantiles(std::vector<double>{1, 2, 3}, 5, false);
  ASSERT_TRUE(few.ok());
  EXPECT_EQ(Values(*few), (std::vector<int>{-1, -1, -1}));
  EXPECT_FALSE(AssignQuantiles(std::vector<double>{1}, 0, false).ok());
}

}  // namespace
}  // namespace icb::stats
