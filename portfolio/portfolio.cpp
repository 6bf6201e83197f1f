// Loads the portfolio YAML with the policy loader's checks (policy/yaml_checks.h) and turns an
// entry's request shaping into the crawler's RequestShaping, secrets read from the environment.
#include "portfolio/portfolio.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iterator>

#include "model/text.h"
#include "model/url.h"
#include "policy/yaml_checks.h"
#include "portfolio/shard.h"

namespace tw {
namespace {

namespace fs = std::filesystem;

// Keys that would put a secret in the file.
constexpr std::string_view kInlineSecretKeys[] = {
    "cookie", "cookies", "basic_auth", "user", "password", "auth", "token", "authorization"};

// The key that names the variable holding what an inline secret key would hold.
std::string_view variable_key_instead(std::string_view secret_key) {
  if (secret_key.starts_with("cookie")) return "cookie_env";
  if (secret_key == "token" || secret_key == "authorization") return "header_env";
  return "basic_auth_env";
}

bool is_header_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  });
}

// Headers whose value is a credential: written in the file they would be committed with it.
bool carries_secret(std::string_view header_name) {
  std::string name = lower_ascii(header_name);
  if (name == "authorization" || name == "proxy-authorization" || name == "cookie") return true;
  for (std::string_view word : {"token", "secret", "password", "api-key", "apikey"}) {
    if (name.find(word) != std::string::npos) return true;
  }
  return false;
}

bool is_variable_name(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool is_report_name(std::string_view name) {
  return !name.empty() && name[0] != '.' && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '_';
  });
}

// A report directory name from the identity: "https://a.example:8443/shop/" is
// "a.example_8443_shop", the directory "sites/shop" is "sites_shop".
std::string derived_name(std::string_view identity) {
  if (std::size_t scheme = identity.find("://"); scheme != std::string_view::npos) {
    identity.remove_prefix(scheme + 3);
  }
  std::string name;
  for (char c : identity) {
    bool kept = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '-';
    if (kept) {
      name += c;
    } else if (!name.empty() && name.back() != '_') {
      name += '_';
    }
  }
  std::size_t start = name.find_first_not_of("._");
  if (start == std::string::npos) return "site";
  name.erase(0, start);
  while (name.back() == '_') name.pop_back();
  return name;
}

class PortfolioReader {
 public:
  explicit PortfolioReader(std::string_view origin)
      : origin_(origin), folder_(fs::path(origin).parent_path()), yaml_(std::string(origin)) {}

  Result<Portfolio> read(std::string_view text);

 private:
  void read_targets(const YAML::Node& node);
  std::optional<PortfolioTarget> read_target(const YAML::Node& item);
  // One key of an entry into its field of `target`.
  void read_field(const YamlEntry& entry, PortfolioTarget& target);
  void read_target_text(const YAML::Node& node, PortfolioTarget& target);
  void read_policy(const YAML::Node& node, PortfolioTarget& target);
  void read_base_url(const YAML::Node& node, PortfolioTarget& target);
  void read_name(const YAML::Node& node, PortfolioTarget& target);
  // The entries of a mapping keyed by header names; other keys are problems.
  std::vector<YamlEntry> header_entries(const YAML::Node& node, const std::string& what);
  void read_headers(const YAML::Node& node, PortfolioTarget& target);
  void read_header_env(const YAML::Node& node, PortfolioTarget& target);
  std::string variable(const YAML::Node& node, const std::string& what);
  void check_entry(const YAML::Node& item, PortfolioTarget& target);
  // Sets the target's report name (derived unless given); both it and the identity are unique.
  void check_unique(const YAML::Node& item, PortfolioTarget& target);

  std::string origin_;
  fs::path folder_;
  YamlChecks yaml_;
  Portfolio portfolio_;
  std::map<std::string, int> identity_lines_;
  std::map<std::string, int> name_lines_;
};

Result<Portfolio> PortfolioReader::read(std::string_view text) {
  portfolio_.path = origin_;
  std::optional<YAML::Node> root = yaml_.parse(text, "a portfolio");
  if (!root) return Error{yaml_.report()};
  if (root->IsNull() || !root->IsMap()) {
    yaml_.error(*root, "a portfolio is a mapping with a list of sites under targets:");
    return Error{yaml_.report()};
  }
  if (!yaml_.find_duplicate_keys(*root)) return Error{yaml_.report()};
  auto entries = yaml_.mapping(*root, "the portfolio", {"version", "targets"});
  bool has_targets = false;
  for (const YamlEntry& e : *entries) {
    if (e.key == "version" && !(e.value.IsScalar() && e.value.Scalar() == "1")) {
      yaml_.error(e.value, "version must be 1");
    } else if (e.key == "targets") {
      has_targets = true;
      read_targets(e.value);
    }
  }
  if (!has_targets) yaml_.error(*root, "a portfolio lists its sites under targets:");
  if (!yaml_.ok()) return Error{yaml_.report()};
  return std::move(portfolio_);
}

void PortfolioReader::read_targets(const YAML::Node& node) {
  if (!node.IsSequence() || node.size() == 0) {
    yaml_.error(node, "targets must be a non-empty list of sites, each '- target: URL'");
    return;
  }
  for (const YAML::Node& item : node) {
    if (std::optional<PortfolioTarget> target = read_target(item)) {
      portfolio_.targets.push_back(std::move(*target));
    }
  }
}

std::optional<PortfolioTarget> PortfolioReader::read_target(const YAML::Node& item) {
  auto entries = yaml_.mapping(item, "a target",
                               {"target", "base_url", "policy", "name", "headers", "header_env",
                                "cookie_env", "basic_auth_env"},
                               kInlineSecretKeys);
  if (!entries) return std::nullopt;
  PortfolioTarget target;
  target.where = location_of(item);
  for (const YamlEntry& entry : *entries) read_field(entry, target);
  check_entry(item, target);
  return target;
}

void PortfolioReader::read_field(const YamlEntry& e, PortfolioTarget& target) {
  if (std::find(std::begin(kInlineSecretKeys), std::end(kInlineSecretKeys), e.key) !=
      std::end(kInlineSecretKeys)) {
    yaml_.error(e.key_node, "'" + e.key + "' would write a secret into the portfolio; name the " +
                                "environment variable that holds it with " +
                                std::string(variable_key_instead(e.key)));
  } else if (e.key == "target") {
    read_target_text(e.value, target);
  } else if (e.key == "policy") {
    read_policy(e.value, target);
  } else if (e.key == "headers") {
    read_headers(e.value, target);
  } else if (e.key == "header_env") {
    read_header_env(e.value, target);
  } else if (e.key == "cookie_env") {
    target.cookie_env = variable(e.value, e.key);
  } else if (e.key == "basic_auth_env") {
    target.basic_auth_env = variable(e.value, e.key);
  } else if (e.key == "base_url") {
    read_base_url(e.value, target);
  } else if (e.key == "name") {
    read_name(e.value, target);
  }
}

void PortfolioReader::read_base_url(const YAML::Node& node, PortfolioTarget& target) {
  auto text = yaml_.scalar(node, "base_url");
  if (!text) return;
  if (!is_http_url(*text) || !normalize_url(*text)) {
    yaml_.error(node, "base_url must be an http(s) URL, not '" + *text + "'");
  }
  target.base_url = *text;
}

void PortfolioReader::read_name(const YAML::Node& node, PortfolioTarget& target) {
  auto text = yaml_.scalar(node, "name");
  if (!text) return;
  if (!is_report_name(*text)) {
    yaml_.error(node,
                "name must be letters, digits, '.', '-' and '_' (it names the target's "
                "report directory), not '" +
                    *text + "'");
  }
  target.name = *text;
}

void PortfolioReader::read_target_text(const YAML::Node& node, PortfolioTarget& target) {
  auto text = yaml_.scalar(node, "target");
  if (!text) return;
  bool is_url = is_http_url(*text);
  if (!is_url && text->find("://") != std::string::npos) {
    yaml_.error(node, "target '" + *text + "' is neither an http(s) URL nor a directory");
    return;
  }
  if (is_url && !normalize_url(*text)) {
    yaml_.error(node, "target '" + *text + "' is not a valid URL");
    return;
  }
  target.target = *text;
  target.identity = shard_identity(*text);
  target.scan_target = is_url ? *text : shard_identity((folder_ / target.identity).string());
}

void PortfolioReader::read_policy(const YAML::Node& node, PortfolioTarget& target) {
  auto text = yaml_.scalar(node, "policy");
  if (!text) return;
  fs::path path = folder_ / fs::path(*text);
  std::error_code error;
  if (!fs::is_regular_file(path, error)) {
    yaml_.error(node,
                "policy file '" + *text + "' does not exist (looked for " + path.string() + ")");
    return;
  }
  target.policy = path.string();
}

std::vector<YamlEntry> PortfolioReader::header_entries(const YAML::Node& node,
                                                       const std::string& what) {
  std::vector<YamlEntry> headers;
  for (YamlEntry& e : yaml_.mapping(node, what, {}).value_or(std::vector<YamlEntry>{})) {
    if (is_header_name(e.key)) {
      headers.push_back(std::move(e));
    } else {
      yaml_.error(e.key_node, "'" + e.key + "' is not an HTTP header name");
    }
  }
  return headers;
}

void PortfolioReader::read_headers(const YAML::Node& node, PortfolioTarget& target) {
  for (const YamlEntry& e : header_entries(node, "headers")) {
    if (carries_secret(e.key)) {
      yaml_.error(e.key_node, "header '" + e.key +
                                  "' carries a secret; give it with "
                                  "header_env: {" +
                                  e.key + ": VARIABLE} instead");
    } else if (auto value = yaml_.scalar(e.value, "header " + e.key)) {
      if (value->find_first_of("\r\n") != std::string::npos) {
        yaml_.error(e.value, "header " + e.key + " holds a line break");
      } else {
        target.headers[e.key] = *value;
      }
    }
  }
}

void PortfolioReader::read_header_env(const YAML::Node& node, PortfolioTarget& target) {
  for (const YamlEntry& e : header_entries(node, "header_env")) {
    if (lower_ascii(e.key) == "cookie") {
      yaml_.error(e.key_node, "give the Cookie header with cookie_env");
    } else {
      std::string name = variable(e.value, "header_env " + e.key);
      if (!name.empty()) target.header_env[e.key] = name;
    }
  }
}

// The variable's name; never echoes a value, which may be a secret written by mistake.
std::string PortfolioReader::variable(const YAML::Node& node, const std::string& what) {
  if (!node.IsScalar() || !is_variable_name(node.Scalar())) {
    yaml_.error(node, what +
                          " must name an environment variable (letters, digits and _, not "
                          "starting with a digit); the secret itself never goes in the file");
    return "";
  }
  return node.Scalar();
}

void PortfolioReader::check_entry(const YAML::Node& item, PortfolioTarget& target) {
  if (target.target.empty()) {
    if (item["target"].IsDefined()) return;  // its own problem is reported
    yaml_.error(item, "this entry has no target (an http(s) URL or a directory)");
    return;
  }
  if (!target.base_url.empty() && is_http_url(target.target)) {
    yaml_.error(item["base_url"], "base_url is for directory targets; a URL is its own origin");
  }
  for (const auto& [name, value] : target.headers) {
    if (target.header_env.contains(name)) {
      yaml_.error(item["header_env"], "header " + name + " is given in headers and header_env");
    }
  }
  check_unique(item, target);
}

void PortfolioReader::check_unique(const YAML::Node& item, PortfolioTarget& target) {
  int line = location_of(item).line;
  auto [same, fresh] = identity_lines_.emplace(target.identity, line);
  if (!fresh) {
    yaml_.error(item["target"], "target '" + target.target + "' is listed already (line " +
                                    std::to_string(same->second) + ")");
    return;
  }
  std::string name = target.name.empty() ? derived_name(target.identity) : target.name;
  auto [taken, unused] = name_lines_.emplace(name, line);
  if (!unused) {
    yaml_.error(item, "the reports of this target would go to '" + name + "/' like those of line " +
                          std::to_string(taken->second) + "; give one of them a name:");
  }
  target.name = name;
}

}  // namespace

Result<Portfolio> load_portfolio_text(std::string_view yaml, std::string_view origin) {
  return PortfolioReader(origin).read(yaml);
}

Result<Portfolio> load_portfolio_file(const std::string& path) {
  Result<std::string> bytes = read_config_file(path, "portfolio");
  if (!bytes) return Error{bytes.error()};
  return load_portfolio_text(*bytes, path);
}

EnvironmentLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
  };
}

Result<RequestShaping> shaped_request(const Portfolio& portfolio, const PortfolioTarget& target,
                                      const RequestShaping& base,
                                      const EnvironmentLookup& environment) {
  std::string at = portfolio.path + ":" + std::to_string(target.where.line) + ":" +
                   std::to_string(target.where.column) + ": ";
  // The value of a variable, checked without ever quoting it.
  auto secret = [&](const std::string& variable, const std::string& use) -> Result<std::string> {
    std::optional<std::string> value = environment(variable);
    if (!value) {
      return Error{at + "environment variable " + variable + " (" + use + " of " + target.target +
                   ") is not set or empty"};
    }
    if (value->find_first_of("\r\n") != std::string::npos) {
      return Error{at + "environment variable " + variable + " (" + use + ") holds a line break"};
    }
    return *value;
  };
  RequestShaping shaped = base;
  for (const auto& [name, value] : target.headers) shaped.headers.push_back(name + ": " + value);
  for (const auto& [name, variable] : target.header_env) {
    Result<std::string> value = secret(variable, "header_env " + name);
    if (!value) return Error{value.error()};
    shaped.headers.push_back(name + ": " + *value);
  }
  if (!target.cookie_env.empty()) {
    Result<std::string> value = secret(target.cookie_env, "cookie_env");
    if (!value) return Error{value.error()};
    shaped.cookie = *value;
  }
  if (!target.basic_auth_env.empty()) {
    Result<std::string> value = secret(target.basic_auth_env, "basic_auth_env");
    if (!value) return Error{value.error()};
    if (value->find(':') == std::string::npos) {
      return Error{at + "environment variable " + target.basic_auth_env +
                   " (basic_auth_env) must hold user:password"};
    }
    shaped.user = *value;
  }
  return shaped;
}

}  // namespace tw
