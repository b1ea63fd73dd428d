// Keys, values and result codes of steps and atoms, sized by the map's shape.
//
// Per-CPU values through the syscall are the whole buffer the kernel exchanges: possible_cpus
// slots of round_up(value_size, 8) bytes, CPU 0 first, each slot's padding zero. They are
// written as one scalar (that value on every CPU), a list (one scalar per CPU), or 0x and the
// whole buffer's hex (padding included; the only way to write non-zero padding).
#include "scenarios/bpf_names.h"
#include "scenarios/yaml/bytes_text.h"
#include "scenarios/yaml/sections.h"

namespace mapsim::scenario::yaml {
namespace {

constexpr int64_t kErrnoMax = 4095;  // MAX_ERRNO
constexpr size_t kAddendBytes = 8;

std::optional<Bytes> read_scalar_bytes(Context& context, const Value& value, size_t size,
                                       std::string_view note) {
  if (!value.node.IsScalar()) {
    context.error(value.pos, value.path,
                  "expected an integer or 0x followed by " + std::to_string(2 * size) +
                      " hex digits, got " + describe(value.node));
    return std::nullopt;
  }
  std::string error;
  std::optional<Bytes> bytes = bytes_from_scalar(value.node.Scalar(), value.plain, size, &error);
  if (!bytes) context.error(value.pos, value.path, error + std::string(note));
  return bytes;
}

Bytes percpu_buffer(const MapShape& shape, const std::vector<Bytes>& slots) {
  const size_t slot_size = shape.syscall_value_size() / static_cast<size_t>(shape.possible_cpus);
  Bytes buffer(shape.syscall_value_size(), 0);
  for (size_t cpu = 0; cpu < slots.size(); ++cpu) {
    std::copy(slots[cpu].begin(), slots[cpu].end(), buffer.begin() + cpu * slot_size);
  }
  return buffer;
}

std::optional<Bytes> read_percpu_list(Context& context, const Value& value,
                                      const MapShape& shape) {
  const std::vector<Value> items = *read_list(context, value, "a list");
  if (items.size() != static_cast<size_t>(shape.possible_cpus)) {
    context.error(value.pos, value.path,
                  "expected one value per possible CPU (" + std::to_string(shape.possible_cpus) +
                      "), got " + std::to_string(items.size()));
    return std::nullopt;
  }
  std::vector<Bytes> slots;
  for (const Value& item : items) {
    std::optional<Bytes> slot = read_scalar_bytes(context, item, shape.value_size, "");
    if (!slot) return std::nullopt;
    slots.push_back(std::move(*slot));
  }
  return percpu_buffer(shape, slots);
}

std::optional<Bytes> read_percpu_value(Context& context, const Value& value,
                                       const MapShape& shape) {
  if (value.node.IsSequence()) return read_percpu_list(context, value, shape);
  const size_t buffer_size = shape.syscall_value_size();
  if (value.node.IsScalar() && value.node.Scalar().substr(0, 2) == "0x" &&
      value.node.Scalar().size() == 2 + 2 * buffer_size) {
    return read_scalar_bytes(context, value, buffer_size, "");
  }
  const std::string note = "; or a list of " + std::to_string(shape.possible_cpus) +
                           " values (one per CPU), or the whole per-CPU buffer as 0x and " +
                           std::to_string(2 * buffer_size) + " hex digits";
  std::optional<Bytes> slot = read_scalar_bytes(context, value, shape.value_size, note);
  if (!slot) return std::nullopt;
  return percpu_buffer(shape, std::vector<Bytes>(static_cast<size_t>(shape.possible_cpus), *slot));
}

}  // namespace

std::optional<Bytes> read_key(Context& context, const Value& value, const MapShape& shape) {
  if (!shape.known) return Bytes();
  return read_scalar_bytes(context, value, shape.key_size, "");
}

std::optional<Bytes> read_value(Context& context, const Value& value, const MapShape& shape,
                                ValueLayout layout) {
  if (layout == ValueLayout::kAddend) return read_scalar_bytes(context, value, kAddendBytes, "");
  if (!shape.known) return Bytes();
  if (layout == ValueLayout::kSyscall && shape.percpu()) {
    return read_percpu_value(context, value, shape);
  }
  if (value.node.IsSequence()) {
    const std::string why = shape.percpu()
                                ? "a program reads and writes only its own CPU's value"
                                : "the map is not per-CPU";
    context.error(value.pos, value.path,
                  "expected one value (" + why + "), got a list");
    return std::nullopt;
  }
  return read_scalar_bytes(context, value, shape.value_size, "");
}

std::optional<int64_t> read_result_code(Context& context, const Value& value) {
  if (value.node.IsScalar() && value.plain) {
    const std::string& text = value.node.Scalar();
    const bool negative = !text.empty() && text[0] == '-';
    const std::string_view body = std::string_view(text).substr(negative ? 1 : 0);
    if (const std::optional<int> number = errno_from_name(body)) return -int64_t{*number};
    const std::optional<uint64_t> magnitude = parse_decimal(body);
    if (magnitude && (*magnitude == 0 || negative) &&
        *magnitude <= static_cast<uint64_t>(kErrnoMax)) {
      return -static_cast<int64_t>(*magnitude);
    }
  }
  context.error(value.pos, value.path,
                "expected a result: 0, a negative errno (-2) or an errno name (ENOENT, EEXIST, "
                "E2BIG, ENOMEM, EDEADLK, ...), got " + describe(value.node));
  return std::nullopt;
}

}  // namespace mapsim::scenario::yaml
