#include "context/provider_report.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/date.h"
#include "stats/confidence.h"
#include "stats/funnel.h"

namespace icb {

namespace {

using report::Cell;

Cell Num(double v) { return v == v && std::isfinite(v) ? Cell(v) : Cell(); }
Cell Text(std::string s) { return Cell(std::move(s)); }

// Significance is withheld for units whose numerator is 1-9 (below the strict policy's threshold),
// so a label cannot hint at a redacted count.
Cell Significance(stats::FunnelSignificance s, double numerator) {
  if (numerator >= 1 && numerator <= 9) return Cell();
  return Text(std::string(stats::FunnelSignificanceLabel(s)));
}

struct ProviderSums {
  std::vector<int64_t> events, cost;        // [pod]
  int64_t el_spells = 0, el_days = 0, nel_spells = 0, nel_days = 0, nel_zero = 0;
  ProviderSums() : events(kPodCount), cost(kPodCount) {}
};

void AddFunnelColumns(report::Table& t, const std::string& based_num, const std::string& based_den) {
  for (const char* c : {"funnel_lower95", "funnel_upper95", "funnel_lower998", "funnel_upper998", "funnel_centre"})
    t.AddDecimal(c, c, 2).BasedOn({based_num, based_den});
  t.AddText("significance", "Significance against the ICB");
}

void AppendFunnelCells(std::vector<Cell>& row, const stats::FunnelUnitResult& u, double baseline, double numerator) {
  row.push_back(Num(u.limits95.lower));
  row.push_back(Num(u.limits95.upper));
  row.push_back(Num(u.limits998.lower));
  row.push_back(Num(u.limits998.upper));
  row.push_back(Num(baseline));
  row.push_back(Significance(u.significance, numerator));
}

report::ChartSpec Funnel(const std::string& table, const std::string& title, const std::string& x, const std::string& y,
                         const std::string& x_label, const std::string& y_label) {
  report::ChartSpec c;
  c.name = table;
  c.title = title;
  c.description = title + ": each unit against 95% and 99.8% funnel limits around the ICB value";
  c.kind = report::ChartKind::kFunnel;
  c.table = table;
  c.x = x;
  c.y = {y};
  c.limits = {"funnel_lower95", "funnel_upper95", "funnel_lower998", "funnel_upper998"};
  c.target = "funnel_centre";
  c.x_label = x_label;
  c.y_label = y_label;
  return c;
}

}  // namespace

Result<report::Report> ComputeProviderReport(const Dataset& ds, const ProviderQuery& query) {
  if (query.period.from == kNoDate || query.period.to < query.period.from)
    return Status::InvalidInput("providers: no period given");
  report::Report r;
  r.title = "Providers and practices, " + query.period.label;
  r.metadata.push_back({"dataset", query.dataset_label});
  r.metadata.push_back({"period", query.period.label + " (" + Date(query.period.from).ToIso() + " to " +
                                      Date(query.period.to).ToIso() + ")"});
  r.metadata.push_back({"definitions", "docs/reference/providers.md"});

  // ---- providers: one pass over events (sequential: a few integer sums per event) ----
  std::map<std::string, ProviderSums> by_provider;  // ordered by provider code
  std::vector<uint8_t> not_attended(ds.attrs.size());
  for (uint32_t id = 0; id < ds.attrs.size(); ++id) {
    const std::string& v = ds.attrs.at(id);
    not_attended[id] = v == "DNA" || v == "UNKNOWN" || v == "0" || v == "2" || v == "3" || v == "4" || v == "7";
  }
  std::vector<ProviderSums*> org_sums(ds.orgs.size(), nullptr);
  const auto& ev = ds.events;
  for (size_t e = 0; e < ev.size(); ++e) {
    if (ev.date[e] < query.period.from || ev.date[e] > query.period.to) continue;
    const uint8_t setting = ev.setting[e], pod = ev.pod[e];
    if (setting == static_cast<uint8_t>(Setting::kPrescribing) || setting == static_cast<uint8_t>(Setting::kSocialCare))
      continue;  // not provider activity in this report
    if (setting == static_cast<uint8_t>(Setting::kGpAppointment) && ev.attr3[e] < not_attended.size() && not_attended[ev.attr3[e]])
      continue;
    if (setting == static_cast<uint8_t>(Setting::kOutpatient) && ev.attr2[e] < not_attended.size() && not_attended[ev.attr2[e]])
      continue;
    if (setting == static_cast<uint8_t>(Setting::kGpAppointment)) continue;  // practices: see practice_variation
    const uint32_t org = ev.provider[e];
    if (org == Dictionary::kNone || org >= org_sums.size()) continue;
    ProviderSums*& s = org_sums[org];
    if (s == nullptr) s = &by_provider[ds.orgs.at(org)];
    s->events[pod] += 1;
    s->cost[pod] += ev.cost_pence[e];
    if (setting == static_cast<uint8_t>(Setting::kApc) && ev.end_date[e] != kNoDate && ev.end_date[e] >= ev.date[e]) {
      const int64_t los = ev.end_date[e] - ev.date[e];
      if (pod == static_cast<uint8_t>(Pod::kElective)) {
        ++s->el_spells;
        s->el_days += los;
      } else if (pod == static_cast<uint8_t>(Pod::kNonElective)) {
        ++s->nel_spells;
        s->nel_days += los;
        if (los == 0) ++s->nel_zero;
      }
    }
  }
  auto provider_name = [&](const std::string& code) {
    const uint32_t id = ds.providers.code.Lookup(code);
    return id == Dictionary::kNone ? std::string("(not in ref_providers)") : ds.providers.name[id];
  };

  report::Table act("provider_activity", "Activity, cost and unit cost by provider and point of delivery");
  act.AddText("provider_code", "Provider").AddText("provider_name", "Name").AddText("pod", "POD");
  act.AddText("pod_label", "Point of delivery");
  act.AddCount("events", "Events");
  act.AddDecimal("cost_gbp", "Cost (GBP)", 2).BasedOn({"events"});
  act.AddDecimal("unit_cost_gbp", "Cost per event (GBP)", 2).BasedOn({"events"});
  for (const auto& [code, s] : by_provider)
    for (int p = 0; p < kPodCount; ++p) {
      if (s.events[static_cast<size_t>(p)] == 0) continue;
      const double cost = static_cast<double>(s.cost[static_cast<size_t>(p)]) / 100.0;
      act.AddRow({Text(code), Text(provider_name(code)), Text(std::string(PodName(static_cast<Pod>(p)))),
                  Text(std::string(PodLabel(static_cast<Pod>(p)))), Cell(s.events[static_cast<size_t>(p)]), Cell(cost),
                  Cell(cost / static_cast<double>(s.events[static_cast<size_t>(p)]))});
    }
  act.footnotes().push_back("Events in the period by the provider code on the event (A&E, APC, outpatient, community, "
                            "mental health); not-attended outpatient appointments are left out.");
  r.tables.push_back(std::move(act));

  // Length of stay, with a proportion funnel of zero-day emergency stays.
  std::vector<stats::FunnelUnit> units;
  std::vector<std::string> codes;
  for (const auto& [code, s] : by_provider)
    if (s.nel_spells > 0) {
      units.push_back({static_cast<double>(s.nel_zero), static_cast<double>(s.nel_spells), stats::kNaN});
      codes.push_back(code);
    }
  report::Table los("provider_los", "Length of stay by provider, and zero-day emergency stays against the ICB");
  los.AddText("provider_code", "Provider").AddText("provider_name", "Name");
  los.AddCount("el_spells", "Elective spells");
  los.AddDecimal("el_mean_los", "Elective mean LOS (days)", 2).BasedOn({"el_spells"});
  los.AddCount("nel_spells", "Non-elective spells");
  los.AddDecimal("nel_mean_los", "Non-elective mean LOS (days)", 2).BasedOn({"nel_spells"});
  los.AddCount("nel_zero_los", "Non-elective spells with 0 days");
  los.AddDecimal("zero_los_pct", "Zero-day share (%)", 2).BasedOn({"nel_zero_los", "nel_spells"});
  AddFunnelColumns(los, "nel_zero_los", "nel_spells");
  stats::FunnelOptions po;
  po.statistic = stats::FunnelStatistic::kProportion;
  po.multiplier = 100;
  Result<stats::FunnelResult> lf = units.empty() ? Result<stats::FunnelResult>(Status::InvalidInput("no spells"))
                                                 : stats::CalculateFunnel(units, po);
  size_t u = 0;
  for (const auto& [code, s] : by_provider) {
    if (s.el_spells == 0 && s.nel_spells == 0) continue;
    std::vector<Cell> row = {Text(code), Text(provider_name(code)), Cell(s.el_spells),
                             s.el_spells ? Cell(static_cast<double>(s.el_days) / static_cast<double>(s.el_spells)) : Cell(),
                             Cell(s.nel_spells),
                             s.nel_spells ? Cell(static_cast<double>(s.nel_days) / static_cast<double>(s.nel_spells)) : Cell(),
                             Cell(s.nel_zero),
                             s.nel_spells ? Cell(100.0 * static_cast<double>(s.nel_zero) / static_cast<double>(s.nel_spells)) : Cell()};
    if (s.nel_spells > 0 && lf.ok()) {
      AppendFunnelCells(row, lf->units[u], lf->baseline, static_cast<double>(s.nel_zero));
      ++u;
    } else {
      for (int i = 0; i < 5; ++i) row.push_back(Cell());
      row.push_back(Cell());
    }
    los.AddRow(std::move(row));
  }
  los.footnotes().push_back("Length of stay: discharge date minus admission date (days) of APC spells admitted in the "
                            "period with a discharge date. Funnel: proportion of non-elective spells with a zero-day "
                            "stay, 95% and 99.8% limits around the ICB proportion (PHE Technical Guide: Funnel Plots, "
                            "Wilson). A high share can mean same-day emergency care counted as admissions.");
  r.tables.push_back(std::move(los));
  r.charts.push_back(Funnel("provider_los", "Zero-day emergency stays by provider", "nel_spells", "zero_los_pct",
                            "Non-elective spells", "Zero-day share (%)"));

  // ---- practices: indicators by practice from the indicator engine ----
  IndicatorQuery q;
  q.catalogue = query.catalogue;
  q.indicator_ids = {"em_adm_isr", "ae_att", "gp_appt", "prev_hyp"};
  q.breakdowns = {Breakdown::kAll, Breakdown::kPractice};
  q.period = query.period;
  q.confidence = query.confidence;
  auto res = ComputeIndicators(ds, PersonScores{}, q);
  if (!res.ok()) return res.status();
  const auto& lay = res->layout;
  const size_t off = lay.offset(1), n_prac = lay.group_count(1);
  const auto& isr = res->indicators[0];
  const auto& ae = res->indicators[1];
  const auto& gp = res->indicators[2];
  const auto& hyp = res->indicators[3];
  // Funnels: ISR as a ratio (observed, expected); A&E and GP as crude rates; HYP as a proportion.
  auto funnel = [&](const IndicatorResult& ind, stats::FunnelOptions o, bool ratio) -> std::vector<stats::FunnelUnitResult> {
    std::vector<stats::FunnelUnit> us;
    std::vector<size_t> idx;
    for (size_t g = 0; g < n_prac; ++g) {
      const IndicatorCell& c = ind.cells[off + g];
      if (!(c.denominator > 0) || (ratio && !(c.expected > 0))) continue;
      stats::FunnelUnit fu;
      fu.numerator = static_cast<double>(c.numerator);
      fu.denominator = ratio ? c.expected : c.denominator;
      if (o.statistic == stats::FunnelStatistic::kRate) fu.rate = c.estimate.value;
      us.push_back(fu);
      idx.push_back(g);
    }
    std::vector<stats::FunnelUnitResult> out(n_prac);
    if (us.empty()) return out;
    auto fr = stats::CalculateFunnel(us, o);
    if (!fr.ok()) return out;
    for (size_t i = 0; i < idx.size(); ++i) {
      out[idx[i]] = fr->units[i];
      out[idx[i]].denominator_derived = fr->baseline;  // carry the centre line
    }
    return out;
  };
  stats::FunnelOptions ro;
  ro.statistic = stats::FunnelStatistic::kRatio;
  ro.ratio_type = stats::FunnelRatioType::kIsr;
  stats::FunnelOptions rate;
  rate.statistic = stats::FunnelStatistic::kRate;
  rate.rate_type = stats::FunnelRateType::kCrude;
  rate.multiplier = 1000;
  rate.years_of_data = 1;
  stats::FunnelOptions prop;
  prop.statistic = stats::FunnelStatistic::kProportion;
  prop.multiplier = 100;
  const auto f_isr = funnel(isr, ro, true), f_ae = funnel(ae, rate, false), f_gp = funnel(gp, rate, false),
             f_hyp = funnel(hyp, prop, false);

  report::Table pv("practice_variation", "Variation between practices: standardised emergency admissions");
  pv.AddText("practice_code", "Practice").AddText("practice_name", "Name").AddText("pcn_code", "PCN");
  pv.AddCount("person_years", "Registered person-years");
  pv.AddCount("numerator", "Emergency admissions");
  pv.AddDecimal("expected", "Expected", 1).BasedOn({"numerator", "person_years"});
  pv.AddDecimal("value", "ISR (ICB = 100)", 1).BasedOn({"numerator", "person_years"});
  const auto& levels = query.confidence;
  for (size_t i = 0; i < levels.size(); ++i) {
    pv.AddDecimal(stats::LowerColumn(levels, i), stats::LowerColumn(levels, i), 1).BasedOn({"numerator", "person_years"});
    pv.AddDecimal(stats::UpperColumn(levels, i), stats::UpperColumn(levels, i), 1).BasedOn({"numerator", "person_years"});
  }
  AddFunnelColumns(pv, "numerator", "person_years");
  for (size_t g = 0; g < n_prac; ++g) {
    const IndicatorCell& c = isr.cells[off + g];
    if (!(c.denominator > 0)) continue;
    const uint32_t prow = static_cast<uint32_t>(g);
    std::vector<Cell> row = {Text(lay.label(1, g)), Text(ds.practices.name[prow]), Text(ds.practices.pcn_code[prow]),
                             Cell(static_cast<int64_t>(std::llround(c.denominator))), Cell(c.numerator), Num(c.expected),
                             Num(c.estimate.value)};
    for (size_t i = 0; i < levels.size(); ++i) {
      const auto iv = i < c.estimate.intervals.size() ? c.estimate.intervals[i] : stats::Interval{};
      row.push_back(Num(iv.lower));
      row.push_back(Num(iv.upper));
    }
    AppendFunnelCells(row, f_isr[g], f_isr[g].denominator_derived, static_cast<double>(c.numerator));
    pv.AddRow(std::move(row));
  }
  pv.footnotes().push_back(isr.def.definition);
  pv.footnotes().push_back("Funnel: ratio funnel (exact Poisson limits of the observed count about the expected, PHE "
                           "Technical Guide: Funnel Plots); significance withheld where the count is 1-9.");
  r.tables.push_back(std::move(pv));
  r.charts.push_back(Funnel("practice_variation", "Emergency admissions by practice, indirectly standardised",
                            "expected", "value", "Expected emergency admissions", "ISR (ICB = 100)"));

  // Other practice indicators, one row per practice.
  report::Table po2("practice_indicators", "Other practice indicators with funnel significance against the ICB");
  po2.AddText("practice_code", "Practice").AddText("practice_name", "Name");
  po2.AddCount("person_years", "Registered person-years");
  po2.AddCount("ae_att", "A&E attendances");
  po2.AddDecimal("ae_rate", "A&E per 1,000", 1).BasedOn({"ae_att", "person_years"});
  po2.AddText("ae_significance", "A&E significance");
  po2.AddCount("gp_appt", "GP appointments");
  po2.AddDecimal("gp_rate", "GP appointments per 1,000", 1).BasedOn({"gp_appt", "person_years"});
  po2.AddText("gp_significance", "GP significance");
  po2.AddCount("hyp_register", "Hypertension register");
  po2.AddCount("list_size", "Registered persons");
  po2.AddDecimal("hyp_pct", "Hypertension recorded prevalence (%)", 2).BasedOn({"hyp_register", "list_size"});
  po2.AddText("hyp_significance", "Hypertension significance");
  for (size_t g = 0; g < n_prac; ++g) {
    const IndicatorCell& a = ae.cells[off + g];
    if (!(a.denominator > 0)) continue;
    const IndicatorCell& b = gp.cells[off + g];
    const IndicatorCell& h = hyp.cells[off + g];
    po2.AddRow({Text(lay.label(1, g)), Text(ds.practices.name[static_cast<uint32_t>(g)]),
                Cell(static_cast<int64_t>(std::llround(a.denominator))), Cell(a.numerator), Num(a.estimate.value),
                Significance(f_ae[g].significance, static_cast<double>(a.numerator)), Cell(b.numerator),
                Num(b.estimate.value), Significance(f_gp[g].significance, static_cast<double>(b.numerator)),
                Cell(h.numerator), Cell(static_cast<int64_t>(std::llround(h.denominator))), Num(h.estimate.value),
                Significance(f_hyp[g].significance, static_cast<double>(h.numerator))});
  }
  po2.footnotes().push_back("Rates: crude rate funnels (exact Poisson); prevalence: proportion funnel (Wilson); "
                            "definitions as the catalogue's ae_att, gp_appt and prev_hyp.");
  r.tables.push_back(std::move(po2));
  return r;
}

}  // namespace icb
