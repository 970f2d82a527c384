// The input contract: the CSV files icb-engine ingests, their columns, types, allowed values and
// whether each is required, declared once here. Ingest validates against it, the synthetic
// generator writes it, and docs/reference/input-contract.md is generated from it
// (`icb contract --markdown`). Column names follow the NHS Data Model and Dictionary where a data
// element exists. Immutable static data; thread safe.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace icb {

enum class ColumnType {
  kNhsNumber,   // 10 digits with a valid Modulus 11 check digit; pseudonymised at ingest
  kDate,        // YYYY-MM-DD
  kYearMonth,   // YYYY-MM
  kCode,        // one of `allowed`
  kInteger,     // whole number 0-65535
  kMoney,       // pounds with at most 2 decimal places, 0 to 21,474,836.47 (stored as integer pence)
  kIcd10,       // ICD-10 code without dot, e.g. I219, J181, R69X
  kIcd10List,   // ICD-10 codes separated by ';'
  kOpcs4,       // OPCS-4 code without dot, e.g. W371
  kSnomed,      // SNOMED CT concept id: 6-18 digits, valid partition and Verhoeff check digit
  kBnf,         // BNF code: 2-digit chapter (01-15, 18-23) then up to 13 more characters
  kHrg,         // HRG4+ code: two letters, two digits, one letter, e.g. FD01A
  kLsoa,        // LSOA 2021 code, E01 then 6 digits
  kOdsCode,     // organisation code: 3 to 9 capital letters or digits
  kText,        // free text (reference tables only: names)
  kDecimal,     // a decimal number (observation values)
};

std::string_view ColumnTypeName(ColumnType t);

struct ColumnSpec {
  std::string_view name;          // header name, lower case
  ColumnType type;
  bool required;                  // false: may be empty
  std::vector<std::string_view> allowed;  // for kCode
  std::string_view description;   // includes the NHS Data Dictionary element where one exists
};

enum class FileKind { kPerson, kRegistration, kActivity, kClinical, kReference };

struct FileSpec {
  std::string_view name;        // "persons"
  std::string_view file_name;   // "persons.csv"
  FileKind kind;
  bool required;                // a dataset directory must contain it
  std::string_view description;
  std::vector<ColumnSpec> columns;
  int ColumnIndex(std::string_view column) const;  // -1 if absent
};

// All files of the contract, in load order (reference tables first, then persons, then the rest).
const std::vector<FileSpec>& InputContract();
const FileSpec* FindFileSpec(std::string_view name);

// Why `value` does not satisfy `col` ("expected YYYY-MM-DD", "not an allowed value"), or nullptr
// when it does. An empty value is checked against `required` only. The message never repeats the
// value itself (it may be patient-level data).
const char* CheckValue(const ColumnSpec& col, std::string_view value);

// Individual validators, exposed for tests and for the synthetic generator's self-checks.
bool IsSnomedId(std::string_view s);   // partition identifier and Verhoeff check digit
bool IsIcd10(std::string_view s);
bool IsOpcs4(std::string_view s);
bool IsBnfCode(std::string_view s);
bool IsHrg(std::string_view s);
bool IsLsoaCode(std::string_view s);
bool IsOdsCode(std::string_view s);
// Parses a money string to pence; false when malformed, negative or with more than 2 decimals.
bool ParseMoneyPence(std::string_view s, int64_t& pence);
// Appends the Verhoeff check digit to a string of digits (for generating SNOMED ids in tests).
char VerhoeffCheckDigit(std::string_view digits);

// The contract as a Markdown reference page.
std::string ContractMarkdown();

}  // namespace icb
