// icb synth: writes a synthetic NHS Greater Manchester ICB (the input contract's CSV files) and,
// separately, its planted truths. See docs/synthetic-icb.md.
#include <cstdio>
#include <memory>

#include "apps/cli/command.h"
#include "synth/generator.h"
#include "synth/reference_data.h"

namespace {

icb::cli::RunFn Setup(CLI::App& app) {
  auto* sub = app.add_subcommand(
      "synth", "Generate a synthetic ICB grounded in public reference data, with planted truths");
  sub->footer(
      "Example:\n  icb synth --persons 20000 --seed 1 --out icb-csv --truth-out icb-truth\n"
      "The CSVs follow the input contract (icb contract). The truth directory holds emergency_risk.csv,\n"
      "persons.csv and model.json; keep it away from analytic code.");
  auto o = std::make_shared<icb::synth::SynthOptions>();
  sub->add_option("--persons", o->persons, "Residents at the data start (births and in-migrants are added)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  sub->add_option("--seed", o->seed, "Random seed; the same seed gives the same files at any --threads")
      ->capture_default_str();
  sub->add_option("--out", o->out_dir, "Directory for the contract CSV files")->required();
  sub->add_option("--truth-out", o->truth_dir, "Directory for the planted truths")->required();
  sub->add_option("--start-year", o->start_year, "Data starts on 1 April of this year")->capture_default_str();
  sub->add_option("--years", o->years, "Financial years of data")->capture_default_str()->check(CLI::Range(1, 20));
  sub->add_option("--reference-dir", o->reference_dir, "Reference data directory (default: " +
                                                           icb::synth::DefaultReferenceDir() + ")");
  sub->add_option("--calibration-persons", o->calibration_persons, "Size of the calibration sample")
      ->capture_default_str()
      ->check(CLI::Range(1000, 5000000));
  auto quiet = std::make_shared<bool>(false);
  sub->add_flag("--quiet", *quiet, "No summary on stdout");
  return [o, quiet] {
    auto r = icb::synth::GenerateSyntheticIcb(*o);
    if (!r.ok()) return icb::cli::ReportError(r.status());
    if (!*quiet) {
      std::printf("persons %llu (residents %llu, births %llu, in-migrants %llu)\n",
                  static_cast<unsigned long long>(r->persons), static_cast<unsigned long long>(r->residents),
                  static_cast<unsigned long long>(r->births), static_cast<unsigned long long>(r->in_migrants));
      for (const auto& f : r->files)
        std::printf("  %-60s %12llu rows %10.1f MB\n", f.path.c_str(), static_cast<unsigned long long>(f.rows),
                    static_cast<double>(f.bytes) / 1e6);
      std::printf("total %llu rows, %.1f MB; calibration %.1f s, generation %.1f s\n",
                  static_cast<unsigned long long>(r->rows), static_cast<double>(r->bytes) / 1e6,
                  r->calibration_seconds, r->generation_seconds);
    }
    return 0;
  };
}

}  // namespace

ICB_REGISTER_COMMAND(synth, Setup);
