// OMOP CDM v5.4 reader: the Synthea27Nj sample (tests/data/omop_synthea27nj) loads completely and
// consistently, and bad rows are rejected with file, line, column and reason.
#include "ingest/omop_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/file_util.h"
#include "core/parallel.h"
#include "data/contract.h"

namespace icb {
namespace {

namespace fs = std::filesystem;

const std::string kSample = std::string(ICB_TEST_DATA_DIR) + "/omop_synthea27nj";

HmacKey TestKey() { return HmacKey::FromBytes(std::string(32, '\x5a')); }

// Data lines of a CSV file without quoted line breaks (the sample has no quotes at all).
std::vector<std::vector<std::string>> ReadSimpleCsv(const std::string& path) {
  std::vector<std::vector<std::string>> rows;
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<std::string> fields;
    std::stringstream ss(line);
    std::string f;
    while (std::getline(ss, f, ',')) fields.push_back(f);
    if (!line.empty() && line.back() == ',') fields.emplace_back();
    rows.push_back(std::move(fields));
  }
  return rows;
}

const FileReport* FindFile(const IngestReport& r, const std::string& file) {
  for (const auto& f : r.files)
    if (f.file == file) return &f;
  return nullptr;
}

class OmopSample : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    report_ = new IngestReport;
    auto ds = ReadOmop(kSample, TestKey(), *report_);
    ASSERT_TRUE(ds.ok()) << ds.status().ToString();
    ds_ = new Dataset(std::move(ds.value()));
  }
  static void TearDownTestSuite() {
    delete ds_;
    delete report_;
  }
  static Dataset* ds_;
  static IngestReport* report_;
};
Dataset* OmopSample::ds_ = nullptr;
IngestReport* OmopSample::report_ = nullptr;

TEST_F(OmopSample, EveryFileIsCountedAndBalances) {
  ASSERT_EQ(report_->source_format, "omop-cdm-5.4");
  // Data rows in the source files (counted with wc -l minus the header; see the data README).
  const std::map<std::string, uint64_t> expected = {
      {"person.csv", 28},         {"observation_period.csv", 28}, {"visit_occurrence.csv", 1791},
      {"condition_occurrence.csv", 470}, {"drug_exposure.csv", 883}, {"procedure_occurrence.csv", 1649},
      {"death.csv", 3},           {"location.csv", 0}};
  ASSERT_EQ(report_->files.size(), expected.size());
  for (const auto& [file, rows] : expected) {
    const FileReport* f = FindFile(*report_, file);
    ASSERT_NE(f, nullptr) << file;
    EXPECT_TRUE(f->present) << file;
    EXPECT_EQ(f->rows_read, rows) << file;
    // Independently: the lines of the file itself.
    EXPECT_EQ(f->rows_read, ReadSimpleCsv(kSample + "/" + file).size()) << file;
    EXPECT_TRUE(f->Balances()) << file;
    EXPECT_EQ(f->sha256.size(), 64u);
    EXPECT_EQ(f->bytes, fs::file_size(kSample + "/" + file));
  }
  EXPECT_TRUE(report_->Balances());
}

TEST_F(OmopSample, NothingIsRejectedAndEveryRowLands) {
  // The sample is clean: every row maps. (Were one rejected, the report would say where and why.)
  for (const auto& r : report_->rejects)
    ADD_FAILURE() << r.file << " line " << r.line << " column " << r.column << ": " << r.reason;
  for (const auto& f : report_->files) EXPECT_EQ(f.rows_loaded, f.rows_read) << f.file;
  const Dataset& ds = *ds_;
  EXPECT_EQ(ds.source_format, "omop-cdm-5.4");
  EXPECT_TRUE(ds.Validate().ok());
  EXPECT_EQ(ds.person_count(), 28u);
  EXPECT_EQ(ds.registrations.size(), 28u);
  EXPECT_EQ(ds.events.size(), 1791u + 883u);   // visits + drug exposures
  EXPECT_EQ(ds.coded.size(), 470u + 1649u);     // conditions + procedures
  size_t dead = 0;
  for (auto d : ds.persons.death) dead += d != kNoDate;
  EXPECT_EQ(dead, 3u);
  // One LSOA row (location not known: location.csv is empty) and one practice.
  EXPECT_EQ(ds.lsoas.size(), 1u);
  EXPECT_EQ(ds.practices.size(), 1u);
}

TEST_F(OmopSample, VisitsMapToSettings) {
  std::map<int, size_t> by_setting, by_pod;
  for (size_t i = 0; i < ds_->events.size(); ++i) {
    ++by_setting[ds_->events.setting[i]];
    ++by_pod[ds_->events.pod[i]];
  }
  // From the file: 13 inpatient (9201), 56 ER (9203), 1,722 outpatient (9202) visits.
  EXPECT_EQ(by_setting[static_cast<int>(Setting::kApc)], 13u);
  EXPECT_EQ(by_pod[static_cast<int>(Pod::kElective)], 13u);
  EXPECT_EQ(by_setting[static_cast<int>(Setting::kAe)], 56u);
  EXPECT_EQ(by_setting[static_cast<int>(Setting::kOutpatient)], 1722u);
  EXPECT_EQ(by_setting[static_cast<int>(Setting::kPrescribing)], 883u);
  EXPECT_EQ(by_setting[static_cast<int>(Setting::kGpAppointment)], 0u);
  // Each person's first outpatient visit with a provider is a first attendance.
  EXPECT_GT(by_pod[static_cast<int>(Pod::kOutpatientFirst)], 0u);
  EXPECT_GT(by_pod[static_cast<int>(Pod::kOutpatientFollowUp)], by_pod[static_cast<int>(Pod::kOutpatientFirst)]);
  std::set<std::pair<std::string, std::string>> clinics;
  for (const auto& row : ReadSimpleCsv(kSample + "/visit_occurrence.csv"))
    if (row[2] == "9202") clinics.insert({row[1], row[9].empty() ? row[8] : row[9]});
  EXPECT_EQ(by_pod[static_cast<int>(Pod::kOutpatientFirst)], clinics.size());
  // Prescriptions are one item each, costs are zero (no cost table is read).
  for (size_t i = 0; i < ds_->events.size(); ++i) {
    EXPECT_EQ(ds_->events.quantity[i], 1u);
    EXPECT_EQ(ds_->events.cost_pence[i], 0);
  }
}

TEST_F(OmopSample, PersonsArePseudonymisedAndMapped) {
  const auto persons = ReadSimpleCsv(kSample + "/person.csv");
  std::map<Digest, const std::vector<std::string>*> by_pseudonym;
  for (const auto& p : persons) by_pseudonym[TestKey().Sign("omop:" + p[0])] = &p;
  ASSERT_EQ(by_pseudonym.size(), 28u);
  const uint8_t eth_c = *EthnicIndex("C"), eth_p = *EthnicIndex("P"), eth_l = *EthnicIndex("L"),
                eth_99 = *EthnicIndex("99");
  for (size_t i = 0; i < ds_->person_count(); ++i) {
    auto it = by_pseudonym.find(ds_->persons.pseudonym[i]);
    ASSERT_NE(it, by_pseudonym.end());
    const auto& src = *it->second;
    // Birth: year and month of birth, first of the month.
    const Date birth(ds_->persons.birth[i]);
    EXPECT_EQ(birth.year(), std::stoi(src[2]));
    EXPECT_EQ(birth.month(), std::stoi(src[3]));
    EXPECT_EQ(birth.day(), 1);
    const uint8_t sex = ds_->persons.sex[i];
    EXPECT_EQ(sex, src[1] == "8507" ? 1 : src[1] == "8532" ? 2 : 0);
    const uint8_t eth = ds_->persons.ethnicity[i];
    const std::string& race = src[6];
    EXPECT_EQ(eth, race == "8527" ? eth_c : race == "8516" ? eth_p : race == "8515" ? eth_l : eth_99) << race;
    EXPECT_EQ(ds_->persons.lsoa[i], 0u);
  }
  // Deaths on the right people and dates.
  for (const auto& d : ReadSimpleCsv(kSample + "/death.csv")) {
    const Digest p = TestKey().Sign("omop:" + d[0]);
    bool found = false;
    for (size_t i = 0; i < ds_->person_count(); ++i)
      if (ds_->persons.pseudonym[i] == p) {
        EXPECT_EQ(ds_->persons.death[i], Date::ParseIso(d[1])->days());
        found = true;
      }
    EXPECT_TRUE(found);
  }
}

TEST_F(OmopSample, CodedEntriesAreSnomed) {
  for (size_t i = 0; i < ds_->coded.size(); ++i) {
    EXPECT_EQ(ds_->coded.system[i], static_cast<uint8_t>(CodeSystem::kSnomed));
    EXPECT_TRUE(IsSnomedId(ds_->codes.at(ds_->coded.code[i])));
  }
}

TEST_F(OmopSample, RoundTripsThroughASnapshotWithTheSameDigest) {
  const fs::path path = fs::temp_directory_path() / ("icb_omop_" + std::to_string(::getpid()) + ".icbsnap");
  auto saved = ds_->Save(path.string());
  ASSERT_TRUE(saved.ok()) << saved.status().ToString();
  EXPECT_EQ(*saved, ds_->ComputeDigest());
  auto loaded = Dataset::Load(path.string());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->ComputeDigest(), *saved);
  EXPECT_EQ(loaded->source_format, "omop-cdm-5.4");
  fs::remove(path);
}

TEST_F(OmopSample, SameDatasetOnOneThread) {
  SetThreadCount(1);
  IngestReport report;
  auto ds = ReadOmop(kSample, TestKey(), report);
  SetThreadCount(0);
  ASSERT_TRUE(ds.ok());
  EXPECT_EQ(ds->ComputeDigest(), ds_->ComputeDigest());
}

TEST(LooksLikeOmop, TellsTheFormatsApart) {
  EXPECT_TRUE(LooksLikeOmop(kSample));
  const fs::path dir = fs::temp_directory_path() / ("icb_not_omop_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "person.csv") << "person_id\n";
  std::ofstream(dir / "persons.csv") << "nhs_number\n";
  EXPECT_FALSE(LooksLikeOmop(dir.string()));
  EXPECT_FALSE(LooksLikeOmop((dir / "nothing").string()));
  fs::remove_all(dir);
}

// A hand-made export with one problem per row.
class OmopRejects : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("icb_omop_bad_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const char* file, const std::string& text) { std::ofstream(dir_ / file) << text; }
  fs::path dir_;
};

TEST_F(OmopRejects, BadRowsAreRejectedWithLineColumnAndReason) {
  Write("person.csv",
        "person_id,gender_concept_id,year_of_birth,month_of_birth,race_concept_id,location_id\n"
        "1,8507,1980,5,8527,10\n"     // line 2: ok, location 10
        "2,8532,1990,,0,\n"           // line 3: ok, month imputed
        "1,8532,1970,1,0,\n"          // line 4: person_id repeats
        "3,8507,19x0,1,0,\n"          // line 5: bad year
        "\n"                          // line 6: blank, skipped
        "4,8507,1985,13,0,\n"         // line 7: bad month
        "5,8507,1985,1,0\n");         // line 8: too few fields
  Write("location.csv", "location_id,city,county\n10,Trenton,Mercer\n");
  Write("death.csv",
        "person_id,death_date\n"
        "1,2020-01-01\n"              // ok
        "1,2020-02-01\n"              // second death record
        "9,2020-01-01\n"              // unknown person
        "2,1989-12-31\n");            // before birth
  Write("observation_period.csv",
        "observation_period_id,person_id,observation_period_start_date,observation_period_end_date\n"
        "1,1,2000-01-01,2019-12-31\n"
        "2,2,2010-05-01,2009-01-01\n");  // ends before it starts
  Write("visit_occurrence.csv",
        "visit_occurrence_id,person_id,visit_concept_id,visit_start_date,visit_end_date,provider_id,care_site_id\n"
        "1,1,9201,2019-01-01,2019-01-05,,\n"
        "2,2,9202,2019-02-01,2019-02-01,7,\n"
        "3,2,9202,2019-03-01,2019-03-01,7,\n"
        "4,1,581477,2019-04-01,,,\n"
        "5,2,\"9203\",2019-13-01,,,\n"   // bad date (the quoted concept id is fine)
        "6,42,9202,2019-02-01,,,\n");    // unknown person
  Write("condition_occurrence.csv",
        "condition_occurrence_id,person_id,condition_start_date,condition_source_value\n"
        "1,1,2018-01-01,44054006\n"      // diabetes mellitus type 2: a valid SNOMED CT id
        "2,1,2018-01-01,44054007\n");    // check digit wrong
  IngestReport report;
  auto ds = ReadOmop(dir_.string(), TestKey(), report);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_TRUE(report.Balances());
  auto at = [&](const std::string& file, uint64_t line) -> const Reject* {
    for (const auto& r : report.rejects)
      if (r.file == file && r.line == line) return &r;
    return nullptr;
  };
  struct Expect {
    const char* file;
    uint64_t line;
    const char* column;
  };
  const Expect expected[] = {{"person.csv", 4, "person_id"},
                             {"person.csv", 5, "year_of_birth"},
                             {"person.csv", 7, "month_of_birth"},
                             {"person.csv", 8, ""},
                             {"death.csv", 3, "person_id"},
                             {"death.csv", 4, "person_id"},
                             {"death.csv", 5, "death_date"},
                             {"observation_period.csv", 3, "observation_period_end_date"},
                             {"visit_occurrence.csv", 6, "visit_start_date"},
                             {"visit_occurrence.csv", 7, "person_id"},
                             {"condition_occurrence.csv", 3, "condition_source_value"}};
  for (const auto& e : expected) {
    const Reject* r = at(e.file, e.line);
    ASSERT_NE(r, nullptr) << e.file << " line " << e.line;
    EXPECT_EQ(r->column, e.column) << e.file << " line " << e.line;
    EXPECT_FALSE(r->reason.empty());
  }
  EXPECT_EQ(report.rejects.size(), std::size(expected));
  // No reason quotes the value it rejects.
  for (const auto& r : report.rejects) {
    EXPECT_EQ(r.reason.find("19x0"), std::string::npos);
    EXPECT_EQ(r.reason.find("44054007"), std::string::npos);
  }
  const FileReport* persons = FindFile(report, "person.csv");
  EXPECT_EQ(persons->rows_read, 6u);
  EXPECT_EQ(persons->rows_loaded, 2u);
  EXPECT_EQ(persons->blank_lines, 1u);
  EXPECT_EQ(FindFile(report, "visit_occurrence.csv")->rows_loaded, 4u);
  EXPECT_FALSE(FindFile(report, "drug_exposure.csv")->present);
  ASSERT_EQ(ds->person_count(), 2u);
  // Person 1 lives at location 10 (row 1 of the LSOA table), person 2 at "not known" (row 0).
  const Digest p1 = TestKey().Sign("omop:1");
  for (size_t i = 0; i < ds->person_count(); ++i) {
    const bool is1 = ds->persons.pseudonym[i] == p1;
    EXPECT_EQ(ds->persons.lsoa[i], is1 ? 1u : 0u);
    EXPECT_EQ(ds->persons.death[i], is1 ? Date::ParseIso("2020-01-01")->days() : kNoDate);
    // Outpatient: the first visit with provider 7 is a first attendance, the second a follow-up.
    if (!is1) {
      EXPECT_EQ(Date(ds->persons.birth[i]).month(), 7);  // month of birth missing: July
      ASSERT_EQ(ds->events.offsets[i + 1] - ds->events.offsets[i], 2u);
      EXPECT_EQ(ds->events.pod[ds->events.offsets[i]], static_cast<uint8_t>(Pod::kOutpatientFirst));
      EXPECT_EQ(ds->events.pod[ds->events.offsets[i] + 1], static_cast<uint8_t>(Pod::kOutpatientFollowUp));
    } else {
      ASSERT_EQ(ds->events.offsets[i + 1] - ds->events.offsets[i], 2u);
      EXPECT_EQ(ds->events.setting[ds->events.offsets[i]], static_cast<uint8_t>(Setting::kApc));
      EXPECT_EQ(ds->events.end_date[ds->events.offsets[i]], Date::ParseIso("2019-01-05")->days());
      EXPECT_EQ(ds->events.setting[ds->events.offsets[i] + 1], static_cast<uint8_t>(Setting::kGpAppointment));
    }
  }
  EXPECT_EQ(ds->lsoas.place_name[1], "Mercer");
  EXPECT_FALSE(report.warnings.empty());
}

TEST_F(OmopRejects, MissingPersonFileOrColumnIsAnError) {
  IngestReport report;
  auto none = ReadOmop(dir_.string(), TestKey(), report);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), StatusCode::kNotFound);
  Write("person.csv", "person_id,gender_concept_id\n1,8507\n");  // no year_of_birth
  auto bad = ReadOmop(dir_.string(), TestKey(), report);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(bad.status().message().find("year_of_birth"), std::string::npos);
}

}  // namespace
}  // namespace icb
