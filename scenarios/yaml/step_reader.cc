// One op (long form or shorthand) -> StepSpec, and op lists with their labels.
#include "scenarios/yaml/flags_text.h"
#include "scenarios/yaml/sections.h"
#include "scenarios/yaml/step_fields.h"

namespace mapsim::scenario::yaml {
namespace {

constexpr std::string_view kOpKeys[] = {"op",  "key",   "value",     "flags",
                                        "via", "label", "batch_size"};
// Program sequences add a u64 to the value, or a u32 when the value is 4 to 7 bytes.
constexpr uint32_t kAddWidthMin = 4;

struct StepRead {
  StepSpec step;
  SourcePos label_pos;  ///< where the label was written; the op's position for a default label
  bool ok = true;
};

class StepBuilder {
 public:
  StepBuilder(Context& context, const StepFields& fields, const MapShape& shape,
              const StepScope& scope)
      : context_(context), fields_(fields), shape_(shape), scope_(scope) {}

  StepRead build();

 private:
  void fail(const SourcePos& pos, std::string_view field, const std::string& message) {
    context_.error(pos, field.empty() ? fields_.path : fields_.path + "." + std::string(field),
                   message);
    read_.ok = false;
  }
  bool takes_value() const {
    return rules_->takes_value || (rules_->kind == StepKind::kLookup && shape_.bloom_filter());
  }
  bool map_has_keys() const { return !shape_.known || shape_.key_size > 0; }
  void assign_positional();
  void read_via();
  void read_key_field();
  void read_value_field();
  void read_flags_field();
  void read_label_field();
  void read_batch_size_field();

  Context& context_;
  StepFields fields_;
  const MapShape& shape_;
  const StepScope& scope_;
  const OpRules* rules_ = nullptr;
  StepRead read_;
};

StepRead StepBuilder::build() {
  read_.step.pos = fields_.pos;
  read_.label_pos = fields_.pos;
  if (!fields_.op) {
    // An empty shorthand string has been reported as such.
    if (!fields_.shorthand) fail(fields_.pos, "op", "missing; expected one of " + op_names());
    read_.ok = false;
    return read_;
  }
  const std::optional<std::string> name = read_string(context_, *fields_.op, "an op name");
  rules_ = name ? op_rules(*name) : nullptr;
  if (rules_ == nullptr) {
    if (name) {
      fail(fields_.op->pos, "op", "unknown op '" + *name + "'; expected one of " + op_names());
    }
    read_.ok = false;
    return read_;
  }
  read_.step.kind = rules_->kind;
  if (fields_.shorthand) assign_positional();
  read_via();
  read_key_field();
  read_value_field();
  read_flags_field();
  read_label_field();
  read_batch_size_field();
  const bool pointer_op = !rules_->syscall_ok;
  if (pointer_op && shape_.known && shape_.value_size < kAddWidthMin) {
    fail(fields_.op->pos, "op",
         std::string(rules_->name) + " needs value_size >= 4 (the program adds a u32 or a u64 " +
             "to the value), the map's is " + std::to_string(shape_.value_size));
  }
  return read_;
}

void StepBuilder::assign_positional() {
  size_t next = 0;
  const std::vector<Value>& words = fields_.positional;
  if (rules_->takes_key && map_has_keys() && next < words.size()) {
    fields_.key = words[next++];
    fields_.key->path = fields_.path + ".key";
    if (rules_->kind == StepKind::kGetNextKey && fields_.key->node.Scalar() == "null") {
      fields_.key.reset();
    }
  }
  if (takes_value() && next < words.size()) {
    fields_.value = words[next++];
    fields_.value->path = fields_.path + ".value";
  }
  if (step_kind_is_batch_walk(rules_->kind) && next < words.size()) {
    fields_.batch_size = words[next++];
    fields_.batch_size->path = fields_.path + ".batch_size";
  }
  if (next < words.size()) {
    fail(words[next].pos, "", "unexpected '" + words[next].node.Scalar() + "'; expected " +
                                  std::string(rules_->usage) +
                                  (map_has_keys() ? "" : " without a key (the map has no keys)") +
                                  " [via prog|syscall] [as LABEL]");
  }
}

void StepBuilder::read_via() {
  const bool in_interrupt = scope_.place == StepPlace::kInterrupt;
  Via via = in_interrupt || !rules_->syscall_ok ? Via::kProgram : Via::kSyscall;
  SourcePos pos = fields_.op->pos;
  if (fields_.via) {
    pos = fields_.via->pos;
    const std::optional<std::string> text = read_string(context_, *fields_.via, "prog or syscall");
    if (text == "prog") {
      via = Via::kProgram;
    } else if (text == "syscall") {
      via = Via::kSyscall;
    } else {
      if (text) fail(pos, "via", "expected prog or syscall, got '" + *text + "'");
      read_.ok = false;
    }
  }
  read_.step.via = via;
  const std::string name(rules_->name);
  if (in_interrupt && !rules_->program_ok) {
    fail(fields_.op->pos, "op", name + " is a userspace op; an interrupt is a BPF program and " +
                                    "runs program ops only");
  } else if (in_interrupt && via == Via::kSyscall) {
    fail(pos, "via", "an interrupt is a BPF program: its ops run via prog");
  } else if (via == Via::kProgram && !rules_->program_ok) {
    fail(pos, "via", name + " runs only through the syscall (via syscall)");
  } else if (via == Via::kSyscall && !rules_->syscall_ok) {
    fail(pos, "via", name + " is a program op: via prog only");
  } else if (via == Via::kProgram && shape_.known && shape_.bloom_filter()) {
    fail(pos, "via", "bloom_filter ops run only through the syscall (programs use "
                     "bpf_map_push_elem / bpf_map_peek_elem, which scenarios do not model)");
  }
}

void StepBuilder::read_key_field() {
  const bool given = fields_.key && !fields_.key->node.IsNull();
  const std::string name(rules_->name);
  if (!rules_->takes_key) {
    if (given) fail(fields_.key->pos, "key", name + " takes no key");
    return;
  }
  if (!map_has_keys()) {
    if (given) fail(fields_.key->pos, "key", "the map has no keys (key_size 0): leave key out");
    return;
  }
  if (!given) {
    if (rules_->kind != StepKind::kGetNextKey) {
      fail(fields_.pos, "key", "missing; expected " + std::string(rules_->usage));
    }
    return;
  }
  read_.step.key = read_key(context_, *fields_.key, shape_);
  if (!read_.step.key) read_.ok = false;
}

void StepBuilder::read_value_field() {
  const std::string name(rules_->name);
  if (!takes_value()) {
    if (fields_.value) fail(fields_.value->pos, "value", name + " takes no value");
    return;
  }
  if (!fields_.value || fields_.value->node.IsNull()) {
    fail(fields_.pos, "value", "missing; expected " + std::string(rules_->usage));
    return;
  }
  ValueLayout layout = read_.step.via == Via::kSyscall ? ValueLayout::kSyscall
                                                       : ValueLayout::kProgram;
  if (rules_->kind == StepKind::kAddThroughPointer) layout = ValueLayout::kAddend;
  const std::optional<Bytes> value = read_value(context_, *fields_.value, shape_, layout);
  if (value) {
    read_.step.value = *value;
  } else {
    read_.ok = false;
  }
}

void StepBuilder::read_flags_field() {
  if (!fields_.flags) return;
  if (!rules_->takes_flags) {
    fail(fields_.flags->pos, "flags", std::string(rules_->name) + " takes no flags");
    return;
  }
  if (rules_->kind == StepKind::kLookup && read_.step.via == Via::kProgram) {
    fail(fields_.flags->pos, "flags", "a program lookup takes no flags (lookup flags such as "
                                      "BPF_F_LOCK are syscall only)");
    return;
  }
  const std::optional<uint64_t> flags = read_flags(context_, *fields_.flags, FlagSet::kElement);
  if (flags) {
    read_.step.flags = *flags;
  } else {
    read_.ok = false;
  }
}

void StepBuilder::read_label_field() {
  if (!fields_.label) return;
  read_.label_pos = fields_.label->pos;
  const std::optional<std::string> label = read_string(context_, *fields_.label, "a label");
  if (label && label_syntax_ok(*label)) {
    read_.step.label = *label;
    return;
  }
  if (label) {
    fail(fields_.label->pos, "label", "expected a label: a letter or _, then letters, digits, "
                                      "_, . or - (got '" + *label + "')");
  }
  read_.ok = false;
}

// A batch walk's count per call: 1 .. 2^32-1 (a count of 0 makes the kernel return at once
// without moving the token, so such a walk would never end). Absent: max_entries (0 here).
void StepBuilder::read_batch_size_field() {
  if (!fields_.batch_size) return;
  if (!step_kind_is_batch_walk(rules_->kind)) {
    fail(fields_.batch_size->pos, "batch_size",
         std::string(rules_->name) + " takes no batch_size (only batch_walk and "
                                     "batch_walk_and_delete do)");
    return;
  }
  const std::optional<uint64_t> size =
      read_unsigned(context_, *fields_.batch_size, 1, UINT32_MAX);
  if (size) {
    read_.step.batch_size = static_cast<uint32_t>(*size);
  } else {
    read_.ok = false;
  }
}

StepFields long_form_fields(Context& context, const Value& item) {
  StepFields fields;
  fields.path = item.path;
  fields.pos = item.pos;
  const std::optional<std::vector<Entry>> entries = read_entries(context, item, kOpKeys, "an op");
  if (!entries) return fields;
  for (const Entry& entry : *entries) {
    std::optional<Value>* slot = entry.key == "op"      ? &fields.op
                                 : entry.key == "key"   ? &fields.key
                                 : entry.key == "value" ? &fields.value
                                 : entry.key == "flags" ? &fields.flags
                                 : entry.key == "via"   ? &fields.via
                                 : entry.key == "label" ? &fields.label
                                                        : &fields.batch_size;
    *slot = entry.value;
  }
  return fields;
}

std::string default_label(const StepScope& scope, size_t index) {
  const std::string number = std::to_string(scope.number);
  const std::string prefix = scope.place == StepPlace::kSetup ? "setup"
                             : scope.place == StepPlace::kCpu ? "cpu" + number
                                                              : "irq" + number;
  return prefix + "." + std::to_string(index);
}

}  // namespace

std::vector<StepSpec> read_steps(Context& context, const Value& list, const MapShape& shape,
                                 const StepScope& scope, LabelTable* labels) {
  std::vector<Value> items;
  if (list.node.IsSequence()) {
    items = *read_list(context, list, "a list of ops");
  } else if (list.node.IsScalar() || list.node.IsMap()) {
    items.push_back(make_value(list.node, list.path + "[0]", list.pos));  // a one-op list
  } else if (!list.node.IsNull() || scope.place != StepPlace::kSetup) {
    context.error(list.pos, list.path, "expected a list of ops (such as [update 1 10, "
                                       "lookup 1 via prog]), got " + describe(list.node));
  }
  if (items.empty() && scope.place != StepPlace::kSetup) {
    context.error(list.pos, list.path, "no ops; a program needs at least one op");
  }
  std::vector<StepSpec> steps;
  const Value* pending_keep = nullptr;  // a lookup_keep_pointer whose add must come next
  auto close_keep = [&]() {
    if (pending_keep == nullptr) return;
    context.error(pending_keep->pos, pending_keep->path,
                  "lookup_keep_pointer must be directly followed by add_through_pointer (the "
                  "program adds through the pointer inside the same RCU read section)");
    pending_keep = nullptr;
  };
  for (size_t index = 0; index < items.size(); ++index) {
    const Value& item = items[index];
    if (!item.node.IsScalar() && !item.node.IsMap()) {
      context.error(item.pos, item.path, "expected an op: a string such as 'update 1 10' or a "
                                         "map such as {op: update, key: 1, value: 10}, got " +
                                             describe(item.node));
      continue;
    }
    const StepFields fields = item.node.IsScalar() ? split_shorthand(context, item)
                                                   : long_form_fields(context, item);
    StepRead read = StepBuilder(context, fields, shape, scope).build();
    if (read.step.label.empty()) read.step.label = default_label(scope, index);
    if (read.step.kind == StepKind::kAddThroughPointer) {
      if (pending_keep == nullptr && read.ok) {
        context.error(item.pos, item.path, "add_through_pointer must directly follow a "
                                           "lookup_keep_pointer (it adds through the pointer "
                                           "that lookup kept)");
      }
      pending_keep = nullptr;
    }
    close_keep();
    if (read.step.kind == StepKind::kLookupKeepPointer) pending_keep = &item;
    const auto [existing, inserted] =
        labels->emplace(read.step.label, LabeledStep{read.step, read.ok});
    if (!inserted) {
      context.error(read.label_pos, item.path + ".label",
                    "duplicate label '" + read.step.label + "' (also the op at line " +
                        std::to_string(existing->second.step.pos.line) +
                        "); labels are unique in a scenario");
    }
    steps.push_back(std::move(read.step));
  }
  close_keep();
  return steps;
}

}  // namespace mapsim::scenario::yaml
