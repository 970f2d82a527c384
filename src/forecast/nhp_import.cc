// ImportNhpParams: reads a Strategy Unit NHP model params.json (The-Strategy-Unit/nhp_model,
// src/nhp/model/params/params-schema.json) into a Scenario, and reports what it mapped and what it
// could not. NHP's avoidance and efficiency values are the share of activity (or of bed days) that
// REMAINS (inpatients.py applies rng.binomial(n, factor)); ours are the share removed or converted,
// so an 80% interval [a, b] becomes [1 - b, 1 - a]. NHP's non-demographic values are year-on-year
// growth factors (1.0131); ours are rates (0.0131).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "forecast/forecast_data_csv.h"
#include "forecast/population_projection.h"
#include "forecast/scenario.h"

namespace icb::forecast {
namespace {

using json = nlohmann::json;

std::string Fmt(double v) {
  std::ostringstream o;
  o << v;
  return o.str();
}

// An NHP interval or value of a "share remaining" factor, as our share changed (1 - factor).
Result<Distribution> OneMinus(const json& j, const std::string& where) {
  auto d = Distribution::FromJson(j, where);
  if (!d.ok()) return d.status();
  Distribution out = *d;
  if (out.kind == Distribution::Kind::kInterval80) {
    out.a = 1.0 - d->b;
    out.b = 1.0 - d->a;
  } else if (out.kind == Distribution::Kind::kFixed) {
    out.a = 1.0 - d->a;
  } else {
    return Status::InvalidInput(where + ": expected an NHP interval [p10, p90] or a number");
  }
  return out;
}

// An NHP growth factor (interval or value) as a rate (factor - 1).
Result<Distribution> MinusOne(const json& j, const std::string& where) {
  auto d = Distribution::FromJson(j, where);
  if (!d.ok()) return d.status();
  Distribution out = *d;
  if (out.kind != Distribution::Kind::kInterval80 && out.kind != Distribution::Kind::kFixed)
    return Status::InvalidInput(where + ": expected an NHP interval [p10, p90] or a number");
  out.a = d->a - 1.0;
  if (out.kind == Distribution::Kind::kInterval80) out.b = d->b - 1.0;
  return out;
}

std::string Describe(const Distribution& d) { return d.ToJson().dump(); }

std::vector<ActivityType> PodTypes(const std::string& pod) {
  if (pod == "aae") return {ActivityType::kAe};
  if (pod == "op") return {ActivityType::kOpFirst, ActivityType::kOpFollowUp};
  return {ActivityType::kElective, ActivityType::kDayCase, ActivityType::kNonElective, ActivityType::kMaternity};
}

}  // namespace

Result<Scenario> ImportNhpParams(const std::string& path, std::vector<std::string>& report) {
  report.clear();
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("NHP params file " + path + " not found or not readable");
  std::stringstream ss;
  ss << in.rdbuf();
  json j = json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Status::InvalidInput("NHP params file " + path + ": not a JSON object");
  const std::string w = path + ": ";

  auto map_csv = ReadForecastDataCsv(DefaultForecastDataDir() + "/nhp_variant_map.csv", {"nhp_variant", "variant"});
  if (!map_csv.ok()) return map_csv.status();
  std::map<std::string, std::string> variant_map;
  for (const auto& row : map_csv->rows)
    variant_map[row[map_csv->Column("nhp_variant")]] = row[map_csv->Column("variant")];

  Scenario s;
  s.name = j.value("scenario", std::string("nhp_import"));
  s.description = "Imported from NHP params " + std::filesystem::path(path).filename().string() + " (id " +
                  j.value("id", std::string("?")) + ", dataset " + j.value("dataset", std::string("?")) + ")";
  s.segment_transitions = false;
  report.push_back("mapped: scenario -> name \"" + s.name + "\"");

  auto int_key = [&](const char* key, auto& out, const char* ours) -> Status {
    auto it = j.find(key);
    if (it == j.end()) {
      report.push_back(std::string("not mapped: ") + key + ": absent, our default kept");
      return Status::Ok();
    }
    if (!it->is_number_integer() || it->get<int64_t>() < 0)
      return Status::InvalidInput(w + key + ": expected a non-negative integer");
    out = static_cast<std::remove_reference_t<decltype(out)>>(it->get<int64_t>());
    report.push_back(std::string("mapped: ") + key + " " + std::to_string(it->get<int64_t>()) + " -> " + ours);
    return Status::Ok();
  };
  ICB_RETURN_IF_ERROR(int_key("seed", s.seed, "seed"));
  ICB_RETURN_IF_ERROR(int_key("model_runs", s.runs, "runs"));
  ICB_RETURN_IF_ERROR(int_key("start_year", s.baseline_year, "baseline_year"));
  ICB_RETURN_IF_ERROR(int_key("end_year", s.horizon_year, "horizon_year"));
  // NHP models the horizon year only; its time profiles were retired. Every lever is phased in a
  // straight line from the baseline to the horizon, which equals NHP at the horizon.
  const Phasing phasing{s.baseline_year, s.horizon_year};

  for (const char* key : {"id", "dataset", "app_version", "create_datetime", "user"})
    if (j.contains(key)) report.push_back(std::string("not mapped: ") + key + ": run metadata (kept in the description)");

  // Population variants.
  if (auto df = j.find("demographic_factors"); df != j.end() && df->is_object()) {
    for (auto it = df->begin(); it != df->end(); ++it)
      if (it.key() != "variant_probabilities")
        report.push_back("not mapped: demographic_factors." + it.key() + ": NHP data-file setting");
    if (auto vp = df->find("variant_probabilities"); vp != df->end() && vp->is_object()) {
      std::vector<std::pair<std::string, double>> mix;
      double mapped = 0, total = 0;
      for (auto it = vp->begin(); it != vp->end(); ++it) {
        if (!it->is_number() || it->get<double>() < 0)
          return Status::InvalidInput(w + "demographic_factors.variant_probabilities." + it.key() +
                                      ": expected a probability");
        const double p = it->get<double>();
        total += p;
        auto m = variant_map.find(it.key());
        if (m == variant_map.end()) {
          report.push_back("not mapped: demographic_factors.variant_probabilities." + it.key() + " (" + Fmt(p) +
                           "): no equivalent population variant here; its probability is shared among the mapped ones");
          continue;
        }
        mapped += p;
        auto found = std::find_if(mix.begin(), mix.end(), [&](const auto& e) { return e.first == m->second; });
        if (found == mix.end()) {
          mix.emplace_back(m->second, p);
        } else {
          found->second += p;
        }
        report.push_back("mapped: demographic_factors.variant_probabilities." + it.key() + " (" + Fmt(p) + ") -> " +
                         m->second);
      }
      if (mapped > 0) {
        for (auto& [name, p] : mix) p /= mapped;
        s.variant_mix = mix;
        if (mapped < total)
          report.push_back("note: variant probabilities rescaled by 1/" + Fmt(mapped) + " over the mapped variants");
      } else {
        report.push_back("not mapped: demographic_factors.variant_probabilities: no variant maps; principal used");
      }
    }
  }

  if (auto it = j.find("health_status_adjustment"); it != j.end()) {
    if (it->is_boolean()) {
      s.health_status_adjustment = it->get<bool>();
      report.push_back(std::string("mapped: health_status_adjustment ") + (s.health_status_adjustment ? "true" : "false") +
                       " -> health_status_adjustment; NHP draws its ratio from elicited metalog distributions "
                       "outside params.json, so hsa_ratio keeps this engine's default");
    } else {
      report.push_back("not mapped: health_status_adjustment: not a boolean (NHP version-specific form)");
    }
  }

  // Non-demographic growth: year-on-year factors by POD.
  if (auto nd = j.find("non-demographic_adjustment"); nd != j.end() && nd->is_object()) {
    const std::string vt = nd->value("value-type", std::string("year-on-year-growth"));
    if (vt != "year-on-year-growth")
      return Status::InvalidInput(w + "non-demographic_adjustment.value-type: \"" + vt +
                                  "\" is not supported (expected year-on-year-growth)");
    if (nd->contains("variant"))
      report.push_back("mapped: non-demographic_adjustment.variant \"" + nd->value("variant", std::string()) +
                       "\" (label only)");
    const json values = nd->value("values", json::object());
    struct Pod {
      const char* group;
      const char* key;
      std::vector<ActivityType> types;
    };
    const Pod pods[] = {{"ip", "elective", {ActivityType::kElective, ActivityType::kDayCase}},
                        {"ip", "non-elective", {ActivityType::kNonElective}},
                        {"ip", "maternity", {ActivityType::kMaternity}},
                        {"op", "first", {ActivityType::kOpFirst}},
                        {"op", "followup", {ActivityType::kOpFollowUp}},
                        {"aae", "ambulance", {ActivityType::kAe}},
                        {"aae", "walk-in", {ActivityType::kAe}}};
    std::map<int, std::vector<Distribution>> by_type;
    for (const Pod& pod : pods) {
      const std::string p = std::string("non-demographic_adjustment.values.") + pod.group + "." + pod.key;
      if (!values.contains(pod.group) || !values[pod.group].contains(pod.key)) continue;
      auto d = MinusOne(values[pod.group][pod.key], w + p);
      if (!d.ok()) return d.status();
      std::string names;
      for (ActivityType t : pod.types) {
        by_type[static_cast<int>(t)].push_back(*d);
        names += std::string(names.empty() ? "" : ", ") + std::string(ActivityTypeName(t));
      }
      report.push_back("mapped: " + p + " factor " + values[pod.group][pod.key].dump() + " -> non_demographic_growth." +
                       names + " rate " + Describe(*d));
    }
    for (auto& [t, ds] : by_type) {
      Distribution d = ds[0];
      if (ds.size() > 1) {  // A&E: ambulance and walk-in; one A&E type here, so their mean
        bool same = true;
        for (const auto& x : ds) same = same && x.kind == d.kind && x.a == d.a && x.b == d.b;
        if (!same) {
          for (size_t i = 1; i < ds.size(); ++i) {
            d.a += ds[i].a;
            d.b += ds[i].b;
          }
          d.a /= static_cast<double>(ds.size());
          d.b /= static_cast<double>(ds.size());
          report.push_back("note: non_demographic_growth.ae is the mean of NHP's ambulance and walk-in values " +
                           Describe(d));
        }
      }
      s.non_demographic_growth[t] = d;
    }
    for (auto g = values.begin(); g != values.end(); ++g) {
      if (!g->is_object()) continue;
      for (auto k = g->begin(); k != g->end(); ++k) {
        bool known = false;
        for (const Pod& pod : pods) known = known || (g.key() == pod.group && k.key() == pod.key);
        if (!known)
          report.push_back("not mapped: non-demographic_adjustment.values." + g.key() + "." + k.key() +
                           ": no matching activity type here");
      }
    }
  }

  // Activity avoidance: every strategy becomes a mitigator matching rows tagged with it.
  int avoidance = 0, efficiencies = 0;
  if (auto aa = j.find("activity_avoidance"); aa != j.end() && aa->is_object()) {
    for (auto pod = aa->begin(); pod != aa->end(); ++pod) {
      if (!pod->is_object()) continue;
      for (auto st = pod->begin(); st != pod->end(); ++st) {
        const std::string p = "activity_avoidance." + pod.key() + "." + st.key();
        if (!st->is_object() || !st->contains("interval")) {
          report.push_back("not mapped: " + p + ": no interval");
          continue;
        }
        auto d = OneMinus((*st)["interval"], w + p + ".interval");
        if (!d.ok()) return d.status();
        Mitigator m;
        m.name = st.key();
        m.filter.types = PodTypes(pod.key());
        m.filter.strategy = st.key();
        m.reduction = *d;
        m.phasing = phasing;
        m.discard = true;  // NHP does not model where avoided activity goes
        s.mitigators.push_back(std::move(m));
        ++avoidance;
      }
    }
    report.push_back("mapped: activity_avoidance: " + std::to_string(avoidance) +
                     " strategies -> mitigators (reduction = 1 - NHP's share remaining; filter.strategy = the NHP "
                     "strategy; avoided_to nowhere, since NHP does not model where avoided activity goes)");
  }

  // Efficiencies, by strategy family.
  if (auto ef = j.find("efficiencies"); ef != j.end() && ef->is_object()) {
    for (auto pod = ef->begin(); pod != ef->end(); ++pod) {
      if (!pod->is_object()) continue;
      for (auto st = pod->begin(); st != pod->end(); ++st) {
        const std::string p = "efficiencies." + pod.key() + "." + st.key();
        if (!st->is_object() || !st->contains("interval")) {
          report.push_back("not mapped: " + p + ": no interval");
          continue;
        }
        const std::string type = st->value("type", std::string());
        Efficiency e;
        e.name = st.key();
        e.filter.strategy = st.key();
        e.phasing = phasing;
        if (pod.key() == "op") {
          e.kind = Efficiency::Kind::kTeleOutpatient;
          e.filter.types = PodTypes("op");
        } else if (type == "sdec") {
          e.kind = Efficiency::Kind::kSdecConversion;
          e.filter.types = {ActivityType::kNonElective};
        } else if (type == "day_procedures_daycase") {
          e.kind = Efficiency::Kind::kDayCaseConversion;
          e.filter.types = {ActivityType::kElective};
        } else if (type == "all" && st.key().rfind("virtual_wards", 0) == 0) {
          e.kind = Efficiency::Kind::kVirtualWard;
          e.filter.types = {ActivityType::kNonElective};
        } else if (type == "all") {
          e.kind = Efficiency::Kind::kLengthOfStay;
          e.filter.types = {ActivityType::kElective, ActivityType::kNonElective, ActivityType::kMaternity};
        } else if (type == "day_procedures_outpatients") {
          report.push_back("not mapped: " + p + ": converts admissions to outpatient procedures, which this engine "
                           "has no efficiency kind for");
          continue;
        } else if (type == "pre-op") {
          report.push_back("not mapped: " + p + ": removes " + st->value("pre-op_days", json(0)).dump() +
                           " pre-operative day(s) with a probability; this engine's length_of_stay removes each bed "
                           "day with a probability, a different model");
          continue;
        } else {
          report.push_back("not mapped: " + p + ": efficiency type \"" + type + "\" unknown here");
          continue;
        }
        auto d = OneMinus((*st)["interval"], w + p + ".interval");
        if (!d.ok()) return d.status();
        e.value = *d;
        s.efficiencies.push_back(std::move(e));
        ++efficiencies;
      }
    }
    report.push_back("mapped: efficiencies: " + std::to_string(efficiencies) +
                     " strategies -> efficiencies (value = 1 - NHP's share unchanged)");
  }

  const std::map<std::string, std::string> not_mapped = {
      {"inequalities", "NHP's HRG x IMD levelling; not modelled here"},
      {"expat", "expatriation of activity to other providers; not modelled here"},
      {"repat_local", "repatriation of local activity; not modelled here"},
      {"repat_nonlocal", "repatriation of non-local activity; not modelled here"},
      {"baseline_adjustment", "baseline adjustment by specialty; not modelled here"},
      {"waiting_list_adjustment", "waiting-list adjustment (NHP flags it as unreliable); not modelled here"},
      {"time_profile_mappings", "time profiles ignored: every lever is phased linearly from start_year to end_year, "
                                "which equals NHP at the horizon, the only year NHP models"},
  };
  const std::set<std::string> handled = {"id", "scenario", "dataset", "seed", "model_runs", "start_year", "end_year",
                                         "app_version", "create_datetime", "user", "demographic_factors",
                                         "health_status_adjustment", "non-demographic_adjustment",
                                         "activity_avoidance", "efficiencies"};
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (handled.count(it.key())) continue;
    auto n = not_mapped.find(it.key());
    report.push_back("not mapped: " + it.key() + ": " + (n == not_mapped.end() ? "unknown NHP key" : n->second));
  }
  return s;
}

}  // namespace icb::forecast
