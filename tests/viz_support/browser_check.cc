#include "tests/viz_support/browser_check.h"

#include <nlohmann/json.hpp>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/viz_support/static_http_server.h"

namespace mapsim::viz::testing {
namespace {

namespace fs = std::filesystem;

// The longest a Chromium run may take before it is stopped (it normally takes 1-5 s).
constexpr int kChromiumSeconds = 60;

// Loads index.html in a frame; writes what it found, URI-encoded JSON, into #result.
constexpr const char* kCheckerPage = R"(<!DOCTYPE html>
<html><body><pre id="result">pending</pre>
<iframe id="page" src="index.html" style="width:1200px;height:900px"></iframe>
<script>
async function check() {
  const page = document.getElementById('page').contentDocument;
  const pictures = [];
  for (const img of page.querySelectorAll('img.picture')) {
    const entry = {path: img.dataset.picture, loaded: img.complete && img.naturalWidth > 0,
                   width: img.naturalWidth, nodes: 0, ids: [], root: '', error: ''};
    try {
      const text = await (await fetch(img.src)).text();
      const svg = new DOMParser().parseFromString(text, 'image/svg+xml');
      entry.root = svg.documentElement.nodeName;
      entry.nodes = svg.querySelectorAll('g.node').length;
      entry.ids = Array.from(svg.querySelectorAll('[id]')).map(e => e.id);
    } catch (e) { entry.error = String(e); }
    pictures.push(entry);
  }
  const verdicts = Array.from(page.querySelectorAll('td.verdict')).map(
      td => ({classes: td.className, text: td.textContent}));
  document.getElementById('result').textContent =
      encodeURIComponent(JSON.stringify({pictures, verdicts}));
}
document.getElementById('page').addEventListener('load', check);
</script></body></html>
)";

// Runs `command` through the shell with its standard output sent to `output_path`, and returns
// what it wrote. The output goes to a file, not a pipe: a helper process Chromium leaves behind
// (crashpad, a zygote) may keep an inherited pipe open after the browser exits, and a reader
// waiting for that pipe's end would hang; the shell only waits for its own child.
std::string run_to_file(const std::string& command, const std::string& output_path,
                        int* status) {
  *status = std::system((command + " >" + output_path + " 2>/dev/null").c_str());
  std::ifstream in(output_path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string uri_decoded(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

BrowserCheck parse_report(const std::string& dom) {
  BrowserCheck check;
  const std::string open = "<pre id=\"result\">";
  const size_t start = dom.find(open);
  if (start == std::string::npos) {
    check.error = "no result in the page: " + dom.substr(0, 500);
    return check;
  }
  const size_t begin = start + open.size();
  const std::string encoded = dom.substr(begin, dom.find("</pre>", begin) - begin);
  if (encoded == "pending") {
    check.error = "the checker did not finish";
    return check;
  }
  try {
    const nlohmann::json report = nlohmann::json::parse(uri_decoded(encoded));
    for (const nlohmann::json& item : report.at("pictures")) {
      check.pictures.push_back(BrowserPicture{item.at("path"), item.at("loaded"),
                                              item.at("width"), item.at("root"),
                                              item.at("nodes"), item.at("ids"),
                                              item.at("error")});
    }
    for (const nlohmann::json& item : report.at("verdicts")) {
      check.verdicts.push_back(BrowserVerdict{item.at("classes"), item.at("text")});
    }
  } catch (const nlohmann::json::exception& error) {
    check.error = std::string("the checker's report is not as expected: ") + error.what();
  }
  return check;
}

}  // namespace

std::string chromium_binary() {
  if (const char* configured = std::getenv("MAPSIM_CHROMIUM")) return configured;
  for (const char* candidate : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
    if (::access(candidate, X_OK) == 0) return candidate;
  }
  return "";
}

bool chromium_required() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

BrowserCheck check_index_in_chromium(const std::string& folder) {
  BrowserCheck check;
  {
    std::ofstream page(fs::path(folder) / "viz-check.html");
    page << kCheckerPage;
  }
  std::string profile = (fs::temp_directory_path() / "mapsim-chromium-XXXXXX").string();
  if (::mkdtemp(profile.data()) == nullptr) {
    check.error = "cannot create a Chromium profile folder";
    return check;
  }
  StaticHttpServer server(folder);
  if (!server.error().empty()) {
    check.error = server.error();
  } else {
    // Headless, as root in a container: no sandbox (it needs user namespaces), /tmp instead of
    // a small /dev/shm, no GPU, crash reporter or network services. `timeout` bounds the whole
    // run (and kills Chromium's process group when it expires); the virtual time budget bounds
    // the page itself. A run takes a few seconds.
    const std::string command =
        "timeout -k 5 " + std::to_string(kChromiumSeconds) + " " + chromium_binary() +
        " --headless --no-sandbox --disable-dev-shm-usage --disable-gpu --disable-crash-reporter"
        " --disable-breakpad --disable-quic --no-first-run --no-default-browser-check"
        " --disable-background-networking --disable-component-update --disable-sync"
        " --disable-extensions --user-data-dir=" + profile +
        " --virtual-time-budget=20000 --dump-dom " + server.url("viz-check.html");
    int status = 0;
    const std::string dom = run_to_file(command, profile + "/dom.html", &status);
    check = parse_report(dom);
    if (!check.error.empty()) {
      const int exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      check.error += exit_code == 124 || exit_code == 137
                         ? " (Chromium was stopped after " + std::to_string(kChromiumSeconds) +
                               " s)"
                         : " (Chromium exit status " + std::to_string(exit_code) + ")";
    }
  }
  std::error_code ignored;
  fs::remove_all(profile, ignored);
  fs::remove(fs::path(folder) / "viz-check.html", ignored);
  return check;
}

}  // namespace mapsim::viz::testing
