// What appeared or disappeared between two scans of a site: vendors, third-party hosts or tag IDs,
// with the pages where. store/ computes it (compute_drift); the drift rule (TW107) reads it.
#pragma once

#include <string>
#include <vector>

namespace tw {

// One vendor, host or tag ID that appeared or disappeared.
struct DriftItem {
  std::string value;               // vendor name, host or tag ID
  std::string vendor;              // the vendor it belongs to, when known (hosts and IDs)
  std::vector<std::string> pages;  // pages where it stands (in the scan that has it), sorted
};

struct DriftSet {
  std::vector<DriftItem> added;    // in the newer scan only, sorted by value
  std::vector<DriftItem> removed;  // in the older scan only, sorted by value
  bool empty() const { return added.empty() && removed.empty(); }
};

}  // namespace tw
