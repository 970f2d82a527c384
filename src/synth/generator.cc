#include "synth/generator.h"

#include <oneapi/tbb/parallel_pipeline.h>

#include <chrono>
#include <cstdio>
#include <memory>

#include "core/file_util.h"
#include "core/parallel.h"
#include "core/progress.h"
#include "data/types.h"
#include "synth/calibration.h"
#include "synth/population_plan.h"
#include "synth/row_formatter.h"
#include "synth/synth_context.h"
#include "synth/test_nhs_numbers.h"

#ifndef ICB_ENGINE_VERSION
#define ICB_ENGINE_VERSION "0"
#endif

namespace icb::synth {
namespace {

// An output file written in order, with row and byte counts.
class OutputFile {
 public:
  ~OutputFile() {
    if (f_) std::fclose(f_);
  }
  Status Open(std::string path, const std::string& header) {
    path_ = std::move(path);
    f_ = std::fopen(path_.c_str(), "wb");
    if (!f_) return Status::IoError("cannot create " + path_);
    std::setvbuf(f_, nullptr, _IOFBF, 1 << 20);
    return Write(header, 0);
  }
  Status Write(std::string_view text, uint64_t rows) {
    if (!text.empty() && std::fwrite(text.data(), 1, text.size(), f_) != text.size())
      return Status::IoError("write failed: " + path_);
    bytes_ += text.size();
    rows_ += rows;
    return Status::Ok();
  }
  Status Close() {
    if (!f_) return Status::Ok();
    const bool ok = std::fflush(f_) == 0 && std::fclose(f_) == 0;
    f_ = nullptr;
    return ok ? Status::Ok() : Status::IoError("close failed: " + path_);
  }
  SynthFileSummary Summary() const { return {path_, rows_, bytes_}; }

 private:
  std::string path_;
  std::FILE* f_ = nullptr;
  uint64_t rows_ = 0, bytes_ = 0;
};

void Csv(std::string& s, std::string_view v) {
  if (v.find_first_of(",\"\n\r") == std::string_view::npos) {
    s.append(v);
    return;
  }
  s.push_back('"');
  for (char c : v) {
    if (c == '"') s.push_back('"');
    s.push_back(c);
  }
  s.push_back('"');
}

Status WriteReferenceFiles(const ReferenceData& ref, const std::string& dir, SynthSummary& summary) {
  auto write = [&](const std::string& name, const std::string& text, uint64_t rows) -> Status {
    const std::string path = dir + "/" + name;
    ICB_RETURN_IF_ERROR(WriteFileAtomic(path, text));
    summary.files.push_back({path, rows, text.size()});
    return Status::Ok();
  };
  std::string s = "lsoa_code,lsoa_name,imd_decile,imd_quintile,sub_icb_code,place_code,place_name\n";
  for (const auto& l : ref.lsoas) {
    s += l.code + ",";
    Csv(s, l.name);
    s += "," + std::to_string(l.imd_decile) + "," + std::to_string((l.imd_decile + 1) / 2) + "," + l.sub_icb_code +
         "," + l.lad_code + ",";
    Csv(s, l.lad_name);
    s += "\n";
  }
  ICB_RETURN_IF_ERROR(write("ref_lsoa.csv", s, ref.lsoas.size()));
  s = "gp_practice_code,practice_name,pcn_code,pcn_name,sub_icb_code,place_name\n";
  for (const auto& p : ref.practices) {
    s += p.code + ",";
    Csv(s, p.name);
    s += "," + p.pcn_code + ",";
    Csv(s, p.pcn_name);
    s += "," + p.sub_icb_code + ",";
    Csv(s, p.place_name);
    s += "\n";
  }
  ICB_RETURN_IF_ERROR(write("ref_practices.csv", s, ref.practices.size()));
  s = "provider_code,provider_name,provider_type\n";
  for (const auto& p : ref.providers) {
    s += p.code + ",";
    Csv(s, p.name);
    s += "," + p.type + "\n";
  }
  return write("ref_providers.csv", s, ref.providers.size());
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

Result<SynthSummary> GenerateSyntheticIcb(const SynthOptions& o) {
  if (o.persons == 0) return Status::InvalidInput("--persons must be at least 1");
  if (o.out_dir.empty() || o.truth_dir.empty()) return Status::InvalidInput("--out and --truth-out are required");
  if (o.out_dir == o.truth_dir)
    return Status::InvalidInput("--truth-out must differ from --out: analytic code must never read the truths");
  const std::string ref_dir = o.reference_dir.empty() ? DefaultReferenceDir() : o.reference_dir;
  auto ref = LoadReferenceData(ref_dir);
  if (!ref.ok()) return ref.status();
  auto ctx_r = SynthContext::Create(*ref, o.start_year, o.years);
  if (!ctx_r.ok()) return ctx_r.status();
  SynthContext& ctx = **ctx_r;

  SynthSummary summary;
  auto t_cal = std::chrono::steady_clock::now();
  ICB_RETURN_IF_ERROR(Calibrate(ctx, {o.calibration_persons, o.calibration_rounds, o.progress}));
  summary.calibration_seconds = Seconds(t_cal);

  auto t_gen = std::chrono::steady_clock::now();
  ICB_RETURN_IF_ERROR(MakeDirs(o.out_dir));
  ICB_RETURN_IF_ERROR(MakeDirs(o.truth_dir));
  ICB_RETURN_IF_ERROR(WriteReferenceFiles(*ref, o.out_dir, summary));

  const ModelParams& params = ctx.params;
  const PopulationPlan plan = PlanPopulation(o.persons, o.seed, params.birth_rate, params.in_migration_rate, o.years);
  auto nhs = TestNhsNumbers::Create(plan.total);
  if (!nhs.ok()) return nhs.status();
  summary.persons = plan.total;
  summary.residents = plan.residents;
  summary.births = plan.births;
  summary.in_migrants = plan.in_migrants;

  std::vector<std::unique_ptr<OutputFile>> files;
  for (int f = 0; f < kOutFileCount; ++f) {
    const auto of = static_cast<OutFile>(f);
    const std::string& dir = f < kContractOutFiles ? o.out_dir : o.truth_dir;
    files.push_back(std::make_unique<OutputFile>());
    ICB_RETURN_IF_ERROR(files.back()->Open(dir + "/" + std::string(OutFileName(of)), OutFileHeader(of)));
  }

  std::unique_ptr<Progress> progress;
  if (o.progress) progress = std::make_unique<Progress>("synth", plan.total, "persons");
  Status write_status;
  size_t next_block = 0;
  const size_t tokens = static_cast<size_t>(std::max(1, ThreadCount())) * 2 + 1;
  tbb::parallel_pipeline(
      tokens,
      tbb::make_filter<void, size_t>(tbb::filter_mode::serial_in_order,
                                     [&](tbb::flow_control& fc) -> size_t {
                                       if (next_block >= plan.blocks.size() || !write_status.ok()) {
                                         fc.stop();
                                         return 0;
                                       }
                                       return next_block++;
                                     }) &
          tbb::make_filter<size_t, BlockBuffers*>(tbb::filter_mode::parallel,
                                                  [&](size_t b) {
                                                    auto* buf = new BlockBuffers();
                                                    PersonSimulator sim(ctx, o.seed);
                                                    RowFormatter fmt(ctx);
                                                    PersonHistory h;
                                                    const BlockPlan& bp = plan.blocks[b];
                                                    for (uint32_t i = 0; i < bp.size(); ++i) {
                                                      const PersonSpec spec = bp.Spec(i);
                                                      sim.Simulate(spec, h, true, nullptr);
                                                      fmt.Format(h, nhs->At(spec.index), *buf);
                                                    }
                                                    return buf;
                                                  }) &
          tbb::make_filter<BlockBuffers*, void>(tbb::filter_mode::serial_in_order, [&](BlockBuffers* buf) {
            std::unique_ptr<BlockBuffers> owned(buf);
            uint64_t people = 0;
            for (int f = 0; f < kOutFileCount && write_status.ok(); ++f)
              write_status = files[static_cast<size_t>(f)]->Write(owned->text[static_cast<size_t>(f)],
                                                                  owned->rows[static_cast<size_t>(f)]);
            people = owned->rows[static_cast<size_t>(OutFile::kPersons)];
            if (progress) progress->Add(people);
          }));
  if (progress) progress->Finish();
  ICB_RETURN_IF_ERROR(write_status);
  for (auto& f : files) {
    ICB_RETURN_IF_ERROR(f->Close());
    summary.files.push_back(f->Summary());
  }

  // model.json: every parameter, the calibration report, the seed and the version.
  nlohmann::json model = params.ToJson();
  model["generator"] = {{"engine_version", ICB_ENGINE_VERSION}, {"model_version", params.version}};
  model["seed"] = o.seed;
  model["options"] = {{"persons", o.persons}, {"start_year", o.start_year}, {"years", o.years},
                      {"calibration_persons", o.calibration_persons}, {"calibration_rounds", o.calibration_rounds}};
  model["period"] = {{"start", icb::Date(ctx.period.start).ToIso()}, {"end_exclusive", icb::Date(ctx.period.end).ToIso()},
                     {"qof_date", icb::Date(ctx.period.qof_date).ToIso()},
                     {"calibration_financial_year", ctx.period.FyLabel(ctx.period.target_fy)},
                     {"truth_financial_years", {ctx.period.FyLabel(std::max(0, o.years - 2)), ctx.period.FyLabel(o.years - 1)}}};
  model["population"] = {{"persons", plan.total}, {"residents_at_start", plan.residents}, {"births", plan.births},
                         {"in_migrants", plan.in_migrants}};
  nlohmann::json pf = nlohmann::json::object();
  for (size_t i = 0; i < ref->practices.size(); ++i) {
    nlohmann::json f = nlohmann::json::object();
    for (int c = 0; c < kConditionCount; ++c) f[std::string(kQofConditions[c])] = params.practice_factor[i][c];
    pf[ref->practices[i].code] = f;
  }
  model["practice_factor"] = pf;
  model["reference_dir"] = ref_dir;
  const std::string model_text = model.dump(1) + "\n";
  const std::string model_path = o.truth_dir + "/model.json";
  ICB_RETURN_IF_ERROR(WriteFileAtomic(model_path, model_text));
  summary.files.push_back({model_path, 0, model_text.size()});

  summary.generation_seconds = Seconds(t_gen);
  for (const auto& f : summary.files) {
    summary.rows += f.rows;
    summary.bytes += f.bytes;
  }
  return summary;
}

}  // namespace icb::synth
