// scenarios/op_script.h: one op-script line in, a structured line (or a precise error) out.
#include "scenarios/op_script.h"

#include <gtest/gtest.h>

#include "impl/uapi.h"

namespace mapsim {
namespace {

MapLine parse_map(std::string_view text) {
  ScriptLine line = parse_script_line(text);
  if (const auto* error = std::get_if<InputError>(&line)) ADD_FAILURE() << error->message;
  EXPECT_TRUE(std::holds_alternative<MapLine>(line)) << text;
  return std::holds_alternative<MapLine>(line) ? std::get<MapLine>(line) : MapLine{};
}

OpLine parse_op(std::string_view text) {
  ScriptLine line = parse_script_line(text);
  if (const auto* error = std::get_if<InputError>(&line)) ADD_FAILURE() << error->message;
  EXPECT_TRUE(std::holds_alternative<OpLine>(line)) << text;
  return std::holds_alternative<OpLine>(line) ? std::get<OpLine>(line) : OpLine{};
}

InputError parse_error(std::string_view text) {
  ScriptLine line = parse_script_line(text);
  EXPECT_TRUE(std::holds_alternative<InputError>(line)) << text;
  return std::holds_alternative<InputError>(line) ? std::get<InputError>(line) : InputError{};
}

TEST(OpScriptTest, BlankCommentAndCommentObjectLinesAreSkipped) {
  for (std::string_view text : {"", "   ", "\r", "# a comment", "  # indented", "\t#",
                                "{\"comment\": \"what this shows\"}", "{\"comment\": 3}\r"}) {
    EXPECT_TRUE(std::holds_alternative<SkippedLine>(parse_script_line(text))) << text;
  }
}

TEST(OpScriptTest, MapLineWithEveryFieldFromTheSpec) {
  MapLine line = parse_map(
      R"({"map":{"id":"m1","type":"lru_hash","key_size":4,"value_size":8,"max_entries":16,)"
      R"("flags":["BPF_F_ZERO_SEED","BPF_F_NO_COMMON_LRU"],"cpu":1,"name":"m1","map_extra":0}})");
  EXPECT_EQ(line.id, "m1");
  EXPECT_EQ(line.cpu, 1);
  EXPECT_EQ(line.attr.map_type, bpf::kMapLruHash);
  EXPECT_EQ(line.attr.key_size, 4u);
  EXPECT_EQ(line.attr.value_size, 8u);
  EXPECT_EQ(line.attr.max_entries, 16u);
  EXPECT_EQ(line.attr.map_flags, 66u);
  EXPECT_EQ(line.attr.name, "m1");
  EXPECT_EQ(line.attr.map_extra, 0u);
}

TEST(OpScriptTest, MapLineDefaults) {
  MapLine line =
      parse_map(R"({"map":{"type":"hash","key_size":4,"value_size":8,"max_entries":2}})");
  EXPECT_FALSE(line.id.has_value());
  EXPECT_EQ(line.cpu, 0);
  EXPECT_EQ(line.attr.map_flags, 0u);
  EXPECT_EQ(line.attr.name, "");
  EXPECT_EQ(line.attr.map_extra, 0u);
}

TEST(OpScriptTest, MapTypesByNameOrRawNumber) {
  const std::pair<std::string_view, uint32_t> cases[] = {
      {"\"hash\"", 1}, {"\"percpu_hash\"", 5}, {"\"lru_percpu_hash\"", 10}, {"\"array\"", 2},
      {"\"percpu_array\"", 6}, {"\"devmap\"", 14}, {"\"devmap_hash\"", 25},
      {"\"bloom_filter\"", 30}, {"\"lpm_trie\"", 11}, {"\"cpumap\"", 16}, {"99", 99},
      {"0", 0}, {"4294967295", 4294967295u}};
  for (const auto& [type, number] : cases) {
    const std::string text = "{\"map\":{\"type\":" + std::string(type) +
                             ",\"key_size\":4,\"value_size\":4,\"max_entries\":1}}";
    EXPECT_EQ(parse_map(text).attr.map_type, number) << type;
  }
}

TEST(OpScriptTest, MapFlagsAsListStringOrInteger) {
  auto flags_of = [](std::string_view flags) {
    const std::string text = "{\"map\":{\"type\":\"hash\",\"key_size\":4,\"value_size\":4,"
                             "\"max_entries\":1,\"flags\":" + std::string(flags) + "}}";
    return parse_map(text).attr.map_flags;
  };
  EXPECT_EQ(flags_of("\"BPF_F_ZERO_SEED|BPF_F_NO_PREALLOC\""), 65u);
  EXPECT_EQ(flags_of("\" BPF_F_ZERO_SEED | BPF_F_RDONLY_PROG \""), 192u);
  EXPECT_EQ(flags_of("\"BPF_F_NO_USER_CONV\""), 1u << 18);
  EXPECT_EQ(flags_of("[]"), 0u);
  EXPECT_EQ(flags_of("[\"BPF_F_MMAPABLE\",\"BPF_F_INNER_MAP\"]"), (1u << 10) | (1u << 12));
  EXPECT_EQ(flags_of("1234567"), 1234567u);
  EXPECT_EQ(flags_of("-1"), 0xffffffffu);
  EXPECT_EQ(flags_of("-2147483648"), 0x80000000u);
  EXPECT_EQ(flags_of("4294967295"), 0xffffffffu);
}

TEST(OpScriptTest, MapFlagErrorsNameTheField) {
  auto error_of = [](std::string_view flags) {
    const std::string text = "{\"map\":{\"type\":\"hash\",\"key_size\":4,\"value_size\":4,"
                             "\"max_entries\":1,\"flags\":" + std::string(flags) + "}}";
    return parse_error(text).message;
  };
  EXPECT_EQ(error_of("[\"BPF_F_FOO\"]"), "flags: unknown flag name 'BPF_F_FOO'");
  EXPECT_EQ(error_of("\"BPF_F_ZERO_SEED|BPF_EXIST\""), "flags: unknown flag name 'BPF_EXIST'");
  EXPECT_EQ(error_of("\"bpf_f_zero_seed\""), "flags: unknown flag name 'bpf_f_zero_seed'");
  EXPECT_EQ(error_of("\"BPF_F_ZERO_SEED||BPF_F_RDONLY\""),
            "flags: empty flag name in 'BPF_F_ZERO_SEED||BPF_F_RDONLY'");
  EXPECT_EQ(error_of("4294967296"), "flags: 4294967296 does not fit in 32 bits");
  EXPECT_EQ(error_of("-2147483649"), "flags: -2147483649 does not fit in 32 bits");
  EXPECT_EQ(error_of("[1]"), "flags: list items must be flag names, got 1");
  EXPECT_EQ(error_of("1.5"),
            "flags: expected flag names (a list or \"A|B\") or an integer, got 1.5");
}

TEST(OpScriptTest, MapLineErrors) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {R"({"map":{"type":"hsh","key_size":4,"value_size":4,"max_entries":1}})",
       "type: unknown map type 'hsh'"},
      {R"({"map":{"type":"HASH","key_size":4,"value_size":4,"max_entries":1}})",
       "type: unknown map type 'HASH'"},
      {R"({"map":{"type":-1,"key_size":4,"value_size":4,"max_entries":1}})",
       "type: expected an integer from 0 to 4294967295, got -1"},
      {R"({"map":{"type":"hash","value_size":4,"max_entries":1}})",
       "key_size: missing; a map line needs type, key_size, value_size and max_entries"},
      {R"({"map":{"key_size":4,"value_size":4,"max_entries":1}})",
       "type: missing; a map line needs type, key_size, value_size and max_entries"},
      {R"({"map":{"type":"hash","key_size":4,"value_size":4.0,"max_entries":1}})",
       "value_size: expected an integer from 0 to 4294967295, got 4.0"},
      {R"({"map":{"type":"hash","key_size":4,"value_size":4,"max_entries":4294967296}})",
       "max_entries: expected an integer from 0 to 4294967295, got 4294967296"},
      {R"({"map":{"type":"hash","key_size":4,"value_size":4,"max_entries":1,"kye":1}})",
       "kye: unknown field; a map line takes id, type, key_size, value_size, max_entries, "
       "flags, cpu, name, map_extra"},
      {R"({"map":{"type":"hash","key_size":4,"value_size":4,"max_entries":1,"op":"x"}})",
       "op: unknown field; a map line takes id, type, key_size, value_size, max_entries, "
       "flags, cpu, name, map_extra"},
      {R"({"map":{"id":1,"type":"hash","key_size":4,"value_size":4,"max_entries":1}})",
       "id: expected a string, got 1"},
      {R"({"map":{"type":"hash","key_size":4,"value_size":4,"max_entries":1,"cpu":-1}})",
       "cpu: expected an integer from 0 to 2147483647, got -1"},
      {R"({"map":{"type":"hash","key_size":4,"value_size":4,"max_entries":1},"x":1})",
       "x: unknown field; a map line holds only \"map\""},
      {R"({"map":"m1"})", "map: expected an object, got \"m1\""},
  };
  for (const auto& [text, message] : cases) {
    InputError error = parse_error(text);
    EXPECT_EQ(error.op, "map_create") << text;
    EXPECT_EQ(error.message, message) << text;
  }
}

TEST(OpScriptTest, UpdateLineWithEveryField) {
  OpLine line = parse_op(R"({"op":"update","key":"01000000","value":"0a00000000000000",)"
                         R"("flags":"BPF_NOEXIST","via":"prog","cpu":1,"map":"m1"})");
  EXPECT_EQ(line.kind, OpKind::kUpdate);
  EXPECT_EQ(line.key, (Bytes{1, 0, 0, 0}));
  EXPECT_EQ(line.value, (Bytes{10, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(line.flags, bpf::kNoExist);
  EXPECT_EQ(line.via, Via::kProgram);
  EXPECT_EQ(line.cpu, 1);
  EXPECT_EQ(line.map_id, "m1");
}

TEST(OpScriptTest, OpDefaults) {
  OpLine line = parse_op(R"({"op":"lookup","key":"01"})");
  EXPECT_EQ(line.kind, OpKind::kLookup);
  EXPECT_EQ(line.flags, 0u);
  EXPECT_EQ(line.via, Via::kSyscall);
  EXPECT_EQ(line.cpu, 0);
  EXPECT_FALSE(line.map_id.has_value());
}

TEST(OpScriptTest, ElementFlagsAreSixtyFourBits) {
  auto flags_of = [](std::string_view flags) {
    return parse_op("{\"op\":\"update\",\"key\":\"00\",\"value\":\"00\",\"flags\":" +
                    std::string(flags) + "}")
        .flags;
  };
  EXPECT_EQ(flags_of("-1"), ~uint64_t{0});
  EXPECT_EQ(flags_of("4294967296"), uint64_t{1} << 32);
  EXPECT_EQ(flags_of("18446744073709551615"), ~uint64_t{0});
  EXPECT_EQ(flags_of("-9223372036854775808"), uint64_t{1} << 63);
  EXPECT_EQ(flags_of("\"BPF_EXIST|BPF_F_LOCK\""), 6u);
  EXPECT_EQ(flags_of("[\"BPF_ANY\"]"), 0u);
  EXPECT_EQ(parse_error(R"({"op":"update","key":"00","value":"00","flags":"BPF_F_ZERO_SEED"})")
                .message,
            "flags: unknown flag name 'BPF_F_ZERO_SEED'");
}

TEST(OpScriptTest, EveryOpParses) {
  EXPECT_EQ(parse_op(R"({"op":"delete","key":"00","via":"prog"})").kind, OpKind::kDelete);
  EXPECT_EQ(parse_op(R"({"op":"lookup_and_delete","key":"00","flags":4})").flags, 4u);
  EXPECT_EQ(parse_op(R"({"op":"dump","cpu":1})").kind, OpKind::kDump);
  EXPECT_EQ(parse_op(R"({"op":"info","map":"a"})").kind, OpKind::kInfo);
  OpLine first = parse_op(R"({"op":"get_next_key","key":null})");
  EXPECT_EQ(first.kind, OpKind::kGetNextKey);
  EXPECT_FALSE(first.key.has_value());
  EXPECT_FALSE(parse_op(R"({"op":"get_next_key"})").key.has_value());
  EXPECT_EQ(parse_op(R"({"op":"get_next_key","key":"0200"})").key, (Bytes{2, 0}));
  EXPECT_EQ(parse_op(R"({"op":"lookup","key":"00","via":"syscall"})").via, Via::kSyscall);
}

TEST(OpScriptTest, OpLineErrorsNameTheField) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {R"({"op":"update","key":"01000000","value":"0a000000"})", ""},  // lengths: runner
      {R"({"op":"update","value":"00"})", ""},  // no key: the runner (key_size 0 takes none)
      {R"({"op":"update","key":"00"})", "value: missing; update needs a value"},
      {R"({"op":"delete","key":null})", ""},
      {R"({"op":"lookup","key":"0g"})", "key: 'g' at position 1 is not a hex digit"},
      {R"({"op":"update","key":"00","value":"000"})",
       "value: odd number of hex digits (3); each byte takes two"},
      {R"({"op":"update","key":1,"value":"00"})", "key: expected a hex string, got 1"},
      {R"({"op":"dump","key":"00"})", "key: unknown field; dump takes cpu, map"},
      {R"({"op":"info","cpu":0})", "cpu: unknown field; info takes map"},
      {R"({"op":"lookup_and_delete","key":"00","via":"prog"})",
       "via: unknown field; lookup_and_delete takes key, cpu, flags, map"},
      {R"({"op":"get_next_key","key":"00","flags":0})",
       "flags: unknown field; get_next_key takes key, cpu, map"},
      {R"({"op":"delete","key":"00","flags":0})",
       "flags: unknown field; delete takes key, via, cpu, map"},
      {R"({"op":"lookup","key":"00","via":"program"})",
       "via: expected \"syscall\" or \"prog\", got 'program'"},
      {R"({"op":"lookup","key":"00","via":"prog","flags":"BPF_F_LOCK"})",
       "flags: a program lookup takes no flags (lookup flags are syscall only)"},
      {R"({"op":"lookup","key":"00","cpu":"1"})",
       "cpu: expected an integer from 0 to 2147483647, got \"1\""},
      {R"({"op":"lookup","key":"00","cpu":2147483648})",
       "cpu: expected an integer from 0 to 2147483647, got 2147483648"},
      {R"({"op":"lookup","key":"00","map":{"id":"m"}})",
       "map: expected the id of a map (a string), got {\"id\":\"m\"}"},
  };
  for (const auto& [text, message] : cases) {
    ScriptLine line = parse_script_line(text);
    if (message.empty()) {
      EXPECT_TRUE(std::holds_alternative<OpLine>(line)) << text;
      continue;
    }
    InputError error = parse_error(text);
    EXPECT_EQ(error.message, message) << text;
    EXPECT_EQ(error.op, std::string(text.substr(7, text.find('"', 7) - 7))) << text;
  }
}

TEST(OpScriptTest, LinesThatAreNoOpOrMap) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {R"({"op":"updat","key":"00"})", "op: unknown op 'updat'"},
      {R"({"op":3})", "op: expected the name of an op, got 3"},
      {R"({})", "op: missing; an op line needs \"op\", a map line \"map\""},
      {R"({"comment":"x","key":"00"})", "op: missing; an op line needs \"op\", a map line \"map\""},
      {R"([1,2])", "a line must be a JSON object, got [1,2]"},
      {R"("update")", "a line must be a JSON object, got \"update\""},
  };
  for (const auto& [text, message] : cases) {
    InputError error = parse_error(text);
    EXPECT_EQ(error.op, "") << text;
    EXPECT_EQ(error.message, message) << text;
  }
}

TEST(OpScriptTest, MalformedJsonSaysWhere) {
  InputError error = parse_error(R"({"op":"lookup","key":"00")");
  EXPECT_EQ(error.op, "");
  EXPECT_EQ(error.message.rfind("not JSON: parse error at line 1, column ", 0), 0u)
      << error.message;
  EXPECT_EQ(parse_error("{\"op\":\"info\"} x").message.rfind("not JSON: ", 0), 0u);
}

TEST(OpScriptTest, LongValuesAreCutShortInMessages) {
  const std::string text = R"({"op":"lookup","key":"00","cpu":")" + std::string(100, 'x') + "\"}";
  EXPECT_EQ(parse_error(text).message, "cpu: expected an integer from 0 to 2147483647, got \"" +
                                           std::string(39, 'x') + "...");
}

TEST(OpScriptTest, OpNamesRoundTrip) {
  for (OpKind kind : {OpKind::kUpdate, OpKind::kLookup, OpKind::kDelete,
                      OpKind::kLookupAndDelete, OpKind::kGetNextKey, OpKind::kDump,
                      OpKind::kInfo}) {
    const std::string text = "{\"op\":\"" + std::string(op_kind_name(kind)) +
                             "\",\"key\":\"00\",\"value\":\"00\"}";
    ScriptLine line = parse_script_line(text);
    // Every op parses back to itself, or complains only about fields it does not take.
    if (const auto* op = std::get_if<OpLine>(&line)) {
      EXPECT_EQ(op->kind, kind);
    } else {
      EXPECT_NE(std::get<InputError>(line).message.find("unknown field"), std::string::npos);
      EXPECT_EQ(std::get<InputError>(line).op, op_kind_name(kind));
    }
  }
}

}  // namespace
}  // namespace mapsim
