// MappedFile: a read-only memory map of a whole input file, so the CSV reader can hand out
// string_views into it without copying. Release() drops already-processed pages from this process
// (the page cache keeps them), which keeps peak memory flat while multi-gigabyte files stream
// through. Move-only; owns the mapping. Concurrent reads of data() are safe; Release() is not
// synchronised with readers of the released range.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace icb {

class MappedFile {
 public:
  MappedFile() = default;
  ~MappedFile();
  MappedFile(MappedFile&& o) noexcept;
  MappedFile& operator=(MappedFile&& o) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  // Maps `path` read-only; an empty file gives an empty view. NotFound / IoError on failure.
  static Result<MappedFile> Open(const std::string& path);
  std::string_view view() const { return {data_, size_}; }
  uint64_t size() const { return size_; }
  // Tells the kernel pages in [begin, end) are no longer needed by this process.
  void Release(uint64_t begin, uint64_t end) const;

 private:
  void Reset();
  const char* data_ = nullptr;
  uint64_t size_ = 0;
};

}  // namespace icb
