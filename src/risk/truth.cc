#include "risk/truth.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "core/date.h"
#include "core/file_util.h"

namespace icb::risk {

std::string FinancialYearOf(int32_t day) {
  const Date d(day);
  const int y = d.month() >= 4 ? d.year() : d.year() - 1;
  return fmt::format("{}/{:02d}", y, (y + 1) % 100);
}

Result<TruthColumn> ReadTruth(const std::string& path, const HmacKey& key, const Dataset& ds,
                              std::span<const uint32_t> persons, const std::string& financial_year) {
  auto text = ReadFile(path);
  if (!text.ok()) return text.status();
  TruthColumn out;
  out.probability.assign(persons.size(), std::numeric_limits<float>::quiet_NaN());
  const std::string_view all = *text;
  size_t pos = 0, line_no = 0;
  auto next_line = [&]() -> std::string_view {
    const size_t nl = all.find('\n', pos);
    std::string_view line = all.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? all.size() : nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++line_no;
    return line;
  };
  if (next_line() != "nhs_number,financial_year,p_emergency_admission") {
    return Status::InvalidInput(fmt::format(
        "{} line 1: expected the header nhs_number,financial_year,p_emergency_admission", path));
  }
  const auto& pseudonyms = ds.persons.pseudonym;
  while (pos < all.size()) {
    const std::string_view line = next_line();
    if (line.empty()) continue;
    const size_t c1 = line.find(','), c2 = line.find(',', c1 == std::string_view::npos ? 0 : c1 + 1);
    if (c1 == std::string_view::npos || c2 == std::string_view::npos) {
      return Status::InvalidInput(fmt::format("{} line {}: expected 3 fields", path, line_no));
    }
    if (line.substr(c1 + 1, c2 - c1 - 1) != financial_year) continue;
    ++out.rows_for_year;
    const std::string_view pstr = line.substr(c2 + 1);
    double p = 0;
    const auto [ptr, ec] = std::from_chars(pstr.data(), pstr.data() + pstr.size(), p);
    if (ec != std::errc() || ptr != pstr.data() + pstr.size() || !(p >= 0 && p <= 1)) {
      return Status::InvalidInput(
          fmt::format("{} line {} column 3 (p_emergency_admission): expected a probability", path, line_no));
    }
    const Digest d = key.Sign(line.substr(0, c1));
    const auto it = std::lower_bound(pseudonyms.begin(), pseudonyms.end(), d);
    if (it == pseudonyms.end() || *it != d) continue;
    const auto person = static_cast<uint32_t>(it - pseudonyms.begin());
    const auto row = std::lower_bound(persons.begin(), persons.end(), person);
    if (row == persons.end() || *row != person) continue;
    out.probability[static_cast<size_t>(row - persons.begin())] = static_cast<float>(p);
    ++out.matched;
  }
  return out;
}

}  // namespace icb::risk
