#include "core/crypto.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace icb {
namespace {

TEST(Sha256, MatchesFips180Vectors) {
  EXPECT_EQ(ToHex(Sha256Of("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(ToHex(Sha256Of("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Hmac, MatchesRfc4231TestCase2) {
  const HmacKey key = HmacKey::FromBytes("Jefe");
  EXPECT_EQ(ToHex(key.Sign("what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

class KeyFile : public ::testing::Test {
 protected:
  std::string path = (std::filesystem::temp_directory_path() / "icb_key_test.key").string();
  void Write(const std::string& s) { std::ofstream(path, std::ios::binary) << s; }
  void TearDown() override { std::remove(path.c_str()); }
};

TEST_F(KeyFile, LoadsHexKeyAndRefusesShortOrMissing) {
  Write(std::string(64, 'a') + "\n");
  auto k = HmacKey::Load(path);
  ASSERT_TRUE(k.ok());
  auto k2 = HmacKey::FromBytes(std::string(32, '\xaa'));
  EXPECT_EQ(k->Sign("9434765919"), k2.Sign("9434765919"));

  Write(std::string(62, 'a'));
  EXPECT_EQ(HmacKey::Load(path).status().code(), StatusCode::kRefused);
  EXPECT_EQ(HmacKey::Load("").status().code(), StatusCode::kRefused);
  EXPECT_EQ(HmacKey::Load("/nonexistent/key").status().code(), StatusCode::kRefused);
}

TEST(Hmac, DifferentKeysGiveUnlinkablePseudonyms) {
  const auto a = HmacKey::FromBytes(std::string(32, 'a')), b = HmacKey::FromBytes(std::string(32, 'b'));
  EXPECT_NE(a.Sign("9434765919"), b.Sign("9434765919"));
  EXPECT_EQ(a.Sign("9434765919"), a.Sign("9434765919"));
}

}  // namespace
}  // namespace icb
