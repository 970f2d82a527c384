// Spec tests on tests/data/tiny (see its README): five people, thirteen events. Every expectation
// below was worked out by hand from the CSV files and the rules in docs/reference/ingest.md.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "data/dataset_dir.h"
#include "ingest/contract_reader.h"
#include "ingest_test_util.h"
#include "ingest/pseudonym.h"
#include "ingest/publish.h"

namespace icb {
namespace {

using testing::TestKey;
using testing::TinyDir;

struct Event {
  std::string date, end;
  std::string pod;
  std::string provider, attr1, attr2, attr3, code, procedure, hrg;
  int32_t cost_pence;
  uint16_t quantity;
  bool operator==(const Event&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Event& e) {
  return os << e.date << "/" << e.end << " " << e.pod << " " << e.provider << " [" << e.attr1 << "," << e.attr2
            << "," << e.attr3 << "] code=" << e.code << " proc=" << e.procedure << " hrg=" << e.hrg << " "
            << e.cost_pence << "p x" << e.quantity;
}

class TinySpec : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    report_ = new IngestReport;
    dq_ = new DataQuality;
    auto ds = ReadContract(TinyDir(), TestKey(), *report_, *dq_);
    ASSERT_TRUE(ds.ok()) << ds.status().ToString();
    ds_ = new Dataset(std::move(*ds));
  }
  static void TearDownTestSuite() {
    delete ds_;
    delete report_;
    delete dq_;
  }

  static uint32_t Person(const std::string& nhs) {
    const Digest d = NhsPseudonym(TestKey(), nhs);
    const auto& p = ds_->persons.pseudonym;
    auto it = std::lower_bound(p.begin(), p.end(), d);
    EXPECT_TRUE(it != p.end() && *it == d) << "person not found";
    return static_cast<uint32_t>(it - p.begin());
  }
  static std::string DateText(int32_t d) { return d == kNoDate ? "" : Date(d).ToIso(); }
  static std::vector<Event> Events(const std::string& nhs) {
    const uint32_t p = Person(nhs);
    const auto& e = ds_->events;
    std::vector<Event> out;
    for (uint64_t i = e.offsets[p]; i < e.offsets[p + 1]; ++i)
      out.push_back({DateText(e.date[i]), DateText(e.end_date[i]), std::string(PodName(static_cast<Pod>(e.pod[i]))),
                     std::string(ds_->orgs.Get(e.provider[i])), std::string(ds_->attrs.Get(e.attr1[i])),
                     std::string(ds_->attrs.Get(e.attr2[i])), std::string(ds_->attrs.Get(e.attr3[i])),
                     std::string(ds_->codes.Get(e.code[i])), std::string(ds_->codes.Get(e.procedure[i])),
                     std::string(ds_->codes.Get(e.hrg[i])), e.cost_pence[i], e.quantity[i]});
    return out;
  }
  static const FileReport& File(const std::string& name) {
    for (const auto& f : report_->files)
      if (f.file == name) return f;
    ADD_FAILURE() << name;
    return report_->files.front();
  }

  static Dataset* ds_;
  static IngestReport* report_;
  static DataQuality* dq_;
};
Dataset* TinySpec::ds_ = nullptr;
IngestReport* TinySpec::report_ = nullptr;
DataQuality* TinySpec::dq_ = nullptr;

const char* kA = "9434765919";
const char* kB = "4010232137";
const char* kC = "4857773457";
const char* kD = "9990000018";
const char* kE = "9123456787";

TEST_F(TinySpec, CountsBalanceAndNothingIsRejected) {
  EXPECT_TRUE(report_->Balances());
  EXPECT_TRUE(report_->rejects.empty());
  EXPECT_EQ(report_->source_format, "icb-contract");
  EXPECT_EQ(ds_->person_count(), 5u);
  EXPECT_EQ(ds_->registrations.size(), 5u);
  EXPECT_EQ(ds_->events.size(), 13u);
  EXPECT_EQ(ds_->coded.size(), 8u);  // 5 APC diagnoses (I219, I10, E119, K573, O800) + 3 GP entries
  EXPECT_EQ(ds_->conditions.size(), 3u);
  EXPECT_EQ(ds_->lsoas.size(), 3u);
  EXPECT_EQ(ds_->practices.size(), 2u);
  EXPECT_EQ(ds_->providers.size(), 4u);
  EXPECT_EQ(File("apc_spells.csv").rows_read, 3u);
  EXPECT_EQ(File("apc_spells.csv").rows_loaded, 3u);
  EXPECT_EQ(File("persons.csv").bytes, std::filesystem::file_size(TinyDir() + "/persons.csv"));
  EXPECT_EQ(File("persons.csv").sha256, ToHex(*Sha256File(TinyDir() + "/persons.csv")));
  EXPECT_TRUE(ds_->Validate().ok());
}

TEST_F(TinySpec, PersonA) {
  const uint32_t p = Person(kA);
  EXPECT_EQ(DateText(ds_->persons.birth[p]), "1950-04-01");
  EXPECT_EQ(ds_->persons.sex[p], static_cast<uint8_t>(Sex::kMale));
  EXPECT_EQ(kEthnicCodes[ds_->persons.ethnicity[p]], "A");
  EXPECT_EQ(ds_->lsoas.code.at(ds_->persons.lsoa[p]), "E01006187");
  EXPECT_EQ(ds_->persons.death[p], kNoDate);
  const std::vector<Event> want = {
      {"2023-01-01", "", "RX", "P81001", "", "", "", "0212000B0AAABAB", "", "", 320, 2},
      {"2023-01-10", "", "GP", "P81001", "GP", "FACE_TO_FACE", "ATTENDED", "", "", "", 3000, 1},
      {"2023-04-01", "", "OPFA", "RBV", "100", "5", "1", "", "", "", 15000, 1},
      {"2023-05-10", "2023-05-10", "DC", "RBV", "11", "2", "", "K573", "H221", "FF11A", 81200, 1},
  };
  EXPECT_EQ(Events(kA), want);
}

TEST_F(TinySpec, PersonB) {
  const std::vector<Event> want = {
      {"2022-11-01", "2022-11-03", "MAT", "RBV", "31", "1", "", "O800", "", "NZ30A", 199999, 1},
      {"2023-02-01", "", "GP", "P81001", "OTHER", "TELEPHONE", "ATTENDED", "", "", "", 2550, 1},
      {"2023-02-01", "", "RX", "P81002", "", "", "", "0601023A0AAAAAA", "", "", 1234, 1},
      {"2023-06-01", "", "OPFU", "RBV", "300", "5", "2", "", "", "", 8000, 1},
  };
  EXPECT_EQ(Events(kB), want);
  // Two registrations, in date order.
  const uint32_t p = Person(kB);
  const auto& r = ds_->registrations;
  ASSERT_EQ(r.offsets[p + 1] - r.offsets[p], 2u);
  const uint64_t i = r.offsets[p];
  EXPECT_EQ(ds_->practices.code.at(r.practice[i]), "P81002");
  EXPECT_EQ(DateText(r.start[i]), "2020-01-01");
  EXPECT_EQ(DateText(r.end[i]), "2022-06-30");
  EXPECT_EQ(ds_->practices.code.at(r.practice[i + 1]), "P81001");
  EXPECT_EQ(DateText(r.start[i + 1]), "2022-07-01");
  EXPECT_EQ(r.end[i + 1], kNoDate);
  EXPECT_EQ(ds_->practices.name[r.practice[i]], "Bridge Medical Centre, The");  // quoted comma in the CSV
}

TEST_F(TinySpec, PersonC) {
  const std::vector<Event> want = {
      {"2020-06-01", "", "MH", "RXV", "TALKING_THERAPIES", "", "", "", "", "", 12000, 1},
      {"2023-03-05", "", "AE", "RBV", "01", "1", "01", "22298006", "", "VB03Z", 25000, 1},
      {"2023-03-05", "2023-03-09", "NEL", "RBV", "21", "1", "", "I219", "", "EB10A", 345678, 1},
  };
  EXPECT_EQ(Events(kC), want);
  // Primary and secondary diagnoses of the spell, dated on admission, as ICD-10 entries.
  const uint32_t p = Person(kC);
  const auto& c = ds_->coded;
  std::vector<std::string> codes;
  for (uint64_t i = c.offsets[p]; i < c.offsets[p + 1]; ++i) {
    EXPECT_EQ(c.system[i], static_cast<uint8_t>(CodeSystem::kIcd10));
    EXPECT_EQ(DateText(c.date[i]), "2023-03-05");
    EXPECT_TRUE(std::isnan(c.value[i]));
    codes.push_back(ds_->codes.at(c.code[i]));
  }
  std::sort(codes.begin(), codes.end());
  EXPECT_EQ(codes, (std::vector<std::string>{"E119", "I10", "I219"}));
}

TEST_F(TinySpec, PersonsDAndE) {
  EXPECT_EQ(Events(kD), (std::vector<Event>{{"2023-02-02", "", "COM", "RY7", "DISTRICT_NURSING", "", "", "", "", "",
                                             4500, 1}}));
  const uint32_t d = Person(kD);
  EXPECT_EQ(ds_->registrations.offsets[d + 1], ds_->registrations.offsets[d]);  // never registered
  EXPECT_EQ(Events(kE), (std::vector<Event>{{"2022-01-01", "2022-12-31", "ASC", "E08000009", "HOME_CARE", "", "",
                                             "", "", "", 520000, 1}}));
  const uint32_t e = Person(kE);
  EXPECT_EQ(DateText(ds_->persons.death[e]), "2023-03-15");
  EXPECT_EQ(ds_->persons.sex[e], static_cast<uint8_t>(Sex::kFemale));
}

TEST_F(TinySpec, GpRecordAndRegisters) {
  const uint32_t a = Person(kA);
  const auto& c = ds_->coded;
  ASSERT_EQ(c.offsets[a + 1] - c.offsets[a], 3u);  // K573 (APC) + two GP entries
  bool saw_bp = false;
  for (uint64_t i = c.offsets[a]; i < c.offsets[a + 1]; ++i) {
    if (ds_->codes.at(c.code[i]) != "271649006") continue;
    saw_bp = true;
    EXPECT_EQ(c.system[i], static_cast<uint8_t>(CodeSystem::kSnomed));
    EXPECT_DOUBLE_EQ(c.value[i], 145.0);
    EXPECT_EQ(ds_->attrs.at(c.unit[i]), "mm[Hg]");
  }
  EXPECT_TRUE(saw_bp);
  const auto& k = ds_->conditions;
  ASSERT_EQ(k.offsets[a + 1] - k.offsets[a], 1u);
  EXPECT_EQ(kQofConditions[k.condition[k.offsets[a]]], "HYP");
  EXPECT_EQ(DateText(k.date[k.offsets[a]]), "2015-03-01");
}

TEST_F(TinySpec, DataQualityReport) {
  DataQuality dq = *dq_;
  ComputeLinkageQuality(*ds_, dq);
  EXPECT_EQ(dq.persons, 5u);
  EXPECT_EQ(dq.persons_without_registration, 1u);               // D
  EXPECT_EQ(dq.persons_with_activity_without_registration, 1u);  // D's community contact
  const auto& com = dq.settings[static_cast<int>(Setting::kCommunity)];
  EXPECT_EQ(com.events, 1u);
  EXPECT_EQ(com.events_no_registration, 1u);
  const auto& mh = dq.settings[static_cast<int>(Setting::kMentalHealth)];
  EXPECT_EQ(mh.events_outside_registration, 1u);  // C's contact before C registered
  uint64_t outside = 0, no_reg = 0, events = 0;
  for (const auto& s : dq.settings) {
    outside += s.events_outside_registration;
    no_reg += s.events_no_registration;
    events += s.events;
  }
  EXPECT_EQ(outside, 1u);
  EXPECT_EQ(no_reg, 1u);
  EXPECT_EQ(events, 13u);
  const auto& apc = dq.settings[static_cast<int>(Setting::kApc)];
  EXPECT_EQ(Date(apc.first_date).ToIso(), "2022-11-01");
  EXPECT_EQ(Date(apc.last_date).ToIso(), "2023-05-10");

  const FileQuality* persons = nullptr;
  for (const auto& f : dq.files)
    if (f.file == "persons.csv") persons = &f;
  ASSERT_NE(persons, nullptr);
  EXPECT_EQ(persons->rows_checked, 5u);
  const ColumnQuality& death = persons->columns[5];
  EXPECT_EQ(death.column, "date_of_death");
  EXPECT_EQ(death.non_empty, 1u);  // completeness 1/5
  EXPECT_EQ(death.valid, 5u);      // empty is valid for an optional column
  EXPECT_EQ(Date(persons->min_date).ToIso(), "1938-09-01");
  EXPECT_EQ(Date(persons->max_date).ToIso(), "2023-03-15");
  EXPECT_EQ(persons->duplicate_rows, 0u);
  EXPECT_EQ(dq.ignored_files, std::vector<std::string>{});  // README.md is not a CSV file
}

TEST_F(TinySpec, PublishesAtomicallyWithReportsAndDigest) {
  testing::TempDir tmp;
  const std::string out = tmp / "dataset";
  auto pub = PublishIngest(out, *ds_, *report_, *dq_);
  ASSERT_TRUE(pub.ok()) << pub.status().ToString();
  EXPECT_EQ(pub->digest, ds_->ComputeDigest());
  for (const char* f : {"dataset.icbsnap", "manifest.json", "dq_report.json", "file_report.csv", "rejects.csv"})
    EXPECT_TRUE(std::filesystem::exists(pub->generation + "/" + f)) << f;
  auto loaded = DatasetDir::Load(out);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->ComputeDigest(), pub->digest);
  const std::string manifest = testing::ReadAll(pub->generation + "/manifest.json");
  EXPECT_NE(manifest.find(ToHex(pub->digest)), std::string::npos);
  EXPECT_NE(manifest.find(File("apc_spells.csv").sha256), std::string::npos);
  const auto file_report = testing::ReadCsv(pub->generation + "/file_report.csv");
  EXPECT_EQ(file_report.size(), 1 + report_->files.size());
  EXPECT_EQ(testing::ReadCsv(pub->generation + "/rejects.csv").size(), 1u);  // header only

  // A second publish makes a new generation; the digest is unchanged (no clock in the snapshot).
  auto again = PublishIngest(out, *ds_, *report_, *dq_);
  ASSERT_TRUE(again.ok());
  EXPECT_NE(again->generation, pub->generation);
  EXPECT_EQ(again->digest, pub->digest);
  EXPECT_EQ(testing::ReadAll(again->generation + "/manifest.json"), manifest);
}

TEST_F(TinySpec, ASecondConcurrentPublishIsRefused) {
  testing::TempDir tmp;
  const std::string out = tmp / "dataset";
  std::filesystem::create_directories(out);
  const int fd = ::open((out + "/.lock").c_str(), O_CREAT | O_RDWR, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX), 0);  // another writer holds the dataset
  auto pub = PublishIngest(out, *ds_, *report_, *dq_);
  EXPECT_EQ(pub.status().code(), StatusCode::kRefused);
  ::close(fd);
  EXPECT_TRUE(PublishIngest(out, *ds_, *report_, *dq_).ok());
}

TEST_F(TinySpec, UnbalancedReportIsNotPublished) {
  testing::TempDir tmp;
  IngestReport bad = *report_;
  bad.files[4].rows_loaded += 1;
  auto pub = PublishIngest(tmp / "dataset", *ds_, bad, *dq_);
  ASSERT_FALSE(pub.ok());
  EXPECT_EQ(pub.status().code(), StatusCode::kInternal);
  EXPECT_FALSE(DatasetDir::Current(tmp / "dataset").ok());
}

}  // namespace
}  // namespace icb
