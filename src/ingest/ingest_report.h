// IngestReport: what an ingest read, loaded and rejected, per file, with every rejected row's
// file, line, column and reason. Counts balance per file: rows_read = rows_loaded + rows_rejected.
// Reasons never quote the offending value (it may be patient-level data). Plain data; build it on
// one thread or merge per-thread parts in file/line order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace icb {

struct Reject {
  std::string file;    // "apc_spells.csv"
  uint64_t line = 0;   // 1-based physical line where the record starts (header is line 1)
  std::string column;  // column name, or "" for a whole-row problem
  std::string reason;  // "expected a date YYYY-MM-DD"
  uint64_t byte_offset = 0;  // byte offset of the record's first byte in the file
};

struct FileReport {
  std::string file;
  bool present = false;
  uint64_t bytes = 0;
  std::string sha256;          // of the input file
  uint64_t rows_read = 0;      // data records (header excluded)
  uint64_t rows_loaded = 0;
  uint64_t rows_rejected = 0;
  uint64_t blank_lines = 0;    // empty lines, skipped and counted (not rows)
  bool Balances() const { return rows_read == rows_loaded + rows_rejected; }
};

struct IngestReport {
  std::string source_format;   // "icb-contract" or "omop-cdm-5.4"
  std::vector<FileReport> files;
  std::vector<Reject> rejects;
  uint64_t rejects_not_listed = 0;     // reject entries beyond the listing cap (still counted per file)
  std::string key_id;                  // KeyId() of the pseudonymisation key ("" if not recorded)
  std::vector<std::string> warnings;   // for the terminal and dq_report.json; never patient values
  bool Balances() const {
    for (const auto& f : files)
      if (!f.Balances()) return false;
    return true;
  }
  uint64_t RowsRejected() const {
    uint64_t n = 0;
    for (const auto& f : files) n += f.rows_rejected;
    return n;
  }
};

}  // namespace icb
