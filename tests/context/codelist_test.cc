// Code-list loader and the shipped scoring configuration: file and line in every error, prefix and
// exact matching, and the sizes of the published lists.
#include <gtest/gtest.h>

#include "context/codelist.h"
#include "context/segmentation.h"

namespace icb {
namespace {

constexpr const char* kHeader =
    "# name: test\n# version: 1\n# source: a paper\n# licence: OGL\n# rule: any code\n# system: ICD-10\n";

TEST(CodeList, ParsesHeaderAndRowsAndMatchesByPrefix) {
  auto l = ParseCodeList(std::string(kHeader) + "code,term,weight\nI50,Heart failure,1.5\nE11.9,\"Diabetes, type 2\",2\n", "t.csv");
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  EXPECT_EQ(l->name, "test");
  EXPECT_EQ(l->size(), 2u);
  EXPECT_EQ(l->codes[1], "E119");
  EXPECT_EQ(l->terms[1], "Diabetes, type 2");
  EXPECT_TRUE(l->Matches("I509"));
  EXPECT_TRUE(l->Matches("i50.0"));
  EXPECT_FALSE(l->Matches("I5"));
  EXPECT_FALSE(l->Matches("E11"));
  EXPECT_DOUBLE_EQ(*l->Number(0, l->ExtraColumn("weight")), 1.5);
}

TEST(CodeList, SnomedListsMatchExactly) {
  std::string text = kHeader;
  text.replace(text.find("ICD-10"), 6, "SNOMED CT");
  auto l = ParseCodeList(text + "code,term\n49436004,Atrial fibrillation\n", "s.csv");
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  EXPECT_TRUE(l->Matches("49436004"));
  EXPECT_FALSE(l->Matches("494360041"));
}

TEST(CodeList, ErrorsNameFileAndLine) {
  auto missing = ParseCodeList("# name: x\n# version: 1\n# source: s\n# licence: l\n# system: ICD-10\ncode,term\nI10,x\n", "a.csv");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("a.csv line 6"), std::string::npos) << missing.status().message();
  EXPECT_NE(missing.status().message().find("rule"), std::string::npos);

  auto fields = ParseCodeList(std::string(kHeader) + "code,term\nI10,Hypertension\nI11,too,many\n", "b.csv");
  ASSERT_FALSE(fields.ok());
  EXPECT_NE(fields.status().message().find("b.csv line 9"), std::string::npos) << fields.status().message();

  auto dup = ParseCodeList(std::string(kHeader) + "code,term\nI10,a\nI11,b\nI1.0,c\n", "c.csv");
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.status().message().find("c.csv line 10: duplicate code (first on line 8)"), std::string::npos)
      << dup.status().message();

  auto bad = ParseCodeList(std::string(kHeader) + "code,term\nI-10,a\n", "d.csv");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("d.csv line 8"), std::string::npos);

  auto key = ParseCodeList("# colour: blue\n", "e.csv");
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.status().message().find("e.csv line 1"), std::string::npos);

  auto system = ParseCodeList(std::string("# system: ICD-11\n"), "f.csv");
  ASSERT_FALSE(system.ok());
  EXPECT_NE(system.status().message().find("f.csv line 1"), std::string::npos);
}

TEST(CodeList, NotANumberNamesLine) {
  auto l = ParseCodeList(std::string(kHeader) + "code,term,weight\nI10,a,x\n", "w.csv");
  ASSERT_TRUE(l.ok());
  auto v = l->Number(0, 0);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("w.csv line 8"), std::string::npos);
}

TEST(ScoringConfig, ShippedListsHaveThePublishedSizes) {
  auto cfg = LoadDefaultScoringConfig();
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  // Gilbert et al. 2018 (Lancet 391:1775), supplementary table: 109 ICD-10 codes.
  const CodeList* hfrs = cfg->Find("hfrs_gilbert2018");
  ASSERT_NE(hfrs, nullptr);
  EXPECT_EQ(hfrs->size(), 109u);
  EXPECT_EQ(cfg->scores.hfrs.categories.size(), 109u);
  // Quan 2005: 17 Charlson and 31 Elixhauser categories.
  EXPECT_EQ(cfg->scores.charlson.categories.size(), 17u);
  EXPECT_EQ(cfg->scores.elixhauser.categories.size(), 31u);
  // Payne 2020: 20 conditions; Clegg 2016: 36 deficits; Lynn 2007: 8 segments.
  EXPECT_EQ(cfg->scores.cms.elements.size(), 20u);
  EXPECT_EQ(cfg->scores.efi.elements.size(), 36u);
  EXPECT_EQ(cfg->b2h.precedence.size(), 8u);
  double cms_max = 0;
  for (const auto& e : cfg->scores.cms.elements) cms_max += e.weight;
  EXPECT_NEAR(cms_max, 16.33, 1e-9);  // sum of the 20 general-outcome weights (Payne 2020 table)
  for (const auto& e : cfg->b2h.elements) EXPECT_FALSE(e.statement.empty()) << e.id;
}

TEST(ScoringConfig, RuleErrorsNameTheFileAndElement) {
  auto r = ParseRuleSet(R"({"name":"n","version":"v","source":"s","licence":"l","statement":"x",
    "elements":[{"id":"e1","statement":"s","weight":1,"all_of":{"source":"gp_recrd","codelist":"x"}}]})",
                        "cms.json", "cms");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("cms.json: element 'e1'"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("gp_recrd"), std::string::npos);
  auto missing = LoadScoringConfig("/nonexistent-dir");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace icb
