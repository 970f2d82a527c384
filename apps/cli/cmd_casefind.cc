// icb casefind: a case-finding list for one practice, PCN or neighbourhood (src/risk/casefind.h):
// the people with the highest predicted risk, with pseudonym, segment, reasons and recent use. Every
// list is logged (who, scope, filters, rows) before it is shown or written; a list is never ICB-wide.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "apps/cli/command.h"
#include "core/crypto.h"
#include "core/file_util.h"
#include "data/dataset_dir.h"
#include "governance/audit_log.h"
#include "risk/casefind.h"

namespace {

using icb::cli::ReportError;

struct CasefindArgs {
  std::string dataset, model, practice, pcn, neighbourhood, lsoas, as_at, segment, condition, exclude,
      exclude_recent, out, audit_log, user, rules;
  size_t top = 0;
  double top_percent = 0;
  bool impactability = false;
};

icb::Result<std::vector<std::string>> ReadLines(const std::string& path, const std::string& header) {
  auto text = icb::ReadFile(path);
  if (!text.ok()) return text.status();
  std::vector<std::string> out;
  size_t pos = 0;
  int line_no = 0;
  while (pos < text->size()) {
    size_t nl = text->find('\n', pos);
    std::string line = text->substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? text->size() : nl + 1;
    ++line_no;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty() || (line_no == 1 && line == header)) continue;
    if (line.find(',') != std::string::npos) {
      return icb::Status::InvalidInput(fmt::format("{} line {}: expected one value per line (a {})", path, line_no, header));
    }
    out.push_back(line);
  }
  return out;
}

icb::Result<std::vector<icb::Digest>> ReadPseudonyms(const std::string& path) {
  auto lines = ReadLines(path, "pseudonym");
  if (!lines.ok()) return lines.status();
  std::vector<icb::Digest> out;
  int line_no = 0;
  for (const auto& l : *lines) {
    ++line_no;
    icb::Digest d{};
    bool ok = l.size() == 64;
    for (size_t i = 0; ok && i < 32; ++i) {
      unsigned v = 0;
      ok = std::sscanf(l.c_str() + 2 * i, "%2x", &v) == 1;
      d[i] = static_cast<uint8_t>(v);
    }
    if (!ok) {
      return icb::Status::InvalidInput(
          fmt::format("{}: entry {} is not a pseudonym (64 hexadecimal characters, as in casefind lists)", path, line_no));
    }
    out.push_back(d);
  }
  return out;
}

icb::cli::RunFn Setup(CLI::App& app) {
  auto a = std::make_shared<CasefindArgs>();
  auto* sub = app.add_subcommand("casefind", "List the people at highest risk in one practice, PCN or neighbourhood");
  sub->add_option("DATASET", a->dataset, "Published dataset directory")->required();
  sub->add_option("--model", a->model, "Model card (from icb risk train)")->required();
  auto* practice = sub->add_option("--practice", a->practice, "Practice code (ODS), e.g. P82001");
  auto* pcn = sub->add_option("--pcn", a->pcn, "Primary care network code, e.g. U12345");
  auto* hood = sub->add_option("--neighbourhood", a->neighbourhood, "Neighbourhood name (with --lsoas)");
  sub->add_option("--lsoas", a->lsoas, "File of the neighbourhood's LSOA codes, one per line (header lsoa_code optional)")
      ->needs(hood);
  hood->needs(sub->get_option("--lsoas"));
  practice->excludes(pcn)->excludes(hood);
  pcn->excludes(hood);
  sub->add_option("--as-at", a->as_at, "Date the list holds on, YYYY-MM-DD (default: the day after the data end)");
  sub->add_option("--top", a->top, "List length (default 50)");
  sub->add_option("--top-percent", a->top_percent, "List the top X% of eligible people instead")->excludes(sub->get_option("--top"));
  sub->add_option("--segment", a->segment,
                  "Only this Bridges to Health segment: healthy, maternal_infant, acutely_ill, long_term_conditions, "
                  "disability, incurable_cancer, organ_failure, frailty_dementia");
  sub->add_option("--condition", a->condition, "Only people on this QOF register, e.g. HF, COPD, DM");
  sub->add_option("--exclude", a->exclude, "File of pseudonyms already under a service, one per line");
  sub->add_option("--exclude-recent", a->exclude_recent,
                  "Exclude people with contact in the last 90 days with these settings (comma list: community, "
                  "mental_health, social_care)");
  sub->add_flag("--impactability", a->impactability,
                "Rank people with an ACSC emergency admission or rising risk above people whose risk is fixed");
  sub->add_option("--out", a->out, "Write the list as CSV (person-level: keep inside the practice's systems)");
  sub->add_option("--audit-log", a->audit_log, "Audit log to append to (default: DATASET/audit.jsonl)");
  sub->add_option("--user", a->user, "Who is asking, for the audit log (default: $ICB_USER or the login name)");
  sub->add_option("--rules", a->rules, "Data directory with codelists/ and segmentation/ (default: shipped)");
  sub->footer(
      "Examples:\n"
      "  icb casefind icb-data --model ea-model.json --practice P82001 --top 30\n"
      "  icb casefind icb-data --model ea-model.json --pcn U12345 --segment frailty_dementia --impactability --out list.csv\n"
      "  icb casefind icb-data --model ea-model.json --neighbourhood Farnworth --lsoas farnworth.txt --condition HF\n"
      "A list is scoped to one practice, PCN or neighbourhood (at most 100,000 people), never the whole ICB.\n"
      "Entries carry pseudonyms only; re-identification is done in the practice's own clinical system.\n"
      "Every list is logged (time, user, scope, filters, rows) before it is shown. Docs: docs/reference/casefind.md");
  return [a]() -> int {
    icb::risk::CasefindQuery q;
    if (!a->practice.empty()) {
      q.scope = {icb::risk::ScopeKind::kPractice, a->practice, {}};
    } else if (!a->pcn.empty()) {
      q.scope = {icb::risk::ScopeKind::kPcn, a->pcn, {}};
    } else if (!a->neighbourhood.empty()) {
      auto lsoas = ReadLines(a->lsoas, "lsoa_code");
      if (!lsoas.ok()) return ReportError(lsoas.status());
      q.scope = {icb::risk::ScopeKind::kNeighbourhood, a->neighbourhood, *lsoas};
    } else {
      std::fprintf(stderr,
                   "icb: casefind needs a scope: --practice, --pcn or --neighbourhood (lists are never ICB-wide)\n");
      return 5;
    }
    q.top_k = a->top;
    q.top_percent = a->top_percent;
    q.impactability = a->impactability;
    q.condition = a->condition;
    if (!a->segment.empty()) {
      for (int s = 1; s <= icb::kB2hSegmentCount; ++s) {
        if (icb::B2hSegmentName(static_cast<icb::B2hSegment>(s)) == a->segment) q.segment = static_cast<icb::B2hSegment>(s);
      }
      if (!q.segment) {
        std::fprintf(stderr, "icb: --segment: unknown segment '%s' (see --help)\n", a->segment.c_str());
        return 64;
      }
    }
    if (!a->exclude_recent.empty()) {
      size_t pos = 0;
      while (pos <= a->exclude_recent.size()) {
        const size_t comma = a->exclude_recent.find(',', pos);
        const std::string name = a->exclude_recent.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        bool found = false;
        for (int s = 0; s < icb::kSettingCount; ++s) {
          if (icb::SettingName(static_cast<icb::Setting>(s)) == name) {
            q.exclude_recent.push_back(static_cast<icb::Setting>(s));
            found = true;
          }
        }
        if (!found) {
          std::fprintf(stderr, "icb: --exclude-recent: unknown setting '%s'\n", name.c_str());
          return 64;
        }
        if (comma == std::string::npos) break;
        pos = comma + 1;
      }
    }
    if (!a->exclude.empty()) {
      auto ex = ReadPseudonyms(a->exclude);
      if (!ex.ok()) return ReportError(ex.status());
      q.exclude = std::move(*ex);
    }
    auto card = icb::model::LoadModelCard(a->model);
    if (!card.ok()) return ReportError(card.status());
    auto config = a->rules.empty() ? icb::LoadDefaultScoringConfig() : icb::LoadScoringConfig(a->rules);
    if (!config.ok()) return ReportError(config.status());
    auto gen = icb::DatasetDir::Current(a->dataset);
    if (!gen.ok()) return ReportError(gen.status());
    auto ds = icb::Dataset::Load((std::filesystem::path(*gen) / icb::DatasetDir::kSnapshotFile).string());
    if (!ds.ok()) return ReportError(ds.status());
    q.as_at = ds->LastEventDate() + 1;
    if (!a->as_at.empty()) {
      auto d = icb::Date::ParseIso(a->as_at);
      if (!d) {
        std::fprintf(stderr, "icb: --as-at: expected a date YYYY-MM-DD\n");
        return 64;
      }
      q.as_at = d->days();
    }
    auto list = icb::risk::FindCases(*ds, *config, *card, q);
    if (!list.ok()) return ReportError(list.status());

    // Log before anything person-level leaves the engine; no log, no list.
    const std::string audit = a->audit_log.empty() ? (std::filesystem::path(a->dataset) / "audit.jsonl").string() : a->audit_log;
    auto model_text = icb::ReadFile(a->model);
    nlohmann::json record = {
        {"action", "casefind"},
        {"user", a->user.empty() ? icb::governance::CurrentUser() : a->user},
        {"scope", std::string(icb::risk::ScopeKindName(q.scope.kind))},
        {"scope_code", q.scope.code},
        {"as_at", icb::Date(q.as_at).ToIso()},
        {"rows", list->entries.size()},
        {"scope_persons", list->scope_persons},
        {"eligible", list->eligible},
        {"filters",
         {{"segment", a->segment},
          {"condition", a->condition},
          {"exclude_list_entries", q.exclude.size()},
          {"exclude_recent", a->exclude_recent},
          {"impactability", a->impactability},
          {"top", a->top},
          {"top_percent", a->top_percent}}},
        {"model", a->model},
        {"model_sha256", model_text.ok() ? icb::ToHex(icb::Sha256Of(*model_text)) : std::string()},
        {"dataset", a->dataset},
        {"dataset_sha256", icb::ToHex(ds->loaded_digest())},
        {"output", a->out.empty() ? std::string("terminal") : a->out}};
    const icb::Status logged = icb::governance::AppendAuditRecord(audit, record);
    if (!logged.ok()) {
      std::fprintf(stderr, "icb: the list was not shown because it could not be logged\n");
      return ReportError(logged);
    }
    std::fprintf(stderr,
                 "icb: PERSON-LEVEL case-finding list for direct care (%s, %zu of %zu eligible people; logged to %s). "
                 "Keep it inside the practice's systems.\n",
                 list->scope_description.c_str(), list->entries.size(), list->eligible, audit.c_str());
    if (!a->out.empty()) {
      const icb::Status st = icb::risk::WriteCasefindCsv(*list, a->out);
      if (!st.ok()) return ReportError(st);
      std::printf("Wrote %zu rows to %s\n", list->entries.size(), a->out.c_str());
      return 0;
    }
    std::printf("%-4s  %-16s  %6s  %-28s  %s\n", "Rank", "Pseudonym", "Risk", "Segment", "Reasons | recent use");
    for (const auto& e : list->entries) {
      std::printf("%4zu  %.16s  %5.1f%%  %-28.28s  %s%s | %s\n", e.rank, e.pseudonym.c_str(), 100.0 * e.risk,
                  e.segment.c_str(), e.impactable ? "[impactable] " : "", e.reasons.c_str(), e.recent_use.c_str());
    }
    return 0;
  };
}

}  // namespace

ICB_REGISTER_COMMAND(casefind, Setup);
