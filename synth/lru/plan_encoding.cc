// PlanEncoding (synth/lru/plan_encoding.h): the unrolled formula and its models.
#include "synth/lru/plan_encoding.h"

#include <string>

#include "impl/assert.h"

namespace mapsim::synth {
namespace {

int int_value(const z3::model& model, const z3::expr& term) {
  return model.eval(term, true).get_numeral_int();
}

bool bool_value(const z3::model& model, const z3::expr& term) {
  return model.eval(term, true).is_true();
}

}  // namespace

PlanEncoding::PlanEncoding(z3::context& context, const EncodingOptions& options,
                           PathEvent target)
    : context_(context),
      options_(options),
      max_entries_(small_const(context, "max_entries")),
      percpu_values_(context.bool_const("percpu_values")),
      one_bucket_(context.bool_const("one_bucket")),
      irq_present_(context.bool_const("irq")),
      irq_host_(small_const(context, "irq_host")),
      irq_phase_(small_const(context, "irq_phase")),
      irq_op_(context) {
  MAPSIM_ASSERT(options.cpus >= 1 && options.steps >= 1, "a bound of at least one operation");
  for (int step = 0; step < options.steps; ++step) ops_.push_back(fresh_op("op", step));
  irq_op_ = fresh_op("irq_op", 0);
  encode(target);
}

SymOp PlanEncoding::fresh_op(const char* prefix, int index) {
  const std::string name = std::string(prefix) + std::to_string(index) + ".";
  SymOp op(context_);
  op.cpu = small_const(context_, (name + "cpu").c_str());
  op.kind = small_const(context_, (name + "kind").c_str());
  op.key_class = small_const(context_, (name + "class").c_str());
  op.key_cpu = small_const(context_, (name + "key_cpu").c_str());
  op.key_referenced = context_.bool_const((name + "referenced").c_str());
  op.key_oldest = context_.bool_const((name + "oldest").c_str());
  op.flags = small_const(context_, (name + "flags").c_str());
  return op;
}

void PlanEncoding::encode(PathEvent target) {
  const int cpus = options_.cpus;
  // The map.
  if (options_.lru == LruKind::kCommon) {
    constraints_.push_back(max_entries_ >= 1 &&
                           max_entries_ <= static_cast<int>(options_.max_entries_max));
  } else {
    const z3::expr per_cpu = small_const(context_, "nodes_per_cpu");
    constraints_.push_back(per_cpu >= 1 && per_cpu <= 4 && max_entries_ == per_cpu * cpus);
  }
  const LruModel model(context_, options_.lru, cpus, max_entries_, percpu_values_, one_bucket_);
  // The interrupt: where it may fire, and the canonical form of an absent one.
  const bool common = options_.lru == LruKind::kCommon;
  (void)common;
  const z3::expr phase_ok = irq_phase_ == static_cast<int>(options_.irq_phase);
  const z3::expr absent_irq = irq_host_ == 0 &&
                              irq_phase_ == static_cast<int>(IrqPhase::kAfterPop) &&
                              irq_op_.cpu == 0 && irq_op_.kind == 0 && irq_op_.key_class == 0 &&
                              irq_op_.key_cpu == 0 && !irq_op_.key_referenced &&
                              !irq_op_.key_oldest && irq_op_.flags == 0;
  if (!options_.allow_interrupt) constraints_.push_back(!irq_present_);
  constraints_.push_back(z3::implies(!irq_present_, absent_irq));
  constraints_.push_back(z3::implies(
      irq_present_, phase_ok && irq_host_ >= 0 && irq_host_ < options_.steps));

  SymState state = model.initial_state();
  z3::expr irq_fires = context_.bool_val(false);
  z3::expr target_anywhere = context_.bool_val(false);
  const HeldLocks nothing(context_);
  for (int step = 0; step < options_.steps; ++step) {
    const SymOp& op = ops_[step];
    constraints_.push_back(model.precondition(state, op, nullptr));
    const z3::expr hosts = irq_present_ && irq_host_ == step;
    constraints_.push_back(z3::implies(hosts, irq_op_.cpu == op.cpu));
    constraints_.push_back(z3::implies(
        hosts, op.kind != static_cast<int>(PlanOpKind::kProgramLookup)));
    EventConditions events;
    IrqHook hook = [&](SymState& s, const z3::expr& guard, IrqPhase phase,
                       const HeldLocks& held) -> z3::expr {
      if (!options_.allow_interrupt || phase != options_.irq_phase) return context_.bool_val(false);
      const z3::expr here = guard && hosts;
      irq_fires = irq_fires || here;
      constraints_.push_back(z3::implies(here, model.precondition(s, irq_op_, &op)));
      const z3::expr refilled = model.apply(s, irq_op_, here, held, nullptr, &op, events);
      return here && refilled;
    };
    model.apply(state, op, context_.bool_val(true), nothing, &hook, nullptr, events);
    const auto fired = events.find(target);
    target_at_.push_back(fired == events.end() ? context_.bool_val(false) : fired->second);
    target_anywhere = target_anywhere || target_at_.back();
    // A fresh name for every count keeps the terms of later steps small.
    int field_index = 0;
    for (z3::expr* field : state.fields()) {
      const std::string name =
          "s" + std::to_string(step) + "." + std::to_string(field_index++);
      const z3::expr fresh = small_const(context_, name.c_str());
      constraints_.push_back(fresh == field->simplify());
      constraints_.push_back(fresh >= 0);
      *field = fresh;
    }
  }
  constraints_.push_back(z3::implies(irq_present_, irq_fires));
  constraints_.push_back(target_anywhere);
}

PlanOp PlanEncoding::decode_op(const z3::model& model, const SymOp& op) const {
  PlanOp value;
  value.cpu = int_value(model, op.cpu);
  value.kind = static_cast<PlanOpKind>(int_value(model, op.kind));
  value.key_class = static_cast<KeyClass>(int_value(model, op.key_class));
  value.key_cpu = int_value(model, op.key_cpu);
  value.key_referenced = bool_value(model, op.key_referenced);
  value.key_oldest = bool_value(model, op.key_oldest);
  value.flags = static_cast<uint64_t>(int_value(model, op.flags));
  return value;
}

LruPlan PlanEncoding::decode(const z3::model& model) const {
  LruPlan plan;
  plan.lru = options_.lru;
  plan.cpus = options_.cpus;
  plan.max_entries = static_cast<uint32_t>(int_value(model, max_entries_));
  plan.percpu_values = bool_value(model, percpu_values_);
  plan.one_bucket = bool_value(model, one_bucket_);
  for (const SymOp& op : ops_) plan.ops.push_back(decode_op(model, op));
  plan.irq.present = bool_value(model, irq_present_);
  plan.irq.host = int_value(model, irq_host_);
  plan.irq.phase = static_cast<IrqPhase>(int_value(model, irq_phase_));
  plan.irq.op = decode_op(model, irq_op_);
  for (size_t step = 0; step < target_at_.size(); ++step) {
    if (bool_value(model, target_at_[step])) {
      plan.target_step = static_cast<int>(step);
      break;
    }
  }
  return plan;
}

z3::expr PlanEncoding::op_equals(const SymOp& op, const PlanOp& value) const {
  return op.cpu == value.cpu && op.kind == static_cast<int>(value.kind) &&
         op.key_class == static_cast<int>(value.key_class) && op.key_cpu == value.key_cpu &&
         op.key_referenced == context_.bool_val(value.key_referenced) &&
         op.key_oldest == context_.bool_val(value.key_oldest) &&
         op.flags == static_cast<int>(value.flags);
}

z3::expr PlanEncoding::blocking(const LruPlan& plan) const {
  z3::expr same = max_entries_ == static_cast<int>(plan.max_entries) &&
                  percpu_values_ == context_.bool_val(plan.percpu_values) &&
                  one_bucket_ == context_.bool_val(plan.one_bucket) &&
                  irq_present_ == context_.bool_val(plan.irq.present) &&
                  irq_host_ == plan.irq.host &&
                  irq_phase_ == static_cast<int>(plan.irq.phase) &&
                  op_equals(irq_op_, plan.irq.op);
  for (size_t step = 0; step < ops_.size(); ++step) same = same && op_equals(ops_[step], plan.ops[step]);
  return !same;
}

}  // namespace mapsim::synth
