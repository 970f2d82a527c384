#include "report/svg_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <optional>
#include <utility>
#include <vector>

namespace icb::report {
namespace {

// NHS identity colours (NHS England, "NHS identity guidelines: colours", england.nhs.uk/nhsidentity).
// Contrast with white (WCAG 2.1 relative luminance): text colours are at least 4.5:1; every mark
// colour is at least 3:1 except orange (2.6:1), which is always drawn with a dark outline.
constexpr const char* kNhsBlue = "#005EB8";      // 6.9:1
constexpr const char* kNhsDarkBlue = "#003087";  // 11.6:1
constexpr const char* kNhsBlack = "#231F20";     // 16.1:1
constexpr const char* kNhsDarkGrey = "#425563";  // 7.6:1
constexpr const char* kNhsMidGrey = "#768692";   // 3.7:1
constexpr const char* kNhsPaleGrey = "#E8EDEE";  // decorative only (grid lines)
constexpr const char* kNhsOrange = "#ED8B00";    // with a kNhsBlack outline
constexpr const char* kNhsPurple = "#330072";    // 14.6:1
constexpr const char* kNhsPink = "#AE2573";      // 6.4:1
constexpr const char* kNhsRed = "#DA291C";       // 4.9:1
constexpr const char* kNhsDarkGreen = "#006747"; // 7.4:1
constexpr const char* kNhsDarkRed = "#8A1538";   // 10.0:1
// Series colours in order, chosen to be told apart (no two blues or two reds); a sixth series
// reuses the first with a dashed line, and so on.
constexpr std::array<const char*, 5> kPalette = {kNhsBlue, kNhsPink, kNhsDarkGreen, kNhsPurple, kNhsDarkGrey};

constexpr double kWidth = 760;
constexpr double kPad = 16;
constexpr double kFont = 12;          // body text size, px
constexpr double kCharWidth = 0.6;    // average glyph advance of Arial/Helvetica, in em (generous)
constexpr double kMaxLabelWidth = 220;

// ---------- text ----------

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

double TextWidth(std::string_view s, double size = kFont) {
  return static_cast<double>(Utf8Length(s)) * size * kCharWidth;
}

// `s` cut (at a character boundary) with an ellipsis so it fits in `max_px`.
std::string Truncate(const std::string& s, double max_px, double size = kFont) {
  if (TextWidth(s, size) <= max_px) return s;
  const auto keep = static_cast<size_t>(std::max(1.0, max_px / (size * kCharWidth) - 1));
  std::string out;
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) != 0x80) {
      if (chars == keep) break;
      ++chars;
    }
    out.push_back(s[i]);
  }
  return out + "\xE2\x80\xA6";  // U+2026 horizontal ellipsis
}

// Words of `s` in lines no wider than `max_px`.
std::vector<std::string> Wrap(const std::string& s, double max_px, double size) {
  std::vector<std::string> lines;
  std::string line;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find(' ', i);
    if (j == std::string::npos) j = s.size();
    const std::string word = s.substr(i, j - i);
    const std::string candidate = line.empty() ? word : line + " " + word;
    if (!line.empty() && TextWidth(candidate, size) > max_px) {
      lines.push_back(line);
      line = word;
    } else {
      line = candidate;
    }
    i = j + 1;
  }
  if (!line.empty() || lines.empty()) lines.push_back(Truncate(line, max_px, size));
  return lines;
}

std::string Px(double v) {
  std::string s = fmt::format("{:.1f}", v);
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  if (s == "-0") s = "0";
  return s;
}

// Fixed-point `v` with `decimals` places and thousands separators ("-12,345.6").
std::string FormatNumber(double v, int decimals) {
  std::string plain = fmt::format("{:.{}f}", v, std::max(0, decimals));
  if (!plain.empty() && plain[0] == '-' && plain.find_first_not_of("-0.") == std::string::npos) plain.erase(0, 1);
  const size_t start = (!plain.empty() && plain[0] == '-') ? 1 : 0;
  size_t end = plain.find('.');
  if (end == std::string::npos) end = plain.size();
  std::string out = plain.substr(0, start);
  const size_t digits = end - start;
  for (size_t i = 0; i < digits; ++i) {
    if (i > 0 && (digits - i) % 3 == 0) out.push_back(',');
    out.push_back(plain[start + i]);
  }
  out.append(plain, end, std::string::npos);
  return out;
}

// ---------- values ----------

enum class State : uint8_t { kValue, kMissing, kRedacted };
struct Value {
  State state = State::kMissing;
  double v = 0;
  bool ok() const { return state == State::kValue; }
};

Value ValueOf(const Cell& cell) {
  if (std::holds_alternative<Redacted>(cell)) return {State::kRedacted, 0};
  if (const auto* i = std::get_if<int64_t>(&cell)) return {State::kValue, static_cast<double>(*i)};
  if (const auto* d = std::get_if<double>(&cell))
    return std::isfinite(*d) ? Value{State::kValue, *d} : Value{State::kMissing, 0};
  return {State::kMissing, 0};
}

// Counts of values not drawn, for the text summary.
struct Tally {
  int redacted = 0, missing = 0;
  void Add(const Value& v) {
    if (v.state == State::kRedacted) ++redacted;
    if (v.state == State::kMissing) ++missing;
  }
  std::string Sentence() const {
    std::string s;
    if (redacted > 0)
      s += fmt::format(" {} value{} redacted by disclosure control.", redacted, redacted == 1 ? "" : "s");
    if (missing > 0) s += fmt::format(" {} value{} missing.", missing, missing == 1 ? "" : "s");
    return s;
  }
};

// A value shown as its column shows it ("12,345", "12.5%", "0.87").
std::string FormatAs(const Column& col, double v) {
  if (col.kind == ColumnKind::kInteger) return GroupThousands(std::llround(v));
  std::string s = FormatNumber(v, col.places);
  if (col.kind == ColumnKind::kPercent) s.push_back('%');
  return s;
}

// ---------- scales ----------

// Heckbert's "nice numbers" (Graphics Gems, 1990): 1, 2, 5 times a power of ten; step 2.5 is
// allowed so that e.g. 0-10 gets five intervals.
double NiceNumber(double x, bool round) {
  const double e = std::floor(std::log10(x));
  const double f = x / std::pow(10.0, e);
  double nf;
  if (round)
    nf = f < 1.5 ? 1 : f < 2.25 ? 2 : f < 3.5 ? 2.5 : f < 7.5 ? 5 : 10;
  else
    nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
  return nf * std::pow(10.0, e);
}

struct Scale {
  double lo = 0, hi = 1, step = 1;
  int decimals = 0;
  std::string suffix;  // "%" for percent columns
  std::vector<double> ticks;
  double p0 = 0, p1 = 1;  // pixel positions of lo and hi
  double At(double v) const { return p0 + (v - lo) / (hi - lo) * (p1 - p0); }
  std::string Label(double v) const { return FormatNumber(v, decimals) + suffix; }
};

Scale NiceScale(double mn, double mx, int target_ticks = 6) {
  Scale s;
  if (!std::isfinite(mn) || !std::isfinite(mx)) mn = 0, mx = 1;
  if (mn > mx) std::swap(mn, mx);
  if (mn == mx) {
    const double d = mn == 0 ? 1 : std::fabs(mn) * 0.1;
    mn -= mn == 0 ? 0 : d;
    mx += d;
  }
  const double range = NiceNumber(mx - mn, false);
  s.step = NiceNumber(range / (target_ticks - 1), true);
  s.lo = std::floor(mn / s.step + 1e-9) * s.step;
  s.hi = std::ceil(mx / s.step - 1e-9) * s.step;
  if (s.hi <= s.lo) s.hi = s.lo + s.step;
  const double lg = std::log10(s.step);
  s.decimals = std::max(0, static_cast<int>(-std::floor(lg + 1e-9)));
  const double mantissa = s.step / std::pow(10.0, std::floor(lg + 1e-9));
  if (std::fabs(mantissa - 2.5) < 1e-9) s.decimals = std::max(0, s.decimals + 1);
  const auto n = static_cast<int>(std::llround((s.hi - s.lo) / s.step));
  for (int i = 0; i <= n && i <= 50; ++i) s.ticks.push_back(s.lo + s.step * i);
  return s;
}

// A scale over the values of `vals` (plus zero when `with_zero`), with the unit of `col`.
Scale ScaleFor(const std::vector<double>& vals, bool with_zero, const Column* col) {
  double mn = with_zero ? 0 : INFINITY, mx = with_zero ? 0 : -INFINITY;
  for (double v : vals) mn = std::min(mn, v), mx = std::max(mx, v);
  if (vals.empty() && !with_zero) mn = 0, mx = 1;
  Scale s = NiceScale(mn, mx);
  if (col && col->kind == ColumnKind::kPercent) s.suffix = "%";
  return s;
}

// ---------- drawing ----------

struct LegendItem {
  std::string label;
  std::string colour;
  enum Shape : uint8_t { kSwatch, kCircle, kDiamond, kSquare, kLine, kDashed } shape = kSwatch;
  bool outline = false;
};

class Canvas {
 public:
  std::string body;

  void Rect(double x, double y, double w, double h, std::string_view fill, std::string_view extra = {}) {
    body += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"{}{}/>\n", Px(x), Px(y),
                        Px(std::max(0.0, w)), Px(std::max(0.0, h)), fill, extra.empty() ? "" : " ", extra);
  }
  void Line(double x1, double y1, double x2, double y2, std::string_view stroke, double width = 1,
            std::string_view dash = {}) {
    body += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\"{}/>\n", Px(x1),
                        Px(y1), Px(x2), Px(y2), stroke, Px(width),
                        dash.empty() ? std::string() : fmt::format(" stroke-dasharray=\"{}\"", dash));
  }
  void Text(double x, double y, std::string_view text, std::string_view anchor = "start", double size = kFont,
            std::string_view fill = kNhsBlack, std::string_view extra = {}) {
    body += fmt::format("<text x=\"{}\" y=\"{}\"{}{} fill=\"{}\"{}{}>{}</text>\n", Px(x), Px(y),
                        anchor == "start" ? std::string() : fmt::format(" text-anchor=\"{}\"", anchor),
                        size == kFont ? std::string() : fmt::format(" font-size=\"{}\"", Px(size)), fill,
                        extra.empty() ? "" : " ", extra, XmlEscape(text));
  }
  void Polyline(const std::vector<std::pair<double, double>>& pts, std::string_view stroke, double width,
                std::string_view dash = {}) {
    if (pts.size() < 2) return;
    std::string p;
    for (const auto& [x, y] : pts) {
      if (!p.empty()) p.push_back(' ');
      p.append(Px(x)).push_back(',');
      p.append(Px(y));
    }
    body += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\"{}/>\n", p, stroke,
                        Px(width), dash.empty() ? std::string() : fmt::format(" stroke-dasharray=\"{}\"", dash));
  }
  // A data mark with a tooltip; every drawn value is one mark.
  void Mark(LegendItem::Shape shape, double x, double y, double r, std::string_view fill, bool outline,
            std::string_view tooltip) {
    const std::string stroke = outline ? fmt::format(" stroke=\"{}\" stroke-width=\"1\"", kNhsBlack)
                                       : std::string(" stroke=\"#FFFFFF\" stroke-width=\"0.75\"");
    const std::string title = "<title>" + XmlEscape(tooltip) + "</title>";
    switch (shape) {
      case LegendItem::kDiamond:
        body += fmt::format("<polygon class=\"mark\" points=\"{},{} {},{} {},{} {},{}\" fill=\"{}\"{}>{}</polygon>\n",
                            Px(x), Px(y - r * 1.3), Px(x + r * 1.3), Px(y), Px(x), Px(y + r * 1.3), Px(x - r * 1.3),
                            Px(y), fill, stroke, title);
        break;
      case LegendItem::kSquare:
        body += fmt::format("<rect class=\"mark\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"{}>{}</rect>\n",
                            Px(x - r), Px(y - r), Px(2 * r), Px(2 * r), fill, stroke, title);
        break;
      default:
        body += fmt::format("<circle class=\"mark\" cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\"{}>{}</circle>\n", Px(x),
                            Px(y), Px(r), fill, stroke, title);
    }
  }
  void BarMark(double x, double y, double w, double h, std::string_view fill, std::string_view tooltip) {
    body += fmt::format("<rect class=\"mark\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}</title></rect>\n",
                        Px(x), Px(y), Px(std::max(0.0, w)), Px(std::max(0.0, h)), fill, XmlEscape(tooltip));
  }
  // Legend items left to right from (x, y), wrapping at `right`; returns the y below the legend.
  double Legend(const std::vector<LegendItem>& items, double x, double y, double right) {
    double cx = x;
    for (const auto& it : items) {
      const double w = 22 + TextWidth(it.label) + 20;
      if (cx > x && cx + w > right) cx = x, y += 18;
      switch (it.shape) {
        case LegendItem::kLine: Line(cx, y - 4, cx + 16, y - 4, it.colour, 2); break;
        case LegendItem::kDashed: Line(cx, y - 4, cx + 16, y - 4, it.colour, 2, "5 3"); break;
        case LegendItem::kSwatch: Rect(cx, y - 10, 14, 12, it.colour); break;
        default: MarkLegend(it, cx + 7, y - 4);
      }
      Text(cx + 22, y, it.label);
      cx += w;
    }
    return y + 10;
  }

 private:
  void MarkLegend(const LegendItem& it, double x, double y) {
    const std::string stroke = it.outline ? fmt::format(" stroke=\"{}\" stroke-width=\"1\"", kNhsBlack) : "";
    if (it.shape == LegendItem::kDiamond)
      body += fmt::format("<polygon points=\"{},{} {},{} {},{} {},{}\" fill=\"{}\"{}/>\n", Px(x), Px(y - 6), Px(x + 6),
                          Px(y), Px(x), Px(y + 6), Px(x - 6), Px(y), it.colour, stroke);
    else if (it.shape == LegendItem::kSquare)
      Rect(x - 4.5, y - 4.5, 9, 9, it.colour, stroke);
    else
      body += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"4.5\" fill=\"{}\"{}/>\n", Px(x), Px(y), it.colour, stroke);
  }
};

// ---------- columns ----------

struct Resolved {
  std::optional<size_t> filter;
  std::vector<std::string> filter_values;
  size_t x = 0;
  std::vector<size_t> y;
  std::optional<size_t> lower, upper, target, series;
  std::vector<size_t> limits;
};

std::string ColumnList(const Table& t) {
  std::string s;
  for (const auto& c : t.columns()) s += (s.empty() ? "" : ", ") + c.name;
  return s;
}

Result<Resolved> Resolve(const Table& t, const ChartSpec& s) {
  const std::string where = "chart '" + s.name + "'";
  if (!IsValidChartName(s.name))
    return Status::InvalidInput(where + ": invalid chart name (use a-z, 0-9 and '_', at most 31 characters)");
  if (!s.table.empty() && s.table != t.name())
    return Status::InvalidInput(where + ": declared on table '" + s.table + "' but drawn from table '" + t.name() +
                                "'");
  auto find = [&](const std::string& name, const char* role, bool numeric) -> Result<size_t> {
    if (name.empty()) return Status::InvalidInput(where + ": no column named for " + role);
    const auto idx = t.ColumnIndex(name);
    if (!idx)
      return Status::InvalidInput(where + ": column '" + name + "' (" + role + ") is not in table '" + t.name() +
                                  "' (columns: " + ColumnList(t) + ")");
    if (numeric && t.columns()[*idx].kind == ColumnKind::kText)
      return Status::InvalidInput(where + ": column '" + name + "' (" + role + ") is text; a numeric column is needed");
    return *idx;
  };
  Resolved r;
  auto x = find(s.x, "x", s.kind == ChartKind::kFunnel);
  if (!x.ok()) return x.status();
  r.x = *x;
  if (s.y.empty()) return Status::InvalidInput(where + ": no y column named");
  for (const auto& name : s.y) {
    auto y = find(name, "y", true);
    if (!y.ok()) return y.status();
    r.y.push_back(*y);
  }
  auto optional_column = [&](const std::string& name, const char* role, bool numeric,
                             std::optional<size_t>& into) -> Status {
    if (name.empty()) return Status::Ok();
    auto c = find(name, role, numeric);
    if (!c.ok()) return c.status();
    into = *c;
    return Status::Ok();
  };
  ICB_RETURN_IF_ERROR(optional_column(s.lower, "lower", true, r.lower));
  ICB_RETURN_IF_ERROR(optional_column(s.upper, "upper", true, r.upper));
  ICB_RETURN_IF_ERROR(optional_column(s.target, "target", true, r.target));
  ICB_RETURN_IF_ERROR(optional_column(s.series, "series", false, r.series));
  ICB_RETURN_IF_ERROR(optional_column(s.filter_column, "filter", false, r.filter));
  r.filter_values = s.filter_values;
  for (const auto& name : s.limits) {
    auto c = find(name, "limits", true);
    if (!c.ok()) return c.status();
    r.limits.push_back(*c);
  }
  auto need = [&](bool ok, const std::string& what) { return ok ? Status::Ok() : Status::InvalidInput(where + ": " + what); };
  switch (s.kind) {
    case ChartKind::kPyramid:
      ICB_RETURN_IF_ERROR(need(r.y.size() == 2, "a pyramid needs two y columns (left side, right side)"));
      break;
    case ChartKind::kBar: break;
    case ChartKind::kPointsWithIntervals:
      ICB_RETURN_IF_ERROR(need(r.y.size() == 1, "a points chart needs one y column"));
      ICB_RETURN_IF_ERROR(need(r.lower.has_value() == r.upper.has_value(), "name both lower and upper, or neither"));
      break;
    case ChartKind::kFunnel:
      ICB_RETURN_IF_ERROR(need(r.y.size() == 1, "a funnel plot needs one y column"));
      ICB_RETURN_IF_ERROR(need(r.limits.size() == 4,
                               "a funnel plot needs four limits columns: lower 95%, upper 95%, lower 99.8%, upper 99.8%"));
      break;
    case ChartKind::kSpc:
      ICB_RETURN_IF_ERROR(need(r.y.size() == 1, "an SPC chart needs one y column"));
      ICB_RETURN_IF_ERROR(need(r.limits.size() == 3,
                               "an SPC chart needs three limits columns: mean, lower and upper process limits"));
      ICB_RETURN_IF_ERROR(need(s.improvement.empty() || s.improvement == "increase" || s.improvement == "decrease",
                               "improvement must be increase, decrease or empty"));
      break;
    case ChartKind::kLine:
      ICB_RETURN_IF_ERROR(need(!r.series.has_value() || r.y.size() == 1, "a line chart with a series column needs one y column"));
      break;
    case ChartKind::kFan:
      ICB_RETURN_IF_ERROR(need(r.y.size() == 1, "a fan chart needs one y column (the central value)"));
      ICB_RETURN_IF_ERROR(need(r.lower.has_value() && r.upper.has_value(), "a fan chart needs lower and upper columns"));
      break;
    case ChartKind::kWaterfall:
      ICB_RETURN_IF_ERROR(need(r.y.size() == 1, "a waterfall needs one y column"));
      break;
  }
  return r;
}

// ---------- common frame ----------

struct Drawing {
  Canvas canvas;
  double height = 0;
  std::string summary;
};

// Title (wrapped, bold) and subtitle lines at the top; returns the y below them.
double Header(Canvas& c, const ChartSpec& s, const std::vector<std::string>& subtitles) {
  double y = kPad + 14;
  for (const auto& line : Wrap(s.title.empty() ? s.name : s.title, kWidth - 2 * kPad, 16)) {
    c.Text(kPad, y, line, "start", 16, kNhsBlack, "font-weight=\"bold\"");
    y += 20;
  }
  for (const auto& sub : subtitles)
    for (const auto& line : Wrap(sub, kWidth - 2 * kPad, kFont)) {
      c.Text(kPad, y, line, "start", kFont, kNhsDarkGrey);
      y += 16;
    }
  return y + 4;
}

std::string Label(const Table& t, size_t col, const Cell& cell) {
  std::string s = DisplayCellText(t.columns()[col], cell);
  return s;
}

// Whether row `row` passes the spec's filter (or there is none).
bool Kept(const Table& t, const Resolved& r, size_t row) {
  if (!r.filter) return true;
  const std::string v = DisplayCellText(t.columns()[*r.filter], t.rows()[row][*r.filter]);
  return std::find(r.filter_values.begin(), r.filter_values.end(), v) != r.filter_values.end();
}

// The rows drawn: those kept by the filter, total rows excepted.
std::vector<size_t> DrawnRows(const Table& t, const Resolved& r) {
  std::vector<size_t> rows;
  for (size_t row = 0; row < t.row_count(); ++row)
    if (!t.IsTotalRow(row) && Kept(t, r, row)) rows.push_back(row);
  return rows;
}

// Vertical grid lines and tick labels of a horizontal value axis at y = `bottom`.
void ValueAxisBelow(Canvas& c, const Scale& s, double top, double bottom, bool grid = true) {
  for (double t : s.ticks) {
    const double x = s.At(t);
    if (grid) c.Line(x, top, x, bottom, kNhsPaleGrey, 1);
    c.Line(x, bottom, x, bottom + 4, kNhsDarkGrey, 1);
    // Centred under the tick, but kept inside the picture.
    const double half = TextWidth(s.Label(t), 11) / 2;
    c.Text(std::clamp(x, half + 2, kWidth - half - 2), bottom + 17, s.Label(t), "middle", 11, kNhsDarkGrey);
  }
  c.Line(s.p0, bottom, s.p1, bottom, kNhsDarkGrey, 1);
}

// Horizontal grid lines and tick labels of a vertical value axis at x = `left`.
void ValueAxisLeft(Canvas& c, const Scale& s, double left, double right) {
  for (double t : s.ticks) {
    const double y = s.At(t);
    c.Line(left, y, right, y, kNhsPaleGrey, 1);
    c.Text(left - 6, y + 4, s.Label(t), "end", 11, kNhsDarkGrey);
  }
  c.Line(left, s.p0, left, s.p1, kNhsDarkGrey, 1);
}

double MaxTickWidth(const Scale& s) {
  double w = 0;
  for (double t : s.ticks) w = std::max(w, TextWidth(s.Label(t), 11));
  return w;
}

// Rotated axis title on the left of a vertical axis.
void LeftAxisTitle(Canvas& c, const std::string& title, double x, double top, double bottom) {
  if (title.empty()) return;
  const double cy = (top + bottom) / 2;
  c.Text(x, cy, Truncate(title, bottom - top), "middle", kFont, kNhsDarkGrey,
         fmt::format("transform=\"rotate(-90 {} {})\"", Px(x), Px(cy)));
}

// Category labels along a horizontal axis at evenly spaced slots, thinned so they never overlap.
void CategoryAxisBelow(Canvas& c, const std::vector<std::string>& labels, double left, double slot, double bottom) {
  double widest = 0;
  for (const auto& l : labels) widest = std::max(widest, TextWidth(l, 11));
  const size_t every = std::max<size_t>(1, static_cast<size_t>(std::ceil((widest + 8) / std::max(slot, 1.0))));
  c.Line(left, bottom, left + slot * static_cast<double>(labels.size()), bottom, kNhsDarkGrey, 1);
  for (size_t i = 0; i < labels.size(); i += every) {
    const double x = left + slot * (static_cast<double>(i) + 0.5);
    c.Line(x, bottom, x, bottom + 4, kNhsDarkGrey, 1);
    c.Text(x, bottom + 17, labels[i], "middle", 11, kNhsDarkGrey);
  }
}

const std::string& AxisTitle(const std::string& given, const Column& col) { return given.empty() ? col.label : given; }

// ---------- pyramid ----------

Result<Drawing> DrawPyramid(const Table& t, const ChartSpec& s, const Resolved& r) {
  Drawing d;
  Canvas& c = d.canvas;
  const auto rows = DrawnRows(t, r);
  const Column& lc = t.columns()[r.y[0]];
  const Column& rc = t.columns()[r.y[1]];
  Tally tally;
  std::vector<double> vals;
  double widest = TextWidth(t.columns()[r.x].label, 11);
  for (size_t row : rows) {
    for (size_t k : r.y) {
      const Value v = ValueOf(t.rows()[row][k]);
      tally.Add(v);
      if (v.ok()) vals.push_back(std::fabs(v.v));
    }
    widest = std::max(widest, TextWidth(Label(t, r.x, t.rows()[row][r.x])));
  }
  const double mid = std::min(widest, 140.0) + 16;
  const double half = (kWidth - 2 * kPad - mid) / 2;
  double top = Header(c, s, {});
  // Side headings in the sides' colours.
  c.Text(kPad + half / 2, top + 12, lc.label, "middle", kFont, kNhsBlue, "font-weight=\"bold\"");
  c.Text(kPad + half + mid + half / 2, top + 12, rc.label, "middle", kFont, kNhsPink, "font-weight=\"bold\"");
  c.Text(kPad + half + mid / 2, top + 12, t.columns()[r.x].label, "middle", 11, kNhsDarkGrey);
  top += 22;
  const double band = rows.size() > 30 ? 10 : 16;
  const double bottom = top + band * static_cast<double>(rows.size());
  Scale left = ScaleFor(vals, true, &lc), right = left;
  left.p0 = kPad + half, left.p1 = kPad;
  right.p0 = kPad + half + mid, right.p1 = kWidth - kPad;
  ValueAxisBelow(c, left, top, bottom);
  ValueAxisBelow(c, right, top, bottom);
  const std::string axis_title = s.y_label;
  double y_end = bottom + 24;
  if (!axis_title.empty()) {
    c.Text(kWidth / 2, bottom + 38, axis_title, "middle", kFont, kNhsDarkGrey);
    y_end = bottom + 44;
  }
  struct Side {
    const Scale* scale;
    size_t col;
    const char* colour;
    double best = -1;
    std::string best_label;
    double total = 0;
  };
  std::array<Side, 2> sides = {Side{&left, r.y[0], kNhsBlue, -1, {}, 0}, Side{&right, r.y[1], kNhsPink, -1, {}, 0}};
  for (size_t i = 0; i < rows.size(); ++i) {
    const size_t row = rows[rows.size() - 1 - i];  // oldest band at the top
    const double y = top + band * static_cast<double>(i);
    const std::string label = Truncate(Label(t, r.x, t.rows()[row][r.x]), mid - 8);
    c.Text(kPad + half + mid / 2, y + band / 2 + 4, label, "middle", band < 16 ? 9 : 11);
    for (auto& side : sides) {
      const Value v = ValueOf(t.rows()[row][side.col]);
      const Scale& sc = *side.scale;
      const bool grows_left = sc.p1 < sc.p0;
      if (!v.ok()) {
        if (v.state == State::kRedacted)
          c.Text(grows_left ? sc.p0 - 4 : sc.p0 + 4, y + band / 2 + 3, "redacted", grows_left ? "end" : "start", 9,
                 kNhsDarkGrey, "font-style=\"italic\"");
        continue;
      }
      const double x1 = sc.At(std::fabs(v.v));
      const double w = std::fabs(x1 - sc.p0);
      const std::string tip = label + ", " + t.columns()[side.col].label + ": " + FormatAs(t.columns()[side.col], v.v);
      c.BarMark(grows_left ? sc.p0 - w : sc.p0, y + 1, w, band - 2, side.colour, tip);
      side.total += v.v;
      if (v.v > side.best) side.best = v.v, side.best_label = label;
    }
  }
  d.height = y_end + kPad;
  d.summary = fmt::format("Population pyramid of {} bands ({} on the left, {} on the right, on one scale).", rows.size(),
                          lc.label, rc.label);
  for (const auto& side : sides)
    if (side.best >= 0)
      d.summary += fmt::format(" {}: largest band {} ({}), sum of the bands shown {}.", t.columns()[side.col].label,
                               side.best_label, FormatAs(t.columns()[side.col], side.best),
                               FormatAs(t.columns()[side.col], side.total));
  d.summary += tally.Sentence();
  return d;
}

// ---------- horizontal category charts: bars, points with intervals ----------

struct CategoryLayout {
  double label_width = 0, left = 0, right = 0;
};

// The category axis title, above the category labels at the left edge.
void CategoryTitle(Canvas& c, const std::string& title, double top) {
  c.Text(kPad, top + 10, Truncate(title, kWidth - 2 * kPad, 11), "start", 11, kNhsDarkGrey, "font-weight=\"bold\"");
}

CategoryLayout LayoutCategories(const Table& t, const Resolved& r, const std::vector<size_t>& rows,
                                double value_label_width) {
  CategoryLayout l;
  for (size_t row : rows) l.label_width = std::max(l.label_width, TextWidth(Label(t, r.x, t.rows()[row][r.x])));
  l.label_width = std::min(l.label_width, kMaxLabelWidth);
  l.left = kPad + l.label_width + 10;
  l.right = kWidth - kPad - value_label_width;
  return l;
}

Result<Drawing> DrawBars(const Table& t, const ChartSpec& s, const Resolved& r) {
  Drawing d;
  Canvas& c = d.canvas;
  const auto rows = DrawnRows(t, r);
  Tally tally;
  std::vector<double> vals;
  double value_w = 0;
  for (size_t row : rows)
    for (size_t k : r.y) {
      const Value v = ValueOf(t.rows()[row][k]);
      tally.Add(v);
      if (v.ok()) vals.push_back(v.v), value_w = std::max(value_w, TextWidth(FormatAs(t.columns()[k], v.v), 11));
    }
  const auto lay = LayoutCategories(t, r, rows, value_w + 8);
  std::vector<LegendItem> legend;
  if (r.y.size() > 1)
    for (size_t g = 0; g < r.y.size(); ++g) legend.push_back({t.columns()[r.y[g]].label, kPalette[g % kPalette.size()]});
  double top = Header(c, s, {});
  if (!legend.empty()) top = c.Legend(legend, kPad, top + 10, kWidth - kPad) + 4;
  CategoryTitle(c, AxisTitle(s.x_label, t.columns()[r.x]), top);
  top += 16;
  const double groups = static_cast<double>(r.y.size());
  const double bar_h = r.y.size() == 1 ? 20 : 14;
  const double band = groups * bar_h + 8;
  const double bottom = top + band * static_cast<double>(rows.size());
  Scale sc = ScaleFor(vals, true, &t.columns()[r.y[0]]);
  sc.p0 = lay.left, sc.p1 = lay.right;
  ValueAxisBelow(c, sc, top, bottom);
  const double zero = sc.At(0);
  struct Extreme {
    double hi = -INFINITY, lo = INFINITY;
    std::string hi_label, lo_label;
  };
  std::vector<Extreme> ext(r.y.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const size_t row = rows[i];
    const double y = top + band * static_cast<double>(i) + 4;
    const std::string full = Label(t, r.x, t.rows()[row][r.x]);
    c.Text(lay.left - 10, y + groups * bar_h / 2 + 4, Truncate(full, lay.label_width), "end");
    for (size_t g = 0; g < r.y.size(); ++g) {
      const Column& col = t.columns()[r.y[g]];
      const Value v = ValueOf(t.rows()[row][r.y[g]]);
      const double by = y + bar_h * static_cast<double>(g);
      if (!v.ok()) {
        if (v.state == State::kRedacted)
          c.Text(zero + 4, by + bar_h / 2 + 3, "redacted", "start", 10, kNhsDarkGrey, "font-style=\"italic\"");
        continue;
      }
      const double x1 = sc.At(v.v);
      const std::string text = FormatAs(col, v.v);
      c.BarMark(std::min(zero, x1), by, std::fabs(x1 - zero), bar_h - 2, kPalette[g % kPalette.size()],
                full + (r.y.size() > 1 ? ", " + col.label : std::string()) + ": " + text);
      if (v.v >= 0)
        c.Text(x1 + 4, by + bar_h / 2 + 3, text, "start", 11, kNhsDarkGrey);
      else
        c.Text(x1 - 4, by + bar_h / 2 + 3, text, "end", 11, kNhsDarkGrey);
      if (v.v > ext[g].hi) ext[g].hi = v.v, ext[g].hi_label = full;
      if (v.v < ext[g].lo) ext[g].lo = v.v, ext[g].lo_label = full;
    }
  }
  if (sc.lo < 0) c.Line(zero, top, zero, bottom, kNhsDarkGrey, 1);
  double y_end = bottom + 24;
  const std::string value_title = s.y_label.empty() && r.y.size() == 1 ? t.columns()[r.y[0]].label : s.y_label;
  if (!value_title.empty()) {
    c.Text((lay.left + lay.right) / 2, bottom + 38, value_title, "middle", kFont, kNhsDarkGrey);
    y_end = bottom + 44;
  }
  d.height = y_end + kPad;
  d.summary = fmt::format("Bar chart of {} categories.", rows.size());
  for (size_t g = 0; g < r.y.size(); ++g)
    if (std::isfinite(ext[g].hi))
      d.summary += fmt::format(" {}: highest {} ({}), lowest {} ({}).", t.columns()[r.y[g]].label, ext[g].hi_label,
                               FormatAs(t.columns()[r.y[g]], ext[g].hi), ext[g].lo_label,
                               FormatAs(t.columns()[r.y[g]], ext[g].lo));
  d.summary += tally.Sentence();
  return d;
}

Result<Drawing> DrawPoints(const Table& t, const ChartSpec& s, const Resolved& r) {
  Drawing d;
  Canvas& c = d.canvas;
  const auto rows = DrawnRows(t, r);
  const Column& vc = t.columns()[r.y[0]];
  // The reference: the target column (its first value), else the first total row's value.
  std::optional<double> ref;
  std::string ref_name;
  if (r.target) {
    for (size_t row = 0; row < t.row_count(); ++row)
      if (Value v = ValueOf(t.rows()[row][*r.target]); v.ok() && Kept(t, r, row)) {
        ref = v.v;
        break;
      }
    ref_name = t.columns()[*r.target].label;
  } else {
    for (size_t total : t.total_rows()) {
      if (!Kept(t, r, total)) continue;
      if (Value v = ValueOf(t.rows()[total][r.y[0]]); v.ok()) ref = v.v;
      ref_name = Label(t, r.x, t.rows()[total][r.x]);
      if (ref_name == "-") ref_name = "Overall";
      break;
    }
  }
  Tally tally;
  std::vector<double> vals;
  if (ref) vals.push_back(*ref);
  for (size_t row : rows) {
    const Value v = ValueOf(t.rows()[row][r.y[0]]);
    tally.Add(v);
    if (!v.ok()) continue;
    vals.push_back(v.v);
    for (auto k : {r.lower, r.upper})
      if (k)
        if (Value b = ValueOf(t.rows()[row][*k]); b.ok()) vals.push_back(b.v);
  }
  const auto lay = LayoutCategories(t, r, rows, 16);
  const bool compare = ref.has_value() && r.lower.has_value();
  std::vector<LegendItem> legend;
  if (compare) {
    legend.push_back({"Higher (interval above the reference)", kNhsDarkBlue, LegendItem::kSquare});
    legend.push_back({"Similar (interval includes it)", kNhsMidGrey, LegendItem::kCircle});
    legend.push_back({"Lower (interval below it)", kNhsOrange, LegendItem::kDiamond, true});
  }
  if (ref) legend.push_back({ref_name + ": " + FormatAs(vc, *ref), kNhsBlack, LegendItem::kDashed});
  if (r.lower) legend.push_back({"Confidence interval", kNhsDarkGrey, LegendItem::kLine});
  double top = Header(c, s, {});
  if (!legend.empty()) top = c.Legend(legend, kPad, top + 10, kWidth - kPad) + 4;
  CategoryTitle(c, AxisTitle(s.x_label, t.columns()[r.x]), top);
  top += 16;
  const double band = 24;
  const double bottom = top + band * static_cast<double>(rows.size());
  Scale sc = ScaleFor(vals, false, &vc);
  sc.p0 = lay.left, sc.p1 = lay.right;
  ValueAxisBelow(c, sc, top, bottom);
  if (ref) c.Line(sc.At(*ref), top - 4, sc.At(*ref), bottom, kNhsBlack, 1.5, "5 3");
  int higher = 0, lower = 0, similar = 0;
  double hi = -INFINITY, lo = INFINITY;
  std::string hi_label, lo_label;
  for (size_t i = 0; i < rows.size(); ++i) {
    const size_t row = rows[i];
    const double y = top + band * (static_cast<double>(i) + 0.5);
    const std::string full = Label(t, r.x, t.rows()[row][r.x]);
    c.Text(lay.left - 10, y + 4, Truncate(full, lay.label_width), "end");
    const Value v = ValueOf(t.rows()[row][r.y[0]]);
    if (!v.ok()) {
      if (v.state == State::kRedacted)
        c.Text(sc.p0 + 4, y + 3, "redacted", "start", 10, kNhsDarkGrey, "font-style=\"italic\"");
      continue;
    }
    std::string tip = full + ": " + FormatAs(vc, v.v);
    Value lv, uv;
    if (r.lower) {
      lv = ValueOf(t.rows()[row][*r.lower]);
      uv = ValueOf(t.rows()[row][*r.upper]);
      if (lv.ok() && uv.ok()) {
        c.Line(sc.At(lv.v), y, sc.At(uv.v), y, kNhsDarkGrey, 2);
        c.Line(sc.At(lv.v), y - 5, sc.At(lv.v), y + 5, kNhsDarkGrey, 2);
        c.Line(sc.At(uv.v), y - 5, sc.At(uv.v), y + 5, kNhsDarkGrey, 2);
        tip += " (" + FormatAs(vc, lv.v) + " to " + FormatAs(vc, uv.v) + ")";
      }
    }
    LegendItem::Shape shape = LegendItem::kCircle;
    const char* colour = kNhsBlue;
    bool outline = false;
    if (compare && lv.ok() && uv.ok()) {
      if (lv.v > *ref) {
        shape = LegendItem::kSquare, colour = kNhsDarkBlue, ++higher;
      } else if (uv.v < *ref) {
        shape = LegendItem::kDiamond, colour = kNhsOrange, outline = true, ++lower;
      } else {
        colour = kNhsMidGrey, ++similar;
      }
    }
    c.Mark(shape, sc.At(v.v), y, 5, colour, outline, tip);
    if (v.v > hi) hi = v.v, hi_label = full;
    if (v.v < lo) lo = v.v, lo_label = full;
  }
  double y_end = bottom + 24;
  const std::string value_title = AxisTitle(s.y_label, vc);
  c.Text((lay.left + lay.right) / 2, bottom + 38, value_title, "middle", kFont, kNhsDarkGrey);
  y_end = bottom + 44;
  d.height = y_end + kPad;
  d.summary = fmt::format("{} by {} for {} categories", vc.label, t.columns()[r.x].label, rows.size());
  d.summary += r.lower ? ", with confidence intervals." : ".";
  if (std::isfinite(hi))
    d.summary += fmt::format(" Highest {} ({}), lowest {} ({}).", hi_label, FormatAs(vc, hi), lo_label, FormatAs(vc, lo));
  if (ref) d.summary += fmt::format(" Reference line: {} {}.", ref_name, FormatAs(vc, *ref));
  if (compare)
    d.summary += fmt::format(" {} higher than the reference, {} similar, {} lower (by whether the interval excludes it).",
                             higher, similar, lower);
  d.summary += tally.Sentence();
  return d;
}

// ---------- funnel ----------

Result<Drawing> DrawFunnel(const Table& t, const ChartSpec& s, const Resolved& r) {
  Drawing d;
  Canvas& c = d.canvas;
  const auto rows = DrawnRows(t, r);
  const Column& xc = t.columns()[r.x];
  const Column& vc = t.columns()[r.y[0]];
  Tally tally;
  std::vector<double> xs, ys;
  for (size_t row : rows) {
    const Value x = ValueOf(t.rows()[row][r.x]);
    const Value v = ValueOf(t.rows()[row][r.y[0]]);
    tally.Add(v.ok() ? x : v);
    if (!x.ok() || !v.ok()) continue;
    xs.push_back(x.v), ys.push_back(v.v);
    for (size_t k : r.limits)
      if (Value l = ValueOf(t.rows()[row][k]); l.ok()) ys.push_back(l.v);
    if (r.target)
      if (Value tv = ValueOf(t.rows()[row][*r.target]); tv.ok()) ys.push_back(tv.v);
  }
  std::vector<LegendItem> legend = {
      {"Within 95% limits", kNhsBlue, LegendItem::kCircle},
      {"Outside 95% limits", kNhsOrange, LegendItem::kDiamond, true},
      {"Outside 99.8% limits", kNhsDarkRed, LegendItem::kSquare},
      {"95% limits", kNhsDarkGrey, LegendItem::kDashed},
      {"99.8% limits", kNhsBlack, LegendItem::kLine},
  };
  if (r.target) legend.push_back({t.columns()[*r.target].label, kNhsDarkGreen, LegendItem::kLine});
  double top = Header(c, s, {});
  top = c.Legend(legend, kPad, top + 10, kWidth - kPad) + 10;
  Scale sy = ScaleFor(ys, false, &vc);
  Scale sx = ScaleFor(xs, true, &xc);
  const double left = kPad + 22 + MaxTickWidth(sy) + 8;
  const double bottom = top + 340;
  sy.p0 = bottom, sy.p1 = top;
  sx.p0 = left, sx.p1 = kWidth - kPad - 8;
  ValueAxisLeft(c, sy, left, sx.p1);
  ValueAxisBelow(c, sx, top, bottom, false);
  LeftAxisTitle(c, AxisTitle(s.y_label, vc), kPad + 8, top, bottom);
  c.Text((sx.p0 + sx.p1) / 2, bottom + 38, AxisTitle(s.x_label, xc), "middle", kFont, kNhsDarkGrey);
  // Limit lines through each unit's limits at its own denominator, in denominator order.
  std::vector<size_t> order;
  for (size_t row : rows)
    if (ValueOf(t.rows()[row][r.x]).ok()) order.push_back(row);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return ValueOf(t.rows()[a][r.x]).v < ValueOf(t.rows()[b][r.x]).v;
  });
  auto line_of = [&](size_t col) {
    std::vector<std::pair<double, double>> pts;
    for (size_t row : order)
      if (Value l = ValueOf(t.rows()[row][col]); l.ok())
        pts.emplace_back(sx.At(ValueOf(t.rows()[row][r.x]).v), sy.At(l.v));
    return pts;
  };
  if (r.target) c.Polyline(line_of(*r.target), kNhsDarkGreen, 2);
  c.Polyline(line_of(r.limits[0]), kNhsDarkGrey, 1.5, "5 3");
  c.Polyline(line_of(r.limits[1]), kNhsDarkGrey, 1.5, "5 3");
  c.Polyline(line_of(r.limits[2]), kNhsBlack, 1.5);
  c.Polyline(line_of(r.limits[3]), kNhsBlack, 1.5);
  int within = 0, out95 = 0, high998 = 0, low998 = 0, high95 = 0, low95 = 0, unassessed = 0;
  for (size_t row : rows) {
    const Value x = ValueOf(t.rows()[row][r.x]);
    const Value v = ValueOf(t.rows()[row][r.y[0]]);
    if (!x.ok() || !v.ok()) continue;
    std::array<Value, 4> l;
    for (size_t k = 0; k < 4; ++k) l[k] = ValueOf(t.rows()[row][r.limits[k]]);
    std::string tip = Label(t, r.x, t.rows()[row][r.x]);
    if (!t.columns().empty() && t.columns()[0].kind == ColumnKind::kText && r.x != 0)
      tip = DisplayCellText(t.columns()[0], t.rows()[row][0]);
    tip += ": " + vc.label + " " + FormatAs(vc, v.v) + ", " + xc.label + " " + FormatAs(xc, x.v);
    LegendItem::Shape shape = LegendItem::kCircle;
    const char* colour = kNhsBlue;
    bool outline = false;
    if (!(l[0].ok() && l[1].ok() && l[2].ok() && l[3].ok())) {
      colour = kNhsMidGrey, ++unassessed;
      tip += " (limits not available)";
    } else if (v.v > l[3].v || v.v < l[2].v) {
      shape = LegendItem::kSquare, colour = kNhsDarkRed;
      ++(v.v > l[3].v ? high998 : low998);
      tip += v.v > l[3].v ? " (above the 99.8% limit)" : " (below the 99.8% limit)";
    } else if (v.v > l[1].v || v.v < l[0].v) {
      shape = LegendItem::kDiamond, colour = kNhsOrange, outline = true, ++out95;
      ++(v.v > l[1].v ? high95 : low95);
      tip += v.v > l[1].v ? " (above the 95% limit)" : " (below the 95% limit)";
    } else {
      ++within;
    }
    c.Mark(shape, sx.At(x.v), sy.At(v.v), 4.5, colour, outline, tip);
  }
  d.height = bottom + 44 + kPad;
  d.summary = fmt::format(
      "Funnel plot of {} units: {} against {}. {} within the 95% limits; {} above and {} below the 95% limits only; {} "
      "above and {} below the 99.8% limits.",
      within + out95 + high998 + low998 + unassessed, vc.label, xc.label, within, high95, low95, high998, low998);
  if (unassessed > 0) d.summary += fmt::format(" {} without limits.", unassessed);
  if (r.target)
    for (size_t row : rows)
      if (Value tv = ValueOf(t.rows()[row][*r.target]); tv.ok()) {
        d.summary += fmt::format(" Centre line {}.", FormatAs(vc, tv.v));
        break;
      }
  d.summary += tally.Sentence();
  return d;
}

// ---------- SPC ----------

enum class PointType : uint8_t { kCommon, kImprovement, kConcern, kNeutral, kOutside };

PointType ParsePointType(const std::string& s) {
  if (s.find("improvement") != std::string::npos) return PointType::kImprovement;
  if (s.find("concern") != std::string::npos) return PointType::kConcern;
  if (s.find("neutral") != std::string::npos) return PointType::kNeutral;
  return PointType::kCommon;
}

Result<Drawing> DrawSpc(const Table& t, const ChartSpec& s, const Resolved& r) {
  Drawing d;
  Canvas& c = d.canvas;
  const auto rows = DrawnRows(t, r);
  const Column& vc = t.columns()[r.y[0]];
  Tally tally;
  std::vector<double> ys;
  std::vector<std::string> labels;
  for (size_t row : rows) {
    labels.push_back(Label(t, r.x, t.rows()[row][r.x]));
    const Value v = ValueOf(t.rows()[row][r.y[0]]);
    tally.Add(v);
    if (v.ok()) ys.push_back(v.v);
    for (size_t k : r.limits)
      if (Value l = ValueOf(t.rows()[row][k]); l.ok()) ys.push_back(l.v);
    if (r.target)
      if (Value tv = ValueOf(t.rows()[row][*r.target]); tv.ok()) ys.push_back(tv.v);
  }
  // Point types: from the series column, else beyond the process limits only.
  std::vector<PointType> types(rows.size(), PointType::kCommon);
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& row = t.rows()[rows[i]];
    if (r.series) {
      types[i] = ParsePointType(DisplayCellText(t.columns()[*r.series], row[*r.series]));
    } else {
      const Value v = ValueOf(row[r.y[0]]), lo = ValueOf(row[r.limits[1]]), hi = ValueOf(row[r.limits[2]]);
      if (v.ok() && ((lo.ok() && v.v < lo.v) || (hi.ok() && v.v > hi.v))) types[i] = PointType::kOutside;
    }
  }
  // Variation icon (Making Data Count): from the latest point with a value.
  std::string variation, assurance;
  for (size_t i = rows.size(); i-- > 0;) {
    const auto& row = t.rows()[rows[i]];
    const Value v = ValueOf(row[r.y[0]]), mean = ValueOf(row[r.limits[0]]);
    if (!v.ok()) continue;
    const std::string side = mean.ok() ? (v.v >= mean.v ? " (high)" : " (low)") : "";
    switch (types[i]) {
      case PointType::kImprovement: variation = "Special cause improving variation" + side; break;
      case PointType::kConcern: variation = "Special cause concerning variation" + side; break;
      case PointType::kNeutral:
      case PointType::kOutside: variation = "Special cause variation" + side + ", neither improvement nor concern"; break;
      case PointType::kCommon: variation = "Common cause variation"; break;
    }
    // Assurance icon: the target against the latest process limits.
    const Value lo = ValueOf(row[r.limits[1]]), hi = ValueOf(row[r.limits[2]]);
    const Value target = r.target ? ValueOf(row[*r.target]) : Value{};
    if (target.ok() && lo.ok() && hi.ok() && !s.improvement.empty()) {
      const bool up = s.improvement == "increase";
      if (target.v >= lo.v && target.v <= hi.v)
        assurance = "Hit and miss: the target lies between the process limits";
      else if ((up && target.v < lo.v) || (!up && target.v > hi.v))
        assurance = "Consistently passing the target";
      else
        assurance = "Consistently failing the target";
    }
    break;
  }
  std::vector<std::string> subtitles;
  if (!variation.empty())
    subtitles.push_back("Variation: " + variation + (assurance.empty() ? "." : ". Assurance: " + assurance + "."));
  std::vector<LegendItem> legend = {{"Common cause", kNhsMidGrey, LegendItem::kCircle}};
  if (r.series) {
    legend.push_back({"Special cause: improvement", kNhsBlue, LegendItem::kSquare});
    legend.push_back({"Special cause: concern", kNhsOrange, LegendItem::kDiamond, true});
    legend.push_back({"Special cause: neither", kNhsPurple, LegendItem::kCircle});
  } else {
    legend.push_back({"Outside the process limits", kNhsPurple, LegendItem::kSquare});
  }
  legend.push_back({"Mean", kNhsBlack, LegendItem::kLine});
  legend.push_back({"Process limits", kNhsDarkGrey, LegendItem::kDashed});
  if (r.target) legend.push_back({t.columns()[*r.target].label, kNhsRed, LegendItem::kDashed});
  double top = Header(c, s, subtitles);
  top = c.Legend(legend, kPad, top + 10, kWidth - kPad) + 10;
  Scale sy = ScaleFor(ys, false, &vc);
  const double left = kPad + 22 + MaxTickWidth(sy) + 8;
  const double right = kWidth - kPad - 8;
  const double bottom = top + 300;
  sy.p0 = bottom, sy.p1 = top;
  ValueAxisLeft(c, sy, left, right);
  const double slot = (right - left) / static_cast<double>(std::max<size_t>(1, rows.size()));
  CategoryAxisBelow(c, labels, left, slot, bottom);
  LeftAxisTitle(c, AxisTitle(s.y_label, vc), kPad + 8, top, bottom);
  c.Text((left + right) / 2, bottom + 38, AxisTitle(s.x_label, t.columns()[r.x]), "middle", kFont, kNhsDarkGrey);
  auto xi = [&](size_t i) { return left + slot * (static_cast<double>(i) + 0.5); };
  // Mean, limits and target as steps: one horizontal segment per run of equal values (rebasing
  // starts a new run).
  auto steps = [&](size_t col, const char* colour, double width, const char* dash) {
    size_t i = 0;
    while (i < rows.size()) {
      const Value v = ValueOf(t.rows()[rows[i]][col]);
      size_t j = i + 1;
      if (v.ok())
        while (j < rows.size()) {
          const Value w = ValueOf(t.rows()[rows[j]][col]);
          if (!w.ok() || w.v != v.v) break;
          ++j;
        }
      if (v.ok()) c.Line(xi(i) - (j - i == 1 ? slot * 0.3 : 0), sy.At(v.v), xi(j - 1) + (j - i == 1 ? slot * 0.3 : 0),
                         sy.At(v.v), colour, width, dash);
      i = j;
    }
  };
  steps(r.limits[1], kNhsDarkGrey, 1.5, "6 4");
  steps(r.limits[2], kNhsDarkGrey, 1.5, "6 4");
  steps(r.limits[0], kNhsBlack, 1.5, "");
  if (r.target) steps(*r.target, kNhsRed, 1.5, "3 3");
  std::vector<std::pair<double, double>> run;
  for (size_t i = 0; i <= rows.size(); ++i) {
    const Value v = i < rows.size() ? ValueOf(t.rows()[rows[i]][r.y[0]]) : Value{};
    if (v.ok()) {
      run.emplace_back(xi(i), sy.At(v.v));
    } else {
      c.Polyline(run, kNhsMidGrey, 1.5);
      run.clear();
    }
  }
  std::array<int, 5> by_type{};
  for (size_t i = 0; i < rows.size(); ++i) {
    const Value v = ValueOf(t.rows()[rows[i]][r.y[0]]);
    if (!v.ok()) continue;
    ++by_type[static_cast<size_t>(types[i])];
    LegendItem::Shape shape = LegendItem::kCircle;
    const char* colour = kNhsMidGrey;
    bool outline = false;
    std::string kind = "common cause";
    switch (types[i]) {
      case PointType::kImprovement: shape = LegendItem::kSquare, colour = kNhsBlue, kind = "special cause improvement"; break;
      case PointType::kConcern:
        shape = LegendItem::kDiamond, colour = kNhsOrange, outline = true, kind = "special cause concern";
        break;
      case PointType::kNeutral: colour = kNhsPurple, kind = "special cause, neither improvement nor concern"; break;
      case PointType::kOutside: shape = LegendItem::kSquare, colour = kNhsPurple, kind = "outside the process limits"; break;
      case PointType::kCommon: break;
    }
    c.Mark(shape, xi(i), sy.At(v.v), 4.5, colour, outline, labels[i] + ": " + FormatAs(vc, v.v) + " (" + kind + ")");
  }
  d.height = bottom + 44 + kPad;
  const size_t points = ys.empty() ? 0 : static_cast<size_t>(std::count_if(rows.begin(), rows.end(), [&](size_t row) {
    return ValueOf(t.rows()[row][r.y[0]]).ok();
  }));
  d.summary = fmt::format("SPC chart (XmR, Making Data Count style) of {} points", points);
  if (!labels.empty()) d.summary += " from " + labels.front() + " to " + labels.back();
  d.summary += ".";
  for (size_t i = rows.size(); i-- > 0;) {
    const auto& row = t.rows()[rows[i]];
    const Value m = ValueOf(row[r.limits[0]]), lo = ValueOf(row[r.limits[1]]), hi = ValueOf(row[r.limits[2]]);
    if (m.ok() && lo.ok() && hi.ok()) {
      d.summary += fmt::format(" Latest mean {}, process limits {} to {}.", FormatAs(t.columns()[r.limits[0]], m.v),
                               FormatAs(t.columns()[r.limits[1]], lo.v), FormatAs(t.columns()[r.limits[2]], hi.v));
      break;
    }
  }
  if (r.series)
    d.summary += fmt::format(" {} special cause improvement, {} special cause concern, {} special cause neither, {} common "
                             "cause.",
                             by_type[1], by_type[2], by_type[3], by_type[0]);
  else
    d.summary += fmt::format(" {} outside the process limits.", by_type[4]);
  if (!variation.empty()) d.summary += " Variation: " + variation + ".";
  if (!assurance.empty()) d.summary += " Assurance: " + assurance + ".";
  d.summary += tally.Sentence();
  return d;
}

// ---------- line ----------

Result<Drawing> DrawLine(const Table& t, const ChartSpec& s, const Resolved& r) {
  Drawing d;
  Canvas& c = d.canvas;
  const auto rows = DrawnRows(t, r);
  std::vector<std::string> categories, names;
  std::vector<std::vector<Cell>> cells;  // [series][category]
  const Column& vc = t.columns()[r.y[0]];
  if (r.series) {
    std::map<std::string, size_t> cat_index, series_index;
    for (size_t row : rows) {
      const std::string x = Label(t, r.x, t.rows()[row][r.x]);
      const std::string sname = Label(t, *r.series, t.rows()[row][*r.series]);
      if (cat_index.emplace(x, categories.size()).second) categories.push_back(x);
      if (series_index.emplace(sname, names.size()).second) names.push_back(sname), cells.emplace_back();
    }
    for (auto& v : cells) v.assign(categories.size(), Cell{});
    std::vector<std::vector<bool>> seen(names.size(), std::vector<bool>(categories.size()));
    for (size_t row : rows) {
      const size_t k = cat_index[Label(t, r.x, t.rows()[row][r.x])];
      const size_t g = series_index[Label(t, *r.series, t.rows()[row][*r.series])];
      if (seen[g][k])
        return Status::InvalidInput("chart '" + s.name + "': two rows of table '" + t.name() + "' for " +
                                    t.columns()[r.x].name + " '" + categories[k] + "' in series '" + names[g] + "'");
      seen[g][k] = true;
      cells[g][k] = t.rows()[row][r.y[0]];
    }
  } else {
    for (size_t row : rows) categories.push_back(Label(t, r.x, t.rows()[row][r.x]));
    for (size_t k : r.y) {
      names.push_back(t.columns()[k].label);
      cells.emplace_back();
      for (size_t row : rows) cells.back().push_back(t.rows()[row][k]);
    }
  }
  Tally tally;
  std::vector<double> vals;
  bool negative = false;
  for (const auto& series : cells)
    for (const auto& cell : series) {
      const Value v = ValueOf(cell);
      tally.Add(v);
      if (v.ok()) vals.push_back(v.v), negative |= v.v < 0;
    }
  std::vector<LegendItem> legend;
  if (names.size() > 1)
    for (size_t g = 0; g < names.size(); ++g)
      legend.push_back({Truncate(names[g], 280), kPalette[g % kPalette.size()],
                        (g / kPalette.size()) % 2 == 0 ? LegendItem::kLine : LegendItem::kDashed});
  double top = Header(c, s, {});
  if (!legend.empty()) top = c.Legend(legend, kPad, top + 10, kWidth - kPad);
  top += 10;
  Scale sy = ScaleFor(vals, !negative, &vc);
  const double left = kPad + 22 + MaxTickWidth(sy) + 8;
  const double right = kWidth - kPad - 8;
  const double bottom = top + 300;
  sy.p0 = bottom, sy.p1 = top;
  ValueAxisLeft(c, sy, left, right);
  const double slot = (right - left) / static_cast<double>(std::max<size_t>(1, categories.size()));
  CategoryAxisBelow(c, categories, left, slot, bottom);
  const std::string y_title = s.y_label.empty() && (names.size() == 1 || r.series) ? vc.label : s.y_label;
  LeftAxisTitle(c, y_title, kPad + 8, top, bottom);
  c.Text((left + right) / 2, bottom + 38, AxisTitle(s.x_label, t.columns()[r.x]), "middle", kFont, kNhsDarkGrey);
  auto xi = [&](size_t i) { return left + slot * (static_cast<double>(i) + 0.5); };
  for (size_t g = 0; g < cells.size(); ++g) {
    const char* colour = kPalette[g % kPalette.size()];
    const char* dash = (g / kPalette.size()) % 2 == 0 ? "" : "6 3";
    std::vector<std::pair<double, double>> run;
    for (size_t i = 0; i <= categories.size(); ++i) {
      const Value v = i < categories.size() ? ValueOf(cells[g][i]) : Value{};
      if (v.ok()) {
        run.emplace_back(xi(i), sy.At(v.v));
      } else {
        c.Polyline(run, colour, 2, dash);
        run.clear();
      }
    }
    for (size_t i = 0; i < categories.size(); ++i)
      if (Value v = ValueOf(cells[g][i]); v.ok())
        c.Mark(LegendItem::kCircle, xi(i), sy.At(v.v), 3.5, colour, false,
               (names.size() > 1 ? names[g] + ", " : std::string()) + categories[i] + ": " + FormatAs(vc, v.v));
  }
  d.height = bottom + 44 + kPad;
  d.summary = fmt::format("Line chart of {} series over {} points", names.size(), categories.size());
  if (!categories.empty()) d.summary += " (" + categories.front() + " to " + categories.back() + ")";
  d.summary += ".";
  for (size_t g = 0; g < cells.size() && g < 12; ++g) {
    std::optional<size_t> first, last;
    for (size_t i = 0; i < categories.size(); ++i)
      if (ValueOf(cells[g][i]).ok()) {
        if (!first) first = i;
        last = i;
      }
    if (first)
      d.summary += fmt::format(" {}: {} in {}, {} in {}.", names[g], FormatAs(vc, ValueOf(cells[g][*first]).v),
                               categories[*first], FormatAs(vc, ValueOf(cells[g][*last]).v), categories[*last]);
  }
  if (cells.size() > 12) d.summary += fmt::format(" {} more series.", cells.size() - 12);
  d.summary += tally.Sentence();
  return d;
}

// ---------- fan ----------

Result<Drawing> DrawFan(const Table& t, const ChartSpec& s, const Resolved& r) {
  Drawing d;
  Canvas& c = d.canvas;
  const auto rows = DrawnRows(t, r);
  std::vector<std::string> categories, names;
  std::map<std::string, size_t> cat_index, series_index;
  for (size_t row : rows) {
    const std::string x = Label(t, r.x, t.rows()[row][r.x]);
    const std::string sname = r.series ? Label(t, *r.series, t.rows()[row][*r.series]) : t.columns()[r.y[0]].label;
    if (cat_index.emplace(x, categories.size()).second) categories.push_back(x);
    if (series_index.emplace(sname, names.size()).second) names.push_back(sname);
  }
  struct Point {
    Value mid, lo, hi;
  };
  std::vector<std::vector<Point>> pts(names.size(), std::vector<Point>(categories.size()));
  std::vector<std::vector<bool>> seen(names.size(), std::vector<bool>(categories.size()));
  Tally tally;
  std::vector<double> vals;
  bool negative = false;
  for (size_t row : rows) {
    const size_t k = cat_index[Label(t, r.x, t.rows()[row][r.x])];
    const size_t g = r.series ? series_index[Label(t, *r.series, t.rows()[row][*r.series])] : 0;
    if (seen[g][k])
      return Status::InvalidInput("chart '" + s.name + "': two rows of table '" + t.name() + "' for " +
                                  t.columns()[r.x].name + " '" + categories[k] + "' in series '" + names[g] + "'");
    seen[g][k] = true;
    Point p{ValueOf(t.rows()[row][r.y[0]]), ValueOf(t.rows()[row][*r.lower]), ValueOf(t.rows()[row][*r.upper])};
    tally.Add(p.mid);
    for (const Value& v : {p.mid, p.lo, p.hi})
      if (v.ok()) vals.push_back(v.v), negative |= v.v < 0;
    pts[g][k] = p;
  }
  const Column& vc = t.columns()[r.y[0]];
  std::vector<LegendItem> legend;
  for (size_t g = 0; g < names.size(); ++g)
    legend.push_back({Truncate(names[g], 280), kPalette[g % kPalette.size()], LegendItem::kLine});
  legend.push_back({t.columns()[*r.lower].label + " to " + t.columns()[*r.upper].label, kNhsMidGrey, LegendItem::kSwatch});
  double top = Header(c, s, {});
  top = c.Legend(legend, kPad, top + 10, kWidth - kPad) + 10;
  Scale sy = ScaleFor(vals, !negative, &vc);
  const double left = kPad + 22 + MaxTickWidth(sy) + 8;
  const double right = kWidth - kPad - 8;
  const double bottom = top + 300;
  sy.p0 = bottom, sy.p1 = top;
  ValueAxisLeft(c, sy, left, right);
  const double slot = (right - left) / static_cast<double>(std::max<size_t>(1, categories.size()));
  CategoryAxisBelow(c, categories, left, slot, bottom);
  LeftAxisTitle(c, s.y_label.empty() ? vc.label : s.y_label, kPad + 8, top, bottom);
  c.Text((left + right) / 2, bottom + 38, AxisTitle(s.x_label, t.columns()[r.x]), "middle", kFont, kNhsDarkGrey);
  auto xi = [&](size_t i) { return left + slot * (static_cast<double>(i) + 0.5); };
  for (size_t g = 0; g < names.size(); ++g) {
    const char* colour = kPalette[g % kPalette.size()];
    // The band: upper edge left to right, then lower edge back, over each unbroken run of points.
    std::vector<std::pair<double, double>> upper, lower;
    auto flush = [&] {
      if (upper.size() >= 2) {
        std::string poly;
        for (const auto& [x, y] : upper) poly += Px(x) + "," + Px(y) + " ";
        for (auto it = lower.rbegin(); it != lower.rend(); ++it) poly += Px(it->first) + "," + Px(it->second) + " ";
        c.body += fmt::format("<polygon points=\"{}\" fill=\"{}\" fill-opacity=\"0.22\" stroke=\"none\"/>\n", poly, colour);
      }
      upper.clear(), lower.clear();
    };
    for (size_t i = 0; i < categories.size(); ++i) {
      const Point& p = pts[g][i];
      if (p.lo.ok() && p.hi.ok()) {
        upper.emplace_back(xi(i), sy.At(p.hi.v));
        lower.emplace_back(xi(i), sy.At(p.lo.v));
      } else {
        flush();
      }
    }
    flush();
    std::vector<std::pair<double, double>> line;
    for (size_t i = 0; i <= categories.size(); ++i) {
      const Value v = i < categories.size() ? pts[g][i].mid : Value{};
      if (v.ok()) {
        line.emplace_back(xi(i), sy.At(v.v));
      } else {
        c.Polyline(line, colour, 2);
        line.clear();
      }
    }
    for (size_t i = 0; i < categories.size(); ++i) {
      const Point& p = pts[g][i];
      if (!p.mid.ok()) continue;
      std::string tip = (names.size() > 1 ? names[g] + ", " : std::string()) + categories[i] + ": " + FormatAs(vc, p.mid.v);
      if (p.lo.ok() && p.hi.ok()) tip += " (" + FormatAs(vc, p.lo.v) + " to " + FormatAs(vc, p.hi.v) + ")";
      c.Mark(LegendItem::kCircle, xi(i), sy.At(p.mid.v), 3, colour, false, tip);
    }
  }
  d.height = bottom + 44 + kPad;
  d.summary = fmt::format("Fan chart of {} series over {} points", names.size(), categories.size());
  if (!categories.empty()) d.summary += " (" + categories.front() + " to " + categories.back() + ")";
  d.summary += ".";
  for (size_t g = 0; g < names.size() && g < 12; ++g) {
    std::optional<size_t> first, last;
    for (size_t i = 0; i < categories.size(); ++i)
      if (pts[g][i].mid.ok()) {
        if (!first) first = i;
        last = i;
      }
    if (!first) continue;
    const Point& a = pts[g][*first];
    const Point& b = pts[g][*last];
    d.summary += fmt::format(" {}: {} in {}, {} in {}", names[g], FormatAs(vc, a.mid.v), categories[*first],
                             FormatAs(vc, b.mid.v), categories[*last]);
    if (b.lo.ok() && b.hi.ok())
      d.summary += fmt::format(" ({} to {})", FormatAs(vc, b.lo.v), FormatAs(vc, b.hi.v));
    d.summary += ".";
  }
  d.summary += tally.Sentence();
  return d;
}

// ---------- waterfall ----------

Result<Drawing> DrawWaterfall(const Table& t, const ChartSpec& s, const Resolved& r) {
  Drawing d;
  Canvas& c = d.canvas;
  const auto rows = DrawnRows(t, r);
  const Column& col = t.columns()[r.y[0]];
  Tally tally;
  std::vector<double> vals{0.0};
  std::vector<Value> v(rows.size());
  double running = 0, value_w = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    v[i] = ValueOf(t.rows()[rows[i]][r.y[0]]);
    tally.Add(v[i]);
    if (!v[i].ok()) continue;
    value_w = std::max(value_w, TextWidth(FormatAs(col, v[i].v), 11));
    if (i == 0 || i + 1 == rows.size()) {
      running = v[i].v;
    } else {
      running += v[i].v;
    }
    vals.push_back(running);
  }
  const auto lay = LayoutCategories(t, r, rows, value_w + 8);
  double top = Header(c, s, {});
  std::vector<LegendItem> legend = {{"Level", kNhsDarkBlue, LegendItem::kSwatch},
                                    {"Increase", kNhsPink, LegendItem::kSwatch},
                                    {"Decrease", kNhsDarkGreen, LegendItem::kSwatch}};
  top = c.Legend(legend, kPad, top + 10, kWidth - kPad) + 4;
  CategoryTitle(c, AxisTitle(s.x_label, t.columns()[r.x]), top);
  top += 16;
  const double bar_h = 20, band = bar_h + 8;
  const double bottom = top + band * static_cast<double>(rows.size());
  Scale sc = ScaleFor(vals, true, &col);
  sc.p0 = lay.left, sc.p1 = lay.right;
  ValueAxisBelow(c, sc, top, bottom);
  running = 0;
  double prev_x = NAN;
  for (size_t i = 0; i < rows.size(); ++i) {
    const double y = top + band * static_cast<double>(i) + 4;
    const std::string full = Label(t, r.x, t.rows()[rows[i]][r.x]);
    c.Text(lay.left - 10, y + bar_h / 2 + 4, Truncate(full, lay.label_width), "end");
    if (!v[i].ok()) {
      if (v[i].state == State::kRedacted)
        c.Text(lay.left + 4, y + bar_h / 2 + 3, "redacted", "start", 10, kNhsDarkGrey, "font-style=\"italic\"");
      continue;
    }
    const bool level = i == 0 || i + 1 == rows.size();
    const double from = level ? 0.0 : running;
    const double to = level ? v[i].v : running + v[i].v;
    running = to;
    const double x0 = sc.At(from), x1 = sc.At(to);
    const char* fill = level ? kNhsDarkBlue : v[i].v >= 0 ? kNhsPink : kNhsDarkGreen;
    std::string text = FormatAs(col, v[i].v);
    if (!level && v[i].v >= 0) text.insert(text.begin(), '+');
    c.BarMark(std::min(x0, x1), y, std::max(1.0, std::fabs(x1 - x0)), bar_h - 2, fill, full + ": " + text);
    c.Text(std::max(x0, x1) + 4, y + bar_h / 2 + 3, text, "start", 11, kNhsDarkGrey);
    if (std::isfinite(prev_x)) c.Line(prev_x, y - 8, prev_x, y, kNhsMidGrey, 1, "2 2");
    prev_x = x1;
  }
  d.height = bottom + 30 + kPad;
  d.summary = fmt::format("Waterfall of {} steps", rows.size());
  if (rows.size() >= 2 && v.front().ok() && v.back().ok())
    d.summary += fmt::format(" from {} ({}) to {} ({})", Label(t, r.x, t.rows()[rows.front()][r.x]),
                             FormatAs(col, v.front().v), Label(t, r.x, t.rows()[rows.back()][r.x]),
                             FormatAs(col, v.back().v));
  d.summary += ".";
  for (size_t i = 1; i + 1 < rows.size() && i < 16; ++i)
    if (v[i].ok())
      d.summary += fmt::format(" {}: {}{}.", Label(t, r.x, t.rows()[rows[i]][r.x]), v[i].v >= 0 ? "+" : "", FormatAs(col, v[i].v));
  d.summary += tally.Sentence();
  return d;
}

}  // namespace

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const auto u = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        if (u < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') break;  // not allowed in XML 1.0
        out.push_back(ch);
    }
  }
  return out;
}

Status CheckChart(const Table& table, const ChartSpec& spec) {
  auto r = Resolve(table, spec);
  return r.ok() ? Status::Ok() : r.status();
}

Result<std::string> RenderChartSvg(const Table& table, const ChartSpec& spec, const SvgOptions& options) {
  auto resolved = Resolve(table, spec);
  if (!resolved.ok()) return resolved.status();
  Result<Drawing> drawing = Status::Internal("unknown chart kind");
  switch (spec.kind) {
    case ChartKind::kPyramid: drawing = DrawPyramid(table, spec, *resolved); break;
    case ChartKind::kBar: drawing = DrawBars(table, spec, *resolved); break;
    case ChartKind::kPointsWithIntervals: drawing = DrawPoints(table, spec, *resolved); break;
    case ChartKind::kFunnel: drawing = DrawFunnel(table, spec, *resolved); break;
    case ChartKind::kSpc: drawing = DrawSpc(table, spec, *resolved); break;
    case ChartKind::kLine: drawing = DrawLine(table, spec, *resolved); break;
    case ChartKind::kFan: drawing = DrawFan(table, spec, *resolved); break;
    case ChartKind::kWaterfall: drawing = DrawWaterfall(table, spec, *resolved); break;
  }
  if (!drawing.ok()) return drawing.status();
  const Drawing& d = *drawing;
  const std::string id = "icb-chart-" + spec.name;
  std::string desc = spec.description;
  if (!desc.empty() && desc.back() != '.') desc.push_back('.');
  desc += (desc.empty() ? "" : " ") + d.summary;
  std::string out;
  if (options.standalone) out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format(
      "<svg{} class=\"icb-chart\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" role=\"img\" "
      "aria-labelledby=\"{}-title {}-desc\" font-family=\"Arial, Helvetica, sans-serif\" font-size=\"{}\">\n",
      options.standalone ? " xmlns=\"http://www.w3.org/2000/svg\"" : "", Px(kWidth), Px(d.height), Px(kWidth),
      Px(d.height), id, id, Px(kFont));
  out += "<title id=\"" + id + "-title\">" + XmlEscape(spec.title.empty() ? spec.name : spec.title) + "</title>\n";
  out += "<desc id=\"" + id + "-desc\">" + XmlEscape(desc) + "</desc>\n";
  out += fmt::format("<rect width=\"{}\" height=\"{}\" fill=\"#FFFFFF\"/>\n", Px(kWidth), Px(d.height));
  out += d.canvas.body;
  out += "</svg>\n";
  return out;
}

}  // namespace icb::report
