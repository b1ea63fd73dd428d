#include "tests/viz_support/svg_document.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <sstream>

namespace mapsim::viz::testing {
namespace {

bool named(const xmlNode* node, const char* name) {
  return node->type == XML_ELEMENT_NODE && std::strcmp(reinterpret_cast<const char*>(node->name),
                                                       name) == 0;
}

std::string attribute(const xmlNode* node, const char* name) {
  xmlChar* value = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
  if (value == nullptr) return "";
  std::string text(reinterpret_cast<const char*>(value));
  xmlFree(value);
  return text;
}

std::string content(const xmlNode* node) {
  xmlChar* value = xmlNodeGetContent(node);
  if (value == nullptr) return "";
  std::string text(reinterpret_cast<const char*>(value));
  xmlFree(value);
  return text;
}

void append_line(std::string& to, const std::string& line) {
  if (!to.empty()) to += '\n';
  to += line;
}

// Texts of every <text> below `node`.
void collect_texts(const xmlNode* node, std::string& texts) {
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (named(child, "text")) {
      append_line(texts, content(child));
    } else if (child->type == XML_ELEMENT_NODE) {
      collect_texts(child, texts);
    }
  }
}

void extend(SvgGroup& group, double x, double y) {
  if (!group.has_bounds) {
    group.left = group.right = x;
    group.top = group.bottom = y;
    group.has_bounds = true;
    return;
  }
  group.left = std::min(group.left, x);
  group.right = std::max(group.right, x);
  group.top = std::min(group.top, y);
  group.bottom = std::max(group.bottom, y);
}

// Polygon points ("x,y x,y ..."), path points and ellipses (cx, cy, rx, ry) of the group's
// own shapes.
void collect_bounds(const xmlNode* node, SvgGroup& group) {
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (named(child, "polygon")) {
      std::istringstream points(attribute(child, "points"));
      double x = 0;
      double y = 0;
      char comma = 0;
      while (points >> x >> comma >> y) extend(group, x, y);
    } else if (named(child, "path")) {
      // Graphviz paths: "M x,y C x,y x,y x,y ..."; the control points bound the curve.
      std::string data = attribute(child, "d");
      for (char& c : data) {
        if (std::isalpha(static_cast<unsigned char>(c))) c = ' ';
      }
      std::istringstream points(data);
      double x = 0;
      double y = 0;
      char comma = 0;
      while (points >> x >> comma >> y) extend(group, x, y);
    } else if (named(child, "ellipse")) {
      const double cx = std::stod(attribute(child, "cx"));
      const double cy = std::stod(attribute(child, "cy"));
      const double rx = std::stod(attribute(child, "rx"));
      const double ry = std::stod(attribute(child, "ry"));
      extend(group, cx - rx, cy - ry);
      extend(group, cx + rx, cy + ry);
    }
  }
}

void collect_elements(const xmlNode* node, std::map<std::string, SvgElement, std::less<>>& out) {
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (child->type != XML_ELEMENT_NODE) continue;
    const std::string id = attribute(child, "id");
    if (!id.empty()) {
      SvgElement element;
      element.tag = reinterpret_cast<const char*>(child->name);
      for (const xmlAttr* attr = child->properties; attr != nullptr; attr = attr->next) {
        const std::string name = reinterpret_cast<const char*>(attr->name);
        element.attributes[name] = attribute(child, name.c_str());
      }
      element.text = content(child);
      out.emplace(id, std::move(element));
    }
    collect_elements(child, out);
  }
}

void collect_groups(const xmlNode* node, std::vector<SvgGroup>& groups) {
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (child->type != XML_ELEMENT_NODE) continue;
    if (named(child, "g")) {
      SvgGroup group;
      group.id = attribute(child, "id");
      std::istringstream classes(attribute(child, "class"));
      for (std::string word; classes >> word;) group.classes.push_back(word);
      for (const xmlNode* part = child->children; part != nullptr; part = part->next) {
        if (named(part, "title")) group.title = content(part);
      }
      collect_texts(child, group.text);
      collect_bounds(child, group);
      groups.push_back(std::move(group));
    }
    collect_groups(child, groups);
  }
}

}  // namespace

bool SvgGroup::has_class(std::string_view name) const {
  for (const std::string& word : classes) {
    if (word == name) return true;
  }
  return false;
}

std::optional<SvgDocument> SvgDocument::parse(std::string_view svg, std::string* error) {
  xmlDoc* document = xmlReadMemory(svg.data(), static_cast<int>(svg.size()), "picture.svg",
                                   nullptr, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                                XML_PARSE_NOWARNING | XML_PARSE_HUGE);
  if (document == nullptr) {
    const xmlError* last = xmlGetLastError();
    *error = std::string("not well-formed XML: ") + (last && last->message ? last->message : "?");
    return std::nullopt;
  }
  const xmlNode* root = xmlDocGetRootElement(document);
  if (root == nullptr || !named(root, "svg")) {
    xmlFreeDoc(document);
    *error = "the root element is not <svg>";
    return std::nullopt;
  }
  SvgDocument parsed;
  collect_groups(root, parsed.groups_);
  collect_texts(root, parsed.all_text_);
  collect_elements(root, parsed.elements_);
  for (size_t i = 0; i < parsed.groups_.size(); ++i) {
    if (!parsed.groups_[i].id.empty()) parsed.by_id_.emplace(parsed.groups_[i].id, i);
  }
  xmlFreeDoc(document);
  return parsed;
}

std::vector<const SvgGroup*> SvgDocument::groups_with_class(std::string_view name) const {
  std::vector<const SvgGroup*> found;
  for (const SvgGroup& group : groups_) {
    if (group.has_class(name)) found.push_back(&group);
  }
  return found;
}

const SvgElement* SvgDocument::element(std::string_view id) const {
  const auto found = elements_.find(id);
  return found == elements_.end() ? nullptr : &found->second;
}

const SvgGroup* SvgDocument::find(std::string_view id) const {
  const auto found = by_id_.find(id);
  return found == by_id_.end() ? nullptr : &groups_[found->second];
}

}  // namespace mapsim::viz::testing
