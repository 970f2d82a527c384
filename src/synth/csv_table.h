// CsvTable: a small RFC 4180 CSV reader for the generator's reference files (a few MB at most),
// read whole into memory as strings. Not for person-level input (ingest has its own streaming
// reader). Immutable after Load; safe to read from many threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace icb::synth {

class CsvTable {
 public:
  // Reads `path`; the first row is the header. Fails with the file and line on malformed quoting
  // or a row whose field count differs from the header's.
  static Result<CsvTable> Load(const std::string& path);
  static Result<CsvTable> Parse(std::string_view text, const std::string& name);

  const std::string& name() const { return name_; }
  const std::vector<std::string>& header() const { return header_; }
  size_t rows() const { return rows_.size(); }
  const std::vector<std::string>& row(size_t i) const { return rows_[i]; }
  // Column index by header name, or -1.
  int Column(std::string_view column) const;
  // Column indexes for all `columns`, or an error naming the first missing one.
  Result<std::vector<int>> Columns(const std::vector<std::string_view>& columns) const;

 private:
  std::string name_;
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// Parses a decimal number; false when `s` is not one.
bool ParseDouble(std::string_view s, double& out);

}  // namespace icb::synth
