// viz/graphviz_render.h: the svg is a function of the dot text alone (the same text twice gives
// the same bytes, clusters and gradients included, whatever ran before), and Graphviz's errors
// come back as errors.
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

}  // namespace
}  // namespace mapsim::viz
