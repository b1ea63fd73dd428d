// What each op takes (docs/scenario-format.md "Ops").
#include <array>

#include "impl/assert.h"
#include "scenarios/yaml/step_fields.h"

namespace mapsim::scenario::yaml {
namespace {

// name, kind, key, value, flags, syscall, program, usage
constexpr std::array<OpRules, 11> kOps = {{
    {"update", StepKind::kUpdate, true, true, true, true, true, "update KEY VALUE [FLAGS]"},
    {"lookup", StepKind::kLookup, true, false, true, true, true, "lookup KEY"},
    {"delete", StepKind::kDelete, true, false, false, true, true, "delete KEY"},
    {"lookup_and_delete", StepKind::kLookupAndDelete, true, false, true, true, false,
     "lookup_and_delete KEY [FLAGS]"},
    {"get_next_key", StepKind::kGetNextKey, true, false, false, true, false,
     "get_next_key [KEY|null]"},
    {"walk", StepKind::kWalk, false, false, false, true, false, "walk"},
    // The batch walks' one positional word is the batch size (step_reader.cc).
    {"batch_walk", StepKind::kBatchWalk, false, false, false, true, false,
     "batch_walk [BATCH_SIZE]"},
    {"batch_walk_and_delete", StepKind::kBatchWalkAndDelete, false, false, false, true, false,
     "batch_walk_and_delete [BATCH_SIZE]"},
    {"lookup_add_else_insert", StepKind::kLookupAddElseInsert, true, true, false, false, true,
     "lookup_add_else_insert KEY VALUE"},
    {"lookup_keep_pointer", StepKind::kLookupKeepPointer, true, false, false, false, true,
     "lookup_keep_pointer KEY"},
    {"add_through_pointer", StepKind::kAddThroughPointer, false, true, false, false, true,
     "add_through_pointer ADDEND"},
}};

}  // namespace

const OpRules* op_rules(std::string_view name) {
  if (name == "dump") name = "walk";  // the op scripts' name for the same loop
  for (const OpRules& rules : kOps) {
    if (rules.name == name) return &rules;
  }
  return nullptr;
}

const OpRules& op_rules(StepKind kind) {
  for (const OpRules& rules : kOps) {
    if (rules.kind == kind) return rules;
  }
  MAPSIM_ASSERT(false, "every StepKind has a row in kOps");
  return kOps[0];
}

std::string op_names() {
  std::string text;
  for (const OpRules& rules : kOps) {
    if (!text.empty()) text += ", ";
    text += rules.name;
  }
  return text;
}

}  // namespace mapsim::scenario::yaml
