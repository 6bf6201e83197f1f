// Drift between two scans of a site: which vendors, third-party hosts and tag IDs appeared or
// disappeared (and on which pages), and which findings are new or resolved (by fingerprint).
// A pure function of two ScanReports, so it works on stored scans and on JSON reports alike.
#pragma once

#include <string>
#include <vector>

#include "model/analysis.h"
#include "model/drift.h"

namespace tw {

struct Drift {
  ScanInfo before;
  ScanInfo after;
  DriftSet vendors;
  DriftSet hosts;
  DriftSet tag_ids;
  std::vector<Finding> new_findings;       // fingerprint only in `after`, in its order
  std::vector<Finding> resolved_findings;  // fingerprint only in `before`, in its order
  bool empty() const {
    return vendors.empty() && hosts.empty() && tag_ids.empty() && new_findings.empty() &&
           resolved_findings.empty();
  }
};

Drift compute_drift(const ScanReport& before, const ScanReport& after);

// Human-readable summary (for `tagwarden diff`), lines ending in '\n'.
std::string drift_to_text(const Drift& drift);
// {"before":{scan},"after":{scan},"vendors":{"added":[...],"removed":[...]},"hosts":...,
//  "tag_ids":...,"findings":{"new":[...],"resolved":[...]}}; documented in store/README.md.
std::string drift_to_json(const Drift& drift);

}  // namespace tw
