// A tiny HTTP/1.1 server on 127.0.0.1 for the crawler's unit tests: one thread per connection,
// each request answered by a handler that returns the raw response bytes (so tests can send
// anything, including broken answers). Connections close after each response.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace tw::test {

struct Request {
  std::string path;
  std::map<std::string, std::string> headers;  // names lower case
};

// Returns the whole response; an empty string closes the connection without answering.
using Handler = std::function<std::string(const Request&)>;

inline std::string http_response(int status, std::string_view content_type, std::string_view body,
                                 std::string_view extra_headers = "") {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " X\r\n";
  if (!content_type.empty()) out += "Content-Type: " + std::string(content_type) + "\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  out += extra_headers;
  out += "Connection: close\r\n\r\n";
  out += body;
  return out;
}

inline std::string html(std::string_view body, std::string_view extra_headers = "") {
  return http_response(200, "text/html; charset=utf-8", body, extra_headers);
}

class TestServer {
 public:
  explicit TestServer(Handler handler) : handler_(std::move(handler)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int yes = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(listener_, 128);
    socklen_t length = sizeof address;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }

  ~TestServer() {
    stopping_ = true;
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    acceptor_.join();
    // Joined without the lock: a worker may still need it to record its request.
    std::vector<std::thread> workers;
    {
      std::lock_guard lock(mutex_);
      workers.swap(workers_);
    }
    for (std::thread& worker : workers) worker.join();
  }

  int port() const { return port_; }
  std::string url(std::string_view path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }

  std::vector<Request> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  int count(std::string_view path) const {
    std::lock_guard lock(mutex_);
    int n = 0;
    for (const Request& request : requests_) n += request.path == path;
    return n;
  }

 private:
  void accept_loop() {
    while (!stopping_) {
      pollfd fd{listener_, POLLIN, 0};
      if (::poll(&fd, 1, 100) <= 0) continue;
      int client = ::accept(listener_, nullptr, nullptr);
      if (client < 0) continue;
      std::lock_guard lock(mutex_);
      workers_.emplace_back([this, client] { serve(client); });
    }
  }

  void serve(int client) {
    std::string data;
    char buffer[4096];
    while (data.find("\r\n\r\n") == std::string::npos) {
      pollfd fd{client, POLLIN, 0};
      if (stopping_ || ::poll(&fd, 1, 100) < 0) break;
      if (!(fd.revents & POLLIN)) continue;
      ssize_t n = ::recv(client, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      data.append(buffer, static_cast<std::size_t>(n));
    }
    Request request;
    std::size_t line_end = data.find("\r\n");
    std::size_t first_space = data.find(' ');
    if (line_end != std::string::npos && first_space < line_end) {
      std::size_t second = data.find(' ', first_space + 1);
      request.path = data.substr(first_space + 1, second - first_space - 1);
      std::size_t pos = line_end + 2;
      while (true) {
        std::size_t end = data.find("\r\n", pos);
        if (end == std::string::npos || end == pos) break;
        std::string line = data.substr(pos, end - pos);
        std::size_t colon = line.find(':');
        if (colon != std::string::npos) {
          std::string name = line.substr(0, colon);
          for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          std::size_t value = line.find_first_not_of(' ', colon + 1);
          request.headers[name] = value == std::string::npos ? "" : line.substr(value);
        }
        pos = end + 2;
      }
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(request);
      }
      std::string response = handler_(request);
      std::size_t sent = 0;
      while (sent < response.size() && !stopping_) {
        ssize_t n = ::send(client, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<std::size_t>(n);
      }
    }
    ::close(client);
  }

  Handler handler_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  mutable std::mutex mutex_;
  std::vector<std::thread> workers_;
  std::vector<Request> requests_;
};

// A gzip member of `data` (best compression, so bombs stay small on the wire).
inline std::string gzip(std::string_view data) {
  z_stream stream{};
  deflateInit2(&stream, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&stream, data.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

}  // namespace tw::test
