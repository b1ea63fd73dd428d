// Building dot text: quoting and attribute lists.
//
// Every picture in viz/ is written as dot text first (kept beside the svg, so users can restyle
// or re-layout it) and only then handed to Graphviz. Identifiers and labels come from traces
// and scenario files, so they are always quoted: dot_quote() escapes what the dot grammar
// requires inside a double-quoted string (backslash, double quote, newlines).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mapsim::viz {

// `text` as a dot double-quoted string, quotes included. A newline becomes dot's "\n" (centred
// line break); every other character is kept.
std::string dot_quote(std::string_view text);

// An attribute list: [name="value", ...]. Values are quoted; names are trusted identifiers.
class DotAttributes {
 public:
  DotAttributes& set(std::string_view name, std::string_view value);
  DotAttributes& set(std::string_view name, double value);
  // An HTML-like label (Graphviz's <...> form): `html` is written as is between < and >.
  // REQUIRES: well-formed HTML-like text; escape user text with html_escape().
  DotAttributes& set_html(std::string_view name, std::string_view html);
  bool empty() const { return entries_.empty(); }
  // " [a=\"1\", b=\"2\"]", or "" when empty.
  std::string text() const;

 private:
  struct Entry {
    std::string name;
    std::string value;
    bool html = false;
  };
  DotAttributes& put(std::string_view name, std::string value, bool html);
  std::vector<Entry> entries_;
};

// `text` with &, <, > and " escaped, for HTML-like labels.
std::string html_escape(std::string_view text);

// A number for dot attributes (positions, widths): fixed notation, at most 3 decimals, no
// trailing zeros ("1.5", "12").
std::string dot_number(double value);

}  // namespace mapsim::viz
