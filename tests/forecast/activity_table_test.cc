// ActivityTable: building rows with their strategy CSR, validation, type names and totals.
#include "forecast/activity_table.h"

#include <gtest/gtest.h>

namespace icb::forecast {
namespace {

TEST(ActivityTable, RowsAndStrategiesStayInStep) {
  ActivityTable t;
  t.place_names = {"North"};
  t.provider_names = {"Trust"};
  const int acsc = t.StrategyIndex("ambulatory_care_conditions_acute");
  const int frail = t.StrategyIndex("frail_elderly_high");
  EXPECT_EQ(t.StrategyIndex("ambulatory_care_conditions_acute"), acsc);  // not added twice
  t.AddRow(ActivityType::kNonElective, 82, 1, 2, 8, 0, 0, 1, 4, 350000);
  t.AddStrategy(acsc, 1.0f);
  t.AddStrategy(frail, 0.5f);
  t.EndRow();
  t.AddRow(ActivityType::kOpFirst, 40, 0, 5, 1, 0, 0, 12, 0, 16000);
  t.EndRow();
  ASSERT_TRUE(t.Validate().ok()) << t.Validate().ToString();
  EXPECT_EQ(t.size(), 2u);
  EXPECT_EQ(t.strategy_offsets, (std::vector<uint64_t>{0, 2, 2}));
  // Totals: units, bed days = units x LOS, cost = units x unit cost.
  const ActivityTotals s = SumActivity(t);
  EXPECT_EQ(s.units[static_cast<int>(ActivityType::kNonElective)], 1);
  EXPECT_EQ(s.bed_days[static_cast<int>(ActivityType::kNonElective)], 4);
  EXPECT_EQ(s.cost_pence[static_cast<int>(ActivityType::kOpFirst)], 12 * 16000);
}

TEST(ActivityTable, ValidateCatchesBrokenTables) {
  ActivityTable t;
  t.AddRow(ActivityType::kAe, 30, 0, 1, 1, 0, 0, 3, 0, 100);
  EXPECT_FALSE(t.Validate().ok());  // EndRow missing: the CSR is one short
  t.EndRow();
  EXPECT_TRUE(t.Validate().ok());
  t.sex[0] = 2;
  EXPECT_FALSE(t.Validate().ok());
  t.sex[0] = 0;
  t.count[0] = -1;
  EXPECT_FALSE(t.Validate().ok());
  t.count[0] = 1;
  t.strategy_ids.push_back(0);  // an id with no name and no offsets
  EXPECT_FALSE(t.Validate().ok());
}

TEST(ActivityTable, TypeNamesRoundTrip) {
  for (int i = 0; i < kActivityTypeCount; ++i) {
    const auto t = static_cast<ActivityType>(i);
    auto parsed = ParseActivityType(ActivityTypeName(t));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, t);
    EXPECT_FALSE(ActivityTypeLabel(t).empty());
    EXPECT_FALSE(ActivityTypeUnit(t).empty());
  }
  auto bad = ParseActivityType("inpatients");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("non_elective"), std::string::npos);  // lists the allowed names
  EXPECT_TRUE(HasLengthOfStay(ActivityType::kNonElective));
  EXPECT_TRUE(HasLengthOfStay(ActivityType::kMaternity));
  EXPECT_FALSE(HasLengthOfStay(ActivityType::kDayCase));
  EXPECT_FALSE(HasLengthOfStay(ActivityType::kCommunity));
}

}  // namespace
}  // namespace icb::forecast
