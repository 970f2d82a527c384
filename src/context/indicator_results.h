// IndicatorResults: the catalogue's indicators computed for one period and as-at date, for every
// requested breakdown at once. ComputeIndicators makes one parallel pass over persons: each person's
// registered person-time (split by age at each birthday), events, death and state on the as-at
// date are added, per indicator and age/sex stratum, into the cells of every requested breakdown.
// All sums are integers (person-days, counts, pence), so the result is identical at any thread
// count. Then each cell's statistic is computed by src/stats (Wilson, exact/Byars, Dobson DSR with
// ESP 2013, ISR against the ICB's own rates, Chiang II life expectancy, mean with t interval), and
// SII/RII across IMD deciles when asked. Definitions: docs/reference/indicators.md. Holds aggregates
// only. Plain value type; ComputeIndicators is thread safe (it reads its inputs only).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "context/breakdown.h"
#include "context/indicator_catalogue.h"
#include "context/person_scores.h"
#include "core/status.h"
#include "data/dataset.h"
#include "stats/estimate.h"
#include "stats/sii.h"

namespace icb {

// A period of days, both ends included.
struct Period {
  int32_t from = kNoDate;
  int32_t to = kNoDate;
  std::string label;          // "2023/24" or "2023-01-01:2023-12-31"
  double days_per_year = 0;   // person-days per person-year: the financial year's days, or 365.25
};
// "2023/24" (a financial year) or "YYYY-MM-DD:YYYY-MM-DD". InvalidInput otherwise, or when the
// range is empty.
Result<Period> ParsePeriod(std::string_view text);
// The financial year containing `day`.
Period FinancialYearPeriod(int32_t day);

struct IndicatorQuery {
  const IndicatorCatalogue* catalogue = nullptr;  // nullptr: LoadIndicatorCatalogue(DefaultIndicatorDir())
  std::vector<std::string> indicator_ids;         // empty: every indicator the inputs support
  std::vector<Breakdown> breakdowns = {Breakdown::kAll};  // kAll is added when missing
  Period period;
  int32_t as_at = kNoDate;                        // prevalence, segments, population; default period.to
  std::vector<double> confidence = {0.95};
  bool sii = false;                               // SII/RII across IMD deciles for each indicator
  int sii_repetitions = 100000;
  uint64_t sii_seed = 1;
  // Optional record keys, one per person of the dataset (server::RecordKeys): each cell then also
  // sums the keys of the people or events in its numerator and denominator (cell-key perturbation,
  // src/governance/cell_key.h). nullptr: no keys. Must outlive the call only.
  const std::vector<uint32_t>* record_keys = nullptr;
};

// One indicator in one breakdown group.
struct IndicatorCell {
  int64_t numerator = 0;     // events, deaths or persons (cost: persons with any cost)
  double denominator = 0;    // person-years, or persons
  double expected = 0;       // ISR only: expected events
  double cost_gbp = 0;       // mean only: total cost
  stats::Estimate estimate;  // value and intervals at query.confidence; NaN value with a note when NA
  // With query.record_keys: the sum (modulo 2^32; taken modulo 256 by the perturbation) of the
  // record keys of each person or event counted in the numerator (cost: persons with any cost) and
  // of each person counted in the denominator (person-years: once per year of age lived in the cell).
  uint32_t numerator_key = 0;
  uint32_t denominator_key = 0;
};

struct IndicatorSii {
  bool computed = false;
  std::string note;          // why not, when not computed
  stats::SiiResult result;
};

struct IndicatorResult {
  IndicatorDef def;
  std::vector<IndicatorCell> cells;  // one per layout cell (cells of breakdowns it does not allow are unused)
  IndicatorSii sii;
  bool Allows(Breakdown b) const { return (def.breakdown_mask >> static_cast<int>(b)) & 1u; }
};

struct IndicatorResults {
  IndicatorQuery query;        // as run (defaults filled in; catalogue pointer not kept valid)
  BreakdownLayout layout;
  std::vector<IndicatorResult> indicators;
  int64_t events_unregistered = 0;  // events in the period on days the person was not registered (not counted)
  std::vector<std::string> skipped; // indicators left out, with the reason
  bool has_record_keys = false;     // the cells carry numerator_key and denominator_key
};

// Computes the query's indicators. `scores` may be empty (size 0): indicators that need them
// (segments, ltc>=) are then skipped (listed in `skipped`) unless named in indicator_ids, which is
// InvalidInput. InvalidInput for an unknown indicator id, a breakdown an indicator does not allow
// (only when the id was named), segment breakdown without scores, or scores for another date.
Result<IndicatorResults> ComputeIndicators(const Dataset& ds, const PersonScores& scores, const IndicatorQuery& query);

}  // namespace icb
