#include "data/contract.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

namespace icb {
namespace {

const ColumnSpec& Col(std::string_view file, std::string_view col) {
  const FileSpec* f = FindFileSpec(file);
  EXPECT_NE(f, nullptr);
  return f->columns[static_cast<size_t>(f->ColumnIndex(col))];
}

TEST(Contract, FileAndColumnNamesAreUnique) {
  std::set<std::string_view> files;
  for (const auto& f : InputContract()) {
    EXPECT_TRUE(files.insert(f.file_name).second) << f.file_name;
    std::set<std::string_view> cols;
    for (const auto& c : f.columns) EXPECT_TRUE(cols.insert(c.name).second) << f.file_name << "." << c.name;
  }
  EXPECT_GE(files.size(), 15u);
}

TEST(Contract, ValidatesTypedValues) {
  EXPECT_EQ(CheckValue(Col("persons", "nhs_number"), "9434765919"), nullptr);
  EXPECT_NE(CheckValue(Col("persons", "nhs_number"), "9434765918"), nullptr);
  EXPECT_NE(CheckValue(Col("persons", "year_month_of_birth"), "1950-13"), nullptr);
  EXPECT_EQ(CheckValue(Col("persons", "date_of_death"), ""), nullptr);     // optional
  EXPECT_NE(CheckValue(Col("persons", "lsoa_of_residence"), ""), nullptr); // required
  EXPECT_NE(CheckValue(Col("persons", "ethnic_category"), "Q"), nullptr);
  EXPECT_EQ(CheckValue(Col("apc_spells", "admission_method"), "2A"), nullptr);
  EXPECT_NE(CheckValue(Col("apc_spells", "admission_method"), "19"), nullptr);
  EXPECT_EQ(CheckValue(Col("apc_spells", "secondary_diagnoses_icd10"), "I10;E119;N183"), nullptr);
  EXPECT_NE(CheckValue(Col("apc_spells", "secondary_diagnoses_icd10"), "I10;;E119"), nullptr);
  EXPECT_NE(CheckValue(Col("apc_spells", "cost"), "-1.00"), nullptr);
  EXPECT_NE(CheckValue(Col("apc_spells", "cost"), "1.234"), nullptr);
  EXPECT_EQ(CheckValue(Col("gp_events", "value"), "-12.5"), nullptr);
}

TEST(Contract, CodeValidators) {
  EXPECT_TRUE(IsSnomedId("44054006"));    // type 2 diabetes mellitus
  EXPECT_TRUE(IsSnomedId("38341003"));    // hypertensive disorder
  EXPECT_FALSE(IsSnomedId("44054007"));   // wrong Verhoeff check digit
  EXPECT_TRUE(IsIcd10("I219"));
  EXPECT_TRUE(IsIcd10("R69X"));
  EXPECT_FALSE(IsIcd10("I21.9"));
  EXPECT_TRUE(IsOpcs4("W371"));
  EXPECT_FALSE(IsOpcs4("W37.1"));
  EXPECT_TRUE(IsBnfCode("0601023A0AAAAAA"));
  EXPECT_FALSE(IsBnfCode("1601"));
  EXPECT_TRUE(IsHrg("FD01A"));
  EXPECT_FALSE(IsHrg("FD01"));
  EXPECT_TRUE(IsLsoaCode("E01006187"));
  EXPECT_FALSE(IsLsoaCode("W01006187"));
  int64_t p = 0;
  EXPECT_TRUE(ParseMoneyPence("1234.5", p));
  EXPECT_EQ(p, 123450);
  EXPECT_TRUE(ParseMoneyPence("0.07", p));
  EXPECT_EQ(p, 7);
}

TEST(Contract, VerhoeffCheckDigitGeneratesValidIds) {
  for (std::string stem : {"4405400", "3834100", "27164900"}) {
    const std::string id = stem + VerhoeffCheckDigit(stem);
    EXPECT_TRUE(IsSnomedId(id)) << id;
  }
}

// The reference page is generated from the declaration; a stale page fails here.
TEST(Contract, ReferenceDocIsUpToDate) {
  std::ifstream in(std::string(ICB_TEST_DATA_DIR) + "/../../docs/reference/input-contract.md");
  ASSERT_TRUE(in) << "docs/reference/input-contract.md missing: run icb contract --markdown";
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), ContractMarkdown()) << "regenerate with: icb contract --markdown > docs/reference/input-contract.md";
}

}  // namespace
}  // namespace icb
