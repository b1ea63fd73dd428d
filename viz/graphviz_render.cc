#include "viz/graphviz_render.h"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

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

// What Graphviz reported during the render (child process only).
std::string& captured_messages() {
  static std::string messages;
  return messages;
}

int capture_message(char* message) {
  captured_messages() += message;
  return 0;
}

GVC_t* shared_context() {
  // Created once, in the parent: only the plugin table, no layout state.
  static GVC_t* context = gvContext();
  return context;
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// Object ids by name, in order of first appearance. cgraph's default id discipline uses the
// address of the interned name as the id of a named object, and keeps subgraphs ordered by id,
// so the order in which clusters are laid out and drawn would follow heap addresses (which
// differ from one process to the next). Ids handed out in order of appearance make that order a
// function of the dot text. Even ids are named objects, odd ones anonymous (cgraph's
// convention); 0 is "no such name".
struct NameIds {
  std::map<std::string, IDTYPE, std::less<>> by_name;
  std::map<IDTYPE, std::string> by_id;
  IDTYPE next_named = 2;
  IDTYPE next_anonymous = 1;
};

NameIds& name_ids() {
  static NameIds ids;  // one graph is read per (child) process
  return ids;
}

void* ids_open(Agraph_t*, Agdisc_t*) { return &name_ids(); }

long ids_map(void* state, int, char* name, IDTYPE* id, int create) {
  auto* ids = static_cast<NameIds*>(state);
  if (name == nullptr) {
    *id = ids->next_anonymous;
    ids->next_anonymous += 2;
    return 1;
  }
  const auto found = ids->by_name.find(std::string_view(name));
  if (found != ids->by_name.end()) {
    *id = found->second;
  } else if (create) {
    *id = ids->next_named;
    ids->next_named += 2;
    ids->by_name.emplace(name, *id);
    ids->by_id.emplace(*id, name);
  } else {
    *id = 0;
  }
  return 1;
}

long ids_alloc(void*, int, IDTYPE) { return 0; }  // no caller-chosen ids
void ids_free(void*, int, IDTYPE) {}

char* ids_print(void* state, int, IDTYPE id) {
  auto* ids = static_cast<NameIds*>(state);
  const auto found = ids->by_id.find(id);
  return found == ids->by_id.end() ? nullptr : found->second.data();
}

void ids_close(void*) {}
void ids_register(void*, int, void*) {}

Agiddisc_t kNameIdDiscipline = {ids_open, ids_map,   ids_alloc,   ids_free,
                                ids_print, ids_close, ids_register};

// The render itself, in the child: 'S' + svg, or 'E' + the error.
std::string render_in_child(GVC_t* context, const std::string& dot, const std::string& engine) {
  agseterrf(capture_message);
  agseterr(AGERR);  // warnings (font substitutions and the like) are not errors
  agreseterrors();
  FILE* input = ::fmemopen(const_cast<char*>(dot.data()), dot.size(), "r");
  if (input == nullptr) return std::string("Egraphviz: fmemopen: ") + std::strerror(errno);
  Agdisc_t discipline = {&AgMemDisc, &kNameIdDiscipline, &AgIoDisc};
  Agraph_t* graph = agread(input, &discipline);
  if (graph == nullptr || agerrors() > 0) {
    return "Egraphviz: cannot read the dot text: " + trimmed(captured_messages());
  }
  if (gvLayout(context, graph, engine.c_str()) != 0) {
    return "Egraphviz: layout '" + engine + "' failed: " + trimmed(captured_messages());
  }
  char* data = nullptr;
  unsigned int length = 0;
  if (gvRenderData(context, graph, "svg", &data, &length) != 0 || data == nullptr) {
    return "Egraphviz: svg rendering failed: " + trimmed(captured_messages());
  }
  return "S" + std::string(data, length);  // the process ends next: nothing to free
}

void write_all(int fd, const std::string& data) {
  size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    written += static_cast<size_t>(n);
  }
}

// Reads until the writer closes the pipe, or until `deadline`; false when the deadline came
// first.
bool read_all(int fd, std::chrono::steady_clock::time_point deadline, std::string* data) {
  char buffer[65536];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd readable{fd, POLLIN, 0};
    const int ready = ::poll(&readable, 1, static_cast<int>(std::min<int64_t>(left.count(),
                                                                               1000)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return true;  // the pipe is unusable: what was read is the answer
    if (ready == 0) continue;    // the loop checks the deadline
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return true;
    data->append(buffer, static_cast<size_t>(n));
  }
}

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", seconds);
  return text;
}

}  // namespace

RenderResult render_svg(std::string_view dot, std::string_view engine, double seconds_max) {
  std::lock_guard<std::mutex> lock(graphviz_mutex());
  // From here: waiting for another thread's render does not count against this one.
  const auto deadline =
      std::chrono::steady_clock::now() +
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::duration<double>(seconds_max));
  RenderResult result;
  GVC_t* context = shared_context();
  if (context == nullptr) {
    result.error = "graphviz: no context (is the graphviz plugin configuration installed?)";
    return result;
  }
  const std::string text(dot);
  const std::string engine_name(engine);
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) {
    result.error = std::string("graphviz: pipe: ") + std::strerror(errno);
    return result;
  }
  const pid_t child = ::fork();
  if (child < 0) {
    result.error = std::string("graphviz: fork: ") + std::strerror(errno);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    return result;
  }
  if (child == 0) {
    ::close(pipe_fds[0]);
    write_all(pipe_fds[1], render_in_child(context, text, engine_name));
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  std::string answer;
  const bool finished = read_all(pipe_fds[0], deadline, &answer);
  ::close(pipe_fds[0]);
  if (!finished) ::kill(child, SIGKILL);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (!finished) {
    result.timed_out = true;
    result.error = "graphviz: the render took longer than its time limit of " +
                   seconds_text(seconds_max) + " s and was stopped";
  } else if (WIFSIGNALED(status)) {
    result.error = "graphviz: the renderer died (signal " + std::to_string(WTERMSIG(status)) + ")";
  } else if (answer.empty()) {
    result.error = "graphviz: the renderer gave no answer";
  } else if (answer[0] == 'S') {
    result.svg = answer.substr(1);
  } else {
    result.error = answer.substr(1);
  }
  return result;
}

}  // namespace mapsim::viz
