// The reference data loads, covers NHS Greater Manchester, and every code the generator can emit is
// well formed: SNOMED CT ids pass the Verhoeff check, ICD-10, OPCS-4 and BNF codes have their
// formats, and every HRG root exists in the National Cost Collection 2023/24 schedule.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "data/contract.h"
#include "synth/activity_codes.h"
#include "synth/calibration.h"
#include "synth/reference_data.h"
#include "synth/rng.h"
#include "synth/synth_context.h"

namespace icb::synth {
namespace {

TEST(SynthReference, CoversGreaterManchester) {
  auto ref = LoadReferenceData(DefaultReferenceDir());
  ASSERT_TRUE(ref.ok()) << ref.status().ToString();
  EXPECT_EQ(ref->icb_code, "QOP");
  EXPECT_EQ(ref->lsoas.size(), 1702u);
  EXPECT_EQ(ref->lads.size(), 10u);
  EXPECT_EQ(ref->sub_icbs.size(), 10u);
  EXPECT_EQ(ref->practices.size(), 413u);
  double residents = 0;
  for (const auto& l : ref->lsoas) residents += l.residents;
  EXPECT_NEAR(residents, 2.87e6, 0.05e6);  // Census 2021 usual residents of Greater Manchester
  int trafford = 0;
  for (const auto& l : ref->lsoas) trafford += l.sape >= 0;
  EXPECT_EQ(trafford, 139);
  EXPECT_NEAR(ref->qx[0][80], 0.05, 0.02);  // ONS 2017-19, men aged 80
  EXPECT_NEAR(QofPooledPrevalence(*ref, 11), 0.136, 0.002);  // hypertension, QOF 2022-23 GM
  EXPECT_EQ(ref->targets.size(), 12u);
  for (const auto& p : ref->providers) EXPECT_TRUE(IsOdsCode(p.code)) << p.code;
}

TEST(SynthReference, EveryCodeIsWellFormed) {
  auto ref = LoadReferenceData(DefaultReferenceDir());
  ASSERT_TRUE(ref.ok());
  for (const auto& c : ref->condition_codes) {
    EXPECT_TRUE(IsSnomedId(c.snomed)) << c.snomed;
    EXPECT_TRUE(IsIcd10(c.icd10)) << c.icd10;
  }
  for (const auto& d : ref->drugs) EXPECT_TRUE(IsBnfCode(d.bnf)) << d.bnf;
  const ActivityCodes& a = GetActivityCodes();
  for (const auto& r : a.nel_reasons) {
    EXPECT_TRUE(IsIcd10(r.icd10)) << r.name;
    if (!r.ae_snomed.empty()) { EXPECT_TRUE(IsSnomedId(r.ae_snomed)) << r.name; }
  }
  for (const auto& p : a.procedures) {
    EXPECT_TRUE(IsIcd10(p.icd10)) << p.name;
    if (!p.opcs.empty()) { EXPECT_TRUE(IsOpcs4(p.opcs)) << p.name; }
  }
  for (const auto& m : a.maternity) {
    EXPECT_TRUE(IsIcd10(m.icd10)) << m.name;
    if (!m.opcs.empty()) { EXPECT_TRUE(IsOpcs4(m.opcs)) << m.name; }
    EXPECT_EQ(m.method[0], '3');
  }
  const FileSpec* op = FindFileSpec("outpatient_attendances");
  const auto& tfc = op->columns[static_cast<size_t>(op->ColumnIndex("treatment_function_code"))];
  for (const auto& s : a.op_specialties) {
    EXPECT_EQ(CheckValue(tfc, s.tfc), nullptr) << s.tfc;
    if (!s.procedure_opcs.empty()) { EXPECT_TRUE(IsOpcs4(s.procedure_opcs)); }
  }
  for (const auto& d : a.ae_diagnoses) EXPECT_TRUE(IsSnomedId(d.snomed)) << d.snomed;
  // Every code list resolves against the NCC schedule and the medicines table.
  auto ctx = SynthContext::Create(*ref, 2020, 5);
  ASSERT_TRUE(ctx.ok()) << ctx.status().ToString();
  for (size_t i = 0; i < a.procedures.size(); ++i) {
    const int row = (*ctx)->hrg.Pick((*ctx)->procedure_hrg[i], 60, 0.5, 2);
    EXPECT_TRUE(IsHrg((*ctx)->hrg.Code(row))) << a.procedures[i].name;
    EXPECT_EQ((*ctx)->hrg.Code(row).substr(0, 4), a.procedures[i].hrg_root);
    EXPECT_GT((*ctx)->hrg.CostPence(row), 0);
  }
}

TEST(SynthReference, HrgVariantsRespectAge) {
  auto ref = LoadReferenceData(DefaultReferenceDir());
  ASSERT_TRUE(ref.ok());
  auto ctx = SynthContext::Create(*ref, 2020, 5);
  ASSERT_TRUE(ctx.ok());
  HrgCatalog& hrg = (*ctx)->hrg;
  const int g = hrg.Group(CostDept::kDaycase, "FF62");  // hernia: adult, child and infant variants
  ASSERT_GE(g, 0);
  for (double u : {0.01, 0.3, 0.6, 0.99}) {
    EXPECT_EQ(hrg.Code(hrg.Pick(g, 1, u, 0)), "FF62F");                 // 1 year and under
    EXPECT_EQ(hrg.Code(hrg.Pick(g, 10, u, 0)), "FF62E");                // between 2 and 18 years
    EXPECT_NE(hrg.Code(hrg.Pick(g, 50, u, 0)).back(), 'E');             // adults: 19 and over
  }
  // More comorbidity, more complex variant (A = highest CC score).
  EXPECT_LE(hrg.Code(hrg.Pick(g, 50, 0.5, 8)), hrg.Code(hrg.Pick(g, 50, 0.5, 0)));
}

TEST(SynthRng, StreamsAreReproducibleAndDistributionsHaveTheirMeans) {
  Rng a(7, 123, Stream::kConditions), b(7, 123, Stream::kConditions), c(7, 124, Stream::kConditions);
  EXPECT_EQ(a.Next(), b.Next());
  EXPECT_NE(a.Next(), c.Next());
  Rng r(1);
  double sp = 0, sp2 = 0, sg = 0, se = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double p = r.Poisson(3.5);
    sp += p;
    sp2 += p * p;
    sg += r.Gamma(1.5, 1.0 / 1.5);
    se += r.Exponential(2.0);
  }
  EXPECT_NEAR(sp / n, 3.5, 0.03);
  EXPECT_NEAR(sp2 / n - (sp / n) * (sp / n), 3.5, 0.06);
  EXPECT_NEAR(sg / n, 1.0, 0.01);
  EXPECT_NEAR(se / n, 0.5, 0.005);
  EXPECT_NEAR(static_cast<double>(r.Poisson(1000.0)), 1000.0, 150.0);
}

}  // namespace
}  // namespace icb::synth
