// StaticHttpServer: serves the files of one folder over HTTP/1.0 on 127.0.0.1 (an ephemeral
// port), for browser tests: pages loaded over http:// may fetch the pictures beside them,
// which file:// pages may not. GET only; paths with ".." are refused; every connection is
// answered on its own thread and closed after one response, and a connection that sends
// nothing is dropped after a few seconds, so a browser's idle pre-connections never hold up
// the page's requests.
#pragma once

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace mapsim::viz::testing {

class StaticHttpServer {
 public:
  explicit StaticHttpServer(std::string root);
  ~StaticHttpServer();
  StaticHttpServer(const StaticHttpServer&) = delete;
  StaticHttpServer& operator=(const StaticHttpServer&) = delete;

  // "" when serving; else why not.
  const std::string& error() const { return error_; }
  int port() const { return port_; }
  std::string url(const std::string& path) const;

 private:
  void serve();
  void answer(int connection);

  std::string root_;
  std::string error_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;  ///< accepts
  std::vector<std::thread> connections_;  ///< one per connection (added by thread_ only),
                                          ///< joined by the destructor after thread_
};

}  // namespace mapsim::viz::testing
