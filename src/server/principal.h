// Who is asking: the roles of the access model and the Principal an authenticated request carries.
//   analyst      aggregates only (every report, no person-level rows);
//   clinician    a neighbourhood clinician: aggregates, plus person-level case-finding lists for the
//                practices assigned to them (and nothing else person-level);
//   finance      finance and contracting: aggregates, forecasts, scenarios (saving them), providers;
//   admin        users, audit verification and everything aggregate; no person-level rows.
// The rules per endpoint are declared once in src/server/access_policy.h. Plain value types.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace icb::server {

enum class Role { kAnalyst, kClinician, kFinance, kAdmin };
inline constexpr Role kAllRoles[] = {Role::kAnalyst, Role::kClinician, Role::kFinance, Role::kAdmin};

// "analyst", "clinician", "finance", "admin".
std::string_view RoleName(Role role);
// The role for a name above; nullopt otherwise.
std::optional<Role> RoleByName(std::string_view name);

struct Principal {
  std::string user;                    // login name
  Role role = Role::kAnalyst;
  std::vector<std::string> practices;  // clinician: the practice codes they may see person-level lists for
  std::string session_id;              // a short, non-secret id for the session (for the audit log)
  bool MayAccessPractice(std::string_view practice) const;  // clinician and listed; false otherwise
};

}  // namespace icb::server
