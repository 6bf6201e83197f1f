// Pass 1: open the inputs (see scan_passes.h).
#include <thread>

#include "model/clock.h"
#include "model/domain.h"
#include "model/url.h"
#include "model/version.h"
#include "pipeline/analysis_pool.h"
#include "pipeline/scan_passes.h"

namespace tw {
namespace {

bool has_scheme(const std::string& target) {
  std::size_t colon = target.find("://");
  return colon != std::string::npos && colon > 0;
}

Result<ScanTargets> classify_targets(const std::vector<std::string>& targets) {
  ScanTargets out;
  for (const std::string& target : targets) {
    if (is_http_url(target)) {
      if (!normalize_url(target)) return Error{"target '" + target + "' is not a valid URL"};
      out.urls.push_back(target);
    } else if (has_scheme(target)) {
      return Error{"target '" + target +
                   "' has an unsupported scheme: only http:// and https:// are fetched"};
    } else {
      out.directories.push_back(target);
    }
  }
  if (out.urls.empty() && out.directories.empty()) return Error{"no target given"};
  return out;
}

// What the scan row records about how the scan was run.
void describe_scan(ScanState& scan) {
  ScanInfo& info = scan.info();
  info.targets = scan.settings.targets;
  info.started = utc_now_iso8601();
  info.tool_version = kToolVersion;
  info.analyser_version = kAnalyserVersion;
  if (const SanctionedStack* policy = scan.settings.policy) {
    info.policy_path = policy->path;
    info.policy_digest = policy->digest;
  }
  const CrawlOptions& crawl = scan.crawl;
  info.settings["concurrency"] = std::to_string(crawl.concurrency);
  info.settings["max_pages"] = std::to_string(crawl.max_pages);
  info.settings["max_depth"] = std::to_string(crawl.max_depth);
  info.settings["scope"] = crawl.scope == CrawlScope::host ? "host" : "domain";
  info.settings["robots"] = crawl.respect_robots ? "respected" : "ignored";
  if (!scan.targets.directories.empty()) info.settings["base_url"] = scan.settings.base_url;
}

// The store, the baseline (which may name a stored scan) and the lookup of unchanged pages.
Status open_history(ScanState& scan) {
  const ScanSettings& settings = scan.settings;
  if (!settings.db_path.empty()) {
    Result<ScanStore> opened = ScanStore::open(settings.db_path);
    if (!opened) return Error{opened.error()};
    scan.store.emplace(std::move(opened).value());
  }
  if (!settings.baseline.empty()) {
    ScanStore* history = scan.store && !settings.db_is_temporary ? &*scan.store : nullptr;
    Result<Baseline> loaded = load_baseline(settings.baseline, history);
    if (!loaded) return Error{"--baseline: " + loaded.error()};
    scan.baseline.emplace(std::move(loaded).value());
  }
  // A database without an earlier scan has nothing to reuse: no lookups at all.
  if (scan.store && settings.incremental && scan.store->has_reusable_pages()) {
    Result<ScanStore> second = ScanStore::open(settings.db_path);
    if (!second) return Error{second.error()};
    // The third-party stage changes pages' findings after the crawl: their stored findings are
    // then not the ones the crawl would make, and the page rules run again.
    FindingsKey current{kAnalyserVersion, scan.info().policy_digest, Catalogue::builtin_digest()};
    scan.incremental.emplace(std::move(second).value(), std::move(current),
                             !settings.fetch_third_party);
    IncrementalLookup* lookup = &*scan.incremental;
    const AnalysisContext* context = &scan.context;
    scan.crawl.validators = [lookup, context](const std::string& url) {
      if (is_payment_url(*context, url)) return std::pair<std::string, std::string>();
      return lookup->validators(url);
    };
  }
  return Ok{};
}

void make_context(ScanState& scan) {
  const ScanSettings& settings = scan.settings;
  AnalysisContext& context = scan.context;
  context.rules.catalogue = settings.policy ? &settings.policy->catalogue : &Catalogue::builtin();
  context.rules.policy = settings.policy;
  if (!scan.targets.directories.empty()) {
    context.first_party_domains.push_back(registrable_domain(url_host(settings.base_url)));
  }
}

// The third-party stage plans its fetches from each page as it passes to the store, so it need
// not read every page back for that; without a store or kept pages it has nothing to walk.
void make_third_party_stage(ScanState& scan) {
  const ScanSettings& settings = scan.settings;
  if (!settings.fetch_third_party || !(settings.keep_pages || scan.store)) return;
  ResourceFetchOptions options;
  options.limits = scan.crawl;   // the transfer limits part
  options.request = scan.crawl;  // and the request shaping part
  options.stop = scan.stop.flag();
  options.max_resources = settings.max_third_party;
  options.dns_server = settings.dns_server;
  options.allow_private_addresses = settings.allow_private_third_party;
  scan.third_party.emplace(options, scan.context);
}

// First-party files are read from the directories, or fetched for URL targets, with their own
// connection to the store for what earlier scans read from the same contents.
Status make_first_party_files(ScanState& scan) {
  const ScanSettings& settings = scan.settings;
  if (settings.max_first_party_files == 0) return Ok{};
  FirstPartySettings files;
  files.fetch.limits = scan.crawl;
  files.fetch.request = scan.crawl;
  files.fetch.stop = scan.stop.flag();
  files.directories = scan.targets.directories;
  files.base_url = normalize_url(settings.base_url).value_or(settings.base_url);
  files.network = !scan.targets.urls.empty();
  files.max_files = settings.max_first_party_files;
  files.max_bytes = settings.max_first_party_bytes;
  files.analyser_version = kAnalyserVersion;
  std::optional<ScanStore> store;
  if (scan.store && !settings.db_is_temporary) {
    Result<ScanStore> opened = ScanStore::open(settings.db_path);
    if (!opened) return Error{opened.error()};
    store.emplace(std::move(opened).value());
  }
  scan.first_party.emplace(std::move(files), std::move(store));
  return Ok{};
}

}  // namespace

void ScanState::note(const std::string& line) const {
  if (!settings.quiet) notes << "tagwarden: " << line << "\n";
}

Status open_inputs(ScanState& scan) {
  Result<ScanTargets> targets = classify_targets(scan.settings.targets);
  if (!targets) return Error{targets.error()};
  scan.targets = std::move(targets).value();
  scan.crawl = scan.settings.crawl;
  scan.crawl.start_urls = scan.targets.urls;
  if (!scan.crawl.start_urls.empty()) {
    if (Status valid = Crawler::validate(scan.crawl); !valid) return Error{valid.error()};
  }
  describe_scan(scan);
  if (Status opened = open_history(scan); !opened) return opened;
  if (Status made = make_first_party_files(scan); !made) return made;
  if (scan.store) {
    Result<std::int64_t> id = scan.store->begin_scan(scan.info(), Catalogue::builtin_digest());
    if (!id) return Error{id.error()};
    scan.info().id = *id;
  }
  make_context(scan);
  make_third_party_stage(scan);
  // Pages keep their references to the site's other hosts only for the stage's CNAME check.
  scan.context.keep_site_host_references = scan.third_party.has_value();
  if (!scan.settings.keep_pages) scan.outcome.report.streamed.emplace();
  return Ok{};
}

}  // namespace tw
