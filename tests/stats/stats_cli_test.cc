// `icb stats` end to end: the binary on small CSVs in a temporary directory. Checks column names,
// published values through the CLI, NA handling and errors naming file, line and column.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;

struct CliRun {
  int rc = -1;
  std::string out;  // stdout and stderr together
};

class StatsCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("icb_stats_cli_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    std::ofstream(p) << text;
    return p.string();
  }
  CliRun Icb(const std::string& args) {
    CliRun r;
    const std::string cmd = std::string(ICB_BIN) + " " + args + " 2>&1";
    FILE* pipe = ::popen(cmd.c_str(), "r");
    if (!pipe) return r;
    std::array<char, 4096> buf;
    size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
    const int status = ::pclose(pipe);
    r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
  }
  static std::vector<std::string> Lines(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string line; std::getline(in, line);)
      if (line.rfind("icb:", 0) != 0) out.push_back(line);  // drop stderr notes
    return out;
  }
  static std::vector<std::string> Fields(const std::string& line) {
    std::vector<std::string> out;
    std::string f;
    bool q = false;
    for (char c : line) {
      if (c == '"') q = !q;
      else if (c == ',' && !q) {
        out.push_back(f);
        f.clear();
      } else {
        f.push_back(c);
      }
    }
    out.push_back(f);
    // Pad so that a test indexing a missing field fails its expectation instead of crashing.
    while (out.size() < 24) out.push_back("<missing field>");
    return out;
  }
  fs::path dir_;
};

// Newcombe (1998) Table II 95% Wilson limits for 81/263: 0.2553-0.3662; PHEindicatormethods column
// names for two levels.
TEST_F(StatsCli, ProportionTwoLevels) {
  const std::string in = Write("p.csv", "group,numerator,denominator\nA,81,263\n");
  CliRun r = Icb("stats proportion --input " + in + " --confidence 0.95,0.998 --disclosure none");
  ASSERT_EQ(r.rc, 0) << r.out;
  auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out;
  EXPECT_EQ(lines[0],
            "group,numerator,denominator,value,lower95_0cl,upper95_0cl,lower99_8cl,upper99_8cl,confidence,statistic,"
            "method");
  auto f = Fields(lines[1]);
  EXPECT_EQ(f[11], "<missing field>");  // exactly 11 fields
  EXPECT_NEAR(std::stod(f[4]), 0.2553, 0.00005);
  EXPECT_NEAR(std::stod(f[5]), 0.3662, 0.00005);
  EXPECT_EQ(f[8], "95%, 99.8%");
  EXPECT_EQ(f[9], "proportion of 1");
  EXPECT_EQ(f[10], "Wilson");
}

TEST_F(StatsCli, ErrorsNameFileLineColumn) {
  const std::string neg = Write("neg.csv", "group,numerator,denominator\nA,5,100\nB,-2,100\n");
  CliRun r = Icb("stats rate --input " + neg);
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.out.find("neg.csv line 3 column 2 (numerator)"), std::string::npos) << r.out;
  const std::string text = Write("text.csv", "group,numerator,denominator\nA,5,lots\n");
  r = Icb("stats rate --input " + text);
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.out.find("text.csv line 2 column 3 (denominator): expected a number"), std::string::npos) << r.out;
  const std::string over = Write("over.csv", "numerator,denominator\n5,10\n11,10\n");
  r = Icb("stats proportion --input " + over);
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.out.find("over.csv line 3"), std::string::npos) << r.out;
  r = Icb("stats proportion --input " + (dir_ / "missing.csv").string());
  EXPECT_EQ(r.rc, 2) << r.out;
  r = Icb("stats proportion --input " + over + " --confidence 0.5");
  EXPECT_EQ(r.rc, 64) << r.out;
}

// Disclosure control is on by default: a numerator of 3 is redacted, and so are the values based on it.
TEST_F(StatsCli, DisclosureByDefault) {
  const std::string in = Write("d.csv", "group,numerator,denominator\nA,3,1000\nB,42,1000\n");
  CliRun r = Icb("stats rate --input " + in);
  ASSERT_EQ(r.rc, 0) << r.out;
  auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 3u);
  auto a = Fields(lines[1]), b = Fields(lines[2]);
  EXPECT_EQ(a[1], "*");
  EXPECT_EQ(a[3], "*");
  EXPECT_EQ(b[1], "40");  // rounded to 5
  EXPECT_EQ(b[7], "rate per 100000");
}

// PHEindicatormethods testLifeExpectancy.R df1: e0 = 80.16960813 (79.88268548, 80.45653078), with
// labelled bands in file order.
TEST_F(StatsCli, LifeExpectancyAtBirth) {
  const char* bands[] = {"0",     "1-4",   "5-9",   "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44",
                         "45-49", "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+"};
  const int pops[] = {7060,  35059, 46974, 48489, 43219, 38561, 46009, 57208, 61435, 55601,
                      50209, 56416, 46411, 39820, 37978, 37039, 33288, 23306, 11936, 11936};
  const int deaths[] = {17, 9, 4, 8, 20, 15, 24, 33, 50, 71, 100, 163, 263, 304, 536, 872, 1390, 1605, 1936, 1937};
  std::string csv = "area,age_band,numerator,denominator\n";
  for (int i = 0; i < 20; ++i)
    csv += "X," + std::string(bands[i]) + "," + std::to_string(deaths[i]) + "," + std::to_string(pops[i]) + "\n";
  const std::string in = Write("le.csv", csv);
  CliRun r = Icb("stats life-expectancy --input " + in + " --group-col area --at-age 0");
  ASSERT_EQ(r.rc, 0) << r.out;
  auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out;
  EXPECT_EQ(lines[0], "area,age,value,lowercl,uppercl,confidence,statistic,method");
  auto f = Fields(lines[1]);
  EXPECT_NEAR(std::stod(f[2]), 80.16960813, 1e-6 * 80);
  EXPECT_NEAR(std::stod(f[3]), 79.88268548, 1e-6 * 80);
  EXPECT_NEAR(std::stod(f[4]), 80.45653078, 1e-6 * 80);
  EXPECT_EQ(f[6], "life expectancy at 0");
  r = Icb("stats life-expectancy --input " + in + " --group-col area");
  ASSERT_EQ(r.rc, 0);
  EXPECT_EQ(Lines(r.out).size(), 21u);
}

// calculate_dsr rules through the CLI: bands matched by label against ESP 2013; a missing band is an
// error naming it; an NA numerator counts as 0; total count < 10 gives empty value and limits.
TEST_F(StatsCli, DsrBandsAndSmallCounts) {
  const char* esp[] = {"0-4",   "5-9",   "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49",
                       "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+"};
  std::string csv = "group,age_band,numerator,denominator\n";
  for (int i = 18; i >= 0; --i) csv += "big," + std::string(esp[i]) + ",10,1000\n";
  for (int i = 0; i < 19; ++i) csv += std::string("small,") + esp[i] + "," + (i == 3 ? "NA" : i < 5 ? "1" : "0") + ",1000\n";
  const std::string in = Write("dsr.csv", csv);
  CliRun r = Icb("stats dsr --input " + in + " --disclosure none");
  ASSERT_EQ(r.rc, 0) << r.out;
  auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 3u) << r.out;
  EXPECT_EQ(lines[0], "group,total_count,total_pop,value,lowercl,uppercl,confidence,statistic,method");
  auto big = Fields(lines[1]), small = Fields(lines[2]);
  EXPECT_EQ(big[1], "190");
  EXPECT_NEAR(std::stod(big[3]), 1000.0, 1e-9);  // equal band rates: the DSR is that rate
  EXPECT_EQ(small[1], "4");
  EXPECT_EQ(small[3], "");
  EXPECT_EQ(small[4], "");
  EXPECT_EQ(small[7], "dsr NA for total count < 10");
  const std::string gap = Write("gap.csv", "age_band,numerator,denominator\n0-4,10,100\n");
  r = Icb("stats dsr --input " + gap);
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.out.find("no row for age band '5-9'"), std::string::npos) << r.out;
  const std::string odd = Write("odd.csv", "age_band,numerator,denominator\n0-4,10,100\n95+,1,10\n");
  r = Icb("stats dsr --input " + odd);
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.out.find("odd.csv line 3 column 1 (age_band)"), std::string::npos) << r.out;
}

// Non-independent events: one frequency of 1 per band reproduces the plain DSR (calculate_dsr with
// independent_events = FALSE and eventfreq 1 is the independent calculation).
TEST_F(StatsCli, DsrEventFrequency) {
  const char* esp[] = {"0-4",   "5-9",   "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49",
                       "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+"};
  std::string plain = "age_band,numerator,denominator\n", freq = "age_band,freq,numerator,denominator\n";
  for (int i = 0; i < 19; ++i) {
    plain += std::string(esp[i]) + "," + std::to_string(i + 1) + ",1000\n";
    freq += std::string(esp[i]) + ",1," + std::to_string(i + 1) + ",1000\n";
  }
  CliRun a = Icb("stats dsr --input " + Write("plain.csv", plain) + " --disclosure none");
  CliRun b = Icb("stats dsr --input " + Write("freq.csv", freq) + " --event-frequency-col freq --disclosure none");
  ASSERT_EQ(a.rc, 0) << a.out;
  ASSERT_EQ(b.rc, 0) << b.out;
  ASSERT_EQ(Lines(a.out).size(), 2u);
  ASSERT_EQ(Lines(b.out).size(), 2u);
  auto fa = Fields(Lines(a.out)[1]), fb = Fields(Lines(b.out)[1]);
  EXPECT_EQ(fb[8], "<missing field>");  // exactly 8 fields
  EXPECT_EQ(fa[2], fb[2]);  // value
  EXPECT_EQ(fa[3], fb[3]);  // lowercl
  EXPECT_EQ(fb[7], "Dobson, with confidence adjusted for non-independent events");
}

// ISR by hand (see rates_test.cc Isr.RatioAndRateByHand): E = 20, O = 30, ratio 150.
TEST_F(StatsCli, IsrRatioAndRate) {
  const std::string ref = Write("ref.csv", "age_band,numerator,denominator\nyoung,50,5000\nold,200,10000\n");
  const std::string in = Write("isr.csv", "group,age_band,numerator,denominator\nA,young,12,1000\nA,old,18,500\n");
  CliRun r = Icb("stats isr --input " + in + " --reference " + ref + " --disclosure none");
  ASSERT_EQ(r.rc, 0) << r.out;
  auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "group,observed,expected,value,lowercl,uppercl,confidence,statistic,method");
  auto f = Fields(lines[1]);
  EXPECT_NEAR(std::stod(f[3]), 150, 1e-9);
  EXPECT_EQ(f[7], "indirectly standardised ratio x 100");
  r = Icb("stats isr --rate --input " + in + " --reference " + ref + " --disclosure none");
  ASSERT_EQ(r.rc, 0) << r.out;
  ASSERT_EQ(Lines(r.out).size(), 2u) << r.out;
  f = Fields(Lines(r.out)[1]);
  EXPECT_NEAR(std::stod(f[4]), 2500, 1e-6);  // value column follows reference_rate
}

// Missing numerator (empty or NA) in proportion and rate: the row's value and limits are empty (R's sum
// without na.rm); zero numerator: value 0 with lower limit 0.
TEST_F(StatsCli, MissingAndZeroNumerators) {
  const std::string in = Write("na.csv", "group,numerator,denominator\nA,NA,100\nB,0,100\n");
  CliRun r = Icb("stats rate --input " + in + " --disclosure none");
  ASSERT_EQ(r.rc, 0) << r.out;
  auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 3u);
  auto a = Fields(lines[1]), b = Fields(lines[2]);
  EXPECT_EQ(a[1], "");
  EXPECT_EQ(a[3], "");
  EXPECT_EQ(a[7], "rate per 100000");
  EXPECT_EQ(b[3], "0");
  EXPECT_EQ(b[4], "0");
  EXPECT_EQ(b[8], "Exact");
}

TEST_F(StatsCli, MeanAndQuantile) {
  const std::string in = Write("m.csv", "group,value\nA,1\nA,2\nA,3\nB,4\nB,\n");
  CliRun r = Icb("stats mean --input " + in);
  ASSERT_EQ(r.rc, 0) << r.out;
  auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "group,value_sum,value_count,stdev,value,lowercl,uppercl,confidence,statistic,method");
  EXPECT_EQ(Fields(lines[1])[4], "2");
  EXPECT_EQ(Fields(lines[2])[4], "");  // a missing value makes the mean NA
  const std::string q = Write("q.csv", "area,score\na,10\nb,40\nc,20\nd,30\n");
  r = Icb("stats quantile --input " + q + " --value-col score --nquantiles 2");
  ASSERT_EQ(r.rc, 0) << r.out;
  lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0], "area,score,quantile,nquantiles,qinverted");
  EXPECT_EQ(Fields(lines[1])[2], "2");  // inverted by default: the lowest score is in the top quantile
  EXPECT_EQ(Fields(lines[2])[2], "1");
}

// ---- SII, funnels and SPC through the CLI ----

std::string SignificanceLabel(const std::string& code) {
  if (code == "H001") return "High (0.001)";
  if (code == "H025") return "High (0.025)";
  if (code == "L001") return "Low (0.001)";
  if (code == "L025") return "Low (0.025)";
  return "Not significant";
}

// PHEindicatormethods' funnel test data (tests/data/stats/README.md): every unit's significance
// label through `icb stats funnel`, for ratios (exact Poisson) and proportions (Wilson).
TEST_F(StatsCli, FunnelSignificanceMatchesPheTestData) {
  struct Case {
    const char* file;
    const char* args;
  };
  for (const Case& c : {Case{"phe_funnel_ratio_inputs.csv", "--type ratio --numerator-col obs --denominator-col expected"},
                        Case{"phe_funnel_prop_inputs.csv", "--type proportion"}}) {
    const std::string in = std::string(ICB_TEST_DATA_DIR) + "/stats/" + c.file;
    CliRun r = Icb("stats funnel --input " + in + " " + c.args + " --disclosure none");
    ASSERT_EQ(r.rc, 0) << r.out;
    auto lines = Lines(r.out);
    auto header = Fields(lines.at(0));
    const size_t sig = static_cast<size_t>(std::find(header.begin(), header.end(), "significance") - header.begin());
    ASSERT_LT(sig, header.size()) << lines[0];
    std::ifstream expected(in);
    std::string line;
    std::getline(expected, line);
    size_t row = 1, checked = 0;
    while (std::getline(expected, line)) {
      ASSERT_LT(row, lines.size()) << c.file;
      EXPECT_EQ(Fields(lines[row])[sig], SignificanceLabel(Fields(line)[2])) << c.file << " row " << row;
      ++row;
      ++checked;
    }
    EXPECT_GT(checked, 60u) << c.file;
  }
}

// A stable series with one point far above it: Making Data Count's "Above UCL" special cause, an
// improvement when higher is better, the improvement_high variation icon, and assurance
// consistent_pass for a target below the lower process limit. Mean worked by hand: the series is
// 12,14,11,13,10 four times then 40, so mean = 280/21.
TEST_F(StatsCli, SpcFlagsAPointBeyondTheLimitAndWritesTheIcons) {
  std::string csv = "date,value\n";
  const int cycle[5] = {12, 14, 11, 13, 10};
  for (int i = 0; i < 20; ++i) csv += "2024-01-" + std::string(i < 9 ? "0" : "") + std::to_string(i + 1) + "," +
                                      std::to_string(cycle[i % 5]) + "\n";
  csv += "2024-01-21,40\n";
  const std::string in = Write("spc.csv", csv);
  const std::string summary = (dir_ / "summary.csv").string();
  CliRun r = Icb("stats spc --input " + in + " --improvement increase --target 5 --summary-out " + summary);
  ASSERT_EQ(r.rc, 0) << r.out;
  auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 22u) << r.out;
  auto header = Fields(lines[0]);
  auto col = [&](const char* name) {
    return static_cast<size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  const auto last = Fields(lines[21]);
  EXPECT_NEAR(std::stod(last[col("mean")]), 280.0 / 21.0, 1e-9);
  EXPECT_EQ(last[col("point_type")], "special_cause_improvement");
  for (size_t i = 1; i < 21; ++i) EXPECT_EQ(Fields(lines[i])[col("point_type")], "common_cause") << i;
  std::ifstream s(summary);
  std::stringstream text;
  text << s.rdbuf();
  EXPECT_NE(text.str().find("improvement_high"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("consistent_pass"), std::string::npos) << text.str();
}

// A straight line through the quintile midpoints: value = 79 - 10 b at cumulative rank b, so the
// SII (Low & Low 2004) is exactly -10 whatever the interval method; the Monte Carlo interval is the
// same on every run with the same seed, and brackets the value.
TEST_F(StatsCli, SiiOfALinearGradientAndSeededIntervals) {
  std::string csv = "quantile,population,value,lowercl,uppercl\n";
  for (int q = 1; q <= 5; ++q)
    csv += std::to_string(q) + ",10000," + std::to_string(80 - 2 * q) + "," + std::to_string(78 - 2 * q) + "," +
           std::to_string(82 - 2 * q) + "\n";
  const std::string in = Write("sii.csv", csv);
  CliRun analytic = Icb("stats sii --input " + in + " --analytic");
  ASSERT_EQ(analytic.rc, 0) << analytic.out;
  auto a = Lines(analytic.out);
  ASSERT_GE(a.size(), 2u);
  EXPECT_EQ(Fields(a[0])[0], "sii");
  EXPECT_NEAR(std::stod(Fields(a[1])[0]), -10.0, 1e-9);
  CliRun mc1 = Icb("stats sii --input " + in + " --repetitions 2000 --seed 3");
  CliRun mc2 = Icb("stats sii --input " + in + " --repetitions 2000 --seed 3");
  ASSERT_EQ(mc1.rc, 0) << mc1.out;
  EXPECT_EQ(mc1.out, mc2.out);
  const auto f = Fields(Lines(mc1.out).at(1));
  EXPECT_LT(std::stod(f[1]), -10.0);
  EXPECT_GT(std::stod(f[2]), -10.0);
}

}  // namespace
