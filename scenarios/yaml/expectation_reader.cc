// Expectations and their atoms (docs/scenario-format.md "Expectations").
//
// An atom names one subject, which fixes its kind and the one companion field it takes:
//   {step: L, rc: R}          kResult        {step: L, value: V}   kValue
//   {walk: L, repeats: B}     kWalkRepeats   {walk: L, skips: B}   kWalkSkips
//   {key: K, present: B}      kFinalPresent  {key: K, value: V}    kFinalValue
//   {item: V, present: B}     kFinalPresent on a BLOOM_FILTER (the item tested; key empty)
//   {count: N}                kFinalCount    {path_event: NAME}    kPathEvent (optionally with
//                                                                  step: L, that op's path only)
// Labels are resolved against every op of the scenario; an atom about a step that itself had
// errors is not judged against that step (its error is already reported).
#include <array>
#include <limits>

#include "impl/lru_path_event.h"
#include "scenarios/yaml/sections.h"
#include "scenarios/yaml/step_fields.h"

namespace mapsim::scenario::yaml {
namespace {

constexpr std::string_view kExpectationKeys[] = {"always", "never", "exists", "expected",
                                                 "description"};
constexpr std::string_view kAtomKeys[] = {"step", "walk", "key", "item", "count", "path_event",
                                          "rc", "value", "repeats", "skips", "present"};
constexpr size_t kLabelsListedMax = 12;

struct Subject {
  std::string_view name;
  std::array<std::string_view, 2> companions;  ///< one of these ("" is no companion)
  bool companion_optional;
};
// path_event comes first: its optional companion `step` is not a second subject.
constexpr Subject kSubjectRules[] = {
    {"path_event", {"step", ""}, true},      {"step", {"rc", "value"}, false},
    {"walk", {"repeats", "skips"}, false},   {"key", {"present", "value"}, false},
    {"item", {"present", ""}, false},        {"count", {"", ""}, true},
};

std::string companions_text(const Subject& rule) {
  if (rule.companions[0].empty()) return "takes nothing else";
  std::string text = "takes " + std::string(rule.companions[0]);
  if (!rule.companions[1].empty()) text += " or " + std::string(rule.companions[1]);
  return text + (rule.companion_optional ? " (optional)" : "");
}

std::string known_labels(const LabelTable& labels) {
  std::string text;
  size_t listed = 0;
  for (const auto& [label, step] : labels) {
    if (listed++ == kLabelsListedMax) return text + ", ...";
    text += (text.empty() ? "" : ", ") + label;
  }
  return text.empty() ? "none" : text;
}

class AtomReader {
 public:
  AtomReader(Context& context, const MapShape& shape, const LabelTable& labels)
      : context_(context), shape_(shape), labels_(labels) {}

  std::optional<AtomSpec> read(const Value& item);

 private:
  const Subject* subject(const Value& item, const std::vector<Entry>& entries);
  const Entry* companion(const Value& item, const Subject& rule,
                         const std::vector<Entry>& entries);
  const LabeledStep* step(const Entry& entry);
  bool read_step_atom(const Entry& subject, const Entry& field, AtomSpec* atom);
  bool read_walk_atom(const Entry& subject, const Entry& field, AtomSpec* atom);
  bool read_key_atom(const Entry& subject, const Entry& field, AtomSpec* atom);
  bool read_item_atom(const Entry& subject, const Entry& field, AtomSpec* atom);
  bool read_count_atom(const Entry& subject, AtomSpec* atom);
  bool read_path_event(const Entry& subject, const Entry* step_field, AtomSpec* atom);

  Context& context_;
  const MapShape& shape_;
  const LabelTable& labels_;
};

std::optional<AtomSpec> AtomReader::read(const Value& item) {
  const size_t errors_before = context_.error_count();
  const std::optional<std::vector<Entry>> entries =
      read_entries(context_, item, kAtomKeys, "an atom");
  // An unknown key is most likely a misspelt companion: reporting the atom as incomplete too
  // would only repeat it.
  if (!entries || context_.error_count() != errors_before) return std::nullopt;
  const Subject* rule = subject(item, *entries);
  if (rule == nullptr) return std::nullopt;
  const Entry* about = find_entry(*entries, rule->name);
  const Entry* field = companion(item, *rule, *entries);
  AtomSpec atom;
  atom.pos = item.pos;
  bool ok = field != nullptr || rule->companion_optional;
  if (ok && rule->name == "step") ok = read_step_atom(*about, *field, &atom);
  if (ok && rule->name == "walk") ok = read_walk_atom(*about, *field, &atom);
  if (ok && rule->name == "key") ok = read_key_atom(*about, *field, &atom);
  if (ok && rule->name == "item") ok = read_item_atom(*about, *field, &atom);
  if (ok && rule->name == "count") ok = read_count_atom(*about, &atom);
  if (ok && rule->name == "path_event") ok = read_path_event(*about, field, &atom);
  if (!ok) return std::nullopt;
  return atom;
}

const Subject* AtomReader::subject(const Value& item, const std::vector<Entry>& entries) {
  const Subject* found = nullptr;
  for (const Subject& rule : kSubjectRules) {
    const Entry* entry = find_entry(entries, rule.name);
    if (entry == nullptr) continue;
    if (found != nullptr && found->companions[0] == rule.name) continue;  // path_event's step
    if (found != nullptr) {
      context_.error(entry->key_pos, item.path + "." + entry->key,
                     "an atom is about one thing; '" + std::string(found->name) + "' and '" +
                         entry->key + "' make two atoms");
      return nullptr;
    }
    found = &rule;
  }
  if (found == nullptr) {
    context_.error(item.pos, item.path, "an atom names what it is about: step, walk, key, "
                                        "item, count or path_event");
  }
  return found;
}

const Entry* AtomReader::companion(const Value& item, const Subject& rule,
                                   const std::vector<Entry>& entries) {
  const Entry* found = nullptr;
  const std::string takes = companions_text(rule);
  for (const Entry& entry : entries) {
    if (entry.key == rule.name) continue;
    const bool fits = !entry.key.empty() &&
                      (entry.key == rule.companions[0] || entry.key == rule.companions[1]);
    if (!fits || found != nullptr) {
      context_.error(entry.key_pos, entry.value.path,
                     "does not go here; an atom about a " + std::string(rule.name) + " " + takes);
      return nullptr;
    }
    found = &entry;
  }
  if (found == nullptr && !rule.companion_optional) {
    context_.error(item.pos, item.path, "incomplete; an atom about a " +
                                            std::string(rule.name) + " " + takes);
  }
  return found;
}

const LabeledStep* AtomReader::step(const Entry& entry) {
  const std::optional<std::string> label = read_string(context_, entry.value, "a step label");
  if (!label) return nullptr;
  const auto found = labels_.find(*label);
  if (found == labels_.end()) {
    context_.error(entry.value.pos, entry.value.path,
                   "unknown label '" + *label + "'; the ops' labels are " + known_labels(labels_));
    return nullptr;
  }
  return &found->second;
}

bool AtomReader::read_step_atom(const Entry& subject, const Entry& field, AtomSpec* atom) {
  const LabeledStep* target = step(subject);
  if (target == nullptr) return false;
  atom->label = target->step.label;
  if (field.key == "rc") {
    atom->kind = AtomSpec::Kind::kResult;
    const std::optional<int64_t> rc = read_result_code(context_, field.value);
    atom->rc = rc.value_or(0);
    return rc.has_value();
  }
  atom->kind = AtomSpec::Kind::kValue;
  if (!target->ok) return false;
  const StepKind kind = target->step.kind;
  const bool reads = kind == StepKind::kLookup || kind == StepKind::kLookupAndDelete ||
                     kind == StepKind::kLookupKeepPointer;
  if (!reads || shape_.bloom_filter()) {
    context_.error(field.key_pos, field.value.path,
                   "'" + atom->label + "' reads no value (" +
                       std::string(op_rules(kind).name) +
                       (shape_.bloom_filter() ? " on a bloom_filter" : "") +
                       "); value atoms are about lookup, lookup_and_delete and "
                       "lookup_keep_pointer ops");
    return false;
  }
  const ValueLayout layout = target->step.via == Via::kSyscall ? ValueLayout::kSyscall
                                                                : ValueLayout::kProgram;
  const std::optional<Bytes> value = read_value(context_, field.value, shape_, layout);
  atom->value = value.value_or(Bytes());
  return value.has_value();
}

bool AtomReader::read_walk_atom(const Entry& subject, const Entry& field, AtomSpec* atom) {
  const LabeledStep* target = step(subject);
  if (target == nullptr) return false;
  atom->label = target->step.label;
  atom->kind = field.key == "repeats" ? AtomSpec::Kind::kWalkRepeats
                                      : AtomSpec::Kind::kWalkSkips;
  if (target->ok && !step_kind_is_walk(target->step.kind)) {
    context_.error(subject.value.pos, subject.value.path,
                   "'" + atom->label + "' is a " + std::string(op_rules(target->step.kind).name) +
                       " op; walk atoms are about walk, batch_walk and batch_walk_and_delete "
                       "ops");
    return false;
  }
  const std::optional<bool> flag = read_bool(context_, field.value);
  atom->flag = flag.value_or(true);
  return flag.has_value() && target->ok;
}

bool AtomReader::read_key_atom(const Entry& subject, const Entry& field, AtomSpec* atom) {
  if (shape_.known && shape_.key_size == 0) {
    context_.error(subject.key_pos, subject.value.path,
                   "the map has no keys (key_size 0); a bloom filter's atom is "
                   "{item: V, present: B}");
    return false;
  }
  const std::optional<Bytes> key = read_key(context_, subject.value, shape_);
  atom->key = key.value_or(Bytes());
  if (field.key == "present") {
    atom->kind = AtomSpec::Kind::kFinalPresent;
    const std::optional<bool> flag = read_bool(context_, field.value);
    atom->flag = flag.value_or(true);
    return key && flag;
  }
  atom->kind = AtomSpec::Kind::kFinalValue;
  const std::optional<Bytes> value =
      read_value(context_, field.value, shape_, ValueLayout::kSyscall);
  atom->value = value.value_or(Bytes());
  return key && value;
}

bool AtomReader::read_item_atom(const Entry& subject, const Entry& field, AtomSpec* atom) {
  atom->kind = AtomSpec::Kind::kFinalPresent;
  if (shape_.known && !shape_.bloom_filter()) {
    context_.error(subject.key_pos, subject.value.path,
                   "item atoms are about bloom_filter maps; other maps have keys: "
                   "{key: K, present: B}");
    return false;
  }
  const std::optional<Bytes> value =
      read_value(context_, subject.value, shape_, ValueLayout::kSyscall);
  atom->value = value.value_or(Bytes());
  const std::optional<bool> flag = read_bool(context_, field.value);
  atom->flag = flag.value_or(true);
  return value && flag;
}

bool AtomReader::read_count_atom(const Entry& subject, AtomSpec* atom) {
  atom->kind = AtomSpec::Kind::kFinalCount;
  if (shape_.known && shape_.bloom_filter()) {
    context_.error(subject.key_pos, subject.value.path,
                   "a bloom filter cannot be counted (it has no get_next_key)");
    return false;
  }
  const std::optional<uint64_t> count =
      read_unsigned(context_, subject.value, 0, std::numeric_limits<uint64_t>::max());
  atom->count = count.value_or(0);
  return count.has_value();
}

bool AtomReader::read_path_event(const Entry& subject, const Entry* step_field,
                                 AtomSpec* atom) {
  atom->kind = AtomSpec::Kind::kPathEvent;
  if (step_field != nullptr) {
    const LabeledStep* target = step(*step_field);
    if (target == nullptr) return false;
    atom->label = target->step.label;
  }
  const std::optional<std::string> name =
      read_string(context_, subject.value, "an LRU path event name");
  if (!name) return false;
  if (!path_event_from_name(*name)) {
    context_.error(subject.value.pos, subject.value.path,
                   "unknown path event '" + *name + "'; expected a dotted name such as "
                   "lru.update.eexist (docs/lru-path-events.md)");
    return false;
  }
  if (shape_.known && !shape_.lru()) {
    context_.error(subject.value.pos, subject.value.path,
                   "path events come from lru_hash and lru_percpu_hash maps only");
    return false;
  }
  atom->event = *name;
  return true;
}

std::optional<ExpectationSpec> read_expectation(Context& context, const Value& item,
                                                AtomReader* atoms) {
  const std::optional<std::vector<Entry>> entries =
      read_entries(context, item, kExpectationKeys, "an expectation");
  if (!entries) return std::nullopt;
  ExpectationSpec expectation;
  expectation.pos = item.pos;
  const Entry* kind_entry = nullptr;
  for (const Entry& entry : *entries) {
    if (entry.key == "description") {
      expectation.description =
          read_string(context, entry.value, "a description").value_or("");
      continue;
    }
    if (kind_entry != nullptr) {
      context.error(entry.key_pos, entry.value.path,
                    "one kind per expectation; '" + kind_entry->key + "' and '" + entry.key +
                        "' make two expectations");
      return std::nullopt;
    }
    kind_entry = &entry;
  }
  if (kind_entry == nullptr) {
    context.error(item.pos, item.path, "an expectation needs one of always, never, exists, "
                                       "expected (with its atoms)");
    return std::nullopt;
  }
  using Kind = ExpectationSpec::Kind;
  expectation.kind = kind_entry->key == "always"   ? Kind::kAlways
                     : kind_entry->key == "never"  ? Kind::kNever
                     : kind_entry->key == "exists" ? Kind::kExists
                                                   : Kind::kExpected;
  if (expectation.kind == Kind::kExpected && expectation.description.empty()) {
    context.error(kind_entry->key_pos, item.path + ".description",
                  "missing; an expected outcome needs a description of the kernel behaviour "
                  "it documents");
  }
  std::vector<Value> items;
  if (kind_entry->value.node.IsMap()) {
    items.push_back(make_value(kind_entry->value.node, kind_entry->value.path + "[0]",
                               kind_entry->value.pos));
  } else if (const auto list = read_list(context, kind_entry->value, "a list of atoms")) {
    items = *list;
    if (items.empty()) {
      context.error(kind_entry->value.pos, kind_entry->value.path,
                    "no atoms; expected at least one, such as {step: w, rc: EEXIST}");
    }
  }
  for (const Value& atom_item : items) {
    if (std::optional<AtomSpec> atom = atoms->read(atom_item)) {
      expectation.atoms.push_back(std::move(*atom));
    }
  }
  return expectation;
}

}  // namespace

std::vector<ExpectationSpec> read_expectations(Context& context, const Entry& entry,
                                               const MapShape& shape, const LabelTable& labels) {
  std::vector<ExpectationSpec> expectations;
  const std::optional<std::vector<Value>> items =
      read_list(context, entry.value, "a list of expectations");
  if (!items) return expectations;
  AtomReader atoms(context, shape, labels);
  for (const Value& item : *items) {
    if (std::optional<ExpectationSpec> expectation = read_expectation(context, item, &atoms)) {
      expectations.push_back(std::move(*expectation));
    }
  }
  return expectations;
}

}  // namespace mapsim::scenario::yaml
