// `tagwarden report --portfolio`: every target of the store (or of a portfolio file) with its
// newest scan, trend and whether it was scanned within the expected interval.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "model/result.h"
#include "reports/portfolio_report.h"
#include "store/scan_store.h"

namespace tw::cli {

struct PortfolioRequest {
  std::string targets_file;  // a portfolio file: its targets, in its order, scanned or not
  std::string expected_interval = "24h";
  long long expected_seconds = 86400;
};

// "90m", "36h", "7d" -> seconds; nullopt for anything else.
std::optional<long long> parse_interval_seconds(std::string_view text);

// Reads the scan list and each target's newest scan (one pass over its pages).
Result<PortfolioReport> gather_portfolio(ScanStore& store, const PortfolioRequest& request);

}  // namespace tw::cli
