// Small helpers shared by the AppStore implementations (sqlite_app_store, postgres_app_store): the
// schema version, how a user's practices are stored, the audit time stamp and name checks. Internal to
// src/server; pure functions, thread safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace icb::server {

// The application-store schema version both backends write to schema_version (bump on change).
inline constexpr int kAppStoreSchemaVersion = 1;

// A clinician's practice codes as a JSON array text, and back (an empty list for bad text).
std::string PracticesToJson(const std::vector<std::string>& practices);
std::vector<std::string> PracticesFromJson(const std::string& json);
// The current UTC time as ISO 8601 with milliseconds: "2025-04-01T09:30:12.345Z".
std::string AuditTimeNow();
// InvalidInput unless kind is "scenario" or "report" and name matches [A-Za-z0-9_.-]{1,64}.
Status CheckObjectKey(std::string_view kind, std::string_view name);

}  // namespace icb::server
