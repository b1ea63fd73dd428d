// The op-script batch ops and devices lines (docs/op-script-batch.md): parsing, input errors,
// and the output lines of scenarios/op_runner.h against SimulatedBackend. Expected results are
// the kernel's (fact sheet 2.11, 3.9, 6; the layouts were recorded on 6.18.44 with these
// scripts), not runs of the implementation.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "impl/uapi.h"
#include "scenarios/op_runner.h"
#include "scenarios/op_script.h"
#include "scenarios/simulated_backend.h"

namespace mapsim {
namespace {

std::vector<std::string> run(const std::string& script, int* status = nullptr) {
  SimulatedBackend backend(2);
  std::istringstream in(script);
  std::ostringstream out;
  const int result = run_op_script(in, out, backend);
  if (status != nullptr) *status = result;
  std::vector<std::string> lines;
  std::istringstream printed(out.str());
  for (std::string line; std::getline(printed, line);) lines.push_back(line);
  return lines;
}

// Eight buckets with ZERO_SEED: bucket 1 {4}, bucket 3 {30, 13, 1}, bucket 6 {6, 5}.
constexpr const char* kLayout =
    R"({"map":{"id":"h","type":"hash","key_size":4,"value_size":4,"max_entries":8,)"
    R"("flags":"BPF_F_ZERO_SEED"}}
{"op":"update_batch","keys":["04000000","01000000","0d000000","1e000000","05000000",)"
    R"("06000000"],"values":["04000000","01000000","0d000000","1e000000","05000000",)"
    R"("06000000"]}
)";

TEST(OpBatchParseTest, BatchOpsReadTheirFields) {
  ScriptLine parsed = parse_script_line(
      R"({"op":"lookup_batch","in_batch":"03000000","count":2,"elem_flags":0,"flags":1})");
  const auto* op = std::get_if<OpLine>(&parsed);
  ASSERT_NE(op, nullptr);
  EXPECT_EQ(op->kind, OpKind::kLookupBatch);
  ASSERT_TRUE(op->in_batch.has_value());
  EXPECT_EQ(op->in_batch->size(), 4u);
  EXPECT_EQ(op->count, 2u);
  EXPECT_EQ(op->flags, 1u);
  parsed = parse_script_line(R"({"op":"update_batch","keys":["01","02"],"values":["aa","bb"],)"
                             R"("elem_flags":"BPF_F_LOCK"})");
  op = std::get_if<OpLine>(&parsed);
  ASSERT_NE(op, nullptr);
  EXPECT_EQ(op->count, 2u) << "count defaults to the number of keys";
  EXPECT_EQ(op->elem_flags, bpf::kFLock);
  parsed = parse_script_line(R"({"op":"lookup_and_delete_batch","in_batch":null,"count":0})");
  op = std::get_if<OpLine>(&parsed);
  ASSERT_NE(op, nullptr);
  EXPECT_FALSE(op->in_batch.has_value());
}

TEST(OpBatchParseTest, MalformedBatchLinesAreInputErrors) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"op":"lookup_batch"})", "count: missing; lookup_batch needs a count"},
      {R"({"op":"lookup_batch","count":-1})", "count: expected an integer from 0 to 4294967295"},
      {R"({"op":"lookup_batch","count":1,"key":"00"})", "key: unknown field"},
      {R"({"op":"delete_batch"})", "keys: missing; delete_batch needs keys"},
      {R"({"op":"delete_batch","keys":"00"})", "keys: expected a list of hex strings"},
      {R"({"op":"delete_batch","keys":["0g"]})", "keys: item 0: "},
      {R"({"op":"delete_batch","keys":["00"],"count":2})", "count: 2 is more than the 1 keys"},
      {R"({"op":"update_batch","keys":["00"]})", "values: missing; update_batch needs values"},
      {R"({"op":"update_batch","keys":["00"],"values":[]})",
       "values: expected as many values as keys (1), got 0"},
      {R"({"op":"update_batch","keys":[],"values":[],"elem_flags":"BPF_NOPE"})",
       "elem_flags: unknown flag name 'BPF_NOPE'"},
      {R"({"devices":[{"ifindex":0,"name":"x"}]})", "devices: ifindex: 0 names no device"},
      {R"({"devices":[{"ifindex":2}]})", "devices: name: missing"},
      {R"({"devices":[{"ifindex":2,"name":"a"},{"ifindex":2,"name":"b"}]})",
       "devices: ifindex 2 is declared twice"},
      {R"({"devices":{"2":"a"}})", "devices: expected a list"},
  };
  for (const auto& [text, message] : cases) {
    ScriptLine parsed = parse_script_line(text);
    const auto* error = std::get_if<InputError>(&parsed);
    ASSERT_NE(error, nullptr) << text;
    EXPECT_EQ(error->message.rfind(message, 0), 0u) << text << " -> " << error->message;
  }
}

TEST(OpBatchRunTest, HashBatchesFollowTheBucketLayout) {
  const std::vector<std::string> lines = run(std::string(kLayout) + R"(
{"op":"lookup_batch","count":1}
{"op":"lookup_batch","count":2,"in_batch":"03000000"}
{"op":"lookup_batch","count":3,"in_batch":"03000000"}
{"op":"lookup_batch","count":6,"in_batch":"07000000"}
{"op":"lookup_batch","count":6,"in_batch":"08000000"}
{"op":"lookup_batch","count":6,"flags":1}
{"op":"lookup_and_delete_batch","count":100,"in_batch":"04000000"}
{"op":"delete_batch","keys":["04000000","09000000"]}
)");
  const std::vector<std::string> expected = {
      R"({"i":0,"op":"map_create","id":"h","rc":0,"info":{"type":1,"key_size":4,)"
      R"("value_size":4,"max_entries":8,"map_flags":64}})",
      R"({"i":1,"op":"update_batch","rc":0,"count":6})",
      R"({"i":2,"op":"lookup_batch","rc":0,"count":1,"out_batch":"03000000",)"
      R"("keys":["04000000"],"values":["04000000"]})",
      R"({"i":3,"op":"lookup_batch","rc":-28,"count":0,"out_batch":"03000000"})",
      R"({"i":4,"op":"lookup_batch","rc":0,"count":3,"out_batch":"06000000",)"
      R"("keys":["1e000000","0d000000","01000000"],"values":["1e000000","0d000000",)"
      R"("01000000"]})",
      R"({"i":5,"op":"lookup_batch","rc":-2,"count":0,"out_batch":"08000000","keys":[],)"
      R"("values":[]})",
      R"({"i":6,"op":"lookup_batch","rc":-2,"count":0,"out_batch":null,"keys":[],"values":[]})",
      R"({"i":7,"op":"lookup_batch","rc":-22,"count":6,"out_batch":null})",
      R"({"i":8,"op":"lookup_and_delete_batch","rc":-2,"count":2,"out_batch":"08000000",)"
      R"("keys":["06000000","05000000"],"values":["06000000","05000000"]})",
      R"({"i":9,"op":"delete_batch","rc":-2,"count":1})",
  };
  EXPECT_EQ(lines, expected);
}

TEST(OpBatchRunTest, ArrayBatchesUseKeyTokensAndLackDeletes) {
  const std::vector<std::string> lines = run(R"(
{"map":{"type":"array","key_size":4,"value_size":4,"max_entries":3}}
{"op":"update_batch","keys":["00000000","05000000"],"values":["aa000000","bb000000"]}
{"op":"lookup_batch","count":9,"in_batch":"00000000"}
{"op":"lookup_batch","count":9,"in_batch":"02000000"}
{"op":"lookup_and_delete_batch","count":1}
{"op":"delete_batch","keys":["00000000"],"elem_flags":"BPF_F_LOCK"}
)");
  const std::vector<std::string> expected = {
      R"({"i":0,"op":"map_create","id":"0","rc":0,"info":{"type":2,"key_size":4,)"
      R"("value_size":4,"max_entries":3,"map_flags":0}})",
      R"({"i":1,"op":"update_batch","rc":-7,"count":1})",
      R"({"i":2,"op":"lookup_batch","rc":-2,"count":2,"out_batch":"02000000",)"
      R"("keys":["01000000","02000000"],"values":["00000000","00000000"]})",
      R"({"i":3,"op":"lookup_batch","rc":-2,"count":0,"out_batch":null,"keys":[],"values":[]})",
      R"({"i":4,"op":"lookup_and_delete_batch","rc":-524,"count":1,"out_batch":null})",
      R"({"i":5,"op":"delete_batch","rc":-524,"count":1})",
  };
  EXPECT_EQ(lines, expected);
}

TEST(OpBatchRunTest, BatchLengthsAreCheckedAgainstTheMap) {
  int status = 0;
  const std::vector<std::string> lines = run(std::string(kLayout) + R"(
{"op":"lookup_batch","count":1,"in_batch":"0300"}
{"op":"delete_batch","keys":["04000000","0400"]}
{"op":"update_batch","keys":["04000000"],"values":["0400"]}
)",
                                             &status);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[2], R"({"i":2,"op":"lookup_batch","error":"in_batch: expected 4 bytes )"
                      R"((8 hex digits), got 4 hex digits"})");
  EXPECT_EQ(lines[3], R"({"i":3,"op":"delete_batch","error":"keys[1]: expected 4 bytes )"
                      R"((8 hex digits), got 4 hex digits"})");
  EXPECT_EQ(lines[4], R"({"i":4,"op":"update_batch","error":"values[0]: expected 4 bytes )"
                      R"((8 hex digits), got 4 hex digits"})");
  EXPECT_EQ(status, 1);
}

TEST(OpBatchRunTest, DevicesLineSetsTheSimulatedNamespace) {
  const std::vector<std::string> lines = run(R"(
{"map":{"type":"devmap","key_size":4,"value_size":8,"max_entries":2}}
{"op":"update","key":"00000000","value":"0700000000000000"}
{"devices":[{"ifindex":1,"name":"lo"},{"ifindex":7,"name":"veth0"}]}
{"op":"update","key":"00000000","value":"0700000000000000"}
{"op":"lookup","key":"00000000"}
{"devices":[]}
{"op":"update","key":"01000000","value":"0100000000000000"}
{"op":"lookup_batch","count":2}
)");
  const std::vector<std::string> expected = {
      R"({"i":0,"op":"map_create","id":"0","rc":0,"info":{"type":14,"key_size":4,)"
      R"("value_size":8,"max_entries":2,"map_flags":128}})",
      R"({"i":1,"op":"update","rc":-22})",
      R"({"i":2,"op":"devices","rc":0,"count":2})",
      R"({"i":3,"op":"update","rc":0})",
      R"({"i":4,"op":"lookup","rc":0,"value":"0700000000000000"})",
      R"({"i":5,"op":"devices","rc":0,"count":0})",
      R"({"i":6,"op":"update","rc":-22})",
      R"({"i":7,"op":"lookup_batch","rc":-524,"count":2,"out_batch":null})",
  };
  EXPECT_EQ(lines, expected);
}

}  // namespace
}  // namespace mapsim
