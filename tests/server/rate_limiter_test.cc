// RateLimiter: a token bucket per key (the classic algorithm: capacity `burst`, refilled at `rate`
// tokens a second; e.g. Tanenbaum, Computer Networks, 5th ed., section 5.4.2), driven by a fake clock.
#include "server/rate_limiter.h"

#include <gtest/gtest.h>

namespace icb::server {
namespace {

struct FakeClock {
  double now = 1000;
  RateLimiter::Clock fn() {
    return [this] { return now; };
  }
};

TEST(RateLimiter, BurstThenRefusedWithRetryAfter) {
  FakeClock clock;
  RateLimiter limiter({/*rate=*/1, /*burst=*/3}, clock.fn());
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Take("alice").allowed) << i;
  const RateDecision d = limiter.Take("alice");
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_seconds, 1);  // one token comes back after 1 s at 1 token/s
}

TEST(RateLimiter, RefillsAtTheRate) {
  FakeClock clock;
  RateLimiter limiter({/*rate=*/2, /*burst=*/2}, clock.fn());
  EXPECT_TRUE(limiter.Take("k").allowed);
  EXPECT_TRUE(limiter.Take("k").allowed);
  EXPECT_FALSE(limiter.Take("k").allowed);
  clock.now += 0.25;  // half a token
  EXPECT_FALSE(limiter.Take("k").allowed);
  clock.now += 0.25;  // a whole token
  EXPECT_TRUE(limiter.Take("k").allowed);
  EXPECT_FALSE(limiter.Take("k").allowed);
  clock.now += 100;  // refills to the burst, never beyond it
  EXPECT_TRUE(limiter.Take("k").allowed);
  EXPECT_TRUE(limiter.Take("k").allowed);
  EXPECT_FALSE(limiter.Take("k").allowed);
}

TEST(RateLimiter, SlowRateGivesLongerRetryAfter) {
  FakeClock clock;
  RateLimiter limiter({/*rate=*/0.1, /*burst=*/1}, clock.fn());
  EXPECT_TRUE(limiter.Take("k").allowed);
  EXPECT_EQ(limiter.Take("k").retry_after_seconds, 10);  // 1 token / 0.1 per s
}

TEST(RateLimiter, KeysAreIndependent) {
  FakeClock clock;
  RateLimiter limiter({1, 1}, clock.fn());
  EXPECT_TRUE(limiter.Take("alice").allowed);
  EXPECT_FALSE(limiter.Take("alice").allowed);
  EXPECT_TRUE(limiter.Take("bob").allowed);
}

TEST(RateLimiter, BucketCountIsBounded) {
  FakeClock clock;
  RateLimiter limiter({1, 5}, clock.fn(), /*max_keys=*/10);
  for (int i = 0; i < 100; ++i) {
    EXPECT_TRUE(limiter.Take("addr:" + std::to_string(i)).allowed);
    EXPECT_LE(limiter.bucket_count(), 10u);
    clock.now += 10;  // earlier buckets have refilled and can be forgotten
  }
}

}  // namespace
}  // namespace icb::server
