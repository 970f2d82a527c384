#include "ingest/csv_reader.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "core/date.h"
#include "data/contract.h"

namespace icb {
namespace {

struct Parsed {
  std::vector<std::vector<std::string>> rows;
  std::vector<uint64_t> lines;      // physical line each record starts on
  std::vector<CsvProblem> problems;
  std::vector<bool> unterminated;
};

// Reads every record after the header, tracking physical lines exactly as the ingest driver does.
Parsed ParseAll(std::string_view data, uint64_t chunk_bytes = 1 << 20) {
  const CsvLayout layout = ScanCsv(data, chunk_bytes);
  Parsed out;
  std::vector<std::string_view> fields;
  std::string scratch;
  for (const CsvChunk& c : layout.chunks) {
    const char* p = data.data() + c.begin;
    uint64_t line = c.first_line;
    while (p < data.data() + c.end) {
      const CsvRecord r = NextCsvRecord(p, data.data() + data.size());
      p = r.next;
      out.lines.push_back(line);
      line += 1 + r.newlines;
      size_t bad = 0;
      out.problems.push_back(SplitCsvRecord(r, fields, scratch, bad));
      out.unterminated.push_back(r.unterminated);
      out.rows.emplace_back(fields.begin(), fields.end());
    }
  }
  return out;
}

using Row = std::vector<std::string>;

TEST(CsvReader, SplitsPlainAndQuotedFields) {
  const auto p = ParseAll("a,b,c\n1,\"x,y\",3\n\"\",,\"say \"\"hi\"\"\"\n");
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_EQ(p.rows[0], (Row{"1", "x,y", "3"}));
  EXPECT_EQ(p.rows[1], (Row{"", "", "say \"hi\""}));
  EXPECT_EQ(p.lines, (std::vector<uint64_t>{2, 3}));
  EXPECT_EQ(p.problems[1], CsvProblem::kNone);
}

TEST(CsvReader, CrLfLineEndsAreStripped) {
  const auto p = ParseAll("a,b\r\n1,2\r\n3,\r\n\"q\r\nr\",4\r\n");
  ASSERT_EQ(p.rows.size(), 3u);
  EXPECT_EQ(p.rows[0], (Row{"1", "2"}));
  EXPECT_EQ(p.rows[1], (Row{"3", ""}));  // an empty last field, not "\r"
  EXPECT_EQ(p.rows[2], (Row{"q\r\nr", "4"}));  // a CR LF inside quotes is data
  EXPECT_EQ(p.lines, (std::vector<uint64_t>{2, 3, 4}));
}

TEST(CsvReader, ByteOrderMarkIsSkipped) {
  const std::string data = "\xEF\xBB\xBFnhs_number,x\n1,2\n";
  const CsvLayout layout = ScanCsv(data, 1 << 20);
  EXPECT_TRUE(layout.has_bom);
  EXPECT_EQ(data.substr(layout.header_begin, layout.header_end - layout.header_begin), "nhs_number,x");
  EXPECT_EQ(layout.records, 1u);
}

TEST(CsvReader, EmbeddedNewlinesKeepPhysicalLineNumbers) {
  const auto p = ParseAll("h1,h2\n\"a\nb\nc\",1\nx,2\n\"\n\",3\ny,4\n");
  ASSERT_EQ(p.rows.size(), 4u);
  EXPECT_EQ(p.rows[0][0], "a\nb\nc");
  EXPECT_EQ(p.lines, (std::vector<uint64_t>{2, 5, 6, 8}));
}

TEST(CsvReader, TruncatedLastLineIsARecordWithoutNewline) {
  const auto p = ParseAll("a,b,c\n1,2,3\n4,5");
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_EQ(p.rows[1], (Row{"4", "5"}));
  EXPECT_EQ(p.lines[1], 3u);
}

TEST(CsvReader, UnterminatedQuoteIsCutAtItsLineAndReadingResumes) {
  const auto p = ParseAll("a,b\n1,\"open\n2,3\n4,5\n");
  ASSERT_EQ(p.rows.size(), 3u);
  EXPECT_TRUE(p.unterminated[0]);
  EXPECT_EQ(p.problems[0], CsvProblem::kUnterminatedQuote);
  EXPECT_EQ(p.rows[1], (Row{"2", "3"}));
  EXPECT_EQ(p.lines, (std::vector<uint64_t>{2, 3, 4}));
}

TEST(CsvReader, MalformedQuotesAreProblems) {
  std::vector<std::string_view> fields;
  std::string scratch;
  size_t bad = 0;
  const std::string a = "1,\"x\"y,3";
  EXPECT_EQ(SplitCsvRecord(NextCsvRecord(a.data(), a.data() + a.size()), fields, scratch, bad),
            CsvProblem::kTextAfterQuote);
  EXPECT_EQ(bad, 1u);
  const std::string b = "1,2,ab\"c";
  EXPECT_EQ(SplitCsvRecord(NextCsvRecord(b.data(), b.data() + b.size()), fields, scratch, bad),
            CsvProblem::kQuoteInUnquoted);
  EXPECT_EQ(bad, 2u);
}

TEST(CsvReader, OverlongRecordIsAProblem) {
  const std::string big = "h\n" + std::string(kMaxRecordBytes + 10, 'x') + "\nok\n";
  const auto p = ParseAll(big);
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_EQ(p.problems[0], CsvProblem::kTooLong);
  EXPECT_EQ(p.problems[1], CsvProblem::kNone);
  EXPECT_EQ(p.lines[1], 3u);
}

TEST(CsvReader, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("\xC2\xB5mol/L"));          // U+00B5
  EXPECT_TRUE(IsValidUtf8("\xE2\x82\xAC"));           // euro sign
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));       // U+1F600
  EXPECT_FALSE(IsValidUtf8("mm\xC3(Hg)"));            // truncated sequence
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));              // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));          // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));      // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));              // cut at the end
  EXPECT_TRUE(IsAscii("abc,123"));
  EXPECT_FALSE(IsAscii("ab\xC2\xB5"));
}

TEST(CsvReader, EmptyInputHasNoHeader) {
  EXPECT_TRUE(ScanCsv("", 1 << 20).empty);
  EXPECT_TRUE(ScanCsv("\xEF\xBB\xBF", 1 << 20).empty);
  EXPECT_FALSE(ScanCsv("a\n", 1 << 20).empty);
}

// The pre-pass cuts chunks at record boundaries; whatever the chunk size, the records, their
// lines and their fields are the same.
TEST(CsvReader, ChunkSizeDoesNotChangeRecords) {
  std::mt19937 rng(7);
  std::string data = "a,b,c\r\n";
  const char* pieces[] = {"x", "\"q,\"\"r\"\"\"", "\"multi\nline\"", "", "12345", "\"\""};
  for (int i = 0; i < 400; ++i) {
    for (int f = 0; f < 3; ++f) {
      if (f) data += ',';
      data += pieces[rng() % 6];
    }
    data += (rng() % 3 == 0) ? "\r\n" : "\n";
    if (rng() % 50 == 0) data += "\n";  // blank line
  }
  const auto ref = ParseAll(data, 1 << 20);
  EXPECT_EQ(ScanCsv(data, 1 << 20).chunks.size(), 1u);
  for (uint64_t chunk : {1u, 7u, 64u, 500u}) {
    const auto p = ParseAll(data, chunk);
    EXPECT_EQ(p.rows, ref.rows) << chunk;
    EXPECT_EQ(p.lines, ref.lines) << chunk;
    EXPECT_GT(ScanCsv(data, chunk).chunks.size(), 1u);
  }
  // Chunks tile the data after the header exactly.
  const CsvLayout layout = ScanCsv(data, 64);
  uint64_t at = layout.chunks.front().begin, records = 0;
  for (const auto& c : layout.chunks) {
    EXPECT_EQ(c.begin, at);
    EXPECT_EQ(c.first_record, records);
    at = c.end;
    records += c.records;
  }
  EXPECT_EQ(at, data.size());
  EXPECT_EQ(records, layout.records);
}

TEST(CsvReader, HashCoversTheWholeFile) {
  const std::string data = "\xEF\xBB\xBF" "a,b\n1,2\n";
  EXPECT_EQ(ScanCsv(data, 4).sha256, Sha256Of(data));
}

// Slow, obvious twin of the ingest's fast date path: Date::ParseIso must accept exactly the values
// CheckValue accepts for a date column, so skipping CheckValue for valid dates changes nothing.
TEST(CsvReader, FastDatePathAgreesWithContractCheck) {
  const FileSpec* f = FindFileSpec("gp_appointments");
  const ColumnSpec& col = f->columns[static_cast<size_t>(f->ColumnIndex("appointment_date"))];
  std::mt19937 rng(11);
  const char alphabet[] = "0123456789-/ x";
  int accepted = 0;
  for (int i = 0; i < 200000; ++i) {
    std::string s;
    if (i % 2 == 0) {  // near-valid dates
      char buf[16];
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", 1790 + static_cast<int>(rng() % 430),
                    static_cast<int>(rng() % 14), static_cast<int>(rng() % 33));
      s = buf;
      if (rng() % 10 == 0) s[rng() % s.size()] = alphabet[rng() % (sizeof alphabet - 1)];
    } else {
      const size_t len = 8 + rng() % 4;
      for (size_t k = 0; k < len; ++k) s += alphabet[rng() % (sizeof alphabet - 1)];
    }
    const bool fast = Date::ParseIso(s).has_value();
    const bool contract = CheckValue(col, s) == nullptr;
    ASSERT_EQ(fast, contract) << s;
    accepted += fast;
  }
  EXPECT_GT(accepted, 10000);
}

}  // namespace
}  // namespace icb
