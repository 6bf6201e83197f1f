// A Chromium DevTools protocol client over --remote-debugging-pipe: the browser is started as a
// child process in its own process group, killed if tagwarden dies, with each renderer's
// JavaScript heap bounded and a fresh temporary profile (TMPDIR/tagwarden-chromium-PID-XXXXXX;
// profiles left by a tagwarden that no longer runs are removed first). It reads commands on its
// fd 3 and writes replies and events on its fd 4, each message one JSON text ended by a NUL byte.
// No websocket and no Node: two pipes and nlohmann-json.
// Threads: one thread owns a CdpPipe and calls everything on it (the browser's death signal is tied
// to the thread that launched it). The destructor kills the process group and removes the profile
// directory.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/result.h"

namespace tw {

struct BrowserLaunch {
  std::string binary = "/usr/bin/chromium";
  // Chromium's sandbox cannot start as root in most containers; off only when asked.
  bool sandbox = true;
  std::vector<std::string> extra_arguments;  // e.g. --host-resolver-rules=...
};

// One message from the browser: a reply (id > 0) or an event (method set). `session` is the
// flattened target session it belongs to, empty for the browser itself.
struct CdpMessage {
  std::int64_t id = 0;
  std::string method;
  std::string session;
  nlohmann::json body;  // result of a reply, params of an event
  std::string error;    // a reply's error message, empty on success
};

class CdpPipe {
 public:
  // Starts the browser. Fails with one line when the binary is missing or not executable, the
  // pipes cannot be made, or the browser does not answer Browser.getVersion within `timeout`.
  static Result<std::unique_ptr<CdpPipe>> launch(const BrowserLaunch& options,
                                                 std::chrono::milliseconds timeout);
  ~CdpPipe();
  CdpPipe(const CdpPipe&) = delete;
  CdpPipe& operator=(const CdpPipe&) = delete;

  // Queues one command and returns its id (never 0). An empty session addresses the browser.
  std::int64_t send(std::string_view method,
                    const nlohmann::json& params = nlohmann::json::object(),
                    std::string_view session = {});
  // The next message, waiting at most `timeout`; nullopt when none came in time or the browser is
  // gone (see alive()). Text that is not JSON is skipped.
  std::optional<CdpMessage> next(std::chrono::milliseconds timeout);
  // Sends a command and waits for its reply; events that arrive meanwhile are handed to `events`
  // in order (they are not lost). An error reply, a timeout or a dead browser is an Error.
  Result<nlohmann::json> call(std::string_view method, const nlohmann::json& params,
                              std::string_view session, std::chrono::milliseconds timeout,
                              std::vector<CdpMessage>* events = nullptr);
  // False once the browser closed its end of the pipe or could not be written to.
  bool alive() const { return alive_; }

 private:
  CdpPipe() = default;
  bool write_pending(std::chrono::milliseconds timeout);
  std::optional<CdpMessage> take_buffered();

  pid_t pid_ = -1;
  int to_browser_ = -1;    // our end of the browser's fd 3
  int from_browser_ = -1;  // our end of the browser's fd 4
  std::string profile_dir_;
  std::string outgoing_;
  std::string incoming_;
  std::int64_t last_id_ = 0;
  bool alive_ = true;
};

}  // namespace tw
