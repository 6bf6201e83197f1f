// The rules that read fetched third-party resources (TW203, TW301, TW304, TW308, TW403, TW404,
// TW405). They read only the "resource-*" facts the third-party stage wrote on the page's tags
// (model/resource_facts.h) and never fetch. Pure and thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "model/analysis.h"
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

// The findings of the resource rules for one page, with the policy's settings and suppressions
// applied. Does not touch the page; the caller replaces earlier findings of these rules.
std::vector<Finding> run_resource_rules(const PageAnalysis& page, const RuleContext& context);

// True for the rule ids run_resource_rules produces.
bool is_resource_rule(std::string_view rule_id);

}  // namespace tw
