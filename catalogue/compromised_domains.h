// Hosts known to be compromised, attacker-run or abandoned (rule TW303), from the dated list
// shipped in catalogue/data/compromised-domains.json (retire.js backdoored hosts plus tagwarden's
// curated reports). Parsed once on first use; immutable and thread-safe afterwards.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/result.h"
#include "model/severity.h"

namespace tw {

struct CompromisedHost {
  std::string host;    // matches itself and its subdomains
  std::string status;  // "compromised", "attacker" or "abandoned"
  Severity severity = Severity::critical;
  std::string since;  // YYYY-MM-DD it was reported
  std::string summary;
  std::vector<std::string> sources;
};

class CompromisedDomains {
 public:
  static Result<CompromisedDomains> from_json(std::string_view json, std::string_view origin);
  static const CompromisedDomains& builtin();

  const CompromisedHost* find(std::string_view host) const;
  const std::string& updated() const { return updated_; }
  const std::vector<CompromisedHost>& hosts() const { return hosts_; }

 private:
  std::string updated_;
  std::vector<CompromisedHost> hosts_;
};

}  // namespace tw
