// PublishIngest: the last step of every ingest, whatever the input format. It writes the snapshot
// and the reports (manifest.json, dq_report.json, file_report.csv, rejects.csv) into a fresh
// generation of the dataset directory and commits it atomically (data/dataset_dir.h), so a crash
// or kill at any point leaves the previous dataset live. Nothing is published when the report does
// not balance or any write fails. Nothing written holds a clock time, an NHS number or a row value.
// Stateless and thread safe; a lock file (DATASET/.lock) refuses a second concurrent publish into
// the same dataset directory.
#pragma once

#include <string>

#include "core/crypto.h"
#include "core/status.h"
#include "data/dataset.h"
#include "ingest/data_quality.h"
#include "ingest/ingest_report.h"

namespace icb {

struct PublishedIngest {
  std::string generation;  // path of the generation now live, e.g. DATASET/gen-000003
  Digest digest{};         // dataset digest (Dataset::ComputeDigest of what was saved)
};

// Engine version recorded in manifests ("0.1.0").
const char* EngineVersion();

// Fills the linkage part of `dq` from `ds`, writes everything and commits.
Result<PublishedIngest> PublishIngest(const std::string& out_dir, const Dataset& ds, const IngestReport& report,
                                      DataQuality dq);

// manifest.json content (exposed for tests).
std::string ManifestJson(const Dataset& ds, const IngestReport& report, const Digest& digest);

}  // namespace icb
