// icb stats sii: slope and relative index of inequality per group (src/stats/sii.h, phe_sii semantics).
#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <string>

#include "apps/cli/stats_command.h"
#include "stats/sii.h"

namespace icb::cli {
namespace {

struct SiiArgs {
  StatsCommonArgs common;
  std::string quantile_col = "quantile", population_col = "population", value_col = "value";
  std::string lower_col = "lowercl", upper_col = "uppercl", se_col = "se";
  int value_type = 0;
  bool transform = false, rii = false, intercept = false, reliability = false, analytic = false;
  double multiplier = 1;
  int repetitions = 100000;
  uint64_t seed = 1;
};

// "95_0" for 0.95, "99_8" for 0.998: phe_sii's column suffixes.
std::string LevelTag(double level) {
  std::string s = fmt::format("{:.1f}", level * 100);
  for (char& c : s)
    if (c == '.') c = '_';
  return s;
}

int RunSii(const SiiArgs& args) {
  int rc = 0;
  auto levels = ParseLevels(args.common, rc);
  if (!levels) return rc;
  if (args.value_type < 0 || args.value_type > 2) {
    std::fprintf(stderr, "icb: --value-type must be 0 (normal), 1 (rate) or 2 (proportion)\n");
    return 64;
  }
  auto input = ReadStatsInput(args.common, rc);
  if (!input) return rc;
  auto groups = GroupInput(*input, args.common.group_col, /*per_row_when_absent=*/false);
  if (!groups.ok()) return ReportError(groups.status());
  auto qcol = input->Column(args.quantile_col);
  if (!qcol.ok()) return ReportError(qcol.status());
  auto pcol = input->Column(args.population_col);
  if (!pcol.ok()) return ReportError(pcol.status());
  auto vcol = input->Column(args.value_col);
  if (!vcol.ok()) return ReportError(vcol.status());
  const auto lcol = input->Column(args.lower_col), ucol = input->Column(args.upper_col), scol = input->Column(args.se_col);
  if (!scol.ok() && !(lcol.ok() && ucol.ok()))
    return ReportError(Status::InvalidInput(input->source() + ": give a '" + args.se_col + "' column or both '" +
                                            args.lower_col + "' and '" + args.upper_col + "' columns"));

  stats::SiiOptions options;
  options.value_type = static_cast<stats::SiiValueType>(args.value_type);
  options.transform = args.transform;
  options.multiplier = args.multiplier;
  options.repetitions = args.repetitions;
  options.seed = args.seed;
  options.confidence = *levels;
  options.analytic = args.analytic;
  options.reliability = args.reliability;

  report::Table table("sii", "Slope index of inequality");
  AddGroupColumns(table, *input, *groups);
  table.AddDecimal("sii", "SII", 6);
  for (double l : *levels) {
    table.AddDecimal("sii_lower" + LevelTag(l) + "cl", "SII lower " + LevelTag(l), 6);
    table.AddDecimal("sii_upper" + LevelTag(l) + "cl", "SII upper " + LevelTag(l), 6);
  }
  const bool rii_ci = args.rii && !args.analytic;
  if (args.rii) {
    table.AddDecimal("rii", "RII", 6);
    if (rii_ci)
      for (double l : *levels) {
        table.AddDecimal("rii_lower" + LevelTag(l) + "cl", "RII lower " + LevelTag(l), 6);
        table.AddDecimal("rii_upper" + LevelTag(l) + "cl", "RII upper " + LevelTag(l), 6);
      }
  }
  if (args.intercept) table.AddDecimal("intercept", "Intercept", 6);
  if (args.reliability) {
    table.AddDecimal("sii_reliability", "SII CI reliability (mean abs. difference)", 6);
    if (rii_ci) table.AddDecimal("rii_reliability", "RII CI reliability (mean abs. difference)", 6);
  }
  table.AddInteger("quantiles", "Quantiles");
  table.AddText("method", "Method");

  size_t computed = 0;
  Status last_error;
  for (size_t g = 0; g < groups->rows.size(); ++g) {
    std::vector<stats::SiiQuantile> quantiles;
    for (size_t r : groups->rows[g]) {
      auto q = ReadRequiredNumber(*input, r, *qcol);
      if (!q.ok()) return ReportError(q.status());
      if (*q != std::floor(*q) || *q < 1 || *q > 1000)
        return ReportError(Status::InvalidInput(input->Where(r) + " column " + std::to_string(*qcol + 1) + " (" +
                                                args.quantile_col + "): expected a whole quantile number, 1 = most deprived"));
      auto pop = ReadRequiredNumber(*input, r, *pcol);
      if (!pop.ok()) return ReportError(pop.status());
      auto val = ReadNumber(*input, r, *vcol, /*allow_negative=*/true);
      if (!val.ok()) return ReportError(val.status());
      stats::SiiQuantile sq;
      sq.quantile = static_cast<int>(*q);
      sq.population = *pop;
      sq.value = val->value_or(stats::kNaN);
      auto read_opt = [&](const Result<size_t>& col, double& out, bool negative) -> Status {
        if (!col.ok()) return Status::Ok();
        auto v = ReadNumber(*input, r, *col, negative);
        if (!v.ok()) return v.status();
        out = v->value_or(stats::kNaN);
        return Status::Ok();
      };
      if (Status st = read_opt(lcol, sq.lower_cl, true); !st.ok()) return ReportError(st);
      if (Status st = read_opt(ucol, sq.upper_cl, true); !st.ok()) return ReportError(st);
      if (Status st = read_opt(scol, sq.se, false); !st.ok()) return ReportError(st);
      quantiles.push_back(sq);
    }
    auto result = stats::CalculateSii(std::move(quantiles), options);
    if (!result.ok()) {
      // As phe_sii: an area that cannot be computed is dropped with a warning.
      last_error = Status::InvalidInput(input->source() + " " + GroupLabel(*input, *groups, g) + ": " +
                                        result.status().message());
      std::fprintf(stderr, "icb: warning: %s; left out\n", last_error.message().c_str());
      continue;
    }
    for (const auto& w : result->warnings)
      std::fprintf(stderr, "icb: warning: %s %s\n", GroupLabel(*input, *groups, g).c_str(), w.c_str());
    std::vector<report::Cell> row;
    AppendGroupCells(row, *input, *groups, g);
    row.push_back(NumberCell(result->sii));
    for (const auto& ci : result->sii_ci) {
      row.push_back(NumberCell(ci.lower));
      row.push_back(NumberCell(ci.upper));
    }
    if (args.rii) {
      row.push_back(NumberCell(result->rii));
      if (rii_ci)
        for (const auto& ci : result->rii_ci) {
          row.push_back(NumberCell(ci.lower));
          row.push_back(NumberCell(ci.upper));
        }
    }
    if (args.intercept) row.push_back(NumberCell(result->intercept));
    if (args.reliability) {
      row.push_back(NumberCell(result->sii_reliability));
      if (rii_ci) row.push_back(NumberCell(result->rii_reliability));
    }
    row.push_back(static_cast<int64_t>(result->quantile_count));
    row.push_back(result->method);
    table.AddRow(std::move(row));
    ++computed;
  }
  if (computed == 0) return ReportError(last_error.ok() ? Status::InvalidInput(input->source() + ": no rows") : last_error);
  return WriteStatsOutput(table, args.common);
}

RunFn SetupSii(CLI::App& stats) {
  auto args = std::make_shared<SiiArgs>();
  auto* sub = stats.add_subcommand(
      "sii", "Slope and relative index of inequality across quantiles (Low & Low 2004; phe_sii), Monte Carlo intervals");
  AddStatsCommonOptions(sub, args->common);
  sub->add_option("--quantile-col", args->quantile_col, "Quantile column: whole numbers, 1 = most deprived (default quantile)");
  sub->add_option("--population-col", args->population_col, "Population of each quantile (default population)");
  sub->add_option("--value-col", args->value_col, "Indicator value of each quantile (default value)");
  sub->add_option("--lower-col", args->lower_col, "Lower 95% limit of each value (default lowercl)");
  sub->add_option("--upper-col", args->upper_col, "Upper 95% limit of each value (default uppercl)");
  sub->add_option("--se-col", args->se_col, "Standard error (default se; on the log/logit scale for value types 1/2)");
  sub->add_option("--value-type", args->value_type, "0 normal (default), 1 rate (log scale), 2 proportion in (0,1) (logit)");
  sub->add_flag("--transform", args->transform, "Fit on the log/logit scale (value types 1 and 2; needs the limits)");
  sub->add_option("--multiplier", args->multiplier, "Multiply the SII (default 1; negative: higher is better, RII inverted)");
  sub->add_option("--repetitions", args->repetitions, "Monte Carlo repetitions (default 100000, at least 1000)");
  sub->add_option("--seed", args->seed, "Seed of the portable random stream (default 1): same seed, same interval");
  sub->add_flag("--rii", args->rii, "Also give the relative index of inequality and its interval");
  sub->add_flag("--intercept", args->intercept, "Also give the regression's intercept");
  sub->add_flag("--reliability", args->reliability, "Rerun 10 times and report the mean absolute change of the limits");
  sub->add_flag("--analytic", args->analytic,
                "Closed-form interval beta1 +/- z sqrt(sum h_i^2 se_i^2) instead of simulation (value type 0)");
  sub->footer(
      "Input columns: group (optional; one SII per group), quantile, population, value, and lowercl + uppercl\n"
      "(read as 95% limits, as phe_sii does) or se.\n"
      "Examples:\n"
      "  icb stats sii --input le_by_decile.csv --rii --confidence 0.95,0.998\n"
      "  icb stats sii --input rates.csv --value-type 1 --transform --multiplier 100000 --seed 7\n"
      "  icb stats sii --input le_by_decile.csv --analytic\n"
      "Definitions: docs/reference/stats-variation.md#sii");
  return [args] { return RunSii(*args); };
}

}  // namespace
}  // namespace icb::cli

ICB_REGISTER_STATS_METHOD(sii, icb::cli::SetupSii);
