#include "report/json_writer.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace icb::report {

using ojson = nlohmann::ordered_json;

namespace {

ojson CellToJson(const Cell& cell) {
  if (const auto* s = std::get_if<std::string>(&cell)) return *s;
  if (const auto* i = std::get_if<int64_t>(&cell)) return *i;
  if (const auto* d = std::get_if<double>(&cell)) return std::isfinite(*d) ? ojson(*d) : ojson(nullptr);
  if (std::holds_alternative<Redacted>(cell)) return "redacted";
  return nullptr;
}

Status Bad(const std::string& where, const std::string& what) {
  return Status::InvalidInput("report JSON: " + where + ": " + what);
}

// The string at `key`, `fallback` when absent, nullopt when present but not a string.
std::optional<std::string> StringAt(const ojson& j, const char* key, std::string fallback) {
  auto it = j.find(key);
  if (it == j.end()) return fallback;
  if (!it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

Result<Cell> CellFromJson(const Column& col, const ojson& v, const std::string& where) {
  if (v.is_null()) return Cell{};
  if (col.kind != ColumnKind::kText && v.is_string() && v.get<std::string>() == "redacted") return Cell{Redacted{}};
  switch (col.kind) {
    case ColumnKind::kText:
      if (!v.is_string()) return Bad(where, "expected a string");
      return Cell{v.get<std::string>()};
    case ColumnKind::kInteger:
      if (!v.is_number_integer()) return Bad(where, "expected a whole number");
      return Cell{v.get<int64_t>()};
    case ColumnKind::kDecimal:
    case ColumnKind::kPercent:
      if (!v.is_number()) return Bad(where, "expected a number");
      return Cell{v.get<double>()};
  }
  return Bad(where, "unknown column kind");
}

Result<Table> TableFromJson(const ojson& j, size_t index) {
  std::string where = "tables[" + std::to_string(index) + "]";
  if (!j.is_object() || !j.contains("name") || !j["name"].is_string() || !j.contains("columns") ||
      !j["columns"].is_array() || !j.contains("rows") || !j["rows"].is_array())
    return Bad(where, "expected an object with name, columns and rows");
  const std::string name = j["name"].get<std::string>();
  if (!IsValidTableName(name)) return Bad(where, "invalid table name");
  where = "table " + name;
  const auto title = StringAt(j, "title", "");
  if (!title) return Bad(where, "title must be a string");
  Table t(name, *title);
  for (const auto& c : j["columns"]) {
    if (!c.is_object() || !c.contains("name") || !c["name"].is_string() || !c.contains("type") ||
        !c["type"].is_string())
      return Bad(where, "a column needs a name and a type");
    const auto kind = ParseColumnKind(c["type"].get<std::string>());
    if (!kind) return Bad(where, "unknown column type");
    std::string cname = c["name"].get<std::string>();
    const auto label_or = StringAt(c, "label", cname);
    if (!label_or) return Bad(where, "a column label must be a string");
    std::string label = *label_or;
    int places = 0;
    if (c.contains("places")) {
      if (!c["places"].is_number_unsigned() || c["places"].get<uint64_t>() > 15)
        return Bad(where, "places must be a whole number 0-15");
      places = c["places"].get<int>();
    }
    switch (*kind) {
      case ColumnKind::kText: t.AddText(std::move(cname), std::move(label)); break;
      case ColumnKind::kInteger:
        if (c.contains("count") && c["count"].is_boolean() && c["count"].get<bool>())
          t.AddCount(std::move(cname), std::move(label));
        else
          t.AddInteger(std::move(cname), std::move(label));
        break;
      case ColumnKind::kDecimal: t.AddDecimal(std::move(cname), std::move(label), places); break;
      case ColumnKind::kPercent: t.AddPercent(std::move(cname), std::move(label), places); break;
    }
    if (c.contains("based_on")) {
      if (!c["based_on"].is_array()) return Bad(where, "based_on must be an array of column names");
      std::vector<std::string> based_on;
      for (const auto& b : c["based_on"]) {
        if (!b.is_string()) return Bad(where, "based_on must be an array of column names");
        based_on.push_back(b.get<std::string>());
      }
      t.BasedOn(std::move(based_on));
    }
  }
  std::vector<size_t> totals;
  if (j.contains("total_rows")) {
    if (!j["total_rows"].is_array()) return Bad(where, "total_rows must be an array of row indices");
    for (const auto& v : j["total_rows"]) {
      if (!v.is_number_unsigned()) return Bad(where, "total_rows must be an array of row indices");
      totals.push_back(v.get<size_t>());
    }
  }
  size_t r = 0;
  for (const auto& row : j["rows"]) {
    if (!row.is_object()) return Bad(where, "row " + std::to_string(r) + " is not an object");
    std::vector<Cell> cells;
    for (const auto& col : t.columns()) {
      const std::string at = where + " row " + std::to_string(r) + " column " + col.name;
      auto it = row.find(col.name);
      if (it == row.end()) return Bad(at, "missing");
      auto cell = CellFromJson(col, *it, at);
      if (!cell.ok()) return cell.status();
      cells.push_back(std::move(cell.value()));
    }
    if (row.size() != t.columns().size()) return Bad(where + " row " + std::to_string(r), "unknown keys");
    t.AddRow(std::move(cells));
    if (std::find(totals.begin(), totals.end(), r) != totals.end()) t.MarkTotalRow();
    ++r;
  }
  if (j.contains("footnotes")) {
    if (!j["footnotes"].is_array()) return Bad(where, "footnotes must be an array");
    for (const auto& f : j["footnotes"]) {
      if (!f.is_string()) return Bad(where, "footnotes must be strings");
      t.footnotes().push_back(f.get<std::string>());
    }
  }
  if (j.contains("bars")) {
    if (!j["bars"].is_array()) return Bad(where, "bars must be an array");
    for (const auto& b : j["bars"]) {
      if (!b.is_object() || !b.contains("column") || !b["column"].is_number_unsigned())
        return Bad(where, "a bar needs a column index");
      const size_t col = b["column"].get<size_t>();
      if (col >= t.columns().size() || t.columns()[col].kind == ColumnKind::kText)
        return Bad(where, "a bar must point at a numeric column");
      const bool left = b.contains("grows_left") && b["grows_left"].is_boolean() && b["grows_left"].get<bool>();
      t.AddBar(col, left);
    }
  }
  return t;
}

ojson ChartToJson(const ChartSpec& c) {
  ojson j = {{"name", c.name}, {"kind", std::string(ChartKindName(c.kind))}, {"table", c.table}, {"title", c.title}};
  auto put = [&](const char* key, const std::string& v) {
    if (!v.empty()) j[key] = v;
  };
  put("description", c.description);
  put("x", c.x);
  j["y"] = c.y;
  put("lower", c.lower);
  put("upper", c.upper);
  if (!c.limits.empty()) j["limits"] = c.limits;
  put("target", c.target);
  put("series", c.series);
  put("x_label", c.x_label);
  put("y_label", c.y_label);
  put("improvement", c.improvement);
  put("filter_column", c.filter_column);
  if (!c.filter_values.empty()) j["filter_values"] = c.filter_values;
  return j;
}

Result<ChartSpec> ChartFromJson(const ojson& j, size_t index) {
  std::string where = "charts[" + std::to_string(index) + "]";
  if (!j.is_object() || !j.contains("name") || !j["name"].is_string() || !j.contains("kind") || !j["kind"].is_string())
    return Bad(where, "expected an object with a name and a kind");
  ChartSpec c;
  c.name = j["name"].get<std::string>();
  if (!IsValidChartName(c.name)) return Bad(where, "invalid chart name");
  where = "chart " + c.name;
  const auto kind = ParseChartKind(j["kind"].get<std::string>());
  if (!kind) return Bad(where, "unknown kind (expected pyramid, bar, points, funnel, spc or line)");
  c.kind = *kind;
  for (auto [key, into] : {std::pair<const char*, std::string*>{"table", &c.table}, {"title", &c.title},
                           {"description", &c.description}, {"x", &c.x}, {"lower", &c.lower}, {"upper", &c.upper},
                           {"target", &c.target}, {"series", &c.series}, {"x_label", &c.x_label},
                           {"y_label", &c.y_label}, {"improvement", &c.improvement},
                           {"filter_column", &c.filter_column}}) {
    const auto v = StringAt(j, key, "");
    if (!v) return Bad(where, std::string(key) + " must be a string");
    *into = *v;
  }
  for (auto [key, into] : {std::pair<const char*, std::vector<std::string>*>{"y", &c.y}, {"limits", &c.limits},
                                                                                {"filter_values", &c.filter_values}}) {
    if (!j.contains(key)) continue;
    if (!j[key].is_array()) return Bad(where, std::string(key) + " must be an array of column names");
    for (const auto& v : j[key]) {
      if (!v.is_string()) return Bad(where, std::string(key) + " must be an array of column names");
      into->push_back(v.get<std::string>());
    }
  }
  return c;
}

}  // namespace

ojson TableToJson(const Table& table) {
  ojson t = ojson::object();
  t["name"] = table.name();
  t["title"] = table.title();
  ojson cols = ojson::array();
  for (const auto& c : table.columns()) {
    ojson col = {{"name", c.name}, {"label", c.label}, {"type", std::string(ColumnKindName(c.kind))}};
    if (c.kind == ColumnKind::kDecimal || c.kind == ColumnKind::kPercent) col["places"] = c.places;
    if (c.is_count) col["count"] = true;
    if (!c.based_on.empty()) col["based_on"] = c.based_on;
    cols.push_back(std::move(col));
  }
  t["columns"] = std::move(cols);
  ojson rows = ojson::array();
  for (const auto& row : table.rows()) {
    ojson r = ojson::object();
    for (size_t i = 0; i < row.size(); ++i) r[table.columns()[i].name] = CellToJson(row[i]);
    rows.push_back(std::move(r));
  }
  t["rows"] = std::move(rows);
  if (!table.total_rows().empty()) t["total_rows"] = table.total_rows();
  t["footnotes"] = table.footnotes();
  if (!table.bars().empty()) {
    ojson bars = ojson::array();
    for (const auto& b : table.bars()) bars.push_back({{"column", b.column}, {"grows_left", b.grows_left}});
    t["bars"] = std::move(bars);
  }
  return t;
}

ojson ReportToJson(const Report& report) {
  ojson j = ojson::object();
  j["title"] = report.title;
  ojson meta = ojson::object();
  for (const auto& [k, v] : report.metadata) meta[k] = v;
  j["metadata"] = std::move(meta);
  if (!report.disclosure.empty()) j["disclosure"] = report.disclosure;
  ojson tables = ojson::array();
  for (const auto& t : report.tables) tables.push_back(TableToJson(t));
  j["tables"] = std::move(tables);
  if (!report.charts.empty()) {
    ojson charts = ojson::array();
    for (const auto& c : report.charts) charts.push_back(ChartToJson(c));
    j["charts"] = std::move(charts);
  }
  return j;
}

std::string ReportToJsonText(const Report& report) { return ReportToJson(report).dump(2) + "\n"; }

Result<Report> ReportFromJson(const ojson& j) {
  if (!j.is_object() || !j.contains("tables") || !j["tables"].is_array())
    return Bad("top level", "expected an object with a tables array");
  Report report;
  const auto title = StringAt(j, "title", "");
  if (!title) return Bad("title", "expected a string");
  report.title = *title;
  if (j.contains("disclosure")) {
    if (!j["disclosure"].is_string()) return Bad("disclosure", "expected a string");
    report.disclosure = j["disclosure"].get<std::string>();
  }
  if (j.contains("metadata")) {
    if (!j["metadata"].is_object()) return Bad("metadata", "expected an object");
    for (const auto& [k, v] : j["metadata"].items()) {
      if (!v.is_string()) return Bad("metadata", "values must be strings");
      report.metadata.emplace_back(k, v.get<std::string>());
    }
  }
  size_t i = 0;
  for (const auto& t : j["tables"]) {
    auto table = TableFromJson(t, i++);
    if (!table.ok()) return table.status();
    report.tables.push_back(std::move(table.value()));
  }
  if (j.contains("charts")) {
    if (!j["charts"].is_array()) return Bad("charts", "expected an array");
    size_t k = 0;
    for (const auto& c : j["charts"]) {
      auto chart = ChartFromJson(c, k++);
      if (!chart.ok()) return chart.status();
      report.charts.push_back(std::move(chart.value()));
    }
  }
  if (Status st = CheckReport(report); !st.ok()) return Bad("report", st.message());
  return report;
}

Result<Report> ReportFromJsonText(const std::string& text) {
  ojson j = ojson::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidInput("report JSON: not valid JSON");
  return ReportFromJson(j);
}

}  // namespace icb::report
