// Opening a folder's index.html in headless Chromium and reporting what each picture shows.
//
// The folder is served on 127.0.0.1 (StaticHttpServer) so that the page may fetch its
// pictures; a checker page written into the folder loads index.html in a frame and, once it has
// loaded, reports for every <img class="picture">: whether it loaded (complete, natural width >
// 0), its natural width, the root element and the node count (<g class="node">) of its svg, and
// every id in it; and every verdict cell (class and text). Chromium runs headless with a fresh
// profile and without sandbox, GPU, QUIC, first-run, background networking, component updates
// or sync, as root in a container too (no sandbox, no /dev/shm); --dump-dom gives back the
// report. The run is stopped after 60 s at most (it normally takes a few seconds).
#pragma once

#include <string>
#include <vector>

namespace mapsim::viz::testing {

// The Chromium binary (MAPSIM_CHROMIUM, else /usr/bin/chromium), or "" when there is none.
std::string chromium_binary();
// True where a missing Chromium is a failure, not a reason to skip: CI (CI=true), which installs
// it with scripts/install-deps.sh.
bool chromium_required();

struct BrowserPicture {
  std::string path;  ///< data-picture: the svg's path relative to the index
  bool loaded = false;
  int width = 0;
  std::string root;  ///< the svg document's root element ("svg")
  int nodes = 0;     ///< <g class="node"> elements
  std::vector<std::string> ids;
  std::string error;
};

struct BrowserVerdict {
  std::string classes;
  std::string text;
};

struct BrowserCheck {
  std::string error;  ///< "" when the checker page reported
  std::vector<BrowserPicture> pictures;
  std::vector<BrowserVerdict> verdicts;
};

// REQUIRES: chromium_binary() is not empty; `folder` holds index.html.
BrowserCheck check_index_in_chromium(const std::string& folder);

}  // namespace mapsim::viz::testing
