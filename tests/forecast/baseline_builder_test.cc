// Baseline builder: a hand-built year of a dozen events with the rows, counts, lengths of stay,
// costs and strategy tags worked out by hand (docs/reference/forecast-baseline.md, worked example),
// and a synthetic ICB whose table totals equal a slow, obvious count of the same events.
// Sources of the rules: NHS Data Dictionary (ATTENDED OR DID NOT ATTEND, FIRST ATTENDANCE), NHP's
// strategies (github.com/The-Strategy-Unit/nhp_model) as restated in data/forecast/strategies.csv.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <cmath>
#include <set>
#include <string>

#include "context/segmentation.h"
#include "core/parallel.h"
#include "data/dataset_builder.h"
#include "forecast/baseline_builder.h"
#include "forecast/segment_transitions.h"
#include "tests/forecast/forecast_test_util.h"
#include "ingest/contract_reader.h"
#include "tests/context/tiny_dataset.h"
#include "tests/synth/synth_fixture.h"

namespace icb::forecast {
namespace {

// Four people, FY 2023/24. p0: man born June 1950 (72 on 1 April 2023, 73 from 1 June), Bolton
// (IMD quintile 1), hypertension (segment 4). p1: woman born January 1940 (83), Bury (quintile 5),
// dementia (segment 8). p2: sex not known, born March 2000, Bolton, healthy. p3: girl born June
// 2023 (not in the population on 1 April: segment 0).
struct Year {
  DatasetBuilder b;
  uint32_t p[4];
  Year() {
    auto& l = b.ds.lsoas;
    auto lsoa = [&](const char* code, const char* place, int decile) {
      l.code.Intern(code);
      l.name.push_back(std::string(place) + " 001A");
      l.place_code.push_back("E0800000" + std::to_string(decile));
      l.place_name.push_back(place);
      l.sub_icb.push_back("00T");
      l.imd_decile.push_back(static_cast<uint8_t>(decile));
      l.imd_quintile.push_back(static_cast<uint8_t>((decile + 1) / 2));
    };
    lsoa("E01000002", "Bury", 10);   // row 0
    lsoa("E01000001", "Bolton", 1);  // row 1
    auto& pr = b.ds.practices;
    pr.code.Intern("A00001");
    pr.name.push_back("Practice A00001");
    pr.pcn_code.push_back("U00001");
    pr.pcn_name.push_back("PCN U00001");
    pr.sub_icb.push_back("00T");
    pr.place_name.push_back("Bolton");
    p[0] = Person("p0", D(1950, 6, 1), 1, 1);
    Cond(p[0], "HYP", D(2010, 1, 1));
    p[1] = Person("p1", D(1940, 1, 1), 2, 0);
    Cond(p[1], "DEM", D(2015, 1, 1));
    p[2] = Person("p2", D(2000, 3, 1), 0, 1);
    p[3] = Person("p3", D(2023, 6, 1), 2, 1);

    // p0
    Ev(p[0], D(2023, 3, 20), kNoDate, Pod::kGpAppointment, "A00001", {"GP", "FACE_TO_FACE", "ATTENDED"}, "", "", 3000);  // before the year
    Ev(p[0], D(2023, 4, 1), kNoDate, Pod::kGpAppointment, "A00001", {"GP", "FACE_TO_FACE", "ATTENDED"}, "", "", 3000);
    Ev(p[0], D(2023, 5, 1), kNoDate, Pod::kGpAppointment, "A00001", {"GP", "FACE_TO_FACE", "DNA"}, "", "", 3000);
    Ev(p[0], D(2023, 5, 10), D(2023, 5, 15), Pod::kNonElective, "RBA", {"21", "1", ""}, "J449", "", 300000);
    Ev(p[0], D(2023, 7, 1), D(2023, 7, 1), Pod::kNonElective, "RBA", {"21", "1", ""}, "N390", "", 80000);
    CodedIcd(p[0], D(2023, 7, 1), "W10");
    Ev(p[0], D(2023, 8, 1), kNoDate, Pod::kPrescribing, "A00001", {"", "", ""}, "0212000B0", "", 1200, 3);
    Ev(p[0], D(2023, 9, 1), D(2023, 9, 3), Pod::kElective, "RBB", {"11", "1", ""}, "M161", "W371", 600000);
    Ev(p[0], D(2023, 10, 1), D(2023, 10, 1), Pod::kDayCase, "RBB", {"11", "2", ""}, "K635", "H221", 90000);
    Ev(p[0], D(2023, 11, 1), kNoDate, Pod::kOutpatientFollowUp, "RBB", {"110", "5", "2"}, "", "", 10000);
    Ev(p[0], D(2023, 12, 1), kNoDate, Pod::kOutpatientFollowUp, "RBB", {"110", "5", "2"}, "", "", 12000);
    Ev(p[0], D(2024, 1, 10), kNoDate, Pod::kOutpatientFollowUp, "RBB", {"110", "3", "2"}, "", "", 12000);  // DNA
    Ev(p[0], D(2024, 1, 20), kNoDate, Pod::kOutpatientFirst, "RBB", {"110", "5", "3"}, "", "", 5000);     // remote
    // p1
    for (int m : {5, 6, 7}) Ev(p[1], D(2023, m, 1), kNoDate, Pod::kAe, "RBA", {"01", "1", "03"}, "", "", 20000);
    Ev(p[1], D(2023, 8, 1), kNoDate, Pod::kAe, "RBA", {"01", "2", "03"}, "", "", 15000);
    Ev(p[1], D(2023, 9, 10), D(2023, 9, 20), Pod::kNonElective, "RBA", {"21", "1", ""}, "S720", "W461", 500000);
    Ev(p[1], D(2023, 1, 1), kNoDate, Pod::kSocialCare, "LA1", {"HOME_CARE", "", ""}, "", "", 700000);
    Ev(p[1], D(2023, 6, 1), D(2023, 6, 30), Pod::kSocialCare, "LA1", {"REABLEMENT", "", ""}, "", "", 90000);
    // p2
    Ev(p[2], D(2023, 6, 1), kNoDate, Pod::kCommunity, "RCC", {"DISTRICT_NURSING", "", ""}, "", "", 5000);
    Ev(p[2], D(2023, 6, 2), kNoDate, Pod::kMentalHealth, "RMH", {"CRISIS", "", ""}, "", "", 7000);
    // p3
    Ev(p[3], D(2023, 12, 1), kNoDate, Pod::kAe, "RBA", {"01", "2", "03"}, "", "", 10000);
    Ev(p[3], D(2024, 3, 31), kNoDate, Pod::kAe, "RBA", {"01", "2", "03"}, "", "", 10000);
  }
  uint32_t Person(const char* id, int32_t birth, uint8_t sex, uint32_t lsoa) {
    const uint32_t q = b.AddPerson(Sha256Of(id), birth, sex, *EthnicIndex("A"), lsoa, kNoDate);
    b.ds.registrations.practice.push_back(0);
    b.ds.registrations.start.push_back(std::max(birth, D(2000, 1, 1)));
    b.ds.registrations.end.push_back(kNoDate);
    b.registration_person.push_back(q);
    return q;
  }
  void Cond(uint32_t person, const char* code, int32_t date) {
    b.ds.conditions.condition.push_back(*QofConditionIndex(code));
    b.ds.conditions.date.push_back(date);
    b.condition_person.push_back(person);
  }
  void CodedIcd(uint32_t person, int32_t date, const char* code) {
    auto& c = b.ds.coded;
    c.date.push_back(date);
    c.system.push_back(static_cast<uint8_t>(CodeSystem::kIcd10));
    c.code.push_back(b.ds.codes.Intern(code));
    c.value.push_back(std::nan(""));
    c.unit.push_back(Dictionary::kNone);
    b.coded_person.push_back(person);
  }
  uint32_t Attr(const std::string& v) { return v.empty() ? Dictionary::kNone : b.ds.attrs.Intern(v); }
  uint32_t Code(const std::string& v) { return v.empty() ? Dictionary::kNone : b.ds.codes.Intern(v); }
  void Ev(uint32_t person, int32_t date, int32_t end, Pod pod, const char* org, std::array<std::string, 3> attrs,
          const std::string& code, const std::string& procedure, int32_t cost, uint16_t quantity = 1) {
    auto& e = b.ds.events;
    e.date.push_back(date);
    e.end_date.push_back(end);
    e.setting.push_back(static_cast<uint8_t>(PodSetting(pod)));
    e.pod.push_back(static_cast<uint8_t>(pod));
    e.provider.push_back(b.ds.orgs.Intern(org));
    e.attr1.push_back(Attr(attrs[0]));
    e.attr2.push_back(Attr(attrs[1]));
    e.attr3.push_back(Attr(attrs[2]));
    e.code.push_back(Code(code));
    e.procedure.push_back(Code(procedure));
    e.hrg.push_back(Dictionary::kNone);
    e.cost_pence.push_back(cost);
    e.quantity.push_back(quantity);
    b.event_person.push_back(person);
  }
  Dataset Build() {
    auto r = b.Finish();
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return std::move(r).value();
  }
};

std::set<std::string> Tags(const ActivityTable& t, size_t r) {
  std::set<std::string> s;
  for (uint64_t i = t.strategy_offsets[r]; i < t.strategy_offsets[r + 1]; ++i) s.insert(t.strategy_names[t.strategy_ids[i]]);
  return s;
}

// Rows of `type`, in table order.
std::vector<size_t> RowsOf(const ActivityTable& t, ActivityType type) {
  std::vector<size_t> out;
  for (size_t r = 0; r < t.size(); ++r)
    if (t.type[r] == static_cast<uint8_t>(type)) out.push_back(r);
  return out;
}

TEST(BaselineBuilder, LatestCompleteYear) {
  EXPECT_EQ(LatestCompleteYear(Year().Build()), 2023);  // events 2023-01-01 .. 2024-03-31
  // The profile's tiny dataset: events 2022-04-01 .. 2024-03-31, so 2023/24 (and 2022/23) are whole.
  EXPECT_EQ(LatestCompleteYear(icb::testing::TinyDataset()), 2023);
  Dataset none;
  EXPECT_EQ(LatestCompleteYear(none), 0);
}

TEST(BaselineBuilder, HandBuiltYearGivesTheWorkedRows) {
  const Dataset ds = Year().Build();
  auto built = BuildBaselineActivity(ds, Config(), 2023);
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  const ActivityTable& t = *built;
  ASSERT_TRUE(t.Validate().ok());
  EXPECT_EQ(t.baseline_year, 2023);
  ASSERT_EQ(t.place_names, (std::vector<std::string>{"Bolton", "Bury"}));
  auto provider = [&](size_t r) { return t.provider_names[t.provider[r]]; };
  // 5 spells + 2 follow-up/tele + GP + prescribing + 2 A&E cells for p1 + social care + community + MH + 1 A&E cell for p3.
  EXPECT_EQ(t.size(), 15u);

  // Non-elective spells: p0's COPD spell (chronic ACSC, LOS 5), p0's zero-LOS UTI spell with a fall
  // code (acute ACSC, zero LOS no procedure, falls), p1's hip fracture (frail elderly, LOS 10).
  const auto nel = RowsOf(t, ActivityType::kNonElective);
  ASSERT_EQ(nel.size(), 3u);
  EXPECT_EQ(t.los[nel[0]], 5);
  EXPECT_EQ(t.age[nel[0]], 72);
  EXPECT_EQ(t.sex[nel[0]], 0);
  EXPECT_EQ(t.imd_quintile[nel[0]], 1);
  EXPECT_EQ(t.segment[nel[0]], 4);
  EXPECT_EQ(t.place_names[t.place[nel[0]]], "Bolton");
  EXPECT_EQ(provider(nel[0]), "RBA");
  EXPECT_DOUBLE_EQ(t.count[nel[0]], 1.0);
  EXPECT_DOUBLE_EQ(t.cost_pence[nel[0]], 300000.0);
  EXPECT_EQ(Tags(t, nel[0]), (std::set<std::string>{"ambulatory_care_conditions_chronic"}));
  EXPECT_EQ(t.los[nel[1]], 0);
  EXPECT_EQ(t.age[nel[1]], 73);  // after the June birthday
  EXPECT_EQ(Tags(t, nel[1]), (std::set<std::string>{"ambulatory_care_conditions_acute", "zero_los_no_procedure_adult",
                                                    "falls_related_admissions"}));
  EXPECT_EQ(t.los[nel[2]], 10);
  EXPECT_EQ(t.age[nel[2]], 83);
  EXPECT_EQ(t.sex[nel[2]], 1);
  EXPECT_EQ(t.imd_quintile[nel[2]], 5);
  EXPECT_EQ(t.segment[nel[2]], 8);
  EXPECT_EQ(t.place_names[t.place[nel[2]]], "Bury");
  EXPECT_EQ(Tags(t, nel[2]), (std::set<std::string>{"frail_elderly_high"}));

  const auto el = RowsOf(t, ActivityType::kElective), dc = RowsOf(t, ActivityType::kDayCase);
  ASSERT_EQ(el.size(), 1u);
  ASSERT_EQ(dc.size(), 1u);
  EXPECT_EQ(t.los[el[0]], 2);
  EXPECT_DOUBLE_EQ(t.cost_pence[el[0]], 600000.0);
  EXPECT_TRUE(Tags(t, el[0]).empty());
  EXPECT_EQ(t.los[dc[0]], 0);
  EXPECT_EQ(provider(dc[0]), "RBB");

  // Outpatients: two attended follow-ups in one cell (mean cost 110.00), the DNA left out, the
  // remote first attendance as a tele-attendance.
  const auto fu = RowsOf(t, ActivityType::kOpFollowUp), tele = RowsOf(t, ActivityType::kOpTele);
  ASSERT_EQ(fu.size(), 1u);
  EXPECT_DOUBLE_EQ(t.count[fu[0]], 2.0);
  EXPECT_DOUBLE_EQ(t.cost_pence[fu[0]], 11000.0);
  EXPECT_EQ(Tags(t, fu[0]), (std::set<std::string>{"followup_reduction"}));
  ASSERT_EQ(tele.size(), 1u);
  EXPECT_DOUBLE_EQ(t.count[tele[0]], 1.0);
  EXPECT_TRUE(RowsOf(t, ActivityType::kOpFirst).empty());

  // GP: one attended appointment in the year (the DNA and the March appointment are left out).
  const auto gp = RowsOf(t, ActivityType::kGp);
  ASSERT_EQ(gp.size(), 1u);
  EXPECT_DOUBLE_EQ(t.count[gp[0]], 1.0);
  EXPECT_EQ(provider(gp[0]), "A00001");
  // Prescribing: 3 items at 1,200 pence: 400 pence an item.
  const auto rx = RowsOf(t, ActivityType::kPrescribing);
  ASSERT_EQ(rx.size(), 1u);
  EXPECT_DOUBLE_EQ(t.count[rx[0]], 3.0);
  EXPECT_DOUBLE_EQ(t.cost_pence[rx[0]], 400.0);

  // A&E: p1 attended 4 times (a frequent attender): 3 by ambulance, 1 otherwise, tagged apart; p3's
  // two attendances (one on 31 March) are in one untagged cell at age 0, segment 0.
  const auto ae = RowsOf(t, ActivityType::kAe);
  ASSERT_EQ(ae.size(), 3u);
  double frequent_ambulance = 0, frequent_walk_in = 0, other = 0;
  for (size_t r : ae) {
    const auto tags = Tags(t, r);
    if (tags.count("frequent_attenders_adult_ambulance")) {
      frequent_ambulance += t.count[r];
      EXPECT_DOUBLE_EQ(t.cost_pence[r], 20000.0);
    } else if (tags.count("frequent_attenders_adult_walk_in")) {
      frequent_walk_in += t.count[r];
      EXPECT_DOUBLE_EQ(t.cost_pence[r], 15000.0);
    } else {
      other += t.count[r];
      EXPECT_EQ(t.age[r], 0);
      EXPECT_EQ(t.segment[r], 0);
      EXPECT_EQ(t.sex[r], 1);
    }
  }
  EXPECT_EQ(frequent_ambulance, 3.0);
  EXPECT_EQ(frequent_walk_in, 1.0);
  EXPECT_EQ(other, 2.0);

  // Social care: the open home-care service covers all 366 days of 2023/24 (52.29 person-weeks);
  // reablement is short-term support and left out. Cost: 7,000.00 over 1 Jan 2023 - 31 Mar 2024
  // (456 days, the data's end), 366 of them in the year: 561,842 pence.
  const auto sc = RowsOf(t, ActivityType::kSocialCare);
  ASSERT_EQ(sc.size(), 1u);
  EXPECT_DOUBLE_EQ(t.count[sc[0]], 366.0 / 7.0);
  EXPECT_NEAR(t.cost_pence[sc[0]] * t.count[sc[0]], 561842.0, 1e-6);
  EXPECT_EQ(provider(sc[0]), "LA1");

  // Community and mental health contacts of p2, whose unknown sex follows the person index's parity.
  const auto com = RowsOf(t, ActivityType::kCommunity), mh = RowsOf(t, ActivityType::kMentalHealth);
  ASSERT_EQ(com.size(), 1u);
  ASSERT_EQ(mh.size(), 1u);
  uint32_t p2_index = 0;
  for (uint32_t i = 0; i < ds.person_count(); ++i)
    if (ds.persons.sex[i] == 0) p2_index = i;
  EXPECT_EQ(t.sex[com[0]], p2_index % 2);
  EXPECT_EQ(t.age[com[0]], 23);
  EXPECT_EQ(t.segment[com[0]], 1);
  EXPECT_DOUBLE_EQ(t.cost_pence[mh[0]], 7000.0);
}

TEST(BaselineBuilder, StrategiesFileDeclaresEachRuleOnce) {
  const std::string dir = ForecastDataDir(Config());
  auto rules = LoadStrategyRules(dir + "/strategies.csv", std::filesystem::path(dir).parent_path().string());
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  std::set<std::string> names;
  for (const auto& r : *rules) {
    EXPECT_TRUE(names.insert(r.name).second) << r.name;
    EXPECT_FLOAT_EQ(r.sample_rate, 1.0f) << r.name;
    EXPECT_FALSE(r.source.empty()) << r.name;
  }
  EXPECT_TRUE(names.count("ambulatory_care_conditions_acute"));
  EXPECT_TRUE(names.count("followup_reduction"));
}

// The synthetic ICB: every unit and every penny of the year in the table equals a slow, obvious
// count of the dataset's events; the same table at 1 and 2 threads.
const Dataset& SynthDataset() {
  static const Dataset ds = [] {
    const auto& fx = synth::testing::SharedFixture();
    IngestReport report;
    DataQuality dq;
    auto r = ReadContract(fx.out, HmacKey::FromBytes(std::string(32, 'k')), report, dq);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return std::move(r).value();
  }();
  return ds;
}

TEST(BaselineBuilder, SyntheticIcbTotalsEqualASlowCount) {
  const Dataset& ds = SynthDataset();
  const int year = LatestCompleteYear(ds);
  ASSERT_EQ(year, 2022);  // the fixture holds 2020/21 - 2022/23
  auto built = BuildBaselineActivity(ds, Config(), year);
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  const ActivityTotals got = SumActivity(*built);

  // Slow twin: event by event, no chunks, no aggregation.
  const int32_t ys = D(year, 4, 1), ye = D(year + 1, 3, 31), data_end = ds.LastEventDate();
  std::array<double, kActivityTypeCount> units{}, bed_days{}, cost{};
  const EventTable& ev = ds.events;
  for (size_t p = 0; p < ds.person_count(); ++p) {
    int32_t covered = ys - 1;
    for (uint64_t e = ev.offsets[p]; e < ev.offsets[p + 1]; ++e) {
      const Pod pod = static_cast<Pod>(ev.pod[e]);
      const std::string_view a1 = ds.attrs.Get(ev.attr1[e]), a2 = ds.attrs.Get(ev.attr2[e]), a3 = ds.attrs.Get(ev.attr3[e]);
      const int32_t d = ev.date[e];
      if (pod == Pod::kSocialCare) {
        if (!(a1 == "NURSING" || a1 == "RESIDENTIAL" || a1 == "HOME_CARE" || a1 == "DIRECT_PAYMENT" || a1 == "DAY_CARE" ||
              a1 == "SUPPORTED_LIVING") || d > ye)
          continue;
        int32_t stop = ev.end_date[e] == kNoDate ? ye : ev.end_date[e];
        if (ds.persons.death[p] != kNoDate) stop = std::min(stop, ds.persons.death[p]);
        const int32_t s = std::max({d, ys, covered + 1}), t = std::min(stop, ye);
        if (t >= s) {
          units[static_cast<size_t>(ActivityType::kSocialCare)] += (t - s + 1) / 7.0;
          covered = t;
        }
        const int32_t pe = ev.end_date[e] == kNoDate ? std::max(data_end, d) : ev.end_date[e];
        const double in_year = std::max(0, std::min(pe, ye) - std::max(d, ys) + 1);
        cost[static_cast<size_t>(ActivityType::kSocialCare)] +=
            std::llround(ev.cost_pence[e] * in_year / std::max(1, pe - d + 1));
        continue;
      }
      if (d < ys || d > ye) continue;
      ActivityType type;
      switch (pod) {
        case Pod::kAe: type = ActivityType::kAe; break;
        case Pod::kElective: type = ActivityType::kElective; break;
        case Pod::kDayCase: type = ActivityType::kDayCase; break;
        case Pod::kNonElective: type = ActivityType::kNonElective; break;
        case Pod::kMaternity: type = ActivityType::kMaternity; break;
        case Pod::kOutpatientFirst:
        case Pod::kOutpatientFollowUp:
          if (a2 == "0" || a2 == "2" || a2 == "3" || a2 == "4" || a2 == "7") continue;
          type = a3 == "3" || a3 == "4" ? ActivityType::kOpTele
                 : pod == Pod::kOutpatientFirst ? ActivityType::kOpFirst : ActivityType::kOpFollowUp;
          break;
        case Pod::kGpAppointment:
          if (a3 == "DNA" || a3 == "UNKNOWN") continue;
          type = ActivityType::kGp;
          break;
        case Pod::kCommunity: type = ActivityType::kCommunity; break;
        case Pod::kMentalHealth: type = ActivityType::kMentalHealth; break;
        case Pod::kPrescribing: type = ActivityType::kPrescribing; break;
        default: continue;
      }
      const size_t i = static_cast<size_t>(type);
      const double n = type == ActivityType::kPrescribing ? ev.quantity[e] : 1.0;
      units[i] += n;
      cost[i] += ev.cost_pence[e];
      if (HasLengthOfStay(type)) bed_days[i] += (ev.end_date[e] == kNoDate ? std::max(data_end, d) : ev.end_date[e]) - d;
    }
  }
  for (int i = 0; i < kActivityTypeCount; ++i) {
    SCOPED_TRACE(std::string(ActivityTypeName(static_cast<ActivityType>(i))));
    EXPECT_NEAR(got.units[i], units[i], 1e-6 * std::max(1.0, units[i]));
    EXPECT_NEAR(got.bed_days[i], bed_days[i], 1e-6 * std::max(1.0, bed_days[i]));
    EXPECT_NEAR(got.cost_pence[i], cost[i], 1e-6 * std::max(1.0, cost[i]));
  }
  // The synthetic ICB has activity of every setting the builder reads.
  for (ActivityType t : {ActivityType::kAe, ActivityType::kNonElective, ActivityType::kOpFollowUp, ActivityType::kGp,
                         ActivityType::kPrescribing, ActivityType::kSocialCare})
    EXPECT_GT(got.units[static_cast<size_t>(t)], 0) << ActivityTypeName(t);

  // Thread count does not change the table.
  SetThreadCount(1);
  auto one = BuildBaselineActivity(ds, Config(), year);
  SetThreadCount(0);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->type, built->type);
  EXPECT_EQ(one->count, built->count);
  EXPECT_EQ(one->cost_pence, built->cost_pence);
  EXPECT_EQ(one->strategy_ids, built->strategy_ids);
}

// Segment transitions on the synthetic ICB: 2020 -> 2021 -> 2022, both schemes; every row a
// probability distribution; staying is the commonest move from the lasting states (healthy and
// long-term conditions in B2H, CS1 in CMS; maternal/infant and acutely ill are transient by their
// 12-month rules, so most of their people move on, as Lynn et al. 2007 describe); and people
// counted once per year pair (moves + exits = people in the population at the first date).
TEST(SegmentTransitions, SyntheticIcbTransitionsArePlausible) {
  const Dataset& ds = SynthDataset();
  for (SegmentScheme scheme : {SegmentScheme::kBridgesToHealth, SegmentScheme::kCmsCore}) {
    auto m = EstimateTransitions(ds, Config(), scheme, 2022, 2);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    double moved = 0, exits = 0;
    for (double c : m->counts) moved += c;
    for (double e : m->exits) exits += e;
    double in_population = 0;
    for (int y : {2020, 2021}) {
      auto scores = ComputePersonScores(ds, D(y, 4, 1), Config());
      ASSERT_TRUE(scores.ok());
      for (uint8_t v : scores->in_population) in_population += v;
    }
    EXPECT_EQ(moved + exits, in_population);
    for (int sex = 0; sex < kSexes; ++sex)
      for (int band = 0; band < static_cast<int>(m->age_band_lower.size()); ++band)
        for (int from = 0; from < m->states; ++from) {
          double s = 0;
          for (int to = 0; to < m->states; ++to) s += m->At(sex, band, from, to);
          EXPECT_NEAR(s, 1.0, 1e-12);
          const size_t row = (static_cast<size_t>(sex) * m->age_band_lower.size() + static_cast<size_t>(band)) *
                                 static_cast<size_t>(m->states) + static_cast<size_t>(from);
          const bool lasting = scheme == SegmentScheme::kBridgesToHealth ? (from == 0 || from == 3) : from == 0;
          if (m->observed[row] < 50 || !lasting) continue;
          for (int to = 0; to < m->states; ++to) {
            if (to != from) {
              EXPECT_GE(m->At(sex, band, from, from), m->At(sex, band, from, to)) << sex << band << from << to;
            }
          }
        }
  }
}

}  // namespace
}  // namespace icb::forecast
