// The audit log's hash chain. Each entry's hash is SHA-256 over the previous entry's hash and the
// entry's canonical text (its fields in a fixed order, each length-prefixed), so editing any field,
// removing or reordering an entry breaks every later link; the store also keeps the head (last seq and
// hash) so that removing the newest entries is detected. Entries hold who, what scope and how many
// rows: never patient-level values. Pure functions; thread safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace icb::server {

struct AuditEntry {
  int64_t seq = 0;           // 1, 2, ... (set by the store)
  std::string time;          // UTC ISO 8601 with milliseconds (set by the store when empty)
  std::string user;
  std::string role;
  std::string session_id;
  std::string action;        // "casefind.list", "login", "login.failed", "user.add", "audit.verify", ...
  std::string scope;         // "practice:P84001" or "" (codes only)
  std::string detail;        // small JSON object of non-identifying parameters ({"top":20})
  int64_t rows = 0;          // person-level rows released (0 for other actions)
  std::string request_id;
  std::string prev_hash;     // hex; 64 zeros for the first entry
  std::string hash;          // hex SHA-256(prev_hash || canonical text)
};

inline constexpr char kGenesisHash[] = "0000000000000000000000000000000000000000000000000000000000000000";

// The canonical text hashed for `entry` (every field except hash).
std::string CanonicalAuditText(const AuditEntry& entry);
// hex SHA-256 of prev_hash followed by CanonicalAuditText(entry).
std::string ComputeAuditHash(const AuditEntry& entry);

struct AuditVerification {
  bool ok = true;
  int64_t entries = 0;
  int64_t first_bad_seq = 0;  // 0 when ok
  std::string problem;        // "entry 17: hash does not match its contents", "entry 18 missing", ...
};

// Checks `entries` (in seq order, from seq 1) link up: seq without gaps, each prev_hash equal to the
// previous hash, each hash recomputed. With head_seq > 0 also checks the last entry is head_seq with
// head_hash (catches removal of the newest entries).
AuditVerification VerifyAuditChain(const std::vector<AuditEntry>& entries, int64_t head_seq = 0,
                                   const std::string& head_hash = "");

// The same checks fed one entry at a time (for logs read page by page). Not thread safe.
class AuditChainVerifier {
 public:
  bool Add(const AuditEntry& entry);  // false from the first problem on (then see Finish)
  AuditVerification Finish(int64_t head_seq = 0, const std::string& head_hash = "");

 private:
  AuditVerification result_;
  std::string prev_ = kGenesisHash;
  int64_t next_seq_ = 1;
};

}  // namespace icb::server
