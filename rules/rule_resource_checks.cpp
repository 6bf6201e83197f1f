// The resource rules TW203, TW301, TW304, TW308, TW403, TW404 and TW405, each its metadata beside
// its check, reading the resource facts on the page's tags; a URL a page loads twice is reported
// once per rule.
#include "rules/rule_resource_checks.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "catalogue/known_libraries.h"
#include "model/domain.h"
#include "model/resource_facts.h"
#include "model/url.h"
#include "rules/rule_support.h"

namespace tw {
namespace {

// tw_rules does not link fmt; these few messages are put together by hand.
std::string whole(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.0f", value);
  return buffer;
}

std::string join(const std::vector<std::string>& items, std::string_view separator,
                 std::size_t limit = 8) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < limit; ++i) {
    if (i) out += separator;
    out += items[i];
  }
  if (items.size() > limit) {
    out += std::string(separator) + "(+" + std::to_string(items.size() - limit) + " more)";
  }
  return out;
}

std::string describe_bytes(std::uint64_t bytes) {
  char buffer[32];
  if (bytes >= 1'000'000) {
    std::snprintf(buffer, sizeof buffer, "%.1f MB", static_cast<double>(bytes) / 1e6);
    return buffer;
  }
  if (bytes >= 1'000) return whole(static_cast<double>(bytes) / 1e3) + " kB";
  return std::to_string(bytes) + " bytes";
}

std::string who(const PageFacts& page, const Tag& tag) {
  std::string vendor = page.vendor_of(tag);
  return vendor.empty() ? tag.host : vendor + " (" + tag.host + ")";
}

// The hosts a complete browser visit of the page requested (sent, not blocked by --offline):
// for those, the cookies the browser kept are the evidence, not the stage's own fetch.
std::set<std::string> hosts_the_browser_reached(const PageAnalysis& page) {
  std::set<std::string> hosts;
  for (const BrowserVisit& visit : page.browser) {
    if (!visit.note.empty()) continue;
    for (const BrowserRequest& request : visit.requests) {
      if (!request.blocked) hosts.insert(request.host);
    }
  }
  return hosts;
}

// The page's tag a browser cookie belongs to: the one from the host of the response that set it,
// else one whose host is inside the cookie's domain.
const Tag* tag_of_cookie(const PageAnalysis& page, const BrowserCookie& cookie) {
  const std::string setter =
      cookie.set_via == "response" ? std::string(url_host(cookie.set_by)) : std::string();
  std::string_view domain = cookie.domain;
  if (!domain.empty() && domain.front() == '.') domain.remove_prefix(1);
  const Tag* inside = nullptr;
  for (const Tag& tag : page.tags) {
    if (!setter.empty() && tag.host == setter) return &tag;
    if (inside == nullptr && !tag.host.empty() && host_in_domain(tag.host, domain)) inside = &tag;
  }
  return inside;
}

// TW203 from the browser pass: third-party cookies the rendered page kept before any consent
// decision, one finding per tag that set them.
void browser_third_party_cookies(const RuleInfo& rule, const PageFacts& page,
                                 std::vector<Finding>& out) {
  std::map<const Tag*, std::vector<const BrowserCookie*>> by_tag;
  std::set<std::string> seen;  // name and domain
  for (const BrowserVisit& visit : page.analysis.browser) {
    if (!visit.note.empty()) continue;
    for (const BrowserCookie& cookie : visit.cookies) {
      if (!cookie.third_party || cookie.after_consent) continue;
      const Tag* tag = tag_of_cookie(page.analysis, cookie);
      if (tag == nullptr || page.is_own(*tag) ||
          !seen.insert(cookie.name + "\n" + cookie.domain).second)
        continue;
      by_tag[tag].push_back(&cookie);
    }
  }
  for (const auto& [tag, cookies] : by_tag) {
    std::vector<std::string> names, evidence;
    for (const BrowserCookie* cookie : cookies) {
      names.push_back(cookie->name);
      evidence.push_back(cookie->name + " (domain " + cookie->domain +
                         (cookie->set_by.empty() ? "" : ", set by " + cookie->set_by) + ")");
    }
    out.push_back(
        tag_finding(rule, page, *tag,
                    who(page, *tag) + " sets " + std::to_string(names.size()) +
                        (names.size() == 1 ? " third-party cookie" : " third-party cookies") +
                        " in headless Chromium when this page loads: " + join(names, ", "),
                    "browser: " + join(evidence, " | "), {tag->url}));
  }
}

void third_party_cookie(const RuleInfo& rule, const PageFacts& page,
                        const std::vector<FetchedTag>& tags, const ResourceBudgets&,
                        std::vector<Finding>& out) {
  browser_third_party_cookies(rule, page, out);
  const std::set<std::string> browser_hosts = hosts_the_browser_reached(page.analysis);
  std::set<std::string> seen;
  for (const auto& [tag, facts] : tags) {
    if (facts.set_cookies.empty() || browser_hosts.contains(tag->host) ||
        !seen.insert(tag->url).second)
      continue;
    std::vector<std::string> names;
    for (const auto& cookie : facts.set_cookies)
      names.push_back(cookie.substr(0, cookie.find(';')));
    out.push_back(tag_finding(rule, page, *tag,
                              who(page, *tag) + " sets " + std::to_string(names.size()) +
                                  (names.size() == 1 ? " cookie" : " cookies") +
                                  " when this page loads " + tag->url + ": " + join(names, ", "),
                              "Set-Cookie: " + join(facts.set_cookies, " | "), {tag->url}));
  }
}

void integrity_mismatch(const RuleInfo& rule, const PageFacts& page,
                        const std::vector<FetchedTag>& tags, const ResourceBudgets&,
                        std::vector<Finding>& out) {
  std::set<std::string> seen;
  for (const auto& [tag, facts] : tags) {
    if (facts.integrity != "mismatch" || !seen.insert(tag->url).second) continue;
    out.push_back(tag_finding(
        rule, page, *tag,
        "The integrity attribute of " + tag->url + " does not match the file " + tag->host +
            " serves: browsers refuse to run it, or the file changed underneath you (it now "
            "hashes to " +
            facts.integrity_actual + ")",
        "integrity=\"" + std::string(tag->attribute("integrity")) +
            "\"; served bytes: " + facts.integrity_actual,
        {tag->url}));
  }
}

void vulnerable_library(const RuleInfo& rule, const PageFacts& page,
                        const std::vector<FetchedTag>& tags, const ResourceBudgets&,
                        std::vector<Finding>& out) {
  const LibraryRepository& repository = LibraryRepository::builtin();
  std::set<std::string> seen;
  for (const auto& [tag, facts] : tags) {
    for (const auto& library : facts.libraries) {
      if (!seen.insert(tag->url + " " + library.name + "@" + library.version).second) continue;
      auto advisories = repository.advisories(library.name, library.version);
      if (advisories.empty()) continue;
      Severity worst = Severity::info;
      std::vector<std::string> ids;
      std::vector<std::string> details;
      std::string fixed_in;
      for (const LibraryAdvisory* advisory : advisories) {
        worst = std::max(worst, advisory->severity);
        for (const auto& id : advisory->ids) {
          if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
        }
        details.push_back((advisory->ids.empty() ? std::string("advisory") : advisory->ids[0]) +
                          " [" + std::string(to_string(advisory->severity)) + "] " +
                          advisory->summary.substr(0, 120));
        // "2.999.999"-style bounds mark end of life, not a fixed release.
        if (advisory->below.find("999") == std::string::npos &&
            (fixed_in.empty() || compare_library_versions(advisory->below, fixed_in) > 0)) {
          fixed_in = advisory->below;
        }
      }
      Finding finding = tag_finding(
          rule, page, *tag,
          library.name + " " + library.version + " has " + std::to_string(advisories.size()) +
              (advisories.size() == 1 ? " known vulnerability" : " known vulnerabilities") +
              (ids.empty() ? "" : " (" + join(ids, ", ", 12) + ")") +
              (fixed_in.empty() ? "" : "; upgrade to " + fixed_in + " or later"),
          library.name + " " + library.version + " detected by " + library.detection + " in " +
              tag->url + "; " + join(details, "; ", 12),
          {tag->url, library.name, library.version});
      finding.severity = worst;  // the advisories' own rating beats the rule's default
      out.push_back(std::move(finding));
    }
  }
}

// "5 references on 3 pages".
std::string host_reach(const ResourceFacts& facts) {
  return std::to_string(facts.host_references) +
         (facts.host_references == 1 ? " reference" : " references") + " on " +
         std::to_string(facts.host_pages) + (facts.host_pages == 1 ? " page" : " pages");
}

// Once per host for the whole scan: the stage puts the host's reach on the first page naming it.
// A missing name under a registered domain is a dead reference more than a takeover.
void dangling_host(const RuleInfo& rule, const PageFacts& page, const std::vector<FetchedTag>& tags,
                   const ResourceBudgets&, std::vector<Finding>& out) {
  std::set<std::string> seen;
  for (const auto& [tag, facts] : tags) {
    if (!facts.host_nxdomain || facts.host_pages == 0 || !seen.insert(tag->host).second) continue;
    const std::string domain = registrable_domain(tag->host);
    const std::string reach = host_reach(facts);
    std::string message =
        facts.domain_unregistered
            ? tag->host + " does not exist and " + domain +
                  " is not registered (no SOA or NS): whoever registers it could serve content "
                  "to this page through " +
                  tag->url
            : tag->host + " does not exist (NXDOMAIN; " + domain + " is registered): " + tag->url +
                  " loads nothing";
    std::string evidence = facts.error_detail +
                           (facts.domain_unregistered ? "; " + domain + ": no SOA or NS" : "") +
                           "; " + reach;
    Finding finding =
        tag_finding(rule, page, *tag, message + " (" + reach + ")", evidence, {tag->host});
    if (!facts.domain_unregistered) finding.severity = Severity::medium;
    out.push_back(std::move(finding));
  }
}

void bytes_budget(const RuleInfo& rule, const PageFacts& page, const std::vector<FetchedTag>& tags,
                  const ResourceBudgets& budgets, std::vector<Finding>& out) {
  std::set<std::string> seen;
  std::uint64_t total = 0;
  std::vector<std::pair<std::uint64_t, std::string>> largest;
  for (const auto& [tag, facts] : tags) {
    if (facts.resolve_only || facts.status == 0 || !seen.insert(tag->url).second) continue;
    total += facts.transfer_bytes;
    largest.emplace_back(facts.transfer_bytes, tag->url);
  }
  if (total <= budgets.third_party_bytes_per_page) return;
  std::sort(largest.rbegin(), largest.rend());
  std::vector<std::string> top;
  for (std::size_t i = 0; i < largest.size() && i < 3; ++i) {
    top.push_back(describe_bytes(largest[i].first) + " " + largest[i].second);
  }
  out.push_back(page_finding(rule, page,
                             "Third-party resources on this page weigh " + describe_bytes(total) +
                                 " on the wire (" + std::to_string(seen.size()) +
                                 " resources), over the budget of " +
                                 describe_bytes(budgets.third_party_bytes_per_page),
                             "largest: " + join(top, "; "), {}));
}

void slow_response(const RuleInfo& rule, const PageFacts& page, const std::vector<FetchedTag>& tags,
                   const ResourceBudgets& budgets, std::vector<Finding>& out) {
  std::set<std::string> seen;
  for (const auto& [tag, facts] : tags) {
    if (facts.resolve_only || facts.status == 0) continue;
    if (facts.total_ms <= budgets.slow_response_ms || !seen.insert(tag->url).second) continue;
    out.push_back(tag_finding(rule, page, *tag,
                              who(page, *tag) + " took " + whole(facts.total_ms) + " ms to serve " +
                                  tag->url + " (first byte after " + whole(facts.ttfb_ms) +
                                  " ms; threshold " + whole(budgets.slow_response_ms) + " ms)",
                              "total " + whole(facts.total_ms) + " ms, time to first byte " +
                                  whole(facts.ttfb_ms) + " ms",
                              {tag->url}));
  }
}

bool is_script(const Tag& tag, const ResourceFacts& facts) {
  std::string type = lower_ascii(facts.content_type);
  if (type.find("javascript") != std::string::npos ||
      type.find("ecmascript") != std::string::npos) {
    return true;
  }
  return tag.kind == TagKind::script && (type.empty() || type.starts_with("text/plain") ||
                                         type.starts_with("application/octet-stream"));
}

// Why a response cannot be cached by the browser, or empty when it can.
std::string uncacheable_reason(const ResourceFacts& facts) {
  std::string cache = lower_ascii(facts.cache_control);
  if (cache.find("no-store") != std::string::npos) return "Cache-Control: no-store";
  if (cache.find("no-cache") != std::string::npos && !facts.has_validator) {
    return "Cache-Control: no-cache without ETag or Last-Modified";
  }
  if (cache.find("max-age=0") != std::string::npos && !facts.has_validator) {
    return "Cache-Control: max-age=0 without ETag or Last-Modified";
  }
  if (cache.empty() && facts.expires.empty() && !facts.has_validator) {
    return "no Cache-Control, Expires, ETag or Last-Modified";
  }
  return {};
}

void uncompressed_or_uncacheable(const RuleInfo& rule, const PageFacts& page,
                                 const std::vector<FetchedTag>& tags,
                                 const ResourceBudgets& budgets, std::vector<Finding>& out) {
  std::set<std::string> seen;
  for (const auto& [tag, facts] : tags) {
    if (!facts.fetched() || facts.status < 200 || facts.status >= 300) continue;
    if (!is_script(*tag, facts) || !seen.insert(tag->url).second) continue;
    std::vector<std::string> reasons;
    if (facts.content_encoding.empty() && facts.decoded_bytes >= budgets.compressible_bytes) {
      reasons.push_back("served uncompressed (" + describe_bytes(facts.decoded_bytes) + ")");
    }
    if (std::string why = uncacheable_reason(facts); !why.empty()) {
      reasons.push_back("uncacheable (" + why + ")");
    }
    if (reasons.empty()) continue;
    out.push_back(tag_finding(
        rule, page, *tag, tag->url + " is " + join(reasons, " and "),
        "Content-Encoding: " +
            (facts.content_encoding.empty() ? "(none)" : facts.content_encoding) +
            "; Cache-Control: " + (facts.cache_control.empty() ? "(none)" : facts.cache_control),
        {tag->url}));
  }
}

}  // namespace

ResourceBudgets resource_budgets(const RuleContext& context) {
  ResourceBudgets budgets;
  if (context.policy == nullptr || !context.policy->details) return budgets;
  const Budgets& set = context.policy->details->budgets;
  if (set.third_party_bytes_per_page) {
    budgets.third_party_bytes_per_page = *set.third_party_bytes_per_page;
  }
  if (set.slow_response_ms) budgets.slow_response_ms = *set.slow_response_ms;
  return budgets;
}

extern const Rule kThirdPartyCookieRule{
    {"TW203", "third-party-cookie", "privacy", "Third-party cookie set by a fetched resource",
     Severity::medium,
     "A fetched third-party resource answered with Set-Cookie for its own domain or, when the "
     "browser pass rendered the page (--browser), the page kept a third-party cookie before any "
     "consent decision; then the cookies Chromium kept are the evidence for the hosts it "
     "reached, and the fetch's Set-Cookie only for the others. Cookies "
     "identify visitors across sites and need consent under GDPR/ePrivacy.",
     "Gate the tag behind the consent manager or configure the vendor for cookieless operation."},
    &third_party_cookie};

extern const Rule kIntegrityMismatchRule{
    {"TW301", "integrity-mismatch", "security", "Integrity attribute does not match the file",
     Severity::critical,
     "The integrity hash on a script or stylesheet does not match the bytes the vendor serves: "
     "browsers refuse to run it, or the file changed underneath you.",
     "Find out why the file changed; if the change is legitimate, pin the new version and update "
     "the hash."},
    &integrity_mismatch};

extern const Rule kVulnerableLibraryRule{
    {"TW304", "vulnerable-library", "security", "Known-vulnerable JavaScript library version",
     Severity::high,
     "A script matches a library version with published vulnerabilities (retire.js data).",
     "Upgrade the library to a fixed version, or remove it."},
    &vulnerable_library};

extern const Rule kDanglingHostRule{
    {"TW308", "dangling-host", "security", "Third-party host does not exist in DNS", Severity::high,
     "Pages reference a third-party host that DNS proves missing (NXDOMAIN); reported once per "
     "host, on the first page naming it, with the number of pages and references. High when its "
     "registrable domain has no SOA or NS record: whoever registers the domain can serve code to "
     "your visitors (domain takeover). Medium when the domain is registered. A host that only "
     "fails to resolve (SERVFAIL, timeout, no resolver) is never reported.",
     "Remove the reference, or take ownership of the domain."},
    &dangling_host};

extern const Rule kThirdPartyBytesRule{
    {"TW403", "third-party-bytes", "performance", "Third-party bytes per page over the budget",
     Severity::low,
     "The third-party resources a page loads add up to more bytes on the wire than the budget "
     "(budgets.third_party_bytes_per_page, default 1 MB).",
     "Remove unused tags, load heavy ones on interaction, or raise the budget deliberately."},
    &bytes_budget};

extern const Rule kSlowThirdPartyRule{
    {"TW404", "slow-third-party", "performance", "Slow third-party response", Severity::low,
     "A third-party resource took longer than the threshold to answer "
     "(budgets.slow_response_ms, default 2000 ms).",
     "Load it asynchronously, self-host it, or ask the vendor about their CDN."},
    &slow_response};

extern const Rule kUncompressedOrUncacheableRule{
    {"TW405", "uncompressed-or-uncacheable", "performance",
     "Third-party script served uncompressed or uncacheable", Severity::low,
     "A third-party script was served without compression or with headers that forbid caching.",
     "Ask the vendor to fix their delivery, or self-host a cached copy."},
    &uncompressed_or_uncacheable};

}  // namespace tw
