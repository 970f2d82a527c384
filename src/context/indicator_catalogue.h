// IndicatorCatalogue: every indicator `icb indicators` can compute, declared once as data
// (data/indicators/catalogue.csv) and parsed here into IndicatorDefs. A numerator or denominator is
// a kind followed by filters, in the vocabulary of docs/reference/indicators.md:
//   numerator:   events [pod=NEL,EL] [setting=ae] [age>=65|age<75|age=15-44] [sex=F] [diag=<codelist>]
//                deaths [age..] [sex..]  |  persons [register=DM] [segment=healthy] [ltc>=2] [age..]
//                cost
//   denominator: person_years [age..] [sex..]  |  population [age..] [sex..] [qof=DM]
// Code lists named by diag= are read from <dir>/codelists/<name>.csv (src/context/codelist.h).
// Parse errors name the file, line and column. Plain value type; read-only after loading.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "context/codelist.h"
#include "core/status.h"

namespace icb {

enum class IndicatorMethod : uint8_t { kProportion, kCrudeRate, kDsr, kIsr, kMean, kLifeExpectancy, kCount };
std::string_view IndicatorMethodName(IndicatorMethod m);  // "proportion", "crude_rate", ...

enum class NumeratorKind : uint8_t { kEvents, kDeaths, kPersons, kCost };
enum class DenominatorKind : uint8_t { kPersonYears, kPopulation };

// The conditions a numerator or denominator term puts on a person, an event or a death. Ages are
// whole years on the day that matters (event date, death date, as-at date, or each day of
// person-time); bounds are inclusive.
struct IndicatorFilter {
  int min_age = 0;
  int max_age = 1000;
  uint8_t sex = 0;              // 0: any; else Sex code (1 male, 2 female)
  uint32_t pod_mask = 0;        // bit per Pod; 0: any
  uint32_t setting_mask = 0;    // bit per Setting; 0: any
  int codelist = -1;            // index into IndicatorCatalogue::codelists; -1: any
  int register_condition = -1;  // QOF condition index (persons register=)
  int qof_age_of = -1;          // QOF condition whose denominator age group applies (population qof=)
  int segment = -1;             // B2hSegment value (persons segment=)
  int min_ltc = -1;             // persons ltc>=N
  bool AgeOk(int age) const { return age >= min_age && age <= max_age; }
  bool SexOk(uint8_t s) const { return sex == 0 || s == sex; }
};

struct IndicatorDef {
  std::string id, title;
  std::string numerator_text, denominator_text;  // as written in the catalogue
  NumeratorKind numerator = NumeratorKind::kEvents;
  IndicatorFilter numerator_filter;
  DenominatorKind denominator = DenominatorKind::kPersonYears;
  IndicatorFilter denominator_filter;
  IndicatorMethod method = IndicatorMethod::kProportion;
  double multiplier = 1;
  uint32_t breakdown_mask = 0;  // bit per Breakdown (context/breakdown.h) allowed
  std::string source, definition;
  bool needs_scores = false;    // uses segment= or ltc>=: needs PersonScores
};

struct IndicatorCatalogue {
  std::vector<IndicatorDef> indicators;
  std::vector<CodeList> codelists;
  std::string file;  // where it was read from
  // Index of indicator `id`, or -1.
  int Find(std::string_view id) const;
};

// data/indicators in the source tree (the ICB_INDICATORS_DIR compile definition).
std::string DefaultIndicatorDir();
// Reads <dir>/catalogue.csv and the code lists it names. InvalidInput (file, line, column, what was
// expected) for a malformed entry; NotFound when the file is missing.
Result<IndicatorCatalogue> LoadIndicatorCatalogue(const std::string& dir);
// Parses catalogue text; code lists are read from `codelist_dir`. `source` names the text in errors.
Result<IndicatorCatalogue> ParseIndicatorCatalogue(std::string_view text, const std::string& source,
                                                   const std::string& codelist_dir);

}  // namespace icb
