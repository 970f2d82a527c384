// LiveFeed and live batches (src/server/live_feed.h, live_batch.h): counts from a hand-made dataset
// and a hand-made batch land on the right day, place and provider; XmR limits against a hand
// calculation; versions and waiters; rejects with file, line and column; a half-written batch is
// ignored; persons not in the dataset are counted as unmatched; the watched folder.
#include "server/live_feed.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/date.h"
#include "core/file_util.h"
#include "data/dataset_builder.h"
#include "governance/disclosure.h"
#include "ingest/pseudonym.h"
#include "server/live_batch.h"

namespace icb::server {
namespace {

namespace fs = std::filesystem;

int32_t D(const char* iso) { return Date::ParseIso(iso)->days(); }

// A valid NHS number from nine digits: the Modulus 11 check digit (NHS Data Dictionary, NHS NUMBER:
// weights 10..2, check = 11 - sum mod 11, 11 -> 0, 10 -> not used).
std::string Nhs(std::string nine) {
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (nine[static_cast<size_t>(i)] - '0') * (10 - i);
  int check = 11 - sum % 11;
  if (check == 11) check = 0;
  EXPECT_NE(check, 10) << nine;
  return nine + static_cast<char>('0' + check);
}

const HmacKey& Key() {
  static const HmacKey key = HmacKey::FromBytes(std::string(32, 'k'));
  return key;
}

// Two places (Bolton: practice A00001 and LSOA 0; Bury: LSOA 1), providers RM3 and R0A. Person A
// (registered at A00001) and person B (not registered, living in Bury). The dataset ends 2024-03-31.
//   2024-03-30: A: emergency spell (method 21) at RM3 with 3 ICD-10 codes; B: an A&E attendance at
//               R0A; A: 4 prescription items at A00001.
//   2024-03-31: B: elective spell (11) at R0A with 1 code. 2023-01-01: an A&E attendance (before the
//   window of 120 days: not counted).
struct World {
  std::string nhs_a = Nhs("999000001"), nhs_b = Nhs("999000002"), nhs_stranger = Nhs("999000003");
  Dataset ds;
  World() {
    DatasetBuilder b;
    auto& l = b.ds.lsoas;
    for (const char* place : {"Bolton", "Bury"}) {
      l.code.Intern(std::string(place) == "Bolton" ? "E01000001" : "E01000002");
      l.name.push_back(place);
      l.place_code.push_back(place);
      l.place_name.push_back(place);
      l.sub_icb.push_back("00T");
      l.imd_decile.push_back(5);
      l.imd_quintile.push_back(3);
    }
    auto& pr = b.ds.practices;
    pr.code.Intern("A00001");
    pr.name.push_back("Practice A");
    pr.pcn_code.push_back("U1");
    pr.pcn_name.push_back("PCN 1");
    pr.sub_icb.push_back("00T");
    pr.place_name.push_back("Bolton");
    for (const char* code : {"RM3", "R0A"}) {
      b.ds.providers.code.Intern(code);
      b.ds.providers.name.push_back(std::string("Trust ") + code);
      b.ds.providers.type.push_back("acute");
    }
    const uint32_t a = b.AddPerson(NhsPseudonym(Key(), nhs_a), D("1950-01-01"), 1, 0, 1, kNoDate);  // lives in Bury
    const uint32_t p_b = b.AddPerson(NhsPseudonym(Key(), nhs_b), D("1960-01-01"), 2, 0, 1, kNoDate);
    b.ds.registrations.practice.push_back(0);
    b.ds.registrations.start.push_back(D("2000-01-01"));
    b.ds.registrations.end.push_back(kNoDate);
    b.registration_person.push_back(a);
    auto event = [&](uint32_t person, const char* day, Setting s, Pod pod, const char* org, const char* attr1,
                     uint16_t qty) {
      auto& e = b.ds.events;
      e.date.push_back(D(day));
      e.end_date.push_back(kNoDate);
      e.setting.push_back(static_cast<uint8_t>(s));
      e.pod.push_back(static_cast<uint8_t>(pod));
      e.provider.push_back(b.ds.orgs.Intern(org));
      e.attr1.push_back(attr1[0] ? b.ds.attrs.Intern(attr1) : Dictionary::kNone);
      e.attr2.push_back(Dictionary::kNone);
      e.attr3.push_back(Dictionary::kNone);
      e.code.push_back(Dictionary::kNone);
      e.procedure.push_back(Dictionary::kNone);
      e.hrg.push_back(Dictionary::kNone);
      e.cost_pence.push_back(100);
      e.quantity.push_back(qty);
      b.event_person.push_back(person);
    };
    auto coded = [&](uint32_t person, const char* day, const char* code) {
      b.ds.coded.date.push_back(D(day));
      b.ds.coded.system.push_back(static_cast<uint8_t>(CodeSystem::kIcd10));
      b.ds.coded.code.push_back(b.ds.codes.Intern(code));
      b.ds.coded.value.push_back(stats_nan());
      b.ds.coded.unit.push_back(Dictionary::kNone);
      b.coded_person.push_back(person);
    };
    event(a, "2024-03-30", Setting::kApc, Pod::kNonElective, "RM3", "21", 1);
    for (const char* code : {"I214", "I10X", "E119"}) coded(a, "2024-03-30", code);
    event(p_b, "2024-03-30", Setting::kAe, Pod::kAe, "R0A", "01", 1);
    event(a, "2024-03-30", Setting::kPrescribing, Pod::kPrescribing, "A00001", "", 4);
    event(p_b, "2024-03-31", Setting::kApc, Pod::kElective, "R0A", "11", 1);
    coded(p_b, "2024-03-31", "K219");
    event(p_b, "2023-01-01", Setting::kAe, Pod::kAe, "R0A", "01", 1);
    auto r = b.Finish();
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    ds = std::move(*r);
  }
  static double stats_nan() { return std::numeric_limits<double>::quiet_NaN(); }
};

ReleaseFn Release() {
  return [](report::Report r) -> Result<report::Report> {
    ICB_RETURN_IF_ERROR(governance::ApplyDisclosure(r, governance::StandardPolicy()));
    return r;
  };
}

std::string TempState(const std::string& name) {
  const fs::path p = fs::temp_directory_path() / ("icb_live_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p.string();
}

TEST(LiveFeed, SeedCountsLandOnTheRightDayPlaceAndProvider) {
  World w;
  LiveFeedOptions o;
  o.state_dir = TempState("seed");
  auto feed = LiveFeed::Open(w.ds, o, Release());
  ASSERT_TRUE(feed.ok()) << feed.status().ToString();
  LiveFeed& f = **feed;
  EXPECT_EQ(f.latest_day(), D("2024-03-31"));
  // A is registered at A00001 (Bolton) although living in Bury: the practice's place wins.
  const LiveCounts bolton = f.PlaceCounts(D("2024-03-30"), "Bolton");
  EXPECT_EQ(bolton.emergency, 1);
  EXPECT_EQ(bolton.spells, 1);
  EXPECT_EQ(bolton.codes, 3);
  EXPECT_EQ(bolton.items, 4);
  EXPECT_EQ(bolton.ae, 0);
  // B is not registered: the LSOA's place.
  EXPECT_EQ(f.PlaceCounts(D("2024-03-30"), "Bury").ae, 1);
  const LiveCounts bury31 = f.PlaceCounts(D("2024-03-31"), "Bury");
  EXPECT_EQ(bury31.spells, 1);
  EXPECT_EQ(bury31.emergency, 0);  // method 11: elective
  EXPECT_EQ(bury31.codes, 1);
  EXPECT_EQ(f.OrgCounts(D("2024-03-30"), "RM3").emergency, 1);
  EXPECT_EQ(f.OrgCounts(D("2024-03-30"), "R0A").ae, 1);
  EXPECT_EQ(f.OrgCounts(D("2024-03-30"), "A00001").items, 4);
  // Before the 120-day window: not seeded.
  EXPECT_EQ(f.PlaceCounts(D("2023-01-01"), "Bury").ae, 0);
  // The report: released, with the three tables and SPC charts on the place table.
  auto snap = f.Current();
  ASSERT_NE(snap, nullptr);
  EXPECT_EQ(snap->version, 1u);
  EXPECT_FALSE(snap->report->disclosure.empty());
  for (const char* t : {"live_summary", "live_daily_by_place", "live_daily_by_provider"}) {
    EXPECT_NE(snap->report->Find(t), nullptr) << t;
  }
  EXPECT_EQ(snap->report->charts.size(), 2u * 4u);  // two places, four measures
  EXPECT_EQ(snap->report->charts[0].kind, report::ChartKind::kSpc);
  EXPECT_TRUE(governance::VerifyDisclosure(*snap->report, governance::StandardPolicy()).ok());
  fs::remove_all(o.state_dir);
}

TEST(LiveFeed, AppendedBatchCountsVersionsAndUnmatchedPersons) {
  World w;
  LiveFeedOptions o;
  o.state_dir = TempState("append");
  auto feed = LiveFeed::Open(w.ds, o, Release());
  ASSERT_TRUE(feed.ok()) << feed.status().ToString();
  LiveFeed& f = **feed;
  const std::string csv =
      "nhs_number,arrival_date,provider_code,ae_department_type,arrival_mode,attendance_disposal,diagnosis_snomed,"
      "hrg_code,cost\n" +
      w.nhs_a + ",2024-03-31,RM3,01,1,01,,VB01Z,100.00\n" + w.nhs_b + ",2024-03-31,RM3,01,2,03,,VB03Z,90.00\n" +
      w.nhs_stranger + ",2024-03-31,R0A,01,2,03,,VB03Z,90.00\n";
  auto parsed = ParseLiveCsv("ae_attendances_today.csv", csv, Key(), D("2024-04-01"));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->kind, LiveKind::kAe);
  ASSERT_EQ(parsed->rows.size(), 3u);
  EXPECT_TRUE(parsed->rejects.empty());
  const uint64_t v0 = f.Current()->version;
  ASSERT_TRUE(f.Apply("batch-1", parsed->rows).ok());
  EXPECT_EQ(f.Current()->version, v0 + 1);
  EXPECT_EQ(f.PlaceCounts(D("2024-03-31"), "Bolton").ae, 1);  // A
  EXPECT_EQ(f.PlaceCounts(D("2024-03-31"), "Bury").ae, 1);    // B
  EXPECT_EQ(f.PlaceCounts(D("2024-03-31"), LiveFeed::kUnmatchedPlace).ae, 1);
  EXPECT_EQ(f.OrgCounts(D("2024-03-31"), "RM3").ae, 2);
  EXPECT_EQ(f.OrgCounts(D("2024-03-31"), "R0A").ae, 1);
  EXPECT_EQ(f.unmatched_rows(), 1);
  EXPECT_EQ(f.appended_rows(), 3);
  // The same batch again is not counted twice and publishes nothing.
  ASSERT_TRUE(f.Apply("batch-1", parsed->rows).ok());
  EXPECT_EQ(f.Current()->version, v0 + 1);
  EXPECT_EQ(f.appended_rows(), 3);
  // A later day moves the window.
  std::vector<LiveRow> later = parsed->rows;
  for (auto& r : later) r.day = D("2024-04-02");
  ASSERT_TRUE(f.Apply("batch-2", later).ok());
  EXPECT_EQ(f.latest_day(), D("2024-04-02"));
  EXPECT_EQ(f.Current()->version, v0 + 2);
  fs::remove_all(o.state_dir);
}

TEST(LiveFeed, WaitersAreWokenByANewVersionAndByStop) {
  World w;
  LiveFeedOptions o;
  o.state_dir = TempState("wait");
  auto feed = LiveFeed::Open(w.ds, o, Release());
  ASSERT_TRUE(feed.ok());
  LiveFeed& f = **feed;
  const uint64_t v = f.Current()->version;
  EXPECT_EQ(f.WaitNewer(v, std::chrono::milliseconds(10))->version, v);  // nothing new
  std::thread t([&] {
    LiveRow r;
    r.kind = LiveKind::kAe;
    r.day = D("2024-03-31");
    r.org = "RM3";
    r.items = 1;
    ASSERT_TRUE(f.Apply("b", {r}).ok());
  });
  EXPECT_EQ(f.WaitNewer(v, std::chrono::seconds(30))->version, v + 1);
  t.join();
  std::thread s([&] { f.Stop(); });
  EXPECT_EQ(f.WaitNewer(v + 1, std::chrono::seconds(30))->version, v + 1);  // woken by Stop, not by the timeout
  s.join();
  EXPECT_TRUE(f.stopping());
  fs::remove_all(o.state_dir);
}

// XmR limits: mean +/- 2.66 x the mean moving range (NHS England, Making Data Count: "Making data
// count: getting started", 2019; NHSRplotthedots 0.2.2). 20 days alternating 10 and 20 A&E
// attendances (published unchanged: multiples of 5 above 7): mean 15, every moving range 10, so
// the limits are 15 - 26.6 = -11.6 and 15 + 26.6 = 41.6.
TEST(LiveFeed, SpcLimitsFromTheDailySeries) {
  World w0;
  DatasetBuilder b;
  b.ds = Dataset();
  // One place, one person registered nowhere living in it, 20 days of A&E.
  b.ds.lsoas.code.Intern("E01000001");
  b.ds.lsoas.name.push_back("Bolton");
  b.ds.lsoas.place_code.push_back("Bolton");
  b.ds.lsoas.place_name.push_back("Bolton");
  b.ds.lsoas.sub_icb.push_back("00T");
  b.ds.lsoas.imd_decile.push_back(5);
  b.ds.lsoas.imd_quintile.push_back(3);
  b.ds.providers.code.Intern("RM3");
  b.ds.providers.name.push_back("Trust");
  b.ds.providers.type.push_back("acute");
  const uint32_t p = b.AddPerson(NhsPseudonym(Key(), w0.nhs_a), D("1950-01-01"), 1, 0, 0, kNoDate);
  const int32_t last = D("2024-03-31");
  for (int i = 0; i < 20; ++i) {
    const int n = i % 2 == 0 ? 10 : 20;
    for (int k = 0; k < n; ++k) {
      auto& e = b.ds.events;
      e.date.push_back(last - 19 + i);
      e.end_date.push_back(kNoDate);
      e.setting.push_back(static_cast<uint8_t>(Setting::kAe));
      e.pod.push_back(static_cast<uint8_t>(Pod::kAe));
      e.provider.push_back(b.ds.orgs.Intern("RM3"));
      for (auto* v : {&e.attr1, &e.attr2, &e.attr3, &e.code, &e.procedure, &e.hrg}) v->push_back(Dictionary::kNone);
      e.cost_pence.push_back(1);
      e.quantity.push_back(1);
      b.event_person.push_back(p);
    }
  }
  auto ds = b.Finish();
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  LiveFeedOptions o;
  o.state_dir = TempState("spc");
  o.window_days = 20;
  o.baseline_days = 0;
  auto feed = LiveFeed::Open(*ds, o, Release());
  ASSERT_TRUE(feed.ok()) << feed.status().ToString();
  const report::Table* t = (*feed)->Current()->report->Find("live_daily_by_place");
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->row_count(), 20u);
  const size_t mean = *t->ColumnIndex("ae_mean"), lpl = *t->ColumnIndex("ae_lpl"), upl = *t->ColumnIndex("ae_upl"),
               type = *t->ColumnIndex("ae_type"), ae = *t->ColumnIndex("ae");
  for (size_t r = 0; r < t->row_count(); ++r) {
    const auto& row = t->rows()[r];
    EXPECT_EQ(std::get<int64_t>(row[ae]), r % 2 == 0 ? 10 : 20);
    EXPECT_NEAR(std::get<double>(row[mean]), 15.0, 1e-9);
    EXPECT_NEAR(std::get<double>(row[lpl]), -11.6, 1e-9);
    EXPECT_NEAR(std::get<double>(row[upl]), 41.6, 1e-9);
    EXPECT_EQ(std::get<std::string>(row[type]), "common_cause");
  }
  fs::remove_all(o.state_dir);
}

TEST(LiveBatch, RejectsCarryFileLineColumnAndReasonNeverTheValue) {
  World w;
  const std::string csv =
      "nhs_number,provider_code,admission_date,discharge_date,admission_method,patient_classification,"
      "point_of_delivery,primary_diagnosis_icd10,secondary_diagnoses_icd10,primary_procedure_opcs4,hrg_code,cost\n" +
      w.nhs_a + ",RM3,2024-03-31,,21,1,NEL,I214,I10X;E119,,EB10A,100.00\n" +  // line 2: fine, 3 codes
      "1234567890,RM3,2024-03-31,,21,1,NEL,I214,,,EB10A,100.00\n" +          // line 3: bad check digit
      "\n" +                                                                   // line 4: blank
      w.nhs_b + ",RM3,2024-02-30,,21,1,NEL,I214,,,EB10A,100.00\n" +           // line 5: no such day
      w.nhs_b + ",RM3,2024-03-31,,11,1,NEL,I214,,,EB10A,100.00\n" +           // line 6: NEL with method 11
      w.nhs_b + ",RM3,2024-03-31,2024-03-01,21,1,NEL,I214,,,EB10A,100.00\n" + // line 7: discharge first
      w.nhs_b + ",\"RM3\nX\",2024-03-31\n" +                                   // lines 8-9: quoted break, 3 fields
      w.nhs_b + ",RM3,2024-04-05,,21,1,NEL,I214,,,EB10A,100.00\n";             // line 10: in the future
  auto parsed = ParseLiveCsv("apc_spells.csv", csv, Key(), D("2024-04-01"));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->kind, LiveKind::kApc);
  EXPECT_EQ(parsed->rows_read, 7u);
  EXPECT_EQ(parsed->rows.size(), 1u);
  EXPECT_EQ(parsed->rows_rejected, 6u);
  ASSERT_EQ(parsed->rows.size(), 1u);
  EXPECT_TRUE(parsed->rows[0].emergency);
  EXPECT_EQ(parsed->rows[0].diagnoses, 3u);
  EXPECT_EQ(parsed->rows[0].pseudonym, NhsPseudonym(Key(), w.nhs_a));
  struct Want {
    uint64_t line;
    std::string column;
  };
  const std::vector<Want> want = {{3, "nhs_number"},        {5, "admission_date"}, {6, "point_of_delivery"},
                                  {7, "discharge_date"},    {8, ""},               {10, "admission_date"}};
  ASSERT_EQ(parsed->rejects.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(parsed->rejects[i].file, "apc_spells.csv");
    EXPECT_EQ(parsed->rejects[i].line, want[i].line) << i;
    EXPECT_EQ(parsed->rejects[i].column, want[i].column) << i;
    EXPECT_FALSE(parsed->rejects[i].reason.empty());
    EXPECT_EQ(parsed->rejects[i].reason.find("1234567890"), std::string::npos);
    EXPECT_EQ(parsed->rejects[i].reason.find("2024-02-30"), std::string::npos);
  }
  // The rejects CSV keeps them all.
  const std::string rejects = LiveRejectsCsv(parsed->rejects);
  EXPECT_EQ(std::count(rejects.begin(), rejects.end(), '\n'), 7);
  EXPECT_NE(rejects.find("apc_spells.csv,3,nhs_number,"), std::string::npos);
  // A header that fits no layout is an error naming line 1.
  auto bad = ParseLiveCsv("stuff.csv", "a,b,c\n1,2,3\n", Key(), D("2024-04-01"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(bad.status().message().find("stuff.csv:1:"), std::string::npos);
}

TEST(LiveBatch, BatchFilesRoundTripAndHalfWrittenOnesAreIgnored) {
  World w;
  LiveParse parsed;
  parsed.kind = LiveKind::kPrescription;
  LiveRow r;
  r.kind = LiveKind::kPrescription;
  r.day = D("2024-03-31");
  r.pseudonym = NhsPseudonym(Key(), w.nhs_a);
  r.org = "A00001";
  r.items = 7;
  parsed.rows = {r};
  const std::string text = LiveBatchText(parsed.rows);
  auto back = ParseLiveBatch(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, parsed.rows);
  // Cut anywhere before the trailer's end: Corrupt, never a partial batch.
  for (size_t cut : {size_t{0}, size_t{10}, text.size() / 2, text.size() - 3, text.size() - 1}) {
    auto half = ParseLiveBatch(text.substr(0, cut));
    EXPECT_FALSE(half.ok()) << cut;
  }
  // In the state folder: a complete batch, a temporary being written, and a batch without its trailer.
  const std::string state = TempState("batch");
  auto id = WriteLiveBatch(state, parsed);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  const fs::path live = fs::path(state) / kLiveDir;
  EXPECT_TRUE(fs::exists(live / (*id + kBatchSuffix)));
  EXPECT_FALSE(fs::exists(live / (*id + ".rejects.csv")));  // no rejects, no file
  std::ofstream(live / ("zzz-writing" + std::string(kBatchSuffix) + ".tmp.123")) << text.substr(0, text.size() / 2);
  std::ofstream(live / ("zzz-truncated" + std::string(kBatchSuffix))) << text.substr(0, text.size() - 8);
  LiveFeedOptions o;
  o.state_dir = state;
  auto feed = LiveFeed::Open(w.ds, o, Release());
  ASSERT_TRUE(feed.ok()) << feed.status().ToString();
  EXPECT_EQ((*feed)->batches_applied(), 1u);
  EXPECT_EQ((*feed)->appended_rows(), 1);
  EXPECT_EQ((*feed)->PlaceCounts(D("2024-03-31"), "Bolton").items, 7);
  // Polling again applies nothing new.
  auto again = (*feed)->Poll();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
  fs::remove_all(state);
}

TEST(LiveFeed, WatchedFolderTakesCsvFilesWithTheKey) {
  World w;
  LiveFeedOptions o;
  o.state_dir = TempState("inbox");
  o.key = Key();
  auto feed = LiveFeed::Open(w.ds, o, Release());
  ASSERT_TRUE(feed.ok()) << feed.status().ToString();
  const fs::path inbox = fs::path(o.state_dir) / kInboxDir;
  // Dated yesterday in real time, so the "future" check never trips; outside the 2024 window is
  // fine: the latest day moves to it.
  const int32_t yesterday = static_cast<int32_t>(
      std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()).time_since_epoch().count() - 1);
  const std::string day = Date(yesterday).ToIso();
  std::ofstream(inbox / "rx.csv") << "nhs_number,dispensed_date,gp_practice_code,bnf_code,items,cost\n"
                                  << w.nhs_a << "," << day << ",A00001,0206020A0,2,1.00\n"
                                  << w.nhs_a << "," << day << ",A00001,0206020A0,0,1.00\n";
  std::ofstream(inbox / "junk.csv") << "what,is,this\n1,2,3\n";
  std::ofstream(inbox / ".partial.csv") << "nhs_number,dis";
  // Files changed in the last 150 ms may still be being copied: not taken yet.
  auto none = (*feed)->Poll();
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0);
  EXPECT_TRUE(fs::exists(inbox / "rx.csv"));
  for (const char* f : {"rx.csv", "junk.csv"}) {
    fs::last_write_time(inbox / f, fs::file_time_type::clock::now() - std::chrono::seconds(1));
  }
  auto n = (*feed)->Poll();
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 1);
  EXPECT_TRUE(fs::exists(inbox / "done" / "rx.csv"));
  EXPECT_TRUE(fs::exists(inbox / "rejected" / "junk.csv"));
  EXPECT_TRUE(fs::exists(inbox / "rejected" / "junk.csv.reason.txt"));
  EXPECT_TRUE(fs::exists(inbox / ".partial.csv"));  // hidden files are left alone
  EXPECT_EQ((*feed)->PlaceCounts(yesterday, "Bolton").items, 2);
  // The rejected row (0 items) is kept in a rejects file beside the batch.
  size_t rejects_files = 0;
  for (const auto& e : fs::directory_iterator(fs::path(o.state_dir) / kLiveDir)) {
    if (e.path().string().find(".rejects.csv") != std::string::npos) {
      ++rejects_files;
      auto text = ReadFile(e.path().string());
      ASSERT_TRUE(text.ok());
      EXPECT_NE(text->find("rx.csv,3,items,"), std::string::npos) << *text;
    }
  }
  EXPECT_EQ(rejects_files, 1u);
  fs::remove_all(o.state_dir);
}

}  // namespace
}  // namespace icb::server
