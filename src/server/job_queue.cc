#include "server/job_queue.h"

#include <algorithm>
#include <atomic>
#include <chrono>

#include <openssl/rand.h>

#include "core/crypto.h"

namespace icb::server {

namespace {
// 96 random bits as hex: job ids cannot be guessed from one another.
std::string NewJobId() {
  uint8_t bytes[12] = {};
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    static std::atomic<uint64_t> counter{0};
    const uint64_t n = ++counter;
    for (size_t i = 0; i < 8; ++i) bytes[i] ^= static_cast<uint8_t>(n >> (8 * i));
  }
  return ToHex(bytes, sizeof bytes);
}
}  // namespace

std::string_view JobStateName(JobState s) {
  switch (s) {
    case JobState::kQueued: return "queued";
    case JobState::kRunning: return "running";
    case JobState::kDone: return "done";
    case JobState::kFailed: return "failed";
  }
  return "queued";
}

struct JobQueue::Job {
  JobInfo info;
  Work work;
};

class JobQueue::Context : public JobContext {
 public:
  Context(JobQueue& q, Job& job) : q_(q), job_(job) {}
  void SetProgress(double fraction, std::string message) override {
    std::lock_guard<std::mutex> lock(q_.mu_);
    fraction = std::clamp(fraction, 0.0, 1.0);
    job_.info.progress = std::max(job_.info.progress, fraction);
    if (!message.empty()) job_.info.message = std::move(message);
  }

 private:
  JobQueue& q_;
  Job& job_;
};

JobQueue::JobQueue(int threads, size_t max_jobs) : max_jobs_(std::max<size_t>(max_jobs, 1)) {
  threads = std::max(threads, 1);
  for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

JobQueue::~JobQueue() { Stop(); }

void JobQueue::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
    for (auto& job : queue_) {
      job->info.state = JobState::kFailed;
      job->info.message = "the server stopped before the job ran";
    }
    queue_.clear();
  }
  cv_.notify_all();
  done_cv_.notify_all();
  for (auto& t : workers_)
    if (t.joinable()) t.join();
  workers_.clear();
}

void JobQueue::ForgetOldFinished() {
  for (auto it = order_.begin(); it != order_.end() && jobs_.size() >= max_jobs_;) {
    auto j = jobs_.find(*it);
    if (j == jobs_.end()) {
      it = order_.erase(it);
    } else if (j->second->info.state == JobState::kDone || j->second->info.state == JobState::kFailed) {
      jobs_.erase(j);
      it = order_.erase(it);
    } else {
      ++it;
    }
  }
}

Result<std::string> JobQueue::Submit(std::string kind, std::string owner, Work work) {
  auto job = std::make_shared<Job>();
  job->info.id = NewJobId();
  job->info.kind = std::move(kind);
  job->info.owner = std::move(owner);
  job->info.submitted_unix =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  job->work = std::move(work);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return Status::Refused("the server is stopping");
    ForgetOldFinished();
    if (jobs_.size() >= max_jobs_) return Status::Refused("too many jobs are queued or running; try again later");
    jobs_[job->info.id] = job;
    order_.push_back(job->info.id);
    queue_.push_back(job);
  }
  cv_.notify_one();
  return job->info.id;
}

std::optional<JobInfo> JobQueue::Get(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  return it->second->info;
}

std::optional<JobInfo> JobQueue::Wait(const std::string& id, double timeout_seconds) const {
  std::unique_lock<std::mutex> lock(mu_);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_seconds);
  while (true) {
    auto it = jobs_.find(id);
    if (it == jobs_.end()) return std::nullopt;
    const JobState s = it->second->info.state;
    if (s == JobState::kDone || s == JobState::kFailed || stopping_) return it->second->info;
    if (done_cv_.wait_until(lock, deadline) == std::cv_status::timeout) {
      it = jobs_.find(id);
      if (it == jobs_.end()) return std::nullopt;
      return it->second->info;
    }
  }
}

void JobQueue::WorkerLoop() {
  while (true) {
    std::shared_ptr<Job> job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = queue_.front();
      queue_.pop_front();
      job->info.state = JobState::kRunning;
    }
    Context ctx(*this, *job);
    Result<report::Report> r = job->work(ctx);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (r.ok()) {
        job->info.state = JobState::kDone;
        job->info.progress = 1;
        job->info.message = "done";
        job->info.result = std::make_shared<const report::Report>(std::move(r).value());
      } else {
        job->info.state = JobState::kFailed;
        job->info.message = r.status().message();
      }
      job->work = nullptr;
    }
    done_cv_.notify_all();
  }
}

}  // namespace icb::server
