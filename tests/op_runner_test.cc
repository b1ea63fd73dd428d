// scenarios/op_runner.h against SimulatedBackend: the output lines of spec/op-script.md, every
// input-error path, routing of ops to maps, and dump order. Expected results come from the
// fact sheet (errnos, layouts, hash order computed independently with jhash), not from runs.
#include "scenarios/op_runner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "impl/jhash.h"
#include "scenarios/simulated_backend.h"

namespace mapsim {
namespace {

struct RunResult {
  int status = -1;
  std::vector<std::string> lines;
};

RunResult run(const std::string& script, int possible_cpus = 2) {
  SimulatedBackend backend(possible_cpus);
  std::istringstream in(script);
  std::ostringstream out;
  RunResult result;
  result.status = run_op_script(in, out, backend);
  std::istringstream printed(out.str());
  for (std::string line; std::getline(printed, line);) result.lines.push_back(line);
  return result;
}

constexpr const char* kHashMap =
    R"({"map":{"id":"h","type":"hash","key_size":4,"value_size":8,"max_entries":4,)"
    R"("flags":"BPF_F_ZERO_SEED"}})";
constexpr const char* kHashCreated =
    R"({"i":0,"op":"map_create","id":"h","rc":0,"info":{"type":1,"key_size":4,"value_size":8,)"
    R"("max_entries":4,"map_flags":64}})";

TEST(OpRunnerTest, SyscallOpsPrintTheirResults) {
  RunResult result = run(std::string(kHashMap) + R"(
{"op":"update","key":"01000000","value":"0a00000000000000"}
{"op":"update","key":"01000000","value":"0b00000000000000","flags":"BPF_NOEXIST"}
{"op":"update","key":"02000000","value":"0b00000000000000","flags":"BPF_EXIST"}
{"op":"update","key":"01000000","value":"0b00000000000000","flags":8}
{"op":"lookup","key":"01000000"}
{"op":"lookup","key":"02000000"}
{"op":"lookup","key":"01000000","flags":"BPF_F_LOCK"}
{"op":"lookup_and_delete","key":"01000000"}
{"op":"delete","key":"01000000"}
{"op":"get_next_key","key":null}
{"op":"info"}
)");
  const std::vector<std::string> expected = {
      kHashCreated,
      R"({"i":1,"op":"update","rc":0})",
      R"({"i":2,"op":"update","rc":-17})",
      R"({"i":3,"op":"update","rc":-2})",
      R"({"i":4,"op":"update","rc":-22})",
      R"({"i":5,"op":"lookup","rc":0,"value":"0a00000000000000"})",
      R"({"i":6,"op":"lookup","rc":-2})",
      R"({"i":7,"op":"lookup","rc":-22})",
      R"({"i":8,"op":"lookup_and_delete","rc":0,"value":"0a00000000000000"})",
      R"({"i":9,"op":"delete","rc":-2})",
      R"({"i":10,"op":"get_next_key","rc":-2})",
      R"({"i":11,"op":"info","rc":0,"info":{"type":1,"key_size":4,"value_size":8,)"
      R"("max_entries":4,"map_flags":64}})",
  };
  EXPECT_EQ(result.lines, expected);
  EXPECT_EQ(result.status, 0);
}

TEST(OpRunnerTest, StoredFlagsDropRdonlyAndTheFdRefusesWrites) {
  RunResult result = run(R"({"map":{"type":"hash","key_size":4,"value_size":4,"max_entries":2,)"
                         R"("flags":"BPF_F_RDONLY|BPF_F_NO_PREALLOC"}}
{"op":"update","key":"01000000","value":"01000000"}
{"op":"lookup","key":"01000000"})");
  ASSERT_EQ(result.lines.size(), 3u);
  EXPECT_EQ(result.lines[0],
            R"({"i":0,"op":"map_create","id":"0","rc":0,"info":{"type":1,"key_size":4,)"
            R"("value_size":4,"max_entries":2,"map_flags":1}})");
  EXPECT_EQ(result.lines[1], R"({"i":1,"op":"update","rc":-1})");
  EXPECT_EQ(result.lines[2], R"({"i":2,"op":"lookup","rc":-2})");
}

TEST(OpRunnerTest, ProgramOpsUseOneCpusValue) {
  RunResult result = run(R"({"map":{"type":"percpu_array","key_size":4,"value_size":4,)"
                         R"("max_entries":2}}
{"op":"update","key":"00000000","value":"11111111aaaaaaaa22222222bbbbbbbb"}
{"op":"lookup","key":"00000000","via":"prog","cpu":1}
{"op":"lookup","key":"05000000","via":"prog"}
{"op":"update","key":"01000000","value":"33333333","via":"prog","cpu":1}
{"op":"lookup","key":"01000000"}
{"op":"delete","key":"01000000","via":"prog"})");
  const std::vector<std::string> expected = {
      R"({"i":0,"op":"map_create","id":"0","rc":0,"info":{"type":6,"key_size":4,)"
      R"("value_size":4,"max_entries":2,"map_flags":0}})",
      R"({"i":1,"op":"update","rc":0})",
      R"({"i":2,"op":"lookup","rc":0,"value":"22222222"})",
      R"({"i":3,"op":"lookup","rc":-2})",
      R"({"i":4,"op":"update","rc":0})",
      R"({"i":5,"op":"lookup","rc":0,"value":"00000000000000003333333300000000"})",
      R"({"i":6,"op":"delete","rc":-22})",
  };
  EXPECT_EQ(result.lines, expected);
}

TEST(OpRunnerTest, SkippedLinesAreNotCounted) {
  RunResult result = run("# heading\n\n" + std::string(kHashMap) +
                         "\n{\"comment\":\"x\"}\n   \n{\"op\":\"get_next_key\"}\r\n");
  ASSERT_EQ(result.lines.size(), 2u);
  EXPECT_EQ(result.lines[0], kHashCreated);
  EXPECT_EQ(result.lines[1], R"({"i":1,"op":"get_next_key","rc":-2})");
}

TEST(OpRunnerTest, InputErrorsPrintAnErrorLineAndTheRunGoesOn) {
  RunResult result = run(std::string(kHashMap) + R"(
{"op":"update","key":"01000000","value":"0a000000"}
{"op":"update","key":"0100","value":"0a00000000000000"}
{"op":"lookup","key":"01000000","cpu":2}
{"op":"updat"}
{"op":"lookup","key":"01000000"
{"op":"update","key":"01000000","value":"0a00000000000000"})");
  const std::vector<std::string> expected = {
      kHashCreated,
      R"j({"i":1,"op":"update","error":"value: expected 8 bytes (16 hex digits), )j"
      R"j(got 8 hex digits"})j",
      R"j({"i":2,"op":"update","error":"key: expected 4 bytes (8 hex digits), )j"
      R"j(got 4 hex digits"})j",
      R"j({"i":3,"op":"lookup","error":"cpu: 2 is not a possible CPU; the sim backend )j"
      R"j(has 2 (0-1)"})j",
      R"({"i":4,"error":"op: unknown op 'updat'"})",
  };
  ASSERT_EQ(result.lines.size(), 7u);
  EXPECT_EQ(std::vector<std::string>(result.lines.begin(), result.lines.begin() + 5), expected);
  EXPECT_EQ(result.lines[5].rfind(R"({"i":5,"error":"not JSON: )", 0), 0u) << result.lines[5];
  EXPECT_EQ(result.lines[6], R"({"i":6,"op":"update","rc":0})");
  EXPECT_EQ(result.status, 1);
}

TEST(OpRunnerTest, PerCpuValueLengthsDependOnViaAndPossibleCpus) {
  const std::string script = R"({"map":{"type":"percpu_hash","key_size":4,"value_size":4,)"
                             R"("max_entries":2}}
{"op":"update","key":"01000000","value":"01000000"}
{"op":"update","key":"01000000","value":"0100000000000000","via":"prog"}
{"op":"update","key":"01000000","value":"010000000000000002000000000000000300000000000000"})";
  RunResult two_cpus = run(script, 2);
  ASSERT_EQ(two_cpus.lines.size(), 4u);
  EXPECT_EQ(two_cpus.lines[1], R"j({"i":1,"op":"update","error":"value: expected 16 bytes )j"
                               R"j((32 hex digits), got 8 hex digits"})j");
  EXPECT_EQ(two_cpus.lines[2], R"j({"i":2,"op":"update","error":"value: expected 4 bytes )j"
                               R"j((8 hex digits), got 16 hex digits"})j");
  EXPECT_EQ(two_cpus.lines[3], R"j({"i":3,"op":"update","error":"value: expected 16 bytes )j"
                               R"j((32 hex digits), got 48 hex digits"})j");
  RunResult three_cpus = run(script, 3);
  ASSERT_EQ(three_cpus.lines.size(), 4u);
  EXPECT_EQ(three_cpus.lines[3], R"({"i":3,"op":"update","rc":0})");
}

TEST(OpRunnerTest, OpWithoutAMapIsAnError) {
  RunResult result = run(R"({"op":"dump"}
{"op":"info","map":"h"})");
  const std::vector<std::string> expected = {
      R"({"i":0,"op":"dump","error":"map: no map yet; an op needs a map line before it"})",
      R"({"i":1,"op":"info","error":"map: no map line has id 'h'"})",
  };
  EXPECT_EQ(result.lines, expected);
  EXPECT_EQ(result.status, 1);
}

TEST(OpRunnerTest, FailedCreatePrintsItsErrnoAndItsOpsAreErrors) {
  RunResult result = run(std::string(kHashMap) + R"(
{"map":{"id":"bad","type":"hash","key_size":0,"value_size":4,"max_entries":2}}
{"op":"info"}
{"op":"info","map":"bad"}
{"op":"info","map":"h"})");
  ASSERT_EQ(result.lines.size(), 5u);
  EXPECT_EQ(result.lines[1], R"({"i":1,"op":"map_create","id":"bad","rc":-22})");
  const std::string not_created =
      R"j("error":"map: map 'bad' was not created (map_create returned -22)"})j";
  EXPECT_EQ(result.lines[2], R"({"i":2,"op":"info",)" + not_created);
  EXPECT_EQ(result.lines[3], R"({"i":3,"op":"info",)" + not_created);
  EXPECT_EQ(result.lines[4].rfind(R"({"i":4,"op":"info","rc":0,)", 0), 0u);
  EXPECT_EQ(result.status, 1);
}

TEST(OpRunnerTest, KernelVerdictOnCreateIsNotAnInputError) {
  RunResult result = run(R"({"map":{"type":99,"key_size":4,"value_size":4,"max_entries":2}})");
  ASSERT_EQ(result.lines.size(), 1u);
  EXPECT_EQ(result.lines[0], R"({"i":0,"op":"map_create","id":"0","rc":-22})");
  EXPECT_EQ(result.status, 0);
}

TEST(OpRunnerTest, MapTypeTheSimulatorDoesNotModelIsAnErrorLine) {
  RunResult result = run(R"({"map":{"type":"cpumap","key_size":4,"value_size":4,"max_entries":2}}
{"op":"info"})");
  const std::vector<std::string> expected = {
      R"j({"i":0,"op":"map_create","id":"0","error":"type: the sim backend does not model )j"
      R"j(map type 16 (cpumap)"})j",
      R"j({"i":1,"op":"info","error":"map: map '0' was not created: the sim backend does )j"
      R"j(not model map type 16 (cpumap)"})j",
  };
  EXPECT_EQ(result.lines, expected);
  EXPECT_EQ(result.status, 1);
}

TEST(OpRunnerTest, OpsGoToTheNamedMapElseTheMostRecent) {
  RunResult result = run(R"({"map":{"type":"array","key_size":4,"value_size":4,"max_entries":2}}
{"map":{"type":"array","key_size":4,"value_size":4,"max_entries":3}}
{"op":"update","key":"01000000","value":"11111111","map":"0"}
{"op":"update","key":"01000000","value":"22222222"}
{"op":"lookup","key":"01000000","map":"0"}
{"op":"lookup","key":"01000000"}
{"op":"update","key":"02000000","value":"22222222","map":"0"})");
  ASSERT_EQ(result.lines.size(), 7u);
  EXPECT_EQ(result.lines[1].rfind(R"({"i":1,"op":"map_create","id":"1","rc":0,)", 0), 0u);
  EXPECT_EQ(result.lines[4], R"({"i":4,"op":"lookup","rc":0,"value":"11111111"})");
  EXPECT_EQ(result.lines[5], R"({"i":5,"op":"lookup","rc":0,"value":"22222222"})");
  EXPECT_EQ(result.lines[6], R"({"i":6,"op":"update","rc":-7})");  // index 2 of a 2-entry array
}

TEST(OpRunnerTest, BadMapLinesBecomeTheMostRecentMap) {
  RunResult result = run(R"({"map":{"type":"array","key_size":4,"value_size":4,"max_entries":2}}
{"map":{"type":"array","key_size":4,"value_size":4}}
{"op":"info"}
{"map":{"id":"0","type":"array","key_size":4,"value_size":4,"max_entries":2}}
{"map":{"id":"x","type":"array","key_size":4,"value_size":4,"max_entries":2,"cpu":2}}
{"op":"info","map":"x"}
{"map":{"type":"array","key_size":4,"value_size":4,"max_entries":2}}
{"op":"info","map":"0"})");
  const std::vector<std::string> expected = {
      R"({"i":0,"op":"map_create","id":"0","rc":0,"info":{"type":2,"key_size":4,)"
      R"("value_size":4,"max_entries":2,"map_flags":0}})",
      R"({"i":1,"op":"map_create","error":"max_entries: missing; a map line needs type, )"
      R"(key_size, value_size and max_entries"})",
      R"({"i":2,"op":"info","error":"map: the most recent map line (i=1) is invalid: )"
      R"(max_entries: missing; a map line needs type, key_size, value_size and max_entries"})",
      R"({"i":3,"op":"map_create","error":"id: map id '0' is already taken by an earlier map )"
      R"(line"})",
      R"({"i":4,"op":"map_create","error":"cpu: 2 is not a possible CPU; the sim backend has )"
      R"j(2 (0-1)"})j",
      R"({"i":5,"op":"info","error":"map: no map line has id 'x'"})",
      // The default id is the line's position among map lines: this is the fifth.
      R"({"i":6,"op":"map_create","id":"4","rc":0,"info":{"type":2,"key_size":4,)"
      R"("value_size":4,"max_entries":2,"map_flags":0}})",
      R"({"i":7,"op":"info","rc":0,"info":{"type":2,"key_size":4,"value_size":4,)"
      R"("max_entries":2,"map_flags":0}})",
  };
  EXPECT_EQ(result.lines, expected);
  EXPECT_EQ(result.status, 1);
}

// The order of a ZERO_SEED hash map's walk, predicted from jhash: buckets upward, the newest
// element of a bucket first (fact sheet 3.3, 3.4).
std::vector<uint32_t> predicted_hash_order(const std::vector<uint32_t>& inserted,
                                           uint32_t n_buckets) {
  std::vector<std::pair<uint32_t, size_t>> placed;  // (bucket, insertion position)
  for (size_t position = 0; position < inserted.size(); ++position) {
    placed.emplace_back(htab_key_hash(&inserted[position], 4, 0) & (n_buckets - 1), position);
  }
  std::sort(placed.begin(), placed.end(), [](const auto& left, const auto& right) {
    return left.first != right.first ? left.first < right.first : left.second > right.second;
  });
  std::vector<uint32_t> order;
  for (const auto& [bucket, position] : placed) order.push_back(inserted[position]);
  return order;
}

std::string u32_hex(uint32_t value) {
  std::string text;
  static constexpr char kDigits[] = "0123456789abcdef";
  for (int byte = 0; byte < 4; ++byte) {
    const uint32_t bits = (value >> (8 * byte)) & 0xff;
    text += kDigits[bits >> 4];
    text += kDigits[bits & 0xf];
  }
  return text;
}

TEST(OpRunnerTest, DumpWalksAZeroSeedHashInBucketOrder) {
  const std::vector<uint32_t> keys = {7, 1, 13, 2, 5, 100, 6, 4, 31, 9, 1000, 64};
  std::string script = R"({"map":{"type":"hash","key_size":4,"value_size":4,"max_entries":16,)"
                       R"("flags":"BPF_F_ZERO_SEED"}})";
  for (uint32_t key : keys) {
    script += "\n{\"op\":\"update\",\"key\":\"" + u32_hex(key) + "\",\"value\":\"" +
              u32_hex(key * 3) + "\"}";
  }
  script += "\n{\"op\":\"dump\",\"cpu\":1}";
  RunResult result = run(script);
  std::string entries;
  for (uint32_t key : predicted_hash_order(keys, 16)) {
    if (!entries.empty()) entries += ",";
    entries += "{\"key\":\"" + u32_hex(key) + "\",\"value\":\"" + u32_hex(key * 3) + "\"}";
  }
  ASSERT_EQ(result.lines.size(), keys.size() + 2);
  EXPECT_EQ(result.lines.back(), "{\"i\":" + std::to_string(keys.size() + 1) +
                                     ",\"op\":\"dump\",\"rc\":0,\"count\":" +
                                     std::to_string(keys.size()) + ",\"entries\":[" + entries +
                                     "]}");
}

TEST(OpRunnerTest, DumpOfEmptyHashAndOfArray) {
  RunResult result = run(std::string(kHashMap) + R"(
{"op":"dump"}
{"map":{"type":"array","key_size":4,"value_size":2,"max_entries":3}}
{"op":"update","key":"01000000","value":"abcd"}
{"op":"dump"})");
  ASSERT_EQ(result.lines.size(), 5u);
  EXPECT_EQ(result.lines[1], R"({"i":1,"op":"dump","rc":0,"count":0,"entries":[]})");
  EXPECT_EQ(result.lines[4],
            R"({"i":4,"op":"dump","rc":0,"count":3,"entries":[{"key":"00000000","value":"0000"},)"
            R"({"key":"01000000","value":"abcd"},{"key":"02000000","value":"0000"}]})");
}

TEST(OpRunnerTest, GetNextKeyAfterADeletedKeyRestartsFromTheFirst) {
  RunResult result = run(std::string(kHashMap) + R"(
{"op":"update","key":"01000000","value":"0000000000000000"}
{"op":"update","key":"02000000","value":"0000000000000000"}
{"op":"get_next_key"}
{"op":"delete","key":"02000000"}
{"op":"get_next_key","key":"02000000"})");
  ASSERT_EQ(result.lines.size(), 6u);
  const std::vector<uint32_t> order = predicted_hash_order({1, 2}, 4);
  ASSERT_EQ(order.size(), 2u);
  EXPECT_EQ(result.lines[3],
            R"({"i":3,"op":"get_next_key","rc":0,"next_key":")" + u32_hex(order[0]) + "\"}");
  EXPECT_EQ(result.lines[5], R"({"i":5,"op":"get_next_key","rc":0,"next_key":"01000000"})");
}

TEST(OpRunnerTest, EmptyScriptPrintsNothing) {
  RunResult result = run("");
  EXPECT_TRUE(result.lines.empty());
  EXPECT_EQ(result.status, 0);
}

}  // namespace
}  // namespace mapsim
