#include "report/json_writer.h"

#include <gtest/gtest.h>

#include "report_test_util.h"

namespace icb::report {
namespace {

TEST(ReportJson, RoundTripsExactly) {
  const Report r = testing::SampleReport();
  auto back = ReportFromJsonText(ReportToJsonText(r));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back.value(), r);
  // Values that need all 17 significant digits survive too.
  Report r2;
  Table t("x", "x");
  t.AddDecimal("v", "v", 2);
  t.AddRow({0.1 + 0.2});
  t.AddRow({1.0 / 3.0});
  r2.tables.push_back(t);
  auto back2 = ReportFromJsonText(ReportToJsonText(r2));
  ASSERT_TRUE(back2.ok());
  EXPECT_EQ(std::get<double>(back2->tables[0].rows()[0][0]), 0.1 + 0.2);
  EXPECT_EQ(std::get<double>(back2->tables[0].rows()[1][0]), 1.0 / 3.0);
}

TEST(ReportJson, RoundTripsDisclosureRolesRedactedCellsAndTotals) {
  Report r;
  r.title = "Disclosed";
  r.disclosure = "standard: counts 1-7 redacted";
  Table t("rates", "Rates");
  t.AddText("group", "Group").AddCount("numerator", "N").AddCount("denominator", "D");
  t.AddDecimal("value", "Rate", 2).BasedOn({"numerator", "denominator"});
  t.AddRow({std::string("a"), Cell{Redacted{}}, int64_t{100}, Cell{Redacted{}}});
  t.AddRow({std::string("b"), int64_t{20}, int64_t{105}, 19.05});
  t.AddRow({std::string("all"), int64_t{20}, int64_t{205}, 9.76});
  t.MarkTotalRow();
  r.tables.push_back(std::move(t));
  const std::string text = ReportToJsonText(r);
  EXPECT_NE(text.find("\"redacted\""), std::string::npos);
  auto back = ReportFromJsonText(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, r);
  EXPECT_TRUE(back->tables[0].IsTotalRow(2));
  EXPECT_EQ(PlainCellText(back->tables[0].columns()[1], back->tables[0].rows()[0][1]), "*");
}

TEST(ReportJson, LayoutIsReadable) {
  const auto j = ReportToJson(testing::SampleReport());
  EXPECT_EQ(j["metadata"]["as_at"], "2024-03-31");
  // Metadata keeps its order.
  EXPECT_EQ(j["metadata"].begin().key(), "dataset");
  const auto& places = j["tables"][1];
  EXPECT_EQ(places["name"], "places");
  EXPECT_EQ(places["columns"][1]["type"], "decimal");
  EXPECT_EQ(places["columns"][1]["places"], 2);
  EXPECT_EQ(places["rows"][0]["n"], -42);
  EXPECT_TRUE(places["rows"][1]["cost_gbp"].is_null());
  EXPECT_TRUE(places["rows"][0]["n"].is_number_integer());
}

TEST(ReportJson, RejectsWhatDoesNotFit) {
  auto bad_type = nlohmann::ordered_json::parse(
      R"({"tables":[{"name":"t","columns":[{"name":"n","type":"integer"}],"rows":[{"n":"x"}]}]})");
  auto r = ReportFromJson(bad_type);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(r.status().message().find("column n"), std::string::npos);
  auto missing = nlohmann::ordered_json::parse(
      R"({"tables":[{"name":"t","columns":[{"name":"n","type":"integer"}],"rows":[{}]}]})");
  EXPECT_FALSE(ReportFromJson(missing).ok());
  auto dup = nlohmann::ordered_json::parse(
      R"({"tables":[{"name":"t","columns":[],"rows":[]},{"name":"t","columns":[],"rows":[]}]})");
  EXPECT_FALSE(ReportFromJson(dup).ok());
  auto bad_places = nlohmann::ordered_json::parse(
      R"({"tables":[{"name":"t","columns":[{"name":"n","type":"decimal","places":"2"}],"rows":[]}]})");
  EXPECT_FALSE(ReportFromJson(bad_places).ok());
  EXPECT_FALSE(ReportFromJsonText("{not json").ok());
  EXPECT_FALSE(ReportFromJsonText("[]").ok());
}

}  // namespace
}  // namespace icb::report
