// The DevTools pipe (see cdp_pipe.h): fork/exec with the two pipes on fds 3 and 4, NUL-framed JSON
// both ways, non-blocking ends polled with deadlines so a hung browser never hangs the scan.
#include "crawler/cdp_pipe.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace tw {
namespace {

using Clock = std::chrono::steady_clock;
using json = nlohmann::json;

std::vector<std::string> browser_arguments(const BrowserLaunch& options,
                                           const std::string& profile) {
  // clang-format off
  std::vector<std::string> args = {
      options.binary, "--headless=new", "--remote-debugging-pipe", "--user-data-dir=" + profile,
      "--no-first-run", "--no-default-browser-check",
      // No background work of the browser's own: only the pages cost CPU and network.
      "--disable-background-networking", "--disable-component-update", "--disable-default-apps",
      "--disable-sync", "--disable-extensions", "--disable-client-side-phishing-detection",
      "--disable-domain-reliability", "--disable-breakpad", "--metrics-recording-only",
      "--no-service-autorun",
      // Every tab renders at full speed, focused or not.
      "--disable-background-timer-throttling", "--disable-backgrounding-occluded-windows",
      "--disable-renderer-backgrounding",
      // Pages load as the scan names them: no automatic https try. Frames of every site render
      // in the page's own process, so the page's session sees their requests too (and a page
      // costs one renderer, not one per site it embeds).
      "--disable-features=HttpsUpgrades,HttpsFirstBalancedModeAutoEnable,IsolateOrigins,"
      "site-per-process",
      "--disable-site-isolation-trials",
      "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,800", "--mute-audio",
      "--password-store=basic", "--use-mock-keychain"};
  // clang-format on
  if (!options.sandbox) args.push_back("--no-sandbox");
  args.insert(args.end(), options.extra_arguments.begin(), options.extra_arguments.end());
  args.push_back("about:blank");
  return args;
}

// In the child, between fork and exec: only async-signal-safe calls.
[[noreturn]] void exec_browser(const std::vector<char*>& argv, int commands, int replies) {
  setpgid(0, 0);
  int null = open("/dev/null", O_RDWR);
  if (null >= 0) {
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
  }
  // dup2 clears close-on-exec on the new descriptors; the originals close at exec.
  if (dup2(commands, 3) < 0 || dup2(replies, 4) < 0) _exit(127);
  execv(argv[0], argv.data());
  _exit(127);
}

std::chrono::milliseconds left_until(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return std::max(left, std::chrono::milliseconds(0));
}

}  // namespace

Result<std::unique_ptr<CdpPipe>> CdpPipe::launch(const BrowserLaunch& options,
                                                 std::chrono::milliseconds timeout) {
  if (access(options.binary.c_str(), X_OK) != 0) {
    return Error{"--browser: cannot run " + options.binary + " (" + std::strerror(errno) +
                 "); install Debian's chromium package"};
  }
  // A browser that dies mid-write must be an error value here, not a signal that ends the scan.
  signal(SIGPIPE, SIG_IGN);
  std::string profile = (std::filesystem::temp_directory_path() / "tagwarden-chromium-XXXXXX");
  if (mkdtemp(profile.data()) == nullptr) {
    return Error{"--browser: cannot create a temporary profile: " +
                 std::string(std::strerror(errno))};
  }
  int commands[2], replies[2];
  if (pipe2(commands, O_CLOEXEC) != 0) {
    std::filesystem::remove_all(profile);
    return Error{"--browser: cannot create a pipe: " + std::string(std::strerror(errno))};
  }
  if (pipe2(replies, O_CLOEXEC) != 0) {
    close(commands[0]);
    close(commands[1]);
    std::filesystem::remove_all(profile);
    return Error{"--browser: cannot create a pipe: " + std::string(std::strerror(errno))};
  }
  std::vector<std::string> args = browser_arguments(options, profile);
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  std::unique_ptr<CdpPipe> pipe(new CdpPipe());
  pipe->profile_dir_ = profile;
  pipe->pid_ = fork();
  if (pipe->pid_ == 0) exec_browser(argv, commands[0], replies[1]);
  close(commands[0]);
  close(replies[1]);
  pipe->to_browser_ = commands[1];
  pipe->from_browser_ = replies[0];
  if (pipe->pid_ < 0) {
    pipe->alive_ = false;
    return Error{"--browser: cannot start " + options.binary + ": " + std::strerror(errno)};
  }
  setpgid(pipe->pid_, pipe->pid_);  // also here, so the group exists before the child runs
  fcntl(pipe->to_browser_, F_SETFL, O_NONBLOCK);
  fcntl(pipe->from_browser_, F_SETFL, O_NONBLOCK);
  auto version = pipe->call("Browser.getVersion", json::object(), {}, timeout);
  if (!version) {
    return Error{"--browser: " + options.binary + " did not start (" + version.error() + ")" +
                 (options.sandbox && geteuid() == 0 ? "; as root, pass --browser-no-sandbox" : "")};
  }
  return pipe;
}

CdpPipe::~CdpPipe() {
  if (to_browser_ >= 0) close(to_browser_);
  if (from_browser_ >= 0) close(from_browser_);
  if (pid_ > 0) {
    kill(-pid_, SIGKILL);
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (!profile_dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(profile_dir_, ignored);
  }
}

std::int64_t CdpPipe::send(std::string_view method, const json& params, std::string_view session) {
  json message = {{"id", ++last_id_}, {"method", method}, {"params", params}};
  if (!session.empty()) message["sessionId"] = session;
  outgoing_ += message.dump(-1, ' ', false, json::error_handler_t::replace);
  outgoing_.push_back('\0');
  write_pending(std::chrono::milliseconds(0));
  return last_id_;
}

// Writes what it can of the queued commands within `timeout`; false when the browser is gone.
bool CdpPipe::write_pending(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (alive_ && !outgoing_.empty()) {
    ssize_t wrote = write(to_browser_, outgoing_.data(), outgoing_.size());
    if (wrote > 0) {
      outgoing_.erase(0, static_cast<std::size_t>(wrote));
      continue;
    }
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote < 0 && errno != EAGAIN) {
      alive_ = false;
      break;
    }
    pollfd out{to_browser_, POLLOUT, 0};
    int wait = static_cast<int>(left_until(deadline).count());
    if (poll(&out, 1, wait) <= 0) break;
  }
  return alive_;
}

std::optional<CdpMessage> CdpPipe::take_buffered() {
  while (true) {
    std::size_t end = incoming_.find('\0');
    if (end == std::string::npos) return std::nullopt;
    json parsed =
        json::parse(incoming_.begin(), incoming_.begin() + static_cast<long>(end), nullptr, false);
    incoming_.erase(0, end + 1);
    if (!parsed.is_object()) continue;
    CdpMessage message;
    message.id = parsed.value("id", std::int64_t{0});
    message.method = parsed.value("method", "");
    message.session = parsed.value("sessionId", "");
    if (auto error = parsed.find("error"); error != parsed.end() && error->is_object()) {
      message.error = error->value("message", "error");
      if (message.error.empty()) message.error = "error";
    }
    auto body = parsed.find(message.id != 0 ? "result" : "params");
    message.body = body != parsed.end() ? std::move(*body) : json::object();
    return message;
  }
}

std::optional<CdpMessage> CdpPipe::next(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    if (auto message = take_buffered()) return message;
    if (!alive_) return std::nullopt;
    if (!outgoing_.empty()) write_pending(std::chrono::milliseconds(0));
    pollfd fds[2] = {{from_browser_, POLLIN, 0}, {to_browser_, POLLOUT, 0}};
    int wait = static_cast<int>(left_until(deadline).count());
    int ready = poll(fds, outgoing_.empty() ? 1 : 2, wait);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return std::nullopt;
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      char buffer[65536];
      ssize_t got = read(from_browser_, buffer, sizeof buffer);
      if (got > 0) {
        incoming_.append(buffer, static_cast<std::size_t>(got));
      } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
        alive_ = false;
      }
    }
  }
}

Result<json> CdpPipe::call(std::string_view method, const json& params, std::string_view session,
                           std::chrono::milliseconds timeout, std::vector<CdpMessage>* events) {
  const auto deadline = Clock::now() + timeout;
  const std::int64_t id = send(method, params, session);
  while (true) {
    std::optional<CdpMessage> message = next(left_until(deadline));
    if (!message) {
      if (!alive_) return Error{"the browser closed the DevTools pipe"};
      return Error{std::string(method) + " got no answer in time"};
    }
    if (message->id == id) {
      if (!message->error.empty()) return Error{std::string(method) + ": " + message->error};
      return std::move(message->body);
    }
    if (events != nullptr && message->id == 0) events->push_back(std::move(*message));
  }
}

}  // namespace tw
