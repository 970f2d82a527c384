// JobQueue: states, progress, results, failures, the bound on kept jobs and stopping.
#include "server/job_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace icb::server {
namespace {

report::Report SmallReport(const std::string& title) {
  report::Report r;
  r.title = title;
  return r;
}

TEST(JobQueue, RunsToDoneWithProgressAndResult) {
  JobQueue q(2);
  std::atomic<bool> go{false};
  auto id = q.Submit("forecast", "alice", [&](JobContext& ctx) -> Result<report::Report> {
    ctx.SetProgress(0.5, "half way");
    while (!go) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    ctx.SetProgress(0.25);  // never goes back
    return SmallReport("done report");
  });
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->size(), 24u);  // 96 random bits in hex
  // Wait until the job has reported its half-way progress.
  for (int i = 0; i < 5000; ++i) {
    auto info = q.Get(*id);
    ASSERT_TRUE(info.has_value());
    if (info->progress == 0.5) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  auto mid = q.Get(*id);
  EXPECT_EQ(mid->state, JobState::kRunning);
  EXPECT_EQ(mid->progress, 0.5);
  EXPECT_EQ(mid->message, "half way");
  EXPECT_EQ(mid->owner, "alice");
  go = true;
  auto done = q.Wait(*id, 10);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->state, JobState::kDone);
  EXPECT_EQ(done->progress, 1.0);
  ASSERT_NE(done->result, nullptr);
  EXPECT_EQ(done->result->title, "done report");
  EXPECT_EQ(JobStateName(done->state), "done");
}

TEST(JobQueue, FailureKeepsTheMessage) {
  JobQueue q(1);
  auto id = q.Submit("forecast", "bob", [](JobContext&) -> Result<report::Report> {
    return Status::InvalidInput("runs: at most 2000 on this server");
  });
  ASSERT_TRUE(id.ok());
  auto info = q.Wait(*id, 10);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->state, JobState::kFailed);
  EXPECT_EQ(info->message, "runs: at most 2000 on this server");
  EXPECT_EQ(info->result, nullptr);
}

TEST(JobQueue, UnknownIdIsNullopt) {
  JobQueue q(1);
  EXPECT_FALSE(q.Get("nope").has_value());
  EXPECT_FALSE(q.Wait("nope", 0.01).has_value());
}

TEST(JobQueue, BoundedRefusesWhenFullOfUnfinishedAndForgetsOldFinished) {
  JobQueue q(1, /*max_jobs=*/2);
  std::atomic<bool> go{false};
  auto blocker = [&](JobContext&) -> Result<report::Report> {
    while (!go) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return SmallReport("x");
  };
  auto a = q.Submit("k", "u", blocker);
  auto b = q.Submit("k", "u", blocker);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  auto c = q.Submit("k", "u", blocker);
  EXPECT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kRefused);
  go = true;
  ASSERT_EQ(q.Wait(*a, 10)->state, JobState::kDone);
  ASSERT_EQ(q.Wait(*b, 10)->state, JobState::kDone);
  auto d = q.Submit("k", "u", blocker);
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(q.Get(*a).has_value());  // the oldest finished job made room
  EXPECT_TRUE(q.Get(*b).has_value());
  EXPECT_EQ(q.Wait(*d, 10)->state, JobState::kDone);
}

TEST(JobQueue, StopFailsQueuedJobsAndRefusesNewOnes) {
  JobQueue q(1);
  std::atomic<bool> go{false};
  auto running = q.Submit("k", "u", [&](JobContext&) -> Result<report::Report> {
    while (!go) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return SmallReport("x");
  });
  auto queued = q.Submit("k", "u", [](JobContext&) -> Result<report::Report> { return SmallReport("y"); });
  ASSERT_TRUE(running.ok() && queued.ok());
  while (q.Get(*running)->state != JobState::kRunning) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::thread stopper([&] { q.Stop(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  go = true;
  stopper.join();
  EXPECT_EQ(q.Get(*running)->state, JobState::kDone);
  EXPECT_EQ(q.Get(*queued)->state, JobState::kFailed);
  EXPECT_FALSE(q.Submit("k", "u", [](JobContext&) -> Result<report::Report> { return SmallReport("z"); }).ok());
}

}  // namespace
}  // namespace icb::server
