// Rule sets declared as data: Bridges to Health segment elements (data/segmentation/b2h.json), the
// Cambridge Multimorbidity Score conditions (cms.json), electronic Frailty Index deficits (efi.json),
// Core20PLUS5 flags (core20plus5.json) and the weighted ICD-10 category scores (scores.json: HFRS,
// Charlson, Elixhauser, LTC count). An element is true when any of its clauses is true; a clause
// is true when all of its criteria are; a criterion is "records from these sources matching this
// code list (or category of it), in this look-back window, on at least N distinct days (or N
// distinct codes), optionally for an age range or sex", or a person-only condition (age, sex), or
// a threshold on a score. Parsing validates names and values and names the file and field in
// errors. Plain value types; read-only after loading.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "context/person_scores.h"
#include "core/status.h"

namespace icb {

// Where a criterion looks. Names in the rule files are in brackets.
enum class RuleSource : uint8_t {
  kGpRecord = 0,     // [gp_record] SNOMED CT entries of the GP record (coded table)
  kApcDiagnosis,     // [apc_diagnosis] any APC diagnosis, primary or secondary (ICD-10, coded table)
  kApcPrimary,       // [apc_primary] APC primary diagnosis (events.code); pod filter applies
  kApcProcedure,     // [apc_procedure] APC procedure (OPCS-4)
  kOpProcedure,      // [op_procedure] outpatient procedure (OPCS-4)
  kHrg,              // [hrg] HRG of any APC, outpatient or A&E event; pod filter applies
  kAeDiagnosis,      // [ae_diagnosis] A&E diagnosis (SNOMED CT)
  kPrescribing,      // [prescribing] BNF code of a primary care prescription
  kRegister,         // [register] QOF long-term condition register entry
  kActivity,         // [activity] any event; needs a pod filter, takes no code list
};
inline constexpr int kRuleSourceCount = 10;
std::string_view RuleSourceName(RuleSource s);

struct RuleCriterion {
  uint32_t sources = 0;          // bits of RuleSource; 0 = person-only or score criterion
  std::string codelist;          // code list name; empty for activity / person / score criteria
  std::string category;          // a value of the list's `category` column; empty = every row
  uint16_t pods = 0;             // bits of Pod; 0 = any
  int32_t window_days = 0;       // 0: all history to as_at; else records in (as_at - window, as_at]
  int min_count = 1;             // distinct days with a matching record (or distinct codes)
  bool distinct_codes = false;   // count distinct codes rather than distinct days
  bool negate = false;           // the criterion holds when the record test fails
  int min_age = 0, max_age = 255;  // age on as_at, inclusive
  uint8_t sex = 0;               // 0 any; 1 male; 2 female
  std::string score;             // score criterion: efi_deficits, hfrs, cms, ltc_count, charlson
  double score_min = 0;          // score criterion holds when score >= score_min
  std::vector<uint16_t> features;  // resolved feature ids (ScoreTables::features)
};

struct RuleElement {
  std::string id, label, statement;  // statement: the rule in plain English
  double weight = 1;                 // CMS weight; 1 for eFI deficits
  B2hSegment segment = B2hSegment::kNotInPopulation;  // b2h only
  int subsegment = -1;               // b2h only: bit in PersonScores::subsegments
  uint16_t flag = 0;                 // core20plus5 only: Core20Flag bit
  std::string proxy;                 // eFI: why a proxy is used instead of the published codes
  std::vector<std::vector<RuleCriterion>> any_of;  // OR of AND-clauses
};

struct Subsegment {
  std::string name, label;
  B2hSegment segment = B2hSegment::kNotInPopulation;
};

struct SegmentStatement {
  B2hSegment segment = B2hSegment::kNotInPopulation;
  std::string statement;
};

struct RuleSet {
  std::string name, version, source, licence, file, statement;
  std::vector<B2hSegment> precedence;       // b2h: highest need first
  std::vector<SegmentStatement> segments;   // b2h: plain-English meaning of each segment
  std::vector<Subsegment> subsegments;      // b2h: bit order
  std::vector<RuleElement> elements;
};
using SegmentRuleSet = RuleSet;

// A score summed over ICD-10 categories of one code list (HFRS, Charlson, Elixhauser).
struct WeightedCategories {
  std::string codelist;
  uint32_t sources = 0;
  int32_t window_days = 0;
  std::vector<std::string> categories;        // in list order of first appearance
  std::vector<uint16_t> features;             // feature id per category
  std::vector<std::string> weight_columns;    // e.g. "weight_1987", "weight_quan2011"
  std::vector<std::vector<double>> weights;   // [weight column][category]
  std::vector<std::pair<int, int>> hierarchy;  // (milder, worse): drop milder when worse present
};

// A feature is one (code list, category) pair, or one pod for activity criteria.
struct Feature {
  int codelist = -1;      // index into ScoringConfig::codelists; -1 for a pod feature
  std::string category;   // empty: every row of the list
  int pod = -1;
};

struct ScoreTables {
  RuleSet cms, efi, core20plus5;
  WeightedCategories hfrs, charlson, elixhauser;
  std::string ltc_codelist;   // QOF registers counted by the LTC count
  uint16_t ltc_feature = 0;
  std::vector<Feature> features;
};

// Parses a rule file (JSON); `kind` is "b2h", "cms", "efi" or "core20plus5".
Result<RuleSet> ParseRuleSet(std::string_view text, const std::string& file, std::string_view kind);

}  // namespace icb
