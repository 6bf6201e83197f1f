// The renderer (see browser_renderer.h): one event loop over the DevTools pipe drives every tab as
// a small state machine (context, target, session, setup, navigate, load, settle, consent, settle,
// collect, dispose). Replies find their tab by command id, events by session id.
#include "crawler/browser_renderer.h"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>

#include "model/domain.h"
#include "model/url.h"

namespace tw {
namespace {

using Clock = std::chrono::steady_clock;
using json = nlohmann::json;
using std::chrono::milliseconds;

constexpr milliseconds kLaunchTimeout{20000};
constexpr milliseconds kCollectGrace{2000};  // to read cookies and dispose after a timeout
constexpr int kPagesPerContext = 20;  // then a fresh context (and renderer): memory stays bounded
constexpr std::size_t kMaxRequests = 2000;  // per visit: a page that loops on requests is cut
constexpr std::size_t kMaxLogRows = 1000;   // cookie and image writes read back per visit

// Runs in every document before its own scripts: remembers which script wrote each cookie through
// document.cookie, and which script set an image's src (Chromium starts image loads after the
// script has returned, so their initiator reads as the parser), from the script URL on the stack;
// announces GPC when asked.
std::string document_start_script(bool gpc) {
  std::string script = R"js((() => {
  const log = {cookies: [], images: []};
  Object.defineProperty(window, '__tagwardenLog', {value: log});
  const caller = () => {
    for (const line of String(new Error().stack).split('\n')) {
      const m = line.match(/(https?:\/\/[^\s()]+?):\d+:\d+\)?\s*$/);
      if (m) return m[1];
    }
    return '';
  };
  const hook = (proto, name, record) => {
    const d = Object.getOwnPropertyDescriptor(proto, name);
    if (!d || !d.set || !d.get) return;
    Object.defineProperty(proto, name, {
      configurable: true, enumerable: d.enumerable,
      get() { return d.get.call(this); },
      set(value) {
        try { record(String(value)); } catch (e) {}
        d.set.call(this, value);
      }});
  };
  hook(Document.prototype, 'cookie', value => {
    if (log.cookies.length < 1000) log.cookies.push([value.split('=')[0].trim(), caller()]);
  });
  hook(HTMLImageElement.prototype, 'src', value => {
    if (log.images.length < 1000) log.images.push([new URL(value, document.baseURI).href, caller()]);
  });
})();)js";
  if (gpc) {
    script += R"js(
Object.defineProperty(Navigator.prototype, 'globalPrivacyControl',
                      {configurable: true, enumerable: true, get: () => true});)js";
  }
  return script;
}

// Finds the consent manager through its own API and, for reject/accept, tells it the visitor's
// choice; reads the IAB TCF string when the page has __tcfapi. Resolves to {manager, action, tc}.
std::string consent_script(ConsentState state, bool expected) {
  std::string script = R"js((async (action, patience) => {
  const w = window, out = {manager: '', action: 'not-driven', tc: ''};
  const wait = ms => new Promise(r => setTimeout(r, ms));
  const fn = (o, name) => o && typeof o[name] === 'function';
  const find = () => {
    if (fn(w.OneTrust, 'RejectAll') && fn(w.OneTrust, 'AllowAll')) return 'onetrust';
    if (fn(w.Cookiebot, 'submitCustomConsent')) return 'cookiebot';
    if (fn(w.Didomi, 'setUserDisagreeToAll') && fn(w.Didomi, 'setUserAgreeToAll')) return 'didomi';
    if (fn(w.UC_UI, 'denyAllConsents') || fn(w.__ucCmp, 'denyAllConsents')) return 'usercentrics';
    if (typeof w.__tcfapi === 'function') return 'tcf';
    return '';
  };
  let m = find();
  for (let i = 0; i < patience && (m === '' || m === 'tcf'); ++i) { await wait(100); m = find(); }
  out.manager = m;
  if (action !== 'none' && m !== '' && m !== 'tcf') {
    const yes = action === 'accept';
    try {
      if (m === 'onetrust') yes ? w.OneTrust.AllowAll() : w.OneTrust.RejectAll();
      else if (m === 'cookiebot') w.Cookiebot.submitCustomConsent(yes, yes, yes);
      else if (m === 'didomi') yes ? w.Didomi.setUserAgreeToAll() : w.Didomi.setUserDisagreeToAll();
      else {
        const uc = fn(w.UC_UI, 'denyAllConsents') ? w.UC_UI : w.__ucCmp;
        await (yes ? uc.acceptAllConsents() : uc.denyAllConsents());
        if (uc === w.__ucCmp && fn(uc, 'saveConsents')) await uc.saveConsents();  // v3 saves apart
      }
      out.action = yes ? 'accepted' : 'rejected';
    } catch (e) { out.action = 'failed: ' + String(e).slice(0, 200); }
  }
  if (typeof w.__tcfapi === 'function') {
    out.tc = await Promise.race([wait(500).then(() => ''), new Promise(resolve => {
      try {
        w.__tcfapi('getTCData', 2, (data, ok) =>
            resolve(ok && data && typeof data.tcString === 'string' ? data.tcString : ''));
      } catch (e) { resolve(''); }
    })]);
  }
  return out;
}))js";
  script += "('" + std::string(to_string(state)) + "', " + (expected ? "10" : "0") + ")";
  return script;
}

std::string text_of(const json& object, const char* key) {
  if (!object.is_object()) return {};
  auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

// The script whose code started a request: the first frame with a URL, walking the async parents.
std::string stack_url(const json& stack) {
  for (const json* at = &stack; at->is_object();) {
    if (auto frames = at->find("callFrames"); frames != at->end() && frames->is_array()) {
      for (const json& frame : *frames) {
        std::string url = text_of(frame, "url");
        if (!url.empty()) return url;
      }
    }
    auto parent = at->find("parent");
    if (parent == at->end()) break;
    at = &*parent;
  }
  return {};
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return text;
}

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return std::string(text.substr(first, text.find_last_not_of(" \t") - first + 1));
}

// A cookie a response's Set-Cookie header named: its name and its Domain attribute (lower case,
// no leading dot; empty for a host-only cookie, whose domain is the response's host).
struct SetCookieLine {
  std::string name;
  std::string domain;
};

SetCookieLine parse_set_cookie(std::string_view line) {
  SetCookieLine out;
  std::size_t end = line.find(';');
  std::string_view pair = line.substr(0, end);
  out.name = trimmed(pair.substr(0, pair.find('=')));
  while (end != std::string_view::npos) {
    const std::size_t start = end + 1;
    end = line.find(';', start);
    std::string_view attribute = line.substr(start, end == line.npos ? line.npos : end - start);
    const std::size_t equals = attribute.find('=');
    if (equals == line.npos || lower(trimmed(attribute.substr(0, equals))) != "domain") continue;
    out.domain = lower(trimmed(attribute.substr(equals + 1)));
    if (!out.domain.empty() && out.domain.front() == '.') out.domain.erase(0, 1);
  }
  return out;
}

// The Set-Cookie lines of a DevTools header object (Chromium joins repeated headers with '\n').
std::vector<SetCookieLine> set_cookie_lines(const json& headers) {
  std::vector<SetCookieLine> lines;
  if (!headers.is_object()) return lines;
  for (const auto& [name, value] : headers.items()) {
    if (lower(name) != "set-cookie" || !value.is_string()) continue;
    const std::string& text = value.get_ref<const std::string&>();
    for (std::size_t start = 0; start <= text.size();) {
      std::size_t end = std::min(text.find('\n', start), text.size());
      SetCookieLine line = parse_set_cookie(std::string_view(text).substr(start, end - start));
      if (!line.name.empty()) lines.push_back(std::move(line));
      start = end + 1;
    }
  }
  return lines;
}

BrowserCookie cookie_from(const json& cookie, const std::string& page_domain,
                          const std::vector<std::string>& site_domains) {
  BrowserCookie out;
  out.name = text_of(cookie, "name");
  out.domain = text_of(cookie, "domain");
  out.path = text_of(cookie, "path");
  out.expires = cookie.value("expires", -1.0);
  if (out.expires <= 0) out.expires = -1;
  out.secure = cookie.value("secure", false);
  out.http_only = cookie.value("httpOnly", false);
  out.same_site = text_of(cookie, "sameSite");
  std::string host = out.domain;
  if (!host.empty() && host.front() == '.') host.erase(0, 1);
  std::string domain = registrable_domain(host);
  out.third_party = domain != page_domain && std::find(site_domains.begin(), site_domains.end(),
                                                       domain) == site_domains.end();
  return out;
}

}  // namespace

// The tabs in flight and the loop that drives them.
class BrowserRenderer::Tabs {
 public:
  Tabs(const BrowserOptions& options, CdpPipe& pipe,
       const std::function<void(std::size_t, BrowserVisit&&)>& done)
      : options_(options), pipe_(pipe), done_(done) {}

  std::size_t in_flight() const { return tabs_.size(); }

  void open(std::size_t index, const RenderJob& job) {
    auto tab = std::make_unique<Tab>();
    tab->index = index;
    tab->job = job;
    tab->visit.consent_state = job.state;
    tab->page_domain = registrable_domain(url_host(job.url));
    tab->deadline = Clock::now() + options_.timeout;
    if (idle_.empty()) {
      tab->phase = Phase::context;
      expect(*tab, pipe_.send("Target.createBrowserContext", {{"disposeOnDetach", true}}));
    } else {
      reuse(*tab, std::move(idle_.back()));
      idle_.pop_back();
    }
    tabs_.push_back(std::move(tab));
  }

  // One turn of the loop: the next message (or a timeout), then every tab's timers.
  void turn(bool stopping) {
    std::optional<CdpMessage> message = pipe_.next(wait_time());
    if (message) {
      if (message->id != 0) {
        on_reply(*message);
      } else if (auto tab = by_session_.find(message->session); tab != by_session_.end()) {
        on_event(*tab->second, *message);
      }
    }
    const auto now = Clock::now();
    for (auto& tab : tabs_) {
      if (stopping && tab->phase < Phase::collect) {
        tab->visit.note = "the scan was interrupted before the page settled";
        collect(*tab);
      }
      advance_on_time(*tab, now);
    }
    finish_closed();
  }

  // The browser is gone: every tab ends with a note.
  void abandon_all(const std::string& note) {
    idle_.clear();
    for (auto& tab : tabs_) {
      if (tab->visit.note.empty()) tab->visit.note = note;
      tab->phase = Phase::closed;
    }
    finish_closed();
  }

 private:
  enum class Phase {
    context,   // creating its browser context
    target,    // creating the tab
    attach,    // attaching a flattened session
    setup,     // enabling domains, document-start script, headers
    navigate,  // Page.navigate sent
    load,      // waiting for the load event
    settle,    // waiting for the network to be quiet
    consent,   // consent script running
    settle_after_consent,
    collect,  // reading cookies and the cookie log
    recycle,  // leaving the page for about:blank, to lend the context to the next page
    closed,
  };

  // A context with its tab and session, idle between two pages. Its pages are the ones it rendered;
  // `origin` the last one's, whose storage goes before the next page.
  struct Lease {
    std::string context_id;
    std::string target_id;
    std::string session;
    int pages = 0;
    std::string origin;
  };

  struct Tab {
    std::size_t index = 0;
    int pages_in_context = 0;  // pages the context rendered before this one
    RenderJob job;
    BrowserVisit visit;
    Phase phase = Phase::context;
    std::string context_id;
    std::string target_id;
    std::string session;
    std::string page_domain;
    int pending = 0;  // replies awaited in this phase
    Clock::time_point deadline;
    Clock::time_point quiet_since;
    Clock::time_point collect_deadline;
    std::unordered_map<std::string, std::size_t> requests;  // DevTools request id -> index
    // --offline: request ids blocked before Network.requestWillBeSent named them (Fetch may pause
    // a request first), marked when it does.
    std::set<std::string> blocked_early;
    std::set<std::string> in_flight;
    bool decided = false;                  // the consent decision was made
    std::set<std::string> cookies_before;  // name\ndomain of cookies before the decision
    std::vector<std::pair<std::string, std::string>> cookie_log;  // name, script URL
    // Cookies responses set (Set-Cookie), in arrival order: the request id, its URL when known
    // then (a request may report its response headers before its start), the cookie.
    struct ResponseCookie {
      std::string request_id;
      std::string url;
      SetCookieLine cookie;
    };
    std::vector<ResponseCookie> response_cookies;
    std::int64_t cookies_call = 0;
    std::int64_t cookie_log_call = 0;
    std::int64_t consent_call = 0;
    std::int64_t snapshot_call = 0;
  };

  void expect(Tab& tab, std::int64_t id) {
    replies_[id] = &tab;
    ++tab.pending;
  }

  // Until the next timer of a tab (a quiet period ending, a deadline), at most 100 ms: a tab
  // moves on when its time comes, not at the next tick.
  milliseconds wait_time() const {
    if (tabs_.empty()) return milliseconds(0);
    const auto now = Clock::now();
    auto next = now + milliseconds(100);
    for (const auto& tab : tabs_) {
      next = std::min(next, tab->phase < Phase::collect ? tab->deadline : tab->collect_deadline);
      const bool settling = tab->phase == Phase::settle || tab->phase == Phase::settle_after_consent;
      if (settling && tab->in_flight.empty()) next = std::min(next, tab->quiet_since + options_.quiet);
    }
    return std::max(std::chrono::ceil<milliseconds>(next - now), milliseconds(1));
  }

  void on_reply(const CdpMessage& reply) {
    auto found = replies_.find(reply.id);
    if (found == replies_.end()) return;
    Tab& tab = *found->second;
    replies_.erase(found);
    --tab.pending;
    if (reply.id == tab.cookies_call) read_cookies(tab, reply);
    if (reply.id == tab.cookie_log_call) read_cookie_log(tab, reply);
    if (reply.id == tab.snapshot_call) read_snapshot(tab, reply);
    if (reply.id == tab.consent_call) read_consent(tab, reply);
    if (!reply.error.empty() && tab.phase < Phase::collect) {
      tab.visit.note = "the browser refused the page: " + reply.error;
      collect(tab);
      return;
    }
    if (tab.pending > 0) return;
    switch (tab.phase) {
      case Phase::context:
        tab.context_id = text_of(reply.body, "browserContextId");
        tab.phase = Phase::target;
        expect(tab, pipe_.send("Target.createTarget",
                               {{"url", "about:blank"}, {"browserContextId", tab.context_id}}));
        break;
      case Phase::target:
        tab.target_id = text_of(reply.body, "targetId");
        tab.phase = Phase::attach;
        expect(tab, pipe_.send("Target.attachToTarget",
                               {{"targetId", tab.target_id}, {"flatten", true}}));
        break;
      case Phase::attach:
        tab.session = text_of(reply.body, "sessionId");
        by_session_[tab.session] = &tab;
        setup(tab);
        break;
      case Phase::setup:
        tab.phase = Phase::navigate;
        expect(tab, pipe_.send("Page.navigate", {{"url", tab.job.url}}, tab.session));
        break;
      case Phase::navigate:
        if (std::string error = text_of(reply.body, "errorText"); !error.empty()) {
          tab.visit.note = "the page did not load in the browser: " + error;
          collect(tab);
        } else if (tab.phase == Phase::navigate) {
          tab.phase = Phase::load;
        }
        break;
      case Phase::consent:
        // Nothing was decided: the page already settled, so there is nothing new to wait for.
        if (!tab.decided) {
          collect(tab);
          break;
        }
        tab.phase = Phase::settle_after_consent;
        tab.quiet_since = Clock::now();
        break;
      case Phase::collect:
        finish_page(tab);
        break;
      case Phase::recycle:
        idle_.push_back({tab.context_id, tab.target_id, tab.session, tab.pages_in_context + 1,
                         std::string(url_origin_text(tab.job.url))});
        tab.phase = Phase::closed;
        break;
      default:
        break;
    }
  }

  void setup(Tab& tab) {
    tab.phase = Phase::setup;
    const std::string& s = tab.session;
    expect(tab, pipe_.send("Network.enable", {{"maxTotalBufferSize", 0}}, s));
    expect(tab, pipe_.send("Page.enable", json::object(), s));
    expect(tab, pipe_.send("Inspector.enable", json::object(), s));  // Inspector.targetCrashed
    expect(tab, pipe_.send("Page.addScriptToEvaluateOnNewDocument",
                           {{"source", document_start_script(options_.gpc)}}, s));
    if (options_.gpc) {
      expect(tab, pipe_.send("Network.setExtraHTTPHeaders", {{"headers", {{"Sec-GPC", "1"}}}}, s));
    }
    if (options_.offline) {
      expect(tab, pipe_.send("Fetch.enable", {{"patterns", {{{"urlPattern", "*"}}}}}, s));
    }
  }

  void on_event(Tab& tab, const CdpMessage& event) {
    const json& params = event.body;
    if (event.method == "Network.requestWillBeSent") {
      on_request(tab, params);
    } else if (event.method == "Network.responseReceived") {
      if (BrowserRequest* request = request_of(tab, params)) {
        const json& response = params.value("response", json::object());
        request->status = response.value("status", 0);
      }
    } else if (event.method == "Network.loadingFinished" ||
               event.method == "Network.loadingFailed") {
      if (BrowserRequest* request = request_of(tab, params)) {
        request->bytes = static_cast<std::uint64_t>(params.value("encodedDataLength", 0.0));
        if (text_of(params, "errorText") == "net::ERR_BLOCKED_BY_CLIENT") request->blocked = true;
      }
      tab.in_flight.erase(text_of(params, "requestId"));
      if (tab.in_flight.empty()) tab.quiet_since = Clock::now();
    } else if (event.method == "Network.responseReceivedExtraInfo") {
      on_response_headers(tab, params);
    } else if (event.method == "Page.loadEventFired") {
      if (tab.phase == Phase::load || tab.phase == Phase::navigate) {
        tab.phase = Phase::settle;
        tab.quiet_since = Clock::now();
      }
    } else if (event.method == "Fetch.requestPaused") {
      on_paused(tab, params);
    } else if (event.method == "Inspector.targetCrashed") {
      tab.visit.note = "the browser tab crashed";
      if (tab.phase < Phase::collect) collect(tab);
    }
  }

  void on_request(Tab& tab, const json& params) {
    const std::string id = text_of(params, "requestId");
    const json& request = params.value("request", json::object());
    std::string url = text_of(request, "url");
    if (!is_http_url(url)) return;
    BrowserRequest entry;
    auto previous = tab.requests.find(id);
    if (previous != tab.requests.end() && params.contains("redirectResponse")) {
      BrowserRequest& before = tab.visit.requests[previous->second];
      before.status = params["redirectResponse"].value("status", 0);
      entry.initiator = "redirect";
      entry.initiator_url = before.url;
    } else {
      const json& initiator = params.value("initiator", json::object());
      entry.initiator = text_of(initiator, "type");
      entry.initiator_url = entry.initiator == "script"
                                ? stack_url(initiator.value("stack", json::object()))
                                : text_of(initiator, "url");
      if (entry.initiator == "script" && entry.initiator_url.empty()) {
        entry.initiator_url = text_of(initiator, "url");
      }
    }
    if (tab.visit.requests.size() >= kMaxRequests) return;
    entry.url = std::move(url);
    entry.host = url_host(entry.url);
    entry.resource_type = text_of(params, "type");
    entry.after_consent = tab.decided;
    entry.blocked = tab.blocked_early.erase(id) > 0;
    tab.requests[id] = tab.visit.requests.size();
    tab.visit.requests.push_back(std::move(entry));
    tab.in_flight.insert(id);
  }

  // Remembers which response set which cookies, for set_by (the headers Chromium received,
  // Set-Cookie included, come only in this event).
  void on_response_headers(Tab& tab, const json& params) {
    const std::string id = text_of(params, "requestId");
    const BrowserRequest* request = request_of(tab, params);
    for (SetCookieLine& line : set_cookie_lines(params.value("headers", json::object()))) {
      if (tab.response_cookies.size() >= kMaxLogRows) return;
      tab.response_cookies.push_back({id, request ? request->url : "", std::move(line)});
    }
  }

  BrowserRequest* request_of(Tab& tab, const json& params) {
    auto found = tab.requests.find(text_of(params, "requestId"));
    return found == tab.requests.end() ? nullptr : &tab.visit.requests[found->second];
  }

  bool in_site(const std::string& url) const {
    std::string host = url_host(url);
    for (const std::string& domain : options_.site_domains) {
      if (host_in_domain(host, domain)) return true;
    }
    return false;
  }

  void on_paused(Tab& tab, const json& params) {
    std::string fetch_id = text_of(params, "requestId");
    std::string url = text_of(params.value("request", json::object()), "url");
    if (!is_http_url(url) || in_site(url)) {
      pipe_.send("Fetch.continueRequest", {{"requestId", fetch_id}}, tab.session);
      return;
    }
    std::string network_id = text_of(params, "networkId");
    if (auto found = tab.requests.find(network_id); found != tab.requests.end()) {
      tab.visit.requests[found->second].blocked = true;
    } else if (!network_id.empty()) {
      tab.blocked_early.insert(std::move(network_id));
    }
    pipe_.send("Fetch.failRequest", {{"requestId", fetch_id}, {"errorReason", "BlockedByClient"}},
               tab.session);
  }

  // Deadlines and quiet periods: a tab moves on when its network has been quiet long enough, and
  // gives up waiting when its time is out.
  void advance_on_time(Tab& tab, Clock::time_point now) {
    const bool quiet = tab.in_flight.empty() && now - tab.quiet_since >= options_.quiet;
    if (tab.phase < Phase::collect && now >= tab.deadline) {
      const std::string limit = std::to_string(options_.timeout.count() / 1000) + " s";
      tab.visit.note = tab.phase <= Phase::load
                           ? "the page did not finish loading in the browser within " + limit +
                                 " (--browser-timeout)"
                           : "the page's network did not settle within " + limit +
                                 " (--browser-timeout); the requests up to then are kept";
      collect(tab);
    } else if (tab.phase == Phase::settle && quiet) {
      consent(tab);
    } else if (tab.phase == Phase::settle_after_consent && quiet) {
      collect(tab);
    } else if ((tab.phase == Phase::collect || tab.phase == Phase::recycle) &&
               now >= tab.collect_deadline) {
      dispose(tab);
    }
  }

  void consent(Tab& tab) {
    tab.phase = Phase::consent;
    if (tab.job.state != ConsentState::none) {
      tab.snapshot_call = pipe_.send("Storage.getCookies", {{"browserContextId", tab.context_id}});
      expect(tab, tab.snapshot_call);
    }
    tab.consent_call =
        pipe_.send("Runtime.evaluate",
                   {{"expression", consent_script(tab.job.state, worth_waiting_for_manager(tab))},
                    {"awaitPromise", true},
                    {"returnByValue", true}},
                   tab.session);
    expect(tab, tab.consent_call);
  }

  // The consent manager the static pass saw may still be starting: worth a moment's wait, unless
  // the page's request for its script failed or was blocked (then its API never comes).
  static bool worth_waiting_for_manager(const Tab& tab) {
    if (!tab.job.consent_manager_expected) return false;
    const std::string& host = tab.job.consent_manager_host;
    if (host.empty()) return true;
    return std::none_of(tab.visit.requests.begin(), tab.visit.requests.end(),
                        [&](const BrowserRequest& request) {
                          return request.host == host && (request.blocked || request.status == 0);
                        });
  }

  void read_snapshot(Tab& tab, const CdpMessage& reply) {
    for (const json& cookie : reply.body.value("cookies", json::array())) {
      tab.cookies_before.insert(text_of(cookie, "name") + "\n" + text_of(cookie, "domain"));
    }
  }

  void read_consent(Tab& tab, const CdpMessage& reply) {
    const json& value = reply.body.value("result", json::object()).value("value", json::object());
    tab.visit.consent_manager = text_of(value, "manager");
    tab.visit.consent_action = text_of(value, "action");
    tab.visit.tc_string = text_of(value, "tc").substr(0, 2000);
    if (tab.visit.consent_manager.empty() && tab.job.consent_manager_expected) {
      tab.visit.consent_manager = "unrecognised";
    }
    if (tab.job.state == ConsentState::none) tab.visit.consent_action = "not-driven";
    tab.decided = tab.visit.consent_action == "rejected" || tab.visit.consent_action == "accepted";
  }

  void collect(Tab& tab) {
    tab.phase = Phase::collect;
    tab.collect_deadline = Clock::now() + kCollectGrace;
    if (tab.context_id.empty()) {
      tab.phase = Phase::closed;
      return;
    }
    tab.cookies_call = pipe_.send("Storage.getCookies", {{"browserContextId", tab.context_id}});
    expect(tab, tab.cookies_call);
    if (!tab.session.empty()) {
      tab.cookie_log_call = pipe_.send(
          "Runtime.evaluate",
          {{"expression", "window.__tagwardenLog || {}"}, {"returnByValue", true}}, tab.session);
      expect(tab, tab.cookie_log_call);
    }
  }

  void read_cookies(Tab& tab, const CdpMessage& reply) {
    for (const json& cookie : reply.body.value("cookies", json::array())) {
      BrowserCookie entry = cookie_from(cookie, tab.page_domain, options_.site_domains);
      entry.after_consent =
          tab.decided && !tab.cookies_before.contains(entry.name + "\n" + entry.domain);
      tab.visit.cookies.push_back(std::move(entry));
    }
  }

  // The page's own log of cookie and image writes (document_start_script); the page may have
  // tampered with it, so every row is checked and the lists are bounded.
  static std::vector<std::pair<std::string, std::string>> log_rows(const json& log,
                                                                   const char* name) {
    std::vector<std::pair<std::string, std::string>> rows;
    auto list = log.is_object() ? log.find(name) : log.end();
    if (!log.is_object() || list == log.end() || !list->is_array()) return rows;
    for (const json& row : *list) {
      if (!row.is_array() || row.size() != 2 || !row[0].is_string() || !row[1].is_string())
        continue;
      if (rows.size() == kMaxLogRows) break;
      rows.emplace_back(row[0].get<std::string>(), row[1].get<std::string>());
    }
    return rows;
  }

  void read_cookie_log(Tab& tab, const CdpMessage& reply) {
    const json& log = reply.body.value("result", json::object()).value("value", json::object());
    tab.cookie_log = log_rows(log, "cookies");
    // An image a script created: its request names that script, not the parser.
    std::map<std::string, std::string> image_writer;
    for (auto& [url, script] : log_rows(log, "images")) {
      if (!script.empty()) image_writer.emplace(std::move(url), std::move(script));
    }
    for (BrowserRequest& request : tab.visit.requests) {
      if (request.initiator != "parser") continue;
      if (auto found = image_writer.find(request.url); found != image_writer.end()) {
        request.initiator = "script";
        request.initiator_url = found->second;
      }
    }
  }

  // A context renders up to kPagesPerContext pages (a new renderer for every page costs more than
  // the page), each with the cookies and the last page's storage cleared first; a page that ended
  // badly takes its context with it.
  void finish_page(Tab& tab) {
    if (!tab.visit.note.empty() || tab.pages_in_context + 1 >= kPagesPerContext ||
        tab.session.empty()) {
      dispose(tab);
      return;
    }
    tab.phase = Phase::recycle;
    tab.collect_deadline = Clock::now() + kCollectGrace;
    expect(tab, pipe_.send("Page.navigate", {{"url", "about:blank"}}, tab.session));
  }

  void reuse(Tab& tab, Lease lease) {
    tab.context_id = std::move(lease.context_id);
    tab.target_id = std::move(lease.target_id);
    tab.session = std::move(lease.session);
    tab.pages_in_context = lease.pages;
    by_session_[tab.session] = &tab;
    tab.phase = Phase::setup;
    expect(tab, pipe_.send("Storage.clearCookies", {{"browserContextId", tab.context_id}}));
    expect(tab, pipe_.send("Storage.clearDataForOrigin",
                           {{"origin", lease.origin}, {"storageTypes", "all"}}, tab.session));
  }

  // The context goes with its tab; the slot is free at once (the browser tears it down meanwhile).
  void dispose(Tab& tab) {
    pipe_.send("Target.disposeBrowserContext", {{"browserContextId", tab.context_id}});
    tab.phase = Phase::closed;
  }

  // Hands finished visits on and forgets their tabs.
  void finish_closed() {
    for (auto it = tabs_.begin(); it != tabs_.end();) {
      Tab& tab = **it;
      if (tab.phase != Phase::closed) {
        ++it;
        continue;
      }
      for (auto reply = replies_.begin(); reply != replies_.end();) {
        reply = reply->second == &tab ? replies_.erase(reply) : std::next(reply);
      }
      by_session_.erase(tab.session);
      attribute_cookies(tab);
      done_(tab.index, std::move(tab.visit));
      it = tabs_.erase(it);
    }
  }

  // Who set each cookie: the last response whose Set-Cookie named it (same name and domain),
  // else the last script that wrote a cookie of that name through document.cookie.
  static void attribute_cookies(Tab& tab) {
    std::map<std::pair<std::string, std::string>, std::string> response;  // name, domain -> URL
    for (Tab::ResponseCookie& row : tab.response_cookies) {
      if (row.url.empty()) {
        auto found = tab.requests.find(row.request_id);
        if (found == tab.requests.end()) continue;
        row.url = tab.visit.requests[found->second].url;
      }
      std::string domain = row.cookie.domain.empty() ? url_host(row.url) : row.cookie.domain;
      response[{row.cookie.name, std::move(domain)}] = row.url;
    }
    std::map<std::string, std::string> writer;
    for (const auto& [name, script] : tab.cookie_log) writer[name] = script;
    for (BrowserCookie& cookie : tab.visit.cookies) {
      std::string domain = lower(cookie.domain);
      if (!domain.empty() && domain.front() == '.') domain.erase(0, 1);
      if (auto found = response.find({cookie.name, domain}); found != response.end()) {
        cookie.set_by = found->second;
        cookie.set_via = "response";
      } else if (auto script = writer.find(cookie.name);
                 script != writer.end() && !script->second.empty()) {
        cookie.set_by = script->second;
        cookie.set_via = "script";
      }
    }
  }

  const BrowserOptions& options_;
  CdpPipe& pipe_;
  const std::function<void(std::size_t, BrowserVisit&&)>& done_;
  std::vector<std::unique_ptr<Tab>> tabs_;
  std::unordered_map<std::int64_t, Tab*> replies_;
  std::unordered_map<std::string, Tab*> by_session_;
  std::vector<Lease> idle_;
};

BrowserRenderer::BrowserRenderer(const BrowserOptions& options) : options_(options) {}
BrowserRenderer::~BrowserRenderer() = default;

Result<std::unique_ptr<BrowserRenderer>> BrowserRenderer::start(const BrowserOptions& options) {
  std::unique_ptr<BrowserRenderer> renderer(new BrowserRenderer(options));
  auto pipe = CdpPipe::launch(options.launch, kLaunchTimeout);
  if (!pipe) return Error{pipe.error()};
  renderer->pipe_ = std::move(*pipe);
  return renderer;
}

void BrowserRenderer::render(const std::vector<RenderJob>& jobs,
                             const std::function<void(std::size_t, BrowserVisit&&)>& done,
                             const std::function<bool()>& stop) {
  std::size_t next = 0;
  const std::size_t tabs = static_cast<std::size_t>(std::max(1, options_.tabs));
  while (pipe_ != nullptr) {
    Tabs driver(options_, *pipe_, done);
    while (true) {
      const bool stopping = stop && stop();
      while (!stopping && driver.in_flight() < tabs && next < jobs.size()) {
        driver.open(next, jobs[next]);
        ++next;
      }
      if (driver.in_flight() == 0) return;
      driver.turn(stopping);
      if (!pipe_->alive()) break;
    }
    // The browser died: the pages it had open end with a note, a new one takes the rest.
    driver.abandon_all("the browser crashed while rendering the page");
    pipe_.reset();
    if (next >= jobs.size() || (stop && stop())) return;
    auto pipe = CdpPipe::launch(options_.launch, kLaunchTimeout);
    if (pipe) pipe_ = std::move(*pipe);
  }
  for (; next < jobs.size(); ++next) {
    BrowserVisit visit;
    visit.consent_state = jobs[next].state;
    visit.note = "the browser could not be started again after a crash";
    done(next, std::move(visit));
  }
}

}  // namespace tw
