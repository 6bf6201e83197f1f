// The JSON the store keeps a page's browser visits in (analyses.browser, store/README.md): one
// object per consent state with its requests and cookies. Internal to store/; the JSON report
// writes the same names.
#pragma once

#include <string>
#include <vector>

#include "model/browser_visit.h"

namespace tw {

// Empty text for no visits, so a page the browser never rendered stores as before.
std::string visits_json(const std::vector<BrowserVisit>& visits);
// Text that is not JSON or not of this shape gives what could be read, never an error.
std::vector<BrowserVisit> visits_from_json(const std::string& text);

}  // namespace tw
