// DatasetDir: how a published dataset lies on disk, and its atomic publish. A dataset is a
// directory:
//   DATASET/CURRENT           one line: the name of the live generation ("gen-000002")
//   DATASET/gen-000002/       dataset.icbsnap (snapshot), manifest.json, dq_report.json,
//                             file_report.csv, rejects.csv (whatever the writer put there)
// A writer fills a new generation in "gen-NNNNNN.tmp", then Commit() fsyncs it, renames it into
// place and swaps CURRENT atomically (write temp, fsync, rename, fsync directory). A crash or kill
// at any point leaves the previous generation live and readable. One writer at a time (the caller
// must not run two ingests into one DATASET); any number of readers.
#pragma once

#include <string>

#include "core/status.h"
#include "data/dataset.h"

namespace icb {

class DatasetDir {
 public:
  static constexpr const char* kSnapshotFile = "dataset.icbsnap";
  // Path of the live generation directory, or NotFound if nothing has been published.
  static Result<std::string> Current(const std::string& dir);
  // Creates a fresh temporary generation directory to write into; returns its path.
  static Result<std::string> Begin(const std::string& dir);
  // Publishes a generation made by Begin(): fsync its files, rename, swap CURRENT, then remove
  // generations older than the previous one and stale temporaries.
  static Status Commit(const std::string& dir, const std::string& tmp_generation);
  // Loads the live generation's snapshot.
  static Result<Dataset> Load(const std::string& dir);
};

}  // namespace icb
