// `tagwarden scan --targets FILE`: the portfolio loaded and checked, this runner's shard chosen,
// every selected target's policy and secrets checked before the first crawl;
// then one scan per target exactly as `scan TARGET` runs it, and a line per target at the end.
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "cli/console_lines.h"
#include "cli/scan_request.h"
#include "portfolio/portfolio.h"
#include "portfolio/shard.h"
#include "reports/report_text.h"
#include "rules/rule_catalogue.h"
#include "store/scan_store.h"
#include "store/sql.h"

namespace tw::cli {
namespace {

// A selected target with its policy checked, its request shaping (secrets read) and where its
// reports go.
struct PlannedScan {
  const PortfolioTarget* target = nullptr;
  RequestShaping shaping;
  std::string out;
};

Result<Shard> chosen_shard(const std::string& spec) {
  if (spec.empty()) return Shard{1, 1};
  if (spec == "auto") return shard_from_environment(process_environment());
  return parse_shard(spec);
}

Result<PlannedScan> plan_scan(const Portfolio& portfolio, const PortfolioTarget& target,
                              const ScanRequest& base) {
  if (!target.policy.empty()) {
    Result<SanctionedStack> policy = load_policy_file(target.policy, rule_ids());
    if (!policy) return Error{policy.error()};
  }
  Result<RequestShaping> shaping =
      shaped_request(portfolio, target, base.flags.crawl.crawl, process_environment());
  if (!shaping) return Error{shaping.error()};
  std::string out = (std::filesystem::path(base.flags.out) / target.name).string();
  return PlannedScan{&target, std::move(shaping).value(), out};
}

// The targets of `shard`, each checked; the first problem met otherwise.
Result<std::vector<PlannedScan>> plan_scans(const Portfolio& portfolio, Shard shard,
                                            const ScanRequest& base) {
  std::vector<PlannedScan> plans;
  for (const PortfolioTarget& target : portfolio.targets) {
    if (shard_of(target.identity, shard.count) != shard.index) continue;
    Result<PlannedScan> plan = plan_scan(portfolio, target, base);
    if (!plan) return Error{plan.error()};
    plans.push_back(std::move(plan).value());
  }
  return plans;
}

// The request of one target: the command line's, with the target's policy, shaping, base URL
// and report directory (made here, so a run stopped by a bad entry leaves none behind).
Result<ScanRequest> target_request(const ScanRequest& base, const PlannedScan& plan) {
  if (Status writable = writable_directory(plan.out); !writable) return Error{writable.error()};
  ScanRequest request = base;
  request.flags.targets = {plan.target->scan_target};
  static_cast<RequestShaping&>(request.flags.crawl.crawl) = plan.shaping;
  if (!plan.target->base_url.empty()) request.flags.crawl.base_url = plan.target->base_url;
  request.flags.out = plan.out;
  // Loaded again rather than kept from the plan, so a portfolio of thousands of targets holds
  // one policy at a time.
  if (!plan.target->policy.empty()) {
    Result<SanctionedStack> policy = load_policy_file(plan.target->policy, rule_ids());
    if (!policy) return Error{policy.error()};
    request.policy.emplace(std::move(policy).value());
  }
  return request;
}

bool writes_files(const ScanRequest& request) {
  return std::any_of(request.formats.begin(), request.formats.end(),
                     [](ReportFormat format) { return format != ReportFormat::console; });
}

// "target URL: exit 1, scan 7, 12 pages, 3 findings (worst high), reports in out/name".
std::string target_line(const ScanRequest& base, const PlannedScan& plan,
                        const std::optional<ScanResult>& result) {
  std::string line = "target " + report_text::terminal(plan.target->target) + ": ";
  if (!result) return line + "not scanned (interrupted)";
  line += "exit " + std::to_string(result->exit_code);
  if (result->scan_id != 0) line += ", scan " + std::to_string(result->scan_id);
  if (!result->problem.empty()) return line + ", " + report_text::terminal(result->problem);
  line += ", " + std::to_string(result->pages) + " pages, " + std::to_string(result->findings) +
          " findings";
  if (result->worst) line += " (worst " + std::string(to_string(*result->worst)) + ")";
  if (writes_files(base)) line += ", reports in " + report_text::terminal(plan.out);
  return line;
}

// Scans the planned targets one after another; nullopt for those an interrupt left unscanned.
std::vector<std::optional<ScanResult>> scan_each(const ScanRequest& request,
                                                 const std::vector<PlannedScan>& plans,
                                                 InterruptibleScans& scans) {
  std::vector<std::optional<ScanResult>> results;
  for (const PlannedScan& plan : plans) {
    if (scans.interrupted()) {
      results.emplace_back();
      continue;
    }
    std::cout << "scanning " << results.size() + 1 << " of " << plans.size() << ": "
              << report_text::terminal(plan.target->target) << "\n"
              << std::flush;
    Result<ScanRequest> target = target_request(request, plan);
    if (!target) {
      std::cerr << target.error() << "\n";
      ScanResult not_started;
      not_started.exit_code = kExitUsage;
      not_started.problem = "not started (above)";
      results.push_back(not_started);
      continue;
    }
    results.push_back(scan_and_report(*target, scans));
  }
  return results;
}

}  // namespace

int run_portfolio_scan(const ScanRequest& request) {
  const ScanFlags& flags = request.flags;
  Result<Shard> shard = chosen_shard(flags.shard);
  if (!shard) {
    print_error("scan", shard.error());
    return kExitUsage;
  }
  Result<Portfolio> portfolio = load_portfolio_file(flags.targets_file);
  if (!portfolio) {
    std::cerr << portfolio.error() << "\n";
    return kExitUsage;
  }
  // Every selected target's policy and secrets, before the first crawl.
  Result<std::vector<PlannedScan>> plans = plan_scans(*portfolio, *shard, request);
  if (!plans) {
    std::cerr << plans.error() << "\n";
    return kExitUsage;
  }
  // A shared PostgreSQL store is reached (and its schema checked) once, before the first crawl:
  // an unreachable server or a newer schema is one line, not one failure per target.
  if (sql::is_postgres_url(request.db_path) && !plans->empty()) {
    if (Result<ScanStore> store = ScanStore::open(request.db_path); !store) {
      std::cerr << store.error() << "\n";
      return kExitUsage;
    }
  }
  InterruptibleScans scans;
  std::vector<std::optional<ScanResult>> results = scan_each(request, *plans, scans);
  // The console ends with the portfolio's line and one line per target.
  std::cout << "portfolio " << report_text::terminal(flags.targets_file);
  if (shard->count > 1) std::cout << ", shard " << shard->index << "/" << shard->count;
  std::cout << ": " << plans->size() << " of " << portfolio->targets.size() << " targets\n";
  int worst = scans.interrupted() ? kExitInterrupted : kExitOk;
  for (std::size_t i = 0; i < plans->size(); ++i) {
    std::cout << target_line(request, (*plans)[i], results[i]) << "\n";
    if (results[i]) worst = std::max(worst, results[i]->exit_code);
  }
  return worst;
}

}  // namespace tw::cli
