// Spec tests for the profile: seven people and ten events built by hand, with every expected
// count worked out in the comments (and in docs/reference/profile.md, "Worked example").
#include "context/profile.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/parallel.h"
#include "data/dataset_builder.h"
#include "report/json_writer.h"
#include "tiny_dataset.h"

namespace icb {
namespace {

using report::Table;
using testing::D;
using testing::Tiny;
using testing::TinyDataset;

const Table& Get(const report::Report& r, const char* name) {
  const Table* t = r.Find(name);
  EXPECT_NE(t, nullptr) << name;
  static const Table kEmpty;
  return t ? *t : kEmpty;
}

// The row whose first column equals `key` (or whose columns key_col == key).
const std::vector<report::Cell>& Row(const Table& t, const std::string& key, size_t key_col = 0) {
  for (const auto& row : t.rows())
    if (std::get<std::string>(row[key_col]) == key) return row;
  ADD_FAILURE() << "no row " << key << " in " << t.name();
  static const std::vector<report::Cell> kNone(t.columns().size());
  return kNone;
}

int64_t I(const std::vector<report::Cell>& row, const Table& t, const char* col) {
  return std::get<int64_t>(row[*t.ColumnIndex(col)]);
}
double F(const std::vector<report::Cell>& row, const Table& t, const char* col) {
  return std::get<double>(row[*t.ColumnIndex(col)]);
}

report::Report Profile(const Dataset& ds, const char* as_at = nullptr) {
  ProfileOptions o;
  if (as_at) o.as_at = D(as_at);
  auto r = ComputeProfile(ds, o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return std::move(r).value();
}

TEST(ProfileDefinitions, AgeBands) {
  EXPECT_EQ(AgeBand(0), 0);
  EXPECT_EQ(AgeBand(4), 0);
  EXPECT_EQ(AgeBand(5), 1);
  EXPECT_EQ(AgeBand(89), 17);
  EXPECT_EQ(AgeBand(90), 18);
  EXPECT_EQ(AgeBand(107), 18);
  EXPECT_EQ(AgeBandLabel(0), "0-4");
  EXPECT_EQ(AgeBandLabel(17), "85-89");
  EXPECT_EQ(AgeBandLabel(18), "90+");
}

TEST(ProfileDefinitions, AliveAndPersonDays) {
  EXPECT_TRUE(AliveOn(D("2000-01-01"), kNoDate, D("2000-01-01")));   // birth day counts
  EXPECT_FALSE(AliveOn(D("2000-01-02"), kNoDate, D("2000-01-01")));
  EXPECT_TRUE(AliveOn(D("2000-01-01"), D("2020-05-05"), D("2020-05-05")));  // death day counts
  EXPECT_FALSE(AliveOn(D("2000-01-01"), D("2020-05-05"), D("2020-05-06")));
  EXPECT_EQ(DaysAlive(D("2000-01-01"), kNoDate, D("2023-04-01"), D("2024-03-31")), 366);
  EXPECT_EQ(DaysAlive(D("1930-06-01"), D("2023-06-15"), D("2023-04-01"), D("2024-03-31")), 76);
  EXPECT_EQ(DaysAlive(D("2023-04-10"), D("2023-04-10"), D("2023-04-01"), D("2024-03-31")), 1);
  EXPECT_EQ(DaysAlive(D("2024-06-01"), kNoDate, D("2023-04-01"), D("2024-03-31")), 0);
  EXPECT_EQ(DaysAlive(D("1900-01-01"), D("2020-01-01"), D("2023-04-01"), D("2024-03-31")), 0);
}

TEST(ProfileDefinitions, FinancialYears) {
  EXPECT_EQ(FinancialYearOf(Date(D("2024-03-31"))), 2023);
  EXPECT_EQ(FinancialYearOf(Date(D("2024-04-01"))), 2024);
  EXPECT_EQ(FinancialYearLabel(2023), "2023/24");
  EXPECT_EQ(FinancialYearLabel(1999), "1999/00");
  EXPECT_EQ(FinancialYearEnd(2023) - FinancialYearStart(2023) + 1, 366);
}

TEST(ProfileDefinitions, QofDenominatorsMatchThePublishedListTypes) {
  EXPECT_EQ(QofRegister(*QofConditionIndex("AST")).list_type, "06OV");
  EXPECT_EQ(QofRegister(*QofConditionIndex("AST")).min_age, 6);
  EXPECT_EQ(QofRegister(*QofConditionIndex("DM")).min_age, 17);
  EXPECT_EQ(QofRegister(*QofConditionIndex("RA")).min_age, 16);
  EXPECT_EQ(QofRegister(*QofConditionIndex("OST")).min_age, 50);
  EXPECT_EQ(QofRegister(*QofConditionIndex("HYP")).list_type, "TOTAL");
  for (uint8_t i = 0; i < kQofConditions.size(); ++i) EXPECT_EQ(QofRegister(i).code, kQofConditions[i]);
}

TEST(Profile, DefaultAsAtIsTheLastEventDate) {
  const auto r = Profile(TinyDataset());
  bool found = false;
  for (const auto& [k, v] : r.metadata)
    if (k == "as_at") {
      EXPECT_EQ(v, "2024-03-31");
      found = true;
    }
  EXPECT_TRUE(found);
}

TEST(Profile, OverviewCountsTheSnapshot) {
  const auto r = Profile(TinyDataset(), "2024-03-31");
  const Table& t = Get(r, "overview");
  EXPECT_EQ(I(Row(t, "Persons in the dataset"), t, "value"), 7);
  EXPECT_EQ(I(Row(t, "Residents alive on 2024-03-31"), t, "value"), 5);        // p0 p1 p2 p5 p6
  EXPECT_EQ(I(Row(t, "Registered with a GP practice on 2024-03-31"), t, "value"), 4);  // p0 p1 p5 p6
  EXPECT_EQ(I(Row(t, "Died before 2024-03-31"), t, "value"), 1);               // p3
  EXPECT_EQ(I(Row(t, "Born after 2024-03-31"), t, "value"), 1);                // p4
  EXPECT_EQ(I(Row(t, "Residents of other or not known sex"), t, "value"), 1);  // p5
}

TEST(Profile, PyramidUsesTheBirthdayRuleAtMonthPrecision) {
  const auto r = Profile(TinyDataset(), "2024-03-31");
  const Table& t = Get(r, "pyramid_residents");
  ASSERT_EQ(t.row_count(), 19u);
  int64_t total = 0;
  for (const auto& row : t.rows()) total += I(row, t, "male") + I(row, t, "female");
  EXPECT_EQ(total, 4);  // p5 (sex not known) is in the note, not the bands
  EXPECT_EQ(I(Row(t, "65-69"), t, "male"), 1);    // p0, 69 until 1 April
  EXPECT_EQ(I(Row(t, "70-74"), t, "female"), 1);  // p1, 74
  EXPECT_EQ(I(Row(t, "70-74"), t, "male"), 0);
  EXPECT_EQ(I(Row(t, "30-34"), t, "male"), 1);    // p6, alive on the day of death
  EXPECT_EQ(I(Row(t, "0-4"), t, "female"), 1);    // p2
  EXPECT_DOUBLE_EQ(F(Row(t, "65-69"), t, "male_pct"), 20.0);  // 1 of 5 residents
  EXPECT_DOUBLE_EQ(F(Row(t, "90+"), t, "male_pct"), 0.0);

  const Table& g = Get(r, "pyramid_registered");
  EXPECT_EQ(I(Row(g, "0-4"), g, "female"), 0);     // p2's registration ended
  EXPECT_EQ(I(Row(g, "65-69"), g, "male"), 1);
  EXPECT_DOUBLE_EQ(F(Row(g, "65-69"), g, "male_pct"), 25.0);  // 1 of 4 registered

  // A day later p0 has turned 70 and p6 has died.
  const auto r2 = Profile(TinyDataset(), "2024-04-01");
  const Table& t2 = Get(r2, "pyramid_residents");
  EXPECT_EQ(I(Row(t2, "65-69"), t2, "male"), 0);
  EXPECT_EQ(I(Row(t2, "70-74"), t2, "male"), 1);
  EXPECT_EQ(I(Row(t2, "30-34"), t2, "male"), 0);
}

TEST(Profile, DeprivationEthnicityPracticesAndPlaces) {
  const auto r = Profile(TinyDataset(), "2024-03-31");
  const Table& q = Get(r, "imd_quintile");
  EXPECT_EQ(I(Row(q, "1 (most deprived)"), q, "residents"), 4);  // p0 p2 p5 p6 live in L0
  EXPECT_EQ(I(Row(q, "5 (least deprived)"), q, "residents"), 1);  // p1
  EXPECT_DOUBLE_EQ(F(Row(q, "1 (most deprived)"), q, "pct"), 80.0);
  const Table& d = Get(r, "imd_decile");
  EXPECT_EQ(I(Row(d, "10 (least deprived)"), d, "residents"), 1);
  const Table& g = Get(r, "ethnic_group");
  EXPECT_EQ(I(Row(g, "White"), g, "residents"), 2);  // p0, p6 (p3 dead, p4 unborn)
  EXPECT_EQ(I(Row(g, "Asian"), g, "residents"), 1);  // p1
  EXPECT_EQ(I(Row(g, "Black"), g, "residents"), 0);
  EXPECT_EQ(I(Row(g, "Not stated/known"), g, "residents"), 2);  // p2 (99), p5 (Z)
  const Table& c = Get(r, "ethnic_category");
  EXPECT_EQ(I(Row(c, "H"), c, "residents"), 1);
  EXPECT_EQ(I(Row(c, "99"), c, "residents"), 1);
  const Table& p = Get(r, "practices");
  EXPECT_EQ(I(Row(p, "A00001"), p, "registered"), 3);  // p0 p5 p6
  EXPECT_EQ(I(Row(p, "A00002"), p, "registered"), 1);  // p1 (p3 dead)
  EXPECT_DOUBLE_EQ(F(Row(p, "A00001"), p, "pct"), 75.0);
  EXPECT_EQ(std::get<std::string>(Row(p, "A00002")[*p.ColumnIndex("pcn_code")]), "U00002");
  const Table& pl = Get(r, "places");
  EXPECT_EQ(I(Row(pl, "Bolton"), pl, "residents"), 4);
  EXPECT_EQ(I(Row(pl, "Bolton"), pl, "registered"), 3);
  EXPECT_EQ(I(Row(pl, "Bury"), pl, "residents"), 1);
  const Table& s = Get(r, "sub_icbs");
  EXPECT_EQ(I(Row(s, "00V"), s, "registered"), 1);
}

TEST(Profile, RegisterPrevalenceUsesTheQofAgeGroups) {
  const auto r = Profile(TinyDataset(), "2024-03-31");
  const Table& t = Get(r, "ltc_registers");
  ASSERT_EQ(t.row_count(), 21u);
  // HYP (all ages): p0 (2010) and p6 (entered on the as-at date) of 4 registered.
  EXPECT_EQ(I(Row(t, "HYP"), t, "register"), 2);
  EXPECT_EQ(I(Row(t, "HYP"), t, "list_size"), 4);
  EXPECT_DOUBLE_EQ(F(Row(t, "HYP"), t, "prevalence_pct"), 50.0);
  // DM (17+): p1 only (p0's entry is dated after as_at), of p0 p1 p6.
  EXPECT_EQ(I(Row(t, "DM"), t, "register"), 1);
  EXPECT_EQ(I(Row(t, "DM"), t, "list_size"), 3);
  EXPECT_NEAR(F(Row(t, "DM"), t, "prevalence_pct"), 100.0 / 3, 1e-12);
  // AST (6+): p1 and p5 (aged 13); p2 is 4 and not registered. Of p0 p1 p5 p6.
  EXPECT_EQ(I(Row(t, "AST"), t, "register"), 2);
  EXPECT_EQ(I(Row(t, "AST"), t, "list_size"), 4);
  // OST (50+): nobody on the register, p0 and p1 in the denominator.
  EXPECT_EQ(I(Row(t, "OST"), t, "register"), 0);
  EXPECT_EQ(I(Row(t, "OST"), t, "list_size"), 2);
  // RA (16+): p0 p1 p6.
  EXPECT_EQ(I(Row(t, "RA"), t, "list_size"), 3);
}

// The activity row of a year and POD.
const std::vector<report::Cell>& ActivityRow(const Table& a, const char* fy, const char* setting_pod) {
  for (const auto& rw : a.rows())
    if (std::get<std::string>(rw[0]) == fy &&
        (std::get<std::string>(rw[2]) == setting_pod || std::get<std::string>(rw[1]) + "/" +
                                                            std::get<std::string>(rw[2]) == setting_pod))
      return rw;
  ADD_FAILURE() << "no activity row " << fy << " " << setting_pod;
  return a.rows().front();
}
bool HasActivityRow(const Table& a, const char* fy, const char* pod) {
  for (const auto& rw : a.rows())
    if (std::get<std::string>(rw[0]) == fy && std::get<std::string>(rw[2]) == pod) return true;
  return false;
}
std::string S(const std::vector<report::Cell>& row, const Table& t, const char* col) {
  return std::get<std::string>(row[*t.ColumnIndex(col)]);
}

TEST(Profile, ActivityPersonYearsRatesAndCost) {
  const auto r = Profile(TinyDataset(), "2024-03-31");
  const Table& y = Get(r, "financial_years");
  ASSERT_EQ(y.row_count(), 2u);
  // FY 2022/23 (365 days): p0 p1 p2 p3 p5 p6 alive all year = 6 person-years.
  EXPECT_DOUBLE_EQ(F(Row(y, "2022/23"), y, "person_years"), 6.0);
  // FY 2023/24 (366 days): four alive all year (1,464 days), p6 to 31 March inclusive (366),
  // p3 from 1 April to 15 June inclusive (76): 1,906 days.
  EXPECT_EQ(I(Row(y, "2023/24"), y, "days"), 366);
  EXPECT_DOUBLE_EQ(F(Row(y, "2023/24"), y, "person_years"), 1906.0 / 366.0);
  // Registered person-time, the rates' denominator. 2022/23: p0, p3, p5, p6 registered all year
  // (4 x 365), p1 from 2023-01-01 (90 days), p2's registration ended in 2022-01: 1,550 days.
  EXPECT_DOUBLE_EQ(F(Row(y, "2022/23"), y, "registered_person_years"), 1550.0 / 365.0);
  // 2023/24: p0, p1, p5, p6 (to 31 March inclusive) 4 x 366, p3 to his death on 15 June (76): 1,540.
  EXPECT_DOUBLE_EQ(F(Row(y, "2023/24"), y, "registered_person_years"), 1540.0 / 366.0);

  const Table& a = Get(r, "activity");
  auto row = [&](const char* fy, const char* pod) -> const std::vector<report::Cell>& {
    return ActivityRow(a, fy, pod);
  };
  // GP data covers both years wholly.
  EXPECT_EQ(S(row("2022/23", "GP"), a, "coverage"), "full");
  EXPECT_EQ(I(row("2022/23", "GP"), a, "events"), 1);
  EXPECT_DOUBLE_EQ(F(row("2022/23", "GP"), a, "cost_gbp"), 30.0);
  EXPECT_DOUBLE_EQ(F(row("2022/23", "GP"), a, "person_years"), 1550.0 / 365.0);
  EXPECT_NEAR(F(row("2022/23", "GP"), a, "rate_per_1000"), 365000.0 / 1550.0, 1e-9);
  EXPECT_EQ(I(row("2023/24", "GP"), a, "people"), 1);  // p5
  EXPECT_NEAR(F(row("2023/24", "GP"), a, "rate_per_1000"), 366000.0 / 1540.0, 1e-9);
  // A&E data starts on 2023-01-15: 2022/23 is partial, 76 days, five people registered throughout
  // (p1 registered on 2023-01-01; p2 not registered).
  EXPECT_EQ(S(row("2022/23", "AE"), a, "coverage"), "partial");
  EXPECT_EQ(S(row("2022/23", "AE"), a, "covered_from"), "2023-01-15");
  EXPECT_EQ(S(row("2022/23", "AE"), a, "covered_to"), "2023-03-31");
  EXPECT_EQ(I(row("2022/23", "AE"), a, "events"), 1);  // p3, before he died
  EXPECT_DOUBLE_EQ(F(row("2022/23", "AE"), a, "person_years"), 5.0 * 76 / 365);
  EXPECT_NEAR(F(row("2022/23", "AE"), a, "rate_per_1000"), 1000.0 * 365 / (5.0 * 76), 1e-9);
  EXPECT_EQ(S(row("2023/24", "AE"), a, "coverage"), "full");
  // Prescribing from 2022-05-01: 2022/23 partial (335 days), counted in items.
  EXPECT_EQ(S(row("2022/23", "RX"), a, "coverage"), "partial");
  EXPECT_EQ(I(row("2022/23", "RX"), a, "events"), 1);
  EXPECT_DOUBLE_EQ(F(row("2022/23", "RX"), a, "cost_gbp"), 0.99);
  // 335 days from 2022-05-01: p0, p3, p5, p6 registered throughout, p1 for 90 days.
  EXPECT_NEAR(F(row("2022/23", "RX"), a, "rate_per_1000"), 1000.0 * 365 / (4.0 * 335 + 90), 1e-9);
  EXPECT_EQ(I(row("2023/24", "RX"), a, "events"), 5);  // 3 + 2 items
  EXPECT_EQ(I(row("2023/24", "RX"), a, "people"), 2);
  EXPECT_NEAR(F(row("2023/24", "RX"), a, "cost_gbp"), 17.34, 1e-9);
  EXPECT_NEAR(F(row("2023/24", "RX"), a, "rate_per_1000"), 5.0 * 366000.0 / 1540.0, 1e-9);
  // APC data starts on 2023-04-01: no APC rows for 2022/23 at all.
  EXPECT_FALSE(HasActivityRow(a, "2022/23", "ALL"));
  EXPECT_FALSE(HasActivityRow(a, "2022/23", "NEL"));
  // APC in 2023/24: one elective and two non-elective spells, two people, 6,300 GBP.
  EXPECT_EQ(I(row("2023/24", "ALL"), a, "events"), 3);
  EXPECT_EQ(I(row("2023/24", "ALL"), a, "people"), 2);
  EXPECT_DOUBLE_EQ(F(row("2023/24", "ALL"), a, "cost_gbp"), 6300.0);
  EXPECT_NEAR(F(row("2023/24", "ALL"), a, "rate_per_1000"), 3.0 * 366000.0 / 1540.0, 1e-9);
  EXPECT_EQ(I(row("2023/24", "NEL"), a, "events"), 2);
  EXPECT_EQ(I(row("2023/24", "NEL"), a, "people"), 2);
  EXPECT_DOUBLE_EQ(F(row("2023/24", "NEL"), a, "cost_gbp"), 3800.0);
  EXPECT_EQ(I(row("2023/24", "EL"), a, "events"), 1);
  // Neither outpatient nor day-case rows: never any such activity.
  EXPECT_FALSE(HasActivityRow(a, "2023/24", "OPFA"));
  EXPECT_FALSE(HasActivityRow(a, "2023/24", "DC"));
  // Cost over every POD row adds up to the event costs:
  // 3000 + 2500 + 99 + 1234 + 500 + 15000 + 15000 + 250000 + 180000 + 200000 pence.
  double cost = 0;
  for (const auto& rw : a.rows())
    if (std::get<std::string>(rw[2]) != "ALL") cost += F(rw, a, "cost_gbp");
  EXPECT_NEAR(cost, 6673.33, 1e-9);
}

TEST(Profile, PartialYearsUseTheCoveredPersonTime) {
  Tiny tiny;
  // Replace the events with outpatient attendances and monthly prescribing, June 2023 to January 2024.
  tiny.b.ds.events = EventTable();
  tiny.b.event_person.clear();
  tiny.Event(tiny.p[0], D("2023-06-01"), Setting::kOutpatient, Pod::kOutpatientFirst, 12000, 1);
  tiny.Event(tiny.p[1], D("2024-01-31"), Setting::kOutpatient, Pod::kOutpatientFollowUp, 8000, 1);
  tiny.Event(tiny.p[0], D("2023-06-01"), Setting::kPrescribing, Pod::kPrescribing, 100, 2);
  tiny.Event(tiny.p[1], D("2024-01-01"), Setting::kPrescribing, Pod::kPrescribing, 100, 1);
  const auto r = Profile(tiny.Build(), "2024-03-31");
  const Table& a = Get(r, "activity");
  ASSERT_EQ(a.row_count(), 4u);  // outpatients ALL, OPFA, OPFU; prescribing
  // Outpatients: 2023-06-01 to 2024-01-31, 245 days. p0 p1 p5 p6 registered throughout, p3 from
  // 1 to 15 June (15 days); p2 alive but no longer registered.
  const double py = (4.0 * 245 + 15) / 366.0;
  const auto& op = ActivityRow(a, "2023/24", "ALL");
  EXPECT_EQ(S(op, a, "coverage"), "partial");
  EXPECT_EQ(S(op, a, "covered_to"), "2024-01-31");
  EXPECT_EQ(I(op, a, "events"), 2);
  EXPECT_DOUBLE_EQ(F(op, a, "person_years"), py);
  EXPECT_NEAR(F(op, a, "rate_per_1000"), 2000.0 / py, 1e-9);
  // Prescribing dated the 1st of each month: its data runs to the end of January too.
  const auto& rx = ActivityRow(a, "2023/24", "RX");
  EXPECT_EQ(S(rx, a, "covered_to"), "2024-01-31");
  EXPECT_DOUBLE_EQ(F(rx, a, "person_years"), py);
  EXPECT_NEAR(F(rx, a, "rate_per_1000"), 3000.0 / py, 1e-9);
  // The financial_years table always holds whole-year person-time.
  const Table& y = Get(r, "financial_years");
  ASSERT_EQ(y.row_count(), 1u);
  EXPECT_DOUBLE_EQ(F(y.rows()[0], y, "person_years"), 1906.0 / 366.0);
}

TEST(Profile, NeedsAnAsAtWhenThereAreNoEvents) {
  Tiny tiny;
  tiny.b.ds.events = EventTable();
  tiny.b.event_person.clear();
  const Dataset ds = tiny.Build();
  auto r = ComputeProfile(ds, ProfileOptions{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
  ProfileOptions o;
  o.as_at = D("2024-03-31");
  auto r2 = ComputeProfile(ds, o);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->Find("activity"), nullptr);
}

TEST(Profile, DataQualitySectionFromDqReport) {
  // The layout ingest writes (src/ingest/data_quality.h), cut down.
  ProfileOptions o;
  o.dq_report = nlohmann::json::parse(R"({
    "source_format": "icb-contract",
    "files": [
      {"file": "persons.csv", "present": true, "rows_read": 100, "rows_loaded": 98, "rows_rejected": 2,
       "duplicate_rows": 0, "min_date": "1920-01-01", "max_date": "2024-03-01",
       "columns": [{"column": "date_of_death", "present": true, "completeness": 0.05, "validity": 0.05},
                   {"column": "lsoa_of_residence", "present": true, "completeness": 1.0, "validity": 0.9},
                   {"column": "nhs_number", "present": true, "completeness": 1.0, "validity": 1.0}]},
      {"file": "apc_spells.csv", "present": false, "rows_read": 0, "rows_loaded": 0, "rows_rejected": 0}],
    "linkage": {"persons": 100, "persons_without_registration": 3, "persons_with_activity_without_registration": 1,
                "settings": [{"setting": "ae", "events": 40, "events_no_registration": 2,
                              "events_outside_registration": 10},
                             {"setting": "apc", "events": 0, "events_no_registration": 0,
                              "events_outside_registration": 0}]},
    "warnings": ["apc_spells.csv not supplied"]
  })");
  auto r = ComputeProfile(TinyDataset(), o);
  ASSERT_TRUE(r.ok());
  const Table& f = Get(*r, "dq_files");
  ASSERT_EQ(f.row_count(), 1u);  // files not supplied are left out
  EXPECT_EQ(I(f.rows()[0], f, "rows_rejected"), 2);
  EXPECT_DOUBLE_EQ(F(f.rows()[0], f, "rejected_pct"), 2.0);
  const Table& c = Get(*r, "dq_columns");
  ASSERT_EQ(c.row_count(), 2u);  // complete and valid columns are not listed
  EXPECT_EQ(std::get<std::string>(c.rows()[0][1]), "date_of_death");  // worst first
  EXPECT_DOUBLE_EQ(F(c.rows()[0], c, "completeness_pct"), 5.0);
  EXPECT_DOUBLE_EQ(F(c.rows()[1], c, "validity_pct"), 90.0);
  const Table& l = Get(*r, "dq_linkage");
  ASSERT_EQ(l.row_count(), 1u);  // settings without events are left out
  EXPECT_EQ(std::get<std::string>(l.rows()[0][0]), "A&E attendances");
  EXPECT_EQ(I(l.rows()[0], l, "outside_registration"), 10);
  EXPECT_DOUBLE_EQ(F(l.rows()[0], l, "outside_registration_pct"), 25.0);
  EXPECT_EQ(l.footnotes().back(), "Ingest warning: apc_spells.csv not supplied");
}

// A bigger random dataset: the profile is the same on 1 and several threads, and its pyramid and
// register counts agree with a plain serial recount (the slow, obvious twin).
TEST(Profile, IndependentOfThreadCountAndMatchesASerialRecount) {
  DatasetBuilder b;
  b.ds.lsoas.code.Intern("E01000001");
  b.ds.lsoas.name = {"x"};
  b.ds.lsoas.place_code = {"E08000001"};
  b.ds.lsoas.place_name = {"Bolton"};
  b.ds.lsoas.sub_icb = {"00T"};
  b.ds.lsoas.imd_decile = {3};
  b.ds.lsoas.imd_quintile = {2};
  b.ds.practices.code.Intern("A00001");
  b.ds.practices.name = {"x"};
  b.ds.practices.pcn_code = {"U1"};
  b.ds.practices.pcn_name = {"x"};
  b.ds.practices.sub_icb = {"00T"};
  b.ds.practices.place_name = {"Bolton"};
  std::mt19937 rng(7);
  const int32_t as_at = D("2024-03-31");
  const int n = 30000;  // several 8,192-person chunks
  for (int i = 0; i < n; ++i) {
    const int32_t birth = D("1920-01-01") + static_cast<int32_t>(rng() % 38000);
    const int32_t birth_month = Date::FromCivil(Date(birth).year(), Date(birth).month(), 1).days();
    const int32_t death = rng() % 10 == 0 ? birth_month + static_cast<int32_t>(rng() % 40000) : kNoDate;
    const uint32_t p = b.AddPerson(Sha256Of(std::to_string(i)), birth_month, static_cast<uint8_t>(rng() % 3),
                                   static_cast<uint8_t>(rng() % 18), 0, death);
    if (rng() % 4 != 0) {
      b.ds.registrations.practice.push_back(0);
      b.ds.registrations.start.push_back(birth_month + static_cast<int32_t>(rng() % 20000));
      b.ds.registrations.end.push_back(rng() % 5 == 0 ? as_at - static_cast<int32_t>(rng() % 100) : kNoDate);
      b.registration_person.push_back(p);
    }
    if (rng() % 3 == 0) {
      b.ds.conditions.condition.push_back(static_cast<uint8_t>(rng() % 21));
      b.ds.conditions.date.push_back(as_at - 3000 + static_cast<int32_t>(rng() % 4000));
      b.condition_person.push_back(p);
    }
    for (int k = static_cast<int>(rng() % 3); k > 0; --k) {
      auto& e = b.ds.events;
      const int pod = static_cast<int>(rng() % kPodCount);
      e.date.push_back(D("2021-01-01") + static_cast<int32_t>(rng() % 1186));
      e.end_date.push_back(kNoDate);
      e.setting.push_back(static_cast<uint8_t>(PodSetting(static_cast<Pod>(pod))));
      e.pod.push_back(static_cast<uint8_t>(pod));
      for (auto* col : {&e.provider, &e.attr1, &e.attr2, &e.attr3, &e.code, &e.procedure, &e.hrg})
        col->push_back(Dictionary::kNone);
      e.cost_pence.push_back(static_cast<int64_t>(rng() % 100000));
      e.quantity.push_back(1 + rng() % 4);
      b.event_person.push_back(p);
    }
  }
  auto built = b.Finish();
  ASSERT_TRUE(built.ok());
  const Dataset& ds = *built;
  ProfileOptions o;
  o.as_at = as_at;
  SetThreadCount(1);
  const auto one = ComputeProfile(ds, o);
  SetThreadCount(4);
  const auto four = ComputeProfile(ds, o);
  SetThreadCount(0);
  ASSERT_TRUE(one.ok() && four.ok());
  EXPECT_EQ(report::ReportToJsonText(*one), report::ReportToJsonText(*four));

  // Serial recount.
  std::array<int64_t, 19> male{}, female{};
  int64_t registered = 0, dm_register = 0, dm_list = 0;
  const uint8_t dm = *QofConditionIndex("DM");
  for (size_t i = 0; i < ds.person_count(); ++i) {
    const int32_t birth = ds.persons.birth[i], death = ds.persons.death[i];
    if (birth > as_at || (death != kNoDate && death < as_at)) continue;
    const int age = Date(birth).AgeOn(Date(as_at));
    const int band = std::min(age / 5, 18);
    if (ds.persons.sex[i] == 1) ++male[static_cast<size_t>(band)];
    if (ds.persons.sex[i] == 2) ++female[static_cast<size_t>(band)];
    bool reg = false;
    const auto& rg = ds.registrations;
    for (auto k = rg.offsets[i]; k < rg.offsets[i + 1]; ++k)
      if (rg.start[k] <= as_at && (rg.end[k] == kNoDate || rg.end[k] >= as_at)) reg = true;
    if (!reg) continue;
    ++registered;
    if (age < 17) continue;
    ++dm_list;
    for (auto k = ds.conditions.offsets[i]; k < ds.conditions.offsets[i + 1]; ++k)
      if (ds.conditions.condition[k] == dm && ds.conditions.date[k] <= as_at) {
        ++dm_register;
        break;
      }
  }
  const Table& t = Get(*one, "pyramid_residents");
  for (int band = 0; band < 19; ++band) {
    EXPECT_EQ(I(t.rows()[static_cast<size_t>(band)], t, "male"), male[static_cast<size_t>(band)]) << band;
    EXPECT_EQ(I(t.rows()[static_cast<size_t>(band)], t, "female"), female[static_cast<size_t>(band)]) << band;
  }
  const Table& p = Get(*one, "practices");
  EXPECT_EQ(I(p.rows()[0], p, "registered"), registered);
  const Table& l = Get(*one, "ltc_registers");
  EXPECT_EQ(I(Row(l, "DM"), l, "register"), dm_register);
  EXPECT_EQ(I(Row(l, "DM"), l, "list_size"), dm_list);
  EXPECT_GT(dm_register, 0);
}

}  // namespace
}  // namespace icb

namespace icb::testing {
namespace {

// Appointments not attended are counted apart (NHS Data Dictionary ATTENDED OR DID NOT ATTEND: 5, 6
// attended; GP appointment status DNA); long-term social care counts people with a service active in
// each year it spans (Adult Social Care Activity and Finance Report: people receiving long-term support).
TEST(Profile, NotAttendedAndLongTermSocialCare) {
  Tiny tiny;
  tiny.b.ds.events = EventTable();
  tiny.b.event_person.clear();
  auto& e = tiny.b.ds.events;
  auto set_last = [&](std::vector<uint32_t>& col, const char* v) { col.back() = tiny.b.ds.attrs.Intern(v); };
  tiny.Event(tiny.p[0], D("2023-05-01"), Setting::kGpAppointment, Pod::kGpAppointment, 3000, 1);
  set_last(e.attr3, "ATTENDED");
  tiny.Event(tiny.p[0], D("2023-06-01"), Setting::kGpAppointment, Pod::kGpAppointment, 3000, 1);
  set_last(e.attr3, "DNA");
  tiny.Event(tiny.p[1], D("2023-07-01"), Setting::kOutpatient, Pod::kOutpatientFirst, 12000, 1);
  set_last(e.attr2, "5");
  tiny.Event(tiny.p[1], D("2023-08-01"), Setting::kOutpatient, Pod::kOutpatientFollowUp, 8000, 1);
  set_last(e.attr2, "3");
  // p5: home care from 2022-06-01 to 2023-05-31 spans two years; p6: reablement (short-term) only.
  tiny.Event(tiny.p[5], D("2022-06-01"), Setting::kSocialCare, Pod::kSocialCare, 500000, 1);
  set_last(e.attr1, "HOME_CARE");
  e.end_date.back() = D("2023-05-31");
  tiny.Event(tiny.p[6], D("2023-09-01"), Setting::kSocialCare, Pod::kSocialCare, 100000, 1);
  set_last(e.attr1, "REABLEMENT");
  e.end_date.back() = D("2023-10-15");
  const auto r = Profile(tiny.Build(), "2024-03-31");
  const Table& a = Get(r, "activity");
  EXPECT_EQ(I(ActivityRow(a, "2023/24", "GP"), a, "events"), 1);
  EXPECT_EQ(I(ActivityRow(a, "2023/24", "GP"), a, "not_attended"), 1);
  EXPECT_DOUBLE_EQ(F(ActivityRow(a, "2023/24", "GP"), a, "cost_gbp"), 30.0);
  EXPECT_EQ(I(ActivityRow(a, "2023/24", "OPFA"), a, "events"), 1);
  EXPECT_EQ(I(ActivityRow(a, "2023/24", "OPFU"), a, "events"), 0);
  EXPECT_EQ(I(ActivityRow(a, "2023/24", "OPFU"), a, "not_attended"), 1);
  EXPECT_EQ(I(ActivityRow(a, "2023/24", "ALL"), a, "not_attended"), 1);
  // Services counted in their start year; long-term support in every year it is active.
  EXPECT_EQ(I(ActivityRow(a, "2022/23", "ASC"), a, "events"), 1);
  EXPECT_EQ(I(ActivityRow(a, "2023/24", "ASC"), a, "events"), 1);
  EXPECT_EQ(I(ActivityRow(a, "2022/23", "ASC_LT"), a, "people"), 1);
  EXPECT_EQ(I(ActivityRow(a, "2023/24", "ASC_LT"), a, "people"), 1);  // p5's care runs into May 2023
}

}  // namespace
}  // namespace icb::testing
