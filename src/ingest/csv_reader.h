// CSV reading for ingest (RFC 4180): record boundaries, a sequential pre-pass that cuts a file
// into chunks at record boundaries, and field splitting. A record ends at an LF outside quotes; a
// CR before that LF is dropped; quoted fields may hold commas, doubled quotes and line breaks.
// A quote that is never closed does not swallow the rest of the file: the record is cut at the
// first line break after it and marked `unterminated`, and reading resumes on the next line
// (the same rule caps a quoted field at kMaxRecordBytes). Everything here is a pure function of
// its input bytes, so the pre-pass and the parallel parsers agree on every boundary. Thread safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/crypto.h"

namespace icb {

// Records longer than this are rejected (as DuckDB's max_line_size); quoted fields longer than
// this are treated as unterminated.
inline constexpr uint64_t kMaxRecordBytes = 2 << 20;

struct CsvRecord {
  const char* begin = nullptr;        // first byte of the record
  const char* content_end = nullptr;  // end of its content (before CR LF / LF)
  const char* next = nullptr;         // first byte of the next record
  uint32_t newlines = 0;              // line breaks inside quoted fields
  bool has_quote = false;             // the content holds a '"' (needs the slow splitter)
  bool unterminated = false;          // a quoted field was not closed (cut at the first line break)
  bool blank() const { return content_end == begin; }
  uint64_t size() const { return static_cast<uint64_t>(content_end - begin); }
};

// The record starting at `p` (p < end).
CsvRecord NextCsvRecord(const char* p, const char* end);

// A run of whole records: bytes [begin, end) of the file, starting on physical line first_line.
struct CsvChunk {
  uint64_t begin = 0, end = 0;
  uint64_t first_line = 0;
  uint64_t first_record = 0;  // index of its first record among the data records (blank included)
  uint64_t records = 0;       // records in the chunk, blank lines included
};

// What the pre-pass learns about a file.
struct CsvLayout {
  bool empty = true;            // no header (zero bytes, or only a byte-order mark)
  bool has_bom = false;
  uint64_t header_begin = 0;    // byte range of the header record's content
  uint64_t header_end = 0;
  bool header_has_quote = false;
  bool header_unterminated = false;
  uint64_t records = 0;         // data records after the header, blank lines included
  uint64_t lines = 0;           // physical lines in the file
  std::vector<CsvChunk> chunks;
  Digest sha256{};
};

// Sequential pre-pass: finds every record boundary (quote-aware), counts physical lines, cuts
// chunks of about `chunk_bytes` and hashes the bytes. `on_progress(bytes)` is called as it goes;
// `release(begin, end)` lets the caller drop finished pages (may be empty functions).
template <typename OnProgress, typename Release>
CsvLayout ScanCsv(std::string_view data, uint64_t chunk_bytes, OnProgress&& on_progress, Release&& release);
CsvLayout ScanCsv(std::string_view data, uint64_t chunk_bytes);

enum class CsvProblem {
  kNone = 0,
  kUnterminatedQuote,   // a quoted field has no closing quote
  kTextAfterQuote,      // characters between a closing quote and the next comma
  kQuoteInUnquoted,     // a '"' inside a field that does not start with one
  kTooLong,             // record longer than kMaxRecordBytes
};
const char* CsvProblemText(CsvProblem p);

// Splits a record into fields. Views point into the record or, for fields with doubled quotes,
// into `scratch` (cleared and reserved here; keep it alive while the views are used).
// `problem_field` is the 0-based field where a problem was found.
CsvProblem SplitCsvRecord(const CsvRecord& r, std::vector<std::string_view>& fields, std::string& scratch,
                          size_t& problem_field);

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or code points above U+10FFFF).
bool IsValidUtf8(std::string_view s);
// True when every byte is below 0x80 (the common, fast case).
bool IsAscii(std::string_view s);

// ---- implementation of the template ----

template <typename OnProgress, typename Release>
CsvLayout ScanCsv(std::string_view data, uint64_t chunk_bytes, OnProgress&& on_progress, Release&& release) {
  CsvLayout layout;
  const char* const base = data.data();
  const char* const end = base + data.size();
  const char* p = base;
  Sha256 hash;
  uint64_t hashed = 0;
  auto hash_to = [&](uint64_t upto, bool final) {
    constexpr uint64_t kBlock = 8 << 20;
    if (!final && upto - hashed < kBlock) return;
    hash.Update(base + hashed, upto - hashed);
    on_progress(upto - hashed);
    release(hashed, upto);
    hashed = upto;
  };
  if (data.size() >= 3 && static_cast<unsigned char>(p[0]) == 0xEF && static_cast<unsigned char>(p[1]) == 0xBB &&
      static_cast<unsigned char>(p[2]) == 0xBF) {
    layout.has_bom = true;
    p += 3;
  }
  if (p == end) {
    hash_to(data.size(), true);
    layout.sha256 = hash.Finish();
    return layout;
  }
  layout.empty = false;
  const CsvRecord header = NextCsvRecord(p, end);
  layout.header_begin = static_cast<uint64_t>(header.begin - base);
  layout.header_end = static_cast<uint64_t>(header.content_end - base);
  layout.header_has_quote = header.has_quote;
  layout.header_unterminated = header.unterminated;
  uint64_t line = 1 + header.newlines;
  p = header.next;
  CsvChunk chunk;
  auto start_chunk = [&] {
    chunk = CsvChunk{};
    chunk.begin = chunk.end = static_cast<uint64_t>(p - base);
    chunk.first_line = line + 1;
    chunk.first_record = layout.records;
  };
  start_chunk();
  while (p < end) {
    const CsvRecord r = NextCsvRecord(p, end);
    ++line;  // the record starts on the next physical line
    line += r.newlines;
    ++chunk.records;
    ++layout.records;
    p = r.next;
    chunk.end = static_cast<uint64_t>(p - base);
    if (chunk.end - chunk.begin >= chunk_bytes) {
      layout.chunks.push_back(chunk);
      hash_to(chunk.end, false);
      start_chunk();
    }
  }
  if (chunk.records > 0) layout.chunks.push_back(chunk);
  layout.lines = line;
  hash_to(data.size(), true);
  layout.sha256 = hash.Finish();
  return layout;
}

}  // namespace icb
