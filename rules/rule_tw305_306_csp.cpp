// Content-Security-Policy rules: a page without a script policy or with one that allows any
// script (TW305), and a policy that would block a sanctioned tag or allows hosts nobody sanctioned
// (TW306). Header and <meta> policies are both enforced by browsers, so both are checked.
#include <set>
#include <sstream>

#include "model/domain.h"
#include "model/url.h"
#include "rules/rule_support.h"

namespace tw {
namespace {

struct Directive {
  std::string name;
  std::vector<std::string> sources;
};

std::vector<Directive> parse_csp(std::string_view text) {
  std::vector<Directive> directives;
  std::set<std::string> seen;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(';', start);
    std::string part(text.substr(start, end == std::string_view::npos ? text.npos : end - start));
    std::istringstream words(part);
    Directive directive;
    if (words >> directive.name) {
      directive.name = lower_ascii(directive.name);
      for (std::string word; words >> word;) directive.sources.push_back(word);
      // Browsers ignore a repeated directive; so do we.
      if (seen.insert(directive.name).second) directives.push_back(std::move(directive));
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return directives;
}

// The source list that governs <script src>: script-src-elem, else script-src, else default-src.
const Directive* script_directive(const std::vector<Directive>& directives) {
  for (std::string_view name : {"script-src-elem", "script-src", "default-src"}) {
    for (const Directive& d : directives) {
      if (d.name == name) return &d;
    }
  }
  return nullptr;
}

bool has_source(const Directive& d, std::string_view prefix) {
  for (const std::string& s : d.sources) {
    if (lower_ascii(s).starts_with(prefix)) return true;
  }
  return false;
}

// The CSP texts in force on the page, with where each came from.
std::vector<std::pair<std::string, std::string>> policies(const PageFacts& page) {
  std::vector<std::pair<std::string, std::string>> out;
  const ContentSecurityPolicy& csp = page.analysis.csp;
  if (!csp.header.empty()) out.emplace_back("header", csp.header);
  if (!csp.meta.empty()) out.emplace_back("meta", csp.meta);
  return out;
}

void check_weak_csp(const RuleInfo& rule, const PageFacts& page, std::vector<Finding>& out) {
  auto present = policies(page);
  if (present.empty()) {
    out.push_back(page_finding(rule, page,
                               "the page has no Content-Security-Policy, so any injected or "
                               "compromised script runs with the page's full privileges",
                               "no Content-Security-Policy header or meta", {"missing"}));
    return;
  }
  std::vector<std::string> weaknesses;
  bool any_script_policy = false;
  for (const auto& [where, text] : present) {
    std::vector<Directive> directives = parse_csp(text);
    const Directive* d = nullptr;
    for (std::string_view name : {"script-src", "default-src"}) {
      for (const Directive& candidate : directives) {
        if (!d && candidate.name == name) d = &candidate;
      }
    }
    if (d == nullptr) continue;
    any_script_policy = true;
    bool strict = has_source(*d, "'strict-dynamic'");
    bool nonce_or_hash = has_source(*d, "'nonce-") || has_source(*d, "'sha");
    for (const std::string& source : d->sources) {
      std::string s = lower_ascii(source);
      if (s == "'unsafe-inline'" && !nonce_or_hash) {
        weaknesses.push_back(where + " " + d->name + " allows 'unsafe-inline'");
      } else if (s == "'unsafe-eval'") {
        weaknesses.push_back(where + " " + d->name + " allows 'unsafe-eval'");
      } else if ((s == "*" || s == "https:" || s == "http:" || s == "data:") && !strict) {
        weaknesses.push_back(where + " " + d->name + " allows any script from " + source);
      }
    }
  }
  if (!any_script_policy) {
    out.push_back(page_finding(rule, page,
                               "the page's Content-Security-Policy does not restrict scripts "
                               "(no script-src or default-src)",
                               present.front().second, {"no-script-src"}));
    out.back().severity = Severity::medium;
    return;
  }
  if (weaknesses.empty()) return;
  std::string evidence;
  for (const std::string& w : weaknesses) evidence += (evidence.empty() ? "" : "; ") + w;
  Finding finding = page_finding(
      rule, page, "the page's Content-Security-Policy is weak for scripts: " + weaknesses.front(),
      evidence, {"weak"});
  finding.severity = Severity::low;
  out.push_back(std::move(finding));
}

// One CSP source expression against a script URL (CSP Level 3 matching, simplified: no port
// wildcard subtleties, path prefix only when the source ends in '/').
bool source_allows(std::string_view source_text, const Url& url, const Url& page_url) {
  std::string source = lower_ascii(source_text);
  if (source == "*") return url.scheme == "http" || url.scheme == "https";
  if (source == "'self'") {
    return url.host == page_url.host && url.port == page_url.port &&
           (url.scheme == page_url.scheme || (page_url.scheme == "http" && url.scheme == "https"));
  }
  if (source.starts_with("'")) return false;  // keywords, nonces and hashes
  if (source.back() == ':') {
    std::string scheme = source.substr(0, source.size() - 1);
    return url.scheme == scheme || (scheme == "http" && url.scheme == "https");
  }
  std::string rest = source;
  std::size_t scheme_end = rest.find("://");
  if (scheme_end != std::string::npos) {
    std::string scheme = rest.substr(0, scheme_end);
    if (!(url.scheme == scheme || (scheme == "http" && url.scheme == "https"))) return false;
    rest = rest.substr(scheme_end + 3);
  } else if (url.scheme != "https" && url.scheme != page_url.scheme) {
    return false;
  }
  std::string path;
  if (std::size_t slash = rest.find('/'); slash != std::string::npos) {
    path = rest.substr(slash);
    rest.resize(slash);
  }
  std::string port;
  if (std::size_t colon = rest.find(':'); colon != std::string::npos) {
    port = rest.substr(colon + 1);
    rest.resize(colon);
  }
  bool host_ok = rest.starts_with("*.")
                     ? url.host.size() > rest.size() - 1 && url.host.ends_with(rest.substr(1))
                     : url.host == rest;
  if (!host_ok) return false;
  if (!port.empty() && port != "*" && port != std::to_string(url.port)) return false;
  if (port.empty() && url.port != 0) return false;
  if (!path.empty()) {
    return path.back() == '/' ? url.path.starts_with(path) : url.path == path;
  }
  return true;
}

// Why the CSP would block this script tag, or empty when it would load.
std::string blocking_policy(const PageFacts& page, const Tag& tag) {
  std::optional<Url> url = parse_url(tag.url);
  std::optional<Url> page_url = parse_url(page.url);
  if (!url || !page_url) return {};
  for (const auto& [where, text] : policies(page)) {
    std::vector<Directive> directives = parse_csp(text);
    const Directive* d = script_directive(directives);
    if (d == nullptr) continue;
    bool allowed = false;
    if (has_source(*d, "'strict-dynamic'")) {
      // Host lists are ignored; a nonce on the tag is what counts.
      allowed = tag.has_attribute("nonce") && has_source(*d, "'nonce-");
    } else {
      for (const std::string& source : d->sources) {
        allowed = allowed || source_allows(source, *url, *page_url);
      }
      allowed = allowed || (tag.has_attribute("nonce") && has_source(*d, "'nonce-"));
    }
    if (!allowed)
      return where + " " + d->name + " " + [&] {
        std::string list;
        for (const std::string& s : d->sources) list += (list.empty() ? "" : " ") + s;
        return list;
      }();
  }
  return {};
}

void check_csp_mismatch(const RuleInfo& rule, const PageFacts& page, std::vector<Finding>& out) {
  auto present = policies(page);
  if (present.empty()) return;
  const SanctionedStack* policy = page.policy();
  std::set<std::string> reported;
  for (const Tag& tag : page.analysis.tags) {
    if (tag.kind != TagKind::script || tag.initiator != Initiator::parser || tag.consent_gated ||
        page.is_own(tag)) {
      continue;
    }
    std::string vendor = page.vendor_of(tag);
    const SanctionedVendor* sanctioned =
        policy ? find_sanctioned(*policy, vendor, tag.host) : nullptr;
    // Blocking an unsanctioned tag is the CSP doing its job.
    if (policy != nullptr &&
        (sanctioned == nullptr || !sanctioned_on_path(*policy, *sanctioned, page.path))) {
      continue;
    }
    std::string blocked_by = blocking_policy(page, tag);
    if (blocked_by.empty() || !reported.insert(tag.host).second) continue;
    std::string who = vendor.empty() ? tag.host : vendor;
    out.push_back(tag_finding(rule, page, tag,
                              "the page's Content-Security-Policy would block " +
                                  std::string(sanctioned ? "sanctioned " : "") + "tag " + who +
                                  " from " + tag.host,
                              blocked_by, {"blocks", tag.host}));
  }
  if (policy == nullptr) return;
  // Host sources in the script policy that no sanctioned vendor or own domain explains.
  std::optional<Url> page_url = parse_url(page.url);
  std::string page_domain = page_url ? registrable_domain(page_url->host) : std::string();
  for (const auto& [where, text] : present) {
    std::vector<Directive> directives = parse_csp(text);
    const Directive* d = script_directive(directives);
    if (d == nullptr) continue;
    for (const std::string& source : d->sources) {
      std::string s = lower_ascii(source);
      if (s.starts_with("'") || s.back() == ':' || s == "*") continue;
      std::string host = s.substr(s.find("://") == std::string::npos ? 0 : s.find("://") + 3);
      host = host.substr(0, host.find_first_of("/:"));
      if (host.starts_with("*.")) host = host.substr(2);
      if (host.empty() || host_in_domain(host, page_domain)) continue;
      bool own = false;
      for (const std::string& domain : policy->own_domains)
        own = own || host_in_domain(host, domain);
      if (own) continue;
      const VendorEntry* entry = page.context.catalogue->find_by_host(host);
      std::string vendor = entry ? entry->name : std::string();
      const SanctionedVendor* sanctioned = find_sanctioned(*policy, vendor, host);
      if (sanctioned != nullptr || !reported.insert("allows " + host).second) continue;
      Finding finding = page_finding(
          rule, page,
          "the page's Content-Security-Policy allows scripts from " + host + " (" +
              (vendor.empty() ? "no sanctioned vendor explains it" : vendor + ", not sanctioned") +
              ")",
          where + " " + d->name + " " + source, {"allows", host});
      finding.severity = Severity::low;
      finding.host = host;
      finding.vendor = vendor;
      out.push_back(std::move(finding));
    }
  }
}

}  // namespace

extern const Rule kWeakCspRule{
    {"TW305", "weak-csp", "security", "Missing or weak Content-Security-Policy for scripts",
     Severity::medium,
     "The page has no Content-Security-Policy (medium), or its script policy allows any script: "
     "'unsafe-inline' without nonces or hashes, 'unsafe-eval', or a wildcard or bare scheme "
     "source (low). A CSP is what limits the damage when a third-party tag is compromised.",
     "Send a Content-Security-Policy header with a script-src that lists the sanctioned vendors' "
     "hosts (or uses nonces with 'strict-dynamic'); start in Report-Only mode to find what "
     "breaks."},
    &check_weak_csp};

extern const Rule kCspMismatchRule{
    {"TW306", "csp-stack-mismatch", "security",
     "CSP blocks a sanctioned tag, or allows an unsanctioned host", Severity::medium,
     "The page's script policy would block a tag the policy sanctions here (the tag is broken "
     "for every visitor; without a policy every blocked tag is reported), or allows scripts from "
     "a host no sanctioned vendor explains (low), which leaves room for a tag nobody approved.",
     "Keep the CSP and the sanctioned stack in step: add the sanctioned vendor's hosts to "
     "script-src, and remove hosts of vendors that are gone."},
    &check_csp_mismatch};

}  // namespace tw
