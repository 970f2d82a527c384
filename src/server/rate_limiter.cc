#include "server/rate_limiter.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace icb::server {

RateLimiter::RateLimiter(RateLimit limit, Clock clock, size_t max_keys)
    : limit_(limit), clock_(std::move(clock)), max_keys_(std::max<size_t>(max_keys, 1)) {
  if (!(limit_.rate > 0)) limit_.rate = 1;
  if (!(limit_.burst >= 1)) limit_.burst = 1;
  if (!clock_) {
    clock_ = [] {
      return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    };
  }
}

RateDecision RateLimiter::Take(const std::string& key) {
  const double now = clock_();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) Prune(now);
    it = buckets_.emplace(key, Bucket{limit_.burst, now}).first;
  }
  Bucket& b = it->second;
  b.tokens = std::min(limit_.burst, b.tokens + std::max(0.0, now - b.updated) * limit_.rate);
  b.updated = now;
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return {true, 0};
  }
  const double wait = (1 - b.tokens) / limit_.rate;
  return {false, std::max<int64_t>(1, static_cast<int64_t>(std::ceil(wait)))};
}

size_t RateLimiter::bucket_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return buckets_.size();
}

void RateLimiter::Prune(double now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const double tokens = it->second.tokens + std::max(0.0, now - it->second.updated) * limit_.rate;
    it = tokens >= limit_.burst ? buckets_.erase(it) : std::next(it);
  }
  // Still full of busy clients: drop the emptiest-looking half rather than grow without bound.
  if (buckets_.size() >= max_keys_) {
    size_t drop = buckets_.size() / 2;
    for (auto it = buckets_.begin(); it != buckets_.end() && drop > 0; --drop) it = buckets_.erase(it);
  }
}

}  // namespace icb::server
