#include "server/egress.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <variant>

#include "core/parallel.h"
#include "stats/confidence.h"
#include "stats/crude_rate.h"
#include "stats/proportion.h"

namespace icb::server {
namespace {

using report::Cell;
using report::RestateAs;
using report::Table;

constexpr int64_t kNotACount = -1;

// The true counts of a table before perturbation: [row][column], kNotACount where the cell is not
// a shown count.
using TrueCounts = std::vector<std::vector<int64_t>>;

const int64_t* IntOf(const Cell& c) { return std::get_if<int64_t>(&c); }
double* DoubleOf(Cell& c) { return std::get_if<double>(&c); }

// Step 1: perturbs the count cells above the redaction range and records the true counts.
TrueCounts PerturbTable(Table& t, const governance::CellKeyTable& ptable, const governance::DisclosurePolicy& policy) {
  const auto& cols = t.columns();
  auto& rows = t.mutable_rows();
  TrueCounts truth(rows.size(), std::vector<int64_t>(cols.size(), kNotACount));
  std::vector<std::string> labels;
  for (size_t r = 0; r < rows.size(); ++r) {
    bool have_labels = false;
    for (size_t c = 0; c < cols.size(); ++c) {
      if (!cols[c].is_count) continue;
      const int64_t* v = IntOf(rows[r][c]);
      if (!v) continue;
      truth[r][c] = *v;
      // Small counts are redacted whatever their offset; totals are recomputed from the cells.
      if (*v <= policy.redact_max || t.IsTotalRow(r)) continue;
      uint32_t key = 0;
      if (auto k = t.CellKey(r, c)) {
        key = *k;
      } else {
        if (!have_labels) {
          labels.clear();
          for (const Cell& cell : rows[r])
            if (const auto* s = std::get_if<std::string>(&cell)) labels.push_back(*s);
          have_labels = true;
        }
        key = governance::DescribedCellKey(t.name(), labels, cols[c].name);
      }
      rows[r][c] = ptable.Perturb(*v, key);
    }
  }
  return truth;
}

// The factor that restates a value based on counts `based_on` from their true to their published
// values: published/true for the first (the numerator), true/published for the others; nullopt when
// a count is unknown or a published count is zero where the true one is not.
std::optional<double> RatioFactor(const std::vector<size_t>& based_on, const std::vector<Cell>& row,
                                  const std::vector<int64_t>& truth) {
  double f = 1;
  for (size_t i = 0; i < based_on.size(); ++i) {
    const size_t b = based_on[i];
    const int64_t* shown = IntOf(row[b]);
    const int64_t t = truth[b];
    if (!shown || t == kNotACount) return std::nullopt;
    if (*shown == t) continue;
    if (*shown == 0 || t == 0) return std::nullopt;
    const double ratio = static_cast<double>(*shown) / static_cast<double>(t);
    f = i == 0 ? f * ratio : f / ratio;
  }
  return f;
}

void SetNum(Cell& c, double v) { c = std::isfinite(v) ? Cell(v) : Cell(); }

// Writes an estimate's value, intervals and method into the row's named columns.
void WriteEstimate(const Table& t, std::vector<Cell>& row, const stats::Estimate& e, const std::vector<double>& levels,
                   std::vector<bool>& done) {
  if (auto v = t.ColumnIndex("value")) {
    SetNum(row[*v], e.value);
    done[*v] = true;
  }
  for (size_t i = 0; i < levels.size(); ++i) {
    const stats::Interval iv = i < e.intervals.size() ? e.intervals[i] : stats::Interval{};
    if (auto lo = t.ColumnIndex(stats::LowerColumn(levels, i))) {
      SetNum(row[*lo], iv.lower);
      done[*lo] = true;
    }
    if (auto hi = t.ColumnIndex(stats::UpperColumn(levels, i))) {
      SetNum(row[*hi], iv.upper);
      done[*hi] = true;
    }
  }
  if (auto m = t.ColumnIndex("method"); m && t.columns()[*m].kind == report::ColumnKind::kText)
    row[*m] = Cell(e.method);
}

// Blanks the row's value and interval columns (no estimate from the published counts).
void BlankEstimate(const Table& t, std::vector<Cell>& row, const std::vector<double>& levels, std::vector<bool>& done) {
  stats::Estimate none;
  none.value = std::numeric_limits<double>::quiet_NaN();
  none.intervals.assign(levels.size(), {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()});
  WriteEstimate(t, row, none, levels, done);
  if (auto m = t.ColumnIndex("method"); m && t.columns()[*m].kind == report::ColumnKind::kText) row[*m] = Cell(std::string());
}

// Step 3 for one row declared as a proportion, crude rate or ratio to expected: recomputes the value
// and intervals from the published numerator and denominator. Returns false when the row lacks them.
bool RestateNamed(const Table& t, std::vector<Cell>& row, const std::vector<int64_t>& truth,
                  const report::RowStatistic& s, std::vector<bool>& done) {
  const auto num_col = t.ColumnIndex("numerator"), den_col = t.ColumnIndex("denominator");
  if (!num_col || !den_col) return false;
  const int64_t* x = IntOf(row[*num_col]);
  const int64_t* n = IntOf(row[*den_col]);
  if (!x || !n) return true;  // redacted (ApplyDisclosure redacted the values) or empty
  const int64_t true_n = truth[*den_col];
  double denominator = static_cast<double>(*n);
  if (s.restate == RestateAs::kRatioToExpected) {
    const auto e_col = t.ColumnIndex("expected");
    if (!e_col) return false;
    double* expected = DoubleOf(row[*e_col]);
    if (!expected || true_n <= 0) {
      BlankEstimate(t, row, s.levels, done);
      return true;
    }
    *expected *= static_cast<double>(*n) / static_cast<double>(true_n);
    done[*e_col] = true;
    denominator = *expected;
  }
  const auto* value_col = t.ColumnIndex("value") ? &row[*t.ColumnIndex("value")] : nullptr;
  if (value_col && !std::holds_alternative<double>(*value_col)) {
    // No value was computed from the true counts (NA): nothing to restate.
    for (size_t c = 0; c < row.size(); ++c) done[c] = done[c] || !t.columns()[c].based_on.empty();
    return true;
  }
  if (!(denominator > 0)) {
    BlankEstimate(t, row, s.levels, done);
    return true;
  }
  const double xs = static_cast<double>(*x);
  const auto e = s.restate == RestateAs::kProportion ? stats::Proportion(std::min(xs, denominator), denominator, s.levels, s.multiplier)
                                                     : stats::CrudeRate(xs, denominator, s.levels, s.multiplier);
  if (e.ok()) WriteEstimate(t, row, *e, s.levels, done);
  else BlankEstimate(t, row, s.levels, done);
  return true;
}

// Step 3 for one table.
void RestateTable(Table& t, const TrueCounts& truth) {
  const auto& cols = t.columns();
  std::vector<std::vector<size_t>> based_on(cols.size());
  bool any = false;
  for (size_t c = 0; c < cols.size(); ++c) {
    if (cols[c].is_count) continue;
    for (const auto& name : cols[c].based_on)
      if (auto i = t.ColumnIndex(name); i && cols[*i].is_count) based_on[c].push_back(*i);
    any = any || !based_on[c].empty();
  }
  if (!any) return;
  auto& rows = t.mutable_rows();
  std::vector<bool> done(cols.size());
  for (size_t r = 0; r < rows.size(); ++r) {
    auto& row = rows[r];
    const report::RowStatistic* s = t.RowStatisticOf(r);
    if (s && s->restate == RestateAs::kAsComputed) continue;
    std::fill(done.begin(), done.end(), false);
    if (s && s->restate != RestateAs::kRatio && !RestateNamed(t, row, truth[r], *s, done)) std::fill(done.begin(), done.end(), false);
    for (size_t c = 0; c < cols.size(); ++c) {
      if (done[c] || based_on[c].empty()) continue;
      double* v = DoubleOf(row[c]);
      if (!v) continue;  // redacted, empty or not a number
      const auto f = RatioFactor(based_on[c], row, truth[r]);
      if (f) *v *= *f;
      else row[c] = Cell();
    }
  }
}

}  // namespace

std::vector<uint32_t> RecordKeys(const Dataset& ds, const HmacKey& secret) {
  const auto& ps = ds.persons.pseudonym;
  std::vector<uint32_t> keys(ps.size());
  ParallelFor(ps.size(), 4096, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) {
      const Digest d = secret.Sign(std::string_view(reinterpret_cast<const char*>(ps[i].data()), ps[i].size()));
      keys[i] = d[0];
    }
  });
  return keys;
}

Egress::Egress(governance::DisclosurePolicy policy) : policy_(std::move(policy)) {
  auto t = governance::CellKeyTable::Load(governance::DefaultCellKeyTablePath());
  if (t.ok()) table_ = std::move(*t);
  else table_status_ = t.status();
}

Egress::Egress(governance::DisclosurePolicy policy, governance::CellKeyTable table)
    : policy_(std::move(policy)), table_(std::move(table)) {}

Result<report::Report> Egress::Release(report::Report report) const {
  if (!report.disclosure.empty())
    return Status::Internal("egress: the report has already passed disclosure control (Release wants the raw report)");
  const bool protect = policy_.redact_max > 0 || policy_.round_to > 1;
  if (protect && !table_status_.ok())
    return Status::Internal("egress: no perturbation table (" + table_status_.message() + ")");
  std::vector<TrueCounts> truth;
  if (protect) {
    truth.reserve(report.tables.size());
    for (auto& t : report.tables) truth.push_back(PerturbTable(t, table_, policy_));
  }
  ICB_RETURN_IF_ERROR(governance::ApplyDisclosure(report, policy_));
  if (protect)
    for (size_t i = 0; i < report.tables.size(); ++i) RestateTable(report.tables[i], truth[i]);
  for (auto& t : report.tables) t.ClearEgressHints();
  if (protect) {
    report.metadata.emplace_back("perturbation",
                                 "counts perturbed by cell-key perturbation before rounding (offsets -" +
                                     std::to_string(table_.max_offset()) + " to +" + std::to_string(table_.max_offset()) +
                                     "); values restated from the published counts");
  }
  if (Status v = governance::VerifyDisclosure(report, policy_); !v.ok())
    return Status::Internal("egress: the released report breaks the disclosure policy: " + v.message());
  return report;
}

}  // namespace icb::server
