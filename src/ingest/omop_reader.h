// OMOP CDM v5.4 reader: maps person, observation_period, visit_occurrence, condition_occurrence,
// drug_exposure, procedure_occurrence, death and location CSVs onto the icb-engine data model
// (see docs/reference/omop-mapping.md). Person ids are pseudonymised with the same HMAC key as
// NHS numbers. Rows that cannot be mapped are rejected with file, line, column and reason, and
// every file's counts balance. Stateless; uses all threads given by SetThreadCount.
#pragma once

#include <string>

#include "core/crypto.h"
#include "core/status.h"
#include "data/dataset.h"
#include "ingest/ingest_report.h"

namespace icb {

// True when `dir` looks like an OMOP CDM export (it has person.csv and no persons.csv).
bool LooksLikeOmop(const std::string& dir);
// Reads an OMOP CDM v5.4 CSV directory into a Dataset, filling `report`.
Result<Dataset> ReadOmop(const std::string& dir, const HmacKey& key, IngestReport& report);

}  // namespace icb
