// Audit log: an append-only JSON Lines file of governed actions (a case-finding list made, who asked,
// its scope and how many rows). Each record is one line written with a single write() on a file
// opened O_APPEND, then fsync'd, so concurrent writers never interleave and a crash loses at most the
// line being written. Records hold aggregates and scope codes only, never patient-level values.
// Thread safe (the kernel serialises appends).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace icb::governance {

// Appends `record` with "time" (UTC, ISO 8601) added first. IoError naming the file on failure.
Status AppendAuditRecord(const std::string& path, nlohmann::json record);
// Who is asking: $ICB_USER, else the login name of the process owner, else "unknown".
std::string CurrentUser();

}  // namespace icb::governance
