// Governance page rules: every tag held against the sanctioned stack (TW100, TW101, TW102,
// TW104) and tags loaded twice (TW106).
#include <algorithm>
#include <set>

#include "model/url.h"
#include "rules/rule_support.h"

namespace tw {
namespace {

bool ids_equal(std::string_view a, std::string_view b) {
  return lower_ascii(a) == lower_ascii(b);
}

// "GTM-ABC123" -> "gtm", "G-XYZ" -> "g", "123456789" -> "#": the kind of id, so a vendor that
// sanctions GTM containers is only checked against other GTM containers.
std::string id_family(std::string_view id) {
  std::size_t dash = id.find('-');
  if (dash != std::string_view::npos && dash > 0 && dash <= 4) {
    return lower_ascii(id.substr(0, dash));
  }
  bool numeric = !id.empty() && id.find_first_not_of("0123456789") == std::string_view::npos;
  return numeric ? "#" : "*";
}

void check_unsanctioned_vendor(const RuleInfo& rule, const PageFacts& page,
                               std::vector<Finding>& out) {
  const SanctionedStack& policy = *page.policy();
  std::set<std::string> reported;
  for (const Tag& tag : page.analysis.tags) {
    std::string vendor = page.vendor_of(tag);
    if (vendor.empty() || !loads_content(tag) || page.is_own(tag)) continue;
    if (!reported.insert(lower_ascii(vendor)).second) continue;
    // A forbidden vendor gets the stronger TW104 instead.
    if (find_forbidden(policy, vendor, page.category_of(tag), page.path)) continue;
    const SanctionedVendor* sanctioned = find_sanctioned(policy, vendor, tag.host);
    std::string message;
    if (sanctioned == nullptr) {
      message = vendor + " is not in the sanctioned stack";
    } else if (!sanctioned_on_path(policy, *sanctioned, page.path)) {
      std::string where;
      for (const std::string& p : sanctioned->paths) where += (where.empty() ? "" : ", ") + p;
      message = vendor + " is sanctioned only on " + where + ", not on " + page.path;
    } else {
      continue;
    }
    out.push_back(tag_finding(rule, page, tag, message, tag.url, {lower_ascii(vendor)}));
  }
}

void check_unknown_host(const RuleInfo& rule, const PageFacts& page, std::vector<Finding>& out) {
  std::set<std::string> reported;
  for (const Tag& tag : page.analysis.tags) {
    if (!loads_content(tag) || tag.host.empty() || page.is_own(tag)) continue;
    if (!page.vendor_of(tag).empty() || !reported.insert(tag.host).second) continue;
    out.push_back(tag_finding(rule, page, tag,
                              tag.host + " is a third-party host that neither the catalogue nor "
                                         "the policy explains",
                              tag.url, {tag.host}));
  }
}

void check_unsanctioned_tag_id(const RuleInfo& rule, const PageFacts& page,
                               std::vector<Finding>& out) {
  const SanctionedStack& policy = *page.policy();
  std::set<std::string> reported;
  for (const Tag& tag : page.analysis.tags) {
    if (tag.ids.empty()) continue;
    std::string vendor = page.vendor_of(tag);
    const SanctionedVendor* sanctioned = find_sanctioned(policy, vendor, tag.host);
    if (sanctioned == nullptr || sanctioned->allowed_ids.empty()) continue;
    std::set<std::string> families;
    for (const std::string& allowed : sanctioned->allowed_ids) families.insert(id_family(allowed));
    for (const std::string& id : tag.ids) {
      if (!families.count(id_family(id))) continue;
      bool allowed = false;
      for (const std::string& a : sanctioned->allowed_ids) allowed = allowed || ids_equal(a, id);
      if (allowed || !reported.insert(sanctioned->name + "\n" + id).second) continue;
      std::string list;
      for (const std::string& a : sanctioned->allowed_ids) list += (list.empty() ? "" : ", ") + a;
      out.push_back(tag_finding(rule, page, tag,
                                sanctioned->name + " loads " + id +
                                    ", which is not among its sanctioned ids (" + list + ")",
                                id, {lower_ascii(sanctioned->name), id}));
    }
  }
}

void check_forbidden_vendor(const RuleInfo& rule, const PageFacts& page,
                            std::vector<Finding>& out) {
  std::set<std::string> reported;
  for (const Tag& tag : page.analysis.tags) {
    std::string vendor = page.vendor_of(tag);
    if (vendor.empty() || !loads_content(tag) || page.is_own(tag)) continue;
    std::string category = page.category_of(tag);
    const ForbiddenEntry* forbidden = find_forbidden(*page.policy(), vendor, category, page.path);
    if (forbidden == nullptr || !reported.insert(lower_ascii(vendor)).second) continue;
    std::string what = forbidden->vendor.empty() ? category + " vendor " + vendor : vendor;
    std::string message = what + " is forbidden on " + page.path + " by the policy (line " +
                          std::to_string(forbidden->where.line) + ")";
    if (!forbidden->reason.empty()) message += ": " + forbidden->reason;
    out.push_back(tag_finding(rule, page, tag, message, tag.url, {lower_ascii(vendor)}));
  }
}

// A script and a snippet that loads the same URL are one load; images and pixels likewise.
std::string_view load_group(TagKind kind) {
  switch (kind) {
    case TagKind::script:
    case TagKind::inline_snippet:
      return "script";
    case TagKind::img:
    case TagKind::pixel:
      return "image";
    default:
      return to_string(kind);
  }
}

void check_duplicate_tag(const RuleInfo& rule, const PageFacts& page, std::vector<Finding>& out) {
  std::set<std::string> seen, reported;
  for (const Tag& tag : page.analysis.tags) {
    if (!loads_content(tag) || tag.in_noscript || loaded_by_other_code(tag.initiator) ||
        tag.initiator == Initiator::runtime) {
      continue;
    }
    // Inline snippets carry their family's canonical URL, not a load of their own: they count
    // as a load only through an id (the same container or pixel initialised twice, or a snippet
    // and a <script src> for the same id-specific URL).
    std::vector<std::string> keys;
    std::string url = normalize_url(tag.url).value_or(tag.url);
    if (tag.kind == TagKind::inline_snippet) {
      bool url_names_id = std::any_of(tag.ids.begin(), tag.ids.end(), [&](const std::string& id) {
        return tag.url.find(id) != std::string::npos;
      });
      if (url_names_id) keys.push_back("script " + url);
      for (const std::string& id : tag.ids) {
        keys.push_back("snippet " + (tag.snippet.empty() ? tag.host : tag.snippet) + " " + id);
      }
    } else if (!tag.url.empty()) {
      keys.push_back(std::string(load_group(tag.kind)) + " " + url);
    }
    for (const std::string& key : keys) {
      if (seen.insert(key).second || !reported.insert(key).second) continue;
      out.push_back(tag_finding(
          rule, page, tag,
          "the same tag is loaded more than once on this page: " + key.substr(key.find(' ') + 1),
          key.substr(key.find(' ') + 1), {key}));
      break;
    }
  }
}

}  // namespace

extern const Rule kUnsanctionedVendorRule{
    {"TW100", "unsanctioned-vendor", "governance", "Unsanctioned vendor on a page",
     Severity::medium,
     "A page loads a vendor that the sanctioned stack does not list, or lists only for other "
     "paths. Every vendor on a page can read what visitors do there; each one should have an "
     "owner and a purpose someone agreed to.",
     "Either sanction the vendor in the policy (with an owner, a purpose, its tag ids and the "
     "paths where it belongs) or remove the tag, usually from the tag manager container.",
     true},
    &check_unsanctioned_vendor};

extern const Rule kUnknownHostRule{
    {"TW101", "unknown-host", "governance", "Third-party host nobody explains", Severity::low,
     "A page loads from a third-party host that neither the vendor catalogue nor the policy "
     "attributes to a vendor: nobody can say who runs it or why it is there.",
     "Find out who operates the host. Add it to a sanctioned vendor's hosts, declare it under "
     "custom_vendors, list your own domains under site.domains, or remove the reference.",
     true},
    &check_unknown_host};

extern const Rule kUnsanctionedTagIdRule{
    {"TW102", "unsanctioned-tag-id", "governance", "Sanctioned vendor, unsanctioned tag ID",
     Severity::high,
     "A sanctioned vendor loads with an account, container or property id the policy does not "
     "list: a stray GA property, a second GTM container, an agency's pixel. Data flows to an "
     "account the company may not control. Only ids of the same kind as the listed ones are "
     "checked (GTM-... against GTM-..., G-... against G-...).",
     "Remove the stray id from the site or the container, or add it to the vendor's ids in the "
     "policy if it is legitimately yours.",
     true},
    &check_unsanctioned_tag_id};

extern const Rule kForbiddenVendorRule{
    {"TW104", "forbidden-vendor", "governance", "Vendor or category forbidden on this page",
     Severity::high,
     "The policy forbids this vendor, or every vendor of its category, on pages like this one "
     "(for example advertising pixels on /checkout/** or /account/**).",
     "Remove the tag from these pages: add an exception for these paths in the tag manager "
     "trigger, or move the tag to the templates where it is allowed.",
     true},
    &check_forbidden_vendor};

extern const Rule kDuplicateTagRule{
    {"TW106", "duplicate-tag", "governance", "The same tag loaded twice on a page", Severity::low,
     "A page loads the same script, pixel or frame URL twice, or initialises the same snippet "
     "with the same id twice. Duplicate tags double-count page views and conversions and cost "
     "load time.",
     "Keep one copy: usually the hard-coded snippet duplicates what the tag manager already "
     "loads."},
    &check_duplicate_tag};

}  // namespace tw
