// The budgets the resource rules (TW203, TW301, TW304, TW308, TW403, TW404, TW405) measure against.
// Those rules read only the "resource-*" facts the third-party stage wrote on a page's tags
// (model/resource_facts.h) and never fetch; the engine runs them (run_resource_rules in
// rules/rule_engine.h).
#pragma once

#include <cstdint>

#include "rules/rule_engine.h"

namespace tw {

// Thresholds for the performance rules: these defaults, or the policy's budgets
// (third_party_bytes_per_page, slow_response_ms).
struct ResourceBudgets {
  std::uint64_t third_party_bytes_per_page = 1'000'000;  // TW403, bytes on the wire
  double slow_response_ms = 2000;                        // TW404, total time of one resource
  std::uint64_t compressible_bytes = 1400;  // TW405: smaller scripts gain nothing from gzip
};

ResourceBudgets resource_budgets(const RuleContext& context);

}  // namespace tw
