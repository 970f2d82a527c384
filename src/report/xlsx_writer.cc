#include "report/xlsx_writer.h"

#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>

#include "core/file_util.h"

namespace icb::report {
namespace {

constexpr double kMaxColumnWidth = 60;
// 2000-01-01T00:00:00Z: a fixed document date, so equal reports give byte-identical files.
constexpr time_t kFixedCreated = 946684800;

size_t Width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string NumberFormat(const Column& c) {
  std::string decimals;
  if (c.places > 0) {
    decimals.push_back('.');
    decimals.append(static_cast<size_t>(c.places), '0');
  }
  switch (c.kind) {
    case ColumnKind::kInteger: return "#,##0";
    case ColumnKind::kDecimal: return "#,##0" + decimals;
    case ColumnKind::kPercent: return "0" + decimals + "%";
    case ColumnKind::kText: return "@";
  }
  return "General";
}

class Writer {
 public:
  explicit Writer(lxw_workbook* wb) : wb_(wb) {
    title_ = workbook_add_format(wb_);
    format_set_bold(title_);
    format_set_font_size(title_, 13);
    header_ = workbook_add_format(wb_);
    format_set_bold(header_);
    format_set_bottom(header_, LXW_BORDER_THIN);
    format_set_bg_color(header_, 0xDDEBF7);
    format_set_text_wrap(header_);
    format_set_align(header_, LXW_ALIGN_VERTICAL_TOP);
    header_num_ = workbook_add_format(wb_);
    format_set_bold(header_num_);
    format_set_bottom(header_num_, LXW_BORDER_THIN);
    format_set_bg_color(header_num_, 0xDDEBF7);
    format_set_text_wrap(header_num_);
    format_set_align(header_num_, LXW_ALIGN_RIGHT);
    format_set_align(header_num_, LXW_ALIGN_VERTICAL_TOP);
    note_ = workbook_add_format(wb_);
    format_set_italic(note_);
    bold_ = workbook_add_format(wb_);
    format_set_bold(bold_);
  }

  lxw_format* Number(const Column& c) {
    const std::string f = NumberFormat(c);
    auto it = numbers_.find(f);
    if (it != numbers_.end()) return it->second;
    lxw_format* fmt = workbook_add_format(wb_);
    format_set_num_format(fmt, f.c_str());
    numbers_[f] = fmt;
    return fmt;
  }

  Status Contents(const Report& report) {
    lxw_worksheet* ws = workbook_add_worksheet(wb_, "Contents");
    if (!ws) return Status::Internal("xlsx: cannot add the Contents sheet");
    lxw_row_t row = 0;
    worksheet_write_string(ws, row++, 0, report.title.empty() ? "Report" : report.title.c_str(), title_);
    size_t w0 = 12, w1 = 12;
    for (const auto& [k, v] : report.metadata) {
      worksheet_write_string(ws, row, 0, k.c_str(), bold_);
      worksheet_write_string(ws, row++, 1, v.c_str(), nullptr);
      w0 = std::max(w0, Width(k));
      w1 = std::max(w1, Width(v));
    }
    ++row;
    worksheet_write_string(ws, row, 0, "Sheet", header_);
    worksheet_write_string(ws, row, 1, "Table", header_);
    worksheet_write_string(ws, row++, 2, "Rows", header_num_);
    lxw_format* integer = Number(Column{"", "", ColumnKind::kInteger, 0, false, {}});
    for (const auto& t : report.tables) {
      std::string link = "internal:'";
      link.append(t.name()).append("'!A1");
      worksheet_write_url_opt(ws, row, 0, link.c_str(), nullptr, t.name().c_str(), nullptr);
      worksheet_write_string(ws, row, 1, t.title().c_str(), nullptr);
      worksheet_write_number(ws, row++, 2, static_cast<double>(t.row_count()), integer);
      w0 = std::max(w0, Width(t.name()));
      w1 = std::max(w1, Width(t.title()));
    }
    worksheet_set_column(ws, 0, 0, std::min<double>(static_cast<double>(w0) + 2, kMaxColumnWidth), nullptr);
    worksheet_set_column(ws, 1, 1, std::min<double>(static_cast<double>(w1) + 2, 90), nullptr);
    worksheet_set_column(ws, 2, 2, 10, nullptr);
    return Status::Ok();
  }

  Status Sheet(const Table& t) {
    lxw_worksheet* ws = workbook_add_worksheet(wb_, t.name().c_str());
    if (!ws) return Status::Internal("xlsx: cannot add sheet '" + t.name() + "'");
    const auto& cols = t.columns();
    worksheet_write_string(ws, 0, 0, t.title().c_str(), title_);
    constexpr lxw_row_t kHeader = 2;
    std::vector<size_t> width(cols.size(), 8);
    std::vector<lxw_format*> formats(cols.size(), nullptr);
    for (size_t i = 0; i < cols.size(); ++i) {
      const auto col = static_cast<lxw_col_t>(i);
      const std::string& label = cols[i].label.empty() ? cols[i].name : cols[i].label;
      const bool numeric = cols[i].kind != ColumnKind::kText;
      worksheet_write_string(ws, kHeader, col, label.c_str(), numeric ? header_num_ : header_);
      width[i] = std::max(width[i], std::min<size_t>(Width(label), 24));
      if (numeric) formats[i] = Number(cols[i]);
    }
    lxw_row_t r = kHeader + 1;
    for (const auto& row : t.rows()) {
      for (size_t i = 0; i < cols.size(); ++i) {
        const auto col = static_cast<lxw_col_t>(i);
        const Cell& cell = row[i];
        if (const auto* s = std::get_if<std::string>(&cell)) {
          worksheet_write_string(ws, r, col, s->c_str(), nullptr);
        } else if (std::holds_alternative<Redacted>(cell)) {
          worksheet_write_string(ws, r, col, std::string(kRedactedText).c_str(), nullptr);
        } else if (const auto* v = std::get_if<int64_t>(&cell)) {
          worksheet_write_number(ws, r, col, static_cast<double>(*v), formats[i]);
        } else if (const auto* d = std::get_if<double>(&cell)) {
          if (std::isfinite(*d)) {
            const double x = cols[i].kind == ColumnKind::kPercent ? *d / 100.0 : *d;
            worksheet_write_number(ws, r, col, x, formats[i]);
          }
        }
        width[i] = std::max(width[i], Width(DisplayCellText(cols[i], cell)));
      }
      ++r;
    }
    if (!t.footnotes().empty()) {
      ++r;
      for (const auto& f : t.footnotes()) worksheet_write_string(ws, r++, 0, f.c_str(), note_);
    }
    for (size_t i = 0; i < cols.size(); ++i)
      worksheet_set_column(ws, static_cast<lxw_col_t>(i), static_cast<lxw_col_t>(i),
                           std::min(static_cast<double>(width[i]) + 2, kMaxColumnWidth), nullptr);
    worksheet_freeze_panes(ws, kHeader + 1, 0);
    if (!cols.empty() && t.row_count() > 0)
      worksheet_autofilter(ws, kHeader, 0, static_cast<lxw_row_t>(kHeader + t.row_count()),
                           static_cast<lxw_col_t>(cols.size() - 1));
    return Status::Ok();
  }

 private:
  lxw_workbook* wb_;
  lxw_format *title_, *header_, *header_num_, *note_, *bold_;
  std::map<std::string, lxw_format*> numbers_;
};

}  // namespace

Status WriteXlsx(const Report& report, const std::string& path) {
  ICB_RETURN_IF_ERROR(CheckReport(report));
  for (const auto& t : report.tables)
    if (t.name() == "contents" || t.name() == "history")
      return Status::Internal("xlsx: sheet name '" + t.name() + "' is reserved");
  const std::filesystem::path target(path);
  const auto dir = target.parent_path().empty() ? std::filesystem::path(".") : target.parent_path();
  if (!std::filesystem::is_directory(dir)) return Status::IoError("cannot write " + path + ": no such directory");
  std::string tmp_name = ".";
  tmp_name.append(target.filename().string()).append(".tmp.").append(std::to_string(::getpid()));
  const std::string tmp = (target.parent_path() / tmp_name).string();
  lxw_workbook* wb = workbook_new(tmp.c_str());
  if (!wb) return Status::IoError("cannot create " + tmp);
  lxw_doc_properties props{};
  std::string title = report.title;
  std::string creator = "icb-engine";
  props.title = title.data();
  props.author = creator.data();
  props.created = kFixedCreated;
  workbook_set_properties(wb, &props);
  Writer writer(wb);
  Status st = writer.Contents(report);
  for (const auto& t : report.tables) {
    if (!st.ok()) break;
    st = writer.Sheet(t);
  }
  const lxw_error err = workbook_close(wb);  // frees wb in every case
  if (!st.ok()) {
    std::remove(tmp.c_str());
    return st;
  }
  if (err != LXW_NO_ERROR) {
    std::remove(tmp.c_str());
    return Status::IoError("cannot write " + path + ": " + lxw_strerror(err));
  }
  ICB_RETURN_IF_ERROR(FsyncPath(tmp));
  std::error_code ec;
  std::filesystem::rename(tmp, target, ec);
  if (ec) {
    std::remove(tmp.c_str());
    return Status::IoError("cannot rename " + tmp + " to " + path + ": " + ec.message());
  }
  const auto parent = target.parent_path();
  return FsyncPath(parent.empty() ? "." : parent.string());
}

}  // namespace icb::report
