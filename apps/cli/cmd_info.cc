// icb info: loads a published dataset (verifying its checksum) and prints its size, digest, date
// range and how long the snapshot took to load. Aggregates only.
#include <fmt/format.h>

#include <chrono>
#include <memory>

#include "apps/cli/command.h"
#include "data/dataset_dir.h"

namespace {

icb::cli::RunFn Setup(CLI::App& app) {
  auto* sub = app.add_subcommand("info", "Load a published dataset and print its size, digest and date range");
  sub->footer("Example:\n  icb info out/dataset");
  auto dir = std::make_shared<std::string>();
  sub->add_option("DATASET", *dir, "Published dataset directory")->required();
  return [dir] {
    const auto t0 = std::chrono::steady_clock::now();
    auto ds = icb::DatasetDir::Load(*dir);
    if (!ds.ok()) return icb::cli::ReportError(ds.status());
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const auto& d = *ds;
    fmt::print("dataset        {}\n", *dir);
    fmt::print("format         {}\n", d.source_format);
    fmt::print("digest         {}\n", icb::ToHex(d.loaded_digest()));
    fmt::print("persons        {:>14L}\n", d.person_count());
    fmt::print("registrations  {:>14L}\n", d.registrations.size());
    fmt::print("events         {:>14L}\n", d.events.size());
    fmt::print("coded entries  {:>14L}\n", d.coded.size());
    fmt::print("register rows  {:>14L}\n", d.conditions.size());
    if (d.events.size() > 0)
      fmt::print("event dates    {} to {}\n", icb::Date(d.FirstEventDate()).ToIso(), icb::Date(d.LastEventDate()).ToIso());
    fmt::print("snapshot load  {:.3f} s\n", secs);
    return 0;
  };
}

}  // namespace

ICB_REGISTER_COMMAND(info, Setup);
