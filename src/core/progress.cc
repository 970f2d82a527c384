#include "core/progress.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace icb {

bool Progress::Enabled() {
  const char* env = std::getenv("ICB_PROGRESS");
  if (env) return env[0] == '1';
  return isatty(STDERR_FILENO) != 0;
}

Progress::Progress(std::string label, uint64_t total, std::string unit)
    : label_(std::move(label)), unit_(std::move(unit)), total_(total),
      start_(std::chrono::steady_clock::now()), enabled_(Enabled()) {}

Progress::~Progress() { Finish(); }

void Progress::Add(uint64_t n) {
  done_.fetch_add(n, std::memory_order_relaxed);
  if (!enabled_) return;
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::steady_clock::now() - start_).count();
  int64_t last = last_draw_ns_.load(std::memory_order_relaxed);
  if (now - last < 100'000'000) return;
  if (!last_draw_ns_.compare_exchange_strong(last, now)) return;
  Draw(false);
}

void Progress::Finish() {
  if (finished_) return;
  finished_ = true;
  if (enabled_) Draw(true);
}

void Progress::Draw(bool final) {
  std::lock_guard<std::mutex> lock(draw_mu_);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const uint64_t done = done_.load(), total = total_.load();
  const double frac = total ? std::min(1.0, static_cast<double>(done) / static_cast<double>(total)) : 0.0;
  const double rate = secs > 0 ? static_cast<double>(done) / secs : 0.0;
  const int width = 30;
  const int filled = static_cast<int>(frac * width);
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(width - filled), '.');
  const double eta = (rate > 0 && total > done) ? static_cast<double>(total - done) / rate : 0.0;
  std::fprintf(stderr, "\r%-18s [%s] %5.1f%% %12llu %s  %9.0f %s/s  %s %5.0fs ", label_.c_str(),
               bar.c_str(), frac * 100.0, static_cast<unsigned long long>(done), unit_.c_str(), rate,
               unit_.c_str(), final ? "took" : "ETA", final ? secs : eta);
  if (final) std::fputc('\n', stderr);
  std::fflush(stderr);
}

}  // namespace icb
