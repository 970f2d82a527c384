// Shared fixtures for the report tests: a small report with every column kind, a quoted text, an
// empty cell and a pyramid-style pair of bars.
#pragma once

#include <limits>

#include "report/report.h"

namespace icb::report::testing {

inline Report SampleReport() {
  Report r;
  r.title = "Sample \"report\"";
  r.metadata = {{"dataset", "tiny"}, {"as_at", "2024-03-31"}};
  Table a("pyramid", "Persons by age band and sex");
  a.AddText("age_band", "Age band").AddInteger("male", "Male").AddInteger("female", "Female");
  a.AddPercent("male_pct", "Male %", 1).AddPercent("female_pct", "Female %", 1);
  a.AddBar(1, true).AddBar(2, false);
  a.AddRow({std::string("0-4"), int64_t{1234}, int64_t{1200}, 6.26, 6.0});
  a.AddRow({std::string("5-9"), int64_t{0}, int64_t{1234567}, 0.0, 93.74});
  a.footnotes().push_back("3 persons of other or unknown sex are not shown.");
  Table b("places", "Places, with awkward names");
  b.AddText("place", "Place").AddDecimal("cost_gbp", "Cost (GBP)", 2).AddInteger("n", "Persons");
  b.AddRow({std::string("Ashton, \"Old\" Town"), 1234.5, int64_t{-42}});
  b.AddRow({std::string("Line\nbreak"), Cell{}, Cell{}});
  b.AddRow({std::string("Plain"), 0.126, int64_t{7}});
  r.tables.push_back(std::move(a));
  r.tables.push_back(std::move(b));
  return r;
}

}  // namespace icb::report::testing
