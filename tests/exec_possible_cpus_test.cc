// scenarios/possible_cpus.h: counting the kernel's CPU lists. (exec_ prefix: links
// mapsim::scenarios.)
#include "scenarios/possible_cpus.h"

#include <gtest/gtest.h>

#include "impl/real_platform.h"

namespace mapsim {
namespace {

TEST(PossibleCpusTest, CountsRangesAndSingleCpus) {
  std::string error;
  EXPECT_EQ(count_cpu_list("0", &error), 1);
  EXPECT_EQ(count_cpu_list("0-1\n", &error), 2);
  EXPECT_EQ(count_cpu_list("0-3,8-11", &error), 8);
  EXPECT_EQ(count_cpu_list("0,2,4\n", &error), 3);
  EXPECT_EQ(count_cpu_list("0-4095", &error), 4096);
  EXPECT_EQ(error, "");
}

TEST(PossibleCpusTest, RejectsWhatIsNoCpuList) {
  for (const char* text : {"", "\n", "a", "3-1", "0-", "-1", "0,,1", "0-1-2", "1 2", "0x1"}) {
    std::string error;
    EXPECT_EQ(count_cpu_list(text, &error), -1) << text;
    EXPECT_NE(error.find("is not a CPU list"), std::string::npos) << text;
  }
}

TEST(PossibleCpusTest, ThisMachineHasAUsableCount) {
  std::string error;
  const int cpus = machine_possible_cpus(&error);
  EXPECT_GE(cpus, 1) << error;
  EXPECT_LE(cpus, RealPlatform::kMaxPossibleCpus);
}

}  // namespace
}  // namespace mapsim
