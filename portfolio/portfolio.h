// The portfolio: the YAML list of sites one `tagwarden scan --targets FILE` scans, each with its
// policy and how its requests present themselves. Secrets are never in the file: it names the
// environment variables that hold them, read only when the target is about to be scanned.
// Loading validates everything as the policy loader does ("file:line:column: message", the same
// size and alias limits); a loaded Portfolio is immutable and any thread may read it.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crawler/crawler.h"
#include "model/result.h"
#include "policy/policy_model.h"

namespace tw {

struct PortfolioTarget {
  std::string target;       // as written: an http(s) URL or a directory
  std::string identity;     // normalised target (shard_identity): what shards hash, unique
  std::string scan_target;  // what is scanned: the URL, or the directory relative to the file's
  std::string base_url;     // directories: the origin they are served from; empty = --base-url
  std::string policy;       // path of the policy file (resolved against the portfolio's folder)
  std::string name;         // report subdirectory under --out: `name:` or derived from the target
  std::map<std::string, std::string> headers;     // sent as written (no secrets)
  std::map<std::string, std::string> header_env;  // header name -> environment variable
  std::string cookie_env;                         // variable holding the Cookie header value
  std::string basic_auth_env;                     // variable holding user:password
  PolicyLocation where;                           // of the entry, for messages
};

struct Portfolio {
  std::string path;                      // file it was read from
  std::vector<PortfolioTarget> targets;  // in file order
};

// Reads and validates a portfolio file; every problem is one "file:line:column: message" line
// of the error. A policy file an entry names must exist (it is loaded later, by the scan).
Result<Portfolio> load_portfolio_file(const std::string& path);
// The same from text; `origin` stands for the file name in errors and relative paths are
// resolved against its folder.
Result<Portfolio> load_portfolio_text(std::string_view yaml, std::string_view origin);

// Looks an environment variable up; nullopt when it is not set or empty (GitHub Actions passes a
// secret it does not have as an empty string).
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvironmentLookup process_environment();

// `base` (the command line's request shaping) with the target's headers added and its secrets
// read from the environment: a cookie or basic-auth variable replaces --cookie or --user. A
// variable that is not set is an error naming it and the entry's line, never its value.
Result<RequestShaping> shaped_request(const Portfolio& portfolio, const PortfolioTarget& target,
                                      const RequestShaping& base,
                                      const EnvironmentLookup& environment);

}  // namespace tw
