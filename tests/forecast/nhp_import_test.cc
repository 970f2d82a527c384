// ImportNhpParams on NHP's own params-sample.json (tests/data/forecast/README.md): what it maps,
// how it converts NHP's "share remaining" factors, and that it reports every key it cannot map.
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "forecast/scenario.h"

namespace icb::forecast {
namespace {

const std::string kSample = std::string(ICB_TEST_DATA_DIR) + "/forecast/nhp_params_sample.json";

bool Reports(const std::vector<std::string>& report, const std::string& prefix) {
  return std::any_of(report.begin(), report.end(), [&](const std::string& l) { return l.rfind(prefix, 0) == 0; });
}

TEST(NhpImport, MapsTheSampleParams) {
  std::vector<std::string> report;
  auto s = ImportNhpParams(kSample, report);
  ASSERT_TRUE(s.ok()) << s.status().message();
  // params-sample.json: "seed": 84308, "model_runs": 256, "start_year": 2023, "end_year": 2035.
  EXPECT_EQ(s->seed, 84308u);
  EXPECT_EQ(s->runs, 256);
  EXPECT_EQ(s->baseline_year, 2023);
  EXPECT_EQ(s->horizon_year, 2035);
  EXPECT_TRUE(s->health_status_adjustment);
  // The file has 92 mitigation parameters: avoidance A&E 16 + IP 33 + OP 12 = 61; efficiencies IP
  // 27 + OP 4 = 31. Of the efficiencies, 2 pre-op and 2 day-procedure-to-outpatient strategies have
  // no equivalent here, so 61 + 27 = 88 are imported.
  EXPECT_EQ(s->mitigators.size(), 61u);
  EXPECT_EQ(s->efficiencies.size(), 27u);
  EXPECT_EQ(s->mitigators.size() + s->efficiencies.size() + 4, 92u);
  for (const auto& m : s->mitigators) {
    EXPECT_TRUE(m.discard) << m.name;  // NHP does not model where avoided activity goes
    EXPECT_EQ(m.filter.strategy, m.name);
    EXPECT_EQ(m.phasing.start_year, 2023);
    EXPECT_EQ(m.phasing.full_year, 2035);
  }
  // NHP's interval [0.85, 0.95] is the share of activity REMAINING; ours is the share avoided.
  const auto falls = std::find_if(s->mitigators.begin(), s->mitigators.end(),
                                  [](const Mitigator& m) { return m.name == "falls_related_admissions"; });
  ASSERT_NE(falls, s->mitigators.end());
  EXPECT_NEAR(falls->reduction.a, 0.05, 1e-12);
  EXPECT_NEAR(falls->reduction.b, 0.15, 1e-12);
  int kinds[5] = {0, 0, 0, 0, 0};
  for (const auto& e : s->efficiencies) ++kinds[static_cast<int>(e.kind)];
  EXPECT_EQ(kinds[static_cast<int>(Efficiency::Kind::kSdecConversion)], 4);
  EXPECT_EQ(kinds[static_cast<int>(Efficiency::Kind::kDayCaseConversion)], 2);
  EXPECT_EQ(kinds[static_cast<int>(Efficiency::Kind::kVirtualWard)], 2);
  EXPECT_EQ(kinds[static_cast<int>(Efficiency::Kind::kLengthOfStay)], 15);
  EXPECT_EQ(kinds[static_cast<int>(Efficiency::Kind::kTeleOutpatient)], 4);
  const auto los = std::find_if(s->efficiencies.begin(), s->efficiencies.end(),
                                [](const Efficiency& e) { return e.name == "general_los_reduction_emergency"; });
  ASSERT_NE(los, s->efficiencies.end());
  EXPECT_NEAR(los->value.Central(), 0.15, 1e-12);  // 1 - mean of [0.84, 0.86]
  // Non-demographic growth: NHP factors [1, 1.02] are rates [0, 0.02].
  const auto& el = s->non_demographic_growth[static_cast<int>(ActivityType::kElective)];
  ASSERT_TRUE(el.has_value());
  EXPECT_NEAR(el->a, 0.0, 1e-12);
  EXPECT_NEAR(el->b, 0.02, 1e-12);
  EXPECT_TRUE(s->non_demographic_growth[static_cast<int>(ActivityType::kDayCase)].has_value());
  EXPECT_TRUE(s->non_demographic_growth[static_cast<int>(ActivityType::kAe)].has_value());
  // Variants: migration_category (0.40) -> principal, zero net migration (0.15) -> no_migration;
  // 10-year, high and low international migration have no equivalent and are rescaled away.
  ASSERT_EQ(s->variant_mix.size(), 2u);
  double principal = 0;
  for (const auto& [name, p] : s->variant_mix)
    if (name == "principal") principal = p;
  EXPECT_NEAR(principal, 0.40 / 0.55, 1e-12);
  // The result is a valid scenario: it round-trips through the file format.
  auto again = ScenarioFromJson(ScenarioToJson(*s), "import");
  EXPECT_TRUE(again.ok()) << again.status().message();
}

TEST(NhpImport, ReportsEveryUnmappedKey) {
  std::vector<std::string> report;
  ASSERT_TRUE(ImportNhpParams(kSample, report).ok());
  for (const char* key : {"inequalities", "expat", "repat_local", "repat_nonlocal", "baseline_adjustment",
                          "waiting_list_adjustment", "time_profile_mappings",
                          "non-demographic_adjustment.values.op.procedure",
                          "efficiencies.ip.pre-op_los_1-day", "efficiencies.ip.pre-op_los_2-day",
                          "efficiencies.ip.day_procedures_occasionally_op", "efficiencies.ip.day_procedures_usually_op",
                          "demographic_factors.variant_probabilities.var_proj_10_year_migration",
                          "demographic_factors.variant_probabilities.var_proj_high_intl_migration",
                          "demographic_factors.variant_probabilities.var_proj_low_intl_migration"})
    EXPECT_TRUE(Reports(report, std::string("not mapped: ") + key)) << key;
  EXPECT_TRUE(Reports(report, "mapped: seed 84308"));
  EXPECT_TRUE(Reports(report, "mapped: activity_avoidance: 61 strategies"));
}

TEST(NhpImport, MissingFileIsNotFound) {
  std::vector<std::string> report;
  auto s = ImportNhpParams("/nonexistent/params.json", report);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace icb::forecast
