// Calibrate: fits the ground-truth model's scale constants so that a calibration sample of the
// synthetic ICB reproduces its targets: QOF 2022-23 recorded prevalence (pooled over the ICB's
// practices, with per-practice factors for between-practice variation), England 2022-23 activity
// rates per person-year, ONS life-table mortality on average, and balanced migration. The sample
// is drawn with a fixed internal seed, so the fitted model is the same for every user seed and
// every thread count. Writes the fitted values into ctx.params (and a report into
// params.calibration); call once, before generation.
#pragma once

#include <cstdint>

#include "core/status.h"
#include "synth/synth_context.h"

namespace icb::synth {

struct CalibrationOptions {
  uint64_t sample_persons = 200000;
  int rounds = 7;
  bool progress = true;
};

Status Calibrate(SynthContext& ctx, const CalibrationOptions& options);

// The England rate per person-year the model calibrates measure `m` to (items for kRxAcute).
double TargetPerPersonYear(const SynthContext& ctx, Measure m);
// QOF 2022-23 recorded prevalence of condition c pooled over `practices` (all when empty).
double QofPooledPrevalence(const ReferenceData& ref, int condition, const std::vector<int>& practices = {});

}  // namespace icb::synth
