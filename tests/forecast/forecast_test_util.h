// Helpers shared by the forecast tests: day numbers and the shipped scoring configuration.
#pragma once

#include <gtest/gtest.h>

#include "context/segmentation.h"
#include "core/date.h"

namespace icb::forecast {

inline int32_t D(int y, int m, int d) { return Date::FromCivil(y, m, d).days(); }

// The shipped segmentation rules and code lists, loaded once per test binary.
inline const ScoringConfig& Config() {
  static const ScoringConfig c = [] {
    auto r = LoadDefaultScoringConfig();
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return std::move(r).value();
  }();
  return c;
}

}  // namespace icb::forecast
