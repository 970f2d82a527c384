// OpenAppStore: chooses the AppStore implementation by URL; the helpers of app_store_rows.h.
#include "server/app_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>

#include "server/app_store_rows.h"
#include "server/postgres_app_store.h"
#include "server/sqlite_app_store.h"

namespace icb::server {

std::string PracticesToJson(const std::vector<std::string>& practices) {
  return nlohmann::json(practices).dump();
}

std::vector<std::string> PracticesFromJson(const std::string& json) {
  std::vector<std::string> out;
  const auto parsed = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array()) return out;
  for (const auto& p : parsed)
    if (p.is_string()) out.push_back(p.get<std::string>());
  return out;
}

std::string AuditTimeNow() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
}

Status CheckObjectKey(std::string_view kind, std::string_view name) {
  if (kind != "scenario" && kind != "report")
    return Status::InvalidInput(fmt::format("saved object kind '{}': expected scenario or report", kind));
  bool ok = !name.empty() && name.size() <= 64;
  for (char c : name)
    ok = ok && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                c == '.' || c == '-');
  if (!ok) return Status::InvalidInput("saved object name: expected 1-64 characters from A-Z a-z 0-9 _ . -");
  return Status::Ok();
}

Result<std::unique_ptr<AppStore>> OpenAppStore(const std::string& url) {
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    auto store = PostgresAppStore::Open(url);
    if (!store.ok()) return store.status();
    return std::unique_ptr<AppStore>(std::move(*store));
  }
  std::string path = url;
  if (path.rfind("sqlite:", 0) == 0) path = path.substr(7);
  if (path.empty())
    return Status::InvalidInput("application store: empty path (expected sqlite:PATH, PATH or postgresql://...)");
  if (path.find("://") != std::string::npos)
    return Status::InvalidInput(
        "application store: unknown URL scheme (expected sqlite:PATH, PATH, postgresql://... or postgres://...)");
  auto store = SqliteAppStore::Open(path);
  if (!store.ok()) return store.status();
  return std::unique_ptr<AppStore>(std::move(*store));
}

Result<AuditVerification> VerifyStoredAudit(AppStore& store) {
  constexpr int64_t kPage = 5000;
  auto head = store.ReadAuditHead();
  if (!head.ok()) return head.status();
  AuditChainVerifier verifier;
  int64_t from = 1;
  while (from <= head->seq) {
    auto page = store.ReadAudit(from, std::min(kPage, head->seq - from + 1));
    if (!page.ok()) return page.status();
    if (page->empty()) break;
    bool ok = true;
    for (const AuditEntry& e : *page) {
      if (e.seq > head->seq) break;
      if (!(ok = verifier.Add(e))) break;
    }
    if (!ok) break;
    from = page->back().seq + 1;
  }
  AuditVerification result = verifier.Finish(head->seq, head->hash);
  if (!result.ok) return result;
  // An entry beyond the head is an append made since the head was read, unless the head (read again)
  // still does not cover it: then the head was rolled back or the entry forged.
  auto beyond = store.ReadAudit(head->seq + 1, 1);
  if (!beyond.ok()) return beyond.status();
  if (!beyond->empty()) {
    auto head_now = store.ReadAuditHead();
    if (!head_now.ok()) return head_now.status();
    if (head_now->seq < beyond->front().seq) {
      result.ok = false;
      result.first_bad_seq = beyond->front().seq;
      result.problem = fmt::format("entry {} lies beyond the recorded head (entry {})", beyond->front().seq,
                                   head_now->seq);
    }
  }
  return result;
}

}  // namespace icb::server
