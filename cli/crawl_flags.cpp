#include "cli/crawl_flags.h"

#include <unistd.h>

#include <algorithm>
#include <iostream>

#include "cli/console_lines.h"
#include "crawler/dns_resolver.h"
#include "model/url.h"

namespace tw::cli {

namespace po = boost::program_options;

po::options_description crawl_options(CrawlFlags& flags) {
  CrawlOptions& crawl = flags.crawl;
  po::options_description options("Crawl options");
  // clang-format off
  options.add_options()
    ("concurrency", po::value(&crawl.concurrency)->value_name("N"), "transfers in flight (default 32)")
    ("per-host", po::value(&crawl.per_host)->value_name("N"), "connections per host (default 8)")
    ("delay", po::value(&crawl.delay_ms)->value_name("MS"), "delay between requests to one host")
    ("threads", po::value(&flags.threads)->value_name("N"), "analysis threads (default: cores)")
    ("max-pages", po::value(&crawl.max_pages)->value_name("N"), "stop after N pages (default 1000, 0 = no limit)")
    ("max-depth", po::value(&crawl.max_depth)->value_name("N"), "link hops from a start URL (default 10)")
    ("max-page-bytes", po::value(&flags.max_page_bytes)->value_name("N"), "largest page body, decoded (default 10 MiB)")
    ("scope", po::value(&flags.scope)->value_name("host|domain"), "follow links on the same host or registrable domain (default domain)")
    ("include", po::value(&crawl.include)->value_name("REGEX"), "only crawl URLs matching (repeatable)")
    ("exclude", po::value(&crawl.exclude)->value_name("REGEX"), "never crawl URLs matching (repeatable)")
    ("ignore-robots", po::bool_switch(&flags.ignore_robots), "do not honour robots.txt (your own sites only)")
    ("sitemap", po::bool_switch(&flags.sitemap), "seed the crawl from sitemap.xml")
    ("resolve", po::value(&crawl.resolve)->value_name("HOST:PORT:ADDR"), "map a host to an address (repeatable)")
    ("header", po::value(&crawl.headers)->value_name("'K: V'"), "extra request header (repeatable)")
    ("cookie", po::value(&crawl.cookie)->value_name("COOKIES"), "Cookie header for every request")
    ("user", po::value(&crawl.user)->value_name("USER:PASS"), "HTTP basic auth")
    ("proxy", po::value(&crawl.proxy)->value_name("URL"), "HTTP(S) proxy")
    ("insecure", po::bool_switch(&flags.insecure), "do not verify TLS certificates")
    ("user-agent", po::value(&crawl.user_agent)->value_name("S"), "User-Agent (default tagwarden/VERSION)")
    ("timeout", po::value(&crawl.timeout_s)->value_name("S"), "whole-transfer timeout (default 30)")
    ("connect-timeout", po::value(&crawl.connect_timeout_s)->value_name("S"), "connect timeout (default 10)")
    ("retries", po::value(&crawl.max_retries)->value_name("N"), "retries on connection errors, 429, 503 (default 2)")
    ("base-url", po::value(&flags.base_url)->value_name("URL"), "directory mode: origin the files are served from (default http://localhost/)")
    ("fetch-third-party", po::bool_switch(&flags.fetch_third_party), "fetch every third-party resource once and look inside (default for URL targets)")
    ("no-fetch-third-party", po::bool_switch(&flags.no_fetch_third_party), "only read the pages (default for directory targets)")
    ("max-third-party", po::value(&flags.max_third_party)->value_name("N"), "distinct third-party URLs fetched or checked per scan (default 2000)")
    ("dns-server", po::value(&flags.dns_server)->value_name("ADDR[:PORT]"), "DNS server the third-party stage asks about vendor hosts (default: the system's)")
    ("allow-private-third-party", po::bool_switch(&flags.allow_private_third_party), "let third-party fetches reach loopback, private and link-local addresses (hosts mapped with --resolve always may)")
    ("max-first-party-assets", po::value(&flags.max_first_party_assets)->value_name("N"), "distinct same-site script and stylesheet files read per scan for the third parties they load; 0: none (default 200)")
    ("max-first-party-bytes", po::value(&flags.max_first_party_bytes)->value_name("N"), "bytes read of one first-party file; the rest is cut, with a note (default 4 MiB)")
    ("browser", po::bool_switch(&flags.browser), "after the crawl, render the pages in headless Chromium: runtime tags, cookies, consent states")
    ("browser-binary", po::value(&flags.browser_binary)->value_name("PATH"), "the Chromium to run (default /usr/bin/chromium)")
    ("browser-no-sandbox", po::bool_switch(&flags.browser_no_sandbox), "run Chromium without its sandbox (needed as root in containers)")
    ("browser-pages", po::value(&flags.browser_pages)->value_name("N"), "render N pages: one per template, then sensitive pages, then the rest (default 0 = every page)")
    ("browser-tabs", po::value(&flags.browser_tabs)->value_name("N"), "pages rendered at once (default 2 per core)")
    ("browser-timeout", po::value(&flags.browser_timeout)->value_name("S"), "per page and consent state (default 15)")
    ("consent", po::value(&flags.consent)->value_name("STATES"), "consent states to render in: none,reject,accept (default none)")
    ("gpc", po::bool_switch(&flags.gpc), "send Global Privacy Control (Sec-GPC: 1, navigator.globalPrivacyControl) in the browser")
    ("offline", po::bool_switch(&flags.offline), "the browser sends no request that leaves the site (recorded as attempted)");
  // clang-format on
  return options;
}

namespace {

Status check_limits(const CrawlFlags& flags) {
  const CrawlOptions& crawl = flags.crawl;
  if (crawl.concurrency < 1 || crawl.concurrency > 1024)
    return Error{"--concurrency must be 1..1024"};
  if (crawl.per_host < 1) return Error{"--per-host must be at least 1"};
  if (crawl.delay_ms < 0) return Error{"--delay must not be negative"};
  if (flags.threads < 0 || flags.threads > 256) return Error{"--threads must be 0..256"};
  if (crawl.max_pages < 0) return Error{"--max-pages must not be negative"};
  if (crawl.max_depth < 0) return Error{"--max-depth must not be negative"};
  if (flags.max_page_bytes <= 0) return Error{"--max-page-bytes must be positive"};
  if (flags.max_third_party < 1) return Error{"--max-third-party must be at least 1"};
  if (flags.max_first_party_assets < 0)
    return Error{"--max-first-party-assets must not be negative"};
  if (flags.max_first_party_bytes <= 0) return Error{"--max-first-party-bytes must be positive"};
  if (crawl.timeout_s < 1 || crawl.connect_timeout_s < 1)
    return Error{"timeouts must be at least 1 second"};
  if (crawl.max_retries < 0 || crawl.max_retries > 10) return Error{"--retries must be 0..10"};
  if (flags.browser_pages < 0) return Error{"--browser-pages must not be negative"};
  if (flags.browser_tabs < 0 || flags.browser_tabs > 64)
    return Error{"--browser-tabs must be 0..64"};
  if (flags.browser_timeout < 1 || flags.browser_timeout > 600)
    return Error{"--browser-timeout must be 1..600 seconds"};
  return Ok{};
}

// "none,reject,accept": each state once, in the order given.
Result<std::vector<ConsentState>> parse_consent_states(const std::string& text) {
  std::vector<ConsentState> states;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = std::min(text.find(',', start), text.size());
    std::string name = text.substr(start, comma - start);
    std::optional<ConsentState> state = parse_consent_state(name);
    if (!state) {
      return Error{"--consent takes none, reject and accept separated by commas, not '" + name +
                   "'"};
    }
    if (std::find(states.begin(), states.end(), *state) == states.end()) states.push_back(*state);
    start = comma + 1;
  }
  return states;
}

Status check_browser_flags(const CrawlFlags& flags) {
  if (!flags.browser) {
    const bool browser_only = flags.browser_no_sandbox || flags.browser_pages != 0 ||
                              flags.browser_tabs != 0 || flags.browser_timeout != 15 ||
                              flags.consent != "none" || flags.gpc || flags.offline ||
                              flags.browser_binary != "/usr/bin/chromium";
    if (browser_only) return Error{"--consent, --gpc, --offline and --browser-* need --browser"};
    return Ok{};
  }
  if (Result<std::vector<ConsentState>> states = parse_consent_states(flags.consent); !states) {
    return Error{states.error()};
  }
  if (access(flags.browser_binary.c_str(), X_OK) != 0) {
    return Error{"--browser: cannot run " + flags.browser_binary +
                 " (install Debian's chromium package, or name it with --browser-binary)"};
  }
  return Ok{};
}

}  // namespace

Status check_crawl_flags(const CrawlFlags& flags) {
  if (Status limits = check_limits(flags); !limits) return limits;
  if (Status browser = check_browser_flags(flags); !browser) return browser;
  if (flags.scope != "host" && flags.scope != "domain") {
    return Error{"--scope must be 'host' or 'domain', not '" + flags.scope + "'"};
  }
  if (!flags.dns_server.empty()) {
    if (Result<DnsServer> server = parse_dns_server(flags.dns_server); !server) {
      return Error{server.error()};
    }
  }
  if (flags.fetch_third_party && flags.no_fetch_third_party) {
    return Error{"--fetch-third-party and --no-fetch-third-party contradict each other"};
  }
  if (!is_http_url(flags.base_url) || !normalize_url(flags.base_url)) {
    return Error{"--base-url must be an http(s) URL, not '" + flags.base_url + "'"};
  }
  for (const std::string& header : flags.crawl.headers) {
    std::size_t colon = header.find(':');
    if (colon == std::string::npos || colon == 0 ||
        header.find_first_of("\r\n") != std::string::npos) {
      return Error{"--header must look like 'Name: value', not '" + header + "'"};
    }
  }
  return Ok{};
}

ScanSettings scan_settings(const std::vector<std::string>& targets, const CrawlFlags& flags,
                           const CommonFlags& common) {
  ScanSettings settings;
  settings.targets = targets;
  settings.crawl = flags.crawl;
  settings.crawl.max_page_bytes = static_cast<std::uint64_t>(flags.max_page_bytes);
  settings.crawl.scope = flags.scope == "host" ? CrawlScope::host : CrawlScope::domain;
  settings.crawl.respect_robots = !flags.ignore_robots;
  settings.crawl.use_sitemap = flags.sitemap;
  settings.crawl.insecure = flags.insecure;
  settings.crawl.show_progress = !common.quiet && isatty(STDERR_FILENO) == 1;
  settings.base_url = flags.base_url;
  settings.threads = flags.threads;
  settings.quiet = common.quiet;
  bool any_url = std::any_of(targets.begin(), targets.end(),
                             [](const std::string& target) { return is_http_url(target); });
  settings.fetch_third_party = flags.fetch_third_party || (any_url && !flags.no_fetch_third_party);
  settings.max_third_party = flags.max_third_party;
  settings.dns_server = flags.dns_server;
  settings.allow_private_third_party = flags.allow_private_third_party;
  settings.max_first_party_files = flags.max_first_party_assets;
  settings.max_first_party_bytes = static_cast<std::uint64_t>(flags.max_first_party_bytes);
  BrowserSettings& browser = settings.browser;
  browser.enabled = flags.browser;
  browser.binary = flags.browser_binary;
  browser.sandbox = !flags.browser_no_sandbox;
  browser.pages = flags.browser_pages;
  browser.tabs = flags.browser_tabs;
  browser.timeout_s = flags.browser_timeout;
  if (auto states = parse_consent_states(flags.consent)) browser.states = *states;
  browser.gpc = flags.gpc;
  browser.offline = flags.offline;
  return settings;
}

InterruptibleScans::InterruptibleScans() : watcher_([this] { interrupt(); }) {}

void InterruptibleScans::interrupt() {
  std::lock_guard lock(mutex_);
  interrupted_ = true;
  if (running_ != nullptr) running_->interrupt();
}

Result<ScanOutcome> InterruptibleScans::run(const ScanSettings& settings) {
  ScanStop stop;
  {
    std::lock_guard lock(mutex_);
    running_ = &stop;
    if (interrupted_) stop.interrupt();
  }
  InertLines notes(std::cerr);  // notes quote URLs and headers from the network
  Result<ScanOutcome> outcome = run_scan_pipeline(settings, stop, notes);
  std::lock_guard lock(mutex_);
  running_ = nullptr;
  return outcome;
}

Result<ScanOutcome> run_interruptible_scan(const ScanSettings& settings) {
  InterruptibleScans scans;
  return scans.run(settings);
}

}  // namespace tw::cli
