// Capacity conversion with hand-computed numbers, and the default unit-cost file.
#include "forecast/capacity.h"

#include <gtest/gtest.h>

namespace icb::forecast {
namespace {

int I(ActivityType t) { return static_cast<int>(t); }

TEST(Capacity, HandComputedExample) {
  std::array<double, kActivityTypeCount> units{}, bed_days{};
  bed_days[I(ActivityType::kElective)] = 10000;
  bed_days[I(ActivityType::kNonElective)] = 60000;
  bed_days[I(ActivityType::kMaternity)] = 3000;
  units[I(ActivityType::kElective)] = 4000;
  units[I(ActivityType::kDayCase)] = 20000;
  units[I(ActivityType::kOpFirst)] = 30000;
  units[I(ActivityType::kOpFollowUp)] = 60000;
  units[I(ActivityType::kOpTele)] = 12000;  // not a clinic room session
  units[I(ActivityType::kAe)] = 100000;
  units[I(ActivityType::kVirtualWard)] = 7300;
  units[I(ActivityType::kGp)] = 480000;
  CapacityAssumptions a;  // occupancy 0.92, 3 cases/session, 12 attendances/session, 180 min, 8736 h, 0.5
  a.units_per_wte[I(ActivityType::kGp)] = 4800;
  const CapacityYear c = ComputeCapacity(units, bed_days, a);
  // Beds: 73,000 bed days / (365 x 0.92) = 73,000 / 335.8 = 217.391...
  EXPECT_NEAR(c.beds, 73000.0 / 335.8, 1e-9);
  EXPECT_NEAR(c.beds, 217.391, 1e-3);
  // Theatre sessions: 24,000 / 3 = 8,000. Clinic sessions: 90,000 / 12 = 7,500.
  EXPECT_DOUBLE_EQ(c.theatre_sessions, 8000);
  EXPECT_DOUBLE_EQ(c.clinic_sessions, 7500);
  // A&E spaces: 100,000 x 180 / 60 = 300,000 hours / (8,736 x 0.5 = 4,368) = 68.681...
  EXPECT_NEAR(c.ae_spaces, 300000.0 / 4368.0, 1e-9);
  // Virtual-ward beds: 7,300 days / 335.8 = 21.739...
  EXPECT_NEAR(c.virtual_ward_beds, 7300.0 / 335.8, 1e-9);
  // WTE: 480,000 appointments / 4,800 = 100; no rate, no line.
  EXPECT_DOUBLE_EQ(c.wte[I(ActivityType::kGp)], 100);
  EXPECT_EQ(c.wte[I(ActivityType::kCommunity)], 0);
}

TEST(Capacity, DefaultUnitCostsCoverEveryType) {
  auto costs = LoadDefaultUnitCosts();
  ASSERT_TRUE(costs.ok()) << costs.status().message();
  for (int t = 0; t < kActivityTypeCount; ++t) EXPECT_GT((*costs)[t], 0) << ActivityTypeName(static_cast<ActivityType>(t));
  // NCC 2023/24 Consultant Led WF01B + WF02B: (3,324,288,303 + 145,871,655.5) / (14,324,642 + 525,925)
  // = 233.67 GBP (data/reference/ncc_2023_24_national_schedule.csv).
  EXPECT_EQ((*costs)[I(ActivityType::kOpFirst)], 23367);
  // NCC 2023/24 Mental Health Care Contact MHCC: 302.11 GBP.
  EXPECT_EQ((*costs)[I(ActivityType::kMentalHealth)], 30211);
  // Tele-attendances cost less than face-to-face ones, SDEC less than a non-elective spell.
  EXPECT_LT((*costs)[I(ActivityType::kOpTele)], (*costs)[I(ActivityType::kOpFollowUp)]);
  EXPECT_LT((*costs)[I(ActivityType::kSdec)], (*costs)[I(ActivityType::kNonElective)]);
  auto bed_day = LoadMarginalBedDayPence();
  ASSERT_TRUE(bed_day.ok());
  EXPECT_GT(*bed_day, 0);
}

TEST(Capacity, UnitCostFileErrorsNameTheLine) {
  const std::string path = ::testing::TempDir() + "/unit_costs_bad.csv";
  FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs("type,unit,cost_pence,derivation\nae,attendance,abc,x\n", f);
  std::fclose(f);
  auto costs = LoadDefaultUnitCosts(path);
  ASSERT_FALSE(costs.ok());
  EXPECT_NE(costs.status().message().find(":2: column 'cost_pence'"), std::string::npos) << costs.status().message();
}

}  // namespace
}  // namespace icb::forecast
