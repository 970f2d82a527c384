// ContractReader: reads a directory of input-contract CSV files (data/contract.h) into a Dataset.
// Each file is mapped, pre-scanned sequentially (record boundaries, physical lines, SHA-256),
// then parsed and validated in parallel chunks whose results are combined in chunk order, so the
// Dataset, the report and the rejects do not depend on the thread count. Every row is checked
// against the contract, the reference tables and persons.csv; failing rows go to the report with
// file, line, column and reason (never the value). NHS numbers are replaced by HMAC-SHA-256
// pseudonyms and exist only in memory while reading. The policy is in docs/reference/ingest.md.
// Stateless; uses the threads set by SetThreadCount.
#pragma once

#include <cstdint>
#include <string>

#include "core/crypto.h"
#include "core/status.h"
#include "data/dataset.h"
#include "ingest/data_quality.h"
#include "ingest/ingest_report.h"

namespace icb {

struct ContractReadOptions {
  bool show_progress = false;            // progress bars on stderr (only drawn on a terminal)
  uint64_t chunk_bytes = 1 << 20;        // parallel work unit; changes speed, never results
  size_t max_listed_rejects = 1'000'000; // reject entries kept for rejects.csv; the rest are counted
};

// Reads `dir` into a Dataset, filling `report` (counts per file, rejects) and the per-file part of
// `dq`. Errors: NotFound when a required file is missing; InvalidInput when a required file is empty
// or its header is unusable, or when no person can be loaded; IoError when a file cannot be read;
// Internal when a file's counts do not balance. Rejected rows alone are not an error.
Result<Dataset> ReadContract(const std::string& dir, const HmacKey& key, IngestReport& report, DataQuality& dq,
                             const ContractReadOptions& options = {});

}  // namespace icb
