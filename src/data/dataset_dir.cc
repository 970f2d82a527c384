#include "data/dataset_dir.h"

#include <algorithm>
#include <filesystem>
#include <vector>

#include "core/file_util.h"

namespace fs = std::filesystem;

namespace icb {
namespace {

int GenerationNumber(const std::string& name) {
  if (name.size() < 10 || name.rfind("gen-", 0) != 0) return -1;
  try {
    return std::stoi(name.substr(4, 6));
  } catch (...) {
    return -1;
  }
}

std::string GenerationName(int n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "gen-%06d", n);
  return buf;
}

}  // namespace

Result<std::string> DatasetDir::Current(const std::string& dir) {
  auto cur = ReadFile((fs::path(dir) / "CURRENT").string());
  if (!cur.ok()) return Status::NotFound(dir + " is not a published dataset (no CURRENT file)");
  std::string name = *cur;
  while (!name.empty() && (name.back() == '\n' || name.back() == '\r')) name.pop_back();
  if (GenerationNumber(name) < 0 || name.find('/') != std::string::npos)
    return Status::Corrupt(dir + "/CURRENT does not name a generation");
  const fs::path gen = fs::path(dir) / name;
  if (!fs::is_directory(gen)) return Status::Corrupt(dir + "/CURRENT names a missing generation " + name);
  return gen.string();
}

Result<std::string> DatasetDir::Begin(const std::string& dir) {
  ICB_RETURN_IF_ERROR(MakeDirs(dir));
  int next = 1;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const int n = GenerationNumber(entry.path().filename().string());
    if (n >= next) next = n + 1;
  }
  const fs::path tmp = fs::path(dir) / (GenerationName(next) + ".tmp");
  fs::remove_all(tmp, ec);
  ICB_RETURN_IF_ERROR(MakeDirs(tmp.string()));
  return tmp.string();
}

Status DatasetDir::Commit(const std::string& dir, const std::string& tmp_generation) {
  const fs::path tmp(tmp_generation);
  std::string name = tmp.filename().string();
  if (name.size() < 5 || name.substr(name.size() - 4) != ".tmp")
    return Status::Internal("Commit expects a generation made by Begin()");
  name.resize(name.size() - 4);
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(tmp, ec))
    if (entry.is_regular_file()) ICB_RETURN_IF_ERROR(FsyncPath(entry.path().string()));
  ICB_RETURN_IF_ERROR(FsyncPath(tmp.string()));
  const fs::path final_path = fs::path(dir) / name;
  fs::rename(tmp, final_path, ec);
  if (ec) return Status::IoError("cannot rename generation into place: " + ec.message());
  ICB_RETURN_IF_ERROR(FsyncPath(dir));
  ICB_RETURN_IF_ERROR(WriteFileAtomic((fs::path(dir) / "CURRENT").string(), name + "\n"));
  // Keep the live generation and the one before it; drop older ones and abandoned temporaries.
  const int live = GenerationNumber(name);
  std::vector<fs::path> drop;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string f = entry.path().filename().string();
    if (f.rfind("CURRENT.tmp.", 0) == 0) {  // left by a writer killed while swapping CURRENT
      drop.push_back(entry.path());
      continue;
    }
    const int n = GenerationNumber(f);
    if (n < 0) continue;
    const bool is_tmp = f.size() > 4 && f.substr(f.size() - 4) == ".tmp";
    if (is_tmp || n < live - 1) drop.push_back(entry.path());
  }
  for (const auto& p : drop) fs::remove_all(p, ec);
  return Status::Ok();
}

Result<Dataset> DatasetDir::Load(const std::string& dir) {
  auto gen = Current(dir);
  if (!gen.ok()) return gen.status();
  return Dataset::Load((fs::path(*gen) / kSnapshotFile).string());
}

}  // namespace icb
