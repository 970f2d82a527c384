// The audit log appends one JSON line per record, time first, and never loses earlier lines.
#include "governance/audit_log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace icb::governance {
namespace {

TEST(AuditLog, AppendsOneJsonLinePerRecord) {
  const auto path = std::filesystem::temp_directory_path() / ("icb_audit_" + std::to_string(::getpid()) + ".jsonl");
  std::filesystem::remove(path);
  ASSERT_TRUE(AppendAuditRecord(path.string(), {{"action", "casefind"}, {"rows", 20}}).ok());
  ASSERT_TRUE(AppendAuditRecord(path.string(), {{"action", "casefind"}, {"rows", 5}}).ok());
  std::ifstream in(path);
  std::string a, b, c;
  ASSERT_TRUE(std::getline(in, a));
  ASSERT_TRUE(std::getline(in, b));
  EXPECT_FALSE(std::getline(in, c));
  const auto ja = nlohmann::json::parse(a), jb = nlohmann::json::parse(b);
  EXPECT_EQ(a.rfind("{\"time\":", 0), 0u) << "time comes first";
  EXPECT_EQ(ja.at("rows"), 20);
  EXPECT_EQ(jb.at("rows"), 5);
  EXPECT_EQ(ja.at("time").get<std::string>().size(), 20u);  // 2026-11-23T10:00:00Z
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::others_read,
            std::filesystem::perms::none);
  std::filesystem::remove(path);
}

TEST(AuditLog, UnwritableLogIsAnError) {
  const auto st = AppendAuditRecord("/nonexistent-dir/audit.jsonl", {{"action", "x"}});
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("/nonexistent-dir/audit.jsonl"), std::string::npos);
}

TEST(AuditLog, UserComesFromIcbUserFirst) {
  ::setenv("ICB_USER", "analyst-1", 1);
  EXPECT_EQ(CurrentUser(), "analyst-1");
  ::unsetenv("ICB_USER");
  EXPECT_FALSE(CurrentUser().empty());
}

}  // namespace
}  // namespace icb::governance
