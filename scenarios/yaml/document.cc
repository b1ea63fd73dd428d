#include "scenarios/yaml/document.h"

#include <sstream>
#include <string>

#include <yaml-cpp/eventhandler.h>

namespace mapsim::scenario::yaml {
namespace {

constexpr int kDocumentsProbed = 2;  // the first, and whether there is a second

// Records where each document starts and whether it has a root node.
class DocumentProbe final : public YAML::EventHandler {
 public:
  int documents = 0;
  SourcePos second_start;
  bool last_root_null = false;

  void OnDocumentStart(const YAML::Mark& mark) override {
    ++documents;
    if (documents == 2) second_start = SourcePos{mark.line + 1, mark.column + 1};
    expecting_root_ = true;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override { root(true); }
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override { root(false); }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {
    root(false);
  }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    root(false);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    root(false);
  }
  void OnMapEnd() override {}

 private:
  void root(bool null) {
    if (!expecting_root_) return;
    last_root_null = null;
    expecting_root_ = false;
  }
  bool expecting_root_ = false;
};

SourcePos syntax_error_position(const YAML::Exception& error) {
  if (error.mark.is_null()) return SourcePos{1, 1};
  return SourcePos{error.mark.line + 1, error.mark.column + 1};
}

// The first character that is neither blank, nor in a comment, nor a document marker.
std::optional<SourcePos> first_content(std::string_view text) {
  int line = 1;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view row = text.substr(start, end - start);
    const size_t first = row.find_first_not_of(" \t\r");
    const bool marker = row.substr(0, 3) == "---" || row.substr(0, 3) == "...";
    if (first != std::string_view::npos && row[first] != '#' && !marker) {
      return SourcePos{line, static_cast<int>(first) + 1};
    }
    ++line;
    start = end + 1;
  }
  return std::nullopt;
}

// `text` from the start of its 1-based line `line` on.
std::string_view lines_from(std::string_view text, int line) {
  for (int current = 1; current < line; ++current) {
    const size_t end = text.find('\n');
    if (end == std::string_view::npos) return {};
    text.remove_prefix(end + 1);
  }
  return text;
}

}  // namespace

std::optional<YAML::Node> load_one_document(Context& context, std::string_view text) {
  const std::string source(text);
  YAML::Node root;
  DocumentProbe probe;
  try {
    root = YAML::Load(source);
    std::istringstream input(source);
    YAML::Parser parser(input);
    // Stops at the first document without a root: there LoadAll would loop.
    while (probe.documents < kDocumentsProbed && !probe.last_root_null &&
           parser.HandleNextDocument(probe)) {
      continue;
    }
  } catch (const YAML::Exception& error) {
    context.error(syntax_error_position(error), "", "YAML syntax error: " + error.msg);
    return std::nullopt;
  }
  if (root.IsNull()) {
    if (const std::optional<SourcePos> content = first_content(text)) {
      context.error(*content, "", "YAML syntax error: no YAML value starts here; expected a "
                                  "map such as map: {...}");
    } else {
      context.error(SourcePos{1, 1}, "", "empty scenario; expected a map with at least map: "
                                         "and cpu0: (docs/scenario-format.md)");
    }
    return std::nullopt;
  }
  // A second document, even one yaml-cpp sees no root in (a stray ','), is refused.
  const bool second = probe.documents >= kDocumentsProbed &&
                      (!probe.last_root_null ||
                       first_content(lines_from(text, probe.second_start.line)).has_value());
  if (second) {
    context.error(probe.second_start, "",
                  "a second YAML document starts here; a scenario file holds one map (check the "
                  "indentation of the lines above)");
    return std::nullopt;
  }
  return root;
}

}  // namespace mapsim::scenario::yaml
