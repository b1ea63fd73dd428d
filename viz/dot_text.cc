#include "viz/dot_text.h"

#include <cmath>
#include <cstdio>

namespace mapsim::viz {

std::string dot_quote(std::string_view text) {
  std::string quoted;
  quoted.reserve(text.size() + 2);
  quoted += '"';
  for (char c : text) {
    switch (c) {
      case '"':
        quoted += "\\\"";
        break;
      case '\\':
        quoted += "\\\\";
        break;
      case '\n':
        quoted += "\\n";
        break;
      case '\r':
        break;
      default:
        quoted += c;
    }
  }
  quoted += '"';
  return quoted;
}

DotAttributes& DotAttributes::put(std::string_view name, std::string value, bool html) {
  for (Entry& entry : entries_) {
    if (entry.name == name) {
      entry.value = std::move(value);
      entry.html = html;
      return *this;
    }
  }
  entries_.push_back(Entry{std::string(name), std::move(value), html});
  return *this;
}

DotAttributes& DotAttributes::set(std::string_view name, std::string_view value) {
  return put(name, std::string(value), false);
}

DotAttributes& DotAttributes::set(std::string_view name, double value) {
  return put(name, dot_number(value), false);
}

DotAttributes& DotAttributes::set_html(std::string_view name, std::string_view html) {
  return put(name, std::string(html), true);
}

std::string DotAttributes::text() const {
  if (entries_.empty()) return "";
  std::string text = " [";
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (i > 0) text += ", ";
    text += entries_[i].name;
    text += '=';
    text += entries_[i].html ? "<" + entries_[i].value + ">" : dot_quote(entries_[i].value);
  }
  text += ']';
  return text;
}

std::string html_escape(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': escaped += "&amp;"; break;
      case '<': escaped += "&lt;"; break;
      case '>': escaped += "&gt;"; break;
      case '"': escaped += "&quot;"; break;
      default: escaped += c;
    }
  }
  return escaped;
}

std::string dot_number(double value) {
  if (!std::isfinite(value)) return "0";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.3f", value);
  std::string text = buffer;
  while (!text.empty() && text.back() == '0') text.pop_back();
  if (!text.empty() && text.back() == '.') text.pop_back();
  if (text == "-0") text = "0";
  return text;
}

}  // namespace mapsim::viz
