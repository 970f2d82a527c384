#include "ingest/data_quality.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "core/parallel.h"

namespace icb {
namespace {

nlohmann::json DateOrNull(int32_t d) {
  if (d == kNoDate) return nullptr;
  return Date(d).ToIso();
}

double Share(uint64_t part, uint64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

std::string CsvField(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

const FileQuality* FindQuality(const DataQuality& dq, const std::string& file) {
  for (const auto& f : dq.files)
    if (f.file == file) return &f;
  return nullptr;
}

}  // namespace

void ComputeLinkageQuality(const Dataset& ds, DataQuality& dq) {
  const size_t n = ds.person_count();
  struct Part {
    uint64_t events[kSettingCount] = {};
    uint64_t no_reg[kSettingCount] = {};
    uint64_t outside[kSettingCount] = {};
    int32_t first[kSettingCount], last[kSettingCount];
    uint64_t persons_no_reg = 0, persons_activity_no_reg = 0;
    Part() {
      std::fill(std::begin(first), std::end(first), INT32_MAX);
      std::fill(std::begin(last), std::end(last), INT32_MIN);
    }
  };
  constexpr size_t kGrain = 4096;
  const size_t parts = (n + kGrain - 1) / kGrain;
  std::vector<Part> part(parts);
  const auto& r = ds.registrations;
  const auto& e = ds.events;
  ParallelFor(parts, 1, [&](size_t pb, size_t pe) {
    for (size_t k = pb; k < pe; ++k) {
      Part& out = part[k];
      const size_t end = std::min(n, (k + 1) * kGrain);
      for (size_t p = k * kGrain; p < end; ++p) {
        const uint64_t rb = r.offsets[p], re = r.offsets[p + 1];
        const uint64_t eb = e.offsets[p], ee = e.offsets[p + 1];
        if (rb == re) {
          ++out.persons_no_reg;
          if (eb != ee) ++out.persons_activity_no_reg;
        }
        for (uint64_t i = eb; i < ee; ++i) {
          const int s = e.setting[i];
          const int32_t d = e.date[i];
          ++out.events[s];
          out.first[s] = std::min(out.first[s], d);
          out.last[s] = std::max(out.last[s], d);
          if (rb == re) {
            ++out.no_reg[s];
            continue;
          }
          bool covered = false;
          for (uint64_t j = rb; j < re && !covered; ++j)
            covered = r.start[j] <= d && (r.end[j] == kNoDate || d <= r.end[j]);
          if (!covered) ++out.outside[s];
        }
      }
    }
  });
  dq.persons = n;
  dq.persons_without_registration = 0;
  dq.persons_with_activity_without_registration = 0;
  dq.settings.assign(kSettingCount, SettingQuality{});
  for (int s = 0; s < kSettingCount; ++s) dq.settings[s].setting = static_cast<Setting>(s);
  for (const Part& p : part) {
    dq.persons_without_registration += p.persons_no_reg;
    dq.persons_with_activity_without_registration += p.persons_activity_no_reg;
    for (int s = 0; s < kSettingCount; ++s) {
      auto& q = dq.settings[s];
      q.events += p.events[s];
      q.events_no_registration += p.no_reg[s];
      q.events_outside_registration += p.outside[s];
      if (p.events[s] == 0) continue;
      q.first_date = q.first_date == kNoDate ? p.first[s] : std::min(q.first_date, p.first[s]);
      q.last_date = q.last_date == kNoDate ? p.last[s] : std::max(q.last_date, p.last[s]);
    }
  }
}

std::string DataQualityJson(const IngestReport& report, const DataQuality& dq) {
  using nlohmann::json;
  json j;
  j["source_format"] = report.source_format;
  json files = json::array();
  for (const auto& f : report.files) {
    json jf;
    jf["file"] = f.file;
    jf["present"] = f.present;
    jf["bytes"] = f.bytes;
    jf["sha256"] = f.sha256;
    jf["rows_read"] = f.rows_read;
    jf["rows_loaded"] = f.rows_loaded;
    jf["rows_rejected"] = f.rows_rejected;
    jf["blank_lines"] = f.blank_lines;
    jf["balances"] = f.Balances();
    if (const FileQuality* q = FindQuality(dq, f.file)) {
      jf["rows_checked"] = q->rows_checked;
      jf["duplicate_rows"] = q->duplicate_rows;
      jf["duplicate_keys_rejected"] = q->duplicate_keys;
      jf["min_date"] = DateOrNull(q->min_date);
      jf["max_date"] = DateOrNull(q->max_date);
      json cols = json::array();
      for (const auto& c : q->columns) {
        json jc;
        jc["column"] = c.column;
        jc["present"] = c.present;
        jc["non_empty"] = c.non_empty;
        jc["valid"] = c.valid;
        jc["completeness"] = Share(c.non_empty, q->rows_checked);
        jc["validity"] = Share(c.valid, q->rows_checked);
        if (c.min_date != kNoDate || c.max_date != kNoDate) {
          jc["min_date"] = DateOrNull(c.min_date);
          jc["max_date"] = DateOrNull(c.max_date);
        }
        cols.push_back(std::move(jc));
      }
      jf["columns"] = std::move(cols);
    }
    files.push_back(std::move(jf));
  }
  j["files"] = std::move(files);
  j["ignored_files"] = dq.ignored_files;
  json link;
  link["persons"] = dq.persons;
  link["persons_without_registration"] = dq.persons_without_registration;
  link["persons_with_activity_without_registration"] = dq.persons_with_activity_without_registration;
  json settings = json::array();
  for (const auto& s : dq.settings) {
    json js;
    js["setting"] = std::string(SettingName(s.setting));
    js["events"] = s.events;
    js["events_no_registration"] = s.events_no_registration;
    js["events_outside_registration"] = s.events_outside_registration;
    js["share_no_registration"] = Share(s.events_no_registration, s.events);
    js["share_outside_registration"] = Share(s.events_outside_registration, s.events);
    js["first_date"] = DateOrNull(s.first_date);
    js["last_date"] = DateOrNull(s.last_date);
    settings.push_back(std::move(js));
  }
  link["settings"] = std::move(settings);
  j["linkage"] = std::move(link);
  j["rejects_listed"] = report.rejects.size();
  j["rejects_not_listed"] = report.rejects_not_listed;
  j["warnings"] = report.warnings;
  j["balances"] = report.Balances();
  return j.dump(2) + "\n";
}

std::string FileReportCsv(const IngestReport& report, const DataQuality& dq) {
  std::string out =
      "file,present,bytes,sha256,rows_read,rows_loaded,rows_rejected,blank_lines,duplicate_rows,min_date,max_date\n";
  for (const auto& f : report.files) {
    const FileQuality* q = FindQuality(dq, f.file);
    out += CsvField(f.file) + "," + (f.present ? "yes" : "no") + "," + std::to_string(f.bytes) + "," + f.sha256 +
           "," + std::to_string(f.rows_read) + "," + std::to_string(f.rows_loaded) + "," +
           std::to_string(f.rows_rejected) + "," + std::to_string(f.blank_lines) + "," +
           (q ? std::to_string(q->duplicate_rows) : "") + "," +
           (q && q->min_date != kNoDate ? Date(q->min_date).ToIso() : "") + "," +
           (q && q->max_date != kNoDate ? Date(q->max_date).ToIso() : "") + "\n";
  }
  return out;
}

std::string RejectsCsv(const IngestReport& report) {
  std::string out = "file,line,column,reason,byte_offset\n";
  for (const auto& r : report.rejects) {
    out += CsvField(r.file);
    out += ',';
    out += std::to_string(r.line);
    out += ',';
    out += CsvField(r.column);
    out += ',';
    out += CsvField(r.reason);
    out += ',';
    out += std::to_string(r.byte_offset);
    out += '\n';
  }
  return out;
}

}  // namespace icb
