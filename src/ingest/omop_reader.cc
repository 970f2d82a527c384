// OMOP CDM v5.4 reader: the mapping is documented in docs/reference/omop-mapping.md; keep the two
// in step. Each file is scanned once for record boundaries (ingest/csv_reader.h), its chunks are
// parsed and checked in parallel into per-chunk rows and rejects, and the chunks are merged in
// file order on one thread (dictionaries, duplicate keys), so the result does not depend on the
// thread count. Reject reasons never quote a value.
#include "ingest/omop_reader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <optional>
#include <unordered_map>

#include "core/parallel.h"
#include "data/contract.h"
#include "data/dataset_builder.h"
#include "ingest/csv_reader.h"
#include "ingest/mapped_file.h"

namespace icb {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kChunkBytes = 4 << 20;
constexpr size_t kMaxListedRejects = 1'000'000;
constexpr const char* kSourceFormat = "omop-cdm-5.4";
constexpr int kImputedBirthMonth = 7;  // month_of_birth missing: 1 July (mid-year)

// OMOP standard concepts used by the mapping.
constexpr int64_t kMale = 8507, kFemale = 8532, kAmbiguous = 8570;
constexpr int64_t kRaceWhite = 8527, kRaceBlack = 8516, kRaceAsian = 8515, kRacePacific = 8557,
                  kRaceAmericanIndian = 8657;
constexpr int64_t kVisitInpatient = 9201, kVisitOutpatient = 9202, kVisitEr = 9203, kVisitErInpatient = 262,
                  kVisitHome = 581476, kVisitNonHospitalInstitution = 42898160, kVisitTelehealth = 5083,
                  kVisitOffice = 581477;

// The files read, in the order they are reported.
constexpr const char* kFiles[] = {"person.csv",           "observation_period.csv", "visit_occurrence.csv",
                                  "condition_occurrence.csv", "drug_exposure.csv",  "procedure_occurrence.csv",
                                  "death.csv",            "location.csv"};

std::optional<int64_t> ParseInt(std::string_view s) {
  int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// A CDM date "YYYY-MM-DD"; a datetime "YYYY-MM-DD HH:MM:SS" (or with 'T') is accepted too.
std::optional<int32_t> ParseDay(std::string_view s) {
  if (s.size() > 10 && s[10] != ' ' && s[10] != 'T') return std::nullopt;
  const auto d = Date::ParseIso(s.substr(0, std::min<size_t>(s.size(), 10)));
  if (!d || s.size() < 10) return std::nullopt;
  return d->days();
}

// Why a row is rejected: the column ("" for the whole row) and a reason without the value.
struct Why {
  std::string column, reason;
};

// One data record as the row mappers see it.
struct Row {
  const std::vector<std::string_view>& fields;
  std::string_view operator[](int col) const { return col < 0 ? std::string_view() : fields[static_cast<size_t>(col)]; }
};

// Position of a record in its file, kept with each mapped row for rejects found at merge time.
struct Where {
  uint64_t line = 0, offset = 0;
};

// One mapped, scanned CSV file of the export.
class OmopCsv {
 public:
  // Opens `dir`/`file`. A missing file is not an error here: present() is false.
  static Result<OmopCsv> Open(const std::string& dir, const char* file, FileReport& fr) {
    OmopCsv f;
    f.name_ = file;
    fr.file = file;
    const std::string path = (fs::path(dir) / file).string();
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return f;
    auto mapped = MappedFile::Open(path);
    if (!mapped.ok()) return mapped.status();
    f.file_ = std::move(mapped.value());
    f.layout_ = ScanCsv(f.file_.view(), kChunkBytes);
    f.present_ = true;
    fr.present = true;
    fr.bytes = f.file_.size();
    fr.sha256 = ToHex(f.layout_.sha256);
    if (f.layout_.empty) return f;
    if (f.layout_.header_unterminated)
      return Status::InvalidInput(f.name_ + " line 1: the header has an unclosed quote");
    const char* base = f.file_.view().data();
    const CsvRecord header = NextCsvRecord(base + f.layout_.header_begin, base + f.file_.size());
    std::vector<std::string_view> fields;
    std::string scratch;
    size_t problem = 0;
    if (SplitCsvRecord(header, fields, scratch, problem) != CsvProblem::kNone)
      return Status::InvalidInput(f.name_ + " line 1: the header is not valid CSV");
    for (auto h : fields) {
      std::string name(h);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      while (!name.empty() && name.back() == ' ') name.pop_back();
      f.header_.push_back(std::move(name));
    }
    return f;
  }

  bool present() const { return present_; }
  const std::string& name() const { return name_; }

  // Index of a column, or -1. A required column that is missing from a file with rows is an error.
  Result<int> Column(const char* column, bool required) const {
    for (size_t i = 0; i < header_.size(); ++i)
      if (header_[i] == column) return static_cast<int>(i);
    if (required && !header_.empty())
      return Status::InvalidInput(name_ + ": no column " + column + " (OMOP CDM v5.4 requires it)");
    return -1;
  }

  // Parses every record in parallel; fn(Row, Out&, Why&) maps a record or says why not. Returns
  // the mapped rows in file order, adds rejects to `rejects` and counts to `fr`.
  template <typename Out, typename Fn>
  std::vector<Out> Map(Fn&& fn, FileReport& fr, std::vector<Reject>& rejects) const {
    struct Part {
      std::vector<Out> rows;
      std::vector<Reject> rejects;
      uint64_t read = 0, blank = 0;
    };
    std::vector<Part> parts(layout_.chunks.size());
    const char* const base = file_.view().data();
    ParallelFor(parts.size(), 1, [&](size_t b, size_t e) {
      std::vector<std::string_view> fields;
      std::string scratch;
      for (size_t k = b; k < e; ++k) {
        const CsvChunk& chunk = layout_.chunks[k];
        Part& part = parts[k];
        const char* p = base + chunk.begin;
        const char* const end = base + chunk.end;
        uint64_t line = chunk.first_line;
        while (p < end) {
          const CsvRecord r = NextCsvRecord(p, end);
          const Where at{line, static_cast<uint64_t>(p - base)};
          line += 1 + r.newlines;
          p = r.next;
          if (r.blank()) {
            ++part.blank;
            continue;
          }
          ++part.read;
          auto reject = [&](std::string column, std::string reason) {
            part.rejects.push_back({name_, at.line, std::move(column), std::move(reason), at.offset});
          };
          if (r.unterminated) {
            reject("", CsvProblemText(CsvProblem::kUnterminatedQuote));
            continue;
          }
          if (r.size() > kMaxRecordBytes) {
            reject("", CsvProblemText(CsvProblem::kTooLong));
            continue;
          }
          size_t problem_field = 0;
          const CsvProblem problem = SplitCsvRecord(r, fields, scratch, problem_field);
          if (problem != CsvProblem::kNone) {
            reject(problem_field < header_.size() ? header_[problem_field] : "", CsvProblemText(problem));
            continue;
          }
          if (fields.size() != header_.size()) {
            reject("", "expected " + std::to_string(header_.size()) + " fields, found " +
                           std::to_string(fields.size()));
            continue;
          }
          Out out;
          out.where = at;
          Why why;
          if (fn(Row{fields}, out, why)) {
            part.rows.push_back(std::move(out));
          } else {
            reject(std::move(why.column), std::move(why.reason));
          }
        }
      }
    });
    std::vector<Out> rows;
    for (auto& part : parts) {
      fr.rows_read += part.read;
      fr.blank_lines += part.blank;
      fr.rows_rejected += part.rejects.size();
      for (auto& r : part.rows) rows.push_back(std::move(r));
      for (auto& r : part.rejects) rejects.push_back(std::move(r));
    }
    return rows;
  }

 private:
  std::string name_;
  bool present_ = false;
  MappedFile file_;
  CsvLayout layout_;
  std::vector<std::string> header_;
};

// The NHS ethnic category index for an OMOP race concept: the "any other ... background" category
// of the matching high-level group, or 99 (not known). OMOP ethnicity (Hispanic or not) has no NHS
// equivalent and is not used.
uint8_t EthnicityOf(int64_t race) {
  const char* code = "99";
  if (race == kRaceWhite) code = "C";
  if (race == kRaceBlack) code = "P";
  if (race == kRaceAsian) code = "L";
  if (race == kRacePacific || race == kRaceAmericanIndian) code = "S";
  return *EthnicIndex(code);
}

uint8_t SexOf(int64_t gender) {
  if (gender == kMale) return static_cast<uint8_t>(Sex::kMale);
  if (gender == kFemale) return static_cast<uint8_t>(Sex::kFemale);
  if (gender == kAmbiguous) return static_cast<uint8_t>(Sex::kIndeterminate);
  return static_cast<uint8_t>(Sex::kNotKnown);
}

// Reader state shared by the per-file steps.
class OmopReader {
 public:
  OmopReader(std::string dir, const HmacKey& key, IngestReport& report)
      : dir_(std::move(dir)), key_(key), report_(report) {}

  Result<Dataset> Read() {
    report_ = IngestReport{};
    report_.source_format = kSourceFormat;
    report_.files.resize(std::size(kFiles));
    per_file_rejects_.resize(std::size(kFiles));
    b_.ds.source_format = kSourceFormat;
    if (!fs::is_directory(dir_)) return Status::NotFound(dir_ + " is not a directory");
    if (!fs::is_regular_file(fs::path(dir_) / "person.csv"))
      return Status::NotFound(dir_ + " has no person.csv: not an OMOP CDM export");
    AddReferenceRows();
    ICB_RETURN_IF_ERROR(ReadLocations());
    ICB_RETURN_IF_ERROR(ReadPersons());
    ICB_RETURN_IF_ERROR(ReadDeaths());
    ICB_RETURN_IF_ERROR(ReadObservationPeriods());
    ICB_RETURN_IF_ERROR(ReadVisits());
    ICB_RETURN_IF_ERROR(ReadCoded("condition_occurrence.csv", "condition_start_date", "condition_source_value"));
    ICB_RETURN_IF_ERROR(ReadDrugs());
    ICB_RETURN_IF_ERROR(ReadCoded("procedure_occurrence.csv", "procedure_date", "procedure_source_value"));
    for (size_t i = 0; i < std::size(kFiles); ++i) {
      auto& rj = per_file_rejects_[i];
      std::stable_sort(rj.begin(), rj.end(), [](const Reject& a, const Reject& b) { return a.line < b.line; });
      FileReport& fr = report_.files[i];
      fr.rows_loaded = fr.rows_read - fr.rows_rejected;
      for (auto& r : rj) {
        if (report_.rejects.size() < kMaxListedRejects) {
          report_.rejects.push_back(std::move(r));
        } else {
          ++report_.rejects_not_listed;
        }
      }
      if (!fr.present && std::string_view(kFiles[i]) != "location.csv")
        report_.warnings.push_back(std::string(kFiles[i]) + " not supplied");
    }
    if (imputed_birth_months_ > 0)
      report_.warnings.push_back(std::to_string(imputed_birth_months_) +
                                 " persons have no month_of_birth: July assumed");
    return b_.Finish();
  }

 private:
  size_t FileIndex(const char* file) const {
    for (size_t i = 0; i < std::size(kFiles); ++i)
      if (std::string_view(kFiles[i]) == file) return i;
    return 0;
  }

  // Opens a file and returns it with its report slot and reject list.
  Result<OmopCsv> Open(const char* file) { return OmopCsv::Open(dir_, file, report_.files[FileIndex(file)]); }
  FileReport& Report(const char* file) { return report_.files[FileIndex(file)]; }
  std::vector<Reject>& Rejects(const char* file) { return per_file_rejects_[FileIndex(file)]; }
  // A reject found while merging (after the parallel checks).
  void RejectAtMerge(const char* file, const Where& at, const char* column, const char* reason) {
    Rejects(file).push_back({file, at.line, column, reason, at.offset});
    ++Report(file).rows_rejected;
  }

  // Persons of an unknown location, and the one practice every observation period maps to.
  void AddReferenceRows() {
    auto& l = b_.ds.lsoas;
    l.code.Intern("OMOP-UNKNOWN");
    l.name.push_back("Location not known");
    l.place_code.push_back("");
    l.place_name.push_back("Not known");
    l.sub_icb.push_back("");
    l.imd_decile.push_back(0);
    l.imd_quintile.push_back(0);
    auto& p = b_.ds.practices;
    p.code.Intern("OMOP");
    p.name.push_back("OMOP observation period");
    p.pcn_code.push_back("");
    p.pcn_name.push_back("");
    p.sub_icb.push_back("");
    p.place_name.push_back("");
  }

  Status ReadLocations() {
    const char* file = "location.csv";
    auto csv = Open(file);
    if (!csv.ok()) return csv.status();
    if (!csv->present()) return Status::Ok();
    auto c_id = csv->Column("location_id", true);
    auto c_county = csv->Column("county", false);
    auto c_city = csv->Column("city", false);
    for (auto* c : {&c_id, &c_county, &c_city})
      if (!c->ok()) return c->status();
    struct Out {
      Where where;
      std::string id, place;
    };
    auto rows = csv->Map<Out>(
        [&](const Row& r, Out& o, Why& why) {
          if (!ParseInt(r[*c_id])) {
            why = {"location_id", "expected an integer"};
            return false;
          }
          o.id = std::string(r[*c_id]);
          o.place = std::string(!r[*c_county].empty() ? r[*c_county] : r[*c_city]);
          return true;
        },
        Report(file), Rejects(file));
    auto& l = b_.ds.lsoas;
    for (auto& o : rows) {
      if (location_row_.count(o.id)) {
        RejectAtMerge(file, o.where, "location_id", "repeats an earlier location_id");
        continue;
      }
      location_row_[o.id] = static_cast<uint32_t>(l.size());
      std::string code = "OMOP-LOC-";
      code.append(o.id);
      l.code.Intern(code);
      std::string name = "OMOP location ";
      name.append(o.id);
      l.name.push_back(std::move(name));
      l.place_code.push_back("");
      l.place_name.push_back(o.place.empty() ? "Not known" : o.place);
      l.sub_icb.push_back("");
      l.imd_decile.push_back(0);
      l.imd_quintile.push_back(0);
    }
    return Status::Ok();
  }

  Status ReadPersons() {
    const char* file = "person.csv";
    auto csv = Open(file);
    if (!csv.ok()) return csv.status();
    auto c_id = csv->Column("person_id", true);
    auto c_gender = csv->Column("gender_concept_id", true);
    auto c_year = csv->Column("year_of_birth", true);
    auto c_month = csv->Column("month_of_birth", false);
    auto c_race = csv->Column("race_concept_id", false);
    auto c_location = csv->Column("location_id", false);
    for (auto* c : {&c_id, &c_gender, &c_year, &c_month, &c_race, &c_location})
      if (!c->ok()) return c->status();
    struct Out {
      Where where;
      std::string id, location;
      Digest pseudonym{};
      int32_t birth = 0;
      uint8_t sex = 0, ethnicity = 0;
      bool imputed_month = false;
    };
    auto rows = csv->Map<Out>(
        [&](const Row& r, Out& o, Why& why) {
          if (!ParseInt(r[*c_id])) {
            why = {"person_id", "expected an integer"};
            return false;
          }
          const auto year = ParseInt(r[*c_year]);
          if (!year || *year < 1850 || *year > 2200) {
            why = {"year_of_birth", "expected a year 1850-2200"};
            return false;
          }
          int month = kImputedBirthMonth;
          if (r[*c_month].empty()) {
            o.imputed_month = true;
          } else {
            const auto m = ParseInt(r[*c_month]);
            if (!m || *m < 1 || *m > 12) {
              why = {"month_of_birth", "expected a month 1-12"};
              return false;
            }
            month = static_cast<int>(*m);
          }
          const auto gender = r[*c_gender].empty() ? std::optional<int64_t>(0) : ParseInt(r[*c_gender]);
          if (!gender) {
            why = {"gender_concept_id", "expected a concept id"};
            return false;
          }
          const auto race = r[*c_race].empty() ? std::optional<int64_t>(0) : ParseInt(r[*c_race]);
          if (!race) {
            why = {"race_concept_id", "expected a concept id"};
            return false;
          }
          o.id = std::string(r[*c_id]);
          std::string message = "omop:";
          message.append(o.id);
          o.pseudonym = key_.Sign(message);
          o.birth = Date::FromCivil(static_cast<int>(*year), month, 1).days();
          o.sex = SexOf(*gender);
          o.ethnicity = EthnicityOf(*race);
          o.location = std::string(r[*c_location]);
          return true;
        },
        Report(file), Rejects(file));
    for (auto& o : rows) {
      if (person_of_.count(o.id)) {
        RejectAtMerge(file, o.where, "person_id", "repeats an earlier person_id");
        continue;
      }
      uint32_t lsoa = 0;  // location not known
      if (auto it = location_row_.find(o.location); it != location_row_.end()) lsoa = it->second;
      person_of_[o.id] = b_.AddPerson(o.pseudonym, o.birth, o.sex, o.ethnicity, lsoa, kNoDate);
      if (o.imputed_month) ++imputed_birth_months_;
    }
    return Status::Ok();
  }

  // The builder's person for a person_id, or false with the reason.
  bool FindPerson(std::string_view id, uint32_t& person, Why& why) const {
    auto it = person_of_.find(std::string(id));
    if (it == person_of_.end()) {
      why = {"person_id", id.empty() ? "missing" : "not in person.csv"};
      return false;
    }
    person = it->second;
    return true;
  }

  static bool RequireDay(std::string_view value, const char* column, int32_t& day, Why& why) {
    const auto d = ParseDay(value);
    if (!d) {
      why = {column, value.empty() ? "missing" : "expected a date YYYY-MM-DD"};
      return false;
    }
    day = *d;
    return true;
  }
  static bool OptionalDay(std::string_view value, const char* column, int32_t& day, Why& why) {
    day = kNoDate;
    if (value.empty()) return true;
    return RequireDay(value, column, day, why);
  }

  Status ReadDeaths() {
    const char* file = "death.csv";
    auto csv = Open(file);
    if (!csv.ok()) return csv.status();
    if (!csv->present()) return Status::Ok();
    auto c_person = csv->Column("person_id", true);
    auto c_date = csv->Column("death_date", true);
    for (auto* c : {&c_person, &c_date})
      if (!c->ok()) return c->status();
    struct Out {
      Where where;
      uint32_t person = 0;
      int32_t date = 0;
    };
    auto rows = csv->Map<Out>(
        [&](const Row& r, Out& o, Why& why) {
          return FindPerson(r[*c_person], o.person, why) && RequireDay(r[*c_date], "death_date", o.date, why);
        },
        Report(file), Rejects(file));
    auto& persons = b_.ds.persons;
    for (const auto& o : rows) {
      if (persons.death[o.person] != kNoDate) {
        RejectAtMerge(file, o.where, "person_id", "a second death record for this person");
      } else if (o.date < persons.birth[o.person]) {
        RejectAtMerge(file, o.where, "death_date", "before the month of birth");
      } else {
        persons.death[o.person] = o.date;
      }
    }
    return Status::Ok();
  }

  Status ReadObservationPeriods() {
    const char* file = "observation_period.csv";
    auto csv = Open(file);
    if (!csv.ok()) return csv.status();
    if (!csv->present()) return Status::Ok();
    auto c_person = csv->Column("person_id", true);
    auto c_start = csv->Column("observation_period_start_date", true);
    auto c_end = csv->Column("observation_period_end_date", true);
    for (auto* c : {&c_person, &c_start, &c_end})
      if (!c->ok()) return c->status();
    struct Out {
      Where where;
      uint32_t person = 0;
      int32_t start = 0, end = kNoDate;
    };
    auto rows = csv->Map<Out>(
        [&](const Row& r, Out& o, Why& why) {
          if (!FindPerson(r[*c_person], o.person, why) ||
              !RequireDay(r[*c_start], "observation_period_start_date", o.start, why) ||
              !OptionalDay(r[*c_end], "observation_period_end_date", o.end, why))
            return false;
          if (o.end != kNoDate && o.end < o.start) {
            why = {"observation_period_end_date", "before the start date"};
            return false;
          }
          return true;
        },
        Report(file), Rejects(file));
    auto& reg = b_.ds.registrations;
    for (const auto& o : rows) {
      reg.practice.push_back(0);  // the synthetic "OMOP" practice
      reg.start.push_back(o.start);
      reg.end.push_back(o.end);
      b_.registration_person.push_back(o.person);
    }
    return Status::Ok();
  }

  // Appends one event with every optional column empty.
  size_t AddEvent(uint32_t person, int32_t date, Setting setting, Pod pod) {
    auto& e = b_.ds.events;
    e.date.push_back(date);
    e.end_date.push_back(kNoDate);
    e.setting.push_back(static_cast<uint8_t>(setting));
    e.pod.push_back(static_cast<uint8_t>(pod));
    for (auto* col : {&e.provider, &e.attr1, &e.attr2, &e.attr3, &e.code, &e.procedure, &e.hrg})
      col->push_back(Dictionary::kNone);
    e.cost_pence.push_back(0);
    e.quantity.push_back(1);
    b_.event_person.push_back(person);
    return e.date.size() - 1;
  }

  Status ReadVisits() {
    const char* file = "visit_occurrence.csv";
    auto csv = Open(file);
    if (!csv.ok()) return csv.status();
    if (!csv->present()) return Status::Ok();
    auto c_person = csv->Column("person_id", true);
    auto c_concept = csv->Column("visit_concept_id", true);
    auto c_start = csv->Column("visit_start_date", true);
    auto c_end = csv->Column("visit_end_date", false);
    auto c_care_site = csv->Column("care_site_id", false);
    auto c_provider = csv->Column("provider_id", false);
    for (auto* c : {&c_person, &c_concept, &c_start, &c_end, &c_care_site, &c_provider})
      if (!c->ok()) return c->status();
    struct Out {
      Where where;
      uint32_t person = 0;
      int32_t start = 0, end = kNoDate;
      int64_t concept_id = 0;
      std::string care_site, provider;
    };
    auto rows = csv->Map<Out>(
        [&](const Row& r, Out& o, Why& why) {
          if (!FindPerson(r[*c_person], o.person, why) || !RequireDay(r[*c_start], "visit_start_date", o.start, why) ||
              !OptionalDay(r[*c_end], "visit_end_date", o.end, why))
            return false;
          if (o.end != kNoDate && o.end < o.start) {
            why = {"visit_end_date", "before the start date"};
            return false;
          }
          const auto concept_id = r[*c_concept].empty() ? std::optional<int64_t>(0) : ParseInt(r[*c_concept]);
          if (!concept_id) {
            why = {"visit_concept_id", "expected a concept id"};
            return false;
          }
          o.concept_id = *concept_id;
          o.care_site = std::string(r[*c_care_site]);
          o.provider = std::string(r[*c_provider]);
          return true;
        },
        Report(file), Rejects(file));
    // Outpatient first attendance: a person's first visit with a care site (or, without one, a
    // provider); later visits there are follow-ups.
    std::vector<size_t> outpatient;
    for (size_t i = 0; i < rows.size(); ++i)
      if (rows[i].concept_id == kVisitOutpatient) outpatient.push_back(i);
    auto clinic = [&](const Out& o) -> const std::string& { return o.care_site.empty() ? o.provider : o.care_site; };
    std::stable_sort(outpatient.begin(), outpatient.end(), [&](size_t a, size_t b) {
      const Out &x = rows[a], &y = rows[b];
      if (x.person != y.person) return x.person < y.person;
      if (clinic(x) != clinic(y)) return clinic(x) < clinic(y);
      return x.start < y.start;
    });
    std::vector<bool> first(rows.size(), false);
    for (size_t k = 0; k < outpatient.size(); ++k) {
      const Out& o = rows[outpatient[k]];
      first[outpatient[k]] =
          k == 0 || rows[outpatient[k - 1]].person != o.person || clinic(rows[outpatient[k - 1]]) != clinic(o);
    }
    auto& e = b_.ds.events;
    const uint32_t unknown = b_.ds.attrs.Intern("UNKNOWN");
    for (size_t i = 0; i < rows.size(); ++i) {
      const Out& o = rows[i];
      size_t ev;
      switch (o.concept_id) {
        case kVisitInpatient:
        case kVisitErInpatient:
          ev = AddEvent(o.person, o.start, Setting::kApc,
                        o.concept_id == kVisitInpatient ? Pod::kElective : Pod::kNonElective);
          e.end_date[ev] = o.end;
          break;
        case kVisitEr:
          ev = AddEvent(o.person, o.start, Setting::kAe, Pod::kAe);
          break;
        case kVisitOutpatient:
          ev = AddEvent(o.person, o.start, Setting::kOutpatient,
                        first[i] ? Pod::kOutpatientFirst : Pod::kOutpatientFollowUp);
          e.attr2[ev] = b_.ds.attrs.Intern("5");                     // attended
          e.attr3[ev] = b_.ds.attrs.Intern(first[i] ? "1" : "2");   // first / follow-up
          break;
        case kVisitHome:
        case kVisitNonHospitalInstitution:
          ev = AddEvent(o.person, o.start, Setting::kCommunity, Pod::kCommunity);
          e.attr1[ev] = b_.ds.attrs.Intern("OTHER");
          break;
        default:  // office, telehealth, ambulatory clinic, no matching concept, ...: general practice
          ev = AddEvent(o.person, o.start, Setting::kGpAppointment, Pod::kGpAppointment);
          e.attr1[ev] = unknown;
          e.attr2[ev] = o.concept_id == kVisitTelehealth ? b_.ds.attrs.Intern("VIDEO_ONLINE")
                        : o.concept_id == kVisitOffice   ? b_.ds.attrs.Intern("FACE_TO_FACE")
                                                         : unknown;
          e.attr3[ev] = b_.ds.attrs.Intern("ATTENDED");
          break;
      }
      if (!o.care_site.empty()) {
        std::string org = "OMOP-CARE-SITE-";
        org.append(o.care_site);
        e.provider[ev] = b_.ds.orgs.Intern(org);
      }
    }
    return Status::Ok();
  }

  // condition_occurrence and procedure_occurrence: SNOMED CT entries of the coded record.
  Status ReadCoded(const char* file, const char* date_column, const char* code_column) {
    auto csv = Open(file);
    if (!csv.ok()) return csv.status();
    if (!csv->present()) return Status::Ok();
    auto c_person = csv->Column("person_id", true);
    auto c_date = csv->Column(date_column, true);
    auto c_code = csv->Column(code_column, true);
    for (auto* c : {&c_person, &c_date, &c_code})
      if (!c->ok()) return c->status();
    struct Out {
      Where where;
      uint32_t person = 0;
      int32_t date = 0;
      std::string code;
    };
    auto rows = csv->Map<Out>(
        [&](const Row& r, Out& o, Why& why) {
          if (!FindPerson(r[*c_person], o.person, why) || !RequireDay(r[*c_date], date_column, o.date, why))
            return false;
          if (!IsSnomedId(r[*c_code])) {
            why = {code_column, r[*c_code].empty() ? "missing" : "not a SNOMED CT concept id"};
            return false;
          }
          o.code = std::string(r[*c_code]);
          return true;
        },
        Report(file), Rejects(file));
    auto& c = b_.ds.coded;
    for (const auto& o : rows) {
      c.date.push_back(o.date);
      c.system.push_back(static_cast<uint8_t>(CodeSystem::kSnomed));
      c.code.push_back(b_.ds.codes.Intern(o.code));
      c.value.push_back(std::nan(""));
      c.unit.push_back(Dictionary::kNone);
      b_.coded_person.push_back(o.person);
    }
    return Status::Ok();
  }

  Status ReadDrugs() {
    const char* file = "drug_exposure.csv";
    auto csv = Open(file);
    if (!csv.ok()) return csv.status();
    if (!csv->present()) return Status::Ok();
    auto c_person = csv->Column("person_id", true);
    auto c_date = csv->Column("drug_exposure_start_date", true);
    auto c_code = csv->Column("drug_source_value", false);
    for (auto* c : {&c_person, &c_date, &c_code})
      if (!c->ok()) return c->status();
    struct Out {
      Where where;
      uint32_t person = 0;
      int32_t date = 0;
      std::string code;
    };
    auto rows = csv->Map<Out>(
        [&](const Row& r, Out& o, Why& why) {
          if (!FindPerson(r[*c_person], o.person, why) ||
              !RequireDay(r[*c_date], "drug_exposure_start_date", o.date, why))
            return false;
          o.code = std::string(r[*c_code]);
          return true;
        },
        Report(file), Rejects(file));
    for (const auto& o : rows) {
      const size_t ev = AddEvent(o.person, o.date, Setting::kPrescribing, Pod::kPrescribing);
      if (!o.code.empty()) b_.ds.events.code[ev] = b_.ds.codes.Intern(o.code);
    }
    return Status::Ok();
  }

  std::string dir_;
  const HmacKey& key_;
  IngestReport& report_;
  DatasetBuilder b_;
  std::vector<std::vector<Reject>> per_file_rejects_;
  std::unordered_map<std::string, uint32_t> location_row_, person_of_;
  uint64_t imputed_birth_months_ = 0;
};

}  // namespace

bool LooksLikeOmop(const std::string& dir) {
  std::error_code ec;
  return fs::is_regular_file(fs::path(dir) / "person.csv", ec) && !fs::exists(fs::path(dir) / "persons.csv", ec);
}

Result<Dataset> ReadOmop(const std::string& dir, const HmacKey& key, IngestReport& report) {
  return OmopReader(dir, key, report).Read();
}

}  // namespace icb
