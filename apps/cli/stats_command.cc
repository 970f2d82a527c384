// icb stats: the statistics calculator (src/stats/) over aggregate CSV input. The methods live in
// stats_<method>.cc files and register themselves with ICB_REGISTER_STATS_METHOD.
#include "apps/cli/stats_command.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <memory>

#include "core/file_util.h"
#include "governance/disclosure.h"
#include "report/csv_writer.h"
#include "report/report.h"
#include "report/svg_writer.h"
#include "stats/confidence.h"

namespace icb::cli {
namespace {

std::map<std::string, SetupFn>& StatsRegistry() {
  static std::map<std::string, SetupFn> r;
  return r;
}

std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t comma = s.find(',', start);
    std::string part = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    while (!part.empty() && part.front() == ' ') part.erase(part.begin());
    while (!part.empty() && part.back() == ' ') part.pop_back();
    if (!part.empty()) out.push_back(part);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// Cell text for the stats CSV: 15 significant digits for decimals, "" for NA.
std::string StatsCellText(const report::Column& column, const report::Cell& cell) {
  if (const auto* d = std::get_if<double>(&cell)) return std::isfinite(*d) ? fmt::format("{:.15g}", *d) : "";
  return report::PlainCellText(column, cell);
}

RunFn SetupStats(CLI::App& app) {
  auto* stats = app.add_subcommand(
      "stats",
      "Public-health statistics on aggregate CSV input, as PHEindicatormethods and the OHID Fingertips "
      "technical guidance compute them (proportions, rates, DSRs, ISRs, means, life expectancy, quantiles, ...)");
  stats->require_subcommand(1);
  stats->footer(
      "Examples:\n"
      "  icb stats proportion --input screening.csv --multiplier 100 --confidence 0.95,0.998\n"
      "  icb stats dsr --input deaths_by_age.csv --out dsr.csv\n"
      "  icb stats life-expectancy --input le.csv --at-age 0\n"
      "Run 'icb stats <method> --help' for each method's input columns. Definitions, edge cases and\n"
      "sources: docs/reference/stats.md");
  auto methods = std::make_shared<std::vector<std::pair<CLI::App*, RunFn>>>();
  for (auto& [name, setup] : StatsRegistry()) {
    (void)name;
    RunFn run = setup(*stats);
    methods->push_back({stats->get_subcommands({}).back(), std::move(run)});
  }
  return [methods]() -> int {
    for (auto& [sub, run] : *methods)
      if (sub->parsed()) return run();
    return 64;
  };
}

}  // namespace

int RegisterStatsMethod(const char* name, SetupFn setup) {
  StatsRegistry()[name] = std::move(setup);
  return 0;
}

void AddStatsCommonOptions(CLI::App* method, StatsCommonArgs& args) {
  method->add_option("--input", args.input, "Aggregate input CSV (header row required)")->required();
  method->add_option("--out", args.out, "Write the CSV here (atomically; default: standard output)");
  method->add_option("--confidence", args.confidence,
                     "Confidence level: one of 0.9..1 (or 90..100), or the pair 0.95,0.998 (default 0.95)");
  method->add_option("--group-col", args.group_col,
                     "Column(s) naming a group, comma-separated (default: group, when present)");
  method->add_option("--numerator-col", args.numerator_col, "Numerator column (default: numerator)");
  method->add_option("--denominator-col", args.denominator_col, "Denominator column (default: denominator)");
  method->add_option("--disclosure", args.disclosure,
                     "Disclosure control of count columns: standard (1-7 redacted, others rounded to 5; default), "
                     "strict (10-5 rule) or none (secure environments only)")
      ->check(CLI::IsMember({"standard", "strict", "none"}));
}

std::optional<stats::InputTable> ReadStatsInput(const StatsCommonArgs& args, int& exit_code) {
  auto table = stats::InputTable::Read(args.input);
  if (!table.ok()) {
    exit_code = ReportError(table.status());
    return std::nullopt;
  }
  return std::move(*table);
}

std::optional<std::vector<double>> ParseLevels(const StatsCommonArgs& args, int& exit_code) {
  auto levels = stats::ParseConfidence(args.confidence);
  if (!levels.ok()) {
    std::fprintf(stderr, "icb: %s\n", levels.status().message().c_str());
    exit_code = 64;
    return std::nullopt;
  }
  return *levels;
}

namespace {

// `table` after the disclosure policy named by --disclosure, as one report (the policy is recorded).
Result<report::Report> DisclosedReport(const report::Table& table, const StatsCommonArgs& args) {
  report::Report report;
  report.title = table.title();
  report.tables.push_back(table);
  auto policy = governance::PolicyByName(args.disclosure);
  if (!policy.ok()) return policy.status();
  ICB_RETURN_IF_ERROR(governance::ApplyDisclosure(report, *policy));
  return report;
}

}  // namespace

int WriteStatsChart(const report::Table& table, report::ChartSpec spec, const StatsCommonArgs& args,
                    const std::string& path) {
  auto report = DisclosedReport(table, args);
  if (!report.ok()) return ReportError(report.status());
  spec.table = table.name();
  auto svg = report::RenderChartSvg(report->tables.front(), spec);
  if (!svg.ok()) return ReportError(svg.status());
  if (Status st = WriteFileAtomic(path, *svg); !st.ok()) return ReportError(st);
  return 0;
}

int WriteStatsOutput(const report::Table& table, const StatsCommonArgs& args) {
  auto report = DisclosedReport(table, args);
  if (!report.ok()) return ReportError(report.status());
  const report::Table& out = report->tables.front();
  std::string csv;
  for (size_t c = 0; c < out.columns().size(); ++c) {
    if (c) csv += ',';
    csv += report::CsvField(out.columns()[c].name);
  }
  csv += '\n';
  for (const auto& row : out.rows()) {
    for (size_t c = 0; c < row.size(); ++c) {
      if (c) csv += ',';
      csv += report::CsvField(StatsCellText(out.columns()[c], row[c]));
    }
    csv += '\n';
  }
  if (args.disclosure == "none")
    std::fprintf(stderr, "icb: disclosure control: none (the output is not protected; secure environments only)\n");
  if (args.out.empty()) {
    std::fputs(csv.c_str(), stdout);
    return std::fflush(stdout) == 0 ? 0 : 3;
  }
  if (Status st = WriteFileAtomic(args.out, csv); !st.ok()) return ReportError(st);
  return 0;
}

Result<StatsGroups> GroupInput(const stats::InputTable& input, const std::string& group_spec,
                               bool per_row_when_absent) {
  StatsGroups groups;
  const std::vector<std::string> names = SplitComma(group_spec);
  if (names.size() == 1 && names[0] == "group" && !input.Column("group").ok()) {
    if (per_row_when_absent) {
      for (size_t r = 0; r < input.row_count(); ++r) groups.rows.push_back({r});
    } else {
      groups.rows.emplace_back();
      for (size_t r = 0; r < input.row_count(); ++r) groups.rows.back().push_back(r);
    }
    return groups;
  }
  for (const auto& name : names) {
    auto col = input.Column(name);
    if (!col.ok()) return col.status();
    groups.key_columns.push_back(*col);
  }
  std::map<std::vector<std::string>, size_t> index;
  for (size_t r = 0; r < input.row_count(); ++r) {
    std::vector<std::string> key;
    for (size_t c : groups.key_columns) key.push_back(input.cell(r, c));
    auto [it, inserted] = index.emplace(std::move(key), groups.rows.size());
    if (inserted) groups.rows.emplace_back();
    groups.rows[it->second].push_back(r);
  }
  return groups;
}

std::string GroupLabel(const stats::InputTable& input, const StatsGroups& groups, size_t g) {
  if (groups.key_columns.empty()) return "the input";
  std::string label = "group '";
  for (size_t i = 0; i < groups.key_columns.size(); ++i) {
    if (i) label += ", ";
    label += input.cell(groups.rows[g].front(), groups.key_columns[i]);
  }
  return label + "'";
}

Result<std::optional<double>> ReadNumber(const stats::InputTable& input, size_t row, size_t col, bool allow_negative) {
  auto v = input.Number(row, col);
  if (!v.ok()) return v.status();
  if (v->has_value() && **v < 0 && !allow_negative)
    return Status::InvalidInput(input.Where(row) + " column " + std::to_string(col + 1) + " (" + input.header()[col] +
                                "): expected a number greater than or equal to zero");
  return *v;
}

Result<double> ReadRequiredNumber(const stats::InputTable& input, size_t row, size_t col, bool allow_negative) {
  auto v = ReadNumber(input, row, col, allow_negative);
  if (!v.ok()) return v.status();
  if (!v->has_value())
    return Status::InvalidInput(input.Where(row) + " column " + std::to_string(col + 1) + " (" + input.header()[col] +
                                "): missing value (expected a number)");
  return **v;
}

void AddGroupColumns(report::Table& table, const stats::InputTable& input, const StatsGroups& groups) {
  for (size_t c : groups.key_columns) table.AddText(input.header()[c], input.header()[c]);
}

void AppendGroupCells(std::vector<report::Cell>& row, const stats::InputTable& input, const StatsGroups& groups,
                      size_t g) {
  for (size_t c : groups.key_columns) row.push_back(input.cell(groups.rows[g].front(), c));
}

void AddAggregateColumn(report::Table& table, const std::string& name, bool whole_numbers) {
  if (whole_numbers) table.AddCount(name, name);
  else table.AddDecimal(name, name, 6);
}

report::Cell AggregateCell(double value, bool whole_numbers) {
  if (!std::isfinite(value)) return std::monostate{};
  if (whole_numbers) return static_cast<int64_t>(std::llround(value));
  return value;
}

void AddEstimateColumns(report::Table& table, const std::vector<double>& levels,
                        const std::vector<std::string>& based_on) {
  auto based = [&] {
    if (!based_on.empty()) table.BasedOn(based_on);
  };
  table.AddDecimal("value", "Value", 6);
  based();
  for (size_t i = 0; i < levels.size(); ++i) {
    table.AddDecimal(stats::LowerColumn(levels, i), stats::LowerColumn(levels, i), 6);
    based();
    table.AddDecimal(stats::UpperColumn(levels, i), stats::UpperColumn(levels, i), 6);
    based();
  }
  table.AddText("confidence", "Confidence");
  table.AddText("statistic", "Statistic");
  table.AddText("method", "Method");
}

void AppendEstimateCells(std::vector<report::Cell>& row, const stats::Estimate& estimate) {
  row.push_back(NumberCell(estimate.value));
  for (const auto& interval : estimate.intervals) {
    row.push_back(NumberCell(interval.lower));
    row.push_back(NumberCell(interval.upper));
  }
  row.push_back(stats::ConfidenceText(estimate.levels));
  row.push_back(estimate.statistic);
  row.push_back(estimate.method);
}

report::Cell NumberCell(double value) {
  if (!std::isfinite(value)) return std::monostate{};
  return value;
}

bool AllWhole(const std::vector<double>& values) {
  for (double v : values)
    if (std::isfinite(v) && (v != std::floor(v) || std::fabs(v) > 9e15)) return false;
  return true;
}

}  // namespace icb::cli

ICB_REGISTER_COMMAND(stats, icb::cli::SetupStats);
