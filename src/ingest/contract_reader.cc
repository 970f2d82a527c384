#include "ingest/contract_reader.h"

#include <algorithm>

#include <oneapi/tbb/parallel_sort.h>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <set>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "core/parallel.h"
#include "core/progress.h"
#include "data/contract.h"
#include "data/dataset_builder.h"
#include "ingest/contract_mapping.h"
#include "ingest/csv_reader.h"
#include "ingest/local_dictionary.h"
#include "ingest/mapped_file.h"
#include "ingest/person_index.h"
#include "ingest/pseudonym.h"

namespace fs = std::filesystem;

namespace icb {
namespace {

constexpr size_t kMaxColumns = 16;  // the widest contract file has 13
constexpr size_t kWaveChunks = 16;  // chunks parsed in parallel before their results are merged

// What a column's value must be linked to, beyond its type check.
enum class Link : uint8_t { kNone, kNewPerson, kPerson, kLsoa, kPractice, kProvider };

struct ColumnBinding {
  const ColumnSpec* spec = nullptr;
  int field = -1;  // position in the record; -1 when the (optional) column is absent
  Link link = Link::kNone;
  bool is_date = false, is_year_month = false;
};

struct FileBinding {
  std::vector<ColumnBinding> cols;   // contract order
  std::vector<std::string> header;   // header names in file order
  size_t fields = 0;
  bool ok = false;
  std::vector<std::pair<std::string, std::string>> problems;  // (column, reason) at line 1
};

struct InputFile {
  const FileSpec* spec = nullptr;
  std::string path;
  std::string file_name;
  bool present = false;
  MappedFile map;
  CsvLayout layout;
  FileBinding binding;
  FileReport* report = nullptr;
  FileQuality* quality = nullptr;
  std::vector<uint64_t> row_hashes;  // per record: hash of a loaded row's bytes, 0 = not loaded
  size_t first_reject = 0;           // index of the file's first row reject in the report
};

// Lookups that rows are linked through. Read-only while a file is parsed.
struct References {
  LocalDictionary lsoa, practice, provider;  // code -> row of the (sorted) reference table
  PersonIndex persons;                       // NHS number -> builder person id
  std::vector<uint64_t> person_line;         // builder person id -> line in persons.csv
};

struct RowView {
  uint64_t line = 0, offset = 0;
  uint64_t record = 0;                       // index among the file's data records
  std::array<std::string_view, kMaxColumns> value{};
  std::array<int32_t, kMaxColumns> day{};    // date / year-month columns with a valid value
  std::array<uint32_t, kMaxColumns> ref{};   // linked columns: row of the referenced table
  uint64_t nhs = 0;                          // persons.csv: NHS number as an integer
  uint32_t person = 0;                       // other files: builder person id
};

struct ColumnCounts {
  uint64_t non_empty = 0, valid = 0;
  int32_t min_day = INT32_MAX, max_day = INT32_MIN;
};

// The part of every chunk's result that the driver fills.
struct ChunkBase {
  uint64_t rows_read = 0, rows_loaded = 0, rows_rejected = 0, blank = 0, checked = 0;
  std::vector<Reject> rejects;
  std::array<ColumnCounts, kMaxColumns> cols{};
};

// Adds rejects for one row.
class RowRejects {
 public:
  RowRejects(std::vector<Reject>& out, const std::string& file, const RowView& row)
      : out_(out), file_(file), row_(row) {}
  void Add(std::string_view column, std::string reason) {
    out_.push_back(Reject{file_, row_.line, std::string(column), std::move(reason), row_.offset});
  }

 private:
  std::vector<Reject>& out_;
  const std::string& file_;
  const RowView& row_;
};

std::string Lower(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  std::string out(s.substr(b, e - b));
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Link LinkFor(const FileSpec& spec, const ColumnSpec& col) {
  if (col.type == ColumnType::kNhsNumber) return spec.name == "persons" ? Link::kNewPerson : Link::kPerson;
  if (spec.kind == FileKind::kReference) return Link::kNone;
  if (col.name == "lsoa_of_residence") return Link::kLsoa;
  if (col.name == "gp_practice_code") return Link::kPractice;
  if (col.name == "provider_code") return Link::kProvider;
  return Link::kNone;
}

const char* LinkProblem(Link link) {
  switch (link) {
    case Link::kPerson: return "NHS number not in persons.csv (or rejected there)";
    case Link::kLsoa: return "LSOA not in ref_lsoa.csv";
    case Link::kPractice: return "practice not in ref_practices.csv";
    case Link::kProvider: return "provider not in ref_providers.csv";
    default: return "unlinked value";
  }
}

uint64_t NhsValue(std::string_view v) {
  uint64_t x = 0;
  for (char c : v) x = x * 10 + static_cast<uint64_t>(c - '0');
  return x;
}

// Binds a header to the contract: which field holds which column, and what is wrong with it.
FileBinding BindHeader(const InputFile& f) {
  FileBinding b;
  const FileSpec& spec = *f.spec;
  b.cols.resize(spec.columns.size());
  for (size_t c = 0; c < spec.columns.size(); ++c) {
    b.cols[c].spec = &spec.columns[c];
    b.cols[c].link = LinkFor(spec, spec.columns[c]);
    b.cols[c].is_date = spec.columns[c].type == ColumnType::kDate;
    b.cols[c].is_year_month = spec.columns[c].type == ColumnType::kYearMonth;
  }
  if (f.layout.empty) {
    b.problems.push_back({"", "empty file: no header row"});
    return b;
  }
  const char* base = f.map.view().data();
  CsvRecord r;
  r.begin = base + f.layout.header_begin;
  r.content_end = base + f.layout.header_end;
  r.has_quote = f.layout.header_has_quote;
  r.unterminated = f.layout.header_unterminated;
  std::vector<std::string_view> fields;
  std::string scratch;
  size_t bad_field = 0;
  const CsvProblem problem = SplitCsvRecord(r, fields, scratch, bad_field);
  if (r.unterminated || problem != CsvProblem::kNone) {
    b.problems.push_back(
        {"", std::string("header: ") + CsvProblemText(r.unterminated ? CsvProblem::kUnterminatedQuote : problem)});
    return b;
  }
  b.fields = fields.size();
  std::set<std::string> seen;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (!IsValidUtf8(fields[i])) {
      b.problems.push_back({"", "header: field " + std::to_string(i + 1) + " is not valid UTF-8"});
      b.header.emplace_back();
      continue;
    }
    std::string name = Lower(fields[i]);
    b.header.push_back(name);
    if (name.empty()) {
      b.problems.push_back({"", "header: field " + std::to_string(i + 1) + " has no column name"});
      continue;
    }
    if (!seen.insert(name).second) {
      b.problems.push_back({name, "header: duplicate column"});
      continue;
    }
    const int c = spec.ColumnIndex(name);
    if (c < 0) {
      b.problems.push_back({name, "header: unknown column (not in the input contract for " +
                                      std::string(spec.file_name) + ")"});
      continue;
    }
    b.cols[static_cast<size_t>(c)].field = static_cast<int>(i);
  }
  for (const auto& col : b.cols)
    if (col.field < 0 && col.spec->required)
      b.problems.push_back({std::string(col.spec->name), "header: missing required column"});
  b.ok = b.problems.empty();
  return b;
}

// CheckValue (data/contract.h) with the parsed day number for date columns. Dates take a fast
// path: Date::ParseIso accepts exactly what CheckValue accepts (YYYY-MM-DD, years 1800-2200, real
// calendar days; the twin test FastDatePathAgreesWithContractCheck in
// tests/ingest/csv_reader_test.cc checks this), and CheckValue still words the reason.
const char* CheckColumn(const ColumnBinding& col, std::string_view v, int32_t& day) {
  if (col.is_date && !v.empty()) {
    if (const auto d = Date::ParseIso(v)) {
      day = d->days();
      return nullptr;
    }
    const char* reason = CheckValue(*col.spec, v);
    return reason != nullptr ? reason : "expected a date YYYY-MM-DD";
  }
  const char* reason = CheckValue(*col.spec, v);
  if (reason == nullptr && col.is_year_month && !v.empty()) day = Date::ParseYearMonth(v)->days();
  return reason;
}

// ---------------------------------------------------------------------------------------------
// The driver: parses one file's chunks in waves, checks every row, calls `row_fn` for rows that
// pass the column checks and `merge` for each wave's results in chunk order.

template <typename Out, typename RowFn>
void ParseChunk(InputFile& f, const CsvChunk& chunk, const References& refs, RowFn& row_fn, Out& out) {
  const FileBinding& b = f.binding;
  const std::string_view data = f.map.view();
  const char* const base = data.data();
  const char* const file_end = base + data.size();
  const char* p = base + chunk.begin;
  const char* const chunk_end = base + chunk.end;
  std::vector<std::string_view> fields;
  fields.reserve(kMaxColumns * 2);
  std::string scratch;
  uint64_t line = chunk.first_line;
  uint64_t record = chunk.first_record;
  RowView row;
  const size_t ncols = b.cols.size();
  for (; p < chunk_end; ++record) {
    const CsvRecord r = NextCsvRecord(p, file_end);
    p = r.next;
    row.line = line;
    row.record = record;
    row.offset = static_cast<uint64_t>(r.begin - base);
    line += 1 + r.newlines;
    if (r.blank()) {
      ++out.blank;
      continue;
    }
    ++out.rows_read;
    RowRejects rejects(out.rejects, f.file_name, row);
    if (!b.ok) {
      rejects.Add("", "file header is invalid (see line 1); row not read");
      ++out.rows_rejected;
      continue;
    }
    if (r.unterminated) {
      rejects.Add("", CsvProblemText(CsvProblem::kUnterminatedQuote));
      ++out.rows_rejected;
      continue;
    }
    size_t bad_field = 0;
    const CsvProblem problem = SplitCsvRecord(r, fields, scratch, bad_field);
    if (problem != CsvProblem::kNone) {
      rejects.Add(bad_field < b.header.size() && problem != CsvProblem::kTooLong ? b.header[bad_field] : "",
                  CsvProblemText(problem));
      ++out.rows_rejected;
      continue;
    }
    if (fields.size() != b.fields) {
      rejects.Add("", "expected " + std::to_string(b.fields) + " fields, found " + std::to_string(fields.size()) +
                          (p >= file_end && r.next == r.content_end ? " (truncated last line?)" : ""));
      ++out.rows_rejected;
      continue;
    }
    if (!IsAscii(std::string_view(r.begin, r.size()))) {
      bool bad = false;
      for (size_t i = 0; i < fields.size(); ++i)
        if (!IsValidUtf8(fields[i])) {
          rejects.Add(b.header[i], "not valid UTF-8");
          bad = true;
        }
      if (bad) {
        ++out.rows_rejected;
        continue;
      }
    }
    ++out.checked;
    bool ok = true;
    for (size_t c = 0; c < ncols; ++c) {
      const ColumnBinding& col = b.cols[c];
      const std::string_view v = col.field >= 0 ? fields[static_cast<size_t>(col.field)] : std::string_view();
      row.value[c] = v;
      ColumnCounts& counts = out.cols[c];
      if (!v.empty()) ++counts.non_empty;
      const char* reason = CheckColumn(col, v, row.day[c]);
      if (reason == nullptr && !v.empty()) {
        switch (col.link) {
          case Link::kNone: break;
          case Link::kNewPerson: row.nhs = NhsValue(v); break;
          case Link::kPerson: {
            const uint32_t id = refs.persons.Find(NhsValue(v));
            if (id == PersonIndex::kNone) reason = LinkProblem(col.link);
            row.person = id;
            break;
          }
          case Link::kLsoa:
          case Link::kPractice:
          case Link::kProvider: {
            const LocalDictionary& d = col.link == Link::kLsoa       ? refs.lsoa
                                       : col.link == Link::kPractice ? refs.practice
                                                                     : refs.provider;
            const uint32_t id = d.Find(v);
            if (id == LocalDictionary::kNone) reason = LinkProblem(col.link);
            row.ref[c] = id;
            break;
          }
        }
      }
      if (reason != nullptr) {
        rejects.Add(col.spec->name, reason);
        ok = false;
      } else {
        ++counts.valid;
        if (v.empty() && (col.is_date || col.is_year_month)) row.day[c] = kNoDate;
      }
    }
    if (!ok || !row_fn(out, row, rejects)) {
      ++out.rows_rejected;
      continue;
    }
    ++out.rows_loaded;
    for (size_t c = 0; c < ncols; ++c) {
      const ColumnBinding& col = b.cols[c];
      if (!(col.is_date || col.is_year_month) || row.value[c].empty()) continue;
      out.cols[c].min_day = std::min(out.cols[c].min_day, row.day[c]);
      out.cols[c].max_day = std::max(out.cols[c].max_day, row.day[c]);
    }
    f.row_hashes[record] = LocalDictionary::Hash(std::string_view(r.begin, r.size())) | 1;
  }
}

class Driver {
 public:
  Driver(IngestReport& report, const ContractReadOptions& options, Progress* progress)
      : report_(report), options_(options), progress_(progress) {}

  template <typename Out, typename RowFn, typename Merge>
  void Run(InputFile& f, const References& refs, RowFn&& row_fn, Merge&& merge) {
    const auto& chunks = f.layout.chunks;
    f.row_hashes.assign(f.layout.records, 0);
    f.first_reject = report_.rejects.size();
    for (size_t w = 0; w < chunks.size(); w += kWaveChunks) {
      const size_t n = std::min(kWaveChunks, chunks.size() - w);
      std::vector<Out> outs(n);
      const auto t0 = std::chrono::steady_clock::now();
      ParallelFor(n, 1, [&](size_t b, size_t e) {
        for (size_t i = b; i < e; ++i) ParseChunk(f, chunks[w + i], refs, row_fn, outs[i]);
      });
      const auto t1 = std::chrono::steady_clock::now();
      merge(outs);  // may turn loaded rows into rejects (duplicate keys) and append their rejects
      for (auto& o : outs) MergeBase(f, o);
      const auto t2 = std::chrono::steady_clock::now();
      f.map.Release(chunks[w].begin, chunks[w + n - 1].end);
      const auto t3 = std::chrono::steady_clock::now();
      parse_s_ += std::chrono::duration<double>(t1 - t0).count();
      merge_s_ += std::chrono::duration<double>(t2 - t1).count();
      release_s_ += std::chrono::duration<double>(t3 - t2).count();
      if (progress_) progress_->Add(chunks[w + n - 1].end - chunks[w].begin);
    }
    if (progress_) {  // the header (and byte-order mark) of the file
      const uint64_t in_chunks = chunks.empty() ? 0 : chunks.back().end - chunks.front().begin;
      progress_->Add(f.map.size() - in_chunks);
    }
  }

  // After a file's last merge: its rejects in line order (duplicate-key rejects are found after the
  // row checks) and its duplicate-row count.
  void Finish(InputFile& f) {
    const auto t0 = std::chrono::steady_clock::now();
    std::stable_sort(report_.rejects.begin() + static_cast<ptrdiff_t>(f.first_reject), report_.rejects.end(),
                     [](const Reject& a, const Reject& b) { return a.line < b.line; });
    CountDuplicates(f);
    finish_s_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }

  void AddReject(Reject r) {
    if (report_.rejects.size() < options_.max_listed_rejects) {
      report_.rejects.push_back(std::move(r));
    } else {
      ++report_.rejects_not_listed;
    }
  }

 private:
  void MergeBase(InputFile& f, ChunkBase& o) {
    FileReport& fr = *f.report;
    FileQuality& fq = *f.quality;
    fr.rows_read += o.rows_read;
    fr.rows_loaded += o.rows_loaded;
    fr.rows_rejected += o.rows_rejected;
    fr.blank_lines += o.blank;
    fq.rows_checked += o.checked;
    for (size_t c = 0; c < fq.columns.size(); ++c) {
      ColumnQuality& q = fq.columns[c];
      const ColumnCounts& k = o.cols[c];
      q.non_empty += k.non_empty;
      q.valid += k.valid;
      if (k.min_day <= k.max_day) {
        q.min_date = q.min_date == kNoDate ? k.min_day : std::min(q.min_date, k.min_day);
        q.max_date = q.max_date == kNoDate ? k.max_day : std::max(q.max_date, k.max_day);
        fq.min_date = fq.min_date == kNoDate ? k.min_day : std::min(fq.min_date, k.min_day);
        fq.max_date = fq.max_date == kNoDate ? k.max_day : std::max(fq.max_date, k.max_day);
      }
    }
    for (auto& r : o.rejects) AddReject(std::move(r));
    o.rejects.clear();
  }

  // Loaded rows byte-identical to an earlier loaded row (64-bit hashes of the record bytes): the
  // hashes are partitioned by their top byte (equal hashes share a bucket), then each bucket is
  // sorted and counted in parallel.
  // Identical loaded rows: their byte hashes, compacted and sorted in place (no second array: at a
  // million people the prescriptions file alone has ~95 million rows), then adjacent equals counted.
  static void CountDuplicates(InputFile& f) {
    auto& h = f.row_hashes;
    h.erase(std::remove(h.begin(), h.end(), uint64_t{0}), h.end());
    tbb::parallel_sort(h.begin(), h.end());
    uint64_t total = 0;
    for (size_t i = 1; i < h.size(); ++i) total += h[i] == h[i - 1];
    std::vector<uint64_t>().swap(h);
    f.quality->duplicate_rows = total;
  }

  IngestReport& report_;
  const ContractReadOptions& options_;
  Progress* progress_;

  double parse_s_ = 0, merge_s_ = 0, release_s_ = 0, finish_s_ = 0;

 public:
  // "(parse 1.2 s, merge 0.1 s, ...)" for the phase timer; resets the counters.
  std::string TakeTimes() {
    char buf[160];
    std::snprintf(buf, sizeof buf, "(parse %.2f s, merge %.2f s, release %.2f s, duplicates + sort %.2f s)",
                  parse_s_, merge_s_, release_s_, finish_s_);
    parse_s_ = merge_s_ = release_s_ = finish_s_ = 0;
    return buf;
  }
};

// ---------------------------------------------------------------------------------------------
// Reference tables: rows kept as strings, sorted by code, later duplicates of a code rejected.

struct RefChunk : ChunkBase {
  struct Row {
    std::vector<std::string> values;  // contract column order
    uint64_t line = 0, offset = 0, record = 0;
  };
  std::vector<Row> rows;
};

std::vector<RefChunk::Row> ReadReference(Driver& driver, InputFile& f, const References& refs) {
  std::vector<RefChunk::Row> rows;
  const size_t ncols = f.spec->columns.size();
  auto capture = [ncols](RefChunk& out, const RowView& row, RowRejects&) {
    RefChunk::Row r;
    r.values.reserve(ncols);
    for (size_t c = 0; c < ncols; ++c) r.values.emplace_back(row.value[c]);
    r.line = row.line;
    r.offset = row.offset;
    r.record = row.record;
    out.rows.push_back(std::move(r));
    return true;
  };
  driver.Run<RefChunk>(f, refs, capture, [&](std::vector<RefChunk>& outs) {
    for (auto& o : outs)
      for (auto& r : o.rows) rows.push_back(std::move(r));
  });
  // Sort by code (column 0); keep the first occurrence (lowest line) of each code.
  std::stable_sort(rows.begin(), rows.end(), [](const RefChunk::Row& a, const RefChunk::Row& b) {
    return a.values[0] != b.values[0] ? a.values[0] < b.values[0] : a.line < b.line;
  });
  std::vector<RefChunk::Row> kept;
  std::vector<Reject> dup_rejects;
  for (auto& r : rows) {
    if (!kept.empty() && kept.back().values[0] == r.values[0]) {
      dup_rejects.push_back(Reject{f.file_name, r.line, std::string(f.spec->columns[0].name),
                                   "duplicate code: already on line " + std::to_string(kept.back().line),
                                   r.offset});
      f.row_hashes[r.record] = 0;
      continue;
    }
    kept.push_back(std::move(r));
  }
  if (!dup_rejects.empty()) {
    f.report->rows_loaded -= dup_rejects.size();
    f.report->rows_rejected += dup_rejects.size();
    f.quality->duplicate_keys += dup_rejects.size();
    for (auto& r : dup_rejects) driver.AddReject(std::move(r));
  }
  driver.Finish(f);
  return kept;
}

// ---------------------------------------------------------------------------------------------
// Persons.

struct PersonChunk : ChunkBase {
  struct Row {
    uint64_t nhs;
    Digest pseudonym;
    int32_t birth, death;
    uint8_t sex, ethnicity;
    uint32_t lsoa;
    uint64_t line, offset, record;
  };
  std::vector<Row> rows;
};

// ---------------------------------------------------------------------------------------------
// Activity, coded entries, registrations, registers.

struct EventChunk : ChunkBase {
  std::vector<uint32_t> person;
  std::vector<int32_t> date, end_date;
  std::vector<uint8_t> pod;
  std::vector<uint32_t> provider, attr1, attr2, attr3, code, procedure, hrg;
  std::vector<uint16_t> quantity;  // the contract caps items at 65,535
  std::vector<int32_t> cost;       // the contract caps a row's cost at kMaxEventPence
  LocalDictionary codes;  // chunk-local ids in code / procedure / hrg / coded_code
  // APC diagnoses for the coded table.
  std::vector<uint32_t> coded_person, coded_code;
  std::vector<int32_t> coded_date;
};

struct GpEventChunk : ChunkBase {
  std::vector<uint32_t> person, code, unit;
  std::vector<int32_t> date;
  std::vector<double> value;
  LocalDictionary codes, units;
};

struct RegistrationChunk : ChunkBase {
  std::vector<uint32_t> person, practice;
  std::vector<int32_t> start, end;
};

struct ConditionChunk : ChunkBase {
  std::vector<uint32_t> person;
  std::vector<uint8_t> condition;
  std::vector<int32_t> date;
};

// Provisional dictionary ids for dictionary-encoded strings whose values are known before parsing
// (allowed codes, reference codes): compacted to the values actually used after all files.
struct ProvisionalStrings {
  std::vector<std::string> values;
  uint32_t Add(std::string_view s) {
    values.emplace_back(s);
    return static_cast<uint32_t>(values.size() - 1);
  }
};

// An attr column: allowed value -> provisional attrs id.
struct AttrColumn {
  int col = -1;
  LocalDictionary allowed;
  std::vector<uint32_t> ids;
  uint32_t Id(std::string_view v) const {
    if (col < 0 || v.empty()) return Dictionary::kNone;
    const uint32_t i = allowed.Find(v);
    return i == LocalDictionary::kNone ? Dictionary::kNone : ids[i];
  }
};

void BindAttr(AttrColumn& a, const FileSpec& spec, std::string_view column, ProvisionalStrings& attrs) {
  if (column.empty()) return;
  a.col = spec.ColumnIndex(column);
  for (auto v : spec.columns[static_cast<size_t>(a.col)].allowed) {
    a.allowed.Intern(v);
    a.ids.push_back(attrs.Add(v));
  }
}

// Re-encodes provisional ids in `columns` to a dictionary of only the values used.
void CompactInto(Dictionary& dict, const std::vector<std::string>& provisional,
                 const std::vector<std::vector<uint32_t>*>& columns) {
  const size_t m = provisional.size();
  std::vector<uint8_t> used(m, 0);
  for (auto* col : columns) {
    const size_t n = col->size();
    const size_t parts = std::max<size_t>(1, (n + (1 << 20) - 1) >> 20);
    std::vector<std::vector<uint8_t>> part_used(parts);
    ParallelFor(parts, 1, [&](size_t b, size_t e) {
      for (size_t k = b; k < e; ++k) {
        auto& u = part_used[k];
        u.assign(m, 0);
        const size_t end = std::min(n, (k + 1) << 20);
        for (size_t i = k << 20; i < end; ++i)
          if ((*col)[i] != Dictionary::kNone) u[(*col)[i]] = 1;
      }
    });
    for (const auto& u : part_used)
      for (size_t i = 0; i < u.size(); ++i) used[i] |= u[i];
  }
  std::vector<uint32_t> remap(m, Dictionary::kNone);
  for (size_t i = 0; i < m; ++i)
    if (used[i]) remap[i] = dict.Intern(provisional[i]);
  for (auto* col : columns) {
    ParallelFor(col->size(), 1 << 16, [&](size_t b, size_t e) {
      for (size_t i = b; i < e; ++i)
        if ((*col)[i] != Dictionary::kNone) (*col)[i] = remap[(*col)[i]];
    });
  }
}

template <typename T>
void Append(std::vector<T>& dst, size_t at, const std::vector<T>& src) {
  std::copy(src.begin(), src.end(), dst.begin() + static_cast<ptrdiff_t>(at));
}

std::vector<uint32_t> MergeCodes(const LocalDictionary& local, Dictionary& global) {
  std::vector<uint32_t> remap(local.size());
  for (uint32_t i = 0; i < local.size(); ++i) remap[i] = global.Intern(local.value(i));
  return remap;
}

uint32_t Mapped(const std::vector<uint32_t>& remap, uint32_t id) {
  return id == LocalDictionary::kNone ? Dictionary::kNone : remap[id];
}

// "VmRSS / VmHWM" of this process in MiB (Linux), for the timing lines.
std::string MemoryNow() {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return "?";
  char line[256];
  long rss = -1, hwm = -1;
  while (std::fgets(line, sizeof line, f)) {
    if (std::sscanf(line, "VmRSS: %ld kB", &rss) == 1) continue;
    std::sscanf(line, "VmHWM: %ld kB", &hwm);
  }
  std::fclose(f);
  return std::to_string(rss / 1024) + "/" + std::to_string(hwm / 1024) + " MiB";
}

// Phase timings on stderr when ICB_INGEST_TIMING=1 (for performance work; counts and times only).
class PhaseTimer {
 public:
  PhaseTimer() : enabled_(std::getenv("ICB_INGEST_TIMING") != nullptr), last_(std::chrono::steady_clock::now()) {}
  void Mark(const std::string& phase, const std::string& detail = "") {
    const auto now = std::chrono::steady_clock::now();
    if (enabled_)
      std::fprintf(stderr, "ingest timing: %-28s %8.3f s  rss %s  %s\n", phase.c_str(),
                   std::chrono::duration<double>(now - last_).count(), MemoryNow().c_str(), detail.c_str());
    last_ = now;
  }

 private:
  bool enabled_;
  std::chrono::steady_clock::time_point last_;
};

class ContractReader {
 public:
  ContractReader(std::string dir, const HmacKey& key, IngestReport& report, DataQuality& dq,
                 const ContractReadOptions& options)
      : dir_(std::move(dir)), key_(key), report_(report), dq_(dq), options_(options) {}

  Result<Dataset> Read();

 private:
  Status OpenAndScan();
  void ReadReferences(InputFile& lsoa, InputFile& practices, InputFile& providers);
  void ReadPersons(InputFile& f);
  void ReadRegistrations(InputFile& f);
  void ReadEvents(InputFile& f, const EventMapping& m);
  void ReadGpEvents(InputFile& f);
  void ReadConditions(InputFile& f);
  InputFile* File(std::string_view name) {
    for (auto& f : files_)
      if (f.spec->name == name) return &f;
    return nullptr;
  }

  std::string dir_;
  const HmacKey& key_;
  IngestReport& report_;
  DataQuality& dq_;
  const ContractReadOptions& options_;
  std::vector<InputFile> files_;
  std::unique_ptr<Progress> progress_;
  std::unique_ptr<Driver> driver_;
  PhaseTimer timer_;
  References refs_;
  DatasetBuilder builder_;
  ProvisionalStrings orgs_, attrs_;
  uint32_t practice_org_base_ = 0;
  LocalDictionary units_;  // gp_events units; coded.unit holds their ids with the top bit set until the end
};

Status ContractReader::OpenAndScan() {
  std::error_code ec;
  if (!fs::is_directory(dir_, ec)) return Status::NotFound("input directory " + dir_ + " does not exist");
  const auto& contract = InputContract();
  report_.files.clear();
  report_.files.reserve(contract.size());
  dq_.files.clear();
  dq_.files.reserve(contract.size());
  files_.resize(contract.size());
  std::set<std::string> known;
  for (size_t i = 0; i < contract.size(); ++i) {
    InputFile& f = files_[i];
    f.spec = &contract[i];
    f.file_name = std::string(f.spec->file_name);
    f.path = (fs::path(dir_) / f.file_name).string();
    known.insert(f.file_name);
    report_.files.push_back(FileReport{});
    report_.files.back().file = f.file_name;
    dq_.files.push_back(FileQuality{});
    dq_.files.back().file = f.file_name;
    for (const auto& c : f.spec->columns) dq_.files.back().columns.push_back(ColumnQuality{std::string(c.name)});
  }
  for (size_t i = 0; i < files_.size(); ++i) {
    files_[i].report = &report_.files[i];
    files_[i].quality = &dq_.files[i];
    InputFile& f = files_[i];
    if (!fs::exists(f.path, ec)) {
      if (f.spec->required)
        return Status::NotFound("required file " + f.file_name + " is missing from " + dir_ +
                                " (see icb contract for the input contract)");
      continue;
    }
    auto map = MappedFile::Open(f.path);
    if (!map.ok()) return map.status();
    f.map = std::move(*map);
    f.present = true;
    f.report->present = true;
    f.report->bytes = f.map.size();
  }
  // Unknown CSV files are listed (a misspelt file name must not pass silently); other files
  // (READMEs, notes) are not data.
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (known.count(name) || !entry.is_regular_file(ec)) continue;
    if (Lower(name).find(".csv") != std::string::npos) dq_.ignored_files.push_back(name);
  }
  std::sort(dq_.ignored_files.begin(), dq_.ignored_files.end());
  for (const auto& name : dq_.ignored_files)
    report_.warnings.push_back("ignored " + name + ": not a file of the input contract");

  uint64_t total_bytes = 0;
  for (const auto& f : files_) total_bytes += f.map.size();
  std::unique_ptr<Progress> scan;
  if (options_.show_progress) scan = std::make_unique<Progress>("scan + SHA-256", total_bytes, "bytes");
  Progress* scan_progress = scan.get();
  // Files are scanned in parallel with each other; each file's scan is sequential.
  ParallelFor(files_.size(), 1, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) {
      InputFile& f = files_[i];
      if (!f.present) continue;
      f.layout = ScanCsv(
          f.map.view(), options_.chunk_bytes,
          [&](uint64_t n) {
            if (scan_progress) scan_progress->Add(n);
          },
          [&](uint64_t from, uint64_t to) { f.map.Release(from, to); });
      f.report->sha256 = ToHex(f.layout.sha256);
    }
  });
  if (scan) scan->Finish();
  for (auto& f : files_) {
    if (!f.present) continue;
    f.binding = BindHeader(f);
    for (const auto& [column, reason] : f.binding.problems)
      driver_->AddReject(Reject{f.file_name, 1, column, reason, f.layout.header_begin});
    for (size_t c = 0; c < f.binding.cols.size(); ++c)
      f.quality->columns[c].present = f.binding.cols[c].field >= 0;
    if (f.spec->required && !f.binding.ok) {
      const auto& [column, reason] = f.binding.problems.front();
      return Status::InvalidInput(f.file_name + " line 1" + (column.empty() ? "" : " column " + column) + ": " +
                                  reason + (f.binding.problems.size() > 1 ? " (and more)" : "") +
                                  "; a required file must have a valid header");
    }
  }
  if (options_.show_progress) progress_ = std::make_unique<Progress>("parse + check", total_bytes, "bytes");
  return Status::Ok();
}

void ContractReader::ReadReferences(InputFile& lsoa_file, InputFile& practice_file, InputFile& provider_file) {
  Dataset& ds = builder_.ds;
  {
    auto rows = ReadReference(*driver_, lsoa_file, refs_);
    // lsoa_code, lsoa_name, imd_decile, imd_quintile, sub_icb_code, place_code, place_name
    for (auto& r : rows) {
      refs_.lsoa.Intern(r.values[0]);
      ds.lsoas.code.Intern(r.values[0]);
      ds.lsoas.name.push_back(r.values[1]);
      ds.lsoas.imd_decile.push_back(static_cast<uint8_t>(std::stoi(r.values[2])));
      ds.lsoas.imd_quintile.push_back(static_cast<uint8_t>(std::stoi(r.values[3])));
      ds.lsoas.sub_icb.push_back(r.values[4]);
      ds.lsoas.place_code.push_back(r.values[5]);
      ds.lsoas.place_name.push_back(r.values[6]);
    }
  }
  {
    auto rows = ReadReference(*driver_, practice_file, refs_);
    // gp_practice_code, practice_name, pcn_code, pcn_name, sub_icb_code, place_name
    for (auto& r : rows) {
      refs_.practice.Intern(r.values[0]);
      ds.practices.code.Intern(r.values[0]);
      ds.practices.name.push_back(r.values[1]);
      ds.practices.pcn_code.push_back(r.values[2]);
      ds.practices.pcn_name.push_back(r.values[3]);
      ds.practices.sub_icb.push_back(r.values[4]);
      ds.practices.place_name.push_back(r.values[5]);
    }
  }
  {
    auto rows = ReadReference(*driver_, provider_file, refs_);
    // provider_code, provider_name, provider_type
    for (auto& r : rows) {
      refs_.provider.Intern(r.values[0]);
      ds.providers.code.Intern(r.values[0]);
      ds.providers.name.push_back(r.values[1]);
      ds.providers.type.push_back(r.values[2]);
    }
  }
  // Provisional org ids: providers first, then practices.
  for (size_t i = 0; i < ds.providers.size(); ++i) orgs_.Add(ds.providers.code.at(static_cast<uint32_t>(i)));
  practice_org_base_ = static_cast<uint32_t>(orgs_.values.size());
  for (size_t i = 0; i < ds.practices.size(); ++i) orgs_.Add(ds.practices.code.at(static_cast<uint32_t>(i)));
}

void ContractReader::ReadPersons(InputFile& f) {
  const FileSpec& s = *f.spec;
  const int c_birth = s.ColumnIndex("year_month_of_birth"), c_sex = s.ColumnIndex("person_stated_gender_code"),
            c_eth = s.ColumnIndex("ethnic_category"), c_lsoa = s.ColumnIndex("lsoa_of_residence"),
            c_death = s.ColumnIndex("date_of_death"), c_nhs = s.ColumnIndex("nhs_number");
  const HmacKey& key = key_;
  auto row_fn = [&](PersonChunk& out, const RowView& row, RowRejects& rejects) {
    PersonChunk::Row r;
    r.nhs = row.nhs;
    r.birth = row.day[c_birth];
    r.death = row.value[c_death].empty() ? kNoDate : row.day[c_death];
    if (r.death != kNoDate && r.death < r.birth) {
      rejects.Add("date_of_death", "date of death before the month of birth");
      return false;
    }
    r.sex = static_cast<uint8_t>(*ParseSexCode(row.value[c_sex]));
    r.ethnicity = *EthnicIndex(row.value[c_eth]);
    r.lsoa = row.ref[c_lsoa];
    r.line = row.line;
    r.offset = row.offset;
    r.record = row.record;
    r.pseudonym = NhsPseudonym(key, row.value[c_nhs]);
    out.rows.push_back(r);
    return true;
  };
  refs_.persons.Reserve(f.layout.records);
  driver_->Run<PersonChunk>(f, refs_, row_fn, [&](std::vector<PersonChunk>& outs) {
    for (auto& o : outs) {
      for (const auto& r : o.rows) {
        const auto id = static_cast<uint32_t>(builder_.ds.persons.size());
        const uint32_t existing = refs_.persons.Insert(r.nhs, id);
        if (existing != PersonIndex::kNone) {
          o.rejects.push_back(Reject{f.file_name, r.line, "nhs_number",
                                     "duplicate person: NHS number already on line " +
                                         std::to_string(refs_.person_line[existing]),
                                     r.offset});
          --o.rows_loaded;
          ++o.rows_rejected;
          ++f.quality->duplicate_keys;
          f.row_hashes[r.record] = 0;
          continue;
        }
        builder_.AddPerson(r.pseudonym, r.birth, r.sex, r.ethnicity, r.lsoa, r.death);
        refs_.person_line.push_back(r.line);
      }
      std::stable_sort(o.rejects.begin(), o.rejects.end(),
                       [](const Reject& a, const Reject& b) { return a.line < b.line; });
      o.rows.clear();
    }
  });
  driver_->Finish(f);
}

void ContractReader::ReadRegistrations(InputFile& f) {
  const FileSpec& s = *f.spec;
  const int c_practice = s.ColumnIndex("gp_practice_code"), c_start = s.ColumnIndex("registration_start_date"),
            c_end = s.ColumnIndex("registration_end_date");
  auto row_fn = [&](RegistrationChunk& out, const RowView& row, RowRejects& rejects) {
    const int32_t end = row.value[c_end].empty() ? kNoDate : row.day[c_end];
    if (end != kNoDate && end < row.day[c_start]) {
      rejects.Add("registration_end_date", "end date before start date");
      return false;
    }
    out.person.push_back(row.person);
    out.practice.push_back(row.ref[c_practice]);
    out.start.push_back(row.day[c_start]);
    out.end.push_back(end);
    return true;
  };
  auto& r = builder_.ds.registrations;
  driver_->Run<RegistrationChunk>(f, refs_, row_fn, [&](std::vector<RegistrationChunk>& outs) {
    for (auto& o : outs) {
      builder_.registration_person.insert(builder_.registration_person.end(), o.person.begin(), o.person.end());
      r.practice.insert(r.practice.end(), o.practice.begin(), o.practice.end());
      r.start.insert(r.start.end(), o.start.begin(), o.start.end());
      r.end.insert(r.end.end(), o.end.begin(), o.end.end());
    }
  });
  driver_->Finish(f);
}

void ContractReader::ReadEvents(InputFile& f, const EventMapping& m) {
  const FileSpec& s = *f.spec;
  auto col = [&](std::string_view name) { return name.empty() ? -1 : s.ColumnIndex(name); };
  const int c_date = col(m.date), c_end = col(m.end_date), c_org = col(m.org), c_code = col(m.code),
            c_proc = col(m.procedure), c_hrg = col(m.hrg), c_qty = col(m.quantity), c_cost = col("cost");
  const bool apc = m.setting == Setting::kApc, op = m.setting == Setting::kOutpatient;
  const int c_pod = apc ? col("point_of_delivery") : -1, c_method = apc ? col("admission_method") : -1,
            c_class = apc ? col("patient_classification") : -1, c_secondary = apc ? col("secondary_diagnoses_icd10") : -1,
            c_first = op ? col("first_attendance") : -1;
  AttrColumn a1, a2, a3;
  BindAttr(a1, s, m.attr1, attrs_);
  BindAttr(a2, s, m.attr2, attrs_);
  BindAttr(a3, s, m.attr3, attrs_);
  const uint32_t org_base = m.org_is_practice ? practice_org_base_ : 0;
  const std::string end_name(m.end_date);

  auto row_fn = [&](EventChunk& out, const RowView& row, RowRejects& rejects) {
    const int32_t date = row.day[c_date];
    int32_t end = kNoDate;
    if (c_end >= 0 && !row.value[c_end].empty()) {
      end = row.day[c_end];
      if (end < date) {
        rejects.Add(end_name, "end date before start date");
        return false;
      }
    }
    Pod pod = m.pod;
    if (apc) {
      if (const char* problem = ApcPodProblem(row.value[c_pod], row.value[c_method], row.value[c_class])) {
        rejects.Add("point_of_delivery", problem);
        return false;
      }
      pod = ApcPod(row.value[c_pod]);
    } else if (op) {
      pod = OutpatientPod(row.value[c_first]);
    }
    uint32_t qty = 1;
    if (c_qty >= 0) {
      const std::string_view v = row.value[c_qty];
      uint32_t q = 0;
      std::from_chars(v.data(), v.data() + v.size(), q);
      if (q < 1) {
        rejects.Add(m.quantity, "items must be at least 1");
        return false;
      }
      qty = q;
    }
    int64_t pence = 0;
    ParseMoneyPence(row.value[c_cost], pence);
    auto intern = [&](int c) {
      return (c < 0 || row.value[c].empty()) ? LocalDictionary::kNone : out.codes.Intern(row.value[c]);
    };
    out.person.push_back(row.person);
    out.date.push_back(date);
    out.end_date.push_back(end);
    out.pod.push_back(static_cast<uint8_t>(pod));
    out.provider.push_back(org_base + row.ref[c_org]);
    out.attr1.push_back(a1.Id(a1.col >= 0 ? row.value[a1.col] : std::string_view()));
    out.attr2.push_back(a2.Id(a2.col >= 0 ? row.value[a2.col] : std::string_view()));
    out.attr3.push_back(a3.Id(a3.col >= 0 ? row.value[a3.col] : std::string_view()));
    const uint32_t code = intern(c_code);
    out.code.push_back(code);
    out.procedure.push_back(intern(c_proc));
    out.hrg.push_back(intern(c_hrg));
    out.cost.push_back(static_cast<int32_t>(pence));  // validated <= kMaxEventPence
    out.quantity.push_back(static_cast<uint16_t>(qty));
    if (apc) {
      out.coded_person.push_back(row.person);
      out.coded_date.push_back(date);
      out.coded_code.push_back(code);
      std::string_view list = row.value[c_secondary];
      while (!list.empty()) {
        const size_t semi = list.find(';');
        out.coded_person.push_back(row.person);
        out.coded_date.push_back(date);
        out.coded_code.push_back(out.codes.Intern(list.substr(0, semi)));
        if (semi == std::string_view::npos) break;
        list.remove_prefix(semi + 1);
      }
    }
    return true;
  };

  Dataset& ds = builder_.ds;
  auto& e = ds.events;
  const auto setting = static_cast<uint8_t>(m.setting);
  driver_->Run<EventChunk>(f, refs_, row_fn, [&](std::vector<EventChunk>& outs) {
    const size_t n = outs.size();
    std::vector<size_t> at(n + 1, e.size());
    std::vector<std::vector<uint32_t>> remap(n);
    for (size_t i = 0; i < n; ++i) {
      at[i + 1] = at[i] + outs[i].person.size();
      remap[i] = MergeCodes(outs[i].codes, ds.codes);
    }
    const size_t total = at[n];
    builder_.event_person.resize(total);
    e.date.resize(total);
    e.end_date.resize(total);
    e.setting.resize(total, setting);
    e.pod.resize(total);
    e.provider.resize(total);
    e.attr1.resize(total);
    e.attr2.resize(total);
    e.attr3.resize(total);
    e.code.resize(total);
    e.procedure.resize(total);
    e.hrg.resize(total);
    e.cost_pence.resize(total);
    e.quantity.resize(total);
    ParallelFor(n, 1, [&](size_t b, size_t end) {
      for (size_t i = b; i < end; ++i) {
        const EventChunk& o = outs[i];
        const size_t k = at[i];
        Append(builder_.event_person, k, o.person);
        Append(e.date, k, o.date);
        Append(e.end_date, k, o.end_date);
        Append(e.pod, k, o.pod);
        Append(e.provider, k, o.provider);
        Append(e.attr1, k, o.attr1);
        Append(e.attr2, k, o.attr2);
        Append(e.attr3, k, o.attr3);
        Append(e.cost_pence, k, o.cost);
        Append(e.quantity, k, o.quantity);
        const auto& rm = remap[i];
        for (size_t j = 0; j < o.code.size(); ++j) {
          e.code[k + j] = Mapped(rm, o.code[j]);
          e.procedure[k + j] = Mapped(rm, o.procedure[j]);
          e.hrg[k + j] = Mapped(rm, o.hrg[j]);
        }
      }
    });
    auto& c = ds.coded;
    for (size_t i = 0; i < n; ++i) {
      const EventChunk& o = outs[i];
      for (size_t j = 0; j < o.coded_person.size(); ++j) {
        builder_.coded_person.push_back(o.coded_person[j]);
        c.date.push_back(o.coded_date[j]);
        c.system.push_back(static_cast<uint8_t>(CodeSystem::kIcd10));
        c.code.push_back(remap[i][o.coded_code[j]]);
        c.value.push_back(std::numeric_limits<double>::quiet_NaN());
        c.unit.push_back(Dictionary::kNone);
      }
    }
  });
  driver_->Finish(f);
}

void ContractReader::ReadGpEvents(InputFile& f) {
  const FileSpec& s = *f.spec;
  const int c_date = s.ColumnIndex("event_date"), c_code = s.ColumnIndex("snomed_code"),
            c_value = s.ColumnIndex("value"), c_unit = s.ColumnIndex("unit");
  auto row_fn = [&](GpEventChunk& out, const RowView& row, RowRejects&) {
    out.person.push_back(row.person);
    out.date.push_back(row.day[c_date]);
    out.code.push_back(out.codes.Intern(row.value[c_code]));
    double value = std::numeric_limits<double>::quiet_NaN();
    const std::string_view v = row.value[c_value];
    if (!v.empty()) std::from_chars(v.data(), v.data() + v.size(), value);
    out.value.push_back(value);
    const std::string_view u = row.value[c_unit];
    out.unit.push_back(u.empty() ? LocalDictionary::kNone : out.units.Intern(u));
    return true;
  };
  Dataset& ds = builder_.ds;
  auto& c = ds.coded;
  driver_->Run<GpEventChunk>(f, refs_, row_fn, [&](std::vector<GpEventChunk>& outs) {
    for (auto& o : outs) {
      const auto codes = MergeCodes(o.codes, ds.codes);
      std::vector<uint32_t> units(o.units.size());
      for (uint32_t i = 0; i < o.units.size(); ++i) units[i] = units_.Intern(o.units.value(i));
      for (size_t j = 0; j < o.person.size(); ++j) {
        builder_.coded_person.push_back(o.person[j]);
        c.date.push_back(o.date[j]);
        c.system.push_back(static_cast<uint8_t>(CodeSystem::kSnomed));
        c.code.push_back(codes[o.code[j]]);
        c.value.push_back(o.value[j]);
        // Units are kept as unit-dictionary ids with the top bit set until compaction.
        c.unit.push_back(o.unit[j] == LocalDictionary::kNone ? Dictionary::kNone : (units[o.unit[j]] | 0x80000000u));
      }
    }
  });
  driver_->Finish(f);
}

void ContractReader::ReadConditions(InputFile& f) {
  const FileSpec& s = *f.spec;
  const int c_condition = s.ColumnIndex("condition"), c_date = s.ColumnIndex("register_date");
  auto row_fn = [&](ConditionChunk& out, const RowView& row, RowRejects&) {
    out.person.push_back(row.person);
    out.condition.push_back(*QofConditionIndex(row.value[c_condition]));
    out.date.push_back(row.day[c_date]);
    return true;
  };
  auto& k = builder_.ds.conditions;
  driver_->Run<ConditionChunk>(f, refs_, row_fn, [&](std::vector<ConditionChunk>& outs) {
    for (auto& o : outs) {
      builder_.condition_person.insert(builder_.condition_person.end(), o.person.begin(), o.person.end());
      k.condition.insert(k.condition.end(), o.condition.begin(), o.condition.end());
      k.date.insert(k.date.end(), o.date.begin(), o.date.end());
    }
  });
  driver_->Finish(f);
}

Result<Dataset> ContractReader::Read() {
  report_.source_format = "icb-contract";
  report_.key_id = KeyId(key_);
  driver_ = std::make_unique<Driver>(report_, options_, nullptr);
  ICB_RETURN_IF_ERROR(OpenAndScan());
  timer_.Mark("open + scan + hash");
  driver_ = std::make_unique<Driver>(report_, options_, progress_.get());
  builder_.ds.source_format = "icb-contract";

  ReadReferences(*File("ref_lsoa"), *File("ref_practices"), *File("ref_providers"));
  ReadPersons(*File("persons"));
  timer_.Mark("references + persons", driver_->TakeTimes());
  if (builder_.ds.persons.size() == 0)
    return Status::InvalidInput("no person could be loaded from persons.csv (" +
                                std::to_string(File("persons")->report->rows_rejected) +
                                " rows rejected; see the rejects listed above)");

  // Reserve the activity tables once, from the pre-pass record counts, so they never reallocate.
  uint64_t event_rows = 0, coded_rows = 0;
  for (const auto& f : files_) {
    if (!f.present) continue;
    if (FindEventMapping(f.spec->name)) event_rows += f.layout.records;
    if (f.spec->name == "gp_events") coded_rows += f.layout.records;
    if (f.spec->name == "apc_spells") coded_rows += f.layout.records * 3;
  }
  {
    auto& e = builder_.ds.events;
    builder_.event_person.reserve(event_rows);
    e.date.reserve(event_rows);
    e.end_date.reserve(event_rows);
    e.setting.reserve(event_rows);
    e.pod.reserve(event_rows);
    e.provider.reserve(event_rows);
    e.attr1.reserve(event_rows);
    e.attr2.reserve(event_rows);
    e.attr3.reserve(event_rows);
    e.code.reserve(event_rows);
    e.procedure.reserve(event_rows);
    e.hrg.reserve(event_rows);
    e.cost_pence.reserve(event_rows);
    e.quantity.reserve(event_rows);
    auto& c = builder_.ds.coded;
    builder_.coded_person.reserve(coded_rows);
    c.date.reserve(coded_rows);
    c.system.reserve(coded_rows);
    c.code.reserve(coded_rows);
    c.value.reserve(coded_rows);
    c.unit.reserve(coded_rows);
  }

  for (auto& f : files_) {
    if (!f.present) continue;
    const std::string_view name = f.spec->name;
    if (f.spec->kind == FileKind::kReference || name == "persons") continue;
    if (name == "gp_registrations") {
      ReadRegistrations(f);
    } else if (const EventMapping* m = FindEventMapping(name)) {
      ReadEvents(f, *m);
    } else if (name == "gp_events") {
      ReadGpEvents(f);
    } else if (name == "ltc_registers") {
      ReadConditions(f);
    }
    timer_.Mark(f.file_name, driver_->TakeTimes());
  }
  for (auto& f : files_) f.map = MappedFile();
  if (progress_) progress_->Finish();

  for (const auto& fr : report_.files)
    if (!fr.Balances())
      return Status::Internal(fr.file + ": counts do not balance (read " + std::to_string(fr.rows_read) +
                              ", loaded " + std::to_string(fr.rows_loaded) + ", rejected " +
                              std::to_string(fr.rows_rejected) + ")");

  // Dictionaries: keep only values in use. Units (top bit set) follow the code attrs.
  Dataset& ds = builder_.ds;
  CompactInto(ds.orgs, orgs_.values, {&ds.events.provider});
  const auto unit_base = static_cast<uint32_t>(attrs_.values.size());
  for (uint32_t i = 0; i < units_.size(); ++i) attrs_.Add(units_.value(i));
  ParallelFor(ds.coded.unit.size(), 1 << 16, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i)
      if (ds.coded.unit[i] != Dictionary::kNone) ds.coded.unit[i] = unit_base + (ds.coded.unit[i] & 0x7FFFFFFFu);
  });
  CompactInto(ds.attrs, attrs_.values, {&ds.events.attr1, &ds.events.attr2, &ds.events.attr3, &ds.coded.unit});
  timer_.Mark("dictionaries");
  if (options_.show_progress && Progress::Enabled())
    std::fprintf(stderr, "sorting and indexing %zu events of %zu people...\n", ds.events.size(), ds.persons.size());
  auto out = builder_.Finish();
  timer_.Mark("DatasetBuilder::Finish");
  return out;
}

}  // namespace

Result<Dataset> ReadContract(const std::string& dir, const HmacKey& key, IngestReport& report, DataQuality& dq,
                             const ContractReadOptions& options) {
  ContractReader reader(dir, key, report, dq, options);
  return reader.Read();
}

}  // namespace icb
