// PopulationPlan: how many people each block of the synthetic population holds (residents at the
// data start, births and in-migrants during the period) and their global person indexes. Counts
// come from each block's own random stream, so the plan, the person indexes and hence every
// person's random streams are fixed by (seed, persons) whatever the thread count. Immutable.
#pragma once

#include <cstdint>
#include <vector>

#include "synth/person_simulator.h"

namespace icb::synth {

inline constexpr uint32_t kBlockSize = 1000;  // residents per block

struct BlockPlan {
  uint64_t first_index = 0;  // global index of the block's first person
  uint32_t residents = 0, births = 0, in_migrants = 0;
  uint32_t size() const { return residents + births + in_migrants; }
  // The i-th person of the block: residents first, then births, then in-migrants.
  PersonSpec Spec(uint32_t i) const {
    const PersonKind k = i < residents ? PersonKind::kResident
                         : i < residents + births ? PersonKind::kBirth : PersonKind::kInMigrant;
    return {first_index + i, k};
  }
};

struct PopulationPlan {
  std::vector<BlockPlan> blocks;
  uint64_t total = 0, residents = 0, births = 0, in_migrants = 0;
};

PopulationPlan PlanPopulation(uint64_t residents, uint64_t seed, double birth_rate, double in_migration_rate,
                              int years);

}  // namespace icb::synth
