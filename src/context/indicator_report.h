// Indicator reports: IndicatorResults laid out as report::Tables in the PHE column style
// (numerator, denominator, value, lowercl/uppercl or lower95_0cl.., statistic, method), with
// disclosure roles declared (counts via AddCount; values and intervals BasedOn their counts) and
// charts declared (each indicator by IMD decile as points with intervals). Three layouts:
//   BuildIndicatorReport: `overview` (every indicator for the whole ICB), one table per indicator
//     and breakdown (`<id>_<breakdown short name>`), and `sii` when SII was computed;
//   BuildCore20Plus5Report: the Core20PLUS5 clinical areas and PLUS groups, Core20 vs the rest and
//     by ethnic group.
// The reports have not passed disclosure control: the caller applies it (EmitReport does).
// Stateless functions; thread safe.
#pragma once

#include "context/indicator_results.h"
#include "report/report.h"

namespace icb {

// The catalogue as a table (`catalogue`: id, title, numerator, denominator, method, multiplier,
// breakdowns, source, definition).
report::Report BuildCatalogueReport(const IndicatorCatalogue& catalogue);
// Overview, per-breakdown tables, charts and SII as above.
report::Report BuildIndicatorReport(const IndicatorResults& results, const std::string& dataset_label);
// The Core20PLUS5 report; `results` must hold the core20 and ethnic_group breakdowns
// (InvalidInput otherwise). Indicators of the report missing from `results` are left out.
Result<report::Report> BuildCore20Plus5Report(const IndicatorResults& results, const std::string& dataset_label);
// The indicators BuildCore20Plus5Report reads, with the clinical area or PLUS group of each.
struct Core20Plus5Item {
  const char* area;
  const char* indicator_id;
};
const std::vector<Core20Plus5Item>& Core20Plus5Items();

}  // namespace icb
