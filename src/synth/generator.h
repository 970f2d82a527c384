// GenerateSyntheticIcb: writes a synthetic NHS Greater Manchester ICB as the input contract's CSV
// files (data/contract.h) into `out_dir`, and the planted truths (emergency admission risk,
// latent person state, model.json) into `truth_dir`. Loads the reference data, calibrates the
// ground-truth model, then simulates people in blocks in parallel and streams each block's rows
// out in block order, so memory stays bounded and the bytes written are the same at any thread
// count for a given seed. Not re-entrant on the same directories.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace icb::synth {

struct SynthOptions {
  uint64_t persons = 20000;        // residents at the data start
  uint64_t seed = 1;
  std::string out_dir, truth_dir;
  int start_year = 2020;           // the data start: 1 April of this year
  int years = 5;                   // financial years
  std::string reference_dir;       // empty: DefaultReferenceDir()
  uint64_t calibration_persons = 200000;
  int calibration_rounds = 7;
  bool progress = true;
};

struct SynthFileSummary {
  std::string path;
  uint64_t rows = 0, bytes = 0;
};

struct SynthSummary {
  uint64_t persons = 0, residents = 0, births = 0, in_migrants = 0;
  std::vector<SynthFileSummary> files;
  uint64_t rows = 0, bytes = 0;
  double calibration_seconds = 0, generation_seconds = 0;
};

Result<SynthSummary> GenerateSyntheticIcb(const SynthOptions& options);

}  // namespace icb::synth
