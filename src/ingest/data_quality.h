// DataQuality: the linkage and data-quality findings of an ingest, written as dq_report.json and
// file_report.csv. The reader fills the per-file part (column completeness and validity, duplicate
// rows, date ranges); ComputeLinkageQuality() fills the per-setting linkage part from the finished
// Dataset (activity of people with no registration, activity outside registration periods), so
// both input formats get it. Counts only, never patient-level values. Plain data; not synchronised.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/date.h"
#include "data/dataset.h"
#include "ingest/ingest_report.h"

namespace icb {

struct ColumnQuality {
  std::string column;
  bool present = true;        // named in the file's header (optional columns may be absent)
  uint64_t non_empty = 0;     // checked rows with a non-empty value
  uint64_t valid = 0;         // checked rows whose value passes the contract and reference checks
  int32_t min_date = kNoDate; // date columns: range over loaded rows
  int32_t max_date = kNoDate;
};

struct FileQuality {
  std::string file;
  uint64_t rows_checked = 0;     // rows split into the right number of fields (the denominator)
  uint64_t duplicate_rows = 0;   // loaded rows byte-identical to an earlier loaded row (kept)
  uint64_t duplicate_keys = 0;   // rows rejected because their key repeats (persons, reference codes)
  int32_t min_date = kNoDate;    // over all date columns of loaded rows
  int32_t max_date = kNoDate;
  std::vector<ColumnQuality> columns;
};

struct SettingQuality {
  Setting setting = Setting::kGpAppointment;
  uint64_t events = 0;
  uint64_t events_no_registration = 0;      // the person has no GP registration at all
  uint64_t events_outside_registration = 0; // the person is registered, but not on the event date
  int32_t first_date = kNoDate, last_date = kNoDate;
};

struct DataQuality {
  std::vector<FileQuality> files;
  std::vector<std::string> ignored_files;   // files in the input directory that are not read
  uint64_t persons = 0;
  uint64_t persons_without_registration = 0;
  uint64_t persons_with_activity_without_registration = 0;
  std::vector<SettingQuality> settings;     // one per Setting, in Setting order
};

// Fills the linkage fields of `dq` from a finished Dataset. Result independent of thread count.
void ComputeLinkageQuality(const Dataset& ds, DataQuality& dq);
// dq_report.json: files (counts, bytes, sha256, completeness, validity, duplicates, date ranges),
// linkage, warnings. Deterministic (no clock).
std::string DataQualityJson(const IngestReport& report, const DataQuality& dq);
// file_report.csv: file,present,bytes,sha256,rows_read,rows_loaded,rows_rejected,blank_lines,
// duplicate_rows,min_date,max_date.
std::string FileReportCsv(const IngestReport& report, const DataQuality& dq);
// rejects.csv: file,line,column,reason,byte_offset (RFC 4180 quoted where needed).
std::string RejectsCsv(const IngestReport& report);

}  // namespace icb
