// Helpers shared by the ingest tests: temporary directories, copying the tiny dataset with a case's
// files laid over it, a fixed test key, reading small CSV files. Test-only; not thread safe.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <cstdio>
#include <iterator>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/crypto.h"
#include "ingest/csv_reader.h"

namespace icb::testing {

namespace fs = std::filesystem;

inline std::string TinyDir() { return std::string(ICB_TEST_DATA_DIR) + "/tiny"; }
inline std::string BadInputDir() { return std::string(ICB_TEST_DATA_DIR) + "/bad_input"; }

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() /
            ("icb_ingest_test_" + std::to_string(::getpid()) + "_" + std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string path() const { return path_.string(); }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void WriteAll(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
}

// Copies the CSV files of `from` into `to` (created), overwriting.
inline void CopyCsvFiles(const std::string& from, const std::string& to) {
  fs::create_directories(to);
  for (const auto& e : fs::directory_iterator(from)) {
    const std::string name = e.path().filename().string();
    if (e.path().extension() != ".csv" || name.rfind("expected", 0) == 0) continue;
    fs::copy_file(e.path(), fs::path(to) / name, fs::copy_options::overwrite_existing);
  }
}

// A fixed 256-bit test key (never a production key).
inline HmacKey TestKey(char fill = '\x5a') { return HmacKey::FromBytes(std::string(32, fill)); }

// Rows of a small CSV file (header included), split with the reader's own RFC 4180 splitter.
inline std::vector<std::vector<std::string>> ReadCsv(const std::string& path) {
  const std::string data = ReadAll(path);
  std::vector<std::vector<std::string>> rows;
  const char* p = data.data();
  const char* end = p + data.size();
  std::vector<std::string_view> fields;
  std::string scratch;
  while (p < end) {
    const CsvRecord r = NextCsvRecord(p, end);
    p = r.next;
    if (r.blank()) continue;
    size_t bad = 0;
    SplitCsvRecord(r, fields, scratch, bad);
    rows.emplace_back(fields.begin(), fields.end());
  }
  return rows;
}

// A valid NHS number (Modulus 11) for index i, distinct for distinct i.
inline std::string SyntheticNhs(uint64_t i) {
  for (uint64_t nine = 600000000 + i * 2;; ++nine) {
    const std::string s = std::to_string(nine);
    int sum = 0;
    for (int k = 0; k < 9; ++k) sum += (s[k] - '0') * (10 - k);
    const int check = (11 - sum % 11) % 11;
    if (check != 10) return s + static_cast<char>('0' + check);
  }
}

// Writes a contract-valid input directory: tiny's reference tables, `persons` people, and about
// `rows_per_person` activity rows each (GP appointments, prescriptions, A&E, GP record entries).
// Deterministic for a seed. For tests that need more than tiny (kill, thread independence).
inline void WriteSyntheticInput(const std::string& dir, uint64_t persons, uint64_t rows_per_person,
                                uint32_t seed = 1) {
  fs::create_directories(dir);
  for (const char* f : {"ref_lsoa.csv", "ref_practices.csv", "ref_providers.csv"})
    fs::copy_file(TinyDir() + "/" + f, dir + "/" + f, fs::copy_options::overwrite_existing);
  std::mt19937_64 rng(seed);
  auto pick = [&](auto const& v) { return v[rng() % std::size(v)]; };
  const char* lsoas[] = {"E01006187", "E01006188", "E01006001"};
  const char* practices[] = {"P81001", "P81002"};
  const char* bnf[] = {"0212000B0AAABAB", "0601023A0AAAAAA", "0407010H0AAAMAM"};
  const char* snomed[] = {"38341003", "44054006", "271649006"};
  auto date = [&](int y0) {
    char b[16];
    std::snprintf(b, sizeof b, "%04d-%02d-%02d", y0 + static_cast<int>(rng() % 5), 1 + static_cast<int>(rng() % 12),
                  1 + static_cast<int>(rng() % 28));
    return std::string(b);
  };
  std::vector<std::string> nhs(persons);
  for (uint64_t i = 0; i < persons; ++i) nhs[i] = SyntheticNhs(i);
  std::string p = "nhs_number,year_month_of_birth,person_stated_gender_code,ethnic_category,lsoa_of_residence,"
                  "date_of_death\n";
  std::string r = "nhs_number,gp_practice_code,registration_start_date,registration_end_date\n";
  for (uint64_t i = 0; i < persons; ++i) {
    p += nhs[i] + "," + std::to_string(1930 + rng() % 80) + "-0" + std::to_string(1 + rng() % 9) + "," +
         (rng() % 2 ? "1" : "2") + ",A," + pick(lsoas) + ",\n";
    if (rng() % 10) r += nhs[i] + "," + pick(practices) + "," + date(2015) + ",\n";
  }
  WriteAll(dir + "/persons.csv", p);
  WriteAll(dir + "/gp_registrations.csv", r);
  std::string gp = "nhs_number,appointment_date,gp_practice_code,hcp_type,appointment_mode,appointment_status,cost\n";
  std::string rx = "nhs_number,dispensed_date,gp_practice_code,bnf_code,items,cost\n";
  std::string ae = "nhs_number,arrival_date,provider_code,ae_department_type,arrival_mode,attendance_disposal,"
                   "diagnosis_snomed,hrg_code,cost\n";
  std::string ev = "nhs_number,event_date,snomed_code,value,unit\n";
  const uint64_t rows = persons * rows_per_person;
  for (uint64_t k = 0; k < rows; ++k) {
    const std::string& who = nhs[rng() % persons];
    switch (rng() % 8) {
      case 0: case 1: case 2:
        rx += who + "," + date(2019) + "," + pick(practices) + "," + pick(bnf) + "," + std::to_string(1 + rng() % 3) +
              "," + std::to_string(rng() % 50) + "." + std::to_string(10 + rng() % 90) + "\n";
        break;
      case 3: case 4:
        gp += who + "," + date(2019) + "," + pick(practices) + ",GP,TELEPHONE,ATTENDED,30.00\n";
        break;
      case 5:
        ae += who + "," + date(2019) + ",RBV,01,2,03," + pick(snomed) + ",VB0" + std::to_string(1 + rng() % 9) +
              "Z," + std::to_string(100 + rng() % 300) + "\n";
        break;
      default:
        ev += who + "," + date(2019) + "," + pick(snomed) + "," + std::to_string(rng() % 200) + ",mmol/L\n";
    }
  }
  WriteAll(dir + "/prescriptions.csv", rx);
  WriteAll(dir + "/gp_appointments.csv", gp);
  WriteAll(dir + "/ae_attendances.csv", ae);
  WriteAll(dir + "/gp_events.csv", ev);
}

}  // namespace icb::testing
