#include "server/live_feed.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "core/date.h"
#include "core/file_util.h"
#include "report/json_writer.h"
#include "stats/spc.h"

namespace icb::server {

namespace fs = std::filesystem;

namespace {

// The four charted measures: how each is read from LiveCounts, its column names and direction.
struct Measure {
  const char* key;        // column stem
  const char* label;
  const char* improvement;
  bool ratio;             // coding depth: codes / spells
};
constexpr Measure kMeasures[] = {
    {"emergency", "Emergency admissions", "decrease", false},
    {"ae", "A&E attendances", "decrease", false},
    {"items", "Prescription items", "", false},
    {"depth", "Coding depth (diagnosis codes per admitted spell)", "increase", true},
};

int64_t CountOf(const LiveCounts& c, size_t m) {
  switch (m) {
    case 0: return c.emergency;
    case 1: return c.ae;
    case 2: return c.items;
    default: return c.spells;
  }
}

int32_t Today() {
  const auto now = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  return static_cast<int32_t>(now.time_since_epoch().count());
}

std::string NowText() {
  const auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// SPC values to 3 decimal places (the JSON of every version stays small).
report::Cell Num(double v) { return std::isfinite(v) ? report::Cell(std::round(v * 1000) / 1000) : report::Cell(); }

// Adds a series' SPC columns: for each day the published value (nullopt: redacted or undefined,
// left out of the chart's limits), and back the mean, limits and point type per day.
struct SpcColumns {
  std::vector<double> mean, lpl, upl;
  std::vector<std::string> type;
};

SpcColumns SeriesSpc(const std::vector<std::optional<double>>& values, const std::vector<std::string>& dates,
                     const LiveFeedOptions& options, const char* improvement) {
  const size_t n = values.size();
  SpcColumns out{std::vector<double>(n, stats::kNaN), std::vector<double>(n, stats::kNaN), std::vector<double>(n, stats::kNaN),
                 std::vector<std::string>(n)};
  std::vector<stats::SpcPoint> points;
  std::vector<size_t> at;
  for (size_t i = 0; i < n; ++i) {
    if (!values[i]) continue;
    stats::SpcPoint p;
    p.period = dates[i];
    p.value = *values[i];
    points.push_back(std::move(p));
    at.push_back(i);
  }
  if (points.size() < 2) return out;
  auto preset = stats::SpcPreset("NHSRplotthedots-0.2.2");
  if (!preset.ok()) return out;
  stats::SpcOptions o = *preset;
  o.improvement = improvement[0] == 'd' ? stats::SpcImprovement::kDecrease
                  : improvement[0] == 'i' ? stats::SpcImprovement::kIncrease
                                          : stats::SpcImprovement::kNeutral;
  const size_t baseline = static_cast<size_t>(std::max(options.baseline_days, 0));
  o.fix_after_n_points = baseline >= 12 && points.size() > baseline ? static_cast<int>(baseline) : 0;
  o.short_group_warning = 0;
  auto r = stats::CalculateSpc(points, o);
  if (!r.ok()) return out;
  for (size_t k = 0; k < r->points.size() && k < at.size(); ++k) {
    const auto& p = r->points[k];
    out.mean[at[k]] = p.mean;
    out.lpl[at[k]] = p.lpl;
    out.upl[at[k]] = p.upl;
    out.type[at[k]] = std::string(stats::SpcPointTypeName(p.point_type));
  }
  // Days left out (redacted) carry the limits of the series, without a point type.
  if (!r->facets.empty()) {
    for (size_t i = 0; i < n; ++i) {
      if (values[i]) continue;
      out.mean[i] = r->facets.back().mean;
      out.lpl[i] = r->facets.back().lpl;
      out.upl[i] = r->facets.back().upl;
    }
  }
  return out;
}

}  // namespace

LiveFeed::LiveFeed(const Dataset& ds, LiveFeedOptions options, ReleaseFn release)
    : ds_(ds), options_(std::move(options)), release_(std::move(release)) {
  if (options_.window_days < 14) options_.window_days = 14;
}

LiveFeed::~LiveFeed() { Stop(); }

Result<std::unique_ptr<LiveFeed>> LiveFeed::Open(const Dataset& ds, LiveFeedOptions options, ReleaseFn release) {
  std::unique_ptr<LiveFeed> f(new LiveFeed(ds, std::move(options), std::move(release)));
  ICB_RETURN_IF_ERROR(MakeDirs((fs::path(f->options_.state_dir) / kLiveDir).string()));
  if (f->inbox_enabled()) {
    for (const char* sub : {"", "done", "rejected"}) {
      ICB_RETURN_IF_ERROR(MakeDirs((fs::path(f->options_.state_dir) / kInboxDir / sub).string()));
    }
  }
  {
    std::lock_guard lock(f->mu_);
    f->Seed();
    ICB_RETURN_IF_ERROR(f->PublishLocked());
  }
  auto applied = f->Poll();
  if (!applied.ok()) return applied.status();
  return f;
}

void LiveFeed::Start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void LiveFeed::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LiveFeed::Loop() {
  while (!stopping_) {
    auto r = Poll();
    if (!r.ok()) std::fprintf(stderr, "icb serve: live feed: %s\n", r.status().ToString().c_str());
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(options_.poll_ms), [this] { return stopping_.load(); });
  }
}

uint32_t LiveFeed::PlaceIndexLocked(const std::string& name) {
  auto [it, added] = place_index_.try_emplace(name, static_cast<uint32_t>(places_.size()));
  if (added) places_.push_back(name);
  return it->second;
}

uint32_t LiveFeed::OrgIndexLocked(const std::string& code) {
  auto [it, added] = org_index_.try_emplace(code, static_cast<uint32_t>(orgs_.size()));
  if (added) orgs_.push_back(code);
  return it->second;
}

std::string LiveFeed::PlaceOf(uint32_t p, int32_t day) const {
  const auto& reg = ds_.registrations;
  if (p + 1 < reg.offsets.size()) {
    for (uint64_t i = reg.offsets[p]; i < reg.offsets[p + 1]; ++i) {
      if (reg.start[i] <= day && (reg.end[i] == kNoDate || reg.end[i] >= day)) {
        const std::string& place = ds_.practices.place_name[reg.practice[i]];
        if (!place.empty()) return place;
      }
    }
  }
  if (p < ds_.persons.lsoa.size()) {
    const uint32_t l = ds_.persons.lsoa[p];
    if (l < ds_.lsoas.place_name.size() && !ds_.lsoas.place_name[l].empty()) return ds_.lsoas.place_name[l];
  }
  return "Unknown place";
}

// Seeds from the last window_days days of the dataset. Coding depth: a person's ICD-10 codes dated
// on an admission day belong to that day's spells (ingest dates every APC diagnosis at admission).
void LiveFeed::Seed() {
  for (size_t i = 0; i < ds_.providers.size(); ++i) {
    const uint32_t id = ds_.orgs.Lookup(ds_.providers.code.Get(static_cast<uint32_t>(i)));
    if (id != Dictionary::kNone) org_names_[id] = ds_.providers.name[i];
  }
  as_at_ = ds_.LastEventDate();
  if (as_at_ == kNoDate) as_at_ = Today();
  latest_day_ = as_at_;
  const int32_t first = as_at_ - options_.window_days + 1;
  const EventTable& ev = ds_.events;
  const CodedTable& cd = ds_.coded;
  auto add = [&](std::map<int32_t, std::vector<LiveCounts>>& m, int32_t day, uint32_t idx) -> LiveCounts& {
    auto& v = m[day];
    if (v.size() <= idx) v.resize(idx + 1);
    return v[idx];
  };
  if (ev.offsets.size() != ds_.person_count() + 1) return;  // no activity table
  const bool has_coded = cd.offsets.size() == ds_.person_count() + 1;
  for (uint32_t p = 0; p < ds_.person_count(); ++p) {
    int32_t last_apc_day = kNoDate;
    uint64_t coded_at = has_coded ? cd.offsets[p] : 0;
    const uint64_t coded_end = has_coded ? cd.offsets[p + 1] : 0;
    for (uint64_t e = ev.offsets[p]; e < ev.offsets[p + 1]; ++e) {
      const int32_t day = ev.date[e];
      if (day < first || day > as_at_) continue;
      const auto setting = static_cast<Setting>(ev.setting[e]);
      if (setting != Setting::kAe && setting != Setting::kApc && setting != Setting::kPrescribing) continue;
      const uint32_t place = PlaceIndexLocked(PlaceOf(p, day));
      const uint32_t org = OrgIndexLocked(std::string(ds_.orgs.Get(ev.provider[e])));
      LiveCounts& a = add(by_place_, day, place);
      LiveCounts& b = add(by_org_, day, org);
      if (setting == Setting::kAe) {
        ++a.ae;
        ++b.ae;
      } else if (setting == Setting::kPrescribing) {
        a.items += ev.quantity[e];
        b.items += ev.quantity[e];
      } else {
        ++a.spells;
        ++b.spells;
        if (ds_.attrs.Get(ev.attr1[e]).substr(0, 1) == "2") {
          ++a.emergency;
          ++b.emergency;
        }
        if (day != last_apc_day) {
          last_apc_day = day;
          int64_t codes = 0;
          while (coded_at < coded_end && cd.date[coded_at] < day) ++coded_at;
          for (uint64_t c = coded_at; c < coded_end && cd.date[c] == day; ++c) {
            if (static_cast<CodeSystem>(cd.system[c]) == CodeSystem::kIcd10) ++codes;
          }
          a.codes += codes;
          b.codes += codes;
        }
      }
    }
  }
}

void LiveFeed::AddRowLocked(const LiveRow& row) {
  ++appended_;
  if (row.day < latest_day_ - options_.window_days + 1) {
    ++outside_window_;
    return;
  }
  latest_day_ = std::max(latest_day_, row.day);
  const auto& ps = ds_.persons.pseudonym;
  const auto it = std::lower_bound(ps.begin(), ps.end(), row.pseudonym);
  std::string place;
  if (it == ps.end() || *it != row.pseudonym) {
    ++unmatched_;
    place = kUnmatchedPlace;
  } else {
    place = PlaceOf(static_cast<uint32_t>(it - ps.begin()), row.day);
  }
  const uint32_t pi = PlaceIndexLocked(place), oi = OrgIndexLocked(row.org);
  for (auto [m, idx] : {std::pair{&by_place_, pi}, std::pair{&by_org_, oi}}) {
    auto& v = (*m)[row.day];
    if (v.size() <= idx) v.resize(idx + 1);
    LiveCounts& c = v[idx];
    switch (row.kind) {
      case LiveKind::kAe: ++c.ae; break;
      case LiveKind::kPrescription: c.items += row.items; break;
      case LiveKind::kApc:
        ++c.spells;
        c.codes += row.diagnoses;
        if (row.emergency) ++c.emergency;
        break;
    }
  }
}

Status LiveFeed::Apply(const std::string& batch_id, const std::vector<LiveRow>& rows) {
  std::lock_guard lock(mu_);
  if (!applied_.insert(batch_id).second) return Status::Ok();
  for (const auto& r : rows) AddRowLocked(r);
  last_batch_time_ = NowText();
  return PublishLocked();
}

Status LiveFeed::PublishLocked() {
  auto built = BuildLocked();
  if (!built.ok()) return built.status();
  auto released = release_(std::move(*built));
  if (!released.ok()) return Status::Internal("live report: " + released.status().message());
  auto snap = std::make_shared<LiveSnapshot>();
  snap->version = version_ + 1;
  snap->report = std::make_shared<const report::Report>(std::move(*released));
  snap->json = report::ReportToJson(*snap->report).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  ++version_;
  current_ = std::move(snap);
  cv_.notify_all();
  return Status::Ok();
}

std::shared_ptr<const LiveSnapshot> LiveFeed::Current() const {
  std::lock_guard lock(mu_);
  return current_;
}

std::shared_ptr<const LiveSnapshot> LiveFeed::WaitNewer(uint64_t seen, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return version_ > seen || stopping_.load(); });
  return current_;
}

LiveCounts LiveFeed::PlaceCounts(int32_t day, const std::string& place) const {
  std::lock_guard lock(mu_);
  const auto d = by_place_.find(day);
  const auto i = place_index_.find(place);
  if (d == by_place_.end() || i == place_index_.end() || i->second >= d->second.size()) return {};
  return d->second[i->second];
}

LiveCounts LiveFeed::OrgCounts(int32_t day, const std::string& org) const {
  std::lock_guard lock(mu_);
  const auto d = by_org_.find(day);
  const auto i = org_index_.find(org);
  if (d == by_org_.end() || i == org_index_.end() || i->second >= d->second.size()) return {};
  return d->second[i->second];
}

int64_t LiveFeed::unmatched_rows() const {
  std::lock_guard lock(mu_);
  return unmatched_;
}
int64_t LiveFeed::appended_rows() const {
  std::lock_guard lock(mu_);
  return appended_;
}
size_t LiveFeed::batches_applied() const {
  std::lock_guard lock(mu_);
  return applied_.size();
}
int32_t LiveFeed::latest_day() const {
  std::lock_guard lock(mu_);
  return latest_day_;
}

Result<report::Report> LiveFeed::BuildLocked() const {
  const int32_t first = latest_day_ - options_.window_days + 1;
  std::vector<std::string> dates;
  for (int32_t d = first; d <= latest_day_; ++d) dates.push_back(Date(d).ToIso());
  const size_t ndays = dates.size();
  auto counts_of = [&](const std::map<int32_t, std::vector<LiveCounts>>& m, uint32_t idx) {
    std::vector<LiveCounts> v(ndays);
    for (auto it = m.lower_bound(first); it != m.end() && it->first <= latest_day_; ++it) {
      if (idx < it->second.size()) v[static_cast<size_t>(it->first - first)] = it->second[idx];
    }
    return v;
  };
  auto published = [&](int64_t c) -> std::optional<double> {
    auto p = governance::DiscloseCount(c, options_.policy);
    if (!p) return std::nullopt;
    return static_cast<double>(*p);
  };
  // One table of daily series with SPC columns; `label` names the unit column.
  auto make_table = [&](const std::string& name, const std::string& title, const char* unit, const char* unit_label,
                        bool with_name) {
    report::Table t(name, title);
    t.AddText(unit, unit_label);
    if (with_name) t.AddText("name", "Name");
    t.AddText("date", "Date");
    t.AddCount("emergency", "Emergency admissions");
    t.AddCount("ae", "A&E attendances");
    t.AddCount("items", "Prescription items");
    t.AddCount("spells", "Admitted spells");
    t.AddCount("codes", "Diagnosis codes");
    t.AddDecimal("depth", "Coding depth", 2).BasedOn({"codes", "spells"});
    for (const auto& m : kMeasures) {
      t.AddDecimal(std::string(m.key) + "_mean", std::string(m.label) + ": mean", 2);
      t.AddDecimal(std::string(m.key) + "_lpl", std::string(m.label) + ": lower process limit", 2);
      t.AddDecimal(std::string(m.key) + "_upl", std::string(m.label) + ": upper process limit", 2);
      t.AddText(std::string(m.key) + "_type", std::string(m.label) + ": point type");
    }
    return t;
  };
  auto add_rows = [&](report::Table& t, const std::string& unit, const std::string* uname,
                      const std::vector<LiveCounts>& v, size_t from_day) {
    std::vector<SpcColumns> spc;
    for (size_t m = 0; m < 4; ++m) {
      std::vector<std::optional<double>> values(ndays);
      for (size_t i = 0; i < ndays; ++i) {
        if (kMeasures[m].ratio) {
          const auto codes = published(v[i].codes), spells = published(v[i].spells);
          if (codes && spells && *spells > 0) values[i] = *codes / *spells;
        } else {
          values[i] = published(CountOf(v[i], m));
        }
      }
      spc.push_back(SeriesSpc(values, dates, options_, kMeasures[m].improvement));
    }
    for (size_t i = from_day; i < ndays; ++i) {
      std::vector<report::Cell> row{unit};
      if (uname) row.emplace_back(*uname);
      row.emplace_back(dates[i]);
      row.emplace_back(v[i].emergency);
      row.emplace_back(v[i].ae);
      row.emplace_back(v[i].items);
      row.emplace_back(v[i].spells);
      row.emplace_back(v[i].codes);
      row.push_back(v[i].spells > 0 ? report::Cell(static_cast<double>(v[i].codes) / static_cast<double>(v[i].spells))
                                    : report::Cell());
      for (size_t m = 0; m < 4; ++m) {
        row.push_back(Num(spc[m].mean[i]));
        row.push_back(Num(spc[m].lpl[i]));
        row.push_back(Num(spc[m].upl[i]));
        row.emplace_back(spc[m].type[i]);
      }
      t.AddRow(std::move(row));
    }
  };

  report::Report r;
  r.title = "Live utilisation" + (options_.label.empty() ? std::string() : ", " + options_.label);
  r.metadata = {{"dataset", options_.label},
                {"version", std::to_string(version_ + 1)},
                {"window", dates.front() + " to " + dates.back()},
                {"dataset_last_day", Date(as_at_).ToIso()},
                {"batches_applied", std::to_string(applied_.size())},
                {"last_batch_at", last_batch_time_.empty() ? "none yet" : last_batch_time_},
                {"watched_folder", inbox_enabled() ? "on (STATE/inbox)" : "off (serve --key-file)"},
                {"spc", fmt::format("XmR (NHSRplotthedots 0.2.2 rules), limits from the first {} published points",
                                    options_.baseline_days)}};

  // Places in name order, the unmatched place last.
  std::vector<uint32_t> place_order(places_.size());
  for (uint32_t i = 0; i < place_order.size(); ++i) place_order[i] = i;
  std::sort(place_order.begin(), place_order.end(), [&](uint32_t a, uint32_t b) {
    const bool ua = places_[a] == kUnmatchedPlace, ub = places_[b] == kUnmatchedPlace;
    return ua != ub ? ub : places_[a] < places_[b];
  });
  report::Table tp = make_table("live_daily_by_place", "Daily activity by place, with SPC limits", "place", "Place", false);
  for (uint32_t i : place_order) add_rows(tp, places_[i], nullptr, counts_of(by_place_, i), 0);
  tp.footnotes().push_back(
      "Place: the place of the person's registered practice on the day, else of their LSOA of residence; '" +
      std::string(kUnmatchedPlace) + "': appended rows whose NHS number is not in the published dataset.");
  tp.footnotes().push_back(
      "Emergency admissions: admitted spells with admission method 21-2D or 28; coding depth: diagnosis codes "
      "(primary and secondary ICD-10) per admitted spell, all admission methods.");
  tp.footnotes().push_back(
      "SPC: XmR limits (mean +/- 2.66 x mean moving range) from the published daily counts of the baseline; point "
      "types by the Making Data Count rules. Redacted days are left out of the limits.");

  // Organisations: the last 7 days each (limits over the whole window), busiest first.
  report::Table to = make_table("live_daily_by_provider", "Daily activity by provider (last 7 days), with SPC limits",
                                "provider", "Provider or practice", true);
  std::vector<std::pair<int64_t, uint32_t>> org_order;
  std::vector<std::vector<LiveCounts>> org_counts(orgs_.size());
  for (uint32_t i = 0; i < orgs_.size(); ++i) {
    org_counts[i] = counts_of(by_org_, i);
    int64_t total = 0;
    for (const auto& c : org_counts[i]) total += c.ae + c.spells + c.items;
    // Providers only (and codes in neither reference table): practices' prescribing is in the place table.
    const bool practice = ds_.practices.code.Lookup(orgs_[i]) != Dictionary::kNone &&
                          ds_.providers.code.Lookup(orgs_[i]) == Dictionary::kNone;
    if (total > 0 && !practice) org_order.emplace_back(-total, i);
  }
  std::sort(org_order.begin(), org_order.end(), [&](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : orgs_[a.second] < orgs_[b.second];
  });
  for (const auto& [neg, i] : org_order) {
    const uint32_t id = ds_.orgs.Lookup(orgs_[i]);
    const auto n = id == Dictionary::kNone ? org_names_.end() : org_names_.find(id);
    std::string name = n != org_names_.end() ? n->second : "";
    if (name.empty()) {
      const uint32_t pr = ds_.practices.code.Lookup(orgs_[i]);
      name = pr != Dictionary::kNone ? ds_.practices.name[pr] : "(not in the reference tables)";
    }
    add_rows(to, orgs_[i], &name, org_counts[i], ndays > 7 ? ndays - 7 : 0);
  }
  to.footnotes().push_back(
      "A&E attendances and admitted spells by provider (ref_providers); prescription items are shown by place (their "
      "organisation is the prescribing practice). Limits over the whole window; the last 7 days shown.");

  // Summary: the latest day across the ICB and what has been appended.
  report::Table ts("live_summary", "Live summary");
  ts.AddText("item", "Item");
  ts.AddCount("count", "Count");
  LiveCounts day_total;
  const auto last = by_place_.find(latest_day_);
  if (last != by_place_.end()) {
    for (const auto& c : last->second) {
      day_total.emergency += c.emergency;
      day_total.ae += c.ae;
      day_total.items += c.items;
      day_total.spells += c.spells;
    }
  }
  const std::string latest = Date(latest_day_).ToIso();
  ts.AddRow({"Emergency admissions on " + latest, day_total.emergency});
  ts.AddRow({"A&E attendances on " + latest, day_total.ae});
  ts.AddRow({"Prescription items on " + latest, day_total.items});
  ts.AddRow({"Admitted spells on " + latest, day_total.spells});
  ts.AddRow({std::string("Rows appended since the server started"), appended_});
  ts.AddRow({std::string("Appended rows whose person is not in the dataset (unmatched)"), unmatched_});
  ts.AddRow({std::string("Appended rows dated before the window (not shown)"), outside_window_});
  ts.AddRow({std::string("Rows rejected in the watched folder"), rejected_});
  ts.footnotes().push_back("Rejected rows are listed, with file, line, column and reason, in STATE/live/*.rejects.csv.");

  r.tables.push_back(std::move(ts));
  r.tables.push_back(std::move(tp));
  r.tables.push_back(std::move(to));

  // SPC charts: each measure for each place.
  size_t k = 0;
  for (uint32_t i : place_order) {
    ++k;
    for (const auto& m : kMeasures) {
      report::ChartSpec c;
      c.name = fmt::format("p{}_{}", k, m.key);
      c.title = fmt::format("{} per day, {}", m.label, places_[i]);
      c.description = fmt::format("{} per day in {}, XmR chart with mean and process limits", m.label, places_[i]);
      c.kind = report::ChartKind::kSpc;
      c.table = "live_daily_by_place";
      c.x = "date";
      c.y = {m.ratio ? "depth" : m.key};
      c.limits = {std::string(m.key) + "_mean", std::string(m.key) + "_lpl", std::string(m.key) + "_upl"};
      c.series = std::string(m.key) + "_type";
      c.improvement = m.improvement;
      c.filter_column = "place";
      c.filter_values = {places_[i]};
      r.charts.push_back(std::move(c));
    }
  }
  return r;
}

Status LiveFeed::ProcessInbox() {
  const fs::path inbox = fs::path(options_.state_dir) / kInboxDir;
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(inbox, ec)) {
    const std::string name = e.path().filename().string();
    if (!e.is_regular_file(ec) || name.empty() || name[0] == '.' || e.path().extension() != ".csv") continue;
    // A file still being copied in: wait until it has not changed for 150 ms.
    const auto modified = fs::last_write_time(e.path(), ec);
    if (ec || fs::file_time_type::clock::now() - modified < std::chrono::milliseconds(150)) continue;
    files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    const std::string name = f.filename().string();
    auto text = ReadFile(f.string());
    if (!text.ok()) continue;  // gone or unreadable: try again next time
    auto parsed = ParseLiveCsv(name, *text, *options_.key, Today());
    const fs::path done = inbox / "done" / name, rejected = inbox / "rejected" / name;
    if (!parsed.ok()) {
      std::fprintf(stderr, "icb serve: watched folder: %s\n", parsed.status().ToString().c_str());
      (void)WriteFileAtomic((inbox / "rejected" / (name + ".reason.txt")).string(), parsed.status().message() + "\n");
      fs::rename(f, rejected, ec);
      continue;
    }
    auto id = WriteLiveBatch(options_.state_dir, *parsed);
    if (!id.ok()) return id.status();
    {
      std::lock_guard lock(mu_);
      rejected_ += static_cast<int64_t>(parsed->rows_rejected);
    }
    std::fprintf(stderr, "icb serve: watched folder: %s: %zu rows taken, %llu rejected\n", name.c_str(),
                 parsed->rows.size(), static_cast<unsigned long long>(parsed->rows_rejected));
    fs::rename(f, parsed->rows.empty() && parsed->rows_rejected > 0 ? rejected : done, ec);
    if (ec) fs::remove(f, ec);
  }
  return Status::Ok();
}

Result<int> LiveFeed::Poll() {
  std::lock_guard poll_lock(poll_mu_);
  if (inbox_enabled()) ICB_RETURN_IF_ERROR(ProcessInbox());
  const fs::path dir = fs::path(options_.state_dir) / kLiveDir;
  std::error_code ec;
  std::vector<std::string> ids;
  const std::string suffix = kBatchSuffix;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() <= suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
    ids.push_back(name.substr(0, name.size() - suffix.size()));
  }
  std::sort(ids.begin(), ids.end());
  int applied = 0;
  std::lock_guard lock(mu_);
  for (const auto& id : ids) {
    if (applied_.count(id) || bad_batches_.count(id)) continue;
    auto text = ReadFile((dir / (id + suffix)).string());
    Result<std::vector<LiveRow>> rows = text.ok() ? ParseLiveBatch(*text) : Result<std::vector<LiveRow>>(text.status());
    if (!rows.ok()) {
      std::fprintf(stderr, "icb serve: live feed: batch %s skipped: %s\n", id.c_str(), rows.status().message().c_str());
      bad_batches_.insert(id);
      continue;
    }
    applied_.insert(id);
    for (const auto& r : *rows) AddRowLocked(r);
    last_batch_time_ = NowText();
    ++applied;
  }
  if (applied > 0) ICB_RETURN_IF_ERROR(PublishLocked());
  return applied;
}

}  // namespace icb::server
