#include "model/model_card.h"

#include <array>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "core/file_util.h"
#include "model/json_field_reader.h"

namespace icb::model {
namespace {

using nlohmann::json;

json BinsToJson(const Bins& b) {
  return json{{"edges", DoublesToJson(b.edges)}, {"reference_shares", DoublesToJson(b.reference_shares)}};
}

void ReadBins(JsonFieldReader& parent, const std::string& name, Bins* out) {
  const json* j = parent.Object(name);
  if (j == nullptr) return;
  JsonFieldReader r(*j, parent.Path(name));
  r.Read("edges", &out->edges);
  r.Read("reference_shares", &out->reference_shares);
  parent.Absorb(r.status());
}

json WindowToJson(const CardWindow& w) {
  return json{{"features_as_at", w.features_as_at},
              {"outcome_start", w.outcome_start},
              {"outcome_end", w.outcome_end},
              {"persons", w.persons},
              {"events", w.events}};
}

void ReadWindow(JsonFieldReader& parent, const std::string& name, CardWindow* out) {
  const json* j = parent.Object(name);
  if (j == nullptr) return;
  JsonFieldReader r(*j, parent.Path(name));
  r.Read("features_as_at", &out->features_as_at);
  r.Read("outcome_start", &out->outcome_start);
  r.Read("outcome_end", &out->outcome_end);
  r.Read("persons", &out->persons);
  r.Read("events", &out->events);
  parent.Absorb(r.status());
}

// Top-level fields in the order they are written (any others follow, sorted).
constexpr std::array<const char*, 18> kFieldOrder = {
    "card_version", "engine_version", "created",   "outcome",  "outcome_description", "dataset_digest",
    "uses_ethnicity", "training",     "validation", "metrics", "features",            "score_bins",
    "recalibration", "recalibration_note", "gbm_params", "gbm_log", "logistic", "gbm"};

std::string Dump(const json& j, int indent) { return j.dump(indent, ' ', false, json::error_handler_t::replace); }

}  // namespace

std::vector<std::string> ModelCard::FeatureNames() const {
  std::vector<std::string> names;
  names.reserve(features.size());
  for (const CardFeature& f : features) names.push_back(f.name);
  return names;
}

Result<json> ModelCardToJson(const ModelCard& card) {
  json j;
  j["card_version"] = card.card_version;
  j["engine_version"] = card.engine_version;
  j["created"] = card.created;
  j["outcome"] = card.outcome;
  j["outcome_description"] = card.outcome_description;
  j["dataset_digest"] = card.dataset_digest;
  j["uses_ethnicity"] = card.uses_ethnicity;
  json features = json::array();
  for (const CardFeature& f : card.features) {
    features.push_back(
        json{{"name", f.name}, {"description", f.description}, {"group", f.group}, {"bins", BinsToJson(f.bins)}});
  }
  j["features"] = std::move(features);
  j["training"] = WindowToJson(card.training);
  j["validation"] = WindowToJson(card.validation);
  j["metrics"] = card.metrics.is_null() ? json::object() : card.metrics;
  j["gbm_params"] = card.gbm_params.ToJson();
  j["gbm_log"] = card.gbm_log.ToJson();
  j["logistic"] = card.logistic.ToJson();
  if (card.gbm.loaded()) {
    Result<std::string> text = card.gbm.SaveJson();
    if (!text.ok()) return text.status();
    json model = json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (model.is_discarded()) return Status::Internal("XGBoost wrote a model that is not valid JSON");
    j["gbm"] = std::move(model);
  } else {
    j["gbm"] = nullptr;
  }
  j["score_bins"] = BinsToJson(card.score_bins);
  j["recalibration"] = json{{"intercept", card.recalibration.intercept}, {"slope", card.recalibration.slope}};
  j["recalibration_note"] = card.recalibration_note;
  return j;
}

Result<ModelCard> ModelCardFromJson(const json& j) {
  ModelCard card;
  JsonFieldReader r(j, "");
  if (!r.Read("card_version", &card.card_version)) return r.status();
  if (card.card_version > kModelCardVersion)
    return Status::InvalidInput(fmt::format(
        "card_version {} is newer than this engine reads (up to {}): use the icb-engine release that wrote it, "
        "or retrain the model with this one",
        card.card_version, kModelCardVersion));
  if (card.card_version < 1) return Status::InvalidInput(fmt::format("card_version {} is not valid", card.card_version));

  r.Read("engine_version", &card.engine_version);
  r.Read("created", &card.created);
  r.Read("outcome", &card.outcome);
  r.Read("outcome_description", &card.outcome_description);
  r.Read("dataset_digest", &card.dataset_digest);
  r.Read("uses_ethnicity", &card.uses_ethnicity);
  if (const json* features = r.Array("features")) {
    for (size_t i = 0; i < features->size() && r.ok(); ++i) {
      CardFeature f;
      JsonFieldReader fr((*features)[i], fmt::format("features[{}]", i));
      fr.Read("name", &f.name);
      fr.Read("description", &f.description);
      fr.Read("group", &f.group);
      ReadBins(fr, "bins", &f.bins);
      r.Absorb(fr.status());
      card.features.push_back(std::move(f));
    }
  }
  ReadWindow(r, "training", &card.training);
  ReadWindow(r, "validation", &card.validation);
  if (const json* metrics = r.Object("metrics")) card.metrics = *metrics;
  if (const json* params = r.Object("gbm_params")) {
    Result<GbmParams> p = GbmParams::FromJson(*params, r.Path("gbm_params"));
    if (p.ok()) card.gbm_params = *p;
    r.Absorb(p.status());
  }
  if (const json* log = r.Object("gbm_log")) {
    Result<GbmTrainLog> l = GbmTrainLog::FromJson(*log, r.Path("gbm_log"));
    if (l.ok()) card.gbm_log = std::move(*l);
    r.Absorb(l.status());
  }
  if (const json* logistic = r.Object("logistic")) {
    Result<LogisticModel> m = LogisticModel::FromJson(*logistic);
    if (m.ok()) card.logistic = std::move(*m);
    r.Absorb(m.status());  // its messages name fields as 'logistic.<field>'
  }
  ReadBins(r, "score_bins", &card.score_bins);
  if (const json* recal = r.Object("recalibration")) {
    JsonFieldReader rr(*recal, "recalibration");
    rr.Read("intercept", &card.recalibration.intercept);
    rr.Read("slope", &card.recalibration.slope);
    r.Absorb(rr.status());
  }
  r.Read("recalibration_note", &card.recalibration_note);
  if (const json* gbm = r.Field("gbm")) {
    if (gbm->is_object()) {
      Result<GbmModel> m = GbmModel::LoadJson(Dump(*gbm, -1));
      if (!m.ok()) {
        return m.status().code() == StatusCode::kCorrupt ? Status::Corrupt("field 'gbm': " + m.status().message())
                                                         : m.status();
      }
      card.gbm = std::move(*m);
    } else if (!gbm->is_null()) {
      r.Fail("field 'gbm' should be an XGBoost JSON model (an object) or null, found " +
             JsonFieldReader::TypeName(*gbm));
    }
  }
  if (!r.ok()) return r.status();

  // Consistency: every model scores the card's features, in the card's order.
  if (card.gbm.loaded() && static_cast<size_t>(card.gbm.feature_count()) != card.features.size())
    return Status::InvalidInput(fmt::format("field 'gbm': the XGBoost model takes {} features, field 'features' lists {}",
                                            card.gbm.feature_count(), card.features.size()));
  if (!card.logistic.names.empty() && card.logistic.names != card.FeatureNames())
    return Status::InvalidInput("field 'logistic': its feature names are not those of field 'features'");
  return card;
}

Status SaveModelCard(const ModelCard& card, const std::string& path) {
  Result<json> j = ModelCardToJson(card);
  if (!j.ok()) return j.status();
  // Readable header fields (two-space indent), the XGBoost model compact on one line.
  std::string out = "{\n";
  std::set<std::string> written;
  auto emit = [&](const std::string& key, const json& value) {
    if (!written.empty()) out += ",\n";
    written.insert(key);
    std::string body = key == "gbm" ? Dump(value, -1) : Dump(value, 2);
    std::string indented;
    indented.reserve(body.size() + 64);
    for (char c : body) {
      indented.push_back(c);
      if (c == '\n') indented += "  ";
    }
    out += "  " + Dump(json(key), -1) + ": " + indented;
  };
  for (const char* key : kFieldOrder) {
    auto it = j->find(key);
    if (it != j->end()) emit(key, *it);
  }
  for (auto it = j->begin(); it != j->end(); ++it) {
    if (!written.count(it.key())) emit(it.key(), it.value());
  }
  out += "\n}\n";
  return WriteFileAtomic(path, out);
}

Result<ModelCard> LoadModelCard(const std::string& path) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) {
    if (text.status().code() == StatusCode::kNotFound)
      return Status::NotFound("model card " + path + " not found: " + text.status().message());
    return text.status();
  }
  json j;
  try {
    j = json::parse(*text);
  } catch (const json::parse_error& e) {
    return Status::Corrupt(fmt::format("model card {}: not valid JSON at byte {}: {}", path, e.byte, e.what()));
  }
  Result<ModelCard> card = ModelCardFromJson(j);
  if (!card.ok()) {
    const Status& s = card.status();
    const std::string msg = "model card " + path + ": " + s.message();
    switch (s.code()) {
      case StatusCode::kCorrupt: return Status::Corrupt(msg);
      case StatusCode::kInvalidInput: return Status::InvalidInput(msg);
      default: return Status::Internal(msg);
    }
  }
  return card;
}

}  // namespace icb::model
