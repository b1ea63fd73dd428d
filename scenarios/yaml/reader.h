// Reading YAML nodes with positions: the small toolkit every section reader of a scenario file
// uses, so that each error is reported the same way (docs/scenario-format.md "Errors"):
//
//   file:line:column: field.path: what is wrong, what was expected
//
// A Value is a node plus where it is (its field path and 1-based position). Readers never throw
// and never stop at the first problem: they report into the Context and return nullopt, and the
// caller goes on with the next field, so one parse reports every error.
//
// Scalars are interpreted here, not by yaml-cpp's conversions, so that the rules are ours and
// documented: integers are decimal without leading zeros and never quoted (a quoted "10" is a
// string), booleans are true/false (yes/no/on/off accepted), and `0x...` always means bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "scenarios/scenario_spec.h"

namespace mapsim::scenario::yaml {

class Context {
 public:
  Context(std::string file, std::string_view text) : file_(std::move(file)), text_(text) {}

  const std::string& file() const { return file_; }
  std::string_view text() const { return text_; }  ///< the whole source (columns of words)
  bool failed() const { return !errors_.empty(); }
  size_t error_count() const { return errors_.size(); }

  void error(SourcePos pos, std::string_view path, std::string_view message);
  // "file:line:column: path: message" lines in file order (errors without a position first).
  std::vector<std::string> sorted_errors() const;

 private:
  struct Error {
    SourcePos pos;
    std::string line;
  };
  std::string file_;
  std::string_view text_;
  std::vector<Error> errors_;
};

struct Value {
  YAML::Node node;
  std::string path;  ///< "cpu1[2].value"
  SourcePos pos;     ///< of the value; of its key when the value is empty
  bool plain = true; ///< an unquoted, untagged scalar (only those can be numbers)
};

// 1-based position of a parsed node; {0, 0} for a node without one.
SourcePos position_of(const YAML::Node& node);
// A Value for `node` at `path`; `fallback` is used when the node has no position (empty values).
Value make_value(const YAML::Node& node, std::string path, SourcePos fallback);

// "'text'" for a scalar, "a list", "a map", "nothing": what a message says it got.
std::string describe(const YAML::Node& node);

struct Entry {
  std::string key;
  SourcePos key_pos;
  Value value;
};

// The entries of a map, in file order. `allowed` lists the accepted keys; an entry "cpu<N>"
// accepts cpu0, cpu1, ... Reports a non-map (as "expected `what`"), keys that are not plain
// scalars, duplicate keys and unknown keys (listing the allowed ones); those entries are
// dropped. nullopt when the value is not a map.
std::optional<std::vector<Entry>> read_entries(Context& context, const Value& map,
                                               std::span<const std::string_view> allowed,
                                               std::string_view what);
const Entry* find_entry(const std::vector<Entry>& entries, std::string_view key);

// Items of a list; a non-list is reported as "expected `what`". Paths are "path[i]".
std::optional<std::vector<Value>> read_list(Context& context, const Value& list,
                                            std::string_view what);

// Unsigned decimal in [min, max].
std::optional<uint64_t> read_unsigned(Context& context, const Value& value, uint64_t min,
                                      uint64_t max);
std::optional<bool> read_bool(Context& context, const Value& value);
// Any scalar (quoted or not) as text; `what` describes the expected text in the error.
std::optional<std::string> read_string(Context& context, const Value& value,
                                       std::string_view what);
// A finite number >= 0 (decimal, fraction allowed).
std::optional<double> read_seconds(Context& context, const Value& value);

// Scalar text rules shared with the step shorthand (which has no YAML node per token).
// Decimal digits without sign, without leading zeros (but "0"); nullopt when not that or > max.
std::optional<uint64_t> parse_decimal(std::string_view text);
// Label syntax: a letter or _, then letters, digits, _, . or - (labels are words in a
// shorthand op and plain scalars in atoms).
bool label_syntax_ok(std::string_view label);
// "expected an integer in 1..4096, got 'x'"
std::string expected_integer(uint64_t min, uint64_t max, const Value& value);

}  // namespace mapsim::scenario::yaml
