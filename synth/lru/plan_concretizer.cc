// concretize_plan() (synth/lru/plan_concretizer.h).
#include "synth/lru/plan_concretizer.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "impl/create_map.h"
#include "impl/internal/lru_hash_map_impl.h"
#include "impl/real_platform.h"
#include "impl/uapi.h"
#include "synth/colliding_keys.h"
#include "synth/map_bucket_count.h"

namespace mapsim::synth {
namespace {


using scenario::StepKind;
using scenario::StepSpec;
using LruMap = internal::LruHashMap<RealPlatform>;

constexpr uint32_t kKeySize = 4;
constexpr uint32_t kValueSize = 8;

Bytes u32_bytes(uint32_t value) {
  Bytes bytes(4);
  for (int index = 0; index < 4; ++index) bytes[index] = static_cast<uint8_t>(value >> (8 * index));
  return bytes;
}

// Fresh keys, in the order they are handed out.
class KeySupply {
 public:
  KeySupply(uint32_t n_buckets, bool one_bucket) : n_buckets_(n_buckets), one_bucket_(one_bucket) {}

  // "" or why no key could be found.
  std::string prepare(size_t count) {
    KeyRequest request;
    request.key_size = kKeySize;
    request.n_buckets = n_buckets_;
    request.count = static_cast<uint32_t>(count);
    if (one_bucket_) {
      request.bucket = 0;
      const KeySearchResult found = find_colliding_keys(request);
      if (found.status != KeySearchStatus::kFound) return "colliding keys: " + found.message;
      for (const FoundKey& key : found.keys) keys_.push_back(key.key);
      return "";
    }
    // Spread over the buckets: key i in bucket i mod n_buckets, the smallest such numbers.
    request.bucket = 0;
    for (uint32_t candidate = 1; keys_.size() < count && candidate < (1u << 20); ++candidate) {
      const Bytes key = u32_bytes(candidate);
      const uint32_t wanted = static_cast<uint32_t>(keys_.size()) % n_buckets_;
      if (describe_key(request, key).bucket == wanted) keys_.push_back(key);
    }
    return keys_.size() == count ? "" : "no spread keys found";
  }
  Bytes next() { return keys_.at(used_++); }

 private:
  uint32_t n_buckets_;
  bool one_bucket_;
  std::vector<Bytes> keys_;
  size_t used_ = 0;
};

LruListType list_of(KeyClass key_class) {
  switch (key_class) {
    case KeyClass::kPending: return LruListType::kLocalPending;
    case KeyClass::kActive: return LruListType::kActive;
    default: return LruListType::kInactive;
  }
}

// The key of `op`'s class in the map's current state, or nullopt.
std::optional<Bytes> key_of_class(LruMap& map, const LruPlan& plan, const PlanOp& op,
                                  const std::vector<Bytes>& known) {
  const LruListType list = list_of(op.key_class);
  const bool per_cpu_list = plan.lru == LruKind::kPercpu || list == LruListType::kLocalPending;
  const auto nodes = map.lru().list_nodes(list, per_cpu_list ? op.key_cpu : 0);  // newest first
  std::vector<std::pair<size_t, Bytes>> matching;
  for (const Bytes& key : known) {
    const auto* node = map.node_of_key(key.data());
    if (node == nullptr || node->is_referenced() != op.key_referenced) continue;
    const auto position = std::find(nodes.begin(), nodes.end(), node);
    if (position == nodes.end()) continue;
    matching.emplace_back(static_cast<size_t>(position - nodes.begin()), key);
  }
  if (matching.empty()) return std::nullopt;
  std::sort(matching.begin(), matching.end());
  return op.key_oldest ? matching.back().second : matching.front().second;
}

Bytes value_for(const LruPlan& plan, const Bytes& key, bool program) {
  const size_t copies = plan.percpu_values && !program ? static_cast<size_t>(plan.cpus) : 1;
  Bytes value(kValueSize * copies, 0);
  for (size_t copy = 0; copy < copies; ++copy) {
    for (size_t index = 0; index < 4; ++index) value[copy * kValueSize + index] = key[index];
  }
  return value;
}

StepSpec step_for(const LruPlan& plan, const PlanOp& op, const Bytes& key, bool program) {
  StepSpec step;
  step.key = key;
  step.via = program || op.kind == PlanOpKind::kProgramLookup ? Via::kProgram
                                                              : Via::kSyscall;
  switch (op.kind) {
    case PlanOpKind::kUpdate:
      step.kind = StepKind::kUpdate;
      step.value = value_for(plan, key, step.via == Via::kProgram);
      step.flags = op.flags;
      break;
    case PlanOpKind::kDelete: step.kind = StepKind::kDelete; break;
    case PlanOpKind::kProgramLookup: step.kind = StepKind::kLookup; break;
  }
  return step;
}

// Runs `op` on the replayed map with `key`, on its CPU.
void replay(RealPlatform& platform, LruMap& map, const LruPlan& plan, const PlanOp& op,
            const Bytes& key) {
  RealPlatform::CpuBinding binding(platform, op.cpu);
  const Bytes value = value_for(plan, key, false);
  switch (op.kind) {
    case PlanOpKind::kUpdate: (void)map.update_elem(key.data(), value.data(), op.flags); break;
    case PlanOpKind::kDelete: (void)map.delete_elem(key.data()); break;
    case PlanOpKind::kProgramLookup: (void)map.prog_lookup(key.data()); break;
  }
}

// The interrupt's key, chosen among `known` in the map's current state; nullopt (and why in
// result->failure) when its class is empty.
std::optional<Bytes> irq_key_for(RealPlatform& platform, LruMap& map, const LruPlan& plan,
                                 const Bytes& host_key, const std::vector<Bytes>& known,
                                 KeySupply& supply, ConcretePlan* result) {
  const PlanOp& nested = plan.irq.op;
  if (nested.key_class == KeyClass::kOuterKey) return host_key;
  if (nested.key_class == KeyClass::kFresh) return supply.next();
  RealPlatform::CpuBinding binding(platform, nested.cpu);
  std::optional<Bytes> key = key_of_class(map, plan, nested, known);
  if (!key) result->failure = "interrupt (" + nested.describe() + "): no key of that class";
  return key;
}

}  // namespace

ConcretePlan concretize_plan(const LruPlan& plan, PathEvent target) {
  ConcretePlan result;
  scenario::ScenarioSpec& spec = result.spec;
  spec.possible_cpus = plan.cpus;
  spec.map.map_type = plan.percpu_values ? bpf::kMapLruPercpuHash : bpf::kMapLruHash;
  spec.map.key_size = kKeySize;
  spec.map.value_size = kValueSize;
  spec.map.max_entries = plan.max_entries;
  spec.map.map_flags = bpf::kFZeroSeed | (plan.lru == LruKind::kPercpu ? bpf::kFNoCommonLru : 0);

  uint32_t n_buckets = 0;
  std::string error;
  if (htab_bucket_count(spec.map.map_type, spec.map.max_entries, spec.map.map_flags, plan.cpus,
                        &n_buckets, &error) != 0) {
    result.failure = "map: " + error;
    return result;
  }
  size_t fresh = 0;
  for (const PlanOp& op : plan.ops) fresh += op.key_class == KeyClass::kFresh ? 1 : 0;
  if (plan.irq.present && plan.irq.op.key_class == KeyClass::kFresh) ++fresh;
  KeySupply supply(n_buckets, plan.one_bucket);
  if (fresh > 0) {
    result.failure = supply.prepare(fresh);
    if (!result.failure.empty()) return result;
  }

  // Replay on the real map to name the keys.
  RealPlatform platform(plan.cpus);
  std::unique_ptr<Map> created;
  {
    RealPlatform::CpuBinding binding(platform, 0);
    if (create_map(platform, spec.map, &created) != 0) {
      result.failure = "the map cannot be created";
      return result;
    }
  }
  auto* map = dynamic_cast<LruMap*>(created.get());
  MAPSIM_ASSERT(map != nullptr, "an LRU map type makes an LruHashMap");
  std::vector<Bytes> known;
  std::vector<Bytes> keys;
  std::optional<Bytes> irq_key;
  for (size_t index = 0; index < plan.ops.size(); ++index) {
    const PlanOp& op = plan.ops[index];
    std::optional<Bytes> key;
    if (op.key_class == KeyClass::kFresh) {
      key = supply.next();
      known.push_back(*key);
    } else {
      RealPlatform::CpuBinding binding(platform, op.cpu);
      key = key_of_class(*map, plan, op, known);
    }
    if (!key) {
      result.failure = "operation " + std::to_string(index) + " (" + op.describe() +
                       "): no key of that class in the replayed map";
      return result;
    }
    const bool hosts = plan.irq.present && plan.irq.host == static_cast<int>(index);
    // An interrupt inside the pop sees the state before the operation; one after the pop sees
    // the lists as the pop left them, which the state after the whole operation approximates
    // (the operation's own key aside).
    const bool after_pop = static_cast<int>(plan.irq.phase) >= static_cast<int>(IrqPhase::kAfterPop);
    if (hosts && !after_pop) irq_key = irq_key_for(platform, *map, plan, *key, known, supply, &result);
    keys.push_back(*key);
    replay(platform, *map, plan, op, *key);
    if (hosts && after_pop) {
      std::vector<Bytes> others;
      for (const Bytes& other : known) {
        if (other != *key) others.push_back(other);
      }
      irq_key = irq_key_for(platform, *map, plan, *key, others, supply, &result);
    }
    if (hosts && !irq_key) return result;
  }

  // Setup: CPU 0's leading operations, up to (not including) the first that runs elsewhere, is
  // interrupted, or is where the target is expected.
  size_t setup_end = 0;
  while (setup_end < plan.ops.size() && plan.ops[setup_end].cpu == 0 &&
         static_cast<int>(setup_end) != plan.target_step &&
         !(plan.irq.present && plan.irq.host == static_cast<int>(setup_end))) {
    ++setup_end;
  }
  for (size_t index = 0; index < plan.ops.size(); ++index) {
    const PlanOp& op = plan.ops[index];
    StepSpec step = step_for(plan, op, keys[index], false);
    if (index < setup_end) {
      spec.setup.push_back(step);
      continue;
    }
    auto program = std::find_if(spec.cpus.begin(), spec.cpus.end(),
                                [&](const scenario::CpuProgramSpec& cpu) { return cpu.cpu == op.cpu; });
    if (program == spec.cpus.end()) {
      spec.cpus.push_back(scenario::CpuProgramSpec{});
      spec.cpus.back().cpu = op.cpu;
      program = spec.cpus.end() - 1;
    }
    program->steps.push_back(step);
  }
  std::sort(spec.cpus.begin(), spec.cpus.end(),
            [](const auto& left, const auto& right) { return left.cpu < right.cpu; });
  if (plan.irq.present) {
    scenario::InterruptSpec interrupt;
    interrupt.cpu = plan.ops[plan.irq.host].cpu;
    interrupt.steps.push_back(step_for(plan, plan.irq.op, *irq_key, true));
    spec.interrupts.push_back(interrupt);
  }
  spec.explore.strategy = "dpor";
  scenario::ExpectationSpec expectation;
  expectation.kind = scenario::ExpectationSpec::Kind::kExists;
  expectation.description = std::string("an update path reaches ") + path_event_name(target);
  scenario::AtomSpec atom;
  atom.kind = scenario::AtomSpec::Kind::kPathEvent;
  atom.event = path_event_name(target);
  expectation.atoms.push_back(atom);
  spec.expectations.push_back(expectation);
  return result;
}

}  // namespace mapsim::synth
