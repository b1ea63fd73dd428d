// SvgDocument: an svg parsed with libxml2, for tests that check what a picture shows.
//
// Graphviz writes one <g> per node, edge and cluster, with the dot `id` as the element id and
// "node" / "edge" / "cluster" plus the dot `class` as its class attribute; the texts drawn are
// <text> elements. Tests look pictures up by those ids and classes.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mapsim::viz::testing {

struct SvgGroup {
  std::string id;
  std::vector<std::string> classes;  ///< the class attribute split at spaces
  std::string title;                 ///< text of its <title> child (graphviz: the dot name)
  std::string text;                  ///< every <text> inside, joined with '\n'
  // Bounding box of its <polygon>s, <path>s and <ellipse>s (svg coordinates), when it has any.
  bool has_bounds = false;
  double left = 0, top = 0, right = 0, bottom = 0;
  bool has_class(std::string_view name) const;
};

// Any element with an id (the plots written directly as svg use plain elements).
struct SvgElement {
  std::string tag;
  std::map<std::string, std::string> attributes;
  std::string text;  ///< its text content
};

class SvgDocument {
 public:
  // nullopt with *error set when `svg` is not well-formed XML with an <svg> root.
  static std::optional<SvgDocument> parse(std::string_view svg, std::string* error);

  // Groups whose class list contains `name` ("node", "edge", "flow-path", ...).
  std::vector<const SvgGroup*> groups_with_class(std::string_view name) const;
  const SvgGroup* find(std::string_view id) const;
  // The element (of any kind) with this id, or nullptr.
  const SvgElement* element(std::string_view id) const;
  // Every <text> in the document, joined with '\n'.
  const std::string& all_text() const { return all_text_; }
  size_t group_count() const { return groups_.size(); }

 private:
  std::vector<SvgGroup> groups_;
  std::map<std::string, size_t, std::less<>> by_id_;
  std::map<std::string, SvgElement, std::less<>> elements_;
  std::string all_text_;
};

}  // namespace mapsim::viz::testing
