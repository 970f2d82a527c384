// JobQueue: long-running work (forecasts) off the request threads. A few worker threads take jobs
// in submission order; each job has an id (random, unguessable), a kind, an owner, a state (queued,
// running, done, failed), a progress from 0 to 1 that the work reports through its JobContext, a
// short message, and, when done, its result (a report that has already passed egress) kept in
// memory. At most `max_jobs` are kept: when more are submitted, the oldest finished ones are
// forgotten; when every kept job is unfinished, Submit refuses (the server answers 429).
// Stop() lets running jobs finish and drops queued ones. Thread safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "report/report.h"

namespace icb::server {

enum class JobState { kQueued, kRunning, kDone, kFailed };
std::string_view JobStateName(JobState s);  // "queued", "running", "done", "failed"

// What a running job may do: report progress (clamped to 0..1, never going back) and a message.
class JobContext {
 public:
  virtual ~JobContext() = default;
  virtual void SetProgress(double fraction, std::string message = "") = 0;
};

// A snapshot of one job.
struct JobInfo {
  std::string id, kind, owner;
  JobState state = JobState::kQueued;
  double progress = 0;
  std::string message;  // progress note, or the generic reason it failed
  std::shared_ptr<const report::Report> result;  // when done
  int64_t submitted_unix = 0;
};

class JobQueue {
 public:
  // The work: returns the (already released) report, or an error whose message is shown to the user
  // as is (so it must be generic: no paths, no patient values).
  using Work = std::function<Result<report::Report>(JobContext&)>;
  JobQueue(int threads, size_t max_jobs = 64);
  ~JobQueue();
  JobQueue(const JobQueue&) = delete;
  JobQueue& operator=(const JobQueue&) = delete;

  // The new job's id; Refused when the queue is full of unfinished jobs or stopped.
  Result<std::string> Submit(std::string kind, std::string owner, Work work);
  std::optional<JobInfo> Get(const std::string& id) const;
  // Waits until the job has finished or `timeout_seconds` passed; the last snapshot (nullopt: unknown id).
  std::optional<JobInfo> Wait(const std::string& id, double timeout_seconds) const;
  void Stop();

 private:
  struct Job;
  class Context;
  void WorkerLoop();
  void ForgetOldFinished();  // with mu_ held

  size_t max_jobs_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_, done_cv_;
  std::deque<std::shared_ptr<Job>> queue_;
  std::unordered_map<std::string, std::shared_ptr<Job>> jobs_;
  std::deque<std::string> order_;  // ids in submission order
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace icb::server
