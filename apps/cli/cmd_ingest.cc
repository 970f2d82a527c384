// icb ingest: reads an input directory (the icb input contract, or an OMOP CDM export), checks and
// pseudonymises it, and publishes it atomically as a new generation of a dataset directory.
#include <cstdio>
#include <memory>
#include <string>

#include "apps/cli/command.h"
#include "core/crypto.h"
#include "core/progress.h"
#include "ingest/contract_reader.h"
#include "ingest/omop_reader.h"
#include "ingest/publish.h"
#include "ingest/pseudonym.h"

namespace {

struct IngestArgs {
  std::string input, out, key_file, format = "auto";
  bool quiet = false;
};

void PrintRejectSample(const icb::IngestReport& report) {
  const size_t n = std::min<size_t>(report.rejects.size(), 10);
  for (size_t i = 0; i < n; ++i) {
    const auto& r = report.rejects[i];
    std::fprintf(stderr, "  reject: %s line %llu%s%s: %s\n", r.file.c_str(), static_cast<unsigned long long>(r.line),
                 r.column.empty() ? "" : " column ", r.column.c_str(), r.reason.c_str());
  }
  if (report.rejects.size() > n)
    std::fprintf(stderr, "  ... and %zu more reject entries\n", report.rejects.size() - n);
}

void PrintSummary(const icb::IngestReport& report, const icb::PublishedIngest& pub) {
  std::printf("%-30s %14s %14s %14s\n", "file", "read", "loaded", "rejected");
  uint64_t read = 0, loaded = 0, rejected = 0;
  for (const auto& f : report.files) {
    if (!f.present) continue;
    std::printf("%-30s %14llu %14llu %14llu\n", f.file.c_str(), static_cast<unsigned long long>(f.rows_read),
                static_cast<unsigned long long>(f.rows_loaded), static_cast<unsigned long long>(f.rows_rejected));
    read += f.rows_read;
    loaded += f.rows_loaded;
    rejected += f.rows_rejected;
  }
  std::printf("%-30s %14llu %14llu %14llu\n", "total", static_cast<unsigned long long>(read),
              static_cast<unsigned long long>(loaded), static_cast<unsigned long long>(rejected));
  std::printf("published   %s\n", pub.generation.c_str());
  std::printf("digest      %s\n", icb::ToHex(pub.digest).c_str());
  if (rejected > 0)
    std::printf("rejected    %llu rows (see %s/rejects.csv; balance checked for every file)\n",
                static_cast<unsigned long long>(rejected), pub.generation.c_str());
}

int Run(const IngestArgs& a) {
  auto key = icb::HmacKey::Load(a.key_file);
  if (!key.ok()) return icb::cli::ReportError(key.status());
  const std::string perm = icb::KeyFilePermissionWarning(a.key_file);
  if (!perm.empty()) std::fprintf(stderr, "icb: warning: %s\n", perm.c_str());

  std::string format = a.format;
  if (format == "auto") format = icb::LooksLikeOmop(a.input) ? "omop" : "contract";

  icb::IngestReport report;
  icb::DataQuality dq;
  auto ds = [&]() -> icb::Result<icb::Dataset> {
    if (format == "omop") return icb::ReadOmop(a.input, *key, report);
    icb::ContractReadOptions options;
    options.show_progress = !a.quiet;
    return icb::ReadContract(a.input, *key, report, dq, options);
  }();
  if (report.key_id.empty()) report.key_id = icb::KeyId(*key);
  if (!perm.empty()) report.warnings.push_back(perm);
  if (!ds.ok()) {
    PrintRejectSample(report);
    if (format == "contract" && icb::LooksLikeOmop(a.input))
      std::fprintf(stderr, "icb: %s looks like an OMOP CDM export: use --format omop (or auto)\n",
                   a.input.c_str());
    std::fprintf(stderr, "icb: nothing published\n");
    return icb::cli::ReportError(ds.status());
  }
  if (!a.quiet && icb::Progress::Enabled()) std::fprintf(stderr, "writing snapshot and reports...\n");
  auto pub = icb::PublishIngest(a.out, *ds, report, std::move(dq));
  if (!pub.ok()) return icb::cli::ReportError(pub.status());
  for (const auto& w : report.warnings) std::fprintf(stderr, "icb: warning: %s\n", w.c_str());
  PrintSummary(report, *pub);
  return 0;
}

icb::cli::RunFn Setup(CLI::App& app) {
  auto args = std::make_shared<IngestArgs>();
  auto* sub = app.add_subcommand(
      "ingest",
      "Check, pseudonymise and publish an input directory as a dataset (atomic; the previous dataset stays live "
      "until the new one is complete)");
  sub->add_option("input", args->input, "Input directory: input-contract CSV files (icb contract) or an OMOP CDM "
                                        "v5.4 CSV export")
      ->required()
      ->check(CLI::ExistingDirectory);
  sub->add_option("--out", args->out, "Dataset directory to publish into (created if missing)")->required();
  sub->add_option("--key-file", args->key_file,
                  "Pseudonymisation key: 64+ hex characters (or 32+ raw bytes), kept outside the dataset, mode 0600. "
                  "Required: ingest refuses to run without it (exit 5)");
  sub->add_option("--format", args->format, "Input format: auto (OMOP when person.csv is present), contract, omop")
      ->check(CLI::IsMember({"auto", "contract", "omop"}));
  sub->add_flag("--quiet", args->quiet, "No progress bars");
  sub->footer(
      "Rows that break the contract are rejected and counted (file, line, column and reason in the live\n"
      "generation's rejects.csv); each file must balance: read = loaded + rejected. Policy and reports:\n"
      "docs/reference/ingest.md.\n"
      "Exit codes: 0 published (rejected rows alone are not a failure), 1 invalid input (e.g. a required\n"
      "file's header), 2 missing file, 3 I/O error, 5 refused (no or short key; another ingest is\n"
      "publishing into DATASET), 6 internal (counts do not balance). Nothing is published unless 0.\n"
      "Examples:\n"
      "  (umask 077; od -An -tx1 -N32 /dev/urandom | tr -d ' \\n' > key.hex)\n"
      "  icb ingest icb-csv --out icb-data --key-file key.hex\n"
      "  icb --threads 2 ingest omop-export --format omop --out icb-data --key-file key.hex\n"
      "  cat icb-data/$(cat icb-data/CURRENT)/file_report.csv");
  return [args] { return Run(*args); };
}

}  // namespace

ICB_REGISTER_COMMAND(ingest, Setup);
