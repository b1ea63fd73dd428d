// One line of an op script (spec/op-script.md), parsed into a structured line.
//
// The parser checks everything a line can be checked for on its own: JSON syntax, known
// fields only, field types, hex digits, flag and type names, integer ranges. What needs the
// map or the backend (key and value lengths, the CPU range, which map an op goes to) is the
// runner's job (scenarios/op_runner.h).
//
// Every input problem becomes an InputError whose message starts with the field it is about
// ("value: ...", "flags: unknown flag name 'BPF_F_FOO'", "op: unknown op 'updat'"), so a user
// can fix the line without reading this code.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "impl/map_attr.h"
#include "scenarios/hex.h"
#include "scenarios/op_backend.h"

namespace mapsim {

enum class OpKind {
  kUpdate,
  kLookup,
  kDelete,
  kLookupAndDelete,
  kGetNextKey,
  kDump,
  kInfo,
  // The batch commands (docs/op-script-batch.md).
  kLookupBatch,
  kLookupAndDeleteBatch,
  kUpdateBatch,
  kDeleteBatch,
};

bool is_batch_op(OpKind kind);

// The op's name as scripts spell it: "update", "lookup_and_delete", ...
std::string_view op_kind_name(OpKind kind);

// A blank line, a '#' comment, or {"comment": ...}: not counted, no output.
struct SkippedLine {};

// {"map": {...}}: create a map.
struct MapLine {
  std::optional<std::string> id;  ///< nullopt: the runner numbers it ("0", "1", ... in order)
  int cpu = 0;                    ///< CPU the create runs on (range checked by the runner)
  MapAttr attr;
};

// {"devices": [{"ifindex": 1, "name": "lo"}, ...]}: the network devices of the namespace the
// following operations run in (docs/op-script-batch.md).
struct DevicesLine {
  std::map<uint32_t, std::string> devices;  ///< ifindex (1 .. INT32_MAX) -> name
};

// {"op": ...}: one operation on a map.
struct OpLine {
  OpKind kind = OpKind::kInfo;
  std::optional<std::string> map_id;  ///< nullopt: the most recent map line
  // nullopt: the key was absent or null, and the op passes a NULL key pointer: get_next_key's
  // "first key", and the only key a map without keys (key_size 0, BLOOM_FILTER) takes. The
  // runner refuses a missing key for update, lookup, delete and lookup_and_delete on maps
  // with keys. Absent for dump and info.
  std::optional<Bytes> key;
  // update: the value written. lookup: the input a BLOOM_FILTER lookup (peek) tests
  // (docs/op-script-notes.md); empty otherwise.
  Bytes value;
  uint64_t flags = 0;                 ///< raw element flags (u64; -1 in the script = all ones)
  Via via = Via::kSyscall;
  int cpu = 0;                        ///< range checked by the runner
  // Batch ops only. `flags` above is the batch's flags field.
  std::optional<Bytes> in_batch;      ///< lookup batches; nullopt: NULL (start at the beginning)
  uint32_t count = 0;                 ///< lookups: required; update/delete: default keys.size()
  std::vector<Bytes> keys;            ///< update_batch, delete_batch
  std::vector<Bytes> values;          ///< update_batch (as many as keys)
  uint64_t elem_flags = 0;
};

// A counted line that cannot be run. `op` names what the line was ("map_create", "update"),
// or is empty when that is unknown (not JSON, no or unknown op).
struct InputError {
  std::string op;
  std::string message;
};

using ScriptLine = std::variant<SkippedLine, MapLine, OpLine, InputError, DevicesLine>;

// Parses one line of text (without its newline; a trailing '\r' is ignored).
ScriptLine parse_script_line(std::string_view text);

}  // namespace mapsim
