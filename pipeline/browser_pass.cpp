// The browser pass (see scan_passes.h): choose the pages, render each in each consent state
// (crawler/browser_renderer.h), then walk the pages once more to merge what the browser saw into
// the one model: third-party hosts the static pass missed become tags with initiator runtime,
// static tags the browser saw are marked, visits (requests, cookies, consent) are kept, the page
// rules run again.
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "analyzers/tag_attribution.h"
#include "crawler/browser_renderer.h"
#include "crawler/local_site_server.h"
#include "model/domain.h"
#include "model/url.h"
#include "pipeline/final_pages.h"
#include "pipeline/scan_passes.h"
#include "rules/rule_engine.h"

namespace tw {
namespace {

constexpr std::size_t kMaxRuntimeTags = 200;  // per page: one per third-party host and kind

// The URL the browser opens: where the crawl ended up.
const std::string& url_of(const PageAnalysis& page) {
  return page.page.final_url.empty() ? page.page.requested_url : page.page.final_url;
}

struct Candidate {
  std::string url;
  int depth = 0;
  std::string template_key;
  bool consent_manager = false;
  std::string consent_manager_host;  // where its script loads from, when it is a script's
  bool sensitive = false;  // a page TW202 treats as sensitive
};

// Pages with the same third-party tags (kind and host) and the same element skeleton (dom_shape)
// are taken as one template.
std::string template_key(const PageAnalysis& page) {
  std::set<std::string> parts;
  for (const Tag& tag : page.tags) {
    if (tag.initiator != Initiator::runtime)
      parts.insert(std::string(to_string(tag.kind)) + " " + tag.host);
  }
  std::string key = page.dom_shape + "\n";
  for (const std::string& part : parts) key += part + "\n";
  return key;
}

// Every page, or `limit` of them: one page per template first, then the sensitive pages, then
// the rest, each group in report order (depth, then URL), so a template is stood for by its page
// nearest the start, whatever order the crawl stored them in.
std::vector<Candidate> choose_pages(std::vector<Candidate> pages, int limit) {
  if (limit <= 0 || static_cast<std::size_t>(limit) >= pages.size()) return pages;
  std::sort(pages.begin(), pages.end(), [](const Candidate& a, const Candidate& b) {
    return std::tie(a.depth, a.url) < std::tie(b.depth, b.url);
  });
  std::vector<Candidate> chosen, sensitive, rest;
  std::set<std::string> templates;
  for (Candidate& page : pages) {
    if (templates.insert(page.template_key).second) {
      chosen.push_back(std::move(page));
    } else {
      (page.sensitive ? sensitive : rest).push_back(std::move(page));
    }
  }
  for (std::vector<Candidate>* group : {&sensitive, &rest}) {
    chosen.insert(chosen.end(), std::make_move_iterator(group->begin()),
                  std::make_move_iterator(group->end()));
  }
  chosen.resize(static_cast<std::size_t>(limit));
  return chosen;
}

TagKind kind_of_request(const std::string& resource_type) {
  if (resource_type == "Script") return TagKind::script;
  if (resource_type == "Stylesheet") return TagKind::stylesheet;
  if (resource_type == "Document") return TagKind::iframe;
  if (resource_type == "Image") return TagKind::img;
  if (resource_type == "Media") return TagKind::media;
  if (resource_type == "Font") return TagKind::css;
  return TagKind::pixel;  // XHR, Fetch, Ping, beacons: data sent out
}

// Chromium's --host-resolver-rules from the crawl's --resolve HOST:PORT:ADDR entries, so the
// browser reaches the same addresses the crawl did.
std::string host_resolver_rules(const std::vector<std::string>& resolve) {
  std::string rules;
  for (const std::string& entry : resolve) {
    std::size_t first = entry.find(':');
    std::size_t second = first == std::string::npos ? first : entry.find(':', first + 1);
    if (second == std::string::npos) continue;
    std::string address = entry.substr(second + 1);
    if (address.size() > 2 && address.front() == '[' && address.back() == ']') {
      address = address.substr(1, address.size() - 2);
    }
    if (!rules.empty()) rules += ", ";
    rules += "MAP " + entry.substr(0, first) + " " + address;
  }
  return rules;
}

// Directory mode: the built site served on 127.0.0.1, and the --base-url host mapped to it.
struct ServedDirectory {
  std::unique_ptr<LocalSiteServer> server;
  std::string host;  // the --base-url host the pages are known by
};

ServedDirectory serve_directory(ScanState& scan) {
  ServedDirectory served;
  if (scan.targets.directories.empty()) return served;
  auto server = LocalSiteServer::start(scan.targets.directories.front());
  if (!server) {
    scan.note("browser pass: " + server.error());
    return served;
  }
  served.server = std::move(*server);
  served.host = url_host(scan.settings.base_url);
  if (scan.targets.directories.size() > 1) {
    scan.note("browser pass: only the first directory target is served and rendered");
  }
  if (!scan.settings.base_url.starts_with("http://")) {
    scan.note("browser pass: the directory is served over plain http on 127.0.0.1");
  }
  return served;
}

// Where the browser goes for a page: a page of the served directory over http on its host.
std::string navigation_url(const std::string& page_url, const ServedDirectory& served) {
  if (served.server == nullptr || url_host(page_url) != served.host) return page_url;
  const std::size_t scheme_end = page_url.find("://");
  return "http" + page_url.substr(scheme_end);
}

BrowserOptions browser_options(const ScanState& scan, const ServedDirectory& served) {
  const BrowserSettings& settings = scan.settings.browser;
  BrowserOptions options;
  options.launch.binary = settings.binary;
  options.launch.sandbox = settings.sandbox;
  std::string rules = host_resolver_rules(scan.crawl.resolve);
  if (served.server != nullptr) {
    rules += std::string(rules.empty() ? "" : ", ") + "MAP " + served.host +
             " 127.0.0.1:" + std::to_string(served.server->port());
    options.site_domains.push_back(registrable_domain(served.host));
  }
  if (!rules.empty()) options.launch.extra_arguments.push_back("--host-resolver-rules=" + rules);
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  options.tabs = settings.tabs > 0 ? settings.tabs : 2 * cores;
  options.timeout = std::chrono::milliseconds(settings.timeout_s * 1000);
  options.gpc = settings.gpc;
  options.offline = settings.offline;
  for (const std::string& url : scan.targets.urls) {
    options.site_domains.push_back(registrable_domain(url_host(url)));
  }
  for (const std::string& domain : scan.context.first_party_domains) {
    options.site_domains.push_back(domain);
  }
  return options;
}

// The page's requests and cookies merged into its tags: static tags of a host the browser
// requested are marked, third-party hosts it alone saw become runtime tags (one per host and kind),
// and the facts TW205 reads (a tracker requested or writing a cookie after reject) are set.
void merge_visits(PageAnalysis& page, std::vector<BrowserVisit> visits,
                  const AnalysisContext& context) {
  const TagAttribution attribution(url_of(page), context);
  std::set<std::string> static_hosts;
  for (const Tag& tag : page.tags) static_hosts.insert(tag.host);
  std::set<std::pair<std::string, TagKind>> runtime;  // host and kind of each runtime tag
  std::map<std::string, std::set<std::string>> states_of_host;
  std::map<std::string, std::string> after_reject;  // host -> what it did after reject

  for (BrowserVisit& visit : visits) {
    const bool rejected =
        visit.consent_state == ConsentState::reject && visit.consent_action == "rejected";
    for (BrowserRequest& request : visit.requests) {
      Tag probe;
      probe.host = request.host;
      attribution.attribute(probe);
      request.vendor = probe.vendor;
      request.category = probe.category;
      request.third_party = !request.host.empty() && !attribution.is_first_party(request.host);
      if (!request.third_party) continue;
      states_of_host[request.host].insert(std::string(to_string(visit.consent_state)));
      if (rejected && request.after_consent && !request.blocked) {
        after_reject.emplace(request.host, "requested " + request.url);
      }
      if (static_hosts.contains(request.host)) continue;
      const TagKind kind = kind_of_request(request.resource_type);
      if (runtime.contains({request.host, kind}) || runtime.size() >= kMaxRuntimeTags) continue;
      Tag tag = std::move(probe);
      tag.kind = kind;
      tag.url = request.url;
      tag.initiator = Initiator::runtime;
      tag.parent = request.initiator_url;
      tag.seen_statically = false;
      tag.attributes["browser-initiator"] = request.initiator;
      tag.attributes["browser-resource-type"] = request.resource_type;
      runtime.insert({request.host, kind});
      page.tags.push_back(std::move(tag));
    }
    if (!rejected) continue;
    for (const BrowserCookie& cookie : visit.cookies) {
      if (!cookie.after_consent || cookie.set_by.empty()) continue;
      std::string host = url_host(cookie.set_by);
      if (attribution.is_first_party(host)) continue;
      after_reject.emplace(host, "set the cookie " + cookie.name);
    }
  }
  for (Tag& tag : page.tags) {
    auto states = states_of_host.find(tag.host);
    if (states == states_of_host.end()) continue;
    tag.seen_by_browser = true;
    std::string list;
    for (const std::string& state : states->second) list += (list.empty() ? "" : ",") + state;
    tag.attributes["browser-states"] = list;
    if (auto found = after_reject.find(tag.host); found != after_reject.end()) {
      tag.attributes["browser-after-reject"] = found->second;
    }
  }
  for (BrowserVisit& visit : visits) {
    if (!visit.note.empty()) {
      page.notes.push_back("browser (" + std::string(to_string(visit.consent_state)) +
                           "): " + visit.note);
    }
  }
  page.browser = std::move(visits);
}

// The page and resource rules run again over the merged page (TW203 reads the browser's cookies).
void judge_again(PageAnalysis& page, const RuleContext& rules) {
  run_page_rules(page, rules);
  std::erase_if(page.findings, [](const Finding& f) { return is_resource_rule(f.rule); });
  std::vector<Finding> found = run_resource_rules(page, rules);
  page.findings.insert(page.findings.end(), std::make_move_iterator(found.begin()),
                       std::make_move_iterator(found.end()));
}

void record_settings(ScanState& scan, std::size_t rendered, double seconds) {
  const BrowserSettings& settings = scan.settings.browser;
  auto& recorded = scan.info().settings;
  std::string states;
  for (ConsentState state : settings.states) {
    states += (states.empty() ? "" : ",") + std::string(to_string(state));
  }
  recorded["browser"] = "chromium";
  recorded["browser_consent"] = states;
  recorded["browser_pages_rendered"] = std::to_string(rendered);
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", seconds);
  recorded["browser_seconds"] = text;
  if (settings.gpc) recorded["browser_gpc"] = "on";
  if (settings.offline) recorded["browser_offline"] = "on";
  if (!settings.sandbox) recorded["browser_sandbox"] = "off";
}

}  // namespace

void render_in_browser(ScanState& scan) {
  const BrowserSettings& settings = scan.settings.browser;
  if (!settings.enabled || scan.stop.requested() || scan.outcome.pages_analysed == 0) return;
  const bool walk_store = scan.storing();
  if (!walk_store && !scan.settings.keep_tags) return;
  std::optional<StoredPages> stored;
  std::optional<PagesInMemory> in_memory;
  PageSet* pages = nullptr;
  if (walk_store) {
    pages = &stored.emplace(*scan.store, scan.info().id);
  } else {
    pages = &in_memory.emplace(scan.outcome.report.pages);
  }

  std::vector<Candidate> candidates;
  Status walked = pages->for_each([&](PageAnalysis& page) {
    if (page.page.error == PageError::none && is_http_url(url_of(page))) {
      const int manager = page.consent_manager_index;
      const bool tagged = manager >= 0 && static_cast<std::size_t>(manager) < page.tags.size();
      candidates.push_back({url_of(page), page.page.depth, template_key(page), manager >= 0,
                            tagged ? page.tags[static_cast<std::size_t>(manager)].host : "",
                            is_sensitive_page(page, scan.context.rules)});
    }
    return false;
  });
  if (!walked) {
    scan.store_error = walked.error();
    return;
  }
  std::vector<Candidate> chosen = choose_pages(std::move(candidates), settings.pages);
  ServedDirectory served = serve_directory(scan);
  std::vector<RenderJob> jobs;
  std::vector<const std::string*> page_of_job;  // the page URL each job renders
  for (const Candidate& page : chosen) {
    for (ConsentState state : settings.states) {
      jobs.push_back({navigation_url(page.url, served), state, page.consent_manager,
                      page.consent_manager_host});
      page_of_job.push_back(&page.url);
    }
  }

  if (!settings.sandbox) {
    scan.note("Chromium runs without its sandbox (--browser-no-sandbox): only for sites you trust");
  }
  const auto started = std::chrono::steady_clock::now();
  auto renderer = BrowserRenderer::start(browser_options(scan, served));
  if (!renderer) {
    scan.note("browser pass skipped: " + renderer.error());
    scan.info().settings["browser_skipped"] = renderer.error();
    return;
  }
  std::unordered_map<std::string, std::vector<BrowserVisit>> visits;
  (*renderer)->render(
      jobs,
      [&](std::size_t index, BrowserVisit&& visit) {
        visits[*page_of_job[index]].push_back(std::move(visit));
      },
      [&scan] { return scan.stop.requested(); });
  renderer->reset();  // the browser ends here, before the pages are walked again
  served.server.reset();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  record_settings(scan, chosen.size(), seconds);

  FinalPages final_pages(scan);
  walked = pages->for_each([&](PageAnalysis& page) {
    bool changed = drop_browser_results(page);
    auto found = visits.find(url_of(page));
    if (found != visits.end()) {
      std::vector<BrowserVisit>& mine = found->second;
      std::sort(mine.begin(), mine.end(), [](const BrowserVisit& a, const BrowserVisit& b) {
        return a.consent_state < b.consent_state;
      });
      merge_visits(page, std::move(mine), scan.context);
      visits.erase(found);
      changed = true;
    }
    if (changed) judge_again(page, scan.context.rules);
    final_pages.add(page);
    return changed;
  });
  if (!walked) {
    if (scan.store_error.empty()) scan.store_error = walked.error();
    return;
  }
  final_pages.commit_totals();
  scan.outcome.interrupted = scan.stop.interrupted();
}

}  // namespace tw
