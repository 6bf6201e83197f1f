// The DevTools pipe (see cdp_pipe.h): fork/exec with the two pipes on fds 3 and 4, NUL-framed JSON
// both ways, non-blocking ends polled with deadlines so a hung browser never hangs the scan.
#include "crawler/cdp_pipe.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace tw {
namespace {

using Clock = std::chrono::steady_clock;
using json = nlohmann::json;

constexpr int kPageHeapMegabytes = 512;  // JavaScript heap of one renderer
constexpr std::string_view kProfilePrefix = "tagwarden-chromium-";

// Profiles are named tagwarden-chromium-PID-XXXXXX after the tagwarden that made them. One whose
// tagwarden is gone (killed before its destructor ran) is removed, if it is ours and a directory;
// a live owner's, another user's and anything else is left alone.
void remove_stale_profiles(const std::filesystem::path& directory) {
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(kProfilePrefix)) continue;
    const std::string_view rest = std::string_view(name).substr(kProfilePrefix.size());
    const std::size_t dash = rest.find('-');
    if (dash == 0 || dash == std::string_view::npos ||
        rest.substr(0, dash).find_first_not_of("0123456789") != std::string_view::npos ||
        dash > 9) {
      continue;
    }
    const pid_t owner = static_cast<pid_t>(std::stol(std::string(rest.substr(0, dash))));
    if (owner == getpid() || kill(owner, 0) == 0 || errno != ESRCH) continue;
    struct stat info {};
    if (lstat(entry.path().c_str(), &info) != 0 || !S_ISDIR(info.st_mode) ||
        info.st_uid != geteuid()) {
      continue;
    }
    std::filesystem::remove_all(entry.path(), error);
  }
}

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
      // A page that allocates without end crashes its own renderer (a note for that page) before
      // it takes the machine's memory.
      "--js-flags=--max-old-space-size=" + std::to_string(kPageHeapMegabytes),
      "--password-store=basic", "--use-mock-keychain"};
  // clang-format on
  if (!options.sandbox) args.push_back("--no-sandbox");
  args.insert(args.end(), options.extra_arguments.begin(), options.extra_arguments.end());
  args.push_back("about:blank");
  return args;
}

// Headless Chromium blocks third-party cookies unless told otherwise; desktop Chrome keeps them by
// default, so the profile says so too: the cookie inventory is what a visitor's browser gets.
bool write_preferences(const std::string& profile) {
  std::error_code error;
  std::filesystem::create_directory(std::filesystem::path(profile) / "Default", error);
  if (error) return false;
  std::ofstream out(std::filesystem::path(profile) / "Default" / "Preferences");
  out << R"({"profile": {"cookie_controls_mode": 0, "block_third_party_cookies": false}})";
  return static_cast<bool>(out.flush());
}

// In the child, between fork and exec: only async-signal-safe calls.
[[noreturn]] void exec_browser(const std::vector<char*>& argv, int commands, int replies,
                               pid_t parent) {
  setpgid(0, 0);
  // A tagwarden killed outright (SIGKILL) takes its browser with it.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);
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
  const std::filesystem::path temp = std::filesystem::temp_directory_path();
  remove_stale_profiles(temp);
  std::string profile = temp / (std::string(kProfilePrefix) + std::to_string(getpid()) + "-XXXXXX");
  if (mkdtemp(profile.data()) == nullptr) {
    return Error{"--browser: cannot create a temporary profile: " +
                 std::string(std::strerror(errno))};
  }
  if (!write_preferences(profile)) {
    std::filesystem::remove_all(profile);
    return Error{"--browser: cannot write the temporary profile's preferences in " + profile};
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
  const pid_t parent = getpid();
  pipe->pid_ = fork();
  if (pipe->pid_ == 0) exec_browser(argv, commands[0], replies[1], parent);
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
