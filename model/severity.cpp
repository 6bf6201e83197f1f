#include "model/severity.h"

namespace tw {

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::info: return "info";
    case Severity::low: return "low";
    case Severity::medium: return "medium";
    case Severity::high: return "high";
    case Severity::critical: return "critical";
  }
  return "info";
}

std::optional<Severity> parse_severity(std::string_view text) {
  for (Severity s : {Severity::info, Severity::low, Severity::medium, Severity::high,
                     Severity::critical}) {
    if (to_string(s) == text) return s;
  }
  return std::nullopt;
}

}  // namespace tw
