// Progress: a terminal progress bar with rate and ETA for long work, drawn on stderr only when
// stderr is a terminal (or ICB_PROGRESS=1), so logs and CI output stay clean. Add() is thread safe
// (an atomic counter); the bar redraws at most ten times a second. Shows counts only, never data.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace icb {

class Progress {
 public:
  Progress(std::string label, uint64_t total, std::string unit = "rows");
  ~Progress();  // finishes the bar
  void Add(uint64_t n);
  void SetTotal(uint64_t total) { total_.store(total); }
  void Finish();
  static bool Enabled();

 private:
  void Draw(bool final);
  std::string label_, unit_;
  std::atomic<uint64_t> total_, done_{0};
  std::chrono::steady_clock::time_point start_;
  std::atomic<int64_t> last_draw_ns_{0};
  std::mutex draw_mu_;
  bool enabled_, finished_ = false;
};

}  // namespace icb
