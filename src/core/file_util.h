// File helpers that keep data safe: whole-file reads, writes that are durable (fsync) and atomic
// (write a temporary beside the target, fsync, rename, fsync the directory), so a crash leaves
// either the old file or the new one. Stateless; thread safe for distinct paths.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace icb {

Result<std::string> ReadFile(const std::string& path);
// Writes `data` to `path` atomically and durably.
Status WriteFileAtomic(const std::string& path, std::string_view data);
// fsync a file or directory by path.
Status FsyncPath(const std::string& path);
// Creates a directory and its parents (no error if it exists).
Status MakeDirs(const std::string& path);

}  // namespace icb
