// icb append: appends new activity (A&E attendances, admitted spells, prescriptions in the input
// contract's CSV layout) to a published dataset's live feed while `icb serve` runs. Each file is
// checked row by row (rejects with file, line, column and reason, kept in a rejects CSV beside the
// batch), NHS numbers are pseudonymised with the ingest key, and the pseudonymised rows are written
// atomically to STATE/live/, where the server picks them up within its 200 ms poll
// (docs/reference/live.md).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apps/cli/command.h"
#include "core/crypto.h"
#include "core/date.h"
#include "core/file_util.h"
#include "data/dataset_dir.h"
#include "ingest/pseudonym.h"
#include "server/live_batch.h"

namespace {

namespace fs = std::filesystem;
using icb::cli::ReportError;

struct AppendArgs {
  std::string dataset, key_file, state;
  std::vector<std::string> files;
  size_t show_rejects = 20;
};

// The key id recorded by ingest in the live generation's manifest ("" when none is recorded).
std::string ManifestKeyId(const std::string& generation) {
  auto text = icb::ReadFile((fs::path(generation) / "manifest.json").string());
  if (!text.ok()) return "";
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.contains("pseudonymisation") || !j["pseudonymisation"].contains("key_id") ||
      !j["pseudonymisation"]["key_id"].is_string()) {
    return "";
  }
  return j["pseudonymisation"]["key_id"].get<std::string>();
}

int Run(const AppendArgs& a) {
  auto generation = icb::DatasetDir::Current(a.dataset);
  if (!generation.ok()) return ReportError(generation.status());
  auto key = icb::HmacKey::Load(a.key_file);
  if (!key.ok()) return ReportError(key.status());
  if (const std::string w = icb::KeyFilePermissionWarning(a.key_file); !w.empty()) std::fprintf(stderr, "icb: %s\n", w.c_str());
  const std::string recorded = ManifestKeyId(*generation);
  if (!recorded.empty() && recorded != icb::KeyId(*key)) {
    return ReportError(icb::Status::Refused(
        "the key is not the one this dataset was pseudonymised with (key id " + icb::KeyId(*key) +
        ", the dataset's " + recorded + "): every person would be unmatched"));
  }
  const std::string state = a.state.empty() ? fs::path(a.dataset).lexically_normal().string() + "-state" : a.state;
  const auto now = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  const int32_t today = static_cast<int32_t>(now.time_since_epoch().count());
  int exit_code = 0;
  uint64_t total_rows = 0, total_rejected = 0;
  for (const auto& file : a.files) {
    auto text = icb::ReadFile(file);
    if (!text.ok()) {
      ReportError(text.status());
      exit_code = exit_code == 0 ? icb::cli::ExitCode(text.status()) : exit_code;
      continue;
    }
    const std::string name = fs::path(file).filename().string();
    auto parsed = icb::server::ParseLiveCsv(name, *text, *key, today);
    if (!parsed.ok()) {
      ReportError(parsed.status());
      exit_code = exit_code == 0 ? 1 : exit_code;
      continue;
    }
    for (size_t i = 0; i < parsed->rejects.size() && i < a.show_rejects; ++i) {
      const auto& r = parsed->rejects[i];
      std::fprintf(stderr, "%s:%llu: %s%s%s\n", r.file.c_str(), static_cast<unsigned long long>(r.line),
                   r.column.c_str(), r.column.empty() ? "" : ": ", r.reason.c_str());
    }
    if (parsed->rejects.size() > a.show_rejects) {
      std::fprintf(stderr, "... and %zu more (see the rejects file)\n", parsed->rejects.size() - a.show_rejects);
    }
    auto id = icb::server::WriteLiveBatch(state, *parsed);
    if (!id.ok()) return ReportError(id.status());
    total_rows += parsed->rows.size();
    total_rejected += parsed->rows_rejected;
    std::printf("icb append: %s: %zu rows appended, %llu rejected (batch %s%s)\n", name.c_str(), parsed->rows.size(),
                static_cast<unsigned long long>(parsed->rows_rejected), id->c_str(),
                parsed->rows_rejected > 0
                    ? ("; rejects in " + (fs::path(state) / icb::server::kLiveDir / (*id + ".rejects.csv")).string()).c_str()
                    : "");
    if (parsed->rows.empty() && parsed->rows_read > 0 && exit_code == 0) exit_code = 1;
  }
  std::fflush(stdout);
  if (a.files.size() > 1) {
    std::printf("icb append: %llu rows appended, %llu rejected\n", static_cast<unsigned long long>(total_rows),
                static_cast<unsigned long long>(total_rejected));
  }
  return exit_code;
}

icb::cli::RunFn Setup(CLI::App& app) {
  auto a = std::make_shared<AppendArgs>();
  auto* sub = app.add_subcommand("append", "Append new activity to a dataset's live feed (shown by icb serve within a second)");
  sub->add_option("DATASET", a->dataset, "Published dataset directory (made by icb ingest)")->required();
  sub->add_option("FILE", a->files,
                  "CSV files in the input contract's layout of ae_attendances.csv, apc_spells.csv or prescriptions.csv")
      ->required();
  sub->add_option("--key-file", a->key_file, "The pseudonymisation key the dataset was ingested with")->required();
  sub->add_option("--state", a->state, "State folder of icb serve (default: DATASET-state)");
  sub->add_option("--show-rejects", a->show_rejects, "Rejected rows to print (default 20; all are in the rejects file)");
  sub->footer(
      "Examples:\n"
      "  icb append icb-data new/apc_spells.csv --key-file key.hex\n"
      "  icb append icb-data ae_today.csv prescriptions_today.csv --key-file key.hex --state icb-data-state\n"
      "The layout comes from the file name (ae_attendances*, apc_spells*, prescriptions*) or the header.\n"
      "Rows are checked as ingest checks them; rejects (file, line, column, reason) are printed and kept in\n"
      "STATE/live/<batch>.rejects.csv. The batch holds pseudonyms, never NHS numbers. Exit 1 when a file's\n"
      "header is unusable or every row of a file was rejected. Reference: docs/reference/live.md");
  return [a]() -> int { return Run(*a); };
}

}  // namespace

ICB_REGISTER_COMMAND(append, Setup);
