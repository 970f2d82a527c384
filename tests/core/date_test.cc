#include "core/date.h"

#include <gtest/gtest.h>

namespace icb {
namespace {

TEST(Date, EpochAndKnownDays) {
  EXPECT_EQ(Date::FromCivil(1970, 1, 1).days(), 0);
  EXPECT_EQ(Date::FromCivil(2000, 3, 1).days(), 11017);
  EXPECT_EQ(Date::FromCivil(1969, 12, 31).days(), -1);
}

TEST(Date, RoundTripsEveryDayOverTwoCenturies) {
  for (int32_t d = Date::FromCivil(1900, 1, 1).days(); d < Date::FromCivil(2100, 1, 1).days(); ++d) {
    int y, m, dd;
    Date(d).ToCivil(y, m, dd);
    ASSERT_EQ(Date::FromCivil(y, m, dd).days(), d);
    ASSERT_TRUE(Date::IsValidCivil(y, m, dd));
  }
}

TEST(Date, ParsesIsoStrictly) {
  EXPECT_EQ(Date::ParseIso("2024-02-29")->ToIso(), "2024-02-29");
  EXPECT_FALSE(Date::ParseIso("2023-02-29"));   // not a leap year
  EXPECT_FALSE(Date::ParseIso("2023-13-01"));
  EXPECT_FALSE(Date::ParseIso("2023-1-01"));
  EXPECT_FALSE(Date::ParseIso("01/02/2023"));
  EXPECT_FALSE(Date::ParseIso("2023-01-01 "));
  EXPECT_FALSE(Date::ParseIso(""));
  EXPECT_EQ(Date::ParseYearMonth("1950-07")->ToIso(), "1950-07-01");
  EXPECT_FALSE(Date::ParseYearMonth("1950-00"));
}

TEST(Date, AgeUsesTheBirthdayRule) {
  const Date born = Date::FromCivil(1950, 7, 1);
  EXPECT_EQ(born.AgeOn(Date::FromCivil(2020, 6, 30)), 69);
  EXPECT_EQ(born.AgeOn(Date::FromCivil(2020, 7, 1)), 70);
}

}  // namespace
}  // namespace icb
