// PopulationGrid: people by place, sex and single year of age (0..100+), the unit in which the
// population projection works and in which the demand model reads demographic growth. Optionally
// split further by Bridges to Health segment (the segment projection's output). Plain value type.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "forecast/activity_table.h"

namespace icb::forecast {

inline constexpr int kAges = kMaxAge + 1;

struct PopulationGrid {
  int places = 0;
  std::vector<std::string> place_names;
  std::vector<double> people;  // [place][sex][age], size places * kSexes * kAges

  PopulationGrid() = default;
  PopulationGrid(int place_count, std::vector<std::string> names)
      : places(place_count), place_names(std::move(names)),
        people(static_cast<size_t>(place_count) * kSexes * kAges, 0.0) {}
  size_t Index(int place, int sex, int age) const {
    return (static_cast<size_t>(place) * kSexes + static_cast<size_t>(sex)) * kAges + static_cast<size_t>(age);
  }
  double& at(int place, int sex, int age) { return people[Index(place, sex, age)]; }
  double at(int place, int sex, int age) const { return people[Index(place, sex, age)]; }
  double Total() const {
    double s = 0;
    for (double v : people) s += v;
    return s;
  }
};

}  // namespace icb::forecast
