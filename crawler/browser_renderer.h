// The browser pass's renderer: pages opened in headless Chromium (one CdpPipe), several tabs in
// flight, each page in each consent state in a browser context of its own (fresh cookies, disposed
// with its tab, so memory stays bounded however many pages pass). What a page requests (with the
// initiator of each request), the cookies it leaves and its consent manager become a BrowserVisit.
// A tab that crashes, hangs or never settles is a visit with a note; a browser that dies is
// started again for the pages still to come.
// Threads: render() runs on the calling thread (which owns the browser) and calls `done` there.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "crawler/cdp_pipe.h"
#include "model/browser_visit.h"
#include "model/result.h"

namespace tw {

struct BrowserOptions {
  BrowserLaunch launch;
  int tabs = 2;                              // pages in flight
  std::chrono::milliseconds timeout{15000};  // per page and consent state
  std::chrono::milliseconds quiet{400};      // no request in flight this long after load: settled
  bool gpc = false;                          // Sec-GPC: 1 and navigator.globalPrivacyControl
  // --offline: requests to hosts outside these registrable domains (or hosts) are failed before
  // they leave; recorded as attempted (BrowserRequest::blocked).
  bool offline = false;
  std::vector<std::string> site_domains;
};

struct RenderJob {
  std::string url;
  ConsentState state = ConsentState::none;
  bool consent_manager_expected = false;  // the static pass saw one: wait a moment for its API
  // The host the static pass saw its script load from (empty for an inline one). When the page's
  // request to it failed or was blocked (--offline), its API cannot appear: no wait.
  std::string consent_manager_host;
};

class BrowserRenderer {
 public:
  // Starts the browser; a missing binary or a browser that does not answer is an Error (one line).
  static Result<std::unique_ptr<BrowserRenderer>> start(const BrowserOptions& options);
  ~BrowserRenderer();

  // Renders every job, options.tabs at a time, calling done(job index, visit) as each ends (in
  // completion order). `stop` is asked between events: once true, no job starts and those in
  // flight end with a note.
  void render(const std::vector<RenderJob>& jobs,
              const std::function<void(std::size_t, BrowserVisit&&)>& done,
              const std::function<bool()>& stop);

 private:
  explicit BrowserRenderer(const BrowserOptions& options);
  class Tabs;
  BrowserOptions options_;
  std::unique_ptr<CdpPipe> pipe_;
};

}  // namespace tw
