// `tagwarden scan`: flags -> ScanSettings, run the pipeline, write the reports, pick the exit code.
#include <unistd.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "pipeline/scan_pipeline.h"
#include "model/url.h"
#include "reports/report.h"
#include "rules/policy.h"

namespace tw::cli {
namespace {

namespace po = boost::program_options;

struct ScanFlags {
  std::vector<std::string> targets;
  std::string policy;
  std::string db = "tagwarden.db";
  std::string formats = "json";
  std::string out = ".";
  std::string fail_on;
  std::string scope = "domain";
  std::string base_url = "http://localhost/";
  int threads = 0;
  bool ignore_robots = false;
  bool sitemap = false;
  bool insecure = false;
  bool quiet = false;
  bool no_color = false;
  bool no_incremental = false;
  std::string baseline;
  bool fetch_third_party = false;
  bool no_fetch_third_party = false;
  int max_third_party = 2000;
};

po::options_description scan_options(ScanFlags& flags, CrawlOptions& crawl) {
  po::options_description options(
      "tagwarden scan TARGET... [options]\n\n"
      "TARGET is an http(s) URL or a directory of built HTML.\n\n"
      "Options");
  // clang-format off
  options.add_options()
    ("help,h", "show this help")
    ("policy", po::value(&flags.policy)->value_name("FILE"), "sanctioned-stack policy (YAML)")
    ("db", po::value(&flags.db)->value_name("FILE"), "SQLite scan history (default tagwarden.db; '' to skip)")
    ("format", po::value(&flags.formats)->value_name("LIST"), "reports: json,sarif,junit,html,csv,markdown (default json)")
    ("out", po::value(&flags.out)->value_name("DIR"), "directory for report files (default .)")
    ("fail-on", po::value(&flags.fail_on)->value_name("SEVERITY"), "exit 1 when a finding is at or above info|low|medium|high|critical")
    ("concurrency", po::value(&crawl.concurrency)->value_name("N"), "transfers in flight (default 32)")
    ("per-host", po::value(&crawl.per_host)->value_name("N"), "connections per host (default 8)")
    ("delay", po::value(&crawl.delay_ms)->value_name("MS"), "delay between requests to one host")
    ("threads", po::value(&flags.threads)->value_name("N"), "analysis threads (default: cores)")
    ("max-pages", po::value(&crawl.max_pages)->value_name("N"), "stop after N pages (default 1000, 0 = no limit)")
    ("max-depth", po::value(&crawl.max_depth)->value_name("N"), "link hops from a start URL (default 10)")
    ("max-page-bytes", po::value(&crawl.max_page_bytes)->value_name("N"), "largest page body, decoded (default 10 MiB)")
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
    ("baseline", po::value(&flags.baseline)->value_name("SCAN_ID|REPORT.json"), "mark findings new or existing against an earlier scan; --fail-on counts new ones only")
    ("fetch-third-party", po::bool_switch(&flags.fetch_third_party), "fetch every third-party resource once and look inside (default for URL targets)")
    ("no-fetch-third-party", po::bool_switch(&flags.no_fetch_third_party), "only read the pages (default for directory targets)")
    ("max-third-party", po::value(&flags.max_third_party)->value_name("N"), "distinct third-party URLs fetched or checked per scan (default 2000)")
    ("no-incremental", po::bool_switch(&flags.no_incremental), "re-parse every page even if unchanged since the last scan")
    ("quiet,q", po::bool_switch(&flags.quiet), "no progress line and no notes (the summary stays)")
    ("no-color", po::bool_switch(&flags.no_color), "no colour in the summary (NO_COLOR is honoured too)");
  // clang-format on
  return options;
}

Status check_flags(const ScanFlags& flags, const CrawlOptions& crawl) {
  if (flags.targets.empty()) return Error{"no target given (a URL or a directory)"};
  if (crawl.concurrency < 1 || crawl.concurrency > 1024)
    return Error{"--concurrency must be 1..1024"};
  if (crawl.per_host < 1) return Error{"--per-host must be at least 1"};
  if (crawl.delay_ms < 0) return Error{"--delay must not be negative"};
  if (flags.threads < 0 || flags.threads > 256) return Error{"--threads must be 0..256"};
  if (crawl.max_pages < 0) return Error{"--max-pages must not be negative"};
  if (crawl.max_depth < 0) return Error{"--max-depth must not be negative"};
  if (crawl.max_page_bytes == 0) return Error{"--max-page-bytes must be positive"};
  if (flags.max_third_party < 1) return Error{"--max-third-party must be at least 1"};
  if (crawl.timeout_s < 1 || crawl.connect_timeout_s < 1)
    return Error{"timeouts must be at least 1 second"};
  if (crawl.max_retries < 0 || crawl.max_retries > 10) return Error{"--retries must be 0..10"};
  if (flags.scope != "host" && flags.scope != "domain") {
    return Error{"--scope must be 'host' or 'domain', not '" + flags.scope + "'"};
  }
  if (flags.fetch_third_party && flags.no_fetch_third_party) {
    return Error{"--fetch-third-party and --no-fetch-third-party contradict each other"};
  }
  if (!flags.fail_on.empty() && !parse_severity(flags.fail_on)) {
    return Error{"--fail-on must be one of info, low, medium, high, critical, not '" +
                 flags.fail_on + "'"};
  }
  if (!is_http_url(flags.base_url) || !normalize_url(flags.base_url)) {
    return Error{"--base-url must be an http(s) URL, not '" + flags.base_url + "'"};
  }
  for (const std::string& header : crawl.headers) {
    std::size_t colon = header.find(':');
    if (colon == std::string::npos || colon == 0 ||
        header.find_first_of("\r\n") != std::string::npos) {
      return Error{"--header must look like 'Name: value', not '" + header + "'"};
    }
  }
  return Ok{};
}

bool use_color(bool no_color_flag) {
  if (no_color_flag) return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  return isatty(STDOUT_FILENO) == 1;
}

}  // namespace

int run_scan(const Args& args) {
  ScanFlags flags;
  CrawlOptions crawl;
  po::options_description options = scan_options(flags, crawl);
  po::positional_options_description positional;
  positional.add("target", -1);
  po::options_description hidden;
  hidden.add_options()("target", po::value(&flags.targets));
  po::options_description all;
  all.add(options).add(hidden);

  po::variables_map vm;
  if (Status parsed = parse_command_line(args, all, positional, vm); !parsed) {
    std::cerr << "tagwarden scan: " << parsed.error() << " (see 'tagwarden scan --help')\n";
    return kExitUsage;
  }
  if (vm.count("help")) {
    std::cout << options << "\n";
    return kExitOk;
  }
  if (Status valid = check_flags(flags, crawl); !valid) {
    std::cerr << "tagwarden scan: " << valid.error() << "\n";
    return kExitUsage;
  }

  Result<std::vector<ReportFormat>> formats = parse_report_formats(flags.formats);
  if (!formats) {
    std::cerr << "tagwarden scan: " << formats.error() << "\n";
    return kExitUsage;
  }

  std::optional<SanctionedStack> policy;
  if (!flags.policy.empty()) {
    Result<SanctionedStack> loaded = load_policy_file(flags.policy);
    if (!loaded) {
      std::cerr << loaded.error() << "\n";
      return kExitUsage;
    }
    policy.emplace(std::move(loaded).value());
  }

  crawl.scope = flags.scope == "host" ? CrawlScope::host : CrawlScope::domain;
  crawl.respect_robots = !flags.ignore_robots;
  crawl.use_sitemap = flags.sitemap;
  crawl.insecure = flags.insecure;
  crawl.show_progress = !flags.quiet && isatty(STDERR_FILENO) == 1;

  ScanSettings settings;
  settings.targets = flags.targets;
  settings.crawl = crawl;
  settings.base_url = flags.base_url;
  settings.threads = flags.threads;
  settings.policy = policy ? &*policy : nullptr;
  settings.db_path = flags.db;
  settings.incremental = !flags.no_incremental;
  settings.quiet = flags.quiet;
  bool any_url = std::any_of(flags.targets.begin(), flags.targets.end(),
                             [](const std::string& target) { return is_http_url(target); });
  settings.fetch_third_party = flags.fetch_third_party || (any_url && !flags.no_fetch_third_party);
  settings.max_third_party = flags.max_third_party;
  // Only file reports list pages; a console-only scan keeps memory flat however big the site.
  bool file_reports = std::any_of(formats->begin(), formats->end(), [](ReportFormat format) {
    return format != ReportFormat::console;
  });
  settings.baseline = flags.baseline;
  // The third-party stage reads the pages back from the store in batches; without a store it
  // needs them in memory.
  settings.keep_pages = file_reports || !flags.baseline.empty() ||
                        (settings.fetch_third_party && settings.db_path.empty());
  // Only the JSON and HTML reports list tags, and drift against a baseline compares them; the
  // other reports need the pages' findings alone, so a SARIF/JUnit scan of a large site stays
  // small. Without a store the third-party stage works on the kept pages, tags and all.
  settings.keep_tags = !flags.baseline.empty() ||
                       (settings.fetch_third_party && settings.db_path.empty()) ||
                       std::any_of(formats->begin(), formats->end(), [](ReportFormat format) {
                         return format == ReportFormat::json || format == ReportFormat::html;
                       });

  // Made before crawling, so an unwritable --out fails in a second, not after the crawl.
  std::error_code ec;
  std::filesystem::create_directories(flags.out, ec);
  if (ec) {
    std::cerr << "tagwarden scan: cannot create --out directory " << flags.out << ": "
              << ec.message() << "\n";
    return kExitUsage;
  }

  Result<ScanOutcome> outcome = run_scan_pipeline(settings, std::cerr);
  if (!outcome) {
    std::cerr << "tagwarden scan: " << outcome.error() << "\n";
    return kExitUsage;
  }

  ReportOptions report_options;
  report_options.fail_on = flags.fail_on.empty() ? Severity::high : *parse_severity(flags.fail_on);
  report_options.color = use_color(flags.no_color);
  report_options.baseline = !flags.baseline.empty();
  report_options.fail_on_given = !flags.fail_on.empty();
  std::vector<std::string> written;
  for (ReportFormat format : *formats) {
    if (format == ReportFormat::console) continue;
    Status status = write_report_files(format, outcome->report, report_options, flags.out);
    if (!status) {
      std::cerr << "tagwarden scan: " << status.error() << "\n";
      return kExitScanFailed;
    }
    for (const std::string& file : report_files(format)) {
      written.push_back((std::filesystem::path(flags.out) / file).string());
    }
  }

  Status printed = write_report(ReportFormat::console, outcome->report, report_options, std::cout);
  if (!printed) std::cerr << "tagwarden scan: " << printed.error() << "\n";
  for (const std::string& path : written) std::cout << "report: " << path << "\n";
  if (!flags.db.empty() && outcome->report.scan.id != 0) {
    std::cout << "stored: scan " << outcome->report.scan.id << " in " << flags.db << "\n";
  }

  if (!outcome->could_not_run.empty()) {
    std::cerr << "tagwarden scan: " << outcome->could_not_run << "\n";
    return kExitScanFailed;
  }
  if (outcome->interrupted) {
    std::cerr << "tagwarden scan: interrupted; " << outcome->pages_analysed
              << " pages analysed and stored, scan marked partial\n";
    return kExitInterrupted;
  }
  if (!flags.fail_on.empty()) {
    std::vector<const Finding*> findings = outcome->report.all_findings();
    bool failing = std::any_of(findings.begin(), findings.end(), [&](const Finding* finding) {
      return fails_build(*finding, report_options);
    });
    if (const std::optional<StreamedTotals>& streamed = outcome->report.streamed) {
      for (const auto& [rule_severity, count] : streamed->by_rule_severity) {
        failing = failing || (count > 0 && rule_severity.second >= report_options.fail_on);
      }
    }
    if (failing) return kExitFindings;
  }
  return kExitOk;
}

}  // namespace tw::cli
