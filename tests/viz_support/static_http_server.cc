#include "tests/viz_support/static_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace mapsim::viz::testing {
namespace {

std::string content_type(const std::string& path) {
  auto ends_with = [&path](const char* suffix) {
    const size_t length = std::strlen(suffix);
    return path.size() >= length && path.compare(path.size() - length, length, suffix) == 0;
  };
  if (ends_with(".html")) return "text/html; charset=utf-8";
  if (ends_with(".svg")) return "image/svg+xml";
  if (ends_with(".json")) return "application/json";
  return "text/plain; charset=utf-8";
}

// "%20" -> ' ' (paths in the pages are percent-encoded).
std::string percent_decoded(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool escape = text[i] == '%' && i + 2 < text.size() &&
                        std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
                        std::isxdigit(static_cast<unsigned char>(text[i + 2]));
    if (escape) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

void send_all(int connection, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(connection, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<size_t>(n);
  }
}

}  // namespace

StaticHttpServer::StaticHttpServer(std::string root) : root_(std::move(root)) {
  listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (listener_ < 0) {
    error_ = std::string("socket: ") + std::strerror(errno);
    return;
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener_, 16) != 0 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    error_ = std::string("bind/listen: ") + std::strerror(errno);
    return;
  }
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { serve(); });
}

StaticHttpServer::~StaticHttpServer() {
  stopping_ = true;
  if (listener_ >= 0) {
    ::shutdown(listener_, SHUT_RDWR);  // wakes accept()
    ::close(listener_);
  }
  if (thread_.joinable()) thread_.join();
  // accept() has returned for good: no connection thread is added any more.
  for (std::thread& connection : connections_) connection.join();
}

std::string StaticHttpServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/" + path;
}

void StaticHttpServer::serve() {
  while (!stopping_) {
    const int connection = ::accept(listener_, nullptr, nullptr);
    if (connection < 0) {
      if (stopping_) return;
      continue;
    }
    // A receive timeout ends the thread of a connection that never sends a request.
    timeval limit{};
    limit.tv_sec = 5;
    ::setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    ::setsockopt(connection, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    connections_.emplace_back([this, connection] {
      answer(connection);
      ::close(connection);
    });
  }
}

void StaticHttpServer::answer(int connection) {
  std::string request;
  char buffer[4096];
  while (request.find("\r\n\r\n") == std::string::npos && request.size() < 65536) {
    const ssize_t n = ::recv(connection, buffer, sizeof buffer, 0);
    if (n <= 0) return;
    request.append(buffer, static_cast<size_t>(n));
  }
  std::istringstream line(request.substr(0, request.find("\r\n")));
  std::string method;
  std::string target;
  line >> method >> target;
  std::string path = percent_decoded(target.substr(0, target.find('?')));
  if (method != "GET" || path.empty() || path[0] != '/' || path.find("..") != std::string::npos) {
    send_all(connection, "HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    return;
  }
  if (path == "/") path = "/index.html";
  std::ifstream file(root_ + path, std::ios::binary);
  if (!file) {
    send_all(connection, "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    return;
  }
  std::stringstream body;
  body << file.rdbuf();
  const std::string content = body.str();
  send_all(connection, "HTTP/1.0 200 OK\r\nContent-Type: " + content_type(path) +
                           "\r\nContent-Length: " + std::to_string(content.size()) +
                           "\r\nConnection: close\r\n\r\n" + content);
}

}  // namespace mapsim::viz::testing
