#include "tests/viz_support/browser_check.h"

#include <nlohmann/json.hpp>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tests/viz_support/static_http_server.h"

namespace mapsim::viz::testing {
namespace {

namespace fs = std::filesystem;

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

std::string run_command(const std::string& command) {
  std::string output;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return output;
  char buffer[4096];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  ::pclose(pipe);
  return output;
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
    const std::string command =
        "timeout 120 " + chromium_binary() +
        " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
        " --disable-background-networking --disable-component-update --disable-sync"
        " --user-data-dir=" + profile + " --virtual-time-budget=30000 --dump-dom " +
        server.url("viz-check.html") + " 2>/dev/null";
    check = parse_report(run_command(command));
  }
  std::error_code ignored;
  fs::remove_all(profile, ignored);
  fs::remove(fs::path(folder) / "viz-check.html", ignored);
  return check;
}

}  // namespace mapsim::viz::testing
