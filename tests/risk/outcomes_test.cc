// Outcomes over the window [2024-04-01, 2025-04-01). Emergency admission: admission method 2x
// (NHS Data Dictionary ADMISSION METHOD (HOSPITAL PROVIDER SPELL): 21-25, 28, 2A-2D emergency; 11-13
// elective; 81-83 other, e.g. transfers). Top 5% by cost: the smallest number of persons that is at
// least 5% of the cohort, with every person tied at the cut (docs/reference/risk-features.md,
// src/risk/outcomes.h).
#include <gtest/gtest.h>

#include <algorithm>

#include "core/parallel.h"
#include "risk/outcomes.h"
#include "risk_tiny.h"

namespace icb::risk {
namespace {

using testing::Day;
using testing::IndexOf;
using testing::RiskBuilder;

const int32_t kStart = Day("2024-04-01"), kEnd = Day("2025-04-01");

struct Emergency {
  Dataset ds;
  std::vector<uint32_t> persons;  // in the order of `ids`
  std::vector<std::string> ids = {"m21", "m81", "m11", "on_start", "on_end", "before", "two", "m2d", "no_method", "died"};
};

Emergency EmergencyCases() {
  RiskBuilder rb;
  auto person = [&](const char* id) { return rb.Person(id, "1950-01", 1, "A", 0); };
  rb.Spell(person("m21"), "2024-06-01", "2024-06-03", "21", 100);
  rb.Spell(person("m81"), "2024-06-01", "2024-06-03", "81", 100);  // transfer: POD NEL, not an emergency
  rb.Spell(person("m11"), "2024-06-01", "2024-06-03", "11", 100, "", Pod::kElective);
  rb.Spell(person("on_start"), "2024-04-01", "2024-04-02", "22", 100);
  rb.Spell(person("on_end"), "2025-04-01", "2025-04-02", "21", 100);
  rb.Spell(person("before"), "2024-03-31", "2024-04-05", "21", 100);  // began before the window
  const uint32_t two = person("two");
  rb.Spell(two, "2024-05-01", "2024-05-02", "23", 100);
  rb.Spell(two, "2025-03-31", "2025-04-02", "2A", 100);
  rb.Spell(two, "2024-07-01", "2024-07-02", "31", 100, "", Pod::kMaternity);
  rb.Spell(person("m2d"), "2024-12-01", "2024-12-01", "2D", 100);
  rb.Spell(person("no_method"), "2024-12-01", "2024-12-02", "", 100);  // OMOP-style: POD NEL, no method
  const uint32_t died = rb.Person("died", "1930-01", 1, "A", 0, Day("2024-09-01"));
  rb.Spell(died, "2024-08-01", "2024-09-01", "21", 100);
  Emergency e;
  e.ds = rb.Build();
  for (const auto& id : e.ids) e.persons.push_back(IndexOf(e.ds, id));
  return e;
}

TEST(Outcomes, EmergencyAdmissionIsMethod2x) {
  const Emergency e = EmergencyCases();
  auto y = ComputeOutcome(e.ds, e.persons, kStart, kEnd, Outcome::kEmergencyAdmission);
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  const std::vector<uint8_t> expected = {1, 0, 0, 1, 0, 0, 1, 1, 1, 1};
  for (size_t r = 0; r < e.ids.size(); ++r) EXPECT_EQ((*y)[r], expected[r]) << e.ids[r];
  const auto counts = CountEmergencyAdmissions(e.ds, e.persons, kStart, kEnd);
  const std::vector<uint16_t> expected_counts = {1, 0, 0, 1, 0, 0, 2, 1, 1, 1};
  EXPECT_EQ(counts, expected_counts);
}

TEST(Outcomes, PersonsInAnyOrder) {
  const Emergency e = EmergencyCases();
  std::vector<uint32_t> reversed(e.persons.rbegin(), e.persons.rend());
  auto y = ComputeOutcome(e.ds, reversed, kStart, kEnd, Outcome::kEmergencyAdmission);
  ASSERT_TRUE(y.ok());
  EXPECT_EQ((*y)[0], 1);  // died
  EXPECT_EQ((*y)[8], 0);  // m81
}

TEST(Outcomes, InvalidWindowAndNames) {
  const Emergency e = EmergencyCases();
  EXPECT_FALSE(ComputeOutcome(e.ds, e.persons, kEnd, kStart, Outcome::kEmergencyAdmission).ok());
  EXPECT_FALSE(ComputeOutcome(e.ds, e.persons, kStart, kStart, Outcome::kTopCost5).ok());
  std::vector<uint32_t> outside = {static_cast<uint32_t>(e.ds.person_count())};
  EXPECT_FALSE(ComputeOutcome(e.ds, outside, kStart, kEnd, Outcome::kEmergencyAdmission).ok());
  for (Outcome o : {Outcome::kEmergencyAdmission, Outcome::kTopCost5}) {
    auto parsed = ParseOutcome(OutcomeName(o));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, o);
    EXPECT_FALSE(OutcomeDescription(o).empty());
  }
  auto bad = ParseOutcome("death");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("emergency_admission"), std::string::npos);
}

// 40 persons: 5% is 2 persons. q0 costs GBP 100 (GP 40 + APC 60, in two settings), q1 and q2 tie
// at GBP 50 (the cut), so 3 are in. q3 has GBP 10,000 only outside the window (before it and on its
// end day). The rest cost 1p .. 36p.
TEST(Outcomes, TopCostIncludesTiesAtTheCut) {
  RiskBuilder rb;
  std::vector<uint32_t> ids;
  for (int k = 0; k < 40; ++k) ids.push_back(rb.Person(testing::Cat("q", k), "1960-01", 2, "A", 0));
  rb.Event(ids[0], Day("2024-05-01"), kNoDate, Setting::kGpAppointment, Pod::kGpAppointment, 4000, "GP", "", "ATTENDED");
  rb.Spell(ids[0], "2024-06-01", "2024-06-02", "11", 6000, "", Pod::kElective);
  rb.Event(ids[1], Day("2024-04-01"), kNoDate, Setting::kAe, Pod::kAe, 5000, "01");  // on the start day: in
  rb.Event(ids[2], Day("2025-03-31"), kNoDate, Setting::kAe, Pod::kAe, 5000, "01");  // the last day: in
  rb.Event(ids[3], Day("2024-03-31"), kNoDate, Setting::kAe, Pod::kAe, 500000, "01");
  rb.Event(ids[3], Day("2025-04-01"), kNoDate, Setting::kAe, Pod::kAe, 500000, "01");
  for (int k = 4; k < 40; ++k) rb.Event(ids[static_cast<size_t>(k)], Day("2024-10-01"), kNoDate, Setting::kCommunity, Pod::kCommunity, k - 3);
  const Dataset ds = rb.Build();
  std::vector<uint32_t> persons(ds.person_count());
  for (uint32_t i = 0; i < persons.size(); ++i) persons[i] = i;
  auto y = ComputeOutcome(ds, persons, kStart, kEnd, Outcome::kTopCost5);
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(std::count(y->begin(), y->end(), 1), 3);
  for (int k = 0; k < 4; ++k) EXPECT_EQ((*y)[IndexOf(ds, testing::Cat("q", k))], k < 3 ? 1 : 0) << k;

  // A cohort with no cost at all has nobody in the top 5%.
  std::vector<uint32_t> none = {IndexOf(ds, "q3")};
  auto z = ComputeOutcome(ds, none, kStart, kEnd, Outcome::kTopCost5);
  ASSERT_TRUE(z.ok());
  EXPECT_EQ((*z)[0], 0);
  // Of 20 persons (q0 and 19 cheap ones) 5% is exactly 1.
  std::vector<uint32_t> twenty = {IndexOf(ds, "q0")};
  for (int k = 4; k < 23; ++k) twenty.push_back(IndexOf(ds, testing::Cat("q", k)));
  auto w = ComputeOutcome(ds, twenty, kStart, kEnd, Outcome::kTopCost5);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(std::count(w->begin(), w->end(), 1), 1);
  EXPECT_EQ((*w)[0], 1);
}

TEST(Outcomes, SameAtAnyThreadCount) {
  const Dataset ds = testing::RandomDataset(2000, 9);
  std::vector<uint32_t> persons(ds.person_count());
  for (uint32_t i = 0; i < persons.size(); ++i) persons[i] = i;
  for (Outcome o : {Outcome::kEmergencyAdmission, Outcome::kTopCost5}) {
    SetThreadCount(1);
    auto one = ComputeOutcome(ds, persons, Day("2024-01-01"), Day("2025-01-01"), o);
    SetThreadCount(2);
    auto two = ComputeOutcome(ds, persons, Day("2024-01-01"), Day("2025-01-01"), o);
    SetThreadCount(0);
    ASSERT_TRUE(one.ok() && two.ok());
    EXPECT_EQ(*one, *two);
    EXPECT_GT(std::count(one->begin(), one->end(), 1), 50);
  }
}

}  // namespace
}  // namespace icb::risk
