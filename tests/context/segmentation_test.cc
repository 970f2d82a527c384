// Spec tests for segmentation and scores: ten hand-built people with a few dozen records, each
// with the segment and scores a commissioner can check by hand from the published methods (cited
// beside each expectation). As-at date 2024-03-31 throughout.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>

#include "context/segmentation.h"
#include "core/parallel.h"
#include "tiny_dataset.h"

namespace icb {
namespace {

using testing::D;
using testing::YM;

struct Spec {
  DatasetBuilder b;
  Spec() {
    auto& l = b.ds.lsoas;
    for (int decile : {1, 10}) {
      l.code.Intern(decile == 1 ? "E01000001" : "E01000002");
      l.name.push_back("x");
      l.place_code.push_back("E08000001");
      l.place_name.push_back("Bolton");
      l.sub_icb.push_back("00T");
      l.imd_decile.push_back(static_cast<uint8_t>(decile));
      l.imd_quintile.push_back(static_cast<uint8_t>((decile + 1) / 2));
    }
    auto& pr = b.ds.practices;
    pr.code.Intern("A00001");
    pr.name.push_back("P");
    pr.pcn_code.push_back("U1");
    pr.pcn_name.push_back("PCN");
    pr.sub_icb.push_back("00T");
    pr.place_name.push_back("Bolton");
  }
  uint32_t Person(const char* id, const char* birth_ym, uint8_t sex, const char* eth, uint32_t lsoa, bool registered = true) {
    const uint32_t p = b.AddPerson(Sha256Of(id), YM(birth_ym), sex, *EthnicIndex(eth), lsoa, kNoDate);
    if (registered) {
      b.ds.registrations.practice.push_back(0);
      b.ds.registrations.start.push_back(D("2000-01-01"));
      b.ds.registrations.end.push_back(kNoDate);
      b.registration_person.push_back(p);
    }
    return p;
  }
  void Register(uint32_t p, const char* qof, const char* date) {
    b.ds.conditions.condition.push_back(*QofConditionIndex(qof));
    b.ds.conditions.date.push_back(D(date));
    b.condition_person.push_back(p);
  }
  void Coded(uint32_t p, CodeSystem system, const char* code, const char* date) {
    auto& c = b.ds.coded;
    c.date.push_back(D(date));
    c.system.push_back(static_cast<uint8_t>(system));
    c.code.push_back(b.ds.codes.Intern(code));
    c.value.push_back(std::numeric_limits<double>::quiet_NaN());
    c.unit.push_back(Dictionary::kNone);
    b.coded_person.push_back(p);
  }
  void Event(uint32_t p, Setting s, Pod pod, const char* date, const char* code = "", const char* procedure = "",
             const char* hrg = "") {
    auto& e = b.ds.events;
    auto id = [&](const char* v) { return *v ? b.ds.codes.Intern(v) : Dictionary::kNone; };
    e.date.push_back(D(date));
    e.end_date.push_back(kNoDate);
    e.setting.push_back(static_cast<uint8_t>(s));
    e.pod.push_back(static_cast<uint8_t>(pod));
    e.provider.push_back(Dictionary::kNone);
    e.attr1.push_back(Dictionary::kNone);
    e.attr2.push_back(Dictionary::kNone);
    e.attr3.push_back(Dictionary::kNone);
    e.code.push_back(id(code));
    e.procedure.push_back(id(procedure));
    e.hrg.push_back(id(hrg));
    e.cost_pence.push_back(100);
    e.quantity.push_back(1);
    b.event_person.push_back(p);
  }
  void Nel(uint32_t p, const char* date, const char* icd = "R074") { Event(p, Setting::kApc, Pod::kNonElective, date, icd); }
  void Rx(uint32_t p, const char* date, const char* bnf) { Event(p, Setting::kPrescribing, Pod::kPrescribing, date, bnf); }
};

// The people. Indices are into the finished dataset (sorted by pseudonym), looked up by digest.
struct SpecData {
  Dataset ds;
  std::map<std::string, size_t> idx;
};

SpecData Build() {
  Spec s;
  const uint8_t M = 1, F = 2;
  // dementia: 80, on the dementia and hypertension registers, lives in IMD decile 1.
  uint32_t p = s.Person("dementia", "1943-06", F, "A", 0);
  s.Register(p, "DEM", "2020-01-01");
  s.Register(p, "HYP", "2010-01-01");
  // ckd4_4nel: CKD stage 4 with 4 emergency admissions in the 12 months to as-at.
  p = s.Person("ckd4_4nel", "1964-01", M, "A", 1);
  s.Register(p, "CKD", "2019-01-01");
  s.Coded(p, CodeSystem::kIcd10, "N184", "2023-01-01");
  for (const char* d : {"2023-05-01", "2023-08-01", "2023-11-01", "2024-02-01"}) s.Nel(p, d);
  // ckd4_3nel: the same but the first admission is 13 months before as-at: 3 in the window.
  p = s.Person("ckd4_3nel", "1964-01", M, "A", 1);
  s.Register(p, "CKD", "2019-01-01");
  s.Coded(p, CodeSystem::kIcd10, "N184", "2023-01-01");
  for (const char* d : {"2023-03-01", "2023-08-01", "2023-11-01", "2024-02-01"}) s.Nel(p, d);
  // mother: a delivery in January 2024.
  p = s.Person("mother", "1994-02", F, "H", 1);
  s.Event(p, Setting::kApc, Pod::kMaternity, "2024-01-10", "O800", "R249", "NZ30");
  s.Coded(p, CodeSystem::kIcd10, "O800", "2024-01-10");
  // later: everything happens after as-at.
  p = s.Person("later", "1984-01", M, "A", 1);
  s.Nel(p, "2024-04-15", "I214");
  s.Coded(p, CodeSystem::kIcd10, "I214", "2024-04-15");
  s.Register(p, "CHD", "2024-04-15");
  // infant: born September 2023.
  s.Person("infant", "2023-09", F, "A", 1);
  // metastatic: breast cancer with secondaries in hospital diagnoses, 2023.
  p = s.Person("metastatic", "1954-01", F, "A", 1);
  s.Coded(p, CodeSystem::kIcd10, "C509", "2023-06-01");
  s.Coded(p, CodeSystem::kIcd10, "C787", "2023-06-01");
  // hfrs: 80-year-old man with five HFRS codes in the last 2 years and one older.
  p = s.Person("hfrs", "1943-06", M, "A", 1);
  for (const char* c : {"G819", "W19X", "R296", "N390", "F059"}) s.Coded(p, CodeSystem::kIcd10, c, "2023-02-01");
  s.Coded(p, CodeSystem::kIcd10, "W19X", "2023-09-01");  // the same 3-character code again: counts once
  s.Coded(p, CodeSystem::kIcd10, "S720", "2021-01-01");  // outside the 2-year window
  // efi: 70, four registers and five distinct drugs in the last 12 months.
  p = s.Person("efi", "1953-06", M, "A", 1);
  for (const char* q : {"HYP", "AF", "DM", "OST"}) s.Register(p, q, "2015-01-01");
  for (const char* bnf : {"0206020A0", "0205051R0", "0212000B0", "0601022B0", "0208020Z0"}) s.Rx(p, "2023-10-01", bnf);
  s.Rx(p, "2021-10-01", "0403030Q0");  // older than 12 months: not in the polypharmacy count
  // unregistered: resident but not registered with a practice.
  s.Person("unregistered", "1980-01", M, "A", 1, false);
  SpecData out;
  auto r = s.b.Finish();
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  out.ds = std::move(r).value();
  for (const char* id : {"dementia", "ckd4_4nel", "ckd4_3nel", "mother", "later", "infant", "metastatic", "hfrs", "efi",
                         "unregistered"}) {
    const Digest d = Sha256Of(id);
    for (size_t i = 0; i < out.ds.person_count(); ++i)
      if (out.ds.persons.pseudonym[i] == d) out.idx[id] = i;
  }
  return out;
}

class SegmentationSpec : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto cfg = LoadDefaultScoringConfig();
    ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
    config_ = new ScoringConfig(std::move(*cfg));
    data_ = new SpecData(Build());
    auto sc = ComputePersonScores(data_->ds, D("2024-03-31"), *config_);
    ASSERT_TRUE(sc.ok()) << sc.status().ToString();
    scores_ = new PersonScores(std::move(*sc));
  }
  static size_t I(const char* id) { return data_->idx.at(id); }
  static B2hSegment Seg(const char* id) { return static_cast<B2hSegment>(scores_->segment[I(id)]); }
  static bool Sub(const char* id, const char* sub) {
    const auto names = config_->SubsegmentNames();
    for (size_t b = 0; b < names.size(); ++b)
      if (names[b] == sub) return (scores_->subsegments[I(id)] >> b) & 1u;
    ADD_FAILURE() << "no subsegment " << sub;
    return false;
  }
  static inline ScoringConfig* config_ = nullptr;
  static inline SpecData* data_ = nullptr;
  static inline PersonScores* scores_ = nullptr;
};

TEST_F(SegmentationSpec, DementiaIsFrailtyAndDementiaWithCmsAndLtcCount) {
  EXPECT_EQ(Seg("dementia"), B2hSegment::kFrailtyDementia);
  EXPECT_TRUE(Sub("dementia", "dementia"));
  EXPECT_TRUE(Sub("dementia", "hypertension"));  // subsegments are kept below the winning segment
  // Payne 2020 general-outcome weights: dementia 2.50 + hypertension 0.08.
  EXPECT_NEAR(scores_->cms[I("dementia")], 2.58, 1e-5);
  EXPECT_EQ(scores_->ltc_count[I("dementia")], 2);
  EXPECT_EQ(scores_->age[I("dementia")], 80);
  EXPECT_TRUE(scores_->core20plus5[I("dementia")] & kCore20);        // IMD decile 1
  EXPECT_FALSE(scores_->core20plus5[I("dementia")] & kPlusEthnicMinority);  // White British
  EXPECT_TRUE(scores_->core20plus5[I("dementia")] & kPlusMultimorbidity);   // 2 LTCs
  EXPECT_TRUE(scores_->core20plus5[I("dementia")] & kFiveHypertension);
}

TEST_F(SegmentationSpec, Ckd4WithFourEmergencyAdmissionsIsOrganFailure) {
  // NHSE/OBH End Stage Renal Failure rule: CKD4 with >= 4 emergency admissions in 12 months.
  EXPECT_EQ(Seg("ckd4_4nel"), B2hSegment::kOrganFailure);
  EXPECT_TRUE(Sub("ckd4_4nel", "esrf"));
  EXPECT_EQ(Seg("ckd4_3nel"), B2hSegment::kLongTermConditions);
  EXPECT_FALSE(Sub("ckd4_3nel", "esrf"));
  EXPECT_TRUE(Sub("ckd4_3nel", "emergency_admission"));
  // Quan 2005 renal disease (N18): Charlson 1987 weight 2, Quan 2011 weight 1; van Walraven renal
  // failure 5; HFRS N18 1.4 (Gilbert 2018).
  EXPECT_EQ(scores_->charlson_1987[I("ckd4_4nel")], 2);
  EXPECT_EQ(scores_->charlson_quan2011[I("ckd4_4nel")], 1);
  EXPECT_EQ(scores_->elixhauser_vw[I("ckd4_4nel")], 5);
  EXPECT_NEAR(scores_->hfrs[I("ckd4_4nel")], 1.4, 1e-5);
  EXPECT_NEAR(scores_->cms[I("ckd4_4nel")], 0.53, 1e-5);  // CKD 0.53
}

TEST_F(SegmentationSpec, MaternalAndInfant) {
  EXPECT_EQ(Seg("mother"), B2hSegment::kMaternalInfant);
  EXPECT_TRUE(Sub("mother", "maternity"));
  EXPECT_TRUE(scores_->core20plus5[I("mother")] & kFiveMaternity);
  EXPECT_TRUE(scores_->core20plus5[I("mother")] & kPlusEthnicMinority);  // ethnic category H
  EXPECT_EQ(Seg("infant"), B2hSegment::kMaternalInfant);
  EXPECT_TRUE(Sub("infant", "infant"));
}

TEST_F(SegmentationSpec, RecordsAfterAsAtDoNotCount) {
  EXPECT_EQ(Seg("later"), B2hSegment::kHealthy);
  EXPECT_EQ(scores_->subsegments[I("later")], 0u);
  EXPECT_EQ(scores_->charlson_1987[I("later")], 0);
  EXPECT_EQ(scores_->ltc_count[I("later")], 0);
  EXPECT_EQ(scores_->cms[I("later")], 0.f);
  // As at a later date the same records count: the MI (Charlson 1987 weight 1), CHD and the admission.
  auto later = ComputePersonScores(data_->ds, D("2024-06-30"), *config_);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->charlson_1987[I("later")], 1);
  EXPECT_EQ(later->ltc_count[I("later")], 1);
  EXPECT_EQ(static_cast<B2hSegment>(later->segment[I("later")]), B2hSegment::kLongTermConditions);
}

TEST_F(SegmentationSpec, MetastaticCancerAndTheHierarchyRules) {
  EXPECT_EQ(Seg("metastatic"), B2hSegment::kIncurableCancer);
  // Quan 2005 hierarchy: any malignancy is not counted with metastatic solid tumour; metastatic
  // weighs 6 in both Charlson 1987 and Quan 2011; Elixhauser metastatic cancer 12 (solid tumour 4
  // dropped, van Walraven 2009).
  EXPECT_EQ(scores_->charlson_1987[I("metastatic")], 6);
  EXPECT_EQ(scores_->charlson_quan2011[I("metastatic")], 6);
  EXPECT_EQ(scores_->elixhauser_vw[I("metastatic")], 12);
  EXPECT_NEAR(scores_->cms[I("metastatic")], 1.53, 1e-5);  // cancer in the last 5 years
}

TEST_F(SegmentationSpec, HospitalFrailtyRiskScore) {
  // Gilbert 2018 points: G81 4.4 + W19 3.2 + R29 3.6 + N39 3.2 + F05 3.2 = 17.6 (W19 once; S72 is
  // older than 2 years). Above 15 at 75+: high risk, so segment 8.
  EXPECT_NEAR(scores_->hfrs[I("hfrs")], 17.6, 1e-4);
  EXPECT_EQ(Seg("hfrs"), B2hSegment::kFrailtyDementia);
  EXPECT_TRUE(Sub("hfrs", "hospital_frailty_high"));
  EXPECT_TRUE(Sub("hfrs", "physical_sensory_disability"));  // hemiplegia G81
  // Quan 2005: hemiplegia (G81) Charlson 2 in both weightings; Elixhauser paralysis 7.
  EXPECT_EQ(scores_->charlson_1987[I("hfrs")], 2);
  EXPECT_EQ(scores_->charlson_quan2011[I("hfrs")], 2);
  EXPECT_EQ(scores_->elixhauser_vw[I("hfrs")], 7);
}

TEST_F(SegmentationSpec, ElectronicFrailtyIndex) {
  // Deficits: hypertension, atrial fibrillation, diabetes, osteoporosis (registers) and
  // polypharmacy (5 distinct drugs in 12 months): 5/36 = 0.139, mild (Clegg 2016: > 0.12 to 0.24).
  EXPECT_NEAR(scores_->efi[I("efi")], 5.0 / 36.0, 1e-6);
  EXPECT_EQ(static_cast<EfiBand>(scores_->efi_band[I("efi")]), EfiBand::kMild);
  // CMS: hypertension 0.08 + atrial fibrillation 1.34 + diabetes 0.75.
  EXPECT_NEAR(scores_->cms[I("efi")], 2.17, 1e-5);
  EXPECT_EQ(scores_->ltc_count[I("efi")], 4);
  EXPECT_EQ(Seg("efi"), B2hSegment::kLongTermConditions);
}

TEST_F(SegmentationSpec, OutsideThePopulation) {
  EXPECT_EQ(Seg("unregistered"), B2hSegment::kNotInPopulation);
  EXPECT_EQ(scores_->in_population[I("unregistered")], 0);
  size_t in = 0;
  for (size_t i = 0; i < scores_->size(); ++i) {
    in += scores_->in_population[i];
    EXPECT_EQ(scores_->in_population[i] != 0, scores_->segment[i] >= 1 && scores_->segment[i] <= 8);
  }
  EXPECT_EQ(in, 9u);
}

TEST_F(SegmentationSpec, SameResultAtAnyThreadCount) {
  SetThreadCount(1);
  auto one = ComputePersonScores(data_->ds, D("2024-03-31"), *config_);
  SetThreadCount(0);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->segment, scores_->segment);
  EXPECT_EQ(one->subsegments, scores_->subsegments);
  EXPECT_EQ(one->hfrs, scores_->hfrs);
  EXPECT_EQ(one->cms, scores_->cms);
}

TEST(EfiBand, CutPoints) {
  // Clegg 2016: fit <= 0.12 < mild <= 0.24 < moderate <= 0.36 < severe, on deficits/36.
  EXPECT_EQ(EfiBandOf(0), EfiBand::kFit);
  EXPECT_EQ(EfiBandOf(4), EfiBand::kFit);        // 0.111
  EXPECT_EQ(EfiBandOf(5), EfiBand::kMild);       // 0.139
  EXPECT_EQ(EfiBandOf(8), EfiBand::kMild);       // 0.222
  EXPECT_EQ(EfiBandOf(9), EfiBand::kModerate);   // 0.25
  EXPECT_EQ(EfiBandOf(12), EfiBand::kModerate);  // 0.333
  EXPECT_EQ(EfiBandOf(13), EfiBand::kSevere);    // 0.361
}

TEST(Segmentation, NeedsAnAsAtDate) {
  auto cfg = LoadDefaultScoringConfig();
  ASSERT_TRUE(cfg.ok());
  Dataset ds;
  EXPECT_FALSE(ComputePersonScores(ds, kNoDate, *cfg).ok());
}

}  // namespace
}  // namespace icb
