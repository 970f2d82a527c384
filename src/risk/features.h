// Risk features: one pass over each person's history gives a feature vector as at a date. Every
// feature is declared once in the catalogue (src/risk/features.cc): name, group, description, the
// logistic baseline's transform and the words used when it explains a score. BuildFeatures reads
// only activity dated before the as-at day (nothing from the future; register entries and scores
// are those on the as-at day, as ComputePersonScores reads them), runs on all cores and gives the
// same matrix at any thread count. The catalogue is built once and read-only: thread safe. The catalogue is documented in docs/reference/risk-features.md
// (generated from it: a test fails if the page is stale).
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "context/person_scores.h"
#include "context/segmentation.h"
#include "core/status.h"
#include "data/dataset.h"
#include "model/feature_matrix.h"
#include "model/logistic.h"

namespace icb::risk {

enum class FeatureGroup : uint8_t {
  kDemographic,   // age, sex, IMD decile
  kEthnicity,     // ethnic group indicators (only with FeatureOptions::include_ethnicity)
  kCondition,     // long-term condition registers
  kScore,         // CMS, eFI, HFRS, Charlson, Elixhauser, LTC count
  kSegment,       // Bridges to Health segment indicators
  kUse,           // prior use of a setting over 3, 6, 12, 24 months
  kRecency,       // days since the last event of a kind
  kTrend,         // change between the last 12 months and the 12 before
  kStay,          // length of stay and bed days
  kMedication,    // polypharmacy
  kCost,          // cost of care
  kSocialCare,    // services open on the as-at date
};
std::string_view FeatureGroupName(FeatureGroup g);  // "demographic", ...

// How a feature's value is put into words for a clinician (explanations, case finding).
struct FeatureWording {
  // Template with {n} (the value, integer-formatted) and {s} ("s" unless n == 1), e.g.
  // "{n} emergency admission{s} in the last 12 months"; empty: never used as a reason.
  std::string text;
  // For indicator features (0/1): the phrase when 1 (e.g. "heart failure"); text is ignored.
  std::string when_set;
  // For banded/categorical features: labels by integer value (e.g. eFI band 0..3 -> "fit",
  // "mild frailty", "moderate frailty", "severe frailty"); empty strings are not used.
  std::vector<std::string> labels;
  double min_value = 1;  // values below this are not worth mentioning
  // Values above this are not worth mentioning (recency: "last emergency admission 12 days ago"
  // only when it was at most 90 days ago; the cap of 1,096 days means "none in 3 years").
  double max_value = std::numeric_limits<double>::infinity();
};

struct FeatureDef {
  std::string name;          // snake_case column name, e.g. "nel_admissions_12m"
  FeatureGroup group;
  std::string description;   // one line, e.g. "Emergency admissions (method 2x) in the 12 months before the as-at date"
  model::Transform transform = model::Transform::kIdentity;  // for the logistic baseline
  FeatureWording wording;
};

struct FeatureOptions {
  // Ethnic group is not a predictor by default: it is used to check fairness (evaluation by ethnic
  // group), and a model that uses it needs an explicit decision (docs/reference/risk-features.md).
  bool include_ethnicity = false;
};

// The declared features, in column order.
const std::vector<FeatureDef>& FeatureCatalogue(const FeatureOptions& options);

struct CohortFeatures {
  int32_t as_at = kNoDate;
  std::vector<uint32_t> person;   // dataset person index of each row, ascending
  model::FeatureMatrix matrix;    // rows = person.size(), columns = FeatureCatalogue(options)
};

// Features as at `scores.as_at` for every person in the population on that day (scores.in_population)
// or, when `subset` is not empty, for the persons of `subset` (ascending dataset indices) who are in
// the population. `scores` must come from ComputePersonScores on `ds`. `config` provides the code
// lists (ACSC list etc). InvalidInput when scores and dataset disagree in size.
Result<CohortFeatures> BuildFeatures(const Dataset& ds, const PersonScores& scores, const ScoringConfig& config,
                                     const FeatureOptions& options, std::span<const uint32_t> subset = {});

// The words for a feature's value (empty when the value is outside [min_value, max_value], an
// indicator is 0, a label is empty, or the feature has no wording), e.g. FormatFeatureWording(w, 3)
// -> "3 emergency admissions in the last 12 months".
std::string FormatFeatureWording(const FeatureWording& wording, double value);

// The catalogue as a Markdown page (docs/reference/risk-features.md is this text).
std::string FeatureCatalogueMarkdown();

}  // namespace icb::risk
