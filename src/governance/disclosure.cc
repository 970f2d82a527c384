#include "governance/disclosure.h"

#include <fmt/format.h>

#include <cassert>
#include <variant>
#include <vector>

namespace icb::governance {
namespace {

using report::Cell;
using report::Redacted;
using report::Table;

bool IsRedacted(const Cell& c) { return std::holds_alternative<Redacted>(c); }

// Indices of the count columns each column is based on (empty for none).
std::vector<std::vector<size_t>> BasedOnIndices(const Table& t) {
  std::vector<std::vector<size_t>> out(t.columns().size());
  for (size_t c = 0; c < t.columns().size(); ++c)
    for (const auto& name : t.columns()[c].based_on)
      if (auto i = t.ColumnIndex(name)) out[c].push_back(*i);
  return out;
}

void ApplyToTable(Table& t, const DisclosurePolicy& policy, int64_t& redacted_cells) {
  const auto& cols = t.columns();
  const auto based_on = BasedOnIndices(t);
  auto& rows = t.mutable_rows();
  // Counts first, on every row that is not a total.
  for (size_t r = 0; r < rows.size(); ++r) {
    if (t.IsTotalRow(r)) continue;
    for (size_t c = 0; c < cols.size(); ++c) {
      if (!cols[c].is_count) continue;
      if (const auto* v = std::get_if<int64_t>(&rows[r][c])) {
        const auto shown = DiscloseCount(*v, policy);
        if (shown) {
          rows[r][c] = *shown;
        } else {
          rows[r][c] = Redacted{};
          ++redacted_cells;
        }
      }
    }
  }
  // Totals from the rounded cells above them.
  size_t block_start = 0;
  for (size_t r = 0; r < rows.size(); ++r) {
    if (!t.IsTotalRow(r)) continue;
    for (size_t c = 0; c < cols.size(); ++c) {
      if (!cols[c].is_count) continue;
      if (std::holds_alternative<std::monostate>(rows[r][c])) continue;
      int64_t sum = 0;
      for (size_t k = block_start; k < r; ++k)
        if (const auto* v = std::get_if<int64_t>(&rows[k][c])) sum += *v;
      rows[r][c] = sum;
    }
    block_start = r + 1;
  }
  // Values based on a redacted count.
  for (auto& row : rows)
    for (size_t c = 0; c < cols.size(); ++c) {
      if (cols[c].is_count || based_on[c].empty() || IsRedacted(row[c])) continue;
      for (size_t b : based_on[c])
        if (IsRedacted(row[b])) {
          row[c] = Redacted{};
          ++redacted_cells;
          break;
        }
    }
}

}  // namespace

std::string DisclosurePolicy::Describe() const {
  if (redact_max <= 0 && round_to <= 1)
    return name + ": counts are not redacted or rounded (not for release outside a secure environment)";
  return fmt::format(
      "{}: counts 1-{} redacted (*), other counts rounded to the nearest {}; values based on a redacted "
      "count redacted; totals summed from the rounded cells",
      name, redact_max, round_to);
}

DisclosurePolicy StandardPolicy() { return {"standard", 7, 5}; }
DisclosurePolicy StrictPolicy() { return {"strict", 9, 5}; }
DisclosurePolicy NoDisclosurePolicy() { return {"none", 0, 1}; }

Result<DisclosurePolicy> PolicyByName(std::string_view name) {
  if (name == "standard") return StandardPolicy();
  if (name == "strict") return StrictPolicy();
  if (name == "none") return NoDisclosurePolicy();
  return Status::InvalidInput("unknown disclosure policy '" + std::string(name) +
                              "' (expected standard, strict or none)");
}

std::optional<int64_t> DiscloseCount(int64_t count, const DisclosurePolicy& policy) {
  assert(count >= 0 && "counts are never negative");
  if (count >= 1 && count <= policy.redact_max) return std::nullopt;
  if (policy.round_to <= 1) return count;
  const int64_t q = policy.round_to;
  return ((count + q / 2) / q) * q;  // nearest multiple; halves (impossible for q = 5) round up
}

Status ApplyDisclosure(report::Report& report, const DisclosurePolicy& policy) {
  const std::string described = policy.Describe();
  if (!report.disclosure.empty()) {
    if (report.disclosure == described) return Status::Ok();
    return Status::Internal("a report passed disclosure control twice with different policies");
  }
  for (auto& t : report.tables) {
    int64_t in_table = 0;
    ApplyToTable(t, policy, in_table);
    if (in_table > 0)
      t.footnotes().push_back(fmt::format("* redacted by disclosure control ({} cells; policy {})", in_table,
                                          policy.name));
  }
  report.disclosure = described;
  report.metadata.emplace_back("disclosure", described);
  return Status::Ok();
}

Status VerifyDisclosure(const report::Report& report, const DisclosurePolicy& policy) {
  for (const auto& t : report.tables) {
    const auto& cols = t.columns();
    const auto based_on = BasedOnIndices(t);
    size_t block_start = 0;
    for (size_t r = 0; r < t.rows().size(); ++r) {
      const auto& row = t.rows()[r];
      auto where = [&](size_t c) { return fmt::format("table {} row {} column {}", t.name(), r + 1, cols[c].name); };
      for (size_t c = 0; c < cols.size(); ++c) {
        if (cols[c].is_count) {
          const auto* v = std::get_if<int64_t>(&row[c]);
          if (!v) continue;
          if (*v >= 1 && *v <= policy.redact_max) return Status::Internal(where(c) + ": small count not redacted");
          if (policy.round_to > 1 && *v % policy.round_to != 0)
            return Status::Internal(where(c) + ": count not rounded");
          if (t.IsTotalRow(r)) {
            int64_t sum = 0;
            for (size_t k = block_start; k < r; ++k)
              if (const auto* x = std::get_if<int64_t>(&t.rows()[k][c])) sum += *x;
            if (sum != *v) return Status::Internal(where(c) + ": total is not the sum of the cells above it");
          }
        } else {
          for (size_t b : based_on[c])
            if (IsRedacted(row[b]) && !IsRedacted(row[c]) && !std::holds_alternative<std::monostate>(row[c]))
              return Status::Internal(where(c) + ": value based on a redacted count is shown");
        }
      }
      if (t.IsTotalRow(r)) block_start = r + 1;
    }
  }
  return Status::Ok();
}

}  // namespace icb::governance
