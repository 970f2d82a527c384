// Terminal rendering of Tables: a title line, a header, aligned columns (text left, numbers
// right, thousands separators, percentages with "%"), optional horizontal bars for distributions
// (a population pyramid draws its two halves back to back) and the footnotes. Plain ASCII apart
// from whatever UTF-8 the labels themselves hold. Stateless; thread safe.
#pragma once

#include <string>

#include "report/report.h"

namespace icb::report {

struct TextOptions {
  size_t bar_width = 24;  // characters for the longest bar
};

std::string RenderText(const Table& table, const TextOptions& options = {});
// The report title, its metadata, then every table separated by blank lines.
std::string RenderText(const Report& report, const TextOptions& options = {});

}  // namespace icb::report
