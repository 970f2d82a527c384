#include "stats/spc.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>

namespace icb::stats {
namespace {

constexpr double kLimitFactor = 2.66;   // 3 / d2, d2 = 1.128 for moving ranges of 2
constexpr double kScreenFactor = 3.267;  // D4 for n = 2: moving ranges at or above 3.267 AMR are screened
constexpr int kMinFixedBaseline = 12;

int Sign(double x) { return x > 0 ? 1 : (x < 0 ? -1 : 0); }

// Which rule each point of one group meets, by precedence: outside > trend > 2 in 3 > run.
void ApplyRules(std::vector<SpcPointResult*>& g, const SpcOptions& o) {
  const size_t n = g.size();
  std::vector<int> trend_dir(n, 0), two_in_three(n, 0), run(n, 0);
  // Trends: maximal stretches of same-signed consecutive differences.
  {
    std::vector<int> diff(n, 0);  // diff[i] = sign(y[i] - y[i-1])
    for (size_t i = 1; i < n; ++i) diff[i] = Sign(g[i]->value - g[i - 1]->value);
    size_t i = 1;
    while (i < n) {
      if (diff[i] == 0) { ++i; continue; }
      const int s = diff[i];
      size_t j = i, nonzero = 0;
      while (j < n && (diff[j] == s || (!o.tie_breaks_trend && diff[j] == 0))) {
        if (diff[j] != 0) ++nonzero;
        ++j;
      }
      // Points i-1 .. j-1; ties do not count towards the length when they do not break trends.
      if (static_cast<int>(nonzero) + 1 >= o.run_length)
        for (size_t k = i - 1; k < j; ++k) trend_dir[k] = s;
      i = j;
    }
    // Label direction: towards the next point if it is also in a trend, else from the previous one.
    std::vector<int> label(n, 0);
    for (size_t k = 0; k < n; ++k) {
      if (trend_dir[k] == 0) continue;
      int d = 0;
      if (k + 1 < n && trend_dir[k + 1] != 0) d = Sign(g[k + 1]->value - g[k]->value);
      if (d == 0 && k > 0) d = Sign(g[k]->value - g[k - 1]->value);
      label[k] = d != 0 ? d : trend_dir[k];
    }
    trend_dir = label;
  }
  // Two of three close to a limit, all three on the same side of the mean.
  for (size_t i = 0; i + 2 < n; ++i) {
    const int side = g[i]->relative_to_mean + g[i + 1]->relative_to_mean + g[i + 2]->relative_to_mean;
    if (std::abs(side) != 3) continue;
    int close = 0;
    for (size_t k = i; k < i + 3; ++k) close += g[k]->close_to_limits ? 1 : 0;
    if (close < 2) continue;
    for (size_t k = i; k < i + 3; ++k)
      if (g[k]->close_to_limits) two_in_three[k] = side > 0 ? 1 : -1;
  }
  // Runs on one side of the mean; a point on the mean breaks a run.
  for (size_t i = 0; i < n;) {
    const int s = g[i]->relative_to_mean;
    size_t j = i;
    while (j < n && g[j]->relative_to_mean == s) ++j;
    if (s != 0 && static_cast<int>(j - i) >= o.run_length)
      for (size_t k = i; k < j; ++k) run[k] = s;
    i = j;
  }
  for (size_t k = 0; k < n; ++k) {
    SpcPointResult& p = *g[k];
    if (p.outside_limits) p.rule = p.value > p.upl ? SpcRule::kAboveLimit : SpcRule::kBelowLimit;
    else if (trend_dir[k] != 0) p.rule = trend_dir[k] > 0 ? SpcRule::kTrendIncreasing : SpcRule::kTrendDecreasing;
    else if (two_in_three[k] != 0) p.rule = two_in_three[k] > 0 ? SpcRule::kTwoInThreeAbove : SpcRule::kTwoInThreeBelow;
    else if (run[k] != 0) p.rule = run[k] > 0 ? SpcRule::kRunAbove : SpcRule::kRunBelow;
    else p.rule = SpcRule::kCommonCause;
  }
}

int RuleSign(SpcRule r) {
  switch (r) {
    case SpcRule::kAboveLimit: case SpcRule::kTrendIncreasing: case SpcRule::kTwoInThreeAbove: case SpcRule::kRunAbove:
      return 1;
    case SpcRule::kBelowLimit: case SpcRule::kTrendDecreasing: case SpcRule::kTwoInThreeBelow: case SpcRule::kRunBelow:
      return -1;
    case SpcRule::kCommonCause: return 0;
  }
  return 0;
}

int DirectionSign(SpcImprovement d) {
  return d == SpcImprovement::kIncrease ? 1 : (d == SpcImprovement::kDecrease ? -1 : 0);
}

}  // namespace

Result<SpcImprovement> ParseSpcImprovement(std::string_view text) {
  if (text == "increase") return SpcImprovement::kIncrease;
  if (text == "decrease") return SpcImprovement::kDecrease;
  if (text == "neutral") return SpcImprovement::kNeutral;
  return Status::InvalidInput("improvement direction must be increase, decrease or neutral, got '" + std::string(text) + "'");
}

Result<SpcOptions> SpcPreset(std::string_view name) {
  SpcOptions o;
  if (name == "NHSRplotthedots-0.2.2") return o;
  if (name == "MDC-Excel-current") {
    o.screen_outliers = false;
    o.two_sigma_includes_beyond = true;
    return o;
  }
  return Status::InvalidInput("unknown SPC preset '" + std::string(name) +
                              "' (expected NHSRplotthedots-0.2.2 or MDC-Excel-current)");
}

std::string SpcRuleLabel(SpcRule rule, int run_length) {
  switch (rule) {
    case SpcRule::kCommonCause: return "Common Cause";
    case SpcRule::kAboveLimit: return "Above UCL";
    case SpcRule::kBelowLimit: return "Below LCL";
    case SpcRule::kTrendIncreasing: return fmt::format("{} Point Trend (Increasing)", run_length);
    case SpcRule::kTrendDecreasing: return fmt::format("{} Point Trend (Decreasing)", run_length);
    case SpcRule::kTwoInThreeAbove: return "2 in 3 Above CL";
    case SpcRule::kTwoInThreeBelow: return "2 in 3 Below CL";
    case SpcRule::kRunAbove: return fmt::format("{} Points Above CL", run_length);
    case SpcRule::kRunBelow: return fmt::format("{} Points Below CL", run_length);
  }
  return "";
}

std::string_view SpcPointTypeName(SpcPointType t) {
  switch (t) {
    case SpcPointType::kCommonCause: return "common_cause";
    case SpcPointType::kImprovement: return "special_cause_improvement";
    case SpcPointType::kConcern: return "special_cause_concern";
    case SpcPointType::kNeutralHigh: return "special_cause_neutral_high";
    case SpcPointType::kNeutralLow: return "special_cause_neutral_low";
  }
  return "";
}

SpcLimits SpcBaselineLimits(const std::vector<double>& values, size_t baseline, bool screen_outliers) {
  SpcLimits out;
  baseline = std::min(baseline, values.size());
  if (baseline == 0) return out;
  out.mean = std::accumulate(values.begin(), values.begin() + baseline, 0.0) / baseline;
  std::vector<double> mr;
  for (size_t i = 1; i < baseline; ++i) mr.push_back(std::fabs(values[i] - values[i - 1]));
  if (mr.empty()) return out;
  out.amr = std::accumulate(mr.begin(), mr.end(), 0.0) / mr.size();
  if (screen_outliers) {
    const double cut = kScreenFactor * out.amr;
    double sum = 0;
    size_t kept = 0;
    for (double m : mr)
      if (m < cut) { sum += m; ++kept; }
    if (kept > 0) out.amr = sum / kept;
  }
  return out;
}

Result<SpcResult> CalculateSpc(const std::vector<SpcPoint>& points, const SpcOptions& o) {
  if (o.run_length < 2) return Status::InvalidInput("spc: the run length must be at least 2");
  if (o.fix_after_n_points < 0 || (o.fix_after_n_points > 0 && o.fix_after_n_points < kMinFixedBaseline))
    return Status::InvalidInput(fmt::format("spc: a fixed baseline must have at least {} points", kMinFixedBaseline));
  // Facets in order of first appearance.
  std::vector<std::string> facet_order;
  std::map<std::string, std::vector<size_t>> by_facet;
  for (size_t i = 0; i < points.size(); ++i) {
    const auto& p = points[i];
    if (p.period.empty()) return Status::InvalidInput(fmt::format("spc: point {} has no period", i + 1));
    if (!std::isfinite(p.value))
      return Status::InvalidInput(fmt::format("spc: point {} (period {}) has no value", i + 1, p.period));
    auto [it, inserted] = by_facet.try_emplace(p.facet);
    if (inserted) facet_order.push_back(p.facet);
    it->second.push_back(i);
  }
  SpcResult result;
  const int dir = DirectionSign(o.improvement);
  for (const std::string& facet : facet_order) {
    std::vector<size_t>& idx = by_facet[facet];
    std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return points[a].period < points[b].period; });
    for (size_t k = 1; k < idx.size(); ++k)
      if (points[idx[k]].period == points[idx[k - 1]].period)
        return Status::InvalidInput(fmt::format("spc: period {} appears twice{}", points[idx[k]].period,
                                                facet.empty() ? "" : " in facet " + facet));
    const size_t first = result.points.size();
    int group = 0;
    for (size_t k = 0; k < idx.size(); ++k) {
      const SpcPoint& p = points[idx[k]];
      if (p.rebase && k > 0) ++group;
      SpcPointResult r;
      r.period = p.period;
      r.facet = p.facet;
      r.value = p.value;
      r.rebase_group = group;
      result.points.push_back(r);
    }
    // Limits and rules per rebase group.
    for (int gno = 0; gno <= group; ++gno) {
      std::vector<SpcPointResult*> g;
      std::vector<double> values;
      for (size_t k = first; k < result.points.size(); ++k)
        if (result.points[k].rebase_group == gno) {
          g.push_back(&result.points[k]);
          values.push_back(result.points[k].value);
        }
      if (static_cast<int>(g.size()) < o.short_group_warning)
        result.warnings.push_back(fmt::format("{}rebase group {} has {} points: limits from fewer than {} points are unreliable",
                                              facet.empty() ? "" : "facet " + facet + ": ", gno, g.size(),
                                              o.short_group_warning));
      if (static_cast<int>(g.size()) < o.min_points_for_limits) continue;
      const size_t baseline = o.fix_after_n_points > 0 ? static_cast<size_t>(o.fix_after_n_points) : values.size();
      const SpcLimits lim = SpcBaselineLimits(values, baseline, o.screen_outliers);
      for (SpcPointResult* p : g) {
        p->mean = lim.mean;
        p->lpl = lim.mean - kLimitFactor * lim.amr;
        p->upl = lim.mean + kLimitFactor * lim.amr;
        p->near_lower = lim.mean - 2.0 / 3.0 * kLimitFactor * lim.amr;
        p->near_upper = lim.mean + 2.0 / 3.0 * kLimitFactor * lim.amr;
        p->outside_limits = p->value > p->upl || p->value < p->lpl;
        p->relative_to_mean = Sign(p->value - p->mean);
        const bool beyond_near = p->value > p->near_upper || p->value < p->near_lower;
        p->close_to_limits = beyond_near && (o.two_sigma_includes_beyond || !p->outside_limits);
      }
      if (std::isfinite(lim.amr)) ApplyRules(g, o);
    }
    // Point types and the facet summary.
    SpcFacetSummary s;
    s.facet = facet;
    s.n = result.points.size() - first;
    for (size_t k = first; k < result.points.size(); ++k) {
      SpcPointResult& p = result.points[k];
      const int sign = RuleSign(p.rule);
      if (sign == 0) p.point_type = SpcPointType::kCommonCause;
      else if (dir == 0) p.point_type = sign > 0 ? SpcPointType::kNeutralHigh : SpcPointType::kNeutralLow;
      else p.point_type = sign * dir > 0 ? SpcPointType::kImprovement : SpcPointType::kConcern;
      switch (p.point_type) {
        case SpcPointType::kCommonCause: ++s.common_cause; break;
        case SpcPointType::kImprovement: ++s.special_cause_improvement; break;
        case SpcPointType::kConcern: ++s.special_cause_concern; break;
        default: ++s.special_cause_neutral; break;
      }
    }
    if (s.n > 0) {
      const SpcPointResult& last = result.points.back();
      s.mean = last.mean;
      s.lpl = last.lpl;
      s.upl = last.upl;
      const bool high = RuleSign(last.rule) > 0;
      switch (last.point_type) {
        case SpcPointType::kCommonCause: s.variation = "common_cause"; break;
        case SpcPointType::kImprovement: s.variation = high ? "improvement_high" : "improvement_low"; break;
        case SpcPointType::kConcern: s.variation = high ? "concern_high" : "concern_low"; break;
        case SpcPointType::kNeutralHigh: s.variation = "neutral_high"; break;
        case SpcPointType::kNeutralLow: s.variation = "neutral_low"; break;
      }
      if (o.target && dir != 0 && std::isfinite(last.upl)) {
        const double t = *o.target;
        if (t > last.upl) s.assurance = dir > 0 ? "consistent_fail" : "consistent_pass";
        else if (t < last.lpl) s.assurance = dir > 0 ? "consistent_pass" : "consistent_fail";
        else s.assurance = "inconsistent";
      }
    }
    result.facets.push_back(s);
  }
  return result;
}

}  // namespace icb::stats
