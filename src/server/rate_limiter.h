// RateLimiter: one token bucket per key (a user name, or the client address before login). A bucket
// holds at most `burst` tokens, refills at `rate` tokens per second and each request takes one; an
// empty bucket refuses the request and says in how many whole seconds a token will be there (the
// Retry-After header). The number of buckets is bounded: when it passes `max_keys`, buckets that have
// refilled completely (indistinguishable from new ones) are dropped. The clock is injectable for
// tests. Thread safe (one mutex).
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

namespace icb::server {

struct RateLimit {
  double rate = 20;   // tokens per second
  double burst = 40;  // bucket size
};

struct RateDecision {
  bool allowed = true;
  int64_t retry_after_seconds = 0;  // when refused: at least 1
};

class RateLimiter {
 public:
  using Clock = std::function<double()>;  // seconds, monotonic
  explicit RateLimiter(RateLimit limit, Clock clock = {}, size_t max_keys = 100000);
  // Takes one token from `key`'s bucket, or says when to retry.
  RateDecision Take(const std::string& key);
  size_t bucket_count() const;

 private:
  struct Bucket {
    double tokens = 0;
    double updated = 0;
  };
  void Prune(double now);  // called with mu_ held
  RateLimit limit_;
  Clock clock_;
  size_t max_keys_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace icb::server
