// The vendor catalogue: parsing the shipped JSON, merging tagwarden's refinements over
// third-party-web, and host / name lookup.
#include "catalogue/catalogue.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "catalogue/embedded_data.h"
#include "model/finding.h"
#include "model/text.h"

namespace tw {
namespace {

std::string string_field(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

// Levenshtein distance, two rows.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> previous(b.size() + 1), current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

// One vendor object of the shipped shape; errors name the origin and the entry.
Result<VendorEntry> parse_vendor(const nlohmann::json& item, std::string_view origin,
                                 std::size_t position, std::string_view source) {
  std::string where = std::string(origin) + ": vendors[" + std::to_string(position) + "]";
  if (!item.is_object()) return Error{where + ": expected an object"};
  VendorEntry vendor;
  vendor.name = string_field(item, "name");
  if (vendor.name.empty()) return Error{where + ": missing \"name\""};
  vendor.company = string_field(item, "company");
  vendor.category = string_field(item, "category");
  vendor.homepage = string_field(item, "homepage");
  vendor.source = std::string(source);
  if (!vendor.category.empty() && !is_known_category(vendor.category)) {
    return Error{where + " (" + vendor.name + "): unknown category \"" + vendor.category + "\""};
  }
  if (auto domains = item.find("domains"); domains != item.end()) {
    if (!domains->is_array()) return Error{where + ": \"domains\" must be a list"};
    for (const auto& domain : *domains) {
      if (!domain.is_string() || domain.get<std::string>().empty()) {
        return Error{where + " (" + vendor.name + "): every domain must be a non-empty string"};
      }
      std::string text = lower_ascii(domain.get<std::string>());
      if (text.starts_with("*.")) text.erase(0, 2);
      vendor.domains.push_back(std::move(text));
    }
  }
  return vendor;
}

Result<nlohmann::json> parse_document(std::string_view json, std::string_view origin) {
  nlohmann::json document = nlohmann::json::parse(json, nullptr, false);
  if (document.is_discarded()) return Error{std::string(origin) + ": not valid JSON"};
  if (!document.is_object() || !document.contains("vendors") || !document["vendors"].is_array()) {
    return Error{std::string(origin) + ": expected {\"vendors\": [...]}"};
  }
  return document;
}

// tagwarden's refinements: new vendors, replacements, and patches (entries without domains).
Status apply_refinements(Catalogue& catalogue, std::string_view json, std::string_view origin) {
  Result<nlohmann::json> document = parse_document(json, origin);
  if (!document) return Error{document.error()};
  std::size_t position = 0;
  for (const auto& item : (*document)["vendors"]) {
    Result<VendorEntry> vendor = parse_vendor(item, origin, position++, "tagwarden");
    if (!vendor) return Error{vendor.error()};
    if (!item.contains("domains")) {
      const VendorEntry* base = catalogue.find_by_name(vendor->name);
      if (base == nullptr) {
        return Error{std::string(origin) + ": patch for unknown vendor \"" + vendor->name + "\""};
      }
      VendorEntry patched = *base;
      if (!vendor->category.empty()) patched.category = vendor->category;
      if (!vendor->company.empty()) patched.company = vendor->company;
      patched.source = "third-party-web+tagwarden";
      catalogue.add(std::move(patched));
      continue;
    }
    if (auto replaces = item.find("replaces"); replaces != item.end() && replaces->is_array()) {
      for (const auto& name : *replaces) {
        if (name.is_string()) catalogue.remove(name.get<std::string>());
      }
    }
    if (vendor->company.empty()) vendor->company = vendor->name;
    catalogue.add(std::move(*vendor));
  }
  return Ok{};
}

}  // namespace

bool is_known_category(std::string_view category) {
  return std::find(std::begin(kCategories), std::end(kCategories), category) !=
         std::end(kCategories);
}

bool is_tracking_category(std::string_view category) {
  return category == "analytics" || category == "advertising" || category == "social" ||
         category == "session-replay" || category == "marketing";
}

const std::string& Catalogue::builtin_digest() {
  static const std::string digest = [] {
    std::vector<std::string> parts;
    for (std::string_view file :
         {"third-party-web/entities.json", "tagwarden-vendors.json", "compromised-domains.json",
          "retirejs/jsrepository.json", "cname-cloaking/cname-cloaking.json"}) {
      parts.emplace_back(file);
      parts.emplace_back(embedded_file(file));
    }
    return stable_fingerprint(parts);
  }();
  return digest;
}

const Catalogue& Catalogue::builtin() {
  static const Catalogue catalogue = [] {
    Result<Catalogue> base =
        from_json(embedded_file("third-party-web/entities.json"), "third-party-web/entities.json");
    // The shipped data is tested; failing here is a build defect, not bad input.
    if (!base) throw std::logic_error("embedded catalogue: " + base.error());
    Catalogue merged = std::move(*base);
    for (VendorEntry& vendor : merged.vendors_) vendor.source = "third-party-web";
    Status refined = apply_refinements(merged, embedded_file("tagwarden-vendors.json"),
                                       "tagwarden-vendors.json");
    if (!refined) throw std::logic_error("embedded catalogue: " + refined.error());
    return merged;
  }();
  return catalogue;
}

Result<Catalogue> Catalogue::from_json(std::string_view json, std::string_view origin) {
  Result<nlohmann::json> document = parse_document(json, origin);
  if (!document) return Error{document.error()};
  std::string source = string_field(*document, "source");
  Catalogue catalogue;
  std::size_t position = 0;
  for (const auto& item : (*document)["vendors"]) {
    Result<VendorEntry> vendor =
        parse_vendor(item, origin, position++, source.empty() ? "catalogue" : source);
    if (!vendor) return Error{vendor.error()};
    if (vendor->category.empty()) vendor->category = "other";
    if (vendor->company.empty()) vendor->company = vendor->name;
    catalogue.add(std::move(*vendor));
  }
  return catalogue;
}

void Catalogue::add(VendorEntry vendor) {
  std::string key = lower_ascii(vendor.name);
  if (auto it = by_name_.find(key); it != by_name_.end()) {
    std::size_t position = it->second;
    for (const std::string& domain : vendors_[position].domains) {
      auto owner = by_domain_.find(domain);
      if (owner != by_domain_.end() && owner->second == position) by_domain_.erase(owner);
    }
    vendors_[position] = std::move(vendor);
    index(position);
    return;
  }
  vendors_.push_back(std::move(vendor));
  index(vendors_.size() - 1);
}

void Catalogue::remove(std::string_view name) {
  auto it = by_name_.find(lower_ascii(name));
  if (it == by_name_.end()) return;
  vendors_.erase(vendors_.begin() + static_cast<std::ptrdiff_t>(it->second));
  by_name_.clear();
  by_domain_.clear();
  for (std::size_t position = 0; position < vendors_.size(); ++position) index(position);
}

void Catalogue::index(std::size_t position) {
  const VendorEntry& vendor = vendors_[position];
  by_name_[lower_ascii(vendor.name)] = position;
  for (const std::string& domain : vendor.domains) by_domain_[domain] = position;
}

const VendorEntry* Catalogue::find_by_host(std::string_view host) const {
  if (by_domain_.empty()) return nullptr;
  std::string key = lower_ascii(host);
  while (!key.empty() && key.back() == '.') key.pop_back();
  // Longest suffix first: the host itself, then each parent at a label boundary.
  std::string_view suffix = key;
  while (!suffix.empty()) {
    if (auto it = by_domain_.find(std::string(suffix)); it != by_domain_.end()) {
      return &vendors_[it->second];
    }
    std::size_t dot = suffix.find('.');
    if (dot == std::string_view::npos) break;
    suffix.remove_prefix(dot + 1);
  }
  return nullptr;
}

const VendorEntry* Catalogue::find_by_name(std::string_view name) const {
  auto it = by_name_.find(lower_ascii(name));
  return it == by_name_.end() ? nullptr : &vendors_[it->second];
}

std::vector<std::string> Catalogue::closest_names(std::string_view name, std::size_t count) const {
  std::string wanted = lower_ascii(name);
  std::vector<std::pair<std::size_t, const std::string*>> scored;
  scored.reserve(vendors_.size());
  for (const VendorEntry& vendor : vendors_) {
    std::string candidate = lower_ascii(vendor.name);
    std::size_t score = edit_distance(wanted, candidate);
    // A name that contains the query (or the reverse) is a better hint than a near spelling.
    if (!wanted.empty() && (candidate.find(wanted) != std::string::npos ||
                            wanted.find(candidate) != std::string::npos)) {
      score = score / 4;
    }
    scored.emplace_back(score, &vendor.name);
  }
  std::size_t keep = std::min(count, scored.size());
  std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(keep),
                    scored.end(), [](const auto& a, const auto& b) {
                      return a.first != b.first ? a.first < b.first : *a.second < *b.second;
                    });
  std::vector<std::string> out;
  for (std::size_t i = 0; i < keep; ++i) out.push_back(*scored[i].second);
  return out;
}

}  // namespace tw
