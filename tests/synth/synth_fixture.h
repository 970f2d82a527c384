// Shared helpers for the synthetic ICB tests: one generated ICB (20,000 residents, three financial
// years 2020/21-2022/23, so it holds 31 March 2023 and FY 2022/23), built once per test binary and
// cached beside it (keyed by the binary's modification time, so a rebuild regenerates it); a
// streaming CSV reader; date helpers. Tests read only the CSVs and truth files, like a user would.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/date.h"
#include "synth/generator.h"

namespace icb::synth::testing {

inline constexpr uint64_t kFixturePersons = 20000;
inline constexpr uint64_t kFixtureSeed = 11;
inline constexpr int kFixtureYears = 3;

struct Fixture {
  std::string out, truth;
};

// Splits one CSV line (RFC 4180 quotes, no embedded newlines) into fields.
inline void SplitCsv(std::string_view line, std::vector<std::string>& fields) {
  fields.clear();
  std::string f;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        f.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        f.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(f));
      f.clear();
    } else {
      f.push_back(c);
    }
  }
  fields.push_back(std::move(f));
}

// Calls fn(fields) for every data row of `path`; returns the header.
inline std::vector<std::string> ForEachRow(const std::string& path,
                                           const std::function<void(const std::vector<std::string>&)>& fn) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::string line;
  std::vector<std::string> header, fields;
  if (std::getline(in, line)) SplitCsv(line, header);
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    SplitCsv(line, fields);
    fn(fields);
  }
  return header;
}

inline int Col(const std::vector<std::string>& header, std::string_view name) {
  for (size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return static_cast<int>(i);
  ADD_FAILURE() << "missing column " << name;
  return 0;
}

inline int32_t Day(std::string_view iso) {
  auto d = icb::Date::ParseIso(iso);
  return d ? d->days() : INT32_MIN;
}
inline int32_t Day(int y, int m, int d) { return icb::Date::FromCivil(y, m, d).days(); }

// The shared fixture, generated on first use.
inline const Fixture& SharedFixture() {
  static const Fixture fixture = [] {
    namespace fs = std::filesystem;
    const fs::path exe = fs::read_symlink("/proc/self/exe");
    const auto stamp = fs::last_write_time(exe).time_since_epoch().count();
    // One fixture per test binary (several binaries share this folder and ctest runs them at once:
    // a binary only ever removes its own earlier fixtures, never another binary's).
    const std::string prefix = "synth_fixture_" + exe.filename().string() + "_";
    const std::string key = prefix + std::to_string(stamp);
    const fs::path base = exe.parent_path();
    const fs::path dir = base / key;
    for (const auto& e : fs::directory_iterator(base)) {  // remove this binary's fixtures of earlier builds
      const std::string name = e.path().filename().string();
      if (name.rfind(prefix, 0) == 0 && name != key && name.find(".tmp") == std::string::npos) {
        std::error_code ec;
        fs::remove_all(e.path(), ec);  // another process of this binary may be removing it too
      }
    }
    if (!fs::exists(dir / "done")) {
      const fs::path tmp = base / (key + ".tmp" + std::to_string(::getpid()));
      SynthOptions o;
      o.persons = kFixturePersons;
      o.seed = kFixtureSeed;
      o.years = kFixtureYears;
      o.out_dir = (tmp / "csv").string();
      o.truth_dir = (tmp / "truth").string();
      o.calibration_persons = 100000;
      o.progress = false;
      auto r = GenerateSyntheticIcb(o);
      EXPECT_TRUE(r.ok()) << r.status().ToString();
      std::ofstream(tmp / "done") << "ok\n";
      std::error_code ec;
      fs::rename(tmp, dir, ec);
      if (ec) fs::remove_all(tmp);  // another test process got there first
    }
    return Fixture{(dir / "csv").string(), (dir / "truth").string()};
  }();
  return fixture;
}

}  // namespace icb::synth::testing
