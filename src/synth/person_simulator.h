// PersonSimulator: simulates one synthetic person over the data period under the ground-truth
// model (docs/synthetic-icb.md): demography, long-term condition onsets, frailty, deaths and
// migration, registrations, and activity in every setting, year by year, with each year's rates
// fixed from the person's state at the start of that year. Everything a person draws comes from
// their own random streams keyed by (seed, person index), so results do not depend on threads.
// One simulator per worker thread; the SynthContext it reads is shared and read-only.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "synth/person_history.h"
#include "synth/synth_context.h"

namespace icb::synth {

struct PersonSpec {
  uint64_t index = 0;  // global person index: the key of the person's random streams
  PersonKind kind = PersonKind::kResident;
};

// Sums over simulated persons that calibration compares with its targets (all additive, so
// block sums combined in block order give the same totals at any thread count).
struct CalibrationTally {
  std::vector<std::array<double, kMeasureCount>> expected;  // [fy][measure] expected events
  std::vector<double> person_years;                        // [fy] resident person-years
  std::vector<double> nel_spells;                          // [fy] emergency + transfer spells realised
  std::vector<double> sc_people;                           // [fy] people with long-term social care
  std::vector<double> rx_repeat_items;                     // [fy] expected repeat prescription items
  std::vector<double> deaths, out_moves;                   // [fy]
  std::array<double, kConditionCount> prev_num{}, prev_den{};  // registered at the QOF date
  std::vector<std::array<double, kConditionCount>> shape_sum, shape_den;  // [sub-ICB][condition]
  std::array<std::array<double, kAgeBands>, 2> mort_sum{}, mort_exposure{};

  void Init(int years, size_t sub_icbs);
  void Add(const CalibrationTally& o);
};

class PersonSimulator {
 public:
  PersonSimulator(const SynthContext& ctx, uint64_t seed);
  // Simulates `spec` into `out` (cleared first). `emit` false skips the activity detail that
  // calibration does not need; `tally`, when given, receives the person's calibration sums.
  void Simulate(const PersonSpec& spec, PersonHistory& out, bool emit, CalibrationTally* tally);

 private:
  struct Latent;
  const SynthContext& ctx_;
  const ModelParams& p_;
  uint64_t seed_;
  std::array<std::array<double, 12>, 2> season_{};  // normalised [acute, planned][calendar month]
  std::vector<int> qof_min_age_;
  std::vector<double> event_times_;                 // scratch
};

}  // namespace icb::synth
