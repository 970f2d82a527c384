// ScenarioSchema(): the one declaration of the scenario file format's documentation. The published
// docs/reference/forecast-scenario.schema.json is this function's output (a test keeps them equal).
#include <string>

#include <nlohmann/json.hpp>

#include "context/person_scores.h"
#include "forecast/scenario.h"

namespace icb::forecast {
namespace {

using json = nlohmann::json;

json Described(json j, const char* description) {
  j["description"] = description;
  return j;
}
json Num(const char* d) { return Described({{"type", "number"}}, d); }
json Int(const char* d) { return Described({{"type", "integer"}}, d); }
json Str(const char* d) { return Described({{"type", "string"}}, d); }
json Bool(const char* d) { return Described({{"type", "boolean"}}, d); }
json Ref(const char* def, const char* d) { return Described({{"$ref", std::string("#/$defs/") + def}}, d); }
json Obj(json properties, std::initializer_list<const char*> required, const char* d) {
  json j = {{"type", "object"}, {"additionalProperties", false}, {"properties", std::move(properties)}};
  if (required.size() > 0) {
    json r = json::array();
    for (const char* k : required) r.push_back(k);
    j["required"] = r;
  }
  return Described(std::move(j), d);
}

json ActivityTypeEnum() {
  json e = json::array();
  for (int t = 0; t < kActivityTypeCount; ++t) e.push_back(std::string(ActivityTypeName(static_cast<ActivityType>(t))));
  return e;
}

json TypeMap(json value, const char* d) {
  return Described({{"type", "object"},
                    {"propertyNames", {{"$ref", "#/$defs/activity_type"}}},
                    {"additionalProperties", std::move(value)}},
                   d);
}

json DistributionDef() {
  auto form = [](const char* dist, std::initializer_list<std::pair<const char*, const char*>> keys, const char* d) {
    json props = {{"dist", {{"const", dist}}}};
    json req = json::array({"dist"});
    for (const auto& [k, kd] : keys) {
      props[k] = Num(kd);
      req.push_back(k);
    }
    props["min_clip"] = Num("Draws below this are set to it.");
    props["max_clip"] = Num("Draws above this are set to it.");
    return Described({{"type", "object"}, {"additionalProperties", false}, {"properties", props}, {"required", req}}, d);
  };
  json one_of = json::array();
  one_of.push_back(Num("A fixed value (no uncertainty)."));
  one_of.push_back(Described({{"type", "array"}, {"items", {{"type", "number"}}}, {"minItems", 2}, {"maxItems", 2}},
                             "NHP's 80% interval [p10, p90]: a normal with mean (p10+p90)/2 and sd "
                             "(p90-p10)/2.563103, clipped to the value's valid range."));
  one_of.push_back(form("normal", {{"mean", "Mean."}, {"sd", "Standard deviation (>= 0)."}}, "Normal distribution."));
  one_of.push_back(form("lognormal", {{"meanlog", "Mean of the log."}, {"sdlog", "Standard deviation of the log (>= 0)."}},
                        "Lognormal distribution; the central value is exp(meanlog + sdlog^2/2)."));
  one_of.push_back(form("beta", {{"alpha", "Shape alpha (> 0)."}, {"beta", "Shape beta (> 0)."}},
                        "Beta distribution on [0, 1]; the central value is alpha/(alpha+beta)."));
  one_of.push_back(form("triangular", {{"min", "Minimum."}, {"mode", "Mode."}, {"max", "Maximum."}},
                        "Triangular distribution; the central value is (min+mode+max)/3."));
  one_of.push_back(form("interval80", {{"p10", "10th percentile."}, {"p90", "90th percentile."}},
                        "NHP's 80% interval in object form (allows explicit clipping)."));
  one_of.push_back(form("fixed", {{"value", "The value."}}, "A fixed value in object form."));
  return Described({{"oneOf", one_of}},
                   "An uncertain value. Run 0 (the principal run) uses its central value (the mean); Monte Carlo "
                   "runs draw it by its quantile function from correlated uniforms (Gaussian copula).");
}

json FilterDef() {
  json segment = Described({{"oneOf", json::array({{{"type", "integer"}, {"minimum", 1}, {"maximum", kB2hSegmentCount}},
                                                  {{"$ref", "#/$defs/segment_name"}}})}},
                           "A Bridges to Health segment by name or number (Lynn et al. 2007).");
  return Obj({{"types", Described({{"type", "array"}, {"items", {{"$ref", "#/$defs/activity_type"}}}},
                                  "Activity types the lever applies to (empty: all).")},
              {"min_age", Int("Youngest age (years) at the activity date; default 0.")},
              {"max_age", Int("Oldest age; 100 means 100 and over; default 100.")},
              {"segments", Described({{"type", "array"}, {"items", segment}},
                                     "Bridges to Health segments at the baseline year's start (empty: all).")},
              {"imd_quintiles", Described({{"type", "array"}, {"items", {{"type", "integer"}, {"minimum", 1}, {"maximum", 5}}}},
                                          "IMD quintiles, 1 most deprived (empty: all).")},
              {"strategy", Str("An NHP strategy name: rows tagged with it match, with their NHP sample rate, "
                               "instead of the type/age/segment rules.")},
              {"min_los", Int("Only spells with at least this length of stay (days).")},
              {"max_los", Int("Only spells with at most this length of stay (days).")}},
             {}, "Which baseline rows a lever applies to.");
}

json PhasingDef() {
  return Obj({{"start_year", Int("Financial year (start year) before which the lever has no effect.")},
              {"full_year", Int("Year of full effect, reached in a straight line from start_year; <= start_year "
                                "means a step at start_year. Default: start_year.")}},
             {}, "How a lever's effect builds up over the years (0 before start_year, 1 from full_year).");
}

}  // namespace

json ScenarioSchema() {
  json defs;
  defs["activity_type"] = Described({{"enum", ActivityTypeEnum()}},
                                    "An activity type (point of delivery or receiving setting).");
  json segs = json::array();
  for (int s = 1; s <= kB2hSegmentCount; ++s) segs.push_back(std::string(B2hSegmentName(static_cast<B2hSegment>(s))));
  defs["segment_name"] = Described({{"enum", segs}}, "A Bridges to Health segment name.");
  defs["distribution"] = DistributionDef();
  defs["filter"] = FilterDef();
  defs["phasing"] = PhasingDef();
  defs["receiving"] = Obj(
      {{"type", Ref("activity_type", "The setting where avoided activity lands (e.g. community, gp).")},
       {"units_per_avoided", Ref("distribution", "Units of that setting per avoided unit (conversion ratio); default 1.")},
       {"cost_pence", Num("Unit cost in pence; default the baseline mean unit cost of that type, else the default "
                          "unit cost (data/forecast/default_unit_costs.csv).")}},
      {"type"}, "A receiving setting (conservation of demand).");
  defs["mitigator"] = Obj(
      {{"name", Str("Unique name; parameters are named mitigators.<name>.reduction etc.")},
       {"description", Str("Free text.")},
       {"remove", Bool("In a scenario that inherits: true drops the inherited item of this name.")},
       {"filter", Ref("filter", "The rows it applies to.")},
       {"reduction", Ref("distribution", "Share of matching activity avoided at full effect (0..1), by binomial thinning.")},
       {"phasing", Ref("phasing", "Build-up over the years.")},
       {"receiving", Described({{"type", "array"}, {"items", {{"$ref", "#/$defs/receiving"}}}},
                               "Where avoided activity goes; required unless avoided_to is \"nowhere\".")},
       {"avoided_to", Described({{"const", "nowhere"}},
                                "State that avoided activity lands in no modelled setting (reported as such).")}},
      {"name"}, "Activity avoidance (NHP's binomial thinning) with conservation of demand.");
  defs["efficiency"] = Obj(
      {{"name", Str("Unique name; its parameter is efficiencies.<name>.value.")},
       {"description", Str("Free text.")},
       {"remove", Bool("In a scenario that inherits: true drops the inherited item of this name.")},
       {"kind", Described({{"enum", json::array({"length_of_stay", "day_case_conversion", "sdec_conversion",
                                                 "virtual_ward", "tele_outpatient"})}},
                          "length_of_stay: each bed day removed with probability value; day_case_conversion: "
                          "elective spells become day cases; sdec_conversion: zero-LOS non-elective spells become "
                          "SDEC attendances; virtual_ward: bed days become virtual-ward days; tele_outpatient: "
                          "outpatient attendances become tele-attendances.")},
       {"filter", Ref("filter", "The rows it applies to.")},
       {"value", Ref("distribution", "Probability at full effect (0..1).")},
       {"phasing", Ref("phasing", "Build-up over the years.")}},
      {"name"}, "An efficiency: changes how activity is delivered, not whether it happens.");
  defs["prevention"] = Obj(
      {{"name", Str("Unique name; its parameter is prevention.<name>.relative_change.")},
       {"description", Str("Free text.")},
       {"remove", Bool("In a scenario that inherits: true drops the inherited item of this name.")},
       {"from_segment", Described({{"oneOf", json::array({{{"type", "integer"}}, {{"$ref", "#/$defs/segment_name"}}})}},
                                  "Segment people move from.")},
       {"to_segment", Described({{"oneOf", json::array({{{"type", "integer"}}, {{"$ref", "#/$defs/segment_name"}}})}},
                                "Segment people move to.")},
       {"min_age", Int("Youngest age the lever applies to; default 0.")},
       {"max_age", Int("Oldest age; default 100.")},
       {"relative_change", Ref("distribution", "Relative change in that transition probability (-0.1: 10% fewer).")},
       {"lag_years", Int("Years after the baseline before any effect.")},
       {"phasing", Ref("phasing", "Build-up over the years.")}},
      {"name"}, "A prevention lever on one segment transition.");
  defs["housing"] = Obj({{"place", Str("Place name as in the dataset.")},
                         {"from_year", Int("First year of building.")},
                         {"to_year", Int("Last year of building.")},
                         {"dwellings_per_year", Num("Extra dwellings occupied a year.")},
                         {"persons_per_dwelling", Num("Occupants per dwelling; default 2.3.")}},
                        {"place"}, "Housing growth: movers added to a place.");
  defs["correlation"] = Obj({{"a", Str("A parameter name (see ParameterSampler), e.g. mitigators.falls.reduction.")},
                             {"b", Str("Another parameter name.")},
                             {"rho", Num("Correlation of the two on the normal-score scale, -1..1.")}},
                            {"a", "b", "rho"}, "A correlation between two uncertain parameters (Gaussian copula).");
  json props;
  props["$schema"] = Str("This schema's URL or path (ignored).");
  props["name"] = Str("Scenario name.");
  props["description"] = Str("What the scenario assumes, in words.");
  props["inherits"] = Str("Path of a scenario this one inherits from, relative to this file.");
  props["seed"] = Int("Random seed (non-negative).");
  props["runs"] = Int("Monte Carlo runs, besides the principal run 0; default 1000.");
  props["baseline_year"] = Int("Baseline financial year (start year); 0: the dataset's latest complete year.");
  props["horizon_year"] = Int("Last projected financial year; 0: baseline + 10.");
  props["variant_mix"] = Described({{"type", "object"}, {"additionalProperties", {{"type", "number"}, {"minimum", 0}}}},
                                   "Population projection variants (principal, high, low, ...) and the probability "
                                   "a run uses each; probabilities sum to 1. Default {\"principal\": 1}.");
  props["housing"] = Described({{"type", "array"}, {"items", {{"$ref", "#/$defs/housing"}}}}, "Housing growth by place.");
  props["health_status_adjustment"] = Bool("Apply NHP's health-status adjustment (ages 55-90); default true.");
  props["hsa_ratio"] = Ref("distribution", "Share of life-expectancy gain spent in good health (0: none, 1: all).");
  props["segment_transitions"] = Bool("Project the segment mix with the Markov transition model; default true.");
  props["non_demographic_growth"] = TypeMap({{"$ref", "#/$defs/distribution"}},
                                            "Annual non-demographic growth rate by activity type (0.0131 = 1.31% a "
                                            "year, compounded); absent types have none.");
  props["mitigators"] = Described({{"type", "array"}, {"items", {{"$ref", "#/$defs/mitigator"}}}},
                                  "Activity avoidance levers; inherited items merge by name.");
  props["efficiencies"] = Described({{"type", "array"}, {"items", {{"$ref", "#/$defs/efficiency"}}}},
                                    "Efficiency levers; inherited items merge by name.");
  props["prevention"] = Described({{"type", "array"}, {"items", {{"$ref", "#/$defs/prevention"}}}},
                                  "Prevention levers; inherited items merge by name.");
  props["correlations"] = Described({{"type", "array"}, {"items", {{"$ref", "#/$defs/correlation"}}}},
                                    "Correlations between parameters; the matrix must be positive definite.");
  props["capacity"] = Obj(
      {{"bed_occupancy", Num("Target bed occupancy (0..1); default 0.92.")},
       {"theatre_cases_per_session", Num("Elective and day-case spells per 4-hour theatre session; default 3.")},
       {"clinic_attendances_per_session", Num("Face-to-face outpatient attendances per clinic session; default 12.")},
       {"ae_minutes_per_attendance", Num("Minutes an A&E attendance occupies a space; default 180.")},
       {"ae_hours_per_year", Num("Hours a year an A&E space is open; default 168 x 52.")},
       {"ae_utilisation", Num("Share of open hours a space is in use (0..1); default 0.5.")},
       {"units_per_wte", TypeMap({{"type", "number"}, {"minimum", 0}},
                                 "Units of activity a year per whole-time equivalent, by type (absent: no staff line).")}},
      {}, "Capacity conversion assumptions (capacity.h).");
  props["cost"] = Obj(
      {{"inflation", Ref("distribution", "Annual pay and price inflation (0.02 = 2%).")},
       {"efficiency", Ref("distribution", "Annual cost improvement, reducing unit costs (0.01 = 1%).")},
       {"unit_cost_pence", TypeMap({{"type", "number"}, {"minimum", 0}}, "Unit cost overrides in pence by type.")},
       {"marginal_bed_day_pence", Num("Saving per bed day avoided by efficiencies; 0: the default.")},
       {"allocation_pence_per_head", Num("ICB allocation per head in the baseline year, pence.")},
       {"allocation_growth", Ref("distribution", "Annual growth of the allocation per head.")}},
      {}, "Cost assumptions.");
  json schema = {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
                 {"title", "icb-engine forecast scenario"},
                 {"description", "A forecast scenario: population, demand, levers, uncertainty, capacity and cost "
                                 "assumptions (docs/reference/forecast-scenarios.md). Generated by ScenarioSchema() "
                                 "in src/forecast/scenario_schema.cc."},
                 {"type", "object"},
                 {"additionalProperties", false},
                 {"properties", props},
                 {"$defs", defs}};
  return schema;
}

}  // namespace icb::forecast
