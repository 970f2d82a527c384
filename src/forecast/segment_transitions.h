// Segment transitions: a discrete-time Markov model of how people move between population segments
// from one year to the next, estimated from the dataset (as BNSSG's Dynamic Population Model does
// over Cambridge Multimorbidity core segments). Two state spaces: Bridges to Health segments (8) and
// CMS core segments (5). Transition probabilities are estimated by sex and age band from everyone in
// the population on two consecutive 1 Aprils, with leaving (death or moving away) as exits. The
// projection applies them to a population by sex, single age and segment, ageing it a year at a
// time, with prevention levers changing chosen transitions after a lag. Pure functions; thread-safe.
// Definitions, the prior and the CMS core-segment cut-offs: docs/reference/forecast-segments.md.
#pragma once

#include <string>
#include <vector>

#include "context/segmentation.h"
#include "core/status.h"
#include "data/dataset.h"
#include "forecast/population_projection.h"
#include "forecast/scenario.h"

namespace icb::forecast {

enum class SegmentScheme { kBridgesToHealth, kCmsCore };

struct TransitionModel {
  SegmentScheme scheme = SegmentScheme::kBridgesToHealth;
  int states = 0;                         // 8 (B2H) or 5 (CMS core)
  std::vector<std::string> state_names;
  std::vector<int> age_band_lower;        // lower ages of the age bands
  // [sex][band][from][to] transition probabilities among people who stay; rows sum to 1.
  std::vector<double> p;
  // [sex][band][from]: numbers observed (for the report; disclosure applies there).
  std::vector<double> observed;
  // [sex][band][from][to]: people seen in `from` on one 1 April and in `to` on the next.
  std::vector<double> counts;
  // [sex][band][from]: people in `from` on one 1 April who were not in the population on the next
  // (died, or no longer registered); not part of p (the population projection models leaving).
  std::vector<double> exits;
  double prior = 0.5;                     // pseudo-count added to each row's diagonal
  int from_year = 0, years = 0;           // the year pairs used
  double At(int sex, int band, int from, int to) const;
  int Band(int age) const;
  size_t Index(int sex, int band, int from, int to) const;  // into p and counts
};

// The age bands of the model (lower bounds): 0-17, 18-44, 45-64, 65-74, 75-84, 85+.
std::vector<int> TransitionAgeBands();

// CMS core segments: 5 states from the Cambridge Multimorbidity Score, cut-offs from
// data/forecast/cms_core_segments.csv (`upper` = inclusive upper bound of the state's score).
struct CmsCoreSegments {
  std::vector<std::string> names, labels;
  std::vector<double> upper;              // last is +infinity
  int StateOf(double cms) const;          // 0..4
};
// Loads the cut-offs from `dir`/cms_core_segments.csv; errors name file and line.
Result<CmsCoreSegments> LoadCmsCoreSegments(const std::string& dir);
// The data/forecast directory: `config.dir`/forecast when present, else the source tree's.
std::string ForecastDataDir(const ScoringConfig& config);

// Estimates transitions from the `years` consecutive year pairs ending at `baseline_year`.
Result<TransitionModel> EstimateTransitions(const Dataset& ds, const ScoringConfig& config, SegmentScheme scheme,
                                            int baseline_year, int years);

// Segment shares by year: [year][sex][age][state], each (sex, age) summing to 1 (0 where no people).
struct SegmentProjection {
  int baseline_year = 0, states = 0;
  std::vector<std::vector<double>> shares;
  double Share(int year_index, int sex, int age, int state) const;
};

// Projects segment shares over `population`'s years: baseline shares from the dataset (per sex/age),
// transitions applied each year, then everyone ages a year (100 is open), then each (sex, age) is
// rescaled to the population projection's ICB total (deaths, migration and births come from the
// population model); new-borns and cells with nobody left take the baseline shares of their age.
// `levers` with their drawn relative changes (one value per lever): lever i multiplies p[from][to]
// by (1 + v_i x phasing.At(year)) for its ages from `lag_years` after the baseline, the change
// taken from (or given to) the diagonal. Levers name states as segment numbers (state = value - 1).
// Exact and deterministic.
SegmentProjection ProjectSegments(const TransitionModel& model, const std::vector<double>& baseline_shares,
                                  const PopulationProjection& population,
                                  const std::vector<PreventionLever>& levers, const std::vector<double>& lever_values);

// Baseline shares [sex][age][state] of the population on 1 April of `baseline_year`.
Result<std::vector<double>> BaselineSegmentShares(const Dataset& ds, const ScoringConfig& config,
                                                  SegmentScheme scheme, int baseline_year);

}  // namespace icb::forecast
