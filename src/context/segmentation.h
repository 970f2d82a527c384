// Segmentation and scores as at a date: Bridges to Health segments and subsegments, Cambridge
// Multimorbidity Score, electronic Frailty Index, Hospital Frailty Risk Score, Charlson (1987 and
// Quan 2011 weights), Elixhauser (van Walraven), long-term condition count and Core20PLUS5 flags,
// for every person of a Dataset. Every code list and rule is data (data/codelists/*.csv,
// data/segmentation/b2h.json), loaded once into a ScoringConfig; ComputePersonScores reads only
// records dated on or before the as-at date, in one parallel pass over persons whose result does
// not depend on the thread count. Definitions: docs/reference/segmentation.md and scores.md.
// A ScoringConfig is read-only after loading and may be shared across threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "context/codelist.h"
#include "context/person_scores.h"
#include "context/segment_rules.h"
#include "core/status.h"
#include "data/dataset.h"

namespace icb {

// The loaded code lists and rule set, with the score definitions resolved against them.
struct ScoringConfig {
  std::string dir;                    // the data directory read (holds codelists/, segmentation/)
  std::vector<CodeList> codelists;    // sorted by name
  SegmentRuleSet b2h;                 // data/segmentation/b2h.json
  ScoreTables scores;                 // resolved score code lists (segment_rules.h)

  // The code list called `name`, or nullptr.
  const CodeList* Find(std::string_view name) const;
  // Subsegment names in bit order (bit i of PersonScores::subsegments), e.g. "atrial_fibrillation".
  std::vector<std::string> SubsegmentNames() const;
  // Human label of subsegment bit i, e.g. "Atrial fibrillation".
  const std::string& SubsegmentLabel(size_t bit) const { return b2h.subsegments[bit].label; }
  // Segment of subsegment bit i.
  B2hSegment SubsegmentSegment(size_t bit) const { return b2h.subsegments[bit].segment; }
};

// The data directory of the source tree (holds codelists/ and segmentation/).
std::string DefaultScoringDir();
// Loads `dir`/codelists/*.csv and `dir`/segmentation/b2h.json and checks that every list the
// rules and scores name exists. Errors name the file (and line, for code lists).
Result<ScoringConfig> LoadScoringConfig(const std::string& dir);
// LoadScoringConfig(DefaultScoringDir()).
Result<ScoringConfig> LoadDefaultScoringConfig();

// Segment and scores of every person as at day number `as_at`. Persons not alive and registered on
// as_at get segment kNotInPopulation and zero scores. InvalidInput when as_at is kNoDate.
Result<PersonScores> ComputePersonScores(const Dataset& ds, int32_t as_at, const ScoringConfig& config);

// eFI band of a deficit count (Clegg et al. 2016 cut points on deficits/36: fit <= 0.12 < mild
// <= 0.24 < moderate <= 0.36 < severe).
EfiBand EfiBandOf(int deficits);
std::string_view EfiBandName(EfiBand b);  // "fit", "mild", "moderate", "severe"

}  // namespace icb
