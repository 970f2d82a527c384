#include "report/table.h"

#include <gtest/gtest.h>

namespace icb::report {
namespace {

TEST(GroupThousands, GroupsDigitsInThrees) {
  EXPECT_EQ(GroupThousands(0), "0");
  EXPECT_EQ(GroupThousands(999), "999");
  EXPECT_EQ(GroupThousands(1000), "1,000");
  EXPECT_EQ(GroupThousands(1234567), "1,234,567");
  EXPECT_EQ(GroupThousands(-1000), "-1,000");
  EXPECT_EQ(GroupThousands(-999999), "-999,999");
}

TEST(CellText, PlainAndDisplayFollowTheColumnKind) {
  const Column integer{"n", "N", ColumnKind::kInteger, 0, false, {}};
  const Column decimal{"x", "X", ColumnKind::kDecimal, 2, false, {}};
  const Column percent{"p", "P", ColumnKind::kPercent, 1, false, {}};
  const Column text{"t", "T", ColumnKind::kText, 0, false, {}};
  EXPECT_EQ(PlainCellText(integer, Cell{int64_t{12345}}), "12345");
  EXPECT_EQ(DisplayCellText(integer, Cell{int64_t{12345}}), "12,345");
  EXPECT_EQ(PlainCellText(decimal, Cell{12345.678}), "12345.68");
  EXPECT_EQ(DisplayCellText(decimal, Cell{12345.678}), "12,345.68");
  EXPECT_EQ(DisplayCellText(decimal, Cell{-1234.5}), "-1,234.50");
  EXPECT_EQ(PlainCellText(decimal, Cell{-0.001}), "0.00");  // no "-0.00"
  EXPECT_EQ(PlainCellText(percent, Cell{12.345}), "12.3");
  EXPECT_EQ(DisplayCellText(percent, Cell{12.36}), "12.4%");
  EXPECT_EQ(PlainCellText(text, Cell{std::string("a,b")}), "a,b");
  EXPECT_EQ(PlainCellText(integer, Cell{}), "");
  EXPECT_EQ(DisplayCellText(integer, Cell{}), "-");
}

TEST(Table, ColumnsRowsAndLookup) {
  Table t("t1", "Title");
  t.AddText("a", "A").AddInteger("b", "B").AddDecimal("c", "C", 3).AddPercent("d", "D");
  t.AddRow({std::string("x"), int64_t{1}, 1.5, 50.0});
  ASSERT_EQ(t.columns().size(), 4u);
  EXPECT_EQ(t.columns()[2].places, 3);
  EXPECT_EQ(t.columns()[3].kind, ColumnKind::kPercent);
  EXPECT_EQ(t.columns()[3].places, 1);
  EXPECT_EQ(t.ColumnIndex("c"), 2u);
  EXPECT_FALSE(t.ColumnIndex("zz").has_value());
  EXPECT_EQ(t.row_count(), 1u);
}

TEST(Table, NameRules) {
  EXPECT_TRUE(IsValidTableName("pyramid_2024"));
  EXPECT_FALSE(IsValidTableName(""));
  EXPECT_FALSE(IsValidTableName("Pyramid"));
  EXPECT_FALSE(IsValidTableName("a-b"));
  EXPECT_FALSE(IsValidTableName(std::string(32, 'a')));
  EXPECT_TRUE(IsValidTableName(std::string(31, 'a')));
}

TEST(ColumnKind, NamesRoundTrip) {
  for (ColumnKind k : {ColumnKind::kText, ColumnKind::kInteger, ColumnKind::kDecimal, ColumnKind::kPercent})
    EXPECT_EQ(ParseColumnKind(ColumnKindName(k)), k);
  EXPECT_FALSE(ParseColumnKind("float").has_value());
}

}  // namespace
}  // namespace icb::report
