#include "synth/population_plan.h"

#include <algorithm>

#include "synth/rng.h"

namespace icb::synth {

PopulationPlan PlanPopulation(uint64_t residents, uint64_t seed, double birth_rate, double in_migration_rate,
                              int years) {
  PopulationPlan plan;
  uint64_t index = 0;
  for (uint64_t b = 0; b * kBlockSize < residents; ++b) {
    BlockPlan bp;
    bp.first_index = index;
    bp.residents = static_cast<uint32_t>(std::min<uint64_t>(kBlockSize, residents - b * kBlockSize));
    Rng rng(seed, b, Stream::kBlock);
    bp.births = static_cast<uint32_t>(rng.Poisson(bp.residents * birth_rate * years));
    bp.in_migrants = static_cast<uint32_t>(rng.Poisson(bp.residents * in_migration_rate * years));
    index += bp.size();
    plan.residents += bp.residents;
    plan.births += bp.births;
    plan.in_migrants += bp.in_migrants;
    plan.blocks.push_back(bp);
  }
  plan.total = index;
  return plan;
}

}  // namespace icb::synth
