#include "stats/standard_population.h"

#include <cmath>
#include <set>

#include "stats/input_table.h"

#ifndef ICB_REFERENCE_DIR
#define ICB_REFERENCE_DIR "data/reference"
#endif

namespace icb::stats {
namespace {
std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}
}  // namespace

std::optional<size_t> StandardPopulation::Find(std::string_view label) const {
  label = Trim(label);
  for (size_t i = 0; i < age_bands.size(); ++i)
    if (age_bands[i] == label) return i;
  return std::nullopt;
}

Result<StandardPopulation> LoadStandardPopulation(const std::string& path) {
  auto table = InputTable::Read(path);
  if (!table.ok()) return table.status();
  auto band_col = table->Column("age_band");
  if (!band_col.ok()) return band_col.status();
  auto pop_col = table->Column("population");
  if (!pop_col.ok()) return pop_col.status();
  StandardPopulation out;
  std::set<std::string, std::less<>> seen;
  for (size_t r = 0; r < table->row_count(); ++r) {
    const std::string band(Trim(table->cell(r, *band_col)));
    if (band.empty()) return Status::InvalidInput(table->Where(r) + " column age_band: empty age band");
    if (!seen.insert(band).second)
      return Status::InvalidInput(table->Where(r) + " column age_band: age band '" + band + "' is repeated");
    auto pop = table->Number(r, *pop_col);
    if (!pop.ok()) return pop.status();
    if (!pop->has_value() || !(**pop > 0))
      return Status::InvalidInput(table->Where(r) + " column population: expected a number greater than zero");
    out.age_bands.push_back(band);
    out.population.push_back(**pop);
  }
  if (out.age_bands.empty()) return Status::InvalidInput(path + ": no age bands");
  return out;
}

std::string Esp2013Path() { return std::string(ICB_REFERENCE_DIR) + "/esp2013.csv"; }

Result<StandardPopulation> Esp2013() { return LoadStandardPopulation(Esp2013Path()); }

}  // namespace icb::stats
