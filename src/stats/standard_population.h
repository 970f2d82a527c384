// StandardPopulation: the age bands and weights of a standard population for direct
// standardisation, read from a data file with columns age_band,population (and any others, which
// are ignored). The default is the European Standard Population 2013 (data/reference/esp2013.csv,
// 19 bands 0-4 .. 85-89, 90+, total 100,000; Eurostat 2013). Plain value type.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace icb::stats {

struct StandardPopulation {
  std::vector<std::string> age_bands;  // labels in file order ("0-4", ..., "90+")
  std::vector<double> population;      // weights, one per band, all > 0

  // Index of the band labelled `label` (exact match after trimming spaces), or nullopt.
  std::optional<size_t> Find(std::string_view label) const;
};

// Reads a standard population file. InvalidInput (file, line, column) for a bad or non-positive
// population or a repeated band; NotFound if the file is missing.
Result<StandardPopulation> LoadStandardPopulation(const std::string& path);
// Path of the shipped ESP 2013 file (data/reference/esp2013.csv in the source tree).
std::string Esp2013Path();
// LoadStandardPopulation(Esp2013Path()).
Result<StandardPopulation> Esp2013();

}  // namespace icb::stats
