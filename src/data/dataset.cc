#include "data/dataset.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>
#include <type_traits>

#include "core/file_util.h"

namespace icb {
namespace {

constexpr char kMagic[8] = {'I', 'C', 'B', 'S', 'N', 'A', 'P', '\0'};

// Streams sections out: every byte goes through the SHA-256 and, when a file is given, to disk in
// 4 MiB blocks, so saving never holds a second copy of the dataset in memory. Little-endian.
class Writer {
 public:
  explicit Writer(std::FILE* f) : f_(f) {}
  template <typename T>
  void Pod(const std::vector<T>& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    U64(v.size());
    Raw(v.data(), v.size() * sizeof(T));
  }
  void Strings(const std::vector<std::string>& v) {
    U64(v.size());
    for (const auto& s : v) {
      U64(s.size());
      Raw(s.data(), s.size());
    }
  }
  void U64(uint64_t x) { Raw(&x, sizeof x); }
  void U32(uint32_t x) { Raw(&x, sizeof x); }
  void Raw(const void* p, size_t n) {
    const char* c = static_cast<const char*>(p);
    while (n > 0) {
      const size_t take = std::min(n, kBlock - buf_.size());
      buf_.append(c, take);
      c += take;
      n -= take;
      if (buf_.size() == kBlock) Flush();
    }
  }
  void Flush() {
    hash_.Update(buf_.data(), buf_.size());
    if (f_ && !buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size()) failed_ = true;
    buf_.clear();
  }
  Digest Finish() {
    Flush();
    return hash_.Finish();
  }
  bool failed() const { return failed_; }

 private:
  static constexpr size_t kBlock = 4 << 20;
  std::FILE* f_;
  std::string buf_;
  Sha256 hash_;
  bool failed_ = false;
};

// Hashes spans on a second thread, in the order given, so reading the next part of a snapshot
// overlaps hashing the last (SHA-256 and the copy out of the page cache each cost about as much).
// Large spans (column storage that stays where it is until the hasher is finished) are hashed in
// place; small ones are copied into a buffer first. Finish() joins the thread; so does the
// destructor, so an early return never leaves the thread reading freed memory.
class PipelinedHasher {
 public:
  PipelinedHasher() : thread_([this] { Run(); }) {}
  ~PipelinedHasher() { Stop(); }
  PipelinedHasher(const PipelinedHasher&) = delete;
  PipelinedHasher& operator=(const PipelinedHasher&) = delete;

  void InPlace(const void* p, size_t n) {
    if (n < kSmall) return Copy(p, n);
    FlushSmall();
    Push(Item{p, n, {}});
  }
  void Copy(const void* p, size_t n) {
    small_.append(static_cast<const char*>(p), n);
    if (small_.size() >= kSmallBatch) FlushSmall();
  }
  Digest Finish() {
    FlushSmall();
    Stop();
    return digest_;
  }

 private:
  static constexpr size_t kSmall = 64 << 10;
  static constexpr size_t kSmallBatch = 1 << 20;
  struct Item {
    const void* p = nullptr;
    size_t n = 0;
    std::string owned;
  };
  void FlushSmall() {
    if (small_.empty()) return;
    Push(Item{nullptr, 0, std::move(small_)});
    small_.clear();
  }
  void Push(Item item) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_back(std::move(item));
    }
    cv_.notify_one();
  }
  void Run() {
    Sha256 hash;
    for (;;) {
      std::deque<Item> batch;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return !queue_.empty() || stop_; });
        if (queue_.empty()) break;  // stop_ and nothing left
        batch.swap(queue_);
      }
      for (const Item& it : batch) {
        if (it.p) {
          hash.Update(it.p, it.n);
        } else {
          hash.Update(it.owned.data(), it.owned.size());
        }
      }
    }
    digest_ = hash.Finish();
  }
  void Stop() {
    if (!thread_.joinable()) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;
  bool stop_ = false;
  std::string small_;
  Digest digest_{};
  std::thread thread_;  // last: starts after the members it uses exist
};

// Streams sections in from a file, hashing every byte read (on a second thread), so loading holds
// one copy.
class Reader {
 public:
  Reader(std::FILE* f, uint64_t body_size) : f_(f), left_(body_size) {}
  bool U64(uint64_t& x) { return Take(&x, sizeof x, false); }
  bool U32(uint32_t& x) { return Take(&x, sizeof x, false); }
  // Reads n bytes into dst. `in_place`: dst is column storage that stays put until Finish(), so it
  // is hashed where it lies, a chunk at a time as the chunks arrive.
  bool Take(void* dst, size_t n, bool in_place) {
    if (left_ < n) return false;
    char* c = static_cast<char*>(dst);
    size_t done = 0;
    while (done < n) {
      const size_t chunk = std::min(n - done, kChunk);
      if (std::fread(c + done, 1, chunk, f_) != chunk) return false;
      if (in_place) {
        hash_.InPlace(c + done, chunk);
      } else {
        hash_.Copy(c + done, chunk);
      }
      done += chunk;
    }
    left_ -= n;
    return true;
  }
  template <typename T>
  bool Pod(std::vector<T>& v) {
    uint64_t n;
    if (!U64(n) || n > left_ / sizeof(T)) return false;
    v.resize(n);
    return Take(v.data(), n * sizeof(T), true);
  }
  bool Strings(std::vector<std::string>& v) {
    uint64_t n;
    if (!U64(n) || n > left_) return false;
    v.resize(n);
    for (auto& s : v) {
      uint64_t len;
      if (!U64(len) || len > left_) return false;
      s.resize(len);
      if (!Take(s.data(), len, false)) return false;  // strings may move later: copied for hashing
    }
    return true;
  }
  bool Done() const { return left_ == 0; }
  void HashOnly(const void* p, size_t n) { hash_.Copy(p, n); }
  Digest Finish() { return hash_.Finish(); }

 private:
  static constexpr size_t kChunk = 32 << 20;
  std::FILE* f_;
  uint64_t left_;
  PipelinedHasher hash_;
};

// One list of every column, used by both serialise and load so they cannot drift apart.
template <typename Visitor>
void VisitColumns(Visitor&& v, auto& ds) {
  v.Str1(ds.source_format);
  v.Dict(ds.orgs); v.Dict(ds.attrs); v.Dict(ds.codes);
  auto& l = ds.lsoas;
  v.Dict(l.code); v.S(l.name); v.S(l.place_code); v.S(l.place_name); v.S(l.sub_icb); v.P(l.imd_decile); v.P(l.imd_quintile);
  auto& pr = ds.practices;
  v.Dict(pr.code); v.S(pr.name); v.S(pr.pcn_code); v.S(pr.pcn_name); v.S(pr.sub_icb); v.S(pr.place_name);
  auto& pv = ds.providers;
  v.Dict(pv.code); v.S(pv.name); v.S(pv.type);
  auto& p = ds.persons;
  v.P(p.pseudonym); v.P(p.birth); v.P(p.sex); v.P(p.ethnicity); v.P(p.lsoa); v.P(p.death);
  auto& r = ds.registrations;
  v.P(r.offsets); v.P(r.practice); v.P(r.start); v.P(r.end);
  auto& e = ds.events;
  v.P(e.offsets); v.P(e.date); v.P(e.end_date); v.P(e.setting); v.P(e.pod); v.P(e.provider);
  v.P(e.attr1); v.P(e.attr2); v.P(e.attr3); v.P(e.code); v.P(e.procedure); v.P(e.hrg);
  v.P(e.cost_pence); v.P(e.quantity);
  auto& c = ds.coded;
  v.P(c.offsets); v.P(c.date); v.P(c.system); v.P(c.code); v.P(c.value); v.P(c.unit);
  auto& k = ds.conditions;
  v.P(k.offsets); v.P(k.condition); v.P(k.date);
}

struct SaveVisitor {
  Writer& w;
  template <typename T> void P(const std::vector<T>& x) { w.Pod(x); }
  void S(const std::vector<std::string>& x) { w.Strings(x); }
  void Dict(const Dictionary& d) { w.Strings(d.values()); }
  void Str1(const std::string& s) { w.Strings({s}); }
};

struct LoadVisitor {
  Reader& r;
  bool ok = true;
  template <typename T> void P(std::vector<T>& x) { ok = ok && r.Pod(x); }
  void S(std::vector<std::string>& x) { ok = ok && r.Strings(x); }
  void Dict(Dictionary& d) {
    std::vector<std::string> v;
    ok = ok && r.Strings(v);
    d.Assign(std::move(v));
  }
  // Not inlined: g++ 12 reports a false -Wfree-nonheap-object when it is inlined into Load.
  [[gnu::noinline]] void Str1(std::string& s) {
    std::vector<std::string> v;
    ok = ok && r.Strings(v) && v.size() == 1;
    if (ok) s = v[0];
  }
};

Status CheckCsr(const std::vector<uint64_t>& offsets, size_t persons, size_t rows, const std::vector<int32_t>& date,
                const char* table) {
  if (offsets.size() != persons + 1 || offsets.front() != 0 || offsets.back() != rows)
    return Status::Corrupt(std::string(table) + ": offsets do not match row count");
  for (size_t p = 0; p < persons; ++p) {
    if (offsets[p] > offsets[p + 1]) return Status::Corrupt(std::string(table) + ": offsets not ascending");
    for (uint64_t i = offsets[p] + 1; i < offsets[p + 1]; ++i)
      if (date[i - 1] > date[i]) return Status::Corrupt(std::string(table) + ": rows not sorted by date");
  }
  return Status::Ok();
}

}  // namespace

void Dataset::Serialise(std::FILE* f, Digest& digest, bool& failed) const {
  Writer w(f);
  w.Raw(kMagic, sizeof kMagic);
  w.U32(kSnapshotVersion);
  SaveVisitor v{w};
  VisitColumns(v, *this);
  digest = w.Finish();
  failed = w.failed();
}

Digest Dataset::ComputeDigest() const {
  Digest d;
  bool failed;
  Serialise(nullptr, d, failed);
  return d;
}

Result<Digest> Dataset::Save(const std::string& path) const {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return Status::IoError("cannot create " + tmp + ": " + std::strerror(errno));
  Digest digest;
  bool failed = false;
  Serialise(f, digest, failed);
  failed = failed || std::fwrite(digest.data(), 1, digest.size(), f) != digest.size();
  failed = failed || std::fflush(f) != 0 || ::fsync(::fileno(f)) != 0;
  failed = (std::fclose(f) != 0) || failed;
  if (failed) {
    std::remove(tmp.c_str());
    return Status::IoError("writing snapshot " + path + " failed (disk full?)");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return Status::IoError("cannot rename snapshot into place: " + path);
  }
  const auto parent = std::filesystem::path(path).parent_path();
  ICB_RETURN_IF_ERROR(FsyncPath(parent.empty() ? "." : parent.string()));
  return digest;
}

Result<Dataset> Dataset::Load(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Status::NotFound("cannot open snapshot " + path);
  struct Closer { std::FILE* f; ~Closer() { std::fclose(f); } } closer{f};
  std::error_code ec;
  const uint64_t size = std::filesystem::file_size(path, ec);
  char magic[sizeof kMagic];
  uint32_t version = 0;
  if (ec || size < sizeof kMagic + 4 + 32 || std::fread(magic, 1, sizeof magic, f) != sizeof magic ||
      std::memcmp(magic, kMagic, sizeof kMagic) != 0 || std::fread(&version, 1, 4, f) != 4)
    return Status::Corrupt(path + ": not an icb-engine snapshot");
  if (version != kSnapshotVersion)
    return Status::Corrupt(path + ": snapshot version " + std::to_string(version) + ", this engine reads " +
                           std::to_string(kSnapshotVersion));
  Dataset ds;
  Reader r(f, size - 32 - sizeof kMagic - 4);
  r.HashOnly(magic, sizeof magic);  // the header is part of the checksummed body
  r.HashOnly(&version, 4);
  LoadVisitor v{r};
  VisitColumns(v, ds);
  if (!v.ok || !r.Done()) return Status::Corrupt(path + ": snapshot truncated or sections malformed");
  Digest stored;
  if (std::fread(stored.data(), 1, 32, f) != 32) return Status::Corrupt(path + ": checksum missing");
  if (r.Finish() != stored) return Status::Corrupt(path + ": checksum mismatch (file damaged)");
  ds.loaded_digest_ = stored;
  ICB_RETURN_IF_ERROR(ds.Validate());
  return ds;
}

Status Dataset::Validate() const {
  const size_t n = persons.size();
  const auto& p = persons;
  if (p.pseudonym.size() != n || p.sex.size() != n || p.ethnicity.size() != n || p.lsoa.size() != n ||
      p.death.size() != n)
    return Status::Corrupt("persons: column lengths differ");
  for (size_t i = 1; i < n; ++i)
    if (!(p.pseudonym[i - 1] < p.pseudonym[i])) return Status::Corrupt("persons: pseudonyms not unique and sorted");
  for (size_t i = 0; i < n; ++i)
    if (p.lsoa[i] >= lsoas.size()) return Status::Corrupt("persons: LSOA id out of range");
  ICB_RETURN_IF_ERROR(CheckCsr(registrations.offsets, n, registrations.size(), registrations.start, "registrations"));
  ICB_RETURN_IF_ERROR(CheckCsr(events.offsets, n, events.size(), events.date, "events"));
  ICB_RETURN_IF_ERROR(CheckCsr(coded.offsets, n, coded.size(), coded.date, "coded"));
  ICB_RETURN_IF_ERROR(CheckCsr(conditions.offsets, n, conditions.size(), conditions.date, "conditions"));
  const auto& e = events;
  const size_t m = e.size();
  if (e.end_date.size() != m || e.setting.size() != m || e.pod.size() != m || e.provider.size() != m ||
      e.attr1.size() != m || e.attr2.size() != m || e.attr3.size() != m || e.code.size() != m ||
      e.procedure.size() != m || e.hrg.size() != m || e.cost_pence.size() != m || e.quantity.size() != m)
    return Status::Corrupt("events: column lengths differ");
  for (size_t i = 0; i < m; ++i) {
    if (e.setting[i] >= kSettingCount || e.pod[i] >= kPodCount) return Status::Corrupt("events: bad setting or POD");
    if (e.provider[i] != Dictionary::kNone && e.provider[i] >= orgs.size())
      return Status::Corrupt("events: provider id out of range");
  }
  return Status::Ok();
}

int32_t Dataset::FirstEventDate() const {
  if (events.size() == 0) return kNoDate;
  return *std::min_element(events.date.begin(), events.date.end());
}

int32_t Dataset::LastEventDate() const {
  if (events.size() == 0) return kNoDate;
  return *std::max_element(events.date.begin(), events.date.end());
}

}  // namespace icb
