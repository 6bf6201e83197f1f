#include "model/analysis.h"

namespace tw {

std::string_view to_string(ScanStatus status) {
  switch (status) {
    case ScanStatus::running: return "running";
    case ScanStatus::complete: return "complete";
    case ScanStatus::partial: return "partial";
    case ScanStatus::failed: return "failed";
  }
  return "failed";
}

std::vector<const Finding*> ScanReport::all_findings() const {
  std::vector<const Finding*> out;
  for (const PageAnalysis& page : pages) {
    for (const Finding& f : page.findings) out.push_back(&f);
  }
  for (const Finding& f : site_findings) out.push_back(&f);
  return out;
}

}  // namespace tw
