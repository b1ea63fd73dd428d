// The shorthand form of an op: "update 1 10 BPF_NOEXIST via prog as w".
#include <vector>

#include "scenarios/yaml/step_fields.h"

namespace mapsim::scenario::yaml {
namespace {

struct Word {
  std::string_view text;
  size_t offset;  ///< in the scalar
};

std::vector<Word> split_words(std::string_view text) {
  std::vector<Word> words;
  size_t start = 0;
  while (true) {
    start = text.find_first_not_of(" \t", start);
    if (start == std::string_view::npos) return words;
    size_t end = text.find_first_of(" \t", start);
    if (end == std::string_view::npos) end = text.size();
    words.push_back(Word{text.substr(start, end - start), start});
    start = end;
  }
}

// The 1-based column of the scalar's first character in the source, when the scalar is the
// source text verbatim on one line (plain, or quoted without escapes); 0 when it is not.
int content_column(const Context& context, const Value& value) {
  const YAML::Mark mark = value.node.Mark();
  const std::string& scalar = value.node.Scalar();
  if (mark.is_null() || mark.pos < 0 || scalar.find('\n') != std::string::npos) return 0;
  size_t start = static_cast<size_t>(mark.pos);
  if (!value.plain && start < context.text().size() &&
      (context.text()[start] == '"' || context.text()[start] == '\'')) {
    ++start;
  }
  if (context.text().substr(start, scalar.size()) != scalar) return 0;
  return mark.column + 1 + static_cast<int>(start - static_cast<size_t>(mark.pos));
}

}  // namespace

StepFields split_shorthand(Context& context, const Value& value) {
  StepFields fields;
  fields.path = value.path;
  fields.pos = value.pos;
  fields.shorthand = true;
  const std::vector<Word> words = split_words(value.node.Scalar());
  const int column = content_column(context, value);
  auto word_value = [&](const Word& word, std::string_view role) {
    SourcePos pos = value.pos;
    if (column > 0) pos.column = column + static_cast<int>(word.offset);
    return Value{YAML::Node(std::string(word.text)), value.path + "." + std::string(role), pos,
                 true};
  };
  if (words.empty()) {
    context.error(value.pos, value.path, "empty op; expected an op such as 'update 1 10'");
    return fields;
  }
  fields.op = word_value(words[0], "op");
  for (size_t index = 1; index < words.size(); ++index) {
    const Word& word = words[index];
    const bool option = word.text == "via" || word.text == "as";
    std::optional<Value>* slot = word.text == "via"   ? &fields.via
                                 : word.text == "as"  ? &fields.label
                                 : word.text.substr(0, 4) == "BPF_" ? &fields.flags
                                                                    : nullptr;
    if (slot == nullptr) {
      fields.positional.push_back(word_value(word, "key"));
      continue;
    }
    const std::string_view role = word.text == "as" ? "label" : option ? "via" : "flags";
    if (slot->has_value()) {
      context.error(word_value(word, role).pos, value.path + "." + std::string(role),
                    "given twice; an op takes one " + std::string(role));
    }
    if (option && index + 1 == words.size()) {
      context.error(word_value(word, role).pos, value.path + "." + std::string(role),
                    std::string("'") + std::string(word.text) + "' needs a word after it (" +
                        (word.text == "via" ? "via prog or via syscall" : "as LABEL") + ")");
      continue;
    }
    if (option) ++index;
    *slot = word_value(words[index], role);
  }
  return fields;
}

}  // namespace mapsim::scenario::yaml
