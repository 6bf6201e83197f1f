// Loads the sanctioned-stack YAML. yaml-cpp builds the tree; this file checks every key, type,
// name, pattern and cross-reference against it and collects each problem as
// "file:line:column: message", so a typo is never silently ignored.
#include "policy/policy.h"
#include "model/clock.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <filesystem>

#include "model/finding.h"
#include "model/text.h"
#include "policy/policy_model.h"
#include "policy/yaml_checks.h"

namespace tw {
namespace {

bool valid_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  int year = std::stoi(std::string(text.substr(0, 4)));
  int month = std::stoi(std::string(text.substr(5, 2)));
  int day = std::stoi(std::string(text.substr(8, 2)));
  if (month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (day > kDays[month - 1]) return false;
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return !(month == 2 && day == 29 && !leap);
}

bool valid_host(std::string_view host) {
  if (host.empty() || host.size() > 253 || host.front() == '.' || host.back() == '.') return false;
  return std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
}

bool valid_sha384(std::string_view text) {
  if (!text.starts_with("sha384-") || text.size() != 7 + 64) return false;
  return std::all_of(text.begin() + 7, text.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/' || c == '=';
  });
}

class PolicyReader {
 public:
  PolicyReader(std::string_view origin, const Catalogue& base, std::string today, RuleIds rule_ids)
      : origin_(origin), rule_ids_(rule_ids), yaml_(std::string(origin)) {
    stack_.catalogue = base;
    details_ = std::make_shared<SanctionedStack::Details>();
    details_->today = std::move(today);
  }

  Result<SanctionedStack> read(std::string_view text);
  // Only a scripts file, named as under `scripts_file:`.
  Result<PaymentPolicy> read_scripts_only(const std::string& path) {
    read_scripts_file(YAML::Node(path));
    if (!yaml_.ok()) return Error{yaml_.report()};
    return std::move(details_->payment);
  }

 private:
  void error(const PolicyLocation& where, const std::string& message) {
    yaml_.error(where, message);
  }
  void error(const YAML::Node& node, const std::string& message) { yaml_.error(node, message); }

  std::optional<int> integer(const YAML::Node& node, const std::string& what);
  // A size in bytes: a whole number, optionally with a unit (B, kB, MB, GB; KiB, MiB, GiB).
  std::optional<std::uint64_t> byte_size(const YAML::Node& node, const std::string& what);
  PathScope paths(const YAML::Node& node, const std::string& what);
  std::optional<Glob> glob(const YAML::Node& node, Glob::Kind kind, const std::string& what);
  std::optional<std::string> vendor_name(const YAML::Node& node, const std::string& what);
  std::optional<std::string> category(const YAML::Node& node, const std::string& what);
  std::optional<std::string> rule_id(const YAML::Node& node, bool allow_all);

  void read_site(const YAML::Node& node);
  void read_custom_vendors(const YAML::Node& node);
  void read_vendors(const YAML::Node& node);
  void read_required(const YAML::Node& node);
  void read_forbidden(const YAML::Node& node);
  void read_sensitive(const YAML::Node& node);
  void read_budgets(const YAML::Node& node);
  void read_rules(const YAML::Node& node);
  void read_suppressions(const YAML::Node& node);
  void read_payment_pages(const YAML::Node& node);
  void read_scripts_file(const YAML::Node& node);
  void read_script_entries(const YAML::Node& root);
  std::optional<AuthorizedScript> read_script_entry(const YAML::Node& item);
  // A text that may be left empty ("" or no value) for someone to fill in.
  std::string fillable_text(const YAML::Node& node, const std::string& what);
  void check_contradictions();

  std::string origin_;
  RuleIds rule_ids_;
  YamlChecks yaml_;  // problems about the policy, or its scripts file while reading it
  SanctionedStack stack_;
  std::shared_ptr<SanctionedStack::Details> details_;
};

std::optional<int> PolicyReader::integer(const YAML::Node& node, const std::string& what) {
  if (auto text = yaml_.scalar(node, what)) {
    const std::string& s = *text;
    bool digits = !s.empty() && s.size() <= 9 &&
                  std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (digits && node.Tag() != "!") return std::stoi(s);
    error(node, what + " must be a whole number of 0 or more, not '" + s + "'");
  }
  return std::nullopt;
}

std::optional<std::uint64_t> PolicyReader::byte_size(const YAML::Node& node,
                                                     const std::string& what) {
  static constexpr std::pair<std::string_view, std::uint64_t> kUnits[] = {{"", 1},
                                                                          {"b", 1},
                                                                          {"kb", 1'000},
                                                                          {"mb", 1'000'000},
                                                                          {"gb", 1'000'000'000},
                                                                          {"kib", 1ULL << 10},
                                                                          {"mib", 1ULL << 20},
                                                                          {"gib", 1ULL << 30}};
  auto text = yaml_.scalar(node, what);
  if (!text) return std::nullopt;
  std::string_view s = *text;
  std::size_t digits = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
  std::size_t unit_start = digits;
  while (unit_start < s.size() && s[unit_start] == ' ') ++unit_start;
  std::string unit = lower_ascii(s.substr(unit_start));
  if (digits > 0 && digits <= 12 && node.Tag() != "!") {
    std::uint64_t number = std::stoull(std::string(s.substr(0, digits)));
    for (const auto& [name, factor] : kUnits) {
      if (unit == name && number <= UINT64_MAX / factor) return number * factor;
    }
  }
  error(node, what + " must be a size such as 500000, 500 kB or 2 MiB, not '" + *text + "'");
  return std::nullopt;
}

std::optional<Glob> PolicyReader::glob(const YAML::Node& node, Glob::Kind kind,
                                       const std::string& what) {
  auto text = yaml_.scalar(node, what);
  if (!text) return std::nullopt;
  auto compiled = Glob::compile(*text, kind);
  if (!compiled) {
    error(node, compiled.error());
    return std::nullopt;
  }
  return std::move(compiled).value();
}

PathScope PolicyReader::paths(const YAML::Node& node, const std::string& what) {
  PathScope scope;
  if (!node.IsSequence()) {
    error(node, what + " must be a list of path patterns, e.g. [\"/checkout/**\"]");
    return scope;
  }
  if (node.size() == 0) error(node, what + " is empty (leave it out to mean every page)");
  for (const YAML::Node& item : node) {
    if (auto g = glob(item, Glob::Kind::path, "a path pattern")) scope.globs.push_back(*g);
  }
  return scope;
}

std::optional<std::string> PolicyReader::vendor_name(const YAML::Node& node,
                                                     const std::string& what) {
  auto name = yaml_.scalar(node, what);
  if (!name) return std::nullopt;
  if (const VendorEntry* entry = stack_.catalogue.find_by_name(*name)) return entry->name;
  std::string message = "unknown vendor '" + *name + "'";
  std::vector<std::string> close = stack_.catalogue.closest_names(*name, 3);
  if (!close.empty()) {
    message += " (did you mean ";
    for (std::size_t i = 0; i < close.size(); ++i) {
      message += (i ? ", '" : "'") + close[i] + "'";
    }
    message += "?)";
  }
  error(node, message +
                  "; add it under custom_vendors if the catalogue lacks it "
                  "(see 'tagwarden vendors')");
  return std::nullopt;
}

std::optional<std::string> PolicyReader::category(const YAML::Node& node, const std::string& what) {
  auto name = yaml_.scalar(node, what);
  if (!name) return std::nullopt;
  if (is_known_category(*name)) return *name;
  std::string known;
  for (std::string_view c : kCategories) known += (known.empty() ? "" : ", ") + std::string(c);
  error(node, "unknown category '" + *name + "'; expected one of: " + known);
  return std::nullopt;
}

std::optional<std::string> PolicyReader::rule_id(const YAML::Node& node, bool allow_all) {
  auto id = yaml_.scalar(node, "a rule id");
  if (!id) return std::nullopt;
  if (allow_all && *id == "*") return id;
  if (std::find(rule_ids_.begin(), rule_ids_.end(), *id) != rule_ids_.end()) return id;
  error(node, "unknown rule '" + *id + "' (see 'tagwarden rules' for the list)");
  return std::nullopt;
}

void PolicyReader::read_site(const YAML::Node& node) {
  auto entries = yaml_.mapping(node, "site", {"domains"});
  if (!entries) return;
  for (const YamlEntry& e : *entries) {
    auto domains = yaml_.scalar_list(e.value, "site.domains");
    if (!domains) continue;
    for (const auto& [domain, at] : *domains) {
      if (!valid_host(lower_ascii(domain))) {
        error(at, "'" + domain + "' is not a domain name (write example.com, no scheme or path)");
        continue;
      }
      stack_.own_domains.push_back(lower_ascii(domain));
    }
  }
}

void PolicyReader::read_custom_vendors(const YAML::Node& node) {
  if (!node.IsSequence()) {
    error(node, "custom_vendors must be a list of vendors");
    return;
  }
  for (const YAML::Node& item : node) {
    auto entries = yaml_.mapping(item, "a custom vendor",
                                 {"name", "company", "category", "homepage", "domains"});
    if (!entries) continue;
    VendorEntry vendor;
    vendor.source = "policy";
    bool has_domains = false;
    for (const YamlEntry& e : *entries) {
      if (e.key == "name") {
        vendor.name = yaml_.scalar(e.value, "name").value_or("");
      } else if (e.key == "company") {
        vendor.company = yaml_.scalar(e.value, "company").value_or("");
      } else if (e.key == "homepage") {
        vendor.homepage = yaml_.scalar(e.value, "homepage").value_or("");
      } else if (e.key == "category") {
        vendor.category = category(e.value, "category").value_or("");
      } else if (e.key == "domains") {
        auto domains = yaml_.scalar_list(e.value, "domains");
        if (!domains) continue;
        for (const auto& [domain, at] : *domains) {
          if (!valid_host(lower_ascii(domain))) {
            error(at, "'" + domain + "' is not a host name (write cdn.example.com)");
            continue;
          }
          vendor.domains.push_back(lower_ascii(domain));
          has_domains = true;
        }
      }
    }
    if (vendor.name.empty()) {
      error(item, "a custom vendor needs a name");
      continue;
    }
    if (!has_domains) error(item, "custom vendor '" + vendor.name + "' needs domains");
    if (vendor.category.empty()) vendor.category = "other";
    details_->custom_vendors.push_back(vendor);
    stack_.catalogue.add(std::move(vendor));
  }
}

void PolicyReader::read_vendors(const YAML::Node& node) {
  if (!node.IsSequence()) {
    error(node, "vendors must be a list of sanctioned vendors (- name: ...)");
    return;
  }
  for (const YAML::Node& item : node) {
    auto entries = yaml_.mapping(item, "a sanctioned vendor",
                                 {"name", "owner", "purpose", "ids", "hosts", "paths"});
    if (!entries) continue;
    SanctionedVendor vendor;
    PathScope scope;
    bool named = false;
    for (const YamlEntry& e : *entries) {
      if (e.key == "name") {
        named = true;
        vendor.name = vendor_name(e.value, "name").value_or("");
      } else if (e.key == "owner") {
        vendor.owner = yaml_.scalar(e.value, "owner").value_or("");
      } else if (e.key == "purpose") {
        vendor.purpose = yaml_.scalar(e.value, "purpose").value_or("");
      } else if (e.key == "ids") {
        if (auto ids = yaml_.scalar_list(e.value, "ids")) {
          for (const auto& [id, at] : *ids) vendor.allowed_ids.push_back(id);
        }
      } else if (e.key == "hosts") {
        if (auto hosts = yaml_.scalar_list(e.value, "hosts")) {
          for (const auto& [host, at] : *hosts) {
            if (!valid_host(lower_ascii(host))) {
              error(at, "'" + host + "' is not a host name (write cdn.example.com, no scheme)");
              continue;
            }
            vendor.hosts.push_back(lower_ascii(host));
          }
        }
      } else if (e.key == "paths") {
        scope = paths(e.value, "paths");
        for (const Glob& g : scope.globs) vendor.paths.push_back(g.text());
      }
    }
    if (!named) error(item, "a sanctioned vendor needs a name");
    if (vendor.name.empty()) continue;
    if (const SanctionedVendor* earlier = stack_.find_vendor(vendor.name)) {
      std::size_t index = static_cast<std::size_t>(earlier - stack_.vendors.data());
      error(item, "vendor '" + vendor.name + "' is listed twice (first at line " +
                      std::to_string(details_->vendor_locations[index].line) + ")");
      continue;
    }
    if (!vendor.hosts.empty()) {
      // Extra hosts become part of the vendor, so attribution already names it on those hosts.
      VendorEntry entry = *stack_.catalogue.find_by_name(vendor.name);
      entry.domains.insert(entry.domains.end(), vendor.hosts.begin(), vendor.hosts.end());
      stack_.catalogue.add(std::move(entry));
    }
    stack_.vendors.push_back(std::move(vendor));
    details_->vendor_paths.push_back(std::move(scope));
    details_->vendor_locations.push_back(location_of(item));
  }
}

void PolicyReader::read_required(const YAML::Node& node) {
  if (!node.IsSequence()) {
    error(node, "required must be a list (- vendor: ...)");
    return;
  }
  for (const YAML::Node& item : node) {
    auto entries = yaml_.mapping(item, "a required tag", {"vendor", "id", "paths"});
    if (!entries) continue;
    RequiredTag required;
    required.where = location_of(item);
    bool named = false;
    YAML::Node id_node;
    for (const YamlEntry& e : *entries) {
      if (e.key == "vendor") {
        named = true;
        required.vendor = vendor_name(e.value, "vendor").value_or("");
      } else if (e.key == "id") {
        required.id = yaml_.scalar(e.value, "id").value_or("");
        id_node = e.value;
      } else if (e.key == "paths") {
        required.paths = paths(e.value, "paths");
      }
    }
    if (!named) {
      error(item, "a required tag needs a vendor");
      continue;
    }
    if (required.vendor.empty()) continue;
    const SanctionedVendor* sanctioned = stack_.find_vendor(required.vendor);
    if (sanctioned == nullptr) {
      error(item,
            "required vendor '" + required.vendor + "' is not sanctioned: add it under vendors");
    } else if (!required.id.empty() && !sanctioned->allowed_ids.empty() &&
               std::none_of(sanctioned->allowed_ids.begin(), sanctioned->allowed_ids.end(),
                            [&](const std::string& id) {
                              return equals_ignoring_ascii_case(id, required.id);
                            })) {
      error(id_node, "required id '" + required.id + "' is not among the ids sanctioned for '" +
                         required.vendor + "'");
    }
    details_->required.push_back(std::move(required));
  }
}

void PolicyReader::read_forbidden(const YAML::Node& node) {
  if (!node.IsSequence()) {
    error(node, "forbidden must be a list (- category: advertising ...)");
    return;
  }
  for (const YAML::Node& item : node) {
    auto entries =
        yaml_.mapping(item, "a forbidden entry", {"vendor", "category", "paths", "reason"});
    if (!entries) continue;
    ForbiddenEntry forbidden;
    forbidden.where = location_of(item);
    bool has_vendor = false, has_category = false;
    for (const YamlEntry& e : *entries) {
      if (e.key == "vendor") {
        has_vendor = true;
        forbidden.vendor = vendor_name(e.value, "vendor").value_or("");
      } else if (e.key == "category") {
        has_category = true;
        forbidden.category = category(e.value, "category").value_or("");
      } else if (e.key == "paths") {
        forbidden.paths = paths(e.value, "paths");
      } else if (e.key == "reason") {
        forbidden.reason = yaml_.scalar(e.value, "reason").value_or("");
      }
    }
    if (has_vendor == has_category) {
      error(item, "a forbidden entry names exactly one of vendor or category");
      continue;
    }
    if (forbidden.vendor.empty() && forbidden.category.empty()) continue;
    details_->forbidden.push_back(std::move(forbidden));
  }
}

void PolicyReader::read_sensitive(const YAML::Node& node) {
  if (!node.IsSequence()) {
    error(node, "sensitive_paths must be a list of path patterns or {regex: ...} items");
    return;
  }
  for (const YAML::Node& item : node) {
    SensitivePattern pattern;
    if (item.IsMap()) {
      auto entries = yaml_.mapping(item, "a sensitive pattern", {"regex"});
      if (!entries || entries->empty()) continue;
      auto text = yaml_.scalar(entries->front().value, "regex");
      if (!text) continue;
      auto regex = Regex::compile(*text);
      if (!regex) {
        error(entries->front().value, regex.error());
        continue;
      }
      pattern.regex = std::move(regex).value();
    } else {
      auto g = glob(item, Glob::Kind::path, "a sensitive path pattern");
      if (!g) continue;
      pattern.glob = std::move(g);
    }
    details_->sensitive.push_back(std::move(pattern));
  }
}

void PolicyReader::read_budgets(const YAML::Node& node) {
  auto entries = yaml_.mapping(node, "budgets",
                               {"third_party_hosts_per_page", "third_party_bytes_per_page",
                                "slow_response_ms", "vendors_per_category"});
  if (!entries) return;
  for (const YamlEntry& e : *entries) {
    if (e.key == "third_party_hosts_per_page") {
      details_->budgets.third_party_hosts_per_page = integer(e.value, e.key);
      continue;
    }
    if (e.key == "third_party_bytes_per_page") {
      details_->budgets.third_party_bytes_per_page = byte_size(e.value, e.key);
      continue;
    }
    if (e.key == "slow_response_ms") {
      details_->budgets.slow_response_ms = integer(e.value, e.key);
      continue;
    }
    auto categories = yaml_.mapping(e.value, "vendors_per_category", {});
    if (!categories) continue;
    for (const YamlEntry& c : *categories) {
      std::optional<int> limit = integer(c.value, "the budget for '" + c.key + "'");
      if (!limit) continue;
      if (c.key == "default") {
        details_->budgets.default_vendors_per_category = *limit;
      } else if (category(c.key_node, "a category")) {
        details_->budgets.vendors_per_category[c.key] = *limit;
      }
    }
  }
}

void PolicyReader::read_rules(const YAML::Node& node) {
  auto entries = yaml_.mapping(node, "rules", {});
  if (!entries) return;
  for (const YamlEntry& e : *entries) {
    if (!rule_id(e.key_node, false)) continue;
    RuleSetting setting;
    auto apply_word = [&](const YAML::Node& value) {
      const std::string& word = value.Scalar();
      if (word == "off" || word == "false") {
        setting.enabled = false;
      } else if (word == "on" || word == "true") {
        setting.enabled = true;
      } else if (auto severity = parse_severity(word)) {
        setting.severity = severity;
      } else {
        error(value, "'" + word + "' for " + e.key +
                         " must be off, on, or a severity (info, low, medium, high, critical)");
        return false;
      }
      return true;
    };
    if (e.value.IsScalar()) {
      if (!apply_word(e.value)) continue;
    } else {
      auto fields = yaml_.mapping(e.value, "rules." + e.key, {"severity", "enabled"});
      if (!fields) continue;
      for (const YamlEntry& f : *fields) {
        if (!f.value.IsScalar()) {
          error(f.value, f.key + " must be a single value");
          continue;
        }
        if (f.key == "severity") {
          if (auto severity = parse_severity(f.value.Scalar())) {
            setting.severity = severity;
          } else {
            error(f.value, "unknown severity '" + f.value.Scalar() +
                               "' (info, low, medium, high, critical)");
          }
        } else {
          const std::string& word = f.value.Scalar();
          if (word != "true" && word != "false") {
            error(f.value, "enabled must be true or false");
          } else {
            setting.enabled = word == "true";
          }
        }
      }
    }
    details_->rules[e.key] = setting;
  }
}

void PolicyReader::read_suppressions(const YAML::Node& node) {
  if (!node.IsSequence()) {
    error(node, "suppressions must be a list (- rule: TW300 ...)");
    return;
  }
  for (const YAML::Node& item : node) {
    auto entries = yaml_.mapping(item, "a suppression",
                                 {"rule", "page", "host", "vendor", "reason", "expires"});
    if (!entries) continue;
    Suppression suppression;
    suppression.where = location_of(item);
    bool valid = true;
    for (const YamlEntry& e : *entries) {
      if (e.key == "rule") {
        auto id = rule_id(e.value, true);
        valid = valid && id.has_value();
        suppression.rule = id.value_or("");
      } else if (e.key == "page") {
        suppression.page = glob(e.value, Glob::Kind::path, "page");
        valid = valid && suppression.page.has_value();
      } else if (e.key == "host") {
        suppression.host = glob(e.value, Glob::Kind::host, "host");
        valid = valid && suppression.host.has_value();
      } else if (e.key == "vendor") {
        auto name = vendor_name(e.value, "vendor");
        valid = valid && name.has_value();
        suppression.vendor = name.value_or("");
      } else if (e.key == "reason") {
        suppression.reason = yaml_.scalar(e.value, "reason").value_or("");
      } else if (e.key == "expires") {
        auto date = yaml_.scalar(e.value, "expires");
        if (date && !valid_date(*date)) {
          error(e.value, "expires must be a date written YYYY-MM-DD, not '" + *date + "'");
          valid = false;
        }
        suppression.expires = date.value_or("");
      }
    }
    if (suppression.rule.empty() && valid) {
      error(item, "a suppression names the rule it silences (rule: TW300, or '*')");
      valid = false;
    }
    if (suppression.reason.empty()) {
      error(item, "a suppression needs a reason, so the next reader knows why");
      valid = false;
    }
    if (!valid) continue;
    suppression.expired = !suppression.expires.empty() && suppression.expires < details_->today;
    details_->suppressions.push_back(std::move(suppression));
  }
}

void PolicyReader::check_contradictions() {
  for (const ForbiddenEntry& forbidden : details_->forbidden) {
    for (std::size_t i = 0; i < stack_.vendors.size(); ++i) {
      const SanctionedVendor& vendor = stack_.vendors[i];
      const PathScope& allowed = details_->vendor_paths[i];
      bool by_name =
          !forbidden.vendor.empty() && equals_ignoring_ascii_case(forbidden.vendor, vendor.name);
      bool by_category = false;
      if (!forbidden.category.empty() && !allowed.everywhere()) {
        // Only an explicit path list contradicts a category ban; "everywhere" yields to it.
        const VendorEntry* entry = stack_.catalogue.find_by_name(vendor.name);
        by_category = entry != nullptr && entry->category == forbidden.category;
      }
      if (!by_name && !by_category) continue;
      std::string overlap;
      if (allowed.everywhere() || forbidden.paths.everywhere()) {
        overlap =
            allowed.everywhere()
                ? (forbidden.paths.everywhere() ? "every page" : forbidden.paths.globs[0].text())
                : allowed.globs[0].text();
      }
      for (const Glob& a : allowed.globs) {
        for (const Glob& f : forbidden.paths.globs) {
          if (overlap.empty() && globs_overlap(a, f)) overlap = a.text() + " and " + f.text();
        }
      }
      if (overlap.empty()) continue;
      error(forbidden.where,
            "vendor '" + vendor.name + "' is sanctioned (line " +
                std::to_string(details_->vendor_locations[i].line) + ") and forbidden " +
                (by_name ? "" : "by its category '" + forbidden.category + "' ") +
                "on the same pages (" + overlap + "): narrow the paths of one of them");
    }
    for (const RequiredTag& required : details_->required) {
      if (!equals_ignoring_ascii_case(required.vendor, forbidden.vendor)) {
        const VendorEntry* entry = stack_.catalogue.find_by_name(required.vendor);
        if (forbidden.category.empty() || entry == nullptr || entry->category != forbidden.category)
          continue;
      }
      bool overlap = required.paths.everywhere() || forbidden.paths.everywhere();
      for (const Glob& a : required.paths.globs) {
        for (const Glob& f : forbidden.paths.globs) overlap = overlap || globs_overlap(a, f);
      }
      if (overlap) {
        error(forbidden.where, "vendor '" + required.vendor + "' is required (line " +
                                   std::to_string(required.where.line) +
                                   ") and forbidden on the same pages");
      }
    }
  }
}

void PolicyReader::read_payment_pages(const YAML::Node& node) {
  if (!node.IsSequence() || node.size() == 0) {
    error(node, "payment_pages must be a non-empty list of path patterns, e.g. [\"/checkout/**\"]");
    return;
  }
  for (const YAML::Node& item : node) {
    if (auto g = glob(item, Glob::Kind::path, "a payment page pattern")) {
      details_->payment.pages.push_back(std::move(*g));
    }
  }
}

void PolicyReader::read_scripts_file(const YAML::Node& node) {
  auto name = yaml_.scalar(node, "scripts_file");
  if (!name) return;
  std::filesystem::path path(*name);
  if (path.is_relative()) path = std::filesystem::path(origin_).parent_path() / path;
  Result<std::string> bytes = read_config_file(path.string(), "scripts file");
  if (!bytes) {
    error(node, bytes.error());
    return;
  }
  details_->payment.scripts_file = path.string();
  stack_.digest = stable_fingerprint({stack_.digest, *bytes});
  yaml_.set_file(path.string());
  std::optional<YAML::Node> root = yaml_.parse(*bytes, "a scripts file");
  if (root && yaml_.find_duplicate_keys(*root)) read_script_entries(*root);
  yaml_.reset_file();
}

void PolicyReader::read_script_entries(const YAML::Node& root) {
  if (root.IsNull()) return;  // an empty file authorizes nothing
  auto entries = yaml_.mapping(root, "the scripts file", {"version", "scripts"});
  if (!entries) return;
  for (const YamlEntry& e : *entries) {
    if (e.key == "version") {
      if (!e.value.IsScalar() || e.value.Scalar() != "1") error(e.value, "version must be 1");
      continue;
    }
    if (e.value.IsNull()) continue;
    if (!e.value.IsSequence()) {
      error(e.value, "scripts must be a list of authorized scripts (- url: ... or - sha384: ...)");
      continue;
    }
    for (const YAML::Node& item : e.value) {
      if (auto script = read_script_entry(item)) {
        details_->payment.scripts.push_back(std::move(*script));
      }
    }
  }
}

std::optional<AuthorizedScript> PolicyReader::read_script_entry(const YAML::Node& item) {
  auto entries =
      yaml_.mapping(item, "an authorized script",
                    {"url", "sha384", "owner", "justification", "approved_by", "approved_on"});
  if (!entries) return std::nullopt;
  AuthorizedScript script;
  script.where = location_of(item);
  bool valid = true;
  for (const YamlEntry& e : *entries) {
    if (e.key == "url") {
      script.url = glob(e.value, Glob::Kind::url, "url");
      valid = valid && script.url.has_value();
    } else if (e.key == "sha384") {
      auto hash = yaml_.scalar(e.value, "sha384");
      if (hash && !valid_sha384(*hash)) {
        error(e.value,
              "sha384 must be written sha384-<64 base64 characters>, as in an integrity "
              "attribute, not '" +
                  *hash + "'");
        hash.reset();
      }
      valid = valid && hash.has_value();
      script.sha384 = hash.value_or("");
    } else if (e.key == "approved_on") {
      script.approved_on = fillable_text(e.value, e.key);
      if (!script.approved_on.empty() && !valid_date(script.approved_on)) {
        error(e.value,
              "approved_on must be a date written YYYY-MM-DD, not '" + script.approved_on + "'");
        valid = false;
      }
    } else {
      std::string text = fillable_text(e.value, e.key);
      (e.key == "owner"           ? script.owner
       : e.key == "justification" ? script.justification
                                  : script.approved_by) = std::move(text);
    }
  }
  if (valid && !script.url && script.sha384.empty()) {
    error(item, "an authorized script names its url, its sha384, or both");
    valid = false;
  }
  if (!valid) return std::nullopt;
  return script;
}

std::string PolicyReader::fillable_text(const YAML::Node& node, const std::string& what) {
  if (node.IsNull()) return "";
  if (!node.IsScalar()) {
    error(node, what + " must be a single value");
    return "";
  }
  return node.Scalar();
}

Result<SanctionedStack> PolicyReader::read(std::string_view text) {
  stack_.path = origin_;
  stack_.digest = stable_fingerprint({std::string(text)});
  std::optional<YAML::Node> parsed = yaml_.parse(text, "a policy");
  if (!parsed) return Error{yaml_.report()};
  const YAML::Node& root = *parsed;
  if (root.IsNull()) {
    error(PolicyLocation{1, 1},
          "the policy is empty (start from 'tagwarden init' or "
          "examples/policy.yaml)");
    return Error{yaml_.report()};
  }
  if (!root.IsMap()) {
    error(root, "a policy is a mapping (keys like vendors:, required:, forbidden:), not a " +
                    std::string(root.IsSequence() ? "list" : "single value"));
    return Error{yaml_.report()};
  }
  if (!yaml_.find_duplicate_keys(root)) return Error{yaml_.report()};
  auto entries = yaml_.mapping(
      root, "the policy",
      {"version", "site", "vendors", "custom_vendors", "required", "forbidden", "sensitive_paths",
       "budgets", "rules", "suppressions", "payment_pages", "scripts_file"});
  // Custom vendors first: the other sections may name them.
  auto section = [&](std::string_view key) -> const YamlEntry* {
    for (const YamlEntry& e : *entries) {
      if (e.key == key) return &e;
    }
    return nullptr;
  };
  if (const YamlEntry* e = section("version")) {
    if (e->value.IsScalar() && e->value.Scalar() != "1") {
      error(e->value, "unsupported policy version '" + e->value.Scalar() + "' (this tool reads 1)");
    } else if (!e->value.IsScalar()) {
      error(e->value, "version must be 1");
    }
  }
  if (const YamlEntry* e = section("custom_vendors")) read_custom_vendors(e->value);
  if (const YamlEntry* e = section("site")) read_site(e->value);
  if (const YamlEntry* e = section("vendors")) read_vendors(e->value);
  if (const YamlEntry* e = section("required")) read_required(e->value);
  if (const YamlEntry* e = section("forbidden")) read_forbidden(e->value);
  if (const YamlEntry* e = section("sensitive_paths")) read_sensitive(e->value);
  if (const YamlEntry* e = section("budgets")) read_budgets(e->value);
  if (const YamlEntry* e = section("rules")) read_rules(e->value);
  if (const YamlEntry* e = section("suppressions")) read_suppressions(e->value);
  if (const YamlEntry* e = section("payment_pages")) read_payment_pages(e->value);
  if (const YamlEntry* e = section("scripts_file")) {
    if (!section("payment_pages")) error(e->key_node, "scripts_file needs payment_pages too");
    read_scripts_file(e->value);
  }
  check_contradictions();
  if (!yaml_.ok()) return Error{yaml_.report()};
  stack_.details = details_;
  return std::move(stack_);
}

}  // namespace

bool PathScope::matches(std::string_view path) const {
  if (globs.empty()) return true;
  return std::any_of(globs.begin(), globs.end(), [&](const Glob& g) { return g.matches(path); });
}

bool SensitivePattern::matches(std::string_view path, std::string_view path_and_query) const {
  if (glob) return glob->matches(path);
  return regex && regex->search(path_and_query);
}

std::string SensitivePattern::text() const {
  if (glob) return glob->text();
  return regex ? "regex " + regex->text() : std::string();
}

const SanctionedVendor* SanctionedStack::find_vendor(std::string_view name) const {
  for (const SanctionedVendor& vendor : vendors) {
    if (equals_ignoring_ascii_case(vendor.name, name)) return &vendor;
  }
  return nullptr;
}

const SanctionedVendor* find_sanctioned(const SanctionedStack& policy, std::string_view vendor,
                                        std::string_view host) {
  if (!vendor.empty()) {
    if (const SanctionedVendor* found = policy.find_vendor(vendor)) return found;
  }
  for (const SanctionedVendor& entry : policy.vendors) {
    for (const std::string& suffix : entry.hosts) {
      if (host == suffix || (host.size() > suffix.size() && host.ends_with(suffix) &&
                             host[host.size() - suffix.size() - 1] == '.')) {
        return &entry;
      }
    }
  }
  return nullptr;
}

bool sanctioned_on_path(const SanctionedStack& policy, const SanctionedVendor& vendor,
                        std::string_view path) {
  if (!policy.details) return true;
  auto index = static_cast<std::size_t>(&vendor - policy.vendors.data());
  if (index >= policy.details->vendor_paths.size()) return true;
  return policy.details->vendor_paths[index].matches(path);
}

const ForbiddenEntry* find_forbidden(const SanctionedStack& policy, std::string_view vendor,
                                     std::string_view category, std::string_view path) {
  if (!policy.details) return nullptr;
  for (const ForbiddenEntry& entry : policy.details->forbidden) {
    bool names_it = (!entry.vendor.empty() && !vendor.empty() &&
                     equals_ignoring_ascii_case(entry.vendor, vendor)) ||
                    (!entry.category.empty() && entry.category == category);
    if (names_it && entry.paths.matches(path)) return &entry;
  }
  return nullptr;
}

Result<PaymentPolicy> load_scripts_file(const std::string& path) {
  PolicyReader reader(path, Catalogue::builtin(), utc_today(), {});
  return reader.read_scripts_only(std::filesystem::path(path).filename().string());
}

bool is_payment_page(const SanctionedStack& policy, std::string_view path) {
  if (!policy.details) return false;
  const std::vector<Glob>& pages = policy.details->payment.pages;
  return std::any_of(pages.begin(), pages.end(), [&](const Glob& g) { return g.matches(path); });
}

ScriptVerdict judge_script(const PaymentPolicy& payment, std::string_view url, bool is_inline,
                           std::string_view sha384) {
  ScriptVerdict verdict;
  for (const AuthorizedScript& entry : payment.scripts) {
    bool url_matches = entry.url && entry.url->matches(url);
    bool hash_matches = !entry.sha384.empty() && entry.sha384 == sha384;
    if (hash_matches && (url_matches || !entry.url || is_inline)) {
      verdict.entry = &entry;
      return verdict;
    }
    if (url_matches && entry.sha384.empty() && verdict.entry == nullptr) verdict.entry = &entry;
    if (url_matches && !entry.sha384.empty() && verdict.pinned == nullptr) verdict.pinned = &entry;
  }
  if (verdict.entry != nullptr) verdict.pinned = nullptr;
  return verdict;
}

Result<SanctionedStack> load_policy_text(std::string_view yaml, std::string_view origin,
                                         const PolicyLoadOptions& options) {
  const Catalogue& base = options.catalogue ? *options.catalogue : Catalogue::builtin();
  PolicyReader reader(origin, base, options.today.empty() ? utc_today() : options.today,
                      options.rule_ids);
  return reader.read(yaml);
}

Result<SanctionedStack> load_policy_text(std::string_view yaml, std::string_view origin,
                                         RuleIds rule_ids) {
  PolicyLoadOptions options;
  options.rule_ids = rule_ids;
  return load_policy_text(yaml, origin, options);
}

Result<SanctionedStack> load_policy_file(const std::string& path, RuleIds rule_ids) {
  Result<std::string> bytes = read_config_file(path, "policy file");
  if (!bytes) return Error{bytes.error()};
  return load_policy_text(*bytes, path, rule_ids);
}

std::vector<std::string> policy_warnings(const SanctionedStack& policy) {
  std::vector<std::string> warnings;
  if (!policy.details) return warnings;
  for (const Suppression& s : policy.details->suppressions) {
    if (!s.expired) continue;
    warnings.push_back(policy.path + ":" + std::to_string(s.where.line) + ":" +
                       std::to_string(s.where.column) + ": suppression of " + s.rule +
                       " expired on " + s.expires + "; its findings are reported again");
  }
  return warnings;
}

}  // namespace tw
