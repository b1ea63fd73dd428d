// viz/graphviz_render.h: the svg is a function of the dot text alone (the same text twice gives
// the same bytes, clusters and gradients included, whatever ran before), and Graphviz's errors
// come back as errors; a render past its time limit is stopped and said to be.
#include "viz/graphviz_render.h"

#include <gtest/gtest.h>

#include <string>

#include "viz/lru_flowchart_dot.h"

namespace mapsim::viz {
namespace {

TEST(GraphvizRenderTest, SameDotGivesTheSameSvgEveryTime) {
  // The common-LRU chart has clusters, gradient fills and external labels: the features whose
  // output depended on earlier renders or on heap addresses when rendered in-process.
  const std::string dot = lru_flowchart_dot(LruListKind::kCommon);
  const RenderResult first = render_svg(dot);
  ASSERT_TRUE(first.ok()) << first.error;
  const RenderResult other = render_svg(lru_flowchart_dot(LruListKind::kPercpu));
  ASSERT_TRUE(other.ok()) << other.error;
  const RenderResult again = render_svg(dot);
  ASSERT_TRUE(again.ok()) << again.error;
  EXPECT_EQ(first.svg, again.svg);
  EXPECT_NE(first.svg.find("<linearGradient id=\"l_0\""), std::string::npos);
}

TEST(GraphvizRenderTest, SyntaxErrorAndUnknownEngineAreErrors) {
  const RenderResult broken = render_svg("digraph { a -> ; }");
  EXPECT_FALSE(broken.ok());
  EXPECT_TRUE(broken.svg.empty());
  EXPECT_NE(broken.error.find("graphviz: cannot read the dot text"), std::string::npos)
      << broken.error;
  EXPECT_NE(broken.error.find("syntax error"), std::string::npos) << broken.error;
  const RenderResult engine = render_svg("digraph { a -> b; }", "no-such-engine");
  EXPECT_FALSE(engine.ok());
  EXPECT_NE(engine.error.find("layout 'no-such-engine' failed"), std::string::npos)
      << engine.error;
  EXPECT_TRUE(render_svg("digraph { a -> b; }").ok()) << "a failed render leaves no trace";
}

TEST(GraphvizRenderTest, RenderPastItsTimeLimitIsStoppedAndSaysSo) {
  // A limit that has passed before Graphviz can answer: the child is killed, never waited for.
  const RenderResult stopped = render_svg(lru_flowchart_dot(LruListKind::kCommon), "dot", 1e-9);
  EXPECT_TRUE(stopped.timed_out);
  EXPECT_TRUE(stopped.svg.empty());
  EXPECT_EQ(stopped.error,
            "graphviz: the render took longer than its time limit of 1e-09 s and was stopped");
  const RenderResult next = render_svg("digraph { a -> b; }");
  EXPECT_TRUE(next.ok()) << next.error;
  EXPECT_FALSE(next.timed_out);
}

}  // namespace
}  // namespace mapsim::viz
