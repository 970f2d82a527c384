// Egress: disclosure control at the server's boundary. Every aggregate report the server sends
// passes Release, which
//   1. perturbs every count cell by consistent cell-key perturbation (the ABS / ONS method): each
//      person has a record key (HMAC of their pseudonym under the server's secret, RecordKeys), a
//      cell's key is the sum of its people's keys modulo 256 (carried by the report's tables, see
//      report::Table cell keys), and a fixed perturbation table maps (count, cell key) to a small
//      offset; the same people always get the same offset, however the cell was asked for;
//   2. applies the context issue's policy (governance::ApplyDisclosure: counts 1-7 redacted, others
//      rounded to 5, totals recomputed from the published cells);
//   3. restates every value based on a count from the published count, so no rate, share or
//      interval reveals the count it was computed from;
//   4. checks the result with governance::VerifyDisclosure; a report that fails is never sent.
// Counts the report carries no cell key for get a key from their description
// (governance::DescribedCellKey: weaker, consistent per cell but not per person). Cell keys and
// row statistics are removed before the report leaves. With the "none" policy steps 1 and 3 are
// skipped (an unprotected report for a secure environment). Release wants the raw report: one
// that has already passed ApplyDisclosure is refused (Internal), since its counts are rounded.
// The defence and its tests against subtraction attacks are in docs/reference/disclosure.md.
// Thread safe (const after construction).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/crypto.h"
#include "core/status.h"
#include "data/dataset.h"
#include "governance/cell_key.h"
#include "governance/disclosure.h"
#include "report/report.h"

namespace icb::server {

// One record key per person of `ds` (index = person index), 0..255: the first byte of
// HMAC-SHA-256 of the pseudonym under `secret`. Parallel; the same for any thread count.
std::vector<uint32_t> RecordKeys(const Dataset& ds, const HmacKey& secret);

class Egress {
 public:
  // Uses the perturbation table governance::DefaultCellKeyTablePath(); if it cannot be read,
  // every Release answers Internal (nothing unperturbed is ever sent).
  explicit Egress(governance::DisclosurePolicy policy);
  Egress(governance::DisclosurePolicy policy, governance::CellKeyTable table);
  // Steps 1-4 above. Internal when the checked result still breaks the policy (a bug: the caller
  // answers 500 with a generic message and logs the table and column, never the values).
  Result<report::Report> Release(report::Report report) const;
  const governance::DisclosurePolicy& policy() const { return policy_; }

 private:
  governance::DisclosurePolicy policy_;
  governance::CellKeyTable table_;
  Status table_status_;
};

}  // namespace icb::server
