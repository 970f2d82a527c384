#include "report/chart.h"

#include "report/table.h"

namespace icb::report {

std::string_view ChartKindName(ChartKind kind) {
  switch (kind) {
    case ChartKind::kPyramid: return "pyramid";
    case ChartKind::kBar: return "bar";
    case ChartKind::kPointsWithIntervals: return "points";
    case ChartKind::kFunnel: return "funnel";
    case ChartKind::kSpc: return "spc";
    case ChartKind::kLine: return "line";
    case ChartKind::kFan: return "fan";
    case ChartKind::kWaterfall: return "waterfall";
  }
  return "bar";
}

std::optional<ChartKind> ParseChartKind(std::string_view name) {
  for (ChartKind k : {ChartKind::kPyramid, ChartKind::kBar, ChartKind::kPointsWithIntervals, ChartKind::kFunnel,
                      ChartKind::kSpc, ChartKind::kLine, ChartKind::kFan, ChartKind::kWaterfall})
    if (ChartKindName(k) == name) return k;
  return std::nullopt;
}

bool IsValidChartName(std::string_view name) { return IsValidTableName(name); }

}  // namespace icb::report
