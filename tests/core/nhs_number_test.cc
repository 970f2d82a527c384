#include "core/nhs_number.h"

#include <gtest/gtest.h>

namespace icb {
namespace {

// 943 476 5919 is the worked example in the NHS Data Dictionary's NHS Number page.
TEST(NhsNumber, AcceptsTheDataDictionaryExample) {
  EXPECT_EQ(NhsNumberProblem("9434765919"), nullptr);
  EXPECT_EQ(*ParseNhsNumber("9434765919"), 9434765919ull);
}

TEST(NhsNumber, RejectsWrongCheckDigitAndShape) {
  EXPECT_STREQ(NhsNumberProblem("9434765918"), "wrong Modulus 11 check digit");
  EXPECT_STREQ(NhsNumberProblem("943476591"), "expected 10 digits");
  EXPECT_STREQ(NhsNumberProblem("943 476 591"), "expected 10 digits");
  EXPECT_FALSE(ParseNhsNumber("94347659A9"));
}

TEST(NhsNumber, CheckDigitTenMeansUnusable) {
  // Count, over a block of nine-digit stems, how many have a usable check digit: about 10/11.
  int usable = 0;
  for (uint64_t stem = 999000000; stem < 999011000; ++stem) usable += NhsCheckDigit(stem).has_value();
  EXPECT_GT(usable, 9900);
  EXPECT_LT(usable, 10100);
  for (uint64_t stem = 999000000; stem < 999000100; ++stem) {
    auto c = NhsCheckDigit(stem);
    if (!c) continue;
    const std::string s = std::to_string(stem) + static_cast<char>('0' + *c);
    EXPECT_EQ(NhsNumberProblem(s), nullptr);
  }
}

}  // namespace
}  // namespace icb
