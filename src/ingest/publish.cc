#include "ingest/publish.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <filesystem>

#include "core/file_util.h"
#include "data/dataset_dir.h"

#ifndef ICB_ENGINE_VERSION
#define ICB_ENGINE_VERSION "unknown"
#endif

namespace fs = std::filesystem;

namespace icb {

const char* EngineVersion() { return ICB_ENGINE_VERSION; }

std::string ManifestJson(const Dataset& ds, const IngestReport& report, const Digest& digest) {
  using nlohmann::json;
  json j;
  j["engine"] = "icb-engine";
  j["engine_version"] = EngineVersion();
  j["snapshot_version"] = kSnapshotVersion;
  j["snapshot_file"] = DatasetDir::kSnapshotFile;
  j["source_format"] = report.source_format;
  j["dataset_digest"] = ToHex(digest);
  j["pseudonymisation"] = {{"method", "HMAC-SHA-256"}, {"key_id", report.key_id}};
  json inputs = json::array();
  uint64_t rejected = 0;
  for (const auto& f : report.files) {
    inputs.push_back({{"file", f.file},
                      {"present", f.present},
                      {"bytes", f.bytes},
                      {"sha256", f.sha256},
                      {"rows_read", f.rows_read},
                      {"rows_loaded", f.rows_loaded},
                      {"rows_rejected", f.rows_rejected}});
    rejected += f.rows_rejected;
  }
  j["inputs"] = std::move(inputs);
  json by_setting = json::object();
  std::vector<uint64_t> counts(kSettingCount, 0);
  for (uint8_t s : ds.events.setting) ++counts[s];
  for (int s = 0; s < kSettingCount; ++s) by_setting[std::string(SettingName(static_cast<Setting>(s)))] = counts[s];
  j["rows"] = {{"lsoas", ds.lsoas.size()},
               {"practices", ds.practices.size()},
               {"providers", ds.providers.size()},
               {"persons", ds.persons.size()},
               {"registrations", ds.registrations.size()},
               {"events", ds.events.size()},
               {"events_by_setting", std::move(by_setting)},
               {"coded", ds.coded.size()},
               {"conditions", ds.conditions.size()}};
  j["rows_rejected"] = rejected;
  return j.dump(2) + "\n";
}

Result<PublishedIngest> PublishIngest(const std::string& out_dir, const Dataset& ds, const IngestReport& report,
                                      DataQuality dq) {
  for (const auto& f : report.files)
    if (!f.Balances())
      return Status::Internal(f.file + ": counts do not balance (read " + std::to_string(f.rows_read) + ", loaded " +
                              std::to_string(f.rows_loaded) + ", rejected " + std::to_string(f.rows_rejected) +
                              "); nothing published");
  ComputeLinkageQuality(ds, dq);
  // One writer per dataset directory: an exclusive lock on DATASET/.lock for the whole publish
  // (released by the kernel if the process dies).
  ICB_RETURN_IF_ERROR(MakeDirs(out_dir));
  const std::string lock_path = (fs::path(out_dir) / ".lock").string();
  const int lock_fd = ::open(lock_path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
  if (lock_fd < 0) return Status::IoError("cannot open " + lock_path);
  struct Unlock {
    int fd;
    ~Unlock() { ::close(fd); }
  } unlock{lock_fd};
  if (::flock(lock_fd, LOCK_EX | LOCK_NB) != 0)
    return Status::Refused("another ingest is publishing into " + out_dir + "; try again when it has finished");
  auto tmp = DatasetDir::Begin(out_dir);
  if (!tmp.ok()) return tmp.status();
  auto write_all = [&]() -> Result<Digest> {
    auto digest = ds.Save((fs::path(*tmp) / DatasetDir::kSnapshotFile).string());
    if (!digest.ok()) return digest.status();
    ICB_RETURN_IF_ERROR(WriteFileAtomic((fs::path(*tmp) / "manifest.json").string(), ManifestJson(ds, report, *digest)));
    ICB_RETURN_IF_ERROR(WriteFileAtomic((fs::path(*tmp) / "dq_report.json").string(), DataQualityJson(report, dq)));
    ICB_RETURN_IF_ERROR(WriteFileAtomic((fs::path(*tmp) / "file_report.csv").string(), FileReportCsv(report, dq)));
    ICB_RETURN_IF_ERROR(WriteFileAtomic((fs::path(*tmp) / "rejects.csv").string(), RejectsCsv(report)));
    ICB_RETURN_IF_ERROR(DatasetDir::Commit(out_dir, *tmp));
    return *digest;
  };
  auto digest = write_all();
  if (!digest.ok()) {
    std::error_code ec;
    fs::remove_all(*tmp, ec);  // best effort: an abandoned temporary is also removed by the next Commit
    return digest.status();
  }
  auto live = DatasetDir::Current(out_dir);
  if (!live.ok()) return live.status();
  return PublishedIngest{*live, *digest};
}

}  // namespace icb
