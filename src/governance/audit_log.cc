#include "governance/audit_log.h"

#include <fcntl.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include <fmt/format.h>

namespace icb::governance {

Status AppendAuditRecord(const std::string& path, nlohmann::json record) {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  nlohmann::ordered_json line;
  line["time"] = buf;
  for (auto it = record.begin(); it != record.end(); ++it) line[it.key()] = it.value();
  const std::string text = line.dump() + "\n";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IoError(fmt::format("audit log {}: cannot open: {}", path, std::strerror(errno)));
  const ssize_t n = ::write(fd, text.data(), text.size());
  const int write_errno = errno;
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (n != static_cast<ssize_t>(text.size())) {
    return Status::IoError(fmt::format("audit log {}: write failed: {}", path,
                                       n < 0 ? std::strerror(write_errno) : "short write"));
  }
  if (!synced) return Status::IoError(fmt::format("audit log {}: fsync failed", path));
  return Status::Ok();
}

std::string CurrentUser() {
  if (const char* u = std::getenv("ICB_USER"); u && *u) return u;
  if (const passwd* pw = ::getpwuid(::geteuid()); pw && pw->pw_name) return pw->pw_name;
  if (const char* u = std::getenv("USER"); u && *u) return u;
  return "unknown";
}

}  // namespace icb::governance
