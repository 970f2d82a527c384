#include "server/live_batch.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "core/date.h"
#include "core/file_util.h"
#include "data/contract.h"
#include "ingest/contract_mapping.h"
#include "ingest/csv_reader.h"
#include "ingest/pseudonym.h"

namespace icb::server {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kSpecNames[] = {"ae_attendances", "apc_spells", "prescriptions"};
constexpr char kBatchHeader[] = "kind,day,pseudonym,org,emergency,diagnoses,items";

std::string Lower(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  std::string out(s.substr(b, e - b));
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::vector<std::string_view> SplitPlain(std::string_view line) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (true) {
    const size_t c = line.find(',', pos);
    if (c == std::string_view::npos) {
      out.push_back(line.substr(pos));
      return out;
    }
    out.push_back(line.substr(pos, c - pos));
    pos = c + 1;
  }
}

bool ParseUint(std::string_view s, uint64_t& v) {
  if (s.empty() || s.size() > 12) return false;
  v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return true;
}

bool ParseDigestHex(std::string_view s, Digest& d) {
  if (s.size() != 64) return false;
  auto nib = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (size_t i = 0; i < 32; ++i) {
    const int hi = nib(s[2 * i]), lo = nib(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    d[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return true;
}

std::string CsvQuote(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string_view LiveKindName(LiveKind k) {
  switch (k) {
    case LiveKind::kAe: return "ae";
    case LiveKind::kApc: return "apc";
    case LiveKind::kPrescription: return "prescription";
  }
  return "?";
}

Result<LiveParse> ParseLiveCsv(const std::string& file_name, std::string_view content, const HmacKey& key,
                               int32_t latest_day) {
  LiveParse out;
  size_t start = 0;
  if (content.size() >= 3 && static_cast<unsigned char>(content[0]) == 0xEF &&
      static_cast<unsigned char>(content[1]) == 0xBB && static_cast<unsigned char>(content[2]) == 0xBF) {
    start = 3;
  }
  const char* p = content.data() + start;
  const char* const end = content.data() + content.size();
  if (p == end) return Status::InvalidInput(file_name + ": empty file: no header row");
  const CsvRecord header = NextCsvRecord(p, end);
  std::vector<std::string_view> fields;
  std::string scratch;
  size_t bad = 0;
  if (header.unterminated || SplitCsvRecord(header, fields, scratch, bad) != CsvProblem::kNone) {
    return Status::InvalidInput(file_name + ":1: the header is not a valid CSV record");
  }
  std::vector<std::string> names;
  for (auto f : fields) names.push_back(Lower(f));

  // The layout: from the file name's stem, else the first layout whose required columns are all there.
  const std::string stem = fs::path(file_name).filename().string();
  const FileSpec* spec = nullptr;
  for (size_t i = 0; i < 3; ++i) {
    if (stem.rfind(kSpecNames[i], 0) == 0) {
      spec = FindFileSpec(kSpecNames[i]);
      out.kind = static_cast<LiveKind>(i);
    }
  }
  if (spec == nullptr) {
    for (size_t i = 0; i < 3 && spec == nullptr; ++i) {
      const FileSpec* s = FindFileSpec(kSpecNames[i]);
      bool all = s != nullptr;
      for (size_t c = 0; all && c < s->columns.size(); ++c) {
        if (s->columns[c].required && std::find(names.begin(), names.end(), s->columns[c].name) == names.end()) {
          all = false;
        }
      }
      if (all) {
        spec = s;
        out.kind = static_cast<LiveKind>(i);
      }
    }
  }
  if (spec == nullptr) {
    return Status::InvalidInput(file_name +
                                ":1: the header fits none of ae_attendances.csv, apc_spells.csv or prescriptions.csv "
                                "(docs/reference/input-contract.md)");
  }
  // Bind the header.
  std::vector<int> field_of(spec->columns.size(), -1);
  std::set<std::string> seen;
  for (size_t i = 0; i < names.size(); ++i) {
    if (!seen.insert(names[i]).second) {
      return Status::InvalidInput(fmt::format("{}:1: column {}: duplicate column", file_name, names[i]));
    }
    const int c = spec->ColumnIndex(names[i]);
    if (c < 0) {
      return Status::InvalidInput(fmt::format("{}:1: column {}: not in the input contract for {}", file_name,
                                              names[i].substr(0, 64), spec->file_name));
    }
    field_of[static_cast<size_t>(c)] = static_cast<int>(i);
  }
  for (size_t c = 0; c < spec->columns.size(); ++c) {
    if (field_of[c] < 0 && spec->columns[c].required) {
      return Status::InvalidInput(
          fmt::format("{}:1: column {}: missing required column", file_name, spec->columns[c].name));
    }
  }
  auto col = [&](std::string_view name) { return spec->ColumnIndex(name); };
  const int c_nhs = col("nhs_number");
  const int c_date = col(out.kind == LiveKind::kAe ? "arrival_date"
                                                   : out.kind == LiveKind::kApc ? "admission_date" : "dispensed_date");
  const int c_org = col(out.kind == LiveKind::kPrescription ? "gp_practice_code" : "provider_code");
  const int c_method = col("admission_method"), c_class = col("patient_classification"),
            c_pod = col("point_of_delivery"), c_primary = col("primary_diagnosis_icd10"),
            c_secondary = col("secondary_diagnoses_icd10"), c_items = col("items");

  uint64_t line = 1 + header.newlines;
  p = header.next;
  std::vector<std::string_view> value(spec->columns.size());
  while (p < end) {
    const CsvRecord r = NextCsvRecord(p, end);
    p = r.next;
    ++line;
    const uint64_t this_line = line;
    line += r.newlines;
    if (r.blank()) continue;
    ++out.rows_read;
    const size_t rejects_before = out.rejects.size();
    auto reject = [&](std::string_view column, std::string reason) {
      out.rejects.push_back(Reject{file_name, this_line, std::string(column), std::move(reason),
                                   static_cast<uint64_t>(r.begin - content.data())});
    };
    CsvProblem problem = r.unterminated ? CsvProblem::kUnterminatedQuote : CsvProblem::kNone;
    if (problem == CsvProblem::kNone) problem = SplitCsvRecord(r, fields, scratch, bad);
    if (problem != CsvProblem::kNone) {
      reject(bad < names.size() && !r.unterminated ? names[bad] : "", CsvProblemText(problem));
    } else if (fields.size() != names.size()) {
      reject("", fmt::format("expected {} fields, found {}", names.size(), fields.size()));
    } else if (!IsValidUtf8(std::string_view(r.begin, r.size()))) {
      reject("", "not valid UTF-8");
    } else {
      for (size_t c = 0; c < spec->columns.size(); ++c) {
        value[c] = field_of[c] >= 0 ? fields[static_cast<size_t>(field_of[c])] : std::string_view();
        if (const char* why = CheckValue(spec->columns[c], value[c])) reject(spec->columns[c].name, why);
      }
      if (out.rejects.size() == rejects_before) {
        const int32_t day = Date::ParseIso(value[static_cast<size_t>(c_date)])->days();
        if (day > latest_day) reject(spec->columns[static_cast<size_t>(c_date)].name, "date is in the future");
        if (out.kind == LiveKind::kApc) {
          const std::string_view discharge = value[static_cast<size_t>(col("discharge_date"))];
          if (!discharge.empty() && Date::ParseIso(discharge)->days() < day) {
            reject("discharge_date", "end date before start date");
          }
          if (const char* why = ApcPodProblem(value[static_cast<size_t>(c_pod)], value[static_cast<size_t>(c_method)],
                                              value[static_cast<size_t>(c_class)])) {
            reject("point_of_delivery", why);
          }
        }
        uint64_t items = 1;
        if (out.kind == LiveKind::kPrescription) {
          ParseUint(value[static_cast<size_t>(c_items)], items);
          if (items < 1) reject("items", "items must be at least 1");
        }
        if (out.rejects.size() == rejects_before) {
          LiveRow row;
          row.kind = out.kind;
          row.day = day;
          row.pseudonym = NhsPseudonym(key, value[static_cast<size_t>(c_nhs)]);
          row.org = std::string(value[static_cast<size_t>(c_org)]);
          row.items = static_cast<uint32_t>(items);
          if (out.kind == LiveKind::kApc) {
            row.emergency = value[static_cast<size_t>(c_method)].substr(0, 1) == "2";
            row.diagnoses = value[static_cast<size_t>(c_primary)].empty() ? 0 : 1;
            const std::string_view list = value[static_cast<size_t>(c_secondary)];
            if (!list.empty()) row.diagnoses += 1 + static_cast<uint32_t>(std::count(list.begin(), list.end(), ';'));
          }
          out.rows.push_back(std::move(row));
        }
      }
    }
    if (out.rejects.size() != rejects_before) ++out.rows_rejected;
  }
  return out;
}

std::string LiveBatchText(const std::vector<LiveRow>& rows) {
  std::string s = std::string(kBatchHeader) + "\n";
  for (const auto& r : rows) {
    s += fmt::format("{},{},{},{},{},{},{}\n", LiveKindName(r.kind), r.day, ToHex(r.pseudonym), r.org,
                     r.emergency ? 1 : 0, r.diagnoses, r.items);
  }
  s += fmt::format("end,{}\n", rows.size());
  return s;
}

Result<std::vector<LiveRow>> ParseLiveBatch(std::string_view text) {
  std::vector<LiveRow> rows;
  size_t pos = 0;
  bool header = true, ended = false;
  uint64_t line_no = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) return Status::Corrupt("live batch: the last line is not complete");
    const std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (ended) return Status::Corrupt(fmt::format("live batch: line {}: text after the trailer", line_no));
    if (header) {
      if (line != kBatchHeader) return Status::Corrupt("live batch: line 1: not a live batch header");
      header = false;
      continue;
    }
    const auto f = SplitPlain(line);
    uint64_t n = 0;
    if (f.size() == 2 && f[0] == "end") {
      if (!ParseUint(f[1], n) || n != rows.size()) {
        return Status::Corrupt(fmt::format("live batch: line {}: the trailer does not match the rows", line_no));
      }
      ended = true;
      continue;
    }
    LiveRow r;
    uint64_t day = 0, em = 0, dx = 0, items = 0;
    bool ok = f.size() == 7;
    if (ok) {
      if (f[0] == "ae") r.kind = LiveKind::kAe;
      else if (f[0] == "apc") r.kind = LiveKind::kApc;
      else if (f[0] == "prescription") r.kind = LiveKind::kPrescription;
      else ok = false;
    }
    ok = ok && ParseUint(f[1], day) && day < (1u << 30) && ParseDigestHex(f[2], r.pseudonym) && !f[3].empty() &&
         IsOdsCode(f[3]) && ParseUint(f[4], em) && em <= 1 && ParseUint(f[5], dx) && dx < 100000 &&
         ParseUint(f[6], items) && items <= 65535;
    if (!ok) return Status::Corrupt(fmt::format("live batch: line {}: malformed row", line_no));
    r.day = static_cast<int32_t>(day);
    r.org = std::string(f[3]);
    r.emergency = em == 1;
    r.diagnoses = static_cast<uint32_t>(dx);
    r.items = static_cast<uint32_t>(items);
    rows.push_back(std::move(r));
  }
  if (!ended) return Status::Corrupt("live batch: no trailer (the file is incomplete)");
  return rows;
}

std::string LiveRejectsCsv(const std::vector<Reject>& rejects) {
  std::string s = "file,line,column,reason\n";
  for (const auto& r : rejects) {
    s += fmt::format("{},{},{},{}\n", CsvQuote(r.file), r.line, CsvQuote(r.column), CsvQuote(r.reason));
  }
  return s;
}

Result<std::string> WriteLiveBatch(const std::string& state_dir, const LiveParse& parsed) {
  const fs::path dir = fs::path(state_dir) / kLiveDir;
  ICB_RETURN_IF_ERROR(MakeDirs(dir.string()));
  // Time-ordered id: microseconds since the epoch, the process id and a per-process counter.
  static std::atomic<uint64_t> counter{0};
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  const std::string id = fmt::format("{:017d}-{}-{}-{}", us, ::getpid(), ++counter, LiveKindName(parsed.kind));
  if (!parsed.rejects.empty()) {
    ICB_RETURN_IF_ERROR(WriteFileAtomic((dir / (id + ".rejects.csv")).string(), LiveRejectsCsv(parsed.rejects)));
  }
  if (!parsed.rows.empty()) {
    ICB_RETURN_IF_ERROR(WriteFileAtomic((dir / (id + kBatchSuffix)).string(), LiveBatchText(parsed.rows)));
  }
  return id;
}

}  // namespace icb::server
