#include "report/csv_writer.h"

#include <gtest/gtest.h>

#include "report_test_util.h"

namespace icb::report {
namespace {

TEST(CsvField, QuotesOnlyWhenRfc4180Requires) {
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField(""), "");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvField("cr\rhere"), "\"cr\rhere\"");
  EXPECT_EQ(CsvField(" spaced "), " spaced ");
}

TEST(TableToCsv, HeaderNamesThenRowsWithPlainNumbers) {
  const Report r = testing::SampleReport();
  EXPECT_EQ(TableToCsv(r.tables[0]),
            "age_band,male,female,male_pct,female_pct\n"
            "0-4,1234,1200,6.3,6.0\n"
            "5-9,0,1234567,0.0,93.7\n");
  EXPECT_EQ(TableToCsv(r.tables[1]),
            "place,cost_gbp,n\n"
            "\"Ashton, \"\"Old\"\" Town\",1234.50,-42\n"
            "\"Line\nbreak\",,\n"
            "Plain,0.13,7\n");
}

// A minimal RFC 4180 parser, to check that what we write reads back to the same fields.
std::vector<std::vector<std::string>> ParseCsv(const std::string& s) {
  std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
  bool quoted = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quoted) {
      if (c == '"' && i + 1 < s.size() && s[i + 1] == '"') {
        rows.back().back().push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        rows.back().back().push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().emplace_back();
    } else if (c == '\n') {
      rows.emplace_back(1);
    } else {
      rows.back().back().push_back(c);
    }
  }
  if (rows.back().size() == 1 && rows.back()[0].empty()) rows.pop_back();
  return rows;
}

TEST(TableToCsv, ReadsBackToTheSameFields) {
  const Report r = testing::SampleReport();
  const auto rows = ParseCsv(TableToCsv(r.tables[1]));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1][0], "Ashton, \"Old\" Town");
  EXPECT_EQ(rows[2][0], "Line\nbreak");
  EXPECT_EQ(rows[2][1], "");
  for (const auto& row : rows) EXPECT_EQ(row.size(), 3u);
}

}  // namespace
}  // namespace icb::report
