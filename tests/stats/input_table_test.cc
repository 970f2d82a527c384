// InputTable: CSV parsing and errors that name file, line and column.
#include "stats/input_table.h"

#include <gtest/gtest.h>

namespace icb::stats {
namespace {

TEST(InputTable, QuotesBlankLinesAndLineNumbers) {
  auto t = InputTable::Parse("group,numerator\r\n\"A, north\",5\n\n\"multi\nline\",7\nB,\"8\"\n", "in.csv");
  ASSERT_TRUE(t.ok()) << t.status().message();
  ASSERT_EQ(t->row_count(), 3u);
  EXPECT_EQ(t->cell(0, 0), "A, north");
  EXPECT_EQ(t->line(0), 2u);
  EXPECT_EQ(t->cell(1, 0), "multi\nline");
  EXPECT_EQ(t->line(1), 4u);
  EXPECT_EQ(t->line(2), 6u);
  EXPECT_EQ(t->Number(2, 1).value(), 8.0);
}

TEST(InputTable, NumbersMissingAndErrors) {
  auto t = InputTable::Parse("a,b\n1.5,NA\n,x1\n", "f.csv");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->Number(0, 0).value(), 1.5);
  EXPECT_FALSE(t->Number(0, 1).value().has_value());
  EXPECT_FALSE(t->Number(1, 0).value().has_value());
  auto bad = t->Number(1, 1);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("f.csv line 3 column 2 (b)"), std::string::npos) << bad.status().message();
  auto missing = t->Column("c");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("columns: a, b"), std::string::npos);
}

TEST(InputTable, RaggedAndUnclosed) {
  auto ragged = InputTable::Parse("a,b\n1,2\n3\n", "r.csv");
  ASSERT_FALSE(ragged.ok());
  EXPECT_NE(ragged.status().message().find("r.csv line 3"), std::string::npos);
  EXPECT_FALSE(InputTable::Parse("a\n\"open\n", "u.csv").ok());
  EXPECT_FALSE(InputTable::Parse("", "e.csv").ok());
  EXPECT_EQ(InputTable::Read("/nonexistent/x.csv").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace icb::stats
