#include "server/principal.h"

#include <algorithm>

namespace icb::server {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAnalyst: return "analyst";
    case Role::kClinician: return "clinician";
    case Role::kFinance: return "finance";
    case Role::kAdmin: return "admin";
  }
  return "analyst";
}

std::optional<Role> RoleByName(std::string_view name) {
  for (Role r : kAllRoles)
    if (RoleName(r) == name) return r;
  return std::nullopt;
}

bool Principal::MayAccessPractice(std::string_view practice) const {
  return role == Role::kClinician && std::find(practices.begin(), practices.end(), practice) != practices.end();
}

}  // namespace icb::server
