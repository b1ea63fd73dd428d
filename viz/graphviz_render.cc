#include "viz/graphviz_render.h"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <mutex>

#if defined(__SANITIZE_ADDRESS__)
// Graphviz 2.43 and fontconfig keep caches they never free (font tables, the plugin
// configuration); LeakSanitizer would report them at exit of every program that renders. Only
// allocations made inside those libraries are suppressed; leaks in mapsim code are still found.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libfontconfig.so\n"
         "leak:libgvc.so\n"
         "leak:libcgraph.so\n"
         "leak:libgvplugin_\n"
         "leak:libpango\n"
         "leak:libcairo\n"
         "leak:libglib\n"
         "leak:libgobject\n";
}
#endif

namespace mapsim::viz {
namespace {

std::mutex& graphviz_mutex() {
  static std::mutex mutex;
  return mutex;
}

// What Graphviz reported during the current call (guarded by graphviz_mutex()).
std::string& captured_messages() {
  static std::string messages;
  return messages;
}

int capture_message(char* message) {
  captured_messages() += message;
  return 0;
}

GVC_t* shared_context() {
  // Created once and kept for the life of the process: loading the plugin table is the
  // expensive part of a render, and the context holds no per-graph state.
  static GVC_t* context = gvContext();
  return context;
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

RenderResult render_svg(std::string_view dot, std::string_view engine) {
  std::lock_guard<std::mutex> lock(graphviz_mutex());
  RenderResult result;
  GVC_t* context = shared_context();
  if (context == nullptr) {
    result.error = "graphviz: no context (is the graphviz plugin configuration installed?)";
    return result;
  }
  captured_messages().clear();
  agseterrf(capture_message);
  agseterr(AGERR);  // warnings (font substitutions and the like) are not errors
  agreseterrors();
  const std::string text(dot);
  Agraph_t* graph = agmemread(text.c_str());
  if (graph == nullptr || agerrors() > 0) {
    result.error = "graphviz: cannot read the dot text: " + trimmed(captured_messages());
    if (graph != nullptr) agclose(graph);
    return result;
  }
  const std::string engine_name(engine);
  if (gvLayout(context, graph, engine_name.c_str()) != 0) {
    result.error = "graphviz: layout '" + engine_name + "' failed: " +
                   trimmed(captured_messages());
    agclose(graph);
    return result;
  }
  char* data = nullptr;
  unsigned int length = 0;
  if (gvRenderData(context, graph, "svg", &data, &length) != 0 || data == nullptr) {
    result.error = "graphviz: svg rendering failed: " + trimmed(captured_messages());
  } else {
    result.svg.assign(data, length);
  }
  if (data != nullptr) gvFreeRenderData(data);
  gvFreeLayout(context, graph);
  agclose(graph);
  return result;
}

}  // namespace mapsim::viz
