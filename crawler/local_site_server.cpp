// The local site server (see local_site_server.h): a minimal HTTP/1.0-style file server. Every
// request path is decoded, checked segment by segment and resolved inside the root before a file
// is opened.
#include "crawler/local_site_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

namespace tw {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxRequestHead = 16 * 1024;
constexpr int kReadTimeoutMs = 5000;
constexpr std::uintmax_t kMaxFileBytes = 64ull << 20;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "/a/b%20c.html?x" -> "a/b c.html"; nullopt for anything that could leave the root or name a
// hidden file: "..", ".x" segments, NUL, backslashes, bad escapes.
std::optional<std::string> relative_path(std::string_view target) {
  target = target.substr(0, target.find_first_of("?#"));
  if (target.empty() || target.front() != '/') return std::nullopt;
  std::string decoded;
  for (std::size_t i = 0; i < target.size(); ++i) {
    if (target[i] != '%') {
      decoded.push_back(target[i]);
      continue;
    }
    if (i + 2 >= target.size() || hex_value(target[i + 1]) < 0 || hex_value(target[i + 2]) < 0) {
      return std::nullopt;
    }
    decoded.push_back(static_cast<char>(hex_value(target[i + 1]) * 16 + hex_value(target[i + 2])));
    i += 2;
  }
  if (decoded.find('\0') != std::string::npos || decoded.find('\\') != std::string::npos) {
    return std::nullopt;
  }
  std::string out;
  std::stringstream segments(decoded);
  for (std::string segment; std::getline(segments, segment, '/');) {
    if (segment.empty()) continue;
    if (segment.front() == '.') return std::nullopt;
    out += (out.empty() ? "" : "/") + segment;
  }
  return out;
}

std::string content_type(const fs::path& path) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".htm", "text/html; charset=utf-8"},
      {".js", "application/javascript"},
      {".mjs", "application/javascript"},
      {".css", "text/css"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"}};
  const std::string extension = path.extension().string();
  for (const auto& [suffix, type] : kTypes) {
    if (extension == suffix) return type;
  }
  return "application/octet-stream";
}

void send_all(int connection, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t sent = send(connection, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return;
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
}

void respond(int connection, int status, const std::string& type, const std::string& body,
             bool with_body) {
  const char* reason = status == 200 ? "OK" : status == 404 ? "Not Found" : "Bad Request";
  std::string head = "HTTP/1.1 " + std::to_string(status) + " " + reason +
                     "\r\nContent-Type: " + type +
                     "\r\nContent-Length: " + std::to_string(body.size()) +
                     "\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
  send_all(connection, head);
  if (with_body) send_all(connection, body);
}

// The request line's method and target, read within the time limit; empty when none came.
std::pair<std::string, std::string> read_request_line(int connection) {
  std::string head;
  char buffer[4096];
  while (head.find("\r\n\r\n") == std::string::npos && head.size() < kMaxRequestHead) {
    pollfd in{connection, POLLIN, 0};
    if (poll(&in, 1, kReadTimeoutMs) <= 0) break;
    ssize_t got = recv(connection, buffer, sizeof buffer, 0);
    if (got <= 0) break;
    head.append(buffer, static_cast<std::size_t>(got));
  }
  std::istringstream line(head.substr(0, head.find("\r\n")));
  std::string method, target;
  line >> method >> target;
  return {method, target};
}

}  // namespace

Result<std::unique_ptr<LocalSiteServer>> LocalSiteServer::start(const std::string& root) {
  std::error_code error;
  fs::path canonical = fs::canonical(root, error);
  if (error || !fs::is_directory(canonical)) {
    return Error{"--browser: cannot serve " + root + ": not a directory"};
  }
  std::unique_ptr<LocalSiteServer> server(new LocalSiteServer());
  server->root_ = canonical.string();
  server->listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (server->listener_ < 0 ||
      bind(server->listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      listen(server->listener_, 64) != 0 ||
      getsockname(server->listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    return Error{"--browser: cannot listen on 127.0.0.1 to serve " + root + ": " +
                 std::strerror(errno)};
  }
  server->port_ = ntohs(address.sin_port);
  server->acceptor_ = std::thread([raw = server.get()] { raw->accept_loop(); });
  return server;
}

LocalSiteServer::~LocalSiteServer() {
  stopping_ = true;
  if (acceptor_.joinable()) acceptor_.join();
  if (listener_ >= 0) close(listener_);
  std::lock_guard lock(connections_mutex_);
  for (Connection& connection : connections_) connection.thread.join();
}

void LocalSiteServer::accept_loop() {
  while (!stopping_) {
    pollfd in{listener_, POLLIN, 0};
    if (poll(&in, 1, 100) <= 0) continue;
    int connection = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (connection < 0) continue;
    std::lock_guard lock(connections_mutex_);
    std::erase_if(connections_, [](Connection& finished) {
      if (!finished.done->load()) return false;
      finished.thread.join();
      return true;
    });
    auto done = std::make_shared<std::atomic<bool>>(false);
    connections_.push_back({std::thread([this, connection, done] {
                              answer(connection);
                              close(connection);
                              *done = true;
                            }),
                            done});
  }
}

void LocalSiteServer::answer(int connection) const {
  auto [method, target] = read_request_line(connection);
  const bool head_only = method == "HEAD";
  if (method != "GET" && !head_only) {
    respond(connection, 400, "text/plain", "GET and HEAD only\n", true);
    return;
  }
  std::optional<std::string> relative = relative_path(target);
  if (!relative) {
    respond(connection, 404, "text/plain", "not found\n", !head_only);
    return;
  }
  fs::path path = fs::path(root_) / *relative;
  std::error_code error;
  if (fs::is_directory(fs::symlink_status(path, error))) path /= "index.html";
  // The path as written must be the path resolved: no link anywhere on the way.
  fs::path resolved = fs::canonical(path, error);
  if (error || resolved != path.lexically_normal() ||
      !fs::is_regular_file(fs::symlink_status(resolved, error)) ||
      fs::file_size(resolved, error) > kMaxFileBytes) {
    respond(connection, 404, "text/plain", "not found\n", !head_only);
    return;
  }
  std::ifstream file(resolved, std::ios::binary);
  std::string body((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  respond(connection, 200, content_type(resolved), body, !head_only);
}

}  // namespace tw
