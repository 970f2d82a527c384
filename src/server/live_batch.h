// Live batches: activity appended to a published dataset while the server runs (docs/reference/live.md).
// ParseLiveCsv reads one input-contract CSV (ae_attendances, apc_spells or prescriptions layout),
// checks every row against the contract (data/contract.h CheckValue, the APC point-of-delivery
// rule) and pseudonymises NHS numbers with the ingest key exactly as ingest does (NhsPseudonym);
// every bad row becomes a Reject with file, line, column and reason (never the value). The rows
// that pass become LiveRows (pseudonym, day, organisation code and the few fields the live feed
// counts) and are written to STATE/live/ as a batch: a small CSV of pseudonymised rows with an
// "end,N" trailer, written atomically (temporary file, fsync, rename), so a reader never sees half
// a batch; the rejects go beside it as <id>.rejects.csv. Used by `icb append` and by the server's
// watched folder (LiveFeed). Plain functions; thread safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/crypto.h"
#include "core/status.h"
#include "ingest/ingest_report.h"

namespace icb::server {

enum class LiveKind : uint8_t { kAe = 0, kApc = 1, kPrescription = 2 };
std::string_view LiveKindName(LiveKind k);  // "ae", "apc", "prescription"

// One pseudonymised activity row.
struct LiveRow {
  LiveKind kind = LiveKind::kAe;
  int32_t day = 0;              // arrival / admission / dispensed date (day number)
  Digest pseudonym{};           // HMAC-SHA-256 of the NHS number under the ingest key
  std::string org;              // provider code (A&E, APC) or prescribing practice code
  bool emergency = false;       // APC: admission method 2x
  uint32_t diagnoses = 0;       // APC: primary + secondary ICD-10 codes
  uint32_t items = 0;           // prescriptions: items; otherwise 1
  bool operator==(const LiveRow&) const = default;
};

struct LiveParse {
  LiveKind kind = LiveKind::kAe;
  uint64_t rows_read = 0;       // data records (blank lines not counted)
  std::vector<LiveRow> rows;    // rows that passed
  std::vector<Reject> rejects;  // one or more per failed row; rows_read = rows.size() + rejected rows
  uint64_t rows_rejected = 0;
};

// Parses `content` (a CSV named `file_name`, used in rejects). The layout is taken from the file
// name's stem (ae_attendances*, apc_spells*, prescriptions*) or else from the header. InvalidInput
// when the header fits none of the three layouts; row problems are rejects, not errors. Rows dated
// after `latest_day` (the day the batch is made, say) are rejected.
Result<LiveParse> ParseLiveCsv(const std::string& file_name, std::string_view content, const HmacKey& key,
                               int32_t latest_day);

// The batch file's text: header, one line per row, then "end,N".
std::string LiveBatchText(const std::vector<LiveRow>& rows);
// Parses a batch file; Corrupt when it is malformed or its trailer is missing or does not match.
Result<std::vector<LiveRow>> ParseLiveBatch(std::string_view text);
// The rejects as CSV (file,line,column,reason), as ingest's rejects.csv.
std::string LiveRejectsCsv(const std::vector<Reject>& rejects);

// Writes STATE/live/<id>.batch.csv (when there are rows) and <id>.rejects.csv (when there are
// rejects), each atomically, the rejects first; returns the id (time-ordered: batch files sort in
// the order they were written). `source` names the input file in the id.
Result<std::string> WriteLiveBatch(const std::string& state_dir, const LiveParse& parsed);

// Suffixes and folder names of the state folder's live part.
inline constexpr char kLiveDir[] = "live";
inline constexpr char kInboxDir[] = "inbox";
inline constexpr char kBatchSuffix[] = ".batch.csv";

}  // namespace icb::server
