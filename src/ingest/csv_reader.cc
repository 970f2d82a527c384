#include "ingest/csv_reader.h"

#include <cstring>

namespace icb {
namespace {

const char* StripCr(const char* begin, const char* content_end) {
  return (content_end > begin && content_end[-1] == '\r') ? content_end - 1 : content_end;
}

}  // namespace

CsvRecord NextCsvRecord(const char* p, const char* end) {
  CsvRecord r;
  r.begin = p;
  const auto left = static_cast<size_t>(end - p);
  const char* nl = static_cast<const char*>(std::memchr(p, '\n', left));
  const char* line_end = nl ? nl : end;
  if (std::memchr(p, '"', static_cast<size_t>(line_end - p)) == nullptr) {
    r.content_end = StripCr(p, line_end);
    r.next = nl ? nl + 1 : end;
    return r;
  }
  // Slow path: a quote on this line; walk the RFC 4180 state machine.
  r.has_quote = true;
  enum State { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted } state = kFieldStart;
  const char* first_nl_in_quotes = nullptr;
  uint32_t newlines = 0;
  const char* q = p;
  for (; q < end; ++q) {
    const char c = *q;
    switch (state) {
      case kFieldStart:
        if (c == '"') state = kQuoted;
        else if (c == '\n') goto done;
        else if (c != ',') state = kUnquoted;
        break;
      case kUnquoted:
        if (c == ',') state = kFieldStart;
        else if (c == '\n') goto done;
        break;
      case kQuoted:
        if (c == '"') {
          state = kQuoteInQuoted;
        } else if (c == '\n') {
          ++newlines;
          if (first_nl_in_quotes == nullptr) first_nl_in_quotes = q;
        }
        if (static_cast<uint64_t>(q - p) > kMaxRecordBytes) goto unterminated;
        break;
      case kQuoteInQuoted:
        if (c == '"') state = kQuoted;
        else if (c == ',') state = kFieldStart;
        else if (c == '\n') goto done;
        else state = kUnquoted;
        break;
    }
  }
  if (state == kQuoted) goto unterminated;
done:
  r.content_end = StripCr(p, q);
  r.next = q < end ? q + 1 : end;
  r.newlines = newlines;
  return r;
unterminated:
  r.unterminated = true;
  if (first_nl_in_quotes != nullptr) {
    r.content_end = StripCr(p, first_nl_in_quotes);
    r.next = first_nl_in_quotes + 1;
  } else {
    r.content_end = StripCr(p, end);
    r.next = end;
  }
  r.newlines = 0;
  return r;
}

CsvLayout ScanCsv(std::string_view data, uint64_t chunk_bytes) {
  return ScanCsv(data, chunk_bytes, [](uint64_t) {}, [](uint64_t, uint64_t) {});
}

const char* CsvProblemText(CsvProblem p) {
  switch (p) {
    case CsvProblem::kNone: return "";
    case CsvProblem::kUnterminatedQuote: return "quoted field has no closing quote";
    case CsvProblem::kTextAfterQuote: return "characters after a closing quote (expected a comma)";
    case CsvProblem::kQuoteInUnquoted: return "quote character inside an unquoted field";
    case CsvProblem::kTooLong: return "record longer than 2 MiB";
  }
  return "malformed CSV";
}

CsvProblem SplitCsvRecord(const CsvRecord& r, std::vector<std::string_view>& fields, std::string& scratch,
                          size_t& problem_field) {
  fields.clear();
  problem_field = 0;
  const char* p = r.begin;
  const char* const end = r.content_end;
  if (r.size() > kMaxRecordBytes) return CsvProblem::kTooLong;
  if (!r.has_quote) {
    while (true) {
      const char* comma = static_cast<const char*>(std::memchr(p, ',', static_cast<size_t>(end - p)));
      if (comma == nullptr) {
        fields.emplace_back(p, static_cast<size_t>(end - p));
        return CsvProblem::kNone;
      }
      fields.emplace_back(p, static_cast<size_t>(comma - p));
      p = comma + 1;
    }
  }
  scratch.clear();
  if (scratch.capacity() < r.size()) scratch.reserve(r.size());
  while (true) {
    const size_t index = fields.size();
    if (p < end && *p == '"') {
      // Quoted field: find the closing quote, copying only when a doubled quote appears.
      const char* q = p + 1;
      const char* start = q;
      bool copied = false;
      size_t scratch_start = 0;
      while (true) {
        const char* quote = static_cast<const char*>(std::memchr(q, '"', static_cast<size_t>(end - q)));
        if (quote == nullptr) {
          problem_field = index;
          return CsvProblem::kUnterminatedQuote;
        }
        if (quote + 1 < end && quote[1] == '"') {  // doubled quote: one literal quote
          if (!copied) {
            copied = true;
            scratch_start = scratch.size();
          }
          scratch.append(q, static_cast<size_t>(quote + 1 - q));
          q = quote + 2;
          continue;
        }
        if (copied) {
          scratch.append(q, static_cast<size_t>(quote - q));
          fields.emplace_back(scratch.data() + scratch_start, scratch.size() - scratch_start);
        } else {
          fields.emplace_back(start, static_cast<size_t>(quote - start));
        }
        p = quote + 1;
        break;
      }
      if (p == end) return CsvProblem::kNone;
      if (*p != ',') {
        problem_field = index;
        return CsvProblem::kTextAfterQuote;
      }
      ++p;
      if (p == end) {  // trailing comma: one more, empty field
        fields.emplace_back();
        return CsvProblem::kNone;
      }
      continue;
    }
    const char* comma = static_cast<const char*>(std::memchr(p, ',', static_cast<size_t>(end - p)));
    const char* field_end = comma ? comma : end;
    if (std::memchr(p, '"', static_cast<size_t>(field_end - p)) != nullptr) {
      problem_field = index;
      return CsvProblem::kQuoteInUnquoted;
    }
    fields.emplace_back(p, static_cast<size_t>(field_end - p));
    if (comma == nullptr) return CsvProblem::kNone;
    p = comma + 1;
  }
}

bool IsAscii(std::string_view s) {
  unsigned char acc = 0;
  for (const char c : s) acc |= static_cast<unsigned char>(c);
  return (acc & 0x80) == 0;
}

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    const unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int n;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (end - p <= n) return false;
    for (int i = 1; i <= n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    p += n + 1;
  }
  return true;
}

}  // namespace icb
