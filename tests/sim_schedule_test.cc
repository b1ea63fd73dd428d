// sim/schedule.h: both text forms round-trip, and bad input is refused with a message that
// names what is wrong.
#include "sim/schedule.h"
#include "sim/seed.h"

#include <gtest/gtest.h>

#include <string>

namespace mapsim::sim {
namespace {

Schedule sample() {
  Schedule schedule;
  schedule.scenario = "lru steal: 2 cpus % 3";
  schedule.fingerprint = 0x0123456789abcdefull;
  schedule.trace_hash = 0xfedcba9876543210ull;
  schedule.choices = {Choice::context(0), Choice::context(0), Choice::context(1),
                      Choice::outcome(1), Choice::context(12)};
  return schedule;
}

void expect_same(const Schedule& a, const Schedule& b) {
  EXPECT_EQ(a.scenario, b.scenario);
  EXPECT_EQ(a.fingerprint, b.fingerprint);
  EXPECT_EQ(a.trace_hash, b.trace_hash);
  EXPECT_EQ(a.choices, b.choices);
}

TEST(ScheduleTest, CompactFormRoundTrips) {
  const std::string text = sample().to_compact();
  EXPECT_EQ(text,
            "mapsim-schedule/1 scenario=lru%20steal:%202%20cpus%20%25%203 "
            "fingerprint=0123456789abcdef hash=fedcba9876543210 choices=0.0.1.v1.12");
  const Result<Schedule> parsed = Schedule::parse(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  expect_same(parsed.value(), sample());
}

TEST(ScheduleTest, JsonFormRoundTrips) {
  const std::string text = sample().to_json();
  EXPECT_NE(text.find("\"choices\":[0,0,1,{\"value\":1},12]"), std::string::npos) << text;
  const Result<Schedule> parsed = Schedule::parse("  \n" + text);
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  expect_same(parsed.value(), sample());
}

TEST(ScheduleTest, EmptyChoicesRoundTrip) {
  Schedule schedule;
  schedule.scenario = "idle";
  for (const std::string& text : {schedule.to_compact(), schedule.to_json()}) {
    const Result<Schedule> parsed = Schedule::parse(text);
    ASSERT_TRUE(parsed.ok()) << parsed.error();
    EXPECT_TRUE(parsed.value().choices.empty());
  }
}

struct BadInput {
  std::string text;
  std::string complaint;
};

TEST(ScheduleTest, CorruptSchedulesAreRefusedWithTheReason) {
  const std::string header = "mapsim-schedule/1 scenario=s fingerprint=0000000000000001 ";
  const BadInput cases[] = {
      {"", "the input is empty"},
      {"hello", "expected the header"},
      {header + "hash=0000000000000002 choices=0.x.1", "choice 1 'x'"},
      {header + "hash=0000000000000002 choices=0.v", "choice 1 'v'"},
      {header + "hash=0000000000000002 choices=0..1", "choice 1 ''"},
      {header + "hash=0000000000000002 choices=0.99999", "choice 1 '99999'"},
      {header + "hash=0000000000000002 choices=5000", "context 5000 is out of range"},
      {header + "hash=zz choices=0", "hash is not 16 hex digits"},
      {header + "choices=0", "missing field 'hash'"},
      {header + "hash=0000000000000002 choices=0 colour=blue", "unknown field 'colour=blue'"},
      {"mapsim-schedule/1 scenario=a%2 fingerprint=0 hash=0 choices=", "bad %-escape"},
      {"{\"format\":", "not valid JSON"},
      {"[1,2]", "expected the header"},
      {"{\"format\":\"other\"}", "'format' must be"},
      {"{\"format\":\"mapsim-schedule\",\"version\":2}", "unsupported 'version'"},
      {R"({"format":"mapsim-schedule","version":1,"scenario":3})", "'scenario' must be"},
      {R"({"format":"mapsim-schedule","version":1,"scenario":"s","fingerprint":"x",)"
       R"("trace_hash":"0","choices":[]})",
       "'fingerprint' must be"},
      {R"({"format":"mapsim-schedule","version":1,"scenario":"s","fingerprint":"1",)"
       R"("trace_hash":"0","choices":{}})",
       "'choices' must be an array"},
      {R"({"format":"mapsim-schedule","version":1,"scenario":"s","fingerprint":"1",)"
       R"("trace_hash":"0","choices":[0,-1]})",
       "choices[1] is neither"},
      {R"({"format":"mapsim-schedule","version":1,"scenario":"s","fingerprint":"1",)"
       R"("trace_hash":"0","choices":[{"value":"1"}]})",
       "choices[0] is neither"},
  };
  for (const BadInput& bad : cases) {
    const Result<Schedule> parsed = Schedule::parse(bad.text);
    ASSERT_FALSE(parsed.ok()) << bad.text;
    EXPECT_NE(parsed.error().find(bad.complaint), std::string::npos)
        << bad.text << " -> " << parsed.error();
  }
}

TEST(SeedTest, SeedsAreNumbersOrCommitHashes) {
  EXPECT_EQ(parse_seed("42").value(), 42u);
  EXPECT_EQ(parse_seed("0x2a").value(), 42u);
  EXPECT_EQ(parse_seed("18446744073709551615").value(), UINT64_MAX);
  EXPECT_EQ(parse_seed("c3dc235a0b1c2d3e4f5061728394a5b6c7d8e9f0").value(),
            0xc3dc235a0b1c2d3eull);
  for (const char* bad : {"", "-1", "18446744073709551616", "0x", "seed", "c3dc235"}) {
    const Result<uint64_t> parsed = parse_seed(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_NE(parsed.error().find("is not a 64-bit number"), std::string::npos);
  }
}

}  // namespace
}  // namespace mapsim::sim
