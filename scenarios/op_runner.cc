// Runs op scripts (see op_runner.h). One OpScriptRunner per script: it owns the maps the
// script creates and remembers which one is the most recent.
#include "scenarios/op_runner.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <exception>
#include <istream>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "impl/assert.h"
#include "impl/map_batch.h"
#include "impl/uapi.h"
#include "scenarios/bpf_names.h"
#include "scenarios/hex.h"
#include "scenarios/map_dump.h"
#include "scenarios/op_script.h"

namespace mapsim {
namespace {

using nlohmann::ordered_json;

// One map line of the script. `map` is null when the line did not produce a map; then
// `why_unusable` says why, for the ops that are sent to it.
struct MapSlot {
  std::unique_ptr<BackendMap> map;
  std::string why_unusable;
};

ordered_json info_json(const MapInfo& info) {
  ordered_json json;
  json["type"] = info.map_type;
  json["key_size"] = info.key_size;
  json["value_size"] = info.value_size;
  json["max_entries"] = info.max_entries;
  json["map_flags"] = info.map_flags;
  // Only bloom filters (and arenas) carry map_extra; printing it only when set keeps the
  // common lines exactly as in the spec.
  if (info.map_extra != 0) json["map_extra"] = info.map_extra;
  return json;
}

// "key: expected 4 bytes (8 hex digits), got 6 hex digits", or "" when the length is right.
std::string length_problem(const char* field, size_t expected_bytes, size_t got_bytes) {
  if (expected_bytes == got_bytes) return "";
  return std::string(field) + ": expected " + std::to_string(expected_bytes) + " bytes (" +
         std::to_string(2 * expected_bytes) + " hex digits), got " +
         std::to_string(2 * got_bytes) + " hex digits";
}

// A batch op's out_batch buffer starts filled with this byte, so an unwritten token shows: no
// token of the types in scope is all 0xff (bucket indexes stay below 2^28, array indexes below
// max_entries, LPM prefix lengths below 2^31).
constexpr unsigned char kUnwrittenByte = 0xff;

BatchOp batch_op_of(OpKind kind) {
  switch (kind) {
    case OpKind::kLookupAndDeleteBatch: return BatchOp::kLookupAndDelete;
    case OpKind::kUpdateBatch: return BatchOp::kUpdate;
    case OpKind::kDeleteBatch: return BatchOp::kDelete;
    default: return BatchOp::kLookup;
  }
}

BatchRequest batch_request(const OpLine& line) {
  BatchRequest request;
  request.op = batch_op_of(line.kind);
  request.in_batch = line.in_batch;
  request.count = line.count;
  request.elem_flags = line.elem_flags;
  request.flags = line.flags;
  return request;
}

// The caller's memory for a batch op. Lookups get room for min(count, max_entries) entries:
// a map never holds more, so no batch can return more.
BatchBuffers batch_buffers(const OpLine& line, const BackendMap& map) {
  const MapInfo& info = map.info();
  BatchBuffers buffers;
  buffers.count = line.count;
  buffers.out_batch.assign(batch_token_size(info.map_type, info.key_size), kUnwrittenByte);
  if (line.kind == OpKind::kLookupBatch || line.kind == OpKind::kLookupAndDeleteBatch) {
    const size_t entries = std::min<size_t>(line.count, info.max_entries);
    buffers.keys.assign(entries * info.key_size, 0);
    buffers.values.assign(entries * map.syscall_value_size(), 0);
    return buffers;
  }
  for (uint32_t index = 0; index < line.count; ++index) {
    buffers.keys.insert(buffers.keys.end(), line.keys[index].begin(), line.keys[index].end());
    if (index < line.values.size()) {
      buffers.values.insert(buffers.values.end(), line.values[index].begin(),
                            line.values[index].end());
    }
  }
  return buffers;
}

// The first `count` entries of `bytes`, each `entry_size` bytes, as hex strings.
ordered_json batch_entries(const Bytes& bytes, size_t entry_size, uint32_t count) {
  ordered_json entries = ordered_json::array();
  const size_t available = entry_size == 0 ? 0 : bytes.size() / entry_size;
  for (size_t index = 0; index < count && index < available; ++index) {
    const auto begin = bytes.begin() + static_cast<std::ptrdiff_t>(index * entry_size);
    const auto end = begin + static_cast<std::ptrdiff_t>(entry_size);
    entries.push_back(hex_from_bytes(Bytes(begin, end)));
  }
  return entries;
}

// The ops whose key is required on maps that have keys (get_next_key's may be null).
bool takes_key(OpKind kind) {
  return kind == OpKind::kUpdate || kind == OpKind::kLookup || kind == OpKind::kDelete ||
         kind == OpKind::kLookupAndDelete;
}

class OpScriptRunner {
 public:
  OpScriptRunner(OpBackend& backend, std::ostream& out) : backend_(backend), out_(out) {}

  void run_line(std::string_view text);
  bool saw_error() const { return saw_error_; }

 private:
  void run_map_line(const MapLine& line);
  void create_map(const MapLine& line, const std::string& id, MapSlot* slot);
  void fail_create(const std::string& id, const std::string& why, const std::string& message,
                   MapSlot* slot);
  void run_op_line(const OpLine& line);
  BackendMap* find_target(const OpLine& line, std::string* why);
  std::string check_against_map(const OpLine& line, const BackendMap& map) const;
  std::string check_cpu(int cpu) const;
  void execute(const OpLine& line, BackendMap& map, ordered_json* result);
  void execute_dump(const OpLine& line, BackendMap& map, ordered_json* result);
  void execute_batch(const OpLine& line, BackendMap& map, ordered_json* result);
  void run_devices_line(const DevicesLine& line);
  MapSlot* add_unusable_slot(const std::string& why);
  std::string backend_failure(const std::exception& failure) const;
  void emit_error(const std::string& op, const std::string& message);
  void emit(const ordered_json& result) const;
  ordered_json start_line(std::string_view op) const;

  OpBackend& backend_;
  std::ostream& out_;
  uint64_t index_ = 0;      // "i" of the line being run: counted lines before it
  uint64_t map_lines_ = 0;  // map lines before this one, valid or not: the default id
  bool saw_error_ = false;
  std::vector<std::unique_ptr<MapSlot>> slots_;
  std::map<std::string, MapSlot*> slots_by_id_;
  MapSlot* current_ = nullptr;  // the most recent map line's slot
};

void OpScriptRunner::run_line(std::string_view text) {
  ScriptLine line = parse_script_line(text);
  if (std::holds_alternative<SkippedLine>(line)) return;
  if (const auto* map_line = std::get_if<MapLine>(&line)) {
    run_map_line(*map_line);
  } else if (const auto* op_line = std::get_if<OpLine>(&line)) {
    run_op_line(*op_line);
  } else if (const auto* devices_line = std::get_if<DevicesLine>(&line)) {
    run_devices_line(*devices_line);
  } else {
    const auto& error = std::get<InputError>(line);
    if (error.op == "map_create") {
      // An invalid map line still becomes the most recent map: the ops after it were meant for
      // it, and must not silently go to an older map.
      current_ = add_unusable_slot("the most recent map line (i=" + std::to_string(index_) +
                                   ") is invalid: " + error.message);
      ++map_lines_;
    }
    emit_error(error.op, error.message);
  }
  ++index_;
}

void OpScriptRunner::run_map_line(const MapLine& line) {
  const std::string id = line.id.value_or(std::to_string(map_lines_));
  ++map_lines_;
  std::string problem = check_cpu(line.cpu);
  if (problem.empty() && slots_by_id_.count(id) != 0) {
    problem = "id: map id '" + id + "' is already taken by an earlier map line";
  }
  if (!problem.empty()) {
    current_ = add_unusable_slot("the most recent map line (i=" + std::to_string(index_) +
                                 ") is invalid: " + problem);
    emit_error("map_create", problem);
    return;
  }
  auto slot = std::make_unique<MapSlot>();
  create_map(line, id, slot.get());
  current_ = slot.get();
  slots_by_id_[id] = slot.get();
  slots_.push_back(std::move(slot));
}

void OpScriptRunner::create_map(const MapLine& line, const std::string& id, MapSlot* slot) {
  int rc = 0;
  try {
    rc = backend_.create_map(line.cpu, line.attr, &slot->map);
  } catch (const std::exception& failure) {
    fail_create(id, failure.what(), backend_failure(failure), slot);
    return;
  }
  if (rc == bpf::kENOSYS) {
    const std::string not_modelled = "the " + backend_.name() +
                                     " backend does not model map type " +
                                     describe_map_type(line.attr.map_type);
    fail_create(id, not_modelled, "type: " + not_modelled, slot);
    return;
  }
  ordered_json result = start_line("map_create");
  result["id"] = id;
  result["rc"] = rc;
  if (rc == 0) {
    MAPSIM_ASSERT(slot->map != nullptr, "a successful create hands over the map");
    result["info"] = info_json(slot->map->info());
  } else {
    slot->map.reset();
    slot->why_unusable =
        "map '" + id + "' was not created (map_create returned " + std::to_string(rc) + ")";
  }
  emit(result);
}

// A map line that gave neither a map nor a kernel verdict: an error line that names the map.
void OpScriptRunner::fail_create(const std::string& id, const std::string& why,
                                 const std::string& message, MapSlot* slot) {
  slot->map.reset();
  slot->why_unusable = "map '" + id + "' was not created: " + why;
  ordered_json result = start_line("map_create");
  result["id"] = id;
  result["error"] = message;
  saw_error_ = true;
  emit(result);
}

void OpScriptRunner::run_op_line(const OpLine& line) {
  const std::string op(op_kind_name(line.kind));
  std::string problem;
  BackendMap* map = find_target(line, &problem);
  if (map != nullptr) problem = check_cpu(line.cpu);
  if (map != nullptr && problem.empty()) problem = check_against_map(line, *map);
  if (!problem.empty()) {
    emit_error(op, problem);
    return;
  }
  ordered_json result = start_line(op);
  try {
    execute(line, *map, &result);
  } catch (const std::exception& failure) {
    emit_error(op, backend_failure(failure));
    return;
  }
  emit(result);
}

BackendMap* OpScriptRunner::find_target(const OpLine& line, std::string* why) {
  const MapSlot* slot = current_;
  if (line.map_id) {
    const auto found = slots_by_id_.find(*line.map_id);
    if (found == slots_by_id_.end()) {
      *why = "map: no map line has id '" + *line.map_id + "'";
      return nullptr;
    }
    slot = found->second;
  } else if (slot == nullptr) {
    *why = "map: no map yet; an op needs a map line before it";
    return nullptr;
  }
  if (slot->map == nullptr) *why = "map: " + slot->why_unusable;
  return slot->map.get();
}

std::string OpScriptRunner::check_cpu(int cpu) const {
  if (cpu < backend_.possible_cpus()) return "";
  return "cpu: " + std::to_string(cpu) + " is not a possible CPU; the " + backend_.name() +
         " backend has " + std::to_string(backend_.possible_cpus()) + " (0-" +
         std::to_string(backend_.possible_cpus() - 1) + ")";
}

// The lengths of a batch op's in_batch, keys and values.
std::string check_batch_against_map(const OpLine& line, const BackendMap& map) {
  const MapInfo& info = map.info();
  if (line.in_batch) {
    std::string problem = length_problem(
        "in_batch", batch_token_size(info.map_type, info.key_size), line.in_batch->size());
    if (!problem.empty()) return problem;
  }
  for (size_t index = 0; index < line.keys.size(); ++index) {
    const std::string field = "keys[" + std::to_string(index) + "]";
    std::string problem = length_problem(field.c_str(), info.key_size, line.keys[index].size());
    if (!problem.empty()) return problem;
  }
  for (size_t index = 0; index < line.values.size(); ++index) {
    const std::string field = "values[" + std::to_string(index) + "]";
    std::string problem =
        length_problem(field.c_str(), map.syscall_value_size(), line.values[index].size());
    if (!problem.empty()) return problem;
  }
  return "";
}

std::string OpScriptRunner::check_against_map(const OpLine& line, const BackendMap& map) const {
  if (is_batch_op(line.kind)) return check_batch_against_map(line, map);
  const bool bloom = map.info().map_type == bpf::kMapBloomFilter;
  if (line.key) {
    std::string problem = length_problem("key", map.info().key_size, line.key->size());
    if (!problem.empty()) return problem;
  } else if (takes_key(line.kind) && map.info().key_size != 0) {
    return "key: missing; " + std::string(op_kind_name(line.kind)) + " needs a key (" +
           std::to_string(map.info().key_size) + " bytes; only maps with key_size 0 take none)";
  }
  if (bloom && line.via == Via::kProgram) {
    // The verifier refuses bpf_map_lookup_elem / update_elem / delete_elem on a bloom filter;
    // programs use bpf_map_peek_elem / push_elem, which are the syscall's lookup and update.
    return "via: programs cannot run " + std::string(op_kind_name(line.kind)) +
           " on a bloom_filter map (the verifier refuses the helper); use via \"syscall\"";
  }
  if (line.kind == OpKind::kLookup) {
    if (!bloom && !line.value.empty()) {
      return "value: only a lookup on a bloom_filter map takes a value (the item it tests)";
    }
    if (bloom) return length_problem("value", map.syscall_value_size(), line.value.size());
    return "";
  }
  if (line.kind != OpKind::kUpdate) return "";
  // A program hands the helper one CPU's value; the syscall passes every CPU's slot.
  const size_t value_bytes =
      line.via == Via::kProgram ? map.info().value_size : map.syscall_value_size();
  return length_problem("value", value_bytes, line.value.size());
}

void OpScriptRunner::execute(const OpLine& line, BackendMap& map, ordered_json* result) {
  // No key (absent or null): backends pass a NULL key pointer for an empty key.
  const Bytes key = line.key.value_or(Bytes());
  Bytes output;
  int rc = 0;
  switch (line.kind) {
    case OpKind::kUpdate:
      (*result)["rc"] = map.update(line.via, line.cpu, key, line.value, line.flags);
      return;
    case OpKind::kDelete:
      (*result)["rc"] = map.remove(line.via, line.cpu, key);
      return;
    case OpKind::kLookup:
      output = line.value;  // a bloom filter's lookup reads the item to test from the buffer
      rc = map.lookup(line.via, line.cpu, key, line.flags, &output);
      // ... and writes nothing back: its answer is rc alone.
      if (map.info().map_type == bpf::kMapBloomFilter) {
        (*result)["rc"] = rc;
        return;
      }
      break;
    case OpKind::kLookupAndDelete:
      rc = map.lookup_and_delete(line.cpu, key, line.flags, &output);
      break;
    case OpKind::kGetNextKey:
      rc = map.get_next_key(line.cpu, line.key, &output);
      (*result)["rc"] = rc;
      if (rc == 0) (*result)["next_key"] = hex_from_bytes(output);
      return;
    case OpKind::kDump:
      execute_dump(line, map, result);
      return;
    case OpKind::kInfo:
      (*result)["rc"] = 0;
      (*result)["info"] = info_json(map.info());
      return;
    case OpKind::kLookupBatch:
    case OpKind::kLookupAndDeleteBatch:
    case OpKind::kUpdateBatch:
    case OpKind::kDeleteBatch:
      execute_batch(line, map, result);
      return;
  }
  (*result)["rc"] = rc;
  if (rc == 0) (*result)["value"] = hex_from_bytes(output);
}

void OpScriptRunner::execute_dump(const OpLine& line, BackendMap& map, ordered_json* result) {
  const DumpResult dump = dump_map(map, line.cpu, dump_key_limit(map.info().max_entries));
  ordered_json entries = ordered_json::array();
  for (const DumpEntry& entry : dump.entries) {
    ordered_json item;
    item["key"] = hex_from_bytes(entry.key);
    if (entry.rc == 0) item["value"] = hex_from_bytes(entry.value);
    else item["rc"] = entry.rc;
    entries.push_back(std::move(item));
  }
  (*result)["rc"] = dump.rc;
  (*result)["count"] = dump.entries.size();
  (*result)["entries"] = std::move(entries);
}

void OpScriptRunner::execute_batch(const OpLine& line, BackendMap& map, ordered_json* result) {
  const BatchRequest request = batch_request(line);
  BatchBuffers buffers = batch_buffers(line, map);
  const int rc = map.batch(line.cpu, request, &buffers);
  (*result)["rc"] = rc;
  (*result)["count"] = buffers.count;
  if (request.op != BatchOp::kLookup && request.op != BatchOp::kLookupAndDelete) return;
  const bool written = buffers.out_batch != Bytes(buffers.out_batch.size(), kUnwrittenByte);
  (*result)["out_batch"] =
      written ? ordered_json(hex_from_bytes(buffers.out_batch)) : ordered_json(nullptr);
  // Entries are reported with the two results that return them (0, and ENOENT at the end).
  if (rc != 0 && rc != bpf::kENOENT) return;
  (*result)["keys"] = batch_entries(buffers.keys, map.info().key_size, buffers.count);
  (*result)["values"] = batch_entries(buffers.values, map.syscall_value_size(), buffers.count);
}

void OpScriptRunner::run_devices_line(const DevicesLine& line) {
  try {
    backend_.declare_devices(line.devices);
  } catch (const std::exception& failure) {
    emit_error("devices", backend_failure(failure));
    return;
  }
  ordered_json result = start_line("devices");
  result["rc"] = 0;
  result["count"] = line.devices.size();
  emit(result);
}

MapSlot* OpScriptRunner::add_unusable_slot(const std::string& why) {
  auto slot = std::make_unique<MapSlot>();
  slot->why_unusable = why;
  slots_.push_back(std::move(slot));
  return slots_.back().get();
}

ordered_json OpScriptRunner::start_line(std::string_view op) const {
  ordered_json result;
  result["i"] = index_;
  if (!op.empty()) result["op"] = op;
  return result;
}

// The kernel backend throws when this machine cannot perform an op at all (an offline CPU, a
// program it cannot load): that is no kernel verdict, so it becomes an error line.
std::string OpScriptRunner::backend_failure(const std::exception& failure) const {
  return "backend: the " + backend_.name() + " backend cannot run this line: " + failure.what();
}

void OpScriptRunner::emit_error(const std::string& op, const std::string& message) {
  saw_error_ = true;
  ordered_json result = start_line(op);
  result["error"] = message;
  emit(result);
}

void OpScriptRunner::emit(const ordered_json& result) const {
  // One flushed line per input line, so a script piped in on stdin answers as it goes.
  out_ << result.dump(-1, ' ', false, ordered_json::error_handler_t::replace) << std::endl;
}

}  // namespace

int run_op_script(std::istream& in, std::ostream& out, OpBackend& backend) {
  OpScriptRunner runner(backend, out);
  std::string text;
  while (std::getline(in, text)) runner.run_line(text);
  return runner.saw_error() ? 1 : 0;
}

}  // namespace mapsim
