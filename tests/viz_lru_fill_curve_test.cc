// viz/lru_fill_curve.h: fill curves of the real LRU map against the fact sheet's kernel
// observations, and the svg plot.
//   * common LRU, 2 CPUs, max_entries 1000, every insert from CPU 0: 976 keys after 1000 inserts
//     and 977 after 1001 (fact sheet 4.10, observed on the kernel); the first eviction comes with
//     the 8th refill, at insert 897 (7 refills of target_free 128 moved 896 nodes);
//   * per-CPU lists, max_entries 4, 2 CPUs: 4 inserts from CPU 0 keep 2 keys; from both CPUs,
//     4 (fact sheet 4.3);
//   * the plot has the ideal line, the measured curve, the shaded gap and a summary.
#include "viz/lru_fill_curve.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "tests/viz_support/svg_document.h"

namespace mapsim::viz {
namespace {

uint64_t retained_after(const LruFillCurve& curve, uint64_t inserted) {
  for (const auto& [x, y] : curve.points) {
    if (x == inserted) return y;
  }
  ADD_FAILURE() << "no point at " << inserted;
  return 0;
}

TEST(LruFillCurveTest, CommonLruFromOneCpuMatchesTheKernel) {
  LruFillConfig config;
  config.max_entries = 1000;
  config.possible_cpus = 2;
  config.inserting_cpus = 1;
  const LruFillCurve curve = measure_lru_fill_curve(config);
  ASSERT_TRUE(curve.error.empty()) << curve.error;
  EXPECT_EQ(curve.capacity, 1000u);
  EXPECT_EQ(curve.sample_stride, 1u);
  EXPECT_EQ(curve.points.size(), 2001u) << "(0, 0) and every insert";
  EXPECT_EQ(curve.retained_at_capacity, 976u);
  EXPECT_EQ(retained_after(curve, 1000), 976u);
  EXPECT_EQ(retained_after(curve, 1001), 977u);
  EXPECT_EQ(curve.first_premature_eviction, 897u);
  EXPECT_EQ(retained_after(curve, 896), 896u);
  EXPECT_EQ(curve.failed_inserts, 0u);
  EXPECT_EQ(curve.describe(),
            "LRU_HASH (common LRU) max_entries=1000, 2 possible CPUs, inserts from CPU 0");
}

TEST(LruFillCurveTest, PercpuListsPartitionCapacityByCpu) {
  LruFillConfig config;
  config.max_entries = 4;
  config.possible_cpus = 2;
  config.percpu_lists = true;
  config.inserts = 4;
  config.inserting_cpus = 1;
  const LruFillCurve one_cpu = measure_lru_fill_curve(config);
  EXPECT_EQ(retained_after(one_cpu, 4), 2u);
  EXPECT_EQ(one_cpu.first_premature_eviction, 3u);
  config.inserting_cpus = 2;
  const LruFillCurve both = measure_lru_fill_curve(config);
  EXPECT_EQ(retained_after(both, 4), 4u);
  EXPECT_EQ(both.first_premature_eviction, 0u);
}

// 192 CPUs, 4096 entries: target_free = 4096 / 192 / 2 = 10. After 4096 round-robin inserts,
// 64 CPUs inserted 22 keys and 128 CPUs 21, each from refills of 10 nodes (3 refills: 30
// nodes), so 64 x 8 + 128 x 9 = 1664 free nodes sit idle in local lists: 2432 keys remain.
TEST(LruFillCurveTest, ManyCpusLoseCapacityToLocalListsAndLargeRunsAreSampled) {
  LruFillConfig config;
  config.max_entries = 4096;
  config.possible_cpus = 192;
  config.samples_max = 500;
  const LruFillCurve curve = measure_lru_fill_curve(config);
  ASSERT_TRUE(curve.error.empty());
  EXPECT_EQ(curve.sample_stride, 17u) << "8192 inserts / 500 samples, rounded up";
  EXPECT_LE(curve.points.size(), 503u);
  EXPECT_EQ(curve.points.back().first, 8192u);
  EXPECT_EQ(curve.retained_at_capacity, 2432u) << "the capacity point is always measured";
  for (const auto& [inserted, retained] : curve.points) EXPECT_LE(retained, 4096u);
  // 64 CPUs: target_free 32, and 4096 inserts are 2 refills on every CPU: no node idles.
  config.possible_cpus = 64;
  EXPECT_EQ(measure_lru_fill_curve(config).retained_at_capacity, 4096u);
}

TEST(LruFillCurveTest, PlotShowsIdealActualAndTheGap) {
  LruFillConfig config;
  config.max_entries = 1000;
  config.possible_cpus = 2;
  config.inserting_cpus = 1;
  const LruFillCurve curve = measure_lru_fill_curve(config);
  const Picture picture = draw_lru_fill_curve(curve);
  ASSERT_TRUE(picture.ok()) << picture.error;
  EXPECT_TRUE(picture.dot.empty());
  std::string error;
  const auto svg = testing::SvgDocument::parse(picture.svg, &error);
  ASSERT_TRUE(svg.has_value()) << error;
  for (const char* id : {"ideal", "actual", "premature", "capacity", "summary", "title"}) {
    EXPECT_NE(svg->element(id), nullptr) << id;
  }
  const testing::SvgElement* actual = svg->element("actual");
  ASSERT_NE(actual, nullptr);
  // Straight runs are drawn by their ends: 0 -> 896, the drop at 897, the climb to 1000, then
  // the sawtooth of each refill.
  const std::string& points = actual->attributes.at("points");
  const size_t corners = static_cast<size_t>(std::count(points.begin(), points.end(), ','));
  EXPECT_GE(corners, 10u);
  EXPECT_LT(corners, 60u);
  const testing::SvgElement* ideal = svg->element("ideal");
  ASSERT_NE(ideal, nullptr);
  const std::string& ideal_points = ideal->attributes.at("points");
  EXPECT_EQ(std::count(ideal_points.begin(), ideal_points.end(), ','), 3) << ideal_points;
  EXPECT_EQ(svg->element("summary")->text,
            "after 1000 inserts: 976 keys retained (24 evicted prematurely, 2.4%); first "
            "premature eviction by insert 897");
  EXPECT_NE(svg->element("title")->text.find("max_entries=1000"), std::string::npos);
}

TEST(LruFillCurveTest, BadConfigurationIsAnError) {
  LruFillConfig config;
  config.possible_cpus = 2;
  config.inserting_cpus = 3;
  const LruFillCurve curve = measure_lru_fill_curve(config);
  EXPECT_EQ(curve.error, "fill curve: inserting_cpus must be in [0, possible_cpus], got 3");
  EXPECT_EQ(draw_lru_fill_curve(curve).error, curve.error);
  config.inserting_cpus = 0;
  config.possible_cpus = 0;
  EXPECT_NE(measure_lru_fill_curve(config).error.find("possible_cpus must be in [1, 4096]"),
            std::string::npos);
}

}  // namespace
}  // namespace mapsim::viz
