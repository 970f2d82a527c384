// Disclosure control: the one place where the statistical disclosure policy is declared and
// applied. Every aggregate report leaves the engine through ApplyDisclosure (report::WriteReport
// refuses a report with count columns that has not passed it), so the rule is enforced once, not
// remembered by each command. The policy, in plain English:
//   * a count of people or events (a Column with is_count) from 1 to `redact_max` is redacted;
//     every other count is rounded to the nearest `round_to` (0 stays 0);
//   * a value computed from counts (a Column with based_on: rates, ratios, shares, intervals,
//     costs) is redacted whenever any count it is based on is redacted in the same row;
//   * a total row (Table::MarkTotalRow) is recomputed as the sum of the rounded cells above it,
//     redacted cells counting 0, so a total never reveals a redacted cell by subtraction.
// Presets: "standard" (redact 1-7, round to 5, after OpenSAFELY's measures default) and
// "strict" (the 10-5 rule: redact 1-9, round to 5); "none" marks a report as unprotected
// (for use inside a secure environment only; the mark travels with every output).
// Documented in docs/reference/disclosure.md. Stateless functions; thread safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "report/report.h"

namespace icb::governance {

struct DisclosurePolicy {
  std::string name;        // "standard", "strict" or "none"
  int64_t redact_max = 7;  // counts 1..redact_max are redacted; 0 disables redaction
  int64_t round_to = 5;    // other counts are rounded to the nearest multiple; 1 disables rounding
  // "standard: counts 1-7 redacted, others rounded to the nearest 5; ..." (the text recorded in
  // every report).
  std::string Describe() const;
};

DisclosurePolicy StandardPolicy();
DisclosurePolicy StrictPolicy();
DisclosurePolicy NoDisclosurePolicy();
// "standard", "strict" or "none"; InvalidInput otherwise.
Result<DisclosurePolicy> PolicyByName(std::string_view name);

// The count reported for a true count `count` (nullopt: redacted). Negative counts are our bug.
std::optional<int64_t> DiscloseCount(int64_t count, const DisclosurePolicy& policy);

// Applies `policy` to every table of `report` in place and records it in report.disclosure and
// the metadata. A report may pass only once (Internal on a second pass with another policy).
Status ApplyDisclosure(report::Report& report, const DisclosurePolicy& policy);

// Checks that `report` obeys `policy`: every count cell is redacted, 0 or a rounded value outside
// 1..redact_max; every value based on a redacted count is redacted; every total row equals the
// sum of the cells above it. Names the first table, row and column that breaks it. For tests and
// for the server's egress check.
Status VerifyDisclosure(const report::Report& report, const DisclosurePolicy& policy);

}  // namespace icb::governance
