// One op as written, before it is checked: its fields, each with its own position, whether the
// op was a long-form map ({op: update, key: 1, value: 10}) or a shorthand string
// ("update 1 10 BPF_NOEXIST via prog as w"), so that both forms are checked by the same code
// and a shorthand's errors point at the offending word.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/scenario_spec.h"
#include "scenarios/yaml/reader.h"

namespace mapsim::scenario::yaml {

struct StepFields {
  std::string path;  ///< the op's own path: "cpu1[2]"
  SourcePos pos;
  bool shorthand = false;
  std::optional<Value> op;
  std::optional<Value> key;
  std::optional<Value> value;
  std::optional<Value> flags;
  std::optional<Value> via;
  std::optional<Value> label;
  std::optional<Value> batch_size;  ///< batch walks
  std::vector<Value> positional;  ///< shorthand: the key and value words (batch walks: the
                                  ///< batch size), in order
};

// The ops: name <-> kind, and what each takes.
struct OpRules {
  std::string_view name;
  StepKind kind;
  bool takes_key;       ///< on maps with keys (get_next_key: optional)
  bool takes_value;     ///< required when taken (lookup: only on BLOOM_FILTER)
  bool takes_flags;
  bool syscall_ok;
  bool program_ok;
  std::string_view usage;  ///< shorthand form, for messages
};
const OpRules* op_rules(std::string_view name);  // "dump" is walk's other name
const OpRules& op_rules(StepKind kind);
std::string op_names();

// Splits a shorthand string into fields: the first word is the op; "via X" and "as LABEL" are
// options; a word starting with BPF_ is the flags ("A|B" joins names); other words are
// positional (key, then value), assigned by the caller, who knows what the op takes. Each word's
// Value carries its own column (from the string's position and the source text) and a path
// naming its role ("cpu1[2].key" is set by the caller; words here get "<path>.op" and so on).
StepFields split_shorthand(Context& context, const Value& value);

}  // namespace mapsim::scenario::yaml
