#include "ingest/pseudonym.h"

#include <sys/stat.h>

namespace icb {

std::string KeyId(const HmacKey& key) { return ToHex(key.Sign("icb-engine key id v1")).substr(0, 16); }

std::string KeyFilePermissionWarning(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "";
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) == 0) return "";
  return "key file " + path + " is readable or writable by group/others; restrict it with chmod 600";
}

}  // namespace icb
