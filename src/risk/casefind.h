// Case finding for neighbourhood teams: within one practice, one PCN or one neighbourhood (a list of
// LSOAs), the people with the highest predicted risk, each with their pseudonym, segment, the reasons
// behind the score (SHAP, in words) and their recent use of services. Filters: segment, a condition,
// excluding people already under a service (a list of pseudonyms or recent contact with a setting).
// An impactability option ranks people with an ACSC emergency admission or rising risk above people
// whose risk is fixed. The list is always scoped, never ICB-wide (kMaxScopePersons), and the CLI logs
// every list it makes (governance/audit_log.h). Re-identification is left to the practice's own
// systems: entries carry pseudonyms only. Definitions: docs/reference/casefind.md.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "context/person_scores.h"
#include "context/segmentation.h"
#include "core/status.h"
#include "data/dataset.h"
#include "data/types.h"
#include "model/model_card.h"

namespace icb::risk {

enum class ScopeKind : uint8_t { kPractice, kPcn, kNeighbourhood };
std::string_view ScopeKindName(ScopeKind k);  // "practice", "pcn", "neighbourhood"

struct CasefindScope {
  ScopeKind kind = ScopeKind::kPractice;
  std::string code;                  // practice or PCN code, or the neighbourhood's name
  std::vector<std::string> lsoas;    // neighbourhood: LSOA codes of residence
};
// A scope larger than this many people is refused: case-finding lists are for one neighbourhood team.
inline constexpr size_t kMaxScopePersons = 100000;

// People alive and registered on `as_at` in the scope (practice or PCN of their registration on that
// day; neighbourhood: registered anywhere and resident in one of its LSOAs), ascending. NotFound for
// an unknown practice, PCN or when no LSOA of a neighbourhood is known; Refused when the scope holds
// more than kMaxScopePersons.
Result<std::vector<uint32_t>> ScopePersons(const Dataset& ds, const CasefindScope& scope, int32_t as_at);

struct CasefindQuery {
  CasefindScope scope;
  int32_t as_at = kNoDate;
  size_t top_k = 0;                      // list length; 0: use top_percent
  double top_percent = 0;                // of the eligible people in scope; 0 with top_k 0: 50 people
  std::optional<B2hSegment> segment;     // only this segment
  std::string condition;                 // only people on this QOF register (e.g. "HF")
  std::vector<Digest> exclude;           // pseudonyms already under a service
  std::vector<Setting> exclude_recent;   // exclude people with contact in these settings in the last 90 days
  bool impactability = false;
  size_t max_reasons = 3;
};

struct CasefindEntry {
  size_t rank = 0;                       // 1-based
  uint32_t person = 0;                   // dataset index (never written out)
  std::string pseudonym;                 // hex
  std::string practice;                  // registered practice code
  float risk = 0;                        // probability
  float risk_year_before = -1;           // with impactability: the risk a year earlier (-1 unknown)
  std::string segment;                   // label
  std::string reasons;
  std::string recent_use;
  bool impactable = false;
  std::string impactable_because;
};

struct CasefindList {
  std::string scope_description;         // "practice P82001", "PCN U12345", "neighbourhood Farnworth"
  size_t scope_persons = 0;              // alive and registered in scope
  size_t eligible = 0;                   // after the filters
  size_t excluded = 0;                   // removed by the filters
  std::vector<CasefindEntry> entries;
};

Result<CasefindList> FindCases(const Dataset& ds, const ScoringConfig& config, const model::ModelCard& card,
                               const CasefindQuery& query);

// The list as CSV (rank, pseudonym, practice, risk_pct, segment, reasons, recent_use, impactable,
// impactable_because), written atomically.
Status WriteCasefindCsv(const CasefindList& list, const std::string& path);

}  // namespace icb::risk
