// Pseudonymisation of NHS numbers: HMAC-SHA-256 under a secret key held outside the dataset
// (docs/reference/ingest.md). The message is exactly the ten ASCII digits, so a data provider
// holding the same key derives the same pseudonym. Pure functions; thread safe. Never log the
// inputs.
#pragma once

#include <string>
#include <string_view>

#include "core/crypto.h"

namespace icb {

// The pseudonym of a valid ten-digit NHS number.
inline Digest NhsPseudonym(const HmacKey& key, std::string_view nhs_number) { return key.Sign(nhs_number); }
// A short, non-secret fingerprint of the key (16 hex characters of HMAC("icb-engine key id v1")),
// recorded in the manifest so datasets pseudonymised under different keys can be told apart.
std::string KeyId(const HmacKey& key);

}  // namespace icb

namespace icb {

// A warning when the key file can be read by group or others (it should be mode 0600), or "" when
// its permissions are tight or it cannot be inspected.
std::string KeyFilePermissionWarning(const std::string& path);

}  // namespace icb
