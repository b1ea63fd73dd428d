// DEVMAP / DEVMAP_HASH with real devices: the test makes its own network namespace with a veth
// pair (`ip netns add`, `ip -n ... link add ... type veth`), moves this thread into it (the
// kernel resolves a devmap ifindex in the calling task's namespace), and runs the same op
// scripts on the live kernel and on the simulated backend, which is told the namespace's
// devices by a devices line. The host's own interfaces are never touched; the namespace (and
// with it the veth pair) is deleted at the end.
//
// Scenario: namespace {1: lo, A: mapsim1, B: mapsim0} (A, B as the kernel numbers them);
// a hand-written script updating both map types with every device, a missing one and program
// fds, then 40 generated DEVMAP / DEVMAP_HASH scripts behind the same devices line.
//   => the kernel's and the simulation's outputs are identical, line for line;
//   => without the devices line the simulation answers differently (canary: the table matters).
// Skipped where bpf() or network namespaces are not available.
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "impl/uapi.h"
#include "model/kernel/kernel_backend.h"
#include "scenarios/op_runner.h"
#include "scenarios/random_op_script.h"
#include "scenarios/simulated_backend.h"

namespace mapsim {
namespace {

bool run_command(const std::string& command) {
  return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
}

// A network namespace with a veth pair, entered by this thread for the object's lifetime.
class VethNamespace {
 public:
  VethNamespace() : name_("mapsim-devmap-" + std::to_string(getpid())) {
    if (!run_command("ip netns add " + name_)) return;
    created_ = true;
    if (!run_command("ip -n " + name_ + " link add mapsim0 type veth peer name mapsim1")) return;
    original_ = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    const int target = open(("/run/netns/" + name_).c_str(), O_RDONLY | O_CLOEXEC);
    entered_ = original_ >= 0 && target >= 0 && setns(target, CLONE_NEWNET) == 0;
    if (target >= 0) close(target);
  }
  ~VethNamespace() {
    if (entered_) setns(original_, CLONE_NEWNET);
    if (original_ >= 0) close(original_);
    if (created_) run_command("ip netns del " + name_);
  }
  VethNamespace(const VethNamespace&) = delete;
  VethNamespace& operator=(const VethNamespace&) = delete;

  bool entered() const { return entered_; }

 private:
  std::string name_;
  bool created_ = false;
  bool entered_ = false;
  int original_ = -1;
};

std::string run_script(const std::string& script, OpBackend& backend) {
  std::istringstream in(script);
  std::ostringstream out;
  run_op_script(in, out, backend);
  return out.str();
}

std::string devices_line(uint32_t first, uint32_t second) {
  return R"({"devices":[{"ifindex":1,"name":"lo"},{"ifindex":)" + std::to_string(first) +
         R"(,"name":"mapsim0"},{"ifindex":)" + std::to_string(second) +
         R"(,"name":"mapsim1"}]})" + "\n";
}

// Little-endian hex of a u32.
std::string hex32(uint32_t value) {
  static const char kDigits[] = "0123456789abcdef";
  std::string text;
  for (int byte = 0; byte < 4; ++byte) {
    const uint32_t bits = (value >> (8 * byte)) & 0xff;
    text += kDigits[bits >> 4];
    text += kDigits[bits & 0xf];
  }
  return text;
}

std::string update(uint32_t key, const std::string& value, const std::string& flags = "") {
  return R"({"op":"update","key":")" + hex32(key) + R"(","value":")" + value + "\"" +
         (flags.empty() ? "" : R"(,"flags":")" + flags + "\"") + "}\n";
}

std::string hand_written_script(uint32_t first, uint32_t second) {
  const uint32_t missing = std::max(first, second) + 1;
  const std::string no_program = "ffffffff", program_fd_one = "01000000";
  std::string script =
      R"({"map":{"id":"d","type":"devmap","key_size":4,"value_size":8,"max_entries":4}})" "\n";
  script += update(0, hex32(first) + "00000000") + update(1, hex32(second) + no_program) +
            update(2, hex32(1) + "00000000") + update(3, hex32(missing) + "00000000") +
            update(3, hex32(second) + program_fd_one) + R"({"op":"dump"})" "\n" +
            update(0, "00000000" + no_program) + R"({"op":"dump"})" "\n";
  script +=
      R"({"map":{"id":"h","type":"devmap_hash","key_size":4,"value_size":4,"max_entries":3}})"
      "\n";
  script += update(first, hex32(first)) + update(second, hex32(second)) + update(1, hex32(1)) +
            update(9, hex32(first)) + update(9, hex32(missing)) +
            update(first, hex32(second), "BPF_EXIST") + update(7, hex32(first), "BPF_EXIST") +
            R"({"op":"dump"})" "\n" + R"({"op":"lookup_batch","count":3})" "\n";
  return script;
}

class DevmapNamespaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    if (KernelBackend::probe(&why) != 0) GTEST_SKIP() << "bpf() not usable here: " << why;
    space_ = std::make_unique<VethNamespace>();
    if (!space_->entered()) GTEST_SKIP() << "cannot make and enter a network namespace";
    first_ = if_nametoindex("mapsim0");
    second_ = if_nametoindex("mapsim1");
    ASSERT_NE(first_, 0u);
    ASSERT_NE(second_, 0u);
    ASSERT_EQ(if_nametoindex("lo"), 1u);
  }
  void TearDown() override { space_.reset(); }

  // Outputs of the kernel and the simulation for `script`.
  std::pair<std::string, std::string> outputs(const std::string& script) {
    KernelBackend kernel;
    SimulatedBackend sim(kernel.possible_cpus());
    return {run_script(script, kernel), run_script(script, sim)};
  }

  std::unique_ptr<VethNamespace> space_;
  uint32_t first_ = 0;
  uint32_t second_ = 0;
};

TEST_F(DevmapNamespaceTest, HandWrittenScriptAgreesWithVethDevices) {
  const std::string script = devices_line(first_, second_) + hand_written_script(first_, second_);
  const auto [kernel, sim] = outputs(script);
  EXPECT_EQ(kernel, sim) << "script:\n" << script;
  EXPECT_EQ(kernel.find("\"error\""), std::string::npos) << kernel;
  EXPECT_NE(kernel.find(R"("value":")" + hex32(second_) + "00000000\""), std::string::npos)
      << "a veth is accepted and read back: " << kernel;
}

TEST_F(DevmapNamespaceTest, WithoutTheDevicesLineTheSimulationDiffers) {
  const auto [kernel, sim] = outputs(hand_written_script(first_, second_));
  EXPECT_NE(kernel, sim) << "the simulated loopback-only table must refuse the veths";
}

TEST_F(DevmapNamespaceTest, GeneratedScriptsAgreeInTheNamespace) {
  RandomScriptOptions options;
  options.map_types = {bpf::kMapDevmap, bpf::kMapDevmapHash};
  options.possible_cpus = KernelBackend().possible_cpus();
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    const std::string script = devices_line(first_, second_) + random_op_script(seed, options);
    const auto [kernel, sim] = outputs(script);
    ASSERT_EQ(kernel, sim) << "SEED=" << seed << "\n" << script;
  }
}

}  // namespace
}  // namespace mapsim
