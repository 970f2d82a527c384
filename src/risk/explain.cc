#include "risk/explain.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace icb::risk {

std::string DescribeFeature(const FeatureDef& def, float value) { return FormatFeatureWording(def.wording, value); }

std::vector<Reason> ExplainRow(const std::vector<FeatureDef>& catalogue, const model::FeatureMatrix& m,
                               std::span<const float> contributions, size_t row, size_t max_reasons) {
  std::vector<Reason> all;
  const size_t stride = m.cols + 1;
  for (size_t c = 0; c < m.cols && c < catalogue.size(); ++c) {
    const float phi = contributions[row * stride + c];
    if (!(phi > 0)) continue;
    std::string text = DescribeFeature(catalogue[c], m.at(row, c));
    if (text.empty()) continue;
    all.push_back({c, phi, std::move(text)});
  }
  std::sort(all.begin(), all.end(), [](const Reason& a, const Reason& b) {
    return a.contribution != b.contribution ? a.contribution > b.contribution : a.feature < b.feature;
  });
  // One reason per kind of event: "3 emergency admissions in the last 12 months" makes the 6- and
  // 24-month counts of the same admissions redundant.
  auto family = [&](size_t c) {
    const std::string& name = catalogue[c].name;
    const size_t us = name.rfind('_');
    if (us != std::string::npos && name.size() > us + 2 && name.back() == 'm' &&
        std::all_of(name.begin() + static_cast<long>(us) + 1, name.end() - 1, [](char ch) { return ch >= '0' && ch <= '9'; })) {
      return name.substr(0, us);
    }
    return name;
  };
  std::vector<Reason> out;
  for (auto& r : all) {
    if (out.size() >= max_reasons) break;
    const std::string fam = family(r.feature);
    const bool dup = std::any_of(out.begin(), out.end(), [&](const Reason& o) {
      return family(o.feature) == fam || o.text == r.text;
    });
    if (!dup) out.push_back(std::move(r));
  }
  return out;
}

std::string JoinReasons(const std::vector<Reason>& reasons) {
  std::string out;
  for (const auto& r : reasons) {
    if (!out.empty()) out += "; ";
    out += r.text;
  }
  return out;
}

}  // namespace icb::risk
