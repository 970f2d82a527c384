// Reads the synthetic generator's planted-truth file (emergency_risk.csv: nhs_number,
// financial_year, p_emergency_admission; docs/synthetic-icb.md) and lines its probabilities up with
// a cohort. The file holds NHS numbers: they are pseudonymised with the dataset's key as they are read
// and never kept or printed. For evaluation on synthetic data only. Pure apart from reading the file.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/crypto.h"
#include "core/status.h"
#include "data/dataset.h"

namespace icb::risk {

struct TruthColumn {
  std::vector<float> probability;  // per cohort row; NaN where the file has none
  size_t matched = 0;
  size_t rows_for_year = 0;        // rows of the file for the financial year
};
// Probabilities for `financial_year` ("2024/25") of the cohort rows `persons` (dataset indices).
// Errors name the file and line.
Result<TruthColumn> ReadTruth(const std::string& path, const HmacKey& key, const Dataset& ds,
                              std::span<const uint32_t> persons, const std::string& financial_year);

// "2024/25" for a day in that financial year.
std::string FinancialYearOf(int32_t day);

}  // namespace icb::risk
