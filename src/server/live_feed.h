// LiveFeed: live utilisation for the dashboard's live page (docs/reference/live.md). Holds, per day,
// counts of emergency admissions (APC admission method 2x), A&E attendances, prescription items,
// admitted spells and their diagnosis codes (coding depth = codes per spell), by place (the person's
// practice's place on that day, else their LSOA's place) and by organisation (the provider; for
// prescriptions the prescribing practice). It is seeded from the last `window_days` days of the
// published dataset, then every batch in STATE/live/ (written by `icb append`, or by the feed itself
// from CSV files dropped in STATE/inbox/ when it holds the pseudonymisation key) is added once. After
// each batch it rebuilds an aggregate report (tables live_daily_by_place, live_daily_by_provider,
// live_summary, with XmR SPC limits in the Making Data Count style computed from the counts as they
// will be published, and SPC charts), releases it through the server's egress, increments the
// version and wakes every waiter. Persons not in the dataset are counted as unmatched.
// Borrows the Dataset (must outlive it); owns the polling thread (Start/Stop). Thread safe: Poll,
// Current and WaitNewer may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/crypto.h"
#include "core/status.h"
#include "data/dataset.h"
#include "governance/disclosure.h"
#include "report/report.h"
#include "server/live_batch.h"
#include "server/service.h"

namespace icb::server {

struct LiveFeedOptions {
  std::string state_dir;             // STATE: batches in STATE/live, the watched folder STATE/inbox
  std::optional<HmacKey> key;        // the ingest key: enables the watched folder; unset: inbox off
  int window_days = 120;             // days shown, ending at the latest day with data
  int baseline_days = 90;            // SPC limits from the first N days of the window (0: all)
  int poll_ms = 200;                 // how often the polling thread looks at live/ and inbox/
  governance::DisclosurePolicy policy = governance::StandardPolicy();  // SPC runs on published counts
  std::string label;                 // dataset label for the report's metadata
};

// The five daily tallies of one place or organisation.
struct LiveCounts {
  int64_t emergency = 0;   // emergency admissions
  int64_t ae = 0;          // A&E attendances
  int64_t items = 0;       // prescription items
  int64_t spells = 0;      // admitted spells (all admission methods)
  int64_t codes = 0;       // diagnosis codes of those spells
  bool operator==(const LiveCounts&) const = default;
};

// One released version of the live report.
struct LiveSnapshot {
  uint64_t version = 0;
  ReportPtr report;        // released (has passed egress)
  std::string json;        // report::ReportToJson of it, compact
};

class LiveFeed {
 public:
  // Seeds the counts from `ds` and applies the batches already in STATE/live. Errors: the first
  // release failing (Internal), the state folder not creatable (IoError).
  static Result<std::unique_ptr<LiveFeed>> Open(const Dataset& ds, LiveFeedOptions options, ReleaseFn release);
  ~LiveFeed();
  LiveFeed(const LiveFeed&) = delete;
  LiveFeed& operator=(const LiveFeed&) = delete;

  // Starts / stops the polling thread (Stop also wakes every WaitNewer caller).
  void Start();
  void Stop();
  bool stopping() const { return stopping_; }
  bool inbox_enabled() const { return options_.key.has_value(); }

  // One look at STATE/inbox (when enabled) and STATE/live: processes new inbox files, applies new
  // batches in name order, and publishes one new version if anything was applied. Returns the
  // number of batches applied.
  Result<int> Poll();
  // Adds rows as one batch (used by Poll; public for tests) and publishes a new version.
  Status Apply(const std::string& batch_id, const std::vector<LiveRow>& rows);

  // The current released version (never null after Open).
  std::shared_ptr<const LiveSnapshot> Current() const;
  // Waits until a version newer than `seen` exists, Stop is called or `timeout` passes; returns the
  // current snapshot.
  std::shared_ptr<const LiveSnapshot> WaitNewer(uint64_t seen, std::chrono::milliseconds timeout) const;

  // Raw (unreleased) tallies, for tests: of a place or organisation on a day (zeros when none).
  LiveCounts PlaceCounts(int32_t day, const std::string& place) const;
  LiveCounts OrgCounts(int32_t day, const std::string& org) const;
  int64_t unmatched_rows() const;
  int64_t appended_rows() const;
  size_t batches_applied() const;
  int32_t latest_day() const;

  // The place label used for rows whose person is not in the dataset.
  static constexpr char kUnmatchedPlace[] = "Person not in dataset";

 private:
  LiveFeed(const Dataset& ds, LiveFeedOptions options, ReleaseFn release);
  void Seed();
  void AddRowLocked(const LiveRow& row);
  uint32_t PlaceIndexLocked(const std::string& name);
  uint32_t OrgIndexLocked(const std::string& code);
  std::string PlaceOf(uint32_t person, int32_t day) const;
  Result<report::Report> BuildLocked() const;
  Status PublishLocked();
  Status ProcessInbox();
  void Loop();

  const Dataset& ds_;
  LiveFeedOptions options_;
  ReleaseFn release_;
  std::unordered_map<uint32_t, std::string> org_names_;  // orgs dictionary id -> name (providers, practices)

  mutable std::mutex mu_;                 // guards everything below
  std::vector<std::string> places_, orgs_;
  std::unordered_map<std::string, uint32_t> place_index_, org_index_;
  std::map<int32_t, std::vector<LiveCounts>> by_place_, by_org_;  // day -> per index
  int32_t as_at_ = 0, latest_day_ = 0;
  int64_t appended_ = 0, unmatched_ = 0, outside_window_ = 0;
  int64_t rejected_ = 0;                  // rows rejected by the watched folder's parsing
  std::set<std::string> applied_;         // batch ids
  std::set<std::string> bad_batches_;     // reported once
  std::string last_batch_time_;
  std::shared_ptr<const LiveSnapshot> current_;
  uint64_t version_ = 0;
  mutable std::condition_variable cv_;

  std::mutex poll_mu_;                    // one Poll at a time
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace icb::server
