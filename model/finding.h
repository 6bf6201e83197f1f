// A Finding is one difference between a page (or the site) and the sanctioned stack or good
// practice, produced by a rule. Site-level findings have an empty page.
#pragma once

#include <string>
#include <vector>

#include "model/severity.h"

namespace tw {

struct Finding {
  std::string rule;  // "TW100"...
  Severity severity = Severity::info;
  std::string page;  // page URL; empty for site-level findings
  std::string vendor;
  std::string host;
  std::string tag_url;
  int line = 0;
  int column = 0;
  std::string message;      // one sentence a person can act on
  std::string evidence;     // the attribute, id, snippet or header that shows it
  std::string fingerprint;  // stable across runs: rule + page path + what it is about
  bool suppressed = false;
  std::string suppression_reason;
  // Set against a baseline: "new" or "existing"; empty when no baseline was given.
  std::string baseline_state;
};

// Hex digest of the parts, stable across runs and platforms (used for fingerprints).
std::string stable_fingerprint(const std::vector<std::string>& parts);

}  // namespace tw
