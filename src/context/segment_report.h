// The `icb segment` summary: counts and shares of the population by Bridges to Health segment and
// subsegment, segment by age band, sex and IMD quintile, score distributions (CMS, eFI, HFRS,
// Charlson, Elixhauser, LTC count bands) and Core20PLUS5 counts, as a Report whose count columns
// pass disclosure control (AddCount/BasedOn/MarkTotalRow), with a segment-mix bar chart. The
// person-level file is a separate, explicit export. Stateless; thread safe.
#pragma once

#include <string>

#include "context/segmentation.h"
#include "report/report.h"

namespace icb {

// Aggregate report of `scores` (persons in the population only).
report::Report BuildSegmentReport(const Dataset& ds, const PersonScores& scores, const ScoringConfig& config,
                                  const std::string& dataset_label);
// Writes one row per person in the population: pseudonym (hex), segment, subsegments (names joined
// by ';'), and every score. Person-level: only for `icb segment --person-level`. Atomic write.
Status WritePersonLevelScores(const std::string& path, const Dataset& ds, const PersonScores& scores,
                              const ScoringConfig& config);

}  // namespace icb
