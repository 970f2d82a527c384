// Threads: one process-wide setting for how many worker threads parallel loops may use (the CLI's
// --threads), and ParallelFor over index ranges on oneTBB. Results must never depend on the thread
// count: callers give each chunk its own output slot and combine slots in index order.
#pragma once

#include <cstddef>
#include <functional>

namespace icb {

// Limits every later parallel loop to `threads` workers (0 = all cores). Call once, early.
void SetThreadCount(int threads);
int ThreadCount();
// Calls fn(begin, end) over [0, n) split into chunks of about `grain` indices, in parallel.
void ParallelFor(size_t n, size_t grain, const std::function<void(size_t, size_t)>& fn);

}  // namespace icb
