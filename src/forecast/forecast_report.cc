#include "forecast/forecast_report.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "context/person_scores.h"
#include "forecast/capacity.h"

namespace icb::forecast {

namespace {

using report::Cell;
using report::ChartKind;
using report::ChartSpec;
using report::Table;

constexpr double kPencePerPound = 100.0;

// Rounds every whole number of 10 or more written in `text` (e.g. "2,169 deaths") to the nearest 5;
// decimals (rates, ratios) are left as they are.
std::string RoundCountsInText(const std::string& text) {
  // A whole number: not part of a decimal, a year range ("2021/22"), a file name or a code.
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  auto joins = [&](char c) {  // characters that make a number part of a longer token
    return digit(c) || c == '.' || c == ',' || c == '/' || c == '_' || c == '-' ||
           (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  };
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (!digit(text[i]) || (i > 0 && joins(text[i - 1]))) {
      out.push_back(text[i++]);
      continue;
    }
    size_t j = i;
    while (j < text.size() && (digit(text[j]) || text[j] == ',' || text[j] == '.')) ++j;
    size_t end = j;
    while (end > i && (text[end - 1] == ',' || text[end - 1] == '.')) --end;  // trailing punctuation
    const std::string token = text.substr(i, end - i);
    std::string digits;
    bool whole = end == j || !digit(text[j]);
    for (size_t k = 0; k < token.size(); ++k) {
      if (token[k] == '.') whole = false;
      if (token[k] == ',' && (token.size() - k - 1) % 4 != 3) whole = false;  // "12,345" grouping only
      if (digit(token[k])) digits.push_back(token[k]);
    }
    if (end < text.size() && (text[end] == '/' || (joins(text[end]) && text[end] != ',' && text[end] != '.')))
      whole = false;
    if (!whole || digits.size() < 2) {
      out += text.substr(i, end - i);
      i = end;
      continue;
    }
    const std::string plain = std::to_string(5 * ((std::stoll(digits) + 2) / 5));
    for (size_t k = 0; k < plain.size(); ++k) {
      if (k > 0 && (plain.size() - k) % 3 == 0) out.push_back(',');
      out.push_back(plain[k]);
    }
    i = end;
  }
  return out;
}

std::string YearLabel(int year) { return fmt::format("{}/{:02d}", year, (year + 1) % 100); }

// Mean and type-7 quantiles of values over runs 1..N (index 0 = the principal run).
struct Spread {
  double principal = 0, mean = 0, p10 = 0, p50 = 0, p90 = 0;
};
double Quantile7(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const double h = (static_cast<double>(sorted.size()) - 1) * q;
  const size_t lo = static_cast<size_t>(std::floor(h));
  const size_t hi = std::min(sorted.size() - 1, lo + 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}
template <typename F>
Spread SpreadOf(int runs, F value_of_run) {
  Spread s;
  s.principal = value_of_run(0);
  std::vector<double> v;
  v.reserve(static_cast<size_t>(runs));
  double sum = 0;
  for (int r = 1; r <= runs; ++r) {
    v.push_back(value_of_run(r));
    sum += v.back();
  }
  if (v.empty()) {
    s.mean = s.p10 = s.p50 = s.p90 = s.principal;
    return s;
  }
  std::sort(v.begin(), v.end());
  s.mean = sum / static_cast<double>(v.size());
  s.p10 = Quantile7(v, 0.1);
  s.p50 = Quantile7(v, 0.5);
  s.p90 = Quantile7(v, 0.9);
  return s;
}

const std::array<ActivityType, 6> kFanTypes = {ActivityType::kNonElective, ActivityType::kAe, ActivityType::kElective,
                                               ActivityType::kOpFollowUp, ActivityType::kCommunity, ActivityType::kGp};

double BaselineUnits(const ActivityTotals& t, ActivityType type) { return t.units[static_cast<size_t>(type)]; }

double RunCost(const ForecastResult& r, int run, int year) {
  double c = 0;
  for (int t = 0; t < kActivityTypeCount; ++t) c += r.Total(run, year, static_cast<ActivityType>(t), Measure::kCostPence);
  return c;
}

CapacityYear RunCapacity(const ForecastResult& r, int run, int year, const CapacityAssumptions& a) {
  std::array<double, kActivityTypeCount> units{}, bed_days{};
  for (int t = 0; t < kActivityTypeCount; ++t) {
    units[static_cast<size_t>(t)] = r.Total(run, year, static_cast<ActivityType>(t), Measure::kUnits);
    bed_days[static_cast<size_t>(t)] = r.Total(run, year, static_cast<ActivityType>(t), Measure::kBedDays);
  }
  return ComputeCapacity(units, bed_days, a);
}

void AddSpreadColumns(Table& t, const std::string& stem, const std::string& unit, int places,
                      const std::vector<std::string>& based_on) {
  const std::pair<const char*, const char*> cols[] = {
      {"principal", "Principal"}, {"mean", "Mean"}, {"p10", "P10"}, {"p50", "P50"}, {"p90", "P90"}};
  for (const auto& [name, label] : cols) {
    t.AddDecimal(stem + name, fmt::format("{} {}", label, unit), places);
    if (!based_on.empty()) t.BasedOn(based_on);
  }
}
void PushSpread(std::vector<Cell>& row, const Spread& s, double scale = 1.0) {
  row.push_back(s.principal / scale);
  row.push_back(s.mean / scale);
  row.push_back(s.p10 / scale);
  row.push_back(s.p50 / scale);
  row.push_back(s.p90 / scale);
}

ChartSpec Fan(std::string name, std::string title, std::string description, std::string table, std::string filter_value) {
  ChartSpec c;
  c.name = std::move(name);
  c.title = std::move(title);
  c.description = std::move(description);
  c.kind = ChartKind::kFan;
  c.table = std::move(table);
  c.x = "year";
  c.y = {"p50"};
  c.lower = "p10";
  c.upper = "p90";
  if (!filter_value.empty()) {
    c.filter_column = "type";
    c.filter_values = {std::move(filter_value)};
  }
  return c;
}

}  // namespace

report::Report BuildForecastReport(const ForecastResult& r, const PreparedForecast& p, const Scenario& s,
                                   const std::string& dataset_label) {
  report::Report rep;
  rep.title = "Forecast: " + (s.name.empty() ? std::string("scenario") : s.name);
  const int years = r.years();
  const int H = years - 1;
  rep.metadata = {{"Dataset", dataset_label},
                  {"Scenario", s.name},
                  {"Baseline year", YearLabel(r.baseline_year)},
                  {"Horizon year", YearLabel(r.horizon_year)},
                  {"Monte Carlo runs", fmt::format("{} (plus the principal run at central values)", r.runs)},
                  {"Seed", fmt::format("{}", s.seed)}};
  std::string mix;
  for (const auto& [name, prob] : s.variant_mix) mix += (mix.empty() ? "" : ", ") + fmt::format("{} {:g}", name, prob);
  rep.metadata.emplace_back("Population variants", mix);
  // How rates were estimated: ICB-wide lines only (place-level lines can rest on small numbers), with
  // counts of people and events rounded to the nearest 5 like every other count that leaves the engine.
  // Each under its own key ("Mortality, males: ..."), since JSON metadata is an object.
  for (const auto& n : p.notes) {
    const size_t icb = n.find(", ICB: ");
    if (icb != std::string::npos)
      rep.metadata.emplace_back(n.substr(0, icb), RoundCountsInText(n.substr(icb + 7)));
    else if (n.rfind("Segment transitions", 0) == 0)
      rep.metadata.emplace_back("Segment transitions", RoundCountsInText(n));
  }
  for (size_t i = 0; i < r.notes.size(); ++i) rep.metadata.emplace_back(fmt::format("Note {}", i + 1), r.notes[i]);

  const ActivityTotals base = SumActivity(p.baseline);

  // 1. Headline: activity by type at the horizon.
  {
    Table t("summary", "Activity at the horizon (" + YearLabel(r.horizon_year) + ") by type");
    t.AddText("type", "Activity").AddText("unit", "Unit").AddCount("baseline", "Baseline " + YearLabel(r.baseline_year));
    AddSpreadColumns(t, "", YearLabel(r.horizon_year), 0, {"baseline"});
    t.AddPercent("change_pct", "Change (mean, %)", 1).BasedOn({"baseline"});
    for (int ti = 0; ti < kActivityTypeCount; ++ti) {
      const auto type = static_cast<ActivityType>(ti);
      const Spread sp = SpreadOf(r.runs, [&](int run) { return r.Total(run, H, type, Measure::kUnits); });
      const double b = BaselineUnits(base, type);
      if (b == 0 && sp.mean == 0 && sp.principal == 0) continue;
      std::vector<Cell> row{std::string(ActivityTypeLabel(type)), std::string(ActivityTypeUnit(type)),
                            static_cast<int64_t>(std::llround(b))};
      PushSpread(row, sp);
      row.push_back(b > 0 ? Cell{100.0 * (sp.mean - b) / b} : Cell{});
      t.AddRow(std::move(row));
    }
    t.footnotes().push_back(
        "Principal: the run at central parameter values without random noise. Mean, P10, P50, P90: over the Monte "
        "Carlo runs. Receiving settings (SDEC, virtual wards, tele-outpatients, community, GP) include activity moved "
        "there from hospital.");
    rep.tables.push_back(std::move(t));
  }
  // Bed days of admitted types.
  {
    Table t("bed_days", "Bed days at the horizon");
    t.AddText("type", "Activity").AddCount("baseline", "Baseline bed days");
    AddSpreadColumns(t, "", YearLabel(r.horizon_year), 0, {"baseline"});
    for (ActivityType type : {ActivityType::kElective, ActivityType::kNonElective, ActivityType::kMaternity,
                              ActivityType::kVirtualWard}) {
      const Measure m = type == ActivityType::kVirtualWard ? Measure::kUnits : Measure::kBedDays;
      const Spread sp = SpreadOf(r.runs, [&](int run) { return r.Total(run, H, type, m); });
      const double b = type == ActivityType::kVirtualWard ? base.units[static_cast<size_t>(type)]
                                                          : base.bed_days[static_cast<size_t>(type)];
      std::vector<Cell> row{std::string(ActivityTypeLabel(type)), static_cast<int64_t>(std::llround(b))};
      PushSpread(row, sp);
      t.AddRow(std::move(row));
    }
    rep.tables.push_back(std::move(t));
  }

  // 2. Trajectories, year by year.
  {
    Table t("trajectory", "Activity year by year");
    t.AddText("year", "Year").AddText("type", "Activity");
    AddSpreadColumns(t, "", "", 0, {});
    for (int y = 0; y < years; ++y)
      for (int ti = 0; ti < kActivityTypeCount; ++ti) {
        const auto type = static_cast<ActivityType>(ti);
        const Spread sp = SpreadOf(r.runs, [&](int run) { return r.Total(run, y, type, Measure::kUnits); });
        if (sp.mean == 0 && sp.principal == 0) continue;
        std::vector<Cell> row{YearLabel(r.baseline_year + y), std::string(ActivityTypeLabel(type))};
        PushSpread(row, sp);
        t.AddRow(std::move(row));
      }
    t.footnotes().push_back("Modelled values; the baseline year is the dataset's activity.");
    rep.tables.push_back(std::move(t));
    for (ActivityType type : kFanTypes)
      rep.charts.push_back(Fan(fmt::format("fan_{}", ActivityTypeName(type)),
                               std::string(ActivityTypeLabel(type)) + ": median with the 10th to 90th percentile band",
                               std::string(ActivityTypeLabel(type)) + " by year, Monte Carlo median and P10 to P90",
                               "trajectory", std::string(ActivityTypeLabel(type))));
  }

  // 3. Cost and cost per head by year.
  {
    Table t("cost", "Cost and cost per head by year (GBP, with inflation and efficiency)");
    t.AddText("year", "Year");
    AddSpreadColumns(t, "", "cost (GBP m)", 2, {});
    t.AddDecimal("per_head_mean", "Cost per head, mean (GBP)", 0)
        .AddDecimal("per_head_p10", "Cost per head, P10 (GBP)", 0)
        .AddDecimal("per_head_p90", "Cost per head, P90 (GBP)", 0)
        .AddDecimal("allocation_per_head", "Allocation per head (GBP)", 0)
        .AddDecimal("gap_per_head", "Cost minus allocation per head, mean (GBP)", 0)
        .AddDecimal("population_mean", "Population (mean)", 0);
    const double growth = s.cost.allocation_growth.Central();
    // Without an allocation in the scenario, the baseline year's cost per head stands in for it, so
    // the table shows the gap that opens when demand and prices outgrow the allocation's growth.
    const bool stated = s.cost.allocation_pence_per_head > 0;
    const double pop0 = r.population.empty() ? 0.0 : r.population[0];
    const double allocation0 = stated ? s.cost.allocation_pence_per_head : pop0 > 0 ? RunCost(r, 0, 0) / pop0 : 0.0;
    for (int y = 0; y < years; ++y) {
      const Spread c = SpreadOf(r.runs, [&](int run) { return RunCost(r, run, y); });
      const Spread ph = SpreadOf(r.runs, [&](int run) {
        const double pop = r.population[static_cast<size_t>(run) * years + static_cast<size_t>(y)];
        return pop > 0 ? RunCost(r, run, y) / pop : 0.0;
      });
      const Spread pop = SpreadOf(r.runs, [&](int run) { return r.population[static_cast<size_t>(run) * years + static_cast<size_t>(y)]; });
      std::vector<Cell> row{YearLabel(r.baseline_year + y)};
      PushSpread(row, c, kPencePerPound * 1e6);
      row.push_back(ph.mean / kPencePerPound);
      row.push_back(ph.p10 / kPencePerPound);
      row.push_back(ph.p90 / kPencePerPound);
      const double allocation = allocation0 * std::pow(1.0 + growth, y);
      row.push_back(allocation / kPencePerPound);
      row.push_back((ph.mean - allocation) / kPencePerPound);
      row.push_back(pop.mean);
      t.AddRow(std::move(row));
    }
    t.footnotes().push_back(
        "Cost = activity x unit cost (the dataset's own NCC-based costs; defaults for new settings in "
        "data/forecast/default_unit_costs.csv) x (1 + inflation)^years x (1 - efficiency)^years.");
    t.footnotes().push_back(stated ? "Allocation per head: the scenario's, grown by its central allocation growth."
                                   : "Allocation per head: the scenario gives none, so the baseline year's cost per "
                                     "head stands in for it, grown by the scenario's central allocation growth.");
    rep.tables.push_back(std::move(t));
    ChartSpec fan = Fan("fan_cost", "Total cost (GBP m): median with the P10 to P90 band", "Total cost by year", "cost", "");
    rep.charts.push_back(fan);
  }

  // 4. Waterfall of change at the horizon (mean over runs; each run's steps add up exactly).
  {
    Table t("waterfall", "What changes activity between the baseline and the horizon (mean over runs)");
    t.AddText("type", "Activity").AddText("step", "Step").AddDecimal("units", "Units", 1).AddDecimal("cost_gbp", "Cost (GBP)", 0);
    for (int ti = 0; ti < kActivityTypeCount; ++ti) {
      const auto type = static_cast<ActivityType>(ti);
      bool any = false;
      std::array<double, kStepCount> mu{}, mc{};
      for (int st = 0; st < kStepCount; ++st) {
        double su = 0, sc = 0;
        const int from = r.runs > 0 ? 1 : 0;
        for (int run = from; run <= r.runs; ++run) {
          const size_t i = (static_cast<size_t>(run) * kActivityTypeCount + static_cast<size_t>(ti)) * kStepCount + static_cast<size_t>(st);
          su += r.waterfall_units[i];
          sc += r.waterfall_cost[i];
        }
        const double n = static_cast<double>(r.runs > 0 ? r.runs : 1);
        mu[static_cast<size_t>(st)] = su / n;
        mc[static_cast<size_t>(st)] = sc / n;
        any |= su != 0;
      }
      if (!any) continue;
      for (int st = 0; st < kStepCount; ++st)
        t.AddRow({std::string(ActivityTypeLabel(type)), std::string(StepName(static_cast<Step>(st))),
                  mu[static_cast<size_t>(st)], mc[static_cast<size_t>(st)] / kPencePerPound});
    }
    t.footnotes().push_back(
        "Steps are applied in this order; each step's change is the expected value after it minus before it, "
        "then random variation (drawn minus expected), avoided and received activity and efficiencies as drawn: "
        "in every run the steps add up exactly to the horizon minus the baseline.");
    rep.tables.push_back(std::move(t));
    for (ActivityType type : {ActivityType::kNonElective, ActivityType::kCommunity}) {
      ChartSpec c;
      c.name = fmt::format("waterfall_{}", ActivityTypeName(type));
      c.title = std::string(ActivityTypeLabel(type)) + ": change from the baseline to the horizon";
      c.description = "Additive waterfall of the change in " + std::string(ActivityTypeLabel(type)) + " by factor";
      c.kind = ChartKind::kWaterfall;
      c.table = "waterfall";
      c.x = "step";
      c.y = {"units"};
      c.filter_column = "type";
      c.filter_values = {std::string(ActivityTypeLabel(type))};
      rep.charts.push_back(c);
    }
  }

  // 5. Cost by segment, IMD quintile and place at the horizon.
  auto breakdown = [&](const std::string& name, const std::string& title, const std::vector<double>& data,
                       const std::vector<std::string>& groups, auto baseline_group_of_row) {
    Table t(name, title);
    t.AddText("group", "Group").AddCount("baseline_units", "Baseline activity (all types)");
    t.AddDecimal("baseline_cost", "Baseline cost (GBP m)", 2).BasedOn({"baseline_units"});
    t.AddDecimal("mean", "Horizon cost, mean (GBP m)", 2).BasedOn({"baseline_units"});
    t.AddDecimal("p10", "Horizon cost, P10 (GBP m)", 2).BasedOn({"baseline_units"});
    t.AddDecimal("p90", "Horizon cost, P90 (GBP m)", 2).BasedOn({"baseline_units"});
    const size_t G = groups.size();
    std::vector<double> bu(G, 0), bc(G, 0);
    for (size_t row = 0; row < p.baseline.size(); ++row) {
      const size_t g = baseline_group_of_row(row);
      if (g >= G) continue;
      bu[g] += p.baseline.count[row];
      bc[g] += p.baseline.count[row] * p.baseline.cost_pence[row];
    }
    for (size_t g = 0; g < G; ++g) {
      const Spread sp = SpreadOf(r.runs, [&](int run) {
        double c = 0;
        for (int ti = 0; ti < kActivityTypeCount; ++ti)
          c += data[((static_cast<size_t>(run) * G + g) * kActivityTypeCount + static_cast<size_t>(ti)) * 2 + 1];
        return c;
      });
      if (bu[g] == 0 && sp.mean == 0) continue;
      t.AddRow({groups[g], static_cast<int64_t>(std::llround(bu[g])), bc[g] / kPencePerPound / 1e6,
                sp.mean / kPencePerPound / 1e6, sp.p10 / kPencePerPound / 1e6, sp.p90 / kPencePerPound / 1e6});
    }
    rep.tables.push_back(std::move(t));
  };
  {
    std::vector<std::string> seg;
    for (int g = 0; g <= kB2hSegmentCount; ++g)
      seg.push_back(g == 0 ? std::string("Not known") : std::string(B2hSegmentLabel(static_cast<B2hSegment>(g))));
    breakdown("cost_by_segment", "Cost by Bridges to Health segment at the horizon", r.by_segment, seg,
              [&](size_t row) { return static_cast<size_t>(p.baseline.segment[row]); });
    ChartSpec c;
    c.name = "cost_by_segment";
    c.title = "Cost by segment: baseline and horizon (GBP m)";
    c.description = "Bar chart of baseline and mean horizon cost by Bridges to Health segment";
    c.kind = ChartKind::kBar;
    c.table = "cost_by_segment";
    c.x = "group";
    c.y = {"baseline_cost", "mean"};
    rep.charts.push_back(c);
    std::vector<std::string> imd = {"Not known", "1 (most deprived)", "2", "3", "4", "5 (least deprived)"};
    breakdown("cost_by_imd", "Cost by IMD quintile at the horizon", r.by_imd, imd,
              [&](size_t row) { return static_cast<size_t>(p.baseline.imd_quintile[row]); });
    breakdown("cost_by_place", "Cost by place at the horizon", r.by_place, p.baseline.place_names,
              [&](size_t row) { return static_cast<size_t>(p.baseline.place[row]); });
  }

  // 6. Capacity by year.
  {
    Table t("capacity", "Capacity needed by year (mean, P10, P90)");
    t.AddText("year", "Year");
    const char* names[] = {"beds", "theatre_sessions", "clinic_sessions", "ae_spaces", "wte"};
    const char* labels[] = {"Beds", "Theatre sessions", "Clinic sessions", "A&E spaces", "Staff (WTE)"};
    for (int k = 0; k < 5; ++k)
      for (const char* q : {"mean", "p10", "p90"})
        t.AddDecimal(fmt::format("{}_{}", names[k], q), fmt::format("{} {}", labels[k], q), 0);
    for (int y = 0; y < years; ++y) {
      std::vector<Cell> row{YearLabel(r.baseline_year + y)};
      for (int k = 0; k < 5; ++k) {
        const Spread sp = SpreadOf(r.runs, [&](int run) {
          const CapacityYear cy = RunCapacity(r, run, y, s.capacity);
          switch (k) {
            case 0: return cy.beds;
            case 1: return cy.theatre_sessions;
            case 2: return cy.clinic_sessions;
            case 3: return cy.ae_spaces;
            default: {
              double w = 0;
              for (double v : cy.wte) w += v;
              return w;
            }
          }
        });
        row.push_back(sp.mean);
        row.push_back(sp.p10);
        row.push_back(sp.p90);
      }
      t.AddRow(std::move(row));
    }
    t.footnotes().push_back(fmt::format(
        "Beds at {:.0f}% occupancy; {:g} cases per theatre session; {:g} attendances per clinic session; A&E spaces at "
        "{:g} minutes per attendance and {:.0f}% utilisation; WTE from units of activity per WTE (docs/reference/forecast-scenarios.md).",
        100 * s.capacity.bed_occupancy, s.capacity.theatre_cases_per_session, s.capacity.clinic_attendances_per_session,
        s.capacity.ae_minutes_per_attendance, 100 * s.capacity.ae_utilisation));
    rep.tables.push_back(std::move(t));
    ChartSpec c;
    c.name = "fan_beds";
    c.title = "Beds needed: mean with the P10 to P90 band";
    c.description = "Beds needed by year";
    c.kind = ChartKind::kFan;
    c.table = "capacity";
    c.x = "year";
    c.y = {"beds_mean"};
    c.lower = "beds_p10";
    c.upper = "beds_p90";
    rep.charts.push_back(c);
  }

  // 7. Avoided activity and where it went (conservation of demand).
  if (!r.mitigator_names.empty()) {
    Table t("shift", "Avoided hospital activity and where it lands, at the horizon (mean over runs)");
    t.AddText("mitigator", "Mitigator").AddText("to", "Lands in").AddDecimal("avoided", "Avoided units", 0)
        .AddDecimal("received", "Received units", 0).AddDecimal("received_cost", "Received cost (GBP)", 0);
    const size_t M = r.mitigator_names.size();
    const int from = r.runs > 0 ? 1 : 0;
    const double n = static_cast<double>(r.runs > 0 ? r.runs : 1);
    for (size_t m = 0; m < M; ++m) {
      double avoided = 0;
      for (int run = from; run <= r.runs; ++run) avoided += r.avoided_units[static_cast<size_t>(run) * M + m];
      bool any = false;
      for (int ti = 0; ti < kActivityTypeCount; ++ti) {
        double ru = 0, rc = 0;
        for (int run = from; run <= r.runs; ++run) {
          const size_t i = (static_cast<size_t>(run) * M + m) * kActivityTypeCount + static_cast<size_t>(ti);
          ru += r.received_units[i];
          rc += r.received_cost[i];
        }
        if (ru == 0) continue;
        any = true;
        t.AddRow({r.mitigator_names[m], std::string(ActivityTypeLabel(static_cast<ActivityType>(ti))), avoided / n,
                  ru / n, rc / n / kPencePerPound});
      }
      if (!any) t.AddRow({r.mitigator_names[m], std::string("(not re-homed)"), avoided / n, 0.0, 0.0});
    }
    rep.tables.push_back(std::move(t));
  }

  // 8. Population.
  {
    Table t("population", "Registered population by year");
    t.AddText("year", "Year");
    AddSpreadColumns(t, "", "population", 0, {});
    for (int y = 0; y < years; ++y) {
      const Spread sp = SpreadOf(r.runs, [&](int run) { return r.population[static_cast<size_t>(run) * years + static_cast<size_t>(y)]; });
      std::vector<Cell> row{YearLabel(r.baseline_year + y)};
      PushSpread(row, sp);
      t.AddRow(std::move(row));
    }
    rep.tables.push_back(std::move(t));
  }
  return rep;
}

void AddScenarioComparison(report::Report& rep, const ForecastResult& a, const Scenario& sa, const ForecastResult& b,
                           const Scenario& sb) {
  Table t("comparison", "Scenario comparison at the horizon: " + sa.name + " vs " + sb.name);
  t.AddText("type", "Activity")
      .AddDecimal("a_mean", sa.name + " mean", 0)
      .AddDecimal("a_p10", sa.name + " P10", 0)
      .AddDecimal("a_p90", sa.name + " P90", 0)
      .AddDecimal("b_mean", sb.name + " mean", 0)
      .AddDecimal("b_p10", sb.name + " P10", 0)
      .AddDecimal("b_p90", sb.name + " P90", 0)
      .AddDecimal("difference", "Difference in means (" + sb.name + " minus " + sa.name + ")", 0);
  const int ha = a.years() - 1, hb = b.years() - 1;
  for (int ti = 0; ti < kActivityTypeCount; ++ti) {
    const auto type = static_cast<ActivityType>(ti);
    const Spread x = SpreadOf(a.runs, [&](int run) { return a.Total(run, ha, type, Measure::kUnits); });
    const Spread y = SpreadOf(b.runs, [&](int run) { return b.Total(run, hb, type, Measure::kUnits); });
    if (x.mean == 0 && y.mean == 0) continue;
    t.AddRow({std::string(ActivityTypeLabel(type)), x.mean, x.p10, x.p90, y.mean, y.p10, y.p90, y.mean - x.mean});
  }
  rep.tables.push_back(std::move(t));
  ChartSpec c;
  c.name = "comparison";
  c.title = "Horizon activity by scenario (mean)";
  c.description = "Bar chart of mean horizon activity by type in the two scenarios";
  c.kind = ChartKind::kBar;
  c.table = "comparison";
  c.x = "type";
  c.y = {"a_mean", "b_mean"};
  rep.charts.push_back(c);
}

}  // namespace icb::forecast
