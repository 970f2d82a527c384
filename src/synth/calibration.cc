#include "synth/calibration.h"

#include <algorithm>
#include <cmath>

#include "core/parallel.h"
#include "core/progress.h"
#include "data/types.h"
#include "synth/population_plan.h"

namespace icb::synth {
namespace {

// The calibration sample's seed: fixed, so the fitted model does not depend on the user's seed.
constexpr uint64_t kCalibrationSeed = 0x5EEDCA11B8A7E5ULL;
// Shrinkage of a practice's QOF prevalence towards its sub-ICB's, in patients (empirical Bayes).
constexpr double kPracticeShrinkage = 200.0;

CalibrationTally RunSample(const SynthContext& ctx, const PopulationPlan& plan, Progress* progress) {
  std::vector<CalibrationTally> tallies(plan.blocks.size());
  ParallelFor(plan.blocks.size(), 1, [&](size_t lo, size_t hi) {
    PersonSimulator sim(ctx, kCalibrationSeed);
    PersonHistory h;
    for (size_t b = lo; b < hi; ++b) {
      auto& t = tallies[b];
      t.Init(ctx.period.years, ctx.ref.sub_icbs.size());
      const BlockPlan& bp = plan.blocks[b];
      for (uint32_t i = 0; i < bp.size(); ++i) sim.Simulate(bp.Spec(i), h, false, &t);
      if (progress) progress->Add(bp.size());
    }
  });
  CalibrationTally total;
  total.Init(ctx.period.years, ctx.ref.sub_icbs.size());
  for (const auto& t : tallies) total.Add(t);  // block order: independent of threads
  return total;
}

}  // namespace

double TargetPerPersonYear(const SynthContext& ctx, Measure m) {
  const auto* t = ctx.ref.Target(ctx.params.measures[M(m)].name);
  return t ? t->rate_per_1000 / 1000.0 : 0.0;
}

double QofPooledPrevalence(const ReferenceData& ref, int condition, const std::vector<int>& practices) {
  double reg = 0, list = 0;
  auto add = [&](const PracticeRef& p) {
    reg += p.qof[condition].register_count;
    list += p.qof[condition].list_size;
  };
  if (practices.empty())
    for (const auto& p : ref.practices) add(p);
  else
    for (int i : practices) add(ref.practices[static_cast<size_t>(i)]);
  return list > 0 ? reg / list : 0.0;
}

Status Calibrate(SynthContext& ctx, const CalibrationOptions& options) {
  if (options.sample_persons < kBlockSize) return Status::InvalidInput("calibration sample too small");
  ModelParams& p = ctx.params;
  const ReferenceData& ref = ctx.ref;
  const int T = ctx.period.target_fy;

  // Targets: QOF pooled prevalence per condition; each practice's prevalence shrunk to its sub-ICB.
  std::array<double, kConditionCount> qof_target{};
  for (int c = 0; c < kConditionCount; ++c) qof_target[c] = QofPooledPrevalence(ref, c);
  std::vector<std::array<double, kConditionCount>> practice_prev(ref.practices.size());
  for (size_t s = 0; s < ref.sub_icbs.size(); ++s) {
    for (int c = 0; c < kConditionCount; ++c) {
      const double prior = QofPooledPrevalence(ref, c, ref.sub_icbs[s].practices);
      for (int pi : ref.sub_icbs[s].practices) {
        const QofEntry& q = ref.practices[static_cast<size_t>(pi)].qof[c];
        practice_prev[static_cast<size_t>(pi)][c] =
            (q.register_count + kPracticeShrinkage * prior) / (q.list_size + kPracticeShrinkage);
      }
    }
  }
  const std::array<Measure, 9> expected_measures = {Measure::kGp, Measure::kAe, Measure::kEl, Measure::kDc,
                                                    Measure::kMat, Measure::kOpFirst, Measure::kOpFollowUp,
                                                    Measure::kCommunity, Measure::kMentalHealth};

  nlohmann::json rounds = nlohmann::json::array();
  // The sample's make-up must match the generated population's, so it is re-planned when the
  // calibrated in-migration rate moves (only early on: a fixed plan keeps the same people from
  // round to round, which makes the later rounds converge smoothly).
  PopulationPlan plan =
      PlanPopulation(options.sample_persons, kCalibrationSeed, p.birth_rate, p.in_migration_rate, ctx.period.years);
  double planned_rate = p.in_migration_rate;
  std::unique_ptr<Progress> progress;
  if (options.progress)
    progress = std::make_unique<Progress>("calibrating", plan.total * static_cast<uint64_t>(options.rounds), "persons");
  for (int round = 0; round < options.rounds; ++round) {
    if (std::abs(p.in_migration_rate / planned_rate - 1.0) > 0.02) {
      plan = PlanPopulation(options.sample_persons, kCalibrationSeed, p.birth_rate, p.in_migration_rate,
                            ctx.period.years);
      planned_rate = p.in_migration_rate;
    }
    const CalibrationTally t = RunSample(ctx, plan, progress.get());
    nlohmann::json report;
    report["round"] = round;
    const double py = t.person_years[static_cast<size_t>(T)];
    if (py <= 0) return Status::Internal("calibration sample has no person-years in the target year");

    // Long-term conditions. Round 0 fixes mortality first. Round 1 measures the model's shape by
    // sub-ICB at the QOF date, and practice factors map each practice's QOF prevalence onto that
    // shape; later rounds correct the pooled level with k only (damped: both would chase the same gap).
    nlohmann::json conds = nlohmann::json::object();
    for (int c = 0; c < kConditionCount; ++c) {
      const double achieved = t.prev_den[c] > 0 ? t.prev_num[c] / t.prev_den[c] : 0.0;
      conds[std::string(kQofConditions[c])] = {{"target", qof_target[c]}, {"achieved", achieved}, {"k", p.conditions[c].k}};
      if (round >= 2 && achieved > 0)
        p.conditions[c].k *= std::pow(std::clamp(qof_target[c] / achieved, 0.5, 2.0), 0.8);
      if (round != 1) continue;
      for (size_t s = 0; s < ref.sub_icbs.size(); ++s) {
        const double shape = t.shape_den[s][c] > 0 ? t.shape_sum[s][c] / t.shape_den[s][c] : 0.0;
        for (int pi : ref.sub_icbs[s].practices) {
          const double f = shape > 0 ? practice_prev[static_cast<size_t>(pi)][c] / shape : 1.0;
          p.practice_factor[static_cast<size_t>(pi)][c] = std::clamp(f, 0.0, 50.0);
        }
      }
    }
    report["qof_prevalence_at_" + std::to_string(ctx.period.start_year + T + 1) + "_03_31"] = conds;

    // Activity rates in the target year.
    nlohmann::json acts = nlohmann::json::object();
    const double damping = round == 0 ? 1.0 : 0.85;
    auto fit = [&](Measure m, double achieved, double power) {
      const double target = TargetPerPersonYear(ctx, m);
      acts[MeasureName(m)] = {{"target_per_person_year", target}, {"achieved", achieved}, {"k", p.measures[M(m)].k}};
      if (achieved > 0) p.measures[M(m)].k *= std::pow(std::clamp(target / achieved, 0.2, 5.0), power * damping);
    };
    for (Measure m : expected_measures) fit(m, t.expected[static_cast<size_t>(T)][M(m)] / py, 1.0);
    fit(Measure::kNel, t.nel_spells[static_cast<size_t>(T)] / py, 1.0);
    fit(Measure::kSocialCare, t.sc_people[static_cast<size_t>(T)] / py, 1.2);
    {
      const double target = TargetPerPersonYear(ctx, Measure::kRxAcute);
      const double repeat = t.rx_repeat_items[static_cast<size_t>(T)] / py;
      const double acute = t.expected[static_cast<size_t>(T)][M(Measure::kRxAcute)] / py;
      acts["prescription_items"] = {{"target_per_person_year", target}, {"achieved", repeat + acute},
                                    {"repeat_items", repeat}, {"acute_items", acute},
                                    {"k_acute", p.measures[M(Measure::kRxAcute)].k}};
      if (acute > 0) p.measures[M(Measure::kRxAcute)].k *= std::max(0.05 * acute, target - repeat) / acute;
    }
    report["activity_per_person_year_fy" + ctx.period.FyLabel(T)] = acts;

    // Mortality normalisation and migration balance.
    for (int s = 0; s < 2; ++s)
      for (int b = 0; b < kAgeBands; ++b)
        if (t.mort_exposure[s][b] > 50) p.mortality_norm[s][b] = t.mort_sum[s][b] / t.mort_exposure[s][b];
    double deaths = 0, moves = 0, years = 0;
    for (size_t y = 0; y < t.person_years.size(); ++y) {
      deaths += t.deaths[y];
      moves += t.out_moves[y];
      years += t.person_years[y];
    }
    p.in_migration_rate = years > 0 ? moves / years : p.in_migration_rate;
    report["deaths_per_person_year"] = years > 0 ? deaths / years : 0.0;
    report["out_migration_per_person_year"] = p.in_migration_rate;
    report["person_years_target_year"] = py;
    rounds.push_back(report);
  }
  p.calibration = {{"sample_persons", options.sample_persons},
                   {"sample_total_persons", plan.total},
                   {"sample_seed", kCalibrationSeed},
                   {"rounds", rounds},
                   {"target_financial_year", ctx.period.FyLabel(T)},
                   {"practice_shrinkage_patients", kPracticeShrinkage},
                   {"note", "achieved values of each round are before that round's update; k values after the "
                            "last update are in conditions.*.k and measures.*.k"}};
  return Status::Ok();
}

}  // namespace icb::synth
