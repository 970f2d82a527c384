// Risk features on hand-built persons whose every feature value is worked out by hand below, as at
// t = 2024-04-01: windows [t-3m, t) = [2024-01-01, 2024-04-01), [t-6m, t) from 2023-10-01,
// [t-12m, t) from 2023-04-01, [t-24m, t) from 2022-04-01 (docs/reference/risk-features.md).
// Emergency = admission method 2x (NHS Data Dictionary ADMISSION METHOD (HOSPITAL PROVIDER SPELL));
// outpatient DNA = ATTENDED OR DID NOT ATTEND 3 or 7 (NHS Data Dictionary); chronic ACSC primary
// diagnoses from NHS Outcomes Framework 2.3.i (data/indicators/codelists/acsc_chronic.csv).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "context/segmentation.h"
#include "core/parallel.h"
#include "risk/features.h"
#include "risk_tiny.h"

namespace icb::risk {
namespace {

using testing::Day;
using testing::IndexOf;
using testing::RiskBuilder;

const ScoringConfig& Config() {
  static const ScoringConfig config = [] {
    auto c = LoadDefaultScoringConfig();
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return std::move(c).value();
  }();
  return config;
}

constexpr uint8_t kMale = 1, kFemale = 2;

Dataset HandBuilt() {
  RiskBuilder rb;
  // a: born Jan 1940, female, White, IMD decile 1. Aged 84 on 2024-04-01.
  const uint32_t a = rb.Person("a", "1940-01", kFemale, "A", 0);
  rb.Cond(a, "HF", Day("2020-01-01"));
  rb.Cond(a, "COPD", Day("2024-04-01"));  // on t: registers are read on or before t
  rb.Cond(a, "DM", Day("2024-04-02"));    // after t: not yet
  rb.Spell(a, "2024-03-31", "2024-04-05", "21", 300000, "I50");   // t-1: in; discharged after t: 1 bed day
  rb.Spell(a, "2024-02-01", "2024-02-03", "81", 100000);          // transfer: not emergency; 2 bed days
  rb.Spell(a, "2024-04-01", "2024-04-03", "22", 999999, "I50");   // on t: not read at all
  rb.Spell(a, "2024-01-01", "2024-01-11", "2A", 200000, "J45");   // t-3m exactly: in the 3 months; 10 nights
  rb.Spell(a, "2023-12-31", "2023-12-31", "21", 50000);           // a day before the 3 months: 6 months
  rb.Spell(a, "2023-04-01", "2023-04-03", "23", 150000);          // t-12m exactly: in the 12 months
  rb.Spell(a, "2023-03-31", "2023-04-05", "24", 100000, "I48");   // before the 12 months; 4 of its 5 nights inside
  rb.Spell(a, "2022-04-01", "2022-04-02", "21", 70000);           // t-24m exactly: in the 24 months
  rb.Spell(a, "2022-03-31", "2022-04-10", "21", 80000);           // before the 24 months; 9 nights inside

  // b: born Jun 1990, male, Indian (H: Asian), decile 10. Aged 33.
  const uint32_t b = rb.Person("b", "1990-06", kMale, "H", 1);
  for (const char* d : {"2024-03-31", "2023-06-01", "2022-06-01", "2021-01-01"})
    rb.Event(b, Day(d), kNoDate, Setting::kAe, Pod::kAe, d[3] == '4' ? 25000 : 0, "01", "2", "03");
  rb.Event(b, Day("2024-02-01"), kNoDate, Setting::kOutpatient, Pod::kOutpatientFollowUp, 0, "100", "5");
  rb.Event(b, Day("2023-11-01"), kNoDate, Setting::kOutpatient, Pod::kOutpatientFollowUp, 0, "100", "6");
  rb.Event(b, Day("2024-03-01"), kNoDate, Setting::kOutpatient, Pod::kOutpatientFollowUp, 0, "100", "3");
  rb.Event(b, Day("2023-05-01"), kNoDate, Setting::kOutpatient, Pod::kOutpatientFollowUp, 0, "100", "7");
  rb.Event(b, Day("2024-03-15"), kNoDate, Setting::kOutpatient, Pod::kOutpatientFollowUp, 0, "100", "2");
  rb.Event(b, Day("2023-01-01"), kNoDate, Setting::kOutpatient, Pod::kOutpatientFirst, 0, "100", "");
  rb.Event(b, Day("2024-03-01"), kNoDate, Setting::kGpAppointment, Pod::kGpAppointment, 0, "GP", "FACE_TO_FACE", "ATTENDED");
  rb.Event(b, Day("2024-03-02"), kNoDate, Setting::kGpAppointment, Pod::kGpAppointment, 0, "GP", "FACE_TO_FACE", "DNA");
  rb.Event(b, Day("2023-01-15"), kNoDate, Setting::kGpAppointment, Pod::kGpAppointment, 0, "GP", "TELEPHONE", "UNKNOWN");
  rb.Event(b, Day("2024-01-15"), kNoDate, Setting::kPrescribing, Pod::kPrescribing, 0, "", "", "", "0212000B0AAABAB", 2);
  rb.Event(b, Day("2024-02-15"), kNoDate, Setting::kPrescribing, Pod::kPrescribing, 0, "", "", "", "0212000B0AAACAC", 1);
  rb.Event(b, Day("2024-03-15"), kNoDate, Setting::kPrescribing, Pod::kPrescribing, 0, "", "", "", "0601022B0AAABAB", 3);
  rb.Event(b, Day("2023-12-15"), kNoDate, Setting::kPrescribing, Pod::kPrescribing, 0, "", "", "", "0407010H0AAAMAM", 1);
  rb.Spell(b, "2023-09-01", "2023-09-04", "11", 0, "", Pod::kElective);
  rb.Spell(b, "2024-02-10", "2024-02-10", "11", 0, "", Pod::kDayCase);
  rb.Event(b, Day("2024-03-20"), kNoDate, Setting::kCommunity, Pod::kCommunity, 0, "DISTRICT_NURSING");
  rb.Event(b, Day("2023-10-01"), kNoDate, Setting::kMentalHealth, Pod::kMentalHealth, 0, "CRISIS");

  // c: ten distinct medicines in the 3 months (polypharmacy); IMD unknown; ethnicity not stated;
  // home care open, a residential placement that ended within the 12 months.
  const uint32_t c = rb.Person("c", "1950-05", kFemale, "Z", 2);
  for (int m = 0; m < 10; ++m) {
    const std::string bnf = testing::Cat("04010", m) + "0A0AAAAAA";
    rb.Event(c, Day("2024-02-01"), kNoDate, Setting::kPrescribing, Pod::kPrescribing, 0, "", "", "", bnf, 1);
  }
  rb.Event(c, Day("2023-01-01"), kNoDate, Setting::kSocialCare, Pod::kSocialCare, 0, "HOME_CARE");
  rb.Event(c, Day("2022-01-01"), Day("2023-06-01"), Setting::kSocialCare, Pod::kSocialCare, 0, "RESIDENTIAL");

  // d: reablement ending on t (open on t, but short-term); e: nursing home open since 2022, and an
  // emergency spell with no admission method recorded (POD NEL: counted) 82 days before t.
  const uint32_t d = rb.Person("d", "1960-01", kMale, "A", 1);
  rb.Event(d, Day("2024-03-01"), Day("2024-04-01"), Setting::kSocialCare, Pod::kSocialCare, 0, "REABLEMENT");
  const uint32_t e = rb.Person("e", "1930-02", kFemale, "M", 1);
  rb.Event(e, Day("2022-01-01"), kNoDate, Setting::kSocialCare, Pod::kSocialCare, 0, "NURSING");
  rb.Spell(e, "2024-01-10", "2024-01-12", "", 0);

  // f: last emergency admission 1,400 days before t (capped at 1,096); g: 1,095 days (not capped).
  const uint32_t f = rb.Person("f", "1970-01", kMale, "A", 1);
  rb.Spell(f, "2020-06-01", "2020-06-02", "21", 0);
  const uint32_t g = rb.Person("g", "1970-01", kMale, "A", 1);
  rb.Spell(g, "2021-04-02", "2021-04-03", "21", 0);

  // Not in the population on t: registration ended, died before t, born after t.
  const uint32_t h = rb.Person("h_left", "1980-01", kMale, "A", 1, kNoDate, false);
  rb.Reg(h, Day("2000-01-01"), Day("2023-01-01"));
  rb.Person("i_died", "1940-01", kMale, "A", 1, Day("2024-03-01"));
  rb.Person("j_unborn", "2024-06", kMale, "A", 1);
  return rb.Build();
}

struct Built {
  Dataset ds;
  PersonScores scores;
  CohortFeatures features;
  float V(const std::string& id, const std::string& column) const {
    const uint32_t p = IndexOf(ds, id);
    size_t row = features.person.size(), col = features.matrix.cols;
    for (size_t r = 0; r < features.person.size(); ++r)
      if (features.person[r] == p) row = r;
    for (size_t c = 0; c < features.matrix.cols; ++c)
      if (features.matrix.names[c] == column) col = c;
    EXPECT_LT(row, features.person.size()) << id << " has no row";
    EXPECT_LT(col, features.matrix.cols) << "no column " << column;
    if (row == features.person.size() || col == features.matrix.cols) return -999;
    return features.matrix.at(row, col);
  }
};

const Built& Hand() {
  static const Built built = [] {
    Built b;
    b.ds = HandBuilt();
    auto s = ComputePersonScores(b.ds, Day("2024-04-01"), Config());
    EXPECT_TRUE(s.ok());
    b.scores = std::move(s).value();
    auto f = BuildFeatures(b.ds, b.scores, Config(), FeatureOptions{});
    EXPECT_TRUE(f.ok()) << f.status().ToString();
    b.features = std::move(f).value();
    return b;
  }();
  return built;
}

TEST(Features, RowsAreThePopulationInDatasetOrder) {
  const Built& b = Hand();
  EXPECT_EQ(b.features.as_at, Day("2024-04-01"));
  ASSERT_EQ(b.features.person.size(), 7u);  // a-g; h left, i died, j not born
  for (size_t r = 1; r < b.features.person.size(); ++r) EXPECT_LT(b.features.person[r - 1], b.features.person[r]);
  for (const char* out : {"h_left", "i_died", "j_unborn"}) {
    const uint32_t p = IndexOf(b.ds, out);
    for (uint32_t q : b.features.person) EXPECT_NE(q, p) << out;
  }
  EXPECT_EQ(b.features.matrix.rows, 7u);
  EXPECT_EQ(b.features.matrix.cols, FeatureCatalogue(FeatureOptions{}).size());
}

TEST(Features, Demographics) {
  const Built& b = Hand();
  EXPECT_EQ(b.V("a", "age"), 84);
  EXPECT_EQ(b.V("a", "age_over_65"), 19);
  EXPECT_EQ(b.V("a", "age_under_5"), 0);
  EXPECT_EQ(b.V("a", "female"), 1);
  EXPECT_EQ(b.V("a", "imd_decile"), 1);
  EXPECT_EQ(b.V("a", "imd_unknown"), 0);
  EXPECT_EQ(b.V("b", "age"), 33);
  EXPECT_EQ(b.V("b", "age_over_65"), 0);
  EXPECT_EQ(b.V("b", "female"), 0);
  EXPECT_EQ(b.V("b", "imd_decile"), 10);
  EXPECT_EQ(b.V("c", "imd_decile"), 5.5f);
  EXPECT_EQ(b.V("c", "imd_unknown"), 1);
}

TEST(Features, RegistersOnOrBeforeTheDay) {
  const Built& b = Hand();
  EXPECT_EQ(b.V("a", "ltc_hf"), 1);
  EXPECT_EQ(b.V("a", "ltc_copd"), 1);  // dated t
  EXPECT_EQ(b.V("a", "ltc_dm"), 0);    // dated t+1
  EXPECT_EQ(b.V("a", "ltc_ast"), 0);
  EXPECT_EQ(b.V("b", "ltc_hf"), 0);
}

TEST(Features, ScoresAndSegmentComeFromPersonScores) {
  const Built& b = Hand();
  const uint32_t a = IndexOf(b.ds, "a");
  EXPECT_EQ(b.V("a", "ltc_count"), b.scores.ltc_count[a]);
  EXPECT_EQ(b.V("a", "cms"), b.scores.cms[a]);
  EXPECT_EQ(b.V("a", "efi_band"), b.scores.efi_band[a]);
  EXPECT_EQ(b.V("a", "charlson"), b.scores.charlson_quan2011[a]);
  const auto seg = static_cast<B2hSegment>(b.scores.segment[a]);
  for (const auto& def : FeatureCatalogue(FeatureOptions{})) {
    if (def.group != FeatureGroup::kSegment) continue;
    const bool mine = def.name == "seg_" + std::string(B2hSegmentName(seg));
    EXPECT_EQ(b.V("a", def.name), mine ? 1 : 0) << def.name;
  }
}

TEST(Features, EmergencyAdmissionsAtWindowEdges) {
  const Built& b = Hand();
  // 3m: 2024-03-31 and 2024-01-01 (the day t-3m is in; t itself and the 81 transfer are not).
  EXPECT_EQ(b.V("a", "nel_admissions_3m"), 2);
  EXPECT_EQ(b.V("a", "nel_admissions_6m"), 3);   // + 2023-12-31
  EXPECT_EQ(b.V("a", "nel_admissions_12m"), 4);  // + 2023-04-01
  EXPECT_EQ(b.V("a", "nel_admissions_24m"), 6);  // + 2023-03-31, 2022-04-01 (not 2022-03-31)
  EXPECT_EQ(b.V("a", "nel_admissions_36m"), 7);  // + 2022-03-31
  EXPECT_EQ(b.V("a", "elective_admissions_24m"), 0);
  EXPECT_EQ(b.V("a", "acsc_admissions_12m"), 2);  // I50, J45
  EXPECT_EQ(b.V("a", "acsc_admissions_24m"), 3);  // + I48
  EXPECT_EQ(b.V("a", "nel_trend_12m"), 2);        // 4 in the last 12 months, 2 in the 12 before
  EXPECT_EQ(b.V("a", "days_since_nel"), 1);
  EXPECT_EQ(b.V("a", "days_since_admission"), 1);
  EXPECT_EQ(b.V("a", "days_since_ae"), 1096);     // none
  // Method missing, POD NEL: counted.
  EXPECT_EQ(b.V("e", "nel_admissions_3m"), 1);
  EXPECT_EQ(b.V("e", "days_since_nel"), 82);      // 2024-01-10 to 2024-04-01
}

TEST(Features, RecencyIsCapped) {
  const Built& b = Hand();
  EXPECT_EQ(b.V("f", "days_since_nel"), 1096);  // 1,400 days
  EXPECT_EQ(b.V("g", "days_since_nel"), 1095);  // 2021-04-02 to 2024-04-01: 365 + 365 + 366 - 1
  EXPECT_EQ(b.V("f", "nel_admissions_24m"), 0);
  EXPECT_EQ(b.V("f", "nel_admissions_36m"), 0);  // 2020-06-01: before t-36m = 2021-04-01
  EXPECT_EQ(b.V("g", "nel_admissions_36m"), 1);  // 2021-04-02
  EXPECT_EQ(b.V("b", "days_since_nel"), 1096);
  EXPECT_EQ(b.V("b", "days_since_admission"), 51);  // day case 2024-02-10
}

TEST(Features, BedDaysAreClippedToTheWindow) {
  const Built& b = Hand();
  // 12m: 1 (open past t) + 2 (transfer) + 10 + 0 + 2 + 4 (of 5) = 19.
  EXPECT_EQ(b.V("a", "bed_days_12m"), 19);
  // 24m: 19 + 1 (the rest of the 2023-03-31 stay) + 1 (2022-04-01) + 9 (2022-04-01..10 of a stay from 2022-03-31).
  EXPECT_EQ(b.V("a", "bed_days_24m"), 30);
  EXPECT_EQ(b.V("a", "nel_bed_days_12m"), 17);  // 19 less the transfer's 2
  EXPECT_EQ(b.V("a", "longest_stay_24m"), 10);  // the 2024-01-01 stay; the 2022-03-31 one began before the window
  EXPECT_EQ(b.V("b", "bed_days_12m"), 3);       // elective 3 nights, day case 0
}

TEST(Features, CostsInGbp) {
  const Built& b = Hand();
  EXPECT_FLOAT_EQ(b.V("a", "cost_12m"), 8000);     // 3,000 + 1,000 + 2,000 + 500 + 1,500
  EXPECT_FLOAT_EQ(b.V("a", "cost_24m"), 9700);     // + 1,000 + 700
  EXPECT_FLOAT_EQ(b.V("a", "nel_cost_12m"), 7000); // without the transfer
  EXPECT_FLOAT_EQ(b.V("b", "cost_12m"), 250);
}

TEST(Features, OtherSettings) {
  const Built& b = Hand();
  EXPECT_EQ(b.V("b", "ae_attendances_3m"), 1);
  EXPECT_EQ(b.V("b", "ae_attendances_12m"), 2);
  EXPECT_EQ(b.V("b", "ae_attendances_24m"), 3);
  EXPECT_EQ(b.V("b", "ae_attendances_36m"), 3);  // 2021-01-01 is before t-36m
  EXPECT_EQ(b.V("b", "ae_trend_12m"), 1);  // 2 minus 1
  EXPECT_EQ(b.V("b", "days_since_ae"), 1);
  EXPECT_EQ(b.V("b", "op_attendances_3m"), 1);   // code 5
  EXPECT_EQ(b.V("b", "op_attendances_6m"), 2);   // + code 6
  EXPECT_EQ(b.V("b", "op_attendances_24m"), 3);  // + not recorded; code 2 is a cancellation
  EXPECT_EQ(b.V("b", "op_dnas_3m"), 1);          // code 3
  EXPECT_EQ(b.V("b", "op_dnas_12m"), 2);         // + code 7
  EXPECT_EQ(b.V("b", "gp_appointments_3m"), 1);  // the DNA is not counted
  EXPECT_EQ(b.V("b", "gp_appointments_24m"), 2);
  EXPECT_EQ(b.V("b", "gp_trend_12m"), 0);
  EXPECT_EQ(b.V("b", "elective_admissions_3m"), 1);
  EXPECT_EQ(b.V("b", "elective_admissions_6m"), 1);
  EXPECT_EQ(b.V("b", "elective_admissions_12m"), 2);
  EXPECT_EQ(b.V("b", "community_contacts_3m"), 1);
  EXPECT_EQ(b.V("b", "mh_contacts_3m"), 0);
  EXPECT_EQ(b.V("b", "mh_contacts_6m"), 1);  // on t-6m exactly
  EXPECT_EQ(b.V("b", "prescription_items_3m"), 6);
  EXPECT_EQ(b.V("b", "prescription_items_6m"), 7);
}

TEST(Features, PolypharmacyCountsDistinctChemicals) {
  const Built& b = Hand();
  EXPECT_EQ(b.V("b", "distinct_medicines_3m"), 2);  // two presentations of one chemical, one other
  EXPECT_EQ(b.V("b", "polypharmacy_10"), 0);
  EXPECT_EQ(b.V("c", "distinct_medicines_3m"), 10);
  EXPECT_EQ(b.V("c", "polypharmacy_10"), 1);
}

TEST(Features, SocialCare) {
  const Built& b = Hand();
  EXPECT_EQ(b.V("c", "social_care_open"), 1);
  EXPECT_EQ(b.V("c", "care_home"), 0);  // the residential placement ended before t
  EXPECT_EQ(b.V("c", "long_term_care_12m"), 1);
  EXPECT_EQ(b.V("d", "social_care_open"), 1);  // ends on t
  EXPECT_EQ(b.V("d", "long_term_care_12m"), 0);  // reablement is short-term
  EXPECT_EQ(b.V("e", "care_home"), 1);
  EXPECT_EQ(b.V("e", "long_term_care_12m"), 1);
  EXPECT_EQ(b.V("a", "social_care_open"), 0);
}

TEST(Features, SubsetKeepsOnlyPersonsInThePopulation) {
  const Built& b = Hand();
  std::vector<uint32_t> subset = {IndexOf(b.ds, "a"), IndexOf(b.ds, "c"), IndexOf(b.ds, "h_left")};
  std::sort(subset.begin(), subset.end());
  auto f = BuildFeatures(b.ds, b.scores, Config(), FeatureOptions{}, subset);
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->person.size(), 2u);
  for (size_t r = 0; r < 2; ++r) {
    size_t full = 0;
    while (b.features.person[full] != f->person[r]) ++full;
    for (size_t c = 0; c < f->matrix.cols; ++c) EXPECT_EQ(f->matrix.at(r, c), b.features.matrix.at(full, c));
  }
  std::vector<uint32_t> unsorted = {subset[1], subset[0]};
  EXPECT_FALSE(BuildFeatures(b.ds, b.scores, Config(), FeatureOptions{}, unsorted).ok());
}

TEST(Features, EthnicityAddsFiveColumns) {
  const Built& b = Hand();
  auto f = BuildFeatures(b.ds, b.scores, Config(), FeatureOptions{.include_ethnicity = true});
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->matrix.cols, b.features.matrix.cols + 5);
  EXPECT_EQ(FeatureCatalogue(FeatureOptions{.include_ethnicity = true}).size(), f->matrix.cols);
  auto value = [&](const std::string& id, const std::string& col) {
    const uint32_t p = IndexOf(b.ds, id);
    for (size_t r = 0; r < f->person.size(); ++r) {
      if (f->person[r] != p) continue;
      for (size_t c = 0; c < f->matrix.cols; ++c)
        if (f->matrix.names[c] == col) return f->matrix.at(r, c);
    }
    ADD_FAILURE() << id << " " << col;
    return -1.f;
  };
  EXPECT_EQ(value("b", "ethnic_asian"), 1);       // H: Indian
  EXPECT_EQ(value("e", "ethnic_black"), 1);       // M: Black Caribbean
  EXPECT_EQ(value("c", "ethnic_not_stated"), 1);  // Z
  for (const char* col : {"ethnic_mixed", "ethnic_asian", "ethnic_black", "ethnic_other", "ethnic_not_stated"})
    EXPECT_EQ(value("a", col), 0) << col;  // White: the reference
}

TEST(Features, ScoresOfAnotherDatasetAreRefused) {
  const Built& b = Hand();
  PersonScores wrong = b.scores;
  wrong.in_population.pop_back();
  wrong.segment.pop_back();
  EXPECT_FALSE(BuildFeatures(b.ds, wrong, Config(), FeatureOptions{}).ok());
}

TEST(Features, CatalogueIsDeclaredOnce) {
  for (bool eth : {false, true}) {
    const auto& cat = FeatureCatalogue(FeatureOptions{.include_ethnicity = eth});
    std::set<std::string> names;
    for (const auto& d : cat) {
      EXPECT_TRUE(names.insert(d.name).second) << "duplicate " << d.name;
      EXPECT_FALSE(d.description.empty()) << d.name;
      if (d.group == FeatureGroup::kEthnicity) {
        EXPECT_TRUE(eth);
        EXPECT_TRUE(d.wording.text.empty() && d.wording.when_set.empty() && d.wording.labels.empty())
            << "ethnicity is never a reason";
      }
    }
  }
}

TEST(Features, Wording) {
  auto def = [](const std::string& name) {
    for (const auto& d : FeatureCatalogue(FeatureOptions{}))
      if (d.name == name) return d;
    ADD_FAILURE() << name;
    return FeatureDef{};
  };
  EXPECT_EQ(FormatFeatureWording(def("nel_admissions_12m").wording, 3), "3 emergency admissions in the last 12 months");
  EXPECT_EQ(FormatFeatureWording(def("nel_admissions_12m").wording, 1), "1 emergency admission in the last 12 months");
  EXPECT_EQ(FormatFeatureWording(def("nel_admissions_12m").wording, 0), "");
  EXPECT_EQ(FormatFeatureWording(def("days_since_nel").wording, 12), "last emergency admission 12 days ago");
  EXPECT_EQ(FormatFeatureWording(def("days_since_nel").wording, 91), "");    // only within 90 days
  EXPECT_EQ(FormatFeatureWording(def("days_since_nel").wording, 1096), "");  // none in 3 years
  EXPECT_EQ(FormatFeatureWording(def("efi_band").wording, 2), "moderate frailty");
  EXPECT_EQ(FormatFeatureWording(def("efi_band").wording, 0), "");
  EXPECT_EQ(FormatFeatureWording(def("ltc_hf").wording, 1), "heart failure");
  EXPECT_EQ(FormatFeatureWording(def("ltc_hf").wording, 0), "");
  EXPECT_EQ(FormatFeatureWording(def("ltc_count").wording, 1), "");
  EXPECT_EQ(FormatFeatureWording(def("ltc_count").wording, 3), "3 long-term conditions");
  EXPECT_EQ(FormatFeatureWording(def("seg_frailty_dementia").wording, 1), "frailty or dementia segment");
}

// The same matrix at 1 and 2 threads (each row is written from one person's records alone).
TEST(Features, SameAtAnyThreadCount) {
  const Dataset ds = testing::RandomDataset(2000, 5);
  auto scores = ComputePersonScores(ds, Day("2024-04-01"), Config());
  ASSERT_TRUE(scores.ok());
  SetThreadCount(1);
  auto one = BuildFeatures(ds, *scores, Config(), FeatureOptions{.include_ethnicity = true});
  SetThreadCount(2);
  auto two = BuildFeatures(ds, *scores, Config(), FeatureOptions{.include_ethnicity = true});
  SetThreadCount(0);
  ASSERT_TRUE(one.ok() && two.ok());
  EXPECT_GT(one->person.size(), 1500u);
  EXPECT_EQ(one->person, two->person);
  EXPECT_EQ(one->matrix.values, two->matrix.values);
}

// Windows are calendar months with the day clamped to the month's length: as at 2024-05-31 the
// 3 months start on 2024-02-29 (an event that day is in; one on 2024-02-28 is not).
TEST(Features, MonthEndWindows) {
  RiskBuilder rb;
  const uint32_t p = rb.Person("m", "1950-01", kMale, "A", 0);
  rb.Event(p, Day("2024-02-29"), kNoDate, Setting::kAe, Pod::kAe, 0, "01");
  rb.Event(p, Day("2024-02-28"), kNoDate, Setting::kAe, Pod::kAe, 0, "01");
  rb.Event(p, Day("2023-05-31"), kNoDate, Setting::kAe, Pod::kAe, 0, "01");  // t-12m: in the 12 months
  rb.Event(p, Day("2023-05-30"), kNoDate, Setting::kAe, Pod::kAe, 0, "01");
  const Dataset ds = rb.Build();
  auto scores = ComputePersonScores(ds, Day("2024-05-31"), Config());
  ASSERT_TRUE(scores.ok());
  auto f = BuildFeatures(ds, *scores, Config(), FeatureOptions{});
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->person.size(), 1u);
  auto col = [&](const char* name) {
    for (size_t c = 0; c < f->matrix.cols; ++c)
      if (f->matrix.names[c] == name) return f->matrix.at(0, c);
    return -1.f;
  };
  EXPECT_EQ(col("ae_attendances_3m"), 1);
  EXPECT_EQ(col("ae_attendances_12m"), 3);
  EXPECT_EQ(col("ae_attendances_24m"), 4);
  EXPECT_EQ(col("ae_trend_12m"), 2);  // 3 minus 1
}

// A slow, obvious twin of a dozen features (direct date comparisons and string tests on every
// event, no lookup tables or cumulative windows) agrees with BuildFeatures on 2,000 random persons.
TEST(Features, AgreesWithASlowTwin) {
  const Dataset ds = testing::RandomDataset(2000, 17);
  const int32_t t = Day("2024-04-01");
  const int32_t from3 = Day("2024-01-01"), from12 = Day("2023-04-01"), from24 = Day("2022-04-01"), from36 = Day("2021-04-01");
  auto scores = ComputePersonScores(ds, t, Config());
  ASSERT_TRUE(scores.ok());
  auto f = BuildFeatures(ds, *scores, Config(), FeatureOptions{});
  ASSERT_TRUE(f.ok());
  std::map<std::string, size_t> col;
  for (size_t c = 0; c < f->matrix.cols; ++c) col[f->matrix.names[c]] = c;
  const EventTable& ev = ds.events;
  auto attr = [&](uint32_t id) { return std::string(ds.attrs.Get(id)); };
  size_t checked = 0;
  for (size_t r = 0; r < f->person.size(); ++r) {
    const uint32_t p = f->person[r];
    int64_t nel3 = 0, nel24 = 0, nel36 = 0, op_dna12 = 0, bed12 = 0, cost12 = 0, ae_last = kNoDate, acsc24 = 0;
    bool open = false;
    std::set<std::string> medicines;
    for (uint64_t k = ev.offsets[p]; k < ev.offsets[p + 1]; ++k) {
      const int32_t d = ev.date[k];
      if (d >= t) continue;
      const auto s = static_cast<Setting>(ev.setting[k]);
      const std::string a1 = attr(ev.attr1[k]), a2 = attr(ev.attr2[k]);
      if (d >= from12) cost12 += ev.cost_pence[k];
      if (s == Setting::kApc) {
        const bool emergency = a1.empty() ? ev.pod[k] == static_cast<uint8_t>(Pod::kNonElective) : a1[0] == '2';
        if (emergency && d >= from3) ++nel3;
        if (emergency && d >= from24) ++nel24;
        if (emergency && d >= from36) ++nel36;
        const std::string dx(ds.codes.Get(ev.code[k]));
        if (emergency && d >= from24 && !dx.empty() &&
            (dx.rfind("I50", 0) == 0 || dx.rfind("J45", 0) == 0 || dx.rfind("I48", 0) == 0 || dx.rfind("J44", 0) == 0))
          ++acsc24;
        if (ev.pod[k] != static_cast<uint8_t>(Pod::kDayCase)) {
          for (int32_t night = d; night < (ev.end_date[k] == kNoDate ? t : ev.end_date[k]); ++night)
            if (night >= from12 && night < t) ++bed12;
        }
      }
      if (s == Setting::kAe) ae_last = d;
      if (s == Setting::kOutpatient && (a2 == "3" || a2 == "7") && d >= from12) ++op_dna12;
      if (s == Setting::kPrescribing && d >= from3) medicines.insert(std::string(ds.codes.Get(ev.code[k])).substr(0, 9));
      if (s == Setting::kSocialCare && (ev.end_date[k] == kNoDate || ev.end_date[k] >= t)) open = true;
    }
    auto v = [&](const char* name) { return f->matrix.at(r, col.at(name)); };
    EXPECT_EQ(v("nel_admissions_3m"), nel3);
    EXPECT_EQ(v("nel_admissions_24m"), nel24);
    EXPECT_EQ(v("nel_admissions_36m"), nel36);
    EXPECT_EQ(v("acsc_admissions_24m"), acsc24);
    EXPECT_EQ(v("op_dnas_12m"), op_dna12);
    EXPECT_EQ(v("bed_days_12m"), bed12);
    EXPECT_FLOAT_EQ(v("cost_12m"), static_cast<float>(cost12 / 100.0));
    EXPECT_EQ(v("days_since_ae"), ae_last == kNoDate ? 1096 : std::min<int64_t>(1096, t - ae_last));
    EXPECT_EQ(v("distinct_medicines_3m"), medicines.size());
    EXPECT_EQ(v("social_care_open"), open ? 1 : 0);
    if (::testing::Test::HasFailure()) {
      ADD_FAILURE() << "row " << r;
      break;
    }
    ++checked;
  }
  EXPECT_GT(checked, 1500u);
}

TEST(FeatureDocs, PageIsCurrent) {
  const std::string path = std::string(ICB_TEST_DATA_DIR) + "/../../docs/reference/risk-features.md";
  if (std::getenv("ICB_UPDATE_DOCS") != nullptr) {
    std::ofstream out(path, std::ios::binary);
    out << FeatureCatalogueMarkdown();
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "docs/reference/risk-features.md missing: run ICB_UPDATE_DOCS=1 risk_tests --gtest_filter=FeatureDocs.*";
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_TRUE(ss.str() == FeatureCatalogueMarkdown())
      << "docs/reference/risk-features.md is stale: run ICB_UPDATE_DOCS=1 risk_tests --gtest_filter=FeatureDocs.*";
}

}  // namespace
}  // namespace icb::risk
