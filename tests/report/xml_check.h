// A minimal well-formedness check for the SVG and HTML the report writers produce: tags balance
// and nest, attribute values are quoted, text and attribute values hold no raw '<' and no '&'
// that does not start a known entity. HTML mode also accepts <!DOCTYPE>, void elements (meta, br,
// img, link, input, hr) and raw text inside <style>. Not a full XML parser: enough to catch a
// renderer that forgets to escape or close something. Test-only.
#pragma once

#include <cctype>
#include <set>
#include <string>
#include <vector>

namespace icb::report::testing {

// "" when `text` is well formed, else what is wrong and where.
inline std::string CheckMarkup(const std::string& text, bool html = false) {
  const std::set<std::string> kVoid = {"meta", "br", "img", "link", "input", "hr"};
  std::vector<std::string> open;
  size_t i = 0;
  auto where = [&](size_t at) { return " at offset " + std::to_string(at); };
  auto check_amp = [&](size_t at) -> bool {
    static const char* kEntities[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#"};
    for (const char* e : kEntities)
      if (text.compare(at, std::string(e).size(), e) == 0) return true;
    return false;
  };
  while (i < text.size()) {
    if (text[i] != '<') {
      if (text[i] == '&' && !check_amp(i)) return "bare '&'" + where(i);
      if (text[i] == '>' && !html) return "bare '>'" + where(i);
      ++i;
      continue;
    }
    if (text.compare(i, 4, "<!--") == 0) {
      const size_t e = text.find("-->", i);
      if (e == std::string::npos) return "unclosed comment" + where(i);
      i = e + 3;
      continue;
    }
    if (text.compare(i, 2, "<?") == 0 || (html && text.compare(i, 2, "<!") == 0)) {
      const size_t e = text.find('>', i);
      if (e == std::string::npos) return "unclosed declaration" + where(i);
      i = e + 1;
      continue;
    }
    const bool closing = text.compare(i, 2, "</") == 0;
    size_t j = i + (closing ? 2 : 1);
    const size_t name_start = j;
    while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '-' || text[j] == ':'))
      ++j;
    const std::string name = text.substr(name_start, j - name_start);
    if (name.empty()) return "'<' that starts no tag" + where(i);
    // Attributes: name="value" pairs.
    bool self_closing = false;
    while (true) {
      while (j < text.size() && std::isspace(static_cast<unsigned char>(text[j]))) ++j;
      if (j >= text.size()) return "unclosed tag <" + name + where(i);
      if (text[j] == '>') {
        ++j;
        break;
      }
      if (text.compare(j, 2, "/>") == 0) {
        self_closing = true;
        j += 2;
        break;
      }
      if (closing) return "attributes in an end tag" + where(j);
      const size_t a = j;
      while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '-' || text[j] == ':' ||
                                 text[j] == '_'))
        ++j;
      if (j == a) return "bad attribute in <" + name + ">" + where(j);
      if (j >= text.size() || text[j] != '=') return "attribute without a value in <" + name + ">" + where(j);
      ++j;
      if (j >= text.size() || text[j] != '"') return "unquoted attribute value in <" + name + ">" + where(j);
      const size_t e = text.find('"', j + 1);
      if (e == std::string::npos) return "unclosed attribute value" + where(j);
      for (size_t k = j + 1; k < e; ++k) {
        if (text[k] == '<') return "'<' in an attribute value" + where(k);
        if (text[k] == '&' && !check_amp(k)) return "bare '&' in an attribute value" + where(k);
      }
      j = e + 1;
    }
    if (closing) {
      if (open.empty() || open.back() != name) return "</" + name + "> does not close <" + (open.empty() ? "" : open.back()) + ">" + where(i);
      open.pop_back();
    } else if (!self_closing && !(html && kVoid.count(name))) {
      open.push_back(name);
      if (html && name == "style") {
        const size_t e = text.find("</style>", j);
        if (e == std::string::npos) return "unclosed <style>" + where(i);
        if (text.find('<', j) < e) return "'<' inside <style>" + where(j);
        j = e;
      }
    }
    i = j;
  }
  if (!open.empty()) return "<" + open.back() + "> is never closed";
  return "";
}

// Occurrences of `needle` in `hay`.
inline size_t CountOf(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + needle.size())) ++n;
  return n;
}

}  // namespace icb::report::testing
