// Directory mode for the browser pass: a built site served on 127.0.0.1 (an ephemeral port) so
// headless Chromium can render it with no deployment. GET and HEAD only, one response per
// connection; only regular files inside the root are served (no symbolic links, no "..", no
// dot-files), so nothing a page asks for reaches the rest of the machine's files.
// Threads: the server runs its own accept thread and one short-lived thread per connection, all
// joined by the destructor.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "model/result.h"

namespace tw {

class LocalSiteServer {
 public:
  // Listens on 127.0.0.1 at a port the system picks; an Error names the root or the socket call.
  static Result<std::unique_ptr<LocalSiteServer>> start(const std::string& root);
  ~LocalSiteServer();
  LocalSiteServer(const LocalSiteServer&) = delete;
  LocalSiteServer& operator=(const LocalSiteServer&) = delete;

  int port() const { return port_; }

 private:
  LocalSiteServer() = default;
  void accept_loop();
  void answer(int connection) const;

  std::string root_;  // canonical
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  // Connections being answered, each with its done flag; finished ones are joined as new ones come.
  struct Connection {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::mutex connections_mutex_;
  std::vector<Connection> connections_;
};

}  // namespace tw
