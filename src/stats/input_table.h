// InputTable: an aggregate CSV file held as text cells, with the file line of each row, read by
// `icb stats` methods. Quoted fields (RFC 4180) are allowed; a header row is required. Accessors
// turn cells into numbers with errors that name the file, line and column. Plain value type.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace icb::stats {

class InputTable {
 public:
  // Reads `path`. NotFound if missing; InvalidInput (file, line) for a ragged row or bad quoting.
  static Result<InputTable> Read(const std::string& path);
  // Parses CSV text already in memory; `source` names it in messages.
  static Result<InputTable> Parse(std::string_view text, std::string source);

  const std::string& source() const { return source_; }
  const std::vector<std::string>& header() const { return header_; }
  size_t row_count() const { return rows_.size(); }
  size_t line(size_t row) const { return lines_[row]; }            // 1-based line in the file
  const std::string& cell(size_t row, size_t col) const { return rows_[row][col]; }

  // Index of column `name`; InvalidInput "<file>: no column '<name>' (columns: a, b, c)".
  Result<size_t> Column(std::string_view name) const;
  // The cell as a number: nullopt for an empty cell or NA/NaN (missing); InvalidInput
  // "<file> line L column C (<name>): expected a number, got ..." otherwise.
  Result<std::optional<double>> Number(size_t row, size_t col) const;
  // "<file> line L" for messages about a whole row.
  std::string Where(size_t row) const;

 private:
  std::string source_;
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<size_t> lines_;
};

}  // namespace icb::stats
