// Security page rules that read one tag at a time: missing Subresource Integrity on versioned
// files (TW300), plain http (TW302), known compromised or abandoned hosts (TW303) and frames
// without sandbox (TW307).
#include <set>

#include "catalogue/compromised_domains.h"
#include "model/url.h"
#include "rules/rule_support.h"

namespace tw {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// A URL whose path names a release ("/jquery/3.6.0/", "@5.3.2/", "lib-1.2.min.js", "/v2.1/"):
// its bytes should never change, so an integrity hash can pin them.
bool is_versioned(std::string_view url) {
  std::string path = url_path(url);
  path = path.substr(0, path.find('?'));
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (!is_digit(path[i]) || (i > 0 && is_digit(path[i - 1]))) continue;
    char before = i > 0 ? path[i - 1] : '/';
    if (before == 'v' && i > 1) before = path[i - 2];
    if (before != '/' && before != '@' && before != '-' && before != '.' && before != '_') continue;
    std::size_t j = i;
    int dots = 0;
    while (j < path.size() && (is_digit(path[j]) || path[j] == '.')) {
      if (path[j] == '.') {
        if (j + 1 >= path.size() || !is_digit(path[j + 1])) break;
        ++dots;
      }
      ++j;
    }
    if (dots >= 1) return true;
  }
  return false;
}

void check_missing_integrity(const RuleInfo& rule, const PageFacts& page,
                             std::vector<Finding>& out) {
  for (const Tag& tag : page.analysis.tags) {
    if ((tag.kind != TagKind::script && tag.kind != TagKind::stylesheet) ||
        tag.initiator != Initiator::parser || page.is_own(tag) || !is_http_url(tag.url)) {
      continue;
    }
    if (!tag.attribute("integrity").empty() || !is_versioned(tag.url)) continue;
    out.push_back(tag_finding(rule, page, tag,
                              "versioned third-party " + std::string(to_string(tag.kind)) +
                                  " from " + tag.host + " has no integrity attribute",
                              tag.url, {tag.url}));
  }
}

void check_insecure_transport(const RuleInfo& rule, const PageFacts& page,
                              std::vector<Finding>& out) {
  bool page_secure = page.url.starts_with("https://");
  std::set<std::string> reported;
  for (const Tag& tag : page.analysis.tags) {
    if (!tag.url.starts_with("http://") || !loads_content(tag)) continue;
    if (!reported.insert(tag.url).second) continue;
    Finding finding =
        tag_finding(rule, page, tag,
                    std::string(page_secure ? "mixed content: " : "") + "third-party " +
                        std::string(to_string(tag.kind)) + " from " + tag.host +
                        " is loaded over plain http, so anyone on the network can change it",
                    tag.url, {tag.url});
    if (!page_secure) finding.severity = Severity::medium;
    out.push_back(std::move(finding));
  }
}

void check_compromised_domain(const RuleInfo& rule, const PageFacts& page,
                              std::vector<Finding>& out) {
  const CompromisedDomains& list = CompromisedDomains::builtin();
  std::set<std::string> reported;
  for (const Tag& tag : page.analysis.tags) {
    const CompromisedHost* entry = list.find(tag.host);
    if (entry == nullptr || !reported.insert(tag.host).second) continue;
    std::string evidence = tag.host + " (" + entry->status;
    if (!entry->since.empty()) evidence += " since " + entry->since;
    if (!entry->sources.empty()) evidence += "; " + entry->sources.front();
    evidence += ")";
    Finding finding = tag_finding(
        rule, page, tag, tag.host + " is a known " + entry->status + " host: " + entry->summary,
        evidence, {tag.host});
    finding.severity = entry->severity;
    // A script from such a host on a payment page is the mark of a card skimmer.
    bool runs = tag.kind == TagKind::script || tag.kind == TagKind::inline_snippet;
    if (page.analysis.payment_page && runs) {
      finding.severity = Severity::critical;
      finding.message = "skimmer indicator on a payment page: " + finding.message;
    }
    out.push_back(std::move(finding));
  }
}

void check_unsandboxed_iframe(const RuleInfo& rule, const PageFacts& page,
                              std::vector<Finding>& out) {
  std::set<std::string> reported;
  for (const Tag& tag : page.analysis.tags) {
    if (tag.kind != TagKind::iframe || tag.in_noscript || tag.has_attribute("sandbox") ||
        page.is_own(tag) || !reported.insert(tag.url).second) {
      continue;
    }
    out.push_back(tag_finding(rule, page, tag,
                              "third-party iframe from " + tag.host + " has no sandbox attribute",
                              tag.url, {tag.url}));
  }
}

}  // namespace

extern const Rule kMissingIntegrityRule{
    {"TW300", "missing-integrity", "security",
     "Versioned third-party script or stylesheet without Subresource Integrity", Severity::medium,
     "A script or stylesheet from a third party is pinned to a version in its URL (a CDN path "
     "like /3.6.0/ or @5.3.2) but has no integrity attribute, so the browser runs whatever the "
     "host serves today. Unversioned vendor tags that change by design are not reported.",
     "Add integrity=\"sha384-...\" and crossorigin=\"anonymous\" (the CDN usually shows the hash), "
     "or self-host the file."},
    &check_missing_integrity};

extern const Rule kInsecureTransportRule{
    {"TW302", "insecure-transport", "security", "Third-party resource over plain http",
     Severity::high,
     "A tag loads over http://. On an https page this is mixed content (blocked, or a hole "
     "anyone on the network can use to change the page); on an http page it is reported as "
     "medium.",
     "Use the https:// URL (every major vendor serves one), or remove the tag."},
    &check_insecure_transport};

extern const Rule kCompromisedDomainRule{
    {"TW303", "compromised-domain", "security",
     "Resource from a known compromised or abandoned domain", Severity::critical,
     "A tag loads from a host known to serve malicious code (the polyfill.io supply-chain attack "
     "and its sister CDNs, Magecart skimmer hosts) or from an abandoned service whose domain "
     "anyone could take over. The list ships with tagwarden, dated and with sources. A script from "
     "such a host on a payment page (policy payment_pages) is a skimmer indicator: critical.",
     "Remove the reference now. For polyfill.io, modern browsers need no polyfill service; if "
     "you must, use a trusted mirror (cdnjs.cloudflare.com/polyfill) or self-host."},
    &check_compromised_domain};

extern const Rule kUnsandboxedIframeRule{
    {"TW307", "iframe-without-sandbox", "security", "Third-party iframe without sandbox",
     Severity::low,
     "A third-party iframe has no sandbox attribute, so the framed page may run scripts, open "
     "pop-ups and navigate the top window with the vendor's full privileges. Frames inside "
     "<noscript> are not reported.",
     "Add sandbox with only the permissions the embed needs (for example "
     "sandbox=\"allow-scripts allow-same-origin allow-popups\")."},
    &check_unsandboxed_iframe};

}  // namespace tw
