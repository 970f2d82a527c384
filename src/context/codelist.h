// CodeList: one clinical code list read from a data file (data/codelists/<name>.csv) with its
// provenance. The file opens with `# key: value` lines (name, version, source, licence, rule, system,
// optionally match), then a CSV header `code,term[,extra columns]` and one row per code. ICD-10,
// OPCS-4, BNF and HRG lists match by prefix (dots removed); SNOMED CT and QOF register lists match
// exactly. Loading validates every line and names file and line in errors. Plain value type;
// read-only after loading, so concurrent reads are safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace icb {

enum class CodeSystemKind : uint8_t { kIcd10, kSnomed, kOpcs4, kBnf, kHrg, kQof };
std::string_view CodeSystemKindName(CodeSystemKind k);  // "ICD-10", "SNOMED CT", ...

struct CodeList {
  std::string name, version, source, licence, rule;  // from the header block
  CodeSystemKind system = CodeSystemKind::kIcd10;
  bool prefix_match = true;            // false: codes must match exactly
  std::vector<std::string> columns;    // CSV header, starting "code","term"
  std::vector<std::string> codes;      // normalised: upper case, no dots, no spaces
  std::vector<std::string> terms;
  std::vector<std::vector<std::string>> extra;  // per row: the columns after `term`
  std::string file;                    // where it was read from (for messages)
  std::vector<int> lines;              // file line of each row (for messages)

  size_t size() const { return codes.size(); }
  // Index of an extra column (0 = the first column after `term`), or -1.
  int ExtraColumn(std::string_view column) const;
  // Row `row`'s value in extra column `column` as a number; InvalidInput naming file and line.
  Result<double> Number(size_t row, int column) const;
  // True when `code` (any case, dots allowed) matches a row of the list.
  bool Matches(std::string_view code) const;
};

// Upper case, dots and spaces removed: "i48.9" -> "I489".
std::string NormaliseCode(std::string_view code);
// Parses a code list from text; `file` names it in error messages.
Result<CodeList> ParseCodeList(std::string_view text, const std::string& file);
// Reads and parses `path`. NotFound when missing.
Result<CodeList> LoadCodeList(const std::string& path);
// Every *.csv under `dir`, sorted by file name. NotFound when `dir` is missing.
Result<std::vector<CodeList>> LoadCodeListDir(const std::string& dir);

}  // namespace icb
